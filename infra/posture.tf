# The posture scan (SPEC §11, docs/posture.md): once a day Cloud Scheduler
# calls POST /jobs/posture; runwarden reads Cloud Asset Inventory at each
# posture.scope entry — read-only: SearchAllResources and SearchAllIamPolicies,
# nothing else — and keeps its findings in Firestore.
#
# Permissions, the narrowest that work (src/adapters/gcp/permissions.ts lists
# them; test/unit/infra/customRole.test.ts holds this file to that list):
# - at each scope: a custom role with exactly cloudasset.assets.searchAllResources
#   and cloudasset.assets.searchAllIamPolicies. Custom roles live in a project
#   or an organization, so a project scope gets a project role and folder or
#   organization scopes share one organization role. (The narrowest predefined
#   role, roles/cloudasset.viewer, also grants export, list, history and
#   analysis of every asset: more than the scan needs.)
# - in runwarden's own project: serviceusage.services.use, which every Cloud
#   Asset Inventory call needs on the project that calls it
#   (https://cloud.google.com/asset-inventory/docs/access-control), through the
#   predefined roles/serviceusage.serviceUsageConsumer (read-only), and the
#   Cloud Asset API enabled.

variable "posture_scopes" {
  description = "The policy's posture.scope (SPEC §5): projects/PROJECT_ID, folders/FOLDER_NUMBER or organizations/ORGANIZATION_NUMBER. runwarden gets read-only Asset Inventory search there and a daily scan. Empty: no posture scan, no role, no job."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for scope in var.posture_scopes : can(regex("^(projects/[a-z][-a-z0-9]{4,28}[a-z0-9]|folders/[0-9]{1,20}|organizations/[0-9]{1,20})$", scope))])
    error_message = "Each posture_scopes entry must be projects/PROJECT_ID, folders/FOLDER_NUMBER or organizations/ORGANIZATION_NUMBER."
  }
}

variable "posture_role_organization" {
  description = "The organization number in which runwarden's posture custom role is defined for folder and organization scopes (custom roles live in a project or an organization). Required when posture_scopes names a folder or an organization."
  type        = string
  default     = null
  validation {
    condition     = var.posture_role_organization == null || can(regex("^[0-9]{1,20}$", var.posture_role_organization))
    error_message = "posture_role_organization must be an organization number."
  }
}

variable "posture_schedule" {
  description = "When the daily posture scan runs (cron, UTC)."
  type        = string
  default     = "17 6 * * *"
}

locals {
  posture_enabled       = length(var.posture_scopes) > 0
  posture_permissions   = ["cloudasset.assets.searchAllIamPolicies", "cloudasset.assets.searchAllResources"]
  posture_projects      = toset([for scope in var.posture_scopes : trimprefix(scope, "projects/") if startswith(scope, "projects/")])
  posture_folders       = toset([for scope in var.posture_scopes : scope if startswith(scope, "folders/")])
  posture_organizations = toset([for scope in var.posture_scopes : trimprefix(scope, "organizations/") if startswith(scope, "organizations/")])
  posture_org_role      = length(local.posture_folders) + length(local.posture_organizations) > 0
}

resource "google_project_service" "posture_asset" {
  count              = local.posture_enabled ? 1 : 0
  project            = var.project_id
  service            = "cloudasset.googleapis.com"
  disable_on_destroy = false
}

resource "google_project_iam_custom_role" "posture" {
  for_each    = local.posture_projects
  project     = each.key
  role_id     = "runwardenPosture"
  title       = "runwarden: posture scan"
  description = "Search the project's resources and IAM policies through Cloud Asset Inventory (read-only)."
  permissions = local.posture_permissions
  depends_on  = [google_project_service.bot]
}

resource "google_project_iam_member" "posture" {
  for_each = local.posture_projects
  project  = each.key
  role     = google_project_iam_custom_role.posture[each.key].id
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_organization_iam_custom_role" "posture" {
  count       = local.posture_org_role ? 1 : 0
  org_id      = var.posture_role_organization
  role_id     = "runwardenPosture"
  title       = "runwarden: posture scan"
  description = "Search resources and IAM policies through Cloud Asset Inventory (read-only), granted on runwarden's posture scopes."
  permissions = local.posture_permissions
  depends_on  = [google_project_service.bot]

  lifecycle {
    precondition {
      condition     = var.posture_role_organization != null
      error_message = "posture_scopes names a folder or an organization: set posture_role_organization to the organization number that holds the posture role."
    }
  }
}

resource "google_folder_iam_member" "posture" {
  for_each = local.posture_folders
  folder   = each.key
  role     = google_organization_iam_custom_role.posture[0].id
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_organization_iam_member" "posture" {
  for_each = local.posture_organizations
  org_id   = each.key
  role     = google_organization_iam_custom_role.posture[0].id
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

# Every Cloud Asset Inventory call needs serviceusage.services.use on the calling project.
resource "google_project_iam_member" "posture_service_usage" {
  count   = local.posture_enabled ? 1 : 0
  project = var.project_id
  role    = "roles/serviceusage.serviceUsageConsumer"
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

# Once a day, with the sweep's OIDC identity and audience. One scan at a time
# (runwarden holds a lease); the scan keeps within Cloud Run's request timeout
# (300 s) and a retry after a failure simply scans again.
resource "google_cloud_scheduler_job" "posture" {
  count            = local.posture_enabled ? 1 : 0
  project          = var.project_id
  region           = var.region
  name             = "${var.service_name}-posture"
  description      = "runwarden: scan the posture scope for standing access and the rest of SPEC §11."
  schedule         = var.posture_schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "320s"

  retry_config {
    retry_count          = 2
    min_backoff_duration = "60s"
    max_backoff_duration = "600s"
    max_doublings        = 2
  }

  http_target {
    http_method = "POST"
    uri         = "${local.service_url}/jobs/posture"
    headers = {
      "Content-Type" = "application/json"
    }
    body = base64encode("{}")

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = local.service_url
    }
  }

  depends_on = [google_project_service.bot, google_project_service.posture_asset, google_cloud_run_v2_service.runwarden]
}

# Firestore composite indexes of the posture queries (src/adapters/firestore/queryShapes.ts):
#   resolving a scope's unseen findings  status ==, scope ==, lastSeenAt <, order by lastSeenAt
#   the worst open findings              status ==, [scope | project | resource ==,] order by severity, firstSeenAt
# (counts by kind use equality filters only.)

resource "google_firestore_index" "findings_status_scope_last_seen" {
  project    = var.project_id
  database   = google_firestore_database.runwarden.name
  collection = "findings"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "scope"
    order      = "ASCENDING"
  }
  fields {
    field_path = "lastSeenAt"
    order      = "ASCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "findings_status_severity" {
  project    = var.project_id
  database   = google_firestore_database.runwarden.name
  collection = "findings"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "severity"
    order      = "ASCENDING"
  }
  fields {
    field_path = "firstSeenAt"
    order      = "ASCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "findings_status_scope_severity" {
  project    = var.project_id
  database   = google_firestore_database.runwarden.name
  collection = "findings"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "scope"
    order      = "ASCENDING"
  }
  fields {
    field_path = "severity"
    order      = "ASCENDING"
  }
  fields {
    field_path = "firstSeenAt"
    order      = "ASCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "findings_status_project_severity" {
  project    = var.project_id
  database   = google_firestore_database.runwarden.name
  collection = "findings"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "project"
    order      = "ASCENDING"
  }
  fields {
    field_path = "severity"
    order      = "ASCENDING"
  }
  fields {
    field_path = "firstSeenAt"
    order      = "ASCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "findings_status_resource_severity" {
  project    = var.project_id
  database   = google_firestore_database.runwarden.name
  collection = "findings"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "resource"
    order      = "ASCENDING"
  }
  fields {
    field_path = "severity"
    order      = "ASCENDING"
  }
  fields {
    field_path = "firstSeenAt"
    order      = "ASCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "ASCENDING"
  }
}

# What runwarden may do in each managed project: exactly the permissions its
# adapters call (src/adapters/gcp/permissions.ts; test/unit/infra/customRole.test.ts
# fails when this file and the manifest differ).
#
# IAM conditions on resource names: Cloud KMS recognises resource attributes
# (resource.name / resource.type), so the KMS role is bound with a condition
# limited to the key prefixes the policy's rotate rules cover. Cloud Run
# (run.googleapis.com) does not recognise resource attributes: a condition on
# resource.name would never match and would silently break every Cloud Run
# call, so the Cloud Run role is bound on the whole managed project; the
# policy file (and nothing else) narrows which services runwarden touches.
# See https://cloud.google.com/iam/docs/conditions-resource-attributes.

locals {
  kms_projects = { for project, settings in var.managed_projects : project => settings if length(settings.kms_key_prefixes) > 0 }
  acted_as = merge([
    for project, settings in var.managed_projects : {
      for email in settings.run_service_accounts : "${project}/${email}" => { project = project, email = email }
    }
  ]...)
}

resource "google_project_iam_custom_role" "cloud_run" {
  for_each    = var.managed_projects
  project     = each.key
  role_id     = "runwardenCloudRun"
  title       = "runwarden: Cloud Run"
  description = "Read services, edit their IAM policy (conditional invoker grants) and their ingress/egress (UpdateService), follow the operation."
  permissions = [
    "run.locations.list",
    "run.operations.get",
    "run.services.get",
    "run.services.getIamPolicy",
    "run.services.list",
    "run.services.setIamPolicy",
    "run.services.update",
  ]
  depends_on = [google_project_service.bot]
}

resource "google_project_iam_member" "cloud_run" {
  for_each = var.managed_projects
  project  = each.key
  role     = google_project_iam_custom_role.cloud_run[each.key].id
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_project_iam_custom_role" "kms" {
  for_each    = local.kms_projects
  project     = each.key
  role_id     = "runwardenKms"
  title       = "runwarden: Cloud KMS rotation"
  description = "Read a key, create a new version, make it primary, set the rotation schedule. Never disables or destroys a version."
  permissions = [
    "cloudkms.cryptoKeyVersions.create",
    "cloudkms.cryptoKeyVersions.get",
    "cloudkms.cryptoKeys.get",
    "cloudkms.cryptoKeys.update",
  ]
  depends_on = [google_project_service.bot]
}

resource "google_project_iam_member" "kms" {
  for_each = local.kms_projects
  project  = each.key
  role     = google_project_iam_custom_role.kms[each.key].id
  member   = "serviceAccount:${google_service_account.runtime.email}"
  condition {
    title       = "runwarden-kms-keys"
    description = "Only the keys the policy's rotate rules cover."
    # The prefixes are validated in variables.tf (no quotes can reach the expression).
    expression = join(" || ", [for prefix in each.value.kms_key_prefixes : "resource.name.startsWith(\"${prefix}\")"])
  }
}

# UpdateService acts as the service's runtime identity: granted only on the
# listed service accounts, never project-wide (roles/iam.serviceAccountUser
# would add get/list; this role holds actAs alone).
resource "google_project_iam_custom_role" "act_as" {
  for_each    = { for project, settings in var.managed_projects : project => settings if length(settings.run_service_accounts) > 0 }
  project     = each.key
  role_id     = "runwardenActAs"
  title       = "runwarden: act as a Cloud Run service identity"
  description = "Needed by UpdateService (ingress/egress changes) on the runtime service account of the changed service."
  permissions = [
    "iam.serviceAccounts.actAs",
  ]
  depends_on = [google_project_service.bot]
}

resource "google_service_account_iam_member" "act_as" {
  for_each           = local.acted_as
  service_account_id = "projects/${each.value.project}/serviceAccounts/${each.value.email}"
  role               = google_project_iam_custom_role.act_as[each.value.project].id
  member             = "serviceAccount:${google_service_account.runtime.email}"
}

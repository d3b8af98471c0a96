# Two dedicated identities; neither is the default compute service account.

resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = "${var.service_name}-runtime"
  display_name = "runwarden (Cloud Run runtime)"
  description  = "Identity of the runwarden service: edits the IAM policies and settings of the managed Cloud Run services and rotates KMS keys, through the runwarden custom roles only."
  depends_on   = [google_project_service.bot]
}

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${var.service_name}-scheduler"
  display_name = "runwarden (Cloud Scheduler)"
  description  = "Identity whose OIDC token Cloud Scheduler sends to POST /jobs/sweep. It holds no role: runwarden checks the token's email in-app (WARDEN_JOBS_INVOKERS)."
  depends_on   = [google_project_service.bot]
}

# Firestore (the request store and its audit trail) in runwarden's own project only.
resource "google_project_iam_member" "runtime_datastore_user" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

# Optional audit export (var.audit_dataset_id): one BigQuery dataset holding
# - runwarden's own trail: the audit lines of src/app/auditLog.ts (one per
#   Firestore audit event, jsonPayload.auditSchema = "runwarden.audit/v1",
#   label runwarden_audit = "v1"), table run_googleapis_com_stdout;
# - the managed projects' Cloud Audit Logs (Admin Activity) of the changes
#   runwarden makes — SetIamPolicy and UpdateService on Cloud Run services,
#   key version creation, primary and schedule changes on Cloud KMS keys —
#   whoever made them, table cloudaudit_googleapis_com_activity.
# Joined on the binding's condition title (runwarden-<request id>), they answer
# "who asked for and who approved this binding?" (docs/runbook.md).

locals {
  audit_export      = var.audit_dataset_id != null
  audit_destination = "bigquery.googleapis.com/projects/${var.project_id}/datasets/${coalesce(var.audit_dataset_id, "none")}"
}

resource "google_project_service" "bigquery" {
  count              = local.audit_export ? 1 : 0
  project            = var.project_id
  service            = "bigquery.googleapis.com"
  disable_on_destroy = false
}

resource "google_bigquery_dataset" "audit" {
  count       = local.audit_export ? 1 : 0
  project     = var.project_id
  dataset_id  = var.audit_dataset_id
  location    = var.audit_dataset_location
  description = "runwarden's audit trail and the Cloud Audit Logs of the changes it makes."
  depends_on  = [google_project_service.bigquery]
}

resource "google_logging_project_sink" "runwarden_trail" {
  count                  = local.audit_export ? 1 : 0
  project                = var.project_id
  name                   = "${var.service_name}-audit-trail"
  destination            = local.audit_destination
  filter                 = local.audit_lines
  unique_writer_identity = true
  bigquery_options {
    use_partitioned_tables = true
  }
  depends_on = [google_project_service.bot, google_bigquery_dataset.audit]
}

resource "google_logging_project_sink" "managed_changes" {
  for_each               = local.audit_export ? var.managed_projects : {}
  project                = each.key
  name                   = "${var.service_name}-managed-changes"
  destination            = local.audit_destination
  filter                 = <<-EOT
    logName="projects/${each.key}/logs/cloudaudit.googleapis.com%2Factivity"
    AND protoPayload.serviceName=("run.googleapis.com" OR "cloudkms.googleapis.com")
    AND protoPayload.methodName:("SetIamPolicy" OR "UpdateService" OR "CreateCryptoKeyVersion" OR "UpdateCryptoKeyPrimaryVersion" OR "UpdateCryptoKey")
  EOT
  unique_writer_identity = true
  bigquery_options {
    use_partitioned_tables = true
  }
  depends_on = [google_project_service.bot, google_bigquery_dataset.audit]
}

resource "google_bigquery_dataset_iam_member" "sink_writers" {
  for_each = merge(
    { for sink in google_logging_project_sink.runwarden_trail : var.project_id => sink.writer_identity },
    { for project, sink in google_logging_project_sink.managed_changes : "managed/${project}" => sink.writer_identity },
  )
  project    = var.project_id
  dataset_id = google_bigquery_dataset.audit[0].dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = each.value
}

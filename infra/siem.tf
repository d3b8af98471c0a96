# Optional (var.siem_topic_name): a Pub/Sub topic fed by a log sink with
# runwarden's audit lines (the same lines as the BigQuery export of audit.tf:
# one per audit event, jsonPayload.auditSchema = "runwarden.audit/v1"), for a
# SIEM to subscribe to. Each message is one LogEntry as JSON; the SIEM's own
# subscription (and its IAM) is the SIEM's business, not this module's.

locals {
  siem_export = var.siem_topic_name != null
}

resource "google_project_service" "pubsub" {
  count              = local.siem_export ? 1 : 0
  project            = var.project_id
  service            = "pubsub.googleapis.com"
  disable_on_destroy = false
}

resource "google_pubsub_topic" "siem" {
  count   = local.siem_export ? 1 : 0
  project = var.project_id
  name    = var.siem_topic_name
  # a SIEM that was down for a while can catch up (messages are kept this long even once delivered)
  message_retention_duration = "604800s"
  depends_on                 = [google_project_service.pubsub]
}

resource "google_logging_project_sink" "siem" {
  count                  = local.siem_export ? 1 : 0
  project                = var.project_id
  name                   = "${var.service_name}-audit-siem"
  destination            = "pubsub.googleapis.com/${google_pubsub_topic.siem[0].id}"
  filter                 = local.audit_lines
  unique_writer_identity = true
  depends_on             = [google_project_service.bot]
}

# The sink's own identity may publish to this topic, and to nothing else.
resource "google_pubsub_topic_iam_member" "siem_sink_publisher" {
  count   = local.siem_export ? 1 : 0
  project = var.project_id
  topic   = google_pubsub_topic.siem[0].name
  role    = "roles/pubsub.publisher"
  member  = google_logging_project_sink.siem[0].writer_identity
}

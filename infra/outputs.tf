# Every value docs/deployment.md and docs/runbook.md need comes from here
# (`terraform -chdir=infra output -raw NAME`), never from a name typed by hand:
# the names follow var.service_name. test/unit/deploy/readmeDeploy.test.ts
# checks that each output the docs read exists.

output "service_url" {
  description = "runwarden's URL. Slack's request URLs are this + /slack/events (npm run slack-manifest -- --url)."
  value       = local.service_url
}

output "service_urls" {
  description = "Every URL Cloud Run serves the service on (the deterministic one and the legacy hash one)."
  value       = google_cloud_run_v2_service.runwarden.urls
}

output "service_name" {
  description = "The Cloud Run service (gcloud run services update/describe)."
  value       = google_cloud_run_v2_service.runwarden.name
}

output "slash_command" {
  description = "The slash command the service answers (WARDEN_SLASH_COMMAND); the Slack app manifest must use the same (npm run slack-manifest -- --slash)."
  value       = var.slash_command
}

output "runtime_service_account_email" {
  description = "The runtime identity (holds the runwarden custom roles in the managed projects)."
  value       = google_service_account.runtime.email
}

output "scheduler_service_account_email" {
  description = "The identity Cloud Scheduler signs /jobs/sweep calls as (WARDEN_JOBS_INVOKERS)."
  value       = google_service_account.scheduler.email
}

output "sweep_job_name" {
  description = "The Cloud Scheduler job that calls /jobs/sweep every minute (gcloud scheduler jobs run/pause/resume)."
  value       = google_cloud_scheduler_job.sweep.name
}

output "slack_signing_secret_id" {
  description = "Add the Slack signing secret as a version of this secret."
  value       = google_secret_manager_secret.slack_signing_secret.secret_id
}

output "slack_bot_token_id" {
  description = "Add the Slack bot token (xoxb-…) as a version of this secret."
  value       = google_secret_manager_secret.slack_bot_token.secret_id
}

output "policy_secret_id" {
  description = "The secret holding the policy file; Terraform adds a version from var.policy_file on each change."
  value       = google_secret_manager_secret.policy.secret_id
}

output "audit_dataset_id" {
  description = "The BigQuery dataset of the audit export (null when var.audit_dataset_id is not set)."
  value       = var.audit_dataset_id
}

output "siem_topic_id" {
  description = "The Pub/Sub topic a SIEM subscribes to for runwarden's audit events (null when var.siem_topic_name is not set)."
  value       = local.siem_export ? google_pubsub_topic.siem[0].id : null
}

output "dashboard_id" {
  description = "The Cloud Monitoring dashboard (console: Monitoring → Dashboards → runwarden)."
  value       = google_monitoring_dashboard.runwarden.id
}

output "service_url" {
  description = "runwarden's URL. Slack's request URLs are this + /slack/events (scripts/slackManifest.ts --url)."
  value       = local.service_url
}

output "service_urls" {
  description = "Every URL Cloud Run serves the service on (the deterministic one and the legacy hash one)."
  value       = google_cloud_run_v2_service.runwarden.urls
}

output "runtime_service_account_email" {
  description = "The runtime identity (holds the runwarden custom roles in the managed projects)."
  value       = google_service_account.runtime.email
}

output "scheduler_service_account_email" {
  description = "The identity Cloud Scheduler signs /jobs/sweep calls as (WARDEN_JOBS_INVOKERS)."
  value       = google_service_account.scheduler.email
}

output "slack_signing_secret_id" {
  description = "Add the Slack signing secret as a version of this secret."
  value       = google_secret_manager_secret.slack_signing_secret.secret_id
}

output "slack_bot_token_id" {
  description = "Add the Slack bot token (xoxb-…) as a version of this secret."
  value       = google_secret_manager_secret.slack_bot_token.secret_id
}

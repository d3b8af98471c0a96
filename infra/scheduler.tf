# The sweep (SPEC §3): every minute, POST /jobs/sweep with a Google-signed OIDC
# token for the scheduler service account, audience = the service URL. The
# sweep is idempotent and safe to overlap, so a retry never does harm; retries
# stay within the minute, after which the next run takes over.
resource "google_cloud_scheduler_job" "sweep" {
  project          = var.project_id
  region           = var.region
  name             = "${var.service_name}-sweep"
  description      = "runwarden: expire grants, finish interrupted applies, time out and remind."
  schedule         = "* * * * *"
  time_zone        = "Etc/UTC"
  attempt_deadline = "120s"

  retry_config {
    retry_count          = 2
    min_backoff_duration = "5s"
    max_backoff_duration = "20s"
    max_retry_duration   = "50s"
    max_doublings        = 2
  }

  http_target {
    http_method = "POST"
    uri         = "${local.service_url}/jobs/sweep"
    headers = {
      "Content-Type" = "application/json"
    }
    body = base64encode("{}")

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = local.service_url
    }
  }

  depends_on = [google_project_service.bot, google_cloud_run_v2_service.runwarden]
}

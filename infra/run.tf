resource "google_cloud_run_v2_service" "runwarden" {
  project  = var.project_id
  name     = var.service_name
  location = var.region

  # Ingress "all": Slack calls POST /slack/events from the internet and cannot
  # present a Google identity. Every Slack request is authenticated in-app by
  # its signature (v0 HMAC with the signing secret, 5-minute replay window);
  # POST /jobs/sweep is authenticated in-app by a Google-signed OIDC token
  # (audience = this service's URL, e-mail = the scheduler service account).
  ingress = "INGRESS_TRAFFIC_ALL"

  template {
    service_account                  = google_service_account.runtime.email
    max_instance_request_concurrency = 40
    timeout                          = "300s"

    scaling {
      min_instance_count = var.min_instance_count
      max_instance_count = var.max_instance_count
    }

    volumes {
      name = "policy"
      secret {
        secret = google_secret_manager_secret.policy.secret_id
        items {
          # Pinned: a new policy version changes the template, hence a new revision.
          version = google_secret_manager_secret_version.policy.version
          path    = "policy.yaml"
        }
      }
    }

    containers {
      image = var.image

      ports {
        container_port = 8080
      }

      resources {
        # CPU always allocated: runwarden acknowledges Slack first and applies
        # the change afterwards, outside any request.
        cpu_idle          = false
        startup_cpu_boost = true
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
      }

      volume_mounts {
        name       = "policy"
        mount_path = "/etc/runwarden"
      }

      env {
        name  = "WARDEN_POLICY"
        value = "/etc/runwarden/policy.yaml"
      }
      env {
        name  = "GOOGLE_CLOUD_PROJECT"
        value = var.project_id
      }
      env {
        name  = "WARDEN_SLASH_COMMAND"
        value = var.slash_command
      }
      env {
        name  = "WARDEN_JOBS_AUDIENCE"
        value = local.service_url
      }
      env {
        name  = "WARDEN_JOBS_INVOKERS"
        value = google_service_account.scheduler.email
      }
      env {
        name = "SLACK_SIGNING_SECRET"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.slack_signing_secret.secret_id
            version = "latest"
          }
        }
      }
      # During a rotation of the signing secret only (docs/runbook.md, "Rotate the Slack signing secret"):
      # the version Slack signed with before, pinned, accepted alongside "latest".
      dynamic "env" {
        for_each = var.slack_signing_secret_previous_version == null ? [] : [var.slack_signing_secret_previous_version]
        content {
          name = "SLACK_SIGNING_SECRET_PREVIOUS"
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.slack_signing_secret.secret_id
              version = env.value
            }
          }
        }
      }
      env {
        name = "SLACK_BOT_TOKEN"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.slack_bot_token.secret_id
            version = "latest"
          }
        }
      }

      startup_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds    = 2
        failure_threshold = 30
      }
      liveness_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds = 30
      }
    }
  }

  # Rolling a revision with `gcloud run services update --update-labels=…`
  # (docs/deployment.md: new secret versions) is not drift.
  lifecycle {
    ignore_changes = [client, client_version, labels, template[0].labels]
  }

  depends_on = [
    google_project_service.bot,
    google_secret_manager_secret_iam_member.runtime_accessor,
    google_secret_manager_secret_version.slack_placeholder,
    google_firestore_database.runwarden,
  ]
}

# allUsers may invoke: Slack cannot mint Google ID tokens, so Cloud Run's IAM
# check cannot authenticate it. This is deliberate and safe only because the
# application authenticates every request itself (Slack signature on
# /slack/events, Google OIDC token on /jobs/*; /healthz reveals nothing).
# An organisation policy "Domain restricted sharing" refuses allUsers: grant
# an exception for this service.
resource "google_cloud_run_v2_service_iam_member" "public_invoker" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.runwarden.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

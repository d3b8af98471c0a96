# Slack credentials live in Secret Manager, never in the environment file or
# the Terraform state: Terraform creates the secrets, the operator adds their
# versions (docs/deployment.md). The policy is not secret, but a Secret Manager
# version gives it history, access control and audit logs; Terraform writes it
# from var.policy_file.

resource "google_secret_manager_secret" "slack_signing_secret" {
  project   = var.project_id
  secret_id = "${var.service_name}-slack-signing-secret"
  replication {
    auto {}
  }
  depends_on = [google_project_service.bot]
}

resource "google_secret_manager_secret" "slack_bot_token" {
  project   = var.project_id
  secret_id = "${var.service_name}-slack-bot-token"
  replication {
    auto {}
  }
  depends_on = [google_project_service.bot]
}

# A first, placeholder version of each Slack secret, so that the service
# starts on the first apply (Slack requests fail their signature check until
# the real versions are added: docs/deployment.md, step 5). Terraform never
# touches the versions after that; the real values never enter its state.
resource "google_secret_manager_secret_version" "slack_placeholder" {
  for_each = {
    signing_secret = google_secret_manager_secret.slack_signing_secret.id
    bot_token      = google_secret_manager_secret.slack_bot_token.id
  }
  secret      = each.value
  secret_data = "placeholder-add-the-real-value-as-a-new-version"
  lifecycle {
    ignore_changes = [secret_data, enabled]
  }
}

resource "google_secret_manager_secret" "policy" {
  project   = var.project_id
  secret_id = "${var.service_name}-policy"
  replication {
    auto {}
  }
  depends_on = [google_project_service.bot]
}

# A policy change adds a version and leaves the previous ones in place
# (ABANDON): they are the policy's history, and a revision still pinned to one
# (a rollback, an old revision still starting instances) keeps reading it.
resource "google_secret_manager_secret_version" "policy" {
  secret          = google_secret_manager_secret.policy.id
  secret_data     = file(var.policy_file)
  deletion_policy = "ABANDON"
}

# The runtime identity may read these three secrets and no other.
resource "google_secret_manager_secret_iam_member" "runtime_accessor" {
  for_each = {
    signing_secret = google_secret_manager_secret.slack_signing_secret.id
    bot_token      = google_secret_manager_secret.slack_bot_token.id
    policy         = google_secret_manager_secret.policy.id
  }
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}

variable "project_id" {
  description = "The project runwarden runs in: its Cloud Run service, Firestore database, secrets and scheduler job."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run service and the Cloud Scheduler job."
  type        = string
  default     = "us-central1"
}

variable "service_name" {
  description = "Name of runwarden's Cloud Run service."
  type        = string
  default     = "runwarden"
}

variable "image" {
  description = "The container image to run, e.g. us-central1-docker.pkg.dev/PROJECT/runwarden/runwarden:v1 (built from the repository's Dockerfile)."
  type        = string
}

variable "min_instance_count" {
  description = "Instances kept warm. Slack wants an answer within 3 s; a cold start can take longer, so keep 1."
  type        = number
  default     = 1
}

variable "max_instance_count" {
  description = "Upper bound on instances (the sweep and the leases are safe on several)."
  type        = number
  default     = 3
}

variable "firestore_location" {
  description = "Location of the Firestore database (native mode), e.g. nam5 or eur3. Cannot be changed later."
  type        = string
  default     = "nam5"
}

variable "policy_file" {
  description = "Path of the policy YAML (SPEC §5). Terraform stores it as a Secret Manager secret version that the service mounts at /etc/runwarden/policy.yaml; changing the file and applying rolls out a new revision."
  type        = string
}

variable "slash_command" {
  description = "The slash command (WARDEN_SLASH_COMMAND); it must match the Slack app manifest."
  type        = string
  default     = "/warden"
}

variable "managed_projects" {
  description = <<-EOT
    The projects where runwarden may change things, keyed by project id.
    - kms_key_prefixes: resource-name prefixes of the Cloud KMS keys the policy's rotate
      rules cover (e.g. "projects/P/locations/global/keyRings/run-cmek/"); the KMS role
      is bound with an IAM condition limited to them. Empty: no KMS access at all.
    - run_service_accounts: e-mails of the runtime service accounts of the Cloud Run
      services that egress/ingress rules cover; runwarden may act as these only
      (UpdateService requires iam.serviceAccounts.actAs on the service's identity).
  EOT
  type = map(object({
    kms_key_prefixes     = optional(list(string), [])
    run_service_accounts = optional(list(string), [])
  }))
  validation {
    condition = alltrue(flatten([
      for project, settings in var.managed_projects : [
        for prefix in settings.kms_key_prefixes :
        can(regex("^projects/${project}/locations/[a-z0-9-]+/keyRings/[-_A-Za-z0-9/]*$", prefix))
      ]
    ]))
    error_message = "Each kms_key_prefixes entry must start with projects/<that project>/locations/<location>/keyRings/ and hold only letters, digits, '-', '_' and '/'."
  }
  validation {
    condition = alltrue(flatten([
      for project, settings in var.managed_projects : [
        for email in settings.run_service_accounts : can(regex("^[-a-z0-9.]+@[-a-z0-9.]+\\.gserviceaccount\\.com$", email))
      ]
    ]))
    error_message = "run_service_accounts must be service-account e-mails (…@….gserviceaccount.com)."
  }
}

variable "audit_dataset_id" {
  description = "When set, a BigQuery dataset of this id is created in project_id and log sinks route runwarden's audit lines and the managed projects' Cloud Audit Logs of Cloud Run and KMS changes to it. null: no export."
  type        = string
  default     = null
}

variable "audit_dataset_location" {
  description = "Location of the audit BigQuery dataset."
  type        = string
  default     = "US"
}

variable "notification_channels" {
  description = "Cloud Monitoring notification channels every alert of alerts.tf is sent to, by full name (projects/PROJECT/notificationChannels/ID: `gcloud beta monitoring channels list --format='value(name)'`). Empty: the alerts open incidents in the console but notify nobody."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for channel in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[^/]+$", channel))])
    error_message = "Each notification channel must be a full name: projects/PROJECT/notificationChannels/ID."
  }
}

variable "runbook_url" {
  description = "Where your operators read docs/runbook.md (e.g. https://github.com/ACME/runwarden/blob/main/docs/runbook.md). Each alert's documentation links its section there. null: the alerts name docs/runbook.md and the section."
  type        = string
  default     = null
}

variable "break_glass_review_hours" {
  description = "A break-glass request still unreviewed after this many hours raises the `break-glass unreviewed` alert."
  type        = number
  default     = 24
  validation {
    condition     = var.break_glass_review_hours >= 1 && floor(var.break_glass_review_hours) == var.break_glass_review_hours
    error_message = "break_glass_review_hours must be a whole number of hours, at least 1."
  }
}

variable "http_5xx_threshold" {
  description = "The `5xx answers` alert opens when the service answers more than this many requests with a 5xx status within 5 minutes."
  type        = number
  default     = 5
}

variable "siem_topic_name" {
  description = "When set, a Pub/Sub topic of this name is created in project_id and a log sink publishes runwarden's audit lines to it (one message per audit event), for a SIEM to subscribe to. null: no topic."
  type        = string
  default     = null
}

variable "slack_signing_secret_previous_version" {
  description = "Only while rotating the Slack signing secret (docs/runbook.md): the version number of the signing secret Slack signed with before (e.g. \"3\"). The service then also accepts requests signed with it (SLACK_SIGNING_SECRET_PREVIOUS). null once the rotation is done."
  type        = string
  default     = null
  validation {
    condition     = var.slack_signing_secret_previous_version == null || can(regex("^[1-9][0-9]*$", var.slack_signing_secret_previous_version))
    error_message = "slack_signing_secret_previous_version must be a version number such as \"3\" (gcloud secrets versions describe latest --format='value(name.basename())'), never \"latest\"."
  }
}

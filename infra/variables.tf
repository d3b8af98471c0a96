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

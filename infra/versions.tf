# runwarden's deployment: a Terraform root module (hashicorp/google provider).
#
#   cd infra
#   cp backend.tf.example backend.tf                      # recommended: state in Cloud Storage
#   terraform init -backend-config="bucket=$STATE_BUCKET"  # plain `terraform init` keeps a local state
#   terraform validate                                     # needs the provider download
#   terraform plan -var-file=runwarden.tfvars -out=runwarden.tfplan
#   terraform apply runwarden.tfplan
#
# See docs/deployment.md for the whole order (prerequisites and the roles
# whoever runs this needs, image, apply, Slack app, secrets, channels).
terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0, < 8.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

data "google_project" "bot" {
  project_id = var.project_id
}

locals {
  # Cloud Run's deterministic URL (https://SERVICE-PROJECT_NUMBER.REGION.run.app),
  # known before the service exists: it is the OIDC audience of /jobs/sweep and
  # the URL Cloud Scheduler calls, so both can be set in the same apply.
  service_url = "https://${var.service_name}-${data.google_project.bot.number}.${var.region}.run.app"
}

# The APIs runwarden's own project uses; every resource that calls one of them
# depends on this (test/unit/infra/apis.test.ts), so a first apply on an empty
# project works in one run. Enabled before Terraform by hand (it needs them to
# read anything): cloudresourcemanager and serviceusage (docs/deployment.md,
# "Before you start"). Optional features enable their own: bigquery
# (audit.tf), pubsub (siem.tf). The managed projects already run Cloud Run and
# Cloud KMS; this module does not enable APIs there.
resource "google_project_service" "bot" {
  for_each = toset([
    "run.googleapis.com",
    "firestore.googleapis.com",
    "secretmanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
  ])
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

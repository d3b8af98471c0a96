# Monitoring: log-based metrics from runwarden's structured log lines, alert
# policies on them, and a dashboard (dashboard.json.tftpl). Every metric's
# filter and extractors are held to the lines the code really writes by
# test/integration/infra/monitoring.test.ts, which drives runwarden (a sweep,
# requests, clicks, a dropped Slack message…), captures its log lines, turns
# them into LogEntries as Cloud Run does, and evaluates each filter on them:
# renaming a log field breaks that test, not the alerts.
#
# Where the lines come from (Cloud Run turns each JSON line on stdout into a
# LogEntry: jsonPayload = the line without `severity`, `time` and
# `logging.googleapis.com/labels`, which become the entry's severity,
# timestamp and labels):
#   sweep finished                      src/jobs/sweep.ts, once per sweep: counts.*, open.*, ms, finished
#   break-glass request awaiting review src/jobs/sweep.ts, per unreviewed break-glass request per sweep
#   slack message …                     src/app/outbox.ts, per Slack delivery: deliveryOutcome, type, error
#   revert failing: …                   src/app/effects/revert.ts, ERROR, per revert Google refused: event=revert_failing, kind, failures
#   runwarden audit: …                  src/app/auditLog.ts, per audit event (label runwarden_audit=v1)
#   posture findings open               the posture scan (issue 18), per finding kind per scan

locals {
  log_source  = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${var.service_name}\""
  audit_lines = "${local.log_source} AND labels.runwarden_audit=\"v1\""
  # logging.googleapis.com/user/<metric name>; names are prefixed with the service name so that two
  # deployments in one project keep apart
  metric_type = "logging.googleapis.com/user/${var.service_name}"
  runbook     = coalesce(var.runbook_url, "docs/runbook.md")

  # Distributions read from the `sweep finished` line: metric name => field of jsonPayload.
  sweep_values = {
    sweep_expired          = "counts.expired"
    sweep_failed           = "counts.failed"
    sweep_revert_failing   = "counts.revertFailing"
    sweep_deferred         = "counts.deferred"
    sweep_drifted          = "counts.drifted"
    sweep_malformed        = "counts.malformed"
    sweep_errors           = "counts.errors"
    sweep_timed_out        = "counts.timedOut"
    sweep_delivery_dropped = "counts.deliveryDropped"
    requests_active        = "open.active"
    requests_approved      = "open.approved"
    requests_pending       = "open.pending"
  }
}

resource "google_logging_metric" "sweep_runs" {
  project     = var.project_id
  name        = "${var.service_name}/sweep_runs"
  description = "Sweeps that ran to the end (one `sweep finished` line each). No data for 10 minutes: the sweep has stopped."
  filter      = "${local.log_source} AND jsonPayload.message=\"sweep finished\""
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "runwarden sweeps"
    labels {
      key         = "finished"
      value_type  = "STRING"
      description = "true: the sweep got through all its work; false: its time budget ran out (the rest is deferred to the next run)"
    }
  }
  label_extractors = {
    finished = "EXTRACT(jsonPayload.finished)"
  }
  depends_on = [google_project_service.bot]
}

resource "google_logging_metric" "sweep_duration" {
  project         = var.project_id
  name            = "${var.service_name}/sweep_duration"
  description     = "How long each sweep took, in milliseconds."
  filter          = "${local.log_source} AND jsonPayload.message=\"sweep finished\""
  value_extractor = "EXTRACT(jsonPayload.ms)"
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "ms"
    display_name = "runwarden sweep duration"
  }
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 20
      growth_factor      = 2
      scale              = 10
    }
  }
  depends_on = [google_project_service.bot]
}

resource "google_logging_metric" "sweep_value" {
  for_each        = local.sweep_values
  project         = var.project_id
  name            = "${var.service_name}/${each.key}"
  description     = "jsonPayload.${each.value} of each `sweep finished` line (per sweep; open.* are the requests in that status after the sweep)."
  filter          = "${local.log_source} AND jsonPayload.message=\"sweep finished\""
  value_extractor = "EXTRACT(jsonPayload.${each.value})"
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "1"
    display_name = "runwarden ${replace(each.key, "_", " ")}"
  }
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 16
      growth_factor      = 2
      scale              = 1
    }
  }
  depends_on = [google_project_service.bot]
}

resource "google_logging_metric" "request_events" {
  project     = var.project_id
  name        = "${var.service_name}/request_events"
  description = "Every audit event of every request (submitted, approved, applied, denied, expired, failed, …), by request kind, action and the status after it."
  filter      = local.audit_lines
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "runwarden request events"
    labels {
      key         = "kind"
      description = "request kind: invoker, egress, ingress, rotate, convert"
    }
    labels {
      key         = "action"
      description = "the audit action (submitted, approved, applied, denied, expired, revoked, failed, drift_detected, break_glass, …)"
    }
    labels {
      key         = "status"
      description = "the request's status after the event"
    }
  }
  label_extractors = {
    kind   = "EXTRACT(jsonPayload.kind)"
    action = "EXTRACT(jsonPayload.action)"
    status = "EXTRACT(jsonPayload.status)"
  }
  depends_on = [google_project_service.bot]
}

# Audit actions of a change that did not go through (src/domain/stateMachine.ts, extensions.ts): failed
# (ended failed), apply_interrupted / revert_interrupted / extend_interrupted (the sweep tries again),
# extension_failed (an approved extension could not be applied).
resource "google_logging_metric" "apply_failures" {
  project     = var.project_id
  name        = "${var.service_name}/apply_failures"
  description = "Changes that did not go through: failed for good (action failed) or interrupted and to be retried by the sweep (apply/revert/extend_interrupted, extension_failed)."
  filter      = "${local.audit_lines} AND jsonPayload.action=(\"failed\" OR \"apply_interrupted\" OR \"revert_interrupted\" OR \"extend_interrupted\" OR \"extension_failed\")"
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "runwarden apply failures"
    labels {
      key         = "kind"
      description = "request kind"
    }
    labels {
      key         = "action"
      description = "failed, apply_interrupted, revert_interrupted, extend_interrupted or extension_failed"
    }
  }
  label_extractors = {
    kind   = "EXTRACT(jsonPayload.kind)"
    action = "EXTRACT(jsonPayload.action)"
  }
  depends_on = [google_project_service.bot]
}

resource "google_logging_metric" "drift_found" {
  project     = var.project_id
  name        = "${var.service_name}/drift_found"
  description = "Requests ended because what runwarden changed was changed by someone else (SPEC §10)."
  filter      = "${local.audit_lines} AND jsonPayload.action=\"drift_detected\""
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "runwarden drift found"
    labels {
      key         = "kind"
      description = "request kind"
    }
  }
  label_extractors = {
    kind = "EXTRACT(jsonPayload.kind)"
  }
  depends_on = [google_project_service.bot]
}

resource "google_logging_metric" "break_glass_used" {
  project     = var.project_id
  name        = "${var.service_name}/break_glass_used"
  description = "Break-glass requests: applied at once without approval, reviewed afterwards (SPEC §9)."
  filter      = "${local.audit_lines} AND jsonPayload.action=\"break_glass\""
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "runwarden break-glass used"
    labels {
      key         = "kind"
      description = "request kind"
    }
    labels {
      key         = "requester"
      description = "Slack user id of the requester"
    }
  }
  label_extractors = {
    kind      = "EXTRACT(jsonPayload.kind)"
    requester = "EXTRACT(jsonPayload.actor)"
  }
  depends_on = [google_project_service.bot]
}

resource "google_logging_metric" "break_glass_overdue" {
  project     = var.project_id
  name        = "${var.service_name}/break_glass_overdue"
  description = "Each sweep, each break-glass request still unreviewed longer than var.break_glass_review_hours."
  filter      = "${local.log_source} AND jsonPayload.message=\"break-glass request awaiting review\" AND jsonPayload.unreviewedSeconds >= ${var.break_glass_review_hours * 3600}"
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "runwarden break-glass unreviewed past the deadline"
    labels {
      key         = "kind"
      description = "request kind"
    }
    labels {
      key         = "request_id"
      description = "the request awaiting review"
    }
  }
  label_extractors = {
    kind       = "EXTRACT(jsonPayload.kind)"
    request_id = "EXTRACT(jsonPayload.requestId)"
  }
  depends_on = [google_project_service.bot]
}

resource "google_logging_metric" "slack_deliveries" {
  project     = var.project_id
  name        = "${var.service_name}/slack_deliveries"
  description = "Slack messages runwarden tried to send from a request's outbox, by outcome: delivered, retried (will be tried again), dropped (given up), obsolete (no longer true, not sent)."
  filter      = "${local.log_source} AND jsonPayload.deliveryOutcome=(\"delivered\" OR \"retried\" OR \"dropped\" OR \"obsolete\")"
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "runwarden Slack deliveries"
    labels {
      key         = "outcome"
      description = "delivered, retried, dropped or obsolete"
    }
    labels {
      key         = "type"
      description = "what was sent: post_message, refresh_message, notify_requester, notify_approvers, …"
    }
  }
  label_extractors = {
    outcome = "EXTRACT(jsonPayload.deliveryOutcome)"
    type    = "EXTRACT(jsonPayload.type)"
  }
  depends_on = [google_project_service.bot]
}

resource "google_logging_metric" "deliveries_dropped" {
  project     = var.project_id
  name        = "${var.service_name}/deliveries_dropped"
  description = "Slack messages runwarden gave up on (a permanent Slack error, too many attempts, too old); the request itself is unaffected."
  filter      = "${local.log_source} AND jsonPayload.deliveryOutcome=\"dropped\""
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "runwarden Slack deliveries dropped"
    labels {
      key         = "type"
      description = "what was not sent: post_message, refresh_message, notify_requester, notify_approvers, … (Slack's error is in the log line)"
    }
  }
  label_extractors = {
    type = "EXTRACT(jsonPayload.type)"
  }
  depends_on = [google_project_service.bot]
}

resource "google_logging_metric" "revert_failing" {
  project     = var.project_id
  name        = "${var.service_name}/revert_failing"
  description = "Reverts (at expiry or revoke) Google refused: the change is still in force, the request stays active and is retried with backoff (docs/runbook.md, Alert: revert failing)."
  filter      = "${local.log_source} AND severity=ERROR AND jsonPayload.event=\"revert_failing\""
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "runwarden reverts failing"
    labels {
      key         = "kind"
      description = "request kind: invoker (the binding stays until its IAM condition ends it), egress or ingress (the setting stays until the revert goes through)"
    }
  }
  label_extractors = {
    kind = "EXTRACT(jsonPayload.kind)"
  }
  depends_on = [google_project_service.bot]
}

resource "google_logging_metric" "approval_wait" {
  project         = var.project_id
  name            = "${var.service_name}/approval_wait"
  description     = "Seconds from a request's submission to its last approval (the audit line of action approved)."
  filter          = "${local.audit_lines} AND jsonPayload.action=\"approved\""
  value_extractor = "EXTRACT(jsonPayload.requestAgeSeconds)"
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "s"
    display_name = "runwarden time from request to approval"
    labels {
      key         = "kind"
      description = "request kind"
    }
  }
  label_extractors = {
    kind = "EXTRACT(jsonPayload.kind)"
  }
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 20
      growth_factor      = 2
      scale              = 5
    }
  }
  depends_on = [google_project_service.bot]
}

resource "google_logging_metric" "posture_findings_open" {
  project         = var.project_id
  name            = "${var.service_name}/posture_findings_open"
  description     = "Open posture findings after each posture scan, by finding kind (SPEC §11)."
  filter          = "${local.log_source} AND jsonPayload.message=\"posture findings open\""
  value_extractor = "EXTRACT(jsonPayload.open)"
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "1"
    display_name = "runwarden posture findings open"
    labels {
      key         = "kind"
      description = "finding kind: standing_access, public_service, open_ingress, default_service_account, no_cmek, key_rotation, lingering_binding"
    }
  }
  label_extractors = {
    kind = "EXTRACT(jsonPayload.kind)"
  }
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 16
      growth_factor      = 2
      scale              = 1
    }
  }
  depends_on = [google_project_service.bot]
}

# Alert policies (Cloud Monitoring), each on a metric of monitoring.tf or on
# Cloud Run's own request_count, each sent to var.notification_channels, each
# with documentation that says what to do: a link to its section of
# docs/runbook.md ("Alerts"). test/integration/infra/monitoring.test.ts checks
# that every alert's metric exists, that the code writes the lines it counts,
# and that every section linked exists.
#
# Conditions on counts use duration 0s (any failure in the 5-minute window);
# the API refuses evaluation_missing_data with a zero duration, and a window
# with no data simply does not meet the threshold.
#
# Log-based metrics carry the labels of the Cloud Run revision that wrote the
# line, so each revision is its own time series: every condition sums across
# them (cross_series_reducer), or a new revision would look like a sweep that
# stopped (the old revision's series ends).

locals {
  alert_labels = { service = var.service_name }
  alert_doc = {
    sweep_stopped = {
      anchor = "alert-no-successful-sweep-for-10-minutes"
      text   = "No sweep of ${var.service_name} has finished for 10 minutes. Temporary egress/ingress changes are not being reverted, pending requests do not time out (invoker grants still end on time through their IAM condition)."
    }
    apply_failures = {
      anchor = "alert-apply-failures"
      text   = "A change requested through ${var.service_name} did not go through: it failed for good (action failed) or will be retried by the sweep (…_interrupted). The labels say which request kind and which action."
    }
    revert_failing = {
      anchor = "alert-revert-failing"
      text   = "Google refused to undo a change ${var.service_name} made (label kind): an expired or revoked grant is still in force. An invoker binding stays until its IAM condition ends it; an egress/ingress setting stays until the revert goes through. The request stays active and is retried with backoff (1 minute doubling to 1 hour); the requester and the approvers were told. The `revert failing` log line names the request and Google's error."
    }
    deliveries_dropped = {
      anchor = "alert-slack-messages-dropped"
      text   = "${var.service_name} gave up sending a Slack message (label type: what; Slack's error is in the `slack message dropped` log line). The request itself is unaffected, but someone was not told (an approver, a requester)."
    }
    break_glass_unreviewed = {
      anchor = "alert-break-glass-unreviewed"
      text   = "A break-glass request has waited more than ${var.break_glass_review_hours} hours for its review (label request_id)."
    }
    http_5xx = {
      anchor = "alert-the-service-answers-5xx"
      text   = "The ${var.service_name} Cloud Run service answered more than ${var.http_5xx_threshold} requests with a 5xx status within 5 minutes: Slack calls or Cloud Scheduler's sweep calls are failing."
    }
  }
}

resource "google_monitoring_alert_policy" "sweep_stopped" {
  project               = var.project_id
  display_name          = "${var.service_name}: no successful sweep for 10 minutes"
  combiner              = "OR"
  notification_channels = var.notification_channels
  user_labels           = local.alert_labels
  conditions {
    display_name = "no `sweep finished` line for 10 minutes"
    condition_absent {
      filter   = "metric.type=\"${local.metric_type}/sweep_runs\" AND resource.type=\"cloud_run_revision\""
      duration = "600s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
      trigger {
        count = 1
      }
    }
  }
  documentation {
    content   = "${local.alert_doc.sweep_stopped.text}\n\nWhat to do: [runbook](${local.runbook}#${local.alert_doc.sweep_stopped.anchor})"
    mime_type = "text/markdown"
  }
  depends_on = [google_project_service.bot, google_logging_metric.sweep_runs]
}

resource "google_monitoring_alert_policy" "apply_failures" {
  project               = var.project_id
  display_name          = "${var.service_name}: apply failures"
  combiner              = "OR"
  notification_channels = var.notification_channels
  user_labels           = local.alert_labels
  conditions {
    display_name = "a change failed or was interrupted (5 minutes)"
    condition_threshold {
      filter          = "metric.type=\"${local.metric_type}/apply_failures\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.kind", "metric.label.action"]
      }
      trigger {
        count = 1
      }
    }
  }
  documentation {
    content   = "${local.alert_doc.apply_failures.text}\n\nWhat to do: [runbook](${local.runbook}#${local.alert_doc.apply_failures.anchor})"
    mime_type = "text/markdown"
  }
  depends_on = [google_project_service.bot, google_logging_metric.apply_failures]
}

resource "google_monitoring_alert_policy" "revert_failing" {
  project               = var.project_id
  display_name          = "${var.service_name}: revert failing"
  combiner              = "OR"
  notification_channels = var.notification_channels
  user_labels           = local.alert_labels
  conditions {
    display_name = "a revert was refused by Google (5 minutes)"
    condition_threshold {
      filter          = "metric.type=\"${local.metric_type}/revert_failing\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.kind"]
      }
      trigger {
        count = 1
      }
    }
  }
  documentation {
    content   = "${local.alert_doc.revert_failing.text}\n\nWhat to do: [runbook](${local.runbook}#${local.alert_doc.revert_failing.anchor})"
    mime_type = "text/markdown"
  }
  depends_on = [google_project_service.bot, google_logging_metric.revert_failing]
}

resource "google_monitoring_alert_policy" "deliveries_dropped" {
  project               = var.project_id
  display_name          = "${var.service_name}: Slack messages dropped"
  combiner              = "OR"
  notification_channels = var.notification_channels
  user_labels           = local.alert_labels
  conditions {
    display_name = "a Slack message was given up (5 minutes)"
    condition_threshold {
      filter          = "metric.type=\"${local.metric_type}/deliveries_dropped\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.type"]
      }
      trigger {
        count = 1
      }
    }
  }
  documentation {
    content   = "${local.alert_doc.deliveries_dropped.text}\n\nWhat to do: [runbook](${local.runbook}#${local.alert_doc.deliveries_dropped.anchor})"
    mime_type = "text/markdown"
  }
  depends_on = [google_project_service.bot, google_logging_metric.deliveries_dropped]
}

resource "google_monitoring_alert_policy" "break_glass_unreviewed" {
  project               = var.project_id
  display_name          = "${var.service_name}: break-glass unreviewed for ${var.break_glass_review_hours} hours"
  combiner              = "OR"
  notification_channels = var.notification_channels
  user_labels           = local.alert_labels
  conditions {
    display_name = "a break-glass request is past its review deadline"
    condition_threshold {
      filter          = "metric.type=\"${local.metric_type}/break_glass_overdue\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.request_id"]
      }
      trigger {
        count = 1
      }
    }
  }
  documentation {
    content   = "${local.alert_doc.break_glass_unreviewed.text}\n\nWhat to do: [runbook](${local.runbook}#${local.alert_doc.break_glass_unreviewed.anchor})"
    mime_type = "text/markdown"
  }
  depends_on = [google_project_service.bot, google_logging_metric.break_glass_overdue]
}

resource "google_monitoring_alert_policy" "http_5xx" {
  project               = var.project_id
  display_name          = "${var.service_name}: 5xx answers"
  combiner              = "OR"
  notification_channels = var.notification_channels
  user_labels           = local.alert_labels
  conditions {
    display_name = "more than ${var.http_5xx_threshold} 5xx answers in 5 minutes"
    condition_threshold {
      # Cloud Run's own count of the requests it served, whatever runwarden logged (a crash included).
      filter          = "metric.type=\"run.googleapis.com/request_count\" AND resource.type=\"cloud_run_revision\" AND resource.label.service_name=\"${var.service_name}\" AND metric.label.response_code_class=\"5xx\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.http_5xx_threshold
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
      trigger {
        count = 1
      }
    }
  }
  documentation {
    content   = "${local.alert_doc.http_5xx.text}\n\nWhat to do: [runbook](${local.runbook}#${local.alert_doc.http_5xx.anchor})"
    mime_type = "text/markdown"
  }
  depends_on = [google_project_service.bot]
}

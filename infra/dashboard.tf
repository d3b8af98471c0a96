# The operator's dashboard: requests by kind and outcome, time from request to
# approval, the sweep (duration, backlog, what it ended), active grants,
# break-glass, apply failures and drift, Slack deliveries, HTTP answers and
# posture findings. The layout is dashboard.json.tftpl (the Monitoring API's
# Dashboard JSON, projects.dashboards); test/integration/infra/monitoring.test.ts
# checks every field of it against the API's own protocol buffer definitions
# and every metric it charts against monitoring.tf.
resource "google_monitoring_dashboard" "runwarden" {
  project = var.project_id
  dashboard_json = templatefile("${path.module}/dashboard.json.tftpl", {
    metric_type  = local.metric_type
    service_name = var.service_name
    runbook      = local.runbook
  })
  depends_on = [google_project_service.bot, google_logging_metric.sweep_runs, google_logging_metric.sweep_value]
}

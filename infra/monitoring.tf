# Dashboard and alert policies for the worker. Orchard's own metrics arrive through the collector
# sidecar (telemetry.tf) as workload.googleapis.com/<Micrometer name>; Pub/Sub's are Google's own.
# Alerts notify var.notification_channels (none: incidents open in the console only).

locals {
  workload = "workload.googleapis.com"

  # one chart: a metric filter, how to align it, how to reduce across series, and what to group by
  charts = [
    { title = "Uploads scored / s", filter = "metric.type=\"${local.workload}/orchard.upload.latency\" metric.label.outcome=\"predicted\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_COUNT", group = [] },
    { title = "Upload → result latency p50", filter = "metric.type=\"${local.workload}/orchard.upload.latency\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_50", group = ["metric.label.outcome"] },
    { title = "Upload → result latency p99", filter = "metric.type=\"${local.workload}/orchard.upload.latency\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_99", group = ["metric.label.outcome"] },
    { title = "Upload errors / s by reason", filter = "metric.type=\"${local.workload}/orchard.upload.errors\"", aligner = "ALIGN_RATE", reducer = "REDUCE_SUM", group = ["metric.label.reason"] },
    { title = "Dead letters waiting", filter = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" resource.type=\"pubsub_subscription\" resource.label.subscription_id=\"${google_pubsub_subscription.dead_letter.name}\"", aligner = "ALIGN_MAX", reducer = "REDUCE_MAX", group = [] },
    { title = "Oldest unacked message age (s)", filter = "metric.type=\"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" resource.type=\"pubsub_subscription\" resource.label.subscription_id=monitoring.regex.full_match(\"${var.name}-.*\")", aligner = "ALIGN_MAX", reducer = "REDUCE_MAX", group = ["resource.label.subscription_id"] },
    { title = "HTTP p50 by route", filter = "metric.type=\"${local.workload}/http.server.requests\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_50", group = ["metric.label.uri"] },
    { title = "HTTP p99 by route", filter = "metric.type=\"${local.workload}/http.server.requests\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_99", group = ["metric.label.uri"] },
    { title = "Inference batch size p50 / p99", filter = "metric.type=\"${local.workload}/orchard.inference.batch.size\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_99", group = ["metric.label.model"] },
    { title = "Inference latency p99", filter = "metric.type=\"${local.workload}/orchard.inference\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_99", group = ["metric.label.model"] },
    { title = "Drift: PSI per model and statistic (count window)", filter = "metric.type=\"${local.workload}/orchard.drift.psi\" metric.label.window=\"count\"", aligner = "ALIGN_MEAN", reducer = "REDUCE_MAX", group = ["metric.label.model", "metric.label.statistic"] },
    { title = "Drifted models", filter = "metric.type=\"${local.workload}/orchard.drift.drifted\"", aligner = "ALIGN_MAX", reducer = "REDUCE_MAX", group = ["metric.label.model"] },
  ]

  alert_policies = {
    dead-letters = {
      display = "Orchard: messages in the dead-letter subscription"
      doc     = "Messages Orchard could not handle are waiting in ${google_pubsub_subscription.dead_letter.name}, each with its reason in the attributes: gcloud pubsub subscriptions pull ${google_pubsub_subscription.dead_letter.name} --limit 10 (docs/operations.md)."
      filter  = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" resource.type=\"pubsub_subscription\" resource.label.subscription_id=\"${google_pubsub_subscription.dead_letter.name}\""
      aligner = "ALIGN_MAX"
      value   = 0
      for     = "60s"
    }
    backlog-age = {
      display = "Orchard: upload or command backlog older than ${var.alert_backlog_age_seconds} s"
      doc     = "The oldest unacknowledged message on an Orchard subscription is older than ${var.alert_backlog_age_seconds} s: workers are down, too few, or stuck (readiness, max_instances)."
      filter  = "metric.type=\"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" resource.type=\"pubsub_subscription\" resource.label.subscription_id=monitoring.regex.full_match(\"${var.name}-(uploads|commands)\")"
      aligner = "ALIGN_MAX"
      value   = var.alert_backlog_age_seconds
      for     = "300s"
    }
    drift = {
      display = "Orchard: a champion's traffic drifted from its baseline"
      doc     = "orchard.drift.drifted is 1: a statistic of a champion's live traffic crossed its drift threshold with enough samples. GET /v1/models/{name}/drift says which and by how much (docs/drift.md); drift without new labelled data is not retrained on."
      filter  = "metric.type=\"${local.workload}/orchard.drift.drifted\" resource.type=\"generic_task\""
      aligner = "ALIGN_MAX"
      value   = 0
      for     = "900s"
    }
  }
}

resource "google_monitoring_dashboard" "worker" {
  dashboard_json = jsonencode({
    displayName = "Orchard (${var.name})"
    mosaicLayout = {
      columns = 12
      tiles = [for i, chart in local.charts : {
        xPos   = (i % 2) * 6
        yPos   = floor(i / 2) * 4
        width  = 6
        height = 4
        widget = {
          title = chart.title
          xyChart = {
            dataSets = [{
              plotType = "LINE"
              timeSeriesQuery = {
                timeSeriesFilter = {
                  filter = chart.filter
                  aggregation = {
                    alignmentPeriod    = "60s"
                    perSeriesAligner   = chart.aligner
                    crossSeriesReducer = chart.reducer
                    groupByFields      = chart.group
                  }
                }
              }
            }]
          }
        }
      }]
    }
  })
}

resource "google_monitoring_alert_policy" "threshold" {
  for_each = local.alert_policies

  display_name          = each.value.display
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = each.value.display
    condition_threshold {
      filter          = each.value.filter
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.value
      duration        = each.value.for
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = each.value.aligner
      }
    }
  }

  documentation {
    content   = each.value.doc
    mime_type = "text/markdown"
  }
}

# Error rate: the share of uploads ending in an error result, and of HTTP requests ending in a 5xx.
resource "google_monitoring_alert_policy" "error_rate" {
  display_name          = "Orchard: error rate above ${var.alert_error_ratio * 100} %"
  combiner              = "OR"
  notification_channels = var.notification_channels

  # each: the share of a metric's events whose label says they failed
  dynamic "conditions" {
    for_each = {
      "uploads ending in an error result" = { metric = "orchard.upload.latency", failed = "metric.label.outcome=\"error\"" }
      "HTTP requests answered with a 5xx" = { metric = "http.server.requests", failed = "metric.label.outcome=\"SERVER_ERROR\"" }
    }
    content {
      display_name = conditions.key
      condition_threshold {
        filter             = "metric.type=\"${local.workload}/${conditions.value.metric}\" resource.type=\"generic_task\" ${conditions.value.failed}"
        denominator_filter = "metric.type=\"${local.workload}/${conditions.value.metric}\" resource.type=\"generic_task\""
        comparison         = "COMPARISON_GT"
        threshold_value    = var.alert_error_ratio
        duration           = "600s"
        aggregations {
          alignment_period     = "300s"
          per_series_aligner   = "ALIGN_DELTA"
          cross_series_reducer = "REDUCE_COUNT"
        }
        denominator_aggregations {
          alignment_period     = "300s"
          per_series_aligner   = "ALIGN_DELTA"
          cross_series_reducer = "REDUCE_COUNT"
        }
      }
    }
  }

  documentation {
    content   = "More than ${var.alert_error_ratio * 100} % of uploads end in an error result (reasons: the dashboard's \"Upload errors by reason\"; each has an .error.json), or of HTTP requests in a 5xx (logs by trace id: docs/operations.md)."
    mime_type = "text/markdown"
  }
}

# Readiness, as Cloud Monitoring sees it: an uptime check on the worker's readiness route, with an
# identity token of Monitoring's service agent (which may invoke the service), and an alert when it
# fails from two regions or more.
resource "google_cloud_run_v2_service_iam_member" "uptime_invoker" {
  name     = google_cloud_run_v2_service.worker.name
  location = var.region
  role     = "roles/run.invoker"
  member   = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-monitoring-notification.iam.gserviceaccount.com"
}

resource "google_monitoring_uptime_check_config" "readiness" {
  display_name = "Orchard readiness (${var.name})"
  timeout      = "10s"
  period       = "60s"

  http_check {
    path         = "/actuator/health/readiness"
    port         = 443
    use_ssl      = true
    validate_ssl = true
    service_agent_authentication {
      type = "OIDC_TOKEN"
    }
    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = trimprefix(google_cloud_run_v2_service.worker.uri, "https://")
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.uptime_invoker]
}

resource "google_monitoring_alert_policy" "readiness" {
  display_name          = "Orchard: readiness failing"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "readiness check fails"
    condition_threshold {
      filter          = "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" resource.type=\"uptime_url\" metric.label.check_id=\"${google_monitoring_uptime_check_config.readiness.uptime_check_id}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "300s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.label.host"]
      }
    }
  }

  documentation {
    content   = "The worker's readiness (champions loaded and warmed) fails from two or more regions: a model that cannot load, the job repository unreachable, or no instance running (GET /actuator/health shows which; docs/operations.md, \"Troubleshooting\")."
    mime_type = "text/markdown"
  }
}

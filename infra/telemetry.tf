# Telemetry out of the container: the worker (gcp profile) sends spans and metrics over OTLP/HTTP to
# an OpenTelemetry collector running beside it in the same Cloud Run instance (run.tf), which writes
# them to Cloud Trace and Cloud Monitoring. The collector's configuration is otel-collector.yaml,
# mounted from Secret Manager (Cloud Run mounts files only from secrets; nothing in it is secret).

resource "google_secret_manager_secret" "otel_config" {
  secret_id = "${var.name}-otel-collector-config"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "otel_config" {
  secret      = google_secret_manager_secret.otel_config.id
  secret_data = file("${path.module}/otel-collector.yaml")
}

resource "google_secret_manager_secret_iam_member" "worker_reads_otel_config" {
  secret_id = google_secret_manager_secret.otel_config.id
  role      = "roles/secretmanager.secretAccessor"
  member    = local.worker
}

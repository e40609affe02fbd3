# The worker's identity, with only what it uses: objects in its two buckets, pulling its
# subscriptions, publishing dead letters and partition requests, the database through the Cloud
# SQL connector, its two secrets, writing logs, metrics and traces, and reading the Pub/Sub
# backlog metrics for its subscription health indicator.
resource "google_service_account" "worker" {
  account_id   = "${var.name}-worker"
  display_name = "Orchard worker (Cloud Run)"
}

resource "google_storage_bucket_iam_member" "worker_data" {
  bucket = google_storage_bucket.data.name
  role   = "roles/storage.objectUser"
  member = local.worker
}

# Write access to the models bucket is what decides which model serves: a manifest's sha256 guards
# against corruption and partial copies, not against a writer of this bucket (who can replace the
# manifest too). The one service both serves HTTP and retrains, and retraining writes versions,
# aliases and the audit log, so this identity must write here; serving from an identity that only
# reads models/ needs serving split into a service of its own.
resource "google_storage_bucket_iam_member" "worker_models" {
  bucket = google_storage_bucket.models.name
  role   = "roles/storage.objectUser"
  member = local.worker
}

resource "google_pubsub_subscription_iam_member" "worker_pulls" {
  for_each     = google_pubsub_subscription.worker
  subscription = each.value.id
  role         = "roles/pubsub.subscriber"
  member       = local.worker
}

# The subscriber health indicator and backlog gauges read subscription metadata.
resource "google_pubsub_subscription_iam_member" "worker_views" {
  for_each     = google_pubsub_subscription.worker
  subscription = each.value.id
  role         = "roles/pubsub.viewer"
  member       = local.worker
}

resource "google_pubsub_topic_iam_member" "worker_publishes" {
  for_each = {
    dead_letter = google_pubsub_topic.dead_letter.id
    partitions  = google_pubsub_topic.partitions.id
  }
  topic  = each.value
  role   = "roles/pubsub.publisher"
  member = local.worker
}

# These roles exist only at project level (Cloud SQL, Logging, Monitoring and Trace have no
# resource-level IAM for them); everything that can be granted on a resource is granted there.
resource "google_project_iam_member" "worker_project" {
  for_each = toset([
    "roles/cloudsql.client",
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer", # the subscription health indicator reads backlog metrics
    "roles/cloudtrace.agent",
  ])
  project = var.project_id
  role    = each.value
  member  = local.worker
}

resource "google_secret_manager_secret_iam_member" "worker_reads" {
  for_each  = { db = google_secret_manager_secret.db_password.id, admin = google_secret_manager_secret.admin_token.id }
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = local.worker
}

# Orchard's admin token (admin routes: POST /jobs, :promote, :rollback, model registration).
resource "random_password" "admin_token" {
  length  = 40
  special = false
}

resource "google_secret_manager_secret" "admin_token" {
  secret_id = "${var.name}-admin-token"
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "admin_token" {
  secret      = google_secret_manager_secret.admin_token.id
  secret_data = random_password.admin_token.result
}

# Data bucket: uploads/, predictions/, training/ (and batches for prefix jobs).
resource "google_storage_bucket" "data" {
  name                        = local.data_bucket
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy

  dynamic "lifecycle_rule" {
    for_each = var.prediction_retention_days > 0 ? [1] : []
    content {
      condition {
        age            = var.prediction_retention_days
        matches_prefix = ["predictions/"]
      }
      action {
        type = "Delete"
      }
    }
  }

  depends_on = [google_project_service.apis]
}

# Models bucket: models/<name>/versions, aliases, audit. Object versioning keeps overwritten
# aliases recoverable; versions themselves are create-only.
resource "google_storage_bucket" "models" {
  name                        = local.models_bucket
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      num_newer_versions = 20
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.apis]
}

# Cloud Storage publishes OBJECT_FINALIZE of uploads/ to the uploads topic (JSON_API_V1 payload).
data "google_storage_project_service_account" "gcs" {}

resource "google_pubsub_topic_iam_member" "gcs_publishes_uploads" {
  topic  = google_pubsub_topic.uploads.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_storage_notification" "uploads" {
  bucket             = google_storage_bucket.data.name
  topic              = google_pubsub_topic.uploads.id
  payload_format     = "JSON_API_V1"
  event_types        = ["OBJECT_FINALIZE"]
  object_name_prefix = "uploads/"

  depends_on = [google_pubsub_topic_iam_member.gcs_publishes_uploads]
}

resource "google_pubsub_topic" "uploads" {
  name       = "${var.name}-uploads"
  depends_on = [google_project_service.apis]
}

resource "google_pubsub_topic" "commands" {
  name       = "${var.name}-commands"
  depends_on = [google_project_service.apis]
}

# The commands topic can promote, roll back and retrain: only var.command_publishers may publish
# on it (this binding is the topic's whole publisher list). Principals with publish rights on the
# whole project (owners, editors, roles/pubsub.publisher on the project) still can — grant none.
resource "google_pubsub_topic_iam_binding" "command_publishers" {
  topic   = google_pubsub_topic.commands.id
  role    = "roles/pubsub.publisher"
  members = concat(var.command_publishers, length(var.retrain_schedules) > 0 ? [local.scheduler_agent] : [])
}

resource "google_pubsub_topic" "partitions" {
  name       = "${var.name}-partitions"
  depends_on = [google_project_service.apis]
}

resource "google_pubsub_topic" "dead_letter" {
  name       = "${var.name}-dead-letter"
  depends_on = [google_project_service.apis]
}

locals {
  # Subscriptions the worker pulls; each dead-letters after max_delivery_attempts, with backoff.
  worker_subscriptions = {
    uploads = {
      topic        = google_pubsub_topic.uploads.id
      ack_deadline = 60
    }
    commands = {
      topic        = google_pubsub_topic.commands.id
      ack_deadline = 600
    }
    partitions = {
      topic        = google_pubsub_topic.partitions.id
      ack_deadline = 60
    }
  }
}

resource "google_pubsub_subscription" "worker" {
  for_each = local.worker_subscriptions

  name                       = "${var.name}-${each.key}"
  topic                      = each.value.topic
  ack_deadline_seconds       = each.value.ack_deadline
  message_retention_duration = "604800s"
  expiration_policy {
    ttl = "" # never expires
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }
}

# Keeps dead letters for a person to read (gcloud pubsub subscriptions pull ... --auto-ack).
resource "google_pubsub_subscription" "dead_letter" {
  name                       = "${var.name}-dead-letter"
  topic                      = google_pubsub_topic.dead_letter.id
  message_retention_duration = "604800s"
  expiration_policy {
    ttl = ""
  }
}

# Pub/Sub's own service agent forwards undeliverable messages: it must publish to the dead-letter
# topic and acknowledge on the source subscriptions.
resource "google_pubsub_topic_iam_member" "agent_publishes_dead_letters" {
  topic  = google_pubsub_topic.dead_letter.id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "agent_forwards" {
  for_each     = google_pubsub_subscription.worker
  subscription = each.value.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

resource "google_artifact_registry_repository" "images" {
  repository_id = var.name
  location      = var.region
  format        = "DOCKER"
  description   = "Orchard worker images"
  depends_on    = [google_project_service.apis]
}

locals {
  jdk_java_options = join(" ", compact([
    var.spring_aot ? "-Dspring.aot.enabled=true" : "",
    var.jvm_fast_start ? "-XX:TieredStopAtLevel=1" : "",
  ]))
}

resource "google_cloud_run_v2_service" "worker" {
  name                = var.name
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = !var.force_destroy

  template {
    service_account                  = google_service_account.worker.email
    max_instance_request_concurrency = 80
    timeout                          = "300s"

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    # Direct VPC egress: the job repository's private IP; everything else leaves as before.
    vpc_access {
      network_interfaces {
        network    = google_compute_network.private.id
        subnetwork = google_compute_subnetwork.run.id
      }
      egress = "PRIVATE_RANGES_ONLY"
    }

    containers {
      name       = "worker"
      image      = var.image
      depends_on = ["cloud-sql-proxy", "otel-collector"]

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
        cpu_idle          = false # CPU always allocated: the Pub/Sub subscribers work between requests
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = merge({
          SPRING_PROFILES_ACTIVE                   = "gcp"
          ORCHARD_STORAGE_ADAPTER                  = "gcs"
          ORCHARD_STORAGE_BUCKET                   = google_storage_bucket.data.name
          ORCHARD_STORAGE_MODEL_BUCKET             = google_storage_bucket.models.name
          ORCHARD_PUBSUB_ENABLED                   = "true"
          ORCHARD_PUBSUB_NOTIFICATION_SUBSCRIPTION = google_pubsub_subscription.worker["uploads"].name
          ORCHARD_PUBSUB_COMMAND_SUBSCRIPTION      = google_pubsub_subscription.worker["commands"].name
          ORCHARD_PUBSUB_DEAD_LETTER_TOPIC         = google_pubsub_topic.dead_letter.name
          ORCHARD_PREFIX_JOBS_REMOTE_ENABLED       = "true"
          ORCHARD_PREFIX_JOBS_REMOTE_TOPIC         = google_pubsub_topic.partitions.name
          ORCHARD_PREFIX_JOBS_REMOTE_SUBSCRIPTION  = google_pubsub_subscription.worker["partitions"].name
          SPRING_DATASOURCE_URL                    = "jdbc:postgresql://127.0.0.1:5432/${google_sql_database.orchard.name}"
          SPRING_DATASOURCE_USERNAME               = google_sql_user.orchard.name
          ORCHARD_OTLP_ENDPOINT                    = "http://localhost:4318"
          ORCHARD_TRACE_SAMPLING                   = tostring(var.trace_sampling)
        }, local.jdk_java_options == "" ? {} : { JDK_JAVA_OPTIONS = local.jdk_java_options })
        content {
          name  = env.key
          value = env.value
        }
      }

      env {
        name = "SPRING_DATASOURCE_PASSWORD"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.db_password.secret_id
            version = "latest"
          }
        }
      }

      env {
        name = "ORCHARD_SECURITY_ADMIN_TOKEN"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.admin_token.secret_id
            version = "latest"
          }
        }
      }

      # Ready = the champion model of every job spec is loaded (first deploy: trained from the sample).
      startup_probe {
        http_get {
          path = "/actuator/health/readiness"
        }
        initial_delay_seconds = 5
        period_seconds        = 5
        failure_threshold     = 46 # up to ~4 minutes
        timeout_seconds       = 3
      }

      liveness_probe {
        http_get {
          path = "/actuator/health/liveness"
        }
        period_seconds    = 30
        failure_threshold = 3
        timeout_seconds   = 5
      }
    }

    # OpenTelemetry collector (Google's build): the worker's OTLP on localhost:4318 → Cloud Trace and
    # Cloud Monitoring (telemetry.tf, otel-collector.yaml).
    containers {
      name  = "otel-collector"
      image = var.otel_collector_image
      args  = ["--config=/etc/otelcol-google/config.yaml"]

      volume_mounts {
        name       = "otel-config"
        mount_path = "/etc/otelcol-google"
      }

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
      }

      startup_probe {
        http_get {
          path = "/"
          port = 13133
        }
        period_seconds    = 2
        failure_threshold = 30
      }
    }

    volumes {
      name = "otel-config"
      secret {
        secret = google_secret_manager_secret.otel_config.secret_id
        items {
          version = "latest"
          path    = "config.yaml"
        }
      }
    }

    # Cloud SQL Auth Proxy: IAM-authorised TLS to the job repository on 127.0.0.1:5432.
    containers {
      name  = "cloud-sql-proxy"
      image = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1"
      args = [
        "--port=5432",
        "--private-ip",
        "--structured-logs",
        "--health-check",
        "--http-address=0.0.0.0",
        google_sql_database_instance.jobs.connection_name,
      ]

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
      }

      startup_probe {
        http_get {
          path = "/startup"
          port = 9090
        }
        period_seconds    = 2
        failure_threshold = 30
      }
    }
  }

  lifecycle {
    # The deploy workflow rolls out new images; Terraform owns everything else.
    ignore_changes = [template[0].containers[0].image, client, client_version]
  }

  depends_on = [
    google_secret_manager_secret_iam_member.worker_reads,
    google_secret_manager_secret_iam_member.worker_reads_otel_config,
    google_secret_manager_secret_version.otel_config,
    google_project_iam_member.worker_project,
    google_secret_manager_secret_version.db_password,
    google_secret_manager_secret_version.admin_token,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "public" {
  count    = var.allow_unauthenticated ? 1 : 0
  name     = google_cloud_run_v2_service.worker.name
  location = var.region
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Scheduled retrains: a command on the commands topic, like any other client would send.
resource "google_cloud_scheduler_job" "retrain" {
  for_each  = var.retrain_schedules
  name      = "${var.name}-retrain-${each.key}"
  region    = var.region
  schedule  = each.value
  time_zone = var.scheduler_time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.commands.id
    data       = base64encode(jsonencode({ job = "retrain", model = each.key }))
  }

  depends_on = [google_project_service.apis]
}

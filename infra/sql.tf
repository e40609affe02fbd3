# The Spring Batch job repository and the upload ledger, shared by every replica.
resource "google_sql_database_instance" "jobs" {
  name                = "${var.name}-jobs"
  database_version    = "POSTGRES_15"
  region              = var.region
  deletion_protection = !var.force_destroy

  settings {
    tier              = var.sql_tier
    availability_type = "ZONAL"
    disk_autoresize   = true

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }

    ip_configuration {
      # Private IP only, reached through the Cloud SQL Auth Proxy sidecar (IAM-authorised, TLS)
      # over the worker's Direct VPC egress; no public IP, no authorised networks.
      ipv4_enabled    = false
      private_network = google_compute_network.private.id
      ssl_mode        = "ENCRYPTED_ONLY"
    }
  }

  depends_on = [google_project_service.apis, google_service_networking_connection.sql]
}

resource "google_sql_database" "orchard" {
  name     = "orchard"
  instance = google_sql_database_instance.jobs.name
}

resource "random_password" "db" {
  length  = 32
  special = false
}

resource "google_sql_user" "orchard" {
  name     = "orchard"
  instance = google_sql_database_instance.jobs.name
  password = random_password.db.result
}

resource "google_secret_manager_secret" "db_password" {
  secret_id = "${var.name}-db-password"
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "db_password" {
  secret      = google_secret_manager_secret.db_password.id
  secret_data = random_password.db.result
}

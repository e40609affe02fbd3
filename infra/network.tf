# A private network for the job repository: Cloud SQL has no public IP; the worker reaches it over
# Private Service Access through Cloud Run's Direct VPC egress (only private ranges go through the
# VPC; Cloud Storage and Pub/Sub stay on Google's front ends).
resource "google_compute_network" "private" {
  name                    = "${var.name}-private"
  auto_create_subnetworks = false
  depends_on              = [google_project_service.apis]
}

resource "google_compute_subnetwork" "run" {
  name                     = "${var.name}-run"
  region                   = var.region
  network                  = google_compute_network.private.id
  ip_cidr_range            = var.subnet_cidr
  private_ip_google_access = true
}

resource "google_compute_global_address" "sql_range" {
  name          = "${var.name}-sql-range"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 20
  network       = google_compute_network.private.id
}

resource "google_service_networking_connection" "sql" {
  network                 = google_compute_network.private.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.sql_range.name]
}

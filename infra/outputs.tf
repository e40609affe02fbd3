output "service_url" {
  description = "HTTPS URL of the worker (predict, /jobs, /docs)."
  value       = google_cloud_run_v2_service.worker.uri
}

output "data_bucket" {
  description = "Upload to gs://<data_bucket>/uploads/; results appear under predictions/."
  value       = google_storage_bucket.data.name
}

output "models_bucket" {
  description = "Model registry bucket (models/<name>/versions, aliases, audit)."
  value       = google_storage_bucket.models.name
}

output "commands_topic" {
  description = "Publish {\"job\":...} commands here."
  value       = google_pubsub_topic.commands.name
}

output "dead_letter_subscription" {
  description = "Pull rejected messages from here; the orchard-error attribute says why."
  value       = google_pubsub_subscription.dead_letter.name
}

output "image_repository" {
  description = "Push images here: <region>-docker.pkg.dev/<project>/<name>/orchard."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "admin_token_secret" {
  description = "Secret Manager secret holding the admin token (gcloud secrets versions access latest --secret=...)."
  value       = google_secret_manager_secret.admin_token.secret_id
}

output "workload_identity_provider" {
  description = "GitHub variable GCP_WORKLOAD_IDENTITY_PROVIDER."
  value       = var.github_repository == "" ? null : google_iam_workload_identity_pool_provider.github[0].name
}

output "deployer_service_account" {
  description = "GitHub variable GCP_DEPLOYER_SERVICE_ACCOUNT."
  value       = var.github_repository == "" ? null : google_service_account.deployer[0].email
}

output "dashboard" {
  description = "The Cloud Monitoring dashboard of the worker."
  value       = "https://console.cloud.google.com/monitoring/dashboards/builder/${element(split("/", google_monitoring_dashboard.worker.id), 3)}?project=${var.project_id}"
}

variable "project_id" {
  description = "Google Cloud project to deploy into."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run service, Cloud SQL, Artifact Registry and Cloud Scheduler."
  type        = string
  default     = "europe-west1"
}

variable "name" {
  description = "Prefix of every resource name (buckets become <project>-<name>-data and -models)."
  type        = string
  default     = "orchard"
}

variable "image" {
  description = "Container image the service runs. The deploy workflow replaces it on every push to main; the first apply may use any image that exists, e.g. one pushed by hand."
  type        = string
}

variable "min_instances" {
  description = "Instances kept running. At least 1: the Pub/Sub subscribers pull, so a scaled-to-zero worker hears nothing."
  type        = number
  default     = 1
}

variable "max_instances" {
  description = "Most instances (competing consumers on the same subscriptions)."
  type        = number
  default     = 4
}

variable "cpu" {
  description = "vCPUs per instance."
  type        = string
  default     = "2"
}

variable "memory" {
  description = "Memory per instance (TensorFlow's natives and a loaded model need ~1.5 GiB)."
  type        = string
  default     = "4Gi"
}

variable "max_delivery_attempts" {
  description = "Deliveries of a message before Pub/Sub moves it to the dead-letter topic (5..100)."
  type        = number
  default     = 5
}

variable "sql_tier" {
  description = "Cloud SQL machine tier of the job repository."
  type        = string
  default     = "db-f1-micro"
}

variable "retrain_schedules" {
  description = "Cloud Scheduler retrains: model name => cron (in scheduler_time_zone). Each publishes {\"job\":\"retrain\",\"model\":...} on the commands topic."
  type        = map(string)
  default     = {}
}

variable "scheduler_time_zone" {
  description = "Time zone of retrain_schedules."
  type        = string
  default     = "Etc/UTC"
}

variable "allow_unauthenticated" {
  description = "Let anyone reach the service at the Cloud Run level (Orchard's own tokens still guard admin routes). false: callers need roles/run.invoker."
  type        = bool
  default     = false
}

variable "github_repository" {
  description = "owner/name of the GitHub repository whose workflows may deploy (Workload Identity Federation). Empty: no federation."
  type        = string
  default     = ""
}

variable "force_destroy" {
  description = "Let terraform destroy delete non-empty buckets and the database (teardown of a trial project)."
  type        = bool
  default     = false
}

variable "prediction_retention_days" {
  description = "Delete objects under predictions/ after this many days (0: keep forever)."
  type        = number
  default     = 30
}

variable "spring_aot" {
  description = "Start with Spring's build-time bean definitions (JDK_JAVA_OPTIONS=-Dspring.aot.enabled=true): 0.5–1.4 s faster to ready on the hosts measured (docs/performance.md, "Start-up"). The image's are made for the settings this module sets; a worker started with other ones refuses to start and says which."
  type        = bool
  default     = true
}

variable "jvm_fast_start" {
  description = "C1-only JIT (JDK_JAVA_OPTIONS=-XX:TieredStopAtLevel=1): about 1 s faster to ready (docs/performance.md, "Start-up") for slower steady-state Java code (Tribuo models, image decoding). Worth it when instances scale out often."
  type        = bool
  default     = false
}

variable "project_id" {
  description = "Google Cloud project to deploy into."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the Cloud Run service, Cloud SQL, Artifact Registry and Cloud Scheduler."
  type        = string
  default     = "europe-west1"
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must be a Google Cloud region such as europe-west1."
  }
}

variable "name" {
  description = "Prefix of every resource name (buckets become <project>-<name>-data and -models)."
  type        = string
  default     = "orchard"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3-20 lowercase letters, digits and hyphens (it prefixes service accounts, buckets and topics)."
  }
}

variable "image" {
  description = "Container image the service runs. The deploy workflow replaces it on every push to main; the first apply may use any image that exists, e.g. one pushed by hand."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9.-]+(:[0-9]+)?/[^ ]+(:[A-Za-z0-9_.-]+|@sha256:[0-9a-f]{64})$", var.image))
    error_message = "image must be a full reference with a tag or digest, e.g. europe-west1-docker.pkg.dev/p/orchard/orchard:<sha>."
  }
}

variable "min_instances" {
  description = "Instances kept running. At least 1: the Pub/Sub subscribers pull, so a scaled-to-zero worker hears nothing."
  type        = number
  default     = 1
  validation {
    condition     = var.min_instances >= 1 && var.min_instances <= 100
    error_message = "min_instances must be 1-100: a scaled-to-zero worker pulls no Pub/Sub messages."
  }
}

variable "max_instances" {
  description = "Most instances (competing consumers on the same subscriptions)."
  type        = number
  default     = 4
  validation {
    condition     = var.max_instances >= 1 && var.max_instances <= 1000
    error_message = "max_instances must be 1-1000."
  }
}

variable "cpu" {
  description = "vCPUs per instance."
  type        = string
  default     = "2"
  validation {
    condition     = contains(["1", "2", "4", "6", "8"], var.cpu)
    error_message = "cpu must be one of 1, 2, 4, 6, 8 (Cloud Run's choices)."
  }
}

variable "memory" {
  description = "Memory per instance (TensorFlow's natives and a loaded model need ~1.5 GiB)."
  type        = string
  default     = "4Gi"
  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.memory))
    error_message = "memory must be like 4Gi or 2048Mi."
  }
}

variable "max_delivery_attempts" {
  description = "Deliveries of a message before Pub/Sub moves it to the dead-letter topic (5..100)."
  type        = number
  default     = 5
  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "max_delivery_attempts must be 5-100 (Pub/Sub's range)."
  }
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
  validation {
    condition     = alltrue([for model, cron in var.retrain_schedules : can(regex("^[a-z0-9][a-z0-9-]{0,62}$", model)) && length(split(" ", trimspace(cron))) == 5])
    error_message = "retrain_schedules maps model names (lowercase letters, digits, hyphens) to 5-field cron expressions."
  }
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
  validation {
    condition     = var.github_repository == "" || can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name, or empty."
  }
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
  validation {
    condition     = var.prediction_retention_days >= 0 && var.prediction_retention_days <= 3650
    error_message = "prediction_retention_days must be 0 (keep forever) to 3650."
  }
}

variable "spring_aot" {
  description = "Start with Spring's build-time bean definitions (JDK_JAVA_OPTIONS=-Dspring.aot.enabled=true): 0.5–1.4 s faster to ready on the hosts measured (docs/performance.md, \"Start-up\"). The image's are made for the settings this module sets; a worker started with other ones refuses to start and says which."
  type        = bool
  default     = true
}

variable "jvm_fast_start" {
  description = "C1-only JIT (JDK_JAVA_OPTIONS=-XX:TieredStopAtLevel=1): about 0.3 s faster to ready on 2 vCPUs (docs/performance.md, \"Start-up\") for slower steady-state Java code (Tribuo models, image decoding). Worth it when instances scale out often."
  type        = bool
  default     = false
}

variable "command_publishers" {
  description = "Principals that may publish on the commands topic (promote, roll back, retrain, score a prefix), e.g. [\"group:ml-admins@example.com\"]. This list is the topic's whole publisher binding; the Cloud Scheduler agent is added when retrain_schedules is set."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for m in var.command_publishers : can(regex("^(user|group|serviceAccount|domain|principal|principalSet):.+", m))])
    error_message = "command_publishers entries must be IAM members such as group:admins@example.com or serviceAccount:ci@p.iam.gserviceaccount.com."
  }
}

variable "subnet_cidr" {
  description = "Range of the subnet Cloud Run's Direct VPC egress uses (a /26 or larger; one address per instance and revision)."
  type        = string
  default     = "10.8.0.0/24"

  validation {
    condition     = can(cidrnetmask(var.subnet_cidr)) && tonumber(split("/", var.subnet_cidr)[1]) <= 26
    error_message = "subnet_cidr must be an IPv4 range of /26 or larger, e.g. 10.8.0.0/24."
  }
}

variable "otel_collector_image" {
  description = "Google's build of the OpenTelemetry collector, run beside the worker (telemetry.tf)."
  type        = string
  default     = "us-docker.pkg.dev/cloud-ops-agents-artifacts/google-cloud-opentelemetry-collector/otelcol-google:0.144.0"
}

variable "trace_sampling" {
  description = "Share of new traces kept (0..1); a caller's sampled traceparent is always followed."
  type        = number
  default     = 0.1

  validation {
    condition     = var.trace_sampling >= 0 && var.trace_sampling <= 1
    error_message = "trace_sampling must be between 0 and 1."
  }
}

variable "notification_channels" {
  description = "Cloud Monitoring notification channel ids (projects/P/notificationChannels/N) the alert policies notify; empty: the policies still open incidents in the console."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[^/]+$", c))])
    error_message = "Each notification channel must be projects/<project>/notificationChannels/<id>."
  }
}

variable "alert_backlog_age_seconds" {
  description = "Alert when the oldest unacknowledged upload or command message is older than this."
  type        = number
  default     = 300

  validation {
    condition     = var.alert_backlog_age_seconds >= 60
    error_message = "alert_backlog_age_seconds must be at least 60."
  }
}

variable "alert_error_ratio" {
  description = "Alert when more than this share of uploads end in an error result, or of HTTP requests in a 5xx, over 10 minutes."
  type        = number
  default     = 0.05

  validation {
    condition     = var.alert_error_ratio > 0 && var.alert_error_ratio < 1
    error_message = "alert_error_ratio must be between 0 and 1."
  }
}

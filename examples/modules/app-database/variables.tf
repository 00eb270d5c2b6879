# Required: what the database is called and where it lives. Everything else has a default.

variable "name" {
  description = "Name of the instance (the AppCat claim): lowercase letters, digits and '-', starting with a letter, at most 30 characters. The alert channel, when the module creates one, is named <name>-alerts."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$", var.name))
    error_message = "name must be lowercase letters, digits and '-', start with a letter, end with a letter or digit, and be at most 30 characters long."
  }
}

variable "namespace" {
  description = "Namespace of the instance, its users and its alert channel: the namespace of the application that uses the database."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a Kubernetes namespace name: lowercase letters, digits and '-', at most 63 characters."
  }
}

# The instance.

variable "engine" {
  description = "Database engine: \"postgresql\" (appcat_postgresql) or \"mariadb\" (appcat_mariadb). Changing it replaces the database, and its data is not carried over."
  type        = string
  default     = "postgresql"
  nullable    = false

  validation {
    condition     = contains(["postgresql", "mariadb"], var.engine)
    error_message = "engine must be \"postgresql\" or \"mariadb\"."
  }
}

variable "engine_version" {
  description = "Version of the engine, e.g. \"17\" for PostgreSQL or \"11.8\" for MariaDB. null (the default) takes the platform's default version. Versions only go up; a major upgrade needs allow_major_version_upgrade."
  type        = string
  default     = null
}

variable "allow_major_version_upgrade" {
  description = "Allow a change of engine_version that is a major upgrade (cannot be undone: take a backup first)."
  type        = bool
  default     = false
  nullable    = false
}

variable "plan" {
  description = "Size plan of the instance, e.g. \"standard-2\"; the appcat_catalog data source lists the plans the cluster offers. null (the default) takes the provider's default plan for the engine."
  type        = string
  default     = null
}

variable "disk" {
  description = "Disk size, e.g. \"40Gi\", overriding the plan's. The disk can only grow. null (the default) keeps the plan's size."
  type        = string
  default     = null
}

variable "instances" {
  description = "Number of database instances: 1 (the default), or 3 for a highly available instance (PostgreSQL also allows 2)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = contains([1, 2, 3], var.instances)
    error_message = "instances must be 1, 2 or 3 (2 only for PostgreSQL)."
  }
}

variable "deletion_protection" {
  description = "While true (the default), the platform refuses to delete the instance and a destroy fails. Set it to false and apply before destroying the database."
  type        = bool
  default     = true
  nullable    = false
}

# Backups.

variable "backup_enabled" {
  description = "Whether the platform backs the instance up. false stops backups (for PostgreSQL also point-in-time recovery) but keeps existing ones until retention removes them."
  type        = bool
  default     = true
  nullable    = false
}

variable "backup_schedule" {
  description = "When backups run: a 5-field cron schedule in UTC, e.g. \"30 2 * * *\" for 02:30 every day. null (the default) lets the platform pick a random daily time, which spreads the backups of many instances; the backup_schedule output shows the time it picked."
  type        = string
  default     = null

  validation {
    condition     = var.backup_schedule == null || can(regex("^\\S+ \\S+ \\S+ \\S+ \\S+$", var.backup_schedule))
    error_message = "backup_schedule must be a cron schedule of 5 fields separated by single spaces (minute hour day-of-month month day-of-week), in UTC."
  }
}

variable "backup_retention_days" {
  description = "For how many days backups are kept: PostgreSQL's retention (and with it the window of point-in-time recovery), MariaDB's number of daily backups kept (keep_daily)."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.backup_retention_days >= 1 && floor(var.backup_retention_days) == var.backup_retention_days
    error_message = "backup_retention_days must be a whole number of days, at least 1."
  }
}

# Maintenance.

variable "maintenance_window" {
  description = "Weekly maintenance window, in UTC: the day (monday … sunday) and the time it starts (hh:mm:ss). In the window the platform takes a backup and applies minor and patch updates. The default, Tuesday 21:00 UTC, keeps maintenance out of the weekend and leaves the next working day to notice problems. null lets the platform pick a random weekly window."
  type = object({
    day_of_week = string
    time_of_day = string
  })
  default = {
    day_of_week = "tuesday"
    time_of_day = "21:00:00"
  }

  validation {
    condition     = var.maintenance_window == null || contains(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], try(var.maintenance_window.day_of_week, ""))
    error_message = "maintenance_window.day_of_week must be a lowercase day name, monday to sunday."
  }

  validation {
    condition     = var.maintenance_window == null || can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$", try(var.maintenance_window.time_of_day, "")))
    error_message = "maintenance_window.time_of_day must be hh:mm:ss on a 24-hour clock, in UTC, e.g. \"21:00:00\"."
  }
}

# Database users.

variable "users" {
  description = <<-EOT
    Database users of the application, by user name: each gets its own credentials (a Secret
    <name>-<user> in the namespace) and a database, by default named like the user. privileges
    restricts what the user may do (uppercase SQL, e.g. ["SELECT"]); without it the platform
    grants ALL on the user's database. privileges are not available for PostgreSQL on the
    CloudNativePG backend, the default. The default is one user, "app", with a database "app".
  EOT
  type = map(object({
    database   = optional(string)
    privileges = optional(set(string))
  }))
  default  = { app = {} }
  nullable = false

  validation {
    condition     = alltrue([for u in keys(var.users) : can(regex("^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$", u))])
    error_message = "Each user name (key of users) must be lowercase letters, digits and '-', start with a letter, end with a letter or digit, and be at most 32 characters long (MariaDB's limit)."
  }

  validation {
    condition     = alltrue([for u in values(var.users) : u.database == null || can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", u.database))])
    error_message = "Each user's database must be lowercase letters, digits and '-', start with a letter, end with a letter or digit, and be at most 63 characters long."
  }
}

variable "store_credentials" {
  description = "Whether the users' passwords, and the instance's own credentials and certificates, are stored in the Terraform state, and so available in the credentials output. true (the default) is convenient; false keeps them out of the state and the plan: credentials then has no password or url, and the application reads them with the appcat_connection ephemeral resource or from the users' Secrets (see the README)."
  type        = bool
  default     = true
  nullable    = false
}

# Alerts.

variable "alert_emails" {
  description = "Email addresses that get the instance's capacity alerts (disk filling up, memory, connections), sent by the platform. Empty (the default): no email."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for e in var.alert_emails : can(regex("^[^@\\s,<>]+@[^@\\s,<>]+\\.[^@\\s,<>]+$", e))])
    error_message = "Each entry of alert_emails must be a plain email address such as ops@example.com."
  }
}

variable "alert_channel" {
  description = <<-EOT
    An alert channel the module creates for the instance (appcat_alert_channel <name>-alerts) and
    attaches to it: set exactly one of webhook_url (the platform posts Alertmanager's webhook JSON
    there) or email (through your SMTP server: to, from, smarthost as host:port). null (the
    default) creates no channel. For Slack, Teams, PagerDuty or Opsgenie, create the channel
    yourself and name it in alert_channel_name.
  EOT
  type = object({
    webhook_url = optional(string)
    email = optional(object({
      to        = list(string)
      from      = string
      smarthost = string
    }))
  })
  default = null

  validation {
    condition     = var.alert_channel == null || (try(var.alert_channel.webhook_url, null) != null) != (try(var.alert_channel.email, null) != null)
    error_message = "alert_channel must set exactly one of webhook_url and email."
  }
}

variable "alert_channel_name" {
  description = "Name of an existing appcat_alert_channel in the namespace to attach to the instance (e.g. the team's Slack channel), instead of alert_channel. null (the default): none."
  type        = string
  default     = null
}

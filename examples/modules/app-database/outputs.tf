# What an application needs to connect. Values read from the platform's connection secrets are
# sensitive: `terraform output -json credentials` prints them.

output "kind" {
  description = "Engine of the instance, \"postgresql\" or \"mariadb\": the kind argument of appcat_connection (and appcat_backups, appcat_metrics_endpoint)."
  value       = var.engine
}

output "instance_id" {
  description = "ID of the instance, namespace/name: the instance_id argument of appcat_connection."
  value       = local.instance_id
}

output "instance_namespace" {
  description = "Namespace the platform runs the instance in: its pods, logs and events are there."
  value       = local.instance_namespace
}

output "host" {
  description = "Host name of the database service (cluster-internal)."
  value       = local.connection_details.host
  sensitive   = true
}

output "port" {
  description = "Port of the database service."
  value       = local.connection_details.port
  sensitive   = true
}

output "users" {
  description = "The database users by name: username, database and connection_secret_name, the Secret in the namespace that holds the user's credentials (for workloads that mount it). username is known once the platform has provisioned the user, which is what appcat_connection's user argument needs."
  value = {
    for k, u in appcat_database_user.this : k => {
      username               = nonsensitive(u.connection_details.username)
      database               = u.database
      connection_secret_name = u.connection_secret_name
    }
  }
}

output "credentials" {
  description = "The database users' credentials by user name: host, port, database, username, password, url and ca_certificate. With store_credentials = false, password, url and ca_certificate are null (they are not in the state): use appcat_connection instead."
  value = {
    for k, u in appcat_database_user.this : k => {
      host           = u.connection_details.host
      port           = u.connection_details.port
      database       = u.connection_details.database
      username       = u.connection_details.username
      password       = u.connection_details.password
      url            = u.connection_details.url
      ca_certificate = u.connection_details.ca_certificate
    }
  }
  sensitive = true
}

output "backup_schedule" {
  description = "The schedule backups run on (cron, UTC): backup_schedule, or the time the platform picked."
  value       = appcat_backup_policy.this.effective_schedule
}

output "maintenance_window" {
  description = "The weekly maintenance window the platform uses (UTC): maintenance_window, or the one the platform picked."
  value = {
    day_of_week = appcat_maintenance_window.this.effective_day_of_week
    time_of_day = appcat_maintenance_window.this.effective_time_of_day
  }
}

output "alert_channel" {
  description = "Name of the alert channel the instance's alerts go to, or null."
  value       = local.alert_channel
}

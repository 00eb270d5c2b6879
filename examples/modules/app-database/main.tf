# One database for one application: a PostgreSQL or MariaDB instance with its backup policy,
# maintenance window, database users and, optionally, an alert channel. The module declares no
# provider block: the caller configures the appcat provider (cluster, credentials) and the module
# uses it.

locals {
  postgresql = var.engine == "postgresql"

  # The channel the instance's alerts go to: the one the module creates, or an existing one.
  alert_channel = var.alert_channel != null ? one(appcat_alert_channel.this[*].name) : var.alert_channel_name
  alerting = local.alert_channel == null && length(var.alert_emails) == 0 ? null : {
    channel = local.alert_channel
    email   = length(var.alert_emails) > 0 ? join(", ", var.alert_emails) : null
  }

  # The instance, whichever engine, one attribute at a time: a function applied to the whole
  # resource object would mark all of it sensitive, because connection_details is.
  instance_id        = one(concat(appcat_postgresql.this[*].id, appcat_mariadb.this[*].id))
  instance_namespace = one(concat(appcat_postgresql.this[*].instance_namespace, appcat_mariadb.this[*].instance_namespace))
  connection_details = one(concat(appcat_postgresql.this[*].connection_details, appcat_mariadb.this[*].connection_details))
}

resource "appcat_alert_channel" "this" {
  count = var.alert_channel != null ? 1 : 0

  name      = "${var.name}-alerts"
  namespace = var.namespace

  webhook = var.alert_channel.webhook_url != null ? { url = var.alert_channel.webhook_url } : null
  email = var.alert_channel.email != null ? {
    to        = join(", ", var.alert_channel.email.to)
    from      = var.alert_channel.email.from
    smarthost = var.alert_channel.email.smarthost
  } : null
}

resource "appcat_postgresql" "this" {
  count = local.postgresql ? 1 : 0

  name                        = var.name
  namespace                   = var.namespace
  version                     = var.engine_version
  allow_major_version_upgrade = var.allow_major_version_upgrade
  plan                        = var.plan
  disk                        = var.disk
  instances                   = var.instances
  deletion_protection         = var.deletion_protection
  store_credentials           = var.store_credentials
  alerting                    = local.alerting

  lifecycle {
    precondition {
      condition     = var.alert_channel == null || var.alert_channel_name == null
      error_message = "Set alert_channel (the module creates a channel) or alert_channel_name (an existing channel), not both."
    }
  }
}

resource "appcat_mariadb" "this" {
  count = local.postgresql ? 0 : 1

  name                        = var.name
  namespace                   = var.namespace
  version                     = var.engine_version
  allow_major_version_upgrade = var.allow_major_version_upgrade
  plan                        = var.plan
  disk                        = var.disk
  instances                   = var.instances
  deletion_protection         = var.deletion_protection
  store_credentials           = var.store_credentials
  alerting                    = local.alerting

  lifecycle {
    precondition {
      condition     = var.alert_channel == null || var.alert_channel_name == null
      error_message = "Set alert_channel (the module creates a channel) or alert_channel_name (an existing channel), not both."
    }
  }
}

# Backups: PostgreSQL keeps them for a number of days (and point-in-time recovery with them),
# MariaDB keeps a number of daily backups; backup_retention_days sets either.
resource "appcat_backup_policy" "this" {
  kind        = var.engine
  instance_id = local.instance_id

  enabled    = var.backup_enabled
  schedule   = var.backup_schedule
  retention  = local.postgresql ? var.backup_retention_days : null
  keep_daily = local.postgresql ? null : var.backup_retention_days
}

resource "appcat_maintenance_window" "this" {
  kind        = var.engine
  instance_id = local.instance_id

  day_of_week = try(var.maintenance_window.day_of_week, null)
  time_of_day = try(var.maintenance_window.time_of_day, null)
}

# The application's users. The provider retries its writes of the instance's user list, so
# for_each creates them all in one apply.
resource "appcat_database_user" "this" {
  for_each = var.users

  kind              = var.engine
  instance_id       = local.instance_id
  user              = each.key
  database          = each.value.database
  privileges        = each.value.privileges
  store_credentials = var.store_credentials
}

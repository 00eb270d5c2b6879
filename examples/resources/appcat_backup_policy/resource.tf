resource "appcat_postgresql" "db" {
  name      = "orders-db"
  namespace = "my-app"
}

# Backups of orders-db every six hours, kept for 14 days.
resource "appcat_backup_policy" "db" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id

  schedule  = "0 */6 * * *" # UTC
  retention = 14
}

resource "appcat_redis" "cache" {
  name      = "session-cache"
  namespace = "my-app"
}

# Redis and MariaDB keep backups by restic-style rules instead of a number of days.
resource "appcat_backup_policy" "cache" {
  kind        = "redis"
  instance_id = appcat_redis.cache.id

  schedule    = "30 1 * * *" # 01:30 UTC every day
  keep_last   = 3
  keep_daily  = 7
  keep_weekly = 4
}

# enabled = false turns backups off but keeps the policy; removing the resource instead
# returns the instance to the platform's defaults (backups on, random daily time).
output "orders_db_backup_schedule" {
  value = appcat_backup_policy.db.effective_schedule
}

resource "appcat_mariadb" "archive" {
  name      = "archive-db"
  namespace = "my-app"
}

# Back up into your own S3 bucket; both keys in one Secret of the instance's namespace.
resource "appcat_backup_policy" "archive" {
  kind        = "mariadb"
  instance_id = appcat_mariadb.archive.id

  unmanaged_bucket = {
    endpoint   = "https://sos-ch-gva-2.exo.io"
    bucket     = "archive-db-backups"
    region     = "ch-gva-2"
    access_key = { secret_name = "s3-credentials", key = "AWS_ACCESS_KEY_ID" }
    secret_key = { secret_name = "s3-credentials", key = "AWS_SECRET_ACCESS_KEY" }
  }
}

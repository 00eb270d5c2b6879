# The backups of an instance, newest first.
data "appcat_backups" "db" {
  kind        = "postgresql"
  instance_id = "my-app/orders-db"
}

output "latest_backup" {
  value = try(data.appcat_backups.db.backups[0], null)
}

output "backup_names" {
  value = data.appcat_backups.db.backups[*].name
}

resource "appcat_postgresql" "db" {
  name      = "orders-db"
  namespace = "my-app"
  version   = "16"
}

# Maintenance on Tuesday nights at 22:30 UTC (not local time).
resource "appcat_maintenance_window" "db" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id

  day_of_week = "tuesday"
  time_of_day = "22:30:00" # hh:mm:ss, UTC
}

output "maintenance_window" {
  value = "${appcat_maintenance_window.db.effective_day_of_week} ${appcat_maintenance_window.db.effective_time_of_day} UTC"
}

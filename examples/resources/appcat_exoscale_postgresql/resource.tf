resource "appcat_exoscale_postgresql" "orders" {
  name      = "orders"
  namespace = "my-app"

  zone    = "de-fra-1"   # Exoscale zone; another zone means another database
  plan    = "business-8" # Exoscale's plan: 4 CPU, 8Gi memory, 175Gi disk
  version = "16"

  # Only the application's egress addresses may connect.
  ip_filter = ["203.0.113.0/24"]

  # Exoscale's own windows, UTC. "never" turns Exoscale's maintenance off.
  maintenance_day_of_week = "sunday"
  maintenance_time_of_day = "02:00:00"
  backup_time_of_day      = "01:00:00"

  settings = jsonencode({
    timezone        = "Europe/Zurich"
    max_connections = 200
  })
}

output "orders_database_url" {
  # postgres://avnadmin:…@<host>:<port>/defaultdb?sslmode=require
  value     = appcat_exoscale_postgresql.orders.connection_details.url
  sensitive = true
}

resource "appcat_exoscale_mysql" "shop" {
  name      = "shop"
  namespace = "my-app"

  zone    = "ch-gva-2"
  plan    = "startup-8" # Exoscale's plan: 4 CPU, 8Gi memory, 175Gi disk
  version = "8"

  ip_filter = ["203.0.113.0/24"]

  # Exoscale's own windows, UTC.
  maintenance_day_of_week = "saturday"
  maintenance_time_of_day = "03:00:00"
  backup_time_of_day      = "01:30:00"

  settings = jsonencode({
    sql_mode = "ANSI,TRADITIONAL"
  })
}

output "shop_database_url" {
  # mysql://avnadmin:…@<host>:<port>/defaultdb?ssl-mode=REQUIRED
  value     = appcat_exoscale_mysql.shop.connection_details.url
  sensitive = true
}

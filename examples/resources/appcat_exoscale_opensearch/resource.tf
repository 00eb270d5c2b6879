resource "appcat_exoscale_opensearch" "search" {
  name      = "search"
  namespace = "my-app"

  zone    = "ch-gva-2"
  plan    = "startup-8" # Exoscale's plan: 4 CPU, 8Gi memory, 175Gi disk
  version = "2"

  ip_filter = ["203.0.113.0/24"]

  # Exoscale's own windows, UTC.
  maintenance_day_of_week = "saturday"
  maintenance_time_of_day = "03:00:00"
  backup_time_of_day      = "01:30:00"

  settings = jsonencode({
    max_index_count = 100
  })
}

output "search_url" {
  # https://avnadmin:…@<host>:<port>
  value     = appcat_exoscale_opensearch.search.connection_details.url
  sensitive = true
}

output "search_dashboard_url" {
  value     = appcat_exoscale_opensearch.search.connection_details.dashboard_url
  sensitive = true
}

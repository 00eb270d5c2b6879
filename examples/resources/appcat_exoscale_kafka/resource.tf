resource "appcat_exoscale_kafka" "events" {
  name      = "events"
  namespace = "my-app"

  zone    = "ch-gva-2"
  plan    = "business-4" # Exoscale's plan: 3 brokers, 2 CPU, 4Gi memory, 480Gi disk
  version = "3.8"

  ip_filter = ["203.0.113.0/24"]

  # Exoscale's own maintenance window, UTC.
  maintenance_day_of_week = "sunday"
  maintenance_time_of_day = "02:00:00"

  settings = jsonencode({
    auto_create_topics_enable = false
    num_partitions            = 6
  })
}

# Kafka at Exoscale authenticates clients by certificate: no user or password.
output "events_bootstrap_servers" {
  # Every broker's host:port, separated by spaces.
  value     = replace(appcat_exoscale_kafka.events.connection_details.nodes, " ", ",")
  sensitive = true
}

output "events_client_certificate" {
  value     = appcat_exoscale_kafka.events.connection_details.client_certificate
  sensitive = true
}

# Where the metrics of an instance are, and a Grafana dashboard for them.
data "appcat_metrics_endpoint" "orders_db" {
  kind        = "postgresql"
  instance_id = "my-app/orders-db"
}

output "scrape_url" {
  value = data.appcat_metrics_endpoint.orders_db.scrape_url
}

# E.g. kubelet_volume_stats_used_bytes{namespace="vshn-postgresql-orders-db-x7k2q"}
output "disk_usage_query" {
  value = "kubelet_volume_stats_used_bytes${data.appcat_metrics_endpoint.orders_db.label_selector}"
}

# With the Grafana provider (grafana/grafana):
# resource "grafana_dashboard" "orders_db" {
#   config_json = data.appcat_metrics_endpoint.orders_db.grafana_dashboard_json
# }

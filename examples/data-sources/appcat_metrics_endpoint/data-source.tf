# Where the metrics of an instance are scraped from, and a Grafana dashboard for them.
data "appcat_metrics_endpoint" "cache" {
  kind        = "redis"
  instance_id = "my-app/cache"
}

# E.g. [{source = "ServiceMonitor", monitor = "redis", service = "redis-metrics", port = "http-metrics", ...}]
output "scrape_targets" {
  value = data.appcat_metrics_endpoint.cache.targets
}

# E.g. http://redis-metrics.vshn-redis-cache-x7k2q.svc:9121/metrics (in-cluster)
output "scrape_url" {
  value = data.appcat_metrics_endpoint.cache.scrape_url
}

# E.g. kubelet_volume_stats_used_bytes{namespace="vshn-redis-cache-x7k2q"}
output "disk_usage_query" {
  value = "kubelet_volume_stats_used_bytes${data.appcat_metrics_endpoint.cache.label_selector}"
}

# With the Grafana provider (grafana/grafana):
# resource "grafana_dashboard" "cache" {
#   config_json = data.appcat_metrics_endpoint.cache.grafana_dashboard_json
# }

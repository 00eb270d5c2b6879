resource "appcat_mariadb" "db" {
  name      = "shop-db"
  namespace = "my-app"

  version   = "11.8"
  plan      = "standard-4"
  disk      = "50Gi"
  instances = 3 # a Galera cluster behind ProxySQL; connection_details.host is ProxySQL's

  service_level = "guaranteed"

  proxysql_cpu_request    = "100m"
  proxysql_memory_request = "128Mi"
  proxysql_memory_limit   = "512Mi"

  mariadb_settings = <<-EOT
    max_connections = 500
  EOT

  # Reachable from outside the cluster, from the office network only.
  service_type = "LoadBalancer"
  ip_filter    = ["203.0.113.0/24"]

  # TLS cannot be switched while more than one instance runs.
  tls_enabled = true

  # The default: `terraform destroy` fails until this is set to false and applied.
  deletion_protection = true

  timeouts {
    create = "30m"
  }
}

resource "appcat_postgresql" "db" {
  name      = "orders-db"
  namespace = "my-app"

  # Changing the version later is an in-place upgrade; a major one (every PostgreSQL version
  # change, e.g. "17" to "18") also needs allow_major_version_upgrade = true for that apply.
  version   = "17"
  plan      = "standard-4"
  disk      = "50Gi"
  instances = 3 # highly available, with replication

  replication_mode = "async"
  service_level    = "guaranteed"

  settings = {
    max_connections = "200"
    work_mem        = "16MB"
  }

  extensions = [
    { name = "pg_stat_statements" },
  ]

  # The default: `terraform destroy` fails until this is set to false and applied.
  deletion_protection = true

  timeouts {
    create = "30m"
    update = "30m"
  }
}

# Reachable from outside the cluster through the platform's TCP gateway (CloudNativePG, where
# the cluster's operator enabled it): connection_details.gateway_host and gateway_port.
resource "appcat_postgresql" "reporting" {
  name         = "reporting-db"
  namespace    = "my-app"
  service_type = "TCPGateway"

  # Stay on the current composition revision until you move it yourself.
  composition_update_policy = "Manual"
}

output "reporting_db_gateway" {
  value     = "${appcat_postgresql.reporting.connection_details.gateway_host}:${appcat_postgresql.reporting.connection_details.gateway_port}"
  sensitive = true
}

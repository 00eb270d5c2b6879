resource "appcat_redis" "cache" {
  name      = "session-cache"
  namespace = "my-app"

  version       = "8.0"
  plan          = "standard-2"
  memory_limits = "2Gi"
  instances     = 3 # highly available with Redis Sentinel: see connection_details.sentinel_hosts
  service_level = "guaranteed"

  redis_settings = <<-EOT
    maxmemory-policy allkeys-lru
  EOT

  # The defaults: TLS with client certificates, handed out in connection_details.
  tls_enabled      = true
  tls_auth_clients = true

  # The default: `terraform destroy` fails until this is set to false and applied.
  deletion_protection = true
}

output "redis_sentinels" {
  value     = appcat_redis.cache.connection_details.sentinel_hosts
  sensitive = true
}

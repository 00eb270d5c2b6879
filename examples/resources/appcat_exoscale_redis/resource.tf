resource "appcat_exoscale_redis" "cache" {
  name      = "cache"
  namespace = "my-app"

  zone = "at-vie-1"
  plan = "hobbyist-2" # Exoscale's plan; Exoscale chooses the Redis version

  ip_filter = ["203.0.113.0/24"]

  # "never" turns Exoscale's maintenance off.
  maintenance_day_of_week = "never"

  settings = jsonencode({
    maxmemory_policy = "allkeys-lru"
  })
}

output "cache_url" {
  # rediss://default:…@<host>:<port>
  value     = appcat_exoscale_redis.cache.connection_details.url
  sensitive = true
}

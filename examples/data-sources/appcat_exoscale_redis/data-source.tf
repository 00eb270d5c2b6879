# Read an instance that another team or another configuration manages.
data "appcat_exoscale_redis" "shared" {
  name      = "shared-cache"
  namespace = "platform-team"
}

output "shared_cache_host" {
  value = data.appcat_exoscale_redis.shared.connection_details.host
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

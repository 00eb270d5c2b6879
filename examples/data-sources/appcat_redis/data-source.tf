# Read an instance that another team or another configuration manages.
data "appcat_redis" "shared" {
  name      = "shared-cache"
  namespace = "platform-team"
}

output "shared_cache_url" {
  value = data.appcat_redis.shared.connection_details.url
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

# Read a bucket that another team or another configuration manages.
data "appcat_object_bucket" "shared" {
  name      = "shared-assets"
  namespace = "platform-team"
}

output "shared_bucket_endpoint" {
  value = data.appcat_object_bucket.shared.connection_details.url
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

# Read an instance that another team or another configuration manages.
data "appcat_minio" "shared" {
  name      = "shared-objects"
  namespace = "platform-team"
}

output "shared_s3_endpoint" {
  value = data.appcat_minio.shared.connection_details.url
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

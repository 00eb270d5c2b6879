# Read an instance that another team or another configuration manages.
data "appcat_codey" "shared" {
  name      = "shared-code"
  namespace = "platform-team"
}

output "shared_codey_admin" {
  value = data.appcat_codey.shared.connection_details.username
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

# Read an instance that another team or another configuration manages.
data "appcat_forgejo" "shared" {
  name      = "shared-git"
  namespace = "platform-team"
}

output "shared_forgejo_hosts" {
  value = data.appcat_forgejo.shared.connection_details.url
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

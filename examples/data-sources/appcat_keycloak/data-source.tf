# Read an instance that another team or another configuration manages.
data "appcat_keycloak" "shared" {
  name      = "shared-sso"
  namespace = "platform-team"
}

output "shared_keycloak_host" {
  value = data.appcat_keycloak.shared.connection_details.host
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

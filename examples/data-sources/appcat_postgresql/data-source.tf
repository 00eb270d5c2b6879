# Read an instance that another team or another configuration manages.
data "appcat_postgresql" "shared" {
  name      = "shared-db"
  namespace = "platform-team"
}

output "shared_db_host" {
  value = data.appcat_postgresql.shared.connection_details.host
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

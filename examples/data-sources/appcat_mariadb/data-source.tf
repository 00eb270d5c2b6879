# Read an instance that another team or another configuration manages.
data "appcat_mariadb" "shared" {
  name      = "shared-db"
  namespace = "platform-team"
}

output "shared_db_host" {
  value = data.appcat_mariadb.shared.connection_details.host
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

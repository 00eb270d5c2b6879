# Read an instance that another team or another configuration manages.
data "appcat_exoscale_mysql" "shared" {
  name      = "shared-shop"
  namespace = "platform-team"
}

output "shared_shop_host" {
  value = data.appcat_exoscale_mysql.shared.connection_details.host
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

# Read an instance that another team or another configuration manages.
data "appcat_exoscale_postgresql" "reporting" {
  name      = "reporting"
  namespace = "platform-team"
}

output "reporting_host" {
  value = data.appcat_exoscale_postgresql.reporting.connection_details.host
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

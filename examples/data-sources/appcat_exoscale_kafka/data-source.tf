# Read an instance that another team or another configuration manages.
data "appcat_exoscale_kafka" "shared" {
  name      = "shared-events"
  namespace = "platform-team"
}

output "shared_events_bootstrap" {
  value = data.appcat_exoscale_kafka.shared.connection_details.url
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

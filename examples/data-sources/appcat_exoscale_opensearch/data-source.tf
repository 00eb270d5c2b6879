# Read an instance that another team or another configuration manages.
data "appcat_exoscale_opensearch" "shared" {
  name      = "shared-search"
  namespace = "platform-team"
}

output "shared_search_host" {
  value = data.appcat_exoscale_opensearch.shared.connection_details.host
  # The connection details are sensitive; so is everything taken from them.
  sensitive = true
}

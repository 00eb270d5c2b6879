# Read an instance that another team or another configuration manages.
data "appcat_nextcloud" "shared" {
  name      = "shared-files"
  namespace = "platform-team"
}

output "shared_nextcloud_fqdn" {
  value = data.appcat_nextcloud.shared.fqdn
}

resource "appcat_nextcloud" "files" {
  name      = "files"
  namespace = "my-app"

  # Host names of the ingress; Nextcloud answers for these only.
  fqdn    = ["cloud.example.com"]
  version = "31" # a major or major.minor version; maintenance moves to the newest patch release

  plan = "standard-4" # 1 CPU, 4Gi memory on APPUiO Cloud
  disk = "100Gi"      # room for the files; it can only grow

  # Office documents in the browser with Collabora Online.
  collabora_enabled = true
  collabora_fqdn    = "office.example.com"

  # The PostgreSQL the platform creates for Nextcloud.
  postgresql_version  = "16"
  postgresql_disk     = "30Gi"
  postgresql_settings = { work_mem = "16MB" }

  # The default: `terraform destroy` fails until this is set to false and applied.
  deletion_protection = true
}

# Nightly backups of the files, kept for two weeks.
resource "appcat_backup_policy" "files" {
  kind        = "nextcloud"
  instance_id = appcat_nextcloud.files.id
  schedule    = "30 1 * * *"
  keep_daily  = 14
}

output "nextcloud_admin_password" {
  # The admin user is `admin`; connection_details.host is the service inside the cluster.
  value     = appcat_nextcloud.files.connection_details.password
  sensitive = true
}

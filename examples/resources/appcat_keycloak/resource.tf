resource "appcat_keycloak" "sso" {
  name      = "sso"
  namespace = "my-app"

  version = "26"
  plan    = "standard-4" # 1 CPU, 4Gi memory on APPUiO Cloud

  # Published under this host name; without it Keycloak is reachable inside the cluster only.
  fqdn          = "sso.example.com"
  relative_path = "/"

  # Two Keycloak servers, required for the guaranteed service level.
  instances     = 2
  service_level = "guaranteed"

  # Themes and providers from an image of your own.
  customization_image = "registry.example.com/sso-theme:1.4"

  # Keycloak's own PostgreSQL instance.
  postgresql_version   = "16"
  postgresql_instances = 1

  # The default: `terraform destroy` fails until this is set to false and applied.
  deletion_protection = true
}

output "keycloak_admin_password" {
  value     = appcat_keycloak.sso.connection_details.password
  sensitive = true
}

# Backups of Keycloak's PostgreSQL instance: when, and how many days they are kept.
resource "appcat_backup_policy" "sso" {
  kind        = "keycloak"
  instance_id = appcat_keycloak.sso.id
  schedule    = "30 2 * * *"
  keep_daily  = 14
}

# A second Keycloak with the data (and admin credentials) of the first as of a point in time.
resource "appcat_keycloak" "sso_before_incident" {
  name               = "sso-0504"
  namespace          = "my-app"
  postgresql_version = appcat_keycloak.sso.postgresql_version

  restore = {
    source_instance    = appcat_keycloak.sso.name
    recovery_timestamp = "2026-05-04T13:45:00Z"
  }
}

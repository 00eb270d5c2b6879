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

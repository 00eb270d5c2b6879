resource "appcat_forgejo" "git" {
  name      = "git"
  namespace = "my-app"

  fqdn = ["git.example.com"] # the first is Forgejo's own URL
  plan = "medium"            # 2 CPU, 8Gi memory, 200Gi disk on APPUiO Cloud

  admin_email = "git-admin@example.com"
  ssh_enabled = true # git over SSH through the cluster's TCP gateway

  app_name = "Example Git"
  settings = {
    service = { DISABLE_REGISTRATION = "true" }
  }

  # The default: `terraform destroy` fails until this is set to false and applied.
  deletion_protection = true
}

output "git_ssh" {
  value     = "ssh://git@${appcat_forgejo.git.connection_details.gateway_host}:${appcat_forgejo.git.connection_details.gateway_port}"
  sensitive = true
}

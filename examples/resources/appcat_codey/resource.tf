resource "appcat_codey" "code" {
  name      = "acme-code" # published as https://acme-code.app.codey.ch
  namespace = "my-app"

  admin_email          = "git-admin@example.com"
  plan                 = "small" # 1 CPU, 4Gi memory, 50Gi disk
  disable_registration = true    # only the admin adds users
}

output "codey_url" {
  value     = "https://${appcat_codey.code.connection_details.url}"
  sensitive = true
}

terraform {
  required_providers {
    appcat = {
      source = "vshn/appcat"
    }
  }
}

# Connect with a kubeconfig file, as kubectl does. The provider needs to be
# allowed to edit AppCat claims and read Secrets in the namespaces it manages;
# appcat_alert_channel also writes Secrets and AlertmanagerConfigs there (a
# namespace admin may).
provider "appcat" {
  config_path    = "~/.kube/config"
  config_context = "appcat-prod"

  # Resources that set no namespace of their own go here.
  namespace = "my-app"
}

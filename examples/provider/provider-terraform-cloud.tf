# Terraform Cloud / HCP Terraform, or a CI runner without a kubeconfig on disk:
# the API server's URL, a service account token and the cluster's CA
# certificate come in as workspace variables (mark the token sensitive).

terraform {
  required_providers {
    appcat = {
      source = "vshn/appcat"
    }
  }
}

variable "appcat_host" {
  description = "URL of the AppCat platform's Kubernetes API, e.g. https://api.example.com:6443."
  type        = string
}

variable "appcat_token" {
  description = "Bearer token of a service account allowed to manage AppCat claims."
  type        = string
  sensitive   = true
}

variable "appcat_cluster_ca_certificate" {
  description = "PEM-encoded CA certificate of the API server (not base64)."
  type        = string
}

provider "appcat" {
  host                   = var.appcat_host
  token                  = var.appcat_token
  cluster_ca_certificate = var.appcat_cluster_ca_certificate
  namespace              = "my-app"
}

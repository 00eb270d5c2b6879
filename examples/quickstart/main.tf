# A PostgreSQL instance on AppCat, ready to connect to.
#
# The provider block is empty: everything comes from the environment, e.g.
# KUBE_CONFIG_PATH and KUBE_CTX as printed by `appcat-local env` for the local
# platform (make platform), or KUBE_HOST, KUBE_TOKEN and KUBE_CLUSTER_CA_CERT_DATA.
provider "appcat" {}

variable "namespace" {
  description = "Namespace the claim goes into; you need to be allowed to manage AppCat services there."
  type        = string
  default     = "my-app" # the local platform's user namespace
}

variable "service_type" {
  description = "ClusterIP: reachable inside the cluster. LoadBalancer: reachable at connection_details.load_balancer_ip (make demo sets it where the local platform runs real PostgreSQL servers)."
  type        = string
  default     = "ClusterIP"
}

resource "appcat_postgresql" "db" {
  name         = "quickstart-db"
  namespace    = var.namespace
  version      = "17"
  service_type = var.service_type

  settings = {
    max_connections = "100"
  }

  # This is a demo that `terraform destroy` should be able to remove. Keep the
  # default (true) for anything that holds data you care about.
  deletion_protection = false
}

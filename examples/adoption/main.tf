# Step 1 of adopting instances made with YAML: list them, and print one import block per
# instance and per part of it that has a resource of its own (backup policy, maintenance
# window). Copy the output into the configuration that is to manage them:
#
#   terraform apply && terraform output -raw import_blocks > ../my-app/imports.tf
#
# See the guide "Adopting existing instances".

variable "namespace" {
  description = "Namespace whose instances to adopt; null: the provider's namespace."
  type        = string
  default     = null
}

data "appcat_instances" "existing" {
  namespace = var.namespace
}

output "import_blocks" {
  description = "import blocks for every instance that is not being deleted."
  value = join("", flatten([for i in data.appcat_instances.existing.instances : concat(
    ["import {\n  to = ${i.resource_address}\n  id = \"${i.id}\"\n}\n"],
    [for t in i.attached_resource_types : "import {\n  to = ${t}.${i.kind}_${i.name}\n  id = \"${i.kind}:${i.id}\"\n}\n"],
  ) if !i.deleting]))
}

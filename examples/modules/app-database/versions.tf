terraform {
  # optional() object attributes need Terraform 1.3; OpenTofu has everything the module uses
  # from 1.6 on. The module itself uses no ephemeral resources: a caller that reads credentials
  # with the appcat_connection ephemeral resource needs Terraform 1.10 or OpenTofu 1.11 (see the
  # README).
  required_version = ">= 1.5"

  required_providers {
    appcat = {
      source = "vshn/appcat"
    }
  }
}

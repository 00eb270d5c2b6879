#!/usr/bin/env bash
# Builds the provider from this repository and writes a CLI configuration whose dev_overrides
# make Terraform and OpenTofu use that build for vshn/appcat. Prints the configuration's path:
#
#   export TF_CLI_CONFIG_FILE="$(scripts/dev-overrides.sh)"
#
# With dev_overrides Terraform needs no `terraform init` for this provider (it warns that the
# overrides are in effect) and contacts no registry for it.
#
# Usage: scripts/dev-overrides.sh [DIR]   (DIR defaults to bin/dev in the repository; git-ignored)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$root/bin/dev}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

(cd "$root" && go build -trimpath -o "$dir/terraform-provider-appcat" .) >&2

cat >"$dir/terraformrc" <<TFRC
# Written by scripts/dev-overrides.sh. Terraform and OpenTofu use the provider built from
# $root for vshn/appcat (registry.terraform.io/vshn/appcat to Terraform,
# registry.opentofu.org/vshn/appcat to OpenTofu), and install every other provider as usual.
provider_installation {
  dev_overrides {
    "registry.terraform.io/vshn/appcat" = "$dir"
    "registry.opentofu.org/vshn/appcat" = "$dir"
  }
  direct {}
}
TFRC

echo "$dir/terraformrc"

#!/usr/bin/env bash
# Generates docs/ from templates/, examples/ and the provider's schema with tfplugindocs, the
# version pinned in tools/docs/go.mod. Works offline: tfplugindocs would otherwise look for a
# terraform binary and download one when it finds none, so the schema is produced here with the
# local terraform (TERRAFORM, default: terraform on PATH) and handed to tfplugindocs as a file.
#
# Usage: scripts/docs.sh            (make docs)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
terraform="${TERRAFORM:-terraform}"
if ! command -v "$terraform" >/dev/null 2>&1; then
	echo "docs: terraform not found (set TERRAFORM=/path/to/terraform)" >&2
	exit 1
fi
# Nothing from the caller's Terraform environment may change what the schema looks like.
unset TF_CLI_ARGS TF_CLI_ARGS_providers TF_DATA_DIR TF_WORKSPACE
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. The provider's schema, as `terraform providers schema -json` reports it for a dev_overrides
#    build. The configuration names no source, so the provider is hashicorp/appcat, the address
#    under which tfplugindocs looks the schema up; no `terraform init` is needed.
mkdir -p "$work/bin" "$work/schema"
(cd "$root" && go build -trimpath -o "$work/bin/terraform-provider-appcat" .)
cat >"$work/terraformrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/appcat" = "$work/bin"
  }
  direct {}
}
TFRC
echo 'provider "appcat" {}' >"$work/schema/main.tf"
(cd "$work/schema" && TF_CLI_CONFIG_FILE="$work/terraformrc" "$terraform" providers schema -json >"$work/schema.json" 2>"$work/terraform.log") || {
	cat "$work/terraform.log" >&2
	exit 1
}

# 2. Render docs/ and check the result (frontmatter, file names, layout).
tfplugindocs() { go -C "$root/tools/docs" tool tfplugindocs "$@"; }
tfplugindocs generate \
	--provider-dir "$root" \
	--provider-name appcat \
	--rendered-provider-name AppCat \
	--providers-schema "$work/schema.json" \
	--website-temp-dir "$work/website"
tfplugindocs validate \
	--provider-dir "$root" \
	--provider-name appcat \
	--providers-schema "$work/schema.json" 2>&1 | { grep -v '\[DEBUG\]' || true; }

#!/usr/bin/env bash
# Checks every example under examples/: `terraform fmt -check`, then `terraform validate` against
# the provider built from this repository (dev_overrides, see dev-overrides.sh). Offline: no
# `terraform init`, no registry.
#
# What is validated as one configuration:
#   examples/provider/, examples/resources/*/, examples/data-sources/*/ (and the other kinds'
#     directories tfplugindocs reads): each example file on its own, as the docs show it, with
#     import*.tf together with resource.tf; a file that declares no required_providers gets one
#     for vshn/appcat (the registry docs show examples without it).
#   examples/modules/<module>/ and every directory under it (a module and its example callers):
#     the whole directory, as it is, inside a copy of the module's directory, so that the callers'
#     relative sources (source = "../") resolve; `terraform get` installs those local modules
#     first, which needs no network.
#   any other directory with .tf files (examples/quickstart): the whole directory, as it is.
#
# Usage: scripts/validate-examples.sh     (make validate-examples)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
terraform="${TERRAFORM:-terraform}"
if ! command -v "$terraform" >/dev/null 2>&1; then
	echo "validate-examples: terraform not found (set TERRAFORM=/path/to/terraform)" >&2
	exit 1
fi
unset TF_CLI_ARGS TF_CLI_ARGS_validate TF_CLI_ARGS_fmt TF_DATA_DIR TF_WORKSPACE
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

cd "$root"
TF_CLI_CONFIG_FILE="$("$root/scripts/dev-overrides.sh")"
export TF_CLI_CONFIG_FILE

echo "terraform fmt -check -recursive examples"
"$terraform" fmt -check -recursive -diff examples

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=0
count=0
# validate NAME FILE... — copy the files into a fresh directory and validate them there.
validate() {
	local name="$1"
	shift
	local dir="$work/$count"
	count=$((count + 1))
	mkdir -p "$dir"
	cp "$@" "$dir/"
	if ! grep -qs 'required_providers' "$dir"/*.tf; then
		cat >"$dir/zz_required_providers.tf" <<'TF'
terraform {
  required_providers {
    appcat = {
      source = "vshn/appcat"
    }
  }
}
TF
	fi
	run_validate "$name" "$dir"
}

# validate_module NAME DIR — DIR is examples/modules/<module> or a directory under it: copy the
# module's directory, install the local modules DIR calls and validate DIR in the copy.
validate_module() {
	local name="$1" rel="$2"
	local top
	top="$(printf '%s\n' "$rel" | cut -d/ -f1-3)" # examples/modules/<module>
	local copy="$work/$count"
	count=$((count + 1))
	mkdir -p "$copy"
	cp -R "$top" "$copy/"
	find "$copy" -name .terraform -prune -exec rm -rf {} +
	local dir="$copy/$(basename "$top")${rel#"$top"}"
	local out
	if ! out="$(cd "$dir" && "$terraform" get -no-color 2>&1)"; then
		echo "FAIL  $name"
		printf '%s\n' "$out" | sed 's/^/      /'
		failed=1
		return
	fi
	run_validate "$name" "$dir"
}

# run_validate NAME DIR — terraform validate in DIR.
run_validate() {
	local name="$1" dir="$2"
	local out
	if out="$(cd "$dir" && "$terraform" validate -no-color 2>&1)"; then
		echo "ok    $name"
	else
		echo "FAIL  $name"
		printf '%s\n' "$out" | sed 's/^/      /'
		failed=1
	fi
}

while IFS= read -r dir; do
	rel="${dir#./}"
	case "$rel" in
	examples/provider | examples/*resources/* | examples/data-sources/* | examples/functions/* | examples/actions/*)
		for f in "$dir"/*.tf; do
			case "$(basename "$f")" in
			import*.tf) ;; # validated with resource.tf below
			*) validate "${f#./}" "$f" ;;
			esac
		done
		for f in "$dir"/import*.tf; do
			[ -e "$f" ] || continue
			validate "${f#./} (with resource.tf)" "$dir/resource.tf" "$f"
		done
		;;
	examples/modules/*)
		validate_module "$rel/" "$rel"
		;;
	*)
		validate "$rel/" "$dir"/*.tf
		;;
	esac
done < <(find ./examples -name '*.tf' -not -path '*/.terraform/*' -exec dirname {} \; | sort -u)

if [ "$count" -eq 0 ]; then
	echo "validate-examples: no examples found" >&2
	exit 1
fi
exit "$failed"

#!/usr/bin/env bash
# The quickstart on the local AppCat platform, from nothing:
#
#   scripts/demo.sh up     start the platform (builds etcd and kube-apiserver the first time),
#                          build the provider, apply examples/quickstart, print how to connect
#   scripts/demo.sh down   destroy what `up` created and stop the platform
#
# Terraform uses the provider built from this repository through dev_overrides (bin/dev, see
# dev-overrides.sh): no `terraform init`, no registry. The state stays in examples/quickstart.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
terraform="${TERRAFORM:-terraform}"
quickstart="$root/examples/quickstart"
appcat_local="$root/bin/appcat-local"
export CHECKPOINT_DISABLE=1
unset TF_CLI_ARGS TF_CLI_ARGS_apply TF_CLI_ARGS_destroy TF_DATA_DIR TF_WORKSPACE

cd "$root"
go build -o "$appcat_local" ./cmd/appcat-local

case "${1:-up}" in
up)
	"$appcat_local" up
	eval "$("$appcat_local" env)"
	TF_CLI_CONFIG_FILE="$("$root/scripts/dev-overrides.sh")"
	export TF_CLI_CONFIG_FILE

	echo
	echo "terraform apply in examples/quickstart"
	"$terraform" -chdir="$quickstart" apply -auto-approve -input=false -compact-warnings

	host="$("$terraform" -chdir="$quickstart" output -raw host)"
	port="$("$terraform" -chdir="$quickstart" output -raw port)"
	secret="$("$terraform" -chdir="$quickstart" output -raw connection_secret_name)"
	cat <<MSG

PostgreSQL is ready: host $host, port $port.
The connection details are in the Secret $secret (in the namespace of var.namespace,
my-app by default). The password:

  cd examples/quickstart && terraform output -raw password

To use the platform yourself:

  eval "\$(bin/appcat-local env)"
  export TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE

make demo-down destroys the instance and stops the platform.
MSG
	;;
down)
	if "$appcat_local" env >/dev/null 2>&1 && [ -s "$quickstart/terraform.tfstate" ]; then
		eval "$("$appcat_local" env)"
		TF_CLI_CONFIG_FILE="$("$root/scripts/dev-overrides.sh")"
		export TF_CLI_CONFIG_FILE
		"$terraform" -chdir="$quickstart" destroy -auto-approve -input=false -compact-warnings
	fi
	"$appcat_local" down
	;;
*)
	echo "usage: $0 up|down" >&2
	exit 2
	;;
esac

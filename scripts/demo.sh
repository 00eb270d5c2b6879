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

	# Where the platform runs real PostgreSQL servers (Debian's postgresql, make servers), the
	# quickstart asks for a load balancer: the platform then runs one behind its IP.
	service_type=ClusterIP
	if compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
		service_type=LoadBalancer
	fi

	echo
	echo "terraform apply in examples/quickstart (service_type = $service_type)"
	"$terraform" -chdir="$quickstart" apply -auto-approve -input=false -compact-warnings -var "service_type=$service_type"

	host="$("$terraform" -chdir="$quickstart" output -raw host)"
	port="$("$terraform" -chdir="$quickstart" output -raw port)"
	secret="$("$terraform" -chdir="$quickstart" output -raw connection_secret_name)"
	if [ "$service_type" = LoadBalancer ]; then
		ip="$("$terraform" -chdir="$quickstart" output -raw load_balancer_ip)"
		ca="$root/.appcat-local/quickstart-ca.crt"
		"$terraform" -chdir="$quickstart" output -raw ca_certificate >"$ca"
		password="$("$terraform" -chdir="$quickstart" output -raw password)"
		conninfo="host=$ip port=$port user=postgres dbname=postgres sslmode=verify-full sslrootcert=$ca"
		# The command the demo prints works: it is run once here.
		server="$(PGPASSWORD="$password" psql "$conninfo" -tAc 'SHOW server_version')"
		connect="PGPASSWORD=\"\$(terraform -chdir=examples/quickstart output -raw password)\" psql \"$conninfo\""
		cat <<MSG

PostgreSQL is ready: a real server (PostgreSQL $server, the machine's: the claim asks for
version 17) at $ip, port $port, TLS verified against the instance's CA. Connect with:

  $connect
MSG
	else
		cat <<MSG

PostgreSQL is ready: host $host, port $port. The local platform runs no real server for it:
install Debian's postgresql (make servers) and run make demo again for one you can connect to.
MSG
	fi
	cat <<MSG

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

#!/usr/bin/env bash
# Installs the database servers the local platform runs for its instances
# (internal/localplatform/controller/servers.go): Debian's postgresql, mariadb-server and redis-server. Without them the platform
# still works, with connection details for servers that do not exist, and the tests of real
# servers skip (in CI, where CI is set, they fail instead).
set -euo pipefail

have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }
have_mariadb() { [ -x /usr/sbin/mariadbd ]; }
have_redis() { [ -x /usr/bin/redis-server ] && [ -x /usr/bin/redis-cli ]; }

missing=()
have_postgres || missing+=(postgresql)
have_mariadb || missing+=(mariadb-server)
have_redis || missing+=(redis-server)
if [ ${#missing[@]} -eq 0 ]; then
	echo "database servers: installed (PostgreSQL $(ls /usr/lib/postgresql | sort -n | tail -1), MariaDB $(/usr/sbin/mariadbd --version | sed -E 's/.*Ver ([0-9.]+).*/\1/'), Redis $(/usr/bin/redis-server --version | sed -E 's/.* v=([0-9.]+).*/\1/'))"
	exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		as_root=(sudo)
	else
		echo "database servers: ${missing[*]} not installed, and installing needs root: run"
		echo "  sudo apt-get install ${missing[*]}"
		echo "Until then the local platform runs no real servers and their tests skip."
		exit 0
	fi
fi
if ! command -v apt-get >/dev/null; then
	echo "database servers: ${missing[*]} not installed and this machine has no apt-get; install them with its package manager."
	exit 0
fi
echo "database servers: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"

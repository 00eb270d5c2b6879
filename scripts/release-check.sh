#!/usr/bin/env bash
# Checks that a release built with .goreleaser.yml is one users can install, offline:
#
#   1. goreleaser check, then `goreleaser release --snapshot --clean --skip=sign` with .goreleaser.yml —
#      only linux/amd64 unless RELEASE_CHECK_TARGETS=all (a copy of the file that adds `targets:` to the
#      build and puts dist/ into a temp dir; nothing else differs);
#   2. the files: one zip per target named terraform-provider-appcat_<v>_<os>_<arch>.zip, holding only
#      terraform-provider-appcat_v<v>; terraform-provider-appcat_<v>_SHA256SUMS listing exactly the zips and
#      the manifest, and `sha256sum -c` of it; the manifest equal to terraform-registry-manifest.json; no
#      signature (a snapshot is not signed; a real release is, by the config's signs section);
#   3. the linux/amd64 binary answers the plugin handshake: 1|6|unix|<socket>|grpc, protocol 6 as the manifest says;
#   4. terraform and tofu install the zip from a filesystem mirror (packed layout, registry.terraform.io/ and
#      registry.opentofu.org/) into examples/quickstart with version = "<v>" (a copy in a temp dir), lock the
#      same h1: hash of it, and validate the example with it (which starts the provider).
#
# Usage: scripts/release-check.sh   (make release-check, which builds bin/goreleaser and bin/tofu first)
# Environment: GORELEASER (default bin/goreleaser), TERRAFORM (default terraform), TOFU (default bin/tofu),
#   RELEASE_CHECK_TARGETS (linux_amd64, or all for every platform of .goreleaser.yml),
#   KEEP=1 keeps the temp dir.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
goreleaser="${GORELEASER:-$root/bin/goreleaser}"
terraform="${TERRAFORM:-terraform}"
tofu="${TOFU:-$root/bin/tofu}"
targets="${RELEASE_CHECK_TARGETS:-linux_amd64}"
name=terraform-provider-appcat
cookie=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2

for tool in "$goreleaser" "$terraform" "$tofu"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "release-check: $tool not found (make goreleaser, make tofu)" >&2; exit 1; }
done
unset TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_validate TF_DATA_DIR TF_WORKSPACE TF_PLUGIN_CACHE_DIR GPG_FINGERPRINT
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

work="$(mktemp -d)"
handshake_pid=
cleanup() {
	if [ -n "$handshake_pid" ]; then kill "$handshake_pid" 2>/dev/null || true; fi
	if [ -n "${KEEP:-}" ]; then echo "release-check: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() {
	echo "FAIL  $*" >&2
	exit 1
}
ok() { echo "ok    $*"; }

# The modules the build needs come from the module proxy like every build's; from here on nothing
# may reach the network: the release build runs with GOPROXY=off.
go mod download

# 1. The snapshot release, with the config of the real releases.
config="$work/goreleaser.yml"
if [ "$targets" = all ]; then
	cp .goreleaser.yml "$config"
else
	sed "s/^  - id: $name\$/&\n    targets: [$targets]/" .goreleaser.yml >"$config"
	[ "$(diff .goreleaser.yml "$config" | grep -c '^>')" = 1 ] ||
		fail "could not limit the targets: .goreleaser.yml has no build '  - id: $name'"
fi
printf '\ndist: %s\n' "$work/dist" >>"$config"

echo "goreleaser check"
"$goreleaser" check --config .goreleaser.yml
echo "goreleaser release --snapshot --clean --skip=sign (targets: $targets)"
started=$SECONDS
if ! GOPROXY=off "$goreleaser" release --snapshot --clean --skip=sign \
	--config "$config" >"$work/goreleaser.log" 2>&1; then
	cat "$work/goreleaser.log" >&2
	fail "goreleaser release --snapshot"
fi
ok "snapshot release built in $((SECONDS - started))s"

# 2. The files, as the registry expects them.
dist="$work/dist"
sums=("$dist"/${name}_*_SHA256SUMS)
[ ${#sums[@]} = 1 ] && [ -f "${sums[0]}" ] || fail "no single ${name}_<version>_SHA256SUMS in dist/"
version="$(basename "${sums[0]}")"
version="${version#"${name}_"}"
version="${version%_SHA256SUMS}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || fail "version $version is not semver"
ok "version $version"

# The manifest is a release asset (release.extra_files), so a snapshot, which publishes nothing, does
# not copy it into dist/; the checksum file lists it. Put it where the release would, under its
# release name, and check that the effective config uploads it so.
manifest="${name}_${version}_manifest.json"
grep -q '{{ .ProjectName }}_{{ .Version }}_manifest.json' "$dist/config.yaml" ||
	fail "the effective config uploads no ${name}_<version>_manifest.json"
[ -f "$dist/$manifest" ] || cp terraform-registry-manifest.json "$dist/$manifest"
tr -d ' \n\t' <"$dist/$manifest" | grep -q '"protocol_versions":\["6.0"\]' ||
	fail "$manifest does not declare protocol_versions [\"6.0\"]"
ok "$manifest (protocol 6.0)"

zips=()
while IFS= read -r z; do zips+=("$z"); done < <(cd "$dist" && ls -1 ./*.zip | sed 's|^\./||' | sort)
[ ${#zips[@]} -gt 0 ] || fail "no zips in dist/"
for z in "${zips[@]}"; do
	[[ "$z" =~ ^${name}_${version//./\\.}_[a-z0-9]+_[a-z0-9]+\.zip$ ]] || fail "zip name $z is not ${name}_${version}_<os>_<arch>.zip"
	listing="$(unzip -Z1 "$dist/$z")"
	want="${name}_v${version}"
	case "$z" in *_windows_*) want="$want.exe" ;; esac
	[ "$listing" = "$want" ] || fail "$z holds '$listing', want only $want"
done
if [ "$targets" != all ]; then
	want_zips="$(for t in ${targets//,/ }; do echo "${name}_${version}_$t.zip"; done | sort)"
	[ "$(printf '%s\n' "${zips[@]}")" = "$want_zips" ] || fail "zips are ${zips[*]}, want $want_zips"
fi
zip="${name}_${version}_linux_amd64.zip"
[ -f "$dist/$zip" ] || fail "$zip missing"
ok "${#zips[@]} zip(s), each holding only ${name}_v${version}: ${zips[*]}"

listed="$(awk '{print $2}' "${sums[0]}" | sort)"
expected="$( (printf '%s\n' "${zips[@]}"; echo "$manifest") | sort)"
[ "$listed" = "$expected" ] || fail "$(basename "${sums[0]}") lists [$listed], want [$expected]"
(cd "$dist" && sha256sum --quiet -c "$(basename "${sums[0]}")") || fail "sha256sum -c $(basename "${sums[0]}")"
ok "$(basename "${sums[0]}"): the zips and the manifest, sha256sum -c passes"

if ls "$dist"/*.sig >/dev/null 2>&1; then fail "a snapshot is signed: $(ls "$dist"/*.sig)"; fi
grep -q 'artifacts: checksum' "$dist/config.yaml" || fail "the effective config signs no checksum file"
ok "snapshot unsigned; the config signs the checksum file for real releases"

# 3. The plugin handshake of the binary in the zip.
mkdir -p "$work/bin"
unzip -q "$dist/$zip" -d "$work/bin"
TMPDIR="$work" TF_PLUGIN_MAGIC_COOKIE=$cookie "$work/bin/${name}_v${version}" >"$work/handshake.out" 2>"$work/handshake.err" &
handshake_pid=$!
for _ in $(seq 1 100); do
	grep -q . "$work/handshake.out" 2>/dev/null && break
	kill -0 "$handshake_pid" 2>/dev/null || break
	sleep 0.1
done
kill "$handshake_pid" 2>/dev/null || true
wait "$handshake_pid" 2>/dev/null || true
handshake_pid=
line="$(head -n 1 "$work/handshake.out")"
[[ "$line" =~ ^1\|6\|unix\|[^|]+\|grpc(\|.*)?$ ]] ||
	fail "handshake line '$line', want 1|6|unix|<socket>|grpc (stderr: $(head -c 500 "$work/handshake.err"))"
ok "handshake: ${line%%|grpc*}|grpc"

# 4. Install from a filesystem mirror and validate an example, with terraform and with tofu.
mirror="$work/mirror"
for host in registry.terraform.io registry.opentofu.org; do
	mkdir -p "$mirror/$host/vshn/appcat"
	cp "$dist/$zip" "$mirror/$host/vshn/appcat/"
done
cat >"$work/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/vshn/appcat", "registry.opentofu.org/vshn/appcat"]
  }
}
EOF
# Only this configuration: not ~/.terraformrc, nor a TF_CLI_CONFIG_FILE of the caller.
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"

install_and_validate() {
	local cli="$1" host="$2" dir="$work/example-$(basename "$1")"
	cp -r examples/quickstart "$dir"
	rm -rf "$dir/.terraform" "$dir/.terraform.lock.hcl" "$dir"/terraform.tfstate*
	sed -i "s|^\( *\)source = \"vshn/appcat\"\$|&\n\1version = \"$version\"|" "$dir/versions.tf"
	grep -q "version = \"$version\"" "$dir/versions.tf" || fail "could not pin the version in $dir/versions.tf"
	local out
	out="$(cd "$dir" && "$cli" init -input=false -no-color 2>&1)" ||
		fail "$cli init: $out"
	local lock="$dir/.terraform.lock.hcl"
	grep -q "provider \"$host/vshn/appcat\"" "$lock" || fail "$cli: lock file names no $host/vshn/appcat: $(cat "$lock")"
	grep -q "version *= \"$version\"" "$lock" || fail "$cli: lock file has not version $version"
	# From a filesystem mirror both record only the h1: hash of the zip's contents, computed locally.
	grep -o '"h1:[^"]*"' "$lock" >"$work/h1-$(basename "$cli")" || fail "$cli: lock file has no h1: hash"
	[ -x "$dir/.terraform/providers/$host/vshn/appcat/$version/linux_amd64/${name}_v${version}" ] ||
		fail "$cli: the provider is not in .terraform/providers/$host/vshn/appcat/$version/linux_amd64/"
	out="$(cd "$dir" && "$cli" validate -no-color 2>&1)" ||
		fail "$cli validate: $out"
	ok "$("$cli" version | head -n 1): init installs $host/vshn/appcat $version from the mirror, validate passes"
}
install_and_validate "$terraform" registry.terraform.io
install_and_validate "$tofu" registry.opentofu.org
cmp -s "$work/h1-$(basename "$terraform")" "$work/h1-$(basename "$tofu")" ||
	fail "terraform and tofu lock different hashes: $(cat "$work/h1-$(basename "$terraform")") vs $(cat "$work/h1-$(basename "$tofu")")"
ok "terraform and tofu lock the same hash: $(cat "$work/h1-$(basename "$tofu")")"

echo "release-check: the snapshot release $version is installable."

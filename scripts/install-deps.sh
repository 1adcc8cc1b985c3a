#!/usr/bin/env bash
# Installs the Debian 12 packages xuna-sync builds and tests with. Idempotent: a machine
# that already has them is left alone (no apt-get update, no network).
set -euo pipefail

packages=(g++ cmake make pkg-config libpoco-dev libsqlitecpp-dev libsqlite3-dev catch2 libpqxx-dev
          libyaml-cpp-dev libyaml-dev openssl libssl-dev curl python3 sqlite3 postgresql libphonenumber-dev
          libhowardhinnant-date-dev libcli11-dev rapidjson-dev tzdata
          tinyproxy cmark-gfm lintian python3-yaml)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Node.js and npm run the contract tests (tests/contract). Any install that provides the
# commands will do (e.g. NodeSource's nodejs, which bundles npm): Debian's only when absent.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
# Others may be installing at the same time: wait for dpkg's lock rather than fail.
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

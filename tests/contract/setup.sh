#!/usr/bin/env bash
# Installs the npm packages the contract tests run (Stoplight Prism, Twilio's Node library, the
# ajv JSON Schema validator with its formats, a YAML 1.2 parser) into a cache under the build
# tree: tests/contract/setup.sh BUILD_DIR. Idempotent: when they are there already, nothing is
# fetched. Exit 125 (CTest: skipped) only when the npm registry cannot
# be reached; any other problem fails.
set -euo pipefail
build=${1:?usage: setup.sh BUILD_DIR}
prefix="$(mkdir -p "$build" && cd "$build" && pwd)/contract-node"
packages=("@stoplight/prism-cli@5.14.2" "twilio@6" "ajv-cli@5.0.0" "ajv-formats@3.0.1"
          "yaml@2.9.1")

installed() {
  [ -x "$prefix/node_modules/.bin/prism" ] && [ -x "$prefix/node_modules/.bin/ajv" ] &&
    node -e '
      const p = (n) => require(process.argv[1] + "/node_modules/" + n + "/package.json").version;
      if (p("@stoplight/prism-cli") !== "5.14.2" || !p("twilio").startsWith("6.") ||
          p("ajv-cli") !== "5.0.0" || p("ajv-formats") !== "3.0.1" || p("yaml") !== "2.9.1") {
        process.exit(1);
      }
    ' "$prefix" 2>/dev/null
}

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "setup: $tool is not installed (scripts/install-deps.sh installs it)" >&2
    exit 1
  fi
done
if installed; then
  exit 0
fi

npm_quiet=(--no-audit --no-fund --no-update-notifier --loglevel=error --fetch-retries=2
           --fetch-timeout=30000)
if ! npm ping --fetch-retries=0 --fetch-timeout=15000 --loglevel=error >/dev/null 2>&1 &&
   ! npm ping --fetch-retries=0 --fetch-timeout=30000 --loglevel=error >/dev/null 2>&1; then
  echo "setup: the npm registry ($(npm config get registry 2>/dev/null)) cannot be reached" >&2
  exit 125
fi
mkdir -p "$prefix"
[ -f "$prefix/package.json" ] || echo '{"name": "xuna-sync-contract-tests", "private": true}' \
  > "$prefix/package.json"
log="$prefix/npm-install.log"
if ! npm install --prefix "$prefix" --save-exact "${npm_quiet[@]}" "${packages[@]}" >"$log" 2>&1; then
  cat "$log" >&2
  if grep -qE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network' "$log"; then
    echo "setup: npm install failed: the registry became unreachable" >&2
    exit 125
  fi
  echo "setup: npm install ${packages[*]} failed" >&2
  exit 1
fi
installed || { echo "setup: npm install did not produce the expected packages" >&2; exit 1; }

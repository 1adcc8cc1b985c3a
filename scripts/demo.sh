#!/usr/bin/env bash
# Sets everything up, starts xuna-emulator on a free loopback port with a demo account, and
# runs the main job against it: validate, plan, apply, then plan again (no changes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
build=$(cd "${BUILD_DIR:-build}" && pwd)
work=$(mktemp -d /tmp/xuna-sync-demo.XXXXXX)
emulator_pid=
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Secrets are made up for this run only; they never appear in any output.
export XUNA_API_KEY="demo_$(openssl rand -hex 16)"
export TWILIO_MAIN_AUTH_TOKEN="$(openssl rand -hex 16)"
export XUNA_SYNC_STATE="$work/state.db"

cat > "$work/fixture.json" <<JSON
{
  "api_keys": ["$XUNA_API_KEY"],
  "agents": ["agent_7101k5zvyjhmfg983brhmhkd98n6", "agent_2202k5zvyjhmfg983brhmhkd98n7",
             "agent_3303k5zvyjhmfg983brhmhkd98n8"],
  "twilio_accounts": [{
    "account_sid": "AC0123456789abcdef0123456789abcdef",
    "auth_token": "$TWILIO_MAIN_AUTH_TOKEN",
    "numbers": [
      {"phone_number": "+12125550101", "friendly_name": "Support"},
      {"phone_number": "+12125550102", "friendly_name": "Sales"},
      {"phone_number": "+12125550103", "friendly_name": "After hours"},
      {"phone_number": "+12125550104", "friendly_name": "Billing"},
      {"phone_number": "+12125550105", "friendly_name": "Fax"},
      {"phone_number": "+12125550100", "friendly_name": "Reception"},
      {"phone_number": "+12125550199", "friendly_name": "Lobby kiosk"}]
  }],
  "numbers": [
    {"phone_number_id": "phnum_reception", "phone_number": "+12125550100",
     "label": "Reception", "agent_id": "agent_2202k5zvyjhmfg983brhmhkd98n7"},
    {"phone_number_id": "phnum_kiosk", "phone_number": "+12125550199",
     "label": "Lobby kiosk (managed by hand)", "agent_id": null}
  ]
}
JSON

"$build/xuna-emulator" --fixture "$work/fixture.json" --port 0 --port-file "$work/port" \
  --latency-ms 5 >/dev/null 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "the emulator did not start:"; cat "$work/emulator.log"; exit 1; }
export XUNA_API_URL="http://127.0.0.1:$(cat "$work/port")"
export TWILIO_API_URL="$XUNA_API_URL"  # the emulator also answers Twilio's ownership check

run() {
  echo
  echo "\$ xuna-sync $*"
  set +e
  "$build/xuna-sync" "$@"
  code=$?
  set -e
  echo "(exit $code)"
}

echo "xuna-emulator is listening on $XUNA_API_URL"
run validate -f mappings/example.yaml
run plan -f mappings/example.yaml --detailed-exitcode
run apply -f mappings/example.yaml --auto-approve
run plan -f mappings/example.yaml --detailed-exitcode
run history --limit 1
run history --campaign renewals-2026-11 --format csv

#!/usr/bin/env bash
# hostile_inputs.sh DIR: writes the hostile mappings of issue 20 into DIR (each a folder to give
# to 'xuna-sync validate -f'): tz100k (a 100 KB time zone), csv1m (a 1 MB calls_csv with ten
# such rows), bomb (a 1.6 MiB file: a 1 MiB scalar under an anchor referenced 100,000 times).
set -euo pipefail
dir=$1
head() {
  cat <<'YAML'
version: 1
twilio_accounts:
  main:
    account_sid: AC0123456789abcdef0123456789abcdef
    auth_token_env: TWILIO_MAIN_AUTH_TOKEN
agents:
  sales: agent_2202k5zvyjhmfg983brhmhkd98n7
defaults:
  twilio_account: main
numbers:
  - phone_number: "+12125550100"
    label: Outbound
batch_calls:
  - name: renewals
    agent: sales
    from: "+12125550100"
YAML
}
zone=$(printf 'America/New_York%0102400d' 0 | tr 0 x)
mkdir -p "$dir/tz100k" "$dir/csv1m" "$dir/bomb"
{ head; printf '    calling_hours: {from: "09:00", to: "17:00", timezone: %s}\n' "$zone"
  printf '    calls:\n      - to: "+12125550150"\n'; } > "$dir/tz100k/main.yaml"
{ head; printf '    calls_csv: calls.csv\n'; } > "$dir/csv1m/main.yaml"
{ echo "to,timezone"; for i in 0 1 2 3 4 5 6 7 8 9; do echo "+1212555015$i,$zone"; done; } \
  > "$dir/csv1m/calls.csv"
{ head; printf '    calls:\n      - to: "+12125550150"\n'
  printf '        conversation_config_override:\n          agent: {first_message: &big "%s"}\n' \
    "$(printf '%01048576d' 0 | tr 0 x)"
  printf '          tts: {extra: ['
  awk 'BEGIN { for (i = 1; i < 100000; i++) printf "*big, "; print "*big]}" }'; } > "$dir/bomb/main.yaml"

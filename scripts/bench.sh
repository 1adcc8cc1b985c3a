#!/usr/bin/env bash
# Measures xuna-sync against xuna-emulator and prints a table (not a test):
#   plan over 10,000 in-sync numbers: wall time and peak RSS;
#   apply of 1,000 imports + 1,000 assigns at 20 ms latency, --parallelism 1, 8, 16, 32,
#     against the ideal actions x latency / parallelism;
#   the same under an emulator rate limit of 50 req/s (and --max-rps 50), against actions / 50;
#   the same 2,000 actions done by a plain sequential curl loop;
#   apply at --parallelism 32 with the state in SQLite and in PostgreSQL (a throwaway cluster,
#     tests/pg_cluster.sh), best of 3 each, alternating;
#   a limit nobody told the client (no --max-rps): 500 actions against an emulator limit of 50
#     and 200 req/s, --parallelism 8 and 32, against actions / limit, and the share of 429s
#     (three runs a row, the median's shown);
#   convergence: 150 numbers against 20% 5xx plus a 40 req/s limit, a few fixed seeds: the exit
#     code of the first run, the runs needed, and duplicate imports (from the request log);
#   plan over 10,000, 30,000 and 100,000 in-sync numbers: wall time and peak RSS;
#   validate of hostile mappings (scripts/hostile_inputs.sh): a 100 KB time zone, a 1 MB
#     calls_csv of ten such rows, an alias bomb: wall time and peak RSS (issue 20);
#   the campaign property test (tests/integration/test_ledger_property.py) with more seeds
#     and rounds than CI: nobody dialled twice under random edits and faults (issue 19).
#   the emulator alone: wrk (Debian's package) keeping 32 and 16 connections busy with assigns,
#     what any client could get from it on these cores (issue 23);
#   what is not ours: the CPU time the host took from this VM during each apply and wrk row
#     (/proc/stat's steal), and what a page's first touch costs here (the hypervisor serves it).
# Targets (issue 5): plan < 0.5 s and < 64 MiB; rate-limited <= 1.15x.
# Targets (issue 23): apply -p 16 <= 1.15x and -p 32 <= 1.2x (best of 3), -p 32 <= 1.1x without
# the fixed cost; that fixed cost (the apply's wall time less the span of its writes at the
# server: start, mapping, lists, plan, exit) <= 0.1 s; unknown limit <= 1.1x and <= 5% 429s.
# Targets (issue 14): convergence in one run, exit 0, no duplicate; plan of 100,000 <= 1.5 s
# and <= 150 MiB.
# Target (issue 12): the PostgreSQL journal costs at most 10% more than SQLite's at -p 32.
#
#   BENCH_ONLY="apply plan hostile ledger"   the groups of rows to run (all by default)
#   BENCH_RUNS=3   runs of each apply row at --parallelism 8, 16, 32 (the best is shown)
#   BENCH_LATENCY_MS=20  BENCH_NUMBERS=1000  BENCH_PLAN_NUMBERS=10000  BENCH_RPS=50
#   BENCH_SEQ_NUMBERS=1000   numbers for the --parallelism 1 and curl rows (each 2 actions)
#   BENCH_UNKNOWN_NUMBERS=250  BENCH_CONVERGE_SEEDS="1 7 23 101"
#   BENCH_PLAN_SCALE="30000 100000"   the larger plan rows (best of 2 each)
#   BENCH_LEDGER_SEEDS=1,2,3,5,7,11,13,17,23,29  BENCH_LEDGER_ROUNDS=25
#   BUILD_DIR=build-bench
set -euo pipefail
export LC_NUMERIC=C  # EPOCHREALTIME with a decimal point
cd "$(dirname "$0")/.."
root=$PWD
latency=${BENCH_LATENCY_MS:-20}
count=${BENCH_NUMBERS:-1000}
plan_count=${BENCH_PLAN_NUMBERS:-10000}
rps=${BENCH_RPS:-50}
seq_count=${BENCH_SEQ_NUMBERS:-$count}
unknown_count=${BENCH_UNKNOWN_NUMBERS:-250}
converge_seeds=${BENCH_CONVERGE_SEEDS:-1 7 23 101}
plan_scale=${BENCH_PLAN_SCALE:-30000 100000}
export BUILD_DIR=${BUILD_DIR:-build-bench}
only=" ${BENCH_ONLY:-apply plan hostile ledger} "
runs=${BENCH_RUNS:-3}
want() { [[ "$only" == *" $1 "* ]]; }

missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v wrk >/dev/null || missing+=(wrk)  # the emulator alone, without our client
if [ ${#missing[@]} -gt 0 ]; then
  sudo=; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
BUILD_TYPE=Release CMAKE_ARGS="-DBUILD_TESTING=OFF" scripts/build.sh >/dev/null
build=$(cd "$BUILD_DIR" && pwd)
sync_bin=$build/xuna-sync
emulator_bin=$build/xuna-emulator

work=$(mktemp -d /tmp/xuna-sync-bench.XXXXXX)
emulator_pid=
stop_emulator() {
  if [ -n "$emulator_pid" ]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    emulator_pid=
  fi
}
pg_dir=
cleanup() {
  stop_emulator
  [ -z "$pg_dir" ] || tests/pg_cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Secrets made up for this run; they stay in the environment and in files, never in argv.
export XUNA_API_KEY="bench_$(openssl rand -hex 16)"
export TWILIO_MAIN_AUTH_TOKEN="$(openssl rand -hex 16)"
sid=AC0123456789abcdef0123456789abcdef
agents=(agent_7101k5zvyjhmfg983brhmhkd98n6 agent_2202k5zvyjhmfg983brhmhkd98n7
        agent_3303k5zvyjhmfg983brhmhkd98n8)

# start_emulator NAME ARGS...: a fresh emulator (and state) per measurement; sets $url.
start_emulator() {
  local name=$1; shift
  stop_emulator
  rm -f "$work/port"
  "$emulator_bin" --fixture "$work/$name.json" --port 0 --port-file "$work/port" "$@" \
    >/dev/null 2>"$work/emulator.log" &
  emulator_pid=$!
  for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
  [ -s "$work/port" ] || { echo "the emulator did not start:"; cat "$work/emulator.log"; exit 1; }
  url="http://127.0.0.1:$(cat "$work/port")"
  export XUNA_SYNC_STATE="$work/state-$name-$RANDOM.db"
}

mapping_header() {
  cat <<YAML
version: 1
twilio_accounts:
  main:
    account_sid: $sid
    auth_token_env: TWILIO_MAIN_AUTH_TOKEN
defaults:
  twilio_account: main
numbers:
YAML
}

# numbers PREFIX START COUNT: E.164 numbers as the emulator generates them (12 characters).
numbers() { awk -v p="$1" -v s="$2" -v n="$3" 'BEGIN { w = 12 - length(p);
  for (i = 0; i < n; i++) printf "%s%0" w "d\n", p, s + i }'; }

# --- fixtures and mappings ---------------------------------------------------------------
# plan_files NAME COUNT [PREFIX]: an emulator fixture and a mapping of COUNT in-sync numbers.
# The default prefix gives numbers libphonenumber holds valid (New Jersey, 201-55x), as the
# numbers Twilio sells are; +1666 (no such area code) gives numbers that each draw a warning.
plan_files() {
  local prefix=${3:-+120155}
  cat > "$work/$1.json" <<JSON
{"api_keys": ["$XUNA_API_KEY"], "agents": ["${agents[0]}"],
 "generate_numbers": {"prefix": "$prefix", "start": 0, "count": $2, "label": "Bulk {n}",
                      "agent_id": "${agents[0]}"}}
JSON
  { mapping_header; numbers "$prefix" 0 "$2" |
    awk -v a="${agents[0]}" '{ printf "  - phone_number: \"%s\"\n    label: Bulk %s\n    agent: %s\n", $1, $1, a }'
  } > "$work/$1.yaml"
}
plan_files plan "$plan_count"

apply_fixture() {  # apply_fixture NAME COUNT
  cat > "$work/$1.json" <<JSON
{"api_keys": ["$XUNA_API_KEY"], "agents": ["${agents[0]}", "${agents[1]}", "${agents[2]}"],
 "twilio_accounts": [{"account_sid": "$sid", "auth_token": "$TWILIO_MAIN_AUTH_TOKEN",
   "generate": {"prefix": "+120155", "start": 10000, "count": $2, "friendly_name": "Line {n}"}}]}
JSON
  { mapping_header; numbers +120155 10000 "$2" |
    awk -v a="${agents[*]}" 'BEGIN { split(a, ag, " ") }
      { printf "  - phone_number: \"%s\"\n    label: Line %s\n    agent: %s\n", $1, $1, ag[NR % 3 + 1] }'
  } > "$work/$1.yaml"
}
apply_fixture apply "$count"
apply_fixture seq "$seq_count"

# --- helpers -------------------------------------------------------------------------------
rows=()
row() { rows+=("$(printf '%-44s %7s %9s %9s %6s  %s' "$@")"); printf '%s\n' "${rows[-1]}" >&2; }
ratio() { awk -v w="$1" -v i="$2" 'BEGIN { printf "%.2f", w / i }'; }
check() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "ok" : "MISSED") }'; }
# The clock is read in this shell (bash 5's EPOCHREALTIME, set LC_NUMERIC=C above), not by
# date(1) in a subshell: forking at each end put milliseconds of the bench's own into every
# wall time ($(date) takes 5.9 ms here). elapsed T0 T1: seconds from T0 to T1, to the
# millisecond: the fixed cost (wall less the write span, read to the millisecond) is held to
# 0.1 s, and a wall rounded to 10 ms put up to 5 ms of rounding into it.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# cpu_times: the machine's stolen and total CPU time so far (jiffies, /proc/stat's first line).
# Stolen time is the host running something else while this VM's CPUs had work: not ours, and
# the rows vary with it. stolen_share BEFORE AFTER: that share of the time between, in percent.
cpu_times() { awk '/^cpu / { print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
stolen_share() {
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
    t = y[2] - x[2]; printf "%.1f", (t > 0 ? (y[1] - x[1]) * 100 / t : 0) }'
}

# timed_apply LABEL ACTIONS IDEAL TARGET ARGS...: one apply; prints a row.
timed_apply() {
  local label=$1 actions=$2 ideal=$3 target=$4; shift 4
  local t0 t1 wall out failed
  t0=$EPOCHREALTIME
  set +e
  "$sync_bin" apply -f "$mapping" --auto-approve --quiet --no-color --api-url "$url" \
    --twilio-api-url "$url" "$@" >"$work/apply.out" 2>"$work/apply.err"
  local code=$?
  set -e
  t1=$EPOCHREALTIME
  wall=$(elapsed "$t0" "$t1")
  out=$(grep -o 'Apply: [0-9]* ok, [0-9]* failed, [0-9]* skipped' "$work/apply.out" || true)
  failed=$(echo "$out" | awk '{ print $4 + $6 }')
  local r; r=$(ratio "$wall" "$ideal")
  local limited
  limited=$(curl -s "$url/_emulator/requests" | { grep -o '"rate_limited"' || true; } | wc -l)
  local net; net=$(awk -v w="$wall" -v f="$fixed" -v i="$ideal" 'BEGIN { printf "%.2f", (w - f) / i }')
  row "$label" "$actions" "$wall" "$ideal" "$r" \
    "$(check "$r" "$target") (<= ${target}x); $net without the fixed cost; exit $code, ${failed:-?} failed, $limited x 429"
  [ "$code" -eq 0 ] || { echo "apply failed:" >&2; tail -5 "$work/apply.out" "$work/apply.err" >&2; }
}

echo "xuna-sync bench: nproc $(nproc), $(uname -m), Release build in $BUILD_DIR" >&2
echo "emulator latency $latency ms; each apply starts from a fresh emulator and state" >&2
echo >&2
header=$(printf '%-44s %7s %9s %9s %6s  %s' "case" "actions" "wall (s)" "ideal (s)" "ratio" "notes")
echo "$header" >&2

# --- plan over in-sync numbers ---------------------------------------------------------------
# plan_row NAME COUNT RUNS SECONDS MIB [WHAT]: the best wall time and the peak RSS of RUNS plans.
plan_row() {
  local name=$1 n=$2 runs=$3 target_s=$4 target_mib=$5 what=${6:-numbers} best= rss= wall kb
  start_emulator "$name"
  for _ in $(seq "$runs"); do
    /usr/bin/time -v -o "$work/time.txt" "$sync_bin" plan -f "$work/$name.yaml" --quiet --no-color \
      --api-url "$url" >"$work/plan.out" 2>"$work/plan.err" || {
      echo "plan failed:" >&2; tail -3 "$work/plan.err" >&2; exit 1; }
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
      for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.3f", s }' "$work/time.txt")
    kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
    if [ -z "$rss" ] || [ "$kb" -gt "$rss" ]; then rss=$kb; fi
  done
  grep -q "$n unchanged" "$work/plan.out" || { echo "plan is not in sync:" >&2; tail -3 "$work/plan.out" >&2; }
  local mib; mib=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
  local verdict="$(check "$best" "$target_s") (< $target_s s), $(check "$mib" "$target_mib") (< $target_mib MiB)"
  [ "$target_s" != "-" ] || verdict="no target"
  row "plan, $n $what in sync (best of $runs)" 0 "$best" "-" "-" "peak RSS $mib MiB; $verdict"
}
want plan && plan_row plan "$plan_count" 3 0.5 64

# --- apply at each parallelism ---------------------------------------------------------------
# write_span: from the first write's arrival to the last write's answer at the emulator, in
# seconds (its request log's arrived_ms and answered_ms).
write_span() {
  curl -s "$url/_emulator/requests" | python3 -c '
import json, sys
w = [r for r in json.load(sys.stdin) if r["method"] in ("POST", "PATCH") and "arrived_ms" in r]
print("%.3f" % ((max(r["answered_ms"] for r in w) - min(r["arrived_ms"] for r in w)) / 1000 if w else 0))'
}
# best_apply LABEL FIXTURE ACTIONS IDEAL TARGET RUNS ARGS...: RUNS applies of $mapping, each
# from a fresh emulator and state; the row of the fastest. Its fixed cost is its wall time less
# its write span; the ratio without it is the write span over the ideal.
best_apply() {
  local label=$1 name=$2 actions=$3 ideal=$4 target=$5 n=$6; shift 6
  local best= best_span= best_code= best_out= t0 t1 wall code span cpu0
  cpu0=$(cpu_times)
  for _ in $(seq "$n"); do
    start_emulator "$name" --latency-ms "$latency"
    t0=$EPOCHREALTIME
    set +e
    "$sync_bin" apply -f "$mapping" --auto-approve --quiet --no-color --api-url "$url" \
      --twilio-api-url "$url" "$@" >"$work/apply.out" 2>"$work/apply.err"
    code=$?
    set -e
    t1=$EPOCHREALTIME
    wall=$(elapsed "$t0" "$t1")
    span=$(write_span)
    [ "$code" -eq 0 ] || { echo "apply failed:" >&2; tail -5 "$work/apply.out" "$work/apply.err" >&2; }
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall; best_span=$span; best_code=$code
      best_out=$(grep -o 'Apply: [0-9]* ok, [0-9]* failed, [0-9]* skipped' "$work/apply.out" || true)
    fi
  done
  local r stolen; r=$(ratio "$best" "$ideal"); stolen=$(stolen_share "$cpu0" "$(cpu_times)")
  span_best=$best_span  # for the rows after it
  fixed=$(awk -v w="$best" -v s="$best_span" 'BEGIN { printf "%.3f", w - s }')
  net=$(ratio "$best_span" "$ideal")
  row "$label$([ "$n" -gt 1 ] && echo " (best of $n)")" "$actions" "$best" "$ideal" "$r" \
    "$(check "$r" "$target") (<= ${target}x); writes $best_span s: $net without the fixed cost ($fixed s); exit $best_code, $(echo "$best_out" | awk '{ print $4 + $6 }') failed; CPU stolen by the host $stolen%"
}

# page_row: what a page touched for the first time costs on this machine (the hypervisor serves
# the fault), and how many an apply of the -p 32 row takes. Not ours to change, and the fixed
# cost moves with it: ~11 us a page in the rounds before 2026-12-07, ~2 us on that day, when
# the same code's fixed cost read 0.102-0.111 s and then 0.060-0.104 s.
page_row() {
  local us faults
  us=$(python3 - <<'PY'
import mmap, time
n = 64 << 20
m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
def touch():
    t = time.perf_counter()
    for i in range(0, n, 4096): m[i] = 1
    return time.perf_counter() - t
first = touch(); again = touch()  # the second pass is the loop alone
print("%.1f" % ((first - again) / (n // 4096) * 1e6))
PY
)
  start_emulator apply --latency-ms "$latency"
  faults=$(/usr/bin/time -f '%R' "$sync_bin" apply -f "$mapping" --auto-approve --quiet --no-color \
    --api-url "$url" --twilio-api-url "$url" --parallelism 32 2>&1 >/dev/null | tail -1)
  row "a page's first touch (this machine)" - - - - \
    "$us us; the -p 32 apply takes $faults such faults in all (~$(awk -v u="$us" -v f="$faults" 'BEGIN { printf "%.0f", u * f / 1000 }') ms of them)"
}

if want apply; then
mapping=$work/seq.yaml
actions=$((2 * seq_count))
best_apply "apply --parallelism 1" seq "$actions" \
  "$(awk -v a=$actions -v l="$latency" 'BEGIN { printf "%.2f", a * l / 1000 }')" 1.2 1 --parallelism 1

mapping=$work/apply.yaml
actions=$((2 * count))
for p in 8 16 32; do
  target=1.2; [ "$p" -ne 16 ] || target=1.15
  best_apply "apply --parallelism $p" apply "$actions" \
    "$(awk -v a=$actions -v l="$latency" -v p=$p 'BEGIN { printf "%.2f", a * l / 1000 / p }')" \
    "$target" "$runs" --parallelism "$p"
  if [ "$p" -eq 32 ]; then
    net_ok=$(check "$net" 1.1); fixed_ok=$(check "$fixed" 0.1)
    row "apply -p 32: without the fixed cost" "$actions" "$span_best" \
      "$(awk -v a=$actions -v l="$latency" 'BEGIN { printf "%.2f", a * l / 1000 / 32 }')" "$net" \
      "$net_ok (<= 1.1x): the span of its writes at the server"
    row "apply -p 32: the fixed cost" 0 "$fixed" "-" "-" \
      "$fixed_ok (<= 0.1 s): start, mapping, lists, plan, exit (wall less the writes)"
    page_row
  fi
done

# --- the emulator alone: what any client gets from it on these cores ---------------------------
# wrk keeps C connections busy with assigns for 3 s (one event loop; the emulator does the same
# work per request as for xuna-sync's). Its rate against C / latency is the emulator's share of
# the gap; the ideal of 2,000 actions at that rate is the best a client can do here.
start_emulator plan --latency-ms "$latency"
curl -s -H "xi-api-key: $XUNA_API_KEY" "$url/v1/convai/phone-numbers" | python3 -c '
import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else d.get("phone_numbers", [])
print("ids = {" + ",".join("\"%s\"" % n["phone_number_id"] for n in items[:2000]) + "}")' >"$work/ids.lua"
cat >"$work/assign.lua" <<LUA
dofile("$work/ids.lua")
local n = 0
request = function()
  n = n + 1
  return wrk.format("PATCH", "/v1/convai/phone-numbers/" .. ids[(n % #ids) + 1],
    {["xi-api-key"] = "$XUNA_API_KEY", ["Content-Type"] = "application/json"},
    '{"agent_id":"${agents[1]}"}')
end
LUA
for c in 16 32; do
  cpu0=$(cpu_times)
  rate=$(wrk -t2 -c"$c" -d3s -s "$work/assign.lua" "$url" 2>/dev/null | awk '/Requests\/sec/ { print $2 }')
  ideal_rate=$(awk -v c="$c" -v l="$latency" 'BEGIN { printf "%.0f", c * 1000 / l }')
  row "emulator alone (wrk, $c connections)" "-" "-" "-" "$(ratio "$ideal_rate" "${rate:-0}")" \
    "${rate:-?} req/s of $ideal_rate: 2,000 actions at best $(awk -v r="${rate:-1}" 'BEGIN { printf "%.2f", 2000 / r }') s; CPU stolen by the host $(stolen_share "$cpu0" "$(cpu_times)")%"
done
stop_emulator
fi

if want apply; then
# --- the state in PostgreSQL beside SQLite, at --parallelism 32 ---------------------------------
# quiet_apply STATE: one apply of $mapping from a fresh emulator with XUNA_SYNC_STATE=STATE;
# sets $wall (and fails the bench when the apply fails).
quiet_apply() {
  start_emulator apply --latency-ms "$latency"
  export XUNA_SYNC_STATE=$1
  local t0 t1; t0=$EPOCHREALTIME
  "$sync_bin" apply -f "$mapping" --auto-approve --quiet --no-color --api-url "$url" \
    --twilio-api-url "$url" --parallelism 32 >"$work/apply.out" 2>"$work/apply.err" || {
    echo "apply with state $(echo "$1" | sed 's/?.*//') failed:" >&2; tail -5 "$work/apply.err" >&2; exit 1; }
  t1=$EPOCHREALTIME
  wall=$(elapsed "$t0" "$t1")
}
ideal32=$(awk -v a=$actions -v l="$latency" 'BEGIN { printf "%.2f", a * l / 1000 / 32 }')
pg_dir=$work/pg
if pg_uri=$(tests/pg_cluster.sh start "$pg_dir" 2>"$work/pg.err"); then
  best_sqlite=; best_pg=
  for i in 1 2 3; do
    quiet_apply "$work/state-sqlite32-$i.db"
    if [ -z "$best_sqlite" ] || awk -v a="$wall" -v b="$best_sqlite" 'BEGIN { exit !(a < b) }'; then best_sqlite=$wall; fi
    quiet_apply "$(tests/pg_cluster.sh createdb "$pg_dir" "bench$i")"
    if [ -z "$best_pg" ] || awk -v a="$wall" -v b="$best_pg" 'BEGIN { exit !(a < b) }'; then best_pg=$wall; fi
  done
  row "apply -p 32, SQLite state (best of 3)" "$actions" "$best_sqlite" "$ideal32" \
    "$(ratio "$best_sqlite" "$ideal32")" "the default state"
  extra=$(awk -v p="$best_pg" -v s="$best_sqlite" 'BEGIN { printf "%+.1f", (p - s) / s * 100 }')
  row "apply -p 32, PostgreSQL state (best of 3)" "$actions" "$best_pg" "$ideal32" \
    "$(ratio "$best_pg" "$ideal32")" \
    "${extra}% vs SQLite: $(check "$extra" 10) (<= +10%); local Unix socket"
  tests/pg_cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true
  pg_dir=
else
  row "apply -p 32, PostgreSQL state" "$actions" "-" "$ideal32" "-" \
    "skipped: no PostgreSQL cluster ($(tail -n 1 "$work/pg.err"))"
  pg_dir=
fi

# --- under a rate limit --------------------------------------------------------------------------
start_emulator apply --latency-ms "$latency" --rate-limit "$rps"
timed_apply "apply, server limit $rps/s, --max-rps $rps" "$actions" \
  "$(awk -v a=$actions -v r="$rps" 'BEGIN { printf "%.2f", a / r }')" 1.15 \
  --max-rps "$rps" --parallelism 8

# --- a plain sequential curl loop ------------------------------------------------------------------
start_emulator seq --latency-ms "$latency"
printf 'xi-api-key: %s\n' "$XUNA_API_KEY" > "$work/key.header"
numbers +120155 10000 "$seq_count" > "$work/seq.numbers"
t0=$EPOCHREALTIME
failed=0
i=0
while read -r n; do
  body=$(printf '{"label":"Line %s","phone_number":"%s","twilio_account_sid":"%s","twilio_auth_token":"%s"}' \
    "$n" "$n" "$sid" "$TWILIO_MAIN_AUTH_TOKEN")
  id=$(printf '%s' "$body" | curl -sf -X POST "$url/v1/convai/phone-numbers" -H @"$work/key.header" \
    -H 'Content-Type: application/json' --data-binary @- | sed -n 's/.*"phone_number_id":"\([^"]*\)".*/\1/p') || true
  if [ -z "$id" ]; then failed=$((failed + 2)); i=$((i + 1)); continue; fi
  printf '{"agent_id":"%s"}' "${agents[$(( (i + 1) % 3 ))]}" | curl -sf -o /dev/null -X PATCH \
    "$url/v1/convai/phone-numbers/$id" -H @"$work/key.header" -H 'Content-Type: application/json' \
    --data-binary @- || failed=$((failed + 1))
  i=$((i + 1))
done < "$work/seq.numbers"
t1=$EPOCHREALTIME
wall=$(elapsed "$t0" "$t1")
actions=$((2 * seq_count))
ideal=$(awk -v a=$actions -v l="$latency" 'BEGIN { printf "%.2f", a * l / 1000 }')
row "sequential curl loop (import, assign)" "$actions" "$wall" "$ideal" "$(ratio "$wall" "$ideal")" \
  "$failed failed; no retry, no journal, no re-run safety"
stop_emulator

# --- a rate limit nobody told the client (no --max-rps) -------------------------------------------
# The ratio is against actions / limit (the fixed cost included); the 429 share is of every request
# the emulator received (its request log's fault field).
apply_fixture unknown "$unknown_count"
mapping=$work/unknown.yaml
actions=$((2 * unknown_count))
# Three runs of each row (issue 23 asks each row's best of 3): the row is the run with the median
# share of 429s, the others' shares beside it; a single run sat at the 5% edge one bench in three.
for limit in 50 200; do
  for p in 8 32; do
    runs_of_row=()  # "share wall code limited total" per run
    for k in 1 2 3; do
      start_emulator unknown --latency-ms "$latency" --rate-limit "$limit"
      t0=$EPOCHREALTIME
      set +e
      "$sync_bin" apply -f "$mapping" --auto-approve --quiet --no-color --api-url "$url" \
        --twilio-api-url "$url" --parallelism "$p" >"$work/apply.out" 2>"$work/apply.err"
      code=$?
      set -e
      t1=$EPOCHREALTIME
      wall=$(elapsed "$t0" "$t1")
      curl -s "$url/_emulator/requests" >"$work/requests.json"
      total=$({ grep -o '"seq"' "$work/requests.json" || true; } | wc -l)
      limited=$({ grep -o '"fault":"rate_limited"' "$work/requests.json" || true; } | wc -l)
      share=$(awk -v l="$limited" -v t="$total" 'BEGIN { printf "%.1f", t ? 100 * l / t : 0 }')
      runs_of_row+=("$share $wall $code $limited $total")
      [ "$code" -eq 0 ] || { echo "apply failed:" >&2; tail -5 "$work/apply.out" "$work/apply.err" >&2; }
    done
    read -r share wall code limited total < <(printf '%s\n' "${runs_of_row[@]}" | sort -n | sed -n 2p)
    shares=$(printf '%s\n' "${runs_of_row[@]}" | awk '{ printf "%s%s%%", (NR > 1 ? ", " : ""), $1 }')
    ideal=$(awk -v a=$actions -v r="$limit" 'BEGIN { printf "%.2f", a / r }')
    r=$(ratio "$wall" "$ideal")
    row "apply, $limit/s unknown, -p $p (median of 3)" "$actions" "$wall" "$ideal" "$r" \
      "$(check "$r" 1.1) (<= 1.1x); $limited of $total answered 429 ($share%): $(check "$share" 5) (<= 5%; the three: $shares); exit $code"
  done
done

# --- convergence against 20% 5xx plus a 40 req/s limit -----------------------------------------------
# 150 numbers, default parallelism, fixed seeds. A duplicate: a number with two 2xx import POSTs that
# did not all carry one idempotency key (a resend answered from the first answer is one import).
apply_fixture converge 150
mapping=$work/converge.yaml
for seed in $converge_seeds; do
  start_emulator converge --latency-ms "$latency" --error-rate 0.2 --rate-limit 40 --seed "$seed"
  first_code=; first_wall=; runs=0
  while [ "$runs" -lt 3 ]; do
    runs=$((runs + 1))
    t0=$EPOCHREALTIME
    set +e
    "$sync_bin" apply -f "$mapping" --auto-approve --quiet --no-color --api-url "$url" \
      --twilio-api-url "$url" >"$work/apply.out" 2>"$work/apply.err"
    code=$?
    t1=$EPOCHREALTIME
    set -e
    [ -n "$first_code" ] || { first_code=$code; first_wall=$(elapsed "$t0" "$t1");
      [ "$code" -eq 0 ] || { echo "converge, seed $seed: first run exit $code:" >&2;
        grep -v 'libphonenumber' "$work/apply.err" | tail -4 >&2; grep -E '^ *x ' "$work/apply.out" | head -4 >&2; }; }
    [ "$code" -ne 0 ] || break
  done
  curl -s "$url/_emulator/requests" >"$work/requests.json"
  dups=$(python3 - "$work/requests.json" <<'PY'
import json, sys
posts = {}
for r in json.load(open(sys.argv[1])):
    if r["method"] == "POST" and r["path"] == "/v1/convai/phone-numbers":
        posts.setdefault((r.get("body") or {}).get("phone_number"), []).append(r)
dups = 0
for n, ps in posts.items():
    ok = [r for r in ps if 200 <= r["status"] < 300]
    keys = {r.get("idempotency_key") for r in ps}
    dups += len(ok) > 1 and (len(keys) != 1 or None in keys)
print(dups)
PY
)
  ideal=$(awk 'BEGIN { printf "%.2f", 300 / 40 }')
  verdict=ok; [ "$first_code" -eq 0 ] && [ "$dups" -eq 0 ] || verdict=MISSED
  row "converge, 20% 5xx + 40/s, seed $seed" 300 "$first_wall" "$ideal" "$(ratio "$first_wall" "$ideal")" \
    "$verdict: first run exit $first_code, $runs run(s) to converge, $dups duplicate import(s)"
done
stop_emulator
fi

if want plan; then
# --- plan at scale ---------------------------------------------------------------------------------
for n in $plan_scale; do
  plan_files "plan$n" "$n"
  plan_row "plan$n" "$n" 2 1.5 150
done
# The same 100k, every one a number libphonenumber holds invalid (a warning each, and its
# slower answer): what a mapping of mistyped numbers costs.
plan_files plan_invalid 100000 +1666
plan_row plan_invalid 100000 2 - - "numbers that each draw a warning,"
stop_emulator
fi

if want hostile; then
# --- hostile inputs (issue 20): validation linear in the input, an alias bomb refused -------------
# hostile_row FOLDER WHAT: one 'validate -f FOLDER' (all three are invalid: exit 3), its wall
# time and peak RSS.
"$root/scripts/hostile_inputs.sh" "$work/hostile"
hostile_row() {
  local code=0 wall kb
  /usr/bin/time -v -o "$work/time.txt" "$sync_bin" validate -f "$work/hostile/$1" \
    >/dev/null 2>"$work/hostile.err" || code=$?
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.3f", s }' "$work/time.txt")
  kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
  row "validate, $2" 0 "$wall" "-" "-" \
    "exit $code, peak RSS $(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
}
hostile_row tz100k "a 100 KB time zone"
hostile_row csv1m "1 MB calls_csv, ten 100 KB zones"
hostile_row bomb "1 MiB anchor x 100,000 aliases"
fi

if want ledger; then
# --- each person dialled at most once (issue 19): the seeded property test, longer ----------
# tests/integration/test_ledger_property.py with more seeds and rounds than CI runs: random
# edits and faults (kill -9, 5xx, dropped and unreadable answers), dials counted at the
# emulator. The row is its outcome and time; a failure prints the test's output.
ledger_seeds=${BENCH_LEDGER_SEEDS:-1,2,3,5,7,11,13,17,23,29}
ledger_rounds=${BENCH_LEDGER_ROUNDS:-25}
start=$(date +%s.%N)
ledger_code=0
XS_SYNC_BIN="$sync_bin" XS_EMULATOR_BIN="$emulator_bin" XS_LEDGER_SEEDS="$ledger_seeds" \
  XS_LEDGER_ROUNDS="$ledger_rounds" python3 "$root/tests/integration/test_ledger_property.py" \
  >"$work/ledger.out" 2>&1 || ledger_code=$?
[ "$ledger_code" -eq 0 ] || cat "$work/ledger.out" >&2
row "campaign property, $(tr -cd , <<<"$ledger_seeds" | wc -c | awk '{print $1 + 1}') seeds x $ledger_rounds rounds" \
  0 "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')" "-" "-" \
  "$([ "$ledger_code" -eq 0 ] && echo "nobody dialled twice" || echo "FAILED (exit $ledger_code)")"
fi

echo
echo "xuna-sync bench: nproc $(nproc), emulator latency $latency ms, Release build"
echo "$header"
printf '%s\n' "${rows[@]}"
if [ "$seq_count" -ne "$count" ]; then
  echo "(--parallelism 1 and curl rows: $seq_count numbers, $((2 * seq_count)) actions, to keep the bench short)"
fi

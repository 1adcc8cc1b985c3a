#!/usr/bin/env bash
# Fuzzes the mapping loader with libFuzzer (clang, AddressSanitizer, UBSan) for a bounded time,
# then prints the executions and any crash. The corpus grows in $BUILD_DIR/corpus across runs;
# the seeds are mappings/ and tests/fixtures/mapping/. A crash leaves its input in
# $BUILD_DIR/artifacts/ and exits 1: make it a test in tests/test_mapping_fuzz_regressions.cpp.
# FUZZ_TARGET=fuzz_answers fuzzes what the servers answer instead (the XUNA and Twilio
# clients), seeded from tests/fuzz/answers/; its crashes become tests in tests/test_net_*.cpp.
#
#   FUZZ_SECONDS=60   how long to fuzz (default 60)
#   FUZZ_WORKERS=1    parallel fuzzing processes (default 1)
#   FUZZ_TARGET=fuzz_mapping | fuzz_answers
#   BUILD_DIR=build-fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
target=${FUZZ_TARGET:-fuzz_mapping}
case "$target" in
  fuzz_mapping) seed_dirs=(mappings tests/fixtures/mapping); dict=(-dict=tests/fuzz/mapping.dict) ;;
  fuzz_answers) seed_dirs=(tests/fuzz/answers); dict=() ;;
  *) echo "fuzz: FUZZ_TARGET is fuzz_mapping or fuzz_answers, not '$target'" >&2; exit 2 ;;
esac
workers=${FUZZ_WORKERS:-1}
build=${BUILD_DIR:-build-fuzz}

scripts/install-deps.sh
need=()
command -v clang++ >/dev/null || need+=(clang)
dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q 'install ok installed' ||
  need+=(libclang-rt-14-dev)
if [ ${#need[@]} -gt 0 ]; then
  sudo=; [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "fuzz: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXS_FUZZ=ON \
  -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target "$target" >/dev/null

tag=; [ "$target" = fuzz_answers ] && tag=-answers  # the mapping's folders keep their names
corpus="$build/corpus$tag"
seeds="$build/seeds$tag"
artifacts="$build/artifacts$tag"
mkdir -p "$corpus" "$seeds" "$artifacts"
for dir in "${seed_dirs[@]}"; do
  [ -d "$dir" ] || continue
  find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.bin' \) \
    -size -64k -exec cp {} "$seeds/" \;
done
stamp="$build/fuzz$tag.start"
touch "$stamp"

log="$build/fuzz$tag.log"
# Unsymbolized while fuzzing: symbolizing from libFuzzer's timeout handler can deadlock (seen
# with clang 14), and then no artifact is written. A crash is re-run symbolized below.
export ASAN_OPTIONS=${ASAN_OPTIONS:-symbolize=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:symbolize=0}
echo "fuzz: $target, $seconds s, $workers worker(s), $(ls "$seeds" | wc -l) seeds, corpus $(ls "$corpus" | wc -l) inputs"
set +e
if [ "$workers" -gt 1 ]; then
  # -fork keeps going after a crash would stop one process; each worker gets the whole time
  "$build/$target" -fork="$workers" -ignore_crashes=1 -max_total_time="$seconds" \
    "${dict[@]}" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" "$seeds" >"$log" 2>&1
else
  timeout -s KILL $((seconds + 300)) \
  "$build/$target" -max_total_time="$seconds" "${dict[@]}" -max_len=8192 \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" -print_final_stats=1 \
    "$corpus" "$seeds" >"$log" 2>&1
fi
code=$?
set -e

execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
if [ "$execs" -eq 0 ]; then  # -fork prints no final stats: take the last progress line
  execs=$(grep -o '#[0-9]*' "$log" | tail -1 | tr -d '#')
fi
echo "fuzz: exit $code, ${execs:-0} executions in $seconds s, corpus now $(ls "$corpus" | wc -l) inputs (log: $log)"
new_artifacts=$(find "$artifacts" -type f -newer "$stamp")
if [ -n "$new_artifacts" ] || [ "$code" -ne 0 ]; then
  echo "fuzz: CRASH (exit $code). New artifacts:"
  newest=
  for f in $new_artifacts; do
    echo "  $f ($(wc -c < "$f") bytes)"
    newest=$f
  done
  grep -m1 -A12 'ERROR: \|==ERROR\|deadly signal\|runtime error\|ALARM' "$log" || tail -40 "$log"
  if [ -n "$newest" ]; then
    echo "fuzz: re-running $newest, symbolized:"
    ASAN_OPTIONS=symbolize=1 UBSAN_OPTIONS=print_stacktrace=1 timeout 60 \
      "$build/$target" "$newest" 2>&1 | grep -E '^ *#[0-9]+ |ERROR|runtime error|SUMMARY' |
      head -30 || true
    echo "fuzz: reproduce with $build/$target $newest"
  fi
  exit 1
fi
echo "fuzz: no crash"

#!/usr/bin/env bash
# Runs one test file N times in a row with two busy-looping processes beside it, the way CI's
# 2-core machine runs it beside other work, and prints one line per run plus a tally.
#   scripts/soak.sh [RUNS] [TEST_FILE]     (defaults: 20, test/manager-multiprocess.test.ts)
set -u
runs=${1:-20}
file=${2:-test/manager-multiprocess.test.ts}
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.build.json || exit 1

busy=()
for _ in 1 2; do
  node -e 'const end = Date.now() + 3_600_000; while (Date.now() < end) {}' &
  busy+=($!)
done
trap 'kill "${busy[@]}" 2>/dev/null' EXIT

failed=0
for i in $(seq 1 "$runs"); do
  log=$(mktemp)
  start=$(date +%s)
  # Bounded: a run that hangs counts as a failure instead of stalling the soak.
  timeout 600 npx vitest run "$file" >"$log" 2>&1
  status=$?
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ *Tests +[0-9]' | tail -n 1 | xargs)
  echo "run $i: exit $status, $(( $(date +%s) - start )) s, $summary"
  if [ "$status" -ne 0 ]; then
    failed=$((failed + 1))
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E 'FAIL|AssertionError|Error:' | head -n 20
  fi
  rm -f "$log"
done
echo "soak: $((runs - failed)) passed, $failed failed ($file, $runs runs, 2 busy loops)"
[ "$failed" -eq 0 ]

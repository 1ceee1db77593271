#!/usr/bin/env bash
# Crash safety: oxcc is killed with SIGKILL at random points while it
# records (compiles and extension links, several at once), hundreds of
# times. Afterwards every manifest in the store parses, every object it names
# exists and hashes right (`oxcc store verify`), and a normal build into the
# same store still records and verifies.
# Usage: crash_test.sh OXCC_BIN_DIR [ROUNDS]
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
rounds=${2:-300}
e2e_workdir crash
tmp=$t
export OXCC_STORE=$tmp/store OXCC_CC=gcc
cd "$tmp"
mkdir -p build/lib.linux-x86_64-cpython-311/crash
# A source big enough that recording takes a while (more places to die in).
{
  for i in $(seq 400); do echo "int f$i(int x) { return x * $i + $((i % 7)); }"; done
  echo 'void *PyInit__m(void) { return 0; }'
} > big.c

# How long one recorded compile takes here: kills are spread over all of it
# (compiler running, then oxcc storing and rewriting the object).
start=$(date +%s%N)
"$bin/oxcc" -c -fPIC -O0 big.c -o r0.o
span_ms=$(( ($(date +%s%N) - start) / 1000000 + 20 ))

killed=0 survived=0
for r in $(seq "$rounds"); do
  # A different object each round, so every round stores new files. Each
  # call runs in its own process group, killed whole, as make or ninja do.
  sed "s/return 0;/return (void *)$r;/" big.c > "r$r.c"
  setsid "$bin/oxcc" -c -fPIC -O0 "r$r.c" -o "r$r.o" 2>/dev/null &
  pid=$!
  setsid "$bin/oxcc" -shared -o "build/lib.linux-x86_64-cpython-311/crash/_m.cpython-311-x86_64-linux-gnu.so" \
    "r$((r - 1)).o" 2>/dev/null &
  pid2=$!
  delay=$((RANDOM % span_ms))
  sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
  for p in $pid $pid2; do
    if kill -9 -- "-$p" 2>/dev/null; then killed=$((killed + 1)); else survived=$((survived + 1)); fi
  done
  wait "$pid" "$pid2" 2>/dev/null || true
done

check_that "$rounds rounds, $killed processes killed, $survived finished: store verify finds no problem" \
  "'$bin/oxcc' store verify > verify.log 2>&1 || { cat verify.log; false; }"
check_that "oxcc list reads every extension record" "'$bin/oxcc' list > list.log 2>&1"
# Objects compiled before a kill and the store still work for a real build.
check_that "a build after the kills records and verifies" "
  '$bin/oxcc' -c -fPIC big.c -o final.o &&
  '$bin/oxcc' -shared -o build/lib.linux-x86_64-cpython-311/crash/_m.cpython-311-x86_64-linux-gnu.so final.o &&
  '$bin/oxcc' list --json | grep -q '\"module\": \"crash._m\"' &&
  '$bin/oxcc' store verify > /dev/null"
sed 's/^/    /' verify.log
finish

#!/usr/bin/env bash
# `oxcc store gc` while builds run: a store holds old unreferenced objects
# (backdated three days), an old orphan blob and temporary, and old objects an
# extension record references. 8 builds then compile and link into the same
# store, some of them recompiling sources whose old objects gc is about to
# take (writers refresh what they reuse), while gc runs again and again with
# a 1 h grace period. Afterwards: nothing referenced is missing (store
# verify), every object the builds made is stored, the old unreferenced
# files are gone, the old referenced ones are kept.
# Usage: gc_test.sh OXCC_BIN_DIR
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
e2e_workdir gc
tmp=$t
export OXCC_STORE=$tmp/store OXCC_CC=gcc
unset OXCC_CXX OXCC_LAUNCHER OXCC_DISABLE
procs=8 each=30 shared=10
idof() { readelf -p .oxcc.obj "$1" | sed -n 's/.*oxcc:1:\([0-9a-f]*\).*/\1/p' | head -1; }
stored() { [[ -f $OXCC_STORE/objects/${1:0:2}/$1.o && -f $OXCC_STORE/objects/${1:0:2}/$1.yaml ]]; }

# --- the old store ---------------------------------------------------------
mkdir -p "$tmp/old/build/lib.linux-x86_64-cpython-311/keep" "$tmp/old/shared"
cd "$tmp/old"
for i in $(seq 5); do echo "int dead_$i(void) { return $i; }" > "dead$i.c"; done
echo 'void *PyInit__k(void) { return 0; }' > keep.c
echo 'int kept_helper(void) { return 7; }' > helper.c
for f in dead1 dead2 dead3 dead4 dead5 keep helper; do "$bin/oxcc" -c -fPIC "$f.c" -o "$f.o"; done
"$bin/oxcc" -shared -o build/lib.linux-x86_64-cpython-311/keep/_k.cpython-311-x86_64-linux-gnu.so keep.o helper.o
# The sources every build below compiles too (same name, same bytes: same id).
for i in $(seq $shared); do
  echo "int shared_$i(void) { return $i; }" > "shared/s$i.c"
  (cd shared && "$bin/oxcc" -c -fPIC "s$i.c" -o "s$i.o")
done
dead_ids=() shared_ids=()
for i in $(seq 5); do dead_ids+=("$(idof "dead$i.o")"); done
for i in $(seq $shared); do shared_ids+=("$(idof "shared/s$i.o")"); done
keep_ids=("$(idof keep.o)" "$(idof helper.o)")
orphan=$OXCC_STORE/objects/00/$(printf '0%.0s' $(seq 64)).o
mkdir -p "$(dirname "$orphan")" && echo junk > "$orphan"        # a blob whose writer died
echo partial > "$OXCC_STORE/tmp/12345.0.999.tmp"                    # a temporary likewise
find "$OXCC_STORE" -type f ! -name oxcc-store -exec touch -h -d '3 days ago' {} +

# --dry-run names what it would free and removes nothing.
before=$(find "$OXCC_STORE" -type f | sort | md5sum)
"$bin/oxcc" store gc --dry-run --grace 1h > "$tmp/dry.log"
check_that "gc --dry-run lists the 15 unreferenced old objects and the orphan, removes nothing" "
  grep -q 'would free 15 objects, 1 orphan files, 1 temporaries' '$tmp/dry.log' &&
  [[ \$(grep -c '^would free [0-9a-f]\{64\} ' '$tmp/dry.log') -eq 16 ]] &&
  [[ \$(find '$OXCC_STORE' -type f | sort | md5sum) == '$before' ]]"

# --- builds and gc at once -------------------------------------------------
for p in $(seq $procs); do
  mkdir -p "$tmp/p$p/build/lib.linux-x86_64-cpython-311/gc"
  for i in $(seq $each); do
    if ((i <= shared)); then echo "int shared_$i(void) { return $i; }"
    else echo "int own_${p}_$i(void) { return $p * 1000 + $i; }"; fi > "$tmp/p$p/s$i.c"
  done
  echo "void *PyInit__m$p(void) { return 0; }" > "$tmp/p$p/init.c"
done
worker() {
  cd "$tmp/p$1"
  for i in $(seq $each); do "$bin/oxcc" -c -fPIC "s$i.c" -o "s$i.o" || return 1; done
  "$bin/oxcc" -c -fPIC init.c -o init.o || return 1
  "$bin/oxcc" -shared -o "build/lib.linux-x86_64-cpython-311/gc/_m$1.cpython-311-x86_64-linux-gnu.so" init.o s*.o
}
pids=()
for p in $(seq $procs); do worker "$p" > "$tmp/p$p.log" 2>&1 & pids+=($!); done
runs=0 gc_failed=0
while kill -0 "${pids[@]}" 2>/dev/null; do
  "$bin/oxcc" store gc --grace 1h >> "$tmp/gc.log" 2>&1 || gc_failed=1
  runs=$((runs + 1))
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
"$bin/oxcc" store gc --grace 1h >> "$tmp/gc.log" 2>&1 || gc_failed=1
runs=$((runs + 1))

check_that "$procs builds finished without a warning while gc ran $runs times" \
  "[[ $status -eq 0 && $gc_failed -eq 0 ]] && ! grep -h . '$tmp'/p*.log"
check_that "store verify: no record names a missing object" \
  "'$bin/oxcc' store verify > '$tmp/verify' 2>&1 && grep -q ' 0 problems' '$tmp/verify' || { cat '$tmp/verify'; false; }"
missing=0
for o in "$tmp"/p*/*.o; do stored "$(idof "$o")" || { missing=$((missing + 1)); echo "    $o: not stored"; }; done
check_that "every object the builds made is stored ($(ls "$tmp"/p*/*.o | wc -l) objects)" "[[ $missing -eq 0 ]]"
gone=0; for id in "${dead_ids[@]}"; do stored "$id" || gone=$((gone + 1)); done
check_that "the 5 old unreferenced objects are gone ($gone gone)" "[[ $gone -eq 5 ]]"
reused=0; for id in "${shared_ids[@]}"; do stored "$id" && reused=$((reused + 1)); done
check_that "the $shared old objects the builds reused are kept ($reused kept)" "[[ $reused -eq $shared ]]"
check_that "the old objects an extension references are kept" "stored ${keep_ids[0]} && stored ${keep_ids[1]}"
check_that "the old orphan blob and temporary are gone" "[[ ! -e '$orphan' && ! -e '$OXCC_STORE/tmp/12345.0.999.tmp' ]]"
check_that "gc printed each object it freed and a summary" "
  grep -q '^freed ${dead_ids[0]} .*dead1.c' '$tmp/gc.log' && grep -q '^store .*: freed ' '$tmp/gc.log'"
check_that "oxcc link still finds every extension" "
  '$bin/oxcc' list --json > '$tmp/list.json' &&
  [[ \$(grep -c '\"module\": \"gc._m' '$tmp/list.json') -eq $procs ]] && grep -q '\"module\": \"keep._k\"' '$tmp/list.json'"
# With no grace at all and no build running, only what records reference stays.
"$bin/oxcc" store gc --grace 0 > "$tmp/gc0.log"
check_that "gc --grace 0 afterwards: every stored object is referenced" "
  '$bin/oxcc' store verify > /dev/null && [[ -z \$(ls '$OXCC_STORE/tmp') ]] &&
  [[ \$(ls '$OXCC_STORE'/objects/*/*.yaml | wc -l) -eq \$(( $procs * ($each - $shared + 1) + $shared + 2 )) ]]"
check_that "bad arguments are refused, exit 2" "
  { '$bin/oxcc' store gc --grace soon 2> '$tmp/err'; [[ \$? -eq 2 ]]; } && grep -q 'not a duration' '$tmp/err' &&
  { '$bin/oxcc' store gc --bogus 2> /dev/null; [[ \$? -eq 2 ]]; }"
finish

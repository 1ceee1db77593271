#!/usr/bin/env bash
# 8 processes x 50 compiles into one store at once (a parallel pip, or
# build_ext -j): afterwards every object and record is present and valid.
# Some sources are identical across processes, so writers also race on the
# same content-addressed files. Each process then links an extension.
# Usage: stress_test.sh OXCC_BIN_DIR
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
e2e_workdir stress
tmp=$t
export OXCC_STORE=$tmp/store OXCC_CC=gcc
procs=8 each=50 shared=10

for p in $(seq $procs); do
  mkdir -p "$tmp/p$p/build/lib.linux-x86_64-cpython-311/stress"
  for i in $(seq $each); do
    if ((i <= shared)); then body="int shared_$i(void) { return $i; }"   # same in every process
    else body="int own_${p}_$i(void) { return $p * 1000 + $i; }"; fi
    echo "$body" > "$tmp/p$p/s$i.c"
  done
  echo "void *PyInit__m$p(void) { return 0; }" > "$tmp/p$p/init.c"
done

worker() {
  local p=$1 dir=$tmp/p$1
  cd "$dir"
  for i in $(seq $each); do "$bin/oxcc" -c -fPIC "s$i.c" -o "s$i.o" || return 1; done
  "$bin/oxcc" -c -fPIC init.c -o init.o || return 1
  "$bin/oxcc" -shared -o "build/lib.linux-x86_64-cpython-311/stress/_m$p.cpython-311-x86_64-linux-gnu.so" init.o s*.o
}
pids=()
for p in $(seq $procs); do worker "$p" > "$tmp/p$p.log" 2>&1 & pids+=($!); done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
if ((status)); then echo "FAIL a worker failed"; cat "$tmp"/p*.log | tail -20; exit 1; fi
grep -h . "$tmp"/p*.log && { echo "FAIL oxcc printed warnings"; exit 1; }


want_objects=$((procs * (each - shared + 1) + shared))
got_objects=$(ls "$OXCC_STORE"/objects/*/*.o | wc -l)
check_that "store holds $want_objects distinct objects (has $got_objects)" "[[ $got_objects -eq $want_objects ]]"
check_that "no temporaries left" "[[ -z \$(ls '$OXCC_STORE/tmp') ]]"
check_that "store verify: every record parses, every object hashes right" "'$bin/oxcc' store verify > '$tmp/verify' 2>&1 && grep -q ' 0 problems' '$tmp/verify'"
# Every object a build produced names a stored object.
ids_ok=1
for o in "$tmp"/p*/*.o; do
  id=$(readelf -p .oxcc.obj "$o" | sed -n 's/.*oxcc:1:\([0-9a-f]*\).*/\1/p')
  [[ -f $OXCC_STORE/objects/${id:0:2}/$id.o ]] || { ids_ok=0; echo "    $o names missing $id"; }
done
check_that "every built object's section names a stored object" "[[ $ids_ok -eq 1 ]]"
"$bin/oxcc" list --json > "$tmp/list.json"
check_that "all $procs extensions recorded with $((each + 1)) objects each" "/usr/bin/python3 -c \"
import json; e = json.load(open('$tmp/list.json'))['extensions']
assert sorted(x['module'] for x in e) == sorted('stress._m%d' % p for p in range(1, $procs + 1)), e
assert all(len(x['objects']) == $each + 1 for x in e)\""
finish

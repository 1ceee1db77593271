#!/usr/bin/env bash
# corpus_test.sh [--plain-only] OXCC_BIN_DIR NAME...
#
# For each Debian source package NAME (rows of shared/corpus.txt): build a
# wheel plainly and with CC=oxcc, check both wheels hold their extension
# modules, run the package's own tests against each installed wheel (same
# pass counts required), then check `oxcc list --json` names every module and
# that its objects are in the store. Prints PASS/FAIL per package.
#
# --plain-only builds and tests the plain wheel alone: for checking the corpus
# and its recipes without a working driver. It is not the test.
#
# OXCC_SHIM overrides the distutils shim directory (default: the repo's).
# OXCC_KEEP_TMP=1 keeps the temp dirs for debugging.
# The tests_* recipes are called by name, which shellcheck cannot see.
# shellcheck disable=SC2317
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
shim=${OXCC_SHIM:-$repo/distutils_shim}

plain_only=0
if [[ ${1:-} == --plain-only ]]; then plain_only=1; shift; fi
if (($# < 2)); then
  echo "usage: corpus_test.sh [--plain-only] OXCC_BIN_DIR NAME..." >&2
  exit 2
fi
bin=$(cd "$1" && pwd)
shift
oxcc=$bin/oxcc
if ((!plain_only)) && [[ ! -x $oxcc ]]; then
  echo "corpus_test.sh: $oxcc is not an executable" >&2
  exit 2
fi

# Extension modules each wheel must hold, from shared/corpus.txt. Several
# packages fall back to pure Python when their extension fails to build, so a
# wheel without these is a failure, not a degraded pass.
declare -A modules=(
  [markupsafe]="markupsafe._speedups"
  [python-cytoolz]="cytoolz.dicttoolz cytoolz.functoolz cytoolz.itertoolz cytoolz.recipes cytoolz.utils"
  [python-crcmod]="crcmod._crcfunext"
  [brotli]="_brotli"
)

# How each package's test output reads, for count_passed.
declare -A runner=(
  [markupsafe]=pytest
  [python-cytoolz]=pytest
  [python-crcmod]=unittest
  [brotli]=unittest
)

# Every build and test step gets a bound so a hang fails CI instead of
# eating its 90 minutes.
step_timeout=900

# Test recipes: tests_NAME SRC DIR copies the tests out of the source tree
# SRC into DIR and runs them there, so they import the installed package
# from $PYTHONPATH and never the sources.

tests_markupsafe() {
  # setup.cfg carries upstream's pytest config (filterwarnings = error).
  cp -a "$1/tests" "$1/setup.cfg" "$2/"
  (cd "$2" && timeout "$step_timeout" "$py" -m pytest -q -p no:cacheprovider tests)
}

tests_python_cytoolz() {
  # Without toolz the dev tests quietly drop out of collection.
  "$py" -c 'import toolz' || { echo "python3-toolz is not importable (apt-get install python3-toolz)"; return 1; }
  cp -a "$1/cytoolz/tests" "$2/"
  (cd "$2" && timeout "$step_timeout" "$py" -m pytest -q -p no:cacheprovider tests)
}

tests_python_crcmod() {
  # crcmod ships its tests inside the package (crcmod/test.py), so the
  # installed copy is the one to run; test/test_crcmod.py just calls it.
  (cd "$2" && timeout "$step_timeout" "$py" -m unittest -v crcmod.test)
}

tests_brotli() {
  # _test_utils.py finds bro.py at ../bro.py and the data at
  # ../../tests/testdata relative to itself: keep that layout.
  mkdir -p "$2/python" "$2/tests"
  cp -a "$1/python/tests" "$1/python/bro.py" "$2/python/"
  cp -a "$1/tests/testdata" "$2/tests/"
  brotli_testdata "$2/tests/testdata"
  (cd "$2/python" && timeout "$step_timeout" "$py" -m unittest discover -v -p '*_test.py')
}

# Debian's brotli orig tarball ships only empty and ukkonooa (plus their
# .compressed forms), but the tests also round-trip four upstream files.
# Those tests compress, decompress and compare with the input, so any data
# of the same character exercises the same code: generate stand-ins for the
# missing ones rather than drop 240 of the 311 tests.
brotli_testdata() {
  local d=$1
  [[ -e $d/10x10y ]] || printf 'XXXXXXXXXXYYYYYYYYYY' >"$d/10x10y"
  [[ -e $d/alice29.txt ]] || cat /usr/share/common-licenses/{GPL-3,LGPL-3,Apache-2.0,MPL-2.0,GPL-2} >"$d/alice29.txt"
  [[ -e $d/random_org_10k.bin ]] ||
    "$py" -c 'import random, sys; sys.stdout.buffer.write(random.Random(29).randbytes(10240))' >"$d/random_org_10k.bin"
  [[ -e $d/mapsdatazrh ]] || head -c 285886 "$(realpath /usr/lib/x86_64-linux-gnu/libc.so.6)" >"$d/mapsdatazrh"
}

# Prints "N passed, M skipped" from a test log, whatever the runner.
count_passed() {  # KIND LOG
  local line ran skipped xfail
  case $1 in
    pytest)
      line=$(grep -E '[0-9]+ passed' "$2" | tail -n 1)
      echo "$(grep -Eo '[0-9]+ passed' <<<"$line"), $(grep -Eo '[0-9]+ skipped' <<<"$line" || echo 0 skipped)"
      ;;
    unittest)
      ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in .*/\1/p' "$2" | tail -n 1)
      line=$(grep -E '^OK( |$)' "$2" | tail -n 1)
      skipped=$(grep -Eo 'skipped=[0-9]+' <<<"$line" | cut -d= -f2) || skipped=0
      xfail=$(grep -Eo 'expected failures=[0-9]+' <<<"$line" | cut -d= -f2) || xfail=0
      echo "$((ran - skipped - xfail)) passed, $skipped skipped"
      ;;
  esac
}

# The one place that knows the shape of `oxcc list --json`: adapt it here.
# Every expected module must be listed under its full dotted name with at
# least one object, and every object listed must exist in the store.
check_list() {  # JSON STORE MODULE...
  "$py" - "$@" <<'PY'
import json, os, sys
path, store, *want = sys.argv[1:]
doc = json.load(open(path))
if doc.get("schema") != "oxcc-list/1":
    sys.exit(f"oxcc list: unexpected schema {doc.get('schema')!r}")
exts = {e["module"]: e for e in doc["extensions"]}
missing = [m for m in want if m not in exts]
if missing:
    sys.exit(f"oxcc list does not name {' '.join(missing)} (lists: {' '.join(sorted(exts)) or 'nothing'})")
for m in want:
    if not exts[m].get("objects"):
        sys.exit(f"oxcc list: {m} has no objects")
for m, e in sorted(exts.items()):
    for h in e.get("objects", []):
        p = os.path.join(store, "objects", h[:2], h + ".o")
        if not os.path.isfile(p):
            sys.exit(f"oxcc list: {m} object {h} is not in the store ({p})")
PY
}

# Checks the wheel holds an extension .so for each module (platlib root).
check_wheel() {  # WHEEL MODULE...
  "$py" - "$@" <<'PY'
import sys, zipfile
whl, *want = sys.argv[1:]
have = set()
for n in zipfile.ZipFile(whl).namelist():
    d, _, base = n.rpartition("/")
    if base.endswith(".so") and ".dist-info" not in d and ".data" not in d:
        have.add((d.replace("/", ".") + "." if d else "") + base.split(".")[0])
missing = [m for m in want if m not in have]
if missing:
    sys.exit(f"{whl.rpartition('/')[2]} has no extension module {' '.join(missing)} (pure-Python fallback?)")
PY
}

# Checks each module imports from SITE as a compiled extension.
check_import() {  # SITE MODULE...
  PYTHONPATH=$1 "$py" - "$@" <<'PY'
import importlib, os, sys
site, *want = sys.argv[1:]
site = os.path.realpath(site)
for m in want:
    f = os.path.realpath(importlib.import_module(m).__file__)
    if not (f.startswith(site + os.sep) and f.endswith(".so")):
        sys.exit(f"{m} imported from {f}, not an extension under {site}")
PY
}

# Runs in a subshell per package: `fail` exits it, its EXIT trap removes
# the temp dir (so $t is not local: the trap runs after the return).
run_one() {
  local name=$1 src mode counts=() log
  t=$(mktemp -d "${TMPDIR:-/tmp}/oxcc-corpus.XXXXXX")
  reported=0
  # A step that fails outside `fail` (set -e) still gets its FAIL line.
  trap 'rc=$?; ((rc == 0 || reported)) || echo "FAIL $name: unexpected error (exit $rc)"
    if [[ ${OXCC_KEEP_TMP:-0} == 1 ]]; then echo "kept $t" >&2; else rm -rf "$t"; fi' EXIT

  fail() {  # REASON [LOG]
    # shellcheck disable=SC2034 # read by the EXIT trap
    reported=1
    echo "FAIL $name: $1"
    if [[ -n ${2:-} && -s $2 ]]; then
      # pip ends a failed build with its own noise: show the compiler's and
      # oxcc's error lines first.
      if [[ $2 == */build.log ]]; then
        { grep -E '(error|fatal|oxcc)[^ ]*: ' "$2" | head -n 15 | sed 's/^/    /'; } || true
        echo "    ..."
      fi
      tail -n 30 "$2" | sed 's/^/    /'
    fi
    exit 1
  }

  [[ -n ${modules[$name]:-} ]] || fail "no recipe in corpus_test.sh (known: ${!modules[*]})"
  src=$("$repo/utils/fetch-corpus" "$name" 2>"$t/fetch.log") || fail "$(tail -n 1 "$t/fetch.log")"
  # shellcheck disable=SC2206
  local mods=(${modules[$name]})

  local modes=(plain oxcc)
  ((!plain_only)) || modes=(plain)
  for mode in "${modes[@]}"; do
    mkdir -p "$t/$mode/tests" "$t/$mode/tmp"
    # pip builds in the tree (build/, *.egg-info): never in the cache.
    cp -a "$src" "$t/$mode/src"
    log=$t/$mode/build.log
    local envs=(-u CC -u CXX -u LDSHARED -u LDCXXSHARED -u PYTHONPATH -u OXCC_STORE
      PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore TMPDIR="$t/$mode/tmp")
    if [[ $mode == oxcc ]]; then
      envs+=(CC="$oxcc" OXCC_STORE="$t/store")
      [[ ! -d $shim ]] || envs+=(PYTHONPATH="$shim")
    fi
    (cd "$t/$mode/src" && env "${envs[@]}" timeout "$step_timeout" \
      "$py" -m pip wheel -v --no-deps --no-build-isolation --no-index --no-cache-dir -w "$t/$mode/wheel" .) \
      >"$log" 2>&1 || fail "$mode wheel build failed" "$log"

    local whl=("$t/$mode/wheel"/*.whl)
    [[ -f ${whl[0]} ]] || fail "$mode build made no wheel" "$log"
    check_wheel "${whl[0]}" "${mods[@]}" >"$t/$mode/check.log" 2>&1 ||
      fail "$mode $(tail -n 1 "$t/$mode/check.log")" "$log"

    env PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore \
      "$py" -m pip install --no-deps --no-index --target "$t/$mode/site" "${whl[0]}" >"$t/$mode/install.log" 2>&1 ||
      fail "$mode wheel install failed" "$t/$mode/install.log"
    (cd "$t/$mode/tmp" && check_import "$t/$mode/site" "${mods[@]}") >"$t/$mode/check.log" 2>&1 ||
      fail "$mode $(tail -n 1 "$t/$mode/check.log")" "$t/$mode/check.log"

    # PYTHONPATH makes the tests import the installed wheel; TMPDIR keeps
    # what they leave behind (brotli never removes its mkdtemp) inside $t.
    log=$t/$mode/test.log
    (export PYTHONPATH=$t/$mode/site TMPDIR=$t/$mode/tmp
      "tests_${name//-/_}" "$src" "$t/$mode/tests") >"$log" 2>&1 </dev/null ||
      fail "$mode test suite failed" "$log"
    counts+=("$(count_passed "${runner[$name]}" "$log")")
    [[ ${counts[-1]} != 0\ * ]] || fail "$mode test suite ran no test" "$log"
  done

  if ((plain_only)); then
    echo "PASS $name (plain only: ${counts[0]})"
    return
  fi
  [[ ${counts[0]} == "${counts[1]}" ]] ||
    fail "pass counts differ: plain ${counts[0]}, oxcc ${counts[1]}" "$t/oxcc/test.log"

  OXCC_STORE=$t/store timeout "$step_timeout" "$oxcc" list --json >"$t/list.json" 2>"$t/list.err" ||
    fail "oxcc list --json failed" "$t/list.err"
  check_list "$t/list.json" "$t/store" "${mods[@]}" >"$t/list.check" 2>&1 ||
    fail "$(tail -n 1 "$t/list.check")"
  echo "PASS $name"
}

status=0
for name in "$@"; do
  set +e
  (set -e; run_one "$name")
  rc=$?
  set -e
  ((rc == 0)) || status=1
done
exit $status

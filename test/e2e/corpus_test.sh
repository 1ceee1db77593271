#!/usr/bin/env bash
# corpus_test.sh [--plain-only] OXCC_BIN_DIR NAME...
#
# For each Debian source package NAME (rows of shared/corpus.txt): build a
# wheel plainly and with CC=oxcc, check both wheels hold their extension
# modules, run the package's own tests against each installed wheel (same
# pass counts required), then check `oxcc list --json` names every module and
# that its objects are in the store. Prints PASS/FAIL per package.
# The plain side (its wheel, python3's run of the suite on it) involves no
# oxcc: it comes from the tests' cache when the same inputs ran before
# (corpus_lib.sh's plain_wheel and plain_suite, shared with
# musl_corpus_test.sh); the oxcc side is built and run every time.
#
# --plain-only builds and tests the plain wheel alone: for checking the corpus
# and its recipes without a working driver. It is not the test.
#
# OXCC_SHIM overrides the distutils shim directory (default: the repo's).
# OXCC_KEEP_TMP=1 keeps the temp dirs for debugging.
# The tests_* recipes are called by name, which shellcheck cannot see.
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"

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

# Every build and test step gets a bound so a hang fails CI instead of
# eating its 90 minutes.
step_timeout=900

# Recipes and result readers, shared with corpus_link_test.sh.
# shellcheck source=corpus_lib.sh
source "$(dirname "$0")/corpus_lib.sh"

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

  [[ -n ${corpus_modules[$name]:-} ]] || fail "no recipe in corpus_lib.sh (known: ${!corpus_modules[*]})"
  src=$("$repo/utils/fetch-corpus" "$name" 2>"$t/fetch.log") || fail "$(tail -n 1 "$t/fetch.log")"
  # shellcheck disable=SC2206
  local mods=(${corpus_modules[$name]})

  local modes=(plain oxcc)
  ((!plain_only)) || modes=(plain)
  for mode in "${modes[@]}"; do
    mkdir -p "$t/$mode/tests" "$t/$mode/tmp"
    log=$t/$mode/build.log
    local whl=()
    if [[ $mode == plain ]]; then
      # The plain side needs no oxcc: its wheel and python3's run of the
      # suite on it come from the tests' cache when their inputs (the
      # source, the recipes, python3, the host's build tools) were seen
      # before (corpus_lib.sh's plain_wheel and plain_suite).
      plain_wheel "$name" "$src" "$t/plain/build" >"$log" 2>&1 || fail "plain wheel build failed" "$log"
      whl=("$t/plain/build/wheel"/*.whl)
    else
      # pip builds in the tree (build/, *.egg-info): never in the cache.
      cp -a "$src" "$t/$mode/src"
      local envs=(-u CC -u CXX -u LDSHARED -u LDCXXSHARED -u PYTHONPATH -u OXCC_STORE
        PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore TMPDIR="$t/$mode/tmp"
        CC="$oxcc" OXCC_STORE="$t/store")
      [[ ! -d $shim ]] || envs+=(PYTHONPATH="$shim")
      (cd "$t/$mode/src" && env "${envs[@]}" timeout "$step_timeout" \
        "$py" -m pip wheel -v --no-deps --no-build-isolation --no-index --no-cache-dir -w "$t/$mode/wheel" .) \
        >"$log" 2>&1 || fail "$mode wheel build failed" "$log"
      whl=("$t/$mode/wheel"/*.whl)
    fi

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
    # The plain wheel's run is plain_suite's (the same, cached).
    if [[ $mode == plain ]]; then
      log=$t/plain/suite/python3.log
      plain_suite "$name" "$src" "${whl[0]}" "$t/plain/suite" || fail "$mode test suite failed" "$log"
    else
      log=$t/$mode/test.log
      (export PYTHONPATH=$t/$mode/site TMPDIR=$t/$mode/tmp
        "tests_${name//-/_}" "$src" "$t/$mode/tests" "$py") >"$log" 2>&1 </dev/null ||
        fail "$mode test suite failed" "$log"
    fi
    counts+=("$(count_passed "${corpus_runner[$name]}" "$log")")
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

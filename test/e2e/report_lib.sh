# shellcheck shell=bash
# Sourced by the e2e scripts: a private work dir and PASS/FAIL counting that
# ends with the "N passed, N failed" line ctest logs and CI reads.

# e2e_workdir NAME: sets $t to a fresh temp dir, removed at exit unless
# OXCC_KEEP_TMP=1 (then its path is printed, for a post-mortem).
e2e_workdir() {
  t=$(mktemp -d "${TMPDIR:-/tmp}/oxcc-$1.XXXXXX")
  e2e_dir=$t
}

# At exit: a script that stops before its summary line (set -e met a
# failing command, or it gave up) says so, never silently; then the work
# dir goes.
e2e_exit() {  # [STATUS] (default: the exit status the trap runs for)
  local status=${1:-$?}
  if ((status != 0 && status != 77 && !finished)); then
    echo "FAIL $(basename "$0"): stopped (exit $status) before its summary: $passed passed, $failed failed so far"
  fi
  if [[ -n ${e2e_dir:-} ]]; then
    if [[ ${OXCC_KEEP_TMP:-0} == 1 ]]; then echo "kept $e2e_dir" >&2; else rm -rf "$e2e_dir"; fi
  fi
}
trap e2e_exit EXIT

passed=0
failed=0
finished=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() {  # WHAT REASON [LOG]
  echo "FAIL $1: $2"
  if [[ -n ${3:-} && -s $3 ]]; then tail -n 30 "$3" | sed 's/^/    /'; fi
  failed=$((failed + 1))
}
finish() {
  finished=1
  echo "$passed passed, $failed failed"
  exit $((failed > 0))
}

# check WHAT COMMAND...: runs COMMAND (a shell function too) in a subshell
# under `set -e`; PASS, or FAIL with the tail of its output.
check() {
  local what=$1 status log errexit=$-
  shift
  log=$(mktemp "${TMPDIR:-/tmp}/oxcc-check.XXXXXX")
  set +e
  (set -e; "$@") > "$log" 2>&1
  status=$?
  [[ $errexit == *e* ]] && set -e
  if ((status == 0)); then
    pass "$what"
  else
    fail "$what" "exit $status"
    tail -n 25 "$log" | sed 's/^/    /'
  fi
  rm -f "$log"
}

# check_that WHAT CONDITION: CONDITION is shell code, evaluated here.
check_that() {
  if eval "$2"; then pass "$1"; else fail "$1" "not so"; fi
}

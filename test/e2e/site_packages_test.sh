#!/usr/bin/env bash
# Pure-Python packages from an environment (issue 15, item 3): an app
# holding the oxcc-built cffi wheel gets pycparser (cffi's metadata requires
# it) and ply (pycparser imports it; Debian's egg-info declares nothing) from
# Debian's dist-packages without naming them; `--package pytest` gets
# pytest's whole set, and the binary runs a test file with it; a package
# that is not there is refused by name.
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
e2e_bin_dir "$@"
e2e_clean_env
e2e_workdir sitepkgs
export OXCC_STORE=$t/store
# shellcheck source=corpus_lib.sh
source "$here/corpus_lib.sh"
step_timeout=900

# 1. The cffi wheel, through oxcc (-lffi from libffi.a).
build() {  # NAME SRC
  local d=$t/build/$1
  mkdir -p "$d/tmp"
  cp -a "$2" "$d/src"
  (cd "$d/src" && TMPDIR=$d/tmp timeout "$step_timeout" \
    "$oxcc" run -- "$py" -m pip wheel --no-deps --no-build-isolation --no-index --no-cache-dir -w "$d/wheel" .)
}
declare -A src=() wheel=()
build_corpus_wheels "$t/build" build python-cffi
[[ -n ${wheel[python-cffi]:-} ]] || finish

mkdir -p "$t/app"
cat >"$t/app/cffi_app.py" <<'PY'
import cffi

def main():
    ffi = cffi.FFI()
    ffi.cdef("struct point { int x; int y; }; int abs(int);")  # parsed by pycparser, with ply
    p = ffi.new("struct point *", [3, 4])
    print(p.x + p.y, ffi.sizeof("struct point"), ffi.dlopen(None).abs(-5))
PY
if "$oxcc" link -o "$t/cffi-app" --wheel "${wheel[python-cffi]}" --pure "$t/app" \
  --site-packages "$dist" -m cffi_app:main >"$t/link.log" 2>&1; then
  pass "link: the cffi wheel, with --site-packages $dist"
else
  fail "link with --site-packages" "exit $?" "$t/link.log"
  finish
fi
check_that "pycparser (cffi's requirement) and ply (pycparser's import) came from the environment" \
  "grep -q 'from the environment: 2 distributions (ply, pycparser)' '$t/link.log'"
check_that "the app parses C declarations with them inside the binary" "[[ \$('$t/cffi-app') == '7 8 5' ]]"
check_that "pycparser and ply are among the embedded modules" \
  "grep -qP '^module\tpycparser.c_parser\t' '$t/cffi-app.oxcc-build/resources.tsv' &&
   grep -qP '^module\tply.yacc\t' '$t/cffi-app.oxcc-build/resources.tsv'"

# 2. --package pytest: its whole set, and a test run with it.
mkdir -p "$t/tests"
cat >"$t/tests/test_sample.py" <<'PY'
import pytest

def test_add():
    assert 1 + 1 == 2

@pytest.mark.parametrize("n", [1, 2, 3])
def test_param(n):
    assert n > 0
PY
if "$oxcc" link -o "$t/pytest-app" --site-packages "$dist" --package pytest -m pytest:console_main \
  >"$t/pytest-link.log" 2>&1; then
  pass "link --package pytest"
else
  fail "link --package pytest" "exit $?" "$t/pytest-link.log"
  finish
fi
check_that "pytest's whole set came along (attrs, iniconfig, packaging, pluggy)" \
  "grep -qE 'from the environment: [0-9]+ distributions \(.*attrs, iniconfig, packaging, pluggy, pytest.*\)' '$t/pytest-link.log'"
check_that "the binary runs a test file: 4 passed" \
  "(cd '$t/tests' && '$t/pytest-app' -q -p no:cacheprovider test_sample.py) > '$t/pytest.out' 2>&1 && grep -q '4 passed' '$t/pytest.out'"

# 3. Bad input: one line naming what is missing, no binary.
status=0
"$oxcc" link -o "$t/none" --site-packages "$dist" --package no-such-dist >"$t/bad.log" 2>&1 || status=$?
check_that "a package that is not there is refused by name" \
  "[[ $status -ne 0 ]] && grep -q 'package no-such-dist: no such distribution in $dist' '$t/bad.log' && [[ ! -e '$t/none' ]]"
status=0
"$oxcc" link -o "$t/none" --package pytest >"$t/bad2.log" 2>&1 || status=$?
check_that "--package without an environment is refused" \
  "[[ $status -eq 2 ]] && grep -q -- '--package needs --site-packages DIR or --venv DIR' '$t/bad2.log'"

finish

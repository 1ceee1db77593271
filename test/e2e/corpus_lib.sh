# shellcheck shell=bash disable=SC2154,SC2034  # $py and $step_timeout come from the caller
# Shared by the corpus scripts (sourced, not run; report_lib.sh first): the
# corpus packages' tables, how to run each one's own test suite, how to read
# results, and the comparison of a suite under python3 and inside a binary.
# Needs $py (/usr/bin/python3) and $step_timeout from the caller.

# The extension modules each package's wheel must hold (shared/corpus.txt).
# Packages fall back to pure Python when their extension fails to build, so
# a wheel without these is a failure, not a degraded pass.
declare -A corpus_modules=(
  [markupsafe]="markupsafe._speedups"
  [python-cytoolz]="cytoolz.dicttoolz cytoolz.functoolz cytoolz.itertoolz cytoolz.recipes cytoolz.utils"
  [python-crcmod]="crcmod._crcfunext"
  [brotli]="_brotli"
  [python-xxhash]="xxhash._xxhash"
  [python-cffi]="_cffi_backend"
)
# How each package's test output reads, for count_passed.
declare -A corpus_runner=(
  [markupsafe]=pytest
  [python-cytoolz]=pytest
  [python-crcmod]=unittest
  [brotli]=unittest
  [python-xxhash]=unittest
  [python-cffi]=pytest
)
#
# Test recipes: tests_NAME SRC DIR PYTHON... copies the tests out of the
# source tree SRC into DIR and runs them there with the interpreter
# PYTHON... (python3 or a linked executable), so the package comes from
# $PYTHONPATH (python3) or from inside the binary, never from the sources.

tests_markupsafe() {
  local src=$1 dir=$2; shift 2
  # setup.cfg carries upstream's pytest config (filterwarnings = error).
  cp -a "$src/tests" "$src/setup.cfg" "$dir/"
  (cd "$dir" && timeout "$step_timeout" "$@" -m pytest -q -p no:cacheprovider tests)
}

tests_python_cytoolz() {
  local src=$1 dir=$2; shift 2
  # Without toolz the dev tests quietly drop out of collection.
  "$@" -c 'import toolz' || { echo "toolz is not importable (apt-get install python3-toolz)"; return 1; }
  cp -a "$src/cytoolz/tests" "$dir/"
  (cd "$dir" && timeout "$step_timeout" "$@" -m pytest -q -p no:cacheprovider tests)
}

tests_python_crcmod() {
  local src=$1 dir=$2; shift 2
  # crcmod ships its tests inside the package (crcmod/test.py), so the
  # installed copy is the one to run; test/test_crcmod.py just calls it.
  (cd "$dir" && timeout "$step_timeout" "$@" -m unittest -v crcmod.test)
}

tests_brotli() {
  local src=$1 dir=$2; shift 2
  # _test_utils.py finds bro.py at ../bro.py and the data at
  # ../../tests/testdata relative to itself: keep that layout. bro.py runs
  # as `sys.executable bro.py`, i.e. under the binary too.
  mkdir -p "$dir/python" "$dir/tests"
  cp -a "$src/python/tests" "$src/python/bro.py" "$dir/python/"
  cp -a "$src/tests/testdata" "$dir/tests/"
  brotli_testdata "$dir/tests/testdata"
  (cd "$dir/python" && timeout "$step_timeout" "$@" -m unittest discover -v -p '*_test.py')
}

tests_python_xxhash() {
  local src=$1 dir=$2; shift 2
  # Build with XXHASH_LINK_SO=1 to link the system libxxhash (libdeps_test.sh).
  cp -a "$src/tests" "$dir/"
  (cd "$dir" && timeout "$step_timeout" "$@" -m unittest discover -v -s tests -t .)
}

tests_python_cffi() {
  local src=$1 dir=$2; shift 2
  # Only c/test_c.py, the tests of _cffi_backend itself (the C extension);
  # it calls py.test.raises: needs python3-py's `py`, not pytest's py.py.
  # c/test_c.py puts its parent directory first on sys.path: alone in
  # $dir/c, that is $dir, never the source tree (cffi/ would shadow).
  mkdir -p "$dir/c"
  cp -a "$src/c/test_c.py" "$dir/c/"
  # test_callback_exception matches the traceback text of a callback's
  # error against 3.11.0's layout and fails under Debian's 3.11.2 python3
  # as well (its ^^^ marker lines differ): deselected in both runs.
  (cd "$dir" && timeout "$step_timeout" "$@" -m pytest -q -p no:cacheprovider \
    --deselect c/test_c.py::test_callback_exception c/test_c.py)
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

# Each corpus package NAME fetched (src[NAME]) and built into a wheel by the
# caller's BUILD NAME SRC, which leaves it in DIR/NAME/wheel/; all at once,
# then each wheel checked to hold its extension modules: wheel[NAME] and a
# PASS, or a FAIL with the log. The caller declares src and wheel (-A).
build_corpus_wheels() {  # DIR BUILD NAME...
  local dir=$1 build=$2 name log whl
  shift 2
  local -A pid=()
  for name in "$@"; do
    mkdir -p "$dir/$name"
    if src[$name]=$("$repo/utils/fetch-corpus" "$name" 2>"$dir/$name/fetch.log"); then
      "$build" "$name" "${src[$name]}" >"$dir/$name/build.log" 2>&1 &
      pid[$name]=$!
    else
      fail "fetch $name" "$(tail -n 1 "$dir/$name/fetch.log")"
    fi
  done
  for name in "$@"; do
    [[ -n ${pid[$name]:-} ]] || continue
    log=$dir/$name/build.log
    if ! wait "${pid[$name]}"; then
      fail "wheel $name through oxcc" "build failed" "$log"
      continue
    fi
    whl=("$dir/$name/wheel"/*.whl)
    # shellcheck disable=SC2086 # the module lists split on spaces
    if [[ ! -f ${whl[0]} ]]; then
      fail "wheel $name through oxcc" "the build made no wheel" "$log"
    elif ! check_wheel "${whl[0]}" ${corpus_modules[$name]} >"$dir/$name/check.log" 2>&1; then
      fail "wheel $name through oxcc" "$(tail -n 1 "$dir/$name/check.log")"
    else
      wheel[$name]=${whl[0]}
      pass "wheel $name through oxcc ($(basename "${whl[0]}"))"
    fi
  done
}

# NAME's own suite (tests_NAME) twice: under python3 with WHEEL installed
# (plus --pythonpath DIR, for the suite's pure dependencies), and inside APP,
# where nothing comes from disk. PASS when both pass the same nonzero count.
# WORK holds the logs; --app-dir and --app-tmp place the binary's run (an
# empty root's directories), --where names the binary in the report.
compare_suite() {  # NAME WHEEL SRC WORK APP [--pythonpath P] [--app-dir D] [--app-tmp D] [--where TEXT]
  local name=$1 wheel_file=$2 tree=$3 d=$4 app=$5 extra="" app_dir=$4/app app_tmp=$4/tmp where="the binary"
  shift 5
  while (($#)); do
    case $1 in
      --pythonpath) extra=:$2 ;;
      --app-dir) app_dir=$2 ;;
      --app-tmp) app_tmp=$2 ;;
      --where) where=$2 ;;
      *) fail "compare_suite $name" "unknown option $1"; return ;;
    esac
    shift 2
  done
  mkdir -p "$d/site" "$d/python3" "$d/tmp" "$app_dir" "$app_tmp"
  if ! "$py" -m pip install --no-deps --no-index --target "$d/site" "$wheel_file" >"$d/install.log" 2>&1; then
    fail "$name suite" "pip install of $(basename "$wheel_file") failed" "$d/install.log"
    return
  fi
  PYTHONPATH=$d/site$extra TMPDIR=$d/tmp "tests_${name//-/_}" "$tree" "$d/python3" "$py" \
    >"$d/python3.log" 2>&1 </dev/null || { fail "$name suite under python3" "failed" "$d/python3.log"; return; }
  TMPDIR=$app_tmp "tests_${name//-/_}" "$tree" "$app_dir" "$app" \
    >"$d/app.log" 2>&1 </dev/null || { fail "$name suite inside $where" "failed" "$d/app.log"; return; }
  local want got
  want=$(count_passed "${corpus_runner[$name]}" "$d/python3.log")
  got=$(count_passed "${corpus_runner[$name]}" "$d/app.log")
  if [[ -z $want || $want == 0\ * ]]; then
    fail "$name suite under python3" "ran no test" "$d/python3.log"
  elif [[ $want == "$got" ]]; then
    pass "$name suite inside $where: $got (python3: $want)"
  else
    fail "$name suite" "pass counts differ: inside $where $got, python3 $want" "$d/app.log"
  fi
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

# The pytest summary of a log, without what differs between two runs of the
# same tests (warnings, the time): "7544 passed, 43 skipped, 4 xfailed".
pytest_summary() {  # LOG
  grep -E '^(=+ )?[0-9]+ (passed|failed)' "$1" | tail -n 1 |
    sed -E 's/=//g; s/ in [0-9.]+s.*//; s/, [0-9]+ warnings?//; s/^ *//; s/ *$//'
}

# Copies the named entries (globs) of Debian's dist-packages into DEST, for
# a --pure directory: the run-time dependencies a suite needs, never all
# of dist-packages. Prints the first missing entry and fails if one is.
copy_pure() {  # DEST ENTRY...
  local dest=$1 e found
  shift
  mkdir -p "$dest"
  for e in "$@"; do
    # shellcheck disable=SC2206 # the glob is meant
    found=(/usr/lib/python3/dist-packages/$e)
    [[ -e ${found[0]} ]] || { echo "/usr/lib/python3/dist-packages/$e"; return 1; }
    cp -a "${found[@]}" "$dest/"
  done
  find "$dest" -name __pycache__ -prune -exec rm -rf {} +
}

# pytest and what it imports (Debian's python3-pytest).
PYTEST_ENTRIES=(_pytest pytest 'pytest-*.dist-info' py.py pluggy 'pluggy-*.egg-info' iniconfig
                'iniconfig-*.egg-info' packaging 'packaging-*.dist-info' attr attrs 'attrs-*.dist-info')

# Heavy builds (numpy, lxml) are cached in the tests' cache, keyed by their
# inputs: cached_build NAME KEY-INPUT... sets $cached to
# $OXCC_CACHE/NAME-build/<key> over the inputs and oxcc's recording code
# (driver/, plugins/, distutils_shim/: their git tree ids, plus any
# uncommitted change to them), and returns 0 when it holds a finished build.
cached_build() {
  local name=$1 key
  shift
  key=$( { printf '%s\n' "$@"
           git -C "$repo" rev-parse HEAD:driver HEAD:plugins HEAD:distutils_shim 2>/dev/null || date +%s%N
           git -C "$repo" diff HEAD -- driver plugins distutils_shim 2>/dev/null; } | sha256sum | cut -c1-16)
  cached=$OXCC_CACHE/$name-build/$key
  [[ -f $cached/done ]]
}

# cache_build DIR: DIR (wheel/, store/) becomes $cached, whole or not at
# all: copied beside it, then renamed into place.
cache_build() {
  local dir=$1
  mkdir -p "$(dirname "$cached")"
  rm -rf "$cached.tmp.$$" && cp -a "$dir" "$cached.tmp.$$" && rm -rf "$cached.tmp.$$/tmp" &&
    touch "$cached.tmp.$$/done" && rm -rf "$cached" && mv "$cached.tmp.$$" "$cached"
}

# same_pytest_outcome REF_LOG LOG DIFF_LOG: true when two pytest runs of
# the same tests (python3's, the binary's) report the same summary, with no
# errors, and the same failing tests (their differences go to DIFF_LOG).
# Sets $ref and $got to the two summaries.
same_pytest_outcome() {
  ref=$(pytest_summary "$1")
  got=$(pytest_summary "$2")
  [[ -n $ref && $ref == "$got" && $ref != *error* ]] &&
    diff <(grep -E '^FAILED' "$1" | sed 's/ - .*//') <(grep -E '^FAILED' "$2" | sed 's/ - .*//') > "$3"
}

# cached_reference LOG KEY-INPUT... -- COMMAND...: python3's run of a
# suite, the reference a binary's run is compared with. COMMAND writes LOG;
# when the same inputs ran before, LOG is copied from the tests' cache
# instead ($OXCC_CACHE/reference/<key>.log), since python3 on the same
# wheel and the same tests gives the same result. The caller names every
# input that is not python3's (the wheels' sha256, the tests' source, the
# arguments that choose tests); python3's version and Debian's python3-*
# packages (pytest and what the suites import) are added here. A run
# without a summary line (a crash, a timeout) is not kept.
cached_reference() {
  local log=$1 key entry
  shift
  local -a inputs=()
  while (($#)) && [[ $1 != -- ]]; do inputs+=("$1"); shift; done
  shift
  key=$( { printf '%s\n' "${inputs[@]}"; "$py" -VV
           dpkg-query -W -f '${Package} ${Version}\n' 'python3*' 2>/dev/null; } | sha256sum | cut -c1-16)
  entry=$OXCC_CACHE/reference/$key.log
  if [[ -f $entry ]]; then
    cp "$entry" "$log"
    return 0
  fi
  "$@"
  if grep -qE '[0-9]+ passed|^ran [1-9]' "$log"; then
    mkdir -p "$(dirname "$entry")"
    cp "$log" "$entry.tmp.$$" && mv "$entry.tmp.$$" "$entry"
  fi
}

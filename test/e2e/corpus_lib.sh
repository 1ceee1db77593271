# shellcheck shell=bash disable=SC2154,SC2034  # $py and $step_timeout come from the caller
# Shared by the corpus scripts (sourced, not run; report_lib.sh first): the
# corpus packages' tables, how to run each one's own test suite, how to read
# results, the comparison of a suite under python3 and inside a binary, and
# the plain side (plain_wheel, plain_suite: no oxcc, cached by its inputs).
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
# --plain: WHEEL is plain_wheel's, and python3's run of it plain_suite's
# (cached by its inputs); the binary's run is made every time.
compare_suite() {  # NAME WHEEL SRC WORK APP [--pythonpath P] [--app-dir D] [--app-tmp D] [--where TEXT] [--plain]
  local name=$1 wheel_file=$2 tree=$3 d=$4 app=$5 extra="" app_dir=$4/app app_tmp=$4/tmp where="the binary"
  local plain=0
  shift 5
  while (($#)); do
    case $1 in
      --pythonpath) extra=:$2 ;;
      --app-dir) app_dir=$2 ;;
      --app-tmp) app_tmp=$2 ;;
      --where) where=$2 ;;
      --plain) plain=1; shift; continue ;;
      *) fail "compare_suite $name" "unknown option $1"; return ;;
    esac
    shift 2
  done
  mkdir -p "$d/site" "$d/python3" "$d/tmp" "$app_dir" "$app_tmp"
  if ((plain)); then
    # plain_suite's key has no --pythonpath: the two do not go together.
    [[ -z $extra ]] || { fail "compare_suite $name" "--plain takes no --pythonpath"; return; }
    plain_suite "$name" "$tree" "$wheel_file" "$d" || { fail "$name suite under python3" "failed" "$d/python3.log"; return; }
  else
    if ! "$py" -m pip install --no-deps --no-index --target "$d/site" "$wheel_file" >"$d/install.log" 2>&1; then
      fail "$name suite" "pip install of $(basename "$wheel_file") failed" "$d/install.log"
      return
    fi
    PYTHONPATH=$d/site$extra TMPDIR=$d/tmp "tests_${name//-/_}" "$tree" "$d/python3" "$py" \
      >"$d/python3.log" 2>&1 </dev/null || { fail "$name suite under python3" "failed" "$d/python3.log"; return; }
  fi
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
# --plain: a build without oxcc (plain_wheel), whose key leaves oxcc's code
# out: the caller's inputs alone.
cached_build() {  # [--plain] NAME KEY-INPUT...
  local with_oxcc=1 name key
  if [[ $1 == --plain ]]; then with_oxcc=0; shift; fi
  name=$1
  shift
  key=$( { printf '%s\n' "$@"
           if ((with_oxcc)); then
             git -C "$repo" rev-parse HEAD:driver HEAD:plugins HEAD:distutils_shim 2>/dev/null || date +%s%N
             git -C "$repo" diff HEAD -- driver plugins distutils_shim 2>/dev/null
           fi; } | sha256sum | cut -c1-16)
  cached=$OXCC_CACHE/$name-build/$key
  [[ -f $cached/done ]]
}

# cache_build DIR: DIR (wheel/, store/) becomes $cached, whole or not at
# all: copied beside it, then renamed into place. When another run put the
# same build there first, that one stays (a run may be reading it) and
# this copy is dropped: $cached holds one finished build either way.
cache_build() {
  local dir=$1
  mkdir -p "$(dirname "$cached")"
  rm -rf "$cached.tmp.$$" && cp -a "$dir" "$cached.tmp.$$" && rm -rf "$cached.tmp.$$/tmp" &&
    touch "$cached.tmp.$$/done" || return
  [[ -f $cached/done ]] || rm -rf "$cached"
  # mv -T does not replace a directory that has entries: the first one wins.
  mv -T "$cached.tmp.$$" "$cached" 2>/dev/null || rm -rf "$cached.tmp.$$"
  [[ -f $cached/done ]]
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
# without a summary line (a crash, a timeout; pytest's "N passed",
# unittest's "Ran N tests", lxml's "ran N"), or whose COMMAND failed, is
# not kept. Returns COMMAND's status (0 when LOG came from the cache).
cached_reference() {
  local log=$1 key entry rc=0
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
  "$@" || rc=$?
  if ((rc == 0)) && grep -qE '[0-9]+ passed|^[Rr]an [1-9]' "$log"; then
    mkdir -p "$(dirname "$entry")"
    cp "$log" "$entry.tmp.$$" && mv "$entry.tmp.$$" "$entry"
  fi
  return $rc
}

# The plain side of a corpus package: its wheel built without oxcc
# (plain_wheel) and python3's run of its own suite on that wheel
# (plain_suite), the reference the oxcc side is compared with. Neither
# involves oxcc, so both come from the tests' cache when their inputs were
# seen before, and one entry serves every corpus test (corpus_test.sh's
# plain side, musl_corpus_test.sh's native wheels, for each target).
# Their keys hold every input: the package, its source tree (plain_source),
# the recipe (these functions' and tests_NAME's text), python3 and the
# host's build tools (plain_host); the oxcc side is built and run each time.

# plain_source SRC: the source tree's name (NAME-VERSION) and the sha256
# of its files, for a key.
plain_source() {
  basename "$1"
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum
}

# plain_host: what a plain build and python3's runs use from the host, for
# a key: python3's version and the installed Debian packages' versions of
# Python (pip, setuptools, wheel, pytest, toolz, ...), Cython, the
# compilers, binutils, the C library, base-files (brotli's test data is
# made from its licence texts and libc.so.6) and every -dev package (the
# headers and libraries a build can find).
plain_host() {
  "$py" -VV
  dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version}\n' 'python3*' 'libpython3*' cython3 \
    'gcc*' 'g++*' 'cpp*' 'binutils*' libc6 base-files '*-dev' 2>/dev/null | grep '^ii' || true
}

# plain_wheel NAME SRC DIR: NAME's wheel built plainly into DIR/wheel/
# (DIR: for this alone; the build runs in DIR/tmp): python3's pip on a
# copy of SRC, the compiler python3 names, no oxcc, no compiler or Python
# setting of the caller's. Cached (cached_build --plain plain-NAME) once it
# holds NAME's extension modules (corpus_modules; the caller checks the
# wheel again); from then on DIR/wheel/ gets the cached wheel, the same
# file for every test, so python3's run of it is cached once too.
plain_wheel() {
  local name=$1 tree=$2 d=$3 whl
  mkdir -p "$d/wheel"
  if cached_build --plain "plain-$name" "$name" "$(plain_source "$tree")" \
       "$(declare -f plain_wheel)" "$(plain_host)"; then
    echo "$name's plain wheel from the tests' cache: $cached"
    cp "$cached/wheel"/*.whl "$d/wheel/"
    return
  fi
  rm -rf "$d/tmp" && mkdir -p "$d/tmp" && cp -a "$tree" "$d/tmp/src"
  # pip builds in the tree (build/, *.egg-info): never in the cache.
  (cd "$d/tmp/src" && env -u CC -u CXX -u CPP -u CFLAGS -u CXXFLAGS -u CPPFLAGS -u LDFLAGS \
    -u LDSHARED -u LDCXXSHARED -u PYTHONPATH -u PYTHONHOME -u OXCC_STORE \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore TMPDIR="$d/tmp" timeout "$step_timeout" \
    "$py" -m pip wheel -v --no-deps --no-build-isolation --no-index --no-cache-dir -w "$d/wheel" .) ||
    return
  rm -rf "$d/tmp"
  whl=("$d/wheel"/*.whl)
  # shellcheck disable=SC2086 # the module lists split on spaces
  if ((${#whl[@]} == 1)) && [[ -f ${whl[0]} ]] && check_wheel "${whl[0]}" ${corpus_modules[$name]}; then
    # Another run's copy, when it was first, is the one every run uses.
    if cache_build "$d"; then rm -f "$d/wheel"/*.whl && cp "$cached/wheel"/*.whl "$d/wheel/"; fi
  fi
}

# plain_suite NAME SRC WHEEL DIR: python3's run of NAME's own suite
# (tests_NAME) on WHEEL installed in DIR/site, the tests copied to
# DIR/python3, TMPDIR DIR/tmp: its log is DIR/python3.log. Fails when the
# suite fails (a failed run is never cached). Cached (cached_reference) by
# WHEEL's sha256, the source tree, the recipe's text and plain_host: with
# WHEEL from plain_wheel, one entry serves every corpus test.
plain_suite() {
  local name=$1 tree=$2 wheel_file=$3 d=$4
  mkdir -p "$d/site" "$d/python3" "$d/tmp"
  cached_reference "$d/python3.log" "corpus suite $name" "$(sha256sum < "$wheel_file")" "$(plain_source "$tree")" \
    "$(declare -f plain_suite _plain_suite_run "tests_${name//-/_}" brotli_testdata)" "$(plain_host)" -- \
    _plain_suite_run "$name" "$tree" "$wheel_file" "$d"
}
_plain_suite_run() {  # NAME SRC WHEEL DIR
  if ! env PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore \
      "$py" -m pip install --no-deps --no-index --target "$4/site" "$3" >"$4/install.log" 2>&1; then
    { echo "pip install of $(basename "$3") failed:"; cat "$4/install.log"; } >"$4/python3.log"
    return 1
  fi
  PYTHONPATH=$4/site TMPDIR=$4/tmp "tests_${1//-/_}" "$2" "$4/python3" "$py" >"$4/python3.log" 2>&1 </dev/null
}

#!/usr/bin/env bash
# corpus_link_test.sh OXCC_BIN_DIR
#
# Stage 2's acceptance test on real packages: markupsafe (C), brotli (C++,
# top-level, vendored C library) and cytoolz (Cython, five extensions in one
# package), fetched as Debian source packages (shared/corpus.txt), are built
# into wheels through oxcc and linked by `oxcc link` into ONE executable
# together with pytest and toolz (copied from Debian's dist-packages into a
# --pure directory). Each package's own test suite then runs INSIDE that
# binary, with the tests copied away from the sources and nothing on disk to
# import the packages from, and must report the same pass counts as the same
# suite run by /usr/bin/python3 against the oxcc-built wheels installed with
# pip. Then: no libpython in ldd, and no .py/.pyc/foreign .so opened.
#
# The test recipes (which files to copy out of each tree, brotli's test data
# stand-ins, markupsafe's setup.cfg) are those of corpus_test.sh, copied here
# with the same behaviour; keep the two in step.
#
# OXCC_KEEP_TMP=1 keeps the temp dir for debugging.
# The tests_* recipes are called by name, which shellcheck cannot see.
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"

e2e_bin_dir "$@"
if [[ ! -x $oxcc ]]; then
  echo "corpus_link_test.sh: $oxcc is not an executable" >&2
  exit 2
fi

unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH PYTHONHOME OXCC_CC OXCC_CXX OXCC_LAUNCHER OXCC_DISABLE
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

e2e_workdir corpus-link
export OXCC_STORE=$t/store
app=$t/app

names=(markupsafe brotli python-cytoolz)

# The wheel file of each package.
declare -A wheel=()

# Every build and test step gets a bound so a hang fails instead of eating
# the ctest timeout.
step_timeout=900


# Test recipes (tests_NAME SRC DIR PYTHON...) and result readers, shared
# with corpus_test.sh.
# shellcheck source=corpus_lib.sh
source "$(dirname "$0")/corpus_lib.sh"

# 1. Fetch each package and build its wheel through oxcc, the three builds
# side by side (one store: it is safe under concurrent oxcc processes).
build() {  # NAME SRC
  local d=$t/build/$1
  mkdir -p "$d/tmp"
  # pip builds in the tree (build/, *.egg-info): never in the cache.
  cp -a "$2" "$d/src"
  (cd "$d/src" && TMPDIR=$d/tmp timeout "$step_timeout" \
    "$oxcc" run -- "$py" -m pip wheel -v --no-deps --no-build-isolation --no-index --no-cache-dir -w "$d/wheel" .)
}
declare -A src=()
build_corpus_wheels "$t/build" build "${names[@]}"
((${#wheel[@]} == ${#names[@]})) || finish

# The fixtures written here (C, C++, Cython, nested packages, a hand-made
# build_ext, a clashing _speedups) go into the same executable.
fixtures=(cext cxxext cyext nested custombuild clash)
fixture_wheels=()
for f in "${fixtures[@]}"; do
  d=$t/fixtures/$f
  mkdir -p "$d" && cp -a "$here/fixtures/$f" "$d/src"
  if (cd "$d/src" && timeout "$step_timeout" "$oxcc" run -- "$py" -m pip wheel --no-deps \
      --no-build-isolation --no-index -w "$d/wheel" .) >"$d/build.log" 2>&1; then
    fixture_wheels+=(--wheel "$(echo "$d"/wheel/*.whl)")
  else
    fail "fixture wheel $f through oxcc" "build failed" "$d/build.log"
  fi
done
((${#fixture_wheels[@]} == 2 * ${#fixtures[@]})) || finish
pass "fixture wheels through oxcc: ${fixtures[*]}"

# 2. The pure-Python code the suites need at run time beyond the stdlib:
# pytest 7.2 and what it imports, and toolz (cytoolz's dev tests compare
# against it), from Debian's dist-packages, with their metadata. Only these:
# never all of dist-packages.
pure=$t/pure
mkdir -p "$pure"
pure_entries=(
  _pytest pytest 'pytest-*.dist-info' py.py  # py.py: pytest's own shim for the retired pylib
  pluggy 'pluggy-*.egg-info' iniconfig 'iniconfig-*.egg-info'
  packaging 'packaging-*.dist-info' attr attrs 'attrs-*.dist-info'
  toolz tlz 'toolz-*.egg-info'
)
missing=()
for e in "${pure_entries[@]}"; do
  # shellcheck disable=SC2206 # the glob is meant
  found=($dist/$e)
  if [[ -e ${found[0]} ]]; then cp -a "${found[@]}" "$pure/"; else missing+=("$e"); fi
done
find "$pure" -name __pycache__ -prune -exec rm -rf {} +
# Every third-party module pytest and toolz import must come from $pure,
# with nothing else on the path (-S: no site-packages, -I: no PYTHONPATH;
# -B: leave no __pycache__ behind).
if ((${#missing[@]})); then
  fail "pure-Python dependencies" "not in $dist: ${missing[*]} (apt-get install python3-pytest python3-toolz)"
elif ! "$py" -S -I -B - "$pure" >"$t/pure.log" 2>&1 <<'PY'
import sys
pure = sys.argv[1]
sys.path.insert(0, pure)
import pytest, _pytest.config, _pytest.main, _pytest.python, toolz, toolz.curried, tlz, packaging.version
outside = sorted(m for m, mod in sys.modules.items()
                 if m != "__main__" and m.partition(".")[0] not in sys.stdlib_module_names
                 and getattr(mod, "__file__", None) and not mod.__file__.startswith(pure + "/"))
if outside:
    sys.exit(f"imported from outside {pure}: {' '.join(outside)}")
PY
then
  fail "pure-Python dependencies" "pytest/toolz do not import from $pure alone" "$t/pure.log"
else
  pass "pure-Python dependencies: $(cd "$pure" && echo *)"
fi

# 3. ONE executable: the corpus and fixture wheels' extensions as built-ins,
# their Python code, the pure directory and the stdlib embedded.
if ! timeout "$step_timeout" "$oxcc" link -o "$app" --wheel "${wheel[markupsafe]}" --wheel "${wheel[brotli]}" \
  --wheel "${wheel[python-cytoolz]}" "${fixture_wheels[@]}" --pure "$pure" >"$t/link.log" 2>&1; then
  fail "oxcc link" "failed" "$t/link.log"
  finish
elif [[ ! -x $app ]]; then
  fail "oxcc link" "succeeded but wrote no executable $app" "$t/link.log"
  finish
fi
pass "oxcc link: one executable of $(du -m "$app" | cut -f1) MB"

# The fixtures answer from inside the same binary, next to markupsafe's
# _speedups: clash's _speedups and nested's two _impl keep their own globals.
if "$app" -c '
import sys, markupsafe, cext, cxxext, cyext, nested.a, nested.b.deep, custombuild, clash
for m in ("markupsafe._speedups", "clash._speedups", "nested.a._impl", "nested.b.deep._impl",
          "cext._speedups", "cxxext._core", "cyext.fast", "custombuild._impl"):
    assert m in sys.builtin_module_names, m
assert str(markupsafe.escape("<a>")) == "&lt;a&gt;"
assert clash.which() == "clash 3" and nested.a.value() == 1 and nested.b.deep.value() == 2
assert cext.add(2, 40) == 42 and cxxext.safe_parse("4x2") == -1 and cyext.triangle(8) == 36
assert custombuild.shout("a") == "A!"
' >"$t/fixtures.log" 2>&1; then
  pass "fixtures answer inside the same executable (clashing _speedups and globals included)"
else
  fail "fixtures inside the executable" "wrong answer" "$t/fixtures.log"
fi

# The packages come from inside the binary: every extension is a built-in,
# every package's __file__ is a virtual path under the executable. Run from
# a directory of decoys that would shadow them all, also on PYTHONPATH: the
# binary ignores PYTHONPATH and puts the current directory (stdin script)
# behind its embedded modules.
mkdir -p "$t/decoy/markupsafe" "$t/decoy/cytoolz" "$t/empty"
for m in markupsafe/__init__.py cytoolz/__init__.py brotli.py _brotli.py toolz.py pytest.py; do
  echo 'raise SystemExit("imported the decoy " + __file__)' >"$t/decoy/$m"
done
all_mods=()
for name in "${names[@]}"; do
  # shellcheck disable=SC2206
  all_mods+=(${corpus_modules[$name]})
done
if (cd "$t/decoy" && PYTHONPATH=$t/decoy timeout 60 "$app" - "${all_mods[@]}") >"$t/origin.log" 2>&1 <<'PY'
import importlib, sys
exe = sys.executable
bad = []
for m in sys.argv[1:]:
    origin = importlib.import_module(m).__spec__.origin
    if m not in sys.builtin_module_names:
        bad.append(f"{m}: origin {origin!r}, not a built-in")
    elif not (origin or "").startswith(exe + "/"):  # top-level ones too (_brotli)
        bad.append(f"{m}: origin {origin!r} is not under {exe}/")
for p in ["markupsafe", "brotli", "cytoolz", "cytoolz.curried", "toolz", "pytest", "_pytest"]:
    f = getattr(importlib.import_module(p), "__file__", None)
    if not (f or "").startswith(exe + "/"):
        bad.append(f"{p}: __file__ {f!r} is not under {exe}/")
import markupsafe, brotli, cytoolz
assert str(markupsafe.escape("<a>")) == "&lt;a&gt;"
assert brotli.decompress(brotli.compress(b"oxcc" * 100)) == b"oxcc" * 100
assert cytoolz.frequencies("abca") == {"a": 2, "b": 1, "c": 1}
if bad:
    sys.exit("\n".join(bad))
print("ok")
PY
then
  pass "every extension is a built-in, every package under the executable (decoys on disk ignored)"
else
  fail "the packages come from inside the binary" "see log" "$t/origin.log"
fi

# 4. Each suite twice: under python3 against the installed oxcc-built wheel
# (PYTHONPATH), and inside the binary (no PYTHONPATH, nothing on disk).
# Same pass counts, nonzero, no failure.
for name in "${names[@]}"; do
  compare_suite "$name" "${wheel[$name]}" "${src[$name]}" "$t/run/$name" "$app"
done

# 5. A real single executable: no libpython, nothing imported from disk but
# Debian's own lib-dynload extensions (json needs _json).
if ldd "$app" >"$t/ldd.log" 2>&1 && ! grep -q libpython "$t/ldd.log"; then
  pass "ldd lists no libpython"
else
  fail "ldd" "libpython is linked dynamically, or ldd failed" "$t/ldd.log"
fi
if ! (cd "$t/empty" && timeout 120 strace -f -e trace=open,openat -o "$t/strace.log" \
  "$app" -c 'import brotli, markupsafe, cytoolz, json') >"$t/strace.out" 2>&1; then
  fail "strace of the imports" "the binary or strace failed" "$t/strace.out"
else
  { grep -v ENOENT "$t/strace.log" | grep -E '\.(py|pyc)"|\.so(\.[0-9.]+)?"' |
    grep -v '"/usr/lib/python3\.11/lib-dynload/[^"/]*\.so"' |
    grep -vE '"/(usr/)?lib/x86_64-linux-gnu/[^"]*\.so(\.[0-9.]+)?"' || true; } >"$t/strace.bad"
  if [[ -s $t/strace.bad ]]; then
    fail "imports open nothing from disk" "opened" "$t/strace.bad"
  else
    pass "imports open no .py/.pyc and no .so but lib-dynload's"
  fi
fi

finish

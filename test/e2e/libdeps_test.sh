#!/usr/bin/env bash
# libdeps_test.sh OXCC_BIN_DIR
#
# Library dependencies of extensions (-lNAME), end to end:
#   1. two real packages that link a system library, fetched as Debian
#      source packages: python-xxhash (built with XXHASH_LINK_SO=1, its
#      setup.py's switch to link -lxxhash instead of its vendored copy) and
#      python-cffi (_cffi_backend, -lffi). Built through oxcc, linked into
#      ONE binary: `oxcc link --explain` resolves both to the static
#      archives, ldd lists neither libxxhash nor libffi, and each package's
#      own tests (xxhash's suite; cffi's c/test_c.py, the backend's) pass
#      inside the binary with the same counts as under /usr/bin/python3;
#   2. two extensions linking two different versions of one static library
#      (same symbols) in one binary: each keeps its own;
#   3. -lxml2, whose static archive needs ICU and liblzma (pkg-config
#      --static): linked with them, answering as under python3;
#   4. a library that exists only as a .so: refused with every searched
#      directory and the fix (--allow-shared-deps: shared_deps_test.sh).
# Needs libxxhash-dev, libffi-dev, python3-pytest, python3-pycparser.
# OXCC_KEEP_TMP=1 keeps the temp dir for debugging.
# cleanup and the tests_* recipes are called indirectly (trap, by name).
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"

e2e_bin_dir "$@"

unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH PYTHONHOME OXCC_CC OXCC_CXX OXCC_LAUNCHER OXCC_DISABLE \
  XXHASH_LINK_SO LD_LIBRARY_PATH
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PYTHONDONTWRITEBYTECODE=1

e2e_workdir libdeps
export OXCC_STORE=$t/store
step_timeout=600


# shellcheck source=corpus_lib.sh
source "$here/corpus_lib.sh"

# pip wheel through oxcc of the tree SRC (copied: pip builds in place).
build_wheel() {  # NAME SRC
  local d=$t/build/$1
  mkdir -p "$d/tmp"
  cp -a "$2" "$d/src"
  if [[ $1 == python-xxhash ]]; then
    # What setuptools_scm (not in Debian's build path here) would write,
    # from the tarball's version: xxhash/__init__.py imports it.
    local v=${2##*-}
    printf 'VERSION = "%s"\nVERSION_TUPLE = (%s)\n' "$v" "${v//./, }" >"$d/src/xxhash/version.py"
  fi
  (cd "$d/src" && TMPDIR=$d/tmp timeout "$step_timeout" \
    "$oxcc" run -- "$py" -m pip wheel -v --no-deps --no-build-isolation --no-index --no-cache-dir -w "$d/wheel" .)
}

# ---------------------------------------------------------------------------
# 1. python-xxhash and python-cffi.
names=(python-xxhash python-cffi)
# xxhash's setup.py links -lxxhash only when asked (else its vendored copy).
export XXHASH_LINK_SO=1
declare -A src=() wheel=()
build_corpus_wheels "$t/build" build_wheel "${names[@]}"
((${#wheel[@]} == ${#names[@]})) || finish

# The wheels' own .so need the system libraries (what oxcc link removes).
for pair in "python-xxhash libxxhash" "python-cffi libffi"; do
  read -r name lib <<<"$pair"
  mkdir -p "$t/so/$name"
  "$py" -m zipfile -e "${wheel[$name]}" "$t/so/$name" >/dev/null
  find "$t/so/$name" -name '*.so' -exec ldd {} + >"$t/so/$name.ldd" 2>&1 || true
  if grep -q "$lib\.so" "$t/so/$name.ldd"; then
    pass "$name's own .so links $lib dynamically"
  else
    fail "$name's own .so" "does not link $lib (was the system library used?)"
  fi
done

# The pure-Python code the suites need: pytest and what it imports (with
# the real `py` library, whose py.test.raises cffi's tests call, instead of
# pytest's py.py stand-in); cffi's pure part imports pycparser.
pure=$t/pure
mkdir -p "$pure"
for e in _pytest pytest 'pytest-*.dist-info' py 'py-*.egg-info' pluggy 'pluggy-*.egg-info' iniconfig \
  'iniconfig-*.egg-info' packaging 'packaging-*.dist-info' attr attrs 'attrs-*.dist-info' \
  pycparser 'pycparser-*.egg-info' ply 'ply-*.egg-info'; do
  # shellcheck disable=SC2206 # the glob is meant
  found=($dist/$e)
  if [[ -e ${found[0]} ]]; then cp -a "${found[@]}" "$pure/"; else
    fail "pure-Python dependencies" "$dist/$e is missing (apt-get install python3-pytest python3-py python3-pycparser python3-ply)"
    finish
  fi
done
find "$pure" -name __pycache__ -prune -exec rm -rf {} +

app=$t/app
link=(--wheel "${wheel[python-xxhash]}" --wheel "${wheel[python-cffi]}" --pure "$pure")
if "$oxcc" link -o "$t/app-explain" --explain "${link[@]}" >"$t/explain.log" 2>&1 &&
   grep -qE -- '-lxxhash: archive /.*/libxxhash\.a \(linked into xxhash\._xxhash\)' "$t/explain.log" &&
   grep -qE -- '-lffi: archive /.*/libffi\.a \(linked into _cffi_backend\)' "$t/explain.log" &&
   [[ ! -e $t/app-explain ]]; then
  pass "--explain: -lxxhash and -lffi resolve to their static archives, nothing linked"
else
  fail "--explain" "unexpected output or exit" "$t/explain.log"
fi

if ! timeout "$step_timeout" "$oxcc" link -o "$app" "${link[@]}" >"$t/link.log" 2>&1; then
  fail "oxcc link" "failed" "$t/link.log"
  finish
fi
pass "oxcc link: xxhash and cffi in one executable"
if grep -q "libxxhash\.a" "$app.oxcc-build/build.ninja" && grep -q "libffi\.a" "$app.oxcc-build/build.ninja"; then
  pass "the archives are inputs of the extensions' partial links"
else
  fail "build.ninja" "libxxhash.a / libffi.a not in the partial links"
fi
ldd "$app" >"$t/ldd.log" 2>&1 || true
if grep -q "=>" "$t/ldd.log" && ! grep -qE 'libxxhash|libffi|libpython' "$t/ldd.log"; then
  pass "ldd lists no libxxhash, no libffi"
else
  fail "ldd" "a system library is still dynamic" "$t/ldd.log"
fi
if (cd "$t" && timeout 60 "$app" -c '
import sys, xxhash, _cffi_backend, cffi
assert "xxhash._xxhash" in sys.builtin_module_names
assert sys.modules["xxhash._xxhash"].__file__.startswith(sys.executable + "/xxhash/_xxhash.")
assert "_cffi_backend" in sys.builtin_module_names
assert xxhash.xxh64_hexdigest(b"oxcc") == xxhash.xxh64(b"oxcc").hexdigest()
ffi = cffi.FFI()
ffi.cdef("int abs(int);")
assert ffi.dlopen(None).abs(-7) == 7  # a libffi call
print("ok")') >"$t/smoke.log" 2>&1; then
  pass "xxhash and cffi (a libffi call) work inside the binary"
else
  fail "inside the binary" "smoke test failed" "$t/smoke.log"
fi

# Each suite under python3 (the wheel installed) and inside the binary
# (recipes tests_python_xxhash, tests_python_cffi: corpus_lib.sh).
for name in "${names[@]}"; do
  compare_suite "$name" "${wheel[$name]}" "${src[$name]}" "$t/run/$name" "$app" --pythonpath "$pure"
done

# ---------------------------------------------------------------------------
# 2. and 3.: small packages written here, each one extension linking -lNAME
# from its own -L directory.
# A static library libNAME.a (or .so with `shared`) whose NAME_version()
# returns VERSION.
make_lib() {  # DIR NAME VERSION [shared]
  mkdir -p "$1"
  printf 'int %s_version(void) { return %s; }\n' "$2" "$3" >"$1/$2.c"
  if [[ ${4:-} == shared ]]; then
    gcc -shared -fPIC -o "$1/lib$2.so" "$1/$2.c"
  else
    gcc -c -fPIC -o "$1/$2.o" "$1/$2.c" && ar rc "$1/lib$2.a" "$1/$2.o"
  fi
}
# A package PKG with extension PKG._ext whose version() calls LIB_version().
make_pkg() {  # DIR PKG LIB LIBDIR
  mkdir -p "$1/$2"
  : >"$1/$2/__init__.py"
  cat >"$1/$2/_ext.c" <<EOF
#include <Python.h>
int $3_version(void);
static PyObject *version(PyObject *self, PyObject *unused) { return PyLong_FromLong($3_version()); }
static PyMethodDef methods[] = {{"version", version, METH_NOARGS, ""}, {0}};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "$2._ext", 0, -1, methods};
PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&def); }
EOF
  cat >"$1/setup.py" <<EOF
from setuptools import Extension, setup
setup(name="$2", version="0.1", packages=["$2"],
      ext_modules=[Extension("$2._ext", ["$2/_ext.c"], libraries=["$3"], library_dirs=["$4"])])
EOF
}
small_wheel() {  # PKG LIB LIBDIR
  make_pkg "$t/small/$1" "$1" "$2" "$3"
  (cd "$t/small/$1" && timeout "$step_timeout" "$oxcc" run -- "$py" -m pip wheel --no-deps \
    --no-build-isolation --no-index -w wheel .) >"$t/small/$1.log" 2>&1 && echo "$t/small/$1"/wheel/*.whl
}

# 2. Two versions of libxdv.a, one per extension, in one binary.
make_lib "$t/libs/v1" xdv 1
make_lib "$t/libs/v2" xdv 2
if w1=$(small_wheel xdv_one xdv "$t/libs/v1") && w2=$(small_wheel xdv_two xdv "$t/libs/v2") &&
   "$oxcc" link -o "$t/app-xdv" --wheel "$w1" --wheel "$w2" >"$t/xdv-link.log" 2>&1 &&
   [[ $("$t/app-xdv" -c 'import xdv_one._ext as a, xdv_two._ext as b; print(a.version(), b.version())') == "1 2" ]]; then
  pass "two extensions, two versions of libxdv.a: each keeps its own (1 2)"
else
  fail "two versions of one library" "link or run failed" "$t/xdv-link.log"
fi

# 3. A library whose static archive needs others: -lxml2 brings ICU,
# liblzma (pkg-config --static), and the binary holds no shared libxml2.
# Both extensions set and read one libxml2 global: one copy, as with
# libxml2.so, prints "0" for the second (two private copies would print 1).
xml_check='import xmlish._xml as x, xmlish._other as o
doc = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><caf\xe9/>".encode("latin-1")
print(x.root(doc), x.root(b"<a><b/></a>"), o.root(b"<unclosed>"), x.keep_blanks(0), o.keep_blanks(1))'
mkdir -p "$t/xmlish"
if (cp -a "$here/fixtures/xmlish" "$t/xmlish/src" && cd "$t/xmlish/src" &&
    timeout "$step_timeout" "$oxcc" run -- "$py" -m pip wheel --no-deps --no-build-isolation --no-index \
      -w "$t/xmlish/wheel" .) > "$t/xmlish/build.log" 2>&1; then
  wx=$(echo "$t"/xmlish/wheel/*.whl)
  mkdir -p "$t/xmlish/site" && (cd "$t/xmlish/site" && "$py" -m zipfile -e "$wx" .)
  ref=$(cd "$t" && PYTHONPATH=$t/xmlish/site "$py" -c "$xml_check" 2>&1) || true
  "$oxcc" link --explain -o "$t/app-xml" --wheel "$wx" > "$t/xmlish/explain.log" 2>&1 || true
  if "$oxcc" link -o "$t/app-xml" --wheel "$wx" > "$t/xmlish/link.log" 2>&1 &&
     [[ $ref == "café a None 1 0" && $("$t/app-xml" -c "$xml_check" 2>&1) == "$ref" ]] &&
     ! ldd "$t/app-xml" | grep -qE 'libxml2|libicu|liblzma' &&
     grep -q -- "-lxml2: archive .*needs -licui18n -licuuc -licudata -lz -llzma -lm (pkg-config libxml-2.0 --static)" "$t/xmlish/explain.log" &&
     grep -q -- "-licuuc: archive .*\[needed by -lxml2\]" "$t/xmlish/explain.log" &&
     grep -q -- "-lxml2: archive .*(shared by 2 extensions: linked once, in the final link)" "$t/xmlish/explain.log"; then
    pass "-lxml2 with what its archive needs (ICU, liblzma: pkg-config --static), one copy for two extensions, no shared libxml2 ($ref)"
  else
    fail "-lxml2 and its static dependencies" "python3: '$ref'" "$t/xmlish/link.log"
    sed 's/^/    /' "$t/xmlish/explain.log" | head -12
  fi
else
  fail "xmlish wheel through oxcc" "build failed (libxml2-dev installed?)" "$t/xmlish/build.log"
fi

# 4. Only libshonly.so exists: refused.
make_lib "$t/libs/so" shonly 7 shared
if ws=$(small_wheel shonly_pkg shonly "$t/libs/so"); then
  if "$oxcc" link -o "$t/app-so" --wheel "$ws" >"$t/so-refused.log" 2>&1; then
    fail "shared-only library" "linked without --allow-shared-deps" "$t/so-refused.log"
  elif grep -q "module shonly_pkg._ext links -lshonly, which exists only as a shared library" "$t/so-refused.log" &&
       grep -q "^ *$t/libs/so$" "$t/so-refused.log" && grep -q "^ */usr/lib/x86_64-linux-gnu$" "$t/so-refused.log" &&
       grep -q -- "--allow-shared-deps" "$t/so-refused.log" && grep -q "libshonly-dev" "$t/so-refused.log" &&
       grep -q "oxcc has no recipe that builds libshonly.a" "$t/so-refused.log" &&
       [[ ! -e $t/app-so ]]; then
    pass "shared-only -lshonly refused, naming every searched directory, that no recipe builds it, and the fixes"
  else
    fail "shared-only library" "unexpected message" "$t/so-refused.log"
  fi
else
  fail "shared-only package" "build failed" "$t/small/shonly_pkg.log"
fi

finish

#!/usr/bin/env bash
# shared_deps_test.sh OXCC_BIN_DIR
#
# `oxcc link --allow-shared-deps`, end to end: two extensions (packages
# shd_one and shd_two, built with `oxcc run -- pip wheel`) link -lsha, a
# library that exists only as a shared object; libsha.so.1 needs libshb.so.1,
# which holds a counter. Under python3 (LD_LIBRARY_PATH) both extensions
# share one libsha and one libshb, so the counter goes 101 102 103. The
# binary must give the same, with the libraries' directory removed:
#   - --explain names both libraries, in load order (libshb first);
#   - ldd lists neither; strace shows no file of theirs opened or searched;
#   - /proc/self/maps shows them mapped from memfds;
#   - with --shared-modules=extract they are written to the cache instead;
#   - a shared-only library without DT_SONAME is refused, with the fix.
# OXCC_KEEP_TMP=1 keeps the temp dir for debugging.
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"


e2e_bin_dir "$@"

e2e_clean_env

e2e_workdir shdeps
export OXCC_STORE=$t/store

# libshb.so.1 (a counter) and libsha.so.1 (needs libshb), as a -dev package
# installs them: real file, soname link, development link; no .a.
libs=$t/libs
mkdir -p "$libs"
printf 'int shb_bump(void) { static int n; return ++n; }\n' >"$libs/shb.c"
printf 'int shb_bump(void);\nint sha_bump(void) { return 100 + shb_bump(); }\n' >"$libs/sha.c"
gcc -shared -fPIC -Wl,-soname,libshb.so.1 -o "$libs/libshb.so.1.0" "$libs/shb.c"
ln -s libshb.so.1.0 "$libs/libshb.so.1" && ln -s libshb.so.1 "$libs/libshb.so"
gcc -shared -fPIC -Wl,-soname,libsha.so.1 -o "$libs/libsha.so.1.0" "$libs/sha.c" -L"$libs" -lshb
ln -s libsha.so.1.0 "$libs/libsha.so.1" && ln -s libsha.so.1 "$libs/libsha.so"
# And one without a soname.
printf 'int noso_bump(void) { return 7; }\n' >"$libs/noso.c"
gcc -shared -fPIC -o "$libs/libnoso.so" "$libs/noso.c"

# A package PKG whose extension PKG._ext has bump() -> LIB_bump().
wheel() {  # PKG LIB
  local d=$t/pkgs/$1
  mkdir -p "$d/$1"
  : >"$d/$1/__init__.py"
  cat >"$d/$1/_ext.c" <<EOC
#include <Python.h>
int $2_bump(void);
static PyObject *bump(PyObject *self, PyObject *unused) { return PyLong_FromLong($2_bump()); }
static PyMethodDef methods[] = {{"bump", bump, METH_NOARGS, ""}, {0}};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "$1._ext", 0, -1, methods};
PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&def); }
EOC
  cat >"$d/setup.py" <<EOC
from setuptools import Extension, setup
setup(name="$1", version="0.1", packages=["$1"],
      ext_modules=[Extension("$1._ext", ["$1/_ext.c"], libraries=["$2"], library_dirs=["$libs"])])
EOC
  (cd "$d" && timeout 300 "$oxcc" run -- "$py" -m pip wheel --no-deps --no-build-isolation \
    --no-index -w wheel .) >"$t/$1.build.log" 2>&1 && echo "$d"/wheel/*.whl
}

script='import shd_one._ext as a, shd_two._ext as b; print(a.bump(), b.bump(), a.bump())'
if ! w1=$(wheel shd_one sha) || ! w2=$(wheel shd_two sha) || ! w3=$(wheel shd_noso noso); then
  fail "build the packages" "pip wheel through oxcc failed" "$(ls -t "$t"/*.build.log | head -n 1)"
  finish
fi

# The reference: the wheels under python3, libraries from LD_LIBRARY_PATH.
"$py" -m pip install --no-deps --no-index --target "$t/site" "$w1" "$w2" >"$t/install.log" 2>&1
want=$(PYTHONPATH=$t/site LD_LIBRARY_PATH=$libs "$py" -c "$script" 2>&1) || true
if [[ $want == "101 102 103" ]]; then
  pass "under python3 the two extensions share libsha and libshb: $want"
else
  fail "python3 reference" "printed '$want', expected '101 102 103'"
fi

if "$oxcc" link -o "$t/app" --wheel "$w1" --wheel "$w2" >"$t/refused.log" 2>&1; then
  fail "without --allow-shared-deps" "linked"
elif grep -q "module shd_one._ext links -lsha, which exists only as a shared library" "$t/refused.log"; then
  pass "without --allow-shared-deps the link is refused"
else
  fail "without --allow-shared-deps" "unexpected message" "$t/refused.log"
fi

"$oxcc" link -o "$t/app" --explain --allow-shared-deps --wheel "$w1" --wheel "$w2" >"$t/explain.log" 2>&1 || true
if grep -q "^shd_one._ext (.*): kept as a shared object, packed, loaded from memory" "$t/explain.log" &&
   grep -q "^  -lsha: shared $libs/libsha.so (packed" "$t/explain.log" &&
   grep -A2 "^packed shared libraries" "$t/explain.log" | sed -n 2p | grep -q "^  libshb.so.1 $libs/libshb.so.1.0 (needed by libsha.so.1)" &&
   grep -A2 "^packed shared libraries" "$t/explain.log" | sed -n 3p | grep -q "^  libsha.so.1 $libs/libsha.so.1.0 (needed by shd_one._ext)"; then
  pass "--explain: both extensions kept shared; libshb.so.1 packed before libsha.so.1"
else
  fail "--explain" "unexpected report" "$t/explain.log"
fi

if "$oxcc" link -o "$t/app" --allow-shared-deps --wheel "$w1" --wheel "$w2" >"$t/link.log" 2>&1 &&
   "$oxcc" link -o "$t/app-extract" --shared-modules=extract --build-dir "$t/build-extract" \
     --allow-shared-deps --wheel "$w1" --wheel "$w2" >>"$t/link.log" 2>&1; then
  pass "linked with --allow-shared-deps (memory and extract policies)"
else
  fail "link --allow-shared-deps" "failed" "$t/link.log"
  finish
fi
if "$oxcc" link -o "$t/app-noso" --allow-shared-deps --wheel "$w3" >"$t/noso.log" 2>&1; then
  fail "library without DT_SONAME" "linked"
elif grep -q "libnoso.so (needed by shd_noso._ext) has no DT_SONAME" "$t/noso.log" &&
     grep -q "fix: relink it with -Wl,-soname,libnoso.so" "$t/noso.log"; then
  pass "a shared-only library without DT_SONAME is refused, naming it and the fix"
else
  fail "library without DT_SONAME" "unexpected message" "$t/noso.log"
fi

# From here on the libraries exist only inside the binaries.
mv "$libs" "$t/libs.gone"

ldd "$t/app" >"$t/ldd.log" 2>&1 || true
if grep -q "libc.so" "$t/ldd.log" && ! grep -q "libsh" "$t/ldd.log"; then
  pass "ldd lists neither libsha nor libshb"
else
  fail "ldd" "lists the libraries (or failed)" "$t/ldd.log"
fi

got=$(cd "$t" && "$t/app" -c "$script" 2>&1) || true
if [[ $got == "$want" && -n $want ]]; then
  pass "inside the binary, libraries gone from disk: $got (python3: $want)"
else
  fail "run the binary" "printed '$got', python3 printed '$want'"
fi

maps=$("$t/app" -c 'import shd_one._ext; print(open("/proc/self/maps").read())' 2>&1) || true
if grep -q "memfd:libsha.so.1" <<<"$maps" && grep -q "memfd:libshb.so.1" <<<"$maps" &&
   grep -q "memfd:shd_one._ext" <<<"$maps"; then
  pass "/proc/self/maps: libsha.so.1, libshb.so.1 and shd_one._ext mapped from memfds"
else
  fail "maps" "the libraries are not mapped from memfds" <(grep -i "memfd\|libsh" <<<"$maps")
fi

if command -v strace >/dev/null; then
  strace -f -e trace=open,openat,stat,newfstatat,access -o "$t/strace.log" \
    "$t/app" -c "$script" >/dev/null 2>&1 || true
  if [[ -s $t/strace.log ]] && ! grep -q "libsh" "$t/strace.log"; then
    pass "strace: no file named libsha or libshb opened, searched or stat'ed"
  else
    fail "strace" "the loader looked for the libraries on disk" <(grep "libsh" "$t/strace.log")
  fi
else
  fail "strace" "strace is not installed (apt-get install strace)"
fi

got=$(XDG_CACHE_HOME=$t/cache "$t/app-extract" -c "$script" 2>&1) || true
if [[ $got == "$want" ]] && compgen -G "$t/cache/oxrt/*/libsha.so.1" >/dev/null &&
   compgen -G "$t/cache/oxrt/*/libshb.so.1" >/dev/null; then
  pass "--shared-modules=extract: the libraries are extracted to the cache and load: $got"
else
  fail "extract policy" "printed '$got'; cache: $(find "$t/cache" -type f 2>/dev/null | tr '\n' ' ')"
fi

finish

#!/usr/bin/env bash
# Embedding: the cext and clash fixtures and markupsafe (a corpus package)
# are built with oxcc into wheels,
# `oxcc link --emit=libpython` makes a static library of them, and an
# out-of-tree CMake project (find_package(oxrt) from the build tree) links it
# into programs of its own: C++ on oxrt::InterpreterConfig/MainInterpreter,
# C on the C API, and C++ on the older AppConfig/runApp. Each registers two
# extension modules of its own (app.native, dotted; appnative_top) next to
# the app's built-ins, finds a module in $ORIGIN/pylib, runs the script named
# on its command line with its allocator and returns its exit code.
# Usage: embed_test.sh OXCC_BIN_DIR
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
build=$(cd "$bin/.." && pwd)   # the build tree mirrors an install
e2e_workdir embed
tmp=$t
unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH OXCC_CC OXCC_CXX OXCC_LAUNCHER
export OXCC_STORE=$tmp/store

wheel() { # wheel FIXTURE: built through oxcc into $tmp/wheels
  local name=$1
  rm -rf "$tmp/src-$name" && cp -r "$here/fixtures/$name" "$tmp/src-$name"
  (cd "$tmp/src-$name" && "$bin/oxcc" run -- $py -m pip wheel --no-deps --no-build-isolation \
     --no-index -w "$tmp/wheels" .) > "$tmp/build-$name.log" 2>&1 ||
    { tail -20 "$tmp/build-$name.log"; return 1; }
}
for f in cext clash; do check "wheel $f through oxcc" wheel $f; done
# A real package too: markupsafe (shared/corpus.txt), fetched as a Debian
# source package and built like the fixtures.
markupsafe_wheel() {
  local src; src=$("$here/../../utils/fetch-corpus" markupsafe) || return 1
  rm -rf "$tmp/src-markupsafe" && cp -r "$src" "$tmp/src-markupsafe"
  (cd "$tmp/src-markupsafe" && "$bin/oxcc" run -- $py -m pip wheel --no-deps --no-build-isolation \
     --no-index -w "$tmp/wheels" .) > "$tmp/build-markupsafe.log" 2>&1 ||
    { tail -20 "$tmp/build-markupsafe.log"; return 1; }
}
check "wheel markupsafe through oxcc" markupsafe_wheel
wheels=()
for w in "$tmp"/wheels/*.whl; do wheels+=(--wheel "$w"); done

lib=$tmp/libapp.a
check "oxcc link --emit=libpython" "$bin/oxcc" link --emit=libpython -o "$lib" "${wheels[@]}"
[[ -f $lib ]] || { echo "FAIL no library"; failed=$((failed + 1)); finish; }
check "the library exports the app's built-ins and resources, holds libpython and liboxrt" bash -c "
nm -g --defined-only '$lib' 2>/dev/null > '$tmp/nm' &&
grep -qE ' [DR] oxcc_app_builtins\$' '$tmp/nm' &&
grep -qE ' [DRT] oxcc_app_resources_start\$' '$tmp/nm' &&
grep -qE ' [DRT] oxcc_app_resources_end\$' '$tmp/nm' &&
grep -qE ' T Py_Initialize\$' '$tmp/nm' && grep -qE ' T oxrt_run_app\$' '$tmp/nm' &&
grep -qE ' T oxrt_interpreter_new\$' '$tmp/nm' && grep -qE ' T mallocx\$' '$tmp/nm' &&
! grep -qE ' T (malloc|free)\$' '$tmp/nm' &&
grep -q ' T oxcc_init_4cext9_speedups\$' '$tmp/nm' && ! grep -q ' T PyInit__speedups\$' '$tmp/nm'"
check "a second link with nothing changed leaves the library alone" bash -c "
before=\$(stat -c %Y.%s '$lib'); sleep 1
'$bin/oxcc' link --emit=libpython -o '$lib' ${wheels[*]} &&
[[ \$(stat -c %Y.%s '$lib') == \$before ]]"
check "the archive is deterministic (no dates or owners; same bytes when rebuilt)" bash -c "
'$bin/oxcc' link --emit=libpython -o '$tmp/again.a' ${wheels[*]} --build-dir '$tmp/again-build' &&
cmp '$lib' '$tmp/again.a' && ar tv '$lib' > '$tmp/members' &&
! grep -v ' 0/0 .* Jan  1 00:00 1970 ' '$tmp/members'"
check "--emit=libpython refuses an entry point" bash -c "
! '$bin/oxcc' link --emit=libpython -o '$tmp/x.a' ${wheels[*]} -m clash:main 2> '$tmp/err' &&
grep -q 'takes no -m/--script' '$tmp/err'"
check "--emit=bogus is an error" bash -c "
! '$bin/oxcc' link --emit=bogus -o '$tmp/x' 2> '$tmp/err' && grep -q 'exe (the default) or libpython' '$tmp/err'"

check "the default main() of oxcc link is built on InterpreterConfig/MainInterpreter" bash -c "
'$bin/oxcc' link -o '$tmp/app' ${wheels[*]} --build-dir '$tmp/app-build' > '$tmp/app.log' 2>&1 &&
grep -q 'oxrt::InterpreterConfig config;' '$tmp/app-build/main.cpp' &&
grep -q 'oxrt::MainInterpreter::create(config)' '$tmp/app-build/main.cpp' &&
[[ \$('$tmp/app' -c 'import clash; print(clash.which())') == 'clash 3' ]] &&
{ '$tmp/app' -c 'raise SystemExit(3)'; [[ \$? -eq 3 ]]; } &&
[[ \$('$tmp/app' --version) == 'Python 3.11.2' ]]"

# The program's own extension modules, in C.
mkdir -p "$tmp/proj"
cat > "$tmp/proj/native.c" <<'C'
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(1234); }
static PyObject *twice(PyObject *self, PyObject *arg) {
  long v = PyLong_AsLong(arg);
  if (v == -1 && PyErr_Occurred()) return NULL;
  return PyLong_FromLong(2 * v);
}
static PyMethodDef native_methods[] = {{"answer", answer, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static PyMethodDef top_methods[] = {{"twice", twice, METH_O, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef native_def = {PyModuleDef_HEAD_INIT, "app.native", NULL, -1, native_methods};
static struct PyModuleDef top_def = {PyModuleDef_HEAD_INIT, "appnative_top", NULL, -1, top_methods};
PyObject *myapp_init_native(void) { return PyModule_Create(&native_def); }
PyObject *myapp_init_top(void) { return PyModule_Create(&top_def); }
C
cat > "$tmp/proj/main.cpp" <<'CPP'
// An outside program on the interpreter API: its own extension modules
// (extensionModules), the app's built-ins and resources (libapp.a), a
// module directory relative to the executable, the jemalloc allocator.
#include <oxrt/interpreter.h>

#include <cstdio>

extern "C" PyObject *myapp_init_native(void);
extern "C" PyObject *myapp_init_top(void);

int main(int argc, char **argv) {
  oxrt::InterpreterConfig config;
  config.builtins = oxcc_app_builtins;
  config.extensionModules = {{"app.native", myapp_init_native}, {"appnative_top", myapp_init_top}};
  config.resources = {oxcc_app_resources_start,
                      size_t(oxcc_app_resources_end - oxcc_app_resources_start)};
  config.sysPath = {"$ORIGIN/pylib"};
  config.allocator = oxrt::Allocator::Jemalloc;
  config.entry = {oxrt::Entry::Python, "", ""}; // like python3: argv[1] is the script
  config.setArgv(argc, argv);
  auto interpreter = oxrt::MainInterpreter::create(config);
  if (!interpreter) {
    std::fprintf(stderr, "embedded: %s\n", interpreter.error().c_str());
    return interpreter.exitCode();
  }
  return (*interpreter)->runMain();
}
CPP
cat > "$tmp/proj/main_c.c" <<'CMAIN'
/* The same program in C, through the C API; the mimalloc allocator. */
#include <oxrt/oxrt.h>

#include <stdio.h>

PyObject *myapp_init_native(void);
PyObject *myapp_init_top(void);

int main(int argc, char **argv) {
  oxrt_config *cfg = oxrt_config_new();
  if (!cfg || oxrt_config_set_builtins(cfg, oxcc_app_builtins) != 0 ||
      oxrt_config_add_extension(cfg, "app.native", myapp_init_native) != 0 ||
      oxrt_config_add_extension(cfg, "appnative_top", myapp_init_top) != 0 ||
      oxrt_config_set_resources(cfg, oxcc_app_resources_start,
                                (size_t)(oxcc_app_resources_end - oxcc_app_resources_start)) != 0 ||
      oxrt_config_add_sys_path(cfg, "$ORIGIN/pylib") != 0 ||
      oxrt_config_set_allocator(cfg, OXRT_ALLOCATOR_MIMALLOC, 0) != 0 ||
      oxrt_config_set_argv(cfg, argc, argv) != 0) {
    fprintf(stderr, "embedded_c: %s\n", oxrt_last_error());
    return 1;
  }
  oxrt_interpreter *interp = oxrt_interpreter_new(cfg);
  oxrt_config_free(cfg);
  if (!interp) {
    fprintf(stderr, "embedded_c: %s\n", oxrt_last_error());
    return 1;
  }
  return oxrt_run(interp); /* finalizes */
}
CMAIN
cat > "$tmp/proj/main_old.cpp" <<'CPP'
// The older one-call API (AppConfig, runApp) keeps working.
#include <oxrt/app.h>

#include <vector>

extern "C" PyObject *myapp_init_native(void);
extern "C" PyObject *myapp_init_top(void);

int main(int argc, char **argv) {
  std::vector<oxrt_builtin> builtins = {{"app.native", myapp_init_native},
                                        {"appnative_top", myapp_init_top}};
  for (const oxrt_builtin *b = oxcc_app_builtins; b->name; ++b) builtins.push_back(*b);
  builtins.push_back({nullptr, nullptr});
  oxrt::AppConfig app;
  app.builtins = builtins.data();
  app.resources = {oxcc_app_resources_start,
                   size_t(oxcc_app_resources_end - oxcc_app_resources_start)};
  app.filesystemPaths = {"$ORIGIN/pylib"};
  return oxrt::runApp(app, argc, argv);
}
CPP
cat > "$tmp/proj/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(embedded LANGUAGES C CXX)
find_package(oxrt 0.1 REQUIRED)
add_executable(embedded_cxx main.cpp native.c)
target_link_libraries(embedded_cxx PRIVATE $lib oxrt::oxrt)
add_executable(embedded_c main_c.c native.c)
target_link_libraries(embedded_c PRIVATE $lib oxrt::oxrt)
add_executable(embedded_old main_old.cpp native.c)
target_link_libraries(embedded_old PRIVATE $lib oxrt::oxrt)
# The C program again with mimalloc linked as its malloc, first.
add_executable(embedded_c_linked \${MIMALLOC_OBJ} main_c.c native.c)
target_link_libraries(embedded_c_linked PRIVATE $lib oxrt::oxrt)
CMAKE
# mimalloc as a program's own malloc (what `oxcc link --allocator=mimalloc`
# links): built from Debian's source package, cached.
mimalloc=$("$bin/oxcc" python lib mimalloc --target x86_64-linux-gnu 2> "$tmp/mimalloc.log") ||
  { fail "oxcc python lib mimalloc" "failed" "$tmp/mimalloc.log"; finish; }
pass "oxcc python lib mimalloc --target x86_64-linux-gnu"
check "configure the outside project (find_package(oxrt) from the build tree)" \
  cmake -G Ninja -S "$tmp/proj" -B "$tmp/proj-build" -Doxrt_DIR="$build/lib/cmake/oxrt" \
  -DMIMALLOC_OBJ="$mimalloc/lib/mimalloc.o"
check "build the C++, the C (twice: mimalloc linked in, or not) and the AppConfig program" cmake --build "$tmp/proj-build"
mkdir -p "$tmp/proj-build/pylib"
echo 'WHERE = "next to the executable"' > "$tmp/proj-build/pylib/besideexe.py"

cat > "$tmp/script.py" <<'PY'
import sys
import app.native, appnative_top, cext, clash, markupsafe
assert str(markupsafe.escape("<a href='x'>")) == "&lt;a href=&#39;x&#39;&gt;"
assert app.native.answer() == 1234, app.native.answer()
assert appnative_top.twice(21) == 42
assert cext.answer() == 42 and cext.add(2, 40) == 42
assert clash.which() == "clash 3", clash.which()
for m in ("app.native", "appnative_top", "cext._speedups", "clash._speedups",
          "markupsafe._speedups"):
    assert m in sys.builtin_module_names, m
import json, decimal   # the packed stdlib, and a lib-dynload module from memory
assert json.loads("[1]") == [1] and str(decimal.Decimal("1.5") * 2) == "3.0"
import besideexe      # $ORIGIN/pylib
assert besideexe.WHERE == "next to the executable"
import _oxrt
alloc = _oxrt.allocators()["obj"]
# Who serves malloc() itself, and whether a mimalloc .so was loaded beside.
with open("/proc/self/maps") as f:
    so = "so" if "libmimalloc" in f.read() else "noso"
print("embedded ok", sys.argv[1:], alloc, _oxrt.process_allocator(), so)
sys.exit(4)
PY
printf 'import app.native\nassert app.native.answer() == 0, "wrong on purpose"\n' > "$tmp/bad.py"
# The C program asks for mimalloc: dlopen'ed privately (libc's malloc stays
# the process's), or, linked in, the very copy malloc() is: no second one.
declare -A allocator=([embedded_cxx]="jemalloc libc noso" [embedded_c]="mimalloc libc so"
                      [embedded_old]="default libc noso" [embedded_c_linked]="mimalloc mimalloc noso")
for prog in embedded_cxx embedded_c embedded_c_linked embedded_old; do
  exe=$tmp/proj-build/$prog
  check "$prog: own and app built-ins, \$ORIGIN/pylib, ${allocator[$prog]} allocator, exit code 4" bash -c "
out=\$('$exe' '$tmp/script.py' x y); rc=\$?
[[ \$rc -eq 4 && \$out == \"embedded ok ['x', 'y'] ${allocator[$prog]}\" ]] ||
{ echo \"rc=\$rc out=\$out\"; exit 1; }"
  check "$prog: a failing script exits 1 with its traceback" bash -c "
'$exe' '$tmp/bad.py' 2> '$tmp/tb'; rc=\$?; [[ \$rc -eq 1 ]] && grep -q 'wrong on purpose' '$tmp/tb'"
  check "$prog: no libpython in ldd" bash -c "! ldd '$exe' | grep -q libpython"
done
finish

#!/usr/bin/env bash
# Stage 2 end to end: the fixtures are built with oxcc into wheels, then
# `oxcc link` makes ONE executable holding every extension as a built-in,
# the stdlib and the packages' Python code embedded. The binary is checked
# as a user would: imports and answers, python-like argv, exit codes,
# tracebacks with source lines, multiprocessing spawn, embedded data, no
# libpython and no .py/.pyc/.so opened from disk; a no-op relink; bad input.
# Usage: link_test.sh OXCC_BIN_DIR
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
e2e_workdir link
tmp=$t
unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH OXCC_CC OXCC_CXX OXCC_LAUNCHER
export OXCC_STORE=$tmp/store

wheel() { # wheel FIXTURE [plain]: builds it into $tmp/wheels (or wheels-plain)
  local name=$1 mode=${2:-oxcc} out=$tmp/wheels
  [[ $mode == plain ]] && out=$tmp/wheels-plain
  rm -rf "$tmp/src-$name" && cp -r "$here/fixtures/$name" "$tmp/src-$name"
  local cmd=($py -m pip wheel --no-deps --no-build-isolation --no-index -w "$out" .)
  [[ $mode == oxcc ]] && cmd=("$bin/oxcc" run -- "${cmd[@]}")
  (cd "$tmp/src-$name" && "${cmd[@]}") > "$tmp/build-$name-$mode.log" 2>&1 ||
    { tail -20 "$tmp/build-$name-$mode.log"; return 1; }
}
for f in cext cxxext cyext nested custombuild clash cypp cxx2 cxxhidden whereami; do check "wheel $f through oxcc" wheel $f; done

app=$tmp/app
wheels=()
for w in "$tmp"/wheels/*.whl; do wheels+=(--wheel "$w"); done
check "oxcc link (python-like, no entry)" "$bin/oxcc" link -o "$app" "${wheels[@]}"
[[ -x $app ]] || { echo "FAIL no executable"; exit 1; }

check "every extension is a built-in with its own answer" "$app" -c '
import importlib.machinery, sys
import cext, cxxext, cyext.fast as f, nested.a, nested.b.deep, custombuild, clash, cypp, cxx2
mods = ["cext._speedups", "cxxext._core", "cyext.fast", "nested.a._impl", "nested.b.deep._impl",
        "custombuild._impl", "clash._speedups", "cypp.vec", "cxx2._left", "cxx2._right"]
for m in mods:
    mod = sys.modules[m]
    assert mod.__name__ == m, (m, mod.__name__)
    # A built-in whose __file__ and origin are the path its .so would have.
    assert m in sys.builtin_module_names, m
    so = sys.executable + "/" + m.replace(".", "/") + importlib.machinery.EXTENSION_SUFFIXES[0]
    assert mod.__spec__.origin == so and mod.__file__ == so, (m, mod.__spec__.origin)
assert nested.a.value() == 1 and nested.b.deep.value() == 2   # same leaf, same global helper()
assert clash.which() == "clash 3"                              # and a third helper()
assert custombuild.shout("a") == "A!"
print("ok")'
# dladdr() on a built-in extension's code answers as for its own .so: a
# base of its own (not the interpreter's, not the other extension's) and
# its .so path under the executable. numpy's temporary elision needs it.
check "dladdr: each built-in extension has its own base and .so path" "$app" "$here/fixtures/whereami/check.py"
check "the fixtures' answers, C++ exceptions caught inside an extension" "$app" -c '
import cext, cxxext, cyext
assert cext.answer() == 42 and cext.add(2, 40) == 42
assert cxxext.join_words(["forty", "two"]) == "forty two"
assert cxxext.safe_parse("42") == 42
assert cxxext.safe_parse("4x2") == -1 and cxxext.safe_parse("") == -1
assert cyext.triangle(8) == 36 and cyext.triangle(0) == 0
print("ok")'
check "Cython as C++: libcpp containers, C++ exceptions become Python exceptions" "$app" -c '
import cypp
assert cypp.total([1, 2, 3, 36]) == 42 and cypp.at([5, 6, 7], 1) == 6
try: cypp.at([5, 6, 7], 3)
except IndexError: pass
else: raise AssertionError("std::out_of_range did not become IndexError")
try: cypp.parse_positive("4x2")
except ValueError: pass
else: raise AssertionError("std::invalid_argument did not become ValueError")
assert cypp.histogram(["a", "b", "a"]) == {"a": 2, "b": 1}
print("ok")'
check "C++ extensions sharing template instantiations: no clash, own handlers" "$app" -c '
from cxx2 import _left, _right
import cxxext
assert _left.side() == "left" and _right.side() == "right"
assert _left.tally(["a", "b", "a"]) == {"a": 2, "b": 1} and _right.most_common(["a", "b", "b"]) == "b"
assert _left.total([1, 2, 3]) == 6 and _right.double_total([1, 2, 3]) == 12
assert _left.tally(["a", ""]) is None and _right.most_common(["a", ""]) == ""
assert cxxext.safe_parse("4x2") == -1
print("ok")'
# -fvisibility=hidden (pybind11's default): each extension its own copy of
# the hidden inline functions, static locals and typeinfo, one shared copy
# of a default-visibility static local, as .so files under ld.so
# (fixtures_test.sh runs the same check.py on the wheels).
check "C++ hidden inline statics: one per extension, as with .so files" \
  "$app" "$here/fixtures/cxxhidden/check.py"
check "no libpython in ldd" bash -c "! ldd '$app' | grep -q libpython"
check "no .py/.pyc/.so opened: stdlib .so modules (_json, _decimal...) load from memory" bash -c "
strace -f -e trace=open,openat,openat2 -o '$tmp/strace' '$app' -c '
import cext, cyext.fast, nested.a, clash, json, email.mime.text, decimal, json.decoder as d
assert d.c_scanstring is not None and decimal.Decimal.__module__ == \"decimal\"
import _decimal' &&
! grep -E '\\.(py|pyc)\"' '$tmp/strace' | grep -v ENOENT &&
! grep -E 'lib-dynload' '$tmp/strace' &&
! grep -E '\\.so\"' '$tmp/strace' | grep -v ENOENT | grep -vE '/(usr/)?lib/x86_64-linux-gnu/'"
check "--shared-modules=filesystem: lib-dynload stays on disk" bash -c "
'$bin/oxcc' link -o '$tmp/fs' ${wheels[*]} --shared-modules=filesystem --build-dir '$tmp/fs-build' > /dev/null &&
strace -f -e trace=open,openat -o '$tmp/strace-fs' '$tmp/fs' -c 'import _json' &&
grep -q 'lib-dynload/_json' '$tmp/strace-fs'"
check "--shared-modules=extract: lib-dynload modules from a private cache" bash -c "
'$bin/oxcc' link -o '$tmp/ex' ${wheels[*]} --shared-modules=extract --build-dir '$tmp/ex-build' > /dev/null &&
f=\$(XDG_CACHE_HOME='$tmp/xdg' '$tmp/ex' -c 'import _json; print(_json.__file__)') &&
[[ \$f == '$tmp/xdg/oxrt/'* && -f \$f ]]"
check "sys.executable is the binary" bash -c "[[ \$('$app' -c 'import sys; print(sys.executable)') == '$app' ]]"
check "-c and sys.argv" bash -c "[[ \$('$app' -c 'import sys; print(sys.argv[1:])' a b) == \"['a', 'b']\" ]]"
check "-m runs a module as __main__" bash -c "echo '{\"a\": 1}' | '$app' -m json.tool | grep -q '\"a\": 1'"
printf 'import sys\nprint("script", sys.argv[1])\n' > "$tmp/script.py"
check "a script path" bash -c "[[ \$('$app' '$tmp/script.py' x) == 'script x' ]]"
check "stdin (-)" bash -c "[[ \$(echo 'print(6 * 7)' | '$app' -) == 42 ]]"
check "sys.exit(3) gives 3" bash -c "'$app' -c 'import sys; sys.exit(3)'; [[ \$? -eq 3 ]]"
check "uncaught exception: exit 1, traceback with source line" bash -c "
'$app' -c 'import clash; clash.fail_here()' 2> '$tmp/tb'; rc=\$?; [[ \$rc -eq 1 ]] &&
grep -q 'raise ValueError(\"raised from clash on purpose\")' '$tmp/tb'"
check "importlib.resources of embedded data" bash -c "[[ \$('$app' -c '
import importlib.resources as r
print(r.files(\"clash\").joinpath(\"data/hello.txt\").read_text().strip())') == 'embedded data of clash' ]]"
check "importlib.metadata of embedded distributions" bash -c "[[ \$('$app' -c 'import importlib.metadata as m; print(m.version(\"clash\"))') == 0.1 ]]"
check "multiprocessing spawn pool" bash -c "[[ \$('$app' -c '
import multiprocessing as mp
if __name__ == \"__main__\":
    mp.set_start_method(\"spawn\")
    with mp.Pool(2) as p:
        print(sum(p.map(abs, range(-5, 5))))') == 25 ]]"
check "PYTHONPATH is ignored (isolated)" bash -c "mkdir -p '$tmp/evil' && echo 'raise SystemExit(9)' > '$tmp/evil/json.py' &&
cd '$tmp/evil' && PYTHONPATH='$tmp/evil' '$app' -c 'import json; print(json.dumps(1))' | grep -qx 1"

# An entry point: -m MODULE:FUNC.
check "oxcc link -m (entry function)" "$bin/oxcc" link -o "$tmp/entry" "${wheels[@]}" -m clash:main --build-dir "$tmp/entry-build"
check "the entry runs: its output, its return value as exit code" bash -c "
out=\$('$tmp/entry' ignored-arg); rc=\$?; [[ \$out == 'clash 3' && \$rc -eq 7 ]]"

# --script: a script file embedded and run as __main__ (it is not read at run time).
printf 'import sys, clash\nprint("from script", clash.which(), sys.argv[1:])\nsys.exit(5)\n' > "$tmp/tool.py"
check "oxcc link --script" "$bin/oxcc" link -o "$tmp/tool" "${wheels[@]}" --script "$tmp/tool.py" --build-dir "$tmp/tool-build"
check "the embedded script runs as __main__ with its argv and exit code" bash -c "
mv '$tmp/tool.py' '$tmp/tool.py.moved'; out=\$('$tmp/tool' a b); rc=\$?;
[[ \$out == \"from script clash 3 ['a', 'b']\" && \$rc -eq 5 ]]"

# --stdlib=auto: only what the app's imports reach, and it still runs.
check "--stdlib=auto links a smaller app that runs" bash -c "
'$bin/oxcc' link -o '$tmp/small' ${wheels[*]} -m clash:main --stdlib=auto > '$tmp/auto.log' 2>&1 &&
out=\$('$tmp/small'); rc=\$?; [[ \$out == 'clash 3' && \$rc -eq 7 ]] &&
[[ \$(stat -c %s '$tmp/small') -lt \$(stat -c %s '$tmp/entry') ]] &&
grep -q 'dropped [1-9][0-9]*' '$tmp/auto.log' &&
! grep -q '^module	wsgiref	' '$tmp/small.oxcc-build/resources.tsv' &&
! grep -q '^module	sqlite3	' '$tmp/small.oxcc-build/resources.tsv' &&
grep -q '^module	wsgiref	' '$tmp/entry-build/resources.tsv'"

# Reproducible: the same inputs linked in another directory, later, with
# another SOURCE_DATE_EPOCH, give the same bytes.
check "two links of the same inputs are bit-identical" bash -c "
sleep 1 && mkdir -p '$tmp/again' &&
SOURCE_DATE_EPOCH=86400 '$bin/oxcc' link -o '$tmp/again/entry' ${wheels[*]} -m clash:main > /dev/null &&
cmp '$tmp/entry' '$tmp/again/entry'"

# A second link with nothing changed does nothing.
check "no-op relink does no work" bash -c "'$bin/oxcc' link -o '$app' ${wheels[*]} | grep -q 'no work to do'"

# Changing one extension relinks that extension and the app, nothing else.
rebuild_clash() {
  rm -rf "$tmp/src-clash" && cp -r "$here/fixtures/clash" "$tmp/src-clash" &&
  sed -i 's/return 3;/return 4;/' "$tmp/src-clash/clash/_speedups.c" &&
  rm -f "$tmp"/wheels/clash-*.whl &&
  (cd "$tmp/src-clash" && "$bin/oxcc" run -- $py -m pip wheel --no-deps --no-build-isolation \
    --no-index -w "$tmp/wheels" .) > "$tmp/rebuild.log" 2>&1 &&
  "$bin/oxcc" link -o "$app" "${wheels[@]}" > "$tmp/relink.log" 2>&1 &&
  [[ $(grep -c ' EXT ' "$tmp/relink.log") -eq 1 ]] && grep -q 'EXT clash._speedups' "$tmp/relink.log" &&
  grep -q 'LINK' "$tmp/relink.log" && [[ $("$app" -c 'import clash; print(clash.which())') == 'clash 4' ]] ||
  { cat "$tmp/relink.log"; return 1; }
}
check "one changed extension: only it is relinked, the app has the new code" rebuild_clash

# Bad input.
check "wheel built without oxcc: clear error naming the module" bash -c "
$(declare -f wheel); $(declare -p tmp here py bin); wheel clash plain &&
! '$bin/oxcc' link -o '$tmp/bad' --wheel '$tmp'/wheels-plain/clash-*.whl 2> '$tmp/err' &&
grep -q 'module clash._speedups in clash-0.1-.*was not built by oxcc.*rebuild its package with oxcc' '$tmp/err' && test ! -e '$tmp/bad'"
check "unresolved symbol: error names the extension and the symbol, no APP" bash -c "
$(declare -f wheel); $(declare -p tmp here py bin); wheel unresolved &&
! '$bin/oxcc' link -o '$tmp/bad2' --wheel '$tmp'/wheels/unresolved-*.whl > '$tmp/out' 2>&1 &&
grep -q 'undefined symbol: oxcc_test_function_nobody_defines' '$tmp/out' &&
grep -q 'unresolved._ext' '$tmp/out' && test ! -e '$tmp/bad2' && ! ls '$tmp'/bad2.tmp 2>/dev/null"
check "-m module that is not embedded: clear error" bash -c "
! '$bin/oxcc' link -o '$tmp/bad3' --wheel '$tmp'/wheels/clash-*.whl -m no_such_module 2> '$tmp/err3' &&
grep -q 'no_such_module' '$tmp/err3' && test ! -e '$tmp/bad3'"

finish

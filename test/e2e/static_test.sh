#!/usr/bin/env bash
# Stage 3: a fully static musl executable. The fixtures (C, C++, Cython,
# nested) are built for x86_64-linux-musl (`oxcc run --target`), then
# `oxcc link --python x86_64-linux-musl` links ONE binary: the source-built
# libpython with every stdlib module built in, the fixtures' extensions,
# liboxrt compiled for musl, the packed stdlib. `file` must call it
# statically linked, and it must work in an empty root (utils/in-empty-root
# DIR /app, DIR holding only the app): ssl, sqlite3, decimal, ctypes, zlib,
# lzma, bz2, json, hashlib, uuid each used for real, the fixtures answer
# (a C++ exception caught inside cxxext), a thread recurses deeply (the
# 1 MiB thread stack of link_flags). Mismatched targets are refused.
# Needs a distribution (`oxcc python build --target x86_64-linux-musl`):
# without one it says SKIP and exits 77 (ctest: skipped).
# Usage: static_test.sh OXCC_BIN_DIR
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
target=x86_64-linux-musl
cache=$OXCC_CACHE/python
current=$cache/$target.current
if [[ ! -f $current || ! -f $cache/$(cat "$current")/distribution.yaml ]]; then
  echo "SKIP: no $target distribution (run oxcc python build --target $target)"
  exit 77
fi
# Runs a program in an empty root: a user namespace, or chroot as root.
root_run=$here/../../utils/in-empty-root
"$root_run" --check > /dev/null || exit 77
e2e_workdir static
tmp=$t
unset CC CXX LDSHARED LDCXXSHARED CFLAGS PYTHONPATH OXCC_CC OXCC_CXX OXCC_LAUNCHER OXCC_TARGET OXCC_PYTHON
export OXCC_STORE=$tmp/store

wheel() { # wheel FIXTURE [TARGET]: builds it into $tmp/wheels-TARGET (host: plain `oxcc run`)
  local name=$1 for=${2:-$target} src=$tmp/src-$1-${2:-$target}
  local run=("$bin/oxcc" run --target "$for" --)
  [[ $for == host ]] && run=("$bin/oxcc" run --)
  rm -rf "$src" && cp -r "$here/fixtures/$name" "$src"
  (cd "$src" && "${run[@]}" $py -m pip wheel --no-deps --no-build-isolation --no-index \
    -w "$tmp/wheels-$for" .) > "$tmp/build-$name-$for.log" 2>&1 ||
    { tail -20 "$tmp/build-$name-$for.log"; return 1; }
}
for f in cext cxxext cyext nested; do check "wheel $f for $target" wheel $f; done

wheels=()
for w in "$tmp/wheels-$target"/*.whl; do wheels+=(--wheel "$w"); done
app=$tmp/app
check "oxcc link --python $target" "$bin/oxcc" link --python $target -o "$app" "${wheels[@]}"
[[ -x $app ]] || { echo "FAIL no executable"; finish; }

check "file says statically linked" bash -c "file '$app' | grep -q 'statically linked'"
check "no program interpreter, no shared library needed" bash -c "
! readelf -lW '$app' | grep -q INTERP && ! readelf -dW '$app' | grep -q NEEDED"
check "liboxrt was compiled for the target" test -f "$app.oxcc-build/runtime-$target/liboxrt.a"

cat > "$tmp/use.py" <<'EOF'
import sys, threading
import bz2, ctypes, decimal, hashlib, json, lzma, sqlite3, uuid, zlib
assert hashlib.sha256(b"abc").hexdigest() == \
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
db = sqlite3.connect(":memory:")
db.execute("create table t (x integer)")
db.executemany("insert into t values (?)", [(1,), (2,), (39,)])
assert db.execute("select sum(x) from t").fetchone()[0] == 42
assert decimal.Decimal("0.1") + decimal.Decimal("0.2") == decimal.Decimal("0.3")
assert str(decimal.Decimal(1) / decimal.Decimal(7))[:8] == "0.142857"
data = b"oxcc static " * 500
for codec in (zlib, lzma, bz2):
    assert codec.decompress(codec.compress(data)) == data, codec.__name__
n = ctypes.c_int(41)
n.value += 1
assert n.value == 42 and ctypes.sizeof(ctypes.c_int) == 4
doc = {"a": [1, 2.5, None, "x"], "b": {"c": True}}
assert json.loads(json.dumps(doc)) == doc
u = uuid.uuid4()
assert u.version == 4 and uuid.UUID(str(u)) == u
for m in ("_sqlite3", "_decimal", "_ctypes", "zlib", "_lzma", "_bz2", "_json"):
    __import__(m)
    assert m in sys.builtin_module_names, m + " is not built in"

import cext, cxxext, cyext, nested.a, nested.b.deep
assert cext.answer() == 42 and cext.add(2, 40) == 42
assert cxxext.join_words(["forty", "two"]) == "forty two"
assert cxxext.safe_parse("42") == 42 and cxxext.safe_parse("4x2") == -1  # C++ throw + catch
assert cyext.triangle(8) == 36
assert nested.a.value() == 1 and nested.b.deep.value() == 2
for m in ("cext._speedups", "cxxext._core", "cyext.fast", "nested.a._impl"):
    assert m in sys.builtin_module_names, m

# musl's default thread stack is 128 KiB: deep recursion in a thread needs
# the distribution's -Wl,-z,stack-size.
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
out = []
t = threading.Thread(target=lambda: out.append(depth(900)))
t.start()
t.join()
assert out == [900], out
print("static ok")
EOF
mkdir -p "$tmp/root"
cp "$app" "$tmp/root/app"
check "in an empty root: stdlib C modules and the fixtures work" bash -c "
[[ \$('$root_run' '$tmp/root' /app -c \"\$(cat '$tmp/use.py')\") == 'static ok' ]]"
dist=$cache/$(cat "$current")/distribution.yaml
check "in an empty root: ssl (default context, OPENSSL_VERSION) and hashlib's OpenSSL" bash -c "
grep -q '{name: \"_ssl\"' '$dist' ||
  { echo '$dist has no _ssl (built --without openssl?): rebuild it with oxcc python build --target $target'; exit 1; }
[[ \$('$root_run' '$tmp/root' /app -c '
import hashlib, ssl, sys
ctx = ssl.create_default_context()
assert ctx.verify_mode == ssl.CERT_REQUIRED and ssl.OPENSSL_VERSION.startswith(\"OpenSSL\")
assert \"_ssl\" in sys.builtin_module_names and \"_hashlib\" in sys.builtin_module_names
assert hashlib.new(\"sha3_256\", b\"\").hexdigest()[:8] == \"a7ffc6f8\"
print(\"ssl ok\")') == 'ssl ok' ]]"
check "in an empty root: sys.executable, -m json.tool, exit codes" bash -c "
[[ \$('$root_run' '$tmp/root' /app -c 'import sys; print(sys.executable)') == /app ]] &&
[[ \$(echo '{\"a\": 1}' | '$root_run' '$tmp/root' /app -m json.tool --compact) == '{\"a\":1}' ]] &&
{ '$root_run' '$tmp/root' /app -c 'raise SystemExit(3)'; [[ \$? -eq 3 ]]; }"

# An extension built for the host cannot go into a musl binary: the error
# names the module and the command that rebuilds it.
check "wheel cext for the host" wheel cext host
check "host-built extension refused, naming the module and the fix" bash -c "
! '$bin/oxcc' link --python $target -o '$tmp/mixed' --wheel '$tmp'/wheels-host/cext-*.whl 2> '$tmp/err' &&
grep -q 'module cext._speedups .*was built for x86_64-linux-gnu.*is for $target' '$tmp/err' &&
grep -q 'oxcc run --target $target -- pip wheel' '$tmp/err' && test ! -e '$tmp/mixed'"
check "and a musl extension in a debian link, likewise" bash -c "
! '$bin/oxcc' link -o '$tmp/mixed2' --wheel '$tmp'/wheels-$target/cext-*.whl 2> '$tmp/err2' &&
grep -q 'module cext._speedups .*was built for $target' '$tmp/err2' && test ! -e '$tmp/mixed2'"

# Figures (printed, not asserted): stripped size, start time against python3.
strip -o "$tmp/app.stripped" "$app"
echo "INFO size: $(stat -c %s "$app") bytes, stripped $(stat -c %s "$tmp/app.stripped") bytes"
start_ms() { # start_ms COMMAND...: the best of 10 starts, in milliseconds
  "$py" -c '
import subprocess, sys, time
best = min(
    (lambda t0: (subprocess.run(sys.argv[1:], check=True), time.perf_counter() - t0)[1])(time.perf_counter())
    for _ in range(10))
print(f"{best * 1000:.1f}")' "$@"
}
echo "INFO start (-c pass, best of 10): app $(start_ms "$app" -c pass) ms," \
  "/usr/bin/python3 $(start_ms /usr/bin/python3 -c pass) ms"

# --stdlib=auto on a source distribution: the inittab is written again
# without the built-ins that wrap a library and that nothing kept imports.
# A script importing json and ssl: _ssl (and OpenSSL) stay, _sqlite3 (and
# SQLite) go; the full link keeps SQLite.
printf 'import json, ssl, sys\nprint(json.dumps(sorted(sys.builtin_module_names)))\n' > "$tmp/auto.py"
check "oxcc link --stdlib=auto --script (musl)" "$bin/oxcc" link --python $target -o "$tmp/auto" \
  --stdlib=auto --script "$tmp/auto.py" --debug-info=keep
check_that "--stdlib=auto: _sqlite3 left out of the inittab, _ssl and _json kept" \
  "'$tmp/auto' | '$py' -c 'import json, sys; b = json.load(sys.stdin); assert \"_sqlite3\" not in b and \"_ssl\" in b and \"_json\" in b, b'"
# (nm into a file first: `nm | grep -q` fails under pipefail when grep
# stops reading early.)
nm "$tmp/auto" > "$tmp/auto.nm" 2>&1 || true
nm "$app.debug" > "$tmp/app.nm" 2>&1 || true
check_that "--stdlib=auto: SQLite is not linked, OpenSSL is" \
  "! grep -q ' T sqlite3_prepare_v2\$' '$tmp/auto.nm' && grep -q ' T SSL_CTX_new\$' '$tmp/auto.nm'"
check_that "the full link has SQLite" "grep -q ' T sqlite3_prepare_v2\$' '$tmp/app.nm'"

finish

#!/usr/bin/env bash
# `oxcc python build` end to end: builds (or, warm, reuses) a distribution,
# checks its manifest against the files, runs the distribution's own static
# python with a small use of every module that needs a third-party library,
# and checks that a second call reuses the build.
# Usage: pybuild_test.sh OXCC_BIN_DIR TARGET [BUILD OPTIONS...]
# Uses the tests' own cache ($OXCC_TEST_CACHE, else ~/.cache/oxcc-tests; never the
# user's ~/.cache/oxcc, whose <target>.current it would rewrite): a cold build takes
# minutes (see docs/python-distributions.md), a warm one a second.
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
target=$2
shift 2
opts=("$@")
e2e_workdir pybuild
tmp=$t

if ! "$bin/oxcc" python build --target "$target" "${opts[@]}" > "$tmp/out" 2> "$tmp/err"; then
  echo "FAIL oxcc python build --target $target ${opts[*]}"; tail -30 "$tmp/err" | sed 's/^/    /'
  exit 1
fi
echo "PASS oxcc python build --target $target ${opts[*]}"
dist=$(tail -n 1 "$tmp/out")
yaml=$dist/distribution.yaml
check "the last stdout line is a finished distribution" test -f "$yaml"

# The manifest, read with a YAML parser, against the files it names.
manifest_ok() {
  /usr/bin/python3 - "$yaml" "$target" "$@" <<'PY'
import os, sys, yaml
path, target, deps = sys.argv[1], sys.argv[2], sys.argv[3]
d = os.path.dirname(path)
m = yaml.safe_load(open(path))
def need(cond, what):
    if not cond: sys.exit(f"manifest: {what}")
need(m["format"] == "oxcc-python-distribution/1", "format")
need(m["target"] == target, "target")
need(m["python_version"] == "3.11" and m["python_full_version"].startswith("3.11."), "version")
need(len(m["key"]) == 64 and os.path.basename(d).endswith(m["key"][:12]), "key names the dir")
need(os.path.basename(d) == f"{target}-{m['python_full_version']}-{m['key'][:12]}", "dir name")
need(m["deps"] == deps, "deps")
need(os.path.isfile(os.path.join(d, m["include_dir"], "Python.h")), "Python.h")
need(os.path.isfile(os.path.join(d, m["include_dir"], "pyconfig.h")), "pyconfig.h")
need(os.path.isfile(os.path.join(d, m["static_lib"])), "static_lib")
need(os.path.isfile(os.path.join(d, m["stdlib_dir"], "os.py")), "stdlib os.py")
need(not os.path.exists(os.path.join(d, m["stdlib_dir"], "test")), "no test suite")
for lib in m["link_libs"]:
    need(lib.startswith("-l") or os.path.isfile(os.path.join(d, lib)), f"link_libs {lib}")
libs = " ".join(m["link_libs"])
for a in ["libssl.a", "libcrypto.a", "libz.a", "libbz2.a", "liblzma.a", "libffi.a",
          "libsqlite3.a", "libmpdec.a", "libexpat.a"]:
    need(f"lib/deps/{a}" in libs, f"link_libs has {a}")
need(libs.index("libssl.a") < libs.index("libcrypto.a"), "libssl before libcrypto")
flags = ["-static", "-Wl,-z,stack-size=1048576"] if target.endswith("musl") else []
need(m["link_flags"] == flags, f"link_flags {m['link_flags']}")
names = {b["name"]: b["init"] for b in m["builtin_modules"]}
for mod in ["_ssl", "_hashlib", "_sqlite3", "_ctypes", "zlib", "_bz2", "_lzma", "_decimal",
            "_json", "pyexpat", "_socket", "math", "_asyncio", "unicodedata"]:
    need(names.get(mod) == "PyInit_" + mod, f"built-in {mod}")
need(m["extension_modules"] == [], "no extension modules (.so)")
need(any(s["name"] in ("python3.11", "cpython") for s in m["sources"]), "sources: cpython")
need(all(len(s["sha256"]) == 64 for s in m["sources"]), "sources: sha256")
# Everything from Debian source: Debian's patches named (or said missing).
for s in m["sources"]:
    if ".orig.tar." not in s.get("file", ""):
        continue
    dp = s.get("debian_patches")
    need(dp == "unavailable" or (isinstance(dp, dict) and dp["file"].startswith(s["name"] + "_")
                                 and ".debian.tar." in dp["file"] and len(dp["sha256"]) == 64),
         f"sources: {s['name']} debian_patches {dp!r}")
    if isinstance(dp, dict):
        print(s["name"])
so = [f for _, _, fs in os.walk(d) for f in fs if f.endswith(".so")]
need(not so, f"no .so in the distribution: {so[:3]}")
PY
}
deps=source pgo=1
for o in "${opts[@]}"; do
  [[ $o == --deps=system ]] && deps=system
  [[ $o == --no-pgo ]] && pgo=0
done
check "manifest fields match the files" manifest_ok "$deps"
# Each source the manifest says was patched had Debian's series applied:
# its build log says so (a warm run reads the log its build left).
for pkg in $(manifest_ok "$deps" 2> /dev/null || true); do
  step=$pkg
  [[ $pkg != python3.11 ]] || step=cpython-configure
  check_that "$pkg: Debian's patches applied (its build log)" \
    "grep -q 'applied [0-9]* patches of debian/patches/series' '$OXCC_CACHE/python/logs/$target-$step.log'"
done

# PGO (the default): the manifest says so, and the compiler recorded the
# profile flags in libpython's own objects (gcc's DW_AT_producer: what the
# build really ran with, not what the builder meant to pass).
producer() {
  (cd "$tmp" && ar x "$dist/lib/libpython3.11.a" ceval.o &&
   readelf --debug-dump=info ceval.o | grep -m1 DW_AT_producer)
}
if ((pgo)); then
  check_that "the manifest records PGO and its flags" \
    "grep -q '^optimization: {\"pgo\": true, \"lto\": false, \"cflags_nodist\": \"-fprofile-use' '$yaml'"
  check_that "ceval.o was compiled with -fprofile-use" "[[ \$(producer) == *' -fprofile-use '* ]]"
else
  check_that "--no-pgo: no PGO in the manifest" "! grep -q '\"pgo\": true' '$yaml'"
  check_that "--no-pgo: ceval.o compiled without a profile" \
    "[[ \$(producer) == *' -O3 '* && \$(producer) != *-fprofile* ]]"
fi

py=$dist/bin/python3.11
check "bin/python3.11 is statically linked" sh -c "file -L '$py' | grep -q 'statically linked'"
# Debian's CPython security fixes are in: CVE-2023-24329's (3.11.2 as
# released keeps the leading blank, so the URL has no scheme).
check_that "CPython carries Debian's CVE fixes (CVE-2023-24329: urlsplit strips a leading blank)" \
  "[[ \$('$py' -c \"from urllib.parse import urlsplit; print(urlsplit(' https://x/').scheme)\") == https ]]"
cat > "$tmp/use.py" <<'PY'
import bz2, ctypes, decimal, hashlib, json, lzma, pyexpat, sqlite3, ssl, sys, uuid, zlib
data = b"oxcc " * 100
assert zlib.decompress(zlib.compress(data)) == data
assert bz2.decompress(bz2.compress(data)) == data
assert lzma.decompress(lzma.compress(data)) == data
assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf")
assert hashlib.new("sha3_256", b"").hexdigest().startswith("a7ffc6f8")
ctx = ssl.create_default_context()
assert ssl.OPENSSL_VERSION.startswith("OpenSSL 3."), ssl.OPENSSL_VERSION
assert ctx.verify_mode == ssl.CERT_REQUIRED
db = sqlite3.connect(":memory:")
db.execute("create table t (x)")
db.executemany("insert into t values (?)", [(i,) for i in range(10)])
assert db.execute("select sum(x) from t").fetchone()[0] == 45
assert decimal.Decimal("1.1") + decimal.Decimal("2.2") == decimal.Decimal("3.3")
assert json.loads(json.dumps({"a": [1, 2]})) == {"a": [1, 2]}
p = pyexpat.ParserCreate(); seen = []
p.StartElementHandler = lambda name, attrs: seen.append(name)
p.Parse("<a><b/></a>", True); assert seen == ["a", "b"]
assert uuid.uuid4().version == 4 and str(uuid.UUID(int=1)).endswith("0001")
assert ctypes.sizeof(ctypes.c_int) == 4 and ctypes.c_double(2.5).value == 2.5
buf = ctypes.create_string_buffer(b"hi"); assert buf.value == b"hi"
# Every module is built in: nothing was loaded from a file.
for name in ["_ssl", "_sqlite3", "_ctypes", "zlib", "_lzma", "_bz2", "_decimal", "_json", "pyexpat"]:
    assert name in sys.builtin_module_names, name
print("all modules work")
PY
check "the static python runs ssl, sqlite3, decimal, ctypes, zlib, lzma, bz2, json, hashlib, uuid, pyexpat" \
  sh -c "cd '$tmp' && PYTHONDONTWRITEBYTECODE=1 '$py' use.py | grep -qx 'all modules work'"
# A deep recursion needs more than musl's 128 KiB default thread stack.
check "a thread with deep recursion" sh -c "PYTHONDONTWRITEBYTECODE=1 '$py' -c '
import sys, threading
sys.setrecursionlimit(2000)
def f(n): return 0 if n == 0 else 1 + f(n - 1)
r = []
t = threading.Thread(target=lambda: r.append(f(900))); t.start(); t.join()
assert r == [900]'"

# Warm: the same inputs give the same directory at once, and .current names it.
check "a second call reuses the distribution" sh -c "
  '$bin/oxcc' python build --target '$target' ${opts[*]} > '$tmp/out2' 2> '$tmp/err2' &&
  test \"\$(tail -n 1 '$tmp/out2')\" = '$dist' && grep -q 'is up to date' '$tmp/err2'"
cache=$OXCC_CACHE
check "$target.current names it" test "$(cat "$cache/python/$target.current")" = "$(basename "$dist")"
check "oxcc python list shows it" sh -c "'$bin/oxcc' python list | grep -q '$dist'"

finish

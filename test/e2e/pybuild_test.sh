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
deps=source pgo=1 lto=1
for o in "${opts[@]}"; do
  [[ $o == --deps=system ]] && deps=system
  [[ $o == --no-pgo ]] && pgo=0
  [[ $o == --no-lto ]] && lto=0
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

# PGO and LTO (the defaults): the manifest says so, and the compiler
# recorded the flags in libpython's own objects (gcc's DW_AT_producer: what
# the build really ran with, not what the builder meant to pass).
ar t "$dist/lib/libpython3.11.a" > "$tmp/members"
cus() {  # MEMBER: "producer <TAB> name" of each compile unit (gcc's DW_AT_producer)
  (cd "$tmp" && ar x "$dist/lib/libpython3.11.a" "$1" &&
   readelf --debug-dump=info --dwarf-depth=1 "$1" |
     awk '/DW_AT_producer/ {p = $0} /DW_AT_name/ && p {print p "\t" $NF; p = ""}' > "$1.cus")
}
if ((lto)); then
  # The core was optimised as one program (a GCC partial link) into one
  # plain object: ceval.c's compile unit is in it, compiled for LTO (and
  # with the profile), and GCC's link-time units ("GNU GIMPLE") made its
  # code. Outside the core, config.o and Setup.local's modules stay
  # members of their own, so --stdlib=auto can still leave one out.
  check_that "libpython's core is one LTO-optimised member" \
    "grep -qx oxcc-lto-core.o '$tmp/members' && ! grep -qx ceval.o '$tmp/members' && ! grep -qx typeobject.o '$tmp/members'"
  check_that "config.o and the library-backed modules stay members of their own" \
    "grep -qx config.o '$tmp/members' && grep -qx _ssl.o '$tmp/members' && grep -qx connection.o '$tmp/members'"
  cus oxcc-lto-core.o
  check_that "the core's code was made by GCC's link-time optimiser" \
    "grep -q 'GNU GIMPLE' '$tmp/oxcc-lto-core.o.cus'"
  check_that "ceval.c, in the core, was compiled for LTO" \
    "grep -qE ' -flto .*-ffat-lto-objects.*Python/ceval\.c\$' '$tmp/oxcc-lto-core.o.cus'"
  check_that "no member keeps LTO bytecode (lld reads plain code only)" \
    "(cd '$tmp' && mkdir -p all-members && cd all-members && ar x '$dist/lib/libpython3.11.a' && readelf -S -W *.o > ../sections) && ! grep -q '\.gnu\.lto_' '$tmp/sections'"
  check_that "the manifest records LTO and its partial link" \
    "grep -q '\"lto\": true, \"cflags_nodist\": \"[^\"]*-flto -ffat-lto-objects\", \"lto_link\": \"-r ' '$yaml'"
  ceval=oxcc-lto-core.o
else
  check_that "--no-lto: no LTO in the manifest" "grep -q '\"lto\": false' '$yaml'"
  check_that "--no-lto: ceval.o is a member of its own, compiled without -flto" \
    "grep -qx ceval.o '$tmp/members' && cus ceval.o && ! grep -q -e -flto '$tmp/ceval.o.cus'"
  ceval=ceval.o
fi
[[ -f $tmp/$ceval.cus ]] || cus "$ceval"
producer() { grep 'Python/ceval.c$' "$tmp/$ceval.cus"; }
if ((pgo)); then
  check_that "the manifest records PGO and its flags" \
    "grep -q '^optimization: {\"pgo\": true, \"lto\": [a-z]*, \"cflags_nodist\": \"-fprofile-use' '$yaml'"
  check_that "ceval.c was compiled with -fprofile-use" "[[ \$(producer) == *' -fprofile-use '* ]]"
else
  check_that "--no-pgo: no PGO in the manifest" "! grep -q '\"pgo\": true' '$yaml'"
  check_that "--no-pgo: ceval.c compiled without a profile" \
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

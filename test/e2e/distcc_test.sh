#!/usr/bin/env bash
# Launchers: a real pip build through oxcc with distcc as the launcher, the
# compiles sent to a distccd this test starts on 127.0.0.1 (a free port,
# --allow 127.0.0.1, its own log). Local fallback is off, so a compile that
# did not go through distccd fails the build instead of passing unseen.
# The launcher comes from the project's oxcc.toml for the pip build, and
# from OXCC_LAUNCHER for a direct call. oxcc must still record every object.
# Usage: distcc_test.sh OXCC_BIN_DIR
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH OXCC_CC OXCC_CXX OXCC_LAUNCHER OXCC_PLUGINS
command -v distcc > /dev/null && command -v distccd > /dev/null ||
  { echo "FAIL distcc is not installed (utils/bootstrap installs it)"; exit 1; }

e2e_workdir distcc
tmp=$t
daemon=
# The daemon stops first, then the harness's exit (report_lib.sh) runs.
trap 'status=$?; [[ -z $daemon ]] || { kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null; }
  e2e_exit "$status"' EXIT

# distccd drops root privileges: its log must be writable by anyone.
log=$tmp/distccd.log
touch "$log" && chmod 666 "$log" && chmod 755 "$tmp"
port=$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
distccd --daemon --no-detach --listen 127.0.0.1 --port "$port" --allow 127.0.0.1 \
  --log-file "$log" --log-level info --jobs 2 &
daemon=$!
for _ in $(seq 50); do grep -q "listening on 127.0.0.1:$port" "$log" && break; sleep 0.1; done
check "distccd listens on 127.0.0.1:$port" grep -q "listening on 127.0.0.1:$port" "$log"

export DISTCC_HOSTS=127.0.0.1:$port/2 DISTCC_FALLBACK=0 DISTCC_SKIP_LOCAL_RETRY=1
export DISTCC_DIR=$tmp/distcc-client OXCC_STORE=$tmp/store
mkdir -p "$DISTCC_DIR"

# A pip build, the launcher named by the project's oxcc.toml.
cp -r "$here/fixtures/cext" "$tmp/cext"
printf '# run every compile through distcc\nlauncher = "distcc"\n' > "$tmp/cext/oxcc.toml"
build() {
  (cd "$tmp/cext" && "$bin/oxcc" run -- $py -m pip wheel --no-deps --no-build-isolation --no-index \
    -w "$tmp/wheel" .) > "$tmp/build.log" 2>&1 || { tail -20 "$tmp/build.log"; return 1; }
}
check "cext: pip wheel through oxcc + distcc (oxcc.toml)" build
check "distccd compiled the fixture's file" bash -c "
grep -q 'compile from _speedups.c to _speedups.o' '$log' && grep -q 'COMPILE_OK.* cext/_speedups.c' '$log'"
check "the object is still recorded" bash -c "
'$bin/oxcc' list --json > '$tmp/list.json' &&
$py - '$tmp/list.json' '$tmp/store' <<'PY'
import json, os, sys
exts = {e['module']: e for e in json.load(open(sys.argv[1]))['extensions']}
e = exts['cext._speedups']
assert e['objects'], 'no objects'
for oid in e['objects']:
    assert os.path.isfile(os.path.join(sys.argv[2], 'objects', oid[:2], oid + '.o')), oid
PY"
check "the wheel works" bash -c "
$py -m pip install --no-deps --no-index --target '$tmp/site' '$tmp'/wheel/*.whl > /dev/null &&
cd '$tmp' && PYTHONPATH='$tmp/site' $py '$tmp/cext/check.py'"

# A direct call, the launcher from OXCC_LAUNCHER (it wins over oxcc.toml).
printf 'int distcc_direct(void) { return 7; }\n' > "$tmp/direct.c"
check "OXCC_LAUNCHER=distcc: compiled by distccd and recorded" bash -c "
cd '$tmp' && OXCC_LAUNCHER=distcc '$bin/oxcc' -c direct.c -o direct.o &&
grep -q 'COMPILE_OK.*direct.c' '$log' &&
grep -l 'source: \"$tmp/direct.c\"' '$tmp'/store/objects/*/*.yaml > /dev/null"

# With the daemon gone and fallback off, a compile fails: the checks above
# could not have passed by compiling locally.
kill "$daemon" && wait "$daemon" 2> /dev/null || true
daemon=
check "no distccd: the compile fails (no silent local fallback)" bash -c "
cd '$tmp' && ! OXCC_LAUNCHER=distcc '$bin/oxcc' -c direct.c -o direct2.o 2> /dev/null && test ! -e direct2.o"

finish

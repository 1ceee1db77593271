#!/usr/bin/env bash
# Inputs only the build tree holds, built the way pip usually builds: from
# an sdist tarball, in a temporary directory pip removes afterwards. The
# fixture `buildlocal` links a build_clib archive (-lblhelper from
# build/temp.*) and hands an assembly file to its link command
# (extra_objects), as numpy does with libnpymath.a and SVML. oxcc must have
# recorded both by the time pip is done, so that `oxcc link` builds a
# binary whose answers are python3's.
# Usage: buildlocal_test.sh OXCC_BIN_DIR
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
source "$here/report_lib.sh"
e2e_workdir buildlocal
unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH OXCC_CC OXCC_CXX OXCC_LAUNCHER
export OXCC_STORE=$t/store

# The sdist, then pip's own temp build dir (TMPDIR) that it empties again.
cp -r "$here/fixtures/buildlocal" "$t/src"
if (cd "$t/src" && $py setup.py -q sdist -d "$t/dist") > "$t/sdist.log" 2>&1; then
  pass "sdist of the fixture"
else
  fail "sdist of the fixture" "setup.py sdist failed" "$t/sdist.log"; finish
fi
mkdir -p "$t/piptmp"
if TMPDIR=$t/piptmp "$bin/oxcc" run -- $py -m pip wheel -v --no-deps --no-build-isolation --no-index \
    --no-cache-dir -w "$t/wheels" "$t/dist/buildlocal-1.0.tar.gz" > "$t/wheel.log" 2>&1; then
  pass "oxcc run -- pip wheel buildlocal-1.0.tar.gz"
else
  fail "oxcc run -- pip wheel buildlocal-1.0.tar.gz" "pip failed" "$t/wheel.log"; finish
fi
whl=$(compgen -G "$t/wheels/buildlocal-1.0-*.whl")
if [[ -z $(find "$t/piptmp" -name 'libblhelper.a') ]] && grep -q 'scale.s' "$t/wheel.log"; then
  pass "pip removed its build dir (libblhelper.a is gone); scale.s was on the link line"
else
  fail "pip removed its build dir" "libblhelper.a is still under $t/piptmp, or scale.s was not linked"
fi

# The record: two objects (core.c and scale.s, compiled again on its own)
# and libblhelper.a stored.
"$bin/oxcc" list --json > "$t/list.json"
if $py - "$t/list.json" "$t/store" <<'PY'
import json, os, sys
e = {x["module"]: x for x in json.load(open(sys.argv[1]))["extensions"]}["buildlocal._core"]
assert len(e["objects"]) == 2, e["objects"]
assert list(e["captured_libraries"]) == ["blhelper"], e["captured_libraries"]
a = e["captured_libraries"]["blhelper"]
assert os.path.isfile(os.path.join(sys.argv[2], "objects", a[:2], a + ".a"))
PY
then pass "recorded: core.c and scale.s objects, libblhelper.a stored"
else fail "recorded: core.c and scale.s objects, libblhelper.a stored" "see above" "$t/list.json"; fi

# python3 with the wheel: the reference answer.
mkdir -p "$t/site" && (cd "$t/site" && $py -m zipfile -e "$whl" .)
if (cd "$t" && PYTHONPATH=$t/site $py "$here/fixtures/buildlocal/check.py") > "$t/py.out" 2>&1 &&
  grep -qx "buildlocal ok buildlocal._core" "$t/py.out"; then
  pass "python3 with the wheel: 3x+1"
else
  fail "python3 with the wheel: 3x+1" "wrong output" "$t/py.out"
fi

# The binary: the extension rebuilt from the store alone.
if "$bin/oxcc" link -o "$t/app" --wheel "$whl" --script "$here/fixtures/buildlocal/check.py" \
    --stdlib=auto > "$t/link.log" 2>&1; then
  pass "oxcc link after the build dir is gone"
else
  fail "oxcc link after the build dir is gone" "link failed" "$t/link.log"; finish
fi
if "$t/app" > "$t/app.out" 2>&1 && diff -q "$t/py.out" "$t/app.out" > /dev/null; then
  pass "the binary answers as python3 does (built-in _core)"
else
  fail "the binary answers as python3 does" "$(cat "$t/app.out")"
fi
if "$bin/oxcc" link --explain -o "$t/app" --wheel "$whl" | grep -q -- "-lblhelper: archive .*(stored from its build tree"; then
  pass "--explain: -lblhelper from the store"
else
  fail "--explain: -lblhelper from the store" "not shown"
fi
finish

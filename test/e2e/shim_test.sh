#!/usr/bin/env bash
# End-to-end test of distutils_shim: builds the fixtures with CC=oxcc and checks
# that every extension compile and link reaches oxcc tagged with the right
# module, that C++ links go through oxc++, and that the wheels work.
#
#   test/e2e/shim_test.sh            against test/e2e/fake-oxcc (runs gcc)
#   test/e2e/shim_test.sh DIR        against DIR/oxcc and DIR/oxc++
#
# The oxcc/oxc++ on PATH are always fake-oxcc, which logs each call; with a
# real DIR it only logs and then execs DIR/oxcc or DIR/oxc++ unchanged, so the
# same log checks run against the real driver.
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"

root=$(cd "$here/../.." && pwd)
shim=$root/distutils_shim
fixtures=$here/fixtures
fake=$here/fake-oxcc

real=""
if [ $# -gt 0 ]; then
    dir=$(cd "$1" 2>/dev/null && pwd) || { echo "FAIL setup: no directory $1"; exit 1; }
    if [ "$(realpath "$dir/oxcc")" != "$(realpath "$fake")" ]; then
        for tool in oxcc oxc++; do
            [ -x "$dir/$tool" ] || { echo "FAIL setup: no executable $dir/$tool"; exit 1; }
        done
        real=$dir
    fi
fi

e2e_workdir shim-test
tmp=$t

mkdir "$tmp/bin"
ln -s "$fake" "$tmp/bin/oxcc"
ln -s "$fake" "$tmp/bin/oxc++"

# Hermetic: nothing from the caller's compiler or pip settings leaks in.
unset CC CXX LDSHARED LDCXXSHARED CFLAGS CXXFLAGS LDFLAGS OXCC_SHIM PYTHONPATH \
    SETUPTOOLS_USE_DISTUTILS FAKE_OXCC_LOG FAKE_OXCC_DELAY \
    OXCC_DISABLE OXCC_CC OXCC_CXX OXCC_STRICT
export PATH="$tmp/bin:$PATH"
export PIP_CONFIG_FILE=/dev/null PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONDONTWRITEBYTECODE=1  # keep __pycache__ out of distutils_shim/
if [ -n "$real" ]; then
    export FAKE_OXCC_REAL="$real"
    export OXCC_STORE="$tmp/store"  # the real driver records here, not in ~/.cache
else
    unset FAKE_OXCC_REAL
fi
# What setuptools would run without oxcc: the C++ and the shared-object linker.
cxx=$($py -c 'import sysconfig; print(sysconfig.get_config_var("CXX").split()[0])')
ldshared=$($py -c 'import sysconfig; print(sysconfig.get_config_var("LDSHARED").split()[0])')

# check_log LOG LINK_CC MODULE=SRC[,SRC]... [--overlap SECONDS]
#   Every logged call carries exactly one --oxcc-module tag, the one owning its
#   source (compiles) or its output (links); each module is compiled and linked
#   once. LINK_CC "-": links ran oxcc itself; else they ran oxc++ with
#   --oxcc-cc=LINK_CC. --overlap: the modules' compiles started within SECONDS
#   of each other (with FAKE_OXCC_DELAY=SECONDS: they ran at the same time).
check_log() {
    $py - "$@" <<'EOF'
import json, sys, sysconfig

log, link_cc, *specs = sys.argv[1:]
overlap = None
if "--overlap" in specs:
    i = specs.index("--overlap")
    overlap = float(specs[i + 1])
    del specs[i:i + 2]
suffix = sysconfig.get_config_var("EXT_SUFFIX")
sources = {m: s.split(",") for m, s in (spec.split("=", 1) for spec in specs)}
compiled = {m: set() for m in sources}
compile_start = {}
links = {m: 0 for m in sources}
errors = []

entries = [json.loads(line) for line in open(log)]
for e in entries:
    argv, tool = e["argv"], e["tool"]
    tags = [a.split("=", 1)[1] for a in argv if a.startswith("--oxcc-module=")]
    ccs = [a.split("=", 1)[1] for a in argv if a.startswith("--oxcc-cc=")]
    if len(tags) != 1:
        errors.append("want one module tag: %s %s" % (tool, argv))
        continue
    tag = tags[0]
    if "-c" in argv:
        src = [a for a in argv if a.endswith((".c", ".cpp"))]
        owner = [m for m, srcs in sources.items() for s in srcs if src and src[0].endswith(s)]
        if owner != [tag]:
            errors.append("compile of %s tagged %s, want %s" % (src, tag, owner))
        elif tool != "oxcc" or ccs:
            errors.append("compile should run plain oxcc: %s %s" % (tool, argv))
        else:
            compiled[tag].add(src[0])
            compile_start.setdefault(tag, e["start"])
    else:
        out = argv[argv.index("-o") + 1] if "-o" in argv else ""
        owner = [m for m in sources if out.endswith(m.replace(".", "/") + suffix)]
        if owner != [tag]:
            errors.append("link of %r tagged %s, want %s" % (out, tag, owner))
            continue
        links[tag] += 1
        want = ("oxcc", []) if link_cc == "-" else ("oxc++", [link_cc])
        if (tool, ccs) != want:
            errors.append("link of %s ran %s --oxcc-cc=%s, want %s --oxcc-cc=%s"
                          % (tag, tool, ccs, want[0], want[1]))
for m, srcs in sources.items():
    if len(compiled[m]) != len(srcs):
        errors.append("%s: compiled %s, want %s" % (m, sorted(compiled[m]), srcs))
    if links[m] != 1:
        errors.append("%s: %d links, want 1" % (m, links[m]))
if overlap is not None and len(compile_start) > 1:
    spread = max(compile_start.values()) - min(compile_start.values())
    if spread >= overlap:
        errors.append("compiles did not overlap (%.2fs apart): not parallel" % spread)
for err in errors:
    print("log:", err)
print("%d calls logged, %d problems" % (len(entries), len(errors)))
sys.exit(1 if errors else 0)
EOF
}

# build_wheel FIXTURE WORK [VAR=VALUE...]: pip wheel a copy of FIXTURE (builds
# write into the source tree) into WORK/wheels, with the extra environment.
build_wheel() {
    local name=$1 work=$2
    shift 2
    mkdir -p "$work"
    cp -r "$fixtures/$name" "$work/src"
    (cd "$work/src" && env "$@" FAKE_OXCC_LOG="$work/log" \
        $py -m pip wheel --no-deps --no-build-isolation --no-index -w "$work/wheels" .)
}

# install_and_check FIXTURE WORK: the wheel, installed alone, passes check.py.
install_and_check() {
    local name=$1 work=$2
    $py -m pip install --no-deps --no-index --target "$work/target" "$work"/wheels/*.whl
    PYTHONPATH=$work/target $py "$fixtures/$name/check.py" | grep -x "OK $name"
}

# check_fixture_log LOG FIXTURE [--overlap SECONDS]: check_log with the
# fixture's modules, sources and linker.
check_fixture_log() {
    local log=$1 name=$2
    shift 2
    case $name in
        cext) check_log "$log" - cext._speedups=cext/_speedups.c "$@" ;;
        cxxext) check_log "$log" "$cxx" cxxext._core=cxxext/_core.cpp "$@" ;;
        cyext) check_log "$log" - cyext.fast=cyext/fast.c "$@" ;;
        nested) check_log "$log" - nested.a._impl=nested/a/_impl.c \
            nested.b.deep._impl=nested/b/deep/_impl.c "$@" ;;
        *) echo "check_fixture_log: unknown fixture $name"; return 1 ;;
    esac
}

# --- the checks; each runs in a subshell with set -e -------------------------

# CC=oxcc (a bare name on PATH) and the shim on PYTHONPATH.
wheel_fixture() {
    local name=$1 work=$tmp/wheel-$1
    build_wheel "$name" "$work" CC=oxcc PYTHONPATH="$shim"
    check_fixture_log "$work/log" "$name"
    install_and_check "$name" "$work"
}

# CC as an absolute path followed by a flag: oxc++ is found next to it.
wheel_cc_path_with_flags() {
    local work=$tmp/cc-path
    build_wheel cxxext "$work" CC="$tmp/bin/oxcc -DOXCC_SHIM_TEST=1" PYTHONPATH="$shim"
    check_fixture_log "$work/log" cxxext
    grep -q -- '-DOXCC_SHIM_TEST=1' "$work/log"
    install_and_check cxxext "$work"
}

# setuptools told to use the stdlib distutils (deprecated in 3.11, still works).
# Its customize_compiler makes LDSHARED follow CC only on macOS, so even the C
# link runs sysconfig's LDSHARED and must be routed through oxc++.
wheel_stdlib_distutils() {
    local work=$tmp/stdlib
    build_wheel cext "$work" CC=oxcc PYTHONPATH="$shim" SETUPTOOLS_USE_DISTUTILS=stdlib
    check_log "$work/log" "$ldshared" cext._speedups=cext/_speedups.c
    install_and_check cext "$work"
}

# build_ext -j 4 straight from setup.py: threads share one compiler object.
parallel_setup_py() {
    local work=$tmp/parallel
    mkdir -p "$work"
    cp -r "$fixtures/nested" "$work/src"
    (cd "$work/src" && env CC=oxcc PYTHONPATH="$shim" FAKE_OXCC_LOG="$work/log" \
        FAKE_OXCC_DELAY=1 $py setup.py build_ext -j 4 --inplace)
    check_fixture_log "$work/log" nested --overlap 1
    # check.py drops its own directory from sys.path; the in-place build is
    # found through PYTHONPATH.
    PYTHONPATH=$work/src $py "$fixtures/nested/check.py" | grep -x "OK nested"
}

# The same through pip: setup.cfg asks build_ext for 4 threads.
parallel_pip() {
    local work=$tmp/parallel-pip
    mkdir -p "$work"
    cp -r "$fixtures/nested" "$work/src"
    printf '[build_ext]\nparallel = 4\n' >"$work/src/setup.cfg"
    (cd "$work/src" && env CC=oxcc PYTHONPATH="$shim" FAKE_OXCC_LOG="$work/log" \
        FAKE_OXCC_DELAY=1 $py -m pip wheel --no-deps --no-build-isolation --no-index \
        -w "$work/wheels" .)
    check_fixture_log "$work/log" nested --overlap 1
    install_and_check nested "$work"
}

# CC unset: the shim on PYTHONPATH stays out of the way; oxcc is never run.
inactive_build() {
    local name=$1 work=$tmp/inactive-$1
    build_wheel "$name" "$work" PYTHONPATH="$shim"
    [ ! -s "$work/log" ] || { echo "oxcc was run:"; cat "$work/log"; exit 1; }
    install_and_check "$name" "$work"
}

# Activation is cheap, exact, lazy and idempotent.
activation() {
    local probe='import sys; print("shim" if "oxcc_shim" in sys.modules else "-",
        sum(getattr(f, "_oxcc_shim", False) for f in sys.meta_path),
        "setuptools" if "setuptools" in sys.modules else "-")'
    # Inactive: not even imported.
    [ "$(PYTHONPATH=$shim $py -c "$probe")" = "- 0 -" ]
    [ "$(CC=gcc CXX=g++ PYTHONPATH=$shim $py -c "$probe")" = "- 0 -" ]
    # Looks like oxcc but is not: imported (cheap prefilter), not active.
    [ "$(CC=/opt/oxcc-1.0/bin/gcc PYTHONPATH=$shim $py -c "$probe")" = "shim 0 -" ]
    # Active, yet setuptools is not imported by the shim.
    [ "$(CC=oxcc PYTHONPATH=$shim $py -c "$probe")" = "shim 1 -" ]
    [ "$(CC='ccache oxcc' PYTHONPATH=$shim $py -c "$probe")" = "shim 0 -" ]
    [ "$(CXX="$tmp/bin/oxc++ -O2" PYTHONPATH=$shim $py -c "$probe")" = "shim 1 -" ]
    [ "$(OXCC_SHIM=1 PYTHONPATH=$shim $py -c "$probe")" = "shim 1 -" ]
}

# sitecustomize.py runs the sitecustomize it shadows.
sitecustomize_chain() {
    mkdir -p "$tmp/chain"
    echo 'import builtins; builtins.oxcc_chained = True' >"$tmp/chain/sitecustomize.py"
    for cc in "" oxcc; do
        CC=$cc PYTHONPATH=$shim:$tmp/chain $py -c 'import builtins; assert builtins.oxcc_chained'
    done
}

# Installed mode: the package + .pth in a venv's site-packages.
installed() {
    local venv=$tmp/venv work=$tmp/installed
    $py -m venv --system-site-packages --without-pip "$venv"
    local site
    site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
    cp -r "$shim/oxcc_shim" "$shim/oxcc_shim.pth" "$site/"
    local probe='import sys, oxcc_shim; print(sum(getattr(f, "_oxcc_shim", False) for f in sys.meta_path))'
    [ "$("$venv/bin/python" -c "$probe")" = 0 ]
    [ "$(CC=oxcc "$venv/bin/python" -c "$probe")" = 1 ]
    # Both .pth and sitecustomize.py present: still one finder.
    [ "$(CC=oxcc PYTHONPATH=$shim "$venv/bin/python" -c "$probe")" = 1 ]
    mkdir -p "$work"
    cp -r "$fixtures/cxxext" "$work/src"
    (cd "$work/src" && CC=oxcc FAKE_OXCC_LOG="$work/log" "$venv/bin/python" -m pip wheel \
        --no-deps --no-build-isolation --no-index -w "$work/wheels" .)
    check_fixture_log "$work/log" cxxext
    install_and_check cxxext "$work"
    # Both mechanisms during a real build: still exactly one tag per call.
    work=$tmp/installed-both
    mkdir -p "$work"
    cp -r "$fixtures/nested" "$work/src"
    (cd "$work/src" && CC=oxcc PYTHONPATH=$shim FAKE_OXCC_LOG="$work/log" "$venv/bin/python" \
        -m pip wheel --no-deps --no-build-isolation --no-index -w "$work/wheels" .)
    check_fixture_log "$work/log" nested
    install_and_check nested "$work"
}

# --- run ---------------------------------------------------------------------


echo "driver: ${real:-fake ($fake)}"
check activation activation
check sitecustomize-chain sitecustomize_chain
for f in cext cxxext cyext nested; do
    check "wheel-$f" wheel_fixture "$f"
done
check wheel-cc-path-with-flags wheel_cc_path_with_flags
check wheel-stdlib-distutils wheel_stdlib_distutils
check parallel-setup-py parallel_setup_py
check parallel-pip parallel_pip
check inactive-cext inactive_build cext
check inactive-cxxext inactive_build cxxext
check installed installed

finish

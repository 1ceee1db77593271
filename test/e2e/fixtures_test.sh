#!/usr/bin/env bash
# End to end on the fixtures written here: each package is built into a
# wheel three ways (plain gcc; `oxcc run -- pip wheel`, with the shim;
# plain `CC=oxcc pip wheel`, without it), the wheels are installed and
# checked under /usr/bin/python3, and `oxcc list --json` must name every
# extension with its full dotted name and objects the store really holds.
# Usage: fixtures_test.sh OXCC_BIN_DIR
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
e2e_workdir fixtures
tmp=$t
unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH OXCC_CC OXCC_CXX OXCC_LAUNCHER

# name: the extension modules its wheel must hold (and oxcc must record)
declare -A modules=(
  [cext]="cext._speedups"
  [cxxext]="cxxext._core"
  [cyext]="cyext.fast"
  [nested]="nested.a._impl nested.b.deep._impl"
  [custombuild]="custombuild._impl"
  [cypp]="cypp.vec"
  [cxx2]="cxx2._left cxx2._right"
  [cxxhidden]="cxxhidden._one cxxhidden._two"
  [whereami]="whereami._one whereami._two"
)

# build MODE FIXTURE: builds the wheel into $tmp/MODE/FIXTURE/wheel.
build() {
  local mode=$1 name=$2 work=$tmp/$1/$2
  mkdir -p "$work" && cp -r "$here/fixtures/$name" "$work/src"
  local pipcmd=($py -m pip wheel --no-deps --no-build-isolation --no-index -w "$work/wheel" "$work/src")
  case $mode in
    plain) (cd "$work/src" && "${pipcmd[@]}") ;;
    shim) (cd "$work/src" && OXCC_STORE=$tmp/store-shim "$bin/oxcc" run -- "${pipcmd[@]}") ;;
    bare) (cd "$work/src" && CC=$bin/oxcc OXCC_STORE=$tmp/store-bare "${pipcmd[@]}") ;;
  esac > "$work/build.log" 2>&1 || { tail -15 "$work/build.log"; return 1; }
}

# install_and_check MODE FIXTURE: the wheel holds its .so files and works.
install_and_check() {
  local mode=$1 name=$2 work=$tmp/$1/$2
  $py -m pip install --no-deps --no-index --target "$work/site" "$work"/wheel/*.whl > "$work/install.log" 2>&1
  for m in ${modules[$name]}; do
    local path=$work/site/${m//.//}
    compgen -G "$path.cpython-311-*.so" > /dev/null || { echo "no $m in the wheel"; return 1; }
  done
  (cd "$work" && PYTHONPATH=$work/site $py "$here/fixtures/$name/check.py")
}

# check_store STORE NAME_FROM MODULE...: list --json names each module,
# learnt the way expected, and every object it names is in the store.
check_store() {
  local store=$1 from=$2; shift 2
  OXCC_STORE=$store "$bin/oxcc" list --json > "$store.list.json"
  $py - "$store" "$from" "$@" <<'PY'
import json, os, sys
store, name_from, want = sys.argv[1], sys.argv[2], sys.argv[3:]
exts = {e["module"]: e for e in json.load(open(store + ".list.json"))["extensions"]}
for m in want:
    e = exts.get(m)
    assert e, f"{m} not recorded (have {sorted(exts)})"
    assert e["name_from"] == name_from, f"{m}: name from {e['name_from']}, want {name_from}"
    assert e["init"] == "PyInit_" + m.rsplit(".", 1)[-1], e["init"]
    assert e["objects"], f"{m}: no objects"
    for oid in e["objects"]:
        path = os.path.join(store, "objects", oid[:2], oid + ".o")
        assert os.path.isfile(path), f"{m}: object {oid} missing"
PY
}

for name in cext cxxext cyext nested custombuild cypp cxx2 cxxhidden whereami; do
  check "$name: plain gcc wheel works" bash -c "$(declare -f build install_and_check); $(declare -p modules tmp here py bin); build plain $name && install_and_check plain $name"
  check "$name: oxcc run -- pip wheel works" bash -c "$(declare -f build install_and_check); $(declare -p modules tmp here py bin); build shim $name && install_and_check shim $name"
  check "$name: recorded with exact names (shim)" bash -c "$(declare -f check_store); $(declare -p tmp py bin); check_store $tmp/store-shim shim ${modules[$name]}"
  # Without the shim C++ extensions link through g++ (setuptools' CXX) and
  # are not seen: that is what the shim is for.
  [[ $name == cxxext || $name == custombuild || $name == cypp || $name == cxx2 || $name == cxxhidden ]] && continue
  check "$name: CC=oxcc pip wheel works (no shim)" bash -c "$(declare -f build install_and_check); $(declare -p modules tmp here py bin); build bare $name && install_and_check bare $name"
  check "$name: recorded with names from build/lib.* (no shim)" bash -c "$(declare -f check_store); $(declare -p tmp py bin); check_store $tmp/store-bare path ${modules[$name]}"
done

# C++: the shim routed the link through oxc++, so the record says c++.
check "cxxext: language c++" bash -c "OXCC_STORE=$tmp/store-shim '$bin/oxcc' list --json | grep -q '\"module\": \"cxxext._core\", \"init\": \"PyInit__core\", \"name_from\": \"shim\", \"language\": \"c++\"'"
# A build_ext subclass linking by hand (as brotli does): still tagged and
# routed through oxc++.
check "custombuild: language c++ (own build_extension)" bash -c "OXCC_STORE=$tmp/store-shim '$bin/oxcc' list --json | grep -q '\"module\": \"custombuild._impl\", \"init\": \"PyInit__impl\", \"name_from\": \"shim\", \"language\": \"c++\"'"
# Cython: its objects are recognised, with the .pyx they came from.
check "cyext: Cython object recognised" bash -c "grep -l 'generator: \"cython 0\.29' $tmp/store-shim/objects/*/*.yaml | xargs grep -q 'generator_source: \".*cyext/fast.pyx\"'"
# Cython as C++ (`# distutils: language = c++`): the object is c++, made
# from its .pyx, and the extension is c++; two C++ extensions of one package.
check "cypp: Cython C++ object recorded as c++ with its .pyx" bash -c "grep -l 'generator_source: \".*cypp/vec.pyx\"' $tmp/store-shim/objects/*/*.yaml | xargs grep -q 'language: \"c++\"'"
check "cypp: language c++" bash -c "OXCC_STORE=$tmp/store-shim '$bin/oxcc' list --json | grep -q '\"module\": \"cypp.vec\", \"init\": \"PyInit_vec\", \"name_from\": \"shim\", \"language\": \"c++\"'"
check "cxx2: both extensions c++" bash -c "OXCC_STORE=$tmp/store-shim '$bin/oxcc' list --json > $tmp/cxx2.json && grep -q '\"module\": \"cxx2._left\", .*\"language\": \"c++\"' $tmp/cxx2.json && grep -q '\"module\": \"cxx2._right\", .*\"language\": \"c++\"' $tmp/cxx2.json"
check "stores verify clean" bash -c "OXCC_STORE=$tmp/store-shim '$bin/oxcc' store verify && OXCC_STORE=$tmp/store-bare '$bin/oxcc' store verify"

finish

#!/usr/bin/env bash
# musl_corpus_test.sh OXCC_BIN_DIR [TARGET]
#
# Issue 4's acceptance test: markupsafe (C), brotli (C++, vendored C
# library) and cytoolz (Cython, five extensions), fetched as Debian source
# packages (shared/corpus.txt), are CROSS-built for TARGET (default
# x86_64-linux-musl) with
#   oxcc run --target TARGET -- /usr/bin/python3 -m pip wheel ...
# (pip and setuptools run on the host Python; every compile uses the
# target's compiler and the target distribution's headers), then linked by
# `oxcc link --python TARGET` into ONE executable together with pytest and
# toolz (a --pure directory, as in corpus_link_test.sh).
#
# x86_64-linux-musl: `file` must say statically linked, and each package's
# own suite runs in an EMPTY root (utils/in-empty-root DIR: DIR holds only the
# binary and the copied test files, no /usr, no /lib, no /proc) and must
# report the same pass counts as under /usr/bin/python3 with the same
# packages built natively (the plain side: no oxcc in it, so the native
# wheels and python3's runs come from the tests' cache when their inputs
# were seen before, corpus_lib.sh's plain_wheel and plain_suite, the same
# entries as corpus_test.sh's).
# x86_64-linux-gnu (a source distribution): ldd must list only libc, libm
# and the dynamic loader; the suites run in place.
#
# No distribution for TARGET (`oxcc python build --target TARGET` not run):
# prints SKIP and exits 77 (ctest: skipped). OXCC_KEEP_TMP=1 keeps the temp dir.
# The tests_* recipes are called by name, which shellcheck cannot see.
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"

if (($# < 1 || $# > 2)); then
  echo "usage: musl_corpus_test.sh OXCC_BIN_DIR [x86_64-linux-musl|x86_64-linux-gnu]" >&2
  exit 2
fi
bin=$(cd "$1" && pwd)
target=${2:-x86_64-linux-musl}
oxcc=$bin/oxcc
if [[ ! -x $oxcc ]]; then
  echo "musl_corpus_test.sh: $oxcc is not an executable" >&2
  exit 2
fi

# The distribution, found the way oxcc finds it (docs/python-distributions.md).
cache=$OXCC_CACHE
if [[ -z ${OXCC_PYTHON:-} && ! -s $cache/python/$target.current ]]; then
  echo "SKIP e2e ($target corpus): no $target Python distribution in $cache/python" \
    "(build one first: oxcc python build --target $target)"
  exit 77
fi

unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH PYTHONHOME OXCC_CC OXCC_CXX OXCC_LAUNCHER OXCC_DISABLE
unset OXCC_TARGET OXCC_TARGET_INCLUDE OXCC_TARGET_HOST_INCLUDES
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

e2e_workdir "$target-corpus"
export OXCC_STORE=$t/store
app=$t/app

names=(markupsafe brotli python-cytoolz)
declare -A wheel=() host_wheel=() src=()

step_timeout=900

# shellcheck source=corpus_lib.sh
source "$(dirname "$0")/corpus_lib.sh"

# 1. Each package built twice: for TARGET through oxcc (cross, from a
# fresh copy, every run), and natively by plain pip (the reference for the
# pass counts; cached by its inputs, plain_wheel).
build() {  # NAME SRC KIND(cross|host)
  local d=$t/build/$1/$3
  if [[ $3 == cross ]]; then
    mkdir -p "$d/tmp"
    cp -a "$2" "$d/src"
    (cd "$d/src" && TMPDIR=$d/tmp timeout "$step_timeout" "$oxcc" run --target "$target" -- \
      "$py" -m pip wheel -v --no-deps --no-build-isolation --no-index --no-cache-dir -w "$d/wheel" .)
  else
    plain_wheel "$1" "$2" "$d"
  fi
}
declare -A pid=()
for name in "${names[@]}"; do
  mkdir -p "$t/build/$name"
  if ! src[$name]=$("$repo/utils/fetch-corpus" "$name" 2>"$t/build/$name/fetch.log"); then
    fail "fetch $name" "$(tail -n 1 "$t/build/$name/fetch.log")"
    continue
  fi
  for kind in cross host; do
    build "$name" "${src[$name]}" $kind >"$t/build/$name/$kind.log" 2>&1 &
    pid[$name.$kind]=$!
  done
done
for name in "${names[@]}"; do
  for kind in cross host; do
    [[ -n ${pid[$name.$kind]:-} ]] || continue
    log=$t/build/$name/$kind.log
    what="$name wheel ($([[ $kind == cross ]] && echo "oxcc run --target $target" || echo native))"
    if ! wait "${pid[$name.$kind]}"; then
      fail "$what" "build failed" "$log"
      continue
    fi
    whl=("$t/build/$name/$kind/wheel"/*.whl)
    # shellcheck disable=SC2086 # the module lists split on spaces
    if [[ ! -f ${whl[0]} ]]; then
      fail "$what" "the build made no wheel" "$log"
    elif ! check_wheel "${whl[0]}" ${corpus_modules[$name]} >"$t/build/$name/$kind.check" 2>&1; then
      fail "$what" "$(tail -n 1 "$t/build/$name/$kind.check")"
    elif [[ $kind == host ]]; then
      host_wheel[$name]=${whl[0]}
    else
      wheel[$name]=${whl[0]}
      pass "$what: $(basename "${whl[0]}")"
    fi
  done
done
((${#wheel[@]} == ${#names[@]} && ${#host_wheel[@]} == ${#names[@]})) || finish

# The cross-built extensions are the target's: a musl .so needs musl's
# libc.so, never glibc's libc.so.6; and the records carry the target.
if [[ $target == x86_64-linux-musl ]]; then
  bad=()
  for name in "${names[@]}"; do
    x=$t/build/$name/cross/unpacked
    "$py" -m zipfile -e "${wheel[$name]}" "$x"
    while IFS= read -r so; do
      needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
      [[ $needed == "libc.so " ]] || bad+=("$(basename "$so"): $needed")
    done < <(find "$x" -name '*.so')
  done
  if ((${#bad[@]})); then
    fail "extensions built for musl" "NEEDED is not musl's libc.so alone: ${bad[*]}"
  else
    pass "every extension .so was linked against musl (NEEDED libc.so only)"
  fi
fi
"$oxcc" list --json >"$t/list.json"
# shellcheck disable=SC2086 # the module lists split on spaces
if "$py" - "$t/list.json" "$target" ${corpus_modules[markupsafe]} ${corpus_modules[brotli]} \
  ${corpus_modules[python-cytoolz]} >"$t/list.log" 2>&1 <<'PY'; then
import json, sys
path, target, *want = sys.argv[1:]
got = {e["module"]: e["target"] for e in json.load(open(path))["extensions"]}
bad = [f"{m}: {got.get(m)}" for m in want if got.get(m) != target]
sys.exit("records not for " + target + ": " + ", ".join(bad) if bad else 0)
PY
  pass "oxcc list: every extension recorded for $target"
else
  fail "records" "wrong target" "$t/list.log"
fi

# 2. pytest and toolz for inside the binary (as in corpus_link_test.sh).
pure=$t/pure
mkdir -p "$pure"
for e in _pytest pytest 'pytest-*.dist-info' py.py pluggy 'pluggy-*.egg-info' iniconfig \
  'iniconfig-*.egg-info' packaging 'packaging-*.dist-info' attr attrs 'attrs-*.dist-info' \
  toolz tlz 'toolz-*.egg-info'; do
  # shellcheck disable=SC2206 # the glob is meant
  found=($dist/$e)
  if [[ ! -e ${found[0]} ]]; then
    fail "pure-Python dependencies" "$e is not in $dist (apt-get install python3-pytest python3-toolz)"
    finish
  fi
  cp -a "${found[@]}" "$pure/"
done
find "$pure" -name __pycache__ -prune -exec rm -rf {} +

# 3. ONE executable on the target's Python distribution.
if ! timeout "$step_timeout" "$oxcc" link --python "$target" -o "$app" --wheel "${wheel[markupsafe]}" \
  --wheel "${wheel[brotli]}" --wheel "${wheel[python-cytoolz]}" --pure "$pure" >"$t/link.log" 2>&1; then
  fail "oxcc link --python $target" "failed" "$t/link.log"
  finish
elif [[ ! -x $app ]]; then
  fail "oxcc link --python $target" "succeeded but wrote no executable $app" "$t/link.log"
  finish
fi
pass "oxcc link --python $target: one executable of $(du -m "$app" | cut -f1) MB"

# 4. What it depends on at run time.
if [[ $target == x86_64-linux-musl ]]; then
  if file -L "$app" | grep -q 'statically linked'; then
    pass "file: statically linked"
  else
    fail "file" "not statically linked: $(file -L "$app")"
  fi
else
  ldd "$app" >"$t/ldd.log" 2>&1 || true
  extra=$(awk '{print $1}' "$t/ldd.log" | grep -vE '^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|/lib64/ld-linux-x86-64\.so\.2)$' || true)
  if [[ -z $extra ]] && grep -q 'libc.so.6' "$t/ldd.log"; then
    pass "ldd: only libc, libm and the loader"
  else
    fail "ldd" "other libraries: $(echo "$extra" | tr '\n' ' ')" "$t/ldd.log"
  fi
fi

# Where the binary runs the suites: musl, in an empty root holding only the
# binary and the test files (the recipes copy them in; the working
# directory maps to the same place inside); gnu, in place.
root=$t/root
mkdir -p "$root"
if [[ $target == x86_64-linux-musl ]]; then
  cp "$app" "$root/app"
  # pytest's output capture opens /dev/null: the one thing from the host
  # (utils/in-empty-root --dev-null).
  "$here/../../utils/in-empty-root" --check > /dev/null || exit 77
  inroot=$t/inroot
  cat >"$inroot" <<EOF
#!/bin/sh
# Runs the binary as /app in the empty root $root, in the directory that
# corresponds to the caller's (/ when outside the root).
case \$PWD/ in $root/*) wd=\${PWD#$root} ;; *) wd=/ ;; esac
exec "$here/../../utils/in-empty-root" --dev-null --wd "\${wd:-/}" "$root" /app "\$@"
EOF
  chmod +x "$inroot"
  run_app=$inroot
  app_tmp=/ # the root's own /: nothing else is writable in there
  if "$inroot" -c 'import os, sys; print(sorted(os.listdir("/")), os.listdir("/dev"), sys.executable)' >"$t/root.log" 2>&1 &&
    grep -qx "\['app', 'dev'\] \['null'\] /app" "$t/root.log"; then
    pass "the binary runs in an empty root (/ holds only app and dev/null)"
  else
    fail "empty root" "the binary does not run there, or / holds more" "$t/root.log"
  fi
else
  run_app=$app
  app_tmp=$t/tmp
  mkdir -p "$app_tmp"
fi

# 5. Each suite: under python3 against the native wheel (plain_suite:
# cached by its inputs), and inside the binary (every run). Same pass
# counts, nonzero, no failure.
where="the $target binary"
[[ $target != x86_64-linux-musl ]] || where+=" (empty root)"
for name in "${names[@]}"; do
  compare_suite "$name" "${host_wheel[$name]}" "${src[$name]}" "$t/run/$name" "$run_app" \
    --app-dir "$root/$name" --app-tmp "$app_tmp" --where "$where" --plain
done

# The extensions answered as built-ins of the binary, not from any file.
if "$run_app" -c '
import sys, markupsafe, brotli, cytoolz
for m in ("markupsafe._speedups", "_brotli", "cytoolz.itertoolz", "cytoolz.dicttoolz"):
    assert m in sys.builtin_module_names, m
assert brotli.decompress(brotli.compress(b"oxcc" * 100)) == b"oxcc" * 100
print("ok")' >"$t/builtins.log" 2>&1; then
  pass "every extension is a built-in of the $target binary"
else
  fail "built-ins" "see log" "$t/builtins.log"
fi

finish

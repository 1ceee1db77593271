#!/usr/bin/env bash
# oxcc build, as a user runs it: the example project (examples/exprcalc: a C
# extension of its own, markupsafe native, ply pure, its console script in
# pyproject.toml) from a --find-links directory of sdists made from Debian
# source packages, in one command, into one binary that passes the app's own
# checks; a second build with nothing changed (its time printed, never
# asserted); then bad input,
# each with one clear error and no binary written: an ambiguous entry point
# (and --entries all, which puts both in one binary),
# a requirement nobody offers, a dependency that does not compile, a binary
# wheel oxcc did not build (and the same wheel with its sdist beside it,
# which is built again).
# build_test.sh BIN x86_64-linux-musl: the same command with --target, the
# static binary run in an empty root (exit 77 without the distribution).
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
target=${2:-}
e2e_bin_dir "$1"
e2e_clean_env
e2e_workdir build
export OXCC_STORE=$t/store

# The sdists: Debian's orig tarballs, named as pip's finder reads them
# (NAME-VERSION.tar.gz).
links=$t/links
mkdir -p "$links"
for name in markupsafe ply; do
  if ! src=$("$repo/utils/fetch-corpus" "$name" 2>"$t/fetch.log"); then
    fail "fetch $name" "$(tail -n 1 "$t/fetch.log")"
    finish
  fi
  tar czf "$links/$(basename "$src").tar.gz" -C "$(dirname "$src")" "$(basename "$src")"
done
# pip builds a project in its tree (build/, *.egg-info): a copy, never the repo.
cp -r "$repo/examples/exprcalc" "$t/exprcalc"

# With a target: the same command with --target, run in an empty root.
if [[ -n $target ]]; then
  if [[ ! -f $OXCC_CACHE/python/$target.current ]] || ! "$repo/utils/in-empty-root" --check >/dev/null; then
    echo "SKIP no $target distribution in $OXCC_CACHE (e2e.pybuild builds it), or no way to an empty root"
    exit 77
  fi
  check "oxcc build --target $target" \
    "$oxcc" build "$t/exprcalc" -o "$t/static/exprcalc" --target "$target" --no-index --find-links "$links"
  check_that "the binary is static" "file '$t/static/exprcalc' | grep -q 'statically linked'"
  mkdir -p "$t/root" && cp "$t/static/exprcalc" "$t/root/exprcalc"
  check_that "it passes the app's checks in an empty root" \
    "[[ \$('$repo/utils/in-empty-root' '$t/root' /exprcalc --selftest) == 'selftest: 11 ok, 0 failed' ]]"
  check_that "markupsafe escapes in it" \
    "[[ \$('$repo/utils/in-empty-root' '$t/root' /exprcalc --html '1 < 2') == '<p>1 &lt; 2 = 1</p>' ]]"
  finish
fi

# 1. One command, one binary.
app=$t/out/exprcalc
mkdir -p "$t/out"
if "$oxcc" build "$t/exprcalc" -o "$app" --no-index --find-links "$links" >"$t/build1.log" 2>&1; then
  pass "oxcc build makes the binary"
else
  fail "oxcc build makes the binary" "exit $?" "$t/build1.log"
  finish
fi
check_that "one line per stage: wheels, entry point, link" "grep -q '^oxcc build: 3 wheels: ' '$t/build1.log' &&
  grep -q '^oxcc build: entry point: exprcalc = exprcalc.cli:main$' '$t/build1.log' &&
  grep -q '^oxcc build: linking $app$' '$t/build1.log'"
check_that "the closing line names the binary, its size and contents" \
  "tail -n 1 '$t/build1.log' | grep -qE '^oxcc build: $app \\([0-9.]+ MB\\): 3 packages \\(2 native\\), 2 extension modules$'"
check_that "the app's own checks pass inside it" "[[ \$('$app' --selftest) == 'selftest: 11 ok, 0 failed' ]]"
check_that "markupsafe escapes (its C speedups built in)" \
  "[[ \$('$app' --html '1 < 2') == '<p>1 &lt; 2 = 1</p>' ]]"
check_that "a bad expression: the app's message and exit 1" \
  "! '$app' '1 +' 2>'$t/err' && grep -q 'exprcalc: 1 +: unexpected end of input' '$t/err'"
check_that "both extensions were compiled through oxcc" \
  "'$oxcc' list > '$t/list' && grep -q '^exprcalc._num ' '$t/list' && grep -q '^markupsafe._speedups ' '$t/list'"

# 2. Nothing changed: no pip, a no-op link. The time goes to the log.
start=$(date +%s%N)
if "$oxcc" build "$t/exprcalc" -o "$app" --no-index --find-links "$links" >"$t/build2.log" 2>&1; then
  pass "a second oxcc build with nothing changed ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
else
  fail "a second oxcc build with nothing changed" "exit $?" "$t/build2.log"
fi
check_that "it built no wheel again" "grep -q '^oxcc build: wheels are up to date' '$t/build2.log'"

# 3. Bad input: one clear error, the right exit code, no binary.
refused() {  # WHAT EXIT PATTERN -- ARGS...: oxcc build ARGS fails with EXIT, says PATTERN, writes no APP
  local what=$1 want=$2 pattern=$3 out status=0
  shift 4
  out=$t/refused/$(echo "$what" | tr -c 'a-z0-9' _)
  "$oxcc" build "$@" -o "$out" >"$out.log" 2>&1 || status=$?
  if [[ $status -ne $want ]]; then
    fail "$what" "exit $status, not $want" "$out.log"
  elif ! grep -qE -- "$pattern" "$out.log"; then
    fail "$what" "no line matching: $pattern" "$out.log"
  elif [[ -e $out ]]; then
    fail "$what" "a binary was written" "$out.log"
  else
    pass "$what"
  fi
}
mkdir -p "$t/refused"

cp -r "$repo/examples/exprcalc" "$t/twoscripts"
sed -i 's/^exprcalc = "exprcalc.cli:main"$/exprcalc = "exprcalc.cli:main"\nexprcalc-selftest = "exprcalc.cli:selftest"/' \
  "$t/twoscripts/pyproject.toml"
refused "an ambiguous entry point lists the candidates" 2 \
  "ambiguous entry point: exprcalc has 2 console scripts \(exprcalc, exprcalc-selftest\): pick one with --entry NAME" \
  -- "$t/twoscripts" --no-index --find-links "$links"
refused "an unknown --entry lists the console scripts" 2 \
  "--entry nope: exprcalc has no such console script \(it has: exprcalc, exprcalc-selftest\)" \
  -- "$t/twoscripts" --entry nope --no-index --find-links "$links"

# Several console scripts in one binary, chosen by the name it runs as.
mkdir -p "$t/multi"
check "--entries all: every console script in one binary" \
  "$oxcc" build "$t/twoscripts" -o "$t/multi/exprcalc-all" --entries all --no-index --find-links "$links"
check_that "a link per command beside it" "[[ -L '$t/multi/exprcalc' && -L '$t/multi/exprcalc-selftest' ]]"
check_that "run as exprcalc-selftest, it runs that script" \
  "[[ \$('$t/multi/exprcalc-selftest') == 'selftest: 11 ok, 0 failed' ]]"
check_that "run as exprcalc, that one" "[[ \$('$t/multi/exprcalc' '2 ** 5') == '2 ** 5 = 32' ]]"
check_that "under its own name, the command is its first argument" \
  "[[ \$('$t/multi/exprcalc-all' exprcalc '1 + 1') == '1 + 1 = 2' ]]"
check_that "with no command, it lists them and exits 2" \
  "'$t/multi/exprcalc-all' 2> '$t/multi.err'; [[ \$? -eq 2 ]] &&
   grep -q 'run as one of: exprcalc, exprcalc-selftest' '$t/multi.err'"

cp -r "$repo/examples/exprcalc" "$t/missing"
sed -i 's/^dependencies = \["markupsafe", "ply"\]$/dependencies = ["markupsafe", "ply", "nosuchpkg>=1"]/' \
  "$t/missing/pyproject.toml"
refused "a requirement nobody offers is named" 1 \
  "Could not find a version that satisfies the requirement nosuchpkg" \
  -- "$t/missing" --no-index --find-links "$links"

# A package whose C does not compile, offered as an sdist.
make_pkg() {  # DIR NAME C-BODY
  mkdir -p "$1/$2"
  echo "" >"$1/$2/__init__.py"
  printf '#include <Python.h>\n%s\nstatic struct PyModuleDef d = {PyModuleDef_HEAD_INIT, "%s._c", 0, -1, 0};\nPyMODINIT_FUNC PyInit__c(void) { return PyModule_Create(&d); }\n' \
    "$3" "$2" >"$1/$2/_c.c"
  printf 'from setuptools import Extension, setup\nsetup(name="%s", version="1.0", packages=["%s"], ext_modules=[Extension("%s._c", ["%s/_c.c"])])\n' \
    "$2" "$2" "$2" "$2" >"$1/setup.py"
}
badlinks=$t/badlinks
mkdir -p "$badlinks" "$t/src"
cp "$links"/*.tar.gz "$badlinks/"
make_pkg "$t/src/brokenpkg-1.0" brokenpkg 'int broken(void) { return missing_symbol_here; }'
tar czf "$badlinks/brokenpkg-1.0.tar.gz" -C "$t/src" brokenpkg-1.0
cp -r "$repo/examples/exprcalc" "$t/broken"
sed -i 's/^dependencies = \["markupsafe", "ply"\]$/dependencies = ["markupsafe", "ply", "brokenpkg"]/' \
  "$t/broken/pyproject.toml"
refused "a dependency that fails to build is named, with its compiler's error" 1 \
  "pip could not make the wheels: brokenpkg failed to build" \
  -- "$t/broken" --no-index --find-links "$badlinks"
check_that "and the compiler's error is in the message" \
  "grep -qE 'error: .missing_symbol_here. undeclared' '$t'/refused/a_dependency*.log"

# A binary wheel that plain gcc built: refused without its sdist, built
# again from its sdist when there is one.
make_pkg "$t/src/nativepkg-1.0" nativepkg 'int native(void) { return 1; }'
forlinks=$t/foreignlinks
mkdir -p "$forlinks"
cp "$links"/*.tar.gz "$forlinks/"
(cd "$t/src/nativepkg-1.0" && "$py" -m pip wheel -q --no-deps --no-build-isolation --no-index -w "$forlinks" .) \
  >"$t/nativepkg.log" 2>&1 || fail "plain pip wheel of nativepkg" "failed" "$t/nativepkg.log"
rm -rf "$t/src/nativepkg-1.0/build" "$t/src/nativepkg-1.0"/*.egg-info
cp -r "$repo/examples/exprcalc" "$t/foreign"
sed -i 's/^dependencies = \["markupsafe", "ply"\]$/dependencies = ["markupsafe", "ply", "nativepkg"]/' \
  "$t/foreign/pyproject.toml"
refused "a binary wheel oxcc did not build, without its sdist, is refused by name" 1 \
  "nativepkg 1.0: nativepkg-1.0-.*\.whl is a binary wheel whose nativepkg._c oxcc did not build" \
  -- "$t/foreign" --no-index --find-links "$forlinks"
tar czf "$forlinks/nativepkg-1.0.tar.gz" -C "$t/src" nativepkg-1.0
rm -rf "$t/foreign/build" "$t/foreign"/*.egg-info
check "with its sdist beside it, the binary wheel is built again through oxcc" \
  "$oxcc" build "$t/foreign" -o "$t/out/foreign" --no-index --find-links "$forlinks"
check_that "and the rebuilt extension is built in" "[[ \$('$t/out/foreign' --selftest) == 'selftest: 11 ok, 0 failed' ]] && '$oxcc' list | grep -q '^nativepkg._c '"

finish

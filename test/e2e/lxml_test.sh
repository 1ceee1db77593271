#!/usr/bin/env bash
# lxml_test.sh OXCC_BIN_DIR [--target x86_64-linux-musl]
#
# lxml 4.9.2 (Debian source package `lxml`, ../shared/corpus.txt) built
# through `oxcc run -- pip wheel` against Debian's libxml2 and libxslt.
# Debian ships libxml2.a but no libxslt.a/libexslt.a: `oxcc link` builds
# them from the libxslt source package (`oxcc python lib libxslt`, cached)
# and learns what they need from their .pc files (libxml2, ICU, lzma, zlib).
# lxml.etree and lxml.objectify both link libxml2/libxslt: one copy of each
# in the binary, shared by both, as one .so is in a normal install.
# lxml.isoschematron hands libxml2 paths of its .xsl files, so the package
# is extracted (--package-data=extract:lxml). lxml's own tests
# (src/lxml/tests, src/lxml/html/tests: unittest cases and doctests, as
# its test.py collects them) pass inside the binary with python3's counts
# on the same wheel. --allow-shared-deps keeps the whole chain shared.
#
# --target x86_64-linux-musl: libxml2 (without ICU) and libxslt built for
# musl first (`oxcc python lib libxslt --target`, into the target prefix
# `oxcc run --target` presents: their pkg-config files are the only ones
# the build sees), lxml cross-built, linked fully static, and its tests run
# in an EMPTY root against python3 on the host build. Skipped (77) without
# a musl distribution.
# Each lxml build (about 2 minutes) is cached in $OXCC_CACHE/lxml-build.
# OXCC_KEEP_TMP=1 keeps the temp dir.
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
(($# == 1 || $# == 3)) || { echo "usage: lxml_test.sh OXCC_BIN_DIR [--target x86_64-linux-musl]" >&2; exit 2; }
bin=$(cd "$1" && pwd)
target=
[[ ${2:-} == --target ]] && target=$3
e2e_need_dist "$target"
unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH PYTHONHOME OXCC_CC OXCC_CXX OXCC_LAUNCHER OXCC_DISABLE
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
# shellcheck source=corpus_lib.sh
source "$here/corpus_lib.sh" # cached_build
# shellcheck source=heavy_lib.sh
source "$here/heavy_lib.sh" # heavy_build_lxml
e2e_workdir "lxml${target:+-$target}"
export XDG_CACHE_HOME=$t/xdg
step_timeout=900
runner=$here/fixtures/lxml_suite/run_suite.py

src=$("$repo/utils/fetch-corpus" lxml 2> "$t/fetch.log") || { fail "fetch lxml" "$(tail -n 1 "$t/fetch.log")"; finish; }

# The wheel and its store for a target ("": the host), cached
# (heavy_lib.sh). Sets $cached.
build_lxml() {  # TARGET
  local tgt=$1
  if ! heavy_build_lxml "$tgt"; then
    fail "oxcc run ${tgt:+--target $tgt }-- pip wheel lxml 4.9.2" "build failed" "$heavy_log"
    return 1
  elif [[ -n $heavy_seconds ]]; then
    pass "oxcc run ${tgt:+--target $tgt }-- pip wheel lxml 4.9.2 ($heavy_seconds s)"
  else
    pass "lxml wheel and store${tgt:+ for $tgt} from the cache ($(basename "$cached"))"
  fi
}
build_lxml "" || finish
ref_whl=$(compgen -G "$cached/wheel/lxml-4.9.2-*.whl" | head -n 1)
if [[ -n $target ]]; then
  # The libraries for the target, found by pkg-config under oxcc run.
  if "$bin/oxcc" python lib libxslt --target "$target" > "$t/lib.log" 2>&1 &&
     "$bin/oxcc" run --target "$target" -- pkg-config --cflags libxslt > "$t/pc.log" 2>&1 &&
     grep -q "python/target/$target/include/libxml2" "$t/pc.log"; then
    pass "oxcc python lib libxslt --target $target: libxml2 and libxslt for $target, found by pkg-config under oxcc run"
  else
    fail "oxcc python lib libxslt --target $target" "see logs" "$t/lib.log"; cat "$t/pc.log"; finish
  fi
  build_lxml "$target" || finish
fi
export OXCC_STORE=$cached/store
whl=$(compgen -G "$cached/wheel/lxml-4.9.2-*.whl" | head -n 1)
link_flags=(${target:+--python "$target"} --wheel "$whl")

app=$t/lxml-app
"$bin/oxcc" link --explain -o "$app" "${link_flags[@]}" > "$t/explain.log" 2>&1 || true
if timeout "$step_timeout" "$bin/oxcc" link -o "$app" "${link_flags[@]}" --package-data=extract:lxml \
    > "$t/link.log" 2>&1; then
  pass "oxcc link: lxml in $(du -m "$app" | cut -f1) MB (stripped)"
else
  fail "oxcc link" "failed" "$t/link.log"; sed 's/^/    /' "$t/explain.log" | head -30; finish
fi
if [[ -n $target ]]; then
  if file "$app" | grep -q "statically linked" &&
     grep -qE -- "-lxml2: archive .*/(python/target/$target/lib|$target-libxml2-[^ ]*/lib)/libxml2.a \(shared by 2 extensions" \
       "$t/explain.log"; then
    pass "statically linked, one libxml2 (built for $target) for lxml.etree and lxml.objectify"
  else
    fail "static, one libxml2" "$(file "$app")" "$t/explain.log"
  fi
else
  if grep -q -- "-lxslt: archive .*/lib/libxslt.a .*built from Debian source by \`oxcc python lib libxslt\`" "$t/explain.log" &&
     grep -q -- "-lexslt: archive .*/lib/libexslt.a .*built from Debian source" "$t/explain.log" &&
     grep -q -- "-licuuc: archive .*(shared by 2 extensions" "$t/explain.log"; then
    pass "--explain: libxslt.a/libexslt.a built from the libxslt source package; ICU from libxml2's chain, shared"
  else
    fail "--explain: recipe archives" "not shown" "$t/explain.log"
  fi
  if ldd "$app" > "$t/ldd.log" 2>&1; ! grep -qE 'libxml2|libxslt|libexslt|libicu|liblzma' "$t/ldd.log"; then
    pass "ldd lists no libxml2, libxslt, libexslt, ICU"
  else
    fail "ldd" "an XML library is still dynamic" "$t/ldd.log"
  fi
  # One copy: a libxml2 function defined once in the whole binary (its
  # symbols are in APP.debug); a private copy per extension would add
  # local definitions.
  n=$(nm "$app.debug" 2> /dev/null | grep -cE ' [Tt] xmlParseDocument$' || true)
  if [[ $n == 1 ]]; then
    pass "one copy of libxml2 for lxml.etree and lxml.objectify"
  else
    fail "one copy of libxml2" "xmlParseDocument defined $n times"
  fi
fi

# lxml's tests, laid out as in its tree (doctests read ../../../doc/*.txt,
# some tests samples/ from the working directory); for musl inside the
# empty root, with the binary and the runner.
root=$t/root
tree=$root/tree
mkdir -p "$tree/src/lxml/html" "$root/cache" "$root/tmp"
cp -a "$src/src/lxml/tests" "$tree/src/lxml/"
cp -a "$src/src/lxml/html/tests" "$tree/src/lxml/html/"
cp -a "$src/doc" "$src/samples" "$tree/"
cp "$runner" "$root/run_suite.py"
site=$t/site
mkdir -p "$site" && (cd "$site" && "$py" -m zipfile -e "$ref_whl" .)
# musl: left out (both runs), each where the static musl binary cannot do
# what python3 does on glibc:
#  - test_external_document_adoption: ctypes.pythonapi looks up a C-API
#    function by name (dlsym), which a static binary has no table for;
#  - test_incremental_xmlfile's test_encoding (5 classes): 'utf16' goes to
#    the C library's iconv, and musl's writes UTF-16 big-endian without a
#    byte order mark, where glibc's writes one (Python reads it back as
#    little-endian).
skip=()
[[ -z $target ]] || skip=(--skip test_external_document_adoption --skip test_incremental_xmlfile:test_encoding)
run_suite() {  # OUT PYTHON...
  local out=$1; shift
  (cd "$tree" && timeout "$step_timeout" "$@" "${skip[@]}") > "$out" 2> "$out.err" || true
}
# -S: only the wheel, not whatever dist-packages holds (cssselect, html5lib
# would add tests the binary, which has neither, skips).
run_suite "$t/python3.out" env PYTHONPATH="$site" "$py" -S "$runner" .
if [[ -n $target ]]; then
  cp "$app" "$root/app"
  "$repo/utils/in-empty-root" --check > /dev/null 2>&1 ||
    { echo "SKIP: utils/in-empty-root cannot make an empty root here"; exit 77; }
  run_suite "$t/app.out" env XDG_CACHE_HOME=/cache "$repo/utils/in-empty-root" --dev-null --wd /tree \
    "$root" /app /run_suite.py .
else
  run_suite "$t/app.out" "$app" "$runner" .
fi
ref=$(grep '^ran ' "$t/python3.out" || true)
got=$(grep '^ran ' "$t/app.out" || true)
if [[ -n $ref && $ref == "$got" && ${ref#ran } != 0* ]] &&
   diff <(grep -E '^(FAIL|ERROR) ' "$t/python3.out") <(grep -E '^(FAIL|ERROR) ' "$t/app.out") > "$t/diff.log"; then
  pass "lxml's own tests inside the ${target:+$target }binary${target:+ in an empty root}: $got, as python3 (the same tests failing)"
else
  fail "lxml's own tests" "python3: '${ref:-no summary}', binary: '${got:-no summary}'" "$t/app.out.err"
  grep -E '^(FAIL|ERROR) ' "$t/app.out" | head -10 | sed 's/^/    /' || true
fi
[[ -z $target ]] || finish

# Without extraction, the package's code cannot hand libxml2 a path of its
# data; the link said so.
if "$bin/oxcc" link -o "$t/mem-app" "${link_flags[@]}" > "$t/link-mem.log" 2>&1 &&
   grep -q "note: package lxml ships .* data files .*--package-data=extract:lxml" "$t/link-mem.log" &&
   ! "$t/mem-app" -c 'import lxml.isoschematron' > "$t/mem.log" 2>&1 &&
   grep -q "XSD2Schtrn.xsl" "$t/mem.log"; then
  pass "default --package-data=memory: the link notes lxml's data, isoschematron needs extraction"
else
  fail "package data note" "see logs" "$t/mem.log"
fi

# --allow-shared-deps: lxml.etree and lxml.objectify stay shared objects
# linked against libxslt.so, libexslt.so and libxml2.so (never the
# non-PIC libxml2.a), packed and loaded from memory.
shapp=$t/lxml-shared
"$bin/oxcc" link --explain --allow-shared-deps -o "$shapp" "${link_flags[@]}" > "$t/explain-shared.log" 2>&1 || true
if timeout "$step_timeout" "$bin/oxcc" link -o "$shapp" --allow-shared-deps "${link_flags[@]}" \
    --package-data=extract:lxml > "$t/link-shared.log" 2>&1 &&
   grep -q -- "-lxml2: shared .*libxml2.so (packed" "$t/explain-shared.log" &&
   ! grep -q "libxml2.a" "$t/explain-shared.log"; then
  pass "--allow-shared-deps: the whole chain shared (libxml2.so, not libxml2.a)"
else
  fail "--allow-shared-deps" "link or plan" "$t/link-shared.log"; sed 's/^/    /' "$t/explain-shared.log" | head -30
fi
run_suite "$t/shared.out" "$shapp" "$runner" .
got=$(grep '^ran ' "$t/shared.out" || true)
if [[ -n $ref && $ref == "$got" ]]; then
  pass "lxml's own tests with --allow-shared-deps: $got"
else
  fail "lxml's own tests with --allow-shared-deps" "python3: '$ref', binary: '${got:-no summary}'" "$t/shared.out.err"
fi
finish

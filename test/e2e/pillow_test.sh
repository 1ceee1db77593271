#!/usr/bin/env bash
# pillow_test.sh OXCC_BIN_DIR
#
# Pillow 9.4.0 (Debian source package `pillow`, ../shared/corpus.txt) built
# through `oxcc run -- pip wheel` with JPEG, JPEG 2000, zlib/PNG, TIFF,
# FreeType, LittleCMS, WebP and XCB. Its extensions link -ljpeg, -lopenjp2,
# -ltiff, -lfreetype, -llcms2, -lwebp, -lxcb, whose static archives need
# more in turn (libfreetype.a: libpng16, brotli; libxcb.a: libXau,
# libXdmcp), found through pkg-config --static. Debian ships no liblcms2.a:
# `oxcc link` builds it from Debian's lcms2 source package (its recipe).
# Debian keeps libtiff's headers in the multiarch include directory, given
# to the build in CPPFLAGS (heavy_lib.sh). `oxcc link` makes one
# executable of Pillow and pytest; ldd shows none of those libraries,
# `python -m PIL` (pilinfo, which reads PIL._imaging.__file__) works, and
# Pillow's own Tests/ pass inside it with python3's counts on the same
# wheel (the same tests failing: codecs this build lacks).
# OXCC_KEEP_TMP=1 keeps the temp dir.
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
(($# == 1)) || { echo "usage: pillow_test.sh OXCC_BIN_DIR" >&2; exit 2; }
bin=$(cd "$1" && pwd)
unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH PYTHONHOME OXCC_CC OXCC_CXX OXCC_LAUNCHER OXCC_DISABLE
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
# shellcheck source=corpus_lib.sh
source "$here/corpus_lib.sh" # copy_pure, same_pytest_outcome, cached_build
# shellcheck source=heavy_lib.sh
source "$here/heavy_lib.sh" # heavy_build_pillow
e2e_workdir pillow
step_timeout=900

# The wheel and the store it was recorded in, cached (heavy_lib.sh).
if ! heavy_build_pillow ""; then
  fail "oxcc run -- pip wheel Pillow 9.4.0" "build failed" "$heavy_log"; finish
elif [[ -n $heavy_seconds ]]; then
  pass "oxcc run -- pip wheel Pillow 9.4.0 ($heavy_seconds s)"
else
  pass "Pillow wheel and store from the cache ($(basename "$cached"))"
fi
export OXCC_STORE=$cached/store
src=$("$repo/utils/fetch-corpus" pillow)
whl=$(compgen -G "$cached/wheel/Pillow-9.4.0-*.whl" | head -n 1)
for feature in JPEG "OPENJPEG (JPEG2000)" "ZLIB (PNG/ZIP)" LIBTIFF FREETYPE2 LITTLECMS2 WEBP "XCB (X protocol)"; do
  grep -qF -- "--- $feature support available" "$cached/build.log" ||
    fail "Pillow built with $feature" "not available (utils/bootstrap installs its -dev package)"
done

# pytest and what it imports, from Debian's dist-packages.
pure=$t/pure
missing=$(copy_pure "$pure" "${PYTEST_ENTRIES[@]}") || { fail "pure-Python dependencies" "no $missing"; finish; }

app=$t/pillow-app
"$bin/oxcc" link --explain -o "$app" --wheel "$whl" > "$t/explain.log" 2>&1 || true
if timeout "$step_timeout" "$bin/oxcc" link -o "$app" --wheel "$whl" --pure "$pure" > "$t/link.log" 2>&1; then
  pass "oxcc link: Pillow and pytest in $(du -m "$app" | cut -f1) MB"
else
  fail "oxcc link" "failed" "$t/link.log"; sed 's/^/    /' "$t/explain.log" | head -30; finish
fi
if grep -q -- "-lXau: archive .*\[needed by -lxcb\]" "$t/explain.log" &&
   grep -q -- "-lpng16: archive .*\[needed by -lfreetype\]" "$t/explain.log" &&
   grep -q -- "-lbrotlidec: archive .*\[needed by -lfreetype\]" "$t/explain.log" &&
   grep -q -- "-llcms2: archive .*built from Debian source by \`oxcc python lib lcms2\`" "$t/explain.log"; then
  pass "--explain: libxcb.a brings libXau/libXdmcp, libfreetype.a brings libpng16 and brotli, liblcms2.a is built from source"
else
  fail "--explain: static dependencies" "chain not shown" "$t/explain.log"
fi
if ldd "$app" > "$t/ldd.log" 2>&1; ! grep -qE 'libjpeg|libpng|libtiff|libfreetype|liblcms2|libxcb|libwebp|libopenjp2|libbrotli|libXau' "$t/ldd.log"; then
  pass "ldd lists no libjpeg, libpng, libtiff, libfreetype, liblcms2, libxcb, libwebp, libopenjp2"
else
  fail "ldd" "an image library is still dynamic" "$t/ldd.log"
fi
# pilinfo reads PIL._imaging.__file__: a built-in must answer.
if (cd "$t" && "$app" -m PIL) > "$t/pilinfo.log" 2>&1 && grep -q "^Binary modules loaded from $app/PIL" "$t/pilinfo.log"; then
  pass "python -m PIL (pilinfo) inside the binary"
else
  fail "python -m PIL (pilinfo) inside the binary" "see log" "$t/pilinfo.log"
fi

# Pillow's Tests/, copied out; oss-fuzz/ needs its own harness module.
site=$t/site
mkdir -p "$site" && (cd "$site" && "$py" -m zipfile -e "$whl" .)
mkdir -p "$t/tests" && cp -a "$src/Tests" "$t/tests/"
run_suite() {  # LOG PYTHON...
  local log=$1; shift
  (cd "$t/tests" && timeout "$step_timeout" "$@" -m pytest -q -p no:cacheprovider \
    --import-mode=importlib -o addopts= --ignore=Tests/oss-fuzz Tests) > "$log" 2>&1 || true
}
# python3's run is cached by its inputs (corpus_lib.sh): the wheel, the
# tests, the host tools some tests call.
cached_reference "$t/python3.log" pillow "$(sha256sum < "$whl")" "$(basename "$src")" \
  "$(command -v convert magick gs || true)" -- run_suite "$t/python3.log" env PYTHONPATH="$site" "$py"
run_suite "$t/app.log" "$app"
if same_pytest_outcome "$t/python3.log" "$t/app.log" "$t/diff.log"; then
  pass "Pillow's own Tests/ inside the binary: $got, as python3 (the same tests failing)"
else
  fail "Pillow's own Tests/" "python3: '${ref:-no summary}', binary: '${got:-no summary}'" "$t/diff.log"
fi
finish

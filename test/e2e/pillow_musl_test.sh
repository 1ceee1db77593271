#!/usr/bin/env bash
# pillow_musl_test.sh OXCC_BIN_DIR
#
# Pillow 9.4.0 (Debian source package `pillow`) cross-built for
# x86_64-linux-musl, linked fully static, its Tests/ run in an EMPTY root.
# The target has no system libraries: zlib, libjpeg-turbo, libpng, FreeType,
# LittleCMS, libwebp, OpenJPEG and libtiff (with zlib, JPEG, LZMA and WebP)
# are built from their Debian source packages for it first (`oxcc python
# lib NAME --target`, into the target prefix whose pkg-config files `oxcc
# run --target` presents), and Pillow is built with JPEG, zlib/PNG,
# FreeType, LittleCMS, WebP (and its mux), JPEG 2000 and TIFF; XCB (its
# libraries' sources cannot be fetched), imagequant and raqm (no recipe)
# are switched off in its setup.cfg, as a user would. Its headers search
# adds sys.prefix's /usr/include: the target plugin keeps host header dirs
# out of a musl compile. The reference is python3 on Pillow built for the host with the
# same features (musl_corpus_test.sh's rule: the static musl python3.11
# cannot load a .so). Skipped (77) without a musl distribution.
# OXCC_KEEP_TMP=1 keeps the temp dir.
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
(($# == 1)) || { echo "usage: pillow_musl_test.sh OXCC_BIN_DIR" >&2; exit 2; }
bin=$(cd "$1" && pwd)
target=x86_64-linux-musl
e2e_need_dist "$target"
unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH PYTHONHOME OXCC_CC OXCC_CXX OXCC_LAUNCHER OXCC_DISABLE
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
# shellcheck source=corpus_lib.sh
source "$here/corpus_lib.sh" # copy_pure, cached_build, same_pytest_outcome
# shellcheck source=heavy_lib.sh
source "$here/heavy_lib.sh" # heavy_build_pillow, pillow_musl_libs, pillow_musl_off
e2e_workdir pillow-musl
step_timeout=900

src=$("$repo/utils/fetch-corpus" pillow 2> "$t/fetch.log") || { fail "fetch pillow" "$(tail -n 1 "$t/fetch.log")"; finish; }

# 1-2. The target's libraries, then Pillow for the target and for the
# host with the same features (heavy_lib.sh: built and cached).
if heavy_build_pillow "" "${pillow_musl_off[@]}"; then
  pass "oxcc run -- pip wheel Pillow 9.4.0 (the host's, python3's reference)"
else
  fail "Pillow for the host" "build failed" "$heavy_log"; finish
fi
ref_whl=$(compgen -G "$cached/wheel/Pillow-9.4.0-*.whl" | head -n 1)
if heavy_build_pillow "$target" "${pillow_musl_off[@]}"; then
  pass "${pillow_musl_libs[*]} built for $target (the target prefix); oxcc run --target $target -- pip wheel Pillow 9.4.0"
else
  fail "the libraries and Pillow for $target" "build failed" "$heavy_log"; finish
fi
for feature in JPEG "OPENJPEG (JPEG2000)" "ZLIB (PNG/ZIP)" LIBTIFF FREETYPE2 LITTLECMS2 WEBP WEBPMUX; do
  grep -qF -- "--- $feature support available" "$cached/build.log" ||
    fail "Pillow for $target built with $feature" "not available" "$cached/build.log"
done
whl=$(compgen -G "$cached/wheel/Pillow-9.4.0-*.whl" | head -n 1)
musl_store=$cached/store

# 3. One static executable of Pillow and pytest.
pure=$t/pure
missing=$(copy_pure "$pure" "${PYTEST_ENTRIES[@]}") || { fail "pure-Python dependencies" "no $missing"; finish; }
root=$t/root
app=$t/pillow-app
if OXCC_STORE=$musl_store timeout "$step_timeout" "$bin/oxcc" link --python "$target" -o "$app" \
    --wheel "$whl" --pure "$pure" > "$t/link.log" 2>&1 && file "$app" | grep -q "statically linked"; then
  pass "oxcc link --python $target: Pillow and pytest, statically linked, $(du -m "$app" | cut -f1) MB"
else
  fail "oxcc link --python $target" "failed or not static" "$t/link.log"; finish
fi

# 4. Tests/, python3 on the host build against the binary in an empty root.
"$repo/utils/in-empty-root" --check > /dev/null 2>&1 ||
  { echo "SKIP: utils/in-empty-root cannot make an empty root here"; exit 77; }
site=$t/site
mkdir -p "$site" "$root/tests" "$root/tmp" && (cd "$site" && "$py" -m zipfile -e "$ref_whl" .)
cp -a "$src/Tests" "$root/tests/"
cp "$app" "$root/app"
# Left out, in both runs, each where the empty root or the target's build
# differs from python3 on this host, not the binary:
#  - test_locale.py: musl's setlocale accepts "polish" with no locale data,
#    so the test runs in the binary where glibc's python3 skips it;
#  - test_file_palm.py: runs ImageMagick's convert when the host has it
#    (the empty root has none, so the same tests pass there);
#  - test_imagefont.py::test_woff2: WOFF2 fonts need FreeType built with
#    brotli, which has no recipe yet (the host's FreeType has it).
leave_out=(--deselect Tests/test_locale.py --deselect Tests/test_file_palm.py
           --deselect Tests/test_imagefont.py::test_woff2)
run_suite() {  # LOG PYTHON...
  local log=$1; shift
  (cd "$root/tests" && timeout "$step_timeout" "$@" -m pytest -q -p no:cacheprovider \
    --import-mode=importlib -o addopts= --ignore=Tests/oss-fuzz "${leave_out[@]}" Tests) > "$log" 2>&1 || true
}
# python3's run is cached by its inputs (corpus_lib.sh): the wheel, the
# tests, the host tools some tests call.
cached_reference "$t/python3.log" pillow "$(sha256sum < "$ref_whl")" "$(basename "$src")" \
  "${leave_out[*]}" "$(command -v convert magick gs || true)" -- \
  run_suite "$t/python3.log" env PYTHONPATH="$site:$pure" "$py"
run_suite "$t/app.log" env TMPDIR=/tmp "$repo/utils/in-empty-root" --dev-null --wd /tests "$root" /app
if same_pytest_outcome "$t/python3.log" "$t/app.log" "$t/diff.log"; then
  pass "Pillow's own Tests/ inside the $target binary in an empty root: $got, as python3"
else
  fail "Pillow's own Tests/ on $target" "python3: '${ref:-no summary}', binary: '${got:-no summary}'" "$t/diff.log"
  grep -E '^(FAILED|ERROR)' "$t/app.log" | head -20 | sed 's/^/    /' || true
fi
finish

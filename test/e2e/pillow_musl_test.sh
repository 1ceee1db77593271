#!/usr/bin/env bash
# pillow_musl_test.sh OXCC_BIN_DIR
#
# Pillow 9.4.0 (Debian source package `pillow`) cross-built for
# x86_64-linux-musl, linked fully static, its Tests/ run in an EMPTY root.
# The target has no system libraries: zlib, libjpeg-turbo and FreeType are
# built from their Debian source packages for it first (`oxcc python lib
# NAME --target`, into the target prefix whose pkg-config files `oxcc run
# --target` presents; FreeType with libpng), and Pillow is built with JPEG,
# zlib/PNG and FreeType; the codecs whose libraries have no recipe yet (JPEG 2000,
# WebP, TIFF, LittleCMS, XCB, imagequant, raqm) are switched off in its
# setup.cfg, as a user would. Its headers search adds sys.prefix's
# /usr/include: the target plugin keeps host header dirs out of a musl
# compile. The reference is python3 on Pillow built for the host with the
# same features (musl_corpus_test.sh's rule: the static musl python3.11
# cannot load a .so). Skipped (77) without a musl distribution.
# OXCC_KEEP_TMP=1 keeps the temp dir.
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
(($# == 1)) || { echo "usage: pillow_musl_test.sh OXCC_BIN_DIR" >&2; exit 2; }
bin=$(cd "$1" && pwd)
target=x86_64-linux-musl
if [[ -z ${OXCC_PYTHON:-} && ! -s $OXCC_CACHE/python/$target.current ]]; then
  echo "SKIP: no $target Python distribution in $OXCC_CACHE/python (oxcc python build --target $target)"
  exit 77
fi
unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH PYTHONHOME OXCC_CC OXCC_CXX OXCC_LAUNCHER OXCC_DISABLE
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
# shellcheck source=corpus_lib.sh
source "$here/corpus_lib.sh" # copy_pure, cached_build, same_pytest_outcome
e2e_workdir pillow-musl
step_timeout=900

src=$("$repo/utils/fetch-corpus" pillow 2> "$t/fetch.log") || { fail "fetch pillow" "$(tail -n 1 "$t/fetch.log")"; finish; }

# 1. The target's libraries.
for lib in zlib libjpeg-turbo libpng1.6 freetype; do
  "$bin/oxcc" python lib "$lib" --target "$target" >> "$t/lib.log" 2>&1 ||
    { fail "oxcc python lib $lib --target $target" "see log" "$t/lib.log"; finish; }
done
pass "zlib, libjpeg-turbo, libpng and freetype built for $target (the target prefix)"

# 2. Pillow for the target and for the host, with the same features.
features_off=(disable_jpeg2000 disable_webp disable_webpmux disable_tiff disable_lcms disable_xcb
              disable_imagequant disable_raqm)
# Cached like numpy's and lxml's builds (corpus_lib.sh); $dir becomes the
# cached copy.
build_pillow() {  # DIR [--target T]
  local dir=$1
  shift
  if cached_build pillow-musl-test "$(basename "$src")" "${features_off[*]}" "$@"; then
    rm -rf "$dir" && ln -s "$cached" "$dir"
    return 0
  fi
  mkdir -p "$dir/tmp"
  cp -a "$src" "$dir/src"
  { printf '\n[build_ext]\n'
    printf '%s = 1\n' "${features_off[@]}"; } >> "$dir/src/setup.cfg"
  (cd "$dir/src" && TMPDIR=$dir/tmp OXCC_STORE=$dir/store timeout "$step_timeout" "$bin/oxcc" run "$@" -- \
    "$py" -m pip wheel -v --no-deps --no-build-isolation --no-index --no-cache-dir -w "$dir/wheel" .) \
    > "$dir/build.log" 2>&1 || return 1
  rm -rf "$dir/src"
  cache_build "$dir"
}
if build_pillow "$t/host"; then
  pass "oxcc run -- pip wheel Pillow 9.4.0 (the host's, python3's reference)"
else
  fail "Pillow for the host" "build failed" "$t/host/build.log"; finish
fi
if build_pillow "$t/musl" --target "$target"; then
  pass "oxcc run --target $target -- pip wheel Pillow 9.4.0"
else
  fail "oxcc run --target $target -- pip wheel Pillow 9.4.0" "build failed" "$t/musl/build.log"; finish
fi
for feature in JPEG "ZLIB (PNG/ZIP)" FREETYPE2; do
  grep -qF -- "--- $feature support available" "$t/musl/build.log" ||
    fail "Pillow for $target built with $feature" "not available" "$t/musl/build.log"
done
whl=$(compgen -G "$t/musl/wheel/Pillow-9.4.0-*.whl" | head -n 1)
ref_whl=$(compgen -G "$t/host/wheel/Pillow-9.4.0-*.whl" | head -n 1)

# 3. One static executable of Pillow and pytest.
pure=$t/pure
missing=$(copy_pure "$pure" "${PYTEST_ENTRIES[@]}") || { fail "pure-Python dependencies" "no $missing"; finish; }
root=$t/root
app=$t/pillow-app
if OXCC_STORE=$t/musl/store timeout "$step_timeout" "$bin/oxcc" link --python "$target" -o "$app" \
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
run_suite "$t/python3.log" env PYTHONPATH="$site:$pure" "$py"
run_suite "$t/app.log" env TMPDIR=/tmp "$repo/utils/in-empty-root" --dev-null --wd /tests "$root" /app
if same_pytest_outcome "$t/python3.log" "$t/app.log" "$t/diff.log"; then
  pass "Pillow's own Tests/ inside the $target binary in an empty root: $got, as python3"
else
  fail "Pillow's own Tests/ on $target" "python3: '${ref:-no summary}', binary: '${got:-no summary}'" "$t/diff.log"
  grep -E '^(FAILED|ERROR)' "$t/app.log" | head -20 | sed 's/^/    /' || true
fi
finish

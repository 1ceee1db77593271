#!/usr/bin/env bash
# heavy_test.sh OXCC_BIN_DIR [--target x86_64-linux-musl]
#
# numpy, lxml and Pillow in ONE executable, with pytest and hypothesis. The
# three wheels and the stores they were recorded in are the builds the
# packages' own tests cached (heavy_lib.sh: built here when the cache lacks
# them); the stores are merged into one (their files are named by their
# content, so a merge is a copy that never overwrites) and `oxcc link`
# makes one binary of them. What the separate binaries cannot show:
#  - the C libraries the packages share are linked once: zlib (CPython's
#    zlib module, libxml2, libpng, FreeType, libtiff, Pillow), libjpeg
#    (Pillow, libtiff), libxml2 (lxml.etree, lxml.objectify);
#  - all three work in one process, handing data to each other;
#  - a part of each one's own tests passes inside the binary as under
#    python3 with the same three wheels (python3 -S: only what the binary
#    holds): numpy's linalg and fft tests, lxml's suite, Pillow's tests of
#    its codecs and of numpy arrays.
# glibc: ldd lists none of the packages' C libraries. --target
# x86_64-linux-musl: the binary is static and the suites run in an EMPTY
# root, against python3 on the host builds (leaving out what each
# package's own musl test leaves out, for the reasons given there).
# Skipped (77) without numpy's tarball or, for musl, a musl distribution.
# OXCC_KEEP_TMP=1 keeps the temp dir.
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
usage="usage: heavy_test.sh OXCC_BIN_DIR [--target x86_64-linux-musl]"
(($# == 1 || $# == 3)) || { echo "$usage" >&2; exit 2; }
bin=$(cd "$1" && pwd)
target=
if (($# == 3)); then
  [[ $2 == --target ]] || { echo "$usage" >&2; exit 2; }
  target=$3
fi
e2e_need_numpy
e2e_need_dist "$target"
e2e_clean_env
# shellcheck source=corpus_lib.sh
source "$here/corpus_lib.sh" # cached_build, copy_pure, pytest_summary, same_pytest_outcome
# shellcheck source=heavy_lib.sh
source "$here/heavy_lib.sh" # heavy_build_*, pillow_musl_off
e2e_workdir "heavy${target:+-$target}"
export XDG_CACHE_HOME=$t/xdg
step_timeout=1800

# 1. The three builds, for the target and (python3's reference) the host.
declare -A pkg_whl=() ref_whl=()
store=$t/store
mkdir -p "$store"
get() {  # PKG TARGET [PILLOW_SWITCH...]: sets $cached, or fails the test
  local pkg=$1
  shift
  "heavy_build_$pkg" "$@" || { fail "$pkg${1:+ for $1}: the build" "failed" "$heavy_log"; finish; }
}
off=()
[[ -z $target ]] || off=("${pillow_musl_off[@]}")
for pkg in numpy lxml pillow; do
  # Pillow for glibc: every codec its build finds (pillow_test.sh's build).
  get "$pkg" "" ${target:+"${off[@]}"}
  ref_whl[$pkg]=$(compgen -G "$cached/wheel/*.whl" | head -n 1)
  if [[ -n $target ]]; then
    get "$pkg" "$target" "${off[@]}"
  fi
  pkg_whl[$pkg]=$(compgen -G "$cached/wheel/*.whl" | head -n 1)
  cp -an "$cached/store/." "$store/"
done
export OXCC_STORE=$store
if "$bin/oxcc" store verify > "$t/verify.log" 2>&1; then
  pass "numpy's, lxml's and Pillow's stores merged into one (oxcc store verify)"
else
  fail "the merged store" "oxcc store verify failed" "$t/verify.log"; finish
fi

# 2. One executable.
pure=$t/pure
if ! missing=$(copy_pure "$pure" "${numpy_test_entries[@]}"); then
  fail "pure-Python dependencies" "no $missing (utils/bootstrap installs python3-pytest python3-hypothesis)"; finish
fi
app=$t/heavy-app
start=$(date +%s)
if timeout "$step_timeout" "$bin/oxcc" link ${target:+--python "$target"} -o "$app" \
    --wheel "${pkg_whl[numpy]}" --wheel "${pkg_whl[lxml]}" --wheel "${pkg_whl[pillow]}" --pure "$pure" \
    --package-data=extract:lxml > "$t/link.log" 2>&1; then
  pass "oxcc link: numpy, lxml, Pillow, pytest and hypothesis in one ${target:+$target }binary of $(du -m "$app" | cut -f1) MB (stripped; $(($(date +%s) - start)) s)"
else
  fail "oxcc link of numpy, lxml and Pillow" "failed" "$t/link.log"; finish
fi
if [[ -n $target ]]; then
  if file "$app" | grep -q "statically linked"; then
    pass "statically linked"
  else
    fail "statically linked" "$(file "$app")"
  fi
elif ldd "$app" > "$t/ldd.log" 2>&1;
     ! grep -qE 'libxml2|libxslt|libexslt|libicu|libjpeg|libpng|libtiff|libfreetype|liblcms2|libwebp|libopenjp2' "$t/ldd.log"; then
  pass "ldd lists none of libxml2, libxslt, ICU, libjpeg, libpng, libtiff, libfreetype, liblcms2, libwebp, libopenjp2"
else
  fail "ldd" "a package's C library is still dynamic" "$t/ldd.log"
fi
# One copy each: a function of the library defined once in the whole
# binary (APP.debug has its symbols); a private copy would add another.
# On glibc, Debian's libpython links zlib as libz.so: then the one copy is
# that, and the binary must hold none of its own.
for sym in deflate:zlib jpeg_read_header:libjpeg xmlParseDocument:libxml2; do
  n=$(nm "$app.debug" 2> /dev/null | grep -cE " [Tt] ${sym%%:*}\$" || true)
  if [[ $n == 1 ]]; then
    pass "one copy of ${sym#*:} (${sym%%:*} defined once)"
  elif [[ $n == 0 && $sym == deflate:zlib && -z $target ]] && grep -q 'libz\.so' "$t/ldd.log"; then
    pass "one copy of zlib (the distribution's libz.so; deflate defined nowhere in the binary)"
  else
    fail "one copy of ${sym#*:}" "${sym%%:*} defined $n times"
  fi
done

# 3. The three in one process: an image from numpy through Pillow, its
# size written into an XML document by lxml and read back.
root=$t/root
mkdir -p "$root/tmp" "$root/cache" "$root/tests"
cp "$app" "$root/app"
if [[ -n $target ]] && ! "$repo/utils/in-empty-root" --check > /dev/null 2>&1; then
  echo "SKIP: utils/in-empty-root cannot make an empty root here"; exit 77
fi
# run_app DIR ARG...: the binary in DIR (a path under $root), in the
# empty root for a target.
run_app() {
  local dir=$1
  shift
  if [[ -n $target ]]; then
    timeout "$step_timeout" env TMPDIR=/tmp XDG_CACHE_HOME=/cache "$repo/utils/in-empty-root" --dev-null \
      --wd "$dir" "$root" /app "$@"
  else
    (cd "$root$dir" && timeout "$step_timeout" "$app" "$@")
  fi
}
if run_app /tests -c '
import io, numpy as np, lxml.etree as et
from PIL import Image
a = np.zeros((4, 6, 3), np.uint8); a[1, 2] = (255, 128, 0)
buf = io.BytesIO(); Image.fromarray(a).save(buf, "PNG")
im = Image.open(io.BytesIO(buf.getvalue()))
b = np.asarray(im)
assert (a == b).all() and b.shape == (4, 6, 3)
doc = et.fromstring(f"<img w=\"{im.width}\" h=\"{im.height}\"/>")
assert (int(doc.get("w")), int(doc.get("h"))) == (6, 4)
print("ok")' > "$t/together.log" 2>&1 && grep -qx ok "$t/together.log"; then
  pass "numpy, Pillow and lxml work together in one process"
else
  fail "numpy, Pillow and lxml in one process" "see log" "$t/together.log"
fi

# 4. Each package's tests, python3 (-S, the same three wheels and pytest)
# against the binary, on the same copies under $root/tests.
site=$t/site
mkdir -p "$site"
for pkg in numpy lxml pillow; do
  (cd "$site" && "$py" -m zipfile -e "${ref_whl[$pkg]}" .)
done
py3=(env PYTHONPATH="$site:$pure" "$py" -S)
# python3's runs are cached by their inputs (corpus_lib.sh): the three
# wheels, the tests, the arguments choosing them.
wheels=$(sha256sum "${ref_whl[@]}" | cut -d' ' -f1)

# numpy: linalg and fft, laid out as in the package.
mkdir -p "$root/tests/numpy/linalg" "$root/tests/numpy/fft"
cp "$site/numpy/conftest.py" "$root/tests/numpy/"
cp -a "$site/numpy/linalg/tests" "$root/tests/numpy/linalg/"
cp -a "$site/numpy/fft/tests" "$root/tests/numpy/fft/"
numpy_args=(-m pytest -q -p no:cacheprovider --import-mode=importlib -o addopts=
            numpy/linalg/tests numpy/fft/tests)
# lxml: its tree's tests and doctests, through its runner.
lxml_src=$("$repo/utils/fetch-corpus" lxml)
mkdir -p "$root/tests/lxml/src/lxml/html"
cp -a "$lxml_src/src/lxml/tests" "$root/tests/lxml/src/lxml/"
cp -a "$lxml_src/src/lxml/html/tests" "$root/tests/lxml/src/lxml/html/"
cp -a "$lxml_src/doc" "$lxml_src/samples" "$root/tests/lxml/"
cp "$here/fixtures/lxml_suite/run_suite.py" "$root/tests/"
lxml_skip=()
[[ -z $target ]] || lxml_skip=(--skip test_external_document_adoption --skip test_incremental_xmlfile:test_encoding)
# Pillow: the tests of each codec whose library the binary shares with
# the other packages or CPython (zlib/PNG, JPEG, TIFF, FreeType, WebP,
# JPEG 2000, LittleCMS) and of its numpy interplay. The whole Tests/ runs
# in e2e.pillow and e2e.pillow_musl; here the point is the one process.
pillow_src=$("$repo/utils/fetch-corpus" pillow)
cp -a "$pillow_src/Tests" "$root/tests/"
# Left out: WebP's encoding-error test alone takes 30 s (the full suites
# run it); on musl, WOFF2 as pillow_musl_test.sh says.
pillow_out=(--deselect Tests/test_file_webp.py::TestFileWebp::test_write_encoding_error_message)
[[ -z $target ]] || pillow_out+=(--deselect Tests/test_imagefont.py::test_woff2)
pillow_tests=(test_features.py test_file_png.py test_file_jpeg.py test_file_libtiff.py
              test_file_tiff.py test_imagefont.py test_file_webp.py test_file_jpeg2k.py
              test_imagecms.py test_numpy.py test_image_array.py)
pillow_args=(-m pytest -q -p no:cacheprovider --import-mode=importlib -o addopts=
             "${pillow_out[@]}" "${pillow_tests[@]/#/Tests/}")

numpy_python3() {
  (cd "$root/tests" && timeout "$step_timeout" "${py3[@]}" "${numpy_args[@]}") > "$t/numpy-python3.log" 2>&1 || true
}
cached_reference "$t/numpy-python3.log" heavy-numpy "$wheels" "${numpy_args[*]}" -- numpy_python3
run_app /tests "${numpy_args[@]}" > "$t/numpy-app.log" 2>&1 || true
if same_pytest_outcome "$t/numpy-python3.log" "$t/numpy-app.log" "$t/numpy-diff.log"; then
  pass "numpy's linalg and fft tests inside the one binary: $got, as python3"
else
  fail "numpy's tests in the one binary" "python3: '${ref:-no summary}', binary: '${got:-no summary}'" "$t/numpy-diff.log"
fi

lxml_python3() {
  (cd "$root/tests/lxml" && timeout "$step_timeout" "${py3[@]}" ../run_suite.py . "${lxml_skip[@]}") \
    > "$t/lxml-python3.out" 2>&1 || true
}
cached_reference "$t/lxml-python3.out" heavy-lxml "$wheels" "$(basename "$lxml_src")" \
  "$(sha256sum < "$root/tests/run_suite.py")" "${lxml_skip[*]}" -- lxml_python3
run_app /tests/lxml ../run_suite.py . "${lxml_skip[@]}" > "$t/lxml-app.out" 2>&1 || true
ref=$(grep '^ran ' "$t/lxml-python3.out" || true)
got=$(grep '^ran ' "$t/lxml-app.out" || true)
if [[ -n $ref && $ref == "$got" && ${ref#ran } != 0* ]] &&
   diff <(grep -E '^(FAIL|ERROR) ' "$t/lxml-python3.out") <(grep -E '^(FAIL|ERROR) ' "$t/lxml-app.out") \
     > "$t/lxml-diff.log"; then
  pass "lxml's own tests inside the one binary: $got, as python3"
else
  fail "lxml's tests in the one binary" "python3: '${ref:-no summary}', binary: '${got:-no summary}'" "$t/lxml-app.out"
fi

pillow_python3() {
  (cd "$root/tests" && timeout "$step_timeout" "${py3[@]}" "${pillow_args[@]}") > "$t/pillow-python3.log" 2>&1 || true
}
cached_reference "$t/pillow-python3.log" heavy-pillow "$wheels" "$(basename "$pillow_src")" \
  "${pillow_args[*]}" "$(command -v convert magick gs || true)" -- pillow_python3
run_app /tests "${pillow_args[@]}" > "$t/pillow-app.log" 2>&1 || true
if same_pytest_outcome "$t/pillow-python3.log" "$t/pillow-app.log" "$t/pillow-diff.log"; then
  pass "Pillow's codec and numpy tests inside the one binary: $got, as python3 (the same tests failing)"
else
  fail "Pillow's tests in the one binary" "python3: '${ref:-no summary}', binary: '${got:-no summary}'" "$t/pillow-diff.log"
fi
finish

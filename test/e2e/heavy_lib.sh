# shellcheck shell=bash disable=SC2154,SC2034  # $bin, $py, $repo, $t, $step_timeout come from the caller
# The heavy packages' builds (sourced after corpus_lib.sh, not run): numpy,
# lxml and Pillow, each built through `oxcc run [--target T] -- pip wheel`
# and cached with the store it was recorded in (corpus_lib.sh's
# cached_build). A package's own test and heavy_test.sh (all three in one
# binary) share one build: the same function, the same cache key.
#
# heavy_build_PKG TARGET ("": the host) sets $cached (its wheel/ and
# store/), $heavy_log (the build's log) and $heavy_seconds (empty when the
# build came from the cache), and returns 1 when the build failed.

numpy_tarball=$repo/../shared/thirdparty/numpy-1.24.2.tar.gz
# What numpy's tests import, for copy_pure: pytest, hypothesis and theirs,
# from Debian's dist-packages (utils/bootstrap installs them).
numpy_test_entries=("${PYTEST_ENTRIES[@]}" hypothesis 'hypothesis-*.egg-info' _hypothesis_pytestplugin.py
                    _hypothesis_ftz_detector.py sortedcontainers 'sortedcontainers-*.egg-info')

# Pillow for musl: the libraries built for the target first (`oxcc python
# lib`, into the target prefix), the codecs without a source recipe
# switched off in its setup.cfg. The host build that is python3's
# reference for it has the same switches.
pillow_musl_libs=(zlib libjpeg-turbo libpng1.6 freetype lcms2 libwebp openjpeg2 tiff)
pillow_musl_off=(disable_xcb disable_imagequant disable_raqm)

heavy_build_numpy() {  # TARGET
  local tgt=$1 dir start
  heavy_log=$t/build-numpy${tgt:+-$tgt}.log heavy_seconds=
  cached_build numpy "$(sha256sum < "$numpy_tarball")" ${tgt:+"target $tgt"} && return 0
  dir=$t/numpy-build${tgt:+-$tgt}
  mkdir -p "$dir/tmp"
  start=$(date +%s)
  # BLAS=None: numpy's bundled lapack_lite, as no BLAS archive is linked.
  (cd "$dir" && BLAS=None LAPACK=None ATLAS=None TMPDIR=$dir/tmp OXCC_STORE=$dir/store \
    timeout "$step_timeout" "$bin/oxcc" run ${tgt:+--target "$tgt"} -- "$py" -m pip wheel -v --no-deps \
    --no-build-isolation --no-index --no-cache-dir -w "$dir/wheel" "$numpy_tarball") > "$heavy_log" 2>&1 ||
    return 1
  heavy_seconds=$(($(date +%s) - start))
  cache_build "$dir"
}

heavy_build_lxml() {  # TARGET
  local tgt=$1 src libs=
  heavy_log=$t/build-lxml${tgt:+-$tgt}.log heavy_seconds=
  src=$("$repo/utils/fetch-corpus" lxml 2> "$heavy_log") || return 1
  # For a target, libxml2 and libxslt first: lxml's build asks pkg-config.
  if [[ -n $tgt ]]; then
    "$bin/oxcc" python lib libxslt --target "$tgt" >> "$heavy_log" 2>&1 || return 1
    libs=$(_target_libs "$tgt" libxml2.a libxslt.a libexslt.a libxml-2.0 libxslt libexslt)
  fi
  cached_build lxml "$(basename "$src")" ${tgt:+"target $tgt" "$libs"} && return 0
  _heavy_pip "$src" "$t/lxml-build${tgt:+-$tgt}" "$tgt"
}

heavy_build_pillow() {  # TARGET [SETUP_CFG_SWITCH...]
  local tgt=$1 src lib libs=
  shift
  heavy_log=$t/build-pillow${tgt:+-$tgt}.log heavy_seconds=
  src=$("$repo/utils/fetch-corpus" pillow 2> "$heavy_log") || return 1
  if [[ -n $tgt ]]; then
    for lib in "${pillow_musl_libs[@]}"; do
      "$bin/oxcc" python lib "$lib" --target "$tgt" >> "$heavy_log" 2>&1 || return 1
    done
    libs=$(_target_libs "$tgt" libz.a libjpeg.a libpng16.a libfreetype.a liblcms2.a libwebp.a \
      libwebpmux.a libwebpdemux.a libopenjp2.a libtiff.a zlib libjpeg libpng16 freetype2 lcms2 \
      libwebp libwebpmux libwebpdemux libopenjp2 libtiff-4)
  fi
  # Debian keeps libtiff's headers in the multiarch include directory,
  # which Pillow's search of its include directories misses (it takes
  # pkg-config's two -I as one); it adds -I directories of CPPFLAGS.
  local cppflags=
  [[ -n $tgt ]] || cppflags=-I/usr/include/$(gcc -dumpmachine)
  cached_build pillow "$(basename "$src")" "$*" "$cppflags" ${tgt:+"target $tgt" "$libs"} && return 0
  CPPFLAGS=$cppflags _heavy_pip "$src" "$t/pillow-build${tgt:+-$tgt}" "$tgt" "$@"
}

# _target_libs TARGET NAME...: what a build for TARGET found in its target
# prefix, for the cache key: each archive (lib/NAME) as the file it links
# to (a recipe's prefix, named by the recipe's own key), each pkg-config
# module (lib/pkgconfig/NAME.pc) as its text.
_target_libs() {
  local dir=$OXCC_CACHE/python/target/$1 name
  shift
  for name in "$@"; do
    if [[ $name == *.a ]]; then
      readlink -f "$dir/lib/$name" || echo "no $name"
    else
      cat "$dir/lib/pkgconfig/$name.pc" 2> /dev/null || echo "no $name.pc"
    fi
  done
}

# _heavy_pip SRC DIR TARGET [SETUP_CFG_SWITCH...]: pip wheel of a copy of
# the source tree (the switches appended to its setup.cfg's [build_ext],
# as a user would), then DIR cached, with pip's log as build.log (what
# the build found is said there).
_heavy_pip() {
  local src=$1 dir=$2 tgt=$3 start
  shift 3
  rm -rf "$dir" && mkdir -p "$dir/tmp" && cp -a "$src" "$dir/src"
  cat "$heavy_log" > "$dir/build.log"
  heavy_log=$dir/build.log
  if (($#)); then
    { printf '\n[build_ext]\n'; printf '%s = 1\n' "$@"; } >> "$dir/src/setup.cfg"
  fi
  start=$(date +%s)
  (cd "$dir/src" && TMPDIR=$dir/tmp OXCC_STORE=$dir/store timeout "$step_timeout" \
    "$bin/oxcc" run ${tgt:+--target "$tgt"} -- "$py" -m pip wheel -v --no-deps \
    --no-build-isolation --no-index --no-cache-dir -w "$dir/wheel" .) >> "$heavy_log" 2>&1 || return 1
  heavy_seconds=$(($(date +%s) - start))
  rm -rf "$dir/src"
  cache_build "$dir"
}

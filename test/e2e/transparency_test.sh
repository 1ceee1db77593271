#!/usr/bin/env bash
# Transparency at scale: thousands of real compiler calls, captured now from
# real builds (CPython's ./configure in two configurations, xz-utils'
# ./configure, a corpus package and our fixtures, with CC pointing at
# transparency/capture-cc), are replayed (a deterministic sample of the
# distinct ones: 1000 by default, 400 under ctest to keep CI short, 0 for
# all) with gcc and with oxcc; every one must give the same exit code, stdout, stderr
# and output files (objects: equal once .oxcc.obj is removed), and oxcc must
# classify it as an independent reading of argv does (transparency/replay.py).
# Third-party sources are fetched as Debian source packages into
# $OXCC_TEST_CACHE (~/.cache/oxcc-tests)/transparency (extracted once), never into the
# tree; the capture (minutes of configure runs, no oxcc in them) is kept
# there too, keyed by its inputs, so a warm run only replays. The distinct
# command lines are left in that cache as command-lines.txt: utils/fuzz
# seeds fuzz-parse-args with them (OXCC_FUZZ_SEEDS).
# Usage: transparency_test.sh OXCC_BIN_DIR [MIN_DISTINCT] [REPLAY_LIMIT]
#        transparency_test.sh --fetch   (fetch and extract the sources only)
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
fetch_only=0
[[ ${1:-} == --fetch ]] && fetch_only=1 && set -- .
bin=$(cd "$1" && pwd)
min_distinct=${2:-1400}
limit=${3:-1000}
root=$(cd "$here/../.." && pwd)
cache=$OXCC_CACHE
tcache=$cache/transparency
e2e_workdir transparency
unset CFLAGS CXXFLAGS LDFLAGS CPPFLAGS OXCC_CC OXCC_CXX OXCC_LAUNCHER OXCC_DISABLE PYTHONPATH
export OXCC_STORE=$t/store
mkdir -p "$tcache/src"

# orig_tarball DIR SRCPKG: the orig tarball in DIR, not its signature
# (xz-utils ships xz-utils_5.4.1.orig.tar.xz.asc beside it, which the glob
# lists first).
orig_tarball() {
  local f
  for f in "$1/${2}_"*.orig.tar.*; do
    [[ -f $f && $f != *.asc ]] && { echo "$f"; return; }
  done
  return 0
}

# source SRCPKG: the extracted orig tarball of a Debian source package,
# fetched (apt-get source --download-only) and extracted once into the cache.
source_tree() {
  local pkg=$1 tarball dir
  dir=$(compgen -G "$tcache/src/$pkg-*/" | head -1) || true
  if [[ -n $dir ]]; then echo "${dir%/}"; return; fi
  tarball=$(orig_tarball "$cache/sources" "$pkg")
  if [[ -z $tarball ]]; then
    mkdir -p "$tcache/dl"
    # apt-get exits 100 when only the .debian.tar is missing: check the file.
    (cd "$tcache/dl" && apt-get source --download-only -qq "$pkg" > /dev/null 2>&1) || true
    tarball=$(orig_tarball "$tcache/dl" "$pkg")
    [[ -n $tarball ]] ||
      { echo "cannot fetch the $pkg source package (deb-src enabled? run utils/bootstrap)" >&2; return 1; }
  fi
  local part=$tcache/src/.tmp-$pkg-$$
  rm -rf "$part" && mkdir -p "$part"
  tar -xf "$tarball" -C "$part" ||
    { rm -rf "$part"; echo "cannot extract $tarball" >&2; return 1; }
  local top; top=$(ls "$part")
  mv "$part/$top" "$tcache/src/$pkg-$top" && rm -rf "$part"
  echo "$tcache/src/$pkg-$top"
}

if ((fetch_only)); then
  source_tree python3.11 > /dev/null && source_tree xz-utils > /dev/null
  exit
fi

configure_capture() { # configure_capture SRCPKG NAME [ARGS]: ./configure out of tree, CC=capture
  local src; src=$(source_tree "$1") || return 1
  mkdir -p "$tmp/cfg-$2" && cd "$tmp/cfg-$2"
  "$src/configure" CC="$cc" CXX="$cxx" CPP="$cc -E" "${@:3}" > configure.log 2>&1 ||
    { tail -5 configure.log; return 1; }
}

wheel_capture() { # wheel_capture DIR: pip wheel with CC=capture
  rm -rf "$tmp/w-$(basename "$1")" && cp -r "$1" "$tmp/w-$(basename "$1")" && cd "$tmp/w-$(basename "$1")"
  CC=$cc CXX=$cxx LDSHARED="$cc -shared" LDCXXSHARED="$cxx -shared" \
    $py -m pip wheel --no-deps --no-build-isolation --no-index -w "$tmp/wheels" . > build.log 2>&1 ||
    { tail -5 build.log; return 1; }
}


# The capture runs no oxcc (gcc behind capture-cc) and depends only on
# its inputs, so it is cached under their key: this script and
# capture-cc, the sources, the fixtures, the compiler and Python's build
# tools (configure also probes the installed -dev packages, which are not
# in the key: a capture made before one changed is still real calls, and
# gcc and oxcc replay it alike). Calls are replayed in the cwd they were
# captured in, so the capture is made where it stays ($tcache/capture-KEY,
# one kept); one that did not finish (no done file) is made again.
key=$( { cat "$0" "$here/transparency/capture-cc"
         basename "$(source_tree python3.11)"; basename "$(source_tree xz-utils)"
         basename "$("$root/utils/fetch-corpus" markupsafe)"
         git -C "$root" rev-parse HEAD:test/e2e/fixtures 2>/dev/null || date +%s%N
         git -C "$root" diff HEAD -- test/e2e/fixtures 2>/dev/null
         gcc --version; dpkg-query -W python3.11 python3-pip python3-setuptools python3-wheel 2>&1
       } | sha256sum | cut -c1-16)
tmp=$tcache/capture-$key
export OXCC_CAPTURE=$tmp/capture
cc=$tmp/cap/cc cxx=$tmp/cap/c++
if [[ -f $tmp/done ]]; then
  pass "the captured calls of CPython's and xz-utils' ./configure, 6 fixtures and markupsafe, from the cache (capture-$key)"
else
  find "$tcache" -maxdepth 1 -name 'capture-*' -exec rm -rf {} +
  mkdir -p "$OXCC_CAPTURE/calls" "$tmp/cap"
  ln -s "$here/transparency/capture-cc" "$tmp/cap/cc"
  ln -s "$here/transparency/capture-cc" "$tmp/cap/c++"
  # Two lanes (configure scripts wait on fork/exec as much as on the CPU).
  # CPython's configure in two configurations, each probing with its own
  # flags (-O1, -fPIC, the shared library's): 47 argument lists the
  # default one never passes. A third, --with-pydebug, was dropped: it
  # added one argument list of its own for a quarter of the capture's time.
  (configure_capture python3.11 cpython) > "$t/lane1.log" 2>&1 & lane1=$!
  (
    set -e
    configure_capture python3.11 cpython-shared --enable-shared CFLAGS=-O1
    configure_capture xz-utils xz
    for f in cext cxxext cyext nested custombuild clash; do wheel_capture "$root/test/e2e/fixtures/$f"; done
    wheel_capture "$("$root/utils/fetch-corpus" markupsafe)"
  ) > "$t/lane2.log" 2>&1 & lane2=$!
  s1=0 s2=0
  wait $lane1 || s1=$?
  wait $lane2 || s2=$?
  check_that "CPython's ./configure ran with CC=capture" \
    "[[ $s1 -eq 0 ]] || { cat '$t/lane1.log'; false; }"
  check_that "CPython's ./configure --enable-shared, xz-utils' ./configure, 6 fixtures and markupsafe built with CC=capture" \
    "[[ $s2 -eq 0 ]] || { cat '$t/lane2.log'; false; }"
  ((s1 || s2)) || touch "$tmp/done"
fi

$py "$here/transparency/replay.py" --capture "$OXCC_CAPTURE" --oxcc "$bin" --limit "$limit" \
  --jobs 2 --seeds-out "$t/command-lines.txt" | tee "$t/replay.log"
replay_status=${PIPESTATUS[0]}
distinct=$(sed -n 's/.*compiler calls: \([0-9]*\) distinct.*/\1/p' "$t/replay.log")
check_that "at least $min_distinct distinct calls captured (${distinct:-0})" "[[ ${distinct:-0} -ge $min_distinct ]]"
check_that "every replayed call: oxcc behaves as gcc" "[[ $replay_status -eq 0 ]]"
cp "$t/command-lines.txt" "$tcache/command-lines.txt.tmp" && mv "$tcache/command-lines.txt.tmp" "$tcache/command-lines.txt"
finish

#!/usr/bin/env bash
# numpy_test.sh OXCC_BIN_DIR [--target x86_64-linux-musl] [SUITE...]
#
# numpy 1.24.2 (../shared/thirdparty, see its README) built as pip builds an
# sdist: from the tarball, in a temporary dir pip removes, through
# `oxcc run -- pip wheel` (BLAS=None: its bundled lapack_lite). Its 19
# extensions need what only that build dir held: SVML's assembly files on
# _multiarray_umath's link line and the build_clib archives libnpymath.a and
# libnpyrandom.a. `oxcc link` then makes one executable of numpy, pytest
# and hypothesis, and numpy's own tests run inside it, copied out to disk
# (pytest --import-mode=importlib), against the same tests run by
# /usr/bin/python3 on the same wheel: the counts must be equal.
#
# --target x86_64-linux-musl: numpy cross-built with `oxcc run --target`,
# linked fully static with `--python x86_64-linux-musl`, and the suites run
# in an EMPTY root (utils/in-empty-root: the binary and the copied tests,
# nothing else); the reference is python3 on numpy built natively through
# oxcc, as test/e2e/musl_corpus_test.sh does (the static musl python3.11
# cannot load a .so). Skipped (77) when there is no musl distribution.
#
# SUITE: paths under numpy/ (default: the core subset CI runs, see
# docs/reliability.md). Each build (about 6 minutes of CPU) is cached in
# $OXCC_CACHE/numpy-build/<key>, keyed by the target, the tarball's sha256
# and oxcc's recording code (corpus_lib.sh's cached_build).
# OXCC_KEEP_TMP=1 keeps the temp dir.
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
(($# >= 1)) || { echo "usage: numpy_test.sh OXCC_BIN_DIR [--target x86_64-linux-musl] [SUITE...]" >&2; exit 2; }
bin=$(cd "$1" && pwd)
shift
target=
if [[ ${1:-} == --target ]]; then
  (($# >= 2)) || { echo "numpy_test.sh: --target needs a triple" >&2; exit 2; }
  target=$2
  shift 2
fi
suites=("$@")
((${#suites[@]})) || suites=(linalg/tests fft/tests random/tests core/tests/test_umath.py
                            core/tests/test_multiarray.py)
e2e_need_numpy
e2e_need_dist "$target"
unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH PYTHONHOME OXCC_CC OXCC_CXX OXCC_LAUNCHER OXCC_DISABLE
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
source "$here/corpus_lib.sh" # pytest_summary, copy_pure, cached_build
# shellcheck source=heavy_lib.sh
source "$here/heavy_lib.sh" # heavy_build_numpy
e2e_workdir "numpy${target:+-$target}"
step_timeout=1800

# 1. The wheel and the store it was recorded in, for a target ("": the
# host): cached by their inputs (heavy_lib.sh). Sets $cached.
build_numpy() {  # TARGET
  local tgt=$1
  if ! heavy_build_numpy "$tgt"; then
    fail "oxcc run ${tgt:+--target $tgt }-- pip wheel numpy-1.24.2.tar.gz" "build failed" "$heavy_log"
    return 1
  elif [[ -n $heavy_seconds ]]; then
    pass "oxcc run ${tgt:+--target $tgt }-- pip wheel numpy-1.24.2.tar.gz ($heavy_seconds s)"
  else
    pass "numpy wheel and store${tgt:+ for $tgt} from the cache ($(basename "$cached"))"
  fi
}
# The reference: python3 on numpy built for the host.
build_numpy "" || finish
ref_whl=$(compgen -G "$cached/wheel/numpy-1.24.2-*.whl" | head -n 1)
if [[ -n $target ]]; then
  build_numpy "$target" || finish
fi
export OXCC_STORE=$cached/store
whl=$(compgen -G "$cached/wheel/numpy-1.24.2-*.whl" | head -n 1)
n=$("$bin/oxcc" list --json | "$py" -c 'import json,sys; print(len([e for e in json.load(sys.stdin)["extensions"] if e["module"].startswith("numpy.")]))')
if [[ $n == 19 ]]; then pass "19 numpy extensions recorded"; else fail "19 numpy extensions recorded" "$n recorded"; fi

# 2. pytest, hypothesis and what they import, from Debian's dist-packages.
pure=$t/pure
if ! missing=$(copy_pure "$pure" "${numpy_test_entries[@]}"); then
  fail "pure-Python dependencies" "no $missing (utils/bootstrap installs python3-pytest python3-hypothesis)"; finish
fi

# 3. One executable.
app=$t/numpy-app
start=$(date +%s)
if timeout "$step_timeout" "$bin/oxcc" link ${target:+--python "$target"} -o "$app" --wheel "$whl" \
    --pure "$pure" > "$t/link.log" 2>&1; then
  pass "oxcc link: numpy, pytest, hypothesis in $(du -m "$app" | cut -f1) MB ($(($(date +%s) - start)) s)"
else
  fail "oxcc link" "failed" "$t/link.log"; finish
fi
if "$app" -c '
import sys, numpy as np
mods = [m for m in sys.builtin_module_names if m.startswith("numpy.")]
assert len(mods) == 19, mods
assert np.__file__.startswith(sys.executable + "/"), np.__file__
a = np.arange(12.0).reshape(3, 4)
assert float(np.linalg.norm(a @ a.T)) > 0 and np.fft.fft(np.ones(4))[0] == 4
print("numpy", np.__version__, "ok")' > "$t/smoke.log" 2>&1; then
  pass "numpy runs as 19 built-ins ($(cat "$t/smoke.log"))"
else
  fail "numpy runs as 19 built-ins" "see log" "$t/smoke.log"
fi

# 4. The suites, python3 on the wheel against the binary, on the same copies.
site=$t/site
mkdir -p "$site" && (cd "$site" && "$py" -m zipfile -e "$ref_whl" .)
# musl: the binary and the tests are all its empty root holds.
root=$t/root
tests=$root/tests
mkdir -p "$tests/numpy"
cp "$site/numpy/conftest.py" "$tests/numpy/"
paths=()
for s in "${suites[@]}"; do
  mkdir -p "$tests/numpy/$(dirname "$s")"
  cp -a "$site/numpy/$s" "$tests/numpy/$(dirname "$s")/"
  [[ -d $site/numpy/$s ]] || cp -a "$site/numpy/$(dirname "$s")/__init__.py" "$tests/numpy/$(dirname "$s")/" 2>/dev/null || true
  paths+=("numpy/$s")
done
# Left out, in both runs: test_extending.py::test_cython compiles and loads
# a Cython extension at run time (a static binary cannot load one; under
# python3 here it fails as well: it looks for a `cython` command).
deselect=(--deselect numpy/random/tests/test_extending.py::test_cython)
# musl: left out, in both runs, where musl's C library answers otherwise
# than glibc's (numpy calls the C library's functions for these):
#  - frexp(NaN/inf) leaves the exponent unset (C leaves it unspecified;
#    glibc writes 0, which numpy's test expects);
#  - musl's complex functions (cacos, casinh, catanh...) are plainer than
#    glibc's: other signs on branch cuts, less precision near them;
#  - test_huge_vectordot reads /proc/meminfo, which the empty root lacks;
#  - TestIO's "comma" variants: musl's setlocale accepts fr_FR with no
#    locale data, so they run (and pass) in the binary, where python3 on
#    glibc skips them for want of a French locale;
#  - test_no_suboffsets imports CPython's _testbuffer, a test module the
#    source-built distribution does not build in (it skips there).
if [[ -n $target ]]; then
  deselect+=(--deselect numpy/core/tests/test_multiarray.py::TestNewBufferProtocol::test_no_suboffsets)
  for name in nan inf numbers counted_string ascii malformed tofile_sep tofile_format; do
    for p in string path_obj; do
      deselect+=(--deselect "numpy/core/tests/test_multiarray.py::TestIO::test_$name[$p-comma]")
    done
  done
  for id in core/tests/test_umath.py::TestFRExp::test_frexp \
      core/tests/test_umath.py::TestComplexFunctions::test_precisions_consistent \
      core/tests/test_umath.py::TestComplexFunctions::test_branch_cuts \
      core/tests/test_umath.py::TestComplexFunctions::test_branch_cuts_complex64 \
      core/tests/test_umath.py::TestComplexFunctions::test_loss_of_precision \
      core/tests/test_multiarray.py::TestDot::test_huge_vectordot; do
    deselect+=(--deselect "numpy/$id")
  done
fi
run_suite() {  # LOG PYTHON...
  local log=$1; shift
  (cd "$tests" && timeout "$step_timeout" "$@" -m pytest -q -p no:cacheprovider \
    --import-mode=importlib -o addopts= "${deselect[@]}" "${paths[@]}") > "$log" 2>&1 || true
}
cached_reference "$t/python3.log" numpy "$(sha256sum < "$ref_whl")" "${paths[*]}" "${deselect[*]}" -- \
  run_suite "$t/python3.log" env PYTHONPATH="$site:$pure" "$py"
if [[ -n $target ]]; then
  mkdir -p "$root/tmp"
  cp "$app" "$root/app"
  # Exit 77 from in-empty-root: neither a user namespace nor root here.
  if "$repo/utils/in-empty-root" --check > /dev/null 2>&1; then
    run_suite "$t/app.log" "$repo/utils/in-empty-root" --dev-null --wd /tests "$root" /app
  else
    echo "SKIP: utils/in-empty-root cannot make an empty root here"; exit 77
  fi
  if file "$app" | grep -q "statically linked"; then
    pass "the $target binary is statically linked"
  else
    fail "the $target binary is statically linked" "$(file "$app")"
  fi
else
  run_suite "$t/app.log" "$app"
fi
ref=$(pytest_summary "$t/python3.log")
got=$(pytest_summary "$t/app.log")
if [[ -n $ref && $ref == "$got" && $ref != *error* ]]; then
  pass "numpy's own tests (${suites[*]}): inside the ${target:+$target }binary${target:+ in an empty root} $got, as python3"
else
  fail "numpy's own tests (${suites[*]})" "python3: '${ref:-no summary}', binary: '${got:-no summary}'" "$t/app.log"
  grep -E '^(FAILED|ERROR)' "$t/app.log" | head -20 | sed 's/^/    /' || true
fi
# numpy elides temporaries only when every C frame is the interpreter's:
# with one base for the whole executable an extension's call would look
# like the interpreter's, and numpy would overwrite an array in use.
if [[ " ${suites[*]} " == *" core/tests/test_multiarray.py "* ]]; then
  if grep -qE "^FAILED .*TestTemporaryElide" "$t/app.log"; then
    fail "TestTemporaryElide inside the binary" "$(grep -E '^FAILED .*TestTemporaryElide' "$t/app.log" | head -3)"
  else
    pass "TestTemporaryElide passes inside the binary (dladdr tells extensions from the interpreter)"
  fi
fi
finish

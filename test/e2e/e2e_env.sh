# shellcheck shell=bash disable=SC2034  # the variables are the sourcing script's
# Sourced first by every end-to-end script: the tests' own oxcc cache (never
# the user's ~/.cache/oxcc), where things are, and the PASS/FAIL harness
# (report_lib.sh).
export OXCC_CACHE=${OXCC_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oxcc-tests}
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd) # the sourcing script's directory
repo=$(cd "$here/../.." && pwd)
py=/usr/bin/python3 # Debian's; the first python3 on PATH may be another one
dist=/usr/lib/python3/dist-packages

# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"

# e2e_bin_dir "$@": the one argument, the build's bin directory: sets $bin
# and $oxcc, or prints the usage and exits 2.
e2e_bin_dir() {
  if (($# != 1)) || [[ ! -d $1 ]]; then
    echo "usage: $(basename "${BASH_SOURCE[1]}") OXCC_BIN_DIR" >&2
    exit 2
  fi
  bin=$(cd "$1" && pwd)
  oxcc=$bin/oxcc
}

# A build as a user starts it: no compiler, Python path or oxcc setting of
# the caller's leaks in, and pip says nothing about its own version.
e2e_clean_env() {
  unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH PYTHONHOME OXCC_CC OXCC_CXX OXCC_LAUNCHER \
    OXCC_DISABLE LD_LIBRARY_PATH
  export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PYTHONDONTWRITEBYTECODE=1
}

# e2e_need_dist TARGET: exits 77 (skipped) when TARGET has no source-built
# distribution in the tests' cache (OXCC_PYTHON naming one will do); ""
# (the host: Debian's python3) always has one.
e2e_need_dist() {
  [[ -z $1 || -n ${OXCC_PYTHON:-} || -s $OXCC_CACHE/python/$1.current ]] && return 0
  echo "SKIP: no $1 Python distribution in $OXCC_CACHE/python (oxcc python build --target $1)"
  exit 77
}

# e2e_need_numpy: exits 77 (skipped) without numpy's tarball in
# ../shared/thirdparty beside the repo (see its README).
e2e_need_numpy() {
  [[ -f $repo/../shared/thirdparty/numpy-1.24.2.tar.gz ]] && return 0
  echo "SKIP: $repo/../shared/thirdparty/numpy-1.24.2.tar.gz is missing (../shared/thirdparty beside the repo)"
  exit 77
}

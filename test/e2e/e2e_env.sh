# shellcheck shell=bash disable=SC2034  # the variables are the sourcing script's
# Sourced first by the end-to-end scripts that need it: where things are,
# and the tests' own oxcc cache (never the user's ~/.cache/oxcc).
export OXCC_CACHE=${OXCC_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oxcc-tests}
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd) # the sourcing script's directory
repo=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
dist=/usr/lib/python3/dist-packages

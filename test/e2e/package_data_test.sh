#!/usr/bin/env bash
# Package data read by path (issue 12, item 9). The bypath fixture opens its
# own files from Python (open(dirname(__file__)/data/...)) and from C
# (fopen on a path, as libxml2 does with lxml's stylesheets). Linked as
# usual, its files are virtual and the link says how to fix that; with
# --package-data=extract:bypath the package's tree is written on first
# import to a private, content-addressed cache dir that __file__ and
# __path__ name, checked on every later start, while the code still runs
# from memory.
# Usage: package_data_test.sh OXCC_BIN_DIR
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
e2e_bin_dir "$1"
e2e_clean_env
e2e_workdir package_data
export OXCC_STORE=$t/store XDG_CACHE_HOME=$t/xdg

cp -r "$here/fixtures/bypath" "$t/src"
check "oxcc run -- pip wheel bypath" sh -c "cd '$t/src' && '$oxcc' run -- $py -m pip wheel -q \
  --no-deps --no-build-isolation --no-index -w '$t/wheels' . > '$t/wheel.log' 2>&1"
whl=$(compgen -G "$t/wheels/bypath-*.whl" | head -n 1)

# 1. The default: the files are virtual; the link names the way out.
check "oxcc link (package data in memory)" sh -c \
  "'$oxcc' link -o '$t/mem' --wheel '$whl' > '$t/mem.log' 2>&1"
check_that "the link notes that bypath uses __file__ and ships data" \
  "grep -q 'note: package bypath ships 2 data files and its code uses __file__: if it opens them by path, link with --package-data=extract:bypath' '$t/mem.log'"
out=$("$t/mem" -c 'import bypath; bypath.read_py()' 2>&1) || true
check_that "reading by path fails there (the executable is a file)" "[[ \$out == *NotADirectoryError* ]]"

# 2. Extracted.
check "oxcc link --package-data=extract:bypath" sh -c \
  "'$oxcc' link -o '$t/app' --wheel '$whl' --package-data=extract:bypath > '$t/app.log' 2>&1"
check_that "no note for the extracted package" "! grep -q 'note: package bypath' '$t/app.log'"
cat > "$t/use.py" <<'PY'
import os, sys
import bypath, bypath._cread
assert bypath.read_py() == "hello from a data file", bypath.read_py()
assert bypath.read_c().startswith('<?xml version="1.0"?>'), bypath.read_c()
assert bypath.listing() == ["hello.txt", "xsl"], bypath.listing()
root = os.environ["XDG_CACHE_HOME"] + "/oxrt/pkgdata-"
assert bypath.__file__.startswith(root) and bypath.__file__.endswith("/bypath/__init__.py"), bypath.__file__
assert bypath.__path__ == [os.path.dirname(bypath.__file__)], bypath.__path__
assert bypath.__spec__.origin == bypath.__file__
# The code still comes from memory: the oxcc importer, a built-in extension.
assert type(bypath.__spec__.loader).__name__ == "OxrtImporter", bypath.__spec__.loader
assert "bypath._cread" in sys.builtin_module_names
assert bypath._cread.__file__.startswith(os.path.dirname(bypath.__file__) + "/_cread.")
# Other packages stay virtual.
import json
assert json.__file__.startswith(sys.executable + "/"), json.__file__
print("ok", os.path.dirname(os.path.dirname(bypath.__file__)))
PY
out=$("$t/app" "$t/use.py" 2>&1) || true
check_that "Python's open and C's fopen read the extracted files; code from memory" "[[ '${out%% *}' == ok ]]"
[[ ${out%% *} == ok ]] || echo "$out" | tail -5
tree=${out#ok }
check_that "the tree is private: directories 0700, files 0600" \
  "[[ \$(find '$tree' -type d ! -perm 700 | wc -l) == 0 && \$(find '$tree' -type f ! -perm 600 | wc -l) == 0 ]]"
check_that "it holds the data files and the sources" \
  "[[ -f '$tree/bypath/data/xsl/rules.xsl' && -f '$tree/bypath/data/hello.txt' && -f '$tree/bypath/__init__.py' ]]"
before=$(stat -c '%i %Y' "$tree/bypath/data/hello.txt")
check_that "a second start reuses it, untouched" \
  "'$t/app' '$t/use.py' > /dev/null && [[ \$(stat -c '%i %Y' '$tree/bypath/data/hello.txt') == '$before' ]]"
echo "tampered" > "$tree/bypath/data/hello.txt"
check_that "a changed file is put back on the next start" \
  "'$t/app' '$t/use.py' > /dev/null && [[ \$(cat '$tree/bypath/data/hello.txt') == 'hello from a data file' ]]"
chmod 0777 "$XDG_CACHE_HOME/oxrt"
out=$("$t/app" -c 'import bypath' 2>&1) || true
check_that "a cache dir others may write to is refused, by name" \
  "[[ \$out == *\"cannot extract embedded data of package 'bypath': \"*'/oxrt is not private to this user'* ]]"
chmod 0700 "$XDG_CACHE_HOME/oxrt"

# 3. Bad input: a package the binary does not hold; nothing written.
if "$oxcc" link -o "$t/bad" --wheel "$whl" --package-data=extract:nosuch > "$t/bad.log" 2>&1; then
  fail "--package-data=extract:nosuch" "linked anyway"
else
  check_that "--package-data=extract:nosuch is refused by name, no binary written" \
    "grep -q 'no package nosuch in the binary' '$t/bad.log' && [[ ! -e '$t/bad' ]]"
fi

# Figures, not asserted: a start that imports the package, first (extracts)
# and later (checks).
rm -rf "$XDG_CACHE_HOME/oxrt"
ms() { local s e; s=$(date +%s%N); "$@" > /dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
echo "INFO import bypath: first start $(ms "$t/app" -c 'import bypath') ms (extracts)," \
  "next $(ms "$t/app" -c 'import bypath') ms; in memory $(ms "$t/mem" -c 'import bypath') ms"
finish

#!/usr/bin/env bash
# The x86_64-linux-musl C++ toolchain (libexec/oxcc/target/x86_64-linux-musl/
# c++): a C++ program using iostreams, locales, exceptions, threads and
# thread_local, linked fully static for musl with ld.bfd and with lld
# (oxcc-ld), runs in an empty root (utils/in-empty-root DIR /APP, DIR holding
# only APP) and `file` calls it statically linked. Also: a shared object
# links (extensions are built as .so first), and a dynamically linked
# program runs with musl's loader.
# Usage: musl_cxx_test.sh OXCC_BIN_DIR
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
target=$bin/../libexec/oxcc/target/x86_64-linux-musl
e2e_workdir muslcxx
tmp=$t
# Runs a program in an empty root: a user namespace, or chroot as root.
root_run=$here/../../utils/in-empty-root
"$root_run" --check > /dev/null || exit 77
in_empty_root() { # in_empty_root APP: runs APP as /app in a root holding nothing else
  local root=$tmp/root-$(basename "$1")
  mkdir -p "$root" && cp "$1" "$root/app" && "$root_run" "$root" /app
}

check "c++ answers the musl triple" bash -c "[[ \$('$target/c++' -dumpmachine) == x86_64-linux-musl ]]"
check "compile" "$target/c++" -std=c++20 -O1 -Wall -Werror -c "$here/musl_cxx/features.cpp" -o "$tmp/features.o"
check "static link, ld.bfd" "$target/c++" -static "$tmp/features.o" -o "$tmp/bfd"
check "static link, lld (oxcc-ld)" "$target/c++" -static -B"$bin/../libexec/oxcc/" -fuse-ld=lld \
  "$tmp/features.o" -o "$tmp/lld"
for app in bfd lld; do
  check "$app: file says statically linked" bash -c "file '$tmp/$app' | grep -q 'statically linked'"
  check "$app: no PT_INTERP, no NEEDED" bash -c "! readelf -lW '$tmp/$app' | grep -q INTERP && ! readelf -d '$tmp/$app' | grep -q NEEDED"
  check "$app: runs in an empty root" bash -c "[[ \$($(declare -f in_empty_root); tmp='$tmp' root_run='$root_run' in_empty_root '$tmp/$app') == 'cxx ok' ]]"
done
check "a C++ shared object links (no libstdc++.so needed)" bash -c "
printf '#include <string>\nextern \"C\" int parse(const char *s) { try { return std::stoi(s); } catch (...) { return -1; } }\n' > '$tmp/so.cpp' &&
'$target/c++' -fPIC -shared '$tmp/so.cpp' -o '$tmp/so.so' && ! readelf -d '$tmp/so.so' | grep -q 'libstdc++'"
check "dynamic link runs with musl's loader" bash -c "
'$target/c++' '$tmp/features.o' -o '$tmp/dyn' && readelf -lW '$tmp/dyn' | grep -q ld-musl-x86_64 &&
[[ \$('$tmp/dyn') == 'cxx ok' ]]"

finish

#!/usr/bin/env bash
# What the final link makes of a binary (issue 13): its process allocator
# and its debug info. A python-like executable is linked with `oxcc link`
# (no extension: the link's last step is what is tested), then:
#  - --allocator: malloc() and the C library's own allocations land in
#    mimalloc's heap (_oxrt.process_allocator(), which asks mimalloc), or
#    not; MIMALLOC_VERBOSE shows mimalloc starting. Default: libc on glibc,
#    mimalloc on musl.
#  - --debug-info=separate (the default): APP has no symbols or debug
#    sections, APP.debug has them, and gdb names a static function of
#    libpython in a crash's backtrace through it (and cannot without it);
#    keep: all in APP, no APP.debug; none: neither.
#  - --py-source=none: bytecode without source; tracebacks say so.
#  - --explain=size: where APP's bytes go, rows that add up to its size.
# binary_test.sh BIN [x86_64-linux-musl]: the same on the static musl
# distribution (exit 77 without it).
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
target=${2:-}
e2e_bin_dir "$1"
e2e_clean_env
e2e_workdir binary
python=(--python debian)
if [[ -n $target ]]; then
  if [[ ! -f $OXCC_CACHE/python/$target.current ]]; then
    echo "SKIP no $target distribution in $OXCC_CACHE (e2e.pybuild builds it)"
    exit 77
  fi
  python=(--python "$target")
fi
app=$t/app
link() { "$oxcc" link -o "$app" "${python[@]}" "$@" > "$t/link.log" 2>&1 || { cat "$t/link.log"; return 1; }; }
allocator() { "$app" -c 'import _oxrt; print(_oxrt.process_allocator())'; }
has_sections() { # has_sections FILE: its symbol table and DWARF sections, by name
  readelf -SW "$1" 2>/dev/null | grep -oE '\.(symtab|debug_info|debug_line)\b' | sort -u | tr '\n' ' '
}
# Whether gdb gives a symbolised backtrace from inside libpython: stopped
# at faulthandler's crash function (a static C function), its caller named
# too. (Not the crash itself: gdb cannot unwind through musl's raise(),
# which has no unwind tables.)
crash_frame() {
  local bt
  bt=$(gdb -nx -batch -ex 'break faulthandler_sigsegv' -ex run -ex bt \
         --args "$app" -c 'import faulthandler; faulthandler._sigsegv()' 2>&1) || true
  if [[ $bt == *'#0 '*'faulthandler_sigsegv'* && $bt == *'#1 '*' in cfunction_call'* ]]; then
    echo named
  else
    echo unnamed
  fi
}

# 1. The defaults.
check "oxcc link ${python[*]} (defaults)" link
default_alloc=libc
[[ -n $target ]] && default_alloc=mimalloc
check_that "the default allocator: $default_alloc" "[[ \$(allocator) == $default_alloc ]]"
check_that "APP is stripped: no symbols, no DWARF" "[[ -z \$(has_sections '$app') ]]"
check_that "APP.debug holds them" \
  "[[ \$(has_sections '$app.debug') == '.debug_info .debug_line .symtab ' ]]"
check_that "APP's .gnu_debuglink names APP.debug" \
  "readelf -p .gnu_debuglink '$app' | grep -qw app.debug"
if command -v gdb > /dev/null; then
  check_that "gdb gives a symbolised backtrace through APP.debug" "[[ \$(crash_frame) == named ]]"
  mv "$app.debug" "$t/moved.debug"
  check_that "and cannot without it" "[[ \$(crash_frame) == unnamed ]]"
  mv "$t/moved.debug" "$app.debug"
else
  fail "gdb" "not installed (utils/bootstrap installs it)"
fi
size_separate=$(stat -c %s "$app") size_debug=$(stat -c %s "$app.debug")

# --explain=size: the groups add up to APP's size, the big ones are named.
sum_rows() { awk '/^  / { gsub(",", "", $(NF-1)); s += $(NF-1) } END { print s }'; }
check "oxcc link --explain=size" sh -c "'$oxcc' link -o '$app' ${python[*]} --explain=size > '$t/size.txt' 2> '$t/size.err'"
check_that "its rows add up to APP's $(stat -c %s "$app") bytes" \
  "[[ \$(sum_rows < '$t/size.txt') == \$(stat -c %s '$app') ]]"
for row in "interpreter (libpython3.11.a)" "packed Python: stdlib" "oxcc runtime (liboxrt, main)" \
           "C/C++ runtime"; do
  check_that "a row for $row" "grep -qF '  $row' '$t/size.txt'"
done
if [[ -n $target ]]; then
  check_that "a row for the allocator" "grep -qF '  allocator (mimalloc)' '$t/size.txt'"
fi
cat "$t/size.txt"

# 2. The other allocator.
other=mimalloc
[[ -n $target ]] && other=system
want=mimalloc
[[ $other == system ]] && want=libc
check "oxcc link --allocator=$other" link --allocator=$other
check_that "malloc() is $want's" "[[ \$(allocator) == $want ]]"
# Into a file first: grep -q on a pipe would stop reading at the first of
# mimalloc's many lines, and the binary's next write die of SIGPIPE.
MIMALLOC_VERBOSE=1 "$app" -c pass > "$t/verbose.log" 2>&1 || true
if [[ $want == mimalloc ]]; then
  check_that "MIMALLOC_VERBOSE=1 shows mimalloc starting" "grep -q '^mimalloc: ' '$t/verbose.log'"
else
  check_that "MIMALLOC_VERBOSE=1 shows nothing" "! grep -q '^mimalloc: ' '$t/verbose.log'"
fi
check "oxcc link --allocator=${default_alloc/libc/system}" link --allocator="${default_alloc/libc/system}"
check_that "back to $default_alloc" "[[ \$(allocator) == $default_alloc ]]"

# 3. --debug-info=keep and none.
check "oxcc link --debug-info=keep" link --debug-info=keep
check_that "keep: symbols and DWARF in APP, no APP.debug" \
  "[[ \$(has_sections '$app') == '.debug_info .debug_line .symtab ' && ! -e '$app.debug' ]]"
check_that "keep: it runs" "[[ \$('$app' -c 'print(6*7)') == 42 ]]"
check "oxcc link --debug-info=none" link --debug-info=none
check_that "none: neither in APP, no APP.debug" "[[ -z \$(has_sections '$app') && ! -e '$app.debug' ]]"
check_that "none: it runs, the size of the separate one" \
  "[[ \$('$app' -c 'print(6*7)') == 42 && \$(stat -c %s '$app') -le $size_separate ]]"
# 4. --py-source: zlib-compressed (the default), as is (embed), or none.
# With the source a traceback through the stdlib shows its lines and
# inspect reads it; without, it shows none and says why.
traceback() { "$app" -c "import json; json.loads('{')" 2>&1 || true; }
check_that "compressed source (the default): the traceback shows json's lines, no note" \
  "traceback | grep -q 'return _default_decoder.decode(s)' && ! traceback | grep -q 'bytecode only'"
check_that "compressed source: inspect.getsource reads it back whole" \
  "'$app' -c 'import inspect, json.decoder as d; s = inspect.getsource(d); compile(s, \"d\", \"exec\"); assert \"class JSONDecoder\" in s and len(s.splitlines()) > 300'"
size_zlib=$(stat -c %s "$app")
check "oxcc link --py-source=embed" link --py-source=embed --debug-info=none
check_that "embed: the traceback shows json's lines" "traceback | grep -q 'return _default_decoder.decode(s)'"
check_that "embed: larger than with compressed source" "[[ \$(stat -c %s '$app') -gt $size_zlib ]]"
echo "INFO size with compressed source: $size_zlib; as is: $(stat -c %s "$app")"
check "oxcc link --py-source=none" link --py-source=none --debug-info=none
check_that "no source: no source line, and a note that says why" \
  "! traceback | grep -q '_default_decoder.decode(s)' &&
   traceback | grep -q '^(source lines not shown: this binary holds bytecode only; link it with --py-source=zlib'"
check_that "no source: the smaller binary" "[[ \$(stat -c %s '$app') -lt $size_zlib ]]"
echo "INFO size without source: $(stat -c %s "$app")"
echo "INFO size: separate $size_separate bytes (+ $size_debug in APP.debug); none $(stat -c %s "$app")"
finish

#!/bin/sh
# A compiler that refuses to compile twice.s on its own (-c) but links as
# gcc does: the link line works, its separate compile does not.
for a in "$@"; do [ "$a" = -c ] && c=1; case $a in *twice.s) s=1 ;; esac; done
[ -n "$c" ] && [ -n "$s" ] && { echo "fail-on-c: no" >&2; exit 1; }
exec gcc "$@"

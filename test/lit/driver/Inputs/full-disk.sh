# Run inside `unshare -rm`: mounts a 64 KiB tmpfs as the store, compiles a
# small file into it, fills the disk, then compiles a big one.
# Usage: full-disk.sh OXCC WORKDIR SMALL_SOURCE
set -u
oxcc=$1; cd "$2"; small=$3
mkdir -p full && mount -t tmpfs -o size=64k tmpfs full || exit 1
OXCC_STORE=$PWD/full/store "$oxcc" -c "$small" -o small.o || exit 1
dd if=/dev/zero of=full/filler bs=1k count=64 2>/dev/null
OXCC_STORE=$PWD/full/store "$oxcc" -c big.c -o big.o 2> full.err
echo "exit $?" > full.rc
ls full/store/tmp > full.tmp-left
OXCC_STORE=$PWD/full/store "$oxcc" store verify > full.verify 2>&1
exit 0

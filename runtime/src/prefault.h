// Pre-faulting memory CPython is about to write, in one request per range
// instead of one page fault per page (each costs microseconds on a VM).
#pragma once

namespace oxrt {

// Asks the kernel to copy in, in one call, the file-backed writable data
// of the object that holds libpython (the executable itself in a static
// link): CPython's start writes to nearly every page of it (the deep-frozen
// modules' strings are interned, their reference counts change, static
// types are readied), and one copy-on-write fault per page cost about a
// fifth of `-c pass` here (bench/static_python.py). Returns the bytes asked
// for, 0 when nothing was done (kernels before 5.14 refuse the request;
// that is harmless: the pages then fault in one by one as before).
unsigned long prefaultPythonData();

// Makes pymalloc take its arenas (1 MiB each, mapped when the ones it has
// are full) already populated: an arena is filled pool by pool soon after
// it is mapped, so populating it at once replaces up to 256 faults by one
// call. Measured: importing 216 stdlib modules 6% faster, the CPU suite 2%.
// Must be called before CPython starts; a no-op for memory pymalloc does
// not serve (another allocator in the object domain).
void prefaultArenas();

} // namespace oxrt

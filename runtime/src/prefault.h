// Pre-faulting CPython's writable data before the interpreter starts.
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

} // namespace oxrt

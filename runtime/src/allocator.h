// The memory allocator backends of InterpreterConfig::allocator, installed
// with PyMem_SetAllocator between pre-initialisation and initialisation
// (the point CPython's contract allows).
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "oxrt/interpreter.h"

#include <string>

namespace oxrt {

// Whether this liboxrt was built with the backend (Default and System
// always are).
bool allocatorBuiltIn(Allocator allocator);

// "" if the backend can be installed (built in; its library loads), else
// why not. Called before anything starts, so that this is a clean error.
std::string prepareAllocator(Allocator allocator);

// Installs the backend for the chosen domains; "" on success, else why not
// (not built in, its library missing). Default installs nothing.
std::string installAllocator(Allocator allocator, AllocatorDomains domains);

// Which backend serves a domain now: "default" (CPython's own), "system",
// "mimalloc", "jemalloc", or "other" (someone else's hooks).
const char *allocatorInUse(PyMemAllocatorDomain domain);

// Who serves malloc() for the whole process: "mimalloc" when the program was
// linked with it (`oxcc link --allocator=mimalloc`) and malloc() and the C
// library's own allocations land in its heap; else "libc".
const char *processAllocator();

// "default", "system", "mimalloc", "jemalloc"; "?" for other values.
const char *allocatorName(Allocator allocator);

} // namespace oxrt

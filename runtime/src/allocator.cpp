// Allocator backends. Each is a PyMemAllocatorEx table of four functions;
// size 0 becomes 1, as CPython's own raw allocator does, so every request
// gets a distinct non-NULL pointer.
//
// Both libraries replace malloc() when linked the usual way, which would
// put every allocation of the process (libc, libstdc++, extension modules)
// on them whatever the configuration says. So:
//  - jemalloc (OXRT_WITH_JEMALLOC) is Debian's libjemalloc_pic.a with its
//    malloc/free/... made local and its constructor removed
//    (runtime/CMakeLists.txt); only mallocx/rallocx/dallocx are called, and
//    it initialises itself on the first of them;
//  - mimalloc: when the program was linked with it as its malloc (`oxcc link
//    --allocator=mimalloc`), that copy is used: one allocator per process.
//    Otherwise (OXRT_WITH_MIMALLOC) Debian's libmimalloc.so.2 is dlopen'ed
//    with RTLD_LOCAL, so its malloc interposes nothing.
#include "allocator.h"

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>

#ifdef OXRT_WITH_JEMALLOC
extern "C" {
void *mallocx(size_t size, int flags);
void *rallocx(void *ptr, size_t size, int flags);
void dallocx(void *ptr, int flags);
}
#define OXRT_MALLOCX_ZERO 0x40 // MALLOCX_ZERO in jemalloc.h
#endif

// mimalloc linked into the program as its malloc (weak: null otherwise).
extern "C" {
void *mi_malloc(size_t size) __attribute__((weak));
void *mi_calloc(size_t count, size_t size) __attribute__((weak));
void *mi_realloc(void *p, size_t size) __attribute__((weak));
void mi_free(void *p) __attribute__((weak));
bool mi_is_in_heap_region(const void *p) __attribute__((weak));
}

namespace oxrt {

namespace {

size_t atLeastOne(size_t n) { return n ? n : 1; }

// --- system ----------------------------------------------------------------
void *sysMalloc(void *, size_t n) { return std::malloc(atLeastOne(n)); }
void *sysCalloc(void *, size_t count, size_t size) {
  if (!count || !size) count = size = 1;
  return std::calloc(count, size);
}
void *sysRealloc(void *, void *p, size_t n) { return std::realloc(p, atLeastOne(n)); }
void sysFree(void *, void *p) { std::free(p); }
PyMemAllocatorEx kSystem = {nullptr, sysMalloc, sysCalloc, sysRealloc, sysFree};

// --- jemalloc ----------------------------------------------------------------
#ifdef OXRT_WITH_JEMALLOC
void *jeMalloc(void *, size_t n) { return mallocx(atLeastOne(n), 0); }
void *jeCalloc(void *, size_t count, size_t size) {
  if (!count || !size) count = size = 1;
  if (size && count > SIZE_MAX / size) return nullptr;
  return mallocx(count * size, OXRT_MALLOCX_ZERO);
}
void *jeRealloc(void *, void *p, size_t n) {
  return p ? rallocx(p, atLeastOne(n), 0) : mallocx(atLeastOne(n), 0);
}
void jeFree(void *, void *p) {
  if (p) dallocx(p, 0);
}
PyMemAllocatorEx kJemalloc = {nullptr, jeMalloc, jeCalloc, jeRealloc, jeFree};
#endif

// --- mimalloc ----------------------------------------------------------------
struct Mimalloc {
  void *(*malloc)(size_t) = nullptr;
  void *(*calloc)(size_t, size_t) = nullptr;
  void *(*realloc)(void *, size_t) = nullptr;
  void (*free)(void *) = nullptr;
};
Mimalloc mi;
void *miMalloc(void *, size_t n) { return mi.malloc(atLeastOne(n)); }
void *miCalloc(void *, size_t count, size_t size) {
  if (!count || !size) count = size = 1;
  return mi.calloc(count, size);
}
void *miRealloc(void *, void *p, size_t n) { return mi.realloc(p, atLeastOne(n)); }
void miFree(void *, void *p) { mi.free(p); }
PyMemAllocatorEx kMimalloc = {nullptr, miMalloc, miCalloc, miRealloc, miFree};

bool mimallocLinked() { return mi_malloc && mi_calloc && mi_realloc && mi_free; }

std::string loadMimalloc() {
  if (mi.malloc) return "";
  if (mimallocLinked()) {
    // The program's own malloc: never a second copy beside it.
    mi = {mi_malloc, mi_calloc, mi_realloc, mi_free};
    return "";
  }
#ifdef OXRT_WITH_MIMALLOC
  void *lib = dlopen(OXRT_MIMALLOC_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = dlerror();
    return std::string("the mimalloc allocator needs " OXRT_MIMALLOC_SONAME
                       " (Debian: apt-get install libmimalloc2.0), or a program linked "
                       "with `oxcc link --allocator=mimalloc`: ") +
           (why ? why : "dlopen failed");
  }
  Mimalloc m;
  m.malloc = reinterpret_cast<decltype(m.malloc)>(dlsym(lib, "mi_malloc"));
  m.calloc = reinterpret_cast<decltype(m.calloc)>(dlsym(lib, "mi_calloc"));
  m.realloc = reinterpret_cast<decltype(m.realloc)>(dlsym(lib, "mi_realloc"));
  m.free = reinterpret_cast<decltype(m.free)>(dlsym(lib, "mi_free"));
  if (!m.malloc || !m.calloc || !m.realloc || !m.free)
    return OXRT_MIMALLOC_SONAME " lacks mi_malloc/mi_calloc/mi_realloc/mi_free";
  mi = m;
  return "";
#else
  return "the mimalloc allocator is neither linked into this program (oxcc link "
         "--allocator=mimalloc) nor built into this liboxrt (libmimalloc-dev)";
#endif
}

// CPython's own tables, as they were before installAllocator(): what
// allocatorInUse() calls "default".
PyMemAllocatorEx cpythonTables[3];

PyMemAllocatorEx *tableOf(Allocator a) {
  switch (a) {
  case Allocator::System: return &kSystem;
#ifdef OXRT_WITH_JEMALLOC
  case Allocator::Jemalloc: return &kJemalloc;
#endif
  case Allocator::Mimalloc:
#ifndef OXRT_WITH_MIMALLOC
    if (!mimallocLinked()) return nullptr;
#endif
    return &kMimalloc;
  default: return nullptr;
  }
}

} // namespace

const char *allocatorName(Allocator a) {
  switch (a) {
  case Allocator::Default: return "default";
  case Allocator::System: return "system";
  case Allocator::Mimalloc: return "mimalloc";
  case Allocator::Jemalloc: return "jemalloc";
  }
  return "?";
}

bool allocatorBuiltIn(Allocator a) { return a == Allocator::Default || tableOf(a) != nullptr; }

std::string prepareAllocator(Allocator a) {
  if (a == Allocator::Default) return "";
  if (std::string(allocatorName(a)) == "?")
    return "unknown allocator " + std::to_string(int(a)) +
           " (default, system, mimalloc or jemalloc)";
  PyMemAllocatorEx *table = tableOf(a);
  if (!table)
    return std::string("the ") + allocatorName(a) +
           " allocator is not built into this liboxrt (build it with lib" + allocatorName(a) +
           "-dev installed, or choose allocator default or system)";
  if (a == Allocator::Mimalloc) return loadMimalloc();
  return "";
}

std::string installAllocator(Allocator a, AllocatorDomains domains) {
  for (PyMemAllocatorDomain d : {PYMEM_DOMAIN_RAW, PYMEM_DOMAIN_MEM, PYMEM_DOMAIN_OBJ})
    PyMem_GetAllocator(d, &cpythonTables[d]);
  if (a == Allocator::Default) return "";
  if (std::string why = prepareAllocator(a); !why.empty()) return why;
  PyMemAllocatorEx *table = tableOf(a);
  if (domains.raw) PyMem_SetAllocator(PYMEM_DOMAIN_RAW, table);
  if (domains.mem) PyMem_SetAllocator(PYMEM_DOMAIN_MEM, table);
  if (domains.obj) PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, table);
  return "";
}

const char *processAllocator() {
  if (!mi_is_in_heap_region) return "libc";
  // malloc() as every part of the program calls it, and an allocation made
  // inside the C library itself.
  void *p = std::malloc(64);
  char *s = strdup("x");
  bool ours = mi_is_in_heap_region(p) && mi_is_in_heap_region(s);
  std::free(s);
  std::free(p);
  return ours ? "mimalloc" : "libc";
}

const char *allocatorInUse(PyMemAllocatorDomain domain) {
  PyMemAllocatorEx now;
  PyMem_GetAllocator(domain, &now);
  for (Allocator a : {Allocator::System, Allocator::Mimalloc, Allocator::Jemalloc})
    if (PyMemAllocatorEx *t = tableOf(a); t && t->malloc == now.malloc) return allocatorName(a);
  if (now.malloc == cpythonTables[domain].malloc) return "default";
  return "other";
}

} // namespace oxrt

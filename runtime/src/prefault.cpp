#include "prefault.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cstdint>
#include <link.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 // Linux 5.14; musl's and older headers lack it
#endif

// libpython's own state (declared only in CPython's internal headers).
extern "C" char _PyRuntime;

namespace oxrt {

namespace {

constexpr uintptr_t kPage = 4096;

struct Search {
  uintptr_t anchor;      // an address inside libpython's data
  uintptr_t begin = 0;   // the populated range, once found
  uintptr_t end = 0;
};

// For the object whose writable PT_LOAD holds the anchor: that segment's
// file-backed part (.data, not .bss: zero pages are cheap to fault and
// mostly never touched), without its RELRO part, which is read-only by now
// and would make the whole request fail.
int findSegment(struct dl_phdr_info *info, size_t, void *data) {
  auto *search = static_cast<Search *>(data);
  uintptr_t relroEnd = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i)
    if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO)
      relroEnd = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr + info->dlpi_phdr[i].p_memsz;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_W)) continue;
    uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
    if (search->anchor < begin || search->anchor >= begin + ph.p_memsz) continue;
    uintptr_t end = begin + ph.p_filesz;
    if (relroEnd > begin && relroEnd <= end) begin = relroEnd;
    // Whole pages only: the first may be shared with RELRO or text.
    search->begin = (begin + kPage - 1) & ~(kPage - 1);
    search->end = (end + kPage - 1) & ~(kPage - 1);
    return 1;
  }
  return 0;
}

} // namespace

unsigned long prefaultPythonData() {
  // _PyRuntime is libpython's own state, in its writable data in every
  // build (.PyRuntime in a static link, .data of libpython.so otherwise).
  Search search{reinterpret_cast<uintptr_t>(&_PyRuntime)};
  if (!dl_iterate_phdr(findSegment, &search) || search.end <= search.begin) return 0;
  unsigned long size = search.end - search.begin;
  if (madvise(reinterpret_cast<void *>(search.begin), size, MADV_POPULATE_WRITE) != 0) return 0;
  return size;
}

namespace {

void *populatedArena(void *, size_t size) {
  void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  (void)madvise(p, size, MADV_POPULATE_WRITE); // refused on old kernels: faults as before
  return p;
}

void freeArena(void *, void *p, size_t size) { munmap(p, size); }

} // namespace

void prefaultArenas() {
  static PyObjectArenaAllocator allocator{nullptr, populatedArena, freeArena};
  PyObject_SetArenaAllocator(&allocator);
}

} // namespace oxrt

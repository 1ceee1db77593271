// Loading ELF bytes from the packed resources through the dynamic loader:
// the pieces shared by extension modules (shared_modules.cpp) and the
// libraries they need (shared_dependencies.cpp).
#pragma once

#include "runtime_state.h"

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace oxrt {

struct SharedLoaderState {
  // memfd_create (or /proc/self/fd) failed once: every later module is
  // extracted without trying again.
  bool memoryUnavailable = false;
  // The /proc/self/fd/N path each module was dlopen'ed under. The fd is
  // closed after loading, but the loader keeps the name: a re-import passes
  // it again and glibc finds the loaded library by name, without a file.
  std::map<std::string, std::string, std::less<>> loadedAs;
  // Packed libraries (SharedDependency entries) loaded so far, by soname.
  // Their handles are never closed: the modules that need them stay loaded.
  std::set<std::string, std::less<>> dependenciesLoaded;
  // Extension modules whose packed bytes passed verifyLibrary.
  std::set<std::string, std::less<>> verified;
  // Every fd number below this one names a loaded library already.
  int nextFdNumber = 0;
};

SharedLoaderState &loaderState();

// ImportError(message, name=name), taking the reference to `message`.
void setImportError(PyObject *name, PyObject *message);

// "" if the entry's checksum matches and the dynamic loader could map its
// bytes; otherwise why not.
std::string checkElfEntry(const Resource &r);

// checkElfEntry for the extension module `name`, as an ImportError.
bool verifyLibrary(PyObject *name, const Resource &r);

// An executable memfd holding `bytes`, or -1.
int makeMemfd(const std::string &name, std::string_view bytes);

// /proc/self/fd/N for the memfd `fd` (moved to a higher number if needed),
// a name no loaded object has; "" if there is none.
std::string uniqueFdPath(int &fd, int &next);

// True if the dynamic loader already has an object loaded under `path`.
bool loadedUnder(const std::string &path);

} // namespace oxrt

// Libraries that packed extension modules need (SharedDependency entries,
// from `oxcc link --allow-shared-deps`): a library that exists only as a
// .so is packed with the module that links it, and loaded before it, from
// memory like the module. The module's DT_NEEDED entries then find it
// already loaded: glibc matches a needed name against the DT_SONAME of
// every loaded object before it searches the disk, so the /proc/self/fd/N
// name it was loaded under does not matter. Each library is loaded after
// the packed libraries it needs itself (its own DT_NEEDED order), once per
// process, and never unloaded.
#include "shared_loading.h"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

namespace oxrt {

namespace {

std::optional<Resource> findDependency(std::string_view soname) {
  return runtimeState().resources.find(ResourceKind::SharedDependency, soname);
}

// True if the process has `soname` already: loaded by us, or by anyone
// under a file of that name (the executable's own libz.so.1 serves a
// module that needs libz.so.1). Not dlopen(RTLD_NOLOAD): that searches the
// library path on disk first, for a file that is not there.
bool alreadyLoaded(const std::string &soname) {
  if (loaderState().dependenciesLoaded.count(soname)) return true;
  auto sameName = [](struct dl_phdr_info *info, size_t, void *data) -> int {
    std::string_view path = info->dlpi_name ? info->dlpi_name : "";
    std::string_view base = path.substr(path.rfind('/') + 1);
    return base == *static_cast<const std::string *>(data) ? 1 : 0;
  };
  return dl_iterate_phdr(sameName, const_cast<std::string *>(&soname)) != 0;
}

// Depth first over DT_NEEDED: a library goes after those it needs. Only
// packed libraries count; the others are the system's (libc, libm, ...).
bool collectNeeded(std::string_view bytes, std::string_view who, std::set<std::string> &seen,
                   std::vector<std::string> &order, std::string &error) {
  auto names = readDynamicNames(bytes, error);
  if (!names) {
    error = std::string(who) + ": " + error;
    return false;
  }
  for (const auto &needed : names->needed) {
    if (!seen.insert(needed).second) continue;
    auto dep = findDependency(needed);
    if (!dep || alreadyLoaded(needed)) continue;
    if (!collectNeeded(dep->data, needed, seen, order, error)) return false;
    order.push_back(needed);
  }
  return true;
}

std::string utf8(PyObject *text) {
  Py_ssize_t size = 0;
  const char *p = PyUnicode_AsUTF8AndSize(text, &size);
  return p ? std::string(p, size_t(size)) : std::string();
}

// dlopen `path`, the copy of `soname` (in memory or extracted); on failure
// an ImportError naming the library, not the fd path it had.
bool openDependency(PyObject *soname, const std::string &path, const std::string &shownAs) {
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::string why = dlerror();
    for (size_t at; (at = why.find(path)) != std::string::npos;) why.replace(at, path.size(), shownAs);
    setImportError(soname, PyUnicode_FromFormat("embedded library '%U' cannot be loaded: %s", soname,
                                                why.c_str()));
    return false;
  }
  loaderState().dependenciesLoaded.insert(utf8(soname));
  return true;
}

} // namespace

// shared_dependencies(name) -> [soname, ...]: the packed libraries the
// packed extension module `name` needs that are not loaded yet, in the
// order to load them.
PyObject *sharedDependencies(PyObject *, PyObject *name) {
  std::string key = utf8(name);
  if (PyErr_Occurred()) return nullptr;
  const Resources &resources = runtimeState().resources;
  // Most executables pack no library: then no module's bytes are read here
  // (create_shared checks them once, when it loads them).
  auto module = resources.find(ResourceKind::SharedLibrary, key);
  if (!module || !resources.hasPrefix(ResourceKind::SharedDependency, "")) return PyList_New(0);
  if (!verifyLibrary(name, *module)) return nullptr;
  std::set<std::string> seen;
  std::vector<std::string> order;
  std::string error;
  if (!collectNeeded(module->data, key, seen, order, error)) {
    setImportError(name, PyUnicode_FromFormat("embedded extension module '%U': %s", name, error.c_str()));
    return nullptr;
  }
  PyObject *list = PyList_New(Py_ssize_t(order.size()));
  for (size_t i = 0; list && i < order.size(); ++i) {
    PyObject *s = PyUnicode_FromStringAndSize(order[i].data(), Py_ssize_t(order[i].size()));
    if (!s) {
      Py_CLEAR(list);
      break;
    }
    PyList_SET_ITEM(list, Py_ssize_t(i), s);
  }
  return list;
}

// dependency_data(soname) -> read-only memoryview of a packed library's
// checked bytes (for extraction).
PyObject *dependencyData(PyObject *, PyObject *soname) {
  std::string key = utf8(soname);
  if (PyErr_Occurred()) return nullptr;
  auto r = findDependency(key);
  std::string why = r ? checkElfEntry(*r) : "not in the packed resources";
  if (!why.empty()) {
    setImportError(soname, PyUnicode_FromFormat("embedded library '%U': %s", soname, why.c_str()));
    return nullptr;
  }
  return PyMemoryView_FromMemory(const_cast<char *>(r->data.data()), Py_ssize_t(r->data.size()),
                                 PyBUF_READ);
}

// load_dependency(soname[, path]) -> True once loaded: from memory, or
// from `path` (its extracted copy). None if memory loading is not possible
// in this process (the caller extracts it instead).
PyObject *loadDependency(PyObject *, PyObject *const *args, Py_ssize_t nargs) {
  if (nargs < 1 || nargs > 2 || !PyUnicode_Check(args[0]) || (nargs == 2 && !PyUnicode_Check(args[1]))) {
    PyErr_SetString(PyExc_TypeError, "load_dependency(soname: str, path: str = None)");
    return nullptr;
  }
  PyObject *soname = args[0];
  std::string key = utf8(soname);
  if (PyErr_Occurred()) return nullptr;
  if (loaderState().dependenciesLoaded.count(key)) Py_RETURN_TRUE;
  if (nargs == 2) {
    std::string path = utf8(args[1]);
    if (PyErr_Occurred() || !openDependency(soname, path, path)) return nullptr;
    Py_RETURN_TRUE;
  }
  SharedLoaderState &state = loaderState();
  if (state.memoryUnavailable) Py_RETURN_NONE;
  auto r = findDependency(key);
  std::string why = r ? checkElfEntry(*r) : "not in the packed resources";
  if (!why.empty()) {
    setImportError(soname, PyUnicode_FromFormat("embedded library '%U': %s", soname, why.c_str()));
    return nullptr;
  }
  int fd = makeMemfd(key, r->data);
  std::string path = fd >= 0 ? uniqueFdPath(fd, state.nextFdNumber) : "";
  if (path.empty()) {
    if (fd >= 0) ::close(fd);
    state.memoryUnavailable = true;
    Py_RETURN_NONE;
  }
  bool ok = openDependency(soname, path, key);
  ::close(fd); // the mapping keeps the memory
  if (!ok) return nullptr;
  Py_RETURN_TRUE;
}

} // namespace oxrt

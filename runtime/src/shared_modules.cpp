// Extension modules packed as shared libraries (kind 3), loaded from memory:
// the bytes go to an anonymous memfd, which the dynamic loader opens as
// /proc/self/fd/N. CPython's own loader (_imp.create_dynamic) does the rest,
// exactly as for a file in lib-dynload: dlopen with sys.getdlopenflags(),
// PyInit_<leaf> with the package context set, single- or multi-phase
// creation, the cache that re-imports single-phase modules. The Python side
// (python/_oxrt_importer.py, _SharedLoader) chooses the policy and extracts
// to disk when told to, or when memfd_create is refused.
#include "shared_loading.h"

#include <cerrno>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U // Linux 6.3: executable memfd, asked for explicitly
#endif

namespace oxrt {

SharedLoaderState &loaderState() {
  static SharedLoaderState state;
  return state;
}

// ImportError(message, name=name): what `except ImportError as e` reads.
void setImportError(PyObject *name, PyObject *message) {
  if (message) {
    PyErr_SetImportError(message, name, nullptr);
    Py_DECREF(message);
  }
}

// The checksum first (the dynamic loader trusts what it maps: a flipped bit
// in a relocation is a crash, not an error), then what the loader would
// refuse with a less helpful message.
std::string checkElfEntry(const Resource &r) {
  uLong crc = crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef *>(r.data.data()),
                      r.data.size());
  if (uint32_t(crc) != storedChecksum(r))
    return "its checksum does not match (the executable is damaged; rebuild or reinstall it)";
  return checkSharedObject(r.data, hostElfMachine());
}

// The module's entry checked, or an ImportError that says why not.
bool verifyLibrary(PyObject *name, const Resource &r) {
  // The entry sits in read-only memory: once checked, it stays good (the
  // importer asks for its dependencies, then loads it, maybe extracts it).
  auto &verified = loaderState().verified;
  if (verified.count(r.key)) return true;
  std::string why = checkElfEntry(r);
  if (why.empty()) {
    verified.emplace(r.key);
    return true;
  }
  if (why.starts_with("its checksum"))
    setImportError(name, PyUnicode_FromFormat("embedded extension module '%U' is corrupt: %s", name,
                                              why.c_str()));
  else
    setImportError(name, PyUnicode_FromFormat("embedded extension module '%U' cannot be loaded: %s",
                                              name, why.c_str()));
  return false;
}

namespace {

bool writeAll(int fd, std::string_view bytes) {
  const char *p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= size_t(n);
  }
  return true;
}

} // namespace

// An executable memfd holding `bytes`, or -1. MFD_EXEC says so explicitly
// (kernels since 6.3 warn otherwise, and refuse exec under memfd_noexec=1);
// older kernels do not know the flag (EINVAL) and need no asking.
int makeMemfd(const std::string &name, std::string_view bytes) {
  int fd = memfd_create(name.c_str(), MFD_CLOEXEC | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) fd = memfd_create(name.c_str(), MFD_CLOEXEC);
  if (fd < 0) return -1;
  if (!writeAll(fd, bytes)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// True if the dynamic loader already has an object loaded under `path`.
bool loadedUnder(const std::string &path) {
  void *handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  dlerror(); // NOLOAD misses set an error string; leave none behind
  if (!handle) return false;
  dlclose(handle);
  return true;
}

// /proc/self/fd/N for the memfd, with N such that no loaded object has that
// name. glibc matches dlopen's argument against the names of loaded objects
// before it opens anything, so an fd number freed by an earlier load would
// hand back the earlier library ("dynamic module does not define module
// export function"). Each load therefore takes a number above every number
// used before (`next`), and moves higher still past names some other code
// loaded. "" if that fails (RLIMIT_NOFILE reached), or if /proc/self/fd is
// not there (no /proc mounted).
std::string uniqueFdPath(int &fd, int &next) {
  if (fd < next) {
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, next);
    ::close(fd);
    fd = moved;
    if (fd < 0) return "";
  }
  for (int tries = 0; tries < 64; ++tries) {
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    if (tries == 0 && ::access(path.c_str(), F_OK) != 0) return "";
    if (!loadedUnder(path)) {
      next = fd + 1;
      return path;
    }
    int higher = fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);
    ::close(fd);
    fd = higher;
    if (fd < 0) return "";
  }
  return "";
}

namespace {

const char *policyName(SharedModulePolicy p) {
  switch (p) {
  case SharedModulePolicy::Memory: return "memory";
  case SharedModulePolicy::Extract: return "extract";
  case SharedModulePolicy::Refuse: return "refuse";
  }
  return "memory";
}

// The packed library named by `name` (a str), or ImportError.
std::optional<Resource> findLibrary(PyObject *name, std::string_view &utf8) {
  Py_ssize_t size = 0;
  const char *text = PyUnicode_AsUTF8AndSize(name, &size);
  if (!text) return std::nullopt;
  utf8 = {text, size_t(size)};
  auto r = runtimeState().resources.find(ResourceKind::SharedLibrary, utf8);
  if (!r) setImportError(name, PyUnicode_FromFormat("no extension module '%U' in the packed resources", name));
  return r;
}


// Calls _imp.create_dynamic(spec) with spec.origin set to `path` for the
// call, then restored: CPython's loader dlopens the origin.
PyObject *createDynamic(PyObject *spec, PyObject *path, PyObject *origin) {
  PyObject *imp = PyImport_ImportModule("_imp");
  if (!imp) return nullptr;
  PyObject *module = nullptr;
  if (PyObject_SetAttrString(spec, "origin", path) == 0)
    module = PyObject_CallMethod(imp, "create_dynamic", "O", spec);
  Py_DECREF(imp);
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  if (PyObject_SetAttrString(spec, "origin", origin) < 0) PyErr_Clear();
  PyErr_Restore(type, value, tb);
  return module;
}

// A failed load as an ImportError that names the module and its virtual
// path, never the /proc/self/fd/N it was loaded under. Other exceptions
// (raised by the module's own init) pass through unchanged.
void renameLoadError(PyObject *name, PyObject *origin, PyObject *fdPath) {
  if (!PyErr_ExceptionMatches(PyExc_ImportError)) return;
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  PyObject *text = value ? PyObject_Str(value) : nullptr;
  PyObject *fixed = text ? PyUnicode_Replace(text, fdPath, origin, -1) : nullptr;
  PyObject *msg = fixed ? PyUnicode_FromFormat("embedded extension module '%U': %U", name, fixed)
                        : nullptr;
  Py_XDECREF(text);
  Py_XDECREF(fixed);
  if (!msg) {
    PyErr_Clear();
    PyErr_Restore(type, value, tb);
    return;
  }
  PyErr_SetImportError(msg, name, origin);
  Py_DECREF(msg);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
}

} // namespace

// shared_policy(name) -> "memory" | "extract" | "refuse"
PyObject *sharedPolicy(PyObject *, PyObject *name) {
  Py_ssize_t size = 0;
  const char *text = PyUnicode_AsUTF8AndSize(name, &size);
  if (!text) return nullptr;
  const RuntimeState &state = runtimeState();
  auto it = state.sharedPolicies.find(std::string_view(text, size_t(size)));
  return PyUnicode_FromString(policyName(it == state.sharedPolicies.end() ? state.sharedPolicy
                                                                         : it->second));
}

// shared_data(name) -> read-only memoryview over the blob, checked first.
PyObject *sharedData(PyObject *, PyObject *name) {
  std::string_view utf8;
  auto r = findLibrary(name, utf8);
  if (!r || !verifyLibrary(name, *r)) return nullptr;
  return PyMemoryView_FromMemory(const_cast<char *>(r->data.data()), Py_ssize_t(r->data.size()),
                                 PyBUF_READ);
}

// create_shared(spec) -> module, loaded from memory; None if memory loading
// is not possible in this process (the caller extracts instead).
PyObject *createShared(PyObject *, PyObject *spec) {
  PyObject *name = PyObject_GetAttrString(spec, "name");
  PyObject *origin = name ? PyObject_GetAttrString(spec, "origin") : nullptr;
  if (!origin) {
    Py_XDECREF(name);
    return nullptr;
  }
  auto done = [&](PyObject *result) {
    Py_DECREF(name);
    Py_DECREF(origin);
    return result;
  };
  std::string_view key;
  auto r = findLibrary(name, key);
  if (!r) return done(nullptr);
  SharedLoaderState &state = loaderState();

  // Loaded before (a re-import): the same name finds the same library.
  std::string path;
  int fd = -1;
  if (auto it = state.loadedAs.find(key); it != state.loadedAs.end()) {
    path = it->second;
  } else {
    if (state.memoryUnavailable) return done(Py_NewRef(Py_None));
    if (!verifyLibrary(name, *r)) return done(nullptr);
    fd = makeMemfd(std::string(key), r->data);
    if (fd >= 0) path = uniqueFdPath(fd, state.nextFdNumber);
    if (path.empty()) {
      // memfd_create refused (seccomp, old kernel, memfd_noexec=2), no
      // memory for it, no /proc, no fd number left: extract this and every
      // later module.
      if (fd >= 0) ::close(fd);
      state.memoryUnavailable = true;
      return done(Py_NewRef(Py_None));
    }
  }

  PyObject *pathObj = PyUnicode_FromStringAndSize(path.data(), Py_ssize_t(path.size()));
  PyObject *module = pathObj ? createDynamic(spec, pathObj, origin) : nullptr;
  // Loaded, even if the init then failed: a retry must find this copy.
  if (module || (fd >= 0 && loadedUnder(path))) state.loadedAs.emplace(key, path);
  if (fd >= 0) ::close(fd); // the mapping keeps the memory
  if (!module) {
    if (pathObj) renameLoadError(name, origin, pathObj);
    Py_XDECREF(pathObj);
    return done(nullptr);
  }
  // Single-phase modules get __file__ from the loader (the fd path); the
  // module's __file__ is its virtual path, like its spec's origin.
  PyObject *file = PyObject_GetAttrString(module, "__file__");
  if (!file) PyErr_Clear();
  else if (PyUnicode_Check(file) && PyUnicode_Compare(file, pathObj) == 0 &&
           PyObject_SetAttrString(module, "__file__", origin) < 0)
    PyErr_Clear();
  Py_XDECREF(file);
  Py_DECREF(pathObj);
  return done(module);
}

} // namespace oxrt

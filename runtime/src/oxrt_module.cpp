// The `_oxrt` built-in module: what the Python side of the importer
// (python/_oxrt_importer.py) needs from C++. Lookups go straight to the
// validated blob; code is unmarshalled from the blob's bytes in place.
#include "allocator.h"
#include "runtime_state.h"

#include <marshal.h> // not part of Python.h

#include <string_view>

namespace oxrt {

RuntimeState &runtimeState() {
  static RuntimeState state;
  return state;
}

namespace {

const Resources &res() { return runtimeState().resources; }

bool argCount(const char *fn, Py_ssize_t nargs, Py_ssize_t want) {
  if (nargs == want) return true;
  PyErr_Format(PyExc_TypeError, "_oxrt.%s() takes %zd arguments (%zd given)", fn, want, nargs);
  return false;
}

// A str argument as UTF-8 bytes (cached on the str object by CPython).
bool argText(PyObject *obj, std::string_view &out) {
  Py_ssize_t size = 0;
  const char *text = PyUnicode_AsUTF8AndSize(obj, &size);
  if (!text) return false;
  out = {text, size_t(size)};
  return true;
}

bool argKind(PyObject *obj, ResourceKind &out) {
  long kind = PyLong_AsLong(obj);
  if (kind == -1 && PyErr_Occurred()) return false;
  if (kind < 1 || kind > 0xffff) {
    PyErr_Format(PyExc_ValueError, "bad resource kind %ld", kind);
    return false;
  }
  out = ResourceKind(kind);
  return true;
}

PyObject *bytesOrNone(std::optional<Resource> r, bool aux) {
  if (!r) Py_RETURN_NONE;
  std::string_view v = aux ? r->aux : r->data;
  return PyBytes_FromStringAndSize(v.data(), Py_ssize_t(v.size()));
}

// find(kind, key) -> flags or None
PyObject *fnFind(PyObject *, PyObject *const *args, Py_ssize_t nargs) {
  ResourceKind kind;
  std::string_view key;
  if (!argCount("find", nargs, 2) || !argKind(args[0], kind) || !argText(args[1], key)) return nullptr;
  auto r = res().find(kind, key);
  if (!r) Py_RETURN_NONE;
  return PyLong_FromLong(r->flags);
}

// module_code(name) -> code object; ImportError if absent or corrupt.
PyObject *fnModuleCode(PyObject *, PyObject *arg) {
  std::string_view name;
  if (!argText(arg, name)) return nullptr;
  auto r = res().find(ResourceKind::Module, name);
  if (!r || r->data.empty()) {
    PyErr_Format(PyExc_ImportError, "no code for module '%U' in the packed resources", arg);
    return nullptr;
  }
  PyObject *code = PyMarshal_ReadObjectFromString(r->data.data(), Py_ssize_t(r->data.size()));
  if (code && PyCode_Check(code)) return code;
  // Marshal checks its input; a bad entry becomes an ImportError naming it.
  if (code) {
    Py_DECREF(code);
    PyErr_Format(PyExc_ImportError,
                 "corrupt code for module '%U' in the packed resources: not a code object", arg);
    return nullptr;
  }
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  PyErr_Format(PyExc_ImportError, "corrupt code for module '%U' in the packed resources: %S", arg,
               value ? value : Py_None);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  return nullptr;
}

// A source packed as a zlib stream (kModuleSourceZlib), inflated by
// CPython's own zlib module, built into every distribution oxcc links: the
// runtime then carries no second zlib. Read rarely (tracebacks, inspect),
// so a call per read costs nothing that matters.
PyObject *inflateSource(PyObject *name, std::string_view packed) {
  PyObject *zlib = PyImport_ImportModule("zlib");
  if (!zlib) return nullptr;
  PyObject *view = PyMemoryView_FromMemory(const_cast<char *>(packed.data()),
                                           Py_ssize_t(packed.size()), PyBUF_READ);
  PyObject *source = view ? PyObject_CallMethod(zlib, "decompress", "O", view) : nullptr;
  Py_XDECREF(view);
  Py_DECREF(zlib);
  if (!source && PyErr_ExceptionMatches(PyExc_Exception)) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyErr_Format(PyExc_ImportError, "corrupt source for module '%U' in the packed resources: %S",
                 name, value ? value : Py_None);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
  }
  return source;
}

// module_source(name) -> source bytes (inflated if packed compressed), or None
PyObject *fnModuleSource(PyObject *, PyObject *arg) {
  std::string_view name;
  if (!argText(arg, name)) return nullptr;
  auto r = res().find(ResourceKind::Module, name);
  if (r && (r->flags & kModuleSourceZlib)) return inflateSource(arg, r->aux);
  return bytesOrNone(r, /*aux=*/true);
}

// file_data(key) -> bytes or None
PyObject *fnFileData(PyObject *, PyObject *arg) {
  std::string_view key;
  if (!argText(arg, key)) return nullptr;
  return bytesOrNone(res().find(ResourceKind::File, key), /*aux=*/false);
}

// has_prefix(kind, prefix) -> bool
PyObject *fnHasPrefix(PyObject *, PyObject *const *args, Py_ssize_t nargs) {
  ResourceKind kind;
  std::string_view prefix;
  if (!argCount("has_prefix", nargs, 2) || !argKind(args[0], kind) || !argText(args[1], prefix))
    return nullptr;
  return PyBool_FromLong(res().hasPrefix(kind, prefix));
}

// children(kind, prefix, sep) -> [(name, exact, deeper, flags)]
PyObject *fnChildren(PyObject *, PyObject *const *args, Py_ssize_t nargs) {
  ResourceKind kind;
  std::string_view prefix, sep;
  if (!argCount("children", nargs, 3) || !argKind(args[0], kind) || !argText(args[1], prefix) ||
      !argText(args[2], sep))
    return nullptr;
  if (sep.size() != 1) {
    PyErr_SetString(PyExc_ValueError, "separator must be one character");
    return nullptr;
  }
  auto children = res().children(kind, prefix, sep[0]);
  PyObject *list = PyList_New(Py_ssize_t(children.size()));
  if (!list) return nullptr;
  for (size_t i = 0; i < children.size(); ++i) {
    const ResourceChild &c = children[i];
    PyObject *item = Py_BuildValue("(s#NNi)", c.name.data(), Py_ssize_t(c.name.size()),
                                   PyBool_FromLong(c.exact), PyBool_FromLong(c.deeper), int(c.flags));
    if (!item) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, Py_ssize_t(i), item);
  }
  return list;
}

// builtin_names() -> tuple of the names the app registered
PyObject *fnBuiltinNames(PyObject *, PyObject *) {
  const auto &names = runtimeState().builtins;
  PyObject *tuple = PyTuple_New(Py_ssize_t(names.size()));
  if (!tuple) return nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    PyObject *s = PyUnicode_FromStringAndSize(names[i].data(), Py_ssize_t(names[i].size()));
    if (!s) {
      Py_DECREF(tuple);
      return nullptr;
    }
    PyTuple_SET_ITEM(tuple, Py_ssize_t(i), s);
  }
  return tuple;
}

// create_builtin(spec) -> module. _imp.create_builtin with _Py_PackageContext
// set to the full name: PyModule_Create2 then names a single-phase module
// "pkg._ext" when its m_name is the leaf "_ext" (what CPython's .so loader
// does). Multi-phase modules take the name from the spec and ignore it.
PyObject *fnCreateBuiltin(PyObject *, PyObject *spec) {
  PyObject *name = PyObject_GetAttrString(spec, "name");
  if (!name) return nullptr;
  const char *utf8 = PyUnicode_AsUTF8(name);
  PyObject *imp = utf8 ? PyImport_ImportModule("_imp") : nullptr;
  PyObject *module = nullptr;
  if (imp) {
    const char *saved = _Py_PackageContext;
    _Py_PackageContext = utf8; // lives as long as `name`
    module = PyObject_CallMethod(imp, "create_builtin", "O", spec);
    _Py_PackageContext = saved;
    Py_DECREF(imp);
  }
  Py_DECREF(name);
  return module;
}

// entry() -> (kind, target, function)
PyObject *fnEntry(PyObject *, PyObject *) {
  const Entry &e = runtimeState().entry;
  const char *kind = e.kind == Entry::Module ? "module" : e.kind == Entry::Script ? "script" : "python";
  return Py_BuildValue("(sss)", kind, e.target.c_str(), e.function.c_str());
}

// allocators() -> {"raw": name, "mem": name, "obj": name}: who serves each
// PyMem domain now (InterpreterConfig::allocator, read back).
PyObject *fnAllocators(PyObject *, PyObject *) {
  return Py_BuildValue("{ssssss}", "raw", allocatorInUse(PYMEM_DOMAIN_RAW), "mem",
                       allocatorInUse(PYMEM_DOMAIN_MEM), "obj", allocatorInUse(PYMEM_DOMAIN_OBJ));
}

// process_allocator() -> "mimalloc" or "libc": who serves malloc() itself.
PyObject *fnProcessAllocator(PyObject *, PyObject *) {
  return PyUnicode_FromString(processAllocator());
}

PyMethodDef kMethods[] = {
    {"find", (PyCFunction)(void (*)(void))fnFind, METH_FASTCALL,
     "find(kind, key) -> flags of the entry, or None"},
    {"module_code", fnModuleCode, METH_O, "module_code(name) -> code object, unmarshalled in place"},
    {"module_source", fnModuleSource, METH_O, "module_source(name) -> source bytes, or None"},
    {"file_data", fnFileData, METH_O, "file_data(key) -> bytes of a packed file, or None"},
    {"has_prefix", (PyCFunction)(void (*)(void))fnHasPrefix, METH_FASTCALL,
     "has_prefix(kind, prefix) -> True if some key starts with prefix"},
    {"children", (PyCFunction)(void (*)(void))fnChildren, METH_FASTCALL,
     "children(kind, prefix, sep) -> [(name, exact, deeper, flags)] directly under prefix"},
    {"builtin_names", fnBuiltinNames, METH_NOARGS, "names of the built-ins the program registered"},
    {"create_builtin", fnCreateBuiltin, METH_O, "create a built-in module for a spec, named in full"},
    {"entry", fnEntry, METH_NOARGS, "(kind, target, function) this process runs"},
    {"allocators", fnAllocators, METH_NOARGS,
     "allocators() -> {domain: backend} for the raw, mem and obj domains"},
    {"process_allocator", fnProcessAllocator, METH_NOARGS,
     "process_allocator() -> 'mimalloc' or 'libc': whose malloc() the whole process uses"},
    {"shared_policy", sharedPolicy, METH_O,
     "shared_policy(name) -> 'memory', 'extract' or 'refuse' for a packed extension module"},
    {"shared_data", sharedData, METH_O,
     "shared_data(name) -> read-only memoryview of a packed extension module's checked bytes"},
    {"create_shared", createShared, METH_O,
     "create_shared(spec) -> the module, loaded from memory; None if memfd_create is refused"},
    {"shared_dependencies", sharedDependencies, METH_O,
     "shared_dependencies(name) -> sonames of the packed libraries the module needs, in load order"},
    {"dependency_data", dependencyData, METH_O,
     "dependency_data(soname) -> read-only memoryview of a packed library's checked bytes"},
    {"load_dependency", (PyCFunction)(void (*)(void))loadDependency, METH_FASTCALL,
     "load_dependency(soname[, path]) -> True; None if it cannot load from memory here"},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef kModule = {
    PyModuleDef_HEAD_INIT, "_oxrt", "Packed resources of this executable (liboxrt).", -1, kMethods,
    nullptr, nullptr, nullptr, nullptr,
};

} // namespace

namespace {

// _oxrt.settings: the parts of the InterpreterConfig the Python side applies.
PyObject *settingsDict(const RuntimeState &s) {
  PyObject *argvb = Py_None;
  Py_INCREF(argvb);
  if (s.argvBytes) {
    Py_DECREF(argvb);
    argvb = PyList_New(0);
    for (const std::string &a : s.argv) {
      PyObject *b = argvb ? PyBytes_FromStringAndSize(a.data(), Py_ssize_t(a.size())) : nullptr;
      if (!b || PyList_Append(argvb, b) < 0) Py_CLEAR(argvb);
      Py_XDECREF(b);
    }
    if (!argvb) return nullptr;
  }
  PyObject *extract = PyList_New(0);
  for (const std::string &name : s.extractPackageData) {
    PyObject *n = extract ? PyUnicode_FromStringAndSize(name.data(), Py_ssize_t(name.size())) : nullptr;
    if (!n || PyList_Append(extract, n) < 0) Py_CLEAR(extract);
    Py_XDECREF(n);
  }
  if (!extract) {
    Py_DECREF(argvb);
    return nullptr;
  }
  return Py_BuildValue("{sOsOsOsssNsssssN}", "memory_importer", s.memoryImporter ? Py_True : Py_False,
                       "filesystem_importer", s.filesystemImporter ? Py_True : Py_False,
                       "frozen", s.sysFrozen ? Py_True : Py_False, "file",
                       s.fileAttribute == FileAttribute::Unset ? "unset" : "virtual", "argvb",
                       argvb, "mp_start_method", s.multiprocessingStartMethod.c_str(),
                       "modules_dir", s.writeModulesDirectory.c_str(), "extract_data", extract);
}

} // namespace

PyObject *initOxrtModule() {
  PyObject *m = PyModule_Create(&kModule);
  if (!m) return nullptr;
  const std::wstring &exe = runtimeState().executable;
  PyObject *root = PyUnicode_FromWideChar(exe.data(), Py_ssize_t(exe.size()));
  if (!root || PyModule_AddObject(m, "root", root) < 0) {
    Py_XDECREF(root);
    Py_DECREF(m);
    return nullptr;
  }
  PyObject *settings = settingsDict(runtimeState());
  if (!settings || PyModule_AddObject(m, "settings", settings) < 0) {
    Py_XDECREF(settings);
    Py_DECREF(m);
    return nullptr;
  }
  return m;
}

} // namespace oxrt

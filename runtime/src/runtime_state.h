// The process-wide state that the `_oxrt` module reads: filled once by
// MainInterpreter::create before the interpreter starts, read-only afterwards.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "oxrt/interpreter.h"
#include "packed_resources.h"

#include <map>
#include <string>
#include <vector>

namespace oxrt {

struct RuntimeState {
  Resources resources;
  std::wstring executable;           // sys.executable, also the virtual root of embedded paths
  std::vector<std::string> builtins; // names the app registered (dotted or not)
  Entry entry;                       // what runs, after the multiprocessing override
  // How packed extension modules load (AppConfig, validated by runApp).
  SharedModulePolicy sharedPolicy = SharedModulePolicy::Memory;
  std::map<std::string, SharedModulePolicy, std::less<>> sharedPolicies;
  // What _oxrt_importer applies (as _oxrt.settings).
  bool memoryImporter = true;
  bool filesystemImporter = true;
  bool sysFrozen = true;
  FileAttribute fileAttribute = FileAttribute::Virtual;
  bool argvBytes = false;
  std::vector<std::string> argv; // raw bytes, for sys.argvb
  std::string multiprocessingStartMethod;
  std::string writeModulesDirectory;
  std::vector<std::string> extractPackageData;
};

RuntimeState &runtimeState();

// Init function of the `_oxrt` built-in module (python/_oxrt_importer.py's
// window on the packed resources).
PyObject *initOxrtModule();

// _oxrt's functions for extension modules packed as shared libraries
// (src/shared_modules.cpp).
PyObject *sharedPolicy(PyObject *, PyObject *name);
PyObject *sharedData(PyObject *, PyObject *name);
PyObject *createShared(PyObject *, PyObject *spec);
// ... and for the libraries they need (src/shared_dependencies.cpp).
PyObject *sharedDependencies(PyObject *, PyObject *name);
PyObject *dependencyData(PyObject *, PyObject *soname);
PyObject *loadDependency(PyObject *, PyObject *const *args, Py_ssize_t nargs);

} // namespace oxrt

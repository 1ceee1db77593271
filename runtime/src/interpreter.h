// Starting CPython for liboxrt: PyPreConfig and PyConfig decided here once;
// docs/formats-resources.md ("Runtime") says why each setting is what it is.
// (oxrt/interpreter.h is the public API built on this.)
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string>
#include <vector>

namespace oxrt {

struct InterpreterOptions {
  bool parseArgv = false;              // argv is a python3 command line (-c, -m, flags)
  bool useEnvironment = false;         // read PYTHON* variables (the python profile)
  std::vector<std::string> argv;       // raw bytes; argv[0] is the program
  std::string executable;              // becomes sys.executable
  std::string home;                    // becomes sys.prefix and sys.exec_prefix
  std::vector<std::string> paths;      // sys.path, complete
  int optimizationLevel = -1;          // -1: from argv / the environment
};

// Pre-initialises (PreInitialize), then initialises the core only
// (_init_main = 0): the caller installs the allocator between the two, the
// importer after, then calls _Py_InitializeMain(). On success `executable`
// holds sys.executable as CPython decoded it.
PyStatus preInitialize(const InterpreterOptions &options);
PyStatus initializeCore(const InterpreterOptions &options, std::wstring &executable);

// A failed PyStatus as a message ("func: message"); for an exit status
// (e.g. from --help) the message is empty and `exitCode` is set.
std::string statusMessage(PyStatus status, int &exitCode);

} // namespace oxrt

// Starting CPython for an oxcc executable. Configuration is decided here
// once; docs/formats-resources.md ("Runtime") says why each setting is what
// it is.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string>
#include <vector>

namespace oxrt {

struct InterpreterOptions {
  bool pythonCli = false;               // argv is a python3 command line (Entry::Python)
  std::string executable;               // becomes sys.executable
  std::string home;                     // becomes sys.prefix and sys.exec_prefix
  std::vector<std::string> extraPaths;  // sys.path after the virtual root
};

// Pre-initialises and initialises the core only (_init_main = 0); the
// caller installs the importer, then calls _Py_InitializeMain(). On success
// `executable` holds sys.executable as CPython decoded it.
PyStatus initializeCore(const InterpreterOptions &options, int argc, char **argv,
                        std::wstring &executable);

// The exit status for a failed PyStatus, after printing "oxrt: func: message"
// (an exit status, e.g. from --help, is returned silently).
int reportStatus(PyStatus status);

} // namespace oxrt

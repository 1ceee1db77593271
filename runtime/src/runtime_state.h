// The process-wide state that the `_oxrt` module reads: filled once by
// runApp before the interpreter starts, read-only afterwards.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "oxrt/app.h"
#include "packed_resources.h"

#include <string>
#include <vector>

namespace oxrt {

struct RuntimeState {
  Resources resources;
  std::wstring executable;           // sys.executable, also the virtual root of embedded paths
  std::vector<std::string> builtins; // names the app registered (dotted or not)
  Entry entry;                       // what runs, after the multiprocessing override
};

RuntimeState &runtimeState();

// Init function of the `_oxrt` built-in module (python/_oxrt_importer.py's
// window on the packed resources).
PyObject *initOxrtModule();

} // namespace oxrt

// runApp: the life of an oxcc executable, as a sequence of named steps.
#include "frozen.h"
#include "interpreter.h"
#include "launch.h"
#include "runtime_state.h"

#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <unistd.h>

namespace oxrt {

namespace {

// sys.executable: the binary itself, symlinks resolved, so the virtual
// paths of embedded modules do not depend on how the program was invoked.
std::string findExecutable(const char *argv0) {
  char buf[PATH_MAX];
  if (char *p = realpath("/proc/self/exe", buf)) return p;
  if (argv0)
    if (char *p = realpath(argv0, buf)) return p;
  return argv0 ? argv0 : "";
}

// Adds the app's built-ins and _oxrt to the inittab. Refuses duplicates and
// names libpython already has: CPython would silently use the first entry.
bool registerBuiltins(const oxrt_builtin *builtins, std::vector<std::string> &names,
                      std::string &error) {
  std::set<std::string> taken;
  for (const _inittab *p = PyImport_Inittab; p->name; ++p) taken.insert(p->name);
  std::vector<_inittab> table;
  table.push_back({"_oxrt", initOxrtModule});
  taken.insert("_oxrt");
  for (const oxrt_builtin *b = builtins; b && b->name; ++b) {
    if (!b->init) {
      error = std::string("built-in module '") + b->name + "' has no init function";
      return false;
    }
    if (!taken.insert(b->name).second) {
      error = std::string("built-in module '") + b->name +
              "' is registered twice (or is already built into libpython)";
      return false;
    }
    table.push_back({b->name, b->init});
    names.push_back(b->name);
  }
  table.push_back({nullptr, nullptr});
  // ExtendInittab copies the table (not the names, which are literals).
  if (PyImport_ExtendInittab(table.data()) != 0) {
    error = "cannot extend the inittab (out of memory)";
    return false;
  }
  return true;
}

// Keeps the shared-module policies, refusing values outside the enum (the C
// API passes ints) and overrides naming no packed extension module: a typo
// would otherwise silently leave the module on the default policy.
bool setSharedPolicies(const AppConfig &app, RuntimeState &state, std::string &error) {
  auto known = [](SharedModulePolicy p) {
    return p == SharedModulePolicy::Memory || p == SharedModulePolicy::Extract ||
           p == SharedModulePolicy::Refuse;
  };
  if (!known(app.sharedModulePolicy)) {
    error = "unknown shared-module policy " + std::to_string(int(app.sharedModulePolicy));
    return false;
  }
  state.sharedPolicy = app.sharedModulePolicy;
  for (const auto &[name, policy] : app.sharedModulePolicies) {
    if (!known(policy)) {
      error = "unknown shared-module policy " + std::to_string(int(policy)) + " for '" + name + "'";
      return false;
    }
    if (!state.resources.find(ResourceKind::SharedLibrary, name)) {
      error = "a shared-module policy names '" + name +
              "', but the packed resources hold no extension module of that name "
              "(pack it with collect_python.py --dynload, or drop the override)";
      return false;
    }
    state.sharedPolicies.emplace(name, policy);
  }
  return true;
}

// Calls _oxrt_importer.<function>(); prints the exception on failure.
bool callImporter(const char *function) {
  PyObject *module = PyImport_ImportModule("_oxrt_importer");
  PyObject *result = module ? PyObject_CallMethod(module, function, nullptr) : nullptr;
  Py_XDECREF(module);
  if (result) {
    Py_DECREF(result);
    return true;
  }
  std::fprintf(stderr, "oxrt: cannot install the importer (%s):\n", function);
  PyErr_Print();
  return false;
}

// The exit status for the exception pending after an app entry failed, as
// python3 computes it: SystemExit's code, else the traceback and 1.
int exitStatusOfPendingError(bool &interrupted) {
  if (!PyErr_ExceptionMatches(PyExc_SystemExit)) {
    interrupted = PyErr_ExceptionMatches(PyExc_KeyboardInterrupt);
    PyErr_Print(); // sys.excepthook: the traceback module, with source lines
    return 1;
  }
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  PyObject *code = value ? PyObject_GetAttrString(value, "code") : nullptr;
  int status = 0;
  if (!code) {
    PyErr_Clear();
  } else if (PyLong_Check(code)) {
    status = int(PyLong_AsLong(code));
    if (status == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      status = 1;
    }
  } else if (code != Py_None) {
    // sys.exit("message"): the message on stderr, status 1.
    PyObject *err = PySys_GetObject("stderr");
    if (!err || err == Py_None || PyFile_WriteObject(code, err, Py_PRINT_RAW) < 0 ||
        PyFile_WriteString("\n", err) < 0) {
      PyErr_Clear();
      PyObject *s = PyObject_Str(code);
      const char *text = s ? PyUnicode_AsUTF8(s) : nullptr;
      std::fprintf(stderr, "%s\n", text ? text : "");
      Py_XDECREF(s);
      PyErr_Clear();
    }
    status = 1;
  }
  Py_XDECREF(code);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  return status;
}

// Entry::Module and Entry::Script, through _oxrt_entry.run().
int runEntry(const Entry &entry) {
  const char *kind = entry.kind == Entry::Module ? "module" : "script";
  PyObject *module = PyImport_ImportModule("_oxrt_entry");
  PyObject *result = module ? PyObject_CallMethod(module, "run", "sss", kind, entry.target.c_str(),
                                                  entry.function.c_str())
                            : nullptr;
  Py_XDECREF(module);
  bool interrupted = false;
  int status = 0;
  if (result) Py_DECREF(result);
  else status = exitStatusOfPendingError(interrupted);
  // Runs atexit handlers and flushes stdout; a failed flush is python3's 120.
  if (Py_FinalizeEx() < 0 && status == 0) status = 120;
  if (interrupted) {
    // Die of SIGINT as python3 does, so shells see the interrupt.
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
    return 130;
  }
  return status;
}

} // namespace

int runApp(const AppConfig &app, int argc, char **argv) {
  RuntimeState &state = runtimeState();
  std::string error;

  // Validate the whole blob first: corruption is a message, never a crash in
  // the middle of an import.
  auto resources = Resources::open(app.resources.data, app.resources.size, error);
  if (!resources) {
    std::fprintf(stderr, "oxrt: corrupt packed resources: %s\n", error.c_str());
    return 1;
  }
  state.resources = *resources;
  // Main initialisation imports encodings, and nothing else could provide it.
  if (!state.resources.find(ResourceKind::Module, "encodings")) {
    std::fprintf(stderr, "oxrt: the packed resources have no 'encodings' package: pack the "
                         "standard library (collect_python.py --stdlib)\n");
    return 1;
  }

  if (!setSharedPolicies(app, state, error)) {
    std::fprintf(stderr, "oxrt: %s\n", error.c_str());
    return 1;
  }

  // A multiprocessing child runs what its parent asks, not the app.
  state.entry = effectiveEntry(app.entry, argc, argv);
  if (state.entry.kind != Entry::Python && state.entry.kind != Entry::Module &&
      state.entry.kind != Entry::Script) {
    std::fprintf(stderr, "oxrt: unknown entry kind %d\n", int(state.entry.kind));
    return 1;
  }
  if (state.entry.kind != Entry::Python && state.entry.target.empty()) {
    std::fprintf(stderr, "oxrt: the entry has no target module or script\n");
    return 1;
  }

  // The inittab and the frozen table must be complete before the
  // interpreter exists: sys.builtin_module_names is computed from it.
  if (!registerBuiltins(app.builtins, state.builtins, error)) {
    std::fprintf(stderr, "oxrt: %s\n", error.c_str());
    return 1;
  }
  PyImport_FrozenModules = kFrozenModules;

  // Core only, then the importer, then the rest: main initialisation
  // imports encodings, which only the packed resources hold.
  InterpreterOptions options;
  options.pythonCli = state.entry.kind == Entry::Python;
  options.executable = findExecutable(argc > 0 ? argv[0] : nullptr);
  options.home = options.executable.substr(0, options.executable.rfind('/') + 1);
  if (options.home.size() > 1) options.home.pop_back(); // "/usr/bin", but "/" stays
  options.extraPaths = app.filesystemPaths;
  PyStatus status = initializeCore(options, argc, argv, state.executable);
  if (PyStatus_Exception(status)) return reportStatus(status);
  if (!callImporter("install_core")) return 1;
  status = _Py_InitializeMain();
  if (PyStatus_Exception(status)) return reportStatus(status);
  if (!callImporter("install_main")) return 1;

  // python3's own main handles -c, -m, scripts, stdin, the REPL and exit
  // codes; app entries go through _oxrt_entry.
  if (state.entry.kind == Entry::Python) return Py_RunMain();
  return runEntry(state.entry);
}

} // namespace oxrt

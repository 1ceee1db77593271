// MainInterpreter: the life of the embedded interpreter, as a sequence of
// named steps. create() checks everything it can before CPython exists, so
// most mistakes are an error value and nothing has started.
#include "allocator.h"
#include "config.h"
#include "frozen.h"
#include "interpreter.h"
#include "launch.h"
#include "prefault.h"
#include "resource_file.h"
#include "runtime_state.h"

#include <atomic>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace oxrt {

namespace {

// A failed PyStatus as a Status (an exit request keeps its code, no message).
Status fromPyStatus(PyStatus status) {
  int code = 1;
  std::string message = statusMessage(status, code);
  return Status::failure(message, code);
}

// One main interpreter per process, ever: 0 never created, 1 alive, 2 gone.
std::atomic<int> gInterpreterState{0};

const char *const kSecondInterpreter =
    "a MainInterpreter already exists (or existed) in this process: CPython has one main "
    "interpreter, extension modules keep process-global state and Cython modules refuse a "
    "second initialisation. Keep the first one, or start another process";

// The mapped resourcesPath, kept until the interpreter is finalized.
MappedFile gMappedResources;

// sys.executable: the binary itself, symlinks resolved, so the virtual
// paths of embedded modules do not depend on how the program was invoked.
std::string findExecutable(const std::string &argv0) {
  char buf[PATH_MAX];
  if (char *p = realpath("/proc/self/exe", buf)) return p;
  if (!argv0.empty())
    if (char *p = realpath(argv0.c_str(), buf)) return p;
  return argv0;
}

std::string directoryOf(const std::string &path) {
  std::string dir = path.substr(0, path.rfind('/') + 1);
  if (dir.size() > 1) dir.pop_back(); // "/usr/bin", but "/" stays
  return dir;
}

// Adds the built-ins and _oxrt to the inittab. Refuses names libpython
// already has: CPython would silently use the first entry. Names given as
// std::string are copied to storage that lives as long as the process (the
// inittab keeps the pointers).
Status registerBuiltins(const InterpreterConfig &c, std::vector<std::string> &names) {
  static std::deque<std::string> ownedNames;
  std::set<std::string> taken;
  for (const _inittab *p = PyImport_Inittab; p->name; ++p) taken.insert(p->name);
  std::vector<_inittab> table;
  table.push_back({"_oxrt", initOxrtModule});
  taken.insert("_oxrt");
  auto add = [&](const char *name, PyObject *(*init)(void)) {
    if (!taken.insert(name).second)
      return Status::failure(std::string("built-in module '") + name +
                             "' is registered twice (or is already built into libpython)");
    table.push_back({name, init});
    names.push_back(name);
    return Status();
  };
  for (const oxrt_builtin *b = c.builtins; b && b->name; ++b)
    if (Status s = add(b->name, b->init); !s) return s;
  for (const ExtensionModule &e : c.extensionModules)
    if (Status s = add(ownedNames.emplace_back(e.name).c_str(), e.init); !s) return s;
  table.push_back({nullptr, nullptr});
  // ExtendInittab copies the table (not the names).
  if (PyImport_ExtendInittab(table.data()) != 0)
    return Status::failure("cannot extend the inittab (out of memory)");
  return {};
}

// Overrides must name packed extension modules: a typo would otherwise
// silently leave the module on the default policy.
Status setSharedPolicies(const InterpreterConfig &c, RuntimeState &state) {
  state.sharedPolicy = c.sharedModulePolicy;
  for (const auto &[name, policy] : c.sharedModulePolicies) {
    if (!state.resources.find(ResourceKind::SharedLibrary, name))
      return Status::failure("a shared-module policy names '" + name +
                             "', but the packed resources hold no extension module of that "
                             "name (pack it with collect_python.py --dynload, or drop the "
                             "override)");
    state.sharedPolicies.emplace(name, policy);
  }
  return {};
}

// The resources: in memory, or a file mapped now; validated whole, so
// corruption is a message here and never a crash in the middle of an import.
Status openResources(const InterpreterConfig &c, RuntimeState &state) {
  if (!c.memoryImporter) return {};
  ResourceBlob blob = c.resources;
  std::string error, where;
  if (!c.resourcesPath.empty()) {
    gMappedResources = mapResourceFile(c.resourcesPath, error);
    if (!gMappedResources.data) return Status::failure(error);
    blob = {gMappedResources.data, gMappedResources.size};
    where = " in " + c.resourcesPath;
  }
  auto resources = Resources::open(blob.data, blob.size, error);
  if (!resources)
    return Status::failure("corrupt packed resources" + where + ": " + error +
                           " (rebuild them with oxrt-pack or oxcc link)");
  state.resources = *resources;
  // Main initialisation imports encodings: without it packed, only a
  // standard library on sysPath could provide it.
  if (!state.resources.find(ResourceKind::Module, "encodings") &&
      (!c.filesystemImporter || c.sysPath.empty()))
    return Status::failure("the packed resources" + where +
                           " have no 'encodings' package: pack the standard library "
                           "(collect_python.py --stdlib)");
  return {};
}

void setTerminfo(const InterpreterConfig &c) {
  auto isDir = [](const char *p) {
    struct stat st;
    return ::stat(p, &st) == 0 && S_ISDIR(st.st_mode);
  };
  std::string dirs = terminfoDirsToSet(c, std::getenv("TERMINFO_DIRS"), isDir);
  if (!dirs.empty()) ::setenv("TERMINFO_DIRS", dirs.c_str(), 1);
}

// The pending exception as text (its traceback), cleared. SystemExit is
// "SystemExit: <code>".
std::string takeErrorText() {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  if (!type) return "unknown error (no exception set)";
  PyErr_NormalizeException(&type, &value, &tb);
  if (tb && value) PyException_SetTraceback(value, tb);
  std::string text;
  PyObject *mod = PyImport_ImportModule("traceback");
  PyObject *lines = mod ? PyObject_CallMethod(mod, "format_exception", "O", value) : nullptr;
  PyObject *empty = lines ? PyUnicode_FromString("") : nullptr;
  PyObject *joined = empty ? PyUnicode_Join(empty, lines) : nullptr;
  if (const char *utf8 = joined ? PyUnicode_AsUTF8(joined) : nullptr) text = utf8;
  Py_XDECREF(joined);
  Py_XDECREF(empty);
  Py_XDECREF(lines);
  Py_XDECREF(mod);
  if (text.empty()) { // traceback itself failed: at least the exception's str
    PyErr_Clear();
    PyObject *s = value ? PyObject_Str(value) : nullptr;
    const char *name = reinterpret_cast<PyTypeObject *>(type)->tp_name;
    const char *utf8 = s ? PyUnicode_AsUTF8(s) : nullptr;
    text = std::string(name) + ": " + (utf8 ? utf8 : "");
    Py_XDECREF(s);
  }
  PyErr_Clear();
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// Calls _oxrt_importer.<function>().
Status callImporter(const char *function) {
  PyObject *module = PyImport_ImportModule("_oxrt_importer");
  PyObject *result = module ? PyObject_CallMethod(module, function, nullptr) : nullptr;
  Py_XDECREF(module);
  if (result) {
    Py_DECREF(result);
    return {};
  }
  return Status::failure(std::string("cannot install the importer (") + function +
                         "):\n" + takeErrorText());
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

// Entry::Module and Entry::Script, through _oxrt_entry.run(); the status.
int runEntry(const Entry &entry, bool &interrupted) {
  const char *kind = entry.kind == Entry::Module ? "module" : "script";
  PyObject *module = PyImport_ImportModule("_oxrt_entry");
  PyObject *result = module ? PyObject_CallMethod(module, "run", "sss", kind, entry.target.c_str(),
                                                  entry.function.c_str())
                            : nullptr;
  Py_XDECREF(module);
  if (result) {
    Py_DECREF(result);
    return 0;
  }
  return exitStatusOfPendingError(interrupted);
}

// Steps of create() once the interpreter exists (core initialised).
Status startMain() {
  if (Status s = callImporter("install_core"); !s) return s;
  PyStatus status = _Py_InitializeMain();
  if (PyStatus_Exception(status)) return fromPyStatus(status);
  return callImporter("install_main");
}

} // namespace

Result<std::unique_ptr<MainInterpreter>> MainInterpreter::create(const InterpreterConfig &c) {
  int expected = 0;
  if (!gInterpreterState.compare_exchange_strong(expected, 1))
    return Status::failure(kSecondInterpreter);
  // Until the interpreter exists, a failure lets a corrected configuration
  // try again.
  auto undo = [](Status s) {
    unmapResourceFile(gMappedResources);
    gInterpreterState = 0;
    return s;
  };
  if (Status s = validate(c); !s) return undo(s);
  if (std::string why = prepareAllocator(c.allocator); !why.empty())
    return undo(Status::failure(why));

  RuntimeState &state = runtimeState();
  state = RuntimeState{};
  if (Status s = openResources(c, state); !s) return undo(s);
  if (Status s = setSharedPolicies(c, state); !s) return undo(s);

  std::vector<std::string> argv = c.argv;
  std::string executable = findExecutable(argv.empty() ? "" : argv[0]);
  if (argv.empty()) argv.push_back(executable);
  std::vector<char *> argvPtrs;
  for (std::string &a : argv) argvPtrs.push_back(a.data());
  argvPtrs.push_back(nullptr);
  state.entry = c.multiprocessingAutoDispatch
                    ? effectiveEntry(c.entry, int(argv.size()), argvPtrs.data())
                    : c.entry;
  state.memoryImporter = c.memoryImporter;
  state.filesystemImporter = c.filesystemImporter;
  state.sysFrozen = c.sysFrozen;
  state.fileAttribute = c.fileAttribute;
  state.argvBytes = c.argvBytes;
  state.argv = argv;
  state.multiprocessingStartMethod = c.multiprocessingStartMethod;
  state.writeModulesDirectory = c.writeModulesDirectory;
  state.extractPackageData = c.extractPackageData;

  InterpreterOptions options;
  options.parseArgv = state.entry.kind == Entry::Python;
  options.useEnvironment = c.profile == Profile::Python;
  options.argv = argv;
  options.executable = executable;
  options.home = directoryOf(executable);
  options.optimizationLevel = c.optimizationLevel;
  // The virtual root (== sys.executable) first: the in-memory importer's
  // path entry; then the configured entries.
  if (c.memoryImporter) options.paths.push_back(executable);
  for (const std::string &p : c.sysPath) options.paths.push_back(expandOrigin(p, options.home));

  // From here on CPython holds state (the inittab, the pre-configuration):
  // a failure is final for this process.
  auto fail = [](Status s) {
    unmapResourceFile(gMappedResources);
    gInterpreterState = 2;
    return s;
  };
  // The inittab and the frozen table must be complete before the
  // interpreter exists: sys.builtin_module_names is computed from it.
  if (Status s = registerBuiltins(c, state.builtins); !s) return fail(s);
  PyImport_FrozenModules = kFrozenModules;
  setTerminfo(c);

  if (c.prefault) {
    (void)prefaultPythonData();
    prefaultArenas();
  }
  PyStatus status = preInitialize(options);
  if (PyStatus_Exception(status)) return fail(fromPyStatus(status));
  // After pre-initialisation and before initialisation: the one point
  // where CPython lets an allocator be replaced outright.
  if (std::string why = installAllocator(c.allocator, c.allocatorDomains); !why.empty())
    return fail(Status::failure(why));
  status = initializeCore(options, state.executable);
  if (PyStatus_Exception(status)) return fail(fromPyStatus(status));
  if (Status s = startMain(); !s) {
    Py_FinalizeEx();
    return fail(s);
  }

  std::unique_ptr<MainInterpreter> interp(new MainInterpreter());
  interp->mainThread_ = PyEval_SaveThread();
  return interp;
}

MainInterpreter::~MainInterpreter() { (void)finalize(); }

int MainInterpreter::runMain() {
  if (finalized_) return 1;
  PyEval_RestoreThread(static_cast<PyThreadState *>(mainThread_));
  finalized_ = true;
  int status = 0;
  bool interrupted = false;
  // python3's own main handles -c, -m, scripts, stdin, the REPL and exit
  // codes, and finalizes; app entries go through _oxrt_entry.
  if (runtimeState().entry.kind == Entry::Python) {
    status = Py_RunMain();
  } else {
    status = runEntry(runtimeState().entry, interrupted);
    // Runs atexit handlers and flushes stdout; a failed flush is python3's 120.
    if (Py_FinalizeEx() < 0 && status == 0) status = 120;
  }
  unmapResourceFile(gMappedResources);
  gInterpreterState = 2;
  if (interrupted) {
    // Die of SIGINT as python3 does, so shells see the interrupt.
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
    return 130;
  }
  return status;
}

namespace {

// Runs `call` with the GIL held; its NULL result becomes the error text.
template <class F> Status withGil(bool finalized, F call) {
  if (finalized) return Status::failure("the interpreter is finalized");
  MainInterpreter::GilGuard gil;
  PyObject *result = call();
  if (!result) return Status::failure(takeErrorText());
  Py_DECREF(result);
  return {};
}

PyObject *mainDict() {
  PyObject *main = PyImport_AddModule("__main__"); // borrowed
  return main ? PyModule_GetDict(main) : nullptr;
}

} // namespace

Status MainInterpreter::runCode(std::string_view source) {
  std::string code(source);
  return withGil(finalized_, [&]() -> PyObject * {
    PyObject *globals = mainDict();
    return globals ? PyRun_String(code.c_str(), Py_file_input, globals, globals) : nullptr;
  });
}

Status MainInterpreter::runModule(const std::string &name) {
  return withGil(finalized_, [&]() -> PyObject * {
    PyObject *runpy = PyImport_ImportModule("runpy");
    PyObject *r = runpy ? PyObject_CallMethod(runpy, "_run_module_as_main", "si", name.c_str(), 0)
                        : nullptr;
    Py_XDECREF(runpy);
    return r;
  });
}

Status MainInterpreter::runFile(const std::string &path) {
  return withGil(finalized_, [&]() -> PyObject * {
    PyObject *runpy = PyImport_ImportModule("runpy");
    PyObject *fn = runpy ? PyObject_GetAttrString(runpy, "run_path") : nullptr;
    PyObject *args = fn ? Py_BuildValue("(s)", path.c_str()) : nullptr;
    PyObject *kwargs = args ? Py_BuildValue("{ss}", "run_name", "__main__") : nullptr;
    PyObject *r = kwargs ? PyObject_Call(fn, args, kwargs) : nullptr;
    Py_XDECREF(kwargs);
    Py_XDECREF(args);
    Py_XDECREF(fn);
    Py_XDECREF(runpy);
    return r;
  });
}

Status MainInterpreter::finalize() {
  if (finalized_) return {};
  finalized_ = true;
  PyEval_RestoreThread(static_cast<PyThreadState *>(mainThread_));
  int rc = Py_FinalizeEx();
  unmapResourceFile(gMappedResources);
  gInterpreterState = 2;
  if (rc < 0) return Status::failure("flushing stdout or stderr failed at finalization", 120);
  return {};
}

MainInterpreter::GilGuard::GilGuard() : state_(int(PyGILState_Ensure())) {}
MainInterpreter::GilGuard::~GilGuard() { PyGILState_Release(PyGILState_STATE(state_)); }

} // namespace oxrt

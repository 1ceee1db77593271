// Embedding CPython with liboxrt: a configuration, and the interpreter made
// from it. docs/embedding.md has the field table, lifetimes, threading and
// what a second interpreter does.
//
//   oxrt::InterpreterConfig config;
//   config.resources = {oxcc_app_resources_start, size_t(end - start)};
//   config.extensionModules = {{"app.native", PyInit_native}};
//   config.entry = {oxrt::Entry::Module, "app.cli", "main"};
//   config.setArgv(argc, argv);
//   auto interp = oxrt::MainInterpreter::create(config);
//   if (!interp) { fprintf(stderr, "%s\n", interp.error().c_str()); return 1; }
//   return (*interp)->runMain();
//
// Errors are values (Status, Result<T>) carrying a message that names the
// cause and the fix; nothing here calls exit() or abort().
// Needs no Python header: PyObject is only named.
#pragma once

#include "oxrt/oxrt.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oxrt {

// Success, or a message saying what failed. For code run in the
// interpreter, the message is the Python traceback.
// exitCode() is what a program should exit with: 1 for an error, or what
// the command line asked for (`--version`, `--help`: 0, with no message).
class [[nodiscard]] Status {
public:
  Status() = default;
  static Status failure(std::string message, int exitCode = 1) {
    Status s;
    s.error_ = std::move(message);
    s.failed_ = true;
    s.exitCode_ = exitCode;
    return s;
  }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string &error() const { return error_; }
  int exitCode() const { return exitCode_; }

private:
  std::string error_;
  bool failed_ = false;
  int exitCode_ = 0;
};

// A value, or a message saying why there is none.
template <class T> class [[nodiscard]] Result {
public:
  Result(T value) : value_(std::move(value)) {}
  Result(Status failure) : error_(failure.error()), exitCode_(failure.exitCode()) {}
  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  T &operator*() { return *value_; }
  T *operator->() { return &*value_; }
  const std::string &error() const { return error_; }
  int exitCode() const { return exitCode_; }

private:
  std::optional<T> value_;
  std::string error_;
  int exitCode_ = 0;
};

// What runMain() runs. A multiprocessing child (argv holds
// --multiprocessing-fork, or is `-c "from multiprocessing.…"` after
// interpreter flags) runs as Python when multiprocessingAutoDispatch is on.
struct Entry {
  enum Kind {
    Python = OXRT_ENTRY_PYTHON, // behave like python3: -c, -m, script, -, REPL, flags
    Module = OXRT_ENTRY_MODULE, // run `target` as __main__ (like -m), or call target:function
    Script = OXRT_ENTRY_SCRIPT, // run the embedded module or file `target` as __main__
  };
  Kind kind = Python;
  std::string target;   // "app.cli", or a key of the packed resources
  std::string function; // Module only: "main" or "obj.method"; empty = run as __main__
};

// How an extension module packed as a shared library (kind 3: Debian's
// lib-dynload modules, collect_python.py --dynload) is loaded.
enum class SharedModulePolicy {
  // memfd_create + dlopen("/proc/self/fd/N"): nothing touches the disk.
  // Where memfd_create is refused (kernel < 3.17, seccomp, memfd_noexec=2)
  // the runtime quietly extracts instead, from the first failure on.
  Memory = OXRT_SHARED_MEMORY,
  // Written once to $XDG_CACHE_HOME/oxrt/<sha256>/<file>.so (else
  // ~/.cache/oxrt/...), atomically, reused by later runs; __file__ is that
  // real path. For modules that need a real file next to them.
  Extract = OXRT_SHARED_EXTRACT,
  // Importing the module raises ImportError saying so.
  Refuse = OXRT_SHARED_REFUSE,
};

// A span of memory holding packed resources; must start on an 8-byte
// boundary and outlive the interpreter.
struct ResourceBlob {
  const void *data = nullptr;
  size_t size = 0;
};

enum class Profile {
  // No PYTHON* environment variable is read. argv is parsed as python3's
  // command line only when the entry is Entry::Python.
  Isolated = OXRT_PROFILE_ISOLATED,
  // Like python3: PYTHON* variables (PYTHONOPTIMIZE, PYTHONUNBUFFERED,
  // PYTHONWARNINGS...) are read. argv is parsed as for Isolated. sys.path
  // stays the configuration's (PYTHONPATH and PYTHONHOME are not used).
  Python = OXRT_PROFILE_PYTHON,
};

// Who serves PyMem_RawMalloc, PyMem_Malloc and PyObject_Malloc (the domains
// chosen by allocatorDomains). Chosen at run time with PyMem_SetAllocator.
enum class Allocator {
  Default = OXRT_ALLOCATOR_DEFAULT,   // CPython's own: malloc (raw), pymalloc (mem, obj)
  System = OXRT_ALLOCATOR_SYSTEM,     // the C library's malloc for every chosen domain
  Mimalloc = OXRT_ALLOCATOR_MIMALLOC, // libmimalloc.so.2, loaded privately (RTLD_LOCAL)
  Jemalloc = OXRT_ALLOCATOR_JEMALLOC, // Debian's jemalloc, linked in, malloc() not replaced
};

struct AllocatorDomains {
  bool raw = true; // PyMem_RawMalloc: must be thread-safe (all backends are)
  bool mem = true; // PyMem_Malloc
  bool obj = true; // PyObject_Malloc: every Python object
};

// The __file__ of modules served from the packed resources.
enum class FileAttribute {
  Virtual = OXRT_FILE_VIRTUAL, // <sys.executable>/pkg/mod.py: nothing on disk, read by get_data()
  Unset = OXRT_FILE_UNSET,     // no __file__ (code that needs one fails early and visibly)
};

// TERMINFO_DIRS, for curses and readline in a program that may run on any
// distribution.
enum class Terminfo {
  Dynamic = OXRT_TERMINFO_DYNAMIC, // if unset: the common directories that exist
  Static = OXRT_TERMINFO_STATIC,   // if unset: terminfoDirs
  None = OXRT_TERMINFO_NONE,       // leave the environment alone
};

struct ExtensionModule {
  std::string name;       // full dotted name: "app.native" works like "native"
  PyObject *(*init)(void); // its PyInit_ function (single- or multi-phase)
};

struct InterpreterConfig {
  Profile profile = Profile::Isolated;
  Entry entry; // what runMain() runs

  // sys.argv, as bytes (decoded like python3: the locale, surrogateescape).
  // argv[0] is the program. Empty: {"<the executable>"}.
  std::vector<std::string> argv;
  // Also set sys.argvb: the same arguments as bytes, undecoded.
  bool argvBytes = false;
  void setArgv(int argc, char **args) { argv.assign(args, args + (argc > 0 ? argc : 0)); }

  // Where modules come from. The in-memory importer serves `resources` (or
  // the file at `resourcesPath`, mapped with mmap); it must hold the
  // standard library's `encodings`. Without it, sysPath must name the
  // standard library on disk.
  bool memoryImporter = true;
  ResourceBlob resources;
  std::string resourcesPath;
  // Python's PathFinder: sysPath entries, zip files, .so files on disk.
  bool filesystemImporter = true;
  // sys.path after the virtual root of the packed resources. "$ORIGIN"
  // (or "${ORIGIN}") at the start is the executable's directory.
  std::vector<std::string> sysPath;

  // Built-in extension modules: `builtins` ({nullptr, nullptr}-terminated,
  // string-literal names: what `oxcc link` generates) and extensionModules
  // (any names; copied). A name registered twice is an error.
  const oxrt_builtin *builtins = nullptr;
  std::vector<ExtensionModule> extensionModules;

  // Packed extension modules load from memory unless told otherwise;
  // overrides name modules exactly ("_ssl"), each must be in the blob.
  SharedModulePolicy sharedModulePolicy = SharedModulePolicy::Memory;
  std::map<std::string, SharedModulePolicy> sharedModulePolicies;

  // Packages (top-level names) whose files code opens by path, from
  // __file__: on first import their whole tree (data files, sources,
  // packed .so) is written to a private, content-addressed directory in
  // the extraction cache, verified on each later use, and their modules'
  // __file__, __path__ and spec.origin point there. The code still loads
  // from memory. Each name must be a package in the resources.
  std::vector<std::string> extractPackageData;

  Allocator allocator = Allocator::Default;
  AllocatorDomains allocatorDomains;
  // Copy libpython's writable data in with one request before CPython
  // starts, and take pymalloc's arenas populated, instead of one page fault
  // per page as they are first written (docs/embedding.md says what it
  // gains and costs). Off: the kernel's default, page by page.
  bool prefault = true;

  int optimizationLevel = -1; // 0, 1 (-O), 2 (-OO); -1: from argv / the profile
  // sys.frozen = True, as freezers set it. multiprocessing then starts
  // spawn children as `<exe> --multiprocessing-fork ...`, which the
  // auto-dispatch below runs.
  bool sysFrozen = false;

  // A multiprocessing child started by this program (spawn, forkserver)
  // runs what its parent asks instead of `entry`.
  bool multiprocessingAutoDispatch = true;
  // "fork", "spawn" or "forkserver", set at start (importing
  // multiprocessing then); "": Python's default.
  std::string multiprocessingStartMethod;

  Terminfo terminfo = Terminfo::Dynamic;
  std::string terminfoDirs; // Terminfo::Static only: "dir:dir"

  FileAttribute fileAttribute = FileAttribute::Virtual;

  // At exit, write the names of every module imported (one per line,
  // sorted) to <dir>/modules-<pid>.txt; the directory must exist. "" = off.
  std::string writeModulesDirectory;
};

// Checks a configuration without starting anything: the message of the first
// problem found (unknown enum values, both resources and resourcesPath,
// duplicate module names, bad start method or optimization level...).
Status validate(const InterpreterConfig &config);

// `path` with a leading "$ORIGIN" or "${ORIGIN}" replaced by `origin`.
std::string expandOrigin(const std::string &path, const std::string &origin);

// The Python interpreter of this process. One per process, ever: see
// docs/embedding.md ("A second interpreter").
class MainInterpreter {
public:
  // Starts CPython. The calling thread becomes the interpreter's main
  // thread; on return it does not hold the GIL (every method takes it).
  static Result<std::unique_ptr<MainInterpreter>> create(const InterpreterConfig &config);
  ~MainInterpreter(); // finalize(), if not done yet
  MainInterpreter(const MainInterpreter &) = delete;
  MainInterpreter &operator=(const MainInterpreter &) = delete;

  // Runs the configured entry like a program does, then finalizes: the exit
  // status (SystemExit's code, 1 after an uncaught exception whose traceback
  // went to stderr, 120 if flushing stdout failed). Main thread only.
  int runMain();

  // Run in __main__'s namespace; an uncaught exception comes back as the
  // message (its traceback), and is not printed.
  Status runCode(std::string_view source);
  Status runModule(const std::string &name); // like `python -m name`, argv unchanged
  Status runFile(const std::string &path);   // a file on disk, as __main__ runs it

  // Runs atexit handlers, flushes, frees; the status says if flushing
  // stdout/stderr failed. Main thread only. Later calls do nothing.
  Status finalize();
  bool finalized() const { return finalized_; }

  // Holds the GIL for its lifetime: for callbacks from threads Python did
  // not create, and for the C API inside runCode's callers. Nestable.
  class GilGuard {
  public:
    GilGuard();
    ~GilGuard();
    GilGuard(const GilGuard &) = delete;
    GilGuard &operator=(const GilGuard &) = delete;

  private:
    int state_;
  };

private:
  MainInterpreter() = default;
  void *mainThread_ = nullptr; // PyThreadState*, released after create()
  bool finalized_ = false;
};

} // namespace oxrt

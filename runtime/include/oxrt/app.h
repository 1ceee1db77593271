// The entry point of an oxcc executable. The link planner generates a main()
// that fills an AppConfig and calls runApp(); see docs/formats-resources.md
// for the resources blob and the virtual paths modules get.
//
//   extern "C" PyObject *oxcc_init_markupsafe___speedups(void);
//   static const oxrt_builtin kBuiltins[] = {
//     {"markupsafe._speedups", oxcc_init_markupsafe___speedups}, {nullptr, nullptr}};
//   int main(int argc, char **argv) {
//     oxrt::AppConfig app;
//     app.builtins = kBuiltins;
//     app.resources = {oxrt_resources_start, size_t(oxrt_resources_end - oxrt_resources_start)};
//     app.entry = {oxrt::Entry::Module, "app.cli", "main"};
//     return oxrt::runApp(app, argc, argv);
//   }
//
// A program that links a library made by `oxcc link --emit=libpython` (see
// oxrt.h: oxcc_app_builtins, oxcc_app_resources_start/_end) writes this
// main() itself, with its own built-ins before the app's:
//
//   std::vector<oxrt_builtin> all = {{"app.native", PyInit_native}};
//   for (const oxrt_builtin *b = oxcc_app_builtins; b->name; ++b) all.push_back(*b);
//   all.push_back({nullptr, nullptr});
//   app.builtins = all.data();
//   app.resources = {oxcc_app_resources_start,
//                    size_t(oxcc_app_resources_end - oxcc_app_resources_start)};
//
// Needs no Python header: PyObject is only named.
#pragma once

#include "oxrt/oxrt.h"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace oxrt {

// What the program runs. A multiprocessing child (argv holds
// --multiprocessing-fork, or is `-c "from multiprocessing.…"` after
// interpreter flags) always runs as Python, whatever is configured here.
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

// A span of the executable's .rodata; must start on an 8-byte boundary.
struct ResourceBlob {
  const void *data = nullptr;
  size_t size = 0;
};

struct AppConfig {
  // {nullptr, nullptr}-terminated; names are full dotted module names and
  // must outlive the process (string literals). May be null.
  const oxrt_builtin *builtins = nullptr;
  ResourceBlob resources;
  Entry entry;
  // Appended to sys.path after the embedded resources. Empty when the
  // stdlib's extension modules are packed (collect_python.py --dynload);
  // else Debian's /usr/lib/python3.11/lib-dynload.
  std::vector<std::string> filesystemPaths;
  // Packed extension modules load from memory unless told otherwise;
  // overrides name modules exactly ("_ssl"), each must be in the blob.
  SharedModulePolicy sharedModulePolicy = SharedModulePolicy::Memory;
  std::map<std::string, SharedModulePolicy> sharedModulePolicies;
};

// Starts the interpreter, runs the entry, finalizes; returns the exit status.
// Never returns for SystemExit raised by an app entry (Py_Exit) — it exits.
int runApp(const AppConfig &app, int argc, char **argv);

} // namespace oxrt

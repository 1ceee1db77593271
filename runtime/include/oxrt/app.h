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
// Needs no Python header: PyObject is only named.
#pragma once

#include "oxrt/oxrt.h"

#include <cstddef>
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
  // Appended to sys.path after the embedded resources, e.g. Debian's
  // /usr/lib/python3.11/lib-dynload for the stdlib's extension modules.
  std::vector<std::string> filesystemPaths;
};

// Starts the interpreter, runs the entry, finalizes; returns the exit status.
// Never returns for SystemExit raised by an app entry (Py_Exit) — it exits.
int runApp(const AppConfig &app, int argc, char **argv);

} // namespace oxrt

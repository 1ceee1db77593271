// `oxcc link` options, read once into a struct; nothing later looks at argv.
#pragma once

#include <string>
#include <vector>

namespace oxcc {

// What the link writes.
enum class Emit { Exe, Libpython };
// --stdlib: all of it, what the app's bytecode imports, or nothing.
enum class StdlibMode { Full, Auto, None };
// The .py source beside each module's bytecode (for tracebacks, inspect):
// compressed (read back rarely, a quarter of the bytes), as is, or left out.
enum class PySource { Zlib, Embed, None };
// --shared-modules: where the distribution's .so modules (lib-dynload) load from.
enum class SharedModules { Memory, Extract, Filesystem };
// --allocator: the process's malloc. Auto: mimalloc on musl (its own malloc
// is slow for CPython's and extensions' large blocks), the C library's
// elsewhere.
enum class ProcessAllocator { Auto, Mimalloc, System };
// --debug-info: the executable stripped with its debug info in APP.debug
// (found by gdb through .gnu_debuglink), left in, or dropped.
enum class DebugInfo { Separate, Keep, None };

// The spelling on the command line (for messages and the plugins' view).
const char *emitName(Emit e);

// --dispatch NAME=MODULE[:FUNC]: one of several commands in one binary,
// chosen by the name it runs under (a link named NAME, busybox style), else
// by its first argument.
struct DispatchEntry {
  std::string name, module, function;
};

struct LinkOptions {
  std::string output;                 // -o APP (or -o libapp.a with --emit=libpython)
  Emit emit = Emit::Exe;              // --emit=exe|libpython (a static library, no main)
  std::vector<std::string> wheels;    // --wheel W.whl (its .so files come from the store)
  std::vector<std::string> modules;   // --module NAME (from the store)
  bool allModules = false;            // --all
  std::vector<std::string> pureDirs;  // --pure DIR (pure-Python packages to embed)
  std::vector<std::string> sitePackages; // --site-packages DIR, --venv DIR: environments to take from
  std::vector<std::string> packages;  // --package NAME: distributions of those, with what they need
  std::string python = "debian";      // --python DIST
  std::string entryModule;            // -m MODULE[:FUNC]
  std::string entryFunction;
  std::string script;                 // --script FILE
  std::vector<DispatchEntry> dispatch; // --dispatch NAME=MODULE[:FUNC]...
  std::string buildDir;               // --build-dir (default: APP.oxcc-build next to APP)
  StdlibMode stdlib = StdlibMode::Full; // --stdlib=full|auto|none
  SharedModules sharedModules = SharedModules::Memory; // --shared-modules=memory|extract|filesystem
  int jobs = 0;                       // -j N for ninja (0: ninja's default)
  bool verbose = false;               // -v: ninja -v
  std::vector<std::string> plugins;   // --plugin PATH.so (besides OXCC_PLUGINS, oxcc.toml)
  bool explain = false;               // --explain[=libs]: print what each extension's -l resolved to, link nothing
  bool explainSize = false;           // --explain=size: link, then print where the bytes went
  bool allowSharedDeps = false;       // --allow-shared-deps: a -l found only as .so is packed (shared_deps.h)
  ProcessAllocator allocator = ProcessAllocator::Auto; // --allocator=auto|mimalloc|system
  DebugInfo debugInfo = DebugInfo::Separate;           // --debug-info=separate|keep|none
  PySource pySource = PySource::Zlib;                  // --py-source=zlib|embed|none
  std::vector<std::string> extractPackageData; // --package-data=extract:NAME,...: files opened by path
};

// A command's name (--dispatch NAME, a console script): it names a link
// beside the binary, so letters, digits, '.', '_', '+', '-' only, not
// starting with '.' or '-' (no path, no hidden file, no option).
bool isCommandName(const std::string &name);

// False with a one-line message naming the bad option and the fix.
bool parseLinkOptions(const std::vector<std::string> &args, LinkOptions &opts, std::string &error);

extern const char *kLinkUsage;

} // namespace oxcc

#include "options.h"

#include "base/fs.h"
#include "base/subcommand.h"

#include <algorithm>
#include <cctype>

namespace oxcc {

const char *kLinkUsage =
    "usage: oxcc link -o APP [--wheel W.whl]... [--module NAME]... [--all]\n"
    "                 [--pure DIR]... [--site-packages DIR | --venv DIR]... [--package NAME]...\n"
    "                 [--python DIST] [--stdlib=full|auto|none]\n"
    "                 [--shared-modules=memory|extract|filesystem]\n"
    "                 [-m MODULE[:FUNC] | --script FILE | --dispatch NAME=MODULE[:FUNC]...]\n"
    "                 [--allocator=auto|mimalloc|system] [--debug-info=separate|keep|none]\n"
    "                 [--py-source=zlib|embed|none] [--package-data=memory|extract:NAME,...]\n"
    "                 [--build-dir DIR] [-j N] [-v]\n"
    "                 [--plugin PATH.so]...\n"
    "                 [--explain[=libs|size]] [--allow-shared-deps]\n"
    "  --package NAME takes an installed distribution from --site-packages (Debian's:\n"
    "  /usr/lib/python3/dist-packages) or --venv, with what its metadata requires and\n"
    "  what its code imports at import time; the wheels' requirements come from there too.\n"
    "  --dispatch: several commands in one APP, chosen by the name it runs as (a link\n"
    "  named NAME, busybox style), else by its first argument (APP NAME ARGS...).\n"
    "  With no -m/--script, APP behaves like python3 (-c, -m, a script, stdin, the REPL).\n"
    "  --python: debian (the host's libpython, the default), a target triple (the newest\n"
    "  `oxcc python build --target TRIPLE`: x86_64-linux-musl links a fully static APP),\n"
    "  or a distribution's directory or distribution.yaml.\n"
    "  --allocator: the process's malloc; mimalloc (built from its Debian source package,\n"
    "  cached) serves every allocation; auto is mimalloc on musl, the C library's elsewhere.\n"
    "  --debug-info: APP is stripped and its debug info kept in APP.debug, which gdb finds\n"
    "  (separate, the default), left in APP (keep), or dropped (none).\n"
    "  --py-source: each module's .py source beside its bytecode, for tracebacks and inspect:\n"
    "  zlib-compressed (zlib, the default: a quarter of the bytes, inflated when read), as is\n"
    "  (embed), or left out (none: smaller still; tracebacks then show no lines and say why).\n"
    "  --package-data=extract:NAME: package NAME's files (data, sources) are written on its\n"
    "  first import to a private cache directory, which its __file__ and __path__ name, for\n"
    "  code that opens them by path (C libraries too); its modules still load from memory.\n"
    "  --stdlib=auto keeps only the stdlib modules the app's code imports (needs -m/--script;\n"
    "  imports by computed name, e.g. importlib.import_module(var), are not seen).\n"
    "  --shared-modules: the distribution's .so modules (lib-dynload) are packed and loaded\n"
    "  from memory (default), extracted to a private cache, or left on the filesystem.\n"
    "  Each extension's -lNAME is linked from libNAME.a into that extension alone;\n"
    "  --explain prints what each resolved to and links nothing (--explain=size links, then\n"
    "  prints where APP's bytes go: interpreter, stdlib, packages, extensions, libraries);\n"
    "  --allow-shared-deps\n"
    "  packs a library that exists only as a .so (and what it needs) and loads it from\n"
    "  memory before its extension, which then stays a shared object (glibc only).\n"
    "       oxcc link --emit=libpython -o libapp.a [the same inputs; no -m/--script]\n"
    "  --emit=libpython writes a static library instead of an executable: the extensions,\n"
    "  the packed resources, libpython and liboxrt, exporting oxcc_app_builtins and\n"
    "  oxcc_app_resources_start/_end (oxrt/oxrt.h) for a program's own main();\n"
    "  link it with find_package(oxrt) and oxrt::oxrt.\n";

bool isCommandName(const std::string &name) {
  if (name.empty() || name.size() > 255 || name[0] == '.' || name[0] == '-') return false;
  for (char c : name)
    if (!std::isalnum((unsigned char)c) && c != '.' && c != '_' && c != '+' && c != '-') return false;
  return true;
}

const char *emitName(Emit e) { return e == Emit::Libpython ? "libpython" : "exe"; }

namespace {

// A closed set of spellings: the value's index, or -1.
template <size_t N> int oneOf(const std::string &v, const char *const (&names)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (v == names[i]) return int(i);
  return -1;
}

// --package-data: memory (the default: nothing extracted), or
// extract:NAME[,NAME...], each a top-level package name, kept once.
bool parsePackageData(const std::string &v, std::vector<std::string> &names, std::string &error) {
  if (v == "memory") {
    names.clear();
    return true;
  }
  if (v.rfind("extract:", 0) != 0 || v.size() == 8) {
    error = "--package-data is memory (the default) or extract:NAME[,NAME...]";
    return false;
  }
  for (size_t start = 8; start <= v.size();) {
    size_t comma = std::min(v.find(',', start), v.size());
    std::string name = v.substr(start, comma - start);
    bool identifier = !name.empty() && !std::isdigit((unsigned char)name[0]) &&
                      std::all_of(name.begin(), name.end(), [](char c) {
                        return std::isalnum((unsigned char)c) || c == '_';
                      });
    if (!identifier) {
      error = "--package-data=extract: '" + name + "' is not a top-level package name";
      return false;
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    start = comma + 1;
  }
  return true;
}

} // namespace

bool parseLinkOptions(const std::vector<std::string> &args, LinkOptions &o, std::string &error) {
  std::string emit = "exe", stdlib = "full", sharedModules = "memory", allocator = "auto",
              debugInfo = "separate", pySource = "zlib";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    // --opt VALUE and --opt=VALUE alike.
    auto value = [&](const char *name, std::string &out) {
      return optionValue(args, i, name, out, error);
    };
    std::string v;
    if (value("-o", o.output) || value("--build-dir", o.buildDir) ||
        value("--python", o.python) || value("--script", o.script) ||
        value("--stdlib", stdlib) || value("--shared-modules", sharedModules) ||
        value("--emit", emit) || value("--allocator", allocator) ||
        value("--debug-info", debugInfo) || value("--py-source", pySource)) {
    } else if (value("--wheel", v)) {
      o.wheels.push_back(absolutePath(v));
    } else if (value("--package-data", v)) {
      if (!parsePackageData(v, o.extractPackageData, error)) return false;
    } else if (value("--plugin", v)) {
      o.plugins.push_back(absolutePath(v));
    } else if (value("--module", v)) {
      o.modules.push_back(v);
    } else if (value("--pure", v)) {
      o.pureDirs.push_back(absolutePath(v));
    } else if (value("--site-packages", v)) {
      if (!isDirectory(v)) error = "--site-packages " + v + " is not a directory";
      o.sitePackages.push_back(absolutePath(v));
    } else if (value("--venv", v)) {
      // A virtual environment's packages, for the Python oxcc links.
      std::string site = v + "/lib/python3.11/site-packages";
      if (!isDirectory(site)) error = "--venv " + v + " has no lib/python3.11/site-packages";
      o.sitePackages.push_back(absolutePath(site));
    } else if (value("--package", v)) {
      o.packages.push_back(v);
    } else if (value("-m", v)) {
      auto colon = v.find(':');
      o.entryModule = v.substr(0, colon);
      if (colon != std::string::npos) o.entryFunction = v.substr(colon + 1);
    } else if (value("--dispatch", v)) {
      auto eq = v.find('='), colon = v.find(':');
      std::string name = v.substr(0, eq);
      if (eq == std::string::npos || !isCommandName(name) || eq + 1 >= v.size()) {
        error = "--dispatch " + v + ": want NAME=MODULE[:FUNC] (NAME a command: letters, digits, "
                "'.', '_', '+', '-', not starting with '.' or '-')";
        return false;
      }
      DispatchEntry d{name, v.substr(eq + 1, colon == std::string::npos ? colon : colon - eq - 1), ""};
      if (colon != std::string::npos && colon > eq) d.function = v.substr(colon + 1);
      for (const auto &e : o.dispatch)
        if (e.name == d.name) error = "--dispatch " + d.name + " is given twice";
      o.dispatch.push_back(d);
    } else if (value("-j", v)) {
      o.jobs = std::atoi(v.c_str());
    } else if (a == "--all") {
      o.allModules = true;
    } else if (a == "--explain" || a == "--explain=libs") {
      o.explain = true;
    } else if (a == "--explain=size") {
      o.explainSize = true;
    } else if (a.rfind("--explain=", 0) == 0) {
      error = "--explain is libs (the default) or size";
      return false;
    } else if (a == "--allow-shared-deps") {
      o.allowSharedDeps = true;
    } else if (a == "-v" || a == "--verbose") {
      o.verbose = true;
    } else if (a == "-h" || a == "--help") {
      error = "";
      return false;
    } else {
      error = "unknown option '" + a + "'";
      return false;
    }
    if (!error.empty()) return false;
  }
  static const char *const kEmit[] = {"exe", "libpython"};
  static const char *const kStdlib[] = {"full", "auto", "none"};
  static const char *const kShared[] = {"memory", "extract", "filesystem"};
  static const char *const kAllocator[] = {"auto", "mimalloc", "system"};
  static const char *const kDebugInfo[] = {"separate", "keep", "none"};
  static const char *const kPySource[] = {"zlib", "embed", "none"};
  int emitIndex = oneOf(emit, kEmit), stdlibIndex = oneOf(stdlib, kStdlib),
      sharedIndex = oneOf(sharedModules, kShared), allocatorIndex = oneOf(allocator, kAllocator),
      debugIndex = oneOf(debugInfo, kDebugInfo), pySourceIndex = oneOf(pySource, kPySource);
  o.allocator = ProcessAllocator(std::max(allocatorIndex, 0));
  o.debugInfo = DebugInfo(std::max(debugIndex, 0));
  o.emit = Emit(std::max(emitIndex, 0));
  o.stdlib = StdlibMode(std::max(stdlibIndex, 0));
  o.sharedModules = SharedModules(std::max(sharedIndex, 0));
  bool hasEntry = !o.entryModule.empty() || !o.script.empty() || !o.dispatch.empty();
  if (o.output.empty()) error = "missing -o APP";
  else if (!o.entryModule.empty() && !o.script.empty()) error = "-m and --script exclude each other";
  else if (!o.dispatch.empty() && (!o.entryModule.empty() || !o.script.empty()))
    error = "--dispatch names the entry points; -m and --script cannot join it";
  else if (emitIndex < 0)
    error = "--emit is exe (the default) or libpython";
  else if (o.emit == Emit::Libpython && hasEntry)
    error = "--emit=libpython takes no -m/--script: the program that links the library "
            "chooses what runs (oxrt::AppConfig::entry)";
  else if (o.emit == Emit::Libpython && o.stdlib == StdlibMode::Auto)
    error = "--stdlib=auto needs an entry point, which --emit=libpython has not; use --stdlib=full";
  else if (stdlibIndex < 0)
    error = "--stdlib is full, auto or none";
  else if (o.stdlib == StdlibMode::Auto && !hasEntry)
    error = "--stdlib=auto needs an entry point (-m or --script): a python-like binary may "
            "import anything; use --stdlib=full";
  else if (sharedIndex < 0)
    error = "--shared-modules is memory, extract or filesystem";
  else if (allocatorIndex < 0)
    error = "--allocator is auto, mimalloc or system";
  else if (debugIndex < 0)
    error = "--debug-info is separate, keep or none";
  else if (pySourceIndex < 0)
    error = "--py-source is zlib, embed or none";
  else if (o.explain && o.explainSize)
    error = "--explain=libs links nothing and --explain=size needs the link: choose one";
  else if (o.emit == Emit::Libpython && o.explainSize)
    error = "--explain=size is for executables";
  else if (o.emit == Emit::Libpython && (allocator != "auto" || debugInfo != "separate"))
    error = "--allocator and --debug-info are for executables: with --emit=libpython the "
            "program that links the library decides";
  else if (!o.packages.empty() && o.sitePackages.empty())
    error = "--package needs --site-packages DIR or --venv DIR (where it is installed)";
  else if (o.python != "debian" && o.python.find('-') == std::string::npos &&
           o.python.find('/') == std::string::npos && !fileExists(o.python))
    error = "--python " + o.python + ": unknown distribution; use debian, a target triple "
            "(x86_64-linux-musl) or a distribution's directory";
  if (!error.empty()) return false;
  o.pySource = PySource(pySourceIndex);
  o.output = absolutePath(o.output);
  if (o.buildDir.empty()) o.buildDir = o.output + ".oxcc-build";
  o.buildDir = absolutePath(o.buildDir);
  if (!o.script.empty()) o.script = absolutePath(o.script);
  return true;
}

} // namespace oxcc

// What `oxcc link` will build, as plain data: the extensions (each with its
// stored objects and the unique name its init function gets), the Python
// distribution, the runtime, and what to embed. Computed once from the
// options and the store; the ninja writer only prints it.
#pragma once

#include "options.h"
#include "records.h"

#include <string>
#include <vector>

namespace oxcc {

class Store;

// A Python to link against (--python). Only "debian" for now: the host's
// static libpython and its stdlib; stdlib extension modules that Debian
// ships as .so are packed from lib-dynload and load from memory.
struct Distribution {
  std::string name;
  std::string version;                // "3.11"
  std::string includeDir;
  std::string staticLib;              // libpython3.11.a
  std::vector<std::string> linkLibs;  // what libpython needs: -lexpat ...
  std::string stdlibDir;              // embedded as bytecode
  std::vector<std::string> dynloadDirs; // packed as shared libraries (collect --dynload)
};

// Where oxcc's own parts are, relative to the installed oxcc-tools.
struct Toolchain {
  std::string prefix;        // <prefix>/libexec/oxcc/oxcc-tools
  std::string ldDir;         // holds ld.lld (-> oxcc-tools): gcc -B$ldDir -fuse-ld=lld
  std::string runtimeLib;    // liboxrt.a
  std::string formatLib;     // liboxrt_format.a (the packed-resources reader)
  std::string runtimeInclude;
  std::string packTool;      // oxrt-pack
  std::string collectScript; // collect_python.py
  std::string python = "/usr/bin/python3";
  std::string cxx = "g++";
  std::string cc = "gcc";
};

struct PlannedExtension {
  ExtensionRecord record;
  std::string initSymbol;  // unique in the binary: oxcc_init_<len><part>...
  std::vector<std::string> objectPaths;  // stored objects, link order
  std::vector<std::string> archivePaths; // stored archives
  std::string origin;      // "store" or the wheel it came from
};

struct LinkPlan {
  LinkOptions options;
  Distribution python;
  Toolchain tools;
  std::vector<PlannedExtension> extensions; // sorted by module name
  std::vector<std::string> libraries;       // -l, union over extensions, first-seen order
  std::vector<std::string> libraryDirs;     // -L, likewise
  bool cxx = false;                         // any C++ extension
};

// The init symbol an extension gets in the binary: unambiguous for any
// dotted name (each part length-prefixed), and never a PyInit_ name.
std::string uniqueInitSymbol(const std::string &module);

bool findToolchain(Toolchain &tools, std::string &error);
bool findDistribution(const std::string &name, Distribution &dist, std::string &error);

// Resolves --module/--all/--wheel against the store. Errors name the
// module, where it came from, and how to rebuild it with oxcc.
bool planLink(const LinkOptions &opts, const Store &store, LinkPlan &plan, std::string &error);

} // namespace oxcc

// What `oxcc link` will build, as plain data: the extensions (each with its
// stored objects and the unique name its init function gets), the Python
// distribution, the runtime, and what to embed. Computed once from the
// options and the store; the ninja writer only prints it.
#pragma once

#include "link/libdeps.h"
#include "link/options.h"
#include "store/records.h"

#include <map>
#include <string>
#include <vector>

namespace oxcc {

class Store;

// A module of a source distribution: a built-in of its libpython (name,
// init) or a stdlib module left as a shared object (name, path, init).
struct DistributionModule {
  std::string name, init, path;
};

// A Python to link against (--python; distribution.h reads it). "debian":
// the host's static libpython and its stdlib; stdlib extension modules that
// Debian ships as .so are packed from lib-dynload and load from memory.
// Built from source (`oxcc python build`): every stdlib module built in,
// maybe for another target, whose compilers then build the runtime too.
struct Distribution {
  std::string name;                   // "debian", or its distribution.yaml
  std::string target = "x86_64-linux-gnu";
  std::string version;                // "3.11"
  std::string includeDir;
  std::string staticLib;              // libpython3.11.a
  std::vector<std::string> linkLibs;  // what libpython needs, as link arguments: -lexpat, /d/libssl.a
  std::vector<std::string> linkFlags; // for the final link: -static, -Wl,-z,stack-size=...
  std::string stdlibDir;              // embedded as bytecode
  std::vector<std::string> dynloadDirs; // packed as shared libraries (collect --dynload)
  std::vector<DistributionModule> builtinModules;   // from source: libpython's inittab
  std::vector<DistributionModule> extensionModules; // from source: left as .so
  std::string cc, cxx;                // the target's compilers
  bool fromSource = false;            // liboxrt is compiled for it by the link

  // A static musl binary: it cannot load a .so, and its malloc is slow.
  bool musl() const { return target.find("musl") != std::string::npos; }
};

// Where oxcc's own parts are, relative to the installed oxcc-tools.
struct Toolchain {
  std::string prefix;        // <prefix>/libexec/oxcc/oxcc-tools
  std::string ldDir;         // holds ld.lld (-> oxcc-tools): gcc -B$ldDir -fuse-ld=lld
  std::string runtimeLib;    // liboxrt.a
  std::string formatLib;     // liboxrt_format.a (the packed-resources reader)
  std::string runtimeInclude;
  // share/oxcc/runtime: liboxrt's sources, compiled by the link for a source
  // distribution (runtimeLib/formatLib then name its outputs in the build dir).
  std::string runtimeSources;
  std::string packTool;      // oxrt-pack
  std::string collectScript; // collect_python.py
  std::string python = "/usr/bin/python3";
  std::string cxx = "g++";
  std::string cc = "gcc";
};

struct PlannedExtension {
  ExtensionRecord record;
  std::string initSymbol;  // unique in the binary: oxcc_init_<len><part>...
  // Built in: its code's own output section (oxcc_text_<len><part>...),
  // whose __start_/__stop_ bounds the generated main() hands to dladdr,
  // and the path its .so would have under the executable (dli_fname).
  std::string codeSection = {};
  std::string fileName = {}; // pkg/sub/_ext.cpython-311-x86_64-linux-gnu.so
  std::vector<std::string> objectPaths;  // stored objects, link order
  std::vector<std::string> archivePaths; // stored archives
  std::map<std::string, std::string> capturedLibraryPaths = {}; // -l name -> stored build-local .a
  std::string origin;      // "store" or the wheel it came from
  // Its -l libraries, resolved (libdeps.h); the archives among them go into
  // its partial link, after its own objects and archives.
  std::vector<LibraryResolution> libraries = {};
  std::vector<std::string> libraryArchives = {};
  // --allow-shared-deps and some -l exists only as a .so: the extension is
  // linked as its own .so instead of built in, packed, and loaded from
  // memory after the libraries it needs (shared_deps.h).
  bool keptShared = false;
};

// A library a kept-shared extension needs, packed into the executable
// (collect --shdep) and loaded from memory before it.
struct SharedDependency {
  std::string soname; // its DT_SONAME: the name DT_NEEDED entries use
  std::string path;   // the file (symlinks resolved)
  std::string neededBy; // the module or soname that first needed it
};

// A file the plan decided the build dir holds, with its exact content.
struct GeneratedFile {
  std::string path; // relative to the build dir
  std::string text;
};

// Every decision of the link, made by the passes in plan.cpp; the ninja
// writer only prints it.
struct LinkPlan {
  LinkOptions options;
  Distribution python;
  Toolchain tools;
  std::vector<PlannedExtension> extensions; // sorted by module name
  // -l/-L the final link still needs (union over extensions, first-seen
  // order): what is not linked into an extension (libdeps.h).
  std::vector<std::string> libraries;
  std::vector<std::string> libraryDirs;
  // Archives several built-in extensions link: in the final link once,
  // shared by them (libdeps.cpp), as one libfoo.so is in a normal install.
  std::vector<std::string> sharedArchives;
  std::vector<SharedDependency> sharedDependencies; // dependency order: needed ones first
  std::string libraryError; // --explain: what resolveLibraryDeps refused (else the link stops)
  bool cxx = false;                         // any C++ extension
  std::vector<std::string> linkArgs;        // extra final-link arguments (plugins' link hook)
  std::vector<std::string> pureDirs;        // embedded as bytecode: --pure dirs, the --script's dir
  std::vector<GeneratedFile> files;         // the --script as a module; a zlib.h shim
  std::vector<std::string> finalLinkFlags;  // -Wl,-E or the distribution's (-static, ...)
  std::string runtimeZlibDir;               // source distribution: zlib.h for liboxrt's build
  std::string allocatorObject;              // --allocator=mimalloc: the object defining malloc
};

// The init symbol an extension gets in the binary: unambiguous for any
// dotted name (each part length-prefixed), and never a PyInit_ name.
std::string uniqueInitSymbol(const std::string &module);

bool findToolchain(Toolchain &tools, std::string &error);

// Resolves --module/--all/--wheel against the store. Errors name the
// module, where it came from, and how to rebuild it with oxcc.
bool planLink(const LinkOptions &opts, const Store &store, LinkPlan &plan, std::string &error);

} // namespace oxcc

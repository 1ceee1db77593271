// OXCC_TARGET=T (set by `oxcc run --target T`, or by hand with CC=oxcc):
// every wrapped call builds for T. pip and setuptools run on the host
// Python, so the command lines they make name the host's compiler (the
// shim's --oxcc-cc=g++), the host interpreter's headers and the host's
// library directories; this plugin's claim_args turns them into T's:
//  - -I/-isystem/-idirafter of a host Python include directory becomes the
//    distribution's include_dir;
//  - for a foreign triple, "compiler" becomes T's cc (c++ for the C++
//    driver, and for a C-driver call whose sources are all C++), and -L of
//    the host's system library directories and -I of the host's header
//    directories are dropped; a link also searches the libraries built
//    for T (OXCC_TARGET_LIBDIR) last.
// Where T, its compilers and its distribution are is driver/base/target.cpp's
// job (`oxcc run/env --target` use it too). Registered after the loaded
// plugins, before the launcher: the target's compiler replaces whatever
// was chosen before it (the shim's host g++ included), and the launcher
// then wraps it.
#include "base/fs.h"
#include "host.h"
#include "base/language.h"
#include "base/target.h"
#include "base/environment.h"

#include <cstdlib>
#include <unistd.h>

namespace oxcc {
namespace {

// The call's "args" list, read and edited through the API only.
struct Args {
  const oxcc_api *api;
  oxcc_call *call;
  size_t size() const { return api->count(call, "args"); }
  std::string at(size_t i) const {
    const char *a = api->item(call, "args", i);
    return a ? a : "";
  }
  void replace(size_t i, const std::string &value) const {
    api->remove(call, "args", i);
    api->insert(call, "args", i, value.c_str());
  }
  void erase(size_t i) const { api->remove(call, "args", i); }
};

bool isHostPythonInclude(const Target &target, const std::string &dirIn) {
  std::string dir = withoutTrailingSlashes(dirIn);
  if (dir == target.includeDir) return false;
  if (!target.hostIncludes.empty()) {
    for (const auto &h : target.hostIncludes)
      if (dir == h) return true;
    return false;
  }
  // No list from `oxcc run`: a python3* directory holding CPython's headers
  // (INCLUDEPY has Python.h, Debian's platinclude only pyconfig.h).
  return baseName(dir).starts_with("python3") &&
         (isRegularFile(dir + "/Python.h") || isRegularFile(dir + "/pyconfig.h"));
}

// Each -I/-isystem/-idirafter of a host Python include directory names the
// target distribution's include_dir instead.
void swapPythonIncludes(const Target &target, const Args &args) {
  static const std::string kFlags[] = {"-I", "-isystem", "-idirafter"};
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args.at(i);
    for (const auto &flag : kFlags) {
      if (!a.starts_with(flag)) continue;
      if (a == flag) {
        if (i + 1 < args.size() && isHostPythonInclude(target, args.at(i + 1)))
          args.replace(i + 1, target.includeDir);
        ++i;
      } else if (isHostPythonInclude(target, a.substr(flag.size()))) {
        args.replace(i, flag + target.includeDir);
      }
      break;
    }
  }
}

// True if the sources on the command line are all C++ (by suffix as gcc
// reads it, or -x c++). Preprocessed C++ and Objective-C++ decide nothing.
bool onlyCxxSources(const Args &args) {
  bool cxx = false;
  for (size_t i = 0, n = args.size(); i < n; ++i) {
    std::string a = args.at(i);
    if (a == "-x" && i + 1 < n) return args.at(i + 1) == "c++";
    if (a.starts_with("-x")) return a == "-xc++";
    if (a.empty() || a[0] == '-') continue;
    std::string lang = languageForPath(a, /*cxxDriver=*/false);
    if (lang == "c++") cxx = true;
    else if (!lang.empty() && lang != "c++-cpp-output" && lang != "objective-c++") return false;
  }
  return cxx;
}

// A target's link must never search the host's system library directories:
// setuptools passes -L/usr/lib/x86_64-linux-gnu (sysconfig's LIBDIR), where
// the musl linker would find glibc's libc.so before musl's own.
void dropHostLibraryDirs(const Args &args) {
  static const char *kHostDirs[] = {"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
                                    "/usr/lib", "/lib", "/usr/lib64", "/lib64"};
  auto isHost = [](const std::string &dir) {
    std::string d = withoutTrailingSlashes(dir);
    for (const char *h : kHostDirs)
      if (d == h) return true;
    return false;
  };
  for (size_t i = 0; i < args.size();) {
    std::string a = args.at(i);
    if (a == "-L" && i + 1 < args.size() && isHost(args.at(i + 1))) {
      args.erase(i + 1);
      args.erase(i);
    } else if (a.starts_with("-L") && a.size() > 2 && isHost(a.substr(2))) {
      args.erase(i);
    } else {
      ++i;
    }
  }
}

// Nor may a target's compile see the host's headers: -I/usr/include (a
// package adds its sys.prefix's include dir; Pillow does) would put glibc's
// stdio.h before musl's, and -I/usr/include/openjpeg-2.5 a library the
// target does not have. The target's own libraries come from the target
// prefix (`oxcc python lib`), whose pkg-config files name their dirs. The
// Python include dirs were swapped before this runs.
void dropHostIncludeDirs(const Args &args) {
  auto isHost = [](const std::string &dir) {
    std::string d = withoutTrailingSlashes(dir);
    for (const char *h : {"/usr/include", "/usr/local/include"})
      if (d == h || d.starts_with(std::string(h) + "/")) return true;
    return false;
  };
  static const std::string kFlags[] = {"-I", "-isystem", "-idirafter"};
  for (size_t i = 0; i < args.size();) {
    std::string a = args.at(i);
    bool dropped = false;
    for (const auto &flag : kFlags) {
      if (!a.starts_with(flag)) continue;
      if (a == flag && i + 1 < args.size() && isHost(args.at(i + 1))) {
        args.erase(i + 1);
        args.erase(i);
        dropped = true;
      } else if (a.size() > flag.size() && isHost(a.substr(flag.size()))) {
        args.erase(i);
        dropped = true;
      }
      break;
    }
    if (!dropped) ++i;
  }
}

// A link (no -c, -S, -E: gcc only runs the linker then) searches the
// libraries built for the target (`oxcc python lib`) after its own -L
// directories, as the host's link searches /usr/lib.
void addTargetLibraryDir(const Args &args) {
  const std::string &dir = environment().targetLibDir;
  if (dir.empty()) return;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args.at(i);
    if (a == "-c" || a == "-S" || a == "-E" || a == "-M" || a == "-MM") return;
  }
  args.api->insert(args.call, "args", args.size(), ("-L" + dir).c_str());
}

void applyTarget(const oxcc_api *api, oxcc_call *call, void *) {
  // The hot path: a host build pays one comparison.
  if (environment().target.empty()) return;
  Target target;
  std::string error;
  if (!targetFromEnv(target, error)) {
    api->error(call, error.c_str());
    return;
  }
  Args args{api, call};
  swapPythonIncludes(target, args);
  if (target.cc.empty()) return; // the host triple: the host compiler
  dropHostLibraryDirs(args);
  dropHostIncludeDirs(args);
  addTargetLibraryDir(args);
  const char *driver = api->get(call, "driver");
  bool cxx = (driver && std::string_view(driver) == "c++") || onlyCxxSources(args);
  const std::string &compiler = cxx ? target.cxx : target.cc;
  if (access(compiler.c_str(), X_OK) != 0) {
    error = "target " + target.triple + " has no " + (cxx ? "C++" : "C") + " compiler: " +
            compiler + " is missing (reinstall oxcc)";
    api->error(call, error.c_str());
    return;
  }
  api->set(call, "compiler", compiler.c_str());
}

} // namespace

extern const oxcc_plugin kTargetPlugin = {
    .abi_version = OXCC_PLUGIN_ABI_VERSION,
    .name = "target",
    .claim_args = applyTarget,
};

} // namespace oxcc

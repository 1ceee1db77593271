#include "target.h"

#include "fs.h"

#include <cstdlib>
#include <map>
#include <unistd.h>

namespace oxcc {

namespace {

std::string envOr(const char *name, const std::string &fallback) {
  const char *v = getenv(name);
  return v && *v ? v : fallback;
}

// ${OXCC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oxcc}/python (docs/formats.md).
std::string distributionRoot() {
  std::string xdg = envOr("XDG_CACHE_HOME", envOr("HOME", "/tmp") + "/.cache");
  return absolutePath(envOr("OXCC_CACHE", xdg + "/oxcc")) + "/python";
}

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string withoutTrailingSlashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// The top-level scalar fields of distribution.yaml that wrapper mode needs,
// read line by line: oxcc links no YAML parser (every compiler call pays
// for what it loads). Values are plain scalars, maybe quoted.
std::map<std::string, std::string> topLevelScalars(const std::string &text) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (line.empty() || line[0] == ' ' || line[0] == '#' || line[0] == '-') continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    if (size_t hash = value.find(" #"); hash != std::string::npos) value.resize(hash);
    value = trim(value);
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0])
      value = value.substr(1, value.size() - 2);
    out[line.substr(0, colon)] = value;
  }
  return out;
}

std::string knownTargets() {
  std::string list = kHostTriple;
  for (const auto &t : listDir(dirName(targetToolchainDir("x"))))
    if (t != kHostTriple) list += ", " + t;
  return list;
}

// The distribution's yaml named by OXCC_PYTHON, or "" when OXCC_PYTHON is
// unset or names an interpreter (its meaning for `oxcc env`).
std::string distributionFromEnv() {
  std::string p = envOr("OXCC_PYTHON", "");
  if (p.empty()) return "";
  if (p.ends_with("/distribution.yaml") || p == "distribution.yaml") return absolutePath(p);
  if (isRegularFile(p + "/distribution.yaml")) return absolutePath(p) + "/distribution.yaml";
  return "";
}

const char *kFormat = "oxcc-python-distribution/1";

} // namespace

std::string targetToolchainDir(const std::string &triple) {
  return dirName(dirName(selfExe())) + "/libexec/oxcc/target/" + triple;
}

bool findTargetDistribution(const std::string &triple, Target &target, std::string &error) {
  std::string build = "build one with `oxcc python build --target " + triple + "`";
  std::string yaml = distributionFromEnv();
  if (yaml.empty()) {
    std::string root = distributionRoot(), current = root + "/" + triple + ".current";
    std::string err;
    auto name = readFile(current, err);
    if (!name) {
      error = "no Python distribution for target " + triple + " (" + current +
              " does not exist): " + build + ", or set OXCC_PYTHON to a distribution directory";
      return false;
    }
    yaml = root + "/" + trim(*name) + "/distribution.yaml";
    if (!isRegularFile(yaml)) {
      error = yaml + " (named by " + current + ") does not exist: " + build;
      return false;
    }
  }
  auto text = readFile(yaml, error);
  if (!text) return false;
  auto fields = topLevelScalars(*text);
  if (fields["format"] != kFormat) {
    error = yaml + ": unknown format '" + fields["format"] + "' (this oxcc reads " + kFormat +
            "); " + build;
    return false;
  }
  if (fields["target"] != triple) {
    error = yaml + " is a distribution for " + fields["target"] + ", not " + triple +
            " (unset OXCC_PYTHON, or point it at a " + triple + " distribution)";
    return false;
  }
  std::string inc = fields["include_dir"];
  if (!inc.empty() && inc[0] != '/') inc = dirName(yaml) + "/" + inc;
  inc = withoutTrailingSlashes(inc);
  if (inc.empty() || !isRegularFile(inc + "/Python.h")) {
    error = yaml + ": include_dir '" + fields["include_dir"] + "' holds no Python.h; " + build;
    return false;
  }
  target.includeDir = inc;
  return true;
}

bool resolveTarget(const std::string &triple, Target &target, std::string &error) {
  target = Target{};
  target.triple = triple;
  if (triple != kHostTriple) {
    std::string dir = targetToolchainDir(triple);
    if (access((dir + "/cc").c_str(), X_OK) != 0) {
      error = "unknown target '" + triple + "' (known: " + knownTargets() + ")";
      return false;
    }
    target.cc = dir + "/cc";
    target.cxx = dir + "/c++";
  }
  return findTargetDistribution(triple, target, error);
}

bool targetFromEnv(Target &target, std::string &error) {
  std::string triple = envOr("OXCC_TARGET", "");
  if (triple.empty()) return true;
  std::string include = envOr("OXCC_TARGET_INCLUDE", "");
  if (include.empty()) return resolveTarget(triple, target, error);

  // Resolved once by `oxcc run --target`: no file to read on this call.
  target = Target{};
  target.triple = triple;
  target.includeDir = withoutTrailingSlashes(include);
  if (triple != kHostTriple) {
    std::string dir = targetToolchainDir(triple);
    target.cc = dir + "/cc";
    target.cxx = dir + "/c++";
  }
  std::string hosts = envOr("OXCC_TARGET_HOST_INCLUDES", "");
  for (size_t pos = 0; pos < hosts.size();) {
    size_t colon = hosts.find(':', pos);
    if (colon == std::string::npos) colon = hosts.size();
    if (colon > pos) target.hostIncludes.push_back(withoutTrailingSlashes(hosts.substr(pos, colon - pos)));
    pos = colon + 1;
  }
  return true;
}

static bool isHostPythonInclude(const Target &target, const std::string &dirIn) {
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

void swapPythonIncludes(const Target &target, std::vector<std::string> &args) {
  static const std::string kFlags[] = {"-I", "-isystem", "-idirafter"};
  for (size_t i = 0; i < args.size(); ++i) {
    for (const auto &flag : kFlags) {
      if (!args[i].starts_with(flag)) continue;
      if (args[i] == flag) {
        if (i + 1 < args.size() && isHostPythonInclude(target, args[i + 1]))
          args[i + 1] = target.includeDir;
        ++i;
      } else if (isHostPythonInclude(target, args[i].substr(flag.size()))) {
        args[i] = flag + target.includeDir;
      }
      break;
    }
  }
}

// True if the sources on the command line are all C++ (by suffix, or -x c++).
static bool onlyCxxSources(const std::vector<std::string> &args) {
  static const char *kCxx[] = {".cc", ".cpp", ".cxx", ".c++", ".C", ".cp", ".CPP"};
  static const char *kOther[] = {".c", ".s", ".S", ".m", ".i"};
  bool cxx = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (a == "-x" && i + 1 < args.size()) return args[i + 1] == "c++";
    if (a.starts_with("-x")) return a == "-xc++";
    if (a.empty() || a[0] == '-') continue;
    for (const char *s : kCxx) cxx = cxx || a.ends_with(s);
    for (const char *s : kOther)
      if (a.ends_with(s)) return false;
  }
  return cxx;
}

// A target's link must never search the host's system library directories:
// setuptools passes -L/usr/lib/x86_64-linux-gnu (sysconfig's LIBDIR), where
// the musl linker would find glibc's libc.so before musl's own.
static void dropHostLibraryDirs(std::vector<std::string> &args) {
  static const char *kHostDirs[] = {"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
                                    "/usr/lib", "/lib", "/usr/lib64", "/lib64"};
  auto isHost = [](const std::string &dir) {
    std::string d = withoutTrailingSlashes(dir);
    for (const char *h : kHostDirs)
      if (d == h) return true;
    return false;
  };
  std::vector<std::string> kept;
  kept.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-L" && i + 1 < args.size() && isHost(args[i + 1])) {
      ++i;
      continue;
    }
    if (args[i].starts_with("-L") && args[i].size() > 2 && isHost(args[i].substr(2))) continue;
    kept.push_back(args[i]);
  }
  args.swap(kept);
}

bool applyTarget(bool cxxDriver, std::vector<std::string> &args, std::string &compilerOverride,
                 std::string &error) {
  Target target;
  if (!targetFromEnv(target, error)) return false;
  if (target.triple.empty()) return true;
  swapPythonIncludes(target, args);
  if (target.cc.empty()) return true; // the host triple: the host compiler
  dropHostLibraryDirs(args);
  bool cxx = cxxDriver || onlyCxxSources(args);
  const std::string &compiler = cxx ? target.cxx : target.cc;
  if (access(compiler.c_str(), X_OK) != 0) {
    error = "target " + target.triple + " has no " + (cxx ? "C++" : "C") + " compiler: " +
            compiler + " is missing (reinstall oxcc)";
    return false;
  }
  // The shim's --oxcc-cc names the host's g++: the target's replaces it.
  compilerOverride = compiler;
  return true;
}

} // namespace oxcc

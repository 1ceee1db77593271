#include "target.h"
#include "environment.h"

#include "base/fs.h"

#include <cstdlib>
#include <map>
#include <unistd.h>

namespace oxcc {

namespace {

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
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
  const std::string &p = environment().python;
  if (p.empty()) return "";
  if (p.ends_with("/distribution.yaml") || p == "distribution.yaml") return absolutePath(p);
  if (isRegularFile(p + "/distribution.yaml")) return absolutePath(p) + "/distribution.yaml";
  return "";
}

} // namespace

// The top-level scalar fields of distribution.yaml that wrapper mode needs,
// read line by line: oxcc links no YAML parser (every compiler call pays
// for what it loads). Values are plain scalars, maybe quoted.
std::map<std::string, std::string> distributionScalars(const std::string &text) {
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


std::string distributionRoot() {
  const Environment &env = environment();
  if (!env.cache.empty()) return absolutePath(env.cache) + "/python";
  std::string xdg = !env.xdgCacheHome.empty() ? env.xdgCacheHome
                                               : (env.home.empty() ? "/tmp" : env.home) + "/.cache";
  return absolutePath(xdg + "/oxcc") + "/python";
}

bool currentDistributionYaml(const std::string &triple, const std::string &otherwise,
                             std::string &yaml, std::string &error) {
  std::string build = "build one with `oxcc python build --target " + triple + "`";
  std::string root = distributionRoot(), current = root + "/" + triple + ".current", err;
  auto name = readFile(current, err);
  if (!name) {
    error = "no Python distribution for target " + triple + " (" + current +
            " does not exist): " + build + otherwise;
    return false;
  }
  yaml = root + "/" + trim(*name) + "/distribution.yaml";
  if (!isRegularFile(yaml)) {
    error = yaml + " (named by " + current + ") does not exist: " + build;
    return false;
  }
  return true;
}

std::string targetToolchainDir(const std::string &triple) {
  return dirName(dirName(selfExe())) + "/libexec/oxcc/target/" + triple;
}

bool findTargetDistribution(const std::string &triple, Target &target, std::string &error) {
  std::string build = "build one with `oxcc python build --target " + triple + "`";
  std::string yaml = distributionFromEnv();
  if (yaml.empty() &&
      !currentDistributionYaml(triple, ", or set OXCC_PYTHON to a distribution directory", yaml, error))
    return false;
  auto text = readFile(yaml, error);
  if (!text) return false;
  auto fields = distributionScalars(*text);
  if (fields["format"] != kDistributionFormat) {
    error = yaml + ": unknown format '" + fields["format"] + "' (this oxcc reads " + kDistributionFormat +
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
  const Environment &env = environment();
  const std::string &triple = env.target;
  if (triple.empty()) return true;
  const std::string &include = env.targetInclude;
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
  const std::string &hosts = env.targetHostIncludes;
  for (size_t pos = 0; pos < hosts.size();) {
    size_t colon = hosts.find(':', pos);
    if (colon == std::string::npos) colon = hosts.size();
    if (colon > pos) target.hostIncludes.push_back(withoutTrailingSlashes(hosts.substr(pos, colon - pos)));
    pos = colon + 1;
  }
  return true;
}

} // namespace oxcc

#include "distribution.h"

#include "base/fs.h"
#include "base/target.h"
#include "store/yaml_fields.h"

namespace oxcc {

namespace {

// Facts about Debian's python3.11-dev (see DESIGN.md): the static library
// is not PIC, and needs these libraries, more than python3-config prints.
bool debianDistribution(const Toolchain &tools, Distribution &d, std::string &error) {
  d.name = "debian";
  d.target = kHostTriple;
  d.version = "3.11";
  d.includeDir = "/usr/include/python3.11";
  d.staticLib = "/usr/lib/python3.11/config-3.11-x86_64-linux-gnu/libpython3.11.a";
  d.linkLibs = {"-lexpat", "-lz", "-lm", "-ldl", "-lpthread", "-lutil"};
  d.stdlibDir = "/usr/lib/python3.11";
  d.dynloadDirs = {"/usr/lib/python3.11/lib-dynload"};
  d.cc = tools.cc;
  d.cxx = tools.cxx;
  if (!fileExists(d.staticLib) || !fileExists(d.includeDir + "/Python.h")) {
    error = "the debian distribution needs python3.11-dev (" + d.staticLib +
            "); run utils/bootstrap or apt-get install python3.11-dev";
    return false;
  }
  return true;
}

// A list of modules ({name, init, path}), each with a name.
std::vector<DistributionModule> modules(YamlFields &rd, const char *key) {
  std::vector<DistributionModule> out;
  for (const auto &e : rd.items(key)) {
    if (!e.IsMap() || !e["name"] || !e["name"].IsScalar()) {
      rd.problem(std::string("key '") + key + "' holds an entry without a name");
      return {};
    }
    auto scalar = [&](const char *k) {
      return e[k] && e[k].IsScalar() ? e[k].as<std::string>() : std::string();
    };
    out.push_back({scalar("name"), scalar("init"), scalar("path")});
  }
  return out;
}

// A path of the manifest, relative to its directory unless absolute.
std::string underManifest(const std::string &dir, const std::string &p) {
  if (p.empty() || p[0] == '/') return p;
  return dir + "/" + p;
}

std::string rebuildHint(const Distribution &d) {
  return "rebuild it with `oxcc python build --target " + d.target + "`";
}

// Every file the link will read is there (a half-deleted cache entry, or a
// manifest edited by hand, fails here rather than in the middle of ninja).
bool checkFiles(const Distribution &d, std::string &error) {
  std::vector<std::pair<std::string, std::string>> needed = {
      {"include_dir", d.includeDir + "/Python.h"},
      {"static_lib", d.staticLib},
      {"stdlib_dir", d.stdlibDir + "/os.py"}};
  for (const auto &l : d.linkLibs)
    if (!l.starts_with("-")) needed.push_back({"link_libs", l});
  for (const auto &[key, path] : needed)
    if (!fileExists(path)) {
      error = d.name + ": " + key + " names " + path + ", which does not exist; " + rebuildHint(d);
      return false;
    }
  return true;
}

// The target's compilers: the host's for the host triple, else oxcc's
// wrappers in libexec/oxcc/target/<triple>/.
bool targetCompilers(const Toolchain &tools, Distribution &d, std::string &error) {
  if (d.target == kHostTriple) {
    d.cc = tools.cc;
    d.cxx = tools.cxx;
    return true;
  }
  std::string dir = tools.ldDir + "/target/" + d.target;
  d.cc = dir + "/cc";
  d.cxx = dir + "/c++";
  for (const auto *p : {&d.cc, &d.cxx})
    if (!isRegularFile(*p)) {
      error = d.name + " is a distribution for " + d.target + ", but this oxcc has no " + *p +
              " (oxcc knows the targets in " + tools.ldDir + "/target; rebuild or reinstall oxcc)";
      return false;
    }
  return true;
}

} // namespace

bool parseDistribution(const std::string &text, const std::string &path, Distribution &d,
                       std::string &error) {
  YAML::Node root;
  if (!loadYamlMap(text, root, error)) {
    error = path + ": " + error;
    return false;
  }
  std::string problem;
  YamlFields rd{root, problem};
  std::string format = rd.str("format", true);
  if (problem.empty() && format != kDistributionFormat) {
    error = path + ": unknown format '" + format + "' (this oxcc reads " + kDistributionFormat +
            "); rebuild the distribution with this oxcc's `oxcc python build`";
    return false;
  }
  const std::string dir = dirName(absolutePath(path));
  d = Distribution{};
  d.name = path;
  d.fromSource = true;
  d.target = rd.str("target", true);
  d.version = rd.str("python_version", true);
  d.includeDir = underManifest(dir, rd.str("include_dir", true));
  d.staticLib = underManifest(dir, rd.str("static_lib", true));
  d.stdlibDir = underManifest(dir, rd.str("stdlib_dir", true));
  // "-lm" stays a flag; anything else is a library file.
  for (const auto &l : rd.list("link_libs"))
    d.linkLibs.push_back(l.starts_with("-") ? l : underManifest(dir, l));
  d.linkFlags = rd.list("link_flags");
  d.builtinModules = modules(rd, "builtin_modules");
  d.extensionModules = modules(rd, "extension_modules");
  for (auto &m : d.extensionModules) m.path = underManifest(dir, m.path);
  if (!problem.empty()) {
    error = path + ": " + problem + "; rebuild the distribution with `oxcc python build`";
    return false;
  }
  return true;
}

bool findDistribution(const std::string &name, const Toolchain &tools, Distribution &d,
                      std::string &error) {
  if (name == "debian") return debianDistribution(tools, d, error);

  // A path (directory or manifest) if it exists; else a triple, through
  // <cache>/python/<triple>.current.
  std::string yaml;
  bool byTriple = false;
  if (isRegularFile(name)) {
    yaml = absolutePath(name);
  } else if (isRegularFile(name + "/distribution.yaml")) {
    yaml = absolutePath(name) + "/distribution.yaml";
  } else if (name.find('/') != std::string::npos || name.ends_with(".yaml")) {
    error = "--python " + name + ": no such distribution (neither a distribution.yaml nor a "
            "directory holding one)";
    return false;
  } else if (name.find('-') == std::string::npos) {
    error = "unknown Python distribution '" + name + "': use debian, a target triple "
            "(x86_64-linux-musl), or the directory of a distribution";
    return false;
  } else {
    byTriple = true;
    if (!currentDistributionYaml(name, ", or pass --python DIR", yaml, error)) return false;
  }
  auto text = readFile(yaml, error);
  if (!text || !parseDistribution(*text, yaml, d, error)) return false;
  if (byTriple && d.target != name) {
    error = yaml + " is a distribution for " + d.target + ", not " + name + "; " +
            "build one with `oxcc python build --target " + name + "`";
    return false;
  }
  return checkFiles(d, error) && targetCompilers(tools, d, error);
}

} // namespace oxcc

#include "static_deps.h"
#include "base/environment.h"

#include "base/fs.h"
#include "packed_resources.h"
#include "base/process.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace oxcc {

namespace {

// The directories pkg-config searches: PKG_CONFIG_PATH, then its own list.
std::vector<std::string> pkgConfigDirs() {
  std::vector<std::string> dirs;
  auto split = [&](const std::string &list) {
    std::stringstream in(list);
    for (std::string d; std::getline(in, d, ':');)
      if (!d.empty()) dirs.push_back(d);
  };
  if (!environment().pkgConfigPath.empty()) split(environment().pkgConfigPath);
  std::string out, pc = findOnPath("pkg-config");
  if (!pc.empty() && captureOutput({pc, {"pkg-config", "--variable", "pc_path", "pkg-config"}}, out))
    split(out.substr(0, out.find('\n')));
  return dirs;
}

// The library a .pc file describes: the first -l of its "Libs:" line
// (ncurses.pc's "-lncurses -ltinfo" describes ncurses, not tinfo, which
// has tinfo.pc of its own); "" if none.
std::string ownLibrary(const std::string &text) {
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("Libs:")) continue;
    std::stringstream words(line.substr(5));
    for (std::string w; words >> w;)
      if (w.starts_with("-l") && w.size() > 2) return w.substr(2);
  }
  return "";
}

// libpng16.so.16 -> png16; "" for a name that is not lib*.so*.
std::string libraryName(const std::string &soname) {
  if (!soname.starts_with("lib")) return "";
  size_t so = soname.find(".so");
  return so == std::string::npos ? "" : soname.substr(3, so - 3);
}

} // namespace

void StaticDeps::index() {
  indexed_ = true;
  for (const auto &dir : pkgConfigDirs())
    for (const auto &file : listDir(dir)) {
      if (!file.ends_with(".pc")) continue;
      std::string err;
      auto text = readFile(dir + "/" + file, err);
      if (!text) continue;
      if (std::string name = ownLibrary(*text); !name.empty())
        packageOf_.emplace(name, file.substr(0, file.size() - 3)); // the first dir wins
    }
}

ArchiveNeeds StaticDeps::needs(const std::string &name, const std::string &archive) {
  // Several extensions link the same archives: ask pkg-config once each.
  auto key = name + '\n' + archive;
  if (auto it = known_.find(key); it != known_.end()) return it->second;
  return known_[key] = find(name, archive);
}

ArchiveNeeds StaticDeps::pkgConfigNeeds(const std::string &name, const std::string &package,
                                        const std::string &withPath, const std::string &only) {
  ArchiveNeeds out;
  std::string text, pc = findOnPath("pkg-config");
  Command cmd{pc, {"pkg-config"}};
  if (!only.empty()) {
    cmd = Command{"/usr/bin/env", {"env", "PKG_CONFIG_PATH=", "PKG_CONFIG_LIBDIR=" + withPath + ":" + only, pc}};
  } else if (!withPath.empty()) {
    // First in PKG_CONFIG_PATH (pkg-config's --with-path searches it after
    // the user's PKG_CONFIG_PATH, where a host .pc of that name may be).
    std::string path = withPath;
    if (!environment().pkgConfigPath.empty()) path += ":" + environment().pkgConfigPath;
    cmd = Command{"/usr/bin/env", {"env", "PKG_CONFIG_PATH=" + path, pc}};
  }
  for (const char *a : {"--static", "--libs-only-l"}) cmd.argv.push_back(a);
  cmd.argv.push_back(package);
  if (pc.empty() || !captureOutput(cmd, text)) return out;
  std::stringstream words(text);
  for (std::string w; words >> w;)
    if (w.starts_with("-l") && w.size() > 2 && w.substr(2) != name &&
        std::find(out.names.begin(), out.names.end(), w.substr(2)) == out.names.end())
      out.names.push_back(w.substr(2));
  out.from = "pkg-config " + package + " --static";
  return out;
}

ArchiveNeeds StaticDeps::needsFromPrefix(const std::string &name, const std::string &pcDir,
                                         const std::string &only) {
  auto key = name + '\n' + pcDir + '\n' + only;
  if (auto it = known_.find(key); it != known_.end()) return it->second;
  for (const auto &file : listDir(pcDir)) {
    if (!file.ends_with(".pc")) continue;
    std::string err;
    auto text = readFile(pcDir + "/" + file, err);
    if (text && ownLibrary(*text) == name) {
      ArchiveNeeds out = pkgConfigNeeds(name, file.substr(0, file.size() - 3), pcDir, only);
      if (!out.from.empty()) out.from += ", " + pcDir;
      return known_[key] = out;
    }
  }
  return known_[key] = ArchiveNeeds{};
}

ArchiveNeeds StaticDeps::find(const std::string &name, const std::string &archive) {
  ArchiveNeeds out;
  if (!indexed_) index();
  auto add = [&](const std::string &n) {
    if (!n.empty() && n != name && std::find(out.names.begin(), out.names.end(), n) == out.names.end())
      out.names.push_back(n);
  };
  if (auto it = packageOf_.find(name); it != packageOf_.end()) {
    out = pkgConfigNeeds(name, it->second, "");
    if (!out.from.empty()) return out;
  }
  std::string so = dirName(archive) + "/lib" + name + ".so", err;
  auto bytes = readFile(realPath(so).empty() ? so : realPath(so), err);
  if (!bytes || !oxrt::checkSharedObject(*bytes).empty()) return out;
  auto dyn = oxrt::readDynamicNames(*bytes, err);
  if (!dyn) return out;
  for (const auto &needed : dyn->needed) add(libraryName(needed));
  out.from = "DT_NEEDED of " + so;
  return out;
}

} // namespace oxcc

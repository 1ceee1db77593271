#include "shared_deps.h"

#include "base/fs.h"
#include "packed_resources.h"
#include "link/plan.h"

#include <map>
#include <set>

namespace oxcc {

bool systemSoname(const std::string &soname) {
  // glibc's libraries, its loader, the GCC and C++ runtimes: installed with
  // the C library everywhere a glibc binary runs. libpython: the executable
  // is the Python (it exports the API with -E).
  static const char *const kPrefixes[] = {
      "libc.so.",  "libm.so.",      "libpthread.so.", "libdl.so.",     "librt.so.",
      "libutil.so.", "libresolv.so.", "libanl.so.",   "ld-linux",      "libgcc_s.so.",
      "libstdc++.so.", "libpython"};
  for (const char *p : kPrefixes)
    if (soname.starts_with(p)) return true;
  return false;
}

namespace {

// The directories a library's own DT_RUNPATH names, $ORIGIN expanded.
std::vector<std::string> runpathDirs(const std::string &runpath, const std::string &libDir) {
  std::vector<std::string> dirs;
  size_t start = 0;
  while (start <= runpath.size()) {
    size_t colon = runpath.find(':', start);
    if (colon == std::string::npos) colon = runpath.size();
    std::string d = runpath.substr(start, colon - start);
    for (std::string origin : {"${ORIGIN}", "$ORIGIN"})
      if (d.starts_with(origin) && (d.size() == origin.size() || d[origin.size()] == '/'))
        d = libDir + d.substr(origin.size());
    if (!d.empty()) dirs.push_back(d);
    start = colon + 1;
  }
  return dirs;
}

struct Walker {
  LinkPlan &plan;
  const std::vector<std::string> &systemDirs;
  std::vector<std::string> &problems;
  std::set<std::string> visited; // resolved paths
  std::map<std::string, std::string> sonamePath;

  // Packs `path` (found for `who`) after everything it needs.
  void visit(const std::string &found, const std::string &who, const std::string &module,
             const std::vector<std::string> &extraDirs) {
    std::string path = realPath(found);
    if (path.empty() || !visited.insert(path).second) return;
    std::string error;
    auto bytes = readFile(path, error);
    auto names = bytes ? oxrt::readDynamicNames(*bytes, error) : std::nullopt;
    if (!names) {
      problems.push_back("module " + module + ": " + found + " (needed by " + who +
                         ") is not a shared library oxcc can read: " + error);
      return;
    }
    if (names->soname.empty()) {
      problems.push_back("module " + module + ": " + found + " (needed by " + who +
                         ") has no DT_SONAME, so the dynamic loader cannot match it once "
                         "loaded from memory\n  fix: relink it with -Wl,-soname," +
                         baseName(found) + ", or provide a static archive");
      return;
    }
    if (auto it = sonamePath.find(names->soname); it != sonamePath.end()) return;
    sonamePath[names->soname] = path;
    std::string libDir = dirName(path);
    for (const auto &needed : names->needed) {
      if (systemSoname(needed) || sonamePath.count(needed)) continue;
      std::vector<std::string> searched = runpathDirs(names->runpath, libDir);
      searched.push_back(libDir);
      for (const auto &d : extraDirs) searched.push_back(d);
      for (const auto &d : systemDirs) searched.push_back(d);
      std::string hit;
      for (const auto &d : searched)
        if (fileExists(d + "/" + needed)) {
          hit = d + "/" + needed;
          break;
        }
      if (hit.empty()) {
        std::string p = "module " + module + ": " + names->soname + " needs " + needed +
                        ", which is in none of:";
        for (const auto &d : searched) p += "\n    " + d;
        p += "\n  fix: install the package that ships " + needed;
        problems.push_back(p);
        continue;
      }
      visit(hit, names->soname, module, extraDirs);
    }
    plan.sharedDependencies.push_back({names->soname, path, who});
  }
};

} // namespace

void planSharedDependencies(LinkPlan &plan, const std::vector<std::string> &systemDirs,
                            std::vector<std::string> &problems) {
  plan.sharedDependencies.clear();
  Walker walker{plan, systemDirs, problems, {}, {}};
  for (const auto &e : plan.extensions) {
    if (!e.keptShared) continue;
    // Its symbols must stay in its own .so: others cannot bind to them.
    if (!e.record.exports.empty() || !e.record.linkModules.empty())
      problems.push_back("module " + e.record.module + " links a shared-only library, so it stays "
                         "a shared object, but it takes part in cross-extension linking "
                         "(--oxcc-export / --oxcc-link-module)\n  fix: provide static archives "
                         "of its libraries");
    for (const auto &r : e.libraries)
      if (r.kind == LibraryResolution::Kind::Shared)
        walker.visit(r.path, e.record.module, e.record.module, e.record.libraryDirs);
  }
}

} // namespace oxcc

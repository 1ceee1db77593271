#include "libdeps.h"

#include "base/fs.h"
#include "base/target.h"
#include "link/lib_recipes.h"
#include "link/plan.h"
#include "base/process.h"
#include "link/shared_deps.h"
#include "link/static_deps.h"

#include <algorithm>
#include <map>
#include <set>

namespace oxcc {

namespace {

using LibKind = LibraryResolution::Kind;

// Every binary oxcc links has these: the C library and its split-off parts
// (the distribution's libpython needs them), and the C++/GCC runtime (the
// final link is g++ with -static-libstdc++ -static-libgcc). Linking a
// second copy into an extension would only duplicate them.
bool providedByToolchain(const std::string &name) {
  static const std::set<std::string> kProvided = {
      "c", "m", "pthread", "dl", "util", "rt", "stdc++", "gcc", "gcc_s", "gcc_eh"};
  return kProvided.count(name) > 0;
}

// Libraries the distribution links into every binary itself: libpython
// (some extensions link -lpython3.11) and its link_libs (-lexpat, -lz ...).
bool providedByDistribution(const std::string &name, const Distribution &python) {
  if (name == "python" + python.version || name == "python3") return true;
  // linkLibs holds link arguments: "-lexpat", or a source distribution's
  // own archive "/.../lib/deps/libz.a", which provides -lz just the same.
  for (const auto &l : python.linkLibs)
    if (l == name || l == "-l" + name || baseName(l) == "lib" + name + ".a") return true;
  return false;
}

void addDir(std::vector<std::string> &dirs, std::set<std::string> &seen, const std::string &dir) {
  // Resolved, so that /usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu
  // and /usr/lib/x86_64-linux-gnu count once.
  std::string real = realPath(dir);
  if (!real.empty() && seen.insert(real).second) dirs.push_back(real);
}

// "foo", or "xml2, whose archive needs -licuuc" for a transitive one.
std::string via(const LibraryResolution &r) {
  return r.neededBy.empty() ? r.name : r.neededBy + ", whose archive needs -l" + r.name;
}

std::string kindWord(LibKind k) {
  switch (k) {
  case LibKind::Archive: return "archive";
  case LibKind::Provided: return "provided";
  case LibKind::Shared: return "shared";
  case LibKind::Missing: return "missing";
  }
  return "missing";
}

// The refusal of a library that exists only as a shared object: every
// directory searched and the fixes.
void sharedOnlyLibrary(const LinkPlan &plan, const PlannedExtension &e, const LibraryResolution &r,
                       std::vector<std::string> &problems) {
  const std::string &name = r.name;
  std::string p = "module " + e.record.module + " links -l" + via(r) + ", which exists only as "
                  "a shared library (" + r.path + "); no lib" + name + ".a in:";
  for (const auto &d : r.searched) p += "\n    " + d;
  p += "\n  oxcc has no recipe that builds lib" + name + ".a from a Debian source package "
       "(`oxcc python lib --list` names those it has)";
  p += plan.python.musl()
           ? "\n  fix: build a static lib" + name + ".a for the target and pass its directory "
             "with -L at the extension's link (a static musl binary cannot load shared libraries)"
           : "\n  fix: install the -dev package that ships lib" + name + ".a (e.g. apt-get "
             "install lib" + name + "-dev), or pass --allow-shared-deps to pack lib" + name +
             ".so into the executable, loaded from memory (" + e.record.module +
             " then stays a shared object)";
  problems.push_back(p);
}

// The refusal of a library found nowhere: every directory searched (those
// that are gone said so) and the fix.
void missingLibrary(const PlannedExtension &e, const LibraryResolution &r,
                    std::vector<std::string> &problems) {
  const std::string &name = r.name;
  std::string p = "module " + e.record.module + " links -l" + via(r) +
                  ", but neither lib" + name + ".a nor lib" + name + ".so is in:";
  bool goneDir = false;
  for (const auto &d : r.searched) {
    bool gone = !fileExists(d);
    goneDir |= gone;
    p += "\n    " + d + (gone ? " (no longer exists)" : "");
  }
  if (goneDir)
    p += "\n  fix: a -L directory of its build is gone (pip removes its build dir); "
         "rebuild the package with this oxcc, which stores build-local archives when the "
         "extension links";
  else
    p += "\n  oxcc has no recipe that builds it from a Debian source package (`oxcc python "
         "lib --list` names those it has)\n  fix: install the -dev package that ships lib" +
         name + ".a (e.g. apt-get install lib" + name + "-dev)";
  problems.push_back(p);
}

// One copy of a library per binary, as a normal install has one libfoo.so:
// an archive (the same file, so the same content: stored ones are named by
// their sha256) that several built-in extensions link goes into the final
// link once, and they all resolve against it (lxml.etree and
// lxml.objectify hand each other libxml2 documents; two copies would mean
// two sets of libxml2's globals). An archive only one extension links stays
// in its partial link, localized with it: different versions of a library
// in different extensions cannot clash. Kept-shared extensions keep theirs.
void shareCommonArchives(LinkPlan &plan) {
  std::map<std::string, int> users;
  for (const auto &e : plan.extensions)
    if (!e.keptShared)
      for (const auto &a : e.libraryArchives) ++users[a];
  plan.sharedArchives.clear();
  for (auto &e : plan.extensions) {
    if (e.keptShared) continue;
    std::vector<std::string> own;
    for (const auto &a : e.libraryArchives) {
      if (users[a] < 2) {
        own.push_back(a);
      } else if (std::find(plan.sharedArchives.begin(), plan.sharedArchives.end(), a) ==
                 plan.sharedArchives.end()) {
        plan.sharedArchives.push_back(a);
      }
    }
    e.libraryArchives = own;
    for (auto &r : e.libraries) r.sharedBy = r.kind == LibKind::Archive ? users[r.path] : 0;
  }
}

// An extension kept as a shared object (--allow-shared-deps) links its
// whole dependency chain as shared objects, as a normal install does: a
// system archive goes into a .so only when the library has no .so (Debian's
// archives are not position-independent: libxml2.a cannot be linked into
// a shared object), and what archives needed goes with them (the shared
// libraries' DT_NEEDED bring their own, shared_deps.h). Archives stored
// from the package's build stay: they were linked into its .so before.
void keepChainShared(PlannedExtension &e) {
  std::vector<LibraryResolution> kept;
  e.libraryArchives.clear();
  for (auto &r : e.libraries) {
    if (!r.neededBy.empty()) continue;
    if (r.kind == LibKind::Archive && !r.captured) {
      for (const auto &d : r.searched)
        if (fileExists(d + "/lib" + r.name + ".so")) {
          r.kind = LibKind::Shared;
          r.path = d + "/lib" + r.name + ".so";
          r.needs.clear();
          r.needsFrom.clear();
          break;
        }
    }
    if (r.kind == LibKind::Archive) e.libraryArchives.push_back(r.path);
    kept.push_back(std::move(r));
  }
  e.libraries = std::move(kept);
}

// What the archive R resolved to needs (static_deps.h). One that oxcc built
// (a recipe's, or found in the target prefix) says so in its own .pc files;
// on musl their requirements are looked up in the target prefix alone. A
// host archive: the host's pkg-config, or its .so's DT_NEEDED. Another musl
// archive: nothing is known (the host's metadata describes glibc builds).
ArchiveNeeds archiveNeeds(const LinkPlan &plan, StaticDeps &staticDeps, const LibraryResolution &r) {
  std::string real = realPath(r.path);
  bool built = !r.recipe.empty() || real.starts_with(distributionRoot() + "/deps/");
  std::string targetPc = distributionRoot() + "/target/" + plan.python.target + "/lib/pkgconfig";
  if (built)
    return staticDeps.needsFromPrefix(r.name, dirName(real) + "/pkgconfig",
                                      plan.python.musl() ? targetPc : "");
  if (plan.python.musl()) return {};
  return staticDeps.needs(r.name, r.path);
}

// R has no archive on the system: if a recipe builds lib<name>.a, R
// becomes that archive (built now, or cached). False when the recipe
// failed: the problem is recorded and R dropped.
bool fromRecipe(const LinkPlan &plan, LibraryRecipes &recipes, const PlannedExtension &e,
                LibraryResolution &r, std::vector<std::string> &problems) {
  std::string recipe = recipes.recipeFor(r.name);
  if (recipe.empty()) return true;
  std::string prefix, error;
  std::string fix = plan.python.musl() ? "" : "; or install a static lib" + r.name + ".a, or pass "
                                              "--allow-shared-deps";
  if (!recipes.prefix(recipe, fix, prefix, error)) {
    problems.push_back("module " + e.record.module + " links -l" + via(r) + ", which has no static "
                       "archive here, and building it failed: " + error);
    return false;
  }
  std::string archive = prefix + "/lib/lib" + r.name + ".a";
  if (!isRegularFile(archive)) {
    problems.push_back("module " + e.record.module + " links -l" + via(r) + ": recipe " + recipe +
                       " built " + prefix + " without lib" + r.name + ".a; remove that directory "
                       "to build it again");
    return false;
  }
  r.kind = LibKind::Archive;
  r.path = archive;
  r.recipe = recipe;
  return true;
}

} // namespace

std::vector<std::string> systemLibraryDirs(const std::string &cc, const std::string &target) {
  std::vector<std::string> dirs;
  std::set<std::string> seen;
  // The musl target's cc is the host gcc with a specs file: it still lists
  // glibc's directories, whose archives must never reach a musl binary.
  if (target.find("musl") != std::string::npos) {
    // The libraries built for the target (`oxcc python lib`), first: the
    // only ones there are besides the C library's. (On glibc a recipe's
    // archive is used only where the system has none, so that
    // --allow-shared-deps still finds the system's .so: fromRecipe.)
    addDir(dirs, seen, distributionRoot() + "/target/" + target + "/lib");
    for (const char *d : {"/usr/local/musl/lib", "/usr/lib/x86_64-linux-musl"}) addDir(dirs, seen, d);
    return dirs;
  }
  std::string out;
  // "libraries: =/usr/lib/gcc/x86_64-linux-gnu/12/:/usr/lib/...": the
  // compiler's own list, the same the real link of the extension searched.
  std::string path = cc.find('/') == std::string::npos ? findOnPath(cc) : cc;
  if (!path.empty() && captureOutput({path, {cc, "-print-search-dirs"}}, out)) {
    size_t at = out.find("libraries: =");
    if (at != std::string::npos) {
      size_t end = out.find('\n', at);
      std::string list = out.substr(at + 12, end == std::string::npos ? end : end - at - 12);
      size_t start = 0;
      while (start <= list.size()) {
        size_t colon = list.find(':', start);
        if (colon == std::string::npos) colon = list.size();
        if (colon > start) addDir(dirs, seen, list.substr(start, colon - start));
        start = colon + 1;
      }
    }
  }
  // What ld searches when the compiler did not say (or is not gcc).
  for (const char *d : {"/usr/local/lib/x86_64-linux-gnu", "/usr/local/lib", "/lib/x86_64-linux-gnu",
                        "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"})
    addDir(dirs, seen, d);
  return dirs;
}

LibraryResolution resolveLibrary(const std::string &name, const std::vector<std::string> &recordedDirs,
                                 const std::vector<std::string> &systemDirs) {
  LibraryResolution r;
  r.name = name;
  for (const auto &dirs : {recordedDirs, systemDirs})
    for (const auto &d : dirs) r.searched.push_back(d);
  // -l:FILE names the file exactly (ld's syntax); it may be either kind.
  if (name.starts_with(":")) {
    std::string file = name.substr(1);
    for (const auto &d : r.searched)
      if (isRegularFile(d + "/" + file)) {
        r.path = d + "/" + file;
        r.kind = file.ends_with(".a") ? LibKind::Archive : LibKind::Shared;
        return r;
      }
    return r;
  }
  // The archive wherever it is, before any shared object: unlike ld, which
  // takes the first directory holding either, a static binary wants the .a.
  for (const auto &d : r.searched)
    if (isRegularFile(d + "/lib" + name + ".a")) {
      r.kind = LibKind::Archive;
      r.path = d + "/lib" + name + ".a";
      return r;
    }
  for (const auto &d : r.searched)
    if (fileExists(d + "/lib" + name + ".so")) {
      r.kind = LibKind::Shared;
      r.path = d + "/lib" + name + ".so";
      return r;
    }
  return r;
}

bool resolveLibraryDeps(LinkPlan &plan, std::string &error) {
  std::vector<std::string> systemDirs;
  bool systemDirsRead = false;
  std::set<std::string> libSeen;
  std::vector<std::string> problems;
  plan.libraries.clear();
  plan.libraryDirs.clear();
  StaticDeps staticDeps;
  LibraryRecipes recipes(plan.tools, plan.python.target);
  for (auto &e : plan.extensions) {
    e.libraries.clear();
    e.libraryArchives.clear();
    std::set<std::string> archivesSeen;
    // Its own -l names, then what each archive among them needs in turn
    // (static_deps.h), breadth first, each name once.
    std::vector<std::pair<std::string, std::string>> work; // name, the -l that needs it
    std::set<std::string> queued;
    for (const auto &name : e.record.libraries)
      if (queued.insert(name).second) work.push_back({name, ""});
    for (size_t w = 0; w < work.size(); ++w) {
      const std::string name = work[w].first, neededBy = work[w].second;
      LibraryResolution r;
      if (auto c = e.capturedLibraryPaths.find(name); c != e.capturedLibraryPaths.end()) {
        // Found in the build tree when the extension linked, and stored
        // then: what that link used, wherever the build dir went since.
        r.name = name;
        r.kind = LibKind::Archive;
        r.path = c->second;
        r.captured = true;
      } else if (providedByToolchain(name) || providedByDistribution(name, plan.python)) {
        r.name = name;
        r.kind = LibKind::Provided;
      } else {
        // Asking the compiler costs a process: only when some library needs it.
        if (!systemDirsRead) systemDirs = systemLibraryDirs(plan.tools.cc, plan.python.target), systemDirsRead = true;
        r = resolveLibrary(name, e.record.libraryDirs, systemDirs);
      }
      r.neededBy = neededBy;
      // No archive on the system: one oxcc builds from its Debian source
      // package, if it has a recipe (a shared-only library on glibc stays
      // shared when --allow-shared-deps asks for that).
      bool keepShared = r.kind == LibKind::Shared && plan.options.allowSharedDeps && !plan.python.musl();
      if ((r.kind == LibKind::Missing || r.kind == LibKind::Shared) && !keepShared)
        if (!fromRecipe(plan, recipes, e, r, problems)) continue;
      switch (r.kind) {
      case LibKind::Archive:
        if (archivesSeen.insert(r.path).second) e.libraryArchives.push_back(r.path);
        if (!r.captured) {
          ArchiveNeeds needs = archiveNeeds(plan, staticDeps, r);
          r.needsFrom = needs.from;
          for (const auto &n : needs.names) {
            r.needs.push_back(n);
            if (queued.insert(n).second) work.push_back({n, name});
          }
        }
        break;
      case LibKind::Provided:
        // Left to the final link, which has them anyway (-lm twice is
        // harmless). The distribution's own are on its link line already,
        // perhaps as a path (a source distribution's lib/deps/libz.a),
        // where a -lz would not be found.
        if (providedByToolchain(name) && libSeen.insert(name).second) plan.libraries.push_back(name);
        break;
      case LibKind::Shared:
      case LibKind::Missing:
        // What an archive's metadata says it needs may be more than it
        // does (DT_NEEDED lists every library of the .so): a transitive one
        // that cannot be linked statically is left out, and the final link
        // names any symbol that was really needed.
        if (!r.neededBy.empty()) break;
        if (r.kind == LibKind::Missing) {
          missingLibrary(e, r, problems);
        } else if (plan.options.allowSharedDeps && !plan.python.musl()) {
          // The extension stays a .so, packed with the library (and what
          // that needs), all loaded from memory: shared_deps.h.
          e.keptShared = true;
        } else {
          sharedOnlyLibrary(plan, e, r, problems);
        }
        break;
      }
      e.libraries.push_back(std::move(r));
    }
    if (e.keptShared) keepChainShared(e);
  }
  shareCommonArchives(plan);
  bool anyShared = false;
  for (const auto &e : plan.extensions) anyShared |= e.keptShared;
  if (anyShared) {
    if (!systemDirsRead) systemDirs = systemLibraryDirs(plan.tools.cc, plan.python.target);
    planSharedDependencies(plan, systemDirs, problems);
    if (plan.options.emit == Emit::Libpython)
      problems.push_back("--allow-shared-deps keeps some extensions as shared objects, which "
                         "--emit=libpython cannot hold\n  fix: provide static archives of their "
                         "libraries, or link an executable");
  }
  if (problems.empty()) return true;
  error = "cannot link every extension's libraries statically:";
  for (const auto &p : problems) error += "\n  " + p;
  return false;
}

std::string explainLibraryDeps(const LinkPlan &plan, int &problems) {
  std::string s;
  problems = 0;
  for (const auto &e : plan.extensions) {
    s += e.record.module + " (" + e.origin + ")";
    if (e.libraries.empty()) s += ": no -l libraries";
    if (e.keptShared) s += ": kept as a shared object, packed, loaded from memory";
    s += "\n";
    for (const auto &r : e.libraries) {
      s += "  -l" + r.name + ": " + kindWord(r.kind);
      if (r.kind == LibKind::Archive && r.sharedBy > 1)
        s += " " + r.path + " (shared by " + std::to_string(r.sharedBy) +
             " extensions: linked once, in the final link)";
      else if (r.kind == LibKind::Archive)
        s += " " + r.path + (r.captured ? " (stored from its build tree at the extension's link;"
                                          " linked into "
                                        : " (linked into ") + e.record.module + ")";
      if (!r.recipe.empty())
        s += " (no archive on the system: built from Debian source by `oxcc python lib " +
             r.recipe + "`)";
      if (!r.neededBy.empty()) s += " [needed by -l" + r.neededBy + "]";
      if (!r.needs.empty()) {
        s += "; needs";
        for (const auto &n : r.needs) s += " -l" + n;
        s += " (" + r.needsFrom + ")";
      }
      if (r.kind == LibKind::Provided) s += " (by the distribution or the C toolchain; final link)";
      // resolveLibraryDeps decided: a shared-only library keeps its
      // extension shared (and packs the library) where that is allowed.
      bool packed = e.keptShared;
      bool transitive = !r.neededBy.empty();
      if (r.kind == LibKind::Shared)
        s += " " + r.path + (packed ? " (packed, loaded from memory: --allow-shared-deps)"
                             : transitive ? "" : " (refused: no static archive)");
      if (r.kind == LibKind::Missing) s += " (not found)";
      if (transitive && (r.kind == LibKind::Missing || r.kind == LibKind::Shared))
        s += " (left out: its archive's metadata names it, the final link says if a symbol needs it)";
      problems += !transitive && (r.kind == LibKind::Missing || (r.kind == LibKind::Shared && !packed));
      s += "\n";
    }
    for (const auto &m : e.record.linkModules) s += "  calls into " + m + " (--oxcc-link-module)\n";
    for (const auto &x : e.record.exports) s += "  exports " + x + "\n";
  }
  if (!plan.sharedDependencies.empty()) {
    s += "packed shared libraries, loaded from memory in this order:\n";
    for (const auto &d : plan.sharedDependencies)
      s += "  " + d.soname + " " + d.path + " (needed by " + d.neededBy + ")\n";
  }
  return s;
}

} // namespace oxcc

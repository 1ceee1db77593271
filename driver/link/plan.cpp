#include "plan.h"

#include "distribution.h"

#include "elf_file.h"
#include "fs.h"
#include "module_deps.h"
#include "record.h"
#include "registry.h"
#include "store.h"
#include "wheel.h"

#include <algorithm>
#include <map>
#include <set>
#include <sys/stat.h>

namespace oxcc {

std::string uniqueInitSymbol(const std::string &module) {
  std::string sym = "oxcc_init_";
  size_t start = 0;
  while (true) {
    size_t dot = module.find('.', start);
    std::string part = module.substr(start, dot - start);
    sym += std::to_string(part.size()) + part;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return sym;
}

bool findToolchain(Toolchain &t, std::string &error) {
  std::string libexec = dirName(selfExe()); // <prefix>/libexec/oxcc
  t.prefix = dirName(dirName(libexec));
  t.ldDir = libexec;
  t.runtimeLib = t.prefix + "/lib/liboxrt.a";
  t.formatLib = t.prefix + "/lib/liboxrt_format.a";
  t.runtimeInclude = t.prefix + "/include";
  if (!fileExists(t.runtimeInclude + "/oxrt/app.h")) t.runtimeInclude += "/oxrt/app.h"; // named in the error
  t.packTool = libexec + "/oxrt-pack";
  t.collectScript = t.prefix + "/share/oxcc/runtime/collect_python.py";
  for (const auto *p : {&t.runtimeLib, &t.formatLib, &t.packTool, &t.collectScript,
                        &t.runtimeInclude})
    if (!fileExists(*p)) {
      error = "oxcc's runtime is incomplete: " + *p + " is missing (rebuild or reinstall oxcc)";
      return false;
    }
  if (!fileExists(t.ldDir + "/ld.lld")) {
    error = t.ldDir + "/ld.lld is missing (rebuild or reinstall oxcc)";
    return false;
  }
  return true;
}

namespace {

// The .so members of a wheel: the member path, its sha256, and where it was
// extracted (only needed when the store has no record of that exact file).
struct WheelModule {
  std::string member, sha256, extracted;
};

// Lists a wheel: its extension modules (extracted) and, in `pyMembers`, the
// paths of its .py files (to check that an entry point is embedded). The
// wheel is untrusted: wheel::parse checks every member's name before
// anything is written, and the .so files go only under `extractDir`.
bool listWheelModules(const std::string &wheel, const std::string &extractDir,
                      std::vector<WheelModule> &out, std::vector<std::string> &pyMembers,
                      std::string &error) {
  // Hashing and inflating costs most of a no-op relink: keep the listing,
  // keyed by the wheel's identity, next to what it extracted.
  struct stat st;
  if (stat(wheel.c_str(), &st) != 0) {
    error = "wheel " + wheel + " does not exist";
    return false;
  }
  std::string key = "oxcc-wheel-list/2 " + std::to_string(st.st_size) + " " +
                    std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) +
                    " " + wheel + "\n";
  std::string cachePath = extractDir + ".list", err;
  std::string text;
  if (auto cached = readFile(cachePath, err); cached && cached->starts_with(key)) {
    text = cached->substr(key.size());
  } else {
    auto bytes = readFile(wheel, err);
    std::optional<wheel::Archive> archive;
    if (bytes) archive = wheel::parse(std::move(*bytes), err);
    if (!archive) {
      error = "cannot read wheel " + wheel + ": " + err +
              "; nothing was extracted (rebuild the wheel, or check where it came from)";
      return false;
    }
    for (const auto &m : archive->members) {
      if (m.name.ends_with(".py")) text += m.name + "\n";
      if (!m.name.ends_with(".so")) continue;
      auto data = wheel::read(*archive, m, err);
      std::string path = extractDir + "/" + m.name;
      if (!data || !makeDirs(dirName(path), err) ||
          !writeFileAtomic(path, *data, dirName(path), err)) {
        error = "cannot extract " + m.name + " from wheel " + wheel + ": " + err;
        return false;
      }
      text += m.name + "\t" + sha256Hex(*data) + "\t" + path + "\n";
    }
    // Only a cache: if it cannot be written, the next link lists the wheel again.
    if (makeDirs(dirName(cachePath), err))
      writeFileAtomic(cachePath, key + text, dirName(cachePath), err);
  }
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    std::string line = text.substr(at, end - at);
    at = end == std::string::npos ? text.size() : end + 1;
    auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    if (t1 == std::string::npos) pyMembers.push_back(line);
    if (t1 == std::string::npos || t2 == std::string::npos) continue;
    out.push_back({line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)});
  }
  return true;
}

// MODULE as a file under `root`: root/a/b.py or root/a/b/__init__.py.
bool moduleUnder(const std::string &root, const std::string &module) {
  std::string rel = module;
  std::replace(rel.begin(), rel.end(), '.', '/');
  return fileExists(root + "/" + rel + ".py") || fileExists(root + "/" + rel + "/__init__.py");
}

// Triples name the same target without their vendor part (clang says
// x86_64-pc-linux-gnu, gcc x86_64-linux-gnu). An unrecorded target (an
// extension known only from its .so) is taken to match.
bool sameTarget(const std::string &recorded, const std::string &dist) {
  auto canonical = [](const std::string &t) {
    size_t first = t.find('-'), second = t.find('-', first + 1);
    bool fourParts = second != std::string::npos && t.find('-', second + 1) != std::string::npos;
    return fourParts ? t.substr(0, first) + t.substr(second) : t;
  };
  return recorded.empty() || canonical(recorded) == canonical(dist);
}

std::string rebuildHint(const std::string &module) {
  return "rebuild its package with oxcc (`oxcc run -- pip wheel --no-build-isolation "
         "--no-index .`, or CC=oxcc) so that " + module + " is recorded";
}

} // namespace

bool planLink(const LinkOptions &opts, const Store &store, LinkPlan &plan, std::string &error) {
  plan.options = opts;
  if (!findToolchain(plan.tools, error) ||
      !findDistribution(opts.python, plan.tools, plan.python, error))
    return false;
  // Everything compiled and linked from here on is for the distribution's
  // target: its compilers replace the host's.
  plan.tools.cc = plan.python.cc;
  plan.tools.cxx = plan.python.cxx;
  // The prebuilt liboxrt was compiled for Debian's Python: a source
  // distribution gets its own, built in the build dir (ninja_writer.cpp).
  if (plan.python.fromSource) {
    plan.tools.runtimeSources = plan.tools.prefix + "/share/oxcc/runtime";
    if (!isRegularFile(plan.tools.runtimeSources + "/src/frozen_modules.cpp")) {
      error = "oxcc's runtime sources are missing (" + plan.tools.runtimeSources +
              "/src/frozen_modules.cpp); rebuild or reinstall oxcc";
      return false;
    }
    std::string dir = "runtime-" + plan.python.target; // relative: a node of build.ninja
    plan.tools.runtimeLib = dir + "/liboxrt.a";
    plan.tools.formatLib = dir + "/liboxrt_format.a";
  }

  // Every record, read once: the newest of each module, and all of them by
  // the sha256 of the .so each produced (to match a wheel's files).
  std::vector<std::string> errors;
  auto records = store.allExtensions(errors);
  if (!errors.empty()) {
    error = errors.front();
    return false;
  }
  std::map<std::string, const ExtensionRecord *> byModule, byOutput;
  for (const auto &r : records) {
    byOutput[r.outputSha256] = &r;
    auto &newest = byModule[r.module];
    if (!newest || newest->recordedNs < r.recordedNs) newest = &r;
  }

  // From the store: --all, --module NAME.
  std::map<std::string, PlannedExtension> chosen; // by module
  if (opts.allModules)
    for (const auto &[module, r] : byModule) chosen[module] = {*r, "", {}, {}, "store"};
  for (const auto &m : opts.modules) {
    auto it = byModule.find(m);
    if (it == byModule.end()) {
      error = "module " + m + " is not in the store " + store.root() + "; " + rebuildHint(m) +
              " (oxcc list shows what is recorded)";
      return false;
    }
    chosen[m] = {*it->second, "", {}, {}, "store"};
  }

  // From wheels: each .so is matched to its record by its exact bytes, or
  // through the .oxcc.obj section that names the objects it was linked from.
  std::set<std::string> embeddedPy; // wheel members, for the entry check
  if (!opts.wheels.empty()) {
    for (const auto &wheel : opts.wheels) {
      if (!isRegularFile(wheel)) {
        error = "wheel " + wheel + " does not exist";
        return false;
      }
      std::vector<WheelModule> mods;
      std::vector<std::string> pyMembers;
      if (!listWheelModules(wheel, opts.buildDir + "/wheels/" + baseName(wheel), mods, pyMembers,
                            error))
        return false;
      embeddedPy.insert(pyMembers.begin(), pyMembers.end());
      for (const auto &wm : mods) {
        std::string module = moduleNameFromRelativePath(wm.member);
        if (module.empty()) {
          error = baseName(wheel) + ": " + wm.member + " does not name a Python module";
          return false;
        }
        if (auto it = byOutput.find(wm.sha256); it != byOutput.end()) {
          chosen[it->second->module] = {*it->second, "", {}, {}, baseName(wheel)};
          continue;
        }
        std::string err;
        auto bytes = readFile(wm.extracted, err);
        auto section = bytes ? elf::readSection(*bytes, kObjectSection) : std::nullopt;
        auto ids = section ? elf::parseObjectRecords(*section) : std::vector<std::string>{};
        bool stored = !ids.empty();
        for (const auto &id : ids) stored &= fileExists(store.objectPath(id));
        if (!stored) {
          error = "module " + module + " in " + baseName(wheel) +
                  (ids.empty() ? " was not built by oxcc (its .so names no oxcc objects)"
                               : " names objects that are not in the store " + store.root()) +
                  "; " + rebuildHint(module);
          return false;
        }
        // Built by oxcc, linked by something else: a record of the same
        // module with those objects gives the libraries; else objects only.
        PlannedExtension pe;
        pe.origin = baseName(wheel);
        pe.record.module = module;
        pe.record.objects = ids;
        for (const auto &[_, r] : byOutput)
          if (r->module == module && r->objects == ids) pe.record = *r;
        for (const auto &s : elf::definedGlobalSymbols(*bytes))
          if (s == "PyInit_" + module.substr(module.rfind('.') + 1)) pe.record.init = s;
        if (pe.record.init.empty()) {
          error = "module " + module + " in " + baseName(wheel) + " has no init function PyInit_" +
                  module.substr(module.rfind('.') + 1);
          return false;
        }
        chosen[module] = pe;
      }
    }
  }

  // The entry module must be something the binary will hold.
  if (const std::string &m = opts.entryModule; !m.empty()) {
    std::string rel = m;
    std::replace(rel.begin(), rel.end(), '.', '/');
    bool found = chosen.count(m) || embeddedPy.count(rel + ".py") ||
                 embeddedPy.count(rel + "/__init__.py") ||
                 (opts.stdlib != "none" && moduleUnder(plan.python.stdlibDir, m));
    for (const auto &d : opts.pureDirs) found |= moduleUnder(d, m);
    if (!found) {
      error = "-m " + m + ": no such module among the embedded wheels, --pure directories, "
              "extensions and stdlib (add the package that holds it)";
      return false;
    }
  }

  for (auto &[module, pe] : chosen) {
    pe.initSymbol = uniqueInitSymbol(module);
    for (const auto &id : pe.record.objects) pe.objectPaths.push_back(store.objectPath(id, ".o"));
    for (const auto &id : pe.record.extraObjects)
      pe.objectPaths.push_back(store.objectPath(id, ".o"));
    for (const auto &id : pe.record.archives) pe.archivePaths.push_back(store.objectPath(id, ".a"));
    for (const auto &p : pe.objectPaths)
      if (!fileExists(p)) {
        error = "module " + module + ": stored object " + p + " is missing; " + rebuildHint(module);
        return false;
      }
    plan.cxx |= pe.record.language == "c++";
    plan.extensions.push_back(pe);
  }

  // An extension compiled for another target cannot link: name the fix.
  for (const auto &e : plan.extensions)
    if (!sameTarget(e.record.target, plan.python.target)) {
      error = "module " + e.record.module + " (" + e.origin + ") was built for " +
              e.record.target + ", but the Python distribution " + plan.python.name + " is for " +
              plan.python.target + "; rebuild its package for " + plan.python.target + ": `oxcc run " +
              (plan.python.fromSource ? "--target " + plan.python.target + " " : std::string()) +
              "-- pip wheel --no-build-isolation --no-index .`";
      return false;
    }

  // Exporters before the extensions that call into them; no cycles, no
  // dependency outside the link.
  if (!orderByModuleDeps(plan.extensions, error)) return false;

  // Each -l: a static archive into its own extension, or left to the final
  // link. --explain shows what failed instead of stopping here.
  if (!resolveLibraryDeps(plan, error)) {
    if (!opts.explain) return false;
    plan.libraryError = error;
  }
  error.clear();

  // Plugins' link hook (--plugin, OXCC_PLUGINS, oxcc.toml): notes go to
  // BUILD_DIR/plugin-notes.txt, link_args to the final link.
  LinkView view{opts.output, opts.emit, opts.python, opts.buildDir, {}, {}, {}};
  for (const auto &e : plan.extensions) view.extensions.push_back(e.record.module);
  if (!loadPluginFiles(opts.plugins, error) || !runLink(view, error)) return false;
  plan.linkArgs = view.linkArgs;
  return true;
}

} // namespace oxcc

// The planning passes of `oxcc link` (passes.h), over plain data.
#include "passes.h"

#include "link/distribution.h"
#include "base/elf_file.h"
#include "base/fs.h"
#include "base/module_name.h"
#include "registry.h"
#include "store/store.h"
#include "link/wheel.h"

#include <algorithm>
#include <sys/stat.h>

namespace oxcc {

namespace {

PlannedExtension planned(const ExtensionRecord &record, const std::string &origin) {
  PlannedExtension pe;
  pe.record = record;
  pe.origin = origin;
  return pe;
}

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
    // Every .so is read (inflated, CRC-checked) before any is written: a
    // corrupt member stops the link with nothing extracted.
    std::vector<std::pair<const wheel::Member *, std::string>> shared;
    for (const auto &m : archive->members) {
      if (m.name.ends_with(".py")) text += m.name + "\n";
      if (!m.name.ends_with(".so")) continue;
      auto data = wheel::read(*archive, m, err);
      if (!data) {
        error = "cannot read wheel " + wheel + ": " + err + "; nothing was extracted";
        return false;
      }
      shared.push_back({&m, std::move(*data)});
    }
    for (const auto &[m, data] : shared) {
      std::string path = extractDir + "/" + m->name;
      if (!makeDirs(dirName(path), err) || !writeFileAtomic(path, data, dirName(path), err)) {
        error = "cannot extract " + m->name + " from wheel " + wheel + ": " + err;
        return false;
      }
      text += m->name + "\t" + sha256Hex(data) + "\t" + path + "\n";
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

bool findTools(LinkPlan &plan, std::string &error) {
  if (!findToolchain(plan.tools, error) ||
      !findDistribution(plan.options.python, plan.tools, plan.python, error))
    return false;
  // Everything compiled and linked from here on is for the distribution's
  // target: its compilers replace the host's.
  plan.tools.cc = plan.python.cc;
  plan.tools.cxx = plan.python.cxx;
  // The prebuilt liboxrt was compiled for Debian's Python: a source
  // distribution gets its own, built in the build dir (decideRuntimeBuild).
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
  return true;
}

bool readStoreRecords(const Store &store, StoreRecords &records, std::string &error) {
  std::vector<std::string> errors;
  records.all = store.allExtensions(errors);
  if (!errors.empty()) {
    error = errors.front();
    return false;
  }
  for (const auto &r : records.all) {
    records.byOutputSha256[r.outputSha256] = &r;
    auto &newest = records.newestByModule[r.module];
    if (!newest || newest->recordedNs < r.recordedNs) newest = &r;
  }
  return true;
}

bool chooseFromStore(const LinkOptions &opts, const Store &store, const StoreRecords &records,
                     ChosenInputs &in, std::string &error) {
  if (opts.allModules)
    for (const auto &[module, r] : records.newestByModule)
      in.byModule[module] = planned(*r, "store");
  for (const auto &m : opts.modules) {
    auto it = records.newestByModule.find(m);
    if (it == records.newestByModule.end()) {
      error = "module " + m + " is not in the store " + store.root() + "; " + rebuildHint(m) +
              " (oxcc list shows what is recorded)";
      return false;
    }
    in.byModule[m] = planned(*it->second, "store");
  }
  return true;
}

bool chooseFromWheels(const LinkOptions &opts, const Store &store, const StoreRecords &records,
                      ChosenInputs &in, std::string &error) {
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
    in.wheelPyMembers.insert(pyMembers.begin(), pyMembers.end());
    for (const auto &wm : mods) {
      std::string module = moduleNameFromRelativePath(wm.member);
      if (module.empty()) {
        error = baseName(wheel) + ": " + wm.member + " does not name a Python module";
        return false;
      }
      if (auto it = records.byOutputSha256.find(wm.sha256); it != records.byOutputSha256.end()) {
        in.byModule[it->second->module] = planned(*it->second, baseName(wheel));
        continue;
      }
      std::string err;
      auto bytes = readFile(wm.extracted, err);
      auto section = bytes ? elf::readSection(*bytes, elf::kObjectSection) : std::nullopt;
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
      for (const auto &[_, r] : records.byOutputSha256)
        if (r->module == module && r->objects == ids) pe.record = *r;
      for (const auto &s : elf::definedGlobalSymbols(*bytes))
        if (s == "PyInit_" + module.substr(module.rfind('.') + 1)) pe.record.init = s;
      if (pe.record.init.empty()) {
        error = "module " + module + " in " + baseName(wheel) + " has no init function PyInit_" +
                module.substr(module.rfind('.') + 1);
        return false;
      }
      in.byModule[module] = pe;
    }
  }
  return true;
}

bool checkEntryModule(const LinkPlan &plan, const ChosenInputs &in, std::string &error) {
  const LinkOptions &opts = plan.options;
  std::vector<std::pair<std::string, std::string>> entries; // option, module
  if (!opts.entryModule.empty()) entries.push_back({"-m " + opts.entryModule, opts.entryModule});
  for (const auto &d : opts.dispatch) entries.push_back({"--dispatch " + d.name, d.module});
  for (const auto &[option, m] : entries) {
    std::string rel = m;
    std::replace(rel.begin(), rel.end(), '.', '/');
    bool found = in.byModule.count(m) || in.wheelPyMembers.count(rel + ".py") ||
                 in.wheelPyMembers.count(rel + "/__init__.py") ||
                 (opts.stdlib != StdlibMode::None && moduleUnder(plan.python.stdlibDir, m));
    for (const auto &d : opts.pureDirs) found |= moduleUnder(d, m);
    for (const auto &d : opts.sitePackages) found |= moduleUnder(d, m);
    if (!found) {
      error = option + ": no such module among the embedded wheels, --pure directories, "
              "--site-packages, extensions and stdlib (add the package that holds it)";
      return false;
    }
  }
  return true;
}

bool locateObjects(const Store &store, ChosenInputs &in, LinkPlan &plan, std::string &error) {
  for (auto &[module, pe] : in.byModule) {
    pe.initSymbol = uniqueInitSymbol(module);
    pe.codeSection = "oxcc_text_" + pe.initSymbol.substr(std::string("oxcc_init_").size());
    // The name its .so had (the record's), else the module's path plus .so.
    std::string leaf = module.substr(module.rfind('.') + 1), file = baseName(pe.record.output);
    std::string dir = module.substr(0, module.size() - leaf.size());
    std::replace(dir.begin(), dir.end(), '.', '/');
    pe.fileName = dir + (file.starts_with(leaf + ".") && file.ends_with(".so") ? file : leaf + ".so");
    for (const auto &id : pe.record.objects) pe.objectPaths.push_back(store.objectPath(id, ".o"));
    for (const auto &id : pe.record.extraObjects)
      pe.objectPaths.push_back(store.objectPath(id, ".o"));
    for (const auto &id : pe.record.archives) pe.archivePaths.push_back(store.objectPath(id, ".a"));
    for (const auto &[name, id] : pe.record.capturedLibraries) {
      pe.capturedLibraryPaths[name] = store.objectPath(id, ".a");
      if (!fileExists(pe.capturedLibraryPaths[name])) {
        error = "module " + module + ": the archive of -l" + name + " stored from its build (" +
                pe.capturedLibraryPaths[name] + ") is missing; " + rebuildHint(module);
        return false;
      }
    }
    for (const auto &p : pe.objectPaths)
      if (!fileExists(p)) {
        error = "module " + module + ": stored object " + p + " is missing; " + rebuildHint(module);
        return false;
      }
    plan.cxx |= pe.record.language == LinkLanguage::Cxx;
    plan.extensions.push_back(pe);
  }
  return true;
}

bool checkTargets(const LinkPlan &plan, std::string &error) {
  for (const auto &e : plan.extensions)
    if (!sameTarget(e.record.target, plan.python.target)) {
      error = "module " + e.record.module + " (" + e.origin + ") was built for " +
              e.record.target + ", but the Python distribution " + plan.python.name + " is for " +
              plan.python.target + "; rebuild its package for " + plan.python.target + ": `oxcc run " +
              (plan.python.fromSource ? "--target " + plan.python.target + " " : std::string()) +
              "-- pip wheel --no-build-isolation --no-index .`";
      return false;
    }
  return true;
}

bool decideEmbedded(LinkPlan &plan, std::string &error) {
  const LinkOptions &o = plan.options;
  plan.pureDirs = o.pureDirs;
  if (o.script.empty()) return true;
  // A script becomes the module __oxcc_script__, run as __main__.
  auto text = readFile(o.script, error);
  if (!text) return false;
  plan.files.push_back({"script/__oxcc_script__.py", std::move(*text)});
  plan.pureDirs.push_back(o.buildDir + "/script");
  return true;
}

void decideFinalLink(LinkPlan &plan) {
  auto &flags = plan.finalLinkFlags;
  if (!plan.python.fromSource) {
    // Debian's libpython: lib-dynload modules, from memory or disk, resolve
    // libpython's symbols against the app.
    flags = {"-Wl,-E"};
  } else {
    // A source distribution's own (-static for musl); everything is built
    // in, but kept-shared extensions resolve the Python API against the app.
    flags = plan.python.linkFlags;
    for (const auto &e : plan.extensions)
      if (e.keptShared) {
        flags.push_back("-Wl,-E");
        break;
      }
  }
  // dladdr() answers for a built-in extension's code as for its own .so
  // (the generated main() wraps it): numpy tells its own frames from the
  // interpreter's by the base dladdr gives.
  for (const auto &e : plan.extensions)
    if (!e.keptShared) {
      flags.push_back("-Wl,--wrap=dladdr");
      break;
    }
  // Static libstdc++/libgcc: one shared library less to map at start.
  flags.push_back("-static-libstdc++");
  flags.push_back("-static-libgcc");
  // Every input section and its size, for --explain=size (a few tenths of
  // a second and a few MB in the build dir; always written, so asking for
  // the report does not relink).
  flags.push_back("-Wl,-Map=link.map");
}

void decideRuntimeBuild(LinkPlan &plan) {
  if (!plan.python.fromSource) return;
  // zlib's header is the same for every C library (the library itself is
  // the distribution's): the host's, unless the distribution has one.
  plan.runtimeZlibDir = dirName(plan.python.includeDir);
  if (isRegularFile(plan.runtimeZlibDir + "/zlib.h")) return;
  std::string rel = dirName(plan.tools.runtimeLib) + "/zlib";
  plan.runtimeZlibDir = plan.options.buildDir + "/" + rel;
  plan.files.push_back({rel + "/zlib.h", "#include \"/usr/include/zlib.h\"\n"});
}

bool runPluginLinkHook(LinkPlan &plan, std::string &error) {
  const LinkOptions &opts = plan.options;
  LinkView view{opts.output, emitName(opts.emit), opts.python, opts.buildDir, {}, {}, {}};
  for (const auto &e : plan.extensions) view.extensions.push_back(e.record.module);
  if (!loadPluginFiles(opts.plugins, error) || !runLink(view, error)) return false;
  plan.linkArgs = view.linkArgs;
  return true;
}

} // namespace oxcc

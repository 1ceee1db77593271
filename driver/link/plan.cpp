#include "plan.h"

#include "elf_file.h"
#include "fs.h"
#include "process.h"
#include "record.h"
#include "store.h"

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

bool findDistribution(const std::string &name, Distribution &d, std::string &error) {
  if (name != "debian") {
    error = "unknown Python distribution '" + name + "' (only 'debian' exists so far)";
    return false;
  }
  // Facts about Debian's python3.11-dev (see DESIGN.md): the static library
  // is not PIC, and needs these libraries, more than python3-config prints.
  d.name = "debian";
  d.version = "3.11";
  d.includeDir = "/usr/include/python3.11";
  d.staticLib = "/usr/lib/python3.11/config-3.11-x86_64-linux-gnu/libpython3.11.a";
  d.linkLibs = {"expat", "z", "m", "dl", "pthread", "util"};
  d.stdlibDir = "/usr/lib/python3.11";
  d.dynloadDirs = {"/usr/lib/python3.11/lib-dynload"};
  if (!fileExists(d.staticLib) || !fileExists(d.includeDir + "/Python.h")) {
    error = "the debian distribution needs python3.11-dev (" + d.staticLib +
            "); run utils/bootstrap or apt-get install python3.11-dev";
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
// paths of its .py files (to check that an entry point is embedded).
bool listWheelModules(const std::string &python, const std::string &wheel,
                      const std::string &extractDir, std::vector<WheelModule> &out,
                      std::vector<std::string> &pyMembers, std::string &error) {
  static const char *code = R"(
import hashlib, os, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for info in sorted(z.infolist(), key=lambda i: i.filename):
        if info.filename.endswith('.py'):
            print(info.filename)
        if not info.filename.endswith('.so'):
            continue
        data = z.read(info)
        path = os.path.join(dest, info.filename)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(data)
        print(info.filename, hashlib.sha256(data).hexdigest(), path, sep='\t')
)";
  // Starting Python costs tens of milliseconds, most of a no-op relink:
  // keep the listing, keyed by the wheel's identity, next to what it extracted.
  struct stat st;
  if (stat(wheel.c_str(), &st) != 0) {
    error = "wheel " + wheel + " does not exist";
    return false;
  }
  std::string key = "oxcc-wheel-list/1 " + std::to_string(st.st_size) + " " +
                    std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) +
                    " " + wheel + "\n";
  std::string cachePath = extractDir + ".list", err;
  std::string text;
  if (auto cached = readFile(cachePath, err); cached && cached->starts_with(key)) {
    text = cached->substr(key.size());
  } else {
    if (!captureOutput({python, {python, "-I", "-c", code, wheel, extractDir}}, text)) {
      error = "cannot read wheel " + wheel + " (is it a wheel? see the message above)";
      return false;
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

std::string rebuildHint(const std::string &module) {
  return "rebuild its package with oxcc (`oxcc run -- pip wheel --no-build-isolation "
         "--no-index .`, or CC=oxcc) so that " + module + " is recorded";
}

} // namespace

bool planLink(const LinkOptions &opts, const Store &store, LinkPlan &plan, std::string &error) {
  plan.options = opts;
  if (!findToolchain(plan.tools, error) || !findDistribution(opts.python, plan.python, error))
    return false;

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
      if (!listWheelModules(plan.tools.python, wheel, opts.buildDir + "/wheels/" + baseName(wheel),
                            mods, pyMembers, error))
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

  std::set<std::string> libSeen, dirSeen;
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
    for (const auto &l : pe.record.libraries)
      if (libSeen.insert(l).second) plan.libraries.push_back(l);
    for (const auto &d : pe.record.libraryDirs)
      if (dirSeen.insert(d).second) plan.libraryDirs.push_back(d);
    plan.cxx |= pe.record.language == "c++";
    plan.extensions.push_back(pe);
  }
  return true;
}

} // namespace oxcc

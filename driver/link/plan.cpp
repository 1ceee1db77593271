#include "plan.h"

#include "base/fs.h"
#include "link/module_deps.h"
#include "link/passes.h"

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

bool planLink(const LinkOptions &opts, const Store &store, LinkPlan &plan, std::string &error) {
  plan.options = opts;
  ChosenInputs in;
  StoreRecords records;

  // oxcc's own parts, and the Python to link against: its target decides
  // the compilers and whether liboxrt is built here.
  if (!findTools(plan, error)) return false;

  // Every record, read once: the newest of each module, and all of them by
  // the sha256 of the .so each produced (to match a wheel's files).
  if (!readStoreRecords(store, records, error)) return false;

  // From the store: --all, --module NAME.
  if (!chooseFromStore(opts, store, records, in, error)) return false;

  // From wheels: each .so is matched to its record by its exact bytes, or
  // through the .oxcc.obj section that names the objects it was linked from.
  if (!chooseFromWheels(opts, store, records, in, error)) return false;

  // The entry module must be something the binary will hold.
  if (!checkEntryModule(plan, in, error)) return false;

  // Each extension's stored objects and archives, and its unique init name.
  if (!locateObjects(store, in, plan, error)) return false;

  // An extension compiled for another target cannot link: name the fix.
  if (!checkTargets(plan, error)) return false;

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

  // What is embedded besides the wheels: --pure dirs and the --script.
  if (!decideEmbedded(plan, error)) return false;

  // The final link's flags, from the distribution and the extensions.
  decideFinalLink(plan);

  // The process's malloc: mimalloc (built once per target, cached) or libc's.
  if (!decideAllocator(plan, error)) return false;

  // A source distribution's liboxrt is compiled by this link: its headers.
  decideRuntimeBuild(plan);

  // Plugins' link hook (--plugin, OXCC_PLUGINS, oxcc.toml): notes go to
  // BUILD_DIR/plugin-notes.txt, link_args to the final link.
  return runPluginLinkHook(plan, error);
}

} // namespace oxcc

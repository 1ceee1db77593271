// Finding and loading plugin shared libraries. Every refusal names the file,
// where it was asked for (--plugin, OXCC_PLUGINS, oxcc.toml) and the fix.
#include "config.h"
#include "crash_guard.h"
#include "base/fs.h"
#include "host.h"
#include "base/environment.h"

#include <cstdlib>
#include <dlfcn.h>
#include <set>

namespace oxcc {
namespace {

struct Wanted {
  std::string path; // absolute
  std::string from; // "--plugin", "OXCC_PLUGINS", "/x/oxcc.toml"
};

using EntryFn = const oxcc_plugin *(*)(uint32_t);

bool loadOne(const Wanted &w, std::set<std::string> &seen, std::string &error) {
  std::string where = "plugin " + w.path + " (from " + w.from + ")";
  if (!isRegularFile(w.path)) {
    error = where + " does not exist (build it, or fix the path)";
    return false;
  }
  // The same file asked for twice (say OXCC_PLUGINS and oxcc.toml) runs once.
  if (!seen.insert(realPath(w.path)).second) return true;

  // Its constructors and entry point are plugin code too.
  installCrashGuard();
  static std::set<std::string> guardPaths; // stable strings for the guard
  const char *guardPath = guardPaths.insert(w.path).first->c_str();
  beginPluginCode(guardPath, "load");
  void *handle = dlopen(w.path.c_str(), RTLD_NOW | RTLD_LOCAL);
  endPluginCode();
  if (!handle) {
    const char *why = dlerror();
    error = "cannot load " + where + ": " + (why ? why : "dlopen failed");
    return false;
  }
  auto entry = reinterpret_cast<EntryFn>(dlsym(handle, "oxcc_plugin_entry"));
  if (!entry) {
    error = where + " does not export oxcc_plugin_entry (build it against oxcc's "
            "include/oxcc/plugin.h; see docs/plugins.md)";
    return false;
  }
  beginPluginCode(guardPath, "oxcc_plugin_entry");
  const oxcc_plugin *table = entry(OXCC_PLUGIN_ABI_VERSION);
  endPluginCode();
  if (!table) {
    error = where + " refused this oxcc (plugin ABI " + std::to_string(OXCC_PLUGIN_ABI_VERSION) +
            "): it needs another version of oxcc";
    return false;
  }
  // abi_version is the first field in every version, so reading it is safe
  // whatever layout the rest has.
  if (table->abi_version != OXCC_PLUGIN_ABI_VERSION) {
    error = where + " was built for oxcc plugin ABI version " + std::to_string(table->abi_version) +
            ", but this oxcc speaks version " + std::to_string(OXCC_PLUGIN_ABI_VERSION) +
            " (rebuild the plugin against this oxcc's include/oxcc/plugin.h)";
    return false;
  }
  std::string name = table->name && *table->name ? table->name : baseName(w.path);
  addLoadedPlugin({table, w.path, name});
  return true;
}

bool loadAll(const std::vector<Wanted> &explicitOnes, std::string &error) {
  std::vector<Wanted> wanted = explicitOnes;
  if (const std::string &list = environment().plugins; !list.empty()) {
    size_t at = 0;
    while (at <= list.size()) {
      size_t colon = list.find(':', at);
      std::string p = list.substr(at, colon - at);
      if (!p.empty()) wanted.push_back({absolutePath(p), "OXCC_PLUGINS"});
      if (colon == std::string::npos) break;
      at = colon + 1;
    }
  }
  const ProjectConfig *config;
  if (!projectConfig(config, error)) return false;
  for (const auto &p : config->plugins) wanted.push_back({p, config->path});
  if (wanted.empty()) return true; // the common case: nothing to open

  std::set<std::string> seen;
  for (const auto &w : wanted)
    if (!loadOne(w, seen, error)) return false;
  return true;
}

} // namespace

bool loadPlugins(std::vector<std::string> &args, std::string &error) {
  std::vector<Wanted> wanted;
  bool mentioned = false; // most calls: argv is only scanned
  for (const auto &a : args) mentioned |= a.starts_with("--plugin");
  if (mentioned) {
    std::vector<std::string> kept;
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string &a = args[i];
      // A value for the linker, assembler or preprocessor is theirs.
      if ((a == "-Xlinker" || a == "-Xassembler" || a == "-Xpreprocessor") && i + 1 < args.size()) {
        kept.push_back(a);
        kept.push_back(args[++i]);
      } else if (a == "--plugin") {
        if (i + 1 >= args.size()) {
          error = "--plugin needs a shared library (--plugin PATH.so)";
          return false;
        }
        wanted.push_back({absolutePath(args[++i]), "--plugin"});
      } else if (a.starts_with("--plugin=")) {
        wanted.push_back({absolutePath(a.substr(9)), "--plugin"});
      } else {
        kept.push_back(a);
      }
    }
    args.swap(kept);
  }
  return loadAll(wanted, error);
}

bool loadPluginFiles(const std::vector<std::string> &paths, std::string &error) {
  std::vector<Wanted> wanted;
  for (const auto &p : paths) wanted.push_back({absolutePath(p), "--plugin"});
  return loadAll(wanted, error);
}

} // namespace oxcc

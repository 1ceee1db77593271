// OXCC_LAUNCHER=ccache (or distcc, icecc: any wrapper, or several,
// taking the compiler as their first argument), else `launcher = "..."` in
// oxcc.toml, runs the real compiler behind that launcher. oxcc still sees
// the outputs, so recording is unchanged. Registered last, so it wraps the
// command as the other plugins left it.
#include "config.h"
#include "base/fs.h"
#include "host.h"
#include "base/environment.h"

#include <cstdlib>
#include <sstream>

namespace oxcc {

static void prependLauncher(const oxcc_api *api, oxcc_call *call, void *) {
  std::string launcher;
  std::string from = "OXCC_LAUNCHER";
  if (const auto &env = environment().launcher) {
    launcher = *env; // set but empty: no launcher, whatever oxcc.toml says
  } else {
    const ProjectConfig *config;
    std::string error; // a malformed oxcc.toml was already reported by the loader
    if (projectConfig(config, error) && !config->launcher.empty())
      launcher = config->launcher, from = config->path;
  }
  std::istringstream words(launcher);
  std::vector<std::string> paths;
  for (std::string w; words >> w;) {
    std::string path = findOnPath(w);
    if (path.empty()) {
      // A missing ccache should not stop a build that works without it.
      std::string msg = (from == "OXCC_LAUNCHER" ? "OXCC_LAUNCHER=" + w : "launcher " + w + " in " + from) +
                        " is not on PATH; compiling without it";
      api->warning(call, msg.c_str());
      return;
    }
    paths.push_back(path);
  }
  if (paths.empty()) return;
  // The launcher gets the compiler's resolved path, so it cannot find oxcc
  // again on PATH and loop.
  std::string compiler = api->get(call, "program");
  api->remove(call, "command", 0);
  api->insert(call, "command", 0, compiler.c_str());
  for (size_t i = paths.size(); i-- > 0;)
    api->insert(call, "command", 0, (i ? paths[i] : baseName(paths[i])).c_str());
  api->set(call, "program", paths[0].c_str());
}

extern const oxcc_plugin kLauncherPlugin = {
    .abi_version = OXCC_PLUGIN_ABI_VERSION,
    .name = "launcher",
    .rewrite_command = prependLauncher,
};

} // namespace oxcc

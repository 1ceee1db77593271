// OXCC_LAUNCHER=ccache (or distcc, icecc, any wrapper taking the compiler
// as its first argument) runs the real compiler behind that launcher. oxcc
// still sees the outputs, so recording is unchanged.
#include "fs.h"
#include "registry.h"

#include <cstdio>
#include <cstdlib>

namespace oxcc {

static void prependLauncher(const Invocation &, Command &command) {
  const char *launcher = getenv("OXCC_LAUNCHER");
  if (!launcher || !*launcher) return;
  std::string path = findOnPath(launcher);
  if (path.empty()) {
    // A missing ccache should not stop a build that works without it.
    fprintf(stderr, "oxcc: warning: OXCC_LAUNCHER=%s is not on PATH; compiling without it\n",
            launcher);
    return;
  }
  // The launcher gets the compiler's resolved path, so it cannot find oxcc
  // again on PATH and loop.
  command.argv[0] = command.path;
  command.argv.insert(command.argv.begin(), launcher);
  command.path = path;
}

extern const Plugin kLauncherPlugin = {
    .name = "launcher",
    .rewriteCommand = prependLauncher,
};

} // namespace oxcc

// oxcc-tools: the subcommands that read manifests and plan links. A
// separate program so that `oxcc`, which runs on every compiler call, does
// not load yaml-cpp. `oxcc list ...` execs `<prefix>/libexec/oxcc/oxcc-tools
// list ...`. lld lives in oxcc-ld.
#include "build/command.h"
#include "link/command.h"
#include "oxcc-tools/commands.h"

#include <map>

using namespace oxcc;

int main(int argc, char **argv) {
  static const std::map<std::string, int (*)(const Args &)> tools = {
      {"list", toolList}, {"store", toolStore}, {"link", toolLink},
      {"localize", toolLocalize}, {"build", toolBuild},
  };
  Args args(argv + 1, argv + argc);
  if (args.empty()) return fail(2, "oxcc-tools is run by oxcc (see oxcc --help)");
  auto it = tools.find(args[0]);
  if (it == tools.end()) return fail(2, "unknown subcommand '" + args[0] + "' (see oxcc --help)");
  return it->second(Args(args.begin() + 1, args.end()));
}

// oxcc: a compiler driver that records what a Python build compiles.
// Called as a compiler (oxcc, oxc++, or symlinked as gcc) it is a wrapper;
// called as `oxcc SUBCOMMAND` it is a tool.
#include "base/fs.h"
#include "base/process.h"
#include "oxcc/commands.h"
#include "wrapper/wrapper.h"

#include <cstdio>
#include <map>
#include <unistd.h>

using namespace oxcc;

namespace {
using Tool = int (*)(const Args &);
const std::map<std::string, Tool> &tools() {
  static const std::map<std::string, Tool> t = {
      {"env", toolEnv},   {"run", toolRun}, {"shim", toolShim},
      {"help", [](const Args &) { return toolHelp(); }},
      {"version", [](const Args &) { return toolVersion(); }},
  };
  return t;
}

// Subcommands that parse manifests live in oxcc-tools (driver/oxcc-tools/).
bool isHeavyTool(const std::string &name) {
  return name == "list" || name == "store" || name == "link" || name == "build" || name == "ld" ||
         name == "python";
}

[[noreturn]] void runHeavyTool(const Args &args) {
  std::string prefix = dirName(dirName(selfExe()));
  // `oxcc python` builds Python distributions: a Python program driving
  // configure and make (pybuild/), run by the interpreter oxcc builds for.
  if (args[0] == "python") {
    std::string main = prefix + "/share/oxcc/pybuild/main.py";
    if (!fileExists(main)) {
      fail(2, "cannot find " + main + " (reinstall oxcc)");
      _exit(2);
    }
    Args argv = {"/usr/bin/python3", main};
    argv.insert(argv.end(), args.begin() + 1, args.end());
    execCommand({"/usr/bin/python3", argv});
  }
  std::string libexec = prefix + "/libexec/oxcc/";
  std::string tool = libexec + (args[0] == "ld" ? "oxcc-ld" : "oxcc-tools");
  if (!fileExists(tool)) {
    fail(2, "cannot find " + tool + " (reinstall oxcc)");
    _exit(2);
  }
  Args argv = {tool};
  argv.insert(argv.end(), args.begin() + (args[0] == "ld" ? 1 : 0), args.end());
  execCommand({tool, argv});
}

// A word that is not a flag, has no path or suffix, and is not a file:
// meant as a subcommand, never as a compiler input.
bool looksLikeSubcommand(const std::string &a) {
  if (a.empty() || a.size() > 32) return false;
  for (char c : a)
    if (!((c >= 'a' && c <= 'z') || c == '-')) return false;
  return a[0] != '-' && !fileExists(a);
}
} // namespace

int main(int argc, char **argv) {
  std::string invokedAs = baseName(argv[0]);
  Args args(argv + 1, argv + argc);

  if (invokedAs == "oxcc" && !args.empty()) {
    if (args[0] == "--help" || args[0] == "-h") return toolHelp();
    if (args[0] == "--oxcc-version") return toolVersion();
    if (isHeavyTool(args[0])) runHeavyTool(args);
    if (auto it = tools().find(args[0]); it != tools().end())
      return it->second(Args(args.begin() + 1, args.end()));
    if (looksLikeSubcommand(args[0]))
      return fail(2, "unknown subcommand '" + args[0] + "' (see oxcc --help)");
  }
  return runWrapper(invokedAs, std::move(args));
}

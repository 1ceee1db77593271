// runApp: AppConfig, the short form used by older generated mains and
// embedders, mapped onto InterpreterConfig and MainInterpreter.
#include "oxrt/app.h"

#include <cstdio>

namespace oxrt {

InterpreterConfig toInterpreterConfig(const AppConfig &app, int argc, char **argv) {
  InterpreterConfig c;
  c.builtins = app.builtins;
  c.resources = app.resources;
  c.entry = app.entry;
  c.sysPath = app.filesystemPaths;
  c.sharedModulePolicy = app.sharedModulePolicy;
  c.sharedModulePolicies = app.sharedModulePolicies;
  c.setArgv(argc, argv);
  return c;
}

int runApp(const AppConfig &app, int argc, char **argv) {
  auto interp = MainInterpreter::create(toInterpreterConfig(app, argc, argv));
  if (!interp) {
    if (!interp.error().empty()) std::fprintf(stderr, "oxrt: %s\n", interp.error().c_str());
    return interp.exitCode();
  }
  return (*interp)->runMain();
}

} // namespace oxrt

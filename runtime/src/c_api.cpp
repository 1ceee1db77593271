// oxrt_run_app: the C spelling of oxrt::runApp (include/oxrt/oxrt.h).
#include "oxrt/app.h"

extern "C" int oxrt_run_app(const oxrt_app_config *config, int argc, char **argv) {
  oxrt::AppConfig app;
  app.builtins = config->builtins;
  app.resources = {config->resources, config->resources_size};
  app.entry.kind = oxrt::Entry::Kind(config->entry_kind);
  if (config->entry_target) app.entry.target = config->entry_target;
  if (config->entry_function) app.entry.function = config->entry_function;
  for (const char *const *p = config->filesystem_paths; p && *p; ++p)
    app.filesystemPaths.emplace_back(*p);
  app.sharedModulePolicy = oxrt::SharedModulePolicy(config->shared_module_policy);
  for (const oxrt_shared_policy *p = config->shared_module_policies; p && p->module; ++p)
    app.sharedModulePolicies[p->module] = oxrt::SharedModulePolicy(p->policy);
  return oxrt::runApp(app, argc, argv);
}

// The C API (include/oxrt/oxrt.h): InterpreterConfig and MainInterpreter
// behind opaque pointers; failures leave their message in a thread-local
// string.
#include "oxrt/app.h"

#include <Python.h>

namespace {

thread_local std::string gLastError;

int failed(std::string message) {
  gLastError = std::move(message);
  return -1;
}

int check(const oxrt::Status &s) { return s ? 0 : failed(s.error()); }

} // namespace

struct oxrt_config {
  oxrt::InterpreterConfig config;
};
struct oxrt_interpreter {
  std::unique_ptr<oxrt::MainInterpreter> interp;
};

extern "C" {

const char *oxrt_last_error(void) { return gLastError.c_str(); }

int oxrt_run_app(const oxrt_app_config *config, int argc, char **argv) {
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

oxrt_config *oxrt_config_new(void) { return new (std::nothrow) oxrt_config(); }
void oxrt_config_free(oxrt_config *c) { delete c; }

#define OXRT_CONFIG_OR_FAIL                                                                     \
  if (!c) return failed("oxrt_config is NULL")

int oxrt_config_set_profile(oxrt_config *c, int profile) {
  OXRT_CONFIG_OR_FAIL;
  c->config.profile = oxrt::Profile(profile);
  return 0;
}
int oxrt_config_set_entry(oxrt_config *c, int kind, const char *target, const char *function) {
  OXRT_CONFIG_OR_FAIL;
  c->config.entry = {oxrt::Entry::Kind(kind), target ? target : "", function ? function : ""};
  return 0;
}
int oxrt_config_set_argv(oxrt_config *c, int argc, char *const *argv) {
  OXRT_CONFIG_OR_FAIL;
  c->config.argv.clear();
  for (int i = 0; i < argc && argv && argv[i]; ++i) c->config.argv.emplace_back(argv[i]);
  return 0;
}
int oxrt_config_set_argv_bytes(oxrt_config *c, int enabled) {
  OXRT_CONFIG_OR_FAIL;
  c->config.argvBytes = enabled != 0;
  return 0;
}
int oxrt_config_set_memory_importer(oxrt_config *c, int enabled) {
  OXRT_CONFIG_OR_FAIL;
  c->config.memoryImporter = enabled != 0;
  return 0;
}
int oxrt_config_set_resources(oxrt_config *c, const void *data, size_t size) {
  OXRT_CONFIG_OR_FAIL;
  c->config.resources = {data, size};
  return 0;
}
int oxrt_config_set_resources_file(oxrt_config *c, const char *path) {
  OXRT_CONFIG_OR_FAIL;
  c->config.resourcesPath = path ? path : "";
  return 0;
}
int oxrt_config_set_filesystem_importer(oxrt_config *c, int enabled) {
  OXRT_CONFIG_OR_FAIL;
  c->config.filesystemImporter = enabled != 0;
  return 0;
}
int oxrt_config_add_sys_path(oxrt_config *c, const char *path) {
  OXRT_CONFIG_OR_FAIL;
  if (!path) return failed("oxrt_config_add_sys_path: path is NULL");
  c->config.sysPath.emplace_back(path);
  return 0;
}
int oxrt_config_set_builtins(oxrt_config *c, const oxrt_builtin *builtins) {
  OXRT_CONFIG_OR_FAIL;
  c->config.builtins = builtins;
  return 0;
}
int oxrt_config_add_extension(oxrt_config *c, const char *name, PyObject *(*init)(void)) {
  OXRT_CONFIG_OR_FAIL;
  if (!name || !init) return failed("oxrt_config_add_extension: name and init are required");
  c->config.extensionModules.push_back({name, init});
  return 0;
}
int oxrt_config_set_shared_module_policy(oxrt_config *c, const char *module, int policy) {
  OXRT_CONFIG_OR_FAIL;
  if (module) c->config.sharedModulePolicies[module] = oxrt::SharedModulePolicy(policy);
  else c->config.sharedModulePolicy = oxrt::SharedModulePolicy(policy);
  return 0;
}
int oxrt_config_set_allocator(oxrt_config *c, int allocator, int domains) {
  OXRT_CONFIG_OR_FAIL;
  c->config.allocator = oxrt::Allocator(allocator);
  if (domains) c->config.allocatorDomains = {(domains & OXRT_DOMAIN_RAW) != 0,
                                              (domains & OXRT_DOMAIN_MEM) != 0,
                                              (domains & OXRT_DOMAIN_OBJ) != 0};
  return 0;
}
int oxrt_config_set_optimization_level(oxrt_config *c, int level) {
  OXRT_CONFIG_OR_FAIL;
  c->config.optimizationLevel = level;
  return 0;
}
int oxrt_config_set_sys_frozen(oxrt_config *c, int enabled) {
  OXRT_CONFIG_OR_FAIL;
  c->config.sysFrozen = enabled != 0;
  return 0;
}
int oxrt_config_set_prefault(oxrt_config *c, int enabled) {
  OXRT_CONFIG_OR_FAIL;
  c->config.prefault = enabled != 0;
  return 0;
}
int oxrt_config_set_multiprocessing(oxrt_config *c, int autoDispatch, const char *method) {
  OXRT_CONFIG_OR_FAIL;
  c->config.multiprocessingAutoDispatch = autoDispatch != 0;
  c->config.multiprocessingStartMethod = method ? method : "";
  return 0;
}
int oxrt_config_set_terminfo(oxrt_config *c, int mode, const char *dirs) {
  OXRT_CONFIG_OR_FAIL;
  c->config.terminfo = oxrt::Terminfo(mode);
  c->config.terminfoDirs = dirs ? dirs : "";
  return 0;
}
int oxrt_config_set_file_attribute(oxrt_config *c, int policy) {
  OXRT_CONFIG_OR_FAIL;
  c->config.fileAttribute = oxrt::FileAttribute(policy);
  return 0;
}
int oxrt_config_set_write_modules_directory(oxrt_config *c, const char *dir) {
  OXRT_CONFIG_OR_FAIL;
  c->config.writeModulesDirectory = dir ? dir : "";
  return 0;
}
int oxrt_config_validate(const oxrt_config *c) {
  OXRT_CONFIG_OR_FAIL;
  return check(oxrt::validate(c->config));
}

oxrt_interpreter *oxrt_interpreter_new(const oxrt_config *c) {
  if (!c) {
    failed("oxrt_config is NULL");
    return nullptr;
  }
  auto interp = oxrt::MainInterpreter::create(c->config);
  if (!interp) {
    failed(interp.error().empty() ? "exit status " + std::to_string(interp.exitCode())
                                  : interp.error());
    return nullptr;
  }
  return new oxrt_interpreter{std::move(*interp)};
}

int oxrt_run(oxrt_interpreter *i) {
  if (!i) return failed("oxrt_interpreter is NULL"), 1;
  return i->interp->runMain();
}
int oxrt_run_code(oxrt_interpreter *i, const char *source) {
  if (!i || !source) return failed("oxrt_run_code: interpreter and source are required");
  return check(i->interp->runCode(source));
}
int oxrt_run_module(oxrt_interpreter *i, const char *name) {
  if (!i || !name) return failed("oxrt_run_module: interpreter and name are required");
  return check(i->interp->runModule(name));
}
int oxrt_run_file(oxrt_interpreter *i, const char *path) {
  if (!i || !path) return failed("oxrt_run_file: interpreter and path are required");
  return check(i->interp->runFile(path));
}
int oxrt_interpreter_free(oxrt_interpreter *i) {
  if (!i) return 0;
  int rc = check(i->interp->finalize());
  delete i;
  return rc;
}
int oxrt_gil_acquire(void) { return int(PyGILState_Ensure()); }
void oxrt_gil_release(int token) { PyGILState_Release(PyGILState_STATE(token)); }

} // extern "C"

// The end-to-end test program: what `oxcc link` generates, with two C
// extensions linked in as dotted built-ins. OXRT_TEST_ENTRY selects the
// entry (one executable per entry kind, same objects). OXRT_TEST_SHLIB: the
// blob also holds lib-dynload's extension modules (kind 3) and nothing is
// read from the filesystem; the shared-module policies come from
// $OXRT_TEST_SHARED_POLICY ("default=extract,_json=memory,_ssl=refuse"),
// so one program tests them all (a generated main() writes them out).
#include "oxrt/app.h"

#include <cstdlib>
#include <cstring>
#include <string>

extern "C" PyObject *oxcc_init_pkgA___native(void);
extern "C" PyObject *oxcc_init_deep__pkg___fast(void);

static const oxrt_builtin kBuiltins[] = {
    {"pkgA._native", oxcc_init_pkgA___native},
    {"deep.pkg._fast", oxcc_init_deep__pkg___fast},
    {nullptr, nullptr},
};

extern "C" const unsigned char oxrt_resources_start[], oxrt_resources_end[];

#ifdef OXRT_TEST_SHLIB
static void setPoliciesFromEnvironment(oxrt::AppConfig &app) {
  const char *spec = std::getenv("OXRT_TEST_SHARED_POLICY");
  std::string rest = spec ? spec : "";
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string item = rest.substr(0, comma);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    std::string name = item.substr(0, eq), value = item.substr(eq + 1);
    auto policy = value == "extract" ? oxrt::SharedModulePolicy::Extract
                  : value == "refuse" ? oxrt::SharedModulePolicy::Refuse
                  : value == "memory" ? oxrt::SharedModulePolicy::Memory
                                      : oxrt::SharedModulePolicy(std::atoi(value.c_str()));
    if (name == "default") app.sharedModulePolicy = policy;
    else app.sharedModulePolicies[name] = policy;
  }
}
#endif

int main(int argc, char **argv) {
  oxrt::AppConfig app;
  app.builtins = kBuiltins;
  app.resources = {oxrt_resources_start, size_t(oxrt_resources_end - oxrt_resources_start)};
#if OXRT_TEST_ENTRY == 1
  app.entry = {oxrt::Entry::Module, "testpkg.cli", "main"};
#elif OXRT_TEST_ENTRY == 2
  app.entry = {oxrt::Entry::Module, "testpkg", ""};
#elif OXRT_TEST_ENTRY == 3
  app.entry = {oxrt::Entry::Script, "testpkg.boom", ""};
#endif
#ifdef OXRT_TEST_SHLIB
  setPoliciesFromEnvironment(app);
#else
  app.filesystemPaths = {OXRT_DYNLOAD};
#endif
  return oxrt::runApp(app, argc, argv);
}

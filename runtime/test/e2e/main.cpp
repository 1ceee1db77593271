// The end-to-end test program: what `oxcc link` generates, with two C
// extensions linked in as dotted built-ins. OXRT_TEST_ENTRY selects the
// entry (one executable per entry kind, same objects).
#include "oxrt/app.h"

extern "C" PyObject *oxcc_init_pkgA___native(void);
extern "C" PyObject *oxcc_init_deep__pkg___fast(void);

static const oxrt_builtin kBuiltins[] = {
    {"pkgA._native", oxcc_init_pkgA___native},
    {"deep.pkg._fast", oxcc_init_deep__pkg___fast},
    {nullptr, nullptr},
};

extern "C" const unsigned char oxrt_resources_start[], oxrt_resources_end[];

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
  app.filesystemPaths = {OXRT_DYNLOAD};
  return oxrt::runApp(app, argc, argv);
}

/* A deliberately broken plugin for plugin-errors.test:
 *  -DABI=N          claims plugin ABI version N
 *  -DNO_ENTRY       exports no oxcc_plugin_entry
 *  FAULTY_CRASH_IN=claim_args|annotate_object|link (environment): that hook
 *                   dereferences a null pointer (SIGSEGV)
 *  FAULTY_ERROR_IN=classify (environment): that hook reports an error
 *  FAULTY_LINK_ARG=ARG (environment): the link hook adds ARG to the final link
 *  Always: each extension record gets the note faulty.module = its module. */
#include <oxcc/plugin.h>

#include <stdlib.h>
#include <string.h>

#ifndef ABI
#define ABI OXCC_PLUGIN_ABI_VERSION
#endif

static void maybe_crash(const oxcc_api *api, oxcc_call *call) {
  const char *where = getenv("FAULTY_CRASH_IN");
  if (where && strcmp(where, api->get(call, "stage")) == 0) {
    volatile int *nowhere = NULL;
    *nowhere = 1;
  }
  const char *fail = getenv("FAULTY_ERROR_IN");
  if (fail && strcmp(fail, api->get(call, "stage")) == 0)
    api->error(call, "refusing on purpose");
}

static void hook(const oxcc_api *api, oxcc_call *call, void *user_data) {
  maybe_crash(api, call);
  const char *arg = getenv("FAULTY_LINK_ARG");
  if (arg && strcmp(api->get(call, "stage"), "link") == 0)
    api->insert(call, "link_args", api->count(call, "link_args"), arg);
}

static void note_extension(const oxcc_api *api, oxcc_call *call, void *user_data) {
  maybe_crash(api, call);
  api->note(call, "module", api->get(call, "module"));
}

static const oxcc_plugin plugin = {
    .abi_version = ABI,
    .name = "faulty",
    .claim_args = hook,
    .classify = hook,
    .annotate_object = hook,
    .annotate_extension = note_extension,
    .link = hook,
};

#ifndef NO_ENTRY
OXCC_PLUGIN_EXPORT const oxcc_plugin *oxcc_plugin_entry(uint32_t host_abi) { return &plugin; }
#else
OXCC_PLUGIN_EXPORT const oxcc_plugin *some_other_symbol(void) { return &plugin; }
#endif

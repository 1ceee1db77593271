/* A plugin that shows where it runs among the others, for
 * target-plugin.test:
 *  OBSERVE_COMPILER=PROG (environment): claim_args sets "compiler" to PROG
 *  claim_args warns "claim_args: compiler=<what the plugins before it chose>"
 *  rewrite_command warns "rewrite_command: program=<the program that will run>" */
#include <oxcc/plugin.h>

#include <stdio.h>
#include <stdlib.h>

static void say(const oxcc_api *api, oxcc_call *call, const char *key) {
  const char *value = api->get(call, key);
  char line[4096];
  snprintf(line, sizeof line, "%s: %s=%s", api->get(call, "stage"), key, value ? value : "(null)");
  api->warning(call, line);
}

static void claim(const oxcc_api *api, oxcc_call *call, void *user_data) {
  say(api, call, "compiler");
  const char *prog = getenv("OBSERVE_COMPILER");
  if (prog) api->set(call, "compiler", prog);
}

static void rewrite(const oxcc_api *api, oxcc_call *call, void *user_data) {
  say(api, call, "program");
}

static const oxcc_plugin plugin = {
    .abi_version = OXCC_PLUGIN_ABI_VERSION,
    .name = "observe",
    .claim_args = claim,
    .rewrite_command = rewrite,
};

OXCC_PLUGIN_EXPORT const oxcc_plugin *oxcc_plugin_entry(uint32_t host_abi) { return &plugin; }

/* An example oxcc plugin: every compile gets -DOXCC_EXAMPLE_PLUGIN=1, and
 * every object record says so in a note (add_define.define). `oxcc link`
 * notes how many extensions it links. Build it against the installed header:
 *
 *   cc -shared -fPIC -O2 -I$PREFIX/include -o add_define.so add_define.c
 *
 * and use it with `--plugin add_define.so`, OXCC_PLUGINS or oxcc.toml. */
#include <oxcc/plugin.h>

#include <stdio.h>
#include <string.h>

#define DEFINE "OXCC_EXAMPLE_PLUGIN=1"

/* Only real compiles: a configure probe (`cc -E -dM -`) must see the
 * compiler's own macros, and a link has nothing to define. */
static void add_define(const oxcc_api *api, oxcc_call *call, void *user_data) {
  const char *kind = api->get(call, "kind");
  if (!kind || strcmp(kind, "compile") != 0) return;
  api->insert(call, "command", api->count(call, "command"), "-D" DEFINE);
}

static void note_object(const oxcc_api *api, oxcc_call *call, void *user_data) {
  api->note(call, "define", DEFINE);
}

static void note_link(const oxcc_api *api, oxcc_call *call, void *user_data) {
  char count[32];
  snprintf(count, sizeof count, "%zu", api->count(call, "extensions"));
  api->note(call, "extensions", count);
}

static const oxcc_plugin plugin = {
    .abi_version = OXCC_PLUGIN_ABI_VERSION,
    .name = "add_define",
    .user_data = NULL,
    .rewrite_command = add_define,
    .annotate_object = note_object,
    .link = note_link,
};

OXCC_PLUGIN_EXPORT const oxcc_plugin *oxcc_plugin_entry(uint32_t host_abi) {
  (void)host_abi; /* oxcc checks plugin.abi_version itself */
  return &plugin;
}

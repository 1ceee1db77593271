/* oxcc plugin ABI: what a plugin (a shared library loaded with
 * `--plugin PATH.so`, OXCC_PLUGINS or oxcc.toml) exports, and what oxcc
 * hands its hooks. Plain C on purpose: a plugin may be written in C, C++,
 * Rust or Zig, built with any compiler or standard library, and no C++
 * type ever crosses the boundary. docs/plugins.md is the authoring guide.
 *
 * Stability rules (they are what OXCC_PLUGIN_ABI_VERSION promises):
 *  - A plugin states the version it was built for in oxcc_plugin.abi_version,
 *    the FIRST field, which stays first in every version. oxcc refuses a
 *    plugin whose version differs from its own, naming the file and both.
 *  - Within one version nothing is removed or reordered; keys and list
 *    names (below) may be added, so an unknown key simply reads as NULL.
 *  - Every string is NUL-terminated UTF-8 (paths: bytes as the OS gives them).
 */
#ifndef OXCC_PLUGIN_H
#define OXCC_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OXCC_PLUGIN_ABI_VERSION 1u

/* Marks the entry point as exported even under -fvisibility=hidden. */
#define OXCC_PLUGIN_EXPORT __attribute__((visibility("default")))

/* One call of one hook: oxcc's state for it, opaque to the plugin. */
typedef struct oxcc_call oxcc_call;

/* What oxcc offers a hook. Every function takes the hook's `call`.
 *
 * Strings returned by get/item stay valid until the hook returns (copy them
 * to keep them). Strings passed in are copied by oxcc before it returns.
 *
 * Scalar keys (get), by stage; NULL for a key the stage does not have:
 *   all stages      "stage" (the hook's name), "plugin" (this plugin's path)
 *   claim_args      "driver" ("cc" or "c++"); "module", "compiler" (as
 *                   set by the plugins before this one, "" if none)
 *   classify,       "kind" (compile, assemble-only, preprocess, link-shared,
 *   rewrite_command   link-exe, query, unknown), "output", "module",
 *                     "target", "driver"
 *   rewrite_command "program" (the file that will be executed)
 *   annotate_object "source", "language", "output", "object_id", "module",
 *                   "compiler", "target", "cwd", "generator", "generator_source"
 *   annotate_extension "module", "init", "language", "output", "linker",
 *                   "target", "source_dir"
 *   link            "output", "emit" (exe or libpython), "python", "build_dir"
 *
 * Settable keys (set returns 0, or -1 if the stage has no such key):
 *   claim_args      "module" (the extension's full dotted name),
 *                   "compiler" (run this compiler instead of the default;
 *                   with OXCC_TARGET the built-in "target" plugin, which
 *                   runs after the loaded ones, sets the target's)
 *   classify        "module"; "kind" = "unknown" (pass the call through:
 *                   nothing is recorded)
 *   rewrite_command "program"
 *   annotate_object "generator", "generator_source", "language"
 *
 * Lists (count/item; insert/remove where editable, else they return -1):
 *   claim_args      "args" (editable): the caller's arguments, argv[0] excluded;
 *                   "exports", "link_modules" (editable): cross-extension
 *                   linking's symbols kept global / extensions called into
 *   classify and    "inputs", "flags", "libraries", "library_dirs",
 *   rewrite_command   "linker_args" (read-only)
 *   rewrite_command "command" (editable): argv of what runs, argv[0] first
 *   annotate_object "flags" (read-only)
 *   annotate_extension "objects", "libraries", "library_dirs",
 *                   "linker_args" (read-only)
 *   link            "extensions" (module names, read-only),
 *                   "link_args" (editable: extra arguments of the final link)
 */
typedef struct oxcc_api {
  uint32_t abi_version; /* OXCC_PLUGIN_ABI_VERSION of the host */
  uint32_t size;        /* sizeof(oxcc_api) of the host */

  const char *(*get)(oxcc_call *call, const char *key);
  int (*set)(oxcc_call *call, const char *key, const char *value);

  size_t (*count)(oxcc_call *call, const char *list);
  const char *(*item)(oxcc_call *call, const char *list, size_t index);
  /* index == count appends. */
  int (*insert)(oxcc_call *call, const char *list, size_t index, const char *value);
  int (*remove)(oxcc_call *call, const char *list, size_t index);

  /* A key/value note on what this stage produces: the object record
   * (annotate_object), the extension record (annotate_extension) or the
   * link plan (link, written to BUILD_DIR/plugin-notes.txt). Stored as
   * "<plugin name>.<key>", so two plugins never overwrite each other.
   * Other stages ignore notes. */
  void (*note)(oxcc_call *call, const char *key, const char *value);

  /* Fails the call with this message (claim_args, classify,
   * rewrite_command: exit status 2, nothing runs; link: oxcc link fails).
   * In annotate_* it is a warning: the compiler's output is already valid. */
  void (*error)(oxcc_call *call, const char *message);
  void (*warning)(oxcc_call *call, const char *message);
} oxcc_api;

/* Every hook has this shape; `user_data` is oxcc_plugin.user_data. */
typedef void (*oxcc_hook)(const oxcc_api *api, oxcc_call *call, void *user_data);

typedef struct oxcc_plugin {
  uint32_t abi_version; /* must be OXCC_PLUGIN_ABI_VERSION; stays first */
  const char *name;     /* short, [a-z0-9_]; prefixes the plugin's notes */
  void *user_data;      /* passed back to every hook */

  /* Wrapper mode (each compiler call), in this order. NULL: not used. */
  oxcc_hook claim_args;         /* take the plugin's own options out of argv */
  oxcc_hook classify;           /* after oxcc read the command line */
  oxcc_hook rewrite_command;    /* the exact command about to run */
  oxcc_hook annotate_object;    /* each object record, before it is stored */
  oxcc_hook annotate_extension; /* each extension record, before it is stored */

  /* `oxcc link`, once the plan is made, before the build files are written. */
  oxcc_hook link;
} oxcc_plugin;

/* The one symbol oxcc looks up. `host_abi` is the host's
 * OXCC_PLUGIN_ABI_VERSION: a plugin may return NULL to refuse a host it
 * does not support (oxcc then names the file and stops). The returned table
 * must stay valid until the process exits. */
OXCC_PLUGIN_EXPORT const oxcc_plugin *oxcc_plugin_entry(uint32_t host_abi);

#ifdef __cplusplus
}
#endif

#endif /* OXCC_PLUGIN_H */

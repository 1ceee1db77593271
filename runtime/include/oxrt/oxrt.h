/* The C API of liboxrt: the same entry point as oxrt/app.h, for programs
 * written in C. The built-in table type is shared with the C++ API. */
#ifndef OXRT_OXRT_H
#define OXRT_OXRT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Same layout as CPython's struct _inittab; PyObject is only named here. */
typedef struct _object PyObject;
typedef struct oxrt_builtin {
  const char *name;         /* full dotted module name: "pkg.sub._ext" */
  PyObject *(*init)(void);  /* its (renamed) PyInit_ function */
} oxrt_builtin;

enum { OXRT_ENTRY_PYTHON = 0, OXRT_ENTRY_MODULE = 1, OXRT_ENTRY_SCRIPT = 2 };

/* How an extension module packed as a shared library (collect_python.py
 * --dynload) is loaded. */
enum {
  OXRT_SHARED_MEMORY = 0,  /* memfd_create + dlopen, nothing on disk (falls back to
                              EXTRACT where memfd_create is not allowed) */
  OXRT_SHARED_EXTRACT = 1, /* written once to $XDG_CACHE_HOME/oxrt/<sha256>/, loaded from there */
  OXRT_SHARED_REFUSE = 2   /* importing it raises ImportError */
};
typedef struct oxrt_shared_policy {
  const char *module; /* full dotted name: "_ssl" */
  int policy;         /* OXRT_SHARED_* */
} oxrt_shared_policy;

typedef struct oxrt_app_config {
  const oxrt_builtin *builtins;        /* {NULL, NULL}-terminated, or NULL */
  const void *resources;               /* 8-byte aligned packed-resources blob */
  size_t resources_size;
  int entry_kind;                      /* OXRT_ENTRY_* */
  const char *entry_target;            /* module name or resource key, or NULL */
  const char *entry_function;          /* OXRT_ENTRY_MODULE only, or NULL */
  const char *const *filesystem_paths; /* NULL-terminated extra sys.path entries, or NULL */
  int shared_module_policy;            /* OXRT_SHARED_*: the default (0: memory) */
  const oxrt_shared_policy *shared_module_policies; /* {NULL, 0}-terminated overrides, or NULL */
} oxrt_app_config;

int oxrt_run_app(const oxrt_app_config *config, int argc, char **argv);

/* What a library made by `oxcc link --emit=libpython -o libapp.a` exports
 * (defined there, not in liboxrt; declared here for the program that links
 * it). The app's extension modules, {NULL, NULL}-terminated, under their
 * full dotted names; and its packed resources (stdlib and app bytecode,
 * data, packed lib-dynload modules), 8-byte aligned:
 *
 *   cfg.builtins = <the program's own entries, then oxcc_app_builtins' entries>;
 *   cfg.resources = oxcc_app_resources_start;
 *   cfg.resources_size = (size_t)(oxcc_app_resources_end - oxcc_app_resources_start);
 *
 * See docs/user-guide.md, "Embedding: --emit=libpython and find_package(oxrt)". */
extern const oxrt_builtin oxcc_app_builtins[];
extern const unsigned char oxcc_app_resources_start[];
extern const unsigned char oxcc_app_resources_end[];

#ifdef __cplusplus
}
#endif

#endif

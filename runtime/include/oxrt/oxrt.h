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

typedef struct oxrt_app_config {
  const oxrt_builtin *builtins;        /* {NULL, NULL}-terminated, or NULL */
  const void *resources;               /* 8-byte aligned packed-resources blob */
  size_t resources_size;
  int entry_kind;                      /* OXRT_ENTRY_* */
  const char *entry_target;            /* module name or resource key, or NULL */
  const char *entry_function;          /* OXRT_ENTRY_MODULE only, or NULL */
  const char *const *filesystem_paths; /* NULL-terminated extra sys.path entries, or NULL */
} oxrt_app_config;

int oxrt_run_app(const oxrt_app_config *config, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif

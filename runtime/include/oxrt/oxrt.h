/* The C API of liboxrt, for programs written in C: the interpreter API of
 * oxrt/interpreter.h, and the older one-call oxrt_run_app (oxrt/app.h).
 * The built-in table type and the constants are shared with the C++ API. */
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

/* Kept for existing programs: a thin layer over the API below. */
int oxrt_run_app(const oxrt_app_config *config, int argc, char **argv);

/* --- the interpreter API (oxrt/interpreter.h in C; docs/embedding.md) ---
 *
 *   oxrt_config *cfg = oxrt_config_new();
 *   oxrt_config_set_resources(cfg, start, size);
 *   oxrt_config_set_argv(cfg, argc, argv);
 *   oxrt_interpreter *interp = oxrt_interpreter_new(cfg);
 *   oxrt_config_free(cfg);
 *   if (!interp) { fprintf(stderr, "%s\n", oxrt_last_error()); return 1; }
 *   return oxrt_run(interp);
 *
 * Functions returning int answer 0 on success and -1 on failure; pointers
 * are NULL on failure. oxrt_last_error() is the message of the calling
 * thread's last failure (a Python traceback for code that raised). */
enum { OXRT_PROFILE_ISOLATED = 0, OXRT_PROFILE_PYTHON = 1 };
enum {
  OXRT_ALLOCATOR_DEFAULT = 0,  /* CPython's: malloc + pymalloc */
  OXRT_ALLOCATOR_SYSTEM = 1,   /* malloc for every domain */
  OXRT_ALLOCATOR_MIMALLOC = 2, /* libmimalloc.so.2, loaded privately */
  OXRT_ALLOCATOR_JEMALLOC = 3  /* jemalloc, linked in */
};
enum { OXRT_DOMAIN_RAW = 1, OXRT_DOMAIN_MEM = 2, OXRT_DOMAIN_OBJ = 4 };
enum { OXRT_FILE_VIRTUAL = 0, OXRT_FILE_UNSET = 1 };
enum { OXRT_TERMINFO_DYNAMIC = 0, OXRT_TERMINFO_STATIC = 1, OXRT_TERMINFO_NONE = 2 };

typedef struct oxrt_config oxrt_config;
typedef struct oxrt_interpreter oxrt_interpreter;

const char *oxrt_last_error(void);

oxrt_config *oxrt_config_new(void); /* the defaults of oxrt::InterpreterConfig */
void oxrt_config_free(oxrt_config *config);
int oxrt_config_set_profile(oxrt_config *config, int profile);
int oxrt_config_set_entry(oxrt_config *config, int kind, const char *target, const char *function);
int oxrt_config_set_argv(oxrt_config *config, int argc, char *const *argv);
int oxrt_config_set_argv_bytes(oxrt_config *config, int enabled);
int oxrt_config_set_memory_importer(oxrt_config *config, int enabled);
int oxrt_config_set_resources(oxrt_config *config, const void *data, size_t size);
int oxrt_config_set_resources_file(oxrt_config *config, const char *path);
int oxrt_config_set_filesystem_importer(oxrt_config *config, int enabled);
int oxrt_config_add_sys_path(oxrt_config *config, const char *path); /* "$ORIGIN/..." works */
int oxrt_config_set_builtins(oxrt_config *config, const oxrt_builtin *builtins);
int oxrt_config_add_extension(oxrt_config *config, const char *name, PyObject *(*init)(void));
int oxrt_config_set_shared_module_policy(oxrt_config *config, const char *module, int policy);
int oxrt_config_set_allocator(oxrt_config *config, int allocator, int domains);
int oxrt_config_set_optimization_level(oxrt_config *config, int level);
int oxrt_config_set_sys_frozen(oxrt_config *config, int enabled);
int oxrt_config_set_prefault(oxrt_config *config, int enabled);
int oxrt_config_set_multiprocessing(oxrt_config *config, int auto_dispatch, const char *start_method);
int oxrt_config_set_terminfo(oxrt_config *config, int mode, const char *dirs);
int oxrt_config_set_file_attribute(oxrt_config *config, int policy);
int oxrt_config_set_write_modules_directory(oxrt_config *config, const char *dir);
int oxrt_config_validate(const oxrt_config *config);

oxrt_interpreter *oxrt_interpreter_new(const oxrt_config *config);
int oxrt_run(oxrt_interpreter *interp); /* the exit status; finalizes */
int oxrt_run_code(oxrt_interpreter *interp, const char *source);
int oxrt_run_module(oxrt_interpreter *interp, const char *name);
int oxrt_run_file(oxrt_interpreter *interp, const char *path);
int oxrt_interpreter_free(oxrt_interpreter *interp); /* finalizes; -1 if flushing failed */
int oxrt_gil_acquire(void);     /* a token for oxrt_gil_release */
void oxrt_gil_release(int token);

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

/* Compiled into _ctypes for static musl builds only, with -Ddlopen=
   oxcc_static_dlopen on that module's Setup line (pybuild/cpython.py).

   musl's static libc answers every dlopen() with NULL ("Dynamic loading not
   supported"), and `import ctypes` runs `pythonapi = PyDLL(None)`, i.e.
   dlopen(NULL), so ctypes could not even be imported. dlopen(NULL) here
   returns a handle that stands for the program itself; looking a symbol up
   in it goes to musl's dlsym, which fails with "Symbol not found: NAME"
   (a static binary has no dynamic symbol table), so ctypes raises
   AttributeError instead of crashing. Every other name goes to musl. */
#include <stddef.h>

#undef dlopen
extern void *dlopen(const char *file, int mode);

static char the_program;

void *oxcc_static_dlopen(const char *file, int mode) {
  if (file == NULL) return &the_program;
  return dlopen(file, mode);
}

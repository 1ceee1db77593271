/* An extension module that cannot be loaded: it calls a function nothing
 * defines, so dlopen(RTLD_NOW) fails with "undefined symbol". Packed as
 * shpkg._broken, it shows the ImportError a failed load from memory gives. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

void oxrt_test_undefined_function(void);

PyMODINIT_FUNC PyInit__broken(void) {
  oxrt_test_undefined_function();
  return NULL;
}

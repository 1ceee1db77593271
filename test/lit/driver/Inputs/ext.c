/* A minimal extension module: only the init symbol matters to oxcc. */
typedef struct _object PyObject;
PyObject *PyInit__speedups(void) { return 0; }

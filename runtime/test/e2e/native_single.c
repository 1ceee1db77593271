/* A single-phase-init extension (PyModule_Create), as many hand-written C
 * extensions are. Its m_name is the leaf "_native"; linked as the built-in
 * "pkgA._native", the runtime's package context must give it the full name.
 * The init function carries the planner's rename (PyInit__native ->
 * oxcc_init_pkgA___native). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *add(PyObject *self, PyObject *args) {
  long a, b;
  if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;
  return PyLong_FromLong(a + b);
}

static PyObject *def_name(PyObject *self, PyObject *unused) {
  return PyUnicode_FromString(PyModule_GetName(self));
}

static PyMethodDef methods[] = {
    {"add", add, METH_VARARGS, "add(a, b) -> a + b"},
    {"def_name", def_name, METH_NOARGS, "the module's name as C sees it"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_native",
    .m_doc = "single-phase test module",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC oxcc_init_pkgA___native(void) {
  PyObject *m = PyModule_Create(&module);
  if (m && PyModule_AddStringConstant(m, "kind", "single-phase") < 0) {
    Py_DECREF(m);
    return NULL;
  }
  return m;
}

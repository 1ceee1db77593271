/* A multi-phase-init extension (PEP 489), as Cython 0.29 generates: the init
 * function returns the PyModuleDef and the module is created from the spec,
 * so its name is whatever the finder says: "deep.pkg._fast" here. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *twice(PyObject *self, PyObject *arg) {
  return PyNumber_Add(arg, arg);
}

static int exec_module(PyObject *m) {
  if (PyModule_AddStringConstant(m, "kind", "multi-phase") < 0) return -1;
  return PyModule_AddIntConstant(m, "answer", 42);
}

static PyMethodDef methods[] = {
    {"twice", twice, METH_O, "twice(x) -> x + x"},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_fast",
    .m_doc = "multi-phase test module",
    .m_size = 0,
    .m_methods = methods,
    .m_slots = slots,
};

PyMODINIT_FUNC oxcc_init_deep__pkg___fast(void) {
  return PyModuleDef_Init(&module);
}

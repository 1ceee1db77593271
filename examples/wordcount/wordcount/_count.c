/* count_words(text) -> int: runs of non-whitespace characters. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *count_words(PyObject *self, PyObject *arg) {
  Py_ssize_t len;
  const char *s = PyUnicode_AsUTF8AndSize(arg, &len);
  if (!s) return NULL;
  long words = 0;
  int inside = 0;
  for (Py_ssize_t i = 0; i < len; i++) {
    int space = s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r';
    if (!space && !inside) words++;
    inside = !space;
  }
  return PyLong_FromLong(words);
}

static PyMethodDef methods[] = {
    {"count_words", count_words, METH_O, "Count the words in a string."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_count", NULL, -1, methods};

PyMODINIT_FUNC PyInit__count(void) { return PyModule_Create(&module); }

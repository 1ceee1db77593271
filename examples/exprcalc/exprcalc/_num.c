/* gcd and lcm of Python ints that fit in a C long long: the example's own
 * C extension, built in as exprcalc._num. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static long long gcd_ll(long long a, long long b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b) {
    long long t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static PyObject *gcd(PyObject *self, PyObject *args) {
  long long a, b;
  if (!PyArg_ParseTuple(args, "LL", &a, &b)) return NULL;
  return PyLong_FromLongLong(gcd_ll(a, b));
}

static PyObject *lcm(PyObject *self, PyObject *args) {
  long long a, b, g, r;
  if (!PyArg_ParseTuple(args, "LL", &a, &b)) return NULL;
  g = gcd_ll(a, b);
  if (g == 0) return PyLong_FromLong(0);
  if (__builtin_mul_overflow(a / g, b, &r)) {
    PyErr_SetString(PyExc_OverflowError, "lcm does not fit in 64 bits");
    return NULL;
  }
  return PyLong_FromLongLong(r < 0 ? -r : r);
}

static PyMethodDef methods[] = {
    {"gcd", gcd, METH_VARARGS, "gcd(a, b): the greatest common divisor"},
    {"lcm", lcm, METH_VARARGS, "lcm(a, b): the least common multiple"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "exprcalc._num", NULL, -1, methods};

PyMODINIT_FUNC PyInit__num(void) { return PyModule_Create(&module); }

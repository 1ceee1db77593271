// liboxrt's own Python modules (python/*.py), compiled at build time by
// tools/freeze_runtime.py into frozen_modules.cpp and served by CPython's
// FrozenImporter through PyImport_FrozenModules: they are needed before any
// importer of ours exists.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

namespace oxrt {
extern const struct _frozen kFrozenModules[]; // null-terminated
} // namespace oxrt

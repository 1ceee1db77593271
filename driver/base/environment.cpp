#include "environment.h"

#include <cstdlib>

namespace oxcc {

namespace {

std::string get(const char *name) {
  const char *v = getenv(name);
  return v ? v : "";
}

// "1", "yes", anything but "" and "0".
bool flag(const char *name) {
  std::string v = get(name);
  return !v.empty() && v != "0";
}

Environment read() {
  Environment e;
  e.store = get("OXCC_STORE");
  e.cache = get("OXCC_CACHE");
  e.target = get("OXCC_TARGET");
  e.targetInclude = get("OXCC_TARGET_INCLUDE");
  e.targetHostIncludes = get("OXCC_TARGET_HOST_INCLUDES");
  e.targetLibDir = get("OXCC_TARGET_LIBDIR");
  e.cc = get("OXCC_CC");
  e.cxx = get("OXCC_CXX");
  e.python = get("OXCC_PYTHON");
  e.plugins = get("OXCC_PLUGINS");
  if (const char *l = getenv("OXCC_LAUNCHER")) e.launcher = l;
  e.shimDir = get("OXCC_SHIM_DIR");
  e.extSuffix = get("OXCC_EXT_SUFFIX");
  e.strict = flag("OXCC_STRICT");
  e.disable = flag("OXCC_DISABLE");
  if (const char *p = getenv("PATH")) e.path = p;
  e.home = get("HOME");
  e.xdgCacheHome = get("XDG_CACHE_HOME");
  e.tmpdir = get("TMPDIR");
  e.pythonPath = get("PYTHONPATH");
  e.pkgConfigPath = get("PKG_CONFIG_PATH");
  return e;
}

Environment &snapshot() {
  static Environment e = read();
  return e;
}

} // namespace

const Environment &environment() { return snapshot(); }

void rereadEnvironment() { snapshot() = read(); }

} // namespace oxcc

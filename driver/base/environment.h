// Every environment variable oxcc reads, read once, at the first use, into
// one plain struct. Code asks this struct, never getenv: what oxcc depends
// on is then listed here and nowhere else, and a variable has one meaning.
// A process that changes its own environment (`oxcc run`, before it execs)
// does so for its child; the snapshot is of what oxcc was started with.
#pragma once

#include <optional>
#include <string>

namespace oxcc {

struct Environment {
  // oxcc's own (docs/user-guide.md, "Environment").
  std::string store;      // OXCC_STORE: the store's root
  std::string cache;      // OXCC_CACHE: distributions, fetched sources
  std::string target;     // OXCC_TARGET: build for this triple (set by `oxcc run --target`)
  std::string targetInclude;      // OXCC_TARGET_INCLUDE: its distribution's headers
  std::string targetHostIncludes; // OXCC_TARGET_HOST_INCLUDES: the host's, to replace (':')
  std::string targetLibDir; // OXCC_TARGET_LIBDIR: the libraries built for it (its links search there)
  std::string cc, cxx;    // OXCC_CC, OXCC_CXX: the real compilers
  std::string python;     // OXCC_PYTHON: an interpreter or a distribution
  std::string plugins;    // OXCC_PLUGINS: plugin files (':')
  std::optional<std::string> launcher; // OXCC_LAUNCHER: set but empty = none, whatever oxcc.toml says
  std::string shimDir;    // OXCC_SHIM_DIR: the distutils shim (tests)
  std::string extSuffix;  // OXCC_EXT_SUFFIX: an extension's file suffix
  bool strict = false;    // OXCC_STRICT: a failure to record fails the call
  bool disable = false;   // OXCC_DISABLE: run the compiler, record nothing
  // The system's.
  std::optional<std::string> path; // PATH
  std::string home;       // HOME
  std::string xdgCacheHome; // XDG_CACHE_HOME
  std::string tmpdir;     // TMPDIR
  std::string pythonPath; // PYTHONPATH
  std::string pkgConfigPath; // PKG_CONFIG_PATH
};

const Environment &environment();

// Reads the environment again: for a unit test that sets a variable in its
// own process. oxcc itself never calls it.
void rereadEnvironment();

} // namespace oxcc

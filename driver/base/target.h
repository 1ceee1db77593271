// Building extensions for another target (`oxcc run --target T`, or
// OXCC_TARGET=T with CC=oxcc): pip and setuptools run on the host Python,
// but every compiler call uses the target's compiler and the target
// distribution's Python headers instead of the host interpreter's.
//
// This file finds the target (its compilers, its distribution's headers);
// the built-in `target` plugin (plugins/builtin/target.cpp) rewrites each
// wrapped call with what it found, through the plugin ABI like any plugin.
//
// Wrapper mode reads no YAML: `oxcc run/env --target` resolve the
// distribution once and pass its include directory down in
// OXCC_TARGET_INCLUDE (with the host's include directories, from sysconfig,
// in OXCC_TARGET_HOST_INCLUDES). A bare OXCC_TARGET falls back to reading
// two lines per call (<cache>/python/T.current, then the `include_dir:`
// line of distribution.yaml).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace oxcc {

// The host's own triple: its compiler is the host gcc/g++ (no target
// toolchain directory needed).
inline constexpr const char *kHostTriple = "x86_64-linux-gnu";

struct Target {
  std::string triple;     // "" when no target is set: a host build, unchanged
  std::string cc, cxx;    // the target's compilers; "" for the host triple
  std::string includeDir; // absolute: the distribution's Python.h and pyconfig.h
  // The host interpreter's include directories (INCLUDEPY, platinclude) to
  // replace; empty: recognise them (python3* directories holding Python.h
  // or pyconfig.h).
  std::vector<std::string> hostIncludes;
};

inline constexpr const char *kDistributionFormat = "oxcc-python-distribution/1";

// ${OXCC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oxcc}/python (docs/formats.md).
std::string distributionRoot();

// The top-level scalar fields of a distribution.yaml (target, cc, cxx,
// include_dir, ...), read line by line without a YAML parser: wrapper mode
// runs on every compiler call. For the plain block YAML `oxcc python build`
// writes it agrees with link/distribution.cpp's yaml-cpp reader
// (test/unit/distribution_test.cpp checks both on the same manifests).
std::map<std::string, std::string> distributionScalars(const std::string &text);

// The distribution.yaml that <root>/<triple>.current names (`oxcc python
// build` writes it); false + an error naming the fix, `otherwise` appended
// to the first ("..., or pass --python DIR").
bool currentDistributionYaml(const std::string &triple, const std::string &otherwise,
                             std::string &yaml, std::string &error);

// libexec/oxcc/target/<triple>/ next to this oxcc.
std::string targetToolchainDir(const std::string &triple);

// The distribution for `triple`: OXCC_PYTHON when it names a distribution
// (its directory or its distribution.yaml), else <cache>/python/<triple>.current.
// Fills target.includeDir; false + an error naming the fix.
bool findTargetDistribution(const std::string &triple, Target &target, std::string &error);

// Everything but hostIncludes, for `oxcc run/env --target TRIPLE`: the
// triple must be known and have a built distribution.
bool resolveTarget(const std::string &triple, Target &target, std::string &error);

// Wrapper mode: the target from OXCC_TARGET (and what `oxcc run --target`
// resolved). True with an empty triple when none is set.
bool targetFromEnv(Target &target, std::string &error);

} // namespace oxcc

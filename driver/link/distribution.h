// The Python `oxcc link --python NAME` links against, read once into a
// Distribution (plan.h). NAME is one of
//   debian              the host's python3.11-dev (static libpython, stdlib)
//   a target triple     the newest distribution `oxcc python build` made for
//                       it: <cache>/python/<triple>.current names its directory
//   a path              a distribution's directory or its distribution.yaml
// A distribution built from source is described by its distribution.yaml
// (docs/python-distributions.md); its paths are relative to that file.
#pragma once

#include "link/plan.h"

#include <string>

namespace oxcc {

// Resolves NAME, reads and checks the distribution (its files exist), and
// sets its target compilers from `tools` (libexec/oxcc/target/<triple>/).
// False with a sentence naming the file and the fix.
bool findDistribution(const std::string &name, const Toolchain &tools, Distribution &dist,
                      std::string &error);

// The text of a distribution.yaml that is (or would be) at `path`: fields
// only, relative paths made absolute against its directory; no file is
// looked at. False with a sentence (the caller adds nothing).
bool parseDistribution(const std::string &text, const std::string &path, Distribution &dist,
                       std::string &error);

} // namespace oxcc

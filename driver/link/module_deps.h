// Cross-extension linking: an extension may call C functions that another
// extension exports (--oxcc-link-module=pkg._core on the caller,
// --oxcc-export=SYM on the exporter). In one static binary the exporter's
// declared symbols stay global (oxcc localize keeps them) and the caller's
// undefined references resolve to them in the final link.
#pragma once

#include <string>
#include <vector>

namespace oxcc {

struct PlannedExtension;

// Checks the dependencies between the planned extensions and orders them
// exporters first (then by name, for a deterministic link). False with a
// message if a dependency is not in the link, exports nothing, or is part
// of a cycle (the message names the cycle: a._x -> b._y -> a._x).
bool orderByModuleDeps(std::vector<PlannedExtension> &extensions, std::string &error);

} // namespace oxcc

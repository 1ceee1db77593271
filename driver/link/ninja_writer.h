// Writes a LinkPlan as a build directory: build.ninja plus the generated
// sources. Files are rewritten only when their content changes, so a second
// `oxcc link` with nothing changed leaves ninja nothing to do.
#pragma once

#include "plan.h"

namespace oxcc {

bool writeBuildDir(const LinkPlan &plan, std::string &error);

// The generated main(): the app's built-ins, resources and entry point, as
// a short C++ file over liboxrt's API.
std::string generateMain(const LinkPlan &plan);

} // namespace oxcc

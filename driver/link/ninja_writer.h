// Writes a LinkPlan as a build directory: build.ninja plus the generated
// sources. Files are rewritten only when their content changes, so a second
// `oxcc link` with nothing changed leaves ninja nothing to do.
#pragma once

#include "link/plan.h"

namespace oxcc {

bool writeBuildDir(const LinkPlan &plan, std::string &error);

// The generated main(): the app's built-ins, resources and entry point, as
// a short C++ file over liboxrt's API.
std::string generateMain(const LinkPlan &plan);

// --emit=libpython: instead of main(), the definitions a library exports
// (oxrt/oxrt.h): oxcc_app_builtins; the resources are named in resources.S.
std::string generateExports(const LinkPlan &plan);

// --emit=libpython: the ar MRI script that merges the library's objects,
// libpython, liboxrt and liboxrt_format into one archive ($out.tmp).
std::string generateArchiveScript(const LinkPlan &plan);

} // namespace oxcc

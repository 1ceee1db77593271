// --allow-shared-deps on a glibc target: an extension whose -l library
// exists only as a shared object is linked as its own .so (not built in),
// and that library, with every library it needs in turn, is packed into
// the executable and loaded from memory before the extension (the runtime,
// runtime/src/shared_dependencies.cpp, follows their DT_NEEDED order). The
// C library, the GCC and C++ runtimes and libpython are left to the system
// and the executable.
#pragma once

#include <string>
#include <vector>

namespace oxcc {

struct LinkPlan;

// True for a soname every glibc system has, which is never packed.
bool systemSoname(const std::string &soname);

// Fills plan.sharedDependencies from the kept-shared extensions' libraries.
// Each problem (a library without DT_SONAME, one not found, a kept-shared
// extension that exports symbols to others) is appended to `problems`,
// naming the file, the module and the fix.
void planSharedDependencies(LinkPlan &plan, const std::vector<std::string> &systemDirs,
                            std::vector<std::string> &problems);

} // namespace oxcc

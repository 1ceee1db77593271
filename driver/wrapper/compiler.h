// Finding the real compiler behind oxcc and running it with its exact
// behaviour: same argv, inherited stdout/stderr, same exit status.
#pragma once

#include "base/invocation.h"
#include "base/process.h"

#include <string>

namespace oxcc {

class Store;

// The real compiler for a call made as `invokedAs` (oxcc, oxc++, or another
// name when oxcc is symlinked as gcc/cc). Order: --oxcc-cc tag, OXCC_CC /
// OXCC_CXX, then the first cc / c++ (or the invoked name) on PATH that is not
// oxcc itself. False + message if none can be found, or it is oxcc.
bool chooseCompiler(const std::string &invokedAs, const Invocation &inv, Command &command,
                    std::string &error);

// The target triple: --target, else OXCC_TARGET, else the compiler's
// `-dumpmachine` (cached in the store, keyed by the compiler binary).
std::string targetTriple(const Invocation &inv, const std::string &compilerPath,
                         const Store *store);

} // namespace oxcc

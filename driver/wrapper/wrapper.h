#pragma once

#include <string>
#include <vector>

namespace oxcc {

// Wrapper mode: oxcc called as a compiler. Runs the real compiler with the
// caller's exact argv and records what it made. Returns only in error paths
// that oxcc itself owns; otherwise the process ends the way the compiler did.
int runWrapper(const std::string &invokedAs, std::vector<std::string> args);

} // namespace oxcc

// What every subcommand (`oxcc list`, `oxcc link`, ...) shares: its
// arguments, and how it fails. Each returns the process's exit code.
#pragma once

#include <string>
#include <vector>

namespace oxcc {

using Args = std::vector<std::string>;

// "oxcc: error: MESSAGE" on stderr; returns `code`.
int fail(int code, const std::string &message);

} // namespace oxcc

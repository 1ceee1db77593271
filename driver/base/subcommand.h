// What every subcommand (`oxcc list`, `oxcc link`, ...) shares: its
// arguments, and how it fails. Each returns the process's exit code.
#pragma once

#include <string>
#include <vector>

namespace oxcc {

using Args = std::vector<std::string>;

// An option with a value, spelled "--opt VALUE" or "--opt=VALUE": true if
// args[i] is `name` (i then moves past a separate value); a missing value
// sets `error`. For the subcommands' own argv loops.
bool optionValue(const Args &args, size_t &i, const char *name, std::string &out,
                 std::string &error);

// "oxcc: error: MESSAGE" on stderr; returns `code`.
int fail(int code, const std::string &message);

} // namespace oxcc

// Internal helpers of config.cpp that need no interpreter (unit-tested).
#pragma once

#include "oxrt/interpreter.h"

namespace oxrt {

// The TERMINFO_DIRS value to set for this configuration, given the current
// value (null if unset) and a test for directories; "" = set nothing.
std::string terminfoDirsToSet(const InterpreterConfig &config, const char *current,
                              bool (*exists)(const char *));

} // namespace oxrt

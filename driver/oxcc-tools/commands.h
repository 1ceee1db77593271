// oxcc-tools' own subcommands; `link` and `localize` are link/command.h's.
#pragma once

#include "base/subcommand.h"

namespace oxcc {

int toolList(const Args &args);
int toolStore(const Args &args);

} // namespace oxcc

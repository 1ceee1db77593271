// The light subcommands, which bin/oxcc runs itself (main.cpp dispatches;
// the others exec libexec/oxcc/oxcc-tools or oxcc-ld).
#pragma once

#include "base/subcommand.h"

namespace oxcc {

int toolHelp();
int toolVersion();
int toolEnv(const Args &args);
int toolRun(const Args &args);
int toolShim(const Args &args);

} // namespace oxcc

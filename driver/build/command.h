// `oxcc build`, run by oxcc-tools.
#pragma once

#include "base/subcommand.h"

namespace oxcc {

int toolBuild(const Args &args);

} // namespace oxcc

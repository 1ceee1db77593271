// `oxcc link` and `oxcc localize`, run by oxcc-tools.
#pragma once

#include "base/subcommand.h"

namespace oxcc {

int toolLink(const Args &args);
int toolLocalize(const Args &args);

} // namespace oxcc

// Turns a compiler command line into an Invocation, with clang's driver
// option table (the same table that decides what `clang` does with argv, so
// joined/separate forms, aliases and -Wl, lists are read as a compiler reads
// them).
#pragma once

#include "base/invocation.h"
#include "base/language.h"

namespace oxcc {

// `args` excludes argv[0] and has had oxcc's own tags claimed already.
// Never fails: an invocation it cannot read with confidence comes back as
// Kind::Unknown with the reason, and is then passed through untouched.
Invocation parseInvocation(const std::vector<std::string> &args, bool cxxDriver);

} // namespace oxcc

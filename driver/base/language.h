// The language gcc gives a source file by its suffix: shared by the argv
// parser (every compiler call) and the built-in target plugin.
#pragma once

#include <string>

namespace oxcc {

// "c", "c++", "assembler", ... ("" if the suffix is not a source's).
std::string languageForPath(const std::string &path, bool cxxDriver);

} // namespace oxcc

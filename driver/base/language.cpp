#include "language.h"

#include <string_view>

namespace oxcc {

std::string languageForPath(const std::string &path, bool cxxDriver) {
  auto dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos)
    return "";
  std::string_view ext = std::string_view(path).substr(dot + 1);
  // g++ compiles .c files as C++; gcc does not.
  if (ext == "c") return cxxDriver ? "c++" : "c";
  if (ext == "cc" || ext == "cpp" || ext == "cxx" || ext == "cp" || ext == "c++" ||
      ext == "C" || ext == "CPP")
    return "c++";
  if (ext == "m") return "objective-c";
  if (ext == "mm" || ext == "M") return "objective-c++";
  if (ext == "s") return "assembler";
  if (ext == "S" || ext == "sx") return "assembler-with-cpp";
  if (ext == "i") return "cpp-output";
  if (ext == "ii") return "c++-cpp-output";
  return "";
}

} // namespace oxcc

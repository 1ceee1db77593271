#include "module_name.h"

#include "base/environment.h"
#include "base/fs.h"

namespace oxcc {

static bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool isValidModuleName(std::string_view name) {
  if (name.empty() || name.size() > 512) return false;
  bool atStart = true;
  for (char c : name) {
    if (c == '.') {
      if (atStart) return false;
      atStart = true;
      continue;
    }
    if (atStart ? !isIdentStart(c) : !(isIdentStart(c) || (c >= '0' && c <= '9'))) return false;
    atStart = false;
  }
  return !atStart;
}

bool hasExtensionSuffix(const std::string &path) {
  std::string name = baseName(path);
  if (const std::string &s = environment().extSuffix; !s.empty()) return name.ends_with(s);
  return name.ends_with(".so") &&
         (name.find(".cpython-") != std::string::npos || name.ends_with(".abi3.so"));
}

std::string moduleNameFromPath(const std::string &absOutput, const std::string &cwd) {
  std::string rel;
  // setuptools' build_ext puts module pkg.sub._ext at build/lib.<plat>/pkg/sub/.
  auto at = absOutput.find("/build/lib.");
  if (at != std::string::npos) {
    auto slash = absOutput.find('/', at + 11);
    if (slash != std::string::npos) rel = absOutput.substr(slash + 1);
  } else if (absOutput.starts_with(cwd + "/")) {
    rel = absOutput.substr(cwd.size() + 1); // an --inplace build
  }
  return moduleNameFromRelativePath(rel);
}

std::string moduleNameFromRelativePath(const std::string &rel) {
  auto slash = rel.find_last_of('/');
  auto dot = rel.find('.', slash == std::string::npos ? 0 : slash + 1);
  std::string name = rel.substr(0, dot);
  for (char &c : name)
    if (c == '/') c = '.';
  return isValidModuleName(name) ? name : "";
}

} // namespace oxcc

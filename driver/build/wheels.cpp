#include "wheels.h"

#include "base/elf_file.h"
#include "base/fs.h"
#include "base/module_name.h"
#include "link/wheel.h"

#include <cctype>
#include <cstring>
#include <sstream>

namespace oxcc {

std::string normalizeName(const std::string &name) {
  std::string out;
  for (char c : name) {
    bool sep = c == '-' || c == '_' || c == '.';
    if (sep) {
      if (out.empty() || out.back() != '-') out += '-';
    } else {
      out += char(std::tolower((unsigned char)c));
    }
  }
  return out;
}

namespace {

// The [console_scripts] section of an entry_points.txt (an INI file):
// "name = module:function [extras]".
std::map<std::string, std::string> consoleScripts(const std::string &text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  bool inSection = false;
  auto trim = [](std::string s) {
    size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      inSection = line == "[console_scripts]";
      continue;
    }
    auto eq = line.find('=');
    if (!inSection || eq == std::string::npos) continue;
    std::string value = trim(line.substr(eq + 1));
    value = trim(value.substr(0, value.find('['))); // extras do not change the entry
    out[trim(line.substr(0, eq))] = value;
  }
  return out;
}

} // namespace

bool inspectWheel(const std::string &path, const std::set<std::string> &recorded, BuiltWheel &w,
                  std::string &error) {
  w = BuiltWheel{};
  w.path = path;
  // NAME-VERSION(-BUILD)?-PY-ABI-PLATFORM.whl (PEP 427).
  std::string file = baseName(path);
  std::vector<std::string> parts;
  for (size_t at = 0; at <= file.size();) {
    size_t dash = file.find('-', at);
    if (dash == std::string::npos) dash = file.size();
    parts.push_back(file.substr(at, dash - at));
    at = dash + 1;
  }
  if (parts.size() < 5 || !baseName(path).ends_with(".whl")) {
    error = baseName(path) + " is not named as a wheel (NAME-VERSION-PY-ABI-PLATFORM.whl)";
    return false;
  }
  // PEP 427 escapes everything else to '_': a name or version with other
  // characters is not a wheel's, and both go to pip's command line.
  auto plain = [](const std::string &s, const char *extra) {
    if (s.empty() || !std::isalnum((unsigned char)s[0])) return false;
    for (char c : s)
      if (!std::isalnum((unsigned char)c) && !std::strchr(extra, c)) return false;
    return true;
  };
  if (!plain(parts[0], "._") || !plain(parts[1], "._+!")) {
    error = baseName(path) + " is not named as a wheel (its name or version holds other "
            "characters than letters, digits, '.', '_', '+', '!')";
    return false;
  }
  w.name = normalizeName(parts[0]);
  w.version = parts[1];

  auto bytes = readFile(path, error);
  if (!bytes) return false;
  auto archive = wheel::parse(std::move(*bytes), error);
  if (!archive) {
    error = baseName(path) + ": " + error;
    return false;
  }
  for (const auto &m : archive->members) {
    const std::string &n = m.name;
    std::string top = n.substr(0, n.find('/'));
    if (n.ends_with(".dist-info/entry_points.txt") && top == n.substr(0, n.rfind('/'))) {
      auto text = wheel::read(*archive, m, error);
      if (!text) {
        error = baseName(path) + ": " + error;
        return false;
      }
      w.consoleScripts = consoleScripts(*text);
      continue;
    }
    if (!n.ends_with(".so") || top.ends_with(".dist-info") || top.ends_with(".data")) continue;
    std::string module = moduleNameFromRelativePath(n);
    if (module.empty()) continue; // a library beside the modules, not one of them
    w.extensions.push_back(module);
    auto so = wheel::read(*archive, m, error);
    if (!so) {
      error = baseName(path) + ": " + error;
      return false;
    }
    bool built = recorded.count(sha256Hex(*so)) ||
                 elf::readSection(*so, elf::kObjectSection).has_value();
    if (!built) w.foreign.push_back(module);
  }
  return true;
}

} // namespace oxcc

#include "config.h"

#include "base/fs.h"

namespace oxcc {
namespace {

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A "double-quoted" string at `at` (no escapes but \" and \\); advances `at`.
bool quoted(const std::string &s, size_t &at, std::string &out) {
  if (at >= s.size() || s[at] != '"') return false;
  out.clear();
  for (++at; at < s.size(); ++at) {
    if (s[at] == '\\' && at + 1 < s.size()) out += s[++at];
    else if (s[at] == '"') return ++at, true;
    else out += s[at];
  }
  return false;
}

// Drops a trailing # comment that is not inside a string.
std::string withoutComment(const std::string &line) {
  bool inString = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && inString) ++i;
    else if (line[i] == '"') inString = !inString;
    else if (line[i] == '#' && !inString) return line.substr(0, i);
  }
  return line;
}

} // namespace

bool parseProjectConfig(const std::string &path, const std::string &text, ProjectConfig &config,
                        std::string &error) {
  config = {};
  config.path = path;
  std::string dir = dirName(path);
  size_t at = 0;
  for (int lineNo = 1; at < text.size(); ++lineNo) {
    size_t end = text.find('\n', at);
    std::string line = trim(withoutComment(text.substr(at, end - at)));
    at = end == std::string::npos ? text.size() : end + 1;
    if (line.empty()) continue;
    auto fail = [&](const std::string &what) {
      error = path + ":" + std::to_string(lineNo) + ": " + what +
              " (oxcc.toml holds only `launcher = \"NAME\"` and `plugins = [\"PATH.so\", ...]`; "
              "see docs/plugins.md)";
      return false;
    };
    size_t eq = line.find('=');
    if (eq == std::string::npos) return fail("expected KEY = VALUE");
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    size_t pos = 0;
    if (key == "launcher") {
      if (!quoted(value, pos, config.launcher) || trim(value.substr(pos)) != "")
        return fail("launcher takes one double-quoted string");
    } else if (key == "plugins") {
      if (value.empty() || value[0] != '[' || value.back() != ']')
        return fail("plugins takes a one-line list of double-quoted paths");
      std::string inner = value.substr(1, value.size() - 2);
      while (true) {
        pos = inner.find_first_not_of(" \t", pos);
        if (pos == std::string::npos) break;
        std::string p;
        if (!quoted(inner, pos, p) || p.empty()) return fail("plugins: expected a double-quoted path");
        config.plugins.push_back(p[0] == '/' ? p : dir + "/" + p);
        pos = inner.find_first_not_of(" \t", pos);
        if (pos == std::string::npos) break;
        if (inner[pos] != ',') return fail("plugins: expected ',' between paths");
        ++pos;
      }
    } else {
      return fail("unknown key '" + key + "'");
    }
  }
  return true;
}

bool projectConfig(const ProjectConfig *&config, std::string &error) {
  static ProjectConfig cached;
  static bool done = false, ok = true;
  static std::string cachedError;
  if (!done) {
    done = true;
    // Nearest first: a sub-project's file wins over its parent's.
    for (std::string dir = currentDir(); dir.starts_with("/");) {
      std::string path = (dir == "/" ? "" : dir) + "/oxcc.toml";
      if (isRegularFile(path)) {
        auto text = readFile(path, cachedError);
        ok = text && parseProjectConfig(path, *text, cached, cachedError);
        break;
      }
      if (dir == "/") break;
      dir = dirName(dir);
    }
  }
  config = &cached;
  error = cachedError;
  return ok;
}

} // namespace oxcc

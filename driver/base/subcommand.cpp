#include "subcommand.h"

#include <cstdio>

namespace oxcc {

bool optionValue(const Args &args, size_t &i, const char *name, std::string &out,
                 std::string &error) {
  const std::string &a = args[i];
  std::string n = name;
  if (a == n) {
    if (i + 1 >= args.size()) {
      error = n + " needs a value";
      return false;
    }
    out = args[++i];
    return true;
  }
  if (a.size() > n.size() && a.starts_with(n) && a[n.size()] == '=') {
    out = a.substr(n.size() + 1);
    return true;
  }
  return false;
}

int fail(int code, const std::string &message) {
  fprintf(stderr, "oxcc: error: %s\n", message.c_str());
  return code;
}

} // namespace oxcc

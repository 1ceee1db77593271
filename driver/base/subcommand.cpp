#include "subcommand.h"

#include <cstdio>

namespace oxcc {

int fail(int code, const std::string &message) {
  fprintf(stderr, "oxcc: error: %s\n", message.c_str());
  return code;
}

} // namespace oxcc

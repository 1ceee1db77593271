#include "invocation.h"

namespace oxcc {

const char *kindName(Kind k) {
  switch (k) {
  case Kind::Compile: return "compile";
  case Kind::AssembleOnly: return "assemble-only";
  case Kind::Preprocess: return "preprocess";
  case Kind::LinkShared: return "link-shared";
  case Kind::LinkExe: return "link-exe";
  case Kind::Query: return "query";
  case Kind::Unknown: return "unknown";
  }
  return "unknown";
}

} // namespace oxcc

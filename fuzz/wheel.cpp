// Fuzz target (e): wheels (driver/link/wheel.cpp), the ZIP archives
// `oxcc link --wheel` reads. A wheel is untrusted: any bytes must come back
// as an archive whose member names are safe to extract, or as an error
// sentence, never a crash, and never a member that could land outside the
// directory it is extracted into.
#include "link/wheel.h"

#include <cstdint>
#include <algorithm>
#include <set>
#include <string>

using namespace oxcc;

static void check(bool ok) {
  if (!ok) __builtin_trap();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  auto archive = wheel::parse(std::string(reinterpret_cast<const char *>(data), size), error);
  if (!archive) {
    check(!error.empty());
    return 0;
  }
  std::set<std::string> seen;
  for (const auto &m : archive->members) {
    // Extraction joins DEST + "/" + name: only a plain relative path may
    // pass. Checked here independently of unsafeNameReason.
    check(!m.name.empty() && m.name.front() != '/');
    std::string rest = m.directory ? m.name.substr(0, m.name.size() - 1) : m.name;
    for (size_t at = 0; at <= rest.size();) {
      size_t slash = std::min(rest.find('/', at), rest.size());
      std::string part = rest.substr(at, slash - at);
      check(!part.empty() && part != "." && part != ".." &&
            part.find('\\') == std::string::npos && part.find('\0') == std::string::npos);
      for (unsigned char c : part) check(c >= 0x20 && c != 0x7f);
      at = slash + 1;
    }
    check(seen.insert(m.name).second);
    std::string err;
    if (auto bytes = wheel::read(*archive, m, err)) {
      check(bytes->size() == m.size);
    } else {
      check(!err.empty());
    }
  }
  return 0;
}

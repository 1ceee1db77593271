// Fuzz target (c): distribution.yaml (docs/python-distributions.md), as
// driver/link/distribution.cpp parses it for `oxcc link --python`. A
// manifest comes from a cache directory that another tool (or a person)
// wrote, so any text must come back as a Distribution or as a sentence
// naming the file, never a crash; parsing looks at no file.
#include "link/distribution.h"

#include <cstdint>
#include <string>

using namespace oxcc;

static void check(bool ok) {
  if (!ok) __builtin_trap();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  const std::string path = "/cache/python/x86_64-linux-musl-3.11-0123456789ab/distribution.yaml";
  Distribution d;
  std::string error;
  if (parseDistribution(text, path, d, error)) {
    check(!d.target.empty());
    // Relative paths were made absolute against the manifest's directory.
    for (const auto *p : {&d.includeDir, &d.staticLib, &d.stdlibDir})
      check(p->empty() || (*p)[0] == '/');
    for (const auto &l : d.linkLibs) check(!l.empty() && (l[0] == '-' || l[0] == '/'));
  } else {
    check(error.starts_with(path + ": "));
  }
  return 0;
}

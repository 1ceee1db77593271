// Fuzz target (b): the store's manifests (docs/formats.md), as
// records_read.cpp parses them with yaml-cpp. Files in the store may be
// edited by hand or half-written by a crashed tool, so any text must come
// back as a record or as an error sentence, never a crash.
//
// A manifest that parses must also survive the writer: toYaml() of the
// record parses again to the same record (what oxcc writes, it reads).
#include "store/records.h"

#include <cstdint>
#include <string>

using namespace oxcc;

static void check(bool ok) {
  if (!ok) __builtin_trap();
}

static bool same(const ObjectRecord &a, const ObjectRecord &b) {
  return a.id == b.id && a.storedSha256 == b.storedSha256 && a.origin == b.origin &&
         a.source == b.source && a.language == b.language && a.cwd == b.cwd &&
         a.output == b.output && a.compiler == b.compiler && a.target == b.target &&
         a.module == b.module && a.flags == b.flags && a.generator == b.generator &&
         a.generatorSource == b.generatorSource && a.notes == b.notes &&
         a.recordedNs == b.recordedNs;
}

static bool same(const ExtensionRecord &a, const ExtensionRecord &b) {
  return a.module == b.module && a.nameFrom == b.nameFrom && a.init == b.init &&
         a.language == b.language && a.target == b.target && a.output == b.output &&
         a.outputSha256 == b.outputSha256 && a.sourceDir == b.sourceDir &&
         a.linker == b.linker && a.objects == b.objects && a.extraObjects == b.extraObjects &&
         a.archives == b.archives && a.sharedInputs == b.sharedInputs &&
         a.libraries == b.libraries && a.libraryDirs == b.libraryDirs &&
         a.capturedLibraries == b.capturedLibraries &&
         a.linkerArgs == b.linkerArgs && a.flags == b.flags && a.exports == b.exports &&
         a.linkModules == b.linkModules && a.notes == b.notes && a.recordedNs == b.recordedNs;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  std::string error;
  if (auto r = objectFromYaml(text, error)) {
    std::string again;
    auto back = objectFromYaml(toYaml(*r), again);
    check(back && same(*r, *back));
  } else {
    check(!error.empty());
  }
  error.clear();
  if (auto r = extensionFromYaml(text, error)) {
    std::string again;
    auto back = extensionFromYaml(toYaml(*r), again);
    check(back && same(*r, *back));
  } else {
    check(!error.empty());
  }
  return 0;
}

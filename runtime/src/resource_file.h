// A packed-resources file given by path (InterpreterConfig::resourcesPath),
// mapped read-only: pages are read when an import touches them, and the
// mapping is page-aligned, which the format's 8-byte alignment needs.
#pragma once

#include <string>

namespace oxrt {

struct MappedFile {
  const void *data = nullptr;
  size_t size = 0;
};

// Maps `path`; on failure returns {} and sets `error` (naming the file).
MappedFile mapResourceFile(const std::string &path, std::string &error);

void unmapResourceFile(MappedFile &file);

} // namespace oxrt

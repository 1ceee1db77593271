// Writing a packed-resources blob (format v1). Layout, in order:
//   header | entries (sorted) | key strings (entry order) | pad to 8 |
//   per entry: data, pad to 8, aux, pad to 8
// All padding is zero bytes, so equal inputs give equal blobs.
#include "packed_resources.h"

#include <limits>

namespace oxrt {

namespace {

void put16(std::string &out, size_t at, uint16_t v) {
  out[at] = char(v & 0xff);
  out[at + 1] = char(v >> 8);
}
void put32(std::string &out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = char((v >> (8 * i)) & 0xff);
}
void put64(std::string &out, size_t at, uint64_t v) {
  put32(out, at, uint32_t(v));
  put32(out, at + 4, uint32_t(v >> 32));
}

void padTo8(std::string &out) { out.append((packed::kAlign - out.size() % packed::kAlign) % packed::kAlign, '\0'); }

// Appends a payload at an aligned offset; an empty payload is offset 0 (the
// reader insists on that canonical form).
uint64_t appendPayload(std::string &out, const std::string &bytes) {
  if (bytes.empty()) return 0;
  padTo8(out);
  uint64_t at = out.size();
  out += bytes;
  return at;
}

const char *kindName(ResourceKind kind) {
  switch (kind) {
  case ResourceKind::Module: return "module";
  case ResourceKind::File: return "file";
  case ResourceKind::SharedLibrary: return "shared library";
  case ResourceKind::SharedDependency: return "shared dependency";
  }
  return "resource";
}

} // namespace

std::string checkResourceKey(ResourceKind kind, std::string_view key) {
  if (key.empty()) return "empty key";
  if (key.find('\0') != std::string_view::npos) return "key contains a NUL byte";
  if (key.size() > std::numeric_limits<uint32_t>::max()) return "key too long";
  // A library's soname is one file name (the loader compares it whole).
  if (kind == ResourceKind::SharedDependency) {
    if (key.find('/') != std::string_view::npos) return "soname contains '/'";
    if (key == "." || key == "..") return "soname '.' or '..'";
    return "";
  }
  // Modules and shared libraries (extension modules) are dotted module
  // names; files are relative POSIX paths under the import root. Both are
  // split on their separator by the runtime, so an empty component would
  // make two keys name the same thing.
  bool dotted = kind == ResourceKind::Module || kind == ResourceKind::SharedLibrary;
  char sep = dotted ? '.' : '/';
  if (dotted && key.find('/') != std::string_view::npos) return "module name contains '/'";
  if (!dotted && key.find('\\') != std::string_view::npos) return "path contains '\\' (use '/')";
  size_t start = 0;
  for (;;) {
    size_t end = key.find(sep, start);
    std::string_view part = key.substr(start, end == std::string_view::npos ? end : end - start);
    if (part.empty()) return dotted ? "empty component in dotted name"
                                    : "empty component in path (or leading '/')";
    if (!dotted && (part == "." || part == ".."))
      return "path component '.' or '..'";
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return "";
}

bool ResourceWriter::add(ResourceKind kind, std::string key, Pending entry) {
  auto [it, inserted] = entries_.insert_or_assign({uint16_t(kind), std::move(key)}, std::move(entry));
  return inserted;
}

bool ResourceWriter::addModule(std::string name, uint16_t flags, std::string code, std::string source) {
  return add(ResourceKind::Module, std::move(name), Pending{flags, std::move(code), std::move(source)});
}

bool ResourceWriter::addFile(std::string key, std::string bytes) {
  return add(ResourceKind::File, std::move(key), Pending{0, std::move(bytes), {}});
}

// An ELF entry: the bytes, and their CRC-32 as the aux payload.
bool ResourceWriter::addElf(ResourceKind kind, std::string key, std::string bytes) {
  std::string checksum(kSharedLibraryAuxSize, '\0');
  put32(checksum, 0, crc32(bytes));
  return add(kind, std::move(key), Pending{0, std::move(bytes), std::move(checksum)});
}

bool ResourceWriter::addSharedLibrary(std::string name, std::string bytes) {
  return addElf(ResourceKind::SharedLibrary, std::move(name), std::move(bytes));
}

bool ResourceWriter::addSharedDependency(std::string soname, std::string bytes) {
  return addElf(ResourceKind::SharedDependency, std::move(soname), std::move(bytes));
}

bool ResourceWriter::serialize(std::string &out, std::string &error) const {
  constexpr uint64_t kMax32 = std::numeric_limits<uint32_t>::max();
  if (entries_.size() > kMax32) {
    error = "too many entries";
    return false;
  }
  // Refuse what the reader would refuse, naming the entry.
  for (const auto &[id, e] : entries_) {
    auto kind = ResourceKind(id.first);
    std::string what = std::string(kindName(kind)) + " '" + id.second + "': ";
    if (std::string why = checkResourceKey(kind, id.second); !why.empty()) {
      error = what + why;
      return false;
    }
    if (e.data.size() > kMax32 || e.aux.size() > kMax32) {
      error = what + "payload larger than 4 GiB";
      return false;
    }
    if (kind == ResourceKind::Module) {
      if (e.flags & ~kModuleFlagsKnown) {
        error = what + "unknown flags " + std::to_string(e.flags);
        return false;
      }
      bool ns = e.flags & kModuleNamespace;
      if (ns && (!(e.flags & kModulePackage) || !e.data.empty() || !e.aux.empty())) {
        error = what + "a namespace package is a package (flags 3) without code or source";
        return false;
      }
      if (!ns && e.data.empty()) {
        error = what + "no code";
        return false;
      }
      if ((e.flags & kModuleSourceZlib) && e.aux.empty()) {
        error = what + "compressed source flag (4) without a source";
        return false;
      }
    } else if (kind == ResourceKind::SharedLibrary || kind == ResourceKind::SharedDependency) {
      if (e.data.empty()) {
        error = what + "no bytes";
        return false;
      }
    } else if (e.flags != 0 || !e.aux.empty()) {
      error = what + "files have no flags and no aux payload";
      return false;
    }
  }

  out.assign(packed::kHeaderSize + entries_.size() * packed::kEntrySize, '\0');
  uint64_t entriesOffset = packed::kHeaderSize;
  uint64_t stringsOffset = out.size();

  std::vector<uint32_t> keyOffsets;
  keyOffsets.reserve(entries_.size());
  for (const auto &[id, e] : entries_) {
    uint64_t at = out.size() - stringsOffset;
    if (at + id.second.size() > kMax32) {
      error = "string table larger than 4 GiB";
      return false;
    }
    keyOffsets.push_back(uint32_t(at));
    out += id.second;
  }

  size_t i = 0;
  for (const auto &[id, e] : entries_) {
    uint64_t dataOffset = appendPayload(out, e.data);
    uint64_t auxOffset = appendPayload(out, e.aux);
    size_t p = entriesOffset + i * packed::kEntrySize;
    put32(out, p + 0, keyOffsets[i]);
    put32(out, p + 4, uint32_t(id.second.size()));
    put16(out, p + 8, id.first);
    put16(out, p + 10, e.flags);
    put32(out, p + 12, 0);
    put64(out, p + 16, dataOffset);
    put32(out, p + 24, uint32_t(e.data.size()));
    put32(out, p + 28, uint32_t(e.aux.size()));
    put64(out, p + 32, auxOffset);
    ++i;
  }
  padTo8(out);

  out.replace(0, sizeof packed::kMagic, packed::kMagic, sizeof packed::kMagic);
  put32(out, 8, packed::kVersion);
  put32(out, 12, uint32_t(entries_.size()));
  put64(out, 16, entriesOffset);
  put64(out, 24, stringsOffset);
  put64(out, 32, out.size());
  return true;
}

} // namespace oxrt

// Packed resources, format v1: the blob of Python modules and data files an
// oxcc executable carries in .rodata. Shared by the runtime (reader) and the
// link planner / oxrt-pack (writer); no Python dependency.
//
// The layout is documented in docs/formats-resources.md; change it only with
// that page, and bump kVersion when an old reader would misread a new blob.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oxrt {

enum class ResourceKind : uint16_t {
  Module = 1,        // key "pkg.sub.mod": data = marshalled code, aux = source
  File = 2,          // key "pkg/sub/data.txt": data = the bytes
  SharedLibrary = 3, // key "pkg._ext" (module name): data = the ELF bytes, aux = CRC-32
  // A library some SharedLibrary entry needs (oxcc link --allow-shared-deps),
  // loaded before it: key "libfoo.so.1" (its DT_SONAME, the name DT_NEEDED
  // entries use); data = the ELF bytes, aux = CRC-32.
  SharedDependency = 4,
};

// Flags of a Module entry.
inline constexpr uint16_t kModulePackage = 1u << 0;
inline constexpr uint16_t kModuleNamespace = 1u << 1; // implies package, no code
// The aux payload (the source) is a zlib stream (RFC 1950), inflated when
// something asks for the source (tracebacks, inspect): sources compress to
// a quarter and are rarely read, while code is read at every import and
// stays uncompressed so it unmarshals in place.
inline constexpr uint16_t kModuleSourceZlib = 1u << 2;
inline constexpr uint16_t kModuleFlagsKnown = kModulePackage | kModuleNamespace | kModuleSourceZlib;

// Aux payload of a SharedLibrary entry: the CRC-32 of its data (zlib's), 4
// bytes little-endian. The runtime checks it before handing the bytes to the
// dynamic loader, which trusts what it maps.
inline constexpr size_t kSharedLibraryAuxSize = 4;

namespace packed {
inline constexpr char kMagic[8] = {'O', 'X', 'R', 'E', 'S', 0, 0, 0};
inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kHeaderSize = 40;
inline constexpr size_t kEntrySize = 40;
// Payloads start on this boundary, and the blob itself must be placed on it,
// so marshalled code can be read in place.
inline constexpr size_t kAlign = 8;
} // namespace packed

// One entry, as views into the blob (valid as long as the blob is).
struct Resource {
  ResourceKind kind = ResourceKind::File;
  uint16_t flags = 0;
  std::string_view key;
  std::string_view data;
  std::string_view aux;
};

// An immediate child under a prefix: for prefix "pkg." and keys "pkg.a",
// "pkg.b.c", the children are {"a", exact}, {"b", deeper}.
struct ResourceChild {
  std::string_view name;
  bool exact = false;  // "prefix+name" itself is a key
  bool deeper = false; // some key starts with "prefix+name+sep"
  uint16_t flags = 0;  // of the exact entry, if any
};

// A validated view of a blob. open() checks every offset, length, string and
// the sort order once, so lookups afterwards need no checks and a corrupt blob
// is an error message, never a crash.
class Resources {
public:
  Resources() = default;
  static std::optional<Resources> open(const void *blob, size_t size, std::string &error);

  size_t size() const { return count_; }
  Resource at(size_t index) const;

  // Binary search on (kind, key).
  std::optional<Resource> find(ResourceKind kind, std::string_view key) const;
  // Index of the first entry not less than (kind, key); size() if none.
  size_t lowerBound(ResourceKind kind, std::string_view key) const;
  // True if some key of `kind` starts with `prefix`.
  bool hasPrefix(ResourceKind kind, std::string_view prefix) const;
  // Immediate children of `prefix` (which should end in `sep`, or be empty
  // for the top level), in key order, each name once.
  std::vector<ResourceChild> children(ResourceKind kind, std::string_view prefix, char sep) const;

  const unsigned char *blob() const { return base_; }
  size_t blobSize() const { return blobSize_; }

private:
  ResourceKind kindAt(size_t index) const;
  std::string_view keyAt(size_t index) const;

  const unsigned char *base_ = nullptr;
  size_t blobSize_ = 0;
  size_t count_ = 0;
  uint64_t entriesOffset_ = 0;
  uint64_t stringsOffset_ = 0;
};

// Builds a blob. Output depends only on the set of entries added (sorted,
// zero padding, no timestamps), so the same inputs give the same bytes.
class ResourceWriter {
public:
  // Each returns false if (kind, key) was already added; the new entry
  // replaces the old one either way.
  bool addModule(std::string name, uint16_t flags, std::string code, std::string source);
  bool addFile(std::string key, std::string bytes);
  // `name` is the extension module's full dotted name ("_json",
  // "pkg._ext"); the checksum (aux) is computed here.
  bool addSharedLibrary(std::string name, std::string bytes);
  // `soname` is the library's DT_SONAME ("libfoo.so.1").
  bool addSharedDependency(std::string soname, std::string bytes);

  size_t size() const { return entries_.size(); }

  // Validates keys, flags and the format's size limits.
  bool serialize(std::string &out, std::string &error) const;

private:
  struct Pending {
    uint16_t flags = 0;
    std::string data;
    std::string aux;
  };
  bool add(ResourceKind kind, std::string key, Pending entry);
  bool addElf(ResourceKind kind, std::string key, std::string bytes);

  // Ordered as the blob is: kind, then key bytes (std::string compares as
  // unsigned char, i.e. memcmp order).
  std::map<std::pair<uint16_t, std::string>, Pending> entries_;
};

// Key rules shared by writer and tools: "" if `key` is valid for `kind`, else why not.
std::string checkResourceKey(ResourceKind kind, std::string_view key);

// --- shared libraries (kind 3), format/shared_library.cpp ----------------

// CRC-32 as zlib computes it (reflected, polynomial 0xEDB88320): the
// checksum a SharedLibrary entry's aux holds. Bytewise; fine at pack time.
uint32_t crc32(std::string_view bytes, uint32_t crc = 0);

// The checksum stored in a SharedLibrary entry (its aux), or 0 if the aux is
// not the 4 bytes Resources::open guarantees for that kind.
uint32_t storedChecksum(const Resource &sharedLibrary);

// "" if `bytes` is an ELF shared object the dynamic loader can map: 64-bit
// little-endian, ET_DYN, for `machine` (an EM_* value; 0 accepts any),
// program headers and every PT_LOAD segment inside the bytes, a
// PT_DYNAMIC. Otherwise why not, e.g. "not an ELF file".
std::string checkSharedObject(std::string_view bytes, uint16_t machine = 0);

// The EM_* value of the machine this code is compiled for (EM_X86_64...).
uint16_t hostElfMachine();

// What the dynamic section of a shared object names: its DT_SONAME, its
// DT_NEEDED entries in order, and its DT_RUNPATH (or DT_RPATH).
struct DynamicNames {
  std::string soname;
  std::vector<std::string> needed;
  std::string runpath;
};

// Reads them from `bytes`, which checkSharedObject should accept; nullopt,
// with `error` set, if the dynamic section or its string table is malformed.
std::optional<DynamicNames> readDynamicNames(std::string_view bytes, std::string &error);

} // namespace oxrt

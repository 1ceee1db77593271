// Reading and validating a packed-resources blob (format v1).
#include "packed_resources.h"

#include <algorithm>
#include <cstring>

namespace oxrt {

namespace {

// Little-endian loads, byte by byte: the blob may be fuzzed input at any
// address, and compilers turn these into single loads on x86-64.
uint16_t load16(const unsigned char *p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t load32(const unsigned char *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint64_t load64(const unsigned char *p) { return uint64_t(load32(p)) | uint64_t(load32(p + 4)) << 32; }

// Field offsets inside an entry (see docs/formats-resources.md).
struct EntryFields {
  uint32_t keyOffset, keyLength;
  uint16_t kind, flags;
  uint32_t reserved;
  uint64_t dataOffset;
  uint32_t dataLength, auxLength;
  uint64_t auxOffset;
};

EntryFields decodeEntry(const unsigned char *p) {
  EntryFields e;
  e.keyOffset = load32(p + 0);
  e.keyLength = load32(p + 4);
  e.kind = load16(p + 8);
  e.flags = load16(p + 10);
  e.reserved = load32(p + 12);
  e.dataOffset = load64(p + 16);
  e.dataLength = load32(p + 24);
  e.auxLength = load32(p + 28);
  e.auxOffset = load64(p + 32);
  return e;
}

int compareKey(uint16_t kindA, std::string_view keyA, uint16_t kindB, std::string_view keyB) {
  if (kindA != kindB) return kindA < kindB ? -1 : 1;
  return keyA.compare(keyB); // char_traits<char>: unsigned, memcmp order
}

// A payload must be canonical when empty (offset 0), else aligned, after the
// index, and inside the blob. Checked with 64-bit arithmetic: offset <= size
// first, so offset + length cannot wrap.
bool payloadOk(uint64_t offset, uint64_t length, uint64_t minOffset, uint64_t size,
               const char *what, std::string &error) {
  if (length == 0) {
    if (offset != 0) {
      error = std::string("empty ") + what + " has non-zero offset";
      return false;
    }
    return true;
  }
  if (offset % packed::kAlign != 0) {
    error = std::string(what) + " offset " + std::to_string(offset) + " is not 8-byte aligned";
    return false;
  }
  if (offset < minOffset || offset > size || length > size - offset) {
    error = std::string(what) + " [" + std::to_string(offset) + ", +" + std::to_string(length) +
            ") lies outside the payload area";
    return false;
  }
  return true;
}

std::string entryName(size_t i) { return "entry " + std::to_string(i) + ": "; }

} // namespace

std::optional<Resources> Resources::open(const void *blob, size_t size, std::string &error) {
  const auto *base = static_cast<const unsigned char *>(blob);
  if (!base) {
    error = "no blob";
    return std::nullopt;
  }
  if (reinterpret_cast<uintptr_t>(base) % packed::kAlign != 0) {
    error = "blob is not 8-byte aligned in memory";
    return std::nullopt;
  }
  if (size < packed::kHeaderSize) {
    error = "blob of " + std::to_string(size) + " bytes is smaller than the header";
    return std::nullopt;
  }
  if (std::memcmp(base, packed::kMagic, sizeof packed::kMagic) != 0) {
    error = "bad magic (not an OXRES blob)";
    return std::nullopt;
  }
  uint32_t version = load32(base + 8);
  if (version != packed::kVersion) {
    error = "unsupported version " + std::to_string(version) + " (this reader knows 1)";
    return std::nullopt;
  }
  uint32_t count = load32(base + 12);
  uint64_t entriesOffset = load64(base + 16);
  uint64_t stringsOffset = load64(base + 24);
  uint64_t totalSize = load64(base + 32);
  if (totalSize != size) {
    error = "header says " + std::to_string(totalSize) + " bytes, blob has " + std::to_string(size);
    return std::nullopt;
  }
  if (entriesOffset < packed::kHeaderSize || entriesOffset % packed::kAlign != 0 ||
      entriesOffset > size) {
    error = "bad entries offset " + std::to_string(entriesOffset);
    return std::nullopt;
  }
  // count < 2^32, so count * 40 fits easily in 64 bits.
  uint64_t entriesEnd = entriesOffset + uint64_t(count) * packed::kEntrySize;
  if (entriesEnd > size) {
    error = std::to_string(count) + " entries do not fit in the blob";
    return std::nullopt;
  }
  if (stringsOffset < entriesEnd || stringsOffset > size) {
    error = "bad strings offset " + std::to_string(stringsOffset);
    return std::nullopt;
  }

  uint16_t prevKind = 0;
  std::string_view prevKey;
  for (size_t i = 0; i < count; ++i) {
    EntryFields e = decodeEntry(base + entriesOffset + i * packed::kEntrySize);
    if (e.reserved != 0) {
      error = entryName(i) + "reserved field is not zero";
      return std::nullopt;
    }
    if (e.keyLength == 0) {
      error = entryName(i) + "empty key";
      return std::nullopt;
    }
    uint64_t stringsSize = size - stringsOffset;
    if (e.keyOffset > stringsSize || e.keyLength > stringsSize - e.keyOffset) {
      error = entryName(i) + "key lies outside the string table";
      return std::nullopt;
    }
    std::string_view key(reinterpret_cast<const char *>(base + stringsOffset + e.keyOffset),
                         e.keyLength);
    if (key.find('\0') != std::string_view::npos) {
      error = entryName(i) + "key contains a NUL byte";
      return std::nullopt;
    }
    if (i > 0 && compareKey(prevKind, prevKey, e.kind, key) >= 0) {
      error = entryName(i) + "not sorted after the previous entry (or a duplicate)";
      return std::nullopt;
    }
    prevKind = e.kind;
    prevKey = key;
    std::string why;
    if (!payloadOk(e.dataOffset, e.dataLength, stringsOffset, size, "data", why) ||
        !payloadOk(e.auxOffset, e.auxLength, stringsOffset, size, "aux", why)) {
      error = entryName(i) + why;
      return std::nullopt;
    }
    // Per-kind rules. Unknown kinds are allowed (a later writer may add one)
    // and ignored by this reader's users.
    switch (ResourceKind(e.kind)) {
    case ResourceKind::Module:
      if (e.flags & ~kModuleFlagsKnown) {
        error = entryName(i) + "unknown module flags " + std::to_string(e.flags);
        return std::nullopt;
      }
      if ((e.flags & kModuleNamespace) &&
          (!(e.flags & kModulePackage) || e.dataLength != 0 || e.auxLength != 0)) {
        error = entryName(i) + "namespace package must be a package without code or source";
        return std::nullopt;
      }
      if (!(e.flags & kModuleNamespace) && e.dataLength == 0) {
        error = entryName(i) + "module without code";
        return std::nullopt;
      }
      if ((e.flags & kModuleSourceZlib) && e.auxLength == 0) {
        error = entryName(i) + "compressed source flag without a source";
        return std::nullopt;
      }
      break;
    case ResourceKind::File:
      if (e.flags != 0 || e.auxLength != 0) {
        error = entryName(i) + "file entries have no flags and no aux payload";
        return std::nullopt;
      }
      break;
    case ResourceKind::SharedLibrary:
    case ResourceKind::SharedDependency:
      // The bytes themselves (ELF, checksum) are checked when the module is
      // imported: hashing every library at start would cost every run.
      if (e.flags != 0 || e.dataLength == 0 || e.auxLength != kSharedLibraryAuxSize) {
        error = entryName(i) + "a shared library has no flags, some data and a 4-byte checksum";
        return std::nullopt;
      }
      break;
    }
  }

  Resources r;
  r.base_ = base;
  r.blobSize_ = size;
  r.count_ = count;
  r.entriesOffset_ = entriesOffset;
  r.stringsOffset_ = stringsOffset;
  return r;
}

ResourceKind Resources::kindAt(size_t index) const {
  return ResourceKind(load16(base_ + entriesOffset_ + index * packed::kEntrySize + 8));
}

std::string_view Resources::keyAt(size_t index) const {
  const unsigned char *p = base_ + entriesOffset_ + index * packed::kEntrySize;
  return {reinterpret_cast<const char *>(base_ + stringsOffset_ + load32(p)), load32(p + 4)};
}

Resource Resources::at(size_t index) const {
  EntryFields e = decodeEntry(base_ + entriesOffset_ + index * packed::kEntrySize);
  auto view = [&](uint64_t off, uint32_t len) {
    return std::string_view(reinterpret_cast<const char *>(base_ + off), len);
  };
  Resource r;
  r.kind = ResourceKind(e.kind);
  r.flags = e.flags;
  r.key = view(stringsOffset_ + e.keyOffset, e.keyLength);
  r.data = view(e.dataOffset, e.dataLength);
  r.aux = view(e.auxOffset, e.auxLength);
  return r;
}

size_t Resources::lowerBound(ResourceKind kind, std::string_view key) const {
  size_t lo = 0, hi = count_;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (compareKey(uint16_t(kindAt(mid)), keyAt(mid), uint16_t(kind), key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

std::optional<Resource> Resources::find(ResourceKind kind, std::string_view key) const {
  size_t i = lowerBound(kind, key);
  if (i < count_ && kindAt(i) == kind && keyAt(i) == key) return at(i);
  return std::nullopt;
}

bool Resources::hasPrefix(ResourceKind kind, std::string_view prefix) const {
  size_t i = lowerBound(kind, prefix);
  return i < count_ && kindAt(i) == kind && keyAt(i).substr(0, prefix.size()) == prefix;
}

std::vector<ResourceChild> Resources::children(ResourceKind kind, std::string_view prefix,
                                               char sep) const {
  std::vector<ResourceChild> out;
  // Keys under a prefix are contiguous in sorted order. With separators,
  // "a.b" and "a.b.c" can be separated by "a.b-x" ('-' < '.'), so the same
  // child can reappear later: merge by searching the (sorted) output.
  for (size_t i = lowerBound(kind, prefix); i < count_ && kindAt(i) == kind; ++i) {
    std::string_view key = keyAt(i);
    if (key.substr(0, prefix.size()) != prefix) break;
    std::string_view rest = key.substr(prefix.size());
    if (rest.empty()) continue; // the prefix itself
    size_t cut = rest.find(sep);
    std::string_view name = rest.substr(0, cut);
    if (name.empty()) continue; // "prefix" followed directly by sep: not a child name
    auto it = std::lower_bound(out.begin(), out.end(), name,
                               [](const ResourceChild &c, std::string_view n) { return c.name < n; });
    if (it == out.end() || it->name != name) it = out.insert(it, ResourceChild{name});
    if (cut == std::string_view::npos) {
      it->exact = true;
      it->flags = at(i).flags;
    } else {
      it->deeper = true;
    }
  }
  return out;
}

} // namespace oxrt

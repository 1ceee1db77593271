// A wheel (a ZIP archive, PEP 427) read as untrusted input: the whole
// central directory is parsed and every member name checked before any
// caller writes a byte. A member that could land outside the directory it
// is extracted into (an absolute path, a `..` component, a backslash, an
// empty or `.` component), a symlink or device, a duplicate name, an
// encrypted or zip64 entry, or a size that does not add up is refused with
// one sentence naming the member.
//
// Own code over zlib rather than a ZIP library: the reader is small, and
// the fuzz target (fuzz/wheel.cpp) then exercises all of it with ASan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oxcc::wheel {

struct Member {
  std::string name;       // as stored: '/'-separated, relative, checked
  bool directory = false; // a name ending in '/'
  uint16_t method = 0;    // 0 stored, 8 deflated
  uint32_t crc32 = 0;
  uint64_t compressedSize = 0, size = 0;
  uint64_t localHeader = 0; // offset of its local file header
};

struct Archive {
  std::string bytes;           // the whole file
  std::vector<Member> members; // central directory order
};

// Parses `bytes` (a wheel's content). On failure returns nullopt and sets
// `error` to a sentence that the caller prefixes with the wheel's name.
std::optional<Archive> parse(std::string bytes, std::string &error);

// One member's content, inflated and CRC-checked.
std::optional<std::string> read(const Archive &archive, const Member &member, std::string &error);

// Why `name` may not be extracted, or "" when it is a plain relative path.
std::string unsafeNameReason(std::string_view name);

} // namespace oxcc::wheel

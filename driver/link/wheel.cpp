#include "wheel.h"

#include <zlib.h>

#include <algorithm>
#include <set>
#include <sys/stat.h>

namespace oxcc::wheel {

namespace {

constexpr uint32_t kEndOfDirectory = 0x06054b50;
constexpr uint32_t kDirectoryEntry = 0x02014b50;
constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr size_t kEndSize = 22, kEntrySize = 46, kLocalSize = 30;
constexpr uint16_t kUnixHost = 3; // high byte of "version made by"
// Deflate cannot expand its input more than about 1032 times: a member that
// claims more is a lie we refuse before allocating for it.
constexpr uint64_t kMaxDeflateRatio = 1032;
// No member of a real wheel comes near this; a bomb that stays within the
// deflate ratio still cannot make a reader allocate more.
constexpr uint64_t kMaxMemberSize = 1ull << 30; // 1 GiB

uint16_t u16(std::string_view b, size_t at) {
  return uint16_t(uint8_t(b[at]) | uint8_t(b[at + 1]) << 8);
}
uint32_t u32(std::string_view b, size_t at) {
  return uint32_t(u16(b, at)) | uint32_t(u16(b, at + 2)) << 16;
}

std::string quoted(std::string_view name) {
  std::string out = "'";
  for (char c : name) out += (c >= 0x20 && c != 0x7f) ? std::string(1, c) : "?";
  return out + "'";
}

// The end-of-central-directory record: the last one whose comment runs
// exactly to the end of the file (a comment may itself hold the signature).
std::optional<size_t> findEnd(std::string_view b) {
  if (b.size() < kEndSize) return std::nullopt;
  size_t lowest = b.size() - kEndSize > 0xffff ? b.size() - kEndSize - 0xffff : 0;
  for (size_t at = b.size() - kEndSize + 1; at-- > lowest;)
    if (u32(b, at) == kEndOfDirectory && at + kEndSize + u16(b, at + 20) == b.size()) return at;
  return std::nullopt;
}

} // namespace

std::string unsafeNameReason(std::string_view name) {
  if (name.empty()) return "has an empty name";
  if (name.find('\0') != std::string_view::npos) return "has a NUL byte in its name";
  // Control characters (tab, newline...) have no place in a file name, and
  // would break any line- or tab-separated listing of the members.
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return "has a control character in its name";
  if (name.front() == '/') return "is an absolute path";
  if (name.find('\\') != std::string_view::npos) return "has a backslash in its name";
  std::string_view rest = name;
  if (rest.back() == '/') rest.remove_suffix(1); // a directory entry
  while (true) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (part == "..") return "climbs out of the wheel with '..'";
    if (part.empty() || part == ".") return "has an empty or '.' path component";
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return "";
}

std::optional<Archive> parse(std::string bytes, std::string &error) {
  Archive a;
  a.bytes = std::move(bytes);
  std::string_view b = a.bytes;
  auto end = findEnd(b);
  if (!end) {
    error = "is not a ZIP archive (no end-of-central-directory record)";
    return std::nullopt;
  }
  uint16_t disk = u16(b, *end + 4), dirDisk = u16(b, *end + 6);
  uint16_t onDisk = u16(b, *end + 8), count = u16(b, *end + 10);
  uint32_t dirSize = u32(b, *end + 12), dirOffset = u32(b, *end + 16);
  if (count == 0xffff || dirSize == 0xffffffff || dirOffset == 0xffffffff) {
    error = "is a ZIP64 archive, which oxcc does not read (a wheel that large is not supported)";
    return std::nullopt;
  }
  if (disk != 0 || dirDisk != 0 || onDisk != count) {
    error = "is a multi-disk ZIP archive";
    return std::nullopt;
  }
  if (uint64_t(dirOffset) + dirSize > *end) {
    error = "is truncated or corrupt (its central directory lies outside the file)";
    return std::nullopt;
  }
  std::set<std::string_view> names;
  size_t at = dirOffset, dirEnd = size_t(dirOffset) + dirSize;
  for (unsigned i = 0; i < count; ++i) {
    if (at + kEntrySize > dirEnd || u32(b, at) != kDirectoryEntry) {
      error = "is corrupt (central directory entry " + std::to_string(i) + " is damaged)";
      return std::nullopt;
    }
    uint16_t madeBy = u16(b, at + 4), flags = u16(b, at + 8);
    size_t nameLen = u16(b, at + 28), extraLen = u16(b, at + 30), commentLen = u16(b, at + 32);
    if (at + kEntrySize + nameLen + extraLen + commentLen > dirEnd) {
      error = "is corrupt (central directory entry " + std::to_string(i) + " overruns it)";
      return std::nullopt;
    }
    Member m;
    m.name = std::string(b.substr(at + kEntrySize, nameLen));
    m.method = u16(b, at + 10);
    m.crc32 = u32(b, at + 16);
    m.compressedSize = u32(b, at + 20);
    m.size = u32(b, at + 24);
    m.localHeader = u32(b, at + 42);
    uint32_t external = u32(b, at + 38);
    at += kEntrySize + nameLen + extraLen + commentLen;

    std::string what = "member " + quoted(m.name) + " ";
    if (std::string reason = unsafeNameReason(m.name); !reason.empty()) {
      error = what + reason;
      return std::nullopt;
    }
    m.directory = m.name.back() == '/';
    unsigned type = (madeBy >> 8) == kUnixHost ? (external >> 16) & S_IFMT : 0;
    if (type == S_IFLNK) {
      error = what + "is a symbolic link";
      return std::nullopt;
    }
    if (type != 0 && type != S_IFREG && type != S_IFDIR) {
      error = what + "is not a regular file or directory";
      return std::nullopt;
    }
    if (flags & 1) {
      error = what + "is encrypted";
      return std::nullopt;
    }
    if (m.method != 0 && m.method != 8) {
      error = what + "uses compression method " + std::to_string(m.method) +
              " (a wheel uses stored or deflated members)";
      return std::nullopt;
    }
    if (m.compressedSize == 0xffffffff || m.size == 0xffffffff || m.localHeader == 0xffffffff) {
      error = what + "is a ZIP64 entry, which oxcc does not read";
      return std::nullopt;
    }
    if ((m.method == 0 && m.size != m.compressedSize) ||
        (m.method == 8 && m.size > m.compressedSize * kMaxDeflateRatio + 64)) {
      error = what + "has sizes that do not add up (corrupt or a decompression bomb)";
      return std::nullopt;
    }
    if (m.size > kMaxMemberSize) {
      error = what + "is larger than 1 GiB uncompressed";
      return std::nullopt;
    }
    // Its local header must be in the file and name the same member: a
    // reader that trusts either alone can be shown two different archives.
    size_t lh = m.localHeader;
    if (lh + kLocalSize > dirOffset || u32(b, lh) != kLocalHeader ||
        lh + kLocalSize + u16(b, lh + 26) > dirOffset ||
        b.substr(lh + kLocalSize, u16(b, lh + 26)) != m.name) {
      error = what + "has a damaged local header";
      return std::nullopt;
    }
    size_t data = lh + kLocalSize + u16(b, lh + 26) + u16(b, lh + 28);
    if (data + m.compressedSize > dirOffset) {
      error = what + "is truncated";
      return std::nullopt;
    }
    a.members.push_back(std::move(m));
  }
  for (const auto &m : a.members)
    if (!names.insert(m.name).second) {
      error = "member " + quoted(m.name) + " appears twice";
      return std::nullopt;
    }
  // Members' bytes must not overlap: in a real archive they never do, and
  // overlapping ones let a small file inflate to many large members.
  std::vector<std::pair<uint64_t, uint64_t>> spans; // [local header, end of data)
  for (const auto &m : a.members) {
    uint64_t lh = m.localHeader;
    spans.push_back({lh, lh + kLocalSize + u16(b, lh + 26) + u16(b, lh + 28) + m.compressedSize});
  }
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i)
    if (spans[i].first < spans[i - 1].second) {
      error = "has members whose data overlap (corrupt or crafted)";
      return std::nullopt;
    }
  return a;
}

std::optional<std::string> read(const Archive &a, const Member &m, std::string &error) {
  std::string_view b = a.bytes;
  size_t data = m.localHeader + kLocalSize + u16(b, m.localHeader + 26) +
                u16(b, m.localHeader + 28);
  std::string_view in = b.substr(data, m.compressedSize);
  std::string out;
  if (m.method == 0) {
    out = std::string(in);
  } else {
    // One byte more than recorded: a stream that would write past the
    // recorded size shows as total_out > size instead of stopping quietly.
    out.resize(m.size + 1);
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
      error = "cannot start zlib for member " + quoted(m.name);
      return std::nullopt;
    }
    // zlib's avail_* are 32-bit; a member here is below 4 GiB (no ZIP64).
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
    z.avail_in = uInt(in.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    int rc = inflate(&z, Z_FINISH);
    bool whole = rc == Z_STREAM_END && z.total_out == m.size;
    inflateEnd(&z);
    out.resize(m.size);
    if (!whole) {
      error = "member " + quoted(m.name) + " does not inflate to its recorded size (corrupt)";
      return std::nullopt;
    }
  }
  uLong crc = crc32(0L, reinterpret_cast<const Bytef *>(out.data()), uInt(out.size()));
  if (crc != m.crc32) {
    error = "member " + quoted(m.name) + " fails its CRC check (corrupt)";
    return std::nullopt;
  }
  return out;
}

} // namespace oxcc::wheel

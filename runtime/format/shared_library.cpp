// Shared-library entries (kind 3): their checksum, and the sanity check of
// the ELF bytes made before the dynamic loader sees them. glibc's loader
// trusts the file it maps (a truncated segment is a SIGBUS, a bad header a
// crash), so a damaged entry must be refused here, with a reason.
#include "packed_resources.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <elf.h>

namespace oxrt {

namespace {

constexpr std::array<uint32_t, 256> makeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr auto kCrcTable = makeCrcTable();

// Structs read by copy: the bytes may sit at any address.
template <typename T> T readAt(std::string_view bytes, uint64_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

} // namespace

uint32_t crc32(std::string_view bytes, uint32_t crc) {
  crc = ~crc;
  for (unsigned char b : bytes) crc = kCrcTable[(crc ^ b) & 0xff] ^ (crc >> 8);
  return ~crc;
}

uint32_t storedChecksum(const Resource &r) {
  if (r.aux.size() != kSharedLibraryAuxSize) return 0;
  const auto *p = reinterpret_cast<const unsigned char *>(r.aux.data());
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint16_t hostElfMachine() {
#if defined(__x86_64__)
  return EM_X86_64;
#elif defined(__aarch64__)
  return EM_AARCH64;
#elif defined(__riscv) && __riscv_xlen == 64
  return EM_RISCV;
#elif defined(__powerpc64__)
  return EM_PPC64;
#elif defined(__s390x__)
  return EM_S390;
#else
  return 0; // unknown: the dynamic loader decides
#endif
}

std::string checkSharedObject(std::string_view bytes, uint16_t machine) {
  const uint64_t size = bytes.size();
  if (size < SELFMAG || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0)
    return "not an ELF file (bad magic)";
  if (size < sizeof(Elf64_Ehdr)) return "truncated ELF header";
  auto eh = readAt<Elf64_Ehdr>(bytes, 0);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) return "not a 64-bit ELF file";
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB) return "not a little-endian ELF file";
  if (eh.e_type != ET_DYN)
    return "not an ELF shared object (e_type " + std::to_string(eh.e_type) + ")";
  if (machine != 0 && eh.e_machine != machine)
    return "built for another machine (ELF e_machine " + std::to_string(eh.e_machine) +
           ", this program is " + std::to_string(machine) + ")";
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum == PN_XNUM)
    return "bad program header table";
  // e_phnum < 0xffff and entries are 56 bytes: no overflow.
  uint64_t phEnd = uint64_t(eh.e_phnum) * sizeof(Elf64_Phdr);
  if (eh.e_phoff > size || phEnd > size - eh.e_phoff)
    return "program headers lie outside the file (truncated?)";
  bool load = false, dynamic = false;
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    auto ph = readAt<Elf64_Phdr>(bytes, eh.e_phoff + uint64_t(i) * sizeof(Elf64_Phdr));
    if (ph.p_type == PT_LOAD) {
      load = true;
      if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
        return "segment " + std::to_string(i) + " lies outside the file (truncated?)";
      if (ph.p_filesz > ph.p_memsz) return "segment " + std::to_string(i) + " is larger on disk than in memory";
    } else if (ph.p_type == PT_DYNAMIC) {
      dynamic = true;
      if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
        return "dynamic section lies outside the file (truncated?)";
    }
  }
  if (!load) return "no loadable segment";
  if (!dynamic) return "no dynamic section (a static executable?)";
  return "";
}

std::optional<DynamicNames> readDynamicNames(std::string_view bytes, std::string &error) {
  const uint64_t size = bytes.size();
  if (std::string why = checkSharedObject(bytes); !why.empty()) {
    error = why;
    return std::nullopt;
  }
  auto eh = readAt<Elf64_Ehdr>(bytes, 0);
  std::vector<Elf64_Phdr> loads;
  Elf64_Phdr dyn{};
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    auto ph = readAt<Elf64_Phdr>(bytes, eh.e_phoff + uint64_t(i) * sizeof(Elf64_Phdr));
    if (ph.p_type == PT_LOAD) loads.push_back(ph);
    if (ph.p_type == PT_DYNAMIC) dyn = ph;
  }
  // The entries hold string-table offsets, and the table's address, not
  // its file offset: the PT_LOAD segment that maps it translates.
  uint64_t strtab = 0, strsz = 0;
  bool haveStrtab = false;
  std::vector<uint64_t> needed;
  std::optional<uint64_t> soname, runpath, rpath;
  for (uint64_t off = 0; off + sizeof(Elf64_Dyn) <= dyn.p_filesz; off += sizeof(Elf64_Dyn)) {
    auto d = readAt<Elf64_Dyn>(bytes, dyn.p_offset + off);
    if (d.d_tag == DT_NULL) break;
    switch (d.d_tag) {
    case DT_STRTAB: strtab = d.d_un.d_ptr, haveStrtab = true; break;
    case DT_STRSZ: strsz = d.d_un.d_val; break;
    case DT_NEEDED: needed.push_back(d.d_un.d_val); break;
    case DT_SONAME: soname = d.d_un.d_val; break;
    case DT_RUNPATH: runpath = d.d_un.d_val; break;
    case DT_RPATH: rpath = d.d_un.d_val; break;
    }
  }
  DynamicNames names;
  if (!haveStrtab) {
    if (needed.empty() && !soname && !runpath && !rpath) return names;
    error = "dynamic section has names but no string table";
    return std::nullopt;
  }
  uint64_t tableOffset = 0;
  bool mapped = false;
  for (const auto &ph : loads)
    if (strtab >= ph.p_vaddr && strtab - ph.p_vaddr < ph.p_filesz) {
      tableOffset = ph.p_offset + (strtab - ph.p_vaddr);
      strsz = std::min(strsz, ph.p_filesz - (strtab - ph.p_vaddr));
      mapped = true;
      break;
    }
  if (!mapped || tableOffset > size || strsz > size - tableOffset) {
    error = "the dynamic string table lies outside the file";
    return std::nullopt;
  }
  std::string_view table = bytes.substr(tableOffset, strsz);
  auto name = [&](uint64_t at, std::string &out) {
    if (at >= table.size()) return false;
    size_t end = table.find('\0', at);
    if (end == std::string_view::npos) return false;
    out = std::string(table.substr(at, end - at));
    return true;
  };
  for (uint64_t at : needed) {
    std::string n;
    if (!name(at, n)) {
      error = "a DT_NEEDED name lies outside the string table";
      return std::nullopt;
    }
    names.needed.push_back(std::move(n));
  }
  if ((soname && !name(*soname, names.soname)) ||
      ((runpath || rpath) && !name(runpath ? *runpath : *rpath, names.runpath))) {
    error = "DT_SONAME or DT_RUNPATH lies outside the string table";
    return std::nullopt;
  }
  return names;
}

} // namespace oxrt

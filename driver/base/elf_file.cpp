#include "elf_file.h"

#include <algorithm>
#include <set>
#include <bit>
#include <cstdint>
#include <cstring>
#include <initializer_list>

namespace oxcc::elf {
namespace {

// The few ELF64 structures and constants we need, written out rather than
// taken from glibc's <elf.h>: with driver/ on the include path, <elf.h> finds
// this directory's elf.h first. Layouts are the gABI's; we memcpy them, which
// is only right on a little-endian host, the only kind oxcc targets.
static_assert(std::endian::native == std::endian::little);

struct Ehdr {
  unsigned char ident[16];
  uint16_t type, machine;
  uint32_t version;
  uint64_t entry, phoff, shoff;
  uint32_t flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct Shdr {
  uint32_t name, type;
  uint64_t flags, addr, offset, size;
  uint32_t link, info;
  uint64_t addralign, entsize;
};
struct Sym {
  uint32_t name;
  uint8_t info, other;
  uint16_t shndx;
  uint64_t value, size;
};
static_assert(sizeof(Ehdr) == 64 && sizeof(Shdr) == 64 && sizeof(Sym) == 24);

constexpr unsigned char kMagic[4] = {0x7f, 'E', 'L', 'F'};
constexpr int kClass64 = 2, kData2LSB = 1;                // ident[4], ident[5]
constexpr uint16_t kRel = 1, kExec = 2, kDyn = 3;         // e_type
constexpr uint32_t kProgbits = 1, kSymtab = 2, kNobits = 8, kDynsym = 11, kGroup = 17,
                   kSymtabShndx = 18;
constexpr uint32_t kGrpComdat = 1;  // first word of a SHT_GROUP section
constexpr uint16_t kUndef = 0, kLoReserve = 0xff00, kXIndex = 0xffff;
constexpr int kGlobal = 1, kWeak = 2, kGnuUnique = 10;    // st_info >> 4

// Copies a T from `offset`, if it lies entirely inside `bytes`.
template <typename T>
bool readAt(std::string_view bytes, uint64_t offset, T* out) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
  memcpy(out, bytes.data() + offset, sizeof(T));
  return true;
}

bool readEhdr(std::string_view bytes, Ehdr* ehdr) {
  if (!readAt(bytes, 0, ehdr)) return false;
  if (memcmp(ehdr->ident, kMagic, 4) != 0) return false;
  if (ehdr->ident[4] != kClass64 || ehdr->ident[5] != kData2LSB) return false;
  return ehdr->type == kRel || ehdr->type == kExec || ehdr->type == kDyn;
}

// The section header table, each header known to lie inside the file.
// Section *contents* are checked when they are used (contentsOf).
struct SectionTable {
  Ehdr ehdr;
  std::vector<Shdr> headers;  // headers[0] is the null section
  size_t shstrndx = 0;        // 0: no section names
};

// Reads the section header table. Handles extended numbering (files with
// >= 0xff00 sections, e.g. big -ffunction-sections objects): the count then
// lives in headers[0].sh_size and the name table index in headers[0].sh_link.
bool readSectionTable(std::string_view bytes, SectionTable* t,
                      std::string* error) {
  if (!readEhdr(bytes, &t->ehdr)) {
    *error = "not a 64-bit little-endian ELF file";
    return false;
  }
  const Ehdr& e = t->ehdr;
  if (e.shoff == 0) return true;  // no sections at all: valid, just empty
  Shdr first;
  if (e.shentsize != sizeof(Shdr) || !readAt(bytes, e.shoff, &first)) {
    *error = "section header table out of bounds or of unknown entry size";
    return false;
  }
  uint64_t count = e.shnum != 0 ? e.shnum : first.size;
  // Bounding count by the file size also bounds the allocation below.
  if (count > (bytes.size() - e.shoff) / sizeof(Shdr)) {
    *error = "section header table out of bounds";
    return false;
  }
  t->headers.resize(count);
  if (count != 0)
    memcpy(t->headers.data(), bytes.data() + e.shoff, count * sizeof(Shdr));
  uint64_t strndx = e.shstrndx == kXIndex ? first.link : e.shstrndx;
  t->shstrndx = strndx < count ? strndx : 0;
  return true;
}

// The bytes of section `s`, or nullopt if they are not inside the file.
// Written so that sh_offset + sh_size cannot overflow.
std::optional<std::string_view> contentsOf(std::string_view bytes,
                                           const Shdr& s) {
  if (s.type == kNobits) return std::string_view();
  if (s.offset > bytes.size() || s.size > bytes.size() - s.offset)
    return std::nullopt;
  return bytes.substr(s.offset, s.size);
}

// The NUL-terminated string at `offset` in a string table, or nullopt if it
// starts outside the table or runs off its end.
std::optional<std::string_view> stringAt(std::string_view strtab,
                                         uint64_t offset) {
  if (offset >= strtab.size()) return std::nullopt;
  size_t end = strtab.find('\0', offset);
  if (end == std::string_view::npos) return std::nullopt;
  return strtab.substr(offset, end - offset);
}

// Index of the first section named `name`, or 0 (the null section, never a
// match) if none.
size_t findSection(std::string_view bytes, const SectionTable& t,
                   std::string_view name) {
  if (t.shstrndx == 0) return 0;
  std::optional<std::string_view> names =
      contentsOf(bytes, t.headers[t.shstrndx]);
  if (!names) return 0;
  for (size_t i = 1; i < t.headers.size(); ++i) {
    std::optional<std::string_view> n = stringAt(*names, t.headers[i].name);
    if (n && *n == name) return i;
  }
  return 0;
}

bool isHexId(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

bool isElf64(std::string_view bytes) {
  Ehdr e;
  return readEhdr(bytes, &e);
}

std::vector<std::string> codeSectionNames(std::string_view bytes) {
  constexpr uint64_t kAlloc = 0x2, kExecInstr = 0x4;
  std::vector<std::string> out;
  SectionTable t;
  std::string error;
  if (!readSectionTable(bytes, &t, &error) || t.shstrndx == 0) return out;
  std::optional<std::string_view> names = contentsOf(bytes, t.headers[t.shstrndx]);
  if (!names) return out;
  // C++ objects have a section per inline function: thousands of names.
  std::set<std::string_view> seen;
  for (size_t i = 1; i < t.headers.size(); ++i) {
    const Shdr &h = t.headers[i];
    if ((h.flags & (kAlloc | kExecInstr)) != (kAlloc | kExecInstr)) continue;
    std::optional<std::string_view> n = stringAt(*names, h.name);
    if (!n || n->empty()) return {};
    if (seen.insert(*n).second) out.emplace_back(*n);
  }
  return out;
}

std::optional<std::string> readSection(std::string_view bytes,
                                       std::string_view name) {
  SectionTable t;
  std::string error;
  if (!readSectionTable(bytes, &t, &error)) return std::nullopt;
  size_t i = findSection(bytes, t, name);
  if (i == 0) return std::nullopt;
  std::optional<std::string_view> c = contentsOf(bytes, t.headers[i]);
  if (!c) return std::nullopt;
  return std::string(*c);
}

AppendResult appendSection(std::string_view bytes, std::string_view name,
                           std::string_view data) {
  AppendResult r;
  if (name.empty() || name.find('\0') != std::string_view::npos) {
    r.error = "invalid section name";
    return r;
  }
  SectionTable t;
  if (!readSectionTable(bytes, &t, &r.error)) return r;
  if (t.ehdr.type != kRel) {
    r.error = "not a relocatable object (ET_REL)";
    return r;
  }
  if (t.shstrndx == 0) {
    r.error = "object has no section name table";
    return r;
  }
  std::optional<std::string_view> names =
      contentsOf(bytes, t.headers[t.shstrndx]);
  if (!names) {
    r.error = "section name table out of bounds";
    return r;
  }

  // A name offset past the table's end would, once the table grows, name
  // whatever we append (maybe `name` itself, shadowing our section).
  for (size_t i = 1; i < t.headers.size(); ++i) {
    if (!stringAt(*names, t.headers[i].name)) {
      r.error = "section " + std::to_string(i) + " has a malformed name";
      return r;
    }
  }

  size_t index = findSection(bytes, t, name);
  if (index == t.shstrndx) {  // only a corrupt file names its .shstrtab so
    r.error = "section name table has the name of the appended section";
    return r;
  }

  // Where the new tail starts: the end of the file, or, when the section
  // already exists and nothing but the name table (rewritten anyway) lies
  // after its data, that data's start. Cutting there makes re-appending
  // give exactly the bytes of a single append instead of growing the file.
  uint64_t cut = bytes.size();
  if (index != 0 && t.headers[index].type != kNobits &&
      contentsOf(bytes, t.headers[index])) {
    uint64_t keep = sizeof(Ehdr);  // end of everything that must be kept
    const Ehdr& e = t.ehdr;
    if (e.phnum != 0) {
      uint64_t phsize = uint64_t(e.phnum) * e.phentsize;  // < 2^32
      keep = std::max(keep, e.phoff > UINT64_MAX - phsize ? UINT64_MAX
                                                          : e.phoff + phsize);
    }
    for (size_t i = 1; i < t.headers.size(); ++i) {
      const Shdr& s = t.headers[i];
      if (i == index || i == t.shstrndx || s.type == kNobits) continue;
      keep = contentsOf(bytes, s) ? std::max(keep, s.offset + s.size)
                                  : UINT64_MAX;  // bad section: cut nothing
    }
    if (t.headers[index].offset >= keep) cut = t.headers[index].offset;
  }

  // The name table copy: old contents (still referenced by every existing
  // header, and by .symtab when clang shares one .strtab for both) + name.
  std::string newNames(*names);
  Shdr section{};
  if (index != 0) {
    section.name = t.headers[index].name;
  } else {
    if (newNames.size() + name.size() >= UINT32_MAX) {  // sh_name is 32-bit
      r.error = "section name table too large";
      return r;
    }
    section.name = uint32_t(newNames.size());
    newNames.append(name);
    newNames.push_back('\0');
    index = t.headers.size();
    t.headers.push_back({});
  }

  // Layout of the new tail: data, name table, 8-aligned header table.
  std::string& out = r.bytes;
  out.reserve(cut + data.size() + newNames.size() + 8 +
              t.headers.size() * sizeof(Shdr));
  out.assign(bytes.substr(0, cut));
  section.type = kProgbits;
  section.offset = out.size();
  section.size = data.size();
  section.addralign = 1;
  t.headers[index] = section;
  out.append(data);
  t.headers[t.shstrndx].offset = out.size();
  t.headers[t.shstrndx].size = newNames.size();
  out.append(newNames);
  out.resize((out.size() + 7) & ~uint64_t(7), '\0');

  // Header table and ELF header, switching to extended numbering when the
  // new section pushes the count to SHN_LORESERVE.
  Ehdr e = t.ehdr;
  e.shoff = out.size();
  if (t.headers.size() >= kLoReserve) {
    e.shnum = 0;
    t.headers[0].size = t.headers.size();
  } else {
    e.shnum = uint16_t(t.headers.size());
  }
  out.append(reinterpret_cast<const char*>(t.headers.data()),
             t.headers.size() * sizeof(Shdr));
  memcpy(out.data(), &e, sizeof e);
  return r;
}

namespace {

// Calls fn(index, sym, name, section) for every entry of the first symbol
// table among `types` (.symtab before .dynsym), in index order; `section`
// is the defining section with extended indices (SHT_SYMTAB_SHNDX, objects
// with >= 0xff00 sections) resolved, 0 if undefined or unreadable. False
// if there is no readable table.
template <typename Fn>
bool forEachSymbol(std::string_view bytes, std::initializer_list<uint32_t> types, Fn fn) {
  SectionTable t;
  std::string error;
  if (!readSectionTable(bytes, &t, &error)) return false;
  size_t symtabIndex = 0;
  for (uint32_t type : types) {
    for (size_t i = 1; i < t.headers.size() && symtabIndex == 0; ++i)
      if (t.headers[i].type == type) symtabIndex = i;
    if (symtabIndex) break;
  }
  if (symtabIndex == 0) return false;
  const Shdr& symtab = t.headers[symtabIndex];
  if (symtab.entsize != sizeof(Sym) || symtab.link >= t.headers.size()) return false;
  std::optional<std::string_view> syms = contentsOf(bytes, symtab);
  std::optional<std::string_view> strtab = contentsOf(bytes, t.headers[symtab.link]);
  if (!syms || !strtab) return false;
  std::optional<std::string_view> xindex;
  for (const Shdr& s : t.headers)
    if (s.type == kSymtabShndx && s.link == symtabIndex) xindex = contentsOf(bytes, s);

  size_t count = syms->size() / sizeof(Sym);
  for (size_t i = 0; i < count; ++i) {
    Sym s;
    memcpy(&s, syms->data() + i * sizeof(Sym), sizeof s);
    uint32_t section = s.shndx;
    if (s.shndx == kXIndex) {
      section = 0;
      if (xindex && (i + 1) * 4 <= xindex->size()) memcpy(&section, xindex->data() + i * 4, 4);
    }
    fn(i, s, stringAt(*strtab, s.name).value_or(std::string_view()), section);
  }
  return true;
}

}  // namespace

std::vector<std::string> definedGlobalSymbols(std::string_view bytes, bool strongOnly) {
  std::vector<std::string> result;
  // .symtab has every symbol; a stripped .so keeps only .dynsym.
  forEachSymbol(bytes, {kSymtab, kDynsym},
                [&](size_t, const Sym& s, std::string_view name, uint32_t section) {
                  int bind = s.info >> 4;
                  if (section == kUndef || name.empty()) return;
                  if (bind != kGlobal && bind != kWeak && bind != kGnuUnique) return;
                  if (strongOnly && bind != kGlobal) return;
                  result.emplace_back(name);
                });
  return result;
}

std::vector<Symbol> symbolTable(std::string_view bytes) {
  std::vector<Symbol> result;
  forEachSymbol(bytes, {kSymtab}, [&](size_t, const Sym& s, std::string_view name, uint32_t section) {
    Symbol out;
    out.name = name;
    out.bind = s.info >> 4;
    out.visibility = s.other & 3;
    out.section = section;
    result.push_back(std::move(out));
  });
  return result;
}

std::vector<ComdatGroup> comdatGroups(std::string_view bytes) {
  std::vector<ComdatGroup> result;
  SectionTable t;
  std::string error;
  if (!readSectionTable(bytes, &t, &error)) return result;
  for (const Shdr& s : t.headers) {
    if (s.type != kGroup || s.link >= t.headers.size() ||
        t.headers[s.link].type != kSymtab)
      continue;
    std::optional<std::string_view> words = contentsOf(bytes, s);
    if (!words || words->size() < 4 || words->size() % 4 != 0) continue;
    uint32_t flags;
    memcpy(&flags, words->data(), 4);
    if (!(flags & kGrpComdat)) continue;
    ComdatGroup g;
    g.signature = s.info;
    for (size_t off = 4; off < words->size(); off += 4) {
      uint32_t index;
      memcpy(&index, words->data() + off, 4);
      g.sections.push_back(index);
    }
    result.push_back(std::move(g));
  }
  return result;
}

std::vector<std::string> parseObjectRecords(std::string_view contents) {
  // Search for the prefix rather than split on lines, so garbage (or a
  // record of another version) right before a record cannot hide it.
  static constexpr std::string_view kPrefix = "oxcc:1:";
  std::vector<std::string> ids;
  size_t pos = 0;
  while ((pos = contents.find(kPrefix, pos)) != std::string_view::npos) {
    std::string_view rest = contents.substr(pos + kPrefix.size());
    if (rest.size() >= 65 && rest[64] == '\n' && isHexId(rest.substr(0, 64))) {
      ids.emplace_back(rest.substr(0, 64));
      pos += kPrefix.size() + 65;
    } else {
      pos += 1;
    }
  }
  return ids;
}

std::string makeObjectRecord(std::string_view hexId) {
  std::string record = "oxcc:1:";
  record.append(hexId);
  record.push_back('\n');
  return record;
}

}  // namespace oxcc::elf

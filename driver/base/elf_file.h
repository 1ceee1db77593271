// Reading and patching ELF64 little-endian files, just enough for oxcc:
//
//  - every object oxcc compiles gets a non-allocated section `.oxcc.obj`
//    holding one record naming the object's stored copy. Linkers concatenate
//    same-named non-alloc PROGBITS sections, so a `.so` linked by any linker
//    from such objects carries one record per input object, in link order;
//  - listing the defined global symbols of an object or `.so` (to find the
//    `PyInit_*` functions);
//  - reading a relocatable object's symbol table and COMDAT groups (for
//    `oxcc localize`).
//
// Plain functions over bytes: the caller reads and writes files. Every read
// is bounds-checked; garbage or truncated input gives "absent"/empty/error,
// never a crash (these readers see arbitrary files from wheels).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oxcc::elf {

// The section every oxcc-compiled object carries.
inline constexpr std::string_view kObjectSection = ".oxcc.obj";

// True if `bytes` is a 64-bit little-endian ELF of type ET_REL, ET_DYN or
// ET_EXEC.
bool isElf64(std::string_view bytes);

// Contents of the first section named `name`, or std::nullopt if absent, not
// ELF, or malformed (header or contents out of bounds). A SHT_NOBITS section
// has no bytes in the file and reads as "". Compressed sections
// (SHF_COMPRESSED) are returned as stored.
std::optional<std::string> readSection(std::string_view bytes,
                                       std::string_view name);

// The result of appendSection: the new file, or why there is none.
// (std::expected is not in GCC 12.)
struct AppendResult {
  std::string bytes;  // the new file, valid when error is empty
  std::string error;  // non-empty on failure
  bool ok() const { return error.empty(); }
};

// Appends a non-allocated section (SHT_PROGBITS, flags 0, addralign 1) named
// `name` holding `data` to an ELF64 LE relocatable object (ET_REL).
//
// Existing section bytes are never moved, so section indices (used by
// symbols, relocations and groups) and contents stay valid: the data, a new
// copy of the section name table and a new section header table go at the
// end of the file. If a section named `name` already exists its contents are
// replaced; when it is the previous append's tail the file is cut back first,
// so appending twice gives the same bytes as appending once (idempotent, no
// growth).
AppendResult appendSection(std::string_view bytes, std::string_view name,
                           std::string_view data);

// Names of the defined (st_shndx != SHN_UNDEF) symbols with global, weak or
// GNU-unique binding, in symbol table order, from .symtab if present, else
// .dynsym (a stripped .so). Empty if not ELF or malformed. With strongOnly,
// only STB_GLOBAL ones (not weak or unique: C++ inline functions, template
// instantiations and their COMDAT groups).
std::vector<std::string> definedGlobalSymbols(std::string_view bytes, bool strongOnly = false);

// One .symtab entry, as `oxcc localize` needs it to tell a C++ inline
// function's hidden copy (private to its .so) from a shared one.
struct Symbol {
  std::string name;
  int bind = 0;        // STB_LOCAL 0, STB_GLOBAL 1, STB_WEAK 2, STB_GNU_UNIQUE 10
  int visibility = 0;  // STV_DEFAULT 0, STV_INTERNAL 1, STV_HIDDEN 2, STV_PROTECTED 3
  uint32_t section = 0;  // defining section (extended indices resolved); 0: undefined
  bool defined() const { return section != 0; }
  bool hidden() const { return visibility == 1 || visibility == 2; }
};
inline constexpr int kBindLocal = 0, kBindGlobal = 1, kBindWeak = 2, kBindGnuUnique = 10;

// The .symtab of a relocatable object, in index order (entry 0, the null
// symbol, included, so a group's signature index is an index here). Empty if
// not ELF, malformed, or without .symtab.
std::vector<Symbol> symbolTable(std::string_view bytes);

// A COMDAT section group (SHT_GROUP with GRP_COMDAT): the linker keeps one
// group per signature *name* for the whole link and discards the others.
struct ComdatGroup {
  uint32_t signature = 0;          // index in symbolTable(): the group's key
  std::vector<uint32_t> sections;  // member section indices
};

// The COMDAT groups of a relocatable object whose signatures are in its
// .symtab, in section order. Empty if none, not ELF, or malformed.
std::vector<ComdatGroup> comdatGroups(std::string_view bytes);

// The distinct names of the allocated, executable sections (SHF_ALLOC and
// SHF_EXECINSTR: .text, .text.foo, .text.unlikely...) of an ELF file, in
// section order. Empty if none, not ELF, or malformed.
std::vector<std::string> codeSectionNames(std::string_view bytes);

// The object ids in the records "oxcc:1:<64 lowercase hex>\n" found in a
// `.oxcc.obj` section's contents, in order, duplicates kept. Anything else
// (NUL padding a linker may insert, malformed or future-version records) is
// skipped.
std::vector<std::string> parseObjectRecords(std::string_view sectionContents);

// The 72-byte record for `hexId`, which must be 64 lowercase hex digits
// (a sha256); anything else makes a record parseObjectRecords skips.
std::string makeObjectRecord(std::string_view hexId);

}  // namespace oxcc::elf

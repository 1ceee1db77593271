// `oxcc link --explain=size`: where the bytes of the linked executable go,
// read from what the link left in its build dir: lld's map (link.map: every
// input section, its file and size) and the packed-resources manifest
// (resources.tsv: every module, file and packed library, by path).
#pragma once

#include "link/plan.h"

#include <cstdint>
#include <string>
#include <vector>

namespace oxcc {

struct SizeRow {
  std::string what;  // "interpreter (libpython3.11.a)", "extension markupsafe._speedups", ...
  uint64_t bytes = 0;
};

// One input section of link.map that takes room in the file.
struct MapSection {
  std::string outputSection; // .text, .rodata, ...
  std::string input;         // the file (archive(member)), or "<internal>"
  uint64_t size = 0;
};

// The allocated, file-backed input sections of an lld map (no .bss, no
// debug info or symbol tables: what a stripped APP holds). False with a
// message on text that is not an lld map.
bool parseLinkMap(const std::string &text, std::vector<MapSection> &out, std::string &error);

// The rows, largest group first; the last row is what the map does not
// account for (ELF headers, alignment), so the rows add up to `fileBytes`.
bool sizeReport(const LinkPlan &plan, uint64_t fileBytes, std::vector<SizeRow> &rows,
                std::string &error);

std::string formatSizeReport(const std::string &app, uint64_t fileBytes,
                             const std::vector<SizeRow> &rows);

} // namespace oxcc

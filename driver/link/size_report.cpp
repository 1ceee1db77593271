#include "size_report.h"

#include "base/fs.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <sys/stat.h>

namespace oxcc {

namespace {

// Output sections that a stripped executable does not hold in its file:
// debug info and symbol tables (stripped or in APP.debug), and the
// zero-filled ones, which take address space but no bytes.
bool countsInFile(const std::string &section) {
  return section.rfind(".debug", 0) != 0 && section != ".comment" && section != ".symtab" &&
         section != ".strtab" && section != ".shstrtab" && section != ".bss" &&
         section != ".tbss" && section.rfind(".bss.", 0) != 0;
}

std::vector<std::string> splitTabs(const std::string &line) {
  std::vector<std::string> f;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    f.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) return f;
    start = tab + 1;
  }
}

uint64_t fileSize(const std::string &path) {
  struct stat st;
  return path != "-" && stat(path.c_str(), &st) == 0 ? uint64_t(st.st_size) : 0;
}

// The archive an input comes from ("/x/libz.a(inflate.o)" -> "libz.a"), or "".
std::string archiveOf(const std::string &input) {
  size_t paren = input.find(".a(");
  if (paren == std::string::npos) return "";
  return baseName(input.substr(0, paren + 2));
}

// The group one input section of the final link belongs to.
std::string groupOf(const std::string &input, const LinkPlan &plan) {
  static const std::set<std::string> cRuntime = {
      "libc.a", "libc_nonshared.a", "libm.a", "libpthread.a", "libdl.a", "libutil.a",
      "libstdc++.a", "libgcc.a", "libgcc_eh.a", "libsupc++.a"};
  if (input == "<internal>") return "linker-made (dynamic symbols, PLT/GOT, eh_frame_hdr)";
  if (input == "resources.o") return "packed Python";
  if (input.rfind("ext/", 0) == 0) {
    std::string module = input.substr(4, input.size() - 4 - 2); // ext/NAME.o
    return "extension " + module;
  }
  if (input == "main.o" || input.find("liboxrt") != std::string::npos)
    return "oxcc runtime (liboxrt, main)";
  if (!plan.allocatorObject.empty() && input == plan.allocatorObject) return "allocator (mimalloc)";
  std::string archive = archiveOf(input);
  if (!archive.empty() && archive == baseName(plan.python.staticLib))
    return "interpreter (" + archive + ")";
  if (cRuntime.count(archive) || (archive.empty() && baseName(input).rfind("crt", 0) == 0))
    return "C/C++ runtime (libc, libstdc++, libgcc, crt)";
  if (!archive.empty()) return "library " + archive;
  return "other " + baseName(input);
}

// Top-level names of the stdlib directory: what a packed module's first
// name part must be to count as stdlib.
std::set<std::string> stdlibNames(const std::string &dir) {
  std::set<std::string> names;
  if (dir.empty()) return names;
  for (const auto &e : listDir(dir)) {
    names.insert(e); // a package directory, or a file packed as data
    if (e.size() > 3 && e.compare(e.size() - 3, 3, ".py") == 0) names.insert(e.substr(0, e.size() - 3));
  }
  return names;
}

// resources.tsv's entries by group: stdlib, each package, metadata, packed
// shared objects.
bool packedGroups(const LinkPlan &plan, std::map<std::string, uint64_t> &groups,
                  std::string &error) {
  std::string tsv = plan.options.buildDir + "/resources.tsv";
  std::optional<std::string> text = readFile(tsv, error);
  if (!text) return false;
  std::set<std::string> stdlib = stdlibNames(plan.python.stdlibDir);
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = splitTabs(line);
    if (f[0] == "module" && f.size() == 5) {
      std::string top = f[1].substr(0, f[1].find('.'));
      std::string group = stdlib.count(top) ? "stdlib" : "package " + top;
      groups["packed Python: " + group] += fileSize(f[3]) + fileSize(f[4]);
    } else if (f[0] == "file" && f.size() == 3) {
      std::string top = f[1].substr(0, f[1].find('/'));
      bool meta = top.size() > 10 && (top.compare(top.size() - 10, 10, ".dist-info") == 0 ||
                                      top.compare(top.size() - 9, 9, ".egg-info") == 0);
      std::string group = meta ? "metadata (*.dist-info)"
                          : stdlib.count(top) ? "stdlib"
                                              : "package " + top;
      groups["packed Python: " + group] += fileSize(f[2]);
    } else if (f[0] == "shlib" && f.size() == 3) {
      groups["packed .so modules (loaded from memory)"] += fileSize(f[2]);
    } else if (f[0] == "shdep" && f.size() == 3) {
      groups["packed shared libraries"] += fileSize(f[2]);
    } else {
      error = tsv + ": unexpected line '" + line.substr(0, 80) + "' (relink to rewrite it)";
      return false;
    }
  }
  return true;
}

std::string withCommas(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

} // namespace

bool parseLinkMap(const std::string &text, std::vector<MapSection> &out, std::string &error) {
  std::istringstream in(text);
  std::string line, section;
  bool header = false;
  while (std::getline(in, line)) {
    if (!header) {
      header = line.find("VMA") != std::string::npos && line.find("Symbol") != std::string::npos;
      if (!header) break;
      continue;
    }
    // VMA LMA SIZE ALIGN, then the name indented by its level: one space
    // for an output section, 9 for an input section, 17 for a symbol.
    uint64_t vma, lma, size, align;
    int used = 0;
    if (sscanf(line.c_str(), "%" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNu64 "%n", &vma, &lma, &size,
               &align, &used) != 4) {
      error = "not an lld map line: '" + line.substr(0, 80) + "'";
      return false;
    }
    size_t name = line.find_first_not_of(' ', size_t(used));
    if (name == std::string::npos) continue;
    size_t indent = name - size_t(used);
    if (indent == 1) {
      section = line.substr(name);
    } else if (indent == 9 && countsInFile(section)) {
      std::string input = line.substr(name);
      // "FILE:(SECTION)": the file is everything before the last ":(".
      size_t colon = input.rfind(":(");
      out.push_back({section, colon == std::string::npos ? input : input.substr(0, colon), size});
    }
  }
  if (!header) {
    error = "not an lld map (no VMA/LMA/Size header)";
    return false;
  }
  return true;
}

bool sizeReport(const LinkPlan &plan, uint64_t fileBytes, std::vector<SizeRow> &rows,
                std::string &error) {
  std::string mapPath = plan.options.buildDir + "/link.map";
  std::vector<MapSection> sections;
  std::optional<std::string> text = readFile(mapPath, error);
  if (!text || !parseLinkMap(*text, sections, error)) {
    error = mapPath + ": " + error;
    return false;
  }
  std::map<std::string, uint64_t> groups;
  for (const auto &s : sections) groups[groupOf(s.input, plan)] += s.size;

  // The packed Python, split by what resources.tsv says each entry is; the
  // rest of resources.o is the blob's index and alignment.
  uint64_t packedTotal = groups["packed Python"];
  groups.erase("packed Python");
  std::map<std::string, uint64_t> packed;
  if (!packedGroups(plan, packed, error)) return false;
  uint64_t entries = 0;
  for (const auto &[group, bytes] : packed) {
    groups[group] += bytes;
    entries += bytes;
  }
  groups["packed Python: index, names, alignment"] += packedTotal > entries ? packedTotal - entries : 0;

  uint64_t counted = 0;
  for (const auto &[what, bytes] : groups)
    if (bytes) {
      rows.push_back({what, bytes});
      counted += bytes;
    }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const SizeRow &a, const SizeRow &b) { return a.bytes > b.bytes; });
  rows.push_back({"ELF headers, section alignment", fileBytes > counted ? fileBytes - counted : 0});
  return true;
}

std::string formatSizeReport(const std::string &app, uint64_t fileBytes,
                             const std::vector<SizeRow> &rows) {
  size_t width = 0;
  for (const auto &r : rows) width = std::max(width, r.what.size());
  std::string out = "where the " + withCommas(fileBytes) + " bytes of " + app + " go:\n";
  char buf[512];
  for (const auto &r : rows) {
    snprintf(buf, sizeof buf, "  %-*s %14s %6.1f%%\n", int(width), r.what.c_str(),
             withCommas(r.bytes).c_str(), fileBytes ? 100.0 * double(r.bytes) / double(fileBytes) : 0);
    out += buf;
  }
  return out;
}

} // namespace oxcc

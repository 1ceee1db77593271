// What a static archive needs besides itself. A shared library records its
// dependencies (DT_NEEDED); an archive does not, so a -lfoo that resolves
// to libfoo.a must bring what libfoo.so would have loaded, or the link
// fails with undefined symbols (libxml2.a needs ICU, liblzma and libz;
// libfreetype.a needs libpng16 and brotli). Two sources, in this order:
//  - pkg-config --static: the .pc file whose Libs name -lfoo, and the -l
//    names its static link line adds (libxml-2.0 for -lxml2);
//  - else the DT_NEEDED entries of libfoo.so beside the archive, as names
//    (libpng16.so.16 -> png16).
// A musl target's archives are not described by the host's .pc or .so
// files: only those oxcc built (lib_recipes.h) are, by their own .pc files
// and the target prefix's (needsFromPrefix). A dependency that
// cannot be linked statically is left out (the metadata may name more than
// the archive uses); the final link names any symbol that was needed.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace oxcc {

struct ArchiveNeeds {
  std::vector<std::string> names; // -l names, in the order the source gives them
  std::string from;               // "pkg-config libxml-2.0 --static", "DT_NEEDED of PATH", ""
};

class StaticDeps {
public:
  // NAME as in -lNAME; ARCHIVE the libNAME.a it resolved to.
  ArchiveNeeds needs(const std::string &name, const std::string &archive);

  // An archive oxcc built from a recipe (lib_recipes.h): its own .pc files
  // in PCDIR, searched before pkg-config's (a host libxslt.pc describes
  // the host's shared build, not this one); what they require in turn
  // (libxml-2.0) comes from pkg-config's own directories on glibc.
  // ONLY (a target's pkgconfig dir): pkg-config searches PCDIR and ONLY
  // and nothing of the host's.
  ArchiveNeeds needsFromPrefix(const std::string &name, const std::string &pcDir,
                               const std::string &only = "");

private:
  bool indexed_ = false;
  std::map<std::string, std::string> packageOf_; // -l name -> .pc package
  std::map<std::string, ArchiveNeeds> known_;    // "name\narchive" -> answer
  void index();
  ArchiveNeeds pkgConfigNeeds(const std::string &name, const std::string &package,
                              const std::string &withPath, const std::string &only = "");
  ArchiveNeeds find(const std::string &name, const std::string &archive);
};

} // namespace oxcc

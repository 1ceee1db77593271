// Library dependencies of extensions (-lNAME recorded at their link): each
// is resolved to a static archive that goes into THAT extension's partial
// link, so its symbols are localized with the extension's own (two
// extensions may carry different versions of one library). Libraries the
// Python distribution or the toolchain already links are left to the final
// link; a library that exists only as a shared object is refused, or with
// --allow-shared-deps packed with its extension, which then stays a .so
// loaded from memory (shared_deps.h).
#pragma once

#include <string>
#include <vector>

namespace oxcc {

struct LinkPlan;

// What one -lNAME of one extension became.
struct LibraryResolution {
  enum class Kind {
    Archive,  // path: a static archive, linked into the extension
    Provided, // already in every binary (libc, libm, libpthread, ...)
    Shared,   // path: only a shared object exists
    Missing,  // found nowhere
  };
  std::string name; // as recorded: "ffi", or ":libffi.a"
  Kind kind = Kind::Missing;
  std::string path;
  std::vector<std::string> searched; // directories looked in, in order
  bool captured = false; // path is the copy stored at the extension's link (build-local)
  std::string neededBy;  // "" for the extension's own -l; else the -l whose archive needs it
  std::vector<std::string> needs; // an archive's own dependencies (static_deps.h)
  std::string needsFrom;          // where they were learnt
  std::string recipe; // no archive on the system: built by this recipe (lib_recipes.h)
  int sharedBy = 0; // an archive several built-in extensions link: linked once, in the final link
};

// The directories the target's linker searches by default: what
// `CC -print-search-dirs` lists, then the usual Debian ones; for a musl
// target only the musl directories.
std::vector<std::string> systemLibraryDirs(const std::string &cc, const std::string &target = "");

// One name against the extension's -L dirs, then the system dirs.
LibraryResolution resolveLibrary(const std::string &name, const std::vector<std::string> &recordedDirs,
                                 const std::vector<std::string> &systemDirs);

// Resolves every extension's libraries into plan.extensions[i].libraries
// and sets plan.libraries / plan.libraryDirs to what the final link still
// needs. False, with a message listing every place searched and the fix,
// if some library cannot be linked statically (and --allow-shared-deps
// does not allow it); the plan is filled all the same (for --explain).
bool resolveLibraryDeps(LinkPlan &plan, std::string &error);

// `oxcc link --explain`: per extension, what each -l resolved to;
// `problems` counts the libraries that stop the link.
std::string explainLibraryDeps(const LinkPlan &plan, int &problems);

} // namespace oxcc

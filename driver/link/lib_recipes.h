// Libraries oxcc builds from their Debian source packages for the target
// (`oxcc python lib`, pybuild's LINK_RECIPES): the object that makes
// mimalloc the process's malloc, and static archives of libraries the
// system has only as a shared object (Debian ships no libxslt.a) or, on
// musl, at all. Each is built once per target and inputs, in oxcc's cache.
#pragma once

#include <map>
#include <string>

namespace oxcc {

struct Toolchain;

class LibraryRecipes {
public:
  LibraryRecipes(const Toolchain &tools, const std::string &target) : tools_(tools), target_(target) {}

  // The recipe whose archives include lib<lname>.a; "" if none.
  std::string recipeFor(const std::string &lname);

  // Builds RECIPE for the target, or finds it cached: its prefix (include/,
  // lib/, lib/pkgconfig/). False with one line naming the command, what it
  // needs, and `fix` as the way out.
  bool prefix(const std::string &recipe, const std::string &fix, std::string &prefix,
              std::string &error);

private:
  const Toolchain &tools_;
  std::string target_;
  bool listed_ = false;
  std::map<std::string, std::string> recipeOf_; // -l name -> recipe
  std::map<std::string, std::string> built_;    // recipe -> prefix
};

} // namespace oxcc

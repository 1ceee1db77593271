// The distutils shim's tags. The shim (distutils_shim/) appends
// --oxcc-module=pkg.sub._ext to every compile and link it runs for an
// extension, and --oxcc-cc=PROG when it reroutes a C++ link through oxc++.
// They are oxcc's, so they are taken out before the real compiler runs.
#include "registry.h"
#include "store.h"

namespace oxcc {

static bool claimTag(const std::string &arg, const char *prefix, std::string &value) {
  if (!arg.starts_with(prefix)) return false;
  value = arg.substr(std::char_traits<char>::length(prefix));
  return true;
}

static bool claimSetuptoolsTags(std::vector<std::string> &args, Invocation &inv,
                                std::string &error) {
  std::vector<std::string> kept;
  kept.reserve(args.size());
  for (const auto &a : args) {
    std::string value;
    if (claimTag(a, "--oxcc-module=", value)) {
      if (!isValidModuleName(value)) {
        error = "--oxcc-module='" + value +
                "' is not a Python module name (expected dotted identifiers, e.g. pkg.sub._ext)";
        return false;
      }
      inv.module = value;
    } else if (claimTag(a, "--oxcc-cc=", value)) {
      if (value.empty()) {
        error = "--oxcc-cc= needs a compiler (e.g. --oxcc-cc=g++)";
        return false;
      }
      inv.compilerOverride = value;
    } else {
      kept.push_back(a);
    }
  }
  args.swap(kept);
  return true;
}

extern const Plugin kSetuptoolsPlugin = {
    .name = "setuptools",
    .claimArgs = claimSetuptoolsTags,
};

} // namespace oxcc

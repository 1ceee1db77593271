// The distutils shim's tags. The shim (distutils_shim/) appends
// --oxcc-module=pkg.sub._ext to every compile and link it runs for an
// extension, and --oxcc-cc=PROG when it reroutes a C++ link through oxc++.
// Cross-extension linking adds --oxcc-export=SYM (a symbol this extension
// keeps global in a static link) and --oxcc-link-module=pkg._ext (an
// extension whose exports this one calls), from [tool.oxcc] or by hand.
// They are oxcc's, so they are taken out before the real compiler runs.
// A built-in, registered through the same C table as a loaded plugin.
#include "host.h"
#include "base/module_name.h"

#include <cctype>

namespace oxcc {

static bool claimTag(const std::string &arg, const char *prefix, std::string &value) {
  if (!arg.starts_with(prefix)) return false;
  value = arg.substr(std::char_traits<char>::length(prefix));
  return true;
}

static bool isCIdentifier(const std::string &s) {
  if (s.empty() || std::isdigit((unsigned char)s[0])) return false;
  for (char c : s)
    if (!std::isalnum((unsigned char)c) && c != '_') return false;
  return true;
}

// One tag: false + message when malformed.
static bool claimOne(const oxcc_api *api, oxcc_call *call, const std::string &a, bool &claimed,
                     std::string &error) {
  std::string value;
  claimed = true;
  if (claimTag(a, "--oxcc-module=", value)) {
    if (!isValidModuleName(value)) {
      error = "--oxcc-module='" + value +
              "' is not a Python module name (expected dotted identifiers, e.g. pkg.sub._ext)";
      return false;
    }
    api->set(call, "module", value.c_str());
  } else if (claimTag(a, "--oxcc-export=", value)) {
    // A C symbol: what `oxcc localize` will keep global for its dependents.
    if (value.empty() || !isCIdentifier(value)) {
      error = "--oxcc-export='" + value + "' is not a C symbol name (e.g. --oxcc-export=mylib_add)";
      return false;
    }
    api->insert(call, "exports", api->count(call, "exports"), value.c_str());
  } else if (claimTag(a, "--oxcc-link-module=", value)) {
    if (!isValidModuleName(value)) {
      error = "--oxcc-link-module='" + value +
              "' is not a Python module name (expected the exporting extension, e.g. pkg._core)";
      return false;
    }
    api->insert(call, "link_modules", api->count(call, "link_modules"), value.c_str());
  } else if (claimTag(a, "--oxcc-cc=", value)) {
    if (value.empty()) {
      error = "--oxcc-cc= needs a compiler (e.g. --oxcc-cc=g++)";
      return false;
    }
    api->set(call, "compiler", value.c_str());
  } else {
    claimed = false;
  }
  return true;
}

static void claimSetuptoolsTags(const oxcc_api *api, oxcc_call *call, void *) {
  for (size_t i = 0; i < api->count(call, "args");) {
    const char *a = api->item(call, "args", i);
    // Cheap test first: this runs on every compiler call.
    if (!a || a[0] != '-' || a[1] != '-' || a[2] != 'o' || a[3] != 'x') {
      ++i;
      continue;
    }
    bool claimed;
    std::string error;
    if (!claimOne(api, call, a, claimed, error)) {
      api->error(call, error.c_str());
      return;
    }
    if (claimed) api->remove(call, "args", i);
    else ++i;
  }
}

extern const oxcc_plugin kSetuptoolsPlugin = {
    .abi_version = OXCC_PLUGIN_ABI_VERSION,
    .name = "setuptools",
    .claim_args = claimSetuptoolsTags,
};

} // namespace oxcc

// Checks of an InterpreterConfig that need no interpreter: every problem a
// configuration can have is a message before anything starts.
#include "config.h"

#include <set>

namespace oxrt {

std::string expandOrigin(const std::string &path, const std::string &origin) {
  for (const char *token : {"${ORIGIN}", "$ORIGIN"}) {
    std::string t = token;
    if (path.compare(0, t.size(), t) == 0 && (path.size() == t.size() || path[t.size()] == '/'))
      return origin + path.substr(t.size());
  }
  return path;
}

namespace {

bool knownPolicy(SharedModulePolicy p) {
  return p == SharedModulePolicy::Memory || p == SharedModulePolicy::Extract ||
         p == SharedModulePolicy::Refuse;
}

} // namespace

Status validate(const InterpreterConfig &c) {
  auto fail = [](std::string m) { return Status::failure(std::move(m)); };
  if (c.profile != Profile::Isolated && c.profile != Profile::Python)
    return fail("unknown profile " + std::to_string(int(c.profile)) + " (isolated or python)");
  if (c.entry.kind != Entry::Python && c.entry.kind != Entry::Module &&
      c.entry.kind != Entry::Script)
    return fail("unknown entry kind " + std::to_string(int(c.entry.kind)));
  if (c.entry.kind != Entry::Python && c.entry.target.empty())
    return fail("the entry has no target module or script");
  if (c.resources.data && !c.resourcesPath.empty())
    return fail("both resources (in memory) and resourcesPath (" + c.resourcesPath +
                ") are set: give one");
  if (c.resources.data && reinterpret_cast<uintptr_t>(c.resources.data) % 8 != 0)
    return fail("the packed resources must start on an 8-byte boundary (align the section "
                "holding them)");
  if (c.memoryImporter && !c.resources.data && c.resourcesPath.empty())
    return fail("the in-memory importer has no packed resources: set resources or "
                "resourcesPath, or turn memoryImporter off and put the standard library "
                "on sysPath");
  if (!c.memoryImporter && !c.filesystemImporter)
    return fail("both importers are off: nothing could import the standard library "
                "(turn memoryImporter or filesystemImporter on)");

  std::set<std::string> names;
  for (const oxrt_builtin *b = c.builtins; b && b->name; ++b) {
    if (!b->init)
      return fail(std::string("built-in module '") + b->name + "' has no init function");
    if (!names.insert(b->name).second)
      return fail(std::string("built-in module '") + b->name + "' is registered twice");
  }
  for (const ExtensionModule &e : c.extensionModules) {
    if (e.name.empty() || e.name.front() == '.' || e.name.back() == '.' ||
        e.name.find("..") != std::string::npos)
      return fail("extension module name '" + e.name + "' is not a dotted module name");
    if (!e.init) return fail("extension module '" + e.name + "' has no init function");
    if (!names.insert(e.name).second)
      return fail("extension module '" + e.name + "' is registered twice");
  }

  if (!knownPolicy(c.sharedModulePolicy))
    return fail("unknown shared-module policy " + std::to_string(int(c.sharedModulePolicy)));
  for (const auto &[name, policy] : c.sharedModulePolicies)
    if (!knownPolicy(policy))
      return fail("unknown shared-module policy " + std::to_string(int(policy)) + " for '" +
                  name + "'");

  if (c.allocator != Allocator::Default && c.allocator != Allocator::System &&
      c.allocator != Allocator::Mimalloc && c.allocator != Allocator::Jemalloc)
    return fail("unknown allocator " + std::to_string(int(c.allocator)) +
                " (default, system, mimalloc or jemalloc)");
  if (c.optimizationLevel < -1 || c.optimizationLevel > 2)
    return fail("optimization level " + std::to_string(c.optimizationLevel) +
                " is not 0, 1 or 2 (or -1: from argv)");
  const std::string &m = c.multiprocessingStartMethod;
  if (!m.empty() && m != "fork" && m != "spawn" && m != "forkserver")
    return fail("multiprocessing start method '" + m + "' is not fork, spawn or forkserver");
  if (c.terminfo != Terminfo::Dynamic && c.terminfo != Terminfo::Static &&
      c.terminfo != Terminfo::None)
    return fail("unknown terminfo mode " + std::to_string(int(c.terminfo)));
  if (c.terminfo == Terminfo::Static && c.terminfoDirs.empty())
    return fail("terminfo is static but terminfoDirs is empty");
  if (c.fileAttribute != FileAttribute::Virtual && c.fileAttribute != FileAttribute::Unset)
    return fail("unknown __file__ policy " + std::to_string(int(c.fileAttribute)));
  for (const std::string &p : c.extractPackageData)
    if (p.empty() || p.find_first_of("./\\ \t\n") != std::string::npos)
      return fail("extractPackageData: '" + p + "' is not a top-level package name");
  return {};
}

} // namespace oxrt

namespace oxrt {

std::string terminfoDirsToSet(const InterpreterConfig &c, const char *current,
                              bool (*exists)(const char *)) {
  if (c.terminfo == Terminfo::None || (current && *current)) return "";
  if (c.terminfo == Terminfo::Static) return c.terminfoDirs;
  // Where Debian, Fedora/RHEL, Arch, Alpine, macOS and the BSDs keep the
  // terminfo database: a program linked on one distribution finds the
  // database of whichever it runs on.
  std::string dirs;
  for (const char *d : {"/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo",
                        "/usr/lib/terminfo", "/usr/share/lib/terminfo"})
    if (exists(d)) dirs += (dirs.empty() ? "" : ":") + std::string(d);
  return dirs;
}

} // namespace oxrt

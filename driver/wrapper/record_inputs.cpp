// The inputs of an extension link that the link alone would leave
// unrecorded, kept so that `oxcc link` can rebuild the extension later,
// after the build tree is gone:
//  - sources on the link line (numpy hands SVML's .s files to the link of
//    _multiarray_umath), compiled again on their own, through oxcc, with
//    the same compiler and flags, into recorded objects;
//  - static archives a -l found in a build-local -L directory (setuptools'
//    build_clib, numpy's libnpymath.a), stored like foreign objects.
#include "wrapper/record.h"
#include "base/environment.h"

#include "base/elf_file.h"
#include "base/fs.h"
#include "base/process.h"

#include <cstdlib>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

namespace oxcc {

namespace {

// Link-only options: meaningless (or harmful: -shared, -static) when the
// same flags compile one source with -c. The one-token spellings, then
// those that take the next token as their value.
bool linkOnlyFlag(const std::string &f) {
  static const std::set<std::string> kOne = {
      "-shared", "--shared", "-static", "--static", "-static-libgcc", "-static-libstdc++",
      "-shared-libgcc", "-rdynamic", "-pie", "-no-pie", "-static-pie", "-s", "-nostdlib",
      "-nostartfiles", "-nodefaultlibs", "-nolibc", "-symbolic", "-Bsymbolic"};
  // Joined forms: -Tscript, -static-libasan and the like.
  return kOne.count(f) || f.starts_with("-fuse-ld=") || f.starts_with("--ld-path=") ||
         (f.starts_with("-T") && f.size() > 2) || f.starts_with("-static-lib");
}
bool linkOnlyFlagWithValue(const std::string &f) { return f == "-u" || f == "-T" || f == "-e"; }

bool under(const std::string &path, const std::string &dir) {
  return !dir.empty() && (path == dir || path.starts_with(dir == "/" ? dir : dir + "/"));
}

} // namespace

bool compileLinkSources(RecordContext &ctx, ExtensionRecord &ext, std::string &error) {
  const Invocation &inv = ctx.inv;
  std::vector<std::string> flags;
  for (size_t i = 0; i < inv.flags.size(); ++i) {
    if (linkOnlyFlagWithValue(inv.flags[i])) {
      ++i;
      continue;
    }
    if (!linkOnlyFlag(inv.flags[i])) flags.push_back(inv.flags[i]);
  }
  int n = 0;
  for (const auto &in : inv.inputs) {
    if (in.type != InputType::Source) continue;
    // Through oxcc itself, so the object is recorded (and tagged with the
    // module) exactly as a separate compile would be, by the same compiler.
    std::string object = ctx.store.tmpDir() + "/linksrc-" + std::to_string(getpid()) + "-" +
                         std::to_string(n++) + "-" + baseName(in.path) + ".o";
    Command cmd{selfExe(), {"oxcc", "--oxcc-cc=" + ctx.compiler}};
    if (!ext.module.empty()) cmd.argv.push_back("--oxcc-module=" + ext.module);
    cmd.argv.insert(cmd.argv.end(), flags.begin(), flags.end());
    if (!in.language.empty()) cmd.argv.insert(cmd.argv.end(), {"-x", in.language});
    cmd.argv.insert(cmd.argv.end(), {"-c", in.path, "-o", object});
    int status = spawnAndWait(cmd, error);
    std::string err;
    auto bytes = status == 0 ? readFile(object, err) : std::nullopt;
    unlink(object.c_str());
    auto section = bytes ? elf::readSection(*bytes, elf::kObjectSection) : std::nullopt;
    auto ids = section ? elf::parseObjectRecords(*section) : std::vector<std::string>{};
    // No section: the child compiled but could not record (it said why).
    if (ids.empty()) {
      error = "module " + (ext.module.empty() ? inv.output : ext.module) + ": " + in.path +
              " is compiled and linked in one step, and compiling it on its own (" +
              shellQuote(ctx.compiler) + " with the link's flags and -c) failed" +
              (status < 0 ? ": " + error : std::string(" (see above)")) +
              "; fix: compile it with -c in the build and link the object";
      return false;
    }
    ext.objects.push_back(ids.front());
  }
  return true;
}

bool captureBuildLocalLibraries(RecordContext &ctx, ExtensionRecord &ext, std::string &error) {
  // Build-local: inside the link's working directory (the package's build
  // tree) or the temporary directory (pip's build dirs). Those are gone by
  // the time `oxcc link` runs; system and installed libraries are not
  // copied: oxcc link finds them where they are.
  std::string cwd = realPath(ctx.cwd);
  const std::string &tmpEnv = environment().tmpdir;
  std::string tmp = realPath(tmpEnv.empty() ? "/tmp" : tmpEnv);
  for (const auto &name : ext.libraries) {
    std::string file = name.starts_with(":") ? name.substr(1) : "lib" + name + ".a";
    // The archive oxcc link would pick (libdeps.cpp: an archive in any -L
    // dir before a shared object), if it is build-local.
    for (const auto &dir : ext.libraryDirs) {
      std::string path = dir + "/" + file;
      if (!isRegularFile(path)) continue;
      std::string real = realPath(path);
      if (!file.ends_with(".a") || (!under(real, cwd) && !under(real, tmp))) break;
      auto bytes = readFile(path, error);
      if (!bytes) return false;
      std::string id;
      if (!storeForeignInput(ctx, path, *bytes, ".a", id, error)) return false;
      ext.capturedLibraries[name] = id;
      break;
    }
  }
  return true;
}

} // namespace oxcc

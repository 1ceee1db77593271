// oxcc localize IN OUT INIT NEWINIT [KEEP...]: makes a partially linked
// extension behave like its own .so inside one static binary. Every strong
// global it defines becomes local (two extensions may both define `helper`,
// or link two versions of one static library), except its init function,
// which is renamed to NEWINIT (two extensions may both be `_speedups`), and
// the KEEP symbols it exports to other extensions (--oxcc-export), which
// stay global for their callers to resolve. Weak and GNU-unique definitions stay as they are: they are
// C++ inline functions, template instantiations and the exception
// personality reference, in COMDAT groups that the linker keeps once for
// the whole binary; made local they would point into discarded sections.
#include "elf_file.h"
#include "fs.h"
#include "process.h"
#include "tools.h"

#include <set>
#include <sys/wait.h>

namespace oxcc {

int toolLocalize(const Args &args) {
  if (args.size() < 4) return fail(2, "usage: oxcc localize IN.o OUT.o INIT NEWINIT [KEEP...]");
  const std::string &in = args[0], &out = args[1], &init = args[2], &newInit = args[3];
  std::set<std::string> keep(args.begin() + 4, args.end());
  std::string error;
  auto bytes = readFile(in, error);
  if (!bytes) return fail(1, "oxcc localize: " + error);
  std::string list;
  bool hasInit = false;
  std::set<std::string> kept;
  for (const auto &sym : elf::definedGlobalSymbols(*bytes, /*strongOnly=*/true)) {
    if (sym == init) hasInit = true;
    else if (keep.count(sym)) kept.insert(sym);
    else list += sym + "\n";
  }
  if (!hasInit)
    return fail(1, "oxcc localize: " + in + " does not define its init function " + init);
  // An export that is not there would surface later as an undefined symbol
  // in some other extension: name the exporter now.
  // (A weak definition counts: it stays global anyway.)
  for (const auto &sym : elf::definedGlobalSymbols(*bytes, /*strongOnly=*/false))
    if (keep.count(sym)) kept.insert(sym);
  for (const auto &sym : keep)
    if (!kept.count(sym) && sym != init)
      return fail(1, "oxcc localize: " + in + " does not define " + sym +
                         ", which it declares as exported (--oxcc-export / oxcc_exports); "
                         "fix the declaration or the extension's sources");
  std::string listPath = out + ".localize";
  Command cmd{findOnPath("objcopy"), {"objcopy", "--redefine-sym", init + "=" + newInit, in, out}};
  // objcopy fails, silently, on an empty --localize-symbols file.
  if (!list.empty()) {
    if (!writeFileAtomic(listPath, list, dirName(absolutePath(out)), error))
      return fail(1, "oxcc localize: " + error);
    cmd.argv.insert(cmd.argv.begin() + 1, "--localize-symbols=" + listPath);
  }
  if (cmd.path.empty()) return fail(1, "oxcc localize: objcopy is not on PATH (apt-get install binutils)");
  int status = spawnAndWait(cmd, error);
  unlink(listPath.c_str());
  if (status < 0) return fail(1, "oxcc localize: " + error);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail(1, "oxcc localize: objcopy failed on " + in);
  return 0;
}

} // namespace oxcc

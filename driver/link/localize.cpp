// oxcc localize IN OUT INIT NEWINIT [KEEP...]: makes a partially linked
// extension behave like its own .so inside one static binary, where Python
// would have dlopened it RTLD_LOCAL:
//  - every strong global it defines becomes local (two extensions may both
//    define `helper`, or link two versions of one static library), except
//    its init function, renamed to NEWINIT (two extensions may both be
//    `_speedups`), and the KEEP symbols it exports to other extensions
//    (--oxcc-export), which stay global for their callers to resolve;
//  - every hidden weak or GNU-unique definition (C++ inline functions,
//    their static locals, templates, vtables and typeinfo of an extension
//    built with -fvisibility=hidden, as pybind11 does) is renamed to
//    `NAME.NEWINIT`: no .so can share a hidden symbol, so each extension
//    keeps its own copy, and its own function-local statics. Making them
//    local is not enough: the final link keeps one COMDAT group per
//    signature *name* and discards the other extensions' copies from under
//    their local symbols. A group's signature is a symbol, so renaming it
//    renames the group: it is renamed with the group's hidden members (the
//    C5/D5 groups of constructors and destructors have a local one);
//  - default-visibility weak and unique definitions keep their names: the
//    final link keeps one copy, as ld.so shares STB_GNU_UNIQUE ones (static
//    locals of inline functions, template static members) across
//    RTLD_LOCAL libraries. A group holding such a unique symbol cannot be
//    duplicated (lld reports two unique definitions as a duplicate symbol)
//    and stays shared, its hidden members with it.
//  - with --code-section NAME, every executable section it has (.text,
//    .text.*) is renamed NAME (a C identifier): the final link then keeps
//    the extension's code in one output section of its own, between the
//    __start_NAME and __stop_NAME symbols the linker defines, so the
//    runtime can answer dladdr() for it as for its own .so (numpy tells
//    the interpreter's frames from an extension's by their base).
// The C++ runtime keeps working across copies: GCC compares typeinfo by
// name, and each copy's DW.ref.__gxx_personality_v0 points to the one
// personality routine.
#include "base/elf_file.h"
#include "base/fs.h"
#include "base/process.h"
#include "link/command.h"

#include <set>
#include <tuple>
#include <unordered_map>
#include <sys/wait.h>

namespace oxcc {
namespace {

// The hidden weak/unique definitions of `bytes` to give this extension a
// private copy of, with the signatures of the COMDAT groups they live in.
std::set<std::string> privateDefinitions(std::string_view bytes, const std::set<std::string> &keep) {
  std::vector<elf::Symbol> syms = elf::symbolTable(bytes);
  // '@' would read as a symbol version in the final link; a strong global
  // is localized instead.
  auto renamable = [&](const elf::Symbol &s) {
    return !s.name.empty() && s.name.find('@') == std::string::npos && !keep.count(s.name) &&
           s.bind != elf::kBindGlobal;
  };
  auto sharedUnique = [](const elf::Symbol &s) { return s.bind == elf::kBindGnuUnique && !s.hidden(); };
  std::set<std::string> names;
  std::unordered_map<uint32_t, std::vector<const elf::Symbol *>> globalsIn;  // by section
  for (const auto &s : syms) {
    if (!s.defined() || s.bind == elf::kBindLocal) continue;
    globalsIn[s.section].push_back(&s);
    if ((s.bind == elf::kBindWeak || s.bind == elf::kBindGnuUnique) && s.hidden() && renamable(s))
      names.insert(s.name);
  }

  for (const auto &g : elf::comdatGroups(bytes)) {
    if (g.signature >= syms.size()) continue;
    std::vector<const elf::Symbol *> members;
    for (uint32_t section : g.sections)
      if (auto it = globalsIn.find(section); it != globalsIn.end())
        members.insert(members.end(), it->second.begin(), it->second.end());
    bool hasPrivate = false, hasShared = false;
    for (const auto *s : members) {
      hasPrivate |= names.count(s->name) > 0;
      hasShared |= sharedUnique(*s);
    }
    if (!hasPrivate) continue;
    const elf::Symbol &sig = syms[g.signature];
    if (!hasShared && !sharedUnique(sig) && renamable(sig)) {
      names.insert(sig.name);
      continue;
    }
    // It cannot be duplicated: the whole group stays shared, as before.
    for (const auto *s : members) names.erase(s->name);
  }
  return names;
}

} // namespace

int toolLocalize(const Args &allArgs) {
  std::string codeSection;
  Args args = allArgs;
  if (args.size() >= 2 && args[0] == "--code-section") {
    codeSection = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.size() < 4)
    return fail(2, "usage: oxcc localize [--code-section NAME] IN.o OUT.o INIT NEWINIT [KEEP...]");
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
  std::string renames;
  for (const auto &sym : privateDefinitions(*bytes, keep)) renames += sym + " " + sym + "." + newInit + "\n";

  std::string listPath = out + ".localize", renamePath = out + ".rename";
  Command cmd{findOnPath("objcopy"), {"objcopy", "--redefine-sym", init + "=" + newInit, in, out}};
  // objcopy fails, silently, on an empty --localize-symbols file.
  for (const auto &[path, text, option] : {std::tuple{listPath, list, "--localize-symbols="},
                                           std::tuple{renamePath, renames, "--redefine-syms="}}) {
    if (text.empty()) continue;
    if (!writeFileAtomic(path, text, dirName(absolutePath(out)), error))
      return fail(1, "oxcc localize: " + error);
    cmd.argv.insert(cmd.argv.begin() + 1, option + path);
  }
  // One --rename-section per code section: thousands for a C++ extension,
  // so they go to objcopy in a response file, never on its command line.
  std::string sectionsPath = out + ".sections", sections;
  if (!codeSection.empty())
    for (const auto &name : elf::codeSectionNames(*bytes))
      if (name != codeSection) sections += "--rename-section '" + name + "=" + codeSection + "'\n";
  if (!sections.empty()) {
    if (!writeFileAtomic(sectionsPath, sections, dirName(absolutePath(out)), error))
      return fail(1, "oxcc localize: " + error);
    cmd.argv.insert(cmd.argv.begin() + 1, "@" + sectionsPath);
  }
  if (cmd.path.empty()) return fail(1, "oxcc localize: objcopy is not on PATH (apt-get install binutils)");
  int status = spawnAndWait(cmd, error);
  unlink(listPath.c_str());
  unlink(renamePath.c_str());
  unlink(sectionsPath.c_str());
  if (status < 0) return fail(1, "oxcc localize: " + error);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail(1, "oxcc localize: objcopy failed on " + in);
  return 0;
}

} // namespace oxcc

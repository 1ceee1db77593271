// oxcc ld: lld's ELF linker, in this process. Also reached as `ld.lld`
// (a symlink to oxcc-tools in libexec/oxcc), so `gcc -fuse-ld=lld
// -B<libexec>/oxcc/` links with it: gcc keeps supplying the crt files and
// libgcc it knows about, and no ld.lld is needed on PATH.
#include "oxcc/commands.h"

#include "lld/Common/CommonLinkerContext.h"
#include "lld/Common/Driver.h"
#include "llvm/Support/raw_ostream.h"

namespace oxcc {

int toolLd(const Args &args) {
  std::vector<const char *> argv = {"ld.lld"};
  for (const auto &a : args) argv.push_back(a.c_str());
  // exitEarly=false: return here so the caller's atomic rename logic and
  // exit code stay ours; lld writes its output through a temporary itself.
  bool ok = lld::elf::link(argv, llvm::outs(), llvm::errs(), /*exitEarly=*/false,
                           /*disableOutput=*/false);
  lld::CommonLinkerContext::destroy();
  return ok ? 0 : 1;
}

} // namespace oxcc

// oxcc-ld: lld's ELF linker as a program of its own, run in this process.
// It loads the shared libLLVM (tens of milliseconds), so it is kept apart
// from oxcc-tools, whose other subcommands (a no-op `oxcc link`, `oxcc
// list`) must start fast. Reached as `oxcc ld ...`, and as `ld.lld` (a
// symlink in libexec/oxcc), so `gcc -fuse-ld=lld -B<libexec>/oxcc/` links
// with it: gcc keeps supplying the crt files and libgcc it knows about, and
// no ld.lld is needed on PATH.
#include "lld/Common/CommonLinkerContext.h"
#include "lld/Common/Driver.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

int main(int argc, char **argv) {
  std::vector<const char *> args = {"ld.lld"};
  args.insert(args.end(), argv + 1, argv + argc);
  // exitEarly=false: return here so the caller's atomic rename logic and
  // exit code stay ours; lld writes its output through a temporary itself.
  bool ok = lld::elf::link(args, llvm::outs(), llvm::errs(), /*exitEarly=*/false,
                           /*disableOutput=*/false);
  lld::CommonLinkerContext::destroy();
  return ok ? 0 : 1;
}

// oxcc-ld: lld's ELF linker as a program of its own. It loads the shared
// libLLVM (tens of milliseconds), so it is kept apart from oxcc-tools, whose
// other subcommands (a no-op `oxcc link`, `oxcc list`) must start fast.
// Reached as `oxcc ld ...`, and as `ld.lld` (a symlink) when gcc links with
// -fuse-ld=lld -B<libexec>/oxcc/.
#include "oxcc/commands.h"

int main(int argc, char **argv) {
  return oxcc::toolLd(oxcc::Args(argv + 1, argv + argc));
}

#include "oxcc/commands.h"

#include <cstdio>

#ifndef OXCC_VERSION
#define OXCC_VERSION "0.0.0"
#endif

namespace oxcc {

int toolVersion() {
  printf("oxcc %s\n", OXCC_VERSION);
  return 0;
}

int toolHelp() {
  fputs(R"(oxcc - a compiler driver that turns Python extension builds into records
       it can later link into one executable.

As a compiler (wrapper mode):
  CC=oxcc pip wheel --no-build-isolation --no-index .
  oxcc [compiler arguments]     run the real C compiler, record objects/extensions
  oxc++ [compiler arguments]    the same for C++
  Every argument is passed to the real compiler unchanged (including
  --version and other queries); oxcc only reads them. -### prints what oxcc
  would record and run, then the compiler's own -### output.

Subcommands:
  oxcc build [PROJECT_DIR | REQUIREMENT...] -o APP [--find-links DIR] [--no-index]
                                the whole job: the project and what it requires built
                                into wheels through oxcc, linked into APP; the entry
                                from its console script (oxcc build --help)
  oxcc env [--python PY] [--target T]
                                print shell exports (CC, CXX, LDSHARED,
                                LDCXXSHARED, PYTHONPATH for the shim)
  oxcc run [--python PY] [--target T] -- CMD
                                run CMD with that environment; --target T
                                cross-builds: T's compiler and the headers of
                                T's distribution (oxcc python build --target T)
  oxcc list [--json]            the recorded extension modules (newest build of each)
  oxcc list --stats [--json]    what the builds recorded, and why the other calls did not
  oxcc link -o APP [--wheel W]... [--module M]... [--all] [--pure DIR]... [-m MOD[:FUNC]]
                                one executable: the extensions as built-ins, the stdlib
                                and Python code embedded (oxcc link --help for all options)
  oxcc ld ARGS...               lld's ELF linker, in process
  oxcc python build --target x86_64-linux-musl|x86_64-linux-gnu [--deps=system]
                                a static CPython 3.11 from Debian sources, every
                                stdlib module built in (oxcc python build --help)
  oxcc python list              the built Python distributions
  oxcc shim install|uninstall|path [--python PY]
                                put the distutils shim in PY's site-packages
  oxcc store verify             check every record and stored object
  oxcc store gc [--dry-run] [--grace 24h]
                                remove objects no extension record references
                                (spares anything used within the grace period)
  oxcc version                  oxcc's own version (--version is the compiler's)
  oxcc help                     this text

Environment:
  OXCC_STORE      the store (default ${XDG_CACHE_HOME:-~/.cache}/oxcc/store)
  OXCC_CC         the real C compiler (default: first cc on PATH that is not oxcc)
  OXCC_CXX        the real C++ compiler (default: first c++ on PATH)
  OXCC_LAUNCHER   run the compiler behind this launcher (ccache, distcc, icecc)
  OXCC_PLUGINS    plugins to load, colon-separated (also --plugin PATH.so, oxcc.toml)
  OXCC_TARGET     build for this target (x86_64-linux-musl, x86_64-linux-gnu): its
                  compiler and its Python distribution's headers; also the triple
                  recorded (default: the compiler's -dumpmachine)
  OXCC_STRICT=1   a failure to record is an error (default: a warning)
  OXCC_DISABLE=1  run the real compiler only, record nothing

Docs: docs/user-guide.md, docs/formats.md, docs/architecture.md
)",
        stdout);
  return 0;
}

} // namespace oxcc

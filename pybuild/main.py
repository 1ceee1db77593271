#!/usr/bin/python3
"""`oxcc python`: build and list Python distributions (see README.md).

oxcc execs this file as `/usr/bin/python3 <prefix>/share/oxcc/pybuild/main.py
ARGS...` for `oxcc python ARGS...`.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import PybuildError, UsageError  # noqa: E402
import build  # noqa: E402
import deps as deps_mod  # noqa: E402
import listing  # noqa: E402
import targets  # noqa: E402

USAGE = """usage: oxcc python build --target TARGET [options]
       oxcc python lib NAME --target TARGET
       oxcc python lib --list
       oxcc python list
       oxcc python build --help
"""


def parse_build_args(argv):
    p = argparse.ArgumentParser(
        prog="oxcc python build",
        description="Build a static CPython 3.11 distribution from Debian source "
        "packages: every stdlib extension module built in (no .so), third-party "
        "libraries (zlib, bzip2, xz, libffi, sqlite3, openssl) built with the "
        "target compiler. Progress goes to stderr; the distribution directory "
        "is the last stdout line. A second call with the same inputs prints "
        "the cached distribution at once.",
        epilog="Cache: ${OXCC_CACHE:-${XDG_CACHE_HOME:-~/.cache}/oxcc}/python. "
        "Docs: docs/python-distributions.md")
    p.add_argument("--target", required=True, metavar="TARGET",
                   help="one of: " + ", ".join(targets.TARGETS))
    p.add_argument("--deps", choices=["source", "system"], default="source",
                   help="source: build the libraries from Debian source packages "
                   "(default); system: link Debian's static archives from the "
                   "-dev packages (x86_64-linux-gnu only)")
    p.add_argument("--source", metavar="TARBALL",
                   help="a CPython 3.11.x source tarball to build instead of "
                   "Debian's python3.11 orig tarball")
    p.add_argument("--source-package", metavar="NAME", default="python3.11",
                   help="the Debian source package holding CPython (default "
                   "python3.11)")
    p.add_argument("--without", action="append", default=[], metavar="LIB",
                   choices=["openssl"],
                   help="leave a library out (openssl: no _ssl/_hashlib; a "
                   "quick build for development)")
    p.add_argument("--no-pgo", action="store_true",
                   help="skip profile-guided optimisation (instrumented build, "
                   "training run, rebuild): a quicker, slower-running build, "
                   "cached under its own key")
    p.add_argument("--no-lto", action="store_true",
                   help="skip link-time optimisation (fat LTO objects, then a "
                   "partial link optimising libpython's core as one program): "
                   "quicker, slower-running, cached under its own key")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                   help="parallel make jobs (default: the number of CPUs)")
    p.add_argument("--keep-work", action="store_true",
                   help="keep the build tree after a failure (for debugging)")
    return p.parse_args(argv)


def parse_lib_args(argv):
    p = argparse.ArgumentParser(
        prog="oxcc python lib",
        description="Build a library an application's link adds (not one CPython "
        "links) from its Debian source package with the target compiler, cached by "
        "its inputs; `oxcc link` calls it for --allocator=mimalloc and for a -l "
        "library the target has no static archive of. Progress goes to "
        "stderr; the library's prefix (include/, lib/) is the last stdout line.",
        epilog="Cache: ${OXCC_CACHE:-${XDG_CACHE_HOME:-~/.cache}/oxcc}/python/deps.")
    p.add_argument("name", metavar="NAME", nargs="?",
                   help="the library: " + ", ".join(sorted(deps_mod.all_recipes())))
    p.add_argument("--list", action="store_true",
                   help="print each library NAME and the -l names it provides, "
                   "tab-separated, and exit")
    p.add_argument("--target", metavar="TARGET",
                   help="one of: " + ", ".join(targets.TARGETS))
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                   help="parallel make jobs (default: the number of CPUs)")
    return p.parse_args(argv)


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    cmd, rest = argv[0], argv[1:]
    try:
        if cmd == "build":
            opts = parse_build_args(rest)
            print(build.build(opts))
            return 0
        if cmd == "lib":
            print(build.link_library(parse_lib_args(rest)))
            return 0
        if cmd == "list":
            if rest:
                raise UsageError("oxcc python list takes no arguments")
            return listing.list_distributions()
        raise UsageError(f"unknown command 'oxcc python {cmd}'\n{USAGE}")
    except PybuildError as e:
        sys.stderr.write(f"oxcc python: error: {e}\n")
        return e.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

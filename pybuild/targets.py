"""The targets oxcc builds Python for, and the C compiler of each."""
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

from common import UsageError, oxcc_prefix

TARGETS = ("x86_64-linux-musl", "x86_64-linux-gnu")

# musl's default thread stack is 128 KiB, too small for CPython's recursion
# limit; glibc takes its default from RLIMIT_STACK (8 MiB).
MUSL_LINK_FLAGS = ["-static", "-Wl,-z,stack-size=1048576"]


@dataclass
class Target:
    name: str
    cc: str                      # absolute path of the C compiler
    cc_identity: str             # its --version text: part of the cache key
    musl: bool
    link_flags: list = field(default_factory=list)  # for the manifest
    exe_link_flags: list = field(default_factory=list)  # for the dist's bin/python


def resolve(name, deps):
    """Turns --target/--deps into a Target whose compiler works, or exit 2."""
    if name not in TARGETS:
        raise UsageError(f"unknown target '{name}' (supported: {', '.join(TARGETS)})")
    if deps == "system" and name != "x86_64-linux-gnu":
        raise UsageError(
            f"--deps=system is for x86_64-linux-gnu only: Debian has no static "
            f"{name} libraries; use --deps=source")
    if name == "x86_64-linux-musl":
        cc = os.path.join(oxcc_prefix(), "libexec/oxcc/target/x86_64-linux-musl/cc")
        if not os.access(cc, os.X_OK):
            raise UsageError(f"cannot find the musl compiler wrapper {cc} (reinstall oxcc)")
        t = Target(name, cc, "", True, list(MUSL_LINK_FLAGS), list(MUSL_LINK_FLAGS))
        hint = ("is musl-tools installed (apt-get install musl-tools)? The wrapper "
                "runs $OXCC_MUSL_REALGCC (default x86_64-linux-gnu-gcc) with "
                "/usr/lib/x86_64-linux-musl/musl-gcc.specs")
    else:
        cc = os.environ.get("OXCC_PYBUILD_GNU_CC") or shutil.which("x86_64-linux-gnu-gcc") \
            or shutil.which("gcc") or "gcc"
        cc = shutil.which(cc) or cc
        t = Target(name, cc, "", False, [], ["-static"])
        hint = "install build-essential, or point OXCC_PYBUILD_GNU_CC at a gcc"
    check_compiler(t, hint)
    return t


def check_compiler(t, hint):
    """Compiles, statically links and runs a tiny program: a missing or broken
    toolchain is reported before anything is downloaded or built."""
    with tempfile.TemporaryDirectory(prefix="oxcc-pybuild-cc-") as d:
        src = os.path.join(d, "t.c")
        with open(src, "w") as f:
            f.write('#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n')
        exe = os.path.join(d, "t")
        try:
            r = subprocess.run([t.cc, "-static", src, "-o", exe], capture_output=True, text=True)
            ok, why = r.returncode == 0, (r.stderr or r.stdout).strip().splitlines()[-1:]
            if ok:
                r = subprocess.run([exe], capture_output=True, text=True)
                ok, why = r.returncode == 0 and r.stdout == "ok\n", ["the test program failed"]
            ver = subprocess.run([t.cc, "--version"], capture_output=True, text=True)
            t.cc_identity = ver.stdout.splitlines()[0] if ver.stdout else ""
        except OSError as e:
            ok, why = False, [str(e)]
        if not ok:
            raise UsageError(
                f"the {t.name} C compiler does not work: {t.cc}: "
                f"{' '.join(why)}\n  {hint}")

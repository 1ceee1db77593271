"""unit.pybuild_lto: libpython's LTO partial link (cpython.lto_link) on a
small tree made here the way CPython's Makefile lays one out: objects
compiled fat (cpython.LTO_CFLAGS), a Makefile naming LIBRARY_OBJS, a
Modules/Setup.local. Checks what the archive holds afterwards, that a call
from one core file to another was inlined (the point of LTO, and what
-fPIE in the partial link makes possible), that the modules of
Setup.local and config.o stay members of their own, that no member keeps
LTO bytecode, and that `make` does not rebuild the archive afterwards.

Run: /usr/bin/python3 pybuild/cpython_test.py"""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cpython  # noqa: E402
from common import PybuildError, StepLog  # noqa: E402
from targets import Target  # noqa: E402

SOURCES = {
    # The core: ceval calls a small function of another file.
    "Objects/small.c": "int oxcc_small(int x) { return x * 3 + 1; }\n",
    "Python/ceval.c": "int oxcc_small(int);\n"
                      "int oxcc_eval(int x) { return oxcc_small(x) + oxcc_small(x + 1); }\n",
    # config.o and a Setup.local module (two files) stay apart.
    "Modules/config.c": "int oxcc_init_mod(void);\nint (*oxcc_tab[])(void) = {oxcc_init_mod};\n",
    "Modules/_mod/a.c": "int oxcc_eval(int);\nint oxcc_init_mod(void) { return oxcc_eval(1); }\n",
    "Modules/_mod/b.c": "int oxcc_mod_b(void) { return 2; }\n",
}
OBJS = ["Objects/small.o", "Python/ceval.o", "Modules/config.o", "Modules/_mod/a.o",
        "Modules/_mod/b.o"]
MAKEFILE = """LIBRARY=libpython3.11.a
LIBRARY_OBJS= {objs}
$(LIBRARY): $(LIBRARY_OBJS)
\trm -f $@; ar rcs $@ $(LIBRARY_OBJS)
%.o: %.c
\tgcc -c -O2 {flags} -o $@ $<
""".format(objs=" ".join(OBJS), flags=cpython.LTO_CFLAGS)


def sh(argv, cwd):
    return subprocess.run(argv, cwd=cwd, check=True, capture_output=True, text=True).stdout


class LtoLink(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.src = os.path.join(self.tmp.name, "cpython")
        for path, text in SOURCES.items():
            os.makedirs(os.path.dirname(os.path.join(self.src, path)), exist_ok=True)
            with open(os.path.join(self.src, path), "w") as f:
                f.write(text)
        with open(os.path.join(self.src, "Makefile"), "w") as f:
            f.write(MAKEFILE)
        with open(os.path.join(self.src, "Modules/Setup.local"), "w") as f:
            f.write("# comment\n*static*\nOXCC_X=-DX=1\n_mod _mod/a.c _mod/b.c $(OXCC_X) -lfoo\n")
        sh(["make", "-s", "libpython3.11.a"], self.src)
        self.log = StepLog(os.path.join(self.tmp.name, "log"), "lto")
        self.target = Target("x86_64-linux-gnu", "gcc", "gcc", False)

    def tearDown(self):
        self.log.close()
        self.tmp.cleanup()

    def test_core_is_one_optimised_member(self):
        self.assertEqual(cpython.lto_link(self.src, self.target, self.log), (2, 3))
        lib = os.path.join(self.src, "libpython3.11.a")
        self.assertEqual(sh(["ar", "t", lib], self.src).split(),
                         ["oxcc-lto-core.o", "config.o", "a.o", "b.o"])
        out = os.path.join(self.tmp.name, "x")
        os.makedirs(out)
        sh(["ar", "x", lib], out)
        # Inlined across files: oxcc_eval calls nothing.
        dis = sh(["objdump", "-d", "--no-show-raw-insn", "oxcc-lto-core.o"], out)
        body = dis[dis.index("<oxcc_eval>:"):].split("\n\n")[0]
        self.assertNotIn("call", body)
        self.assertIn("oxcc_small", sh(["nm", "oxcc-lto-core.o"], out))
        for member in ("oxcc-lto-core.o", "config.o", "a.o", "b.o"):
            self.assertNotIn(".gnu.lto_", sh(["readelf", "-S", "-W", member], out), member)
        # The objects are untouched, so make keeps the new archive.
        self.assertIn("is up to date", sh(["make", "libpython3.11.a"], self.src))

    def test_members_that_do_not_match_setup_local_are_an_error(self):
        with open(os.path.join(self.src, "Modules/Setup.local"), "a") as f:
            f.write("_gone _gone.c\n")
        with self.assertRaisesRegex(PybuildError, "do not match Setup.local"):
            cpython.lto_link(self.src, self.target, self.log)

    def test_setup_local_objects(self):
        self.assertEqual(cpython.setup_local_objects(self.src),
                         ["Modules/_mod/a.o", "Modules/_mod/b.o"])


if __name__ == "__main__":
    unittest.main()

"""unit.pybuild_sources: Debian's patches applied at extraction
(sources.apply_debian_patches), on tarballs made here: a patch that
applies, one that only touches a component tarball oxcc does not unpack,
one that does not apply, a series naming a file outside debian/patches,
automake inputs a patch touches, CPython's series taken from its first
CVE patch; and the cache key, which must change with the patches.

Run: /usr/bin/python3 pybuild/sources_test.py"""
import os
import subprocess
import sys
import tarfile
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sources  # noqa: E402
from common import PybuildError  # noqa: E402

GOOD = """--- a/src/lib.c
+++ b/src/lib.c
@@ -1,3 +1,3 @@
 int f(int n) {
-  return n;
+  return n < 0 ? 0 : n; /* the fix */
 }
"""
COMPONENT = """--- a/demos/demo.c
+++ b/demos/demo.c
@@ -1 +1 @@
-old
+new
"""
AUTOMAKE = """--- a/Makefile.am
+++ b/Makefile.am
@@ -1 +1,2 @@
 lib_LTLIBRARIES = libpkg.la
+check_PROGRAMS = newtest
"""
BAD = """--- a/src/lib.c
+++ b/src/lib.c
@@ -1,3 +1,3 @@
 int g(int n) {
-  return n * 2;
+  return n * 3;
 }
"""


class Log:
    """StepLog's interface, writing to a file."""

    def __init__(self, path):
        self.path = path
        self.file = open(path, "w")

    def run(self, argv, cwd=None, env=None, extra_env=None, ok=(0,)):
        rc = subprocess.call(argv, cwd=cwd, stdout=self.file, stderr=subprocess.STDOUT)
        if rc not in ok:
            raise PybuildError(f"{argv[0]} exited {rc}; log: {self.path}")
        return rc

    def note(self, text):
        self.file.write(text + "\n")
        self.file.flush()


class DebianPatches(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        orig = os.path.join(self.dir, "pkg-1.0")
        os.makedirs(os.path.join(orig, "src"))
        with open(os.path.join(orig, "src", "lib.c"), "w") as f:
            f.write("int f(int n) {\n  return n;\n}\n")
        for name, text in (("Makefile.am", "lib_LTLIBRARIES = libpkg.la\n"),
                           ("Makefile.in", "# generated from Makefile.am\n")):
            with open(os.path.join(orig, name), "w") as f:
                f.write(text)
            os.utime(os.path.join(orig, name), (1_000_000_000, 1_000_000_000))
        self.orig = os.path.join(self.dir, "pkg_1.0.orig.tar.gz")
        with tarfile.open(self.orig, "w:gz") as tf:
            tf.add(orig, arcname="pkg-1.0")

    def tearDown(self):
        self.tmp.cleanup()

    def source(self, series, patches):
        """A Source whose .debian.tar holds `patches` and `series`."""
        deb = os.path.join(self.dir, "deb")
        os.makedirs(os.path.join(deb, "debian", "patches"), exist_ok=True)
        for name, text in patches.items():
            with open(os.path.join(deb, "debian", "patches", name), "w") as f:
                f.write(text)
        with open(os.path.join(deb, "debian", "patches", "series"), "w") as f:
            f.write(series)
        path = os.path.join(self.dir, "pkg_1.0-1.debian.tar.xz")
        with tarfile.open(path, "w:xz") as tf:
            tf.add(os.path.join(deb, "debian"), arcname="debian")
        return sources.Source("pkg", "1.0-1", "1.0", os.path.basename(self.orig), "0" * 64,
                              self.orig, os.path.basename(path), "1" * 64, path)

    def extract(self, src):
        log = Log(os.path.join(self.dir, "log"))
        return sources.extract(src, os.path.join(self.dir, "out"), log), log

    def test_applies_the_series_and_skips_component_only_patches(self):
        src = self.source("# comment\nfix.patch\ndemo.patch -p1\n",
                          {"fix.patch": GOOD, "demo.patch": COMPONENT})
        tree, log = self.extract(src)
        with open(os.path.join(tree, "src", "lib.c")) as f:
            self.assertIn("the fix", f.read())
        with open(log.path) as f:
            text = f.read()
        self.assertIn("skipped demo.patch: it patches only demos/", text)
        self.assertIn("applied 1 patches of debian/patches/series, skipped 1", text)

    def test_patched_automake_inputs_keep_their_old_mtime(self):
        # make must not take the shipped Makefile.in for stale and call
        # automake (a build machine need not have it).
        src = self.source("am.patch\n", {"am.patch": AUTOMAKE})
        tree, _ = self.extract(src)
        with open(os.path.join(tree, "Makefile.am")) as f:
            self.assertIn("newtest", f.read())
        self.assertLessEqual(os.stat(os.path.join(tree, "Makefile.am")).st_mtime,
                             os.stat(os.path.join(tree, "Makefile.in")).st_mtime)

    def test_a_patch_that_does_not_apply_fails_naming_it(self):
        src = self.source("fix.patch\nbad.patch\n", {"fix.patch": GOOD, "bad.patch": BAD})
        with self.assertRaises(PybuildError) as e:
            self.extract(src)
        self.assertIn("Debian's patch bad.patch of source package 'pkg'", str(e.exception))

    def test_a_series_entry_outside_debian_patches_is_refused(self):
        src = self.source("../../etc/passwd\n", {})
        with self.assertRaises(PybuildError) as e:
            self.extract(src)
        self.assertIn("not a file under debian/patches", str(e.exception))

    def test_the_key_covers_the_patches(self):
        src = self.source("fix.patch\n", {"fix.patch": GOOD})
        bare = sources.Source("pkg", "1.0-1", "1.0", src.file, src.sha256, src.path)
        self.assertTrue(src.patched)
        self.assertFalse(bare.patched)
        self.assertEqual(bare.key, bare.sha256)
        self.assertNotEqual(src.key, bare.key)
        self.assertEqual(src.manifest_entry()["debian_patches"]["file"], "pkg_1.0-1.debian.tar.xz")
        self.assertEqual(bare.manifest_entry()["debian_patches"], "unavailable")

    def test_cpython_takes_the_series_from_its_first_cve_patch(self):
        # Before it, Debian's own layout (here a patch that would not even
        # apply); from it on, the security updates.
        src = self.source("deb-layout.diff\nCVE-2024-0450.patch\n",
                          {"deb-layout.diff": BAD, "CVE-2024-0450.patch": GOOD})
        src.name = "python3.11"
        self.assertTrue(src.patched)
        tree, log = self.extract(src)
        with open(os.path.join(tree, "src", "lib.c")) as f:
            self.assertIn("the fix", f.read())
        with open(log.path) as f:
            self.assertIn("the series from CVE-2024-0450.patch (entry 2): the 1 before it are "
                          "Debian's packaging", f.read())


if __name__ == "__main__":
    unittest.main()

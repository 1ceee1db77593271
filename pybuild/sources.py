"""Source tarballs: Debian source packages fetched with apt, verified
against their .dsc, cached in ${cache}/sources; or a user's CPython tarball.

Every source is built from its orig tarball with Debian's patches applied
(the `.debian.tar` the same .dsc lists, its debian/patches/series): that
is where Debian's stable releases carry their security fixes (libwebp's
CVE-2023-4863, libtiff's, libxml2's, CPython's...). A library takes the
whole series. CPython takes its tail only: Debian's series for it starts
with Debian's install layout and multiarch changes, which an oxcc
distribution must not take, and its stable updates are appended after
them, starting with the first patch named after a CVE (docs/
python-distributions.md)."""
import glob
import os
import re
import shutil
import subprocess
import hashlib
import tarfile
import tempfile
from dataclasses import dataclass

from common import PybuildError, UsageError, cache_root, progress, sha256_file

# Bump when what "patched" means changes (the series reading, the skips):
# every library's cache key has it.
PATCHES_VERSION = 1
# Source packages whose series is applied from the first patch whose name
# matches, not from its start (see the docstring).
SERIES_FROM = {"python3.11": re.compile(r"CVE-\d{4}-\d+")}


def warn_if_unpatched(src):
    """Says, every time such a source is built or used, that Debian's
    patches could not be fetched for it (a user's --source tarball has
    none to miss)."""
    if src.name != "cpython" and not src.patched:
        progress(f"warning: {src.name}: Debian's patches could not be fetched "
                 f"({src.version}): built from the orig tarball alone, WITHOUT the "
                 f"security fixes Debian applies to it")


@dataclass
class Source:
    name: str         # Debian source package (or "cpython" for --source)
    version: str      # Debian version (3.11.2-6+deb12u8), or upstream for --source
    upstream: str     # upstream version (3.11.2)
    file: str         # tarball file name
    sha256: str
    path: str         # absolute path of the tarball
    debian_file: str = None    # the .debian.tar with the patches, if fetched
    debian_sha256: str = None
    debian_path: str = None

    @property
    def patched(self):
        return bool(self.debian_path)

    @property
    def key(self):
        """What a build from this source is keyed by: the orig tarball and,
        when they are applied, Debian's patches."""
        if not self.patched:
            return self.sha256
        return hashlib.sha256(f"{self.sha256} {self.debian_sha256} patches-v{PATCHES_VERSION}"
                              .encode()).hexdigest()

    def manifest_entry(self):
        entry = {"name": self.name, "version": self.version, "file": self.file,
                 "sha256": self.sha256}
        if self.patched:
            entry["debian_patches"] = {"file": self.debian_file, "sha256": self.debian_sha256}
        elif self.name != "cpython":
            entry["debian_patches"] = "unavailable"
        return entry


def sources_dir():
    return os.path.join(cache_root(), "sources")


def _dsc_field(text, name):
    m = re.search(rf"^{name}:\s*(.+)$", text, re.M)
    return m.group(1).strip() if m else None


def _from_dsc(dsc_path, package, what="orig"):
    """(sha256, file, dsc text) of the package's orig tarball (what="orig")
    or Debian packaging tarball (what="debian") as the .dsc lists it."""
    with open(dsc_path, errors="replace") as f:
        text = f.read()
    block = re.search(r"^Checksums-Sha256:\n((?: .+\n?)+)", text, re.M)
    if not block:
        return None, None, text
    for line in block.group(1).splitlines():
        parts = line.split()
        if len(parts) == 3 and re.fullmatch(
                rf"{re.escape(package)}_[^_/]+\.{what}\.tar\.[a-z0-9]+", parts[2]):
            return parts[0], parts[2], text
    return None, None, text


def _with_debian(src, dsc_path, directory):
    """src with its .debian.tar, when the .dsc names one and a copy in
    `directory` matches its sha256."""
    sha, name, _ = _from_dsc(dsc_path, src.name, "debian")
    path = os.path.join(directory, name) if name else None
    if path and os.path.isfile(path) and sha256_file(path) == sha:
        src.debian_file, src.debian_sha256, src.debian_path = name, sha, path
    return src


def _cached(package):
    """The newest cached, verified tarball of `package`, or None. A cache
    filled before the patches were kept (a .dsc naming a .debian.tar that
    is not there, and no note that it could not be fetched) is not used:
    fetching again brings the patches."""
    d = sources_dir()
    dscs = sorted(glob.glob(os.path.join(d, f"{glob.escape(package)}_*.dsc")))
    for dsc in reversed(dscs):
        sha, orig, text = _from_dsc(dsc, package, "orig")
        path = os.path.join(d, orig) if orig else None
        if path and os.path.isfile(path) and sha256_file(path) == sha:
            src = _with_debian(_make_source(package, text, orig, sha, path), dsc, d)
            debian = _from_dsc(dsc, package, "debian")[1]
            if debian and not src.debian_path and not os.path.exists(_unavailable_note(dsc)):
                return None
            return src
    return None


def _unavailable_note(dsc_path):
    """Beside a .dsc: its .debian.tar could not be fetched (so a cached
    source without it is not fetched again at every build)."""
    return dsc_path[:-len(".dsc")] + ".debian-unavailable"


def _make_source(package, dsc_text, orig, sha, path):
    version = _dsc_field(dsc_text, "Version") or "?"
    upstream = orig[len(package) + 1:].split(".orig.tar.")[0]
    upstream = upstream.split(".dfsg")[0].split("+dfsg")[0]
    return Source(package, version, upstream, orig, sha, path)


def fetch(package):
    """A verified orig tarball of Debian source package `package`.

    apt-get exits 100 when the .debian.tar 404s even though the .dsc and the
    orig tarball arrived, so its status says nothing: the files are checked.
    """
    src = _cached(package)
    if src:
        return src
    d = sources_dir()
    os.makedirs(d, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{package}-", dir=d)
    try:
        r = subprocess.run(["apt-get", "source", "--download-only", package],
                           cwd=tmp, capture_output=True, text=True)
        log = r.stdout + r.stderr
        dscs = sorted(glob.glob(os.path.join(tmp, f"{glob.escape(package)}_*.dsc")))
        if not dscs:
            if "deb-src" in log:
                why = "no deb-src entry in the apt sources (run utils/bootstrap)"
            else:
                errs = [l for l in log.splitlines() if l.startswith("E:")]
                why = errs[0] if errs else (log.strip().splitlines() or ["no output"])[-1]
            raise UsageError(f"cannot fetch Debian source package '{package}': {why}")
        sha, orig, text = _from_dsc(dscs[-1], package, "orig")
        if not orig:
            raise UsageError(f"{os.path.basename(dscs[-1])} lists no orig tarball for {package}")
        got = os.path.join(tmp, orig)
        if not os.path.isfile(got):
            raise UsageError(f"cannot fetch {orig} of source package '{package}' (apt-get source)")
        if sha256_file(got) != sha:
            raise PybuildError(f"{orig} does not match the sha256 in {os.path.basename(dscs[-1])}")
        # The patches: a copy that does not match the .dsc is refused; one
        # that could not be fetched leaves the build unpatched, said loudly
        # and recorded in the manifest (apt-get may get the orig tarball and
        # not the .debian.tar).
        dsha, debian, _ = _from_dsc(dscs[-1], package, "debian")
        if debian and os.path.isfile(os.path.join(tmp, debian)):
            if sha256_file(os.path.join(tmp, debian)) != dsha:
                raise PybuildError(f"{debian} does not match the sha256 in "
                                   f"{os.path.basename(dscs[-1])}")
            os.replace(os.path.join(tmp, debian), os.path.join(d, debian))
        elif debian:
            with open(_unavailable_note(os.path.join(d, os.path.basename(dscs[-1]))), "w") as f:
                f.write(f"apt-get source fetched no {debian}\n")
        # The tarball first: a .dsc in the cache implies its tarball is there.
        os.replace(got, os.path.join(d, orig))
        os.replace(dscs[-1], os.path.join(d, os.path.basename(dscs[-1])))
        src = _make_source(package, text, orig, sha, os.path.join(d, orig))
        return _with_debian(src, os.path.join(d, os.path.basename(dscs[-1])), d)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def from_tarball(path):
    """A user's CPython source tarball; only 3.11.x is supported."""
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise UsageError(f"--source {path}: no such file")
    try:
        with tarfile.open(path) as tf:
            first = tf.next()
    except (tarfile.TarError, OSError) as e:
        raise UsageError(f"--source {path}: not a readable tarball ({e})")
    top = first.name.split("/")[0] if first else ""
    m = re.fullmatch(r"Python-(\d+\.\d+\.\d+)", top)
    if not m:
        raise UsageError(f"--source {path}: not a CPython source tarball "
                         f"(its top directory is '{top}', expected Python-3.11.N)")
    version = m.group(1)
    if not version.startswith("3.11."):
        raise UsageError(f"--source {path}: CPython {version} is not supported "
                         f"(only 3.11.x: the Setup and manifest logic is 3.11's)")
    return Source("cpython", version, version, os.path.basename(path),
                  sha256_file(path), path)


def extract(src, dest, log):
    """Extracts `src` into dest/ (tar is much faster than tarfile), applies
    Debian's patches when it has them, and returns its top directory."""
    os.makedirs(dest, exist_ok=True)
    log.run(["tar", "--no-same-owner", "-xf", src.path, "-C", dest])
    entries = os.listdir(dest)
    tree = dest
    if len(entries) == 1 and os.path.isdir(os.path.join(dest, entries[0])):
        tree = os.path.join(dest, entries[0])
    if src.patched:
        apply_debian_patches(src, tree, os.path.join(dest, ".debian"), log)
    return tree


def _series(path):
    """[(patch file, strip level)] of a quilt series file."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            level = next((w for w in words[1:] if re.fullmatch(r"-p\d+", w)), "-p1")
            out.append((words[0], level))
    return out


def _targets(patch_path):
    """The paths a patch writes (its +++ lines, the a/ b/ prefix dropped)."""
    out = []
    with open(patch_path, errors="replace") as f:
        for line in f:
            if line.startswith("+++ "):
                p = line[4:].split("\t")[0].strip()
                out.append(p.split("/", 1)[1] if "/" in p else p)
    return out


def _autotools_input(path):
    name = os.path.basename(path)
    return name in ("configure.ac", "configure.in", "Makefile.am", "aclocal.m4") or \
        name.endswith((".am", ".m4"))


def _keep_generated_current(tree, mtimes, log):
    """Gives the autotools inputs the patches changed their old mtimes back
    (a file a patch created, the oldest of those), so make does not take
    the shipped configure and Makefile.in for stale and call automake,
    which a build machine need not have (libxml2's 0034 patch adds a test
    to Makefile.am). What such a patch changes in the build is then not
    taken, as the log says; Debian's fixes are in the C sources."""
    old = [t for t in mtimes.values() if t is not None]
    floor = min(old) if old else None
    for path, mtime in sorted(mtimes.items()):
        f = os.path.join(tree, path)
        when = mtime if mtime is not None else floor
        if when is not None and os.path.exists(f):
            os.utime(f, (when, when))
            log.note(f"kept the shipped build files current over the patched {path}")


def apply_debian_patches(src, tree, work, log):
    """Debian's debian/patches/series, in order, with patch(1). A patch
    that does not apply fails the build, naming it, except one whose every
    file lies under a top directory the tree lacks: it patches a component
    tarball Debian unpacks beside the main one (freetype's ft2demos and
    ft2docs), which oxcc does not build."""
    os.makedirs(work, exist_ok=True)
    log.run(["tar", "--no-same-owner", "-xf", src.debian_path, "-C", work])
    patches = os.path.join(work, "debian", "patches")
    series = os.path.join(patches, "series")
    if not os.path.isfile(series):
        log.note(f"{src.debian_file}: no debian/patches/series: nothing to apply")
        return
    entries = _series(series)
    start = SERIES_FROM.get(src.name)
    if start:
        first = next((i for i, (n, _) in enumerate(entries) if start.match(n)), len(entries))
        log.note(f"{src.debian_file}: the series from {entries[first][0] if first < len(entries) else 'its end'}"
                 f" (entry {first + 1}): the {first} before it are Debian's packaging")
        entries = entries[first:]
    applied = skipped = 0
    mtimes = {}  # autotools inputs a patch touches: their mtime before it
    for name, level in entries:
        path = os.path.normpath(os.path.join(patches, name))
        if not path.startswith(patches + os.sep) or not os.path.isfile(path):
            raise PybuildError(f"{src.debian_file}: the series names {name!r}, which is not a "
                               f"file under debian/patches")
        argv = ["patch", level, "--forward", "--batch", "--no-backup-if-mismatch", "-i", path]
        targets = _targets(path)
        if log.run(argv + ["--dry-run", "--silent"], cwd=tree, ok=(0, 1, 2)) != 0:
            tops = {t.split("/", 1)[0] for t in targets if "/" in t}
            if targets and all("/" in t for t in targets) and \
                    not any(os.path.isdir(os.path.join(tree, d)) for d in tops):
                log.note(f"skipped {name}: it patches only {', '.join(sorted(tops))}/, "
                         f"not part of this tree")
                skipped += 1
                continue
            raise PybuildError(f"Debian's patch {name} of source package '{src.name}' "
                               f"({src.debian_file}) does not apply to {src.file}; log: {log.path}")
        for t in targets:
            if _autotools_input(t) and t not in mtimes:
                f = os.path.join(tree, t)
                mtimes[t] = os.stat(f).st_mtime if os.path.exists(f) else None
        log.run(argv, cwd=tree)
        applied += 1
    _keep_generated_current(tree, mtimes, log)
    log.note(f"{src.debian_file}: applied {applied} patches of debian/patches/series"
             + (f", skipped {skipped}" if skipped else ""))

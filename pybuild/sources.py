"""Source tarballs: Debian source packages fetched with apt, verified
against their .dsc, cached in ${cache}/sources; or a user's CPython tarball."""
import glob
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass

from common import PybuildError, UsageError, cache_root, sha256_file


@dataclass
class Source:
    name: str         # Debian source package (or "cpython" for --source)
    version: str      # Debian version (3.11.2-6+deb12u8), or upstream for --source
    upstream: str     # upstream version (3.11.2)
    file: str         # tarball file name
    sha256: str
    path: str         # absolute path of the tarball

    def manifest_entry(self):
        return {"name": self.name, "version": self.version, "file": self.file,
                "sha256": self.sha256}


def sources_dir():
    return os.path.join(cache_root(), "sources")


def _dsc_field(text, name):
    m = re.search(rf"^{name}:\s*(.+)$", text, re.M)
    return m.group(1).strip() if m else None


def _orig_from_dsc(dsc_path, package):
    """(sha256, file) of the package's orig tarball as the .dsc lists it."""
    with open(dsc_path, errors="replace") as f:
        text = f.read()
    block = re.search(r"^Checksums-Sha256:\n((?: .+\n?)+)", text, re.M)
    if not block:
        return None, None, text
    for line in block.group(1).splitlines():
        parts = line.split()
        if len(parts) == 3 and re.fullmatch(
                rf"{re.escape(package)}_[^_/]+\.orig\.tar\.[a-z0-9]+", parts[2]):
            return parts[0], parts[2], text
    return None, None, text


def _cached(package):
    """The newest cached, verified tarball of `package`, or None."""
    d = sources_dir()
    dscs = sorted(glob.glob(os.path.join(d, f"{glob.escape(package)}_*.dsc")))
    for dsc in reversed(dscs):
        sha, orig, text = _orig_from_dsc(dsc, package)
        path = os.path.join(d, orig) if orig else None
        if path and os.path.isfile(path) and sha256_file(path) == sha:
            return _make_source(package, text, orig, sha, path)
    return None


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
        sha, orig, text = _orig_from_dsc(dscs[-1], package)
        if not orig:
            raise UsageError(f"{os.path.basename(dscs[-1])} lists no orig tarball for {package}")
        got = os.path.join(tmp, orig)
        if not os.path.isfile(got):
            raise UsageError(f"cannot fetch {orig} of source package '{package}' (apt-get source)")
        if sha256_file(got) != sha:
            raise PybuildError(f"{orig} does not match the sha256 in {os.path.basename(dscs[-1])}")
        # The tarball first: a .dsc in the cache implies its tarball is there.
        os.replace(got, os.path.join(d, orig))
        os.replace(dscs[-1], os.path.join(d, os.path.basename(dscs[-1])))
        return _make_source(package, text, orig, sha, os.path.join(d, orig))
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
    """Extracts `src` into dest/ (tar is much faster than tarfile) and
    returns its single top directory."""
    os.makedirs(dest, exist_ok=True)
    log.run(["tar", "--no-same-owner", "-xf", src.path, "-C", dest])
    entries = os.listdir(dest)
    if len(entries) == 1 and os.path.isdir(os.path.join(dest, entries[0])):
        return os.path.join(dest, entries[0])
    return dest

"""Distributions installed in an environment (a site-packages or Debian's
dist-packages), and the closure of what an app needs from it.

An environment holds one metadata entry per distribution: NAME.dist-info/
(METADATA, RECORD, maybe top_level.txt) or NAME.egg-info (a directory with
PKG-INFO, requires.txt, top_level.txt, maybe installed-files.txt; or a bare
PKG-INFO file). What a distribution requires comes from its metadata; the
files it owns from RECORD or installed-files.txt, else from its top-level
names (Debian's egg-info lists no files). Metadata is not enough to close
an app (Debian's pycparser imports ply and declares nothing), so
collect_python.py also follows the imports in the collected bytecode: an
import of a top-level name that only a distribution here provides adds it.
"""

import email.parser
import os
import re
import sys

try:  # pip's copy of packaging evaluates environment markers
    from pip._vendor.packaging.markers import Marker, InvalidMarker
except ImportError:  # pragma: no cover - pip is in Debian's python3-pip
    Marker = None


def normalize(name):
    """PEP 503: 'Zope.Interface' and 'zope-interface' name one distribution."""
    return re.sub(r'[-_.]+', '-', name).lower()


def marker_holds(marker):
    """An environment marker ('python_version < "3.11"') for this interpreter.
    A requirement asked for by an extra ('extra == "test"') is not taken."""
    if not marker:
        return True
    if 'extra' in marker:
        return False
    if Marker is None:
        return True
    try:
        return Marker(marker).evaluate()
    except (InvalidMarker, Exception):
        return True


def requirement_name(line):
    """'attrs (>=19.2.0) ; python_version < "3.8"' -> ('attrs', 'python_version < "3.8"')."""
    spec, _, marker = line.partition(';')
    m = re.match(r'\s*([A-Za-z0-9][A-Za-z0-9._-]*)', spec)
    return (m.group(1) if m else ''), marker.strip()


class Distribution:
    __slots__ = ('name', 'version', 'site', 'meta', 'files', 'top_levels', 'requires')

    def __init__(self, name, version, site, meta):
        self.name, self.version, self.site, self.meta = normalize(name), version, site, meta
        self.files = None  # paths relative to site, or None: not listed
        self.top_levels = set()
        self.requires = []

    def roots(self):
        """The top-level files and directories under site that hold its modules."""
        if self.files is not None:
            tops = {f.split('/')[0] for f in self.files}
            return sorted(t for t in tops if not t.endswith(('.dist-info', '.egg-info', '.data'))
                          and t not in ('..', '__pycache__') and not t.endswith('.pth'))
        out = []
        for top in sorted(self.top_levels):
            for cand in (top, top + '.py'):
                if os.path.exists(os.path.join(self.site, cand)):
                    out.append(cand)
        return out


def _read(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return f.read()
    except OSError:
        return None


def _requires_txt(text):
    """An egg-info's requires.txt: plain lines, then [extra] or [:marker] sections."""
    out, section = [], ''
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        if line.startswith('['):
            section = line[1:-1]
            continue
        extra, _, marker = section.partition(':')
        if extra or not marker_holds(marker):
            continue
        name, m = requirement_name(line)
        if name and marker_holds(m):
            out.append(normalize(name))
    return out


def _dist_info(site, entry):
    meta_dir = os.path.join(site, entry)
    text = _read(os.path.join(meta_dir, 'METADATA'))
    if text is None:
        return None
    msg = email.parser.Parser().parsestr(text, headersonly=True)
    d = Distribution(msg.get('Name', entry.split('-')[0]), msg.get('Version', ''), site, meta_dir)
    for line in msg.get_all('Requires-Dist') or []:
        name, marker = requirement_name(line)
        if name and marker_holds(marker):
            d.requires.append(normalize(name))
    record = _read(os.path.join(meta_dir, 'RECORD'))
    if record is not None:
        d.files = [line.split(',')[0] for line in record.splitlines() if line.strip()]
    top = _read(os.path.join(meta_dir, 'top_level.txt'))
    if top:
        d.top_levels = {t.strip() for t in top.splitlines() if t.strip()}
    elif d.files is not None:
        d.top_levels = {f.split('/')[0].removesuffix('.py') for f in d.files
                        if '/' in f or f.endswith('.py')} - {'..', '__pycache__'}
        d.top_levels = {t for t in d.top_levels if not t.endswith(('.dist-info', '.data'))}
    return d


def _egg_info(site, entry):
    path = os.path.join(site, entry)
    is_dir = os.path.isdir(path)
    text = _read(os.path.join(path, 'PKG-INFO') if is_dir else path)
    if text is None:
        return None
    msg = email.parser.Parser().parsestr(text, headersonly=True)
    d = Distribution(msg.get('Name', entry.split('-')[0]), msg.get('Version', ''), site, path)
    if is_dir:
        req = _read(os.path.join(path, 'requires.txt'))
        if req:
            d.requires = _requires_txt(req)
        top = _read(os.path.join(path, 'top_level.txt'))
        if top:
            d.top_levels = {t.strip() for t in top.splitlines() if t.strip()}
        listed = _read(os.path.join(path, 'installed-files.txt'))
        if listed:
            files = [os.path.normpath(os.path.join(entry, f.strip())) for f in listed.splitlines()
                     if f.strip()]
            d.files = [f for f in files if not f.startswith('..')]
    if not d.top_levels:
        d.top_levels = {re.sub(r'[-.]', '_', msg.get('Name', entry.split('-')[0]))}
    return d


def scan(site):
    """Every distribution of one environment, by normalized name."""
    dists = {}
    for entry in sorted(os.listdir(site)):
        if entry.endswith('.dist-info'):
            d = _dist_info(site, entry)
        elif entry.endswith('.egg-info'):
            d = _egg_info(site, entry)
        else:
            continue
        if d is not None and d.name not in dists:
            dists[d.name] = d
    return dists


class Environment:
    """Several environments, the first that has a distribution winning."""

    def __init__(self, sites):
        self.dists = {}
        self.by_top = {}  # top-level module name -> distribution
        for site in sites:
            for name, d in scan(site).items():
                self.dists.setdefault(name, d)
        for d in self.dists.values():
            for top in sorted(d.top_levels):
                self.by_top.setdefault(top, d)

    def closure(self, names, have=()):
        """The distributions `names` are and require, transitively, skipping
        those already provided (`have`: normalized names). Returns (list of
        Distribution, list of (requirement, required-by) nobody here has)."""
        have = set(have)
        todo = [(normalize(n), '') for n in names]
        out, missing = [], []
        while todo:
            name, by = todo.pop(0)
            if name in have:
                continue
            have.add(name)
            d = self.dists.get(name)
            if d is None:
                missing.append((name, by))
                continue
            out.append(d)
            todo.extend((r, d.name) for r in d.requires)
        return out, missing


def wheel_requirements(metadata_text):
    """Requires-Dist of a wheel's METADATA, markers applied."""
    msg = email.parser.Parser().parsestr(metadata_text, headersonly=True)
    out = []
    for line in msg.get_all('Requires-Dist') or []:
        name, marker = requirement_name(line)
        if name and marker_holds(marker):
            out.append(normalize(name))
    return out


def stdlib_top_levels():
    return set(sys.stdlib_module_names) | set(sys.builtin_module_names)

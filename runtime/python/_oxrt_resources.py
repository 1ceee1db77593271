"""importlib.resources and importlib.metadata over the packed resources
(frozen into liboxrt; imported on first use, never at startup)."""

import io
import re
import sys
from importlib.metadata import Distribution
from importlib.resources.abc import Traversable, TraversableResources

import _oxrt
import _oxrt_importer as _imp

FILE = _imp.FILE


class OxrtPath(Traversable):
    """A file or directory under the virtual root. str() is its virtual path;
    it has no __fspath__ (nothing is on disk): importlib.resources.as_file()
    copies it out to a temporary file."""

    def __init__(self, key):
        self._key = key

    def __repr__(self):
        return f'OxrtPath({self._key!r})'

    def __str__(self):
        return _imp._PREFIX + self._key if self._key else _imp.ROOT

    def __eq__(self, other):
        return isinstance(other, OxrtPath) and other._key == self._key

    def __hash__(self):
        return hash(self._key)

    @property
    def name(self):
        return self._key.rpartition('/')[2]

    @property
    def parent(self):
        return OxrtPath(self._key.rpartition('/')[0])

    def iterdir(self):
        if not self.is_dir():
            raise NotADirectoryError(20, 'Not a directory', str(self))
        prefix = self._key + '/' if self._key else ''
        return (OxrtPath(prefix + name) for name in sorted(_imp.list_key(self._key)))

    def is_dir(self):
        return _imp.is_dir_key(self._key)

    def is_file(self):
        return bool(self._key) and _imp.is_file_key(self._key)

    def exists(self):
        return self.is_file() or self.is_dir()

    def joinpath(self, *descendants):
        key = self._key
        for part in descendants:
            part = _imp._fspath(part)
            key = _imp.normalize_key(part if key == '' else key + '/' + part)
        return OxrtPath(key)

    def open(self, mode='r', *args, **kwargs):
        data = _imp.read_key(self._key) if self._key else None
        if data is None:
            if self.is_dir():
                raise IsADirectoryError(21, 'Is a directory', str(self))
            raise FileNotFoundError(2, 'No such file in the packed resources', str(self))
        if mode == 'rb':
            return io.BytesIO(data)
        if mode == 'r':
            return io.TextIOWrapper(io.BytesIO(data), *args, **kwargs)
        raise ValueError(f'invalid mode {mode!r}: packed resources are read-only')

    def read_bytes(self):
        with self.open('rb') as f:
            return f.read()


class Reader(TraversableResources):
    """The resource reader of an embedded package (loader.get_resource_reader)."""

    def __init__(self, key):
        self._key = key

    def files(self):
        return OxrtPath(self._key)


def _normalize(name):
    """PEP 503 normalisation, with '_' as importlib.metadata compares names."""
    return re.sub(r'[-_.]+', '-', name).lower().replace('-', '_')


class OxrtDistribution(Distribution):
    """A *.dist-info (or *.egg-info) directory in the packed resources."""

    def __init__(self, dirname):
        self._dirname = dirname

    def __repr__(self):
        return f'<OxrtDistribution {self._dirname!r}>'

    def read_text(self, filename):
        data = _oxrt.file_data(self._dirname + '/' + filename)
        return None if data is None else data.decode('utf-8')

    read_text.__doc__ = Distribution.read_text.__doc__

    def locate_file(self, path):
        return OxrtPath('').joinpath(path)

    @property
    def _normalized_name(self):
        return _normalize(self._dirname.rpartition('.')[0].partition('-')[0])


def find_distributions(context=None):
    """Distributions in the packed resources, filtered as DistributionFinder.Context asks."""
    name = getattr(context, 'name', None)
    path = getattr(context, 'path', None)
    if path is not None and path is not sys.path and _imp.ROOT not in path:
        return iter(())
    wanted = None if name is None else _normalize(name)
    found = []
    for child, exact, deeper, _flags in _oxrt.children(FILE, '', '/'):
        if not deeper or not child.endswith(('.dist-info', '.egg-info')):
            continue
        stem = child.rpartition('.')[0]
        if wanted is None or _normalize(stem.partition('-')[0]) == wanted:
            found.append(OxrtDistribution(child))
    return iter(found)

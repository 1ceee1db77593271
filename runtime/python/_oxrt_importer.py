"""The importer of an oxcc executable (frozen into liboxrt).

Serves, from the packed resources in the executable (through the built-in
module _oxrt):
  - modules, packages and namespace packages, their source and data files;
  - built-in modules under dotted names, which CPython 3.11.2's
    BuiltinImporter refuses ("pkg._ext" is never found: it returns None
    whenever a package path is given);
  - extension modules packed as shared libraries (lib-dynload's _json,
    _ssl...), loaded from memory, or extracted to a cache, per the
    executable's policy.

Every embedded module has a virtual path under ROOT (== sys.executable), as
zipimport gives paths inside an archive: ROOT/pkg/mod.py, ROOT/pkg/__init__.py.
Nothing exists on disk there (the executable is a file, so every such path
fails with ENOTDIR), and this module answers get_data() and
importlib.resources for them. See docs/formats-resources.md.

install_core() runs between core and main initialisation (only builtins,
sys, _imp and _frozen_importlib exist then); install_main() runs after.
"""

import sys
import _imp
import _oxrt

_bootstrap = sys.modules['_frozen_importlib']
_ModuleSpec = _bootstrap.ModuleSpec

MODULE, FILE, SHLIB = 1, 2, 3  # resource kinds
# The InterpreterConfig fields applied here (see install_main).
SETTINGS = _oxrt.settings
# FileAttribute::Unset: no __file__ for modules served from the resources
# (ModuleSpec sets __file__ from origin only when has_location is true).
_HAS_LOCATION = SETTINGS['file'] == 'virtual'
PACKAGE, NAMESPACE = 1, 2    # module flags
ROOT = _oxrt.root
_PREFIX = ROOT + '/'
# The file name suffix of an extension module: '.cpython-311-x86_64-linux-gnu.so'.
EXT_SUFFIX = _imp.extension_suffixes()[0]

# Dotted built-ins the executable links, and their parents: a parent that no
# resource provides is a namespace package.
_BUILTINS = frozenset(n for n in _oxrt.builtin_names() if '.' in n)
# Top-level ones (an app's _cffi_backend, _brotli): BuiltinImporter would
# find them first and give them no __file__; _TopBuiltinFinder, ahead of it,
# gives them the path their .so would have, as the dotted ones get.
_TOP_BUILTINS = frozenset(n for n in _oxrt.builtin_names() if '.' not in n)
_BUILTIN_PARENTS = frozenset(n.rsplit('.', i)[0]
                             for n in _BUILTINS for i in range(1, n.count('.') + 1))


class _Spec(_ModuleSpec):
    """A spec whose `cached` is None: there is no bytecode file to name
    (ModuleSpec would make up ROOT/pkg/__pycache__/mod.cpython-311.pyc)."""

    @property
    def cached(self):
        return None

    @cached.setter
    def cached(self, value):
        pass


# Packages whose files code opens by path (InterpreterConfig::extractPackageData):
# top-level name -> the real directory holding <name>/, extracted on first import.
_EXTRACT_DATA = frozenset(SETTINGS['extract_data'])
_DATA_ROOTS = {}


def _prefix(name):
    """Where the module `name` lives: ROOT/, or the extracted tree of its package."""
    if _DATA_ROOTS:
        root = _DATA_ROOTS.get(name.partition('.')[0])
        if root is not None:
            return root + '/'
    return _PREFIX


def module_path(name, flags):
    """The path of a module's source: ROOT/a/b.py or ROOT/a/b/__init__.py
    (virtual), or the same under its package's extracted tree."""
    rel = name.replace('.', '/')
    if flags & PACKAGE:
        return _prefix(name) + rel + '/__init__.py'
    return _prefix(name) + rel + '.py'


def package_dir(name):
    return _prefix(name) + name.replace('.', '/')


def shlib_path(name):
    """The path of a packed extension module: ROOT/pkg/_ext.cpython-311-....so."""
    return _prefix(name) + name.replace('.', '/') + EXT_SUFFIX


def _is_implicit_namespace(name):
    """A name with embedded content below it but no module of its own, like a
    directory without __init__.py on sys.path."""
    return (name in _BUILTIN_PARENTS or _oxrt.has_prefix(MODULE, name + '.')
            or _oxrt.has_prefix(SHLIB, name + '.')
            or _oxrt.has_prefix(FILE, name.replace('.', '/') + '/'))


def _source_key_to_module(key):
    """'a/b/c.py' -> ('a.b.c', 0), 'a/b/__init__.py' -> ('a.b', PACKAGE), or None."""
    if not key.endswith('.py'):
        return None
    parts = key[:-3].split('/')
    want = 0
    if parts[-1] == '__init__':
        parts.pop()
        want = PACKAGE
    if not parts or not all(p and '.' not in p for p in parts):
        return None
    name = '.'.join(parts)
    flags = _oxrt.find(MODULE, name)
    if flags is None or flags & NAMESPACE or (flags & PACKAGE) != want:
        return None
    return name, flags


def _shlib_key_to_module(key):
    """'pkg/_ext.cpython-311-....so' -> 'pkg._ext' if packed, else None."""
    if not key.endswith(EXT_SUFFIX):
        return None
    parts = key[:-len(EXT_SUFFIX)].split('/')
    if not all(p and '.' not in p for p in parts):
        return None
    name = '.'.join(parts)
    return name if _oxrt.find(SHLIB, name) is not None else None


def normalize_key(key):
    """Resolves '.', '..' and repeated slashes in a path relative to ROOT."""
    parts = []
    for part in key.split('/'):
        if part in ('', '.'):
            continue
        if part == '..':
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return '/'.join(parts)


def relative_key(path):
    """The resource key of a virtual path (str or path-like), or None."""
    path = _fspath(path)
    if path == ROOT:
        return ''
    if not path.startswith(_PREFIX):
        return None
    return normalize_key(path[len(_PREFIX):])


def _fspath(path):
    if isinstance(path, str):
        return path
    fspath = getattr(type(path), '__fspath__', None)
    if fspath is None:
        raise TypeError(f'expected str or path-like, not {type(path).__name__}')
    return fspath(path)


def read_key(key):
    """Bytes of the virtual file `key`: a packed file, or a module's source."""
    data = _oxrt.file_data(key)
    if data is not None:
        return data
    mod = _source_key_to_module(key)
    if mod is not None:
        return _oxrt.module_source(mod[0]) or b''
    name = _shlib_key_to_module(key)
    if name is not None:
        try:
            return bytes(_oxrt.shared_data(name))
        except ImportError as e:  # corrupt: an I/O error for a reader of bytes
            raise OSError(5, str(e), _PREFIX + key) from None
    return None


def is_file_key(key):
    return (_oxrt.find(FILE, key) is not None or _source_key_to_module(key) is not None
            or _shlib_key_to_module(key) is not None)


def is_dir_key(key):
    if key == '' or _oxrt.has_prefix(FILE, key + '/'):
        return True
    if '.' in key:
        return False
    name = key.replace('/', '.')
    flags = _oxrt.find(MODULE, name)
    return (flags is not None and flags & PACKAGE) or _is_implicit_namespace(name)


def list_key(key):
    """Names directly in the virtual directory `key`: {name: is_dir}."""
    out = {}
    prefix = key + '/' if key else ''
    for name, exact, deeper, _flags in _oxrt.children(FILE, prefix, '/'):
        if deeper:
            out[name] = True
        elif exact:
            out.setdefault(name, False)
    if '.' not in key:
        dotted = key.replace('/', '.')
        mprefix = dotted + '.' if dotted else ''
        if dotted:
            flags = _oxrt.find(MODULE, dotted)
            if flags is not None and flags & PACKAGE and not flags & NAMESPACE:
                out.setdefault('__init__.py', False)
        for name, exact, deeper, flags in _oxrt.children(MODULE, mprefix, '.'):
            if deeper or (exact and flags & PACKAGE):
                out[name] = True
            if exact and not flags & PACKAGE:
                out.setdefault(name + '.py', False)
        for name, exact, deeper, _flags in _oxrt.children(SHLIB, mprefix, '.'):
            if deeper:
                out[name] = True
            if exact:
                out.setdefault(name + EXT_SUFFIX, False)
        for name in _BUILTIN_PARENTS:
            if name.rpartition('.')[0] == dotted:
                out[name.rpartition('.')[2]] = True
    return out


class _BuiltinLoader(_bootstrap.BuiltinImporter):
    """Creates a dotted built-in with the package context set, so that a
    single-phase module (PyModule_Create with m_name "_ext") is named
    "pkg._ext" — CPython's dynamic loader does the same for .so files."""

    @staticmethod
    def create_module(spec):
        return _oxrt.create_builtin(spec)

    @classmethod
    def is_package(cls, fullname):
        return fullname in _BUILTIN_PARENTS


class _SharedLoader:
    """Loads an extension module packed as a shared library, by the
    executable's policy for it (oxrt::AppConfig::sharedModulePolicy):
    'memory' (memfd + dlopen; __file__ is the virtual path), 'extract'
    (a private cache on disk; __file__ is the real file), 'refuse'. Where
    memfd_create is refused, 'memory' extracts, quietly."""

    def __init__(self, name, path):
        self.name = name
        self.path = path

    def __repr__(self):
        return f'<_SharedLoader {self.name!r}>'

    def create_module(self, spec):
        name = spec.name
        policy = _oxrt.shared_policy(name)
        if policy == 'refuse':
            raise ImportError(f"embedded extension module {name!r} is not loaded: this "
                              f"executable's policy for it is 'refuse'", name=name, path=spec.origin)
        # The libraries it needs (--allow-shared-deps) first, each after
        # those it needs: its DT_NEEDED entries then find them loaded.
        if policy == 'memory':
            for soname in _oxrt.shared_dependencies(name):
                if _oxrt.load_dependency(soname) is None:
                    break
            else:
                module = _oxrt.create_shared(spec)
                if module is not None:
                    return module
        for soname in _oxrt.shared_dependencies(name):
            _oxrt.load_dependency(soname, extract_dependency(soname))
        # __file__ follows spec.origin: it is set after create_module returns.
        spec.origin = self.path = _EXTRACTED[name] = extract(name)
        try:
            return _imp.create_dynamic(spec)
        except ImportError as e:
            raise ImportError(f'embedded extension module {name!r}: {e}', name=name,
                              path=spec.origin) from None

    def exec_module(self, module):
        _imp.exec_dynamic(module)  # PyModule_ExecDef for multi-phase modules

    def is_package(self, fullname):
        return False

    def get_code(self, fullname):
        return None

    def get_source(self, fullname):
        return None

    def get_filename(self, fullname):
        return self.path

    def get_data(self, path):
        return _importer.get_data(path)


# Where extracted modules live, once loaded: later specs (importlib.reload,
# importlib.util.find_spec) name the real file too.
_EXTRACTED = {}

# Extraction uses posix, not os: importing os costs more (1.5 ms) than
# reusing an extracted file, and this may run before main initialisation.

def _getenv(name):
    import posix
    value = posix.environ.get(name.encode(), b'')
    return value.decode(sys.getfilesystemencoding(), 'surrogateescape')


def _cache_root(what, name):
    """$XDG_CACHE_HOME/oxrt, else ~/.cache/oxrt (XDG: a relative value is ignored)."""
    base = _getenv('XDG_CACHE_HOME')
    if not base.startswith('/'):
        home = _getenv('HOME')
        if not home.startswith('/'):
            import posix, pwd
            try:
                home = pwd.getpwuid(posix.geteuid()).pw_dir
            except KeyError:
                home = ''
        if not home.startswith('/'):
            raise ImportError(f'cannot extract embedded {what}: no cache '
                              f'directory (set XDG_CACHE_HOME or HOME)', name=name)
        base = home.rstrip('/') + '/.cache'
    return base.rstrip('/') + '/oxrt'


def _make_dir(path, mode):
    """mkdir -p: missing parents get the umask's mode, `path` itself `mode`."""
    import posix
    parent = path.rpartition('/')[0]
    if parent:
        try:
            posix.stat(parent)
        except FileNotFoundError:
            _make_dir(parent, 0o777)
    try:
        posix.mkdir(path, mode)
    except FileExistsError:
        pass


def _same_file(path, data):
    """True if `path` holds exactly `data` (a file left by an earlier run)."""
    import _io, posix
    try:
        with _io.FileIO(path, 'r') as f:
            return posix.fstat(f.fileno()).st_size == len(data) and f.readall() == data
    except FileNotFoundError:
        return False


def extract(name):
    """Writes a packed extension module to <cache>/<sha256>/<leaf><EXT_SUFFIX>;
    returns the path."""
    data = _oxrt.shared_data(name)  # checksum and ELF checked; ImportError if not
    return _extract(f'extension module {name!r}', name, data,
                    name.rpartition('.')[2] + EXT_SUFFIX)


def extract_dependency(soname):
    """Writes a packed library an extension module needs to
    <cache>/<sha256>/<soname>; returns the path."""
    return _extract(f'library {soname!r}', soname, _oxrt.dependency_data(soname), soname)


def _extract(what, name, data, filename):
    """Writes `data` to <cache>/<sha256>/<filename> unless a file with its
    exact bytes is there already; returns the path. The directory is
    private (0700, owned by this user: nobody else may swap the file before
    it is loaded); writes go to a temporary file, renamed."""
    import posix
    import _sha256
    root = _cache_root(what, name)
    directory = root + '/' + _sha256.sha256(data).hexdigest()
    path = directory + '/' + filename
    try:
        _private_dir(root, what, name)
        _make_dir(directory, 0o700)
        _write_if_changed(path, data)
    except OSError as e:
        raise ImportError(f'cannot extract embedded {what} to {directory}: '
                          f'{e.strerror or e}', name=name) from None
    return path


def _private_dir(root, what, name):
    """The cache root, made 0700 if new; refused unless this user's alone:
    nobody else may swap a file in it before it is loaded or read."""
    import posix
    _make_dir(root, 0o700)
    st = posix.stat(root)
    if st.st_uid != posix.geteuid() or st.st_mode & 0o022:
        raise ImportError(f'cannot extract embedded {what}: {root} is '
                          f'not private to this user (owner {st.st_uid}, mode '
                          f'{st.st_mode & 0o777:o})', name=name)


def _write_if_changed(path, data):
    """`path` holds exactly `data` afterwards: kept if it did (an earlier
    run's), else written to a temporary file and renamed over it."""
    import posix
    if _same_file(path, data):
        return
    tmp = f'{path}.tmp.{posix.getpid()}'
    fd = posix.open(tmp, posix.O_WRONLY | posix.O_CREAT | posix.O_TRUNC | posix.O_CLOEXEC, 0o600)
    try:
        view = data
        while view:
            view = view[posix.write(fd, view):]
    finally:
        posix.close(fd)
    posix.replace(tmp, path)


def _package_files(key):
    """[(key, bytes)] of every file under the virtual directory `key`, in key
    order: data files, module sources (none when only bytecode was packed),
    packed .so files."""
    out = []
    for name, is_dir in sorted(list_key(key).items()):
        if name in ('', '.', '..'):  # a path that would leave the package's directory
            raise ImportError(f'cannot extract embedded data of package '
                              f'{key.partition("/")[0]!r}: bad name {key + "/" + name!r}')
        sub = key + '/' + name
        if is_dir:
            out += _package_files(sub)
            continue
        data = read_key(sub)
        if data is None or (not data and _source_key_to_module(sub) is not None):
            continue
        out.append((sub, bytes(data)))
    return out


def _extract_package(top):
    """Writes the package's whole tree to <cache>/pkgdata-<sha256>/<top>/, the
    digest over every file's key and bytes, and checks every file of a tree
    an earlier run left (rewriting one that differs); returns the directory
    holding <top>/. Its modules still load from memory."""
    import _sha256
    what = f'data of package {top!r}'
    files = _package_files(top)
    digest = _sha256.sha256()
    for key, data in files:
        digest.update(b'%d %d ' % (len(key.encode('utf-8', 'surrogateescape')), len(data)))
        digest.update(key.encode('utf-8', 'surrogateescape'))
        digest.update(data)
    root = _cache_root(what, top)
    directory = f'{root}/pkgdata-{digest.hexdigest()}'
    try:
        _private_dir(root, what, top)
        _make_dir(directory, 0o700)
        made = set()
        for key, data in files:
            parent = (directory + '/' + key).rpartition('/')[0]
            if parent not in made:
                _make_dir(parent, 0o700)
                made.add(parent)
            _write_if_changed(directory + '/' + key, data)
    except OSError as e:
        raise ImportError(f'cannot extract embedded {what} to {directory}: '
                          f'{e.strerror or e}', name=top) from None
    return directory


class OxrtImporter:
    """Meta-path finder and loader for the packed resources and dotted built-ins."""

    def __repr__(self):
        return '<OxrtImporter>'

    # -- finder --

    def find_spec(self, fullname, path=None, target=None):
        if _EXTRACT_DATA:  # every import passes here: nothing to do unless asked
            top = fullname.partition('.')[0]
            if top in _EXTRACT_DATA and top not in _DATA_ROOTS:
                flags = _oxrt.find(MODULE, top)
                if flags is not None and flags & PACKAGE and not flags & NAMESPACE:
                    _DATA_ROOTS[top] = _extract_package(top)
        if fullname in _BUILTINS:
            return _builtin_spec(fullname)
        # An extension module wins over a .py of the same name, as in a
        # directory on sys.path (FileFinder tries extension suffixes first).
        if _oxrt.find(SHLIB, fullname) is not None:
            origin = _EXTRACTED.get(fullname) or shlib_path(fullname)
            spec = _Spec(fullname, _SharedLoader(fullname, origin), origin=origin)
            spec.has_location = True
            return spec
        flags = _oxrt.find(MODULE, fullname)
        if flags is None:
            if not _is_implicit_namespace(fullname):
                return None
            flags = PACKAGE | NAMESPACE
        if flags & NAMESPACE:
            spec = _Spec(fullname, self, origin=None, is_package=True)
        else:
            spec = _Spec(fullname, self, origin=module_path(fullname, flags),
                         is_package=bool(flags & PACKAGE))
            spec.has_location = _HAS_LOCATION
        if flags & PACKAGE:
            spec.submodule_search_locations = [package_dir(fullname)]
        return spec

    def invalidate_caches(self):
        pass

    def find_distributions(self, context=None):
        import _oxrt_resources
        return _oxrt_resources.find_distributions(context)

    # -- loader --

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        code = self.get_code(module.__spec__.name)
        # There is no bytecode file; CPython sets __cached__ on every
        # module with a location, so say None rather than leave it out.
        module.__cached__ = None
        if code is not None:
            exec(code, module.__dict__)

    def _flags(self, fullname):
        flags = _oxrt.find(MODULE, fullname)
        if flags is None:
            if _is_implicit_namespace(fullname):
                return PACKAGE | NAMESPACE
            raise ImportError(f'{fullname!r} is not in the packed resources', name=fullname)
        return flags

    def _real_name(self, fullname):
        """linecache asks for the source of __name__, which is '__main__' for
        a module run with -m (or '__mp_main__' in a multiprocessing child)."""
        if fullname in ('__main__', '__mp_main__'):
            spec = getattr(sys.modules.get(fullname), '__spec__', None)
            if spec is not None and spec.loader is self:
                return spec.name
        return fullname

    def get_code(self, fullname):
        fullname = self._real_name(fullname)
        flags = self._flags(fullname)
        if flags & NAMESPACE:
            return None
        code = _oxrt.module_code(fullname)
        # Compiled with the key path as filename; make tracebacks, inspect and
        # warnings name the virtual path (as SourceLoader does for moved .pyc).
        _imp._fix_co_filename(code, module_path(fullname, flags))
        return code

    def get_source(self, fullname):
        fullname = self._real_name(fullname)
        if self._flags(fullname) & NAMESPACE:
            return None
        data = _oxrt.module_source(fullname)
        return None if data is None else decode_source(data)

    def is_package(self, fullname):
        return bool(self._flags(fullname) & PACKAGE)

    def get_filename(self, fullname):
        flags = self._flags(fullname)
        if flags & NAMESPACE:
            raise ImportError(f'namespace package {fullname!r} has no file', name=fullname)
        return module_path(fullname, flags)

    def get_data(self, path):
        key = relative_key(path)
        if key is None:
            # A real file, as FileLoader.get_data would read it.
            import _io
            with _io.FileIO(_fspath(path), 'r') as f:
                return f.read()
        data = read_key(key)
        if data is None:
            raise FileNotFoundError(2, 'No such file in the packed resources', _fspath(path))
        return data

    def get_resource_reader(self, fullname):
        if not self.is_package(fullname):
            return None
        import _oxrt_resources
        return _oxrt_resources.Reader(fullname.replace('.', '/'))


def decode_source(data):
    """Source bytes to str as the compiler read them: PEP 263 cookie, universal newlines."""
    head = data[:data.find(b'\n', data.find(b'\n') + 1)] if b'\n' in data else data
    if b'coding' in head:
        import io, tokenize
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        text = data.decode(encoding)
    else:
        text = data.decode('utf-8-sig')
    return text.replace('\r\n', '\n').replace('\r', '\n')


class OxrtPathFinder:
    """Path-entry finder for ROOT and the virtual package directories under
    it: lets PathFinder and pkgutil.iter_modules() see embedded modules."""

    def __init__(self, path):
        key = relative_key(path) if isinstance(path, str) else None
        if key is None:
            raise ImportError('not a virtual path of this executable')
        if key and ('.' in key or not is_dir_key(key)):
            raise ImportError(f'{path!r} is not an embedded package directory')
        self.path = path
        self._prefix = key.replace('/', '.') + '.' if key else ''

    def __repr__(self):
        return f'OxrtPathFinder({self.path!r})'

    def find_spec(self, fullname, target=None):
        if not fullname.startswith(self._prefix) or '.' in fullname[len(self._prefix):]:
            return None
        return _importer.find_spec(fullname)

    def invalidate_caches(self):
        pass

    def iter_modules(self, prefix=''):
        """(name, ispkg) pairs, as pkgutil.iter_modules wants them."""
        seen = {}
        for name, exact, deeper, flags in _oxrt.children(MODULE, self._prefix, '.'):
            if name.isidentifier():
                seen[name] = bool(deeper or (exact and flags & PACKAGE))
        for name, exact, deeper, _flags in _oxrt.children(SHLIB, self._prefix, '.'):
            if name.isidentifier():
                seen[name] = seen.get(name, False) or deeper
        for full in _BUILTINS | _BUILTIN_PARENTS:
            parent, _, leaf = full.rpartition('.')
            if parent + '.' == self._prefix or (not parent and not self._prefix):
                seen[leaf] = seen.get(leaf, False) or full in _BUILTIN_PARENTS
        for name in sorted(seen):
            yield prefix + name, seen[name]


def _path_hook(path):
    return OxrtPathFinder(path)


def _builtin_spec(fullname):
    """A built-in extension the executable links, with the path its .so
    would have (as the packed .so modules get): code that reads __file__ or
    spec.origin finds a path under the executable, where the package's other
    modules are; opening it fails (ENOTDIR: the executable is a file). It is
    still a built-in: sys.builtin_module_names lists it."""
    spec = _ModuleSpec(fullname, _BuiltinLoader, origin=shlib_path(fullname))
    spec.has_location = _HAS_LOCATION
    if fullname in _BUILTIN_PARENTS or _oxrt.has_prefix(MODULE, fullname + '.'):
        spec.submodule_search_locations = [package_dir(fullname)]
    return spec


class _TopBuiltinFinder:
    """First on sys.meta_path: the app's top-level built-ins only."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        return _builtin_spec(fullname) if fullname in _TOP_BUILTINS else None

    @staticmethod
    def invalidate_caches():
        pass


def _install_top_builtin_finder():
    if _TOP_BUILTINS and _TopBuiltinFinder not in sys.meta_path:
        sys.meta_path.insert(0, _TopBuiltinFinder)


_importer = OxrtImporter()


def install_core():
    """Before main initialisation: encodings is imported during it, and nothing
    of the standard library is on the filesystem."""
    sys.meta_path.insert(_meta_path_index(), _importer)
    _install_top_builtin_finder()
    # PathFinder asks sys.path_importer_cache before any path hook, so the
    # root never reaches zipimport (which would read the whole executable
    # looking for a zip directory).
    sys.path_importer_cache[ROOT] = OxrtPathFinder(ROOT)


def _meta_path_index():
    """After BuiltinImporter and FrozenImporter, before PathFinder: frozen
    stdlib modules stay the fast path, the filesystem comes last."""
    for i, finder in enumerate(sys.meta_path):
        if getattr(finder, '__name__', None) == 'PathFinder':
            return i
    return len(sys.meta_path)


def install_main():
    """After main initialisation."""
    # First, before zipimporter (inserted at 0 by main init): package
    # __path__ entries are virtual dirs, which zipimporter would answer by
    # reading the executable as a zip file.
    if _path_hook in sys.path_hooks:
        sys.path_hooks.remove(_path_hook)
    sys.path_hooks.insert(0, _path_hook)
    # PathFinder was appended during main initialisation; keep it last.
    sys.meta_path.remove(_importer)
    sys.meta_path.insert(_meta_path_index(), _importer)
    _install_top_builtin_finder()
    # The C traceback printer reads source lines from real files only; the
    # traceback module goes through linecache and loader.get_source().
    if SETTINGS['memory_importer']:
        _adopt_frozen_modules()
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = _excepthook
    _install_site_builtins()
    _apply_settings()


def _apply_settings():
    """The InterpreterConfig fields that are Python-level state."""
    if not SETTINGS['filesystem_importer']:
        sys.meta_path[:] = [f for f in sys.meta_path
                            if getattr(f, '__name__', None) != 'PathFinder']
    if SETTINGS['frozen']:
        sys.frozen = True
    if SETTINGS['argvb'] is not None:
        sys.argvb = SETTINGS['argvb']
    if SETTINGS['modules_dir']:
        import atexit
        atexit.register(_write_modules, SETTINGS['modules_dir'])
    if SETTINGS['mp_start_method']:
        import multiprocessing
        multiprocessing.set_start_method(SETTINGS['mp_start_method'], force=True)


def _write_modules(directory):
    """At exit: the names of every imported module, for packaging tools that
    trim the resources to what a run needed."""
    import posix
    path = f'{directory}/modules-{posix.getpid()}.txt'
    try:
        with open(path, 'w', encoding='utf-8') as f:
            f.writelines(name + '\n' for name in sorted(sys.modules))
    except OSError as e:
        print(f'oxrt: cannot write the list of loaded modules to {path}: {e}', file=sys.stderr)


def _adopt_frozen_modules():
    """The standard library lives under ROOT too. FrozenImporter names frozen
    stdlib modules (os, codecs, io, ...) after sys._stdlib_dir, which getpath
    leaves unset here; set it, and give the modules frozen before now the
    __file__ FrozenImporter would have given them."""
    sys._stdlib_dir = ROOT
    frozen = _bootstrap.FrozenImporter
    for module in list(sys.modules.values()):
        spec = getattr(module, '__spec__', None)
        state = getattr(spec, 'loader_state', None)
        if spec is None or spec.loader is not frozen or state is None:
            continue
        if not getattr(state, 'origname', None) or state.filename:
            continue
        ispkg = spec.submodule_search_locations is not None
        filename, pkgdir = frozen._resolve_filename(state.origname, spec.name, ispkg)
        state.filename = filename
        module.__file__ = filename
        if pkgdir and pkgdir not in spec.submodule_search_locations:
            spec.submodule_search_locations.insert(0, pkgdir)


def _excepthook(exc_type, value, tb):
    # The runtime's own frames (_oxrt_entry calling the app) say nothing.
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith('<frozen _oxrt'):
        tb = tb.tb_next
    try:
        import traceback
        traceback.print_exception(exc_type, value, tb)
        if _without_source(tb):
            sys.stderr.write('(source lines not shown: this binary holds bytecode only; '
                             'link it with --py-source=zlib (the default) to see them)\n')
    except BaseException:
        sys.__excepthook__(exc_type, value, tb)


def _without_source(tb):
    """Whether a frame of the traceback runs a packed module whose source
    was left out (oxcc link --py-source=none)."""
    while tb is not None:
        g = tb.tb_frame.f_globals
        name = g.get('__name__')
        if g.get('__loader__') is _importer and name:
            name = _importer._real_name(name)
            flags = _oxrt.find(MODULE, name)
            # No source packed reads back as empty (an empty .py has no lines either).
            if flags is not None and not flags & NAMESPACE and not _oxrt.module_source(name):
                return True
        tb = tb.tb_next
    return False


def _install_site_builtins():
    """exit(), quit() and help() without importing site (which would add the
    host's site-packages); a readline hook for the REPL."""
    import builtins
    import _sitebuiltins
    if not hasattr(builtins, 'exit'):
        builtins.exit = _sitebuiltins.Quitter('exit', 'Ctrl-D (i.e. EOF)')
        builtins.quit = _sitebuiltins.Quitter('quit', 'Ctrl-D (i.e. EOF)')
    if not hasattr(builtins, 'help'):
        builtins.help = _sitebuiltins._Helper()
    if not hasattr(sys, '__interactivehook__'):
        sys.__interactivehook__ = _interactive_hook


def _interactive_hook():
    """Tab completion at the REPL; no history file is written."""
    try:
        import readline
        import rlcompleter  # noqa: F401  (registers the completer)
    except ImportError:
        return
    readline.parse_and_bind('tab: complete')

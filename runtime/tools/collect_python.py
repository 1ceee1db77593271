#!/usr/bin/python3
"""Collect the pure-Python side of an oxcc executable into an oxrt-pack manifest.

    collect_python.py --out-dir DIR --manifest OUT.tsv
                      [--stdlib /usr/lib/python3.11] [--pure DIR]... [--wheel W.whl]...
                      [--dynload /usr/lib/python3.11/lib-dynload]... [--shlib NAME=PATH]...
                      [--shdep SONAME=PATH]...
                      [--site-packages DIR]... [--package NAME]... [--builtin NAME]...

Every root is walked for modules (.py, compiled here to marshalled code
objects), data files and *.dist-info contents. A --dynload directory gives
extension modules (_json.cpython-311-x86_64-linux-gnu.so), packed as shared
libraries that the runtime loads from memory; --shlib names one such module
explicitly (a dotted name: pkg._ext=build/_ext.cpython-311-x86_64-linux-gnu.so),
and --shdep a library such modules need (libfoo.so.1=/usr/lib/libfoo.so.1.2,
keyed by its soname), which the runtime loads first. Roots are taken in command-line
order and a later root wins over an earlier one for the same module name or
file key, so an application can override a library. Compiled code is cached in
DIR/code by the sha256 of (source, filename, bytecode magic), so a rebuild
recompiles only what changed. Run it with the interpreter whose libpython the
executable links (Debian's /usr/bin/python3): the bytecode is version-specific.

--site-packages DIR names an environment (a site-packages, Debian's
dist-packages) to take distributions from: each --package NAME, what it
requires (its metadata), what the wheels require, and, following the imports
in the collected bytecode, the distribution of every top-level name that
only the environment provides (site_packages.py). An import that nothing
provides is reported with the module that makes it (many are optional);
--builtin names the modules linked into the executable, which provide
themselves.

The manifest is written atomically, sorted, with absolute paths; see
docs/formats-resources.md for what the keys mean.
"""

import argparse
import concurrent.futures
import fnmatch
import hashlib
import importlib.machinery
import importlib.util
import marshal
import modulefinder
import os
import re
import shutil
import sys
import types
import stat
from inspect import CO_OPTIMIZED
import zipfile
import zlib

import site_packages

# Top-level stdlib entries that are never embedded: tests, GUI tools, and
# places where third-party or binary modules live.
STDLIB_EXCLUDE = ('test', 'idlelib', 'tkinter', 'turtledemo', 'site-packages',
                  'dist-packages', 'lib-dynload', 'config-3.*')
STDLIB_EXCLUDE_PATHS = ('lib2to3/tests',)
# Compiled extension modules met while walking a root are linked into the
# executable as built-ins, never packed from there; --dynload packs them.
EXTENSION_SUFFIXES = ('.so', '.pyd', '.dylib')
FLAG_PACKAGE, FLAG_NAMESPACE, FLAG_SOURCE_ZLIB = 1, 2, 4  # packed_resources.h


class CollectError(Exception):
    pass


class Item:
    """One file found under a root: its key (relative POSIX path) and where its bytes are."""
    __slots__ = ('relpath', 'path')

    def __init__(self, relpath, path):
        self.relpath, self.path = relpath, path


class Stats:
    def __init__(self):
        self.cached = self.compiled = self.failed = self.extensions = self.skipped = 0
        self.not_modules = 0
        self.wheel_dirs = set()  # wheels/<sha256> extractions this run uses


def note(message):
    print('collect_python: ' + message, file=sys.stderr)


def skipped_file(relpath, stats):
    """Files never embedded: caches and compiled extensions."""
    parts = relpath.split('/')
    if '__pycache__' in parts or relpath.endswith(('.pyc', '.pyo')):
        return True
    if relpath.endswith(EXTENSION_SUFFIXES) or '.so.' in parts[-1]:
        stats.extensions += 1
        return True
    return False


EXCLUDED = set()  # absolute paths never collected (--exclude: the link's own build dir)


def walk_dir(root, exclude_top=(), exclude_paths=()):
    """Files under `root`, sorted, as Items; symlinked dirs are not followed."""
    items = []
    for dirpath, dirnames, filenames in os.walk(root):
        if os.path.abspath(dirpath) in EXCLUDED:
            dirnames[:] = []
            continue
        rel = os.path.relpath(dirpath, root).replace(os.sep, '/')
        rel = '' if rel == '.' else rel
        keep = []
        for d in sorted(dirnames):
            sub = d if not rel else rel + '/' + d
            if not rel and any(fnmatch.fnmatchcase(d, pat) for pat in exclude_top):
                continue
            if sub in exclude_paths or d == '__pycache__':
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            relpath = f if not rel else rel + '/' + f
            if not rel and any(fnmatch.fnmatchcase(f, pat) for pat in exclude_top):
                continue
            if os.path.abspath(os.path.join(dirpath, f)) in EXCLUDED:
                continue
            items.append(Item(relpath, os.path.join(dirpath, f)))
    return items


def dynload_modules(root, stats):
    """The extension modules directly in a lib-dynload-like directory, as
    {module name: path}: '_json.cpython-311-x86_64-linux-gnu.so' is '_json'.
    The suffixes are the running interpreter's (hence: run this with the
    Python the executable embeds). Other files are skipped with a count."""
    suffixes = sorted(importlib.machinery.EXTENSION_SUFFIXES, key=len, reverse=True)
    found = {}
    for f in sorted(os.listdir(root)):
        path = os.path.join(root, f)
        if not os.path.isfile(path) or os.path.abspath(path) in EXCLUDED:
            continue
        suffix = next((s for s in suffixes if f.endswith(s)), None)
        name = f[:-len(suffix)] if suffix else ''
        # A flat directory holds top-level modules only; 'a.b.so' is not one.
        if not name or '.' in name or not name.isidentifier():
            stats.not_modules += 1
            continue
        found[name] = path
    return found


def wheel_items(wheel, out_dir, stats):
    """Extracts a wheel's embeddable members into out_dir/wheels/<sha256>/ once."""
    try:
        with open(wheel, 'rb') as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        zf = zipfile.ZipFile(wheel)
    except (OSError, zipfile.BadZipFile) as e:
        raise CollectError(f'cannot read wheel {wheel}: {e}')
    dest = os.path.join(out_dir, 'wheels', digest)
    stats.wheel_dirs.add(digest)
    items = []
    with zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            name = info.filename
            if info.is_dir():
                continue
            parts = name.split('/')
            if name.startswith('/') or '..' in parts or '\\' in name:
                raise CollectError(f'wheel {wheel}: unsafe member path {name!r}')
            if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
                raise CollectError(f'wheel {wheel}: member {name!r} is a symbolic link')
            # <name>.data/purelib and platlib install into the import root;
            # scripts, headers and data do not belong to it.
            if parts[0].endswith('.data') and len(parts) > 2:
                if parts[1] not in ('purelib', 'platlib'):
                    stats.skipped += 1
                    continue
                relpath = '/'.join(parts[2:])
            else:
                relpath = name
            if skipped_file(relpath, stats):
                continue
            target = os.path.join(dest, *name.split('/'))
            if not os.path.exists(target):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                write_atomic(target, zf.read(info))
            items.append(Item(relpath, target))
    return items


def prune_wheel_dirs(out_dir, used):
    """Removes the extractions of wheels this run no longer names (a rebuilt
    wheel has a new sha256): without this a build dir grows with every
    rebuild. Nothing else reads them: the manifest names only used ones."""
    root = os.path.join(out_dir, 'wheels')
    try:
        names = os.listdir(root)
    except FileNotFoundError:
        return
    for name in names:
        if name not in used:
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)


def write_atomic(path, data):
    tmp = f'{path}.tmp.{os.getpid()}'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, path)


def stored_file(out_dir, path, subdir='files', transform=None):
    """A data file's content-addressed copy under out_dir/files: the manifest
    then changes whenever the file's content does (as it does for code, whose
    compiled copy is content-addressed), so an incremental link repacks it.
    With `transform`, what is stored is transform(content), still addressed
    by the content, so a relink redoes it only for what changed."""
    with open(path, 'rb') as f:
        data = f.read()
    digest = hashlib.sha256(data).hexdigest()
    stored = os.path.join(out_dir, subdir, digest[:2], digest)
    if not os.path.exists(stored):
        os.makedirs(os.path.dirname(stored), exist_ok=True)
        write_atomic(stored, transform(data) if transform else data)
    return stored


# Built-in modules of a source distribution that wrap a library of their
# own (the bytes are in the library: OpenSSL, SQLite, libffi, libmpdec,
# expat, liblzma, libbz2...). With --stdlib-auto, one that no kept module
# imports is left out of the inittab, and with it, from the link, its
# library. The others stay: CPython's core imports some from C.
DROPPABLE_BUILTINS = {
    '_ssl', '_hashlib', '_sqlite3', '_ctypes', '_decimal', 'pyexpat', '_elementtree', '_lzma',
    '_bz2', '_curses', '_curses_panel', 'readline', '_dbm', '_gdbm', '_uuid', '_tkinter', 'nis',
    '_crypt',
}
# Built-ins another built-in imports from C (a capsule), kept with it.
BUILTIN_NEEDS = {'_elementtree': ['pyexpat']}


def write_inittab(path, builtins, imported):
    """inittab.cpp: the distribution's `_PyImport_Inittab` (NAME=INIT
    pairs; linked ahead of libpython, it replaces libpython's config.o)
    without the droppable built-ins no kept module imports. Returns the
    names left out."""
    table = {}
    for b in builtins:
        # The pairs come from a distribution's manifest and become C++:
        # nothing but a dotted name and an identifier gets through.
        name, _, init = b.partition('=')
        if not re.fullmatch(r'[A-Za-z_]\w*(\.[A-Za-z_]\w*)*', name, re.ASCII) or \
                not re.fullmatch(r'[A-Za-z_]\w*', init, re.ASCII):
            raise CollectError(f'--inittab-builtin {b!r}: not NAME=INIT with a module name and a C '
                               f"identifier (a damaged distribution.yaml? rebuild it with "
                               f"`oxcc python build`)")
        table[name] = init
    wanted = set(imported)
    for name in list(wanted):
        wanted.update(BUILTIN_NEEDS.get(name, []))
    dropped = sorted(n for n in table if n in DROPPABLE_BUILTINS and n not in wanted)
    kept = [(n, i) for n, i in sorted(table.items()) if n not in dropped]
    lines = ['// Generated by `oxcc link --stdlib=auto` (collect_python.py): the',
             "// distribution's inittab, which replaces libpython's config.o, without",
             '// the built-in modules no embedded module imports: ' + (' '.join(dropped) or 'none') + '.',
             'extern "C" {',
             'struct _inittab { const char *name; void *(*initfunc)(void); };']
    lines += [f'void *{i}(void);' for _, i in kept]
    lines.append('struct _inittab _PyImport_Inittab[] = {')
    lines += [f'    {{"{n}", {i}}},' for n, i in kept]
    # In CPython's own table for sys.builtin_module_names, with no init.
    lines += [f'    {{"{n}", nullptr}},' for n in ('builtins', 'sys') if n not in table]
    lines += ['    {nullptr, nullptr},', '};', '}', '']
    text = '\n'.join(lines).encode()
    try:
        with open(path, 'rb') as f:
            if f.read() == text:
                return dropped  # unchanged: ninja (restat) skips the compile
    except OSError:
        pass
    write_atomic(path, text)
    return dropped


def compressed_source(out_dir, path):
    """A module's source as a zlib stream, packed with flag 4: the runtime
    inflates it when a traceback or inspect asks."""
    return stored_file(out_dir, path, 'srcz', lambda data: zlib.compress(data, 9))


# What the runtime and CPython import by name at start or on errors, beyond
# what the bytecode shows: codecs are looked up dynamically (all of
# encodings), tracebacks print through traceback/linecache, liboxrt's own
# frozen modules import importlib.metadata/resources, and the frozen stdlib
# modules (os, codecs, io...) import a few more.
AUTO_BASELINE = [
    'encodings', 'traceback', 'linecache', 'tokenize', 'warnings', 'copyreg', 'runpy', 're',
    'io', 'importlib', 'importlib.util', 'importlib.machinery', 'importlib.metadata',
    'importlib.resources', 'importlib.resources.abc', 'os', 'codecs', 'abc', 'stat', 'posixpath',
    'genericpath', 'site', '_sitebuiltins', '_collections_abc', 'zipimport', 'weakref',
]


def code_imports(co, package, in_function=False):
    """(name, in_function) for each absolute name a code object (and those
    nested in it) may import. `package` resolves relative imports. For
    `from x import y` both x and x.y are given (y may be a submodule); names
    that are not modules are dropped by the caller. in_function: the import
    runs when a function is called, not when the module is imported (often
    optional: pytest imports pygments so)."""
    for kind, args in modulefinder.ModuleFinder().scan_opcodes(co):
        if kind == 'absolute_import':
            fromlist, name = args
        elif kind == 'relative_import':
            level, fromlist, name = args
            base = package.rsplit('.', level - 1)[0] if level > 1 else package
            name = base + ('.' + name if name else '')
        else:
            continue
        yield name, in_function
        for sub in fromlist or ():
            if sub != '*':
                yield name + '.' + sub, in_function
    for const in co.co_consts:
        if isinstance(const, types.CodeType):
            yield from code_imports(const, package,
                                    in_function or bool(const.co_flags & CO_OPTIMIZED))


def reachable(modules, roots, extensions=(), others=None):
    """The module names reachable from `roots` by imports in their bytecode,
    with every parent package; names in `extensions` (packed extension
    modules) are reached but not looked into. Names imported that are
    neither (built-ins, missing modules) go to the set `others`, if given."""
    seen = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name in extensions:
            seen.add(name)
            continue
        if name not in modules:
            if others is not None:
                others.add(name)
            continue  # a built-in or missing module
        seen.add(name)
        parts = name.split('.')
        todo.extend('.'.join(parts[:i]) for i in range(1, len(parts)))
        m = modules[name]
        if name == 'encodings':  # every codec, found by name at run time
            todo.extend(n for n in modules if n.startswith('encodings.'))
        if not m.get('code'):
            continue
        with open(m['code'], 'rb') as f:
            co = marshal.loads(f.read())
        package = name if m['flags'] & FLAG_PACKAGE else name.rpartition('.')[0]
        todo.extend(name for name, _ in code_imports(co, package))
    return seen


def module_name(relpath):
    """'a/b/c.py' -> ('a.b.c', 0); 'a/b/__init__.py' -> ('a.b', FLAG_PACKAGE);
    None if no import can reach it (a component holds a '.', e.g. *.dist-info).
    Non-identifiers are importable through __import__, as sysconfig does with
    '_sysconfigdata__x86_64-linux-gnu', so they are modules too."""
    if not relpath.endswith('.py'):
        return None
    parts = relpath[:-3].split('/')
    flags = 0
    if parts[-1] == '__init__':
        parts.pop()
        flags = FLAG_PACKAGE
    if not parts or not all(p and '.' not in p for p in parts):
        return None
    return '.'.join(parts), flags


def compile_new(modules, out_dir, jobs, stats):
    """Compiles the modules not compiled yet; drops those that do not compile."""
    new = {n: m for n, m in modules.items() if 'code' not in m}
    names = list(new)
    compile_modules(new, out_dir, max(1, jobs), stats)  # drops from `new` what fails
    for name in names:
        if name not in new:
            del modules[name]


def from_environment(args, modules, files, take, out_dir, stats):
    """--site-packages: the --package distributions, what they and the wheels
    require, and the distributions of the top-level names the collected
    bytecode imports that nothing else provides; their files are taken as a
    --pure root's are. Imports that nothing provides are reported."""
    sites = [os.path.abspath(s) for s in args.site_packages]
    for site in sites:
        if not os.path.isdir(site):
            raise CollectError(f'--site-packages {site}: no such directory')
    env = site_packages.Environment(sites)
    for name in args.package:
        if site_packages.normalize(name) not in env.dists:
            raise CollectError(f'--package {name}: no such distribution in {", ".join(sites)}')

    # What the wheels and --pure roots hold already, and what they require.
    have, wanted = set(), list(args.package)
    for key, path in files.items():
        if key.count('/') == 1 and key.endswith('.dist-info/METADATA'):
            with open(path, encoding='utf-8', errors='replace') as f:
                text = f.read()
            have.add(site_packages.normalize(key.split('-')[0]))
            wanted += site_packages.wheel_requirements(text)

    added, unmet = set(), []

    def add(names):
        dists, missing = env.closure(names, have | added)
        unmet.extend(missing)
        for d in dists:
            added.add(d.name)
            items = []
            for root in d.roots():
                path = os.path.join(d.site, root)
                if os.path.isdir(path):
                    items += [Item(root + '/' + i.relpath, i.path) for i in walk_dir(path)]
                else:
                    items.append(Item(root, path))
            native = [i.relpath for i in items if i.relpath.endswith(EXTENSION_SUFFIXES)]
            if native:
                note(f'{d.name} from {d.site} holds extension modules ({native[0]}...), which '
                     'an environment cannot give: build it through oxcc and link its wheel')
            meta = d.meta
            base = os.path.basename(meta)
            if os.path.isdir(meta):
                items += [Item(base + '/' + i.relpath, i.path) for i in walk_dir(meta)]
            take('pure', d.site, items)
        return dists

    add(wanted)
    compile_new(modules, out_dir, args.jobs, stats)

    # Follow the imports until no new distribution is needed.
    stdlib = site_packages.stdlib_top_levels()
    builtin = set(args.builtin) | {b.split('.')[0] for b in args.builtin}
    scanned, wanted_by = set(), {}  # top-level name -> first module importing it
    lazy_by = {}  # the same, for imports inside functions: reported, not followed
    for root in args.root_module:  # the entry point's package is needed too
        if root.split('.')[0] not in stdlib | builtin:
            wanted_by.setdefault(root.split('.')[0], '(the entry point)')
    while True:
        for name, m in list(modules.items()):
            if name in scanned or m.get('stdlib') or not m.get('code'):
                continue
            scanned.add(name)
            with open(m['code'], 'rb') as f:
                co = marshal.loads(f.read())
            package = name if m['flags'] & FLAG_PACKAGE else name.rpartition('.')[0]
            for imported, in_function in code_imports(co, package):
                top = imported.split('.')[0]
                if top not in stdlib and top not in builtin:
                    (lazy_by if in_function else wanted_by).setdefault(top, name)
        new = sorted({env.by_top[t].name for t in wanted_by
                      if t not in modules and t in env.by_top
                      and env.by_top[t].name not in added | have})
        if not new:
            break
        note('imported, so taken from the environment: ' + ', '.join(new))
        add(new)
        compile_new(modules, out_dir, args.jobs, stats)

    lazy = sorted((t, by) for t, by in lazy_by.items()
                  if t not in modules and t not in wanted_by and t in env.by_top)
    if lazy:
        shown = ', '.join(f'{t} (from {by})' for t, by in lazy[:12])
        more = f' and {len(lazy) - 12} more' if len(lazy) > 12 else ''
        note(f'imported only inside functions, so not taken (add --package NAME if needed): '
             f'{shown}{more}')
    nobody = sorted((t, by) for t, by in wanted_by.items() if t not in modules)
    if nobody:
        shown = ', '.join(f'{t} (from {by})' for t, by in nobody[:12])
        more = f' and {len(nobody) - 12} more' if len(nobody) > 12 else ''
        note(f'imports nothing here provides (often optional): {shown}{more}')
    for name, by in unmet:
        note(f'requirement {name}' + (f' of {by}' if by else '') + ' is in no --site-packages')
    note(f'from the environment: {len(added)} distributions ({", ".join(sorted(added))})')


def cache_path(out_dir, source, filename):
    h = hashlib.sha256()
    for part in (importlib.util.MAGIC_NUMBER, filename.encode(), b'optimize=0', source):
        h.update(len(part).to_bytes(8, 'little'))
        h.update(part)
    digest = h.hexdigest()
    return os.path.join(out_dir, 'code', digest[:2], digest + '.marshal')


def compile_one(job):
    """Runs in a worker: (source path, virtual filename, cache path) -> error or None."""
    path, filename, target = job
    try:
        with open(path, 'rb') as f:
            source = f.read()
        code = compile(source, filename, 'exec', dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError, UnicodeDecodeError) as e:
        return f'{path}: {type(e).__name__}: {e}'
    os.makedirs(os.path.dirname(target), exist_ok=True)
    write_atomic(target, marshal.dumps(code))
    return None


def compile_modules(modules, out_dir, jobs, stats):
    """Fills in each module's code path; drops those that do not compile."""
    todo = []
    for name, m in modules.items():
        with open(m['source'], 'rb') as f:
            source = f.read()
        m['code'] = cache_path(out_dir, source, m['filename'])
        if os.path.exists(m['code']):
            stats.cached += 1
        else:
            todo.append((m['source'], m['filename'], m['code'], name))
    if not todo:
        return
    args = [t[:3] for t in todo]
    if jobs > 1 and len(todo) > 32:
        with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
            results = list(pool.map(compile_one, args, chunksize=16))
    else:
        results = [compile_one(a) for a in args]
    for (_, _, _, name), error in zip(todo, results):
        if error:
            note('skipped (does not compile): ' + error)
            stats.failed += 1
            del modules[name]
        else:
            stats.compiled += 1


def add_namespace_packages(modules):
    """A directory of modules without __init__.py is a namespace package."""
    for name in list(modules):
        parts = name.split('.')
        for i in range(1, len(parts)):
            parent = '.'.join(parts[:i])
            if parent not in modules:
                modules[parent] = {'flags': FLAG_PACKAGE | FLAG_NAMESPACE}


def tsv_field(value, what):
    if '\t' in value or '\n' in value or '\r' in value:
        raise CollectError(f'{what} {value!r} contains a tab or newline; the manifest cannot name it')
    return value


# Files a package ships that are not read by path at run time: typing stubs
# and markers, build inputs, licences.
NOT_DATA = ('.pyi', '.typed', '.pxd', '.pyx', '.h', '.c', '.cc', '.cpp', '.hpp')


def check_package_data(modules, files, stdlib_root, extract):
    """--extract-data names collected packages; every other non-stdlib
    package that ships data files and whose code uses __file__ gets a note
    (it may open those files by path, which a virtual path cannot serve)."""
    for name in extract:
        m = modules.get(name)
        if m is None or not m['flags'] & FLAG_PACKAGE or m['flags'] & FLAG_NAMESPACE:
            raise CollectError(f'--package-data=extract:{name}: no package {name} in the binary '
                               f'(it names a top-level package the link embeds)')
    data = {}
    for key, path in files.items():
        top = key.partition('/')[0]
        if ('/' in key and not path.startswith(stdlib_root + '/') and top in modules
                and not key.endswith(NOT_DATA) and '.dist-info/' not in key):
            data[top] = data.get(top, 0) + 1
    for top, count in sorted(data.items()):
        if top in extract:
            continue
        uses_file = False
        for name, m in modules.items():
            if (name == top or name.startswith(top + '.')) and m.get('source'):
                with open(m['source'], 'rb') as f:
                    if b'__file__' in f.read():
                        uses_file = True
                        break
        if uses_file:
            note(f'note: package {top} ships {count} data file{"s" if count != 1 else ""} and its code '
                 f'uses __file__: if it opens them by path, link with '
                 f'--package-data=extract:{top}')


def main(argv):
    roots = []

    class AddRoot(argparse.Action):
        def __call__(self, parser, namespace, values, option_string=None):
            roots.append((self.dest, values))

    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--out-dir', required=True, help='cache of compiled code and extracted wheels')
    p.add_argument('--manifest', required=True, help='the oxrt-pack manifest to write')
    p.add_argument('--stdlib', action=AddRoot, help='the standard library directory')
    p.add_argument('--pure', action=AddRoot, help='a site-packages-like directory')
    p.add_argument('--wheel', action=AddRoot, help='a wheel (.whl)')
    p.add_argument('--dynload', action=AddRoot,
                   help='a directory of extension modules (lib-dynload), packed as shared libraries')
    p.add_argument('--shlib', action='append', default=[], metavar='NAME=PATH',
                   help='one extension module packed as a shared library, under its full name')
    p.add_argument('--shdep', action='append', default=[], metavar='SONAME=PATH',
                   help='a shared library that --shlib modules need, under its soname')
    p.add_argument('--extract-data', action='append', default=[], metavar='PACKAGE',
                   help='a top-level package whose files the binary extracts on first import '
                   '(oxcc link --package-data=extract:PACKAGE): it must be collected')
    p.add_argument('--no-source', action='store_true',
                   help='embed bytecode only, no .py source (tracebacks then show no source lines)')
    p.add_argument('--compress-source', action='store_true',
                   help='pack each .py source as a zlib stream (a quarter of the bytes; the '
                        'runtime inflates it when a traceback or inspect reads it)')
    p.add_argument('--stdlib-auto', action='store_true',
                   help='keep only the stdlib modules that the other modules (and --root-module) '
                   'import, transitively')
    p.add_argument('--root-module', action='append', default=[],
                   help='with --stdlib-auto: a module the app starts from (its entry point)')
    p.add_argument('--exclude', action='append', default=[],
                   help='a file or directory never to collect (e.g. the build directory)')
    p.add_argument('--depfile', help='write a ninja depfile: every file and directory read, '
                   'so an edit, an added or a removed module triggers a rebuild')
    p.add_argument('--site-packages', action='append', default=[], metavar='DIR',
                   help='an environment to take --package distributions, and what they need, from')
    p.add_argument('--package', action='append', default=[], metavar='NAME',
                   help='a distribution of --site-packages to embed, with what it needs')
    p.add_argument('--builtin', action='append', default=[], metavar='NAME',
                   help='a module linked into the executable (it needs no distribution)')
    p.add_argument('--inittab-builtin', action='append', default=[], metavar='NAME=INIT',
                   help="with --stdlib-auto and --inittab-out: one entry of the distribution's "
                        'inittab (a source distribution: libpython holds them all)')
    p.add_argument('--inittab-out', metavar='FILE',
                   help='with --stdlib-auto: write the inittab without the built-ins that wrap '
                        'a library and that no kept module imports')
    p.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 1)
    args = p.parse_args(argv)
    if args.package and not args.site_packages:
        p.error('--package needs --site-packages DIR (where the distribution is installed)')
    if not roots and not args.shlib and not args.shdep and not args.package:
        p.error('nothing to collect: give --stdlib, --pure, --wheel, --dynload or --shlib')

    EXCLUDED.update(os.path.abspath(x) for x in args.exclude)
    stdlib_root = next((os.path.abspath(r) for k, r in roots if k == 'stdlib'), '//none')
    out_dir = os.path.abspath(args.out_dir)
    os.makedirs(out_dir, exist_ok=True)
    stats = Stats()
    modules = {}  # name -> {'flags', 'source', 'filename'}; later roots replace
    files = {}    # key -> absolute path
    shlibs = {}   # extension module name -> absolute path (--dynload)
    deps = set()  # for --depfile
    def take(kind, root, items):
        """Registers a root's items as modules and files, and what to rebuild on."""
        if kind == 'wheel':
            deps.add(os.path.abspath(root))
        else:
            for item in items:
                path = os.path.abspath(item.path)
                deps.add(path)
                # A directory's mtime changes when an entry is added or removed.
                parent = os.path.dirname(path)
                while len(parent) >= len(os.path.abspath(root)):
                    deps.add(parent)
                    parent = os.path.dirname(parent)
        for item in items:
            if skipped_file(item.relpath, stats):
                continue
            mod = module_name(item.relpath)
            if mod is None:
                files[tsv_field(item.relpath, 'file')] = os.path.abspath(item.path)
                continue
            name, flags = mod
            # The filename the code is compiled with is the key path; the
            # runtime rewrites it to the virtual path under sys.executable.
            modules[tsv_field(name, 'module')] = {
                'flags': flags, 'source': os.path.abspath(item.path), 'filename': item.relpath,
                'stdlib': kind == 'stdlib'}

    for kind, root in roots:
        if kind == 'dynload':
            if not os.path.isdir(root):
                raise CollectError(f'--dynload {root}: no such directory')
            deps.add(os.path.abspath(root))  # its mtime changes when a module is added
            for name, path in dynload_modules(root, stats).items():
                shlibs[name] = os.path.abspath(path)
                deps.add(shlibs[name])
            continue
        if kind == 'wheel':
            if not os.path.isfile(root):
                raise CollectError(f'--wheel {root}: no such file')
            items = wheel_items(root, out_dir, stats)
        else:
            if not os.path.isdir(root):
                raise CollectError(f'--{kind} {root}: no such directory')
            if kind == 'stdlib':
                if not os.path.isfile(os.path.join(root, 'os.py')):
                    raise CollectError(f'--stdlib {root}: not a Python standard library (no os.py)')
                items = walk_dir(root, STDLIB_EXCLUDE, STDLIB_EXCLUDE_PATHS)
            else:
                items = walk_dir(root)
        take(kind, root, items)

    # Named explicitly: always kept, and they win over a --dynload module.
    explicit = set()
    for arg in args.shlib:
        name, sep, path = arg.partition('=')
        if not sep or not path or not all(p.isidentifier() for p in name.split('.')):
            raise CollectError(f'--shlib {arg!r}: want NAME=PATH, NAME a dotted module name')
        if not os.path.isfile(path):
            raise CollectError(f'--shlib {arg}: no such file')
        shlibs[name] = os.path.abspath(path)
        explicit.add(name)
        deps.add(shlibs[name])

    shdeps = {}   # soname -> absolute path (--shdep): always kept
    for arg in args.shdep:
        soname, sep, path = arg.partition('=')
        if not sep or not soname or '/' in soname or not path:
            raise CollectError(f'--shdep {arg!r}: want SONAME=PATH, SONAME a file name')
        if not os.path.isfile(path):
            raise CollectError(f'--shdep {arg}: no such file')
        shdeps[soname] = os.path.abspath(path)
        deps.add(shdeps[soname])

    prune_wheel_dirs(out_dir, stats.wheel_dirs)
    compile_modules(modules, out_dir, max(1, args.jobs), stats)
    if args.site_packages:
        from_environment(args, modules, files, take, out_dir, stats)
    if args.inittab_out and not args.stdlib_auto:
        p.error('--inittab-out needs --stdlib-auto')
    if args.stdlib_auto:
        imported = set()
        keep = reachable(modules, AUTO_BASELINE + args.root_module +
                         [n for n, m in modules.items() if not m.get('stdlib')], shlibs, imported)
        if args.inittab_out:
            left_out = write_inittab(args.inittab_out, args.inittab_builtin, imported)
            note(f'--stdlib-auto: built-in modules left out (no kept module imports them): '
                 f'{" ".join(left_out) or "none"}')
        dropped = [n for n, m in modules.items() if m.get('stdlib') and n not in keep]
        for n in dropped:
            del modules[n]
        dropped_shlibs = [n for n in shlibs if n not in keep and n not in explicit]
        for n in dropped_shlibs:
            del shlibs[n]
        packages = {n for n, m in modules.items() if m['flags'] & FLAG_PACKAGE}
        for key in [k for k, path in files.items() if path.startswith(stdlib_root + '/')]:
            if key.rpartition('/')[0].replace('/', '.') not in packages:
                del files[key]
        note(f'--stdlib-auto: kept {sum(1 for m in modules.values() if m.get("stdlib"))} '
             f'stdlib modules, dropped {len(dropped)}; kept {len(shlibs)} extension modules, '
             f'dropped {len(dropped_shlibs)}')
    add_namespace_packages(modules)
    check_package_data(modules, files, stdlib_root, args.extract_data)

    lines = []
    for name in sorted(modules):
        m = modules[name]
        if m['flags'] & FLAG_NAMESPACE:
            lines.append(f'module\t{name}\t{m["flags"]}\t-\t-')
        else:
            flags, source = m['flags'], '-'
            if not args.no_source and args.compress_source:
                flags |= FLAG_SOURCE_ZLIB
                source = tsv_field(compressed_source(out_dir, m['source']), 'path')
            elif not args.no_source:
                source = tsv_field(m['source'], 'path')
            lines.append(f'module\t{name}\t{flags}\t{tsv_field(m["code"], "path")}\t{source}')
    for key in sorted(files):
        lines.append(f'file\t{key}\t{tsv_field(stored_file(out_dir, files[key]), "path")}')
    for name in sorted(shlibs):
        lines.append(f'shlib\t{name}\t{tsv_field(stored_file(out_dir, shlibs[name]), "path")}')
    for soname in sorted(shdeps):
        lines.append(f'shdep\t{tsv_field(soname, "soname")}\t{tsv_field(stored_file(out_dir, shdeps[soname]), "path")}')
    manifest = os.path.abspath(args.manifest)
    os.makedirs(os.path.dirname(manifest), exist_ok=True)
    text = ('\n'.join(lines) + '\n').encode()
    # Unchanged content, unchanged file: ninja (restat) then skips the repack.
    try:
        with open(manifest, 'rb') as f:
            unchanged = f.read() == text
    except OSError:
        unchanged = False
    if not unchanged:
        write_atomic(manifest, text)
    if args.depfile:
        escape = lambda p: p.replace('\\', '\\\\').replace(' ', '\\ ').replace('#', '\\#').replace('$', '$$')
        write_atomic(os.path.abspath(args.depfile),
                     (escape(args.manifest) + ': ' + ' '.join(escape(d) for d in sorted(deps)) + '\n').encode())

    namespaces = sum(1 for m in modules.values() if m['flags'] & FLAG_NAMESPACE)
    note(f'{len(modules)} modules ({stats.compiled} compiled, {stats.cached} cached, '
         f'{namespaces} namespace packages), {len(files)} files, {len(shlibs)} extension '
         f'modules, {len(shdeps)} libraries they need; skipped: {stats.failed} not compiling, {stats.extensions} extension '
         f'binaries, {stats.skipped} wheel data, {stats.not_modules} non-modules in --dynload')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except (CollectError, OSError) as e:
        print(f'collect_python: error: {e}', file=sys.stderr)
        sys.exit(1)

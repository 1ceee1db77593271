#!/usr/bin/python3
"""End-to-end tests of liboxrt: runs the test programs built by
runtime/test/CMakeLists.txt (the whole stdlib and pysrc/ packed, two C
extensions linked in as dotted built-ins; oxrt-e2e-shlib also packs
lib-dynload's extension modules as shared libraries) and the packing tools.

    run_e2e.py --bin-dir DIR --pack OXRT_PACK --collect COLLECT_PY --dynload DIR GROUP

GROUP: python, embedded, app, multiprocessing, strace, corrupt, shlib,
shlib_policy, shlib_corrupt, tools.
"""

import argparse
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import textwrap
import unittest
import zipfile
import zlib

ARGS = None
# XDG_CACHE_HOME of every program run with the default environment: an
# extracted module never lands in the real home.
SCRATCH_CACHE = None
BOOM_LINE = "raise RuntimeError('deliberate failure from testpkg.boom')  # BOOM-LINE"


def program(name='oxrt-e2e'):
    return os.path.join(ARGS.bin_dir, name)


def run(argv, input=None, env=None, cwd=None, timeout=120):
    """Runs argv with a scrubbed environment unless one is given."""
    if env is None:
        env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'LANG': 'C.UTF-8',
               'XDG_CACHE_HOME': SCRATCH_CACHE}
    return subprocess.run(argv, input=input, capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)


def py(code, *args, **kw):
    return run([program(), '-c', code, *args], **kw)


def strace_usable():
    return shutil.which('strace') and run(['strace', '-o', '/dev/null', 'true']).returncode == 0


def strace(argv, log, trace='open,openat,openat2,execve', **kw):
    """Runs argv under strace -f; returns (process, [(syscall, first string argument)])."""
    proc = run(['strace', '-f', '-qq', '-o', log, '-e', 'trace=' + trace, *argv], **kw)
    calls = []
    with open(log) as f:
        for line in f:
            parts = line.split(None, 1)
            if len(parts) == 2 and '(' in parts[1] and '"' in parts[1]:
                calls.append((parts[1].split('(', 1)[0], parts[1].split('"')[1]))
    return proc, calls


def blob_offset(data):
    """Where the packed resources start in an executable's bytes."""
    start = 0
    while True:
        at = data.find(b'OXRES\0\0\0', start)
        if at == -1:
            raise AssertionError('no packed resources in the binary')
        # The blob, not the reader's copy of the magic (an immediate in the
        # code): version 1, entries right after the header, and big.
        version, _, entries, _, total = struct.unpack_from('<IIQQQ', data, at + 8)
        if version == 1 and entries == 40 and total > 1 << 20:
            return at
        start = at + 1


def blob_entry(data, kind, key):
    """(data_offset, data_length, aux_offset) of an entry, absolute in `data`."""
    at = blob_offset(data)
    _, count, entries, strings, _ = struct.unpack_from('<IIQQQ', data, at + 8)
    for i in range(count):
        ko, kl, k, _, _, do, dl, al, ao = struct.unpack_from('<IIHHIQIIQ', data, at + entries + 40 * i)
        if k == kind and data[at + strings + ko:at + strings + ko + kl] == key.encode():
            return at + do, dl, at + ao
    raise AssertionError(f'no entry ({kind}, {key!r}) in the blob')


DYNLOAD_SUFFIX = '.cpython-311-x86_64-linux-gnu.so'
SIX = ('_json', '_decimal', '_ssl', '_ctypes', '_asyncio', '_sqlite3')
# A small real use of each of the six, through its Python wrapper.
USE_SIX = textwrap.dedent('''
    import _json, _decimal, _ssl, _ctypes, _asyncio, _sqlite3
    import json, json.decoder, decimal, ssl, ctypes, sqlite3, asyncio
    assert json.decoder.c_scanstring is not None
    assert json.loads(json.dumps({'a': [1, 2.5, None, 'é']})) == {'a': [1, 2.5, None, 'é']}
    assert str(decimal.Decimal('1.1') + 1) == '2.1'
    assert ssl.create_default_context().verify_mode == ssl.CERT_REQUIRED
    assert ctypes.c_int(3).value == 3 and ctypes.sizeof(ctypes.c_int) == 4
    assert sqlite3.connect(':memory:').execute('select 1').fetchall() == [(1,)]
    async def answer():
        await asyncio.sleep(0)
        return 42
    assert asyncio.run(answer()) == 42
    for m in (_json, _decimal, _ssl, _ctypes, _asyncio, _sqlite3):
        print(m.__spec__.name, m.__file__)
''')


class Base(unittest.TestCase):
    def ok(self, proc, code=0):
        self.assertEqual(proc.returncode, code,
                         f'exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}')
        return proc.stdout

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix='oxrt-e2e-')
        self.addCleanup(shutil.rmtree, d, True)
        return d


class Python(Base):
    """Entry::Python: the program behaves like python3 on its command line."""

    def test_c_imports_stdlib(self):
        out = self.ok(py('import json, decimal; print(json.dumps(str(decimal.Decimal(1) / 8)))'))
        self.assertEqual(out, '"0.125"\n')

    def test_m_runs_embedded_module(self):
        out = self.ok(run([program(), '-m', 'testpkg', 'a', 'b']))
        self.assertEqual(out, "testpkg.__main__ argv=['a', 'b']\n")

    def test_script_path_with_sibling_import(self):
        d = self.tmpdir()
        with open(os.path.join(d, 'helper.py'), 'w') as f:
            f.write('VALUE = 41\n')
        with open(os.path.join(d, 'script.py'), 'w') as f:
            f.write('import sys, helper\nprint(helper.VALUE + 1, sys.argv[1:])\n')
        out = self.ok(run([program(), os.path.join(d, 'script.py'), 'x']))
        self.assertEqual(out, "42 ['x']\n")

    def test_stdin(self):
        self.assertEqual(self.ok(run([program(), '-'], input='print(6 * 7)\n')), '42\n')
        self.assertEqual(self.ok(run([program()], input='print("no args")\n')), 'no args\n')

    def test_sys_exit_code(self):
        self.ok(py('import sys; sys.exit(3)'), code=3)
        self.ok(run([program(), '-m', 'testpkg', 'exit', '4']), code=4)
        proc = py('import sys; sys.exit("bye")')
        self.ok(proc, code=1)
        self.assertIn('bye', proc.stderr)

    def test_uncaught_exception_shows_source_line(self):
        proc = run([program(), '-m', 'testpkg.boom'])
        self.ok(proc, code=1)
        self.assertIn(BOOM_LINE, proc.stderr)
        self.assertIn('testpkg/boom.py", line 5, in explode', proc.stderr)
        proc = py('import testpkg.boom; testpkg.boom.explode()')
        self.ok(proc, code=1)
        self.assertIn(BOOM_LINE, proc.stderr)

    def test_traceback_module_and_linecache(self):
        out = self.ok(py(textwrap.dedent('''
            import traceback, testpkg.boom
            try:
                testpkg.boom.explode()
            except RuntimeError:
                print(traceback.format_exc())
        ''')))
        self.assertIn(BOOM_LINE, out)

    def test_flags(self):
        self.assertEqual(self.ok(run([program(), '--version'])).strip(), 'Python 3.11.2')
        out = self.ok(run([program(), '-I', '-B', '-c', 'import sys; print(sys.flags.isolated, '
                                                    'sys.flags.dont_write_bytecode, sys.path[0] != "")']))
        self.assertEqual(out, '1 1 True\n')
        out = self.ok(run([program(), '-O', '-c', 'assert False; print("optimized")']))
        self.assertEqual(out, 'optimized\n')
        out = self.ok(run([program(), '-X', 'utf8', '-c', 'import sys; print(sys.flags.utf8_mode)']))
        self.assertEqual(out, '1\n')

    def test_ignores_pythonpath_and_pythonhome(self):
        d = self.tmpdir()
        for name in ('json.py', 'only_on_pythonpath.py'):
            with open(os.path.join(d, name), 'w') as f:
                f.write('raise RuntimeError("PYTHONPATH was read")\n')
        env = {'PATH': '/usr/bin:/bin', 'PYTHONPATH': d, 'PYTHONHOME': d, 'PYTHONSAFEPATH': '',
               'PYTHONSTARTUP': os.path.join(d, 'json.py')}
        out = self.ok(py(textwrap.dedent(f'''
            import json, sys
            assert {d!r} not in sys.path, sys.path
            try:
                import only_on_pythonpath
            except ImportError:
                print('ignored')
        '''), env=env))
        self.assertEqual(out, 'ignored\n')

    def test_embedded_wins_over_cwd(self):
        d = self.tmpdir()
        with open(os.path.join(d, 'json.py'), 'w') as f:
            f.write('raise RuntimeError("cwd json.py shadowed the stdlib")\n')
        self.ok(py('import json', cwd=d))

    def test_sys_executable_and_path(self):
        out = self.ok(py('import sys; print(sys.executable); print(sys.path[1:])'))
        exe = os.path.realpath(program())
        self.assertEqual(out.splitlines()[0], exe)
        self.assertEqual(out.splitlines()[1], repr([exe, '/usr/lib/python3.11/lib-dynload']))

    def test_exit_builtin(self):
        self.ok(py('exit(5)'), code=5)


class Embedded(Base):
    """The in-memory importer: packages, virtual paths, resources, metadata."""

    def test_dotted_builtins(self):
        out = self.ok(py(textwrap.dedent('''
            import importlib.machinery, pkgA._native as n, deep.pkg._fast as f, sys
            ext, root = importlib.machinery.EXTENSION_SUFFIXES[0], sys.executable
            print(n.__name__, n.def_name(), n.kind, n.add(2, 3), n.__spec__.origin == n.__file__)
            print(f.__name__, f.kind, f.answer, f.twice(21), f.__spec__.origin)
            print(n.__file__ == root + '/pkgA/_native' + ext, f.__file__ == root + '/deep/pkg/_fast' + ext)
            import pkgA
            print(pkgA._native is n, 'deep.pkg._fast' in sys.builtin_module_names)
        ''')))
        # A dotted built-in's __file__ and origin are the path its .so
        # would have under the executable.
        ext = '.cpython-311-x86_64-linux-gnu.so'
        self.assertEqual(out.splitlines(), [
            'pkgA._native pkgA._native single-phase 5 True',
            f'deep.pkg._fast multi-phase 42 42 {program()}/deep/pkg/_fast{ext}',
            'True True',
            'True True'])

    def test_virtual_paths_are_consistent(self):
        out = self.ok(py(textwrap.dedent('''
            import os, sys, json, testpkg, testpkg.sub.mod as m
            root = sys.executable
            for mod in (json, testpkg, m, os):
                assert mod.__file__ == mod.__spec__.origin or mod is os, mod
                assert mod.__file__.startswith(root + '/'), mod.__file__
            assert testpkg.__file__ == root + '/testpkg/__init__.py'
            assert testpkg.__path__ == [root + '/testpkg'], testpkg.__path__
            assert m.__file__ == root + '/testpkg/sub/mod.py' == m.where()
            assert m.__cached__ is None
            assert os.__file__ == root + '/os.py', os.__file__
            assert m.where.__code__.co_filename == m.__file__
            print('consistent')
        ''')))
        self.assertEqual(out, 'consistent\n')

    def test_get_data_and_source(self):
        out = self.ok(py(textwrap.dedent('''
            import os, pkgutil, inspect, testpkg, testpkg.sub.mod as m
            here = os.path.dirname(testpkg.__file__)
            print(testpkg.__loader__.get_data(os.path.join(here, 'data.txt')))
            print(testpkg.__loader__.get_data(here + '/sub/../data.txt'))
            print(pkgutil.get_data('testpkg', 'data.txt'))
            print(testpkg.__loader__.get_data(m.__file__)[:5])
            print(inspect.getsource(m.where).splitlines()[0])
            try:
                testpkg.__loader__.get_data(here + '/missing.txt')
            except FileNotFoundError:
                print('missing')
            try:
                open(os.path.join(here, 'data.txt'))
            except NotADirectoryError:
                print('not on disk')
        ''')))
        self.assertEqual(out.splitlines(), [
            "b'hello from data.txt\\n'", "b'hello from data.txt\\n'", "b'hello from data.txt\\n'",
            "b'VALUE'", 'def where():', 'missing', 'not on disk'])

    def test_importlib_resources(self):
        out = self.ok(py(textwrap.dedent('''
            import importlib.resources as r, warnings
            warnings.simplefilter('ignore', DeprecationWarning)
            print(r.files('testpkg').joinpath('data.txt').read_text(), end='')
            print((r.files('testpkg') / 'sub' / 'res' / 'inner.txt').read_bytes())
            print(r.read_text('testpkg', 'data.txt'), end='')
            print(r.read_binary('testpkg', 'data.txt'))
            print(r.is_resource('testpkg', 'data.txt'), r.is_resource('testpkg', 'nope'))
            print(sorted(p.name for p in r.files('testpkg').iterdir()))
            print(sorted(p.name for p in r.files('testpkg.sub').iterdir()))
            with r.as_file(r.files('testpkg') / 'data.txt') as path:
                print(open(path).read(), end='')
        ''')))
        self.assertEqual(out.splitlines(), [
            'hello from data.txt', "b'inner resource\\n'", 'hello from data.txt',
            "b'hello from data.txt\\n'", 'True False',
            "['__init__.py', '__main__.py', 'boom.py', 'cli.py', 'data.txt', 'mp.py', 'sub']",
            "['__init__.py', 'mod.py', 'res']", 'hello from data.txt'])

    def test_importlib_metadata(self):
        out = self.ok(py(textwrap.dedent('''
            import importlib.metadata as md
            print(md.version('testpkg'), md.version('TestPkg'))
            print(md.metadata('testpkg')['Summary'])
            print([ep.value for ep in md.entry_points(group='console_scripts') if ep.name == 'testpkg-cli'])
            print(md.files('testpkg')[1], md.files('testpkg')[1].read_text(), end='')
            try:
                md.version('not-there')
            except md.PackageNotFoundError:
                print('not found')
        ''')))
        self.assertEqual(out.splitlines(), [
            '1.2.3 1.2.3', "The test package of liboxrt's end-to-end test", "['testpkg.cli:main']",
            'testpkg/data.txt hello from data.txt', 'not found'])

    def test_pkgutil_iter_modules(self):
        out = self.ok(py(textwrap.dedent('''
            import pkgutil, testpkg, pkgA, deep.pkg
            top = {m.name: m.ispkg for m in pkgutil.iter_modules()}
            print([(n, top.get(n)) for n in ('json', 'os', 'testpkg', 'testns', 'pkgA', 'deep', 'decimal')])
            print([(m.name, m.ispkg) for m in pkgutil.iter_modules(testpkg.__path__)])
            print([m.name for m in pkgutil.iter_modules(pkgA.__path__)])
            print([m.name for m in pkgutil.iter_modules(deep.pkg.__path__)])
            print(sorted(m.name for m in pkgutil.walk_packages(testpkg.__path__, 'testpkg.')))
        ''')))
        self.assertEqual(out.splitlines(), [
            "[('json', True), ('os', False), ('testpkg', True), ('testns', True), ('pkgA', True), "
            "('deep', True), ('decimal', False)]",
            "[('__main__', False), ('boom', False), ('cli', False), ('mp', False), ('sub', True)]",
            "['_native']", "['_fast']",
            "['testpkg.__main__', 'testpkg.boom', 'testpkg.cli', 'testpkg.mp', 'testpkg.sub', "
            "'testpkg.sub.mod']"])

    def test_namespace_packages(self):
        out = self.ok(py(textwrap.dedent('''
            import testns.part_a, testns.deeper.part_b, sys
            print(testns.part_a.NAME, testns.deeper.part_b.NAME)
            print(testns.__spec__.origin, getattr(testns, '__file__', 'no file'))
            print(testns.__path__ == [sys.executable + '/testns'])
        ''')))
        self.assertEqual(out.splitlines(), [
            'testns.part_a testns.deeper.part_b', 'None no file', 'True'])

    def test_missing_module(self):
        out = self.ok(py(textwrap.dedent('''
            for name in ('nope', 'testpkg.nope', 'pkgA.nope', 'deep.nope'):
                try:
                    __import__(name)
                except ModuleNotFoundError as e:
                    print(e.name)
        ''')))
        self.assertEqual(out.split(), ['nope', 'testpkg.nope', 'pkgA.nope', 'deep.nope'])


class App(Base):
    """Entry::Module and Entry::Script."""

    def test_module_function_exit_status(self):
        proc = run([program('oxrt-e2e-app'), '7'])
        self.ok(proc, code=7)
        self.assertEqual(proc.stdout, f"cli main argv=['{program('oxrt-e2e-app')}', '7']\n")
        self.ok(run([program('oxrt-e2e-app')]), code=0)

    def test_app_arguments_are_not_python_options(self):
        proc = run([program('oxrt-e2e-app'), '-c', 'print(1)'])
        self.assertEqual(proc.returncode, 1)
        self.assertIn("cli main argv=", proc.stdout)
        self.assertIn("invalid literal for int() with base 10: '-c'", proc.stderr)

    def test_module_function_uncaught_exception(self):
        proc = run([program('oxrt-e2e-app'), 'raise'])
        self.ok(proc, code=1)
        self.assertIn(BOOM_LINE, proc.stderr)
        self.assertNotIn('_oxrt_entry', proc.stderr)

    def test_module_as_main(self):
        proc = run([program('oxrt-e2e-mod'), 'exit', '5'])
        self.ok(proc, code=5)
        self.assertEqual(proc.stdout, "testpkg.__main__ argv=['exit', '5']\n")

    def test_script(self):
        proc = run([program('oxrt-e2e-script')])
        self.ok(proc, code=1)
        self.assertIn(BOOM_LINE, proc.stderr)
        self.assertIn('oxrt-e2e-script/testpkg/boom.py", line 9, in <module>', proc.stderr)

    def test_app_is_isolated(self):
        d = self.tmpdir()
        with open(os.path.join(d, 'testpkg.py'), 'w') as f:
            f.write('raise RuntimeError("cwd was on sys.path")\n')
        self.ok(run([program('oxrt-e2e-app'), '0'], cwd=d, env={'PYTHONPATH': d, 'PATH': '/usr/bin'}))


class Multiprocessing(Base):
    """spawn children start the executable as python3 would be started."""
    SQUARES = '[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]'

    def test_spawn_pool_from_c(self):
        out = self.ok(py(textwrap.dedent('''
            import multiprocessing as mp, testpkg.mp as t
            mp.set_start_method('spawn')
            with mp.Pool(2) as pool:
                print(pool.map(t.square, range(10)))
        ''')))
        self.assertEqual(out, self.SQUARES + '\n')

    def test_spawn_pool_from_app_entry(self):
        # The children (and the resource tracker) must not run the app's main().
        out = self.ok(run([program('oxrt-e2e-app'), 'pool']))
        self.assertEqual(out.splitlines()[1:], [self.SQUARES])
        self.assertEqual(out.count('cli main'), 1)

    def test_forkserver_pool_from_app_entry(self):
        # The forkserver is started as `exe -I -S -c "from multiprocessing.forkserver ..."`.
        out = self.ok(run([program('oxrt-e2e-app'), 'pool', 'forkserver']))
        self.assertEqual(out.splitlines()[1:], [self.SQUARES])
        self.assertEqual(out.count('cli main'), 1)

    def test_frozen_spawn_children_are_dispatched(self):
        # sys.frozen set (InterpreterConfig::sysFrozen): spawn starts
        # `exe --multiprocessing-fork ...`, which liboxrt runs as
        # multiprocessing's freeze_support() would. Start method from the
        # config: spawn. oxrt-embed-bench reads both from its environment.
        env = {'PATH': '/usr/bin:/bin', 'LANG': 'C.UTF-8', 'XDG_CACHE_HOME': SCRATCH_CACHE,
               'OXRT_BENCH_FROZEN': '1'}
        out = self.ok(run([program('oxrt-embed-bench'), '-c', textwrap.dedent('''
            import sys, multiprocessing as mp, operator
            assert sys.frozen and mp.get_start_method() == 'spawn'
            with mp.Pool(2) as pool:
                print(pool.starmap(operator.mul, [(i, i) for i in range(10)]))
        ''')], env=env))
        self.assertEqual(out, self.SQUARES + '\n')

    def test_spawn_pool_from_module_main(self):
        # Children re-import testpkg.__main__ as __mp_main__.
        out = self.ok(run([program('oxrt-e2e-mod'), 'pool']))
        self.assertEqual(out.splitlines(), ["testpkg.__main__ argv=['pool']", self.SQUARES])


class Strace(Base):
    """Nothing of Python's source or bytecode is read from the filesystem."""

    def test_no_py_or_pyc_opened(self):
        if not shutil.which('strace'):
            self.skipTest('strace not installed')
        if run(['strace', '-o', '/dev/null', 'true']).returncode != 0:
            self.skipTest('strace cannot trace here (ptrace not permitted)')
        d = self.tmpdir()
        log = os.path.join(d, 'trace')
        self.ok(run(['strace', '-f', '-qq', '-o', log, '-e', 'trace=open,openat', program(),
                     '-c', 'import json, email.mime.text, asyncio'], cwd=d))
        opened = []
        with open(log) as f:
            for line in f:
                if '"' in line:
                    opened.append(line.split('"')[1])
        self.assertTrue(opened, 'strace saw no open at all')
        python_files = [p for p in opened if p.endswith(('.py', '.pyc'))]
        self.assertEqual(python_files, [])
        stdlib = [p for p in opened if p.startswith('/usr/lib/python3')]
        for p in stdlib:
            self.assertTrue(p == '/usr/lib/python3.11/lib-dynload' or p.endswith('.so'), p)
        self.assertIn('/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so', stdlib)


class Corrupt(Base):
    """A corrupt blob is an error message and exit 1, never a crash."""

    def corrupted(self, patch):
        with open(program(), 'rb') as f:
            data = bytearray(f.read())
        at = blob_offset(data)
        patch(data, at)
        path = os.path.join(self.tmpdir(), 'corrupt')
        with open(path, 'wb') as f:
            f.write(data)
        os.chmod(path, 0o755)
        return run([path, '-c', 'print("ran")'])

    def check(self, patch, why):
        proc = self.corrupted(patch)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(proc.stdout, '')
        self.assertTrue(proc.stderr.startswith('oxrt: corrupt packed resources: '), proc.stderr)
        self.assertIn(why, proc.stderr)
        self.assertEqual(proc.stderr.count('\n'), 1, proc.stderr)

    def test_version(self):
        self.check(lambda d, at: struct.pack_into('<I', d, at + 8, 9), 'version 9')

    def test_total_size(self):
        self.check(lambda d, at: struct.pack_into('<Q', d, at + 32, 12345678), 'header says')

    def test_entry_key_out_of_bounds(self):
        self.check(lambda d, at: struct.pack_into('<I', d, at + 40, 0xfffffff0), 'string table')

    def test_unsorted(self):
        # Swap the first two entries' keys.
        def patch(d, at):
            a, b = at + 40, at + 80
            d[a:a + 8], d[b:b + 8] = d[b:b + 8], d[a:a + 8]
        self.check(patch, 'not sorted')


class Shlib(Base):
    """lib-dynload's extension modules loaded from memory (oxrt-e2e-shlib:
    packed as shared libraries, no filesystem path on sys.path)."""

    def shlib(self, code, *args, **kw):
        return run([program('oxrt-e2e-shlib'), '-c', code, *args], **kw)

    def test_six_modules_work_from_memory(self):
        out = self.ok(self.shlib(USE_SIX + 'import sys; print(sys.path)'))
        exe = os.path.realpath(program('oxrt-e2e-shlib'))
        lines = out.splitlines()
        self.assertEqual(lines[:-1], [f'{m} {exe}/{m}{DYNLOAD_SUFFIX}' for m in SIX])
        self.assertEqual(lines[-1], repr(['', exe]))

    def test_spec_loader_and_names_like_python3(self):
        code = textwrap.dedent('''
            import importlib.util, sys
            for name in ('_json', '_decimal', '_ssl', '_ctypes', '_asyncio', '_sqlite3'):
                m = __import__(name)
                spec = importlib.util.find_spec(name)
                print(name, m.__name__, m.__spec__.name, m.__file__ == m.__spec__.origin == spec.origin,
                      m.__file__.endswith(name + '.cpython-311-x86_64-linux-gnu.so'),
                      m.__spec__.cached, sorted(k for k in dir(m) if not k.startswith('__'))[:5])
        ''')
        ours = self.ok(self.shlib(code))
        theirs = self.ok(run(['/usr/bin/python3', '-S', '-c', code]))
        self.assertEqual(ours, theirs)

    def test_dotted_single_and_multi_phase(self):
        out = self.ok(self.shlib(textwrap.dedent('''
            import sys, pkgutil, shpkg, shpkg._native as n, shpkg.sub._fast as f
            print(n.__name__, n.def_name(), n.kind, n.add(2, 3))
            print(f.__name__, f.kind, f.answer, f.twice(21))
            root = sys.executable
            print(n.__file__ == root + '/shpkg/_native.cpython-311-x86_64-linux-gnu.so',
                  f.__file__ == f.__spec__.origin == root + '/shpkg/sub/_fast.cpython-311-x86_64-linux-gnu.so')
            print(shpkg.__spec__.origin, shpkg.__path__ == [root + '/shpkg'])
            print([(m.name, m.ispkg) for m in pkgutil.iter_modules(shpkg.__path__)])
            print('_json' in {m.name for m in pkgutil.iter_modules()})
            print(len(n.__loader__.get_data(n.__file__)) > 1000)
        ''')))
        self.assertEqual(out.splitlines(), [
            'shpkg._native shpkg._native single-phase 5', 'shpkg.sub._fast multi-phase 42 42',
            'True True', 'None True', "[('_broken', False), ('_native', False), ('sub', True)]",
            'True', 'True'])

    def test_failed_load_names_the_module(self):
        # dlopen's own error, with the virtual path instead of /proc/self/fd/N;
        # the same on a retry, and later loads are unaffected.
        out = self.ok(self.shlib(textwrap.dedent('''
            import sys
            for attempt in range(2):
                try:
                    import shpkg._broken
                except ImportError as e:
                    print(e.name, e.path == sys.executable + '/shpkg/_broken.cpython-311-x86_64-linux-gnu.so')
                    print(str(e).replace(sys.executable, '<exe>'))
            import _json, shpkg._native
            print(_json.__name__, shpkg._native.__name__)
        ''')))
        message = ("embedded extension module 'shpkg._broken': <exe>/shpkg/_broken.cpython-311-"
                   "x86_64-linux-gnu.so: undefined symbol: oxrt_test_undefined_function")
        self.assertEqual(out.splitlines(), ['shpkg._broken True', message] * 2 +
                         ['_json shpkg._native'])

    def test_reimport_reuses_the_loaded_library(self):
        # Multi-phase: a new module from the same library; single-phase:
        # CPython's extension cache. Either way, one memfd per library.
        out = self.ok(self.shlib(textwrap.dedent('''
            import sys, _json, shpkg._native as n
            first = _json
            del sys.modules['_json'], sys.modules['shpkg._native']
            import _json, shpkg._native as n2
            print(first is not _json, n2.def_name(), n2.__file__ == n.__file__)
            maps = open('/proc/self/maps').read().splitlines()
            for name in ('_json', 'shpkg._native'):
                print(name, len({l.split()[4] for l in maps if l.endswith('/memfd:%s (deleted)' % name)}))
        ''')))
        self.assertEqual(out.splitlines(), ['True shpkg._native True', '_json 1', 'shpkg._native 1'])

    def test_follows_sys_getdlopenflags(self):
        # RTLD_LOCAL by default, as python3: the module's symbols are not
        # visible to others; RTLD_GLOBAL when the program asks for it.
        code = textwrap.dedent('''
            import ctypes, os, sys
            if sys.argv[1] == 'global':
                sys.setdlopenflags(os.RTLD_GLOBAL | os.RTLD_NOW)
            import _json
            print(hasattr(ctypes.CDLL(None), 'PyInit__json'))
        ''')
        self.assertEqual(self.ok(self.shlib(code, 'local')), 'False\n')
        self.assertEqual(self.ok(self.shlib(code, 'global')), 'True\n')

    def test_nothing_read_from_lib_dynload(self):
        if not strace_usable():
            self.skipTest('strace cannot trace here')
        d = self.tmpdir()
        proc, calls = strace([program('oxrt-e2e-shlib'), '-c', USE_SIX], os.path.join(d, 'trace'), cwd=d)
        self.ok(proc)
        opened = [path for call, path in calls if call.startswith('open')]
        self.assertTrue(opened, 'strace saw no open at all')
        self.assertEqual([p for p in opened if 'lib-dynload' in p or p.startswith('/usr/lib/python3')], [])
        self.assertEqual([p for p in opened if p.endswith(('.py', '.pyc'))], [])
        self.assertTrue(any(p.startswith('/proc/self/fd/') for p in opened), opened)
        self.assertEqual([path for call, path in calls if call == 'execve'],
                         [program('oxrt-e2e-shlib')])

    def test_spawn_pool_children_load_from_memory(self):
        if not strace_usable():
            self.skipTest('strace cannot trace here')
        d = self.tmpdir()
        code = textwrap.dedent('''
            import multiprocessing as mp, testpkg.mp as t
            mp.set_start_method('spawn')
            with mp.Pool(2) as pool:
                print(pool.map(t.square, range(4)), set(pool.map(t.extension_files, range(4))))
        ''')
        proc, calls = strace([program('oxrt-e2e-shlib'), '-c', code], os.path.join(d, 'trace'), cwd=d)
        out = self.ok(proc)
        exe = os.path.realpath(program('oxrt-e2e-shlib'))
        self.assertEqual(out, f"[0, 1, 4, 9] {{('{exe}/_json{DYNLOAD_SUFFIX}', True)}}\n")
        execs = [path for call, path in calls if call == 'execve']
        self.assertGreaterEqual(len(execs), 3, 'parent, children and resource tracker')
        opened = [path for call, path in calls if call.startswith('open')]
        self.assertEqual([p for p in opened if 'lib-dynload' in p], [])

    def test_memfd_refused_extracts_quietly(self):
        no_memfd = program('oxrt-no-memfd')
        if run([no_memfd, '/bin/true']).returncode != 0:
            self.skipTest('cannot install a seccomp filter here')
        cache = self.tmpdir()
        env = {'PATH': '/usr/bin:/bin', 'XDG_CACHE_HOME': cache}
        argv = [no_memfd, program('oxrt-e2e-shlib'), '-c', USE_SIX]
        proc = run(argv, env=env)
        out = self.ok(proc)
        self.assertEqual(proc.stderr, '')
        for line in out.splitlines():
            name, path = line.split()
            with open(os.path.join(ARGS.dynload, name + DYNLOAD_SUFFIX), 'rb') as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            self.assertEqual(path, f'{cache}/oxrt/{digest}/{name}{DYNLOAD_SUFFIX}')
        if strace_usable():
            # memfd_create is tried once, not once per module.
            log = os.path.join(self.tmpdir(), 'trace')
            proc, _ = strace(argv, log, trace='memfd_create', env=env)
            self.ok(proc)
            with open(log) as f:
                tries = [line for line in f if 'memfd_create(' in line]
            self.assertEqual(len(tries), 1, tries)


class ShlibPolicy(Base):
    """AppConfig::sharedModulePolicy / sharedModulePolicies: extract, refuse
    (set through $OXRT_TEST_SHARED_POLICY by the test program's main)."""

    def shlib(self, policy, code, cache=None):
        env = {'PATH': '/usr/bin:/bin', 'OXRT_TEST_SHARED_POLICY': policy}
        if cache:
            env['XDG_CACHE_HOME'] = cache
        return run([program('oxrt-e2e-shlib'), '-c', code], env=env)

    def expected_path(self, cache, name):
        with open(os.path.join(ARGS.dynload, name + DYNLOAD_SUFFIX), 'rb') as f:
            data = f.read()
        return f'{cache}/oxrt/{hashlib.sha256(data).hexdigest()}/{name}{DYNLOAD_SUFFIX}', data

    def test_extract_one_module(self):
        cache = self.tmpdir()
        code = textwrap.dedent('''
            import sys, importlib, importlib.util, _json, _decimal, json.decoder
            print(_json.__file__)
            print(_json.__file__ == _json.__spec__.origin, json.decoder.c_scanstring is not None)
            assert importlib.util.find_spec('_json').origin == _json.__file__
            assert importlib.reload(_json).__file__ == _json.__spec__.origin == _json.__loader__.path
            print(_decimal.__file__ == sys.executable + '/_decimal.cpython-311-x86_64-linux-gnu.so')
        ''')
        out = self.ok(self.shlib('_json=extract', code, cache))
        path, data = self.expected_path(cache, '_json')
        self.assertEqual(out.splitlines(), [path, 'True True', 'True'])
        with open(path, 'rb') as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(os.stat(os.path.dirname(path)).st_mode & 0o777, 0o700)
        self.assertEqual(sorted(os.listdir(os.path.dirname(path))), [os.path.basename(path)])
        # A second run reuses the file: same inode, nothing written.
        before = os.stat(path)
        self.assertEqual(self.ok(self.shlib('_json=extract', code, cache)), out)
        after = os.stat(path)
        self.assertEqual((before.st_ino, before.st_mtime_ns), (after.st_ino, after.st_mtime_ns))

    def test_extract_replaces_a_damaged_file(self):
        cache = self.tmpdir()
        code = 'import _json; print(_json.__file__)'
        out = self.ok(self.shlib('_json=extract', code, cache))
        path, data = self.expected_path(cache, '_json')
        with open(path, 'r+b') as f:
            f.truncate(1000)
        self.assertEqual(self.ok(self.shlib('_json=extract', code, cache)), out)
        with open(path, 'rb') as f:
            self.assertEqual(f.read(), data)

    def test_extract_everything_by_default(self):
        cache = self.tmpdir()
        out = self.ok(self.shlib('default=extract', USE_SIX, cache))
        for line in out.splitlines():
            name, path = line.split()
            self.assertEqual(path, self.expected_path(cache, name)[0])

    def test_extract_refuses_a_shared_cache_directory(self):
        cache = self.tmpdir()
        os.makedirs(cache + '/oxrt')
        os.chmod(cache + '/oxrt', 0o777)
        proc = self.shlib('_json=extract', 'import _json', cache)
        self.ok(proc, code=1)
        self.assertIn(f"cannot extract embedded extension module '_json': {cache}/oxrt is not "
                      "private to this user", proc.stderr)

    def test_refuse(self):
        proc = self.shlib('_ssl=refuse', textwrap.dedent('''
            import json, _json
            try:
                import ssl
            except ImportError as e:
                print(type(e).__name__, e.name, e)
        '''))
        self.assertEqual(self.ok(proc), "ImportError _ssl embedded extension module '_ssl' is not "
                         "loaded: this executable's policy for it is 'refuse'\n")

    def test_policies_are_checked_at_start(self):
        proc = self.shlib('_nosuch=extract', 'print("ran")')
        self.ok(proc, code=1)
        self.assertEqual(proc.stderr, "oxrt: a shared-module policy names '_nosuch', but the packed "
                         "resources hold no extension module of that name (pack it with "
                         "collect_python.py --dynload, or drop the override)\n")
        proc = self.shlib('_json=7', 'print("ran")')
        self.ok(proc, code=1)
        self.assertEqual(proc.stderr, "oxrt: unknown shared-module policy 7 for '_json'\n")


class ShlibCorrupt(Base):
    """A damaged shared-library entry is an ImportError naming the module and
    the reason, never a crash; the rest of the program still runs."""

    def patched(self, patch):
        with open(program('oxrt-e2e-shlib'), 'rb') as f:
            data = bytearray(f.read())
        offset, length, aux = blob_entry(data, 3, '_json')
        patch(data, offset, length, aux)
        path = os.path.join(self.tmpdir(), 'corrupt')
        with open(path, 'wb') as f:
            f.write(data)
        os.chmod(path, 0o755)
        return path

    @staticmethod
    def rechecksum(data, offset, length, aux):
        struct.pack_into('<I', data, aux, zlib.crc32(bytes(data[offset:offset + length])))

    def check(self, patch, reason):
        exe = self.patched(patch)
        proc = run([exe, '-c', textwrap.dedent('''
            try:
                import _json
            except ImportError as e:
                print(e.name, e)
            import json, json.decoder  # the pure-Python fallback still works
            print(json.loads('[1]'), json.decoder.c_scanstring is None)
        ''')])
        self.assertEqual(proc.stderr, '')
        self.assertEqual(self.ok(proc), f"_json embedded extension module '_json' {reason}\n[1] True\n")

    def test_flipped_byte(self):
        def flip(data, offset, length, aux):
            data[offset + length // 2] ^= 0x40
        self.check(flip, 'is corrupt: its checksum does not match (the executable is damaged; '
                         'rebuild or reinstall it)')

    def test_not_elf(self):
        def junk(data, offset, length, aux):
            data[offset:offset + 4] = b'JUNK'
            self.rechecksum(data, offset, length, aux)
        self.check(junk, 'cannot be loaded: not an ELF file (bad magic)')

    def test_segment_outside_the_file(self):
        def grow(data, offset, length, aux):
            phoff, = struct.unpack_from('<Q', data, offset + 32)
            for i in range(struct.unpack_from('<H', data, offset + 56)[0]):
                ph = offset + phoff + 56 * i
                if struct.unpack_from('<I', data, ph)[0] == 1:  # PT_LOAD: p_filesz
                    struct.pack_into('<Q', data, ph + 32, 1 << 40)
                    break
            self.rechecksum(data, offset, length, aux)
        self.check(grow, 'cannot be loaded: segment 0 lies outside the file (truncated?)')

    def test_wrong_machine(self):
        def arm(data, offset, length, aux):
            struct.pack_into('<H', data, offset + 18, 183)  # EM_AARCH64
            self.rechecksum(data, offset, length, aux)
        self.check(arm, 'cannot be loaded: built for another machine (ELF e_machine 183, this '
                        'program is 62)')


class Tools(Base):
    """oxrt-pack and collect_python.py."""

    def pack(self, manifest_text, d):
        manifest = os.path.join(d, 'm.tsv')
        with open(manifest, 'w') as f:
            f.write(manifest_text)
        out = os.path.join(d, 'out.bin')
        return run([ARGS.pack, manifest, '-o', out]), out

    def test_pack_errors_name_the_line(self):
        d = self.tmpdir()
        code = os.path.join(d, 'code.bin')
        with open(code, 'wb') as f:
            f.write(b'\xe3code')
        cases = [
            (f'# comment\n\nmodule\ta\t0\t{code}\t-\n', 0, None),
            (f'module\ta\t0\t{code}\t-\nbogus\tx\n', 1, ':2: unknown entry type'),
            (f'module\ta\tX\t{code}\t-\n', 1, ":1: bad FLAGS 'X'"),
            ('module\ta\t0\t-\t-\n', 1, ":1: module 'a' needs a CODE_PATH"),
            ('module\tns\t3\t-\t-\n', 0, None),
            (f'module\tns\t3\t{code}\t-\n', 1, ':1: a namespace package has no code'),
            (f'file\tk\t{d}/missing\n', 1, ':1: cannot open'),
            (f'file\tk\t{code}\nfile\tk\t{code}\n', 1, ":2: file 'k' listed twice"),
            (f'file\t../k\t{code}\n', 1, ":1: file '../k': path component"),
            (f'module\ta..b\t0\t{code}\t-\n', 1, ":1: module 'a..b': empty component"),
            ('file\tk\n', 1, ':1: a file line has 3 fields'),
            (f'shlib\t_ext\t{code}\n', 1, f":1: shlib '_ext' ({code}): not an ELF file (bad magic)"),
            (f'shlib\tpkg/_ext.so\t{code}\n', 1, ":1: shlib 'pkg/_ext.so': module name contains '/'"),
            ('shlib\t_ext\t-\n', 1, ":1: shlib '_ext' needs a DATA_PATH"),
        ]
        for text, want, needle in cases:
            proc, out = self.pack(text, d)
            self.assertEqual(proc.returncode, want, (text, proc.stderr))
            if needle:
                self.assertIn('m.tsv' + needle, proc.stderr)
                self.assertEqual(proc.stderr.count('\n'), 1, proc.stderr)
        self.assertEqual(sorted(os.listdir(d)), ['code.bin', 'm.tsv', 'out.bin'], 'temp files left')

    def test_pack_is_deterministic(self):
        d = self.tmpdir()
        for name, data in (('a', b'1'), ('b', b'22')):
            with open(os.path.join(d, name), 'wb') as f:
                f.write(data)
        proc1, out = self.pack('file\tx/b\tb\nfile\tx/a\ta\nmodule\tm\t1\ta\tb\n', d)
        self.ok(proc1)
        first = open(out, 'rb').read()
        proc2, out = self.pack('module\tm\t1\ta\tb\nfile\tx/a\ta\nfile\tx/b\tb\n', d)
        self.ok(proc2)
        self.assertEqual(open(out, 'rb').read(), first)
        self.assertEqual(first[:8], b'OXRES\0\0\0')
        self.assertEqual(len(first) % 8, 0)

    def test_collect_dynload_and_shlib(self):
        d = self.tmpdir()
        dynload = os.path.join(d, 'dynload')
        os.makedirs(dynload)
        for name in ('_json', '_bisect_not_really'):
            shutil.copy(os.path.join(ARGS.dynload, '_json' + DYNLOAD_SUFFIX),
                        os.path.join(dynload, name + DYNLOAD_SUFFIX))
        for other in ('README', 'libfoo.so.1', 'a.b' + DYNLOAD_SUFFIX):
            with open(os.path.join(dynload, other), 'w') as f:
                f.write('not a module\n')
        explicit = os.path.join(ARGS.dynload, '_queue' + DYNLOAD_SUFFIX)
        argv = ['--out-dir', d + '/cache', '--manifest', d + '/m.tsv', '--dynload', dynload,
                '--shlib', 'pkg._fast=' + explicit, '--shlib', '_bisect_not_really=' + explicit]
        proc = self.collect(*argv)
        self.ok(proc)
        self.assertIn('3 extension modules', proc.stderr)
        self.assertIn('3 non-modules in --dynload', proc.stderr)
        rows = [line.split('\t') for line in open(d + '/m.tsv').read().splitlines()]
        self.assertEqual([r[:2] for r in rows], [['shlib', '_bisect_not_really'], ['shlib', '_json'],
                                                 ['shlib', 'pkg._fast']])
        contents = {r[1]: open(r[2], 'rb').read() for r in rows}
        with open(explicit, 'rb') as f:
            self.assertEqual(contents['_bisect_not_really'], f.read())  # --shlib wins
        first = open(d + '/m.tsv').read()
        self.ok(self.collect(*argv))
        self.assertEqual(open(d + '/m.tsv').read(), first)  # deterministic
        proc, out = self.pack(first, d)
        self.ok(proc)
        proc = self.collect('--out-dir', d, '--manifest', d + '/m.tsv', '--shlib', 'a..b=' + explicit)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("--shlib 'a..b=", proc.stderr)
        proc = self.collect('--out-dir', d, '--manifest', d + '/m.tsv', '--dynload', d + '/none')
        self.assertEqual(proc.returncode, 1)
        self.assertIn('--dynload', proc.stderr)

    def collect(self, *args):
        return run([sys.executable, ARGS.collect, *args])

    def test_collect_errors(self):
        d = self.tmpdir()
        proc = self.collect('--out-dir', d, '--manifest', d + '/m.tsv', '--pure', d + '/none')
        self.assertEqual(proc.returncode, 1)
        self.assertIn('--pure', proc.stderr)
        self.assertIn('no such directory', proc.stderr)
        bad = os.path.join(d, 'bad.whl')
        with open(bad, 'w') as f:
            f.write('not a zip')
        proc = self.collect('--out-dir', d, '--manifest', d + '/m.tsv', '--wheel', bad)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('cannot read wheel', proc.stderr)
        proc = self.collect('--out-dir', d, '--manifest', d + '/m.tsv', '--stdlib', d)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('not a Python standard library', proc.stderr)

    def test_collect_wheel_override_and_cache(self):
        d = self.tmpdir()
        whl = os.path.join(d, 'demo-1.0-py3-none-any.whl')
        with zipfile.ZipFile(whl, 'w') as z:
            z.writestr('demo/__init__.py', 'X = "wheel"\n')
            z.writestr('demo/_speedups.cpython-311-x86_64-linux-gnu.so', b'\x7fELF')
            z.writestr('demo/templates/t.txt', 'template\n')
            z.writestr('demo-1.0.data/purelib/demo_extra.py', 'Y = 1\n')
            z.writestr('demo-1.0.data/scripts/demo', '#!python\n')
            z.writestr('demo-1.0.dist-info/METADATA', 'Name: demo\nVersion: 1.0\n')
            z.writestr('demo/broken.py', 'def (:\n')
        pure = os.path.join(d, 'pure')
        os.makedirs(os.path.join(pure, 'demo'))
        with open(os.path.join(pure, 'demo', '__init__.py'), 'w') as f:
            f.write('X = "override"\n')
        argv = ['--out-dir', d + '/cache', '--manifest', d + '/m.tsv', '--wheel', whl, '--pure', pure]
        proc = self.collect(*argv)
        self.ok(proc)
        self.assertIn('broken.py', proc.stderr)
        rows = [line.split('\t') for line in open(d + '/m.tsv').read().splitlines()]
        keys = {(r[0], r[1]) for r in rows}
        self.assertEqual(keys, {('module', 'demo'), ('module', 'demo_extra'),
                                ('file', 'demo/templates/t.txt'),
                                ('file', 'demo-1.0.dist-info/METADATA')})
        demo = [r for r in rows if r[1] == 'demo'][0]
        self.assertEqual(demo[2], '1')
        self.assertEqual(open(demo[4]).read(), 'X = "override"\n')  # later root wins
        again = self.collect(*argv)
        self.ok(again)
        self.assertIn('0 compiled, 2 cached', again.stderr)
        self.assertEqual(open(d + '/m.tsv').read(), '\t'.join(rows[0]) + '\n' +
                         '\n'.join('\t'.join(r) for r in rows[1:]) + '\n')
        proc, out = self.pack(open(d + '/m.tsv').read(), d)
        self.ok(proc)

    def test_collect_prunes_old_wheel_extractions(self):
        # A rebuilt wheel is a new sha256: the old extraction goes away, so a
        # link build dir does not grow with every rebuild.
        d = self.tmpdir()
        whl = os.path.join(d, 'demo-1.0-py3-none-any.whl')
        argv = ['--out-dir', d + '/cache', '--manifest', d + '/m.tsv', '--wheel', whl]
        for version in ('1', '2'):
            with zipfile.ZipFile(whl, 'w') as z:
                z.writestr('demo/__init__.py', f'X = {version}\n')
            self.ok(self.collect(*argv))
            self.assertEqual(len(os.listdir(d + '/cache/wheels')), 1)
        (demo,) = [r.split('\t') for r in open(d + '/m.tsv').read().splitlines() if '\tdemo\t' in r]
        self.assertEqual(open(demo[4]).read(), 'X = 2\n')
        proc, out = self.pack(open(d + '/m.tsv').read(), d)
        self.ok(proc)

    def test_pack_shdep_checks_the_soname(self):
        d = self.tmpdir()
        libz = '/lib/x86_64-linux-gnu/libz.so.1'
        if not os.path.exists(libz):
            self.skipTest('no ' + libz)
        proc, out = self.pack(f'shdep\tlibz.so.1\t{libz}\n', d)
        self.ok(proc)
        proc, out = self.pack(f'shdep\tlibzz.so.1\t{libz}\n', d)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("its DT_SONAME is 'libz.so.1'", proc.stderr)


GROUPS = {'python': Python, 'embedded': Embedded, 'app': App, 'multiprocessing': Multiprocessing,
          'strace': Strace, 'corrupt': Corrupt, 'shlib': Shlib, 'shlib_policy': ShlibPolicy,
          'shlib_corrupt': ShlibCorrupt, 'tools': Tools}


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument('--bin-dir', required=True)
    p.add_argument('--pack', required=True)
    p.add_argument('--collect', required=True)
    p.add_argument('--dynload', default='/usr/lib/python3.11/lib-dynload')
    p.add_argument('groups', nargs='*', default=sorted(GROUPS))
    ARGS = p.parse_args()
    global SCRATCH_CACHE
    SCRATCH_CACHE = tempfile.mkdtemp(prefix='oxrt-e2e-cache-')
    suite = unittest.TestSuite()
    for g in ARGS.groups:
        suite.addTests(unittest.defaultTestLoader.loadTestsFromTestCase(GROUPS[g]))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    shutil.rmtree(SCRATCH_CACHE, True)
    failed = len(result.failures) + len(result.errors)
    print(f'{result.testsRun - failed - len(result.skipped)} passed, {failed} failed, '
          f'{len(result.skipped)} skipped')
    # A skip must show as one under ctest (SKIP_RETURN_CODE 77), not as a pass.
    if not result.wasSuccessful():
        return 1
    return 77 if result.skipped else 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/python3
"""End-to-end tests of liboxrt: runs the test programs built by
runtime/test/CMakeLists.txt (the whole stdlib and pysrc/ packed, two C
extensions linked in as dotted built-ins) and the packing tools.

    run_e2e.py --bin-dir DIR --pack OXRT_PACK --collect COLLECT_PY GROUP

GROUP: python, embedded, app, multiprocessing, strace, corrupt, tools.
"""

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import textwrap
import unittest
import zipfile

ARGS = None
BOOM_LINE = "raise RuntimeError('deliberate failure from testpkg.boom')  # BOOM-LINE"


def program(name='oxrt-e2e'):
    return os.path.join(ARGS.bin_dir, name)


def run(argv, input=None, env=None, cwd=None, timeout=120):
    """Runs argv with a scrubbed environment unless one is given."""
    if env is None:
        env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'LANG': 'C.UTF-8'}
    return subprocess.run(argv, input=input, capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)


def py(code, *args, **kw):
    return run([program(), '-c', code, *args], **kw)


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
            import pkgA._native as n, deep.pkg._fast as f, sys
            print(n.__name__, n.def_name(), n.kind, n.add(2, 3), n.__spec__.origin)
            print(f.__name__, f.kind, f.answer, f.twice(21), f.__spec__.origin)
            import pkgA
            print(pkgA._native is n, 'deep.pkg._fast' in sys.builtin_module_names)
        ''')))
        self.assertEqual(out.splitlines(), [
            'pkgA._native pkgA._native single-phase 5 built-in',
            'deep.pkg._fast multi-phase 42 42 built-in',
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

    def blob_offset(self, data):
        start = 0
        while True:
            at = data.find(b'OXRES\0\0\0', start)
            self.assertNotEqual(at, -1, 'no packed resources in the binary')
            # The blob, not the reader's copy of the magic (an immediate in
            # the code): version 1, entries right after the header, and big.
            version, _, entries, _, total = struct.unpack_from('<IIQQQ', data, at + 8)
            if version == 1 and entries == 40 and total > 1 << 20:
                return at
            start = at + 1

    def corrupted(self, patch):
        with open(program(), 'rb') as f:
            data = bytearray(f.read())
        at = self.blob_offset(data)
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


GROUPS = {'python': Python, 'embedded': Embedded, 'app': App, 'multiprocessing': Multiprocessing,
          'strace': Strace, 'corrupt': Corrupt, 'tools': Tools}


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument('--bin-dir', required=True)
    p.add_argument('--pack', required=True)
    p.add_argument('--collect', required=True)
    p.add_argument('groups', nargs='*', default=sorted(GROUPS))
    ARGS = p.parse_args()
    suite = unittest.TestSuite()
    for g in ARGS.groups:
        suite.addTests(unittest.defaultTestLoader.loadTestsFromTestCase(GROUPS[g]))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print(f'{result.testsRun - failed - len(result.skipped)} passed, {failed} failed, '
          f'{len(result.skipped)} skipped')
    return 0 if result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())

"""Runs the configured entry of an oxcc executable (frozen into liboxrt).

Called by runApp after initialisation for Entry::Module and Entry::Script;
Entry::Python goes through Py_RunMain instead. sys.argv is the process's
argv unchanged (argv[0] is the program, as a console script sees it).
"""

import sys
import _oxrt
import _oxrt_importer as _imp


def run(kind, target, function):
    if kind == 'module' and function:
        _call(target, function)
    elif kind == 'module':
        # Like `python -m target`, but argv[0] stays the program name, so
        # argparse's prog is the executable's name.
        import runpy
        runpy._run_module_as_main(target, alter_argv=False)
    elif kind == 'script':
        _run_script(target)
    else:
        raise ValueError(f'unknown entry kind {kind!r}')


def _call(module, function):
    """module:function as a console script does: sys.exit(function())."""
    import importlib
    obj = importlib.import_module(module)
    for attr in function.split('.'):
        obj = getattr(obj, attr)
    sys.exit(obj())


class _ScriptLoader:
    """Gives linecache the source of the script: it asks __loader__ for the
    source of __spec__.name or __name__, which is '__main__' here."""

    def __init__(self, key):
        self._key = key

    def get_source(self, fullname):
        data = _imp.read_key(self._key)
        return None if data is None else _imp.decode_source(data)


def _run_script(key):
    """Runs an embedded module's code or a packed .py file as __main__, the
    way `python script.py` does (no __spec__)."""
    flags = _oxrt.find(_imp.MODULE, key)
    if flags is not None and not flags & _imp.NAMESPACE:
        path = _imp.module_path(key, flags)
        code = _imp._importer.get_code(key)
    else:
        data = _oxrt.file_data(key)
        if data is None:
            raise SystemExit(f'{sys.argv[0]}: entry script {key!r} is not in the packed resources')
        path = _imp._PREFIX + key
        code = compile(data, path, 'exec', dont_inherit=True)
    loader = _ScriptLoader(path[len(_imp._PREFIX):])
    main = sys.modules['__main__']
    g = main.__dict__
    g.update(__file__=path, __cached__=None, __loader__=loader, __spec__=None, __package__=None)
    exec(code, g)

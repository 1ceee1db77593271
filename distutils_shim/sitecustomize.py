"""Activate oxcc_shim when distutils_shim/ is on PYTHONPATH (oxcc env / run).

.pth files are only read from site directories, not from PYTHONPATH, so this
file does the .pth's job, then runs the sitecustomize it shadows (Debian ships
one in /etc/python3.11) so that one still runs too.
"""
import os
import sys

if ("oxc" in os.environ.get("CC", "") + os.environ.get("CXX", "")
        or os.environ.get("OXCC_SHIM") == "1"):
    import oxcc_shim
    oxcc_shim.activate()  # idempotent: an installed oxcc_shim.pth may have run it


def _run_shadowed_sitecustomize():
    # Any sitecustomize before this directory on sys.path would have won, so
    # searching everything but this directory finds the next one.
    from importlib.machinery import PathFinder
    here = os.path.dirname(os.path.realpath(__file__))
    rest = [p for p in sys.path
            if isinstance(p, str) and os.path.realpath(p or os.curdir) != here]
    spec = PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    # Run it as a separate module object; sys.modules keeps this one.
    module = type(sys)(spec.name)
    module.__spec__, module.__loader__, module.__file__ = spec, spec.loader, spec.origin
    spec.loader.exec_module(module)


_run_shadowed_sitecustomize()
del _run_shadowed_sitecustomize

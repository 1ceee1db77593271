"""oxcc_shim: tell the oxcc compiler driver which extension each command builds.

Activated from ``oxcc_shim.pth`` (installed mode) or ``sitecustomize.py``
(``distutils_shim/`` on PYTHONPATH).  Activation only installs a meta path
finder; setuptools is patched when (and if) its build_ext modules are imported,
so a Python that never builds an extension pays for one list insert.  The
patches themselves live in ``oxcc_shim.patch``.  See README.md for the protocol.
"""
import os
import sys

TOOL_NAMES = ("oxcc", "oxc++")

# Modules defining a build_ext class whose build_extension we wrap.  With
# setuptools' _distutils_hack (the default) "distutils" *is* setuptools/_distutils
# loaded under the name "distutils"; with SETUPTOOLS_USE_DISTUTILS=stdlib it is
# the stdlib copy.  Either way the name is the same, so one entry covers both.
PATCHED_MODULES = frozenset({
    "distutils.command.build_ext",
    "setuptools._distutils.command.build_ext",
    "setuptools.command.build_ext",
})

_active = False


def first_word(value):
    """The first word of a CC-style value: the program setuptools will run."""
    value = value.strip()
    if value[:1] in ("'", '"'):
        # A quoted path is rare; only then pay for shlex (it imports re).
        import shlex
        try:
            words = shlex.split(value)
        except ValueError:
            words = value.split()
    else:
        words = value.split()
    return words[0] if words else ""


def wanted(environ=None):
    """True when this build should be tagged: CC/CXX name oxcc, or OXCC_SHIM=1."""
    env = os.environ if environ is None else environ
    if env.get("OXCC_SHIM") == "1":
        return True
    return any(os.path.basename(first_word(env.get(var, ""))) in TOOL_NAMES
               for var in ("CC", "CXX"))


def activate():
    """Install the lazy patching hook if the environment asks for oxcc.

    Idempotent: the .pth and sitecustomize.py may both call it.
    """
    global _active
    if _active or not wanted():
        return _active
    _active = True
    if not any(getattr(f, "_oxcc_shim", False) for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchFinder())
    # Something imported setuptools before us (unusual): patch it now.
    for name in PATCHED_MODULES:
        module = sys.modules.get(name)
        if module is not None:
            _patch(module)
    return True


def _patch(module):
    from . import patch
    patch.patch_build_ext_module(module)


class _PatchFinder:
    """Finds nothing itself: asks the finders after it for the spec of a
    build_ext module and wraps its loader so the module is patched right after
    it executes."""

    _oxcc_shim = True  # marker, so a second copy of the shim never adds another

    def find_spec(self, name, path=None, target=None):
        if name not in PATCHED_MODULES:
            return None
        for finder in sys.meta_path:
            if getattr(finder, "_oxcc_shim", False):
                continue
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(name, path, target) if find_spec else None
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _PatchingLoader(spec.loader)
        return spec

    def invalidate_caches(self):
        pass


class _PatchingLoader:
    """Delegates everything to the real loader; patches after exec_module.

    A wrapper rather than an attribute set on the real loader, because loaders
    may be shared between modules (zipimport) or be classes."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _patch(module)

    def __getattr__(self, name):  # get_source, get_filename, get_resource_reader...
        return getattr(self._loader, name)

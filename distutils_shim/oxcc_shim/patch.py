"""The setuptools patches.  Imported only once a build_ext module loads.

Which extension a command belongs to is known in build_ext.build_extension;
the command itself exists only in CCompiler.spawn.  Extensions may be built in
threads sharing one compiler object (build_ext -j), so the name travels from
one to the other in a thread-local, never in os.environ.
"""
import functools
import os
import shutil
import sys
import threading
import types

from . import TOOL_NAMES, first_word

MODULE_FLAG = "--oxcc-module="
CC_FLAG = "--oxcc-cc="
EXPORT_FLAG = "--oxcc-export="
LINK_MODULE_FLAG = "--oxcc-link-module="

# .module: full dotted name of the extension this thread is building, or None.
# .link:   True while this thread is inside a shared-object link.
_state = threading.local()

_lock = threading.Lock()   # two build threads may patch a compiler class at once
_MARK = "_oxcc_shim_wrapped"
_warned = False


def patch_build_ext_module(module):
    """Wrap build_extension of the module's build_ext class, if it defines one,
    and its run/build_extensions, which wrap a subclass's build_extension."""
    cls = getattr(module, "build_ext", None)
    if not isinstance(cls, type):
        return
    original = cls.__dict__.get("build_extension")
    if isinstance(original, types.FunctionType) and not getattr(original, _MARK, False):
        cls.build_extension = _wrap_build_extension(original)
    for name in ("run", "build_extensions"):
        method = cls.__dict__.get(name)
        if isinstance(method, types.FunctionType) and not getattr(method, _MARK, False):
            wrapped = _wrap_entry(method)
            setattr(wrapped, _MARK, True)
            setattr(cls, name, wrapped)


def _wrap_entry(original):
    """A package's own build_ext subclass may override build_extension without
    calling ours (brotli's setup.py compiles and links by hand): once the
    command runs, wrap whichever class in the instance's MRO defines it."""
    @functools.wraps(original)
    def entry(self, *args, **kwargs):
        owner = next((k for k in type(self).__mro__ if "build_extension" in k.__dict__), None)
        if owner is not None:
            with _lock:
                method = owner.__dict__["build_extension"]
                if isinstance(method, types.FunctionType) and not getattr(method, _MARK, False):
                    owner.build_extension = _wrap_build_extension(method)
        return original(self, *args, **kwargs)
    return entry


def _wrap_build_extension(original):
    @functools.wraps(original)
    def build_extension(self, ext):
        # Patch the compiler classes only now: which classes they are is known
        # only here (unix, a subclass, numpy's, ...), and setuptools swaps in
        # shlib_compiler for Library extensions.
        for compiler in (self.compiler, getattr(self, "shlib_compiler", None)):
            if compiler is not None and not isinstance(compiler, str):
                _patch_compiler_class(type(compiler))
        outer = getattr(_state, "module", None)
        _state.module = self.get_ext_fullname(ext.name)
        try:
            return original(self, ext)
        finally:
            _state.module = outer
    setattr(build_extension, _MARK, True)
    return build_extension


def _patch_compiler_class(cls):
    """Wrap spawn and link where the compiler's class resolves them.

    Wrapping the defining class (usually ccompiler.CCompiler / UnixCCompiler)
    rather than the instance keeps threads from racing on instance attributes;
    the thread-local decides whether a call is tagged."""
    with _lock:
        for name, wrap in (("spawn", _wrap_spawn), ("link", _wrap_link)):
            owner = next((k for k in cls.__mro__ if name in k.__dict__), None)
            if owner is None:
                continue
            original = owner.__dict__[name]
            # Plain functions only: a staticmethod or C slot would bind differently.
            if isinstance(original, types.FunctionType) and not getattr(original, _MARK, False):
                wrapped = wrap(original)
                setattr(wrapped, _MARK, True)
                setattr(owner, name, wrapped)


def _wrap_link(original):
    @functools.wraps(original)
    def link(self, *args, **kwargs):
        target_desc = args[0] if args else kwargs.get("target_desc")
        outer = getattr(_state, "link", False)
        # Executables (has_function probes) are not the extension's link.
        _state.link = target_desc in (self.SHARED_OBJECT, self.SHARED_LIBRARY)
        try:
            return original(self, *args, **kwargs)
        finally:
            _state.link = outer
    return link


def _wrap_spawn(original):
    @functools.wraps(original)
    def spawn(self, cmd, *args, **kwargs):
        module = getattr(_state, "module", None)
        if module is not None and cmd:
            cmd = rewrite(list(cmd), module, getattr(_state, "link", False))
        return original(self, cmd, *args, **kwargs)
    return spawn


def rewrite(cmd, module, is_link):
    """The command to run instead of cmd, built for extension `module`."""
    if any(arg.startswith(MODULE_FLAG) for arg in cmd):
        return cmd  # already tagged (a subclass's spawn calling ours)
    tags = [MODULE_FLAG + module]
    if is_link:
        tags += link_tags(module)
    if os.path.basename(cmd[0]) in TOOL_NAMES:
        return [cmd[0]] + tags + cmd[1:]
    if not is_link:
        return cmd  # never hand gcc an option it does not know
    # An extension link oxcc would not see: with only CC=oxcc, setuptools links
    # C++ extensions with sysconfig's CXX.  Run it through oxc++, which runs
    # exactly cmd[0] (--oxcc-cc) after recording the link.
    oxcxx = find_oxcxx()
    if oxcxx is None:
        _warn_once(module, cmd[0])
        return cmd
    return [oxcxx] + tags + [CC_FLAG + cmd[0]] + cmd[1:]


# Cross-extension linking, declared by the package rather than in setup.py
# (which plain gcc would then reject): [tool.oxcc] in pyproject.toml, else
# in setup.cfg, of the directory the build runs in.
#   oxcc_exports      = ["sym", ...]  or  {"pkg._core" = ["sym", ...]}
#   oxcc_link_modules = ["pkg._core"] or  {"pkg._user" = ["pkg._core"]}
# A list applies to every extension of the package, a table to the named one.
# In setup.cfg only lists exist, words separated by spaces or commas.
_config_cache = {}


def link_tags(module):
    """The --oxcc-export= / --oxcc-link-module= tags of `module`'s link."""
    config = _read_config(os.getcwd())
    tags = []
    for key, flag in (("oxcc_exports", EXPORT_FLAG), ("oxcc_link_modules", LINK_MODULE_FLAG)):
        value = config.get(key)
        if isinstance(value, dict):
            value = value.get(module, [])
        if isinstance(value, str):
            value = value.replace(",", " ").split()
        tags += [flag + str(v) for v in value or []]
    return tags


def _read_config(directory):
    with _lock:
        if directory not in _config_cache:
            _config_cache[directory] = _load_config(directory)
        return _config_cache[directory]


def _load_config(directory):
    path = os.path.join(directory, "pyproject.toml")
    if os.path.isfile(path):
        try:
            import tomllib
        except ImportError:  # Python < 3.11: no TOML reader in the stdlib
            tomllib = None
        if tomllib is not None:
            try:
                with open(path, "rb") as f:
                    section = tomllib.load(f).get("tool", {}).get("oxcc", {})
            except (OSError, ValueError) as e:
                # Not ours to fail the build over: setuptools reports it too.
                sys.stderr.write("oxcc_shim: cannot read [tool.oxcc] of %s: %s\n" % (path, e))
                section = {}
            if section:
                return section
    path = os.path.join(directory, "setup.cfg")
    if os.path.isfile(path):
        import configparser
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error) as e:
            sys.stderr.write("oxcc_shim: cannot read [tool.oxcc] of %s: %s\n" % (path, e))
            return {}
        if parser.has_section("tool.oxcc"):
            return {k: v for k, v in parser.items("tool.oxcc") if k not in parser.defaults()}
    return {}


def find_oxcxx():
    """The oxc++ next to the oxcc that CC (or CXX) names, else oxc++ on PATH."""
    for var in ("CC", "CXX"):
        word = first_word(os.environ.get(var, ""))
        if os.path.basename(word) not in TOOL_NAMES:
            continue
        found = shutil.which(word)
        if found is None:
            continue
        # Next to the name first (a bin dir of symlinks), then next to its target.
        for directory in (os.path.dirname(found), os.path.dirname(os.path.realpath(found))):
            candidate = os.path.join(directory, "oxc++")
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return os.path.abspath(candidate)
    found = shutil.which("oxc++")
    return os.path.abspath(found) if found else None


def _warn_once(module, program):
    global _warned
    if not _warned:
        _warned = True
        sys.stderr.write(
            "oxcc_shim: no oxc++ next to $CC or on PATH; link of %s runs %s "
            "directly and oxcc will not record it (install oxc++ beside oxcc)\n"
            % (module, program))

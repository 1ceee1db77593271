"""`oxcc python build`: the whole pipeline, in order, in build()."""
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

import cpython
import deps as deps_mod
import manifest
import sources
import targets
from common import (BUILDER_VERSION, PybuildError, StepLog, Timer, UsageError,
                    progress, python_root, sha256_file)

# --deps=system: Debian's static archives and the -dev package of each.
SYSTEM_LIBS = {"z": "zlib1g-dev", "bz2": "libbz2-dev", "lzma": "liblzma-dev",
               "ffi": "libffi-dev", "sqlite3": "libsqlite3-dev", "ssl": "libssl-dev",
               "crypto": "libssl-dev"}
SYSTEM_LIBDIR = "/usr/lib/x86_64-linux-gnu"


@dataclass
class Deps:
    mode: str                                   # source | system
    prefix: dict = field(default_factory=dict)  # package -> install prefix
    libs: set = field(default_factory=set)      # -l names the dist must carry
    sources: list = field(default_factory=list)


@dataclass
class Build:
    """Everything the steps share; set up once from the options."""
    opts: object
    target: targets.Target
    root: str
    python: sources.Source = None
    dep_sources: dict = field(default_factory=dict)   # package -> Source
    recipes: list = field(default_factory=list)
    deps: Deps = None
    key: str = ""
    work: str = ""
    src: str = ""
    step_no: int = 0
    step_count: int = 0
    times: list = field(default_factory=list)

    def log(self, step):
        return StepLog(os.path.join(self.root, "logs", f"{self.target.name}-{step}.log"), step)

    def say(self, what):
        progress(f"[{self.step_no}/{self.step_count}] {what}")


def build(opts):
    """Builds (or finds) the distribution and returns its directory."""
    # Bad input is rejected before anything is fetched or built (exit 2).
    b = Build(opts, targets.resolve(opts.target, opts.deps), python_root())
    if opts.source:
        b.python = sources.from_tarball(opts.source)
    b.recipes = [] if opts.deps == "system" else [
        r for r in deps_mod.RECIPES if r["package"] not in opts.without]
    b.step_count = 1 + len(b.recipes) + (1 if opts.deps == "system" else 0) + 3
    os.makedirs(b.root, exist_ok=True)

    # One build per target at a time; a waiting call then finds the result.
    with open(os.path.join(b.root, f".lock-{b.target.name}"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fetch_sources(b)
        b.key = cache_key(b)
        final = os.path.join(b.root, f"{b.target.name}-{b.python.upstream}-{b.key[:12]}")
        if os.path.isfile(os.path.join(final, "distribution.yaml")):
            progress(f"oxcc python: {os.path.basename(final)} is up to date")
            set_current(b, final)
            return final

        b.work = tempfile.mkdtemp(prefix=f".tmp-{b.target.name}-", dir=b.root)
        try:
            # Libraries first: CPython's configure enables a module only if
            # its library links.
            if opts.deps == "system":
                b.deps = check_system_libs(b)
            else:
                b.deps = build_deps(b)
            configure_cpython(b)
            make_cpython(b)
            dist = install_distribution(b)
            os.rename(dist, final)
        except BaseException:
            if opts.keep_work:
                progress(f"oxcc python: build tree kept: {b.work}")
            else:
                shutil.rmtree(b.work, ignore_errors=True)
            raise
        shutil.rmtree(b.work, ignore_errors=True)
        set_current(b, final)
        total = sum(t for _, t in b.times)
        progress("oxcc python: built in " + ", ".join(f"{n} {t:.0f}s" for n, t in b.times)
                 + f"; total {total:.0f}s")
        return final


def fetch_sources(b):
    """Debian source packages (cached in ${cache}/sources, sha256-checked)."""
    b.step_no += 1
    names = ([] if b.python else [b.opts.source_package]) + [r["package"] for r in b.recipes]
    b.say(f"sources: {', '.join(names) or 'none to fetch'}")
    t = Timer()
    if not b.python:
        b.python = sources.fetch(b.opts.source_package)
        if not b.python.upstream.startswith("3.11."):
            raise UsageError(f"source package {b.opts.source_package} holds CPython "
                             f"{b.python.upstream}; only 3.11.x is supported")
    for r in b.recipes:
        b.dep_sources[r["package"]] = sources.fetch(r["package"])
    b.times.append(("sources", t.seconds()))


def cache_key(b):
    """sha256 over every input that changes what is built."""
    inputs = {
        "builder": BUILDER_VERSION, "target": b.target.name, "cc": b.target.cc_identity,
        "deps": b.opts.deps, "without": sorted(b.opts.without),
        "python": b.python.key,
        "libs": {p: [s.key, next(r["recipe"] for r in b.recipes if r["package"] == p)]
                 for p, s in b.dep_sources.items()},
    }
    if b.opts.deps == "system":
        inputs["system"] = system_lib_versions()
    # A --no-pgo build keeps the key builds had before PGO existed.
    if not b.opts.no_pgo:
        inputs["pgo"] = [cpython.PGO_FLAGS, cpython.PGO_TRAINING, cpython.TRAINING_TIMEOUT]
    # Likewise a --no-lto build.
    if not b.opts.no_lto:
        inputs["lto"] = [cpython.LTO_CFLAGS, cpython.LTO_LINK, "core: all but config.o, Setup.local"]
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def build_deps(b):
    """Each library into its own cached prefix under <root>/deps."""
    d = Deps("source")
    for r in b.recipes:
        b.step_no += 1
        src = b.dep_sources[r["package"]]
        d.prefix[r["package"]] = build_library(b.root, b.work, b.target, r, src, b.opts.jobs,
                                               b.say, b.log, b.times)
        d.libs.update(r["libs"])
        d.sources.append(src.manifest_entry())
    return d


def library_prefix(root, target, recipe, src, deps=None):
    """Where a library's build is cached: keyed by everything it is built from."""
    inputs = [BUILDER_VERSION, recipe["recipe"], target.name, target.cc_identity, src.key]
    # Built against other recipes' prefixes: their names hold their keys.
    if deps:
        inputs.append(sorted(os.path.basename(p) for p in deps.values()))
    # Built against the host's -dev packages (glibc only): their versions
    # too. Recipes without any keep the key they always had.
    if recipe.get("system") and not target.musl:
        inputs.append(sorted(_dpkg_versions(recipe["system"]).items()))
    key = hashlib.sha256(json.dumps(inputs).encode()).hexdigest()
    return os.path.join(root, "deps", f"{target.name}-{recipe['package']}-"
                        f"{src.upstream}-{key[:12]}")


def build_library(root, work, target, recipe, src, jobs, say, log_for, times, deps=None):
    """One library from its source package into its cached prefix (or the
    cached one); returns the prefix. `deps`: the prefixes of the recipes it
    requires, by name, handed to its build function."""
    label = f"{recipe['package']} {src.upstream}"
    sources.warn_if_unpatched(src)
    prefix = library_prefix(root, target, recipe, src, deps)
    if os.path.isdir(prefix):
        say(f"{label}: cached")
        return prefix
    say(f"{label}: build")
    t = Timer()
    log = log_for(recipe["package"])
    tmp_prefix = os.path.join(work, "prefix-" + recipe["package"])
    try:
        tree = sources.extract(src, os.path.join(work, "src-" + recipe["package"]), log)
        if deps is None:
            recipe["build"](tree, tmp_prefix, target, jobs, log)
        else:
            recipe["build"](tree, tmp_prefix, target, jobs, log, deps)
    finally:
        log.close()
    # A build that "succeeded" without its outputs is not cached as done.
    missing = [f for f in recipe.get("files", [])
               if not os.path.isfile(os.path.join(tmp_prefix, f))]
    if missing:
        raise PybuildError(f"{label}: the build made no {', '.join(missing)} "
                           f"(see {log.path})")
    # Configure scripts bake the prefix into .pc files and *-config
    # scripts; the archives and headers do not care that it moves.
    _relocate(tmp_prefix, prefix)
    os.makedirs(os.path.dirname(prefix), exist_ok=True)
    os.rename(tmp_prefix, prefix)
    times.append((recipe["package"], t.seconds()))
    return prefix


def _relocate(tmp_prefix, prefix):
    """Rewrites the build's temporary prefix to the final one in the files
    other builds read: lib/pkgconfig/*.pc and bin/*-config."""
    for sub, keep in (("lib/pkgconfig", lambda f: f.endswith(".pc")),
                      ("bin", lambda f: f.endswith("-config"))):
        d = os.path.join(tmp_prefix, sub)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            path = os.path.join(d, f)
            if keep(f) and os.path.isfile(path) and not os.path.islink(path):
                with open(path, encoding="utf-8", errors="surrogateescape") as fh:
                    text = fh.read()
                with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
                    fh.write(text.replace(tmp_prefix, prefix))


def _dpkg_versions(pkgs):
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n", *pkgs],
                       capture_output=True, text=True)
    return dict(line.split(" ", 1) for line in r.stdout.splitlines() if " " in line)


def system_lib_versions():
    return _dpkg_versions(sorted(set(SYSTEM_LIBS.values())))


def check_system_libs(b):
    """--deps=system: Debian's static archives must be installed."""
    b.step_no += 1
    b.say("system libraries: check Debian's static archives")
    d = Deps("system", libs=set(SYSTEM_LIBS))
    versions = system_lib_versions()
    missing = sorted({pkg for lib, pkg in SYSTEM_LIBS.items()
                      if not os.path.isfile(f"{SYSTEM_LIBDIR}/lib{lib}.a")})
    if missing:
        raise UsageError("--deps=system needs the static archives of "
                         + ", ".join(missing) + f" (apt-get install {' '.join(missing)}; "
                         "utils/bootstrap installs them)")
    for lib, pkg in sorted(SYSTEM_LIBS.items()):
        path = f"{SYSTEM_LIBDIR}/lib{lib}.a"
        d.sources.append({"name": pkg, "version": versions.get(pkg, "?"),
                          "file": path, "sha256": sha256_file(path)})
    return d


def configure_cpython(b):
    b.step_no += 1
    b.say(f"cpython {b.python.upstream}: configure")
    t = Timer()
    log = b.log("cpython-configure")
    sources.warn_if_unpatched(b.python)
    try:
        b.src = sources.extract(b.python, os.path.join(b.work, "cpython"), log)
        cpython.configure(b.src, b.target, b.deps, b.opts.without, log)
        cpython.write_setup_local(b.src, b.target, b.deps, b.opts.without, log)
    finally:
        log.close()
    b.times.append(("cpython-configure", t.seconds()))


def make_cpython(b):
    b.step_no += 1
    t = Timer()
    log = b.log("cpython-make")
    try:
        lto = not b.opts.no_lto
        if b.opts.no_pgo:
            b.say(f"cpython {b.python.upstream}: make (every module built in; no PGO"
                  + ("" if lto else ", no LTO") + ")")
            cpython.make(b.src, b.target, b.opts.jobs, log, lto=lto)
        else:
            # Instrumented build, a bounded training run, then the build
            # that uses its profile.
            b.say(f"cpython {b.python.upstream}: make, instrumented for PGO")
            cpython.make(b.src, b.target, b.opts.jobs, log, profile="generate")
            b.times.append(("cpython-make-instrumented", t.seconds()))
            t = Timer()
            b.say(f"cpython {b.python.upstream}: PGO training "
                  f"({len(cpython.PGO_TRAINING)} of CPython's PGO tests, at most "
                  f"{cpython.TRAINING_TIMEOUT} s)")
            profiles = cpython.train(b.src, log)
            if profiles == 0:
                raise PybuildError(f"PGO training wrote no profile (see {log.path}); "
                                   "build with --no-pgo to skip PGO")
            b.times.append(("pgo-training", t.seconds()))
            t = Timer()
            b.say(f"cpython {b.python.upstream}: make with the profile ({profiles} files)")
            cpython.clean_retain_profile(b.src, log)
            cpython.make(b.src, b.target, b.opts.jobs, log, profile="use", lto=lto)
        b.times.append(("cpython-make", t.seconds()))
        if lto:
            # libpython's core optimised as one program; python linked again.
            t = Timer()
            b.say(f"cpython {b.python.upstream}: LTO partial link of libpython's core")
            core, rest = cpython.lto_link(b.src, b.target, log)
            log.note(f"LTO: {core} objects optimised as one; {rest} kept apart")
            cpython.make(b.src, b.target, b.opts.jobs, log, profile=None if b.opts.no_pgo else "use",
                         lto=True)
            b.times.append(("cpython-lto", t.seconds()))
    finally:
        log.close()


def install_distribution(b):
    """Lays the distribution out in a temp dir; distribution.yaml last."""
    b.step_no += 1
    b.say("install: distribution and manifest")
    t = Timer()
    log = b.log("install")
    try:
        dist = os.path.join(b.work, "dist")
        src = b.src
        ver = "3.11"
        os.makedirs(os.path.join(dist, "bin"))
        shutil.copy2(os.path.join(src, "python"), os.path.join(dist, "bin", f"python{ver}"))
        log.run(["strip", os.path.join(dist, "bin", f"python{ver}")])
        os.symlink(f"python{ver}", os.path.join(dist, "bin", "python3"))

        inc = os.path.join(dist, "include", f"python{ver}")
        shutil.copytree(os.path.join(src, "Include"), inc)
        shutil.copy2(os.path.join(src, "pyconfig.h"), inc)
        os.makedirs(os.path.join(dist, "lib", "deps"))
        shutil.copy2(os.path.join(src, f"libpython{ver}.a"), os.path.join(dist, "lib"))

        stdlib = os.path.join(dist, "lib", f"python{ver}")
        shutil.copytree(os.path.join(src, "Lib"), stdlib, ignore=_not_installed)
        with open(os.path.join(src, "pybuilddir.txt")) as f:
            builddir = os.path.join(src, f.read().strip())
        for name in os.listdir(builddir):
            if name.startswith("_sysconfigdata") and name.endswith(".py"):
                shutil.copy2(os.path.join(builddir, name), stdlib)
        # getpath looks for lib-dynload to find exec_prefix; it stays empty.
        os.makedirs(os.path.join(stdlib, "lib-dynload"))

        link_libs = _link_libs(b, dist, log)
        builtins = cpython.builtin_modules(src)
        fields = {
            "format": manifest.FORMAT,
            "target": b.target.name,
            "python_version": ver,
            "python_full_version": b.python.upstream,
            "key": b.key,
            "cc": b.target.cc,
            "include_dir": f"include/python{ver}",
            "static_lib": f"lib/libpython{ver}.a",
            "link_libs": link_libs,
            "link_flags": b.target.link_flags,
            "stdlib_dir": f"lib/python{ver}",
            "python_exe": f"bin/python{ver}",
            "builtin_modules": [{"name": n, "init": i} for n, i in builtins],
            "extension_modules": [],
            "sources": [b.python.manifest_entry()] + b.deps.sources,
            "bundled": ["expat (CPython's Modules/expat)",
                        "mpdecimal (CPython's Modules/_decimal/libmpdec)"],
            "deps": b.deps.mode,
            # What the interpreter was optimised with (CFLAGS_NODIST of the
            # build that made libpython; sysconfig does not record it).
            "optimization": {"pgo": not b.opts.no_pgo, "lto": not b.opts.no_lto,
                             "cflags_nodist": " ".join(
                                 ([] if b.opts.no_pgo else [cpython.PGO_FLAGS["use"]])
                                 + ([] if b.opts.no_lto else [cpython.LTO_CFLAGS])),
                             "lto_link": "" if b.opts.no_lto else " ".join(cpython.LTO_LINK),
                             "training": "" if b.opts.no_pgo else
                             "-m test --pgo " + " ".join(cpython.PGO_TRAINING)},
        }
        manifest.write(os.path.join(dist, "distribution.yaml"), fields)
    finally:
        log.close()
    b.times.append(("install", t.seconds()))
    return dist


def _not_installed(d, names):
    # Test suites and caches are not part of a distribution.
    return [n for n in names if n in ("test", "tests", "idle_test", "__pycache__")]


def _link_libs(b, dist, log):
    """libpython's link line, from the Makefile (LIBS MODLIBS SYSLIBS), with
    every library built here copied into lib/deps and named by path."""
    v = cpython.make_vars(b.src, ["LIBS", "MODLIBS", "SYSLIBS"], log)
    words = " ".join(v.get(n, "") for n in ("LIBS", "MODLIBS", "SYSLIBS")).split()
    search, out = [], []
    for w in words:
        if w.startswith("-L"):
            search.append(w[2:])
        elif w.startswith("-l") and w[2:] in b.deps.libs:
            out.append(_copy_archive(_find_archive(b, w[2:], search), dist))
        elif w.endswith(".a"):
            out.append(_copy_archive(os.path.join(b.src, w), dist))
            if not b.opts.no_lto:     # CPython's own (expat, libmpdec): fat LTO objects
                cpython.strip_lto(os.path.join(dist, out[-1]), log)
        else:
            out.append(w)
    out += ["-lm", "-lpthread", "-lutil"] + ([] if b.target.musl else ["-ldl"])
    # Keep the last of duplicates: every library still follows its users.
    seen, kept = set(), []
    for w in reversed(out):
        if w not in seen:
            seen.add(w)
            kept.append(w)
    return list(reversed(kept))


def _find_archive(b, name, search):
    dirs = search + ([SYSTEM_LIBDIR] if b.deps.mode == "system" else [])
    for d in dirs:
        p = os.path.join(d, f"lib{name}.a")
        if os.path.isfile(p):
            return p
    raise PybuildError(f"install: lib{name}.a not found in {', '.join(dirs) or 'any -L dir'}")


def _copy_archive(path, dist):
    rel = os.path.join("lib", "deps", os.path.basename(path))
    shutil.copy2(path, os.path.join(dist, rel))
    return rel


def set_current(b, final):
    """<root>/<target>.current names the newest finished build (atomic)."""
    cur = os.path.join(b.root, f"{b.target.name}.current")
    tmp = f"{cur}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(os.path.basename(final) + "\n")
    os.replace(tmp, cur)


def link_library(opts):
    """`oxcc python lib NAME --target T`: a library an application's link
    adds (not one CPython links: the distributions do not change), built
    from its Debian source package for the target and cached like CPython's
    libraries, after the recipes it requires. Returns its prefix, which is
    also merged into the target prefix `oxcc run --target` presents."""
    recipes = deps_mod.all_recipes()
    if opts.list:
        # For `oxcc link`, which builds a recipe's archives when the target
        # has none: NAME, then the -l names it provides.
        return "\n".join(f"{name}\t{','.join(r['libs'])}" for name, r in sorted(recipes.items()))
    if not opts.name or not opts.target:
        raise UsageError("lib: NAME and --target are required (or --list)")
    if opts.name not in recipes:
        raise UsageError(f"no recipe for library '{opts.name}' (known: "
                         f"{', '.join(sorted(recipes))})")
    target = targets.resolve(opts.target, "source")
    root = python_root()
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, f".lock-{target.name}"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        chain = []
        prefix = _recipe_prefix(opts.name, target, root, opts.jobs, set(), chain)
        # What it was built against too: a package's build that finds
        # libxslt's headers needs libxml2's (and zlib's) beside them.
        for p in chain:
            merge_target_prefix(root, target, p)
        return prefix


def _recipe(name):
    recipe = deps_mod.all_recipes().get(name)
    if recipe is None:
        raise PybuildError(f"recipe requires unknown library '{name}'")
    return recipe


def _recipe_prefix(name, target, root, jobs, seen, chain):
    """NAME's prefix for the target, built (with what it requires) if not
    cached; every prefix involved is appended to `chain`, requirements
    first."""
    if name in seen:
        raise PybuildError(f"recipe '{name}' requires itself")
    recipe = _recipe(name)
    requires = recipe.get("requires", {}).get("musl" if target.musl else "gnu", [])
    deps = {r: _recipe_prefix(r, target, root, jobs, seen | {name}, chain) for r in requires}
    src = sources.fetch(recipe["package"])
    prefix = library_prefix(root, target, recipe, src, deps or None)
    chain.append(prefix)
    if os.path.isdir(prefix):
        return prefix
    work = tempfile.mkdtemp(prefix=f".tmp-{target.name}-{name}-", dir=root)
    try:
        times = []
        build_library(root, work, target, recipe, src, jobs,
                      lambda what: progress(f"oxcc python lib: {what}"),
                      lambda step: StepLog(os.path.join(root, "logs",
                                                        f"{target.name}-{step}.log"), step),
                      times, deps if requires else None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress(f"oxcc python lib: {name} built in {times[0][1]:.0f}s: {prefix}")
    return prefix


def target_prefix(root, target_name):
    """The directory `oxcc run --target T` puts first: bin/ (xml2-config,
    xslt-config) on PATH, lib/pkgconfig/ as pkg-config's only directory,
    include/ and lib/ beside; symbolic links into the recipes' prefixes."""
    return os.path.join(root, "target", target_name)


# <root>/.tmp-<target>-XXXX/prefix-<package>: where build_library builds.
_TMP_PREFIX = re.compile(r"/[^\s=]*/\.tmp-[^/\s]*/prefix-[^/\s]+")


def merge_target_prefix(root, target, prefix):
    """Links a recipe prefix's files (bin/, include/'s top entries, lib/'s archives,
    lib/pkgconfig/) into the target prefix. A second recipe providing the
    same name replaces the link: the newest build wins."""
    top = target_prefix(root, target.name)
    for sub in ("bin", "include", "lib", "lib/pkgconfig"):
        d = os.path.join(prefix, sub)
        if not os.path.isdir(d):
            continue
        os.makedirs(os.path.join(top, sub), exist_ok=True)
        for f in sorted(os.listdir(d)):
            src = os.path.join(d, f)
            if sub == "lib" and not (f.endswith(".a") or f.endswith(".o")):
                continue
            if sub == "lib/pkgconfig" and not f.endswith(".pc"):
                continue
            link = os.path.join(top, sub, f)
            tmp = f"{link}.tmp{os.getpid()}"
            if sub == "lib/pkgconfig":
                # A copy naming the target prefix, as a system's .pc files
                # name /usr: one -I and one -L for any set of libraries.
                # Builds that read pkg-config's answer as ONE directory
                # (Pillow's setup.py) need that; its files are all there.
                # Prefixes cached before builds were relocated (CPython's
                # zlib) name the temporary prefix they were built in.
                with open(src, encoding="utf-8", errors="surrogateescape") as fh:
                    text = _TMP_PREFIX.sub(lambda m: top, fh.read()).replace(prefix, top)
                with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as fh:
                    fh.write(text)
            else:
                os.symlink(src, tmp)
            os.replace(tmp, link)

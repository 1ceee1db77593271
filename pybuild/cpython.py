"""CPython 3.11 from source, every stdlib extension module built in.

configure runs with MODULE_BUILDTYPE=static, so the Modules/Setup.stdlib it
writes lists the enabled modules under *static*; those lines (plus _ctypes,
which 3.11 builds only through setup.py) become Modules/Setup.local, which
makesetup compiles into libpython3.11.a. Only `make python` runs: setup.py
(sharedmods) never does, so no .so is built and the executable's -static
(LDFLAGS_NODIST, not recorded in sysconfig) reaches no shared link.
"""
import os
import re
import shutil
import subprocess

from common import PybuildError

# Modules that must be built in; a missing one fails the build naming its
# library instead of producing a distribution without it.
REQUIRED = {
    "zlib": "zlib", "_bz2": "bzip2", "_lzma": "xz-utils", "_sqlite3": "sqlite3",
    "_ssl": "openssl", "_hashlib": "openssl", "_decimal": "bundled libmpdec",
    "_json": "-", "pyexpat": "bundled expat",
}
# Left out on every target so every distribution has the same module set:
# they need libraries that are not built here (gdbm, nsl, libuuid: uuid
# falls back to pure Python; libcrypt: musl's configure finds no crypt_r,
# and the module is deprecated) or are test modules.
NOT_BUILT = ["_gdbm", "nis", "_uuid", "_crypt", "_tkinter", "_dbm", "readline",
             "_curses", "_curses_panel"]


def configure(src, target, deps, without, log):
    env = dict(os.environ)
    env.pop("PKG_CONFIG_PATH", None)
    env.update(CC=target.cc, MODULE_BUILDTYPE="static")
    for mod in NOT_BUILT:
        env[f"py_cv_module_{mod}"] = "n/a"
    args = ["./configure", "--disable-shared", "--without-ensurepip", "--with-readline=no",
            "--disable-test-modules", "--prefix=/nonexistent"]
    if deps.mode == "source":
        # Every library comes from its own prefix; pkg-config must not find
        # the host's (glibc) ones.
        env["PKG_CONFIG_LIBDIR"] = os.path.join(src, ".no-pkgconfig")
        for var, (pkg, libs) in {"ZLIB": ("zlib", "-lz"), "BZIP2": ("bzip2", "-lbz2"),
                                 "LIBLZMA": ("xz-utils", "-llzma"),
                                 "LIBFFI": ("libffi", "-lffi"),
                                 "LIBSQLITE3": ("sqlite3", "-lsqlite3 -lm")}.items():
            p = deps.prefix[pkg]
            env[f"{var}_CFLAGS"] = f"-I{p}/include"
            env[f"{var}_LIBS"] = f"-L{p}/lib {libs}"
        if "openssl" not in without:
            args += [f"--with-openssl={deps.prefix['openssl']}", "--with-openssl-rpath=no"]
    if "openssl" in without:
        env["py_cv_module__ssl"] = "n/a"
        env["py_cv_module__hashlib"] = "n/a"
    log.run(args, cwd=src, env=env)


def write_setup_local(src, target, deps, without, log):
    """Modules/Setup.local: the configured Setup.stdlib's *static* section,
    plus _ctypes."""
    with open(os.path.join(src, "Modules/Setup.stdlib")) as f:
        lines = f.read().splitlines()
    state = _module_states(src)
    missing = sorted(m for m, pkg in REQUIRED.items()
                     if state.get(m) != "yes" and not (pkg == "openssl" and "openssl" in without))
    if missing:
        raise PybuildError(
            "configure did not enable " + ", ".join(
                f"{m} (needs {REQUIRED[m]}: {state.get(m, 'unknown')})" for m in missing)
            + f"; see {log.path} and {src}/config.log")
    out, in_static = ["# Written by oxcc python build: every module built in.", "*static*"], False
    for line in lines:
        s = line.strip()
        if s == "*static*":
            in_static = True
        elif s.startswith("*"):
            in_static = False
        elif in_static and s and not s.startswith("#"):
            out.append(s)
    out.append(_ctypes_line(src, target, deps))
    with open(os.path.join(src, "Modules/Setup.local"), "w") as f:
        f.write("\n".join(out) + "\n")
    log.note("Modules/Setup.local:\n" + "\n".join(out))


def _ctypes_line(src, target, deps):
    """_ctypes' Setup line. makesetup reads a line holding '=' as a Makefile
    variable, so -DNAME=VALUE flags go into OXCC_CTYPES_CFLAGS."""
    cflags = [
        # libffi 3.4 has all three (setup.py greps ffi.h for them).
        "-DHAVE_FFI_PREP_CIF_VAR=1", "-DHAVE_FFI_PREP_CLOSURE_LOC=1",
        "-DHAVE_FFI_CLOSURE_ALLOC=1"]
    words = ["_ctypes", "_ctypes/_ctypes.c", "_ctypes/callbacks.c", "_ctypes/callproc.c",
             "_ctypes/stgdict.c", "_ctypes/cfield.c", "$(OXCC_CTYPES_CFLAGS)"]
    if deps.mode == "source":
        cflags.append(f"-I{deps.prefix['libffi']}/include")
        words.append(f"-L{deps.prefix['libffi']}/lib")
    words.append("-lffi")
    if target.musl:
        # A build-time define, not a patch: see oxcc_static_dlopen.c.
        here = os.path.dirname(os.path.abspath(__file__))
        shutil.copy(os.path.join(here, "oxcc_static_dlopen.c"),
                    os.path.join(src, "Modules/_ctypes/oxcc_static_dlopen.c"))
        words.insert(6, "_ctypes/oxcc_static_dlopen.c")
        cflags.append("-Ddlopen=oxcc_static_dlopen")
    else:
        words.append("-ldl")
    return f"OXCC_CTYPES_CFLAGS={' '.join(cflags)}\n" + " ".join(words)


def _module_states(src):
    """{module: yes|missing|disabled|n/a} from the configured Makefile."""
    states = {}
    with open(os.path.join(src, "Makefile")) as f:
        for m in re.finditer(r"^MODULE_(\w+)_STATE=(\S*)", f.read(), re.M):
            states[m.group(1).lower()] = m.group(2)
    return states


# Profile-guided optimisation, done as CPython's own `make profile-opt`
# does it (its gcc flags, its PGO test list), but bounded: the tests below
# are CPython's PGO_TESTS (Lib/test/libregrtest/pgo.py) less five of the
# longest (test_decimal, test_embed, test_pickle, test_statistics,
# test_datetime), and the run is cut at TRAINING_TIMEOUT seconds (the 39
# took 47 s on the 2-core machine). Its failures do not matter
# (a static test-module-less build skips some): only the profile does.
PGO_TRAINING = [
    "test_array", "test_base64", "test_binascii", "test_binop", "test_bisect", "test_bytes",
    "test_bz2", "test_cmath", "test_codecs", "test_collections", "test_complex",
    "test_dataclasses", "test_difflib", "test_float", "test_fstring", "test_functools",
    "test_generators", "test_hashlib", "test_heapq", "test_int", "test_itertools",
    "test_json", "test_long", "test_lzma", "test_math", "test_memoryview", "test_operator",
    "test_ordered_dict", "test_patma", "test_pprint", "test_re", "test_set", "test_sqlite3",
    "test_struct", "test_tabnanny", "test_time", "test_unicode", "test_xml_etree",
    "test_xml_etree_c",
]
TRAINING_TIMEOUT = 600
PGO_FLAGS = {"generate": "-fprofile-generate",
             "use": "-fprofile-use -fprofile-correction -Wno-missing-profile"}


# Link-time optimisation. CPython's --with-lto leaves GCC's LTO bytecode in
# libpython3.11.a, which lld (oxcc's linker) cannot read, so the
# optimisation happens here, once, when the distribution is built: the
# objects are compiled with LTO bytecode beside their plain code (fat), and
# libpython's core (the interpreter, the object types, the parser and the
# modules CPython always builds in) is optimised as one program by a GCC
# partial link (-r) into a single plain object, which replaces those
# members in the archive. Outside the core, kept as separate members with
# their plain code: Modules/config.o (`oxcc link --stdlib=auto` replaces
# the inittab) and each module of Setup.local, so that one no kept module
# imports still stays out of a link, and its library with it. -fPIE: the
# objects were compiled as PIE (the compiler's default); GCC's partial link
# would otherwise generate PIC, where a default-visibility function (the
# whole C API) may be interposed and is never inlined.
LTO_CFLAGS = "-flto -ffat-lto-objects"
LTO_LINK = ["-r", "-nostdlib", "-flto=auto", "-flinker-output=nolto-rel", "-fPIE"]
LTO_SECTIONS = ["-R", ".gnu.lto_*", "-R", ".gnu.debuglto_*"]


def make(src, target, jobs, log, profile=None, lto=False):
    """`make python`; profile: None, "generate" (instrumented) or "use";
    lto: compile fat LTO objects (lto_link then optimises the core)."""
    # The executable is static; LDFLAGS_NODIST keeps -static out of the
    # LDFLAGS that sysconfig records for extension (shared) links.
    # CFLAGS_NODIST is the Makefile's user variable for flags that are not
    # recorded either (CPython's profile-opt passes its PGO flags so).
    nodist = " ".join(target.exe_link_flags)
    flags = PGO_FLAGS.get(profile, "")
    if profile == "generate":
        nodist += " " + flags
    if lto:
        # The executable links the plain code: it is linked again from
        # the optimised archive once lto_link has made it.
        flags = f"{flags} {LTO_CFLAGS}".strip()
        nodist += " -fno-lto"
    log.run(["make", f"-j{jobs}", f"LDFLAGS_NODIST={nodist}", f"CFLAGS_NODIST={flags}",
             "python", "pybuilddir.txt"], cwd=src)


def lto_link(src, target, log):
    """Replaces libpython3.11.a's core members by one LTO-optimised object
    (see LTO_CFLAGS) and the others by copies without LTO bytecode; the
    executable is linked again from it by the next `make`. Returns (core,
    kept apart) member counts."""
    v = make_vars(src, ["LIBRARY_OBJS", "LIBRARY"], log)
    objs = v["LIBRARY_OBJS"].split()
    outside = {"Modules/config.o"} | set(setup_local_objects(src))
    core = [o for o in objs if o not in outside]
    rest = [o for o in objs if o in outside]
    if not core or len(rest) != len(outside):
        raise PybuildError(f"LTO: libpython's members do not match Setup.local "
                           f"({len(core)} core, {len(rest)} of {len(outside)} others); see {log.path}")
    log.note(f"LTO core ({len(core)} objects): {' '.join(core)}\nkept apart: {' '.join(rest)}")
    # New files only, under .oxcc-lto: an object whose mtime changed would
    # make `make` rebuild getbuildinfo.o, and with it the archive.
    work = ".oxcc-lto"
    shutil.rmtree(os.path.join(src, work), ignore_errors=True)
    members = [os.path.join(work, "oxcc-lto-core.o")]
    os.makedirs(os.path.join(src, work))
    log.run([target.cc, *LTO_LINK, "-o", members[0], *core], cwd=src)
    for o in rest:
        members.append(os.path.join(work, o))
        os.makedirs(os.path.dirname(os.path.join(src, members[-1])), exist_ok=True)
        log.run(["objcopy", *LTO_SECTIONS, o, members[-1]], cwd=src)
    lib = v["LIBRARY"] or "libpython3.11.a"
    log.run(["ar", "rcs", os.path.join(work, lib), *members], cwd=src)
    os.replace(os.path.join(src, work, lib), os.path.join(src, lib))
    # The executable and what is generated from it are made again.
    for f in ("python", "pybuilddir.txt"):
        if os.path.exists(os.path.join(src, f)):
            os.unlink(os.path.join(src, f))
    return len(core), len(rest)


def strip_lto(archive, log):
    """Removes LTO bytecode from an archive's members (lld reads only the
    plain code; the bytecode would only take room)."""
    log.run(["objcopy", *LTO_SECTIONS, archive])


def setup_local_objects(src):
    """The objects makesetup compiles Modules/Setup.local's modules into:
    each source word (x/y.c) becomes Modules/x/y.o."""
    out = []
    with open(os.path.join(src, "Modules/Setup.local")) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if not words or words[0].startswith("*") or "=" in words[0]:
                continue
            out += ["Modules/" + os.path.splitext(w)[0] + ".o" for w in words[1:]
                    if w.endswith((".c", ".cc", ".cpp"))]
    return out


def train(src, log):
    """The instrumented python runs the training tests; returns how many
    profile files they wrote (0: the optimised build would gain nothing)."""
    rc = log.run(["timeout", str(TRAINING_TIMEOUT), "./python", "-m", "test", "--pgo",
                  *PGO_TRAINING], cwd=src, ok=range(0, 256))
    log.note(f"training exit code {rc}" + (" (cut at the time limit)" if rc == 124 else ""))
    count = 0
    for _, _, files in os.walk(src):
        count += sum(1 for f in files if f.endswith(".gcda"))
    return count


def clean_retain_profile(src, log):
    """Objects and archives go; the .gcda profiles stay for the real build."""
    log.run(["make", "clean-retain-profile"], cwd=src)


def make_vars(src, names, log):
    """Expanded values of Makefile variables."""
    mk = os.path.join(src, ".oxcc-print.mk")
    with open(mk, "w") as f:
        f.write("oxcc-print:\n" + "".join(f"\t@echo '{n}=$({n})'\n" for n in names))
    r = subprocess.run(["make", "-s", "-f", "Makefile", "-f", mk, "oxcc-print"], cwd=src,
                       capture_output=True, text=True)
    log.note(r.stdout + r.stderr)
    values = {}
    for line in r.stdout.splitlines():
        k, _, v = line.partition("=")
        values[k] = v
    return values


def builtin_modules(src):
    """[(name, init)] of the inittab in Modules/config.c, sorted."""
    with open(os.path.join(src, "Modules/config.c")) as f:
        text = f.read()
    text = text[text.index("_PyImport_Inittab"):]
    mods = re.findall(r'\{"([\w.]+)",\s*(\w+)\}', text)
    return sorted((n, i) for n, i in mods if i != "NULL")

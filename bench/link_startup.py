#!/usr/bin/python3
"""What `oxcc link` gives and costs, against Debian's /usr/bin/python3 running
the same wheels installed with `pip install --target SITE`, in one run.

Builds markupsafe (C), brotli (C++) and python-cytoolz (Cython) as wheels
through oxcc (a private OXCC_STORE), links one executable from them plus
Debian's pure-Python toolz (`--pure`, cytoolz imports it), with no entry
point (so APP behaves like python3), then measures:

  startup    APP -c pass          vs python3 -c pass, python3 -S -c pass
  imports    APP imports.py       vs python3 imports.py (PYTHONPATH=SITE):
             ~220 stdlib modules plus markupsafe, brotli, cytoolz
             (both also vs python3's python.o linked by gcc with the same
             static libpython3.11.a as APP: the interpreter without oxcc)
  size       APP, `strip -o` APP  vs python3 + its stdlib + SITE + toolz
  link       oxcc link into a new build dir   vs pip install --target
             no-op relink (nothing changed)   vs ninja alone in that dir
             relink after a one-line edit of markupsafe's C file (the wheel
             rebuilt through oxcc first, not timed) vs pip install --upgrade
             of that wheel; prints what ninja rebuilt

Runs of APP and of its anchors alternate (the order shuffled each round), so
drift in the machine hits all alike. Prints medians, the ratio, the spread
(interquartile range as a % of the median) as the noise figure, and the
target where there is one. Temporary files live in /tmp and are removed.

Usage: bench/link_startup.py BUILD_BIN_DIR [--runs N] [--relinks N]
                             [--scratch N] [--edits N] [--keep]
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PY = "/usr/bin/python3"
PACKAGES = ["markupsafe", "brotli", "python-cytoolz"]
PURE = "/usr/lib/python3/dist-packages/toolz"
STDLIB = "/usr/lib/python3.11"
EDITED = "src/markupsafe/_speedups.c"      # inside markupsafe's tree

# Imported by imports.py, in this order. Every one must import under both.
IMPORTS = """
abc argparse array ast asyncio asyncio.subprocess base64 bdb binascii bisect
bz2 calendar cmath cmd code codecs codeop collections collections.abc colorsys
compileall concurrent.futures concurrent.futures.process configparser
contextlib contextvars copy copyreg cProfile csv ctypes ctypes.util dataclasses
datetime dbm dbm.dumb decimal difflib dis doctest email email.charset
email.encoders email.errors email.generator email.header email.headerregistry
email.iterators email.message email.mime.application email.mime.audio
email.mime.base email.mime.image email.mime.multipart email.mime.nonmultipart
email.mime.text email.parser email.policy email.utils encodings.idna
encodings.latin_1 encodings.punycode enum errno faulthandler filecmp fileinput
fnmatch fractions ftplib functools gc getopt getpass gettext glob graphlib gzip
hashlib heapq hmac html html.entities html.parser http http.client
http.cookiejar http.cookies http.server imaplib importlib importlib.abc
importlib.machinery importlib.metadata importlib.resources importlib.util
inspect io ipaddress itertools json json.decoder json.encoder keyword linecache
locale logging logging.config logging.handlers lzma mailbox marshal math
mimetypes mmap modulefinder multiprocessing multiprocessing.pool netrc numbers
opcode operator optparse os pathlib pdb pickle pickletools pkgutil platform
plistlib poplib posixpath pprint profile pstats pty py_compile pyclbr pydoc
queue quopri random re reprlib resource rlcompleter runpy sched secrets select
selectors shelve shlex shutil signal smtplib socket socketserver sqlite3 ssl
stat statistics string stringprep struct subprocess symtable sys sysconfig
tabnanny tarfile tempfile textwrap threading timeit token tokenize tomllib
trace traceback tracemalloc tty types typing unicodedata unittest unittest.mock
urllib urllib.error urllib.parse urllib.request urllib.response
urllib.robotparser uuid warnings wave weakref webbrowser wsgiref.simple_server
wsgiref.util xml.dom xml.dom.minidom xml.dom.pulldom xml.etree.ElementTree
xml.parsers.expat xml.sax xml.sax.handler xml.sax.saxutils xmlrpc.client
xmlrpc.server zipapp zipfile zipimport zlib zoneinfo
markupsafe brotli cytoolz cytoolz.curried
""".split()

IMPORTS_PY = f"""import importlib, sys
for m in {IMPORTS!r}:
    importlib.import_module(m)
if sys.argv[1:] == ["--report"]:
    import markupsafe._speedups, brotli, cytoolz.functoolz
    assert brotli.decompress(brotli.compress(b"x" * 100)) == b"x" * 100
    print(len(sys.modules), markupsafe._speedups.__spec__.origin,
          cytoolz.functoolz.__spec__.origin)
"""


# --- running and timing -----------------------------------------------------

def run(cmd, env, cwd=None, out=False):
    """Runs cmd (checked); returns its wall time, and its output if out."""
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, cwd=cwd, text=True,
                       stdout=subprocess.PIPE if out else subprocess.DEVNULL,
                       stderr=subprocess.STDOUT if out else subprocess.DEVNULL)
    dt = time.perf_counter() - t
    if p.returncode:
        me = os.path.basename(sys.argv[0])
        sys.exit(f"{me}: failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout or ''}")
    return (dt, p.stdout) if out else dt


def interleave(n, cases, seed=0, warmup=True):
    """n timings of each case (name -> callable returning seconds), after one
    warm-up of each; each round runs every case once, in a shuffled order."""
    rng = random.Random(seed)
    names = list(cases)
    for name in names if warmup else ():
        cases[name]()
    times = {name: [] for name in names}
    for _ in range(n):
        rng.shuffle(names)
        for name in names:
            times[name].append(cases[name]())
    return times


def spread(xs):
    if len(xs) < 2:
        return float("nan")
    q = statistics.quantiles(xs, n=4)
    return 100 * (q[2] - q[0]) / statistics.median(xs)


def tree_bytes(path):
    """Sum of the sizes of the regular files under path (symlinks not followed)."""
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            p = os.path.join(root, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


# --- the table ---------------------------------------------------------------

ROWS = []


def timing_row(case, anchor_name, a, c, target=None, scale=1e3, unit="ms"):
    ma, mc = statistics.median(a), statistics.median(c)
    ratio = mc / ma
    verdict = ""
    if target is not None:
        kind, limit = target
        value = ratio if kind == "ratio" else mc * scale
        verdict = (f"{'<=' if kind == 'ratio' else '<'} {limit:g}{'x' if kind == 'ratio' else ' ' + unit}: "
                   f"{'met' if value <= limit else 'MISSED'}")
    ROWS.append((case, anchor_name, f"{ma * scale:.2f}", f"{mc * scale:.2f}", f"{ratio:.3f}x",
                 f"{spread(a):.1f}%", f"{spread(c):.1f}%", f"{unit}, n={len(c)}", verdict))


def size_row(case, anchor_name, a, c):
    mb = 1 << 20
    ROWS.append((case, anchor_name, f"{a / mb:.1f}", f"{c / mb:.1f}", f"{c / a:.3f}x",
                 "-", "-", "MiB", ""))


def print_table():
    head = ("case", "anchor", "anchor", "oxcc", "ratio", "noise", "noise", "unit", "target")
    sub = ("", "", "", "", "", "anchor", "oxcc", "", "")
    widths = [max(len(r[i]) for r in ROWS + [head]) for i in range(len(head))]
    right = {2, 3, 4, 5, 6}

    def fmt(r):
        return "  ".join(s.rjust(w) if i in right else s.ljust(w)
                         for i, (s, w) in enumerate(zip(r, widths))).rstrip()
    print(fmt(head))
    print(fmt(sub))
    for r in ROWS:
        print(fmt(r))


# --- the benchmark -----------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--runs", type=int, default=40, help="startup/import runs of each")
    ap.add_argument("--relinks", type=int, default=10, help="no-op relinks")
    ap.add_argument("--scratch", type=int, default=3, help="links from scratch")
    ap.add_argument("--edits", type=int, default=3, help="relinks after an edit")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = ap.parse_args()
    oxcc = os.path.join(os.path.abspath(args.bin), "oxcc")
    here = os.path.dirname(os.path.abspath(__file__))
    tmp = tempfile.mkdtemp(prefix="oxcc-bench-link-", dir="/tmp")
    try:
        bench(args, oxcc, here, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def bench(args, oxcc, here, tmp):
    # Neither side sees the caller's compiler or Python settings; the anchor
    # may write bytecode caches like a normal install does.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "OXCC_"))
           and k not in ("CC", "CXX", "LDSHARED", "LDCXXSHARED", "CFLAGS", "LDFLAGS")}
    env["OXCC_STORE"] = os.path.join(tmp, "store")
    pyenv = dict(env, PYTHONPATH=os.path.join(tmp, "site"))
    pip = [PY, "-m", "pip"]
    quiet = ["--no-deps", "--no-build-isolation", "--no-index", "-q",
             "--disable-pip-version-check"]
    wheels, trees = os.path.join(tmp, "wheels"), {}
    print(f"machine: {os.cpu_count()} cores; {os.uname().release}; "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    # 1. The wheels, through oxcc.
    for name in PACKAGES:
        src = subprocess.run([os.path.join(here, "..", "utils", "fetch-corpus"), name],
                             check=True, capture_output=True, text=True).stdout.split()[-1]
        trees[name] = os.path.join(tmp, "src", name)
        shutil.copytree(src, trees[name])
        dt = run([oxcc, "run", "--", *pip, "wheel", *quiet, "-w", wheels, "."],
                 env, cwd=trees[name])
        print(f"built {name} through oxcc: {dt:.1f} s", flush=True)
    whls = sorted(os.path.join(wheels, w) for w in os.listdir(wheels))
    markupsafe_whl = next(w for w in whls if os.path.basename(w).lower().startswith("markupsafe-"))
    pure = os.path.join(tmp, "pure")
    shutil.copytree(PURE, os.path.join(pure, os.path.basename(PURE)),
                    ignore=shutil.ignore_patterns("__pycache__"))

    app = os.path.join(tmp, "app")
    build = os.path.join(tmp, "app.build")
    link = [oxcc, "link", "-o", app, "--build-dir", build, "--pure", pure]
    for w in whls:
        link += ["--wheel", w]
    dt = run(link, env)
    print(f"first link: {dt:.1f} s", flush=True)
    site = os.path.join(tmp, "site")
    run([*pip, "install", *quiet, "--target", site, *whls], env)

    script = os.path.join(tmp, "imports.py")
    with open(script, "w") as f:
        f.write(IMPORTS_PY)
    # Same modules, from the expected places, under both (this also warms
    # the anchor's bytecode caches).
    _, a_out = run([PY, script, "--report"], pyenv, cwd=tmp, out=True)
    _, c_out = run([app, script, "--report"], env, cwd=tmp, out=True)
    print(f"imports.py: {len(IMPORTS)} listed; python3: {a_out.strip()}\n"
          f"            app:     {c_out.strip()}", flush=True)

    # A second anchor: python3's own main() linked by plain gcc with the
    # static libpython3.11.a the app uses (Debian builds that without LTO,
    # /usr/bin/python3 with it): the same interpreter as the app, no oxcc.
    pyref = os.path.join(tmp, "python3-static")
    libpl = os.path.join(STDLIB, f"config-3.11-{sys.implementation._multiarch}")
    subprocess.run(["gcc", "-no-pie", "-o", pyref, os.path.join(libpl, "python.o"),
                    os.path.join(libpl, "libpython3.11.a"), "-Wl,-E", "-lexpat", "-lz",
                    "-lm", "-ldl", "-lpthread", "-lutil"], check=True)
    static_anchor = "gcc python.o libpython3.11.a"

    # 2. Startup and imports.
    t = interleave(args.runs, {
        "py": lambda: run([PY, "-c", "pass"], pyenv, cwd=tmp),
        "pyS": lambda: run([PY, "-S", "-c", "pass"], pyenv, cwd=tmp),
        "refS": lambda: run([pyref, "-S", "-c", "pass"], pyenv, cwd=tmp),
        "app": lambda: run([app, "-c", "pass"], env, cwd=tmp),
    })
    timing_row("startup: -c pass", "python3 -c pass", t["py"], t["app"], ("ratio", 0.7))
    timing_row("startup: -c pass", "python3 -S -c pass", t["pyS"], t["app"], ("ratio", 0.7))
    timing_row("startup: -c pass", static_anchor + " -S", t["refS"], t["app"])
    t = interleave(args.runs, {
        "py": lambda: run([PY, script], pyenv, cwd=tmp),
        "ref": lambda: run([pyref, script], pyenv, cwd=tmp),
        "app": lambda: run([app, script], env, cwd=tmp),
    })
    timing_row(f"imports: {len(IMPORTS)} modules", "python3 PYTHONPATH=SITE",
               t["py"], t["app"], ("ratio", 0.7))
    timing_row(f"imports: {len(IMPORTS)} modules", static_anchor, t["ref"], t["app"])
    # Diagnostic: the same app with lib-dynload's modules left on disk, to
    # show what loading them from memory (memfd + dlopen) costs.
    if "--shared-modules" in run([oxcc, "link", "--help"], env, out=True)[1]:
        appfs = os.path.join(tmp, "app-fs")
        run(link[:1] + ["link", "-o", appfs, "--build-dir", appfs + ".build",
                        "--shared-modules=filesystem"] + link[6:], env)
        t = interleave(args.runs, {
            "fs": lambda: run([appfs, script], env, cwd=tmp),
            "app": lambda: run([app, script], env, cwd=tmp),
        })
        timing_row("imports: .so from memory (default)", "app, --shared-modules=filesystem",
                   t["fs"], t["app"])

    # 3. Size: one file against what python3 needs on disk for the same.
    stripped = app + ".stripped"
    subprocess.run(["strip", "-o", stripped, app], check=True)
    real_py = os.path.realpath(PY)
    stdlib = tree_bytes(STDLIB) - tree_bytes(libpl)   # static libs: not runtime
    dynload = tree_bytes(os.path.join(STDLIB, "lib-dynload"))
    deployed = tree_bytes(real_py) + stdlib + tree_bytes(site) + tree_bytes(PURE)
    size_row("size: app", "python3+stdlib+SITE+toolz", deployed, os.path.getsize(app))
    size_row("size: strip -o app", "python3+stdlib+SITE+toolz", deployed,
             os.path.getsize(stripped))
    # Older links read lib-dynload's .so files from disk: count them then.
    _, origin = run([app, "-c", "import _ssl; print(_ssl.__spec__.origin)"], env, out=True)
    if origin.startswith(STDLIB):
        size_row("size: strip -o app + lib-dynload", "python3+stdlib+SITE+toolz", deployed,
                 os.path.getsize(stripped) + dynload)
    os.unlink(stripped)
    sizes = (f"python3 {tree_bytes(real_py) / 2**20:.1f} MiB, stdlib {stdlib / 2**20:.1f} "
             f"(of which lib-dynload {dynload / 2**20:.1f}), SITE {tree_bytes(site) / 2**20:.1f}, "
             f"toolz {tree_bytes(PURE) / 2**20:.1f}; {STDLIB}/config-* not counted")

    # 4. Link from scratch (a new build dir each time) vs installing the same
    #    wheels for python3.
    n = [0]

    def scratch():
        n[0] += 1
        d = os.path.join(tmp, f"scratch{n[0]}")
        dt = run([oxcc, "link", "-o", os.path.join(d, "app"), "--build-dir",
                  os.path.join(d, "build"), "--pure", pure] + [x for w in whls for x in ("--wheel", w)], env)
        shutil.rmtree(d)
        return dt

    def install():
        n[0] += 1
        d = os.path.join(tmp, f"site{n[0]}")
        dt = run([*pip, "install", *quiet, "--target", d, *whls], env)
        shutil.rmtree(d)
        return dt
    # No warm-up: the first link has already run, and each run starts cold.
    t = interleave(args.scratch, {"pip": install, "link": scratch}, warmup=False)
    timing_row("link from scratch", "pip install --target", t["pip"], t["link"], scale=1, unit="s")

    # 5. No-op relink: oxcc link again with nothing changed, vs ninja alone.
    before = os.stat(app)
    _, out = run(link, env, out=True)
    if "no work to do" not in out:
        print(f"WARNING: the first no-op relink did work:\n{out}")
    t = interleave(args.relinks, {
        "ninja": lambda: run(["ninja", "-C", build], env),
        "link": lambda: run(link, env),
    })
    after = os.stat(app)
    if (before.st_ino, before.st_mtime_ns) != (after.st_ino, after.st_mtime_ns):
        print("WARNING: a no-op relink rewrote the app")
    timing_row("no-op relink", "ninja -C BUILD (no-op)", t["ninja"], t["link"], ("abs", 100))

    # 6. One extension changed: a comment line at the top of markupsafe's C
    #    file (it moves every line, so the object changes through its debug
    #    info), the wheel rebuilt through oxcc, then relinked; the anchor
    #    installs the rebuilt wheel over SITE.
    rebuilt, a, c, rebuild_s = set(), [], [], []
    edited = os.path.join(trees["markupsafe"], EDITED)
    site2 = os.path.join(tmp, "site-edit")
    shutil.copytree(site, site2)
    for i in range(args.edits):
        with open(edited) as f:
            text = f.read()
        with open(edited, "w") as f:
            f.write(f"/* oxcc bench edit {i} */\n" + text)
        rebuild_s.append(run([oxcc, "run", "--", *pip, "wheel", *quiet, "-w", wheels, "."],
                             env, cwd=trees["markupsafe"]))
        steps = []
        for side in random.Random(i).sample(["link", "pip"], 2):
            if side == "link":
                dt, out = run(link, env, out=True)
                c.append(dt)
                steps = re.findall(r"^\[\d+/\d+\] (.*)$", out, re.M)
                rebuilt.add(", ".join(steps) or "nothing")
            else:
                a.append(run([*pip, "install", *quiet, "--upgrade", "--target", site2,
                              markupsafe_whl], env))
        _, out = run([app, "-c", "import markupsafe._speedups as s; print(s.__spec__.origin)"],
                     env, out=True)
        if "built-in" not in out:
            print(f"WARNING: after the relink markupsafe._speedups is {out.strip()}")
    timing_row("relink after 1 ext edit", "pip install --upgrade 1 whl", a, c, scale=1, unit="s")

    print()
    print_table()
    print(f"\nsizes: {sizes}")
    print(f"wheel rebuild through oxcc before each edit relink (not in the row): "
          f"median {statistics.median(rebuild_s):.2f} s")
    for r in sorted(rebuilt):
        print(f"ninja rebuilt after the edit: {r}")
    print(f"load at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())

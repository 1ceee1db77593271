#!/usr/bin/python3
"""oxcc's binaries against Debian's /usr/bin/python3, in one run: the
benchmark the README's status table quotes (issue 13).

Links python-like executables (no app code, the whole stdlib embedded) with
`oxcc link --python DIST` for each distribution that exists:

  glibc app        --python debian             (the host's libpython3.11.a,
                                                the same PGO build python3 runs)
  glibc source     --python x86_64-linux-gnu   (oxcc python build; if built)
  musl static      --python x86_64-linux-musl  (fully static; mimalloc, the
                                                default allocator on musl)
  musl static, libc malloc   the same with --allocator=system

and measures each against /usr/bin/python3, all runs interleaved (every
round runs every binary once, in a shuffled order, so machine drift hits all
alike):

  startup   -c pass (python3 -I -S -c pass shown too: the floor)
  imports   ~200 stdlib modules (bench/link_startup.py's list; a module
            missing from any binary is dropped from all, and named)
  cpu       bench/cpu_suite.py, one row per workload (json, nbody, regex,
            richards-like objects, pidigits, float, unpack_sequence,
            dict/str, generators), then their geometric mean

Prints medians, the ratio to python3 (< 1: faster), and the noise of each
side (interquartile range as a % of the median), then the sizes: each
binary as linked (stripped; debug info in APP.debug) and python3 (which
also needs its stdlib on disk: shown apart). Temporary files live in /tmp
and are removed.

Usage: bench/static_python.py BUILD_BIN_DIR [--runs N] [--cpu-runs N] [--keep]
                              [--also NAME=DIST_DIR]...
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from link_startup import IMPORTS as LINK_IMPORTS, interleave, run, spread, tree_bytes  # noqa: E402

PY = "/usr/bin/python3"
STDLIB = "/usr/lib/python3.11"
# The stdlib part of link_startup's list (it ends with the corpus packages).
IMPORTS = [m for m in LINK_IMPORTS if m.partition(".")[0] not in ("markupsafe", "brotli", "cytoolz")]
HERE = os.path.dirname(os.path.abspath(__file__))
# (name, --python, extra link options)
DISTS = [("glibc app", "debian", []), ("glibc source", "x86_64-linux-gnu", []),
         ("musl static", "x86_64-linux-musl", []),
         ("musl static, libc malloc", "x86_64-linux-musl", ["--allocator=system"])]

PROBE_PY = """import importlib, sys
bad = []
for m in sys.argv[1:]:
    try:
        importlib.import_module(m)
    except Exception as e:
        bad.append(m)
print(" ".join(bad))
"""



def cache_root():
    return os.environ.get("OXCC_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "oxcc")


ROWS = []


def timing_row(case, name, anchor, times):
    ma, mc = statistics.median(anchor), statistics.median(times)
    ROWS.append((case, name, f"{mc * 1e3:.1f}", f"{ma * 1e3:.1f}", f"{mc / ma:.3f}x",
                 f"{spread(times):.1f}%", f"{spread(anchor):.1f}%", f"n={len(times)}"))


def print_table(rows, head):
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(s.rjust(w) if i >= 2 else s.ljust(w)
                        for i, (s, w) in enumerate(zip(r, widths))).rstrip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--runs", type=int, default=30, help="startup/import runs of each")
    ap.add_argument("--cpu-runs", type=int, default=10, help="cpu script runs of each")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--also", action="append", default=[], metavar="NAME=DIST",
                    help="one more binary, linked with --python DIST (a distribution's "
                    "directory: e.g. an older build, to compare PGO with no PGO)")
    args = ap.parse_args()
    oxcc = os.path.join(os.path.abspath(args.bin), "oxcc")
    tmp = tempfile.mkdtemp(prefix="oxcc-bench-static-", dir="/tmp")
    try:
        bench(args, oxcc, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def bench(args, oxcc, tmp):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "OXCC_"))}
    for k in ("OXCC_CACHE", "OXCC_STORE"):   # where the distributions (and store) are
        if k in os.environ:
            env[k] = os.environ[k]
    print(f"machine: {os.cpu_count()} cores; {os.uname().release}; "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    # 1. One python-like binary per distribution that exists.
    apps = {}
    dists = DISTS + [tuple(a.split("=", 1)) + ([],) for a in args.also]
    for name, dist, extra in dists:
        if (dist != "debian" and not os.path.isdir(dist) and
                not os.path.exists(os.path.join(cache_root(), "python", dist + ".current"))):
            print(f"{name}: no {dist} distribution (oxcc python build --target {dist}); skipped")
            continue
        app = os.path.join(tmp, name.replace(" ", "-").replace(",", ""))
        dt, _ = run([oxcc, "link", "--python", dist, *extra, "-o", app], env, tmp, out=True)
        apps[name] = app
        print(f"{name}: oxcc link --python {dist} {' '.join(extra)}: {dt:.1f} s", flush=True)
    if "musl static" not in apps:
        print("static_python: no musl distribution: nothing static to measure")

    # 2. The import list: what every binary (and python3) can import.
    probe = os.path.join(tmp, "probe.py")
    with open(probe, "w") as f:
        f.write(PROBE_PY)
    dropped = set()
    for app in [PY] + list(apps.values()):
        dropped |= set(run([app, probe, *IMPORTS], env, tmp, out=True)[1].split())
    imports = [m for m in IMPORTS if m not in dropped]
    script = os.path.join(tmp, "imports.py")
    with open(script, "w") as f:
        f.write(f"import importlib\nfor m in {imports!r}:\n    importlib.import_module(m)\n")
    cpu = os.path.join(HERE, "cpu_suite.py")
    sys.path.insert(0, HERE)
    from cpu_suite import WORKLOADS  # noqa: E402
    print(f"imports: {len(imports)} of {len(IMPORTS)} stdlib modules"
          f"{'; dropped (missing somewhere): ' + ' '.join(sorted(dropped)) if dropped else ''}",
          flush=True)

    # 3. Timings, each case interleaved across python3 and every binary.
    bins = {"python3": PY, **apps}
    cases = [("startup: -c pass", ["-c", "pass"], args.runs),
             (f"imports: {len(imports)} modules", [script], args.runs)]
    cases += [(f"cpu: {w}", [cpu, w], args.cpu_runs) for w in WORKLOADS]
    ratios = {name: [] for name in apps}
    for case, argv, n in cases:
        runners = {name: (lambda b=b: run([b, *argv], env, tmp)) for name, b in bins.items()}
        if case.startswith("startup"):
            runners["python3 -I -S"] = lambda: run([PY, "-I", "-S", "-c", "pass"], env, tmp)
        t = interleave(n, runners)
        for name in apps:
            timing_row(case, name, t["python3"], t[name])
            if case.startswith("cpu"):
                ratios[name].append(statistics.median(t[name]) / statistics.median(t["python3"]))
        if "python3 -I -S" in t:
            timing_row(case, "python3 -I -S", t["python3"], t["python3 -I -S"])
        ROWS.append((case, "python3 (anchor)", f"{statistics.median(t['python3']) * 1e3:.1f}",
                     "", "1x", f"{spread(t['python3']):.1f}%", "", f"n={n}"))
    for name, rs in ratios.items():
        if rs:
            ROWS.append(("cpu: geometric mean", name, "", "",
                         f"{statistics.geometric_mean(rs):.3f}x", "", "", f"{len(rs)} workloads"))

    print()
    print_table(ROWS, ("case", "binary", "ms", "python3 ms", "ratio", "noise", "noise py3", "runs"))

    # 4. Sizes: the binaries as linked (stripped, debug info in APP.debug).
    mb = 1 << 20
    sizes = []
    for name, b in bins.items():
        note = ("stdlib embedded; + %.1f MiB in APP.debug" % (os.path.getsize(b + ".debug") / mb)
                if b != PY else
                f"+ {(tree_bytes(STDLIB) - tree_bytes(os.path.join(STDLIB, 'config-3.11-x86_64-linux-gnu'))) / mb:.1f} MiB stdlib on disk")
        sizes.append((name, f"{os.path.getsize(os.path.realpath(b)) / mb:.1f}", note))
    print()
    print_table(sizes, ("binary", "MiB", "note"))
    print(f"\nload at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Cost of putting oxcc in front of the compiler, against plain gcc in the
same run: per call (compile, --version, a preprocessor probe), for a
whole `pip wheel` of python-cytoolz (Cython, 5 extension modules), and
with --numpy N for numpy 1.24.2 built from its sdist (../shared/thirdparty;
about 6 minutes each way on 2 cores, so off by default).

Runs of oxcc and of its anchor alternate, so drift in the machine hits
both alike. Prints a table: medians, the difference, the ratio, and the
spread (interquartile range as a % of the median) as the noise figure.

Usage: bench/driver_overhead.py BUILD_BIN_DIR [--calls N] [--wheels N] [--no-wheel] [--numpy N]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PY = "/usr/bin/python3"


def timed(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def alternate(n, anchor, candidate):
    """n timings of each, interleaved, after one warm-up of each."""
    anchor(), candidate()
    a, c = [], []
    for _ in range(n):
        a.append(anchor())
        c.append(candidate())
    return a, c


def spread(xs):
    if len(xs) < 2:
        return float("nan")  # one run shows no noise: printed as nan
    q = statistics.quantiles(xs, n=4)
    return 100 * (q[2] - q[0]) / statistics.median(xs)


def row(name, a, c, unit_scale, unit):
    ma, mc = statistics.median(a), statistics.median(c)
    return (f"{name:<34} {ma * unit_scale:>10.2f} {mc * unit_scale:>10.2f} "
            f"{(mc - ma) * unit_scale:>+9.2f} {mc / ma:>7.3f}x "
            f"{spread(a):>6.1f}% {spread(c):>6.1f}%   {unit}, n={len(a)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--calls", type=int, default=60)
    ap.add_argument("--wheels", type=int, default=3)
    ap.add_argument("--no-wheel", action="store_true")
    ap.add_argument("--numpy", type=int, default=0, metavar="N",
                    help="also N interleaved pip wheel builds of numpy's sdist each way")
    args = ap.parse_args()
    oxcc = os.path.join(os.path.abspath(args.bin), "oxcc")
    tmp = tempfile.mkdtemp(prefix="oxcc-bench-")
    env = dict(os.environ, OXCC_STORE=os.path.join(tmp, "store"), OXCC_CC="gcc")
    for v in ("CC", "CXX", "LDSHARED", "LDCXXSHARED", "OXCC_LAUNCHER", "PYTHONPATH"):
        env.pop(v, None)
    src = os.path.join(tmp, "x.c")
    with open(src, "w") as f:
        f.write("#include <stdio.h>\nint f(int x) { printf(\"%d\", x); return x * 2; }\n")

    rows = []
    print(f"machine: {os.cpu_count()} cores; {os.uname().release}", flush=True)
    run = lambda cmd: (lambda: timed(cmd, env=env, cwd=tmp))
    a, c = alternate(args.calls, run(["gcc", "-c", "-O2", "x.c", "-o", "a.o"]),
                     run([oxcc, "-c", "-O2", "x.c", "-o", "b.o"]))
    rows.append(row("compile (-c -O2, recorded)", a, c, 1e3, "ms"))
    a, c = alternate(args.calls, run(["gcc", "--version"]), run([oxcc, "--version"]))
    rows.append(row("--version (pass-through)", a, c, 1e3, "ms"))
    a, c = alternate(args.calls, run(["gcc", "-E", "-dM", "-x", "c", "/dev/null"]),
                     run([oxcc, "-E", "-dM", "-x", "c", "/dev/null"]))
    rows.append(row("-E -dM probe (pass-through)", a, c, 1e3, "ms"))

    if not args.no_wheel:
        here = os.path.dirname(os.path.abspath(__file__))
        out = subprocess.run([os.path.join(here, "..", "utils", "fetch-corpus"), "python-cytoolz"],
                             check=True, capture_output=True, text=True).stdout.split()
        tree = out[-1]

        def wheel(use_oxcc):
            def go():
                work = tempfile.mkdtemp(dir=tmp)
                shutil.copytree(tree, os.path.join(work, "src"))
                cmd = [PY, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                       "--no-index", "-w", os.path.join(work, "w"), "."]
                if use_oxcc:
                    cmd = [oxcc, "run", "--"] + cmd
                t = timed(cmd, env=env, cwd=os.path.join(work, "src"))
                shutil.rmtree(work)
                return t
            return go
        a, c = alternate(args.wheels, wheel(False), wheel(True))
        rows.append(row("pip wheel python-cytoolz", a, c, 1, "s"))

    if args.numpy:
        here = os.path.dirname(os.path.abspath(__file__))
        tarball = os.path.join(here, "..", "..", "shared", "thirdparty", "numpy-1.24.2.tar.gz")

        def numpy(use_oxcc):
            def go():
                work = tempfile.mkdtemp(dir=tmp)
                cmd = [PY, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                       "--no-cache-dir", "-w", os.path.join(work, "w"), os.path.abspath(tarball)]
                if use_oxcc:
                    cmd = [oxcc, "run", "--"] + cmd
                t = timed(cmd, env=dict(env, BLAS="None", LAPACK="None", ATLAS="None", TMPDIR=work),
                          cwd=work)
                shutil.rmtree(work)
                return t
            return go
        # No warm-up pair: each build is minutes, and pip builds from scratch.
        a, c = [], []
        for _ in range(args.numpy):
            a.append(numpy(False)())
            c.append(numpy(True)())
        rows.append(row("pip wheel numpy-1.24.2.tar.gz", a, c, 1, "s"))

    print(f"{'case':<34} {'gcc':>10} {'oxcc':>10} {'delta':>9} {'ratio':>8} "
          f"{'noise':>7} {'noise':>7}")
    print(f"{'':<34} {'(anchor)':>10} {'':>10} {'':>9} {'':>8} {'gcc':>7} {'oxcc':>7}")
    for r in rows:
        print(r)
    shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())

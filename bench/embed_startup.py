#!/usr/bin/python3
"""Start-up of a liboxrt program with the in-memory importer against the
same program with the filesystem importer, and against Debian's
/usr/bin/python3, in one run.

oxrt-embed-bench (built with the runtime tests) is one executable linked
with Debian's static libpython and liboxrt; OXRT_BENCH_IMPORTER picks how
modules are found:

  in-memory    the stdlib's bytecode and lib-dynload's .so files from the
               packed resources in the executable (extension modules via memfd)
  filesystem   the in-memory importer off: PathFinder reads
               /usr/lib/python3.11 (Debian's .pyc files) and lib-dynload
  python3      /usr/bin/python3 -I -S (no site: like the other two)

Cases: `-c pass`, and importing ~215 stdlib modules (link_startup.py's list,
minus its third-party packages). Runs alternate, shuffled each round;
prints medians of wall time and of CPU time (user + system of the child:
what the program costs, readable on a loaded machine), the spread (IQR as %
of the median) and the ratios.

Usage: bench/embed_startup.py BUILD_BIN_DIR [--runs N]
"""
import argparse
import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from link_startup import IMPORTS  # noqa: E402

PY = "/usr/bin/python3"
THIRD_PARTY = {"markupsafe", "brotli", "cytoolz", "cytoolz.curried"}
STDLIB_IMPORTS = [m for m in IMPORTS if m not in THIRD_PARTY]
IMPORT_CODE = ("import importlib\nfor m in %r:\n    importlib.import_module(m)\n"
               % (STDLIB_IMPORTS,))


def timed(cmd, env):
    """(wall seconds, CPU seconds: user + system of the child)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{cmd} failed with {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def spread(xs):
    q = statistics.quantiles(xs, n=4)
    return 100 * (q[2] - q[0]) / statistics.median(xs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bin_dir")
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    exe = os.path.join(os.path.abspath(args.bin_dir), "oxrt-embed-bench")
    if not os.access(exe, os.X_OK):
        sys.exit(f"{exe} is missing: ninja -C BUILD oxrt-embed-bench")
    base = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    runners = {
        "in-memory": ([exe], dict(base, OXRT_BENCH_IMPORTER="memory")),
        "filesystem": ([exe], dict(base, OXRT_BENCH_IMPORTER="filesystem")),
        "python3 -I -S": ([PY, "-I", "-S"], base),
    }
    cases = {"start-up (-c pass)": "pass",
             f"import {len(STDLIB_IMPORTS)} stdlib modules": IMPORT_CODE}

    # Every runner must import the whole list, and say where json came from.
    for name, (cmd, env) in runners.items():
        check = IMPORT_CODE + "import json; print(json.__file__)"
        out = subprocess.run(cmd + ["-c", check], env=env, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"{name} cannot import the list:\n{out.stderr[-2000:]}")
        print(f"{name:14} json from {out.stdout.strip()}")

    times = {(c, r): [] for c in cases for r in runners}
    jobs = [(c, r) for c in cases for r in runners]
    for c, r in jobs:  # warm the page cache
        timed(runners[r][0] + ["-c", cases[c]], runners[r][1])
    rng = random.Random(0)
    for _ in range(args.runs):
        rng.shuffle(jobs)
        for c, r in jobs:
            times[(c, r)].append(timed(runners[r][0] + ["-c", cases[c]], runners[r][1]))

    print(f"\nmedian of {args.runs} runs, ms (spread: IQR as % of the median); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    # Wall time is what a user waits; CPU time (user + system of the child)
    # is what the program costs, and stays readable on a loaded machine.
    for what, index in (("wall", 0), ("cpu", 1)):
        print(f"\n| case ({what}) | python3 -I -S | filesystem | in-memory "
              "| python3 / in-memory | filesystem / in-memory |")
        print("|---|---|---|---|---|---|")
        for c in cases:
            xs = {r: [t[index] for t in times[(c, r)]] for r in runners}
            med = {r: statistics.median(xs[r]) for r in runners}
            cell = {r: f"{med[r] * 1e3:.1f} ({spread(xs[r]):.0f}%)" for r in runners}
            print(f"| {c} | {cell['python3 -I -S']} | {cell['filesystem']} | {cell['in-memory']} "
                  f"| {med['python3 -I -S'] / med['in-memory']:.2f}x "
                  f"| {med['filesystem'] / med['in-memory']:.2f}x |")


if __name__ == "__main__":
    main()

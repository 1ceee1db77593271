#!/usr/bin/python3
"""Import time of stdlib extension modules loaded from memory (packed as
shared libraries) against the same modules read from lib-dynload on disk.

    bench_shlib.py [--runs 40] SHLIB_PROGRAM DISK_PROGRAM

SHLIB_PROGRAM is oxrt-e2e-shlib (memfd + dlopen; run a second time with
every module extracted to a warm cache), DISK_PROGRAM is oxrt-e2e
(lib-dynload on sys.path). Each sample is a fresh process timing one
`import` with perf_counter; the variants are interleaved, their order
alternating from round to round, so drift on the machine hits all alike.
Reports medians and the interquartile range in milliseconds. Not part of
ctest: numbers, not pass/fail.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile

MODULES = ['_json', '_decimal', '_ssl', '_ctypes', '_asyncio', '_sqlite3']
TIMER = ('import time\n'
         't = time.perf_counter()\n'
         'import {mods}\n'
         'print((time.perf_counter() - t) * 1000)\n')


def sample(argv, env, mods):
    out = subprocess.run(argv + ['-c', TIMER.format(mods=mods)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return float(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('shlib_program')
    p.add_argument('disk_program')
    p.add_argument('--runs', type=int, default=40)
    args = p.parse_args()
    cache = tempfile.mkdtemp(prefix='oxrt-bench-')
    base = {'PATH': '/usr/bin:/bin', 'XDG_CACHE_HOME': cache}
    variants = {
        'memory': ([os.path.abspath(args.shlib_program)], base),
        'disk (lib-dynload)': ([os.path.abspath(args.disk_program)], base),
        'extract (warm)': ([os.path.abspath(args.shlib_program)],
                           dict(base, OXRT_TEST_SHARED_POLICY='default=extract')),
    }
    targets = MODULES + [', '.join(MODULES)]
    times = {(v, t): [] for v in variants for t in targets}
    for argv, env in variants.values():  # warm the page cache and the extract cache
        sample(argv, env, ', '.join(MODULES))
    names = list(variants)
    for r in range(args.runs):
        order = names if r % 2 == 0 else names[::-1]
        for t in targets:
            for v in order:
                argv, env = variants[v]
                times[v, t].append(sample(argv, env, t))
    shutil.rmtree(cache, True)

    print(f'import time, ms: median (IQR) of {args.runs} fresh processes each')
    print(f'{"module":<12}' + ''.join(f'{v:>26}' for v in names))
    for t in targets:
        label = t if t in MODULES else 'all six'
        cells = []
        for v in names:
            s = times[v, t]
            q = statistics.quantiles(s, n=4)
            cells.append(f'{statistics.median(s):8.2f} ({q[0]:.2f}..{q[2]:.2f})')
        print(f'{label:<12}' + ''.join(f'{c:>26}' for c in cells))


if __name__ == '__main__':
    main()

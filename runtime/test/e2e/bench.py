#!/usr/bin/python3
"""Startup and import times of an oxrt program against Debian's python3.

    bench.py PROGRAM [--runs 30]

Runs are interleaved (program, python3, python3 -S, program, ...) so drift
on the machine hits all three alike. Reports median and spread (min..max,
and the interquartile range) in milliseconds. Not part of ctest: numbers,
not pass/fail.
"""

import argparse
import os
import resource
import statistics
import subprocess
import time

# ~100 standard-library modules a real program might import (pure Python
# ones mostly, plus a few that pull lib-dynload extensions).
MODULES = '''
abc argparse array ast asyncio base64 bisect bz2 calendar cmath codecs collections
colorsys concurrent.futures configparser contextlib copy csv ctypes dataclasses datetime
decimal difflib dis email.mime.text email.parser enum fnmatch fractions ftplib functools
getpass gettext glob gzip hashlib heapq hmac html.parser http.client http.cookies
http.server imaplib importlib.metadata importlib.resources inspect io ipaddress itertools
json linecache locale logging logging.handlers lzma mimetypes multiprocessing numbers
operator optparse pathlib pickle platform plistlib poplib pprint queue random re sched
secrets selectors shlex shutil signal smtplib socket sqlite3 ssl statistics string
struct subprocess tarfile tempfile textwrap threading timeit tokenize tomllib traceback
types typing unittest urllib.parse urllib.request uuid warnings wave weakref
xml.dom.minidom xml.etree.ElementTree xmlrpc.client zipfile zoneinfo
'''.split()


def once(argv):
    """(wall, cpu) milliseconds; CPU time (user + system) is steadier on a
    busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env={'PATH': '/usr/bin:/bin'})
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def summary(samples):
    q = statistics.quantiles(samples, n=4)
    return (f'median {statistics.median(samples):6.1f} ms   min {min(samples):6.1f}  '
            f'max {max(samples):6.1f}  IQR {q[0]:.1f}..{q[2]:.1f}')


def compare(title, code, program, runs):
    variants = {
        os.path.basename(program): [program, '-c', code],
        'python3': ['/usr/bin/python3', '-c', code],
        'python3 -S': ['/usr/bin/python3', '-S', '-c', code],
    }
    wall = {name: [] for name in variants}
    cpu = {name: [] for name in variants}
    for argv in variants.values():  # warm the page cache
        once(argv)
    for _ in range(runs):
        for name, argv in variants.items():
            w, c = once(argv)
            wall[name].append(w)
            cpu[name].append(c)
    print(f'{title} ({runs} runs each)')
    for name in variants:
        print(f'  {name:<14} wall {summary(wall[name])}')
        print(f'  {"":<14} cpu  {summary(cpu[name])}')


def main():
    p = argparse.ArgumentParser()
    p.add_argument('program')
    p.add_argument('--runs', type=int, default=30)
    args = p.parse_args()
    program = os.path.abspath(args.program)
    size = os.path.getsize(program)
    print(f'{program}: {size / 1e6:.1f} MB')
    compare('-c pass', 'pass', program, args.runs)
    code = 'import ' + ', '.join(MODULES)
    compare(f'-c "import <{len(MODULES)} stdlib modules>"', code, program, args.runs)


if __name__ == '__main__':
    main()

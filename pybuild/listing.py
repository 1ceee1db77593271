"""`oxcc python list`: the finished distributions in the cache."""
import glob
import os

import manifest
from common import python_root


def _size(path):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            p = os.path.join(d, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def _current(root, target):
    try:
        with open(os.path.join(root, f"{target}.current")) as f:
            return f.read().strip()
    except OSError:
        return None


def list_distributions():
    root = python_root()
    rows = []
    for yml in sorted(glob.glob(os.path.join(root, "*", "distribution.yaml"))):
        d = os.path.dirname(yml)
        m = manifest.read_scalars(yml)
        if m.get("format") != manifest.FORMAT:
            continue
        cur = "*" if _current(root, m.get("target")) == os.path.basename(d) else " "
        rows.append((cur, m.get("target", "?"), m.get("python_full_version", "?"),
                     m.get("key", "?")[:12], m.get("deps", "?"),
                     f"{_size(d) / 1e6:.0f} MB", d))
    if not rows:
        print(f"no Python distributions in {root} (oxcc python build --target TARGET)")
        return 0
    head = (" ", "target", "version", "key", "deps", "size", "path")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print("(* = <target>.current, what --python TARGET resolves to)")
    return 0

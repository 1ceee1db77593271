#!/usr/bin/python3
"""Replays captured compiler calls (capture-cc) with the plain compiler and
with oxcc, and compares what a build sees: exit code, stdout, stderr and
every output file. Objects must be equal once oxcc's .oxcc.obj section is
removed (both sides normalised by objcopy, as test/lit/driver/object-identity
does); everything else byte for byte. oxcc's classification (-###) is checked
against an independent reading of argv, and a compile oxcc classifies as
such must carry the section (it was recorded).

Calls run in their original cwd (the build trees are still there), one cwd's
calls in capture order, since configure reuses conftest.c for every probe;
the inputs saved at capture time are put back before each run.

  replay.py --capture DIR --oxcc BIN_DIR [--limit N] [--jobs J] [--seeds-out FILE]
"""
import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# Names gcc gives its temporaries (/tmp/ccAbC123.o): they differ from run
# to run, with or without oxcc, so they are compared as a pattern.
TEMP = re.compile(rb"/tmp/cc[A-Za-z0-9]{6}\.[a-z]+")
# oxcc runs the compiler with argv[0] resolved to its path (driver/wrapper/compiler.cpp
# says why); gcc -v echoes argv[0] as COLLECT_GCC, its only trace.
COLLECT = re.compile(rb"COLLECT_GCC=(?:\S*/)?(\S+)")


def normalize(text):
    return COLLECT.sub(rb"COLLECT_GCC=\1", TEMP.sub(b"/tmp/ccTEMP", text))
QUERY = ("--version", "-v", "--help", "-###")


def load(capture):
    calls = []
    for d in sorted((Path(capture) / "calls").iterdir()):
        try:
            c = json.loads((d / "call.json").read_text())
        except (OSError, ValueError):
            continue  # a call killed before it finished writing
        c["dir"] = str(d)
        h = hashlib.sha256(json.dumps([c["driver"], c["argv"]]).encode())
        for f in sorted((d / "files").rglob("*")):
            if f.is_file():
                h.update(str(f.relative_to(d / "files")).encode() + b"\0" + f.read_bytes())
        if c.get("stdin"):
            h.update(b"stdin\0" + (d / "stdin").read_bytes())
        c["key"] = h.hexdigest()
        calls.append(c)
    return calls


def expected_kind(argv):
    """What the call does, read independently of oxcc's parser: the last
    stage gcc runs (-E before -S before -c before a link)."""
    inputs = has_query = False
    skip = False
    flags = set()
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a in ("-o", "-x", "-MF", "-MT", "-MQ", "-I", "-L", "-include", "-isystem", "-Xlinker",
                 "-D", "-U", "-idirafter", "-iquote", "-imacros", "-Xpreprocessor", "-Xassembler"):
            skip = True
            continue
        if not a.startswith("-") or a == "-":
            inputs = True
        flags.add(a)
        has_query |= a in QUERY or a.startswith(("-dump", "-print-", "--print-", "--help="))
    if not inputs:
        return "query" if has_query else "unknown"
    if flags & {"-E", "-M", "-MM"}:
        return "preprocess"
    if "-fsyntax-only" in flags:
        return "query"
    if "-S" in flags:
        return "assemble-only"
    if "-c" in flags:
        return "compile"
    if "-r" in flags:
        return "unknown"
    if flags & {"-shared", "--shared"}:
        return "link-shared"
    return "link-exe"


def outputs_of(argv):
    """Files the call writes (relative to its cwd), and whether stdout is one."""
    out, deps = None, []
    sources = []
    for i, a in enumerate(argv):
        if a == "-o" and i + 1 < len(argv):
            out = argv[i + 1]
        elif a.startswith("-o") and len(a) > 2 and a != "-o":
            out = a[2:]
        elif a == "-MF" and i + 1 < len(argv):
            deps.append(argv[i + 1])
        elif not a.startswith("-") and (i == 0 or argv[i - 1] not in ("-o", "-MF", "-MT", "-MQ", "-x", "-I", "-L", "-include", "-D")):
            sources.append(a)
    kind = expected_kind(argv)
    files = list(deps)
    if out and out != "-":
        files.append(out)
    elif out is None and kind == "compile":
        files += [os.path.splitext(os.path.basename(s))[0] + ".o" for s in sources if "." in s]
    elif out is None and kind == "assemble-only":
        files += [os.path.splitext(os.path.basename(s))[0] + ".s" for s in sources if "." in s]
    elif out is None and kind in ("link-exe", "link-shared"):
        files.append("a.out")
    return files


def run(cmd, call, env, files):
    cwd = call["cwd"]
    src = Path(call["dir"]) / "files"
    for f in src.rglob("*"):  # the inputs as the build had them
        if f.is_file():
            dst = Path(cwd) / f.relative_to(src)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dst)
    for f in files:
        try:
            os.unlink(os.path.join(cwd, f))
        except OSError:
            pass
    stdin = (Path(call["dir"]) / "stdin").read_bytes() if call.get("stdin") else b""
    try:
        p = subprocess.run(cmd + call["argv"], cwd=cwd, env=env, input=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        rc, so, se = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        rc, so, se = "timeout", b"", b""
    outs = {}
    for f in files:
        try:
            outs[f] = Path(cwd, f).read_bytes()
        except OSError:
            outs[f] = None
    return rc, normalize(so), normalize(se), outs


def strip_section(data, tmp):
    a, b = Path(tmp) / "in.o", Path(tmp) / "out.o"
    a.write_bytes(data)
    subprocess.run(["objcopy", "--remove-section=.oxcc.obj", str(a), str(b)], check=True,
                   stderr=subprocess.DEVNULL)
    return b.read_bytes()


def replay_group(args):
    calls, bindir, worker = args
    results = []
    tmp = tempfile.mkdtemp(prefix=f"oxcc-replay{worker}.")
    store = os.path.join(tmp, "store")
    plain_env = dict(os.environ)
    ox_env = dict(os.environ, OXCC_STORE=store, OXCC_CC="gcc", OXCC_CXX="g++")
    for k in ("OXCC_DISABLE", "OXCC_STRICT", "OXCC_LAUNCHER", "OXCC_TARGET"):
        ox_env.pop(k, None)
    for c in calls:
        files = outputs_of(c["argv"])
        ox = os.path.join(bindir, "oxc++" if c["driver"] == "g++" else "oxcc")
        a = run([c["driver"]], c, plain_env, files)
        b = run([ox], c, ox_env, files)
        problems = []
        for what, x, y in (("exit code", a[0], b[0]), ("stdout", a[1], b[1]), ("stderr", a[2], b[2])):
            if x != y:
                problems.append(f"{what} differs: {x[:300]!r} vs {y[:300]!r}" if what != "exit code"
                                else f"exit code {x} vs {y}")
        tagged = False
        for f in files:
            x, y = a[3].get(f), b[3].get(f)
            if (x is None) != (y is None):
                problems.append(f"{f}: written by {'gcc only' if y is None else 'oxcc only'}")
            elif x is not None and x != y:
                if y[:4] == b"\x7fELF" and b".oxcc.obj" in y:
                    tagged = True
                    if strip_section(x, tmp) != strip_section(y, tmp):
                        problems.append(f"{f}: differs once .oxcc.obj is removed")
                else:
                    problems.append(f"{f}: bytes differ ({len(x)} vs {len(y)})")
            elif x is not None and b".oxcc.obj" in y and y[:4] == b"\x7fELF":
                tagged = True  # linked from tagged objects on both sides
        # How oxcc read the call: its -### plan (runs nothing).
        k = subprocess.run([ox, "-###"] + c["argv"], cwd=c["cwd"], env=ox_env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL).stderr
        m = re.search(rb"oxcc: kind: ([a-z-]+)", k)
        kind = m.group(1).decode() if m else "none"
        expect = expected_kind(c["argv"])
        compiled_elf = (expect == "compile" and a[0] == 0 and
                        any(v and v[:4] == b"\x7fELF" and f.endswith(".o") for f, v in a[3].items()))
        if compiled_elf and kind == "compile" and not tagged:
            problems.append("a successful compile was not recorded (no .oxcc.obj section)")
        if kind in ("compile", "link-shared") and expect != kind:
            problems.append(f"oxcc classifies it as {kind}, expected {expect}")
        if compiled_elf and kind != "compile":
            problems.append(f"a successful compile classified as {kind}")
        results.append(dict(key=c["key"], argv=c["argv"], cwd=c["cwd"], driver=c["driver"],
                            kind=kind, expect=expect, problems=problems))
    shutil.rmtree(tmp, ignore_errors=True)
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capture", required=True)
    ap.add_argument("--oxcc", required=True, help="oxcc's bin directory")
    ap.add_argument("--limit", type=int, default=0, help="replay at most N distinct calls")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seeds-out", help="write the distinct command lines here (fuzz seeds)")
    a = ap.parse_args()

    calls = load(a.capture)
    distinct = {}
    for c in calls:
        distinct.setdefault(c["key"], c)
    argvs = {(c["driver"], tuple(c["argv"])) for c in calls}
    print(f"captured {len(calls)} compiler calls: {len(distinct)} distinct (argv + inputs), "
          f"{len(argvs)} distinct argv")
    if a.seeds_out:
        with open(a.seeds_out, "w") as f:
            for d, argv in sorted(argvs):
                f.write(shlex.join([d] + list(argv)) + "\n")
    chosen = sorted(distinct.values(), key=lambda c: c["key"])
    if a.limit and len(chosen) > a.limit:
        chosen = chosen[:a.limit]  # smallest hashes: a deterministic, even sample
        print(f"replaying a deterministic sample of {len(chosen)} distinct calls")
    chosen.sort(key=lambda c: c["dir"])  # capture order within a cwd
    groups = {}
    for c in chosen:
        groups.setdefault(c["cwd"], []).append(c)
    # Big groups (configure) split the pool evenly; each group stays serial.
    buckets = [[] for _ in range(a.jobs)]
    for g in sorted(groups.values(), key=len, reverse=True):
        min(buckets, key=lambda b: sum(map(len, b))).append(g)
    results = []
    with ProcessPoolExecutor(a.jobs) as pool:
        work = [([c for g in b for c in g], os.path.abspath(a.oxcc), i) for i, b in enumerate(buckets)]
        for r in pool.map(replay_group, work):
            results += r

    kinds = {}
    agree = 0
    for r in results:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
        agree += r["kind"] == r["expect"] or (r["kind"] == "unknown" and r["expect"] not in ("compile", "link-shared"))
    bad = [r for r in results if r["problems"]]
    print(f"replayed {len(results)} distinct calls with gcc and with oxcc: "
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(f"classification as expected: {agree}/{len(results)}")
    for r in bad[:25]:
        print(f"  {r['cwd']}: {shlex.join([r['driver']] + r['argv'])[:400]}")
        for p in r["problems"]:
            print(f"      {p[:600]}")
    ok = not bad
    print(f"{'PASS' if ok else 'FAIL'} {len(results) - len(bad)}/{len(results)} calls: same exit code, "
          f"stdout, stderr and outputs (objects: once .oxcc.obj is removed)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

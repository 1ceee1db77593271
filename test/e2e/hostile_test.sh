#!/usr/bin/env bash
# The runtime under hostile input. A program linked by `oxcc link` (an entry
# function, isolated; and a python-like one) is given module names with path
# tricks (.., /, NUL, 1 MB long, backslashes), a caller's PYTHONPATH and
# PYTHONHOME pointing at planted modules, and a writable cwd holding json.py
# and other planted modules. Every bad name must end in ImportError or
# ValueError (never a crash), nothing outside the binary may be opened for
# them (strace), and no planted module may run.
# Usage: hostile_test.sh OXCC_BIN_DIR
set -euo pipefail
# shellcheck source=report_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/report_lib.sh"  # check, check_that, pass, fail, finish
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"
bin=$(cd "$1" && pwd)
e2e_workdir hostile
tmp=$t
unset CC CXX LDSHARED LDCXXSHARED PYTHONPATH PYTHONHOME OXCC_CC OXCC_CXX OXCC_LAUNCHER
export OXCC_STORE=$tmp/store

# The application: tries to import every name it is given (as JSON, so NUL
# and any byte survive), by three routes, and prints what each raised.
mkdir -p "$tmp/pure/hostile"
cat > "$tmp/pure/hostile/__init__.py" <<'EOF'
import importlib, importlib.util, json, sys

def attempt(fn, name):
    try:
        fn(name)
    except (ImportError, ValueError) as e:
        return type(e).__name__
    except BaseException as e:  # anything else breaks the promise
        return "OTHER " + type(e).__name__
    return "IMPORTED"

def main():
    names = json.load(open(sys.argv[1]))
    routes = {"import_module": importlib.import_module, "__import__": __import__,
              "find_spec": lambda n: importlib.util.find_spec(n) or (_ for _ in ()).throw(ImportError(n))}
    for i, name in enumerate(names):
        for route, fn in routes.items():
            print(i, route, attempt(fn, name))
    # The planted modules: none may be found, json must be the embedded one.
    for planted in ("planted", "evil_from_pythonpath"):
        print("planted", planted, attempt(importlib.import_module, planted))
    print("json from", json.__spec__.origin if json.__spec__ else None, json.__file__ if hasattr(json, "__file__") else "")
    print("path", sys.path)
    print("flags", sys.flags.isolated, sys.flags.ignore_environment)
EOF
# Nothing has been recorded: the store does not exist, and a link of pure
# Python reads it as empty (it used to stop at "cannot use store").
"$bin/oxcc" link -o "$tmp/app" --pure "$tmp/pure" -m hostile:main --build-dir "$tmp/app-build" > "$tmp/link.log" 2>&1 ||
  { echo "FAIL oxcc link"; tail -20 "$tmp/link.log"; exit 1; }
"$bin/oxcc" link -o "$tmp/pylike" --pure "$tmp/pure" --build-dir "$tmp/py-build" > "$tmp/link2.log" 2>&1 ||
  { echo "FAIL oxcc link (python-like)"; tail -20 "$tmp/link2.log"; exit 1; }
check_that "oxcc link with no store: linked, and created no store" "[[ -x '$tmp/pylike' && ! -e '$tmp/store' ]]"

/usr/bin/python3 - "$tmp/names.json" <<'EOF'
import json, sys
names = ["../../../../etc/passwd", "..", ".", "...", "a..b", "/etc/passwd", "etc/passwd",
         "json/../os", "..\\..\\windows", "hostile/../json", "hostile.__init__/..",
         "a\0b", "json\0../../etc/passwd", "\0", "",
         "a" * 1_000_000, ("deep." * 20000) + "x", "x" * 255, "x" * 4097,
         "json.", ".json", "\udcff\udcfe".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
         "proc.self.environ", "dev.zero", "__pycache__", "json.__init__",
         "encodings.." , "$HOME", "~", "*", "planted.py", "planted/__init__"]
json.dump(names, open(sys.argv[1], "w"))
print(len(names))
EOF
n=$(/usr/bin/python3 -c "import json; print(len(json.load(open('$tmp/names.json'))))")

# A hostile cwd and environment: planted modules everywhere the host's
# python3 would look.
mkdir -p "$tmp/cwd" "$tmp/pp" "$tmp/home/lib/python3.11"
for d in "$tmp/cwd" "$tmp/pp" "$tmp/home/lib/python3.11"; do
  echo 'raise SystemExit("PLANTED json.py RAN")' > "$d/json.py"
  echo 'raise SystemExit("PLANTED module RAN")' > "$d/planted.py"
  echo 'raise SystemExit("PLANTED os.py RAN")' > "$d/os.py"
done
# Only in the caller's PYTHONPATH and PYTHONHOME: the python-like program,
# like python3 -c, does search the cwd for modules it does not embed.
for d in "$tmp/pp" "$tmp/home/lib/python3.11"; do
  echo 'raise SystemExit("PLANTED module RAN")' > "$d/evil_from_pythonpath.py"
done
echo 'import sys; print("PLANTED sitecustomize RAN")' > "$tmp/pp/sitecustomize.py"
hostile_env=(env PYTHONPATH="$tmp/pp" PYTHONHOME="$tmp/home" PYTHONSTARTUP="$tmp/pp/planted.py"
             PYTHONINSPECT=1 PYTHONSAFEPATH= PYTHONUSERBASE="$tmp/pp")

(cd "$tmp/cwd" && "${hostile_env[@]}" strace -f -qq -e trace=%file -o "$tmp/strace" \
  "$tmp/app" "$tmp/names.json" > "$tmp/out" 2> "$tmp/err") && status=0 || status=$?
check_that "the app ran through $n hostile names x 3 import routes (exit $status)" \
  "[[ $status -eq 0 ]] && [[ \$(grep -cE '^[0-9]+ ' '$tmp/out') -eq $((n * 3)) ]] || { tail -5 '$tmp/err'; false; }"
# Every name must end in ImportError or ValueError, except where CPython's
# own import API decides before any importer is asked, exactly as python3 -I
# does (the same routine is run there to prove it): a leading dot with
# import_module (TypeError: a relative import needs a package) and more
# dotted parts than the recursion limit (RecursionError: parents are
# imported first, recursively). Neither is a crash.
(cd "$tmp" && /usr/bin/python3 -I -c "import sys; sys.path.insert(0, '$tmp/pure'); import hostile; hostile.main()" \
  "$tmp/names.json" > "$tmp/out-python3" 2>&1) || true
grep -E '^[0-9]+ ' "$tmp/out" | grep -vE ' (ModuleNotFoundError|ImportError|ValueError)$' > "$tmp/other" || true
check_that "every name ends in ImportError or ValueError ($(wc -l < "$tmp/other") CPython API exceptions)" "
  ! grep -vE '^[0-9]+ import_module OTHER TypeError$|^[0-9]+ [a-z_]+ OTHER RecursionError$' '$tmp/other' | grep . &&
  grep -qxFf '$tmp/other' '$tmp/out-python3' && [[ \$(grep -cxFf '$tmp/other' '$tmp/out-python3') -eq \$(wc -l < '$tmp/other') ]]"
check_that "no planted module (cwd, PYTHONPATH, PYTHONHOME) ran or was found" "
  grep -q '^planted planted ModuleNotFoundError' '$tmp/out' &&
  grep -q '^planted evil_from_pythonpath ModuleNotFoundError' '$tmp/out' &&
  ! grep -q PLANTED '$tmp/out' '$tmp/err'"
check_that "json is the embedded one; sys.path is the program's virtual root only" "
  grep -q '^json from $tmp/app/json/__init__.py' '$tmp/out' && grep -qx \"path \['$tmp/app'\]\" '$tmp/out'"
check_that "isolated: sys.flags.isolated and ignore_environment are set" "grep -q '^flags 1 1' '$tmp/out'"
check_that "no file opened or stat'ed for a hostile name (strace)" "
  ! grep -E 'passwd|windows|environ|dev/zero|json\\.py|planted|evil_from|/pp/|/home/lib|xxxxxxxxxx|deep\\.deep' '$tmp/strace' | grep -v 'names.json' | grep . || false"

# The python-like program (python3's command line, still no environment):
# -c in the same hostile cwd and environment.
(cd "$tmp/cwd" && "${hostile_env[@]}" "$tmp/pylike" -c '
import json, sys
assert json.__spec__.origin != "'"$tmp/cwd/json.py"'", json.__spec__
import hostile, importlib
for bad in ("x/../../etc/passwd", "a\0b", "x" * 100000, "/etc/passwd", "json\0/../../os"):
    try:
        importlib.import_module(bad)
    except (ImportError, ValueError):
        pass
try:
    import evil_from_pythonpath
except ImportError:
    pass
else:
    raise SystemExit("PYTHONPATH was honoured")
print("pylike ok", sys.flags.ignore_environment)' > "$tmp/out2" 2>&1) && status=0 || status=$?
check_that "python-like program: embedded json, no PYTHONPATH, bad names raise (exit $status)" \
  "[[ $status -eq 0 ]] && grep -q '^pylike ok 1' '$tmp/out2' || { cat '$tmp/out2' | tail -5; false; }"
# A stdin that is not a tty with PYTHONINSPECT set must not drop into a REPL
# reading commands from the caller.
# The output must hold the app's own lines and no REPL RAN (grep -v would
# pass whenever any other line is printed).
check_that "PYTHONINSPECT is ignored (no REPL after the entry point)" "
  echo 'import sys; print(\"REPL RAN\")' | (cd '$tmp/cwd' && PYTHONINSPECT=1 '$tmp/app' '$tmp/names.json' > '$tmp/inspect.out' 2>&1);
  grep -q . '$tmp/inspect.out' && ! grep -q 'REPL RAN' '$tmp/inspect.out'"
finish

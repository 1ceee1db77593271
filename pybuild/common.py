"""Errors, paths, and running commands with their output in a step log."""
import hashlib
import os
import subprocess
import sys
import time

# Bump when a recipe changes what it produces: it is part of every cache key.
BUILDER_VERSION = "1"


class PybuildError(Exception):
    """A failure the user can act on; exit_code 2 = bad input, 1 = build."""

    def __init__(self, message, exit_code=1):
        super().__init__(message)
        self.exit_code = exit_code


class UsageError(PybuildError):
    def __init__(self, message):
        super().__init__(message, exit_code=2)


def cache_root():
    """Where oxcc keeps everything it downloads and builds."""
    if os.environ.get("OXCC_CACHE"):
        return os.environ["OXCC_CACHE"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "oxcc")


def python_root():
    return os.path.join(cache_root(), "python")


def oxcc_prefix():
    """The install (or build tree) prefix: this file is in share/oxcc/pybuild."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.dirname(os.path.dirname(os.path.dirname(here)))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def progress(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


class StepLog:
    """Runs a step's commands with all their output in one log file.

    A failing command raises PybuildError naming the step and the log, which
    is kept; the caller decides about the work tree.
    """

    def __init__(self, path, step):
        self.path = path
        self.step = step
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.file = open(path, "w")

    def run(self, argv, cwd=None, env=None, extra_env=None, ok=(0,)):
        """Runs argv with its output in the log; an exit code not in `ok`
        raises. Returns the exit code."""
        if extra_env:
            env = dict(env if env is not None else os.environ)
            env.update(extra_env)
        self.file.write(f"\n$ (cd {cwd or os.getcwd()}) {' '.join(argv)}\n")
        if extra_env:
            self.file.write("  with " + " ".join(f"{k}={v!r}" for k, v in extra_env.items()) + "\n")
        self.file.flush()
        try:
            rc = subprocess.call(argv, cwd=cwd, env=env, stdout=self.file,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        except OSError as e:
            raise PybuildError(f"step '{self.step}': cannot run {argv[0]}: {e}; log: {self.path}")
        if rc not in ok:
            self.file.flush()
            raise PybuildError(
                f"step '{self.step}' failed: `{' '.join(argv[:3])}...` exited {rc}; "
                f"log: {self.path}\n{tail(self.path)}")
        return rc

    def note(self, text):
        self.file.write(text + "\n")
        self.file.flush()

    def close(self):
        self.file.close()


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


class Timer:
    def __init__(self):
        self.start = time.monotonic()

    def seconds(self):
        return time.monotonic() - self.start

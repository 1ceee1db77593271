"""distribution.yaml: written here, read by `oxcc python list` (and by
oxcc link / oxcc run in C++). Format: docs/python-distributions.md."""
import json
import os

FORMAT = "oxcc-python-distribution/1"


def _scalar(v):
    # Always double-quoted (JSON strings are valid YAML): "3.11" stays a
    # string and "-lm" needs no thought.
    return json.dumps(v) if isinstance(v, str) else json.dumps(v)


def _flow_map(d):
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in d.items()) + "}"


def write(path, fields):
    """Writes `fields` (an ordered dict) as YAML, atomically."""
    lines = []
    for key, value in fields.items():
        if isinstance(value, list):
            if not value:
                lines.append(f"{key}: []")
                continue
            lines.append(f"{key}:")
            for item in value:
                lines.append("  - " + (_flow_map(item) if isinstance(item, dict) else _scalar(item)))
        else:
            lines.append(f"{key}: {_scalar(value)}")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def read_scalars(path):
    """The top-level scalar fields of a distribution.yaml written by write()."""
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith((" ", "-")) or ":" not in line:
                continue
            key, _, value = line.partition(":")
            value = value.strip()
            try:
                out[key] = json.loads(value)
            except ValueError:
                out[key] = value
    return out

"""A small CPU suite in the spirit of pyperformance: `BINARY cpu_suite.py NAME`
runs one workload (about a quarter of a second under /usr/bin/python3 on a
2-core machine) and prints a checksum, so a wrong result shows. Imports only
the stdlib; run by bench/static_python.py under each binary alike."""
import sys


def json_roundtrip():
    import json
    data = {"k%d" % i: [i, str(i) * 3, {"x": i * 0.5, "y": [True, None, "\u00e9"]}] for i in range(2000)}
    for _ in range(25):
        data = json.loads(json.dumps(data, sort_keys=True))
    return len(data)


def nbody():
    bodies = [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 39.47],
              [4.84, -1.16, -0.10, 0.60, 2.81, -0.02, 0.037],
              [8.34, 4.12, -0.40, -1.01, 1.82, 0.008, 0.011],
              [12.89, -15.11, -0.22, 1.08, 0.86, -0.01, 0.0017],
              [15.37, -25.91, 0.17, 0.97, 0.59, -0.03, 0.002]]
    pairs = [(bodies[i], bodies[j]) for i in range(5) for j in range(i + 1, 5)]
    dt = 0.01
    for _ in range(60000):
        for (b1, b2) in pairs:
            dx, dy, dz = b1[0] - b2[0], b1[1] - b2[1], b1[2] - b2[2]
            mag = dt * ((dx * dx + dy * dy + dz * dz) ** -1.5)
            m1, m2 = b1[6] * mag, b2[6] * mag
            b1[3] -= dx * m2; b1[4] -= dy * m2; b1[5] -= dz * m2
            b2[3] += dx * m1; b2[4] += dy * m1; b2[5] += dz * m1
        for b in bodies:
            b[0] += dt * b[3]; b[1] += dt * b[4]; b[2] += dt * b[5]
    return round(bodies[1][0], 6)


def regex():
    import re
    text = " ".join("user%d@host%d.example.org 2026-12-%02d id=%x" % (i, i % 7, i % 28 + 1, i * 7919)
                    for i in range(4000))
    pats = [re.compile(r"[\w.]+@[\w.]+"), re.compile(r"\d{4}-\d{2}-\d{2}"),
            re.compile(r"id=([0-9a-f]+)"), re.compile(r"host(\d)\.")]
    n = 0
    for _ in range(20):
        for p in pats:
            n += len(p.findall(text))
        n += len(re.sub(r"user(\d+)", r"u\1", text))
    return n


class Task:
    def __init__(self, ident, prio, work):
        self.ident, self.prio, self.work, self.done = ident, prio, work, 0

    def run(self, sched):
        self.done += 1
        if self.work > 0:
            self.work -= 1
            sched.push(Task(self.ident * 31 % 1009, (self.prio + 7) % 11, self.work // 2))
        return self.done


class Scheduler:
    def __init__(self):
        self.queues = [[] for _ in range(11)]
        self.count = 0

    def push(self, t):
        self.queues[t.prio].append(t)

    def step(self):
        for q in self.queues:
            if q:
                self.count += q.pop().run(self)
                return True
        return False


def richards():
    s = Scheduler()
    for i in range(24000):
        s.push(Task(i, i % 11, i % 40))
    while s.step():
        pass
    return s.count


def pidigits():
    # Gibbons' spigot: big-integer arithmetic.
    q, r, t, k, n, l, out = 1, 0, 1, 1, 3, 3, []
    while len(out) < 2500:
        if 4 * q + r - t < n * t:
            out.append(n)
            q, r, n = 10 * q, 10 * (r - n * t), (10 * (3 * q + r)) // t - 10 * n
        else:
            q, r, t, k, n, l = q * k, (2 * q + r) * l, t * l, k + 1, (q * (7 * k + 2) + r * l) // (t * l), l + 2
    return sum(out)


def float_points():
    import math

    class Point:
        __slots__ = ("x", "y", "z")

        def __init__(self, i):
            self.x, self.y, self.z = math.sin(i), math.cos(i) * 3, (math.sin(i) ** 2) / 2

        def normalize(self):
            n = math.sqrt(self.x * self.x + self.y * self.y + self.z * self.z)
            self.x, self.y, self.z = self.x / n, self.y / n, self.z / n

    total = 0.0
    for _ in range(3):
        pts = [Point(i) for i in range(60000)]
        for p in pts:
            p.normalize()
        total += max(p.x for p in pts)
    return round(total, 6)


def unpack_sequence():
    t = tuple(range(10))
    s = 0
    for _ in range(1_500_000):
        a, b, c, d, e, f, g, h, i, j = t
        s += a + j
        a, b, c, d, e, f, g, h, i, j = j, i, h, g, f, e, d, c, b, a
    return s


def dict_str():
    d = {}
    for i in range(150000):
        k = "key-%d-%s" % (i, "x" * (i % 13))
        d[k] = k.upper().replace("X", "y")
    n = sum(len(v) for v in d.values())
    words = sorted(d, key=lambda s: (len(s), s))
    return n + len(words)


def generators():
    def gen(n):
        for i in range(n):
            if i % 3:
                yield i * 2
    return sum(x for x in gen(4_000_000) if x % 5)


WORKLOADS = {f.__name__: f for f in (json_roundtrip, nbody, regex, richards, pidigits, float_points,
                                     unpack_sequence, dict_str, generators)}

if __name__ == "__main__":
    names = sys.argv[1:] or list(WORKLOADS)
    for name in names:
        print(name, WORKLOADS[name]())

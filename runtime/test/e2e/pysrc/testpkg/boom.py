"""Raises on purpose, so tests can look for this source line in tracebacks."""


def explode():
    raise RuntimeError('deliberate failure from testpkg.boom')  # BOOM-LINE


if __name__ == '__main__':
    explode()

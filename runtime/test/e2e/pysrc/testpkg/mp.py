"""multiprocessing with spawn or forkserver: children re-run the executable."""
import multiprocessing


def square(x):
    return x * x


def run_pool(method='spawn'):
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2) as pool:
        return pool.map(square, range(10))


def extension_files(_):
    """Where a child's extension modules came from (memory: virtual paths)."""
    import _json
    import decimal
    return _json.__file__, decimal.Decimal(2) ** 10 == 1024

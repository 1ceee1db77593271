"""multiprocessing with spawn or forkserver: children re-run the executable."""
import multiprocessing


def square(x):
    return x * x


def run_pool(method='spawn'):
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2) as pool:
        return pool.map(square, range(10))

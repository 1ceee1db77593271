"""The console-script style entry: main() returns the exit status."""
import sys


def main():
    print('cli main argv=%r' % (sys.argv,))
    if len(sys.argv) > 1 and sys.argv[1] == 'pool':
        from testpkg import mp
        print(mp.run_pool(*sys.argv[2:3]))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == 'raise':
        from testpkg import boom
        boom.explode()
    return int(sys.argv[1]) if len(sys.argv) > 1 else 0

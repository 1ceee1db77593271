import sys


def main():
    print('testpkg.__main__ argv=%r' % (sys.argv[1:],))
    if sys.argv[1:2] == ['exit']:
        sys.exit(int(sys.argv[2]))
    if sys.argv[1:2] == ['pool']:
        # The spawn children re-import this module as __mp_main__.
        from testpkg import mp
        print(mp.run_pool())


if __name__ == '__main__':
    main()

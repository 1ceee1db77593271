import sys

from wordcount import count_words


def main():
    text = " ".join(sys.argv[1:]) or sys.stdin.read()
    n = count_words(text)
    print(f"{n} word{'s' if n != 1 else ''}")
    return 0 if n else 1


if __name__ == "__main__":
    sys.exit(main())

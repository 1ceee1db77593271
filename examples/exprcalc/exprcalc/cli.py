"""exprcalc [--html] EXPR...   (or one expression a line on stdin)
exprcalc --selftest              the app's own checks"""
import sys

from markupsafe import Markup, escape

from exprcalc.parser import evaluate

CHECKS = [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("2 ** 3 ** 2", 512),
    ("-7 / 2", -4),
    ("17 % 5", 2),
    ("gcd(84, 36)", 12),
    ("lcm(4, 6) + 1", 13),
    ("2 < 3", 1),
    ("gcd(10, 4) == 2", 1),
]


def render(text, value, html):
    if html:
        return str(Markup("<p>{} = {}</p>").format(text, value))
    return f"{text} = {value}"


def selftest():
    bad = [(t, want, evaluate(t)) for t, want in CHECKS if evaluate(t) != want]
    html = render("1 < 2", evaluate("1 < 2"), html=True)
    if html != "<p>1 &lt; 2 = 1</p>":
        bad.append(("--html 1 < 2", "<p>1 &lt; 2 = 1</p>", html))
    if str(escape("<&>")) != "&lt;&amp;&gt;":
        bad.append(("escape", "&lt;&amp;&gt;", str(escape("<&>"))))
    for t, want, got in bad:
        print(f"FAIL {t}: want {want!r}, got {got!r}")
    print(f"selftest: {len(CHECKS) + 2 - len(bad)} ok, {len(bad)} failed")
    return 1 if bad else 0


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--selftest"]:
        return selftest()
    html = args[:1] == ["--html"]
    if html:
        args = args[1:]
    exprs = args or [line.strip() for line in sys.stdin if line.strip()]
    status = 0
    for text in exprs:
        try:
            print(render(text, evaluate(text), html))
        except (SyntaxError, NameError, ArithmeticError) as e:
            print(f"exprcalc: {text}: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())

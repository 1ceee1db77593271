"""The grammar, with ply: + - * / % ** and comparisons, parentheses, and
calls of the C functions gcd() and lcm()."""
import ply.lex as lex
import ply.yacc as yacc

from exprcalc import _num

tokens = ("NUMBER", "NAME", "POW", "LE", "GE", "EQ", "NE")
literals = "+-*/%()<>,"

t_POW = r"\*\*"
t_LE = r"<="
t_GE = r">="
t_EQ = r"=="
t_NE = r"!="
t_NAME = r"[a-z]+"
t_ignore = " \t"


def t_NUMBER(t):
    r"\d+"
    t.value = int(t.value)
    return t


def t_error(t):
    raise SyntaxError(f"unexpected character {t.value[0]!r} at {t.lexpos}")


precedence = (
    ("nonassoc", "<", ">", "LE", "GE", "EQ", "NE"),
    ("left", "+", "-"),
    ("left", "*", "/", "%"),
    ("right", "UMINUS"),
    ("right", "POW"),
)

FUNCTIONS = {"gcd": _num.gcd, "lcm": _num.lcm}


def p_binary(p):
    """expr : expr '+' expr
            | expr '-' expr
            | expr '*' expr
            | expr '/' expr
            | expr '%' expr
            | expr POW expr"""
    a, op, b = p[1], p[2], p[3]
    if op in "/%" and b == 0:
        raise ZeroDivisionError("division by zero")
    p[0] = {"+": a + b, "-": a - b, "*": a * b, "/": a // b, "%": a % b}[op] if op != "**" else a ** b


def p_compare(p):
    """expr : expr '<' expr
            | expr '>' expr
            | expr LE expr
            | expr GE expr
            | expr EQ expr
            | expr NE expr"""
    a, op, b = p[1], p[2], p[3]
    p[0] = int({"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b, "==": a == b, "!=": a != b}[op])


def p_unary(p):
    "expr : '-' expr %prec UMINUS"
    p[0] = -p[2]


def p_group(p):
    "expr : '(' expr ')'"
    p[0] = p[2]


def p_call(p):
    "expr : NAME '(' expr ',' expr ')'"
    if p[1] not in FUNCTIONS:
        raise NameError(f"unknown function {p[1]}() (there are: {', '.join(FUNCTIONS)})")
    p[0] = FUNCTIONS[p[1]](p[3], p[5])


def p_number(p):
    "expr : NUMBER"
    p[0] = p[1]


def p_error(p):
    raise SyntaxError("unexpected end of input" if p is None else f"unexpected {p.value!r}")


_lexer = lex.lex()
_parser = yacc.yacc(debug=False, write_tables=False)


def evaluate(text):
    """The value of one expression; SyntaxError, NameError or ArithmeticError."""
    return _parser.parse(text, lexer=_lexer.clone())

"""The whitelist formula parser: what it accepts (exactly), and what it rejects (clearly, without
side effects, without hanging)."""

import builtins
import contextlib
import os
import signal

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations
from symnet.activations._parser import MAX_FORMULA_LENGTH, MAX_NESTING, parse_formula
from symnet.errors import InvalidExpression, InvalidInput, SymnetError

x = sp.Symbol("x", real=True)
R = sp.Rational


@contextlib.contextmanager
def no_hang(seconds=60):
    """Fail (instead of hanging the test run) if the block takes longer than ``seconds``."""

    def alarm(signum, frame):
        raise AssertionError(f"did not finish within {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# -- accepted formulas ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("x", x),
        ("0.1 + x", R(1, 10) + x),  # decimals are exact
        ("0.25*x**2", x**2 / 4),
        ("1e-3*x", x / 1000),
        ("1_000*x", 1000 * x),
        ("-x + +x - (-x)", x),
        ("x/2*(1 + erf(x/sqrt(2)))", x / 2 * (1 + sp.erf(x / sp.sqrt(2)))),
        ("log(1 + exp(x))", sp.log(1 + sp.exp(x))),
        ("e**x", sp.exp(x)),
        ("pi*x", sp.pi * x),
        ("max(x, 0)", sp.Max(x, 0)),
        ("min(x, 0, x - 1)", sp.Min(x, 0, x - 1)),
        ("abs(x)**3", sp.Abs(x) ** 3),
        ("tanh(sin(cos(x)))", sp.tanh(sp.sin(sp.cos(x)))),
        ("x**(1/3)", x ** R(1, 3)),
        ("2**(1/3)*x", 2 ** R(1, 3) * x),
        ("  x ** 2  ", x**2),
        ("x**1000", x**1000),
    ],
)
def test_accepted_formulas_are_exact(text, expected):
    assert parse_formula(text) == expected


def test_variable_name_and_symbol():
    t = sp.Symbol("t")
    assert parse_formula("t**2 + 1", variable=t, variable_name="t") == t**2 + 1
    with pytest.raises(InvalidExpression, match="unknown name 'x'"):
        parse_formula("x", variable=t, variable_name="t")


def test_from_expression_uses_the_parser():
    act = activations.from_expression("log(1 + exp(x))")
    assert act.name == "log(1 + exp(x))" and act.expr == sp.log(1 + sp.exp(x))
    assert act.derivative(2) == R(1, 4)  # the same softplus'' = 1/4 as the catalogue's


# -- malicious input: rejected, and nothing runs ----------------------------------------------------

def test_import_os_system_does_not_run(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    calls = []
    monkeypatch.setattr(os, "system", lambda *a, **k: calls.append(a) or 0)
    real_import = builtins.__import__
    monkeypatch.setattr(builtins, "__import__", lambda *a, **k: calls.append(a) or real_import(*a, **k))
    payloads = [
        f"__import__('os').system('touch {marker}')",
        f"open('{marker}', 'w').write('x')",
        f"exec(\"open('{marker}', 'w')\")",
        f"eval(\"__import__('os').system('touch {marker}')\")",
        "().__class__.__bases__[0].__subclasses__()",
        "globals()",
    ]
    for text in payloads:
        with pytest.raises(InvalidExpression) as info:
            activations.from_expression(text)
        assert "Allowed:" in str(info.value)
    assert not marker.exists()
    assert calls == []


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("__import__('os').system('echo pwned')", "no attribute access"),
        ("x.real", "Attribute is not allowed at column 0"),
        ("1 + x.real", "at column 4"),
        ("lambda: 1", "Lambda is not allowed"),
        ("(lambda y: y)(x)", "no attribute access"),
        ("__class__", "unknown name '__class__'"),
        ("__builtins__", "unknown name '__builtins__'"),
        ("[x for x in 'a']", "ListComp is not allowed"),
        ("sum(x for x in [1])", "unknown function 'sum'"),
        ("(y := 1)", "NamedExpr is not allowed"),
        ("f'{x}'", "JoinedStr is not allowed"),
        ("x[0]", "Subscript is not allowed"),
        ("{x}", "Set is not allowed"),
        ("{1: x}", "Dict is not allowed"),
        ("x, x", "Tuple is not allowed"),
        ("x if x else 1", "IfExp is not allowed"),
        ("x < 1", "Compare is not allowed"),
        ("x and 1", "BoolOp is not allowed"),
        ("not x", "operator 'Not' is not allowed"),
        ("~x", "operator 'Invert' is not allowed"),
        ("x ^ 2", "'^' is not a power here; write x**2"),
        ("x // 2", "operator 'FloorDiv' is not allowed"),
        ("x % 2", "operator 'Mod' is not allowed"),
        ("x @ x", "operator 'MatMult' is not allowed"),
        ("max(x, 0, key=abs)", "keyword arguments to 'max'"),
        ("exp(x=1)", "keyword arguments to 'exp'"),
        ("max(*[x, 0])", "starred arguments"),
        ("'abc'", "literal 'abc' is not a number"),
        ("b'x'", "is not a number"),
        ("1j*x", "literal 1j is not a number"),
        ("True", "literal True is not a number"),
        ("None", "literal None is not a number"),
        ("...", "literal Ellipsis is not a number"),
        ("y + x", "unknown name 'y'"),
        ("sinh(x)", "unknown function 'sinh'"),
        ("exp", "function 'exp' used without arguments"),
        ("exp(x, 1)", "'exp' takes 1 argument(s), got 2"),
        ("max(x)", "'max' takes at least 2 arguments, got 1"),
        ("x; import os", "does not parse"),
        ("import os", "does not parse"),
        ("exp(x", "does not parse"),
        ("yield x", "does not parse"),
        ("", "the formula is empty"),
        ("   ", "the formula is empty"),
    ],
)
def test_rejected_constructs(text, fragment):
    with pytest.raises(InvalidExpression) as info:
        parse_formula(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, InvalidInput) and isinstance(info.value, ValueError)
    assert info.value.text.strip() == text.strip()


def test_error_records_the_column():
    with pytest.raises(InvalidExpression) as info:
        parse_formula("1 + x.real")
    assert info.value.position == 4


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("9**9**9", "exponent 387420489 is too large"),
        ("x**10**10", "is too large"),
        ("2**-1000000", "is too large"),
        ("exp(x)**(2**999)", "is too large"),
        ("(2**10)**(2**10)", "exponent 1024 is too large"),
        ("10**600*10**600", "more than 600 digits"),
        ("7**999", "digits"),
        ("1e-99999999", "decimal exponent beyond"),
        ("1e-999999", "decimal exponent beyond"),
        ("1e400", "non-finite number"),
        ("1" + "0" * 100, "number literal with 101 digits"),
        ("exp(exp(exp(10)))**2", "cannot be evaluated exactly"),
        ("x" * (MAX_FORMULA_LENGTH + 1), "too long"),
        ("(" * (MAX_NESTING + 1) + "x" + ")" * (MAX_NESTING + 1), "nests parentheses deeper"),
        ("-" * 990 + "x", "nests too deeply"),
        ("sqrt(-1)", "not a finite real number"),
        ("x + log(-1)", "not a finite real number"),
        ("(-8)**(1/3)*x", "not a finite real number"),
        ("log(0)", "log(0) is not a number"),
        ("1/(x - x)", "division by zero"),
        ("x**(1/0)", "division by zero"),
        ("0**-1", "zero raised to a negative power"),
    ],
)
def test_hostile_sizes_are_rejected_quickly(text, fragment):
    with no_hang(60), pytest.raises(InvalidExpression) as info:
        parse_formula(text)
    assert fragment in str(info.value)
    assert len(str(info.value)) < 600  # messages stay readable (no thousand-digit numbers)


@pytest.mark.parametrize("value", [None, 3, b"x", ["x"], sp.Symbol("x")])
def test_non_strings_are_rejected(value):
    with pytest.raises(InvalidExpression, match="a formula must be a str"):
        parse_formula(value)


def test_largest_accepted_inputs_are_fine():
    with no_hang(60):
        assert parse_formula("+".join(["x"] * 400)) == 400 * x
        deep = "(" * MAX_NESTING + "x" + ")" * MAX_NESTING
        assert parse_formula(deep) == x
        assert parse_formula("sqrt(10**599 + 7)").is_positive


# -- property tests -------------------------------------------------------------------------------------

ALPHABET = "x0123456789.+-*/()e^, pisqrtlogexpmaxbs_'[]{}:;=<>!@#\\\"\n"


@given(st.text(alphabet=ALPHABET, max_size=40))
def test_arbitrary_text_parses_or_is_rejected_cleanly(text):
    try:
        with no_hang(60):
            expr = parse_formula(text)
    except InvalidExpression as err:
        assert str(err)
        return
    assert isinstance(expr, sp.Expr)
    assert expr.free_symbols <= {x}
    assert not expr.has(sp.I, sp.zoo, sp.oo, sp.nan)


def _formulas():
    """Random formulas as (text, the sympy expression built independently)."""
    leaves = st.one_of(
        st.just(("x", x)),
        st.integers(0, 9).map(lambda n: (str(n), sp.Integer(n))),
        st.sampled_from([("0.5", R(1, 2)), ("pi", sp.pi), ("e", sp.E)]),
    )

    def extend(children):
        unary = st.tuples(st.sampled_from(["exp", "tanh", "sin", "cos", "erf", "abs"]), children).map(
            lambda t: (f"{t[0]}({t[1][0]})",
                       {"exp": sp.exp, "tanh": sp.tanh, "sin": sp.sin, "cos": sp.cos, "erf": sp.erf,
                        "abs": sp.Abs}[t[0]](t[1][1]))
        )
        binary = st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
            lambda t: (f"({t[0][0]}) {t[1]} ({t[2][0]})",
                       {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}[t[1]](
                           t[0][1], t[2][1]))
        )
        power = st.tuples(children, st.integers(0, 4)).map(lambda t: (f"({t[0][0]})**{t[1]}", t[0][1] ** t[1]))
        maximum = st.tuples(children, children).map(
            lambda t: (f"max({t[0][0]}, {t[1][0]})", sp.Max(t[0][1], t[1][1])))
        return st.one_of(unary, binary, power, maximum)

    return st.recursive(leaves, extend, max_leaves=8)


@given(_formulas())
def test_parser_builds_what_the_text_says(pair):
    text, expected = pair
    assert parse_formula(text) == expected


def test_every_parser_error_is_a_symnet_error():
    assert issubclass(InvalidExpression, SymnetError)

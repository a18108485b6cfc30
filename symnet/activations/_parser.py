"""A whitelist parser for activation formulas given as text.

Formulas typed by users (on the command line, in config files) must never reach ``eval``, and
sympy's ``sympify``/``parse_expr`` use ``eval``. This module parses the text with Python's
``ast`` module (which only *parses*), walks the tree, and builds the sympy expression node by
node from a fixed whitelist:

- numbers (integer and decimal literals, converted to exact rationals: ``0.1`` is ``1/10``),
- the variable ``x`` and the constants ``pi`` and ``e``,
- the operators ``+ - * / **`` and parentheses,
- the functions ``exp, log, tanh, erf, sin, cos, sqrt, abs, max, min``.

Anything else (attribute access, subscripts, lambdas, comparisons, keyword arguments, unknown
names, ``^``) is rejected with :class:`~symnet.errors.InvalidExpression` naming the construct
and its column. Sizes are bounded before parsing so that hostile inputs cannot exhaust memory
or the recursion limit.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

import sympy as sp

from symnet.errors import InvalidExpression

__all__ = ["ALLOWED_FUNCTIONS", "MAX_FORMULA_LENGTH", "parse_formula"]

#: Longest formula accepted, in characters.
MAX_FORMULA_LENGTH = 1000
#: Deepest parenthesis/operator nesting accepted.
MAX_NESTING = 60
#: Largest magnitude of a numeric exponent (``2**10**10`` would otherwise be computed exactly).
MAX_EXPONENT = 1000
#: Most digits of an exact rational constant (a literal such as ``1e-300``, a power such as
#: ``7**300``, a product): sympy's exact roots of 1000-digit integers take seconds each.
MAX_RESULT_DIGITS = 600
#: Most digits in a numeric literal.
MAX_LITERAL_DIGITS = 60

ALLOWED_FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], int | None]] = {
    "exp": (sp.exp, 1),
    "log": (sp.log, 1),
    "tanh": (sp.tanh, 1),
    "erf": (sp.erf, 1),
    "sin": (sp.sin, 1),
    "cos": (sp.cos, 1),
    "sqrt": (sp.sqrt, 1),
    "abs": (sp.Abs, 1),
    "max": (sp.Max, None),
    "min": (sp.Min, None),
}

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


_LITERAL_EXPONENT = re.compile(r"[eE]([+-]?[0-9_]+)")


class _Builder:
    def __init__(self, text: str, variable: sp.Symbol, variable_name: str):
        self.text = text
        self.names = {variable_name: variable, "pi": sp.pi, "e": sp.E}

    def fail(self, what: str, node: ast.AST | None = None) -> InvalidExpression:
        col = getattr(node, "col_offset", None)
        where = f" at column {col}" if col is not None else ""
        allowed = ", ".join(sorted(ALLOWED_FUNCTIONS))
        return InvalidExpression(
            f"formula {_short(self.text)!r}: {what}{where}. Allowed: numbers, "
            f"{', '.join(repr(n) for n in self.names)}, + - * / ** and parentheses, and the "
            f"functions {allowed}.",
            text=self.text,
            position=col,
        )

    def build(self, node: ast.AST) -> sp.Expr:
        return self.checked(self._build(node), node)

    def checked(self, out: sp.Expr, node: ast.AST) -> sp.Expr:
        """Reject a (sub)formula whose value is a huge constant or not a finite real number."""
        if out.is_Rational and max(abs(out.p), out.q).bit_length() > 3.33 * MAX_RESULT_DIGITS:
            raise self.fail(f"a constant with more than {MAX_RESULT_DIGITS} digits", node)
        if out.has(sp.I, sp.zoo, sp.oo, sp.nan) or (out.is_number and out.is_extended_real is False):
            raise self.fail("the value is not a finite real number (e.g. sqrt or log of a negative number, "
                            "or a fractional power of one)", node)
        return out

    def _build(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Expression):
            return self.build(node.body)
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            if node.id in ALLOWED_FUNCTIONS:
                raise self.fail(f"function {node.id!r} used without arguments", node)
            raise self.fail(f"unknown name {node.id!r}", node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand)
            raise self.fail(f"operator {type(node.op).__name__!r} is not allowed", node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail(f"{type(node).__name__} is not allowed", node)

    def constant(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"literal {value!r} is not a number", node)
        source = ast.get_source_segment(self.text, node) or repr(value)
        digits = sum(ch.isdigit() for ch in source)
        if digits > MAX_LITERAL_DIGITS:
            raise self.fail(f"number literal with {digits} digits (at most {MAX_LITERAL_DIGITS})", node)
        if isinstance(value, int):
            return sp.Integer(value)
        exponent = _LITERAL_EXPONENT.search(source)
        if exponent and abs(int(exponent.group(1).replace("_", ""))) > MAX_RESULT_DIGITS:
            raise self.fail(f"number literal {_short(source)} has a decimal exponent beyond {MAX_RESULT_DIGITS}", node)
        if value != value or value in (float("inf"), float("-inf")):
            raise self.fail("non-finite number", node)
        # Exact decimal value of the literal as written: 0.1 means 1/10.
        return sp.Rational(source.replace("_", ""))

    def binary(self, node: ast.BinOp) -> sp.Expr:
        op = type(node.op)
        if op is ast.BitXor:
            raise self.fail("'^' is not a power here; write x**2 for a square", node)
        if op is ast.Pow:
            # a ** b ** c ** ... nests to the right: walk the chain without recursion.
            chain = [node]
            while isinstance(chain[-1].right, ast.BinOp) and isinstance(chain[-1].right.op, ast.Pow):
                chain.append(chain[-1].right)
            exponent = self.build(chain[-1].right)
            for link in reversed(chain):
                exponent = self.checked(self.power(self.build(link.left), exponent, link), link)
            return exponent
        if op in _BINARY:
            # a + b - c * d ... nests to the left: walk the chain without recursion.
            chain = [node]
            while (isinstance(chain[-1].left, ast.BinOp) and type(chain[-1].left.op) in _BINARY
                   and type(chain[-1].op) in _BINARY):
                chain.append(chain[-1].left)
            value = self.build(chain[-1].left)
            for link in reversed(chain):
                right = self.build(link.right)
                if isinstance(link.op, ast.Div) and right.is_zero:
                    raise self.fail("division by zero", link)
                value = self.checked(_BINARY[type(link.op)](value, right), link)
            return value
        raise self.fail(f"operator {op.__name__!r} is not allowed", node)

    def power(self, base: sp.Expr, exponent: sp.Expr, node: ast.AST) -> sp.Expr:
        """base ** exponent, refusing huge exponents and constants."""
        if exponent.is_number and exponent.free_symbols == set():
            magnitude = abs(exponent.evalf(15)) if not exponent.is_Rational else abs(exponent)
            if magnitude > MAX_EXPONENT:
                raise self.fail(f"exponent {_short(str(exponent))} is too large (at most {MAX_EXPONENT} in "
                                "magnitude)", node)
        if base.is_number and exponent.is_number and not base.is_zero:
            size = abs(exponent.evalf(15)) * abs(sp.log(abs(base), 10).evalf(15))
            if size > MAX_RESULT_DIGITS:
                raise self.fail(f"constant power with about {int(size)} digits (at most {MAX_RESULT_DIGITS})",
                                node)
        if base.is_zero and exponent.is_number and exponent.is_negative:
            raise self.fail("zero raised to a negative power", node)
        return sp.Pow(base, exponent)

    def call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only plain function names can be called (no attribute access)", node)
        name = node.func.id
        if name not in ALLOWED_FUNCTIONS:
            raise self.fail(f"unknown function {name!r}", node)
        if node.keywords:
            raise self.fail(f"keyword arguments to {name!r}", node)
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(f"starred arguments to {name!r}", node)
        func, arity = ALLOWED_FUNCTIONS[name]
        if arity is not None and len(node.args) != arity:
            raise self.fail(f"{name!r} takes {arity} argument(s), got {len(node.args)}", node)
        if arity is None and len(node.args) < 2:
            raise self.fail(f"{name!r} takes at least 2 arguments, got {len(node.args)}", node)
        args = [self.build(a) for a in node.args]
        if name == "log" and args[0].is_zero:
            raise self.fail("log(0) is not a number", node)
        return func(*args)


def _nesting_depth(text: str) -> int:
    depth = best = 0
    for ch in text:
        if ch == "(":
            depth += 1
            best = max(best, depth)
        elif ch == ")":
            depth -= 1
    return best


def parse_formula(text: str, variable: sp.Symbol | None = None, variable_name: str = "x",
                  extra_variables: dict[str, sp.Symbol] | None = None) -> sp.Expr:
    """Parse a formula in one variable into a sympy expression, without ``eval``.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"log(1 + exp(x))"``.
    variable : sympy.Symbol, optional
        The symbol that ``variable_name`` stands for (default: a real symbol ``x``).
    variable_name : str
        The name of the variable in the text (default ``"x"``).
    extra_variables : dict of str to sympy.Symbol, optional
        Further variable names the text may use (for polynomials in several variables).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    InvalidExpression
        If the text is not a string, is empty or too long, does not parse, or uses anything
        outside the whitelist.

    Examples
    --------
    >>> from symnet.activations._parser import parse_formula
    >>> parse_formula("x/2*(1 + erf(x/sqrt(2)))")
    x*(erf(sqrt(2)*x/2) + 1)/2
    >>> parse_formula("0.25*x**2")
    x**2/4
    """
    if not isinstance(text, str):
        raise InvalidExpression(f"a formula must be a str, got {type(text).__name__}", text="")
    if not text.strip():
        raise InvalidExpression("the formula is empty", text=text)
    if len(text) > MAX_FORMULA_LENGTH:
        raise InvalidExpression(
            f"formula of {len(text)} characters is too long (at most {MAX_FORMULA_LENGTH})",
            text=text[:60],
        )
    if _nesting_depth(text) > MAX_NESTING:
        raise InvalidExpression(f"formula nests parentheses deeper than {MAX_NESTING}", text=text)
    if variable is None:
        variable = sp.Symbol(variable_name, real=True)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise InvalidExpression(
            f"formula {_short(text)!r} does not parse: {err.msg} at column {err.offset}",
            text=text,
            position=err.offset,
        ) from None
    except (RecursionError, MemoryError, ValueError) as err:
        raise InvalidExpression(f"formula {_short(text)!r} cannot be parsed: {err}", text=text) from None
    builder = _Builder(text.strip(), variable, variable_name)
    builder.names.update(extra_variables or {})
    try:
        return builder.build(tree)
    except RecursionError:
        raise InvalidExpression(f"formula {_short(text)!r} nests too deeply", text=text) from None
    except InvalidExpression:
        raise
    except (ArithmeticError, ValueError, TypeError, MemoryError) as err:
        # sympy's exact evaluation of a whitelisted construct failed (e.g. a constant too large
        # to evaluate): still a clear rejection of the formula, never a crash.
        raise InvalidExpression(
            f"formula {_short(text)!r} cannot be evaluated exactly: {_short(str(err))}", text=text
        ) from None

r"""How results show themselves (DESIGN: "Results are values, not printouts").

Every public result class follows the same conventions:

- ``str(result)`` is plain text without LaTeX; its first line says what was computed, the result
  and its status or method.
- ``result.latex()`` is a *math-mode* LaTeX fragment (no surrounding ``$``) that compiles with
  ``amsmath`` and ``amssymb`` alone and that a notebook's MathJax renders: tables are ``array``
  environments, words are ``\text{...}``.
- ``result._repr_latex_()`` (the notebook hook, from :class:`Shows`) is
  ``$\displaystyle <latex()>$``.
- The same value gives the same bytes: no timings, no memory addresses, sets and dicts in a
  fixed order.

Expressions are printed by :func:`symnet.derivations._latex.expr` (sympy's LaTeX printer with
sums in reading order and ``lam`` as ``\lambda``), free text by
:func:`symnet.derivations._latex.prose` (LaTeX specials escaped, the ASCII math of MATH.md such as
``sigma''(b) != 0`` typeset). Those modules are imported when a result is shown, not when this one
is imported (the derivations package imports the constructions).

Examples
--------
>>> import sympy as sp
>>> from symnet._show import array, math, number, text
>>> u, v = sp.symbols("u v")
>>> math(v**2 + u*v, (u, v))
'u v + v^{2}'
>>> text("rank >= 4 for x_1*x_2")
'\\text{rank $\\geq$ 4 for $x_{1}$*$x_{2}$}'
>>> number(1.25e-05), number(sp.Rational(1, 64)), number(float("inf"))
('1.25 \\times 10^{-5}', '\\frac{1}{64}', '\\infty')
>>> import mpmath
>>> number(mpmath.mpf("1.5e-400"), 3), number(mpmath.mpf(0)), number(mpmath.mpf("0.25"))
('1.5 \\times 10^{-400}', '0', '0.25')
>>> print(array([["a", "b"], ["1", "2"]], "lr", head=1))
\begin{array}{lr}
\hline
a & b \\
\hline
1 & 2 \\
\hline
\end{array}
"""

from __future__ import annotations

import math as _math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

__all__ = ["Shows", "array", "lines", "math", "matrix", "notebook", "number", "phrase", "plain_number", "text",
           "upper_number"]

#: Largest matrix (rows, columns) written out entry by entry; larger ones are shown by their shape.
MAX_MATRIX = (16, 16)


class Shows:
    """Mixin: the notebook hook ``_repr_latex_`` from the class's ``latex()``."""

    __slots__ = ()

    def _repr_latex_(self) -> str:
        return notebook(self.latex())  # type: ignore[attr-defined]


def notebook(tex: str) -> str:
    """``$\\displaystyle tex$``: what Jupyter renders for a math-mode fragment."""
    return f"$\\displaystyle {tex}$"


def math(value: Any, variables: Sequence[sp.Symbol] = (), names: Mapping[sp.Symbol, str] | None = None) -> str:
    """An expression (or number) as LaTeX, sums in reading order in ``variables``, lam as \\lambda."""
    if isinstance(value, (str, bytes)):
        raise TypeError("math() prints sympy values; pass text to text()")
    from symnet.derivations._latex import expr

    return expr(sp.sympify(value), tuple(variables), names)


def text(value: str) -> str:
    """Free text as ``\\text{...}`` (specials escaped, ASCII math such as ``lam^2`` typeset)."""
    from symnet.derivations._latex import prose

    return f"\\text{{{prose(str(value))}}}"


def phrase(value: str, parts: Mapping[str, str]) -> str:
    r"""Like :func:`text`, with every occurrence of a key of ``parts`` replaced by its LaTeX (math).

    Used to typeset an expression that a plain-text message embeds as ``str(expr)``.

    Examples
    --------
    >>> from symnet._show import phrase
    >>> print(phrase("a network matches x_1*x_2 exactly", {"x_1*x_2": "x_{1} x_{2}"}))
    \text{a network matches $x_{1} x_{2}$ exactly}
    """
    from symnet.derivations._latex import prose

    keys = sorted((k for k in parts if k), key=lambda k: (-len(k), k))
    out, pos = [], 0
    s = str(value)
    while pos < len(s):
        hits = [(s.find(k, pos), k) for k in keys]
        hits = [(i, k) for i, k in hits if i >= 0]
        if not hits:
            out.append(prose(s[pos:]))
            break
        i, k = min(hits, key=lambda h: (h[0], -len(h[1])))
        out.append(prose(s[pos:i]))
        out.append(f"${parts[k]}$")
        pos = i + len(k)
    return f"\\text{{{''.join(out)}}}"


def number(value: Any, digits: int = 4) -> str:
    """A number as LaTeX: ints and rationals exactly, floats to ``digits`` significant digits.

    Floats in scientific notation become ``m \\times 10^{e}``; nan and infinities are words.
    """
    if isinstance(value, bool):
        return f"\\text{{{value}}}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        value = sp.Rational(value.numerator, value.denominator)
    if isinstance(value, sp.Basic):
        if value.is_Rational or not value.is_number:
            return math(value)
        value = float(sp.N(value, 20))
    if hasattr(value, "_mpf_"):  # mpmath: may lie beyond float64's range (1e-400)
        import mpmath

        value = mpmath.nstr(value, digits, strip_zeros=True)
        if "e" in value:
            mantissa, exponent = value.split("e")
            mantissa = mantissa[:-2] if mantissa.endswith(".0") else mantissa
            return ("" if mantissa == "1" else f"{mantissa} \\times ") + f"10^{{{int(exponent)}}}"
        return value[:-2] if value.endswith(".0") else value
    value = float(value)
    if _math.isnan(value):
        return "\\text{nan}"
    if _math.isinf(value):
        return "\\infty" if value > 0 else "-\\infty"
    s = plain_number(value, digits)
    if "e" in s:
        mantissa, exponent = s.split("e")
        head = "" if mantissa == "1" else f"{mantissa} \\times "
        return f"{head}10^{{{int(exponent)}}}"
    return s


def upper_number(value: Any, digits: int = 6) -> str:
    r"""A decimal with ``digits`` significant digits that is >= ``value`` (for printing upper bounds).

    Rounding to nearest could print a number below a rigorous bound; this rounds up, exactly.
    Written like ``%g``: plain for exponents -4 .. digits - 1, else ``m \times 10^{e}``.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet._show import upper_number
    >>> upper_number(sp.Rational(454180033, 549755813888)), upper_number(sp.Rational(1, 3), 3)
    ('0.000826149', '0.334')
    >>> upper_number(2.5e-12, 3), upper_number(10), upper_number(0)
    ('2.5 \\times 10^{-12}', '10', '0')
    """
    if isinstance(value, sp.Basic):
        value = Fraction(int(value.p), int(value.q)) if value.is_Rational else Fraction(float(sp.N(value, 30)))
    q = Fraction(value)
    if q <= 0:
        return number(float(q), digits) if q else "0"
    exponent = 0
    while Fraction(10) ** exponent > q:
        exponent -= 1
    while Fraction(10) ** (exponent + 1) <= q:
        exponent += 1
    mantissa = -(-q // Fraction(10) ** (exponent - digits + 1))  # ceil: q <= mantissa 10^(e - digits + 1)
    if mantissa >= 10**digits:
        mantissa, exponent = mantissa // 10, exponent + 1
    if -4 <= exponent < digits:
        shift = digits - 1 - exponent  # decimal places
        whole = str(mantissa).rjust(shift + 1, "0")
        out = f"{whole[:-shift]}.{whole[-shift:]}" if shift else whole
        return out.rstrip("0").rstrip(".") if "." in out else out
    m = str(mantissa)
    head = f"{m[0]}.{m[1:]}".rstrip("0").rstrip(".")
    return f"{head} \\times 10^{{{exponent}}}"


def plain_number(value: Any, digits: int = 4) -> str:
    """A float to ``digits`` significant digits (``%g``); ints and rationals exactly."""
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, sp.Basic) and (value.is_Rational or not value.is_number):
        return str(value)
    return f"{float(value):.{digits}g}"


def lines(rows: Iterable[str]) -> str:
    """Math-mode rows stacked and left-aligned (an ``array`` with one column)."""
    body = " \\\\\n".join(rows)
    return f"\\begin{{array}}{{l}}\n{body}\n\\end{{array}}"


def array(rows: Sequence[Sequence[str]], align: str, head: int = 0) -> str:
    """A table as a math-mode ``array`` (cells are LaTeX), ruled below the first ``head`` rows.

    ``array`` rather than ``tabular``: MathJax renders it in a notebook, and pdflatex needs no
    package for it.
    """
    out = [f"\\begin{{array}}{{{align}}}", "\\hline"]
    for i, row in enumerate(rows):
        out.append(" & ".join(row) + " \\\\")
        if head and i == head - 1:
            out.append("\\hline")
    out.append("\\hline")
    out.append("\\end{array}")
    return "\n".join(out)


def matrix(value: Any, variables: Sequence[sp.Symbol] = ()) -> str:
    """A matrix in parentheses (an ``array``: no limit of 10 columns), or its shape when large."""
    m = sp.ImmutableMatrix(value)
    if m.rows > MAX_MATRIX[0] or m.cols > MAX_MATRIX[1]:
        return f"\\left(\\text{{{m.rows} x {m.cols} matrix}}\\right)".replace(" x ", " $\\times$ ")
    body = " \\\\ ".join(" & ".join(math(m[i, j], variables) for j in range(m.cols)) for i in range(m.rows))
    return f"\\left(\\begin{{array}}{{{'c' * max(m.cols, 1)}}} {body} \\end{{array}}\\right)"

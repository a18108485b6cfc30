"""Numeric callables from sympy expressions, built by walking the tree (no ``eval``, no lambdify).

The same walker serves numpy (vectorised float64) and mpmath (arbitrary precision); only the
table of primitive functions differs. Expressions here come from the catalogue or from the
whitelist parser, so the node types are the ones listed below.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import flint
import mpmath
import numpy as np
import sympy as sp

from symnet.errors import InvalidInput

__all__ = ["arb_enclosure", "mpmath_step", "numpy_erf", "numpy_step", "product_of", "sum_of", "to_mpmath_function",
           "to_numpy_function"]


def numpy_erf(z: np.ndarray) -> np.ndarray:
    """The error function on a float64 array (scipy's when available, else math.erf)."""
    try:
        from scipy.special import erf
    except ImportError:  # pragma: no cover - scipy is a dependency
        return np.vectorize(math.erf, otypes=[float])(z)
    return erf(z)


def numpy_step(z: np.ndarray, at_zero: float = 0.0) -> np.ndarray:
    """The Heaviside step on a float64 array: 1 where z > 0, 0 where z < 0, ``at_zero`` where
    z = 0 (NaN stays NaN)."""
    z = np.asarray(z, dtype=float)
    out = np.where(z > 0, 1.0, np.where(z < 0, 0.0, at_zero))
    return np.where(np.isnan(z), np.nan, out)


def mpmath_step(z, at_zero=0):
    """The Heaviside step at an mpf: 1 if z > 0, 0 if z < 0, ``at_zero`` if z = 0 (NaN stays NaN)."""
    if mpmath.isnan(z):
        return z
    if z > 0:
        return mpmath.mpf(1)
    if z < 0:
        return mpmath.mpf(0)
    return mpmath.mpf(at_zero)


_NUMPY = {
    sp.exp: np.exp,
    sp.log: np.log,
    sp.tanh: np.tanh,
    sp.sin: np.sin,
    sp.cos: np.cos,
    sp.erf: numpy_erf,
    sp.Abs: np.abs,
    sp.sinh: np.sinh,
    sp.cosh: np.cosh,
    sp.atan: np.arctan,
    sp.Heaviside: numpy_step,  # two arguments: Heaviside(z, value at 0)
}

_MPMATH = {
    sp.exp: mpmath.exp,
    sp.log: mpmath.log,
    sp.tanh: mpmath.tanh,
    sp.sin: mpmath.sin,
    sp.cos: mpmath.cos,
    sp.erf: mpmath.erf,
    sp.Abs: abs,
    sp.sinh: mpmath.sinh,
    sp.cosh: mpmath.cosh,
    sp.atan: mpmath.atan,
    sp.Heaviside: mpmath_step,
}


_ARB = {
    sp.exp: flint.arb.exp,
    sp.log: flint.arb.log,
    sp.tanh: flint.arb.tanh,
    sp.sin: flint.arb.sin,
    sp.cos: flint.arb.cos,
    sp.erf: flint.arb.erf,
    sp.Abs: abs,
    sp.sinh: flint.arb.sinh,
    sp.cosh: flint.arb.cosh,
    sp.atan: flint.arb.atan,
    sp.atanh: flint.arb.atanh,
    sp.asinh: flint.arb.asinh,
}


def arb_enclosure(c: sp.Expr) -> flint.arb:
    """A ball (python-flint ``arb``) containing the exact real number ``c``, at flint's current
    precision. Rigorous (F. Johansson, *Arb*, IEEE Trans. Comput. 66 (2017)): the true value is in
    the ball; a ball may be ``nan`` (e.g. a power of a ball around 0), never wrong. Unlike sympy's
    adaptive ``evalf``, the work is bounded: cancellation widens the ball instead of raising the
    precision (``1 - tanh(10^6)^2`` needs 2.9 million bits).

    Raises
    ------
    InvalidInput
        If ``c`` has free symbols or a function arb cannot evaluate here.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.activations._numeric import arb_enclosure
    >>> arb_enclosure(sp.exp(-sp.Integer(10**6))) > 0
    True
    """
    if c.is_Rational:
        return flint.arb(flint.fmpq(int(c.p), int(c.q)))
    if isinstance(c, sp.Float):
        return arb_enclosure(sp.Rational(c))  # the Float's exact binary value
    if c is sp.pi:
        return flint.arb.pi()
    if c is sp.E:
        return flint.arb.const_e()
    if c.is_Add or c.is_Mul:
        parts = [arb_enclosure(a) for a in c.args]
        out = parts[0]
        for p in parts[1:]:
            out = out + p if c.is_Add else out * p
        return out
    if c.is_Pow:
        base, exponent = c.args
        if exponent.is_Integer:
            return arb_enclosure(base) ** int(exponent)
        return arb_enclosure(base) ** arb_enclosure(exponent)
    func = _ARB.get(type(c))
    if func is None or len(c.args) != 1 or c.free_symbols:
        raise InvalidInput(f"no arb enclosure of {type(c).__name__} in {c}")
    return func(arb_enclosure(c.args[0]))


def sum_of(parts: list[Callable]) -> Callable:
    """The closure z -> parts[0](z) + parts[1](z) + ... (shared by every tree-walking evaluator)."""
    def add(z):
        total = parts[0](z)
        for p in parts[1:]:
            total = total + p(z)
        return total
    return add


def product_of(parts: list[Callable]) -> Callable:
    """The closure z -> parts[0](z) * parts[1](z) * ... (shared by every tree-walking evaluator)."""
    def mul(z):
        total = parts[0](z)
        for p in parts[1:]:
            total = total * p(z)
        return total
    return mul


def _compile(expr: sp.Expr, variable: sp.Symbol, table: dict, number: Callable, maximum, minimum):
    """Turn ``expr`` into a closure tree evaluating it at a value of ``variable``."""
    if expr == variable:
        return lambda z: z
    if not expr.has(variable):
        if not expr.is_number:
            raise InvalidInput(f"cannot evaluate {expr} numerically: it has free symbols {expr.free_symbols}")
        return number(expr)  # a function of z returning the constant
    parts = [_compile(a, variable, table, number, maximum, minimum) for a in expr.args]
    if expr.is_Add:
        return sum_of(parts)
    if expr.is_Mul:
        return product_of(parts)
    if expr.is_Pow:
        base, exponent = parts
        return lambda z: base(z) ** exponent(z)
    if isinstance(expr, sp.Max):
        return lambda z: _fold(maximum, [p(z) for p in parts])
    if isinstance(expr, sp.Min):
        return lambda z: _fold(minimum, [p(z) for p in parts])
    if isinstance(expr, sp.Heaviside):  # Heaviside(arg, value at 0)
        step = table[sp.Heaviside]
        arg, at_zero = parts
        return lambda z: step(arg(z), at_zero(z))
    func = table.get(type(expr))
    if func is None:
        raise InvalidInput(f"no numeric implementation of {type(expr).__name__} in {expr}")
    (arg,) = parts
    return lambda z: func(arg(z))


def _fold(f, values):
    out = values[0]
    for v in values[1:]:
        out = f(out, v)
    return out


def to_numpy_function(expr: sp.Expr, variable: sp.Symbol) -> Callable[[np.ndarray], np.ndarray]:
    """A vectorised float64 function computing ``expr`` (errors on overflow are silenced)."""
    def number(c: sp.Expr):
        value = float(c.evalf(20))
        return lambda z: value

    inner = _compile(expr, variable, _NUMPY, number, np.maximum, np.minimum)

    def f(z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        with np.errstate(over="ignore", under="ignore"):
            # broadcast (a constant subexpression gives a scalar); not "+ 0 * z", which is NaN at +-inf
            return np.array(np.broadcast_to(inner(z), z.shape), dtype=float)

    return f


def to_mpmath_function(expr: sp.Expr, variable: sp.Symbol) -> Callable:
    """An mpmath function computing ``expr`` at the working precision of the call.

    Constants are re-evaluated at the current precision on each call, so the result is
    accurate to ``mpmath.mp.dps`` digits whatever the precision was when it was built.
    """
    def number(c: sp.Expr):
        if c.is_Rational:
            p, q = int(c.p), int(c.q)
            return lambda z: mpmath.mpf(p) / q
        cache: dict[int, mpmath.mpf] = {}  # the constant at each precision used so far

        def constant(z):
            dps = mpmath.mp.dps
            if dps not in cache:
                cache[dps] = mpmath.mpf(sp.N(c, dps + 10))
            return +cache[dps]

        return constant

    def mp_max(a, b):
        return a if a >= b else b

    def mp_min(a, b):
        return a if a <= b else b

    return _compile(expr, variable, _MPMATH, number, mp_max, mp_min)

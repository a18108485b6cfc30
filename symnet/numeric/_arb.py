"""Rigorous ball-arithmetic evaluation of activations and exact constants with python-flint.

An activation's sympy formula is compiled into a closure tree, node by node, with the same
design as its numpy and mpmath versions (:mod:`symnet.activations._numeric`) and a table of
python-flint functions. (The walker is not shared because arb needs two things the float walker
does not: integer powers by multiplication, since python-flint's ``arb ** int`` returns nan for
a ball containing 0, and branch selection for ``max``/``min``/``abs`` on series.)

The closures accept either an ``arb`` ball (giving a ball that contains sigma(z) for every z in
the input ball) or an ``arb_series`` (a truncated Taylor series
``z_0 + z_1 t + ...`` with ball coefficients, giving the Taylor coefficients of sigma(z(t))):
with the series ``[X, 1]`` for a ball X, the coefficient of t^k encloses sigma^(k)(x)/k! for
every x in X. That is the rigorous derivative enclosure the Taylor-model certificates need.

arb's functions are rigorous (Johansson, *Arb: efficient arbitrary-precision midpoint-radius
interval arithmetic*, IEEE Trans. Computers 66 (2017)); mpmath's ``iv`` module is not used, its
author documents it as unreliable beyond basic arithmetic. Nothing here calls ``eval`` or
``lambdify``.

Examples
--------
>>> import flint
>>> from symnet import activations
>>> from symnet.numeric._arb import activation_function
>>> softplus = activation_function(activations.get("softplus"))
>>> softplus(flint.arb(0))
[0.693147180559945 +/- 4.12e-16]
>>> d = softplus(flint.arb_series([flint.arb(0), 1], prec=3))  # softplus''(0)/2 = 1/8
>>> d.coeffs()[2]
0.125000000000000
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import flint
import sympy as sp

from symnet.activations import VARIABLE, Activation
from symnet.activations._numeric import product_of, sum_of
from symnet.errors import InvalidInput, NotSmoothError

__all__ = [
    "activation_function",
    "arb_constant",
    "arb_of_rational",
    "arb_to_fraction",
    "coefficient_over",
    "int_power",
    "is_series",
    "series_coefficients",
    "upper_float",
]

Ball = Any  # flint.arb or flint.arb_series


def is_series(z: Any) -> bool:
    return isinstance(z, flint.arb_series)


def arb_of_rational(value: Any) -> flint.arb:
    """The ball of an exact rational (exact when dyadic, else rounded at the working precision)."""
    value = sp.Rational(value)
    if value.q == 1:
        return flint.arb(flint.fmpz(int(value.p)))
    return flint.arb(flint.fmpq(int(value.p), int(value.q)))


def _constant_term(z: Ball) -> flint.arb:
    return z.coeffs()[0] if is_series(z) else z


def _series_exp_pair(z: Ball) -> tuple[Ball, Ball]:
    e = z.exp()
    return e, 1 / e


def _tanh(z: Ball) -> Ball:
    if not is_series(z):
        return z.tanh()
    return 1 - 2 / ((2 * z).exp() + 1)


def _sinh(z: Ball) -> Ball:
    if not is_series(z):
        return z.sinh()
    e, f = _series_exp_pair(z)
    return (e - f) / 2


def _cosh(z: Ball) -> Ball:
    if not is_series(z):
        return z.cosh()
    e, f = _series_exp_pair(z)
    return (e + f) / 2


def _atanh(z: Ball) -> Ball:
    if not is_series(z):
        return z.atanh()
    return ((1 + z).log() - (1 - z).log()) / 2


def _asinh(z: Ball) -> Ball:
    if not is_series(z):
        return z.asinh()
    return (z + (z * z + 1).sqrt()).log()


def _kink(what: str, where: flint.arb) -> NotSmoothError:
    return NotSmoothError(
        f"{what} is not smooth on the ball {where}: its branches tie there, so no Taylor expansion "
        "with derivative enclosures exists. Rigorous Taylor-model bounds need a smooth activation "
        "(or a box whose pre-activations avoid the kink).",
        point=where,
    )


def _abs(z: Ball) -> Ball:
    if not is_series(z):
        return abs(z)
    c = _constant_term(z)
    if c > 0:
        return z
    if c < 0:
        return -z
    raise _kink("abs", c)


def _pick(a: Ball, b: Ball, larger: bool) -> Ball:
    a = a if isinstance(a, (flint.arb, flint.arb_series)) else flint.arb(a)
    b = b if isinstance(b, (flint.arb, flint.arb_series)) else flint.arb(b)
    if not is_series(a) and not is_series(b):
        return a.max(b) if larger else a.min(b)
    ca, cb = _constant_term(a), _constant_term(b)
    if ca > cb:
        return a if larger else b
    if ca < cb:
        return b if larger else a
    raise _kink("max" if larger else "min", ca - cb)


_TABLE: dict[Any, Callable[[Ball], Ball]] = {
    sp.exp: lambda z: z.exp(),
    sp.log: lambda z: z.log(),
    sp.tanh: _tanh,
    sp.sin: lambda z: z.sin(),
    sp.cos: lambda z: z.cos(),
    sp.erf: lambda z: z.erf(),
    sp.Abs: _abs,
    sp.sinh: _sinh,
    sp.cosh: _cosh,
    sp.atan: lambda z: z.atan(),
    sp.atanh: _atanh,
    sp.asinh: _asinh,
}


def arb_constant(expr: Any) -> flint.arb:
    """A ball containing the exact real constant ``expr`` at the current flint precision.

    Handles rationals, pi, e, sums, products, powers and the functions of the activation
    table (so ``log(2 + sqrt(3))`` and ``sqrt(3)/18`` are enclosed rigorously).

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.numeric._arb import arb_constant
    >>> arb_constant(sp.log(2 + sp.sqrt(3)))
    [1.31695789692482 +/- 3.71e-15]
    """
    if isinstance(expr, (str, bytes)):  # sympify would evaluate text
        raise InvalidInput(f"arb_constant needs a sympy number, not text: {str(expr)[:40]!r}")
    expr = sp.sympify(expr)
    if expr.free_symbols:
        raise InvalidInput(f"{expr} is not a number (free symbols {expr.free_symbols})")
    if expr.is_Rational:
        return arb_of_rational(expr)
    if isinstance(expr, sp.Float):
        return arb_of_rational(sp.Rational(expr))  # the Float's exact binary value
    if expr is sp.pi:
        return flint.arb.pi()
    if expr is sp.E:
        return flint.arb.const_e()
    if expr.is_Add:
        total = flint.arb(0)
        for a in expr.args:
            total += arb_constant(a)
        return total
    if expr.is_Mul:
        total = flint.arb(1)
        for a in expr.args:
            total *= arb_constant(a)
        return total
    if expr.is_Pow:
        base, exponent = expr.args
        b = arb_constant(base)
        if exponent.is_Integer:
            return int_power(b, int(exponent))
        if exponent == sp.Rational(1, 2):
            return b.sqrt()
        return b ** arb_constant(exponent)
    if isinstance(expr, (sp.Max, sp.Min)):
        values = [arb_constant(a) for a in expr.args]
        out = values[0]
        for v in values[1:]:
            out = out.max(v) if isinstance(expr, sp.Max) else out.min(v)
        return out
    func = _TABLE.get(type(expr))
    if func is None:
        raise InvalidInput(f"no rigorous (arb) implementation of {type(expr).__name__} in {expr}")
    return func(arb_constant(expr.args[0]))


def int_power(z: Ball, n: int) -> Ball:
    """z**n for an integer n by repeated squaring (tight and nan-free for balls around 0)."""
    if n < 0:
        return 1 / int_power(z, -n)
    even = n % 2 == 0 and not is_series(z)
    result: Ball = None
    base = z
    while n:
        if n & 1:
            result = base if result is None else result * base
        n >>= 1
        if n:
            base = base * base
    if result is None:
        return flint.arb(1)
    return result.nonnegative_part() if even else result  # even powers are never negative


def _cached_constant(c: sp.Expr) -> Callable[[], flint.arb]:
    cache: dict[int, flint.arb] = {}

    def constant() -> flint.arb:
        prec = flint.ctx.prec
        if prec not in cache:
            cache[prec] = arb_constant(c)
        return cache[prec]

    return constant


def _compile(expr: sp.Expr) -> Callable[[Ball], Ball]:
    """A closure tree evaluating ``expr`` (a function of VARIABLE) on balls or series."""
    if expr == VARIABLE:
        return lambda z: z
    if not expr.has(VARIABLE):
        constant = _cached_constant(expr)
        return lambda z: constant()
    if expr.is_Pow and not expr.args[1].has(VARIABLE):
        base, exponent = _compile(expr.args[0]), expr.args[1]
        if exponent.is_Integer:
            n = int(exponent)
            return lambda z: int_power(base(z), n)
        if exponent == sp.Rational(1, 2):
            return lambda z: base(z).sqrt()
        power = _cached_constant(exponent)
        return lambda z: base(z) ** power()
    if expr.is_Pow:  # variable exponent: a^b = exp(b log a)
        return _compile(sp.exp(expr.args[1] * sp.log(expr.args[0]), evaluate=False))
    parts = [_compile(a) for a in expr.args]
    if expr.is_Add:
        return sum_of(parts)
    if expr.is_Mul:
        return product_of(parts)
    if isinstance(expr, (sp.Max, sp.Min)):
        larger = isinstance(expr, sp.Max)

        def pick(z):
            out = parts[0](z)
            for p in parts[1:]:
                out = _pick(out, p(z), larger)
            return out
        return pick
    func = _TABLE.get(type(expr))
    if func is None:
        raise InvalidInput(f"no rigorous (arb) implementation of {type(expr).__name__} in {expr}")
    (arg,) = parts
    return lambda z: func(arg(z))


@lru_cache(maxsize=128)
def _compiled(expr: sp.Expr) -> Callable[[Ball], Ball]:
    return _compile(expr)


def activation_function(activation: Activation) -> Callable[[Ball], Ball]:
    """sigma as a function of an ``arb`` ball or an ``arb_series`` (rigorous enclosures).

    Raises
    ------
    InvalidInput
        For the generic activation, or a formula with a function arb cannot evaluate.
    """
    if activation.is_generic:
        raise InvalidInput("rigorous evaluation needs a concrete activation, not the generic sigma")
    inner = _compiled(activation.expr)

    def f(z: Ball) -> Ball:
        out = inner(z)
        if is_series(z) and not is_series(out):  # a constant (branch of) the activation
            return flint.arb_series([flint.arb(out)], prec=z.prec)
        return flint.arb(out) if isinstance(out, int) else out

    return f


def series_coefficients(function: Callable[[Ball], Ball], at: flint.arb, length: int) -> list[flint.arb]:
    """[f(x), f'(x), f''(x)/2!, ..., f^(length-1)(x)/(length-1)!] as balls enclosing the values for
    every x in the ball ``at``, via ``arb_series``.

    python-flint truncates every series at ``flint.ctx.cap`` terms (10 by default) and drops
    trailing exact zeros, so the cap is raised for the call and missing trailing coefficients
    (exact zeros, e.g. of a polynomial activation) are restored.
    """
    saved = flint.ctx.cap
    flint.ctx.cap = max(saved, length)
    try:
        coeffs = list(function(flint.arb_series([at, 1], prec=length)).coeffs())
    finally:
        flint.ctx.cap = saved
    if len(coeffs) > length:
        coeffs = coeffs[:length]
    return coeffs + [flint.arb(0)] * (length - len(coeffs))


def coefficient_over(function: Callable[[Ball], Ball], ball: flint.arb, k: int, width: float = 1 / 32,
                     max_pieces: int = 128, order: int = 3) -> flint.arb:
    """A ball containing f^(k)(x)/k! for every x in ``ball``.

    Series arithmetic on a wide ball overestimates badly (the dependency problem compounds with
    k), so the ball is cut into pieces of width at most ``width`` (at most ``max_pieces``), and
    on each piece [m - r, m + r] the coefficient is enclosed by its own Taylor form
    c_k(m + t) = sum_{j < q} C(k+j, j) c_{k+j}(m) t^j + C(k+q, q) c_{k+q}(xi) t^q, |t| <= r,
    with the c_{k+j}(m) at the exact midpoint and only the last one over the piece.
    """
    if not ball.is_finite():
        return flint.arb("nan")
    lo, hi = ball.lower(), ball.upper()
    size = float((hi - lo).upper())
    # (a ball wider than 1.8e308 has size inf; size / width can overflow too)
    pieces = max(1, math.ceil(size / width)) if size <= max_pieces * width else max_pieces
    step = (hi - lo) / pieces
    out = None
    for i in range(pieces):
        a = lo + step * i
        b = hi if i == pieces - 1 else lo + step * (i + 1)
        piece = a.union(b)
        m = piece.mid()
        t = flint.arb(0, piece.rad())
        at_m = series_coefficients(function, m, k + order)
        top = series_coefficients(function, piece, k + order + 1)[k + order]
        value = math.comb(k + order, order) * top * int_power(t, order)
        for j in range(order):
            value += math.comb(k + j, j) * at_m[k + j] * int_power(t, j)
        out = value if out is None else out.union(value)
    return out


def arb_to_fraction(value: flint.arb) -> sp.Rational:
    """The exact rational value of an exact (radius-zero) ball, e.g. ``x.upper()``."""
    man, exp = value.mid().man_exp()
    return sp.Integer(int(man)) * sp.Integer(2) ** int(exp)


def upper_float(value: flint.arb) -> float:
    """A float >= every point of the ball (inf if the ball is not finite)."""
    if not value.is_finite():
        return float("inf")
    exact = arb_to_fraction(value.upper())
    out = float(exact)
    if sp.Rational(out) < exact:
        out = math.nextafter(out, float("inf"))
    return out

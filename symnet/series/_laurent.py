"""Truncated Laurent series in the scale lam with coefficients in an :class:`Algebra`.

A :class:`LamSeries` is ``lam^val (a_0 + a_1 lam + ...) / den`` known through ``lam^prec``:
the ``a_i`` are polynomials in the inputs and the constant generators, ``den`` is a common
denominator free of the inputs (a polynomial in the constant generators, e.g. ``sigma''(b)``),
and ``prec`` is the highest power of lam whose coefficient is exact (``math.inf`` for an exact
finite series such as a weight ``lam/2`` or an input ``x_1``).

Precision rules (for series with valuations ``v_a``, ``v_b``, known through ``p_a``, ``p_b``):
a sum is known through ``min(p_a, p_b)``, a product through ``min(p_a + v_b, p_b + v_a)``
(an error ``O(lam^(p_a+1))`` in ``a`` becomes ``O(lam^(p_a+1+v_b))`` in ``ab``). Composition
with an activation (``symnet.series._expand``) is the Taylor series of sigma at the constant term ``c``:
``sigma(c + t) = sum_k sigma^(k)(c) t^k / k!`` with ``t = O(lam)``, truncated where the omitted
terms are ``O(lam^((K+1) val(t)))`` beyond the requested precision.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy as sp

from symnet.errors import InvalidInput
from symnet.series._algebra import Algebra

__all__ = ["LamSeries", "add_all", "laurent_coefficients"]


@dataclass
class LamSeries:
    """``lam^val * sum_i coeffs[i] lam^i / den``, exact through ``lam^prec``."""

    alg: Algebra
    val: int
    coeffs: list
    den: Any
    prec: float

    # -- construction -------------------------------------------------------------------
    @classmethod
    def exact(cls, alg: Algebra, element: Any, power: int = 0) -> LamSeries:
        return cls(alg, power, [element], alg.one, math.inf).normalised()

    def normalised(self) -> LamSeries:
        """Drop leading zero coefficients and coefficients beyond the precision."""
        coeffs = list(self.coeffs)
        val = self.val
        if self.prec != math.inf:
            coeffs = coeffs[: max(0, int(self.prec) - val + 1)]
        while coeffs and self.alg.is_zero(coeffs[0]):
            coeffs.pop(0)
            val += 1
        while coeffs and self.alg.is_zero(coeffs[-1]):
            coeffs.pop()
        return LamSeries(self.alg, val if coeffs else 0, coeffs, self.den, self.prec)

    # -- queries ----------------------------------------------------------------------------
    @property
    def is_zero(self) -> bool:
        return not self.coeffs

    @property
    def valuation(self) -> float:
        """The power of the first nonzero coefficient (``prec + 1`` if none is known)."""
        if self.coeffs:
            return self.val
        return self.prec + 1

    def coefficient(self, power: int) -> Any:
        """The numerator coefficient of ``lam^power`` (divide by ``den``)."""
        if power > self.prec:
            raise ValueError(f"coefficient of lam^{power} requested beyond the precision lam^{self.prec}")
        i = power - self.val
        if 0 <= i < len(self.coeffs):
            return self.coeffs[i]
        return self.alg.zero

    # -- algebra change ---------------------------------------------------------------------
    def to(self, alg: Algebra) -> LamSeries:
        if alg is self.alg:
            return self
        conv = self.alg.convert
        return LamSeries(alg, self.val, [conv(c, alg) for c in self.coeffs], conv(self.den, alg), self.prec)

    # -- arithmetic ---------------------------------------------------------------------------
    def _rescaled(self, den: Any) -> list:
        """Numerators over the common denominator ``den`` (a multiple of ``self.den``)."""
        if den == self.den:
            return self.coeffs
        f = self.alg.exquo(den, self.den)
        return [c * f for c in self.coeffs]

    def common_den(self, other: LamSeries) -> Any:
        a, b = self.den, other.den
        if a == b or b == self.alg.one:
            return a
        if a == self.alg.one:
            return b
        g = self.alg.gcd(a, b)
        return a * self.alg.exquo(b, g)

    def __add__(self, other: LamSeries) -> LamSeries:
        den = self.common_den(other)
        a, b = self._rescaled(den), other._rescaled(den)
        prec = min(self.prec, other.prec)
        if not a:
            return LamSeries(self.alg, other.val, list(b), den, prec).normalised()
        if not b:
            return LamSeries(self.alg, self.val, list(a), den, prec).normalised()
        lo = min(self.val, other.val)
        hi = max(self.val + len(a), other.val + len(b))
        out = [self.alg.zero] * (hi - lo)
        for s, coeffs in ((self.val, a), (other.val, b)):
            for i, c in enumerate(coeffs):
                out[s - lo + i] = out[s - lo + i] + c
        return LamSeries(self.alg, lo, out, den, prec).normalised()

    def __neg__(self) -> LamSeries:
        return LamSeries(self.alg, self.val, [-c for c in self.coeffs], self.den, self.prec)

    def __sub__(self, other: LamSeries) -> LamSeries:
        return self + (-other)

    def mul(self, other: LamSeries, cap: float = math.inf) -> LamSeries:
        """The product, computed only through ``lam^cap`` (and the precision the factors allow)."""
        va, vb = self.valuation, other.valuation
        prec = min(self.prec + vb, other.prec + va, cap)
        den = self.den * other.den if other.den != self.alg.one else self.den
        if self.is_zero or other.is_zero:
            return LamSeries(self.alg, 0, [], den, prec)
        lo = self.val + other.val
        n = len(self.coeffs) + len(other.coeffs) - 1
        if prec != math.inf:
            n = min(n, int(prec) - lo + 1)
        if n <= 0:
            return LamSeries(self.alg, 0, [], den, prec)
        zero = self.alg.zero
        out = [zero] * n
        b = other.coeffs
        for i, ai in enumerate(self.coeffs):
            if i >= n:
                break
            if self.alg.is_zero(ai):
                continue
            for j in range(min(len(b), n - i)):
                if not self.alg.is_zero(b[j]):
                    out[i + j] = out[i + j] + ai * b[j]
        return LamSeries(self.alg, lo, out, den, prec).normalised()

    def scaled(self, num: Any, den: Any) -> LamSeries:
        """``(num / den) * self`` for constants ``num``, ``den`` of the algebra."""
        d = self.den * den if den != self.alg.one else self.den
        return LamSeries(self.alg, self.val, [c * num for c in self.coeffs], d, self.prec).normalised()

    def truncated(self, prec: float) -> LamSeries:
        return LamSeries(self.alg, self.val, self.coeffs, self.den, min(self.prec, prec)).normalised()


def add_all(series: Sequence[LamSeries], alg: Algebra, prec: float = math.inf) -> LamSeries:
    """The sum of many series (grouping equal denominators first, which is the common case)."""
    total = LamSeries(alg, 0, [], alg.one, prec)
    groups: list[tuple[Any, list[LamSeries]]] = []  # (den, members); dens are few and unhashable
    for s in series:
        for den, members in groups:
            if den == s.den:
                members.append(s)
                break
        else:
            groups.append((s.den, [s]))
    for den, members in groups:
        acc: dict[int, Any] = {}
        p = prec
        for s in members:
            p = min(p, s.prec)
            for i, c in enumerate(s.coeffs):
                k = s.val + i
                acc[k] = acc[k] + c if k in acc else c
        if acc:
            lo, hi = min(acc), max(acc)
            coeffs = [acc.get(k, alg.zero) for k in range(lo, hi + 1)]
            part = LamSeries(alg, lo, coeffs, den, p).normalised()
        else:
            part = LamSeries(alg, 0, [], den, p)
        total = total + part
    return total


def laurent_coefficients(expr: sp.Expr, scale: sp.Symbol, upto: float) -> tuple[int, list[sp.Expr], bool]:
    """The Laurent expansion of a weight in the scale: ``(val, [c_val, c_val+1, ...], exact)``.

    ``expr`` must be a rational function of ``scale`` whose coefficients are constants. A
    Laurent polynomial (``mu = 1 / (4 lam^2 sigma''(b))``, ``lam``) is returned exactly; any
    other rational function is expanded by series division through ``lam^upto``:
    ``g_k = (p_k - sum_{j>=1} q_j g_{k-j}) / q_0`` for ``p / q`` with ``q_0 != 0``.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.series._laurent import laurent_coefficients
    >>> lam = sp.Symbol("lam")
    >>> laurent_coefficients(1 / (4 * lam**2), lam, 3)
    (-2, [1/4], True)
    >>> laurent_coefficients(1 / (1 - lam), lam, 2)
    (0, [1, 1, 1], False)
    """
    return _laurent(sp.sympify(expr), scale, upto)


@lru_cache(maxsize=4096)
def _laurent(expr: sp.Expr, scale: sp.Symbol, upto: float) -> tuple[int, list[sp.Expr], bool]:
    if not expr.has(scale):
        return (0, [expr], True) if expr != 0 else (0, [], True)
    coeff, exponent = expr.as_coeff_exponent(scale)  # fast path: c * lam^k
    if exponent.is_Integer and not coeff.has(scale):
        return int(exponent), [coeff], True
    num, den = sp.fraction(sp.together(expr))
    try:
        pn = sp.Poly(num, scale)
        pd = sp.Poly(den, scale)
    except sp.PolynomialError:
        pn = pd = None
    if pn is None or any(c.has(scale) for c in (*pn.all_coeffs(), *pd.all_coeffs())):
        raise InvalidInput(
            f"the weight {expr} is not a rational function of the scale {scale}; symnet expands "
            "networks whose weights are rational in the scale (e.g. lam, 1/(4 lam^2 sigma''(b)))"
        )
    if pn.is_zero:
        return 0, [], True
    n_coeffs = list(reversed(pn.all_coeffs()))  # ascending powers
    d_coeffs = list(reversed(pd.all_coeffs()))
    kn = next(i for i, c in enumerate(n_coeffs) if c != 0)
    kd = next(i for i, c in enumerate(d_coeffs) if c != 0)
    n_coeffs, d_coeffs = n_coeffs[kn:], d_coeffs[kd:]
    val = kn - kd
    d0 = d_coeffs[0]
    if len(d_coeffs) == 1:
        return val, [sp.cancel(c / d0) for c in n_coeffs], True
    if math.isfinite(upto):
        count = int(upto) - val + 1
    else:
        count = len(n_coeffs) + len(d_coeffs) if upto > 0 else 0
    out: list[sp.Expr] = []
    for k in range(max(count, 0)):
        s = n_coeffs[k] if k < len(n_coeffs) else sp.Integer(0)
        s -= sp.Add(*[d_coeffs[j] * out[k - j] for j in range(1, min(k, len(d_coeffs) - 1) + 1)])
        out.append(sp.cancel(s / d0))
    return val, out, False

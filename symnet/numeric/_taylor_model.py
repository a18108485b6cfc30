"""Taylor models: multivariate polynomials with ball coefficients plus a rigorous remainder.

A Taylor model of a function f on a box is a pair (P, R): a polynomial P of total degree <= D in
local coordinates y in [-1, 1]^d (x = c + r * y) with ``arb`` coefficients, and a ball R such
that f(x(y)) - P(y) lies in R for every y in the box (Makino and Berz, *Taylor models and other
validated functional inclusion methods*, Int. J. Pure Appl. Math. 4 (2003)).

Why here: the constructions of symnet divide by lam^2 (or lam^n) after summing activations that
agree to O(lam^2). Plain interval arithmetic over a box loses all of that cancellation (the
width of each sigma(b + lam a.x) is ~lam, times 1/lam^2); Taylor models keep the dependence on
x symbolically, so the O(1) parts cancel coefficient by coefficient and only ball radii of size
2^-prec / lam^2 remain.

Operations (all rigorous):

- sums and scalar multiples act on P and R separately;
- products keep the terms of P1 P2 of degree <= D and move the rest, together with
  P1 R2 + R1 P2 + R1 R2, into the remainder through range bounds;
- an activation is applied by Taylor's theorem with the Lagrange remainder: with m the (exact)
  midpoint of the constant term and delta = f - m,
  sigma(m + delta) = sum_{k<K} sigma^(k)(m)/k! delta^k + sigma^(K)(xi)/K! delta^K,
  xi in the range of f; both sigma^(k)(m)/k! and an enclosure of sigma^(K)/K! over the range
  come from ``arb_series`` (see :mod:`symnet.numeric._arb`).

The range of a polynomial over the cube is bounded termwise: a monomial with only even exponents
lies in [0, 1], any other in [-1, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flint

from symnet.numeric._arb import coefficient_over, int_power, series_coefficients

__all__ = ["TaylorModel", "monomial_range"]

_EVEN = flint.arb(0.5, 0.5)  # [0, 1]
_ANY = flint.arb(0, 1)  # [-1, 1]


def monomial_range(monomial: tuple[int, ...]) -> flint.arb:
    """The range of y^monomial over [-1, 1]^d: [0, 1] if every exponent is even, else [-1, 1]."""
    if not any(monomial):
        return flint.arb(1)
    return _EVEN if all(e % 2 == 0 for e in monomial) else _ANY


class TaylorModel:
    """P(y) + R on y in [-1, 1]^dim, with deg P <= degree.

    Examples
    --------
    >>> import flint
    >>> from symnet.numeric._taylor_model import TaylorModel
    >>> u = TaylorModel.variable(0, flint.arb(0), flint.arb(1), dim=2, degree=4)
    >>> v = TaylorModel.variable(1, flint.arb(0), flint.arb(1), dim=2, degree=4)
    >>> w = (u + v) * (u + v) - (u - v) * (u - v)   # = 4 u v exactly
    >>> sorted(w.coeffs.items())
    [((1, 1), 4.00000000000000)]
    >>> w.range()
    [+/- 4.01]
    """

    __slots__ = ("coeffs", "degree", "dim", "rem")

    def __init__(self, coeffs: dict[tuple[int, ...], flint.arb], rem: flint.arb, dim: int, degree: int):
        self.coeffs = coeffs
        self.rem = rem
        self.dim = dim
        self.degree = degree

    # -- constructors -----------------------------------------------------------------------
    @classmethod
    def constant(cls, value: Any, dim: int, degree: int) -> TaylorModel:
        return cls({(0,) * dim: flint.arb(value)}, flint.arb(0), dim, degree)

    @classmethod
    def variable(cls, index: int, center: flint.arb, halfwidth: flint.arb, dim: int, degree: int) -> TaylorModel:
        """x_index = center + halfwidth * y_index."""
        zero = (0,) * dim
        unit = tuple(1 if i == index else 0 for i in range(dim))
        coeffs = {zero: flint.arb(center)}
        if halfwidth != 0 and degree >= 1:
            coeffs[unit] = flint.arb(halfwidth)
        return cls(coeffs, flint.arb(0) if degree >= 1 else flint.arb(0) + halfwidth * _ANY, dim, degree)

    def _like(self, coeffs: dict, rem: flint.arb) -> TaylorModel:
        return TaylorModel(coeffs, rem, self.dim, self.degree)

    # -- ranges -----------------------------------------------------------------------------
    def polynomial_range(self) -> flint.arb:
        """A ball containing P(y) for every y in [-1, 1]^dim."""
        total = flint.arb(0)
        for monomial, c in self.coeffs.items():
            total += c * monomial_range(monomial)
        return total

    def range(self) -> flint.arb:
        """A ball containing every value of the modelled function on the box."""
        return self.polynomial_range() + self.rem

    def constant_term(self) -> flint.arb:
        return self.coeffs.get((0,) * self.dim, flint.arb(0))

    # -- arithmetic ---------------------------------------------------------------------------
    def _coerce(self, other: Any) -> TaylorModel | None:
        if isinstance(other, TaylorModel):
            return other
        if isinstance(other, (int, flint.arb, flint.fmpq, flint.fmpz)):
            return TaylorModel.constant(other, self.dim, self.degree)
        return None

    def __add__(self, other: Any) -> TaylorModel:
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        coeffs = dict(self.coeffs)
        for m, c in other.coeffs.items():
            coeffs[m] = coeffs[m] + c if m in coeffs else c
        coeffs = {m: c for m, c in coeffs.items() if not (c.is_exact() and c.is_zero())}
        return self._like(coeffs, self.rem + other.rem)

    __radd__ = __add__

    def __neg__(self) -> TaylorModel:
        return self._like({m: -c for m, c in self.coeffs.items()}, -self.rem)

    def __sub__(self, other: Any) -> TaylorModel:
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other: Any) -> TaylorModel:
        return (-self) + other

    def scale(self, factor: flint.arb) -> TaylorModel:
        return self._like({m: c * factor for m, c in self.coeffs.items()}, self.rem * factor)

    def __mul__(self, other: Any) -> TaylorModel:
        if isinstance(other, (int, flint.arb, flint.fmpq, flint.fmpz)):
            return self.scale(flint.arb(other))
        if not isinstance(other, TaylorModel):
            return NotImplemented
        coeffs: dict[tuple[int, ...], flint.arb] = {}
        spill = flint.arb(0)
        for m1, c1 in self.coeffs.items():
            d1 = sum(m1)
            for m2, c2 in other.coeffs.items():
                m = tuple(a + b for a, b in zip(m1, m2, strict=False))
                if d1 + sum(m2) > self.degree:
                    spill += (c1 * c2) * monomial_range(m)
                elif m in coeffs:
                    coeffs[m] += c1 * c2
                else:
                    coeffs[m] = c1 * c2
        coeffs = {m: c for m, c in coeffs.items() if not (c.is_exact() and c.is_zero())}
        rem = spill + self.polynomial_range() * other.rem + other.polynomial_range() * self.rem + self.rem * other.rem
        return self._like(coeffs, rem)

    __rmul__ = __mul__

    def apply(self, function: Callable[[Any], Any], order: int | None = None) -> TaylorModel:
        """The Taylor model of function(self), ``function`` rigorous on ``arb_series``.

        ``order`` K is the number of Taylor terms kept before the Lagrange remainder
        (default degree + 1).
        """
        k_terms = self.degree + 1 if order is None else order
        m = self.constant_term().mid()
        delta = self - m
        enclosure = self.range()
        at_m = series_coefficients(function, m, k_terms)
        over_range = coefficient_over(function, enclosure, k_terms)
        size = flint.arb(delta.range().abs_upper())
        lagrange = (flint.arb(over_range.abs_upper()) * int_power(size, k_terms)) * _ANY
        out = TaylorModel.constant(at_m[k_terms - 1], self.dim, self.degree)
        for k in range(k_terms - 2, -1, -1):
            out = out * delta + at_m[k]
        return out._like(out.coeffs, out.rem + lagrange)


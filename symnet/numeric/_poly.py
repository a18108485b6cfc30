"""Numeric evaluation of polynomials with exact coefficients (targets and error-series terms).

The targets of the constructions (``u v``, ``x_1 ... x_n``, monomials) and the terms of their
error series are polynomials in the input variables with exact coefficients. They are evaluated
here from their sparse list of terms ``c_alpha x^alpha``, never through ``lambdify``:
vectorised in float64 (with the running-error bound ``gamma_k sum |c_alpha x^alpha|``, Higham,
*Accuracy and Stability of Numerical Algorithms*, 2nd ed., section 3.1), and generically for any
number type with ``+`` and ``*`` (mpmath ``mpf``, python-flint ``arb``, Taylor models).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp
from sympy.polys.polyutils import dict_from_expr

from symnet.errors import InvalidInput

__all__ = ["Polynomial"]


class Polynomial:
    """p(x) = sum_alpha c_alpha x^alpha with exact (numeric) coefficients.

    Parameters
    ----------
    expr : sympy.Expr
        A polynomial in ``variables`` whose coefficients are numbers (rationals, algebraic or
        transcendental constants).
    variables : sequence of sympy.Symbol

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> from symnet.numeric._poly import Polynomial
    >>> u, v = sp.symbols("u v")
    >>> p = Polynomial(u * v * (u**2 + v**2) / 12, (u, v))
    >>> p.degree, round(float(p.numpy(np.array([[1.0, 2.0]]))[0]), 12)
    (4, 0.833333333333)
    """

    __slots__ = ("_floats", "degree", "expr", "terms", "variables")

    def __init__(self, expr: Any, variables: Sequence[sp.Symbol]):
        expr = sp.sympify(expr)
        variables = tuple(variables)
        extra = expr.free_symbols - set(variables)
        if extra:
            raise InvalidInput(
                f"{expr} has symbol(s) {', '.join(sorted(map(str, extra)))} besides the variables "
                f"{', '.join(map(str, variables))}; numeric evaluation needs numeric coefficients"
            )
        if variables:
            try:  # sparse: a dense Poly in the 256 inputs of deep_product(256) took minutes to list its terms
                coefficients, _ = dict_from_expr(expr, gens=variables)
            except sp.PolynomialError:
                raise InvalidInput(
                    f"{expr} is not a polynomial in {', '.join(map(str, variables))}; symnet.numeric evaluates "
                    "polynomial targets and series terms only"
                ) from None
            # lex order, highest first (as Poly.terms()): a fixed summation order, so fixed float results
            self.terms = tuple((tuple(int(e) for e in m), c) for m, c in sorted(coefficients.items(), reverse=True)
                               if c != 0)
        else:
            self.terms = (((), expr),) if expr != 0 else ()
        self.expr = expr
        self.variables = variables
        self.degree = max((sum(m) for m, _ in self.terms), default=0)
        self._floats: tuple[float, ...] | None = None

    def __repr__(self) -> str:
        return f"Polynomial({self.expr})"

    def float_coefficients(self) -> tuple[float, ...]:
        if self._floats is None:
            self._floats = tuple(float(sp.N(c, 20)) for _, c in self.terms)
        return self._floats

    def numpy(self, points: np.ndarray) -> np.ndarray:
        """Values at the rows of a float64 array of shape (N, len(variables))."""
        return self.numpy_with_bound(points)[0]

    def numpy_with_bound(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values and sum_alpha |c_alpha x^alpha| (times the unit roundoff and the number of
        operations this bounds the float64 rounding error)."""
        points = np.asarray(points, dtype=float)
        total = np.zeros(points.shape[0])
        absolute = np.zeros(points.shape[0])
        powers: dict[tuple[int, int], np.ndarray] = {}
        for (monomial, _), c in zip(self.terms, self.float_coefficients(), strict=False):
            term = np.full(points.shape[0], c)
            for i, e in enumerate(monomial):
                if e:
                    key = (i, e)
                    if key not in powers:
                        powers[key] = points[:, i] ** e
                    term = term * powers[key]
            total += term
            absolute += np.abs(term)
        return total, absolute

    def rounding_factor(self) -> int:
        """The number of roundings per term and sum (gamma_k = k u bounds the float64 error)."""
        return self.degree + len(self.terms) + 2

    def evaluate(self, values: Sequence[Any], coefficient: Callable[[sp.Expr], Any], zero: Any = 0) -> Any:
        """sum_alpha coefficient(c_alpha) prod_i values[i]^alpha_i in any number type.

        ``values`` are numbers (or Taylor models) supporting ``+``, ``*`` and integer powers by
        repeated multiplication; ``coefficient`` converts an exact sympy coefficient.
        """
        total = zero
        cache: dict[tuple[int, int], Any] = {}
        for monomial, c in self.terms:
            term = coefficient(c)
            for i, e in enumerate(monomial):
                if e:
                    key = (i, e)
                    if key not in cache:
                        power = values[i]
                        for _ in range(e - 1):
                            power = power * values[i]
                        cache[key] = power
                    term = term * cache[key]
            total = total + term
        return total

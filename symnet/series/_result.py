"""The :class:`ErrorSeries` value: the exact terms of (network - target) in powers of lam."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy as sp

from symnet._validation import positive_int
from symnet.errors import InvalidInput

__all__ = ["ErrorSeries", "factor_display"]

#: Terms with at most this many monomials and free symbols are shown factored (printing only).
_FACTOR_LIMIT = 40
_FACTOR_SYMBOLS = 8


def factor_display(expr: sp.Expr) -> sp.Expr:
    """A factored form for small expressions (for printing only).

    Transcendental constants (``exp(3000)``, ``E``, ``log(3)``, ``pi``) are factored as opaque
    symbols: sympy would write ``exp(3000)`` as ``E**3000`` and split ``1 + exp(3000)`` into
    cyclotomic factors (slowly, and unreadably)."""
    if len(expr.free_symbols) > _FACTOR_SYMBOLS or len(sp.Add.make_args(sp.expand(expr))) > _FACTOR_LIMIT:
        return expr
    constant, rest = expr.as_independent(*expr.free_symbols, as_Add=False)
    if constant != 1 and rest != 1:  # a constant (in the jets' normal form) times a polynomial
        return constant * factor_display(rest)
    constants = {a: sp.Dummy() for a in expr.atoms(sp.Function, sp.NumberSymbol) if a.is_number}
    try:
        return sp.factor(expr.xreplace(constants)).xreplace({d: a for a, d in constants.items()})
    except (sp.PolynomialError, NotImplementedError):  # pragma: no cover - factor is defensive
        return expr


@dataclass(frozen=True)
class ErrorSeries:
    """The exact error series ``N(x) - target(x) = sum_p terms[p] lam^p + O(lam^(order+1))``.

    Attributes
    ----------
    terms : dict
        ``{p: coefficient}`` for every nonzero coefficient with ``p <= order`` (negative ``p``
        appear only if the network diverges as lam -> 0). Coefficients are exact polynomials in
        ``variables`` whose coefficients are rationals, algebraic numbers, or, for the generic
        activation, quotients of the derivative symbols ``sigma^(k)(b)``.
    order : int
        The expansion is exact through ``lam^order``.
    scale : sympy.Symbol
        The scale lam.
    variables : tuple of sympy.Symbol
    target : sympy.Expr
        What was subtracted (0 for :func:`symnet.series.expand`).
    method : str
        ``"closed form"`` or ``"explicit expansion"``: which route produced the terms.
    name : str
        What was expanded (the construction's name or ``"network"``).

    Examples
    --------
    >>> from symnet import activations, series
    >>> from symnet.constructions import multiplication_gate
    >>> err = series.error(multiplication_gate(activations.get("softplus")), 2)
    >>> err.leading_order, err.leading
    (2, -lam**2*u*v*(u**2 + v**2)/12)
    """

    terms: Mapping[int, sp.Expr]
    order: int
    scale: sp.Symbol
    variables: tuple[sp.Symbol, ...]
    target: sp.Expr = sp.S.Zero
    method: str = "explicit expansion"
    name: str = "network"
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", {p: c for p, c in sorted(self.terms.items()) if c != 0})

    @property
    def leading_order(self) -> int | None:
        """The power of lam of the lowest nonzero term (None if the error vanishes through ``order``)."""
        return min(self.terms) if self.terms else None

    @property
    def leading(self) -> sp.Expr:
        """The lowest nonzero term with its power of lam (0 if none through ``order``), factored
        when small."""
        p = self.leading_order
        if p is None:
            return sp.Integer(0)
        return self.scale**p * factor_display(self.terms[p])

    def coefficient(self, power: int) -> sp.Expr:
        """The coefficient of ``lam^power`` (0 when absent).

        ``power`` must be an int (negative powers are allowed: they are 0 unless the network
        diverges) not exceeding ``order``; otherwise :class:`~symnet.errors.InvalidInput`.
        """
        power = positive_int(power, "ErrorSeries.coefficient: power", minimum=-sys.maxsize)
        if power > self.order:
            raise InvalidInput(f"ErrorSeries.coefficient: the series is known through lam^{self.order}, "
                               f"not lam^{power}; expand to a higher order to see it")
        return self.terms.get(power, sp.Integer(0))

    def as_expr(self) -> sp.Expr:
        """``sum_p terms[p] lam^p`` (without the O-term)."""
        return sp.Add(*[c * self.scale**p for p, c in self.terms.items()])

    def __str__(self) -> str:
        lhs = "N" if self.target == 0 else f"N - ({self.target})"
        body = " + ".join(f"{self.scale}**{p}*({factor_display(c)})" if p else f"({factor_display(c)})"
                          for p, c in self.terms.items()) or "0"
        return f"{self.name}: {lhs} = {body} + O({self.scale}**{self.order + 1})  [{self.method}]"

    def latex(self) -> str:
        """``N(x) - target = ... + O(lam^(order+1))`` as LaTeX (no surrounding ``$``)."""
        args = ", ".join(sp.latex(v) for v in self.variables)
        lhs = f"N({args})" if self.target == 0 else f"N({args}) - \\left({sp.latex(self.target)}\\right)"
        lam = "\\lambda" if self.scale.name in ("lam", "lambda") else sp.latex(self.scale)
        parts = []
        for p, c in self.terms.items():
            body = sp.latex(factor_display(c))
            power = "" if p == 0 else (f"{lam}" if p == 1 else f"{lam}^{{{p}}}")
            parts.append(f"{power}\\left({body}\\right)" if power else body)
        rhs = " + ".join(parts) if parts else "0"
        return f"{lhs} = {rhs} + O\\left({lam}^{{{self.order + 1}}}\\right)"

    def _repr_latex_(self) -> str:
        return f"$${self.latex()}$$"

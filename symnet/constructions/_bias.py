"""Choosing and checking the operating point b where a construction needs sigma^(k)(b) != 0.

Several constructions divide by a derivative of the activation at the hidden bias (the monomial
construction of ``MATH.md`` section 4 by sigma^(N)(b)). This module decides, exactly, whether
that derivative vanishes, picks a bias where it does not when the caller leaves the bias open,
and raises :class:`~symnet.errors.HypothesisError` when the caller forces a bias where it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from symnet.activations import Activation
from symnet.activations._activation import exact_number
from symnet.activations._jets import is_zero
from symnet.errors import HypothesisError, NotSmoothError

__all__ = ["BIAS_SYMBOL", "CANDIDATE_BIASES", "OperatingPoint", "operating_point"]

#: The bias symbol used with the generic activation (derivatives print as sigma^(k)(b)).
BIAS_SYMBOL = sp.Symbol("b", real=True)

#: Biases tried, in order, when the caller gives none and sigma^(k)(0) = 0 (or does not exist).
#: ln 2 comes first: e^b = 2 is rational there, so the derivatives of the exponential family
#: (sigmoid, softplus, silu, exp) are exact rationals, and cheap (at b = 1 they are rational
#: functions of e, and the sigmoid's 10th derivative takes a minute to canonicalise).
CANDIDATE_BIASES = (sp.log(2), -sp.log(2), *(sp.Rational(v) for v in ("1", "-1", "1/2", "-1/2", "2", "-2")))


@dataclass(frozen=True)
class OperatingPoint:
    """The chosen bias b and the derivative sigma^(k)(b) the construction divides by."""

    bias: sp.Expr
    order: int
    derivative: sp.Expr
    chosen: bool
    note: str

    @property
    def statement(self) -> str:
        primes = {1: "'", 2: "''", 3: "'''", 4: "''''"}
        name = f"sigma{primes[self.order]}" if self.order in primes else f"sigma^({self.order})"
        return f"{name}(b) != 0"


def operating_point(activation: Activation, order: int, bias: Any = None, *, who: str) -> OperatingPoint:
    """The bias b to use and sigma^(order)(b), which must not vanish.

    Parameters
    ----------
    activation : Activation
    order : int
        The derivative order k that must be nonzero at b.
    bias : exact number, sympy symbol, or None
        None: the generic activation gets the symbol ``b``; a concrete activation gets 0 if
        sigma^(k)(0) exists and is nonzero, else the first of :data:`CANDIDATE_BIASES` that
        works (the note says which and why).
    who : str
        The construction's name, for messages.

    Raises
    ------
    HypothesisError
        If the given bias has sigma^(k)(b) = 0, or no candidate bias works.
    NotSmoothError
        If the given bias is a point where sigma is not k times differentiable.
    """
    if activation.is_generic:
        b = BIAS_SYMBOL if bias is None else exact_number(bias, f"{who}: bias", allow_symbols=True)
        return OperatingPoint(b, order, activation.derivative(order, b), bias is None,
                              "generic activation: the result holds wherever the hypothesis holds")
    if bias is not None:
        b = exact_number(bias, f"{who}: bias", allow_symbols=False)
        value = activation.derivative(order, b)
        op = OperatingPoint(b, order, value, False, f"bias b = {b} given by the caller")
        if is_zero(value):
            raise HypothesisError(
                f"{who}: the hypothesis {op.statement} fails for activation {activation.name!r} at the "
                f"given bias b = {b} (sigma^({order})({b}) = 0), so the normalisation 1/sigma^({order})(b) "
                "does not exist. Pass another bias, or bias=None to let symnet choose one.",
                hypothesis=op.statement,
            )
        return op
    tried = []
    for b in (sp.Integer(0), *CANDIDATE_BIASES):
        try:
            value = activation.derivative(order, b)
        except NotSmoothError:
            tried.append(f"{b} (not smooth)")
            continue
        if is_zero(value):
            tried.append(f"{b} (derivative 0)")
            continue
        if b == 0:
            note = f"bias b = 0 (bias-free hidden layer): sigma^({order})(0) = {value}"
        else:
            note = (f"bias b = {b} chosen because sigma^({order}) vanishes or does not exist at "
                    f"{', '.join(tried)}; sigma^({order})({b}) = {value}")
        return OperatingPoint(b, order, value, True, note)
    raise HypothesisError(
        f"{who}: sigma^({order})(b) vanishes or does not exist at every bias tried for activation "
        f"{activation.name!r} ({', '.join(tried)}); the construction needs sigma^({order})(b) != 0. "
        "Use an activation whose derivatives of that order are not identically zero "
        "(piecewise-linear and low-degree polynomial activations cannot be used; for ReLU networks, "
        "products and squares are built by symnet.constructions.yarotsky: yarotsky_square, "
        "yarotsky_multiplication).",
        hypothesis=f"sigma^({order})(b) != 0",
    )

"""Exact error series in powers of the input scale lam (MATH.md sections 1, 2, 4, 5).

Public names: :func:`error` (network - target, through the closed form of a construction when
there is one, else by explicit expansion), :func:`expand` (the explicit expansion of any
network, nothing subtracted) and :class:`ErrorSeries` (the result).

Examples
--------
>>> from symnet import activations, series
>>> from symnet.constructions import multiplication_gate
>>> err = series.error(multiplication_gate(activations.get("exp")), 4)
>>> err.leading
lam**2*u*v*(u**2 + v**2)/6
>>> sorted(err.terms)
[2, 4]
"""

from symnet.series._error import error, expand
from symnet.series._result import ErrorSeries

__all__ = ["ErrorSeries", "error", "expand"]

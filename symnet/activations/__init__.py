"""Activation functions with exact derivatives (``MATH.md`` section 0).

The public names: :class:`Activation`, :func:`get`, :func:`generic`, :func:`from_expression`,
:func:`polynomial`, :func:`names`, and :class:`DerivativeSymbol` (the printed sigma^(k)(b)).

Examples
--------
>>> from symnet import activations
>>> activations.get("softplus").derivative(2)
1/4
>>> activations.get("sigmoid").derivative(2)
0
>>> activations.get("tanh").derivative(3)
-2
>>> activations.generic().derivative(4, at="b")
sigma^(4)(b)
"""

from symnet.activations._activation import VARIABLE, Activation, DerivativeSymbol
from symnet.activations._catalogue import from_expression, generic, get, names, polynomial

__all__ = [
    "VARIABLE",
    "Activation",
    "DerivativeSymbol",
    "from_expression",
    "generic",
    "get",
    "names",
    "polynomial",
]

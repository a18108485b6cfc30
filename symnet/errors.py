"""The exceptions symnet raises.

Every error symnet raises on bad input or a violated hypothesis is an instance of
:class:`SymnetError`, so a caller can catch them all at once, and each message says what was
wrong, where, and what to do instead. They also subclass the matching built-in exception
(``ValueError`` or ``ArithmeticError``) so generic handlers keep working.

Examples
--------
>>> from symnet import activations
>>> from symnet.errors import NotSmoothError
>>> try:
...     activations.get("relu").derivative(2, at=0)
... except NotSmoothError as err:
...     print(err.activation, err.point)
relu 0
"""

from __future__ import annotations

__all__ = [
    "CertificateError",
    "HypothesisError",
    "InvalidExpression",
    "InvalidInput",
    "NotSmoothError",
    "PrecisionError",
    "ShapeError",
    "SymnetError",
    "TooLargeError",
    "UnknownActivation",
]


class SymnetError(Exception):
    """Base class of every exception symnet raises on purpose."""


class InvalidInput(SymnetError, ValueError):
    """An argument has the wrong type, value, or form (the message names which and why)."""


class InvalidExpression(InvalidInput):
    """A formula given as text was rejected by the whitelist parser.

    Attributes
    ----------
    text : str
        The formula (possibly truncated for display).
    position : int or None
        The column (0-based) where the offending construct starts, when known.
    """

    def __init__(self, message: str, text: str = "", position: int | None = None):
        super().__init__(message)
        self.text = text
        self.position = position


class UnknownActivation(InvalidInput, KeyError):
    """An activation name is not in the catalogue."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class ShapeError(InvalidInput):
    """A matrix, vector or batch of points has a shape that does not fit."""


class NotSmoothError(SymnetError, ArithmeticError):
    """A derivative was requested where the activation is not differentiable that often.

    Attributes
    ----------
    activation : str
        The activation's name.
    point : object
        The point (an exact sympy number) where the derivative does not exist.
    order : int
        The order of the derivative that was requested.
    """

    def __init__(self, message: str, activation: str = "", point: object = None, order: int = 0):
        super().__init__(message)
        self.activation = activation
        self.point = point
        self.order = order


class HypothesisError(SymnetError, ValueError):
    """A hypothesis of a theorem or construction does not hold for the given input.

    Attributes
    ----------
    hypothesis : str
        The condition that failed, written as in ``MATH.md`` (e.g. ``"sigma''(b) != 0"``).
    """

    def __init__(self, message: str, hypothesis: str = ""):
        super().__init__(message)
        self.hypothesis = hypothesis


class PrecisionError(SymnetError, ArithmeticError):
    """A numeric backend cannot deliver the requested accuracy (e.g. float64 cancellation)."""


class CertificateError(SymnetError):
    """A certificate failed to re-verify: the evidence it records does not prove its claim."""


class TooLargeError(InvalidInput):
    """A request would build an object beyond a sane size (e.g. 2^n neurons for large n)."""

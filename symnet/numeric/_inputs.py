"""Validation of the arguments of :mod:`symnet.numeric` (networks, scales, points, boxes, tolerances).

Every public function of the package funnels its arguments through here, so that bad input gets
one clear :mod:`symnet.errors` exception (what was wrong, where, what to do) before any
arithmetic starts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from symnet._validation import positive_int
from symnet.activations._activation import exact_number
from symnet.constructions import Construction
from symnet.errors import InvalidInput, ShapeError, TooLargeError
from symnet.network import Network

__all__ = ["MAX_COORDINATES", "MAX_POINTS", "Problem", "as_box", "as_count", "as_points", "as_positive", "as_scale",
           "resolve", "short_number"]

#: Most points one call evaluates (a float64 pass over 10^7 points of a gate takes about 5 s).
MAX_POINTS = 10**7
#: Most coordinates (points x inputs) one call holds: 2^26 doubles are 512 MB.
MAX_COORDINATES = 2**26
_FEWER = "evaluate fewer points per call (split them into batches), or sample fewer (points=N with a smaller N)"


@dataclass(frozen=True)
class Problem:
    """A numeric network (no free symbols, concrete activations) and what it approximates.

    Attributes
    ----------
    network : Network
        The network with the scale substituted.
    target : sympy.Expr or None
        The function approximated (None for a bare network).
    variables : tuple of sympy.Symbol
        The input symbols, in the order the network takes them.
    scale : sympy.Expr or None
        The exact scale substituted for lam (None if the network had no scale).
    name : str
    """

    network: Network
    target: sp.Expr | None
    variables: tuple[sp.Symbol, ...]
    scale: sp.Expr | None
    name: str


def as_scale(value: Any, what: str = "scale") -> sp.Expr:
    """An exact positive number for lam (floats read as the decimal they print as)."""
    number = exact_number(value, what)
    if not (number.is_real and number.is_positive):
        raise InvalidInput(f"{what} must be a positive real number, got {value!r}")
    return number


def _check_concrete(acts: Any, name: str) -> None:
    for act in acts:
        if act.is_generic:
            raise InvalidInput(
                f"{name}: numeric work needs a concrete activation, but the network uses the generic "
                "sigma (its derivatives are symbols). Build the construction with a concrete activation, "
                "e.g. activations.get('softplus'); use symnet.series for results valid for all activations."
            )


def resolve(obj: Any, scale: Any = None) -> Problem:
    """Turn a Construction (or a Network) and a scale into a numeric :class:`Problem`.

    A Construction's network has lam in its weights: ``scale`` is required and substituted. A
    bare Network may contain lam (then ``scale`` is required) or be numeric already.
    """
    if isinstance(obj, Construction):
        name = obj.name
        _check_concrete([obj.activation], name)
        network = obj.network
        target, variables, lam = obj.target, tuple(obj.variables), obj.scale
    elif isinstance(obj, Network):
        name, network, target, lam = "network", obj, None, None
        variables = obj.default_inputs()
        lams = [s for s in obj.free_symbols if s.name == "lam"]
        lam = lams[0] if lams else None
    else:
        raise InvalidInput(
            f"expected a symnet Construction or Network, got {type(obj).__name__}; build one with "
            "symnet.constructions (e.g. multiplication_gate) or Network.single_hidden_layer"
        )
    _check_concrete(network.activations, name)
    exact_scale = None
    if lam is not None and lam in network.free_symbols:
        if scale is None:
            raise InvalidInput(
                f"{name}: the network's weights contain the scale {lam}; pass scale=... (a positive number, "
                "e.g. scale=0.01) to evaluate it numerically"
            )
        exact_scale = as_scale(scale)
        network = network.subs({lam: exact_scale})
    elif scale is not None:
        exact_scale = as_scale(scale)
    free = network.free_symbols
    if free:
        raise InvalidInput(
            f"{name}: the network has free symbol(s) {', '.join(sorted(map(str, free)))} besides the scale; "
            "substitute them (Network.subs) before numeric evaluation"
        )
    if target is not None:
        extra = sp.sympify(target).free_symbols - set(variables)
        if extra:
            raise InvalidInput(
                f"{name}: the target {target} has symbol(s) {', '.join(sorted(map(str, extra)))} that are not "
                "input variables; numeric work needs a numeric target"
            )
    return Problem(network, target, variables, exact_scale, name)


def as_count(value: Any, dimension: int, what: str = "points") -> int:
    """A number of points N to generate in ``dimension`` inputs: 1 <= N <= MAX_POINTS and
    N * dimension <= MAX_COORDINATES (else :class:`~symnet.errors.TooLargeError`).

    Examples
    --------
    >>> from symnet.numeric._inputs import as_count
    >>> as_count(64, 24)
    64
    >>> as_count(10**9, 2)
    Traceback (most recent call last):
    ...
    symnet.errors.TooLargeError: points = 1000000000 is beyond symnet's limit of 10000000 points per call; ...
    """
    count = positive_int(value, what)
    if count > MAX_POINTS:
        raise TooLargeError(f"{what} = {count} is beyond symnet's limit of {MAX_POINTS} points per call; {_FEWER}")
    _check_coordinates(count, dimension, what)
    return count


def _check_coordinates(count: int, dimension: int, what: str) -> None:
    if count * dimension > MAX_COORDINATES:
        raise TooLargeError(
            f"{what}: {count} points of {dimension} inputs are {count * dimension} coordinates, beyond symnet's "
            f"limit of {MAX_COORDINATES} (512 MB of doubles) per call; {_FEWER}"
        )


def as_points(points: Any, dimension: int, what: str = "points") -> np.ndarray:
    """A float64 array of shape (N, dimension), 1 <= N <= MAX_POINTS, all finite."""
    try:
        arr = np.asarray(points, dtype=float)
    except (TypeError, ValueError, OverflowError) as err:  # OverflowError: an int beyond float64
        raise InvalidInput(f"{what} must be numbers of shape (N, {dimension}) within float64's range: {err}") from None
    if arr.ndim == 0:
        raise InvalidInput(f"{what} must be an array of shape (N, {dimension}) (one row per point), got {points!r}"
                           + (" (sweep and optimal_scale also take an int count N)" if isinstance(points, float)
                              else ""))
    if arr.ndim == 1 and dimension == arr.shape[0]:
        arr = arr[None, :]
    elif arr.ndim == 1 and dimension == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != dimension:
        raise ShapeError(f"{what} must have shape (N, {dimension}) (one column per input), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise InvalidInput(f"{what} is empty; give at least one point")
    if arr.shape[0] > MAX_POINTS:
        raise TooLargeError(f"{what} has {arr.shape[0]} points, beyond symnet's limit of {MAX_POINTS} per call; "
                            f"{_FEWER}")
    _check_coordinates(arr.shape[0], dimension, what)
    bad = ~np.isfinite(arr)
    if bad.any():
        row = int(np.argwhere(bad)[0][0])
        raise InvalidInput(f"{what} contain NaN or infinite values (first at row {row}: {arr[row].tolist()})")
    return arr


def as_box(box: Any, dimension: int) -> tuple[tuple[sp.Rational, sp.Rational], ...]:
    """A box [lo_1, hi_1] x ... as exact rationals; one (lo, hi) pair per input variable."""
    if isinstance(box, (str, bytes)) or not isinstance(box, (Sequence, np.ndarray)):
        raise InvalidInput(f"box must be a sequence of (low, high) pairs, one per input, got {type(box).__name__}")
    pairs = list(box)
    if len(pairs) != dimension:
        raise ShapeError(f"box has {len(pairs)} interval(s) but the construction has {dimension} input(s)")
    out = []
    for i, pair in enumerate(pairs):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, (Sequence, np.ndarray)) or len(pair) != 2:
            raise ShapeError(f"box[{i}] must be a (low, high) pair, got {pair!r}")
        lo = exact_number(pair[0], f"box[{i}] low end")
        hi = exact_number(pair[1], f"box[{i}] high end")
        if not (lo.is_Rational and hi.is_Rational):
            raise InvalidInput(f"box[{i}] ends must be rational numbers, got {pair!r}")
        if lo > hi:
            raise InvalidInput(f"box[{i}] = [{lo}, {hi}] is empty (low end above high end)")
        out.append((lo, hi))
    return tuple(out)


def short_number(number: Any) -> str:
    """An exact number for a message: as written when short (1/1000), else to 6 digits (1e+300,
    1.00000e-400 below float64's range).

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.numeric._inputs import short_number
    >>> short_number(sp.Rational(1, 1000)), short_number(sp.Integer(10)**300), short_number(sp.Integer(10)**-400)
    ('1/1000', '1e+300', '1.00000e-400')
    """
    text = str(number)
    if len(text) <= 24:
        return text
    value = float(sp.N(number, 17))
    return f"{value:.6g}" if value != 0 and math.isfinite(value) else str(sp.N(number, 6))


def as_positive(value: Any, what: str) -> float:
    """A positive finite float (tolerances such as eps or accuracy)."""
    if isinstance(value, bool):
        raise InvalidInput(f"{what} must be a positive number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput(f"{what} must be a positive number within float64's range, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        beyond = number == 0 and bool(value > 0)  # a positive value that underflows float64
        raise InvalidInput(f"{what} must be a positive finite number" + (" within float64's range (above 5e-324)"
                           if beyond else "") + f", got {value!r}")
    return number

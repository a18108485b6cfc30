"""Hypothesis strategies for property tests of code that uses symnet.

Four strategies, following Hypothesis's own conventions (keyword-only arguments with sensible
defaults, every argument validated when the strategy is *defined*, raising
:class:`hypothesis.errors.InvalidArgument` with a message naming the argument; examples shrink
towards simple values):

- :func:`rational_numbers`: small exact rationals (sympy ``Rational``);
- :func:`weight_matrices`: exact matrices of small rationals (sympy ``ImmutableMatrix``);
- :func:`smooth_activations`: random analytic activations (sums and products of polynomials,
  ``exp``, ``tanh``, ``sin``, ``cos`` and ``log(1 + exp)`` with rational scales and shifts), with a
  guarantee that chosen derivatives sigma^(k)(at) are nonzero -- the hypothesis of the
  multiplication gate (``sigma''(b) != 0``) and of the 2^n lower bound (``sigma^(k)(0) != 0`` for
  ``0 <= k <= n``), ``MATH.md`` sections 1-3;
- :func:`networks`: random :class:`~symnet.network.Network` objects of a given shape with small
  rational weights, with or without biases.

Examples
--------
>>> from hypothesis import given, settings
>>> from symnet import strategies
>>> @settings(max_examples=5, deadline=None)
... @given(strategies.smooth_activations(nonzero_derivatives=[2]))
... def test_gate_hypothesis_holds(sigma):
...     assert sigma.derivative(2) != 0
>>> test_gate_hypothesis_holds()
"""

from __future__ import annotations

import math as _math
from collections.abc import Iterable as _Iterable
from collections.abc import Sequence as _Sequence
from fractions import Fraction as _Fraction
from typing import Any as _Any

import sympy as _sp
from hypothesis import strategies as _st
from hypothesis.errors import InvalidArgument as _InvalidArgument

from symnet.activations import VARIABLE as _X
from symnet.activations import Activation as _Activation
from symnet.activations import get as _get_activation
from symnet.activations._activation import exact_number as _exact_number
from symnet.activations._jets import is_zero as _is_zero
from symnet.errors import SymnetError as _SymnetError
from symnet.network import Layer as _Layer
from symnet.network import Network as _Network

__all__ = ["ACTIVATION_KINDS", "networks", "rational_numbers", "smooth_activations", "weight_matrices"]

#: The building blocks of :func:`smooth_activations`, simplest first (examples shrink to the left).
ACTIVATION_KINDS = ("polynomial", "exp", "tanh", "sin", "cos", "softplus")

#: Highest derivative order :func:`smooth_activations` checks exactly (each check expands the
#: activation to that order at every generated example).
MAX_CHECKED_ORDER = 12

_SMOOTH_CATALOGUE = ("sigmoid", "tanh", "softplus", "silu", "gelu", "exp", "cos", "square")


# -- argument validation (eager, InvalidArgument naming the argument) --------------------------

def _check_int(value: _Any, name: str, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _InvalidArgument(f"{name}={value!r} must be an int, not {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise _InvalidArgument(f"{name}={value!r} must be {bound}")
    return value


def _check_rational(value: _Any, name: str) -> _Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, _Fraction, _sp.Rational)):
        raise _InvalidArgument(f"{name}={value!r} must be an exact rational (int, fractions.Fraction or "
                               f"sympy Rational), not {type(value).__name__}")
    if isinstance(value, _sp.Rational):
        return _Fraction(int(value.p), int(value.q))
    return _Fraction(value)


def _check_strategy(value: _Any, name: str) -> _st.SearchStrategy:
    if not isinstance(value, _st.SearchStrategy):
        raise _InvalidArgument(f"{name}={value!r} must be a Hypothesis strategy, not {type(value).__name__}")
    return value


def _check_bool(value: _Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise _InvalidArgument(f"{name}={value!r} must be True or False")
    return value


# -- numbers and matrices ------------------------------------------------------------------------

def rational_numbers(
    *,
    min_value: int | _Fraction | _sp.Rational = -2,
    max_value: int | _Fraction | _sp.Rational = 2,
    max_denominator: int = 4,
    allow_zero: bool = True,
) -> _st.SearchStrategy[_sp.Rational]:
    """Exact rationals p/q in ``[min_value, max_value]`` with ``q <= max_denominator``.

    Values are sympy ``Rational`` objects; examples shrink towards 0 (or the bound nearest to it).

    Parameters
    ----------
    min_value, max_value : int, Fraction or sympy Rational
        The closed range (default [-2, 2]).
    max_denominator : int
        Largest denominator (default 4), at least 1 (1 gives integers).
    allow_zero : bool
        Whether 0 may be drawn (default True); weights of a network often must be nonzero.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from symnet.strategies import rational_numbers
    >>> @settings(max_examples=20, derandomize=True, database=None)
    ... @given(rational_numbers(min_value=1, max_value=2))
    ... def test_in_range(r):
    ...     assert 1 <= r <= 2 and r.q <= 4
    >>> test_in_range()
    >>> rational_numbers(min_value=1, max_value=0)
    Traceback (most recent call last):
    ...
    hypothesis.errors.InvalidArgument: min_value=1 is greater than max_value=0
    """
    lo = _check_rational(min_value, "min_value")
    hi = _check_rational(max_value, "max_value")
    if lo > hi:
        raise _InvalidArgument(f"min_value={min_value} is greater than max_value={max_value}")
    _check_int(max_denominator, "max_denominator", 1)
    _check_bool(allow_zero, "allow_zero")
    # The range must contain a fraction with a small enough denominator (and a nonzero one if
    # zero is excluded): ceil(lo * q) <= floor(hi * q) for some q <= max_denominator.
    candidates = [(q, _math.ceil(lo * q), _math.floor(hi * q)) for q in range(1, max_denominator + 1)]
    if not any(a <= b for _q, a, b in candidates):
        raise _InvalidArgument(f"no fraction with denominator <= {max_denominator} lies in "
                               f"[{min_value}, {max_value}]")
    if not allow_zero and not any(a <= b and (a, b) != (0, 0) for _q, a, b in candidates):
        raise _InvalidArgument(f"allow_zero=False, but 0 is the only candidate in [{min_value}, {max_value}]")
    base = _st.fractions(min_value=lo, max_value=hi, max_denominator=max_denominator)
    if not allow_zero:
        base = base.filter(lambda f: f != 0)
    return base.map(lambda f: _sp.Rational(f.numerator, f.denominator))


def weight_matrices(
    rows: int,
    cols: int,
    *,
    elements: _st.SearchStrategy | None = None,
) -> _st.SearchStrategy[_sp.ImmutableMatrix]:
    """Exact ``rows x cols`` matrices (sympy ``ImmutableMatrix``) with entries from ``elements``.

    Parameters
    ----------
    rows, cols : int
        The shape, each at least 1. For a random shape, compose:
        ``st.integers(1, 4).flatmap(lambda m: weight_matrices(m, 2))``.
    elements : strategy, optional
        The entries: anything :func:`symnet.activations._activation.exact_number` accepts (ints,
        Fractions, sympy numbers). Default :func:`rational_numbers` ``()``, i.e. p/q in [-2, 2]
        with q <= 4.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from symnet.strategies import weight_matrices
    >>> @settings(max_examples=10, derandomize=True, database=None)
    ... @given(weight_matrices(2, 3))
    ... def test_shape(m):
    ...     assert m.shape == (2, 3) and all(abs(v) <= 2 and v.q <= 4 for v in m)
    >>> test_shape()
    >>> weight_matrices(0, 3)
    Traceback (most recent call last):
    ...
    hypothesis.errors.InvalidArgument: rows=0 must be >= 1
    """
    _check_int(rows, "rows", 1)
    _check_int(cols, "cols", 1)
    elements = rational_numbers() if elements is None else _check_strategy(elements, "elements")
    entries = _st.lists(elements.map(_exact_entry), min_size=rows * cols, max_size=rows * cols)
    return entries.map(lambda flat: _sp.ImmutableMatrix(rows, cols, flat))


def _exact_entry(value: _Any) -> _sp.Expr:
    try:
        return _exact_number(value, "a weight drawn from elements")
    except _SymnetError as err:
        raise _InvalidArgument(f"elements must draw exact finite numbers: {err}") from None


# -- activations ----------------------------------------------------------------------------------

def smooth_activations(
    *,
    kinds: _Iterable[str] = ACTIVATION_KINDS,
    max_terms: int = 3,
    max_degree: int = 3,
    nonzero_derivatives: _Iterable[int] = (),
    min_nonzero_derivatives: int = 0,
    at: _Any = 0,
) -> _st.SearchStrategy[_Activation]:
    """Random analytic activations: sums of up to ``max_terms`` terms, each a building block or
    a product of two, with small rational coefficients, scales and shifts.

    The building blocks (``kinds``) are ``"polynomial"`` (degree 1 to ``max_degree``), and
    ``"exp"``, ``"tanh"``, ``"sin"``, ``"cos"``, ``"softplus"`` (``log(1 + exp)``) applied to
    ``a x + b`` and multiplied by ``c``, with ``a, c`` nonzero rationals in [-2, 2] and ``b`` a
    rational in [-1, 1]. All are entire (or analytic on the real line), so the activation is
    smooth everywhere.

    The derivative conditions are guaranteed by construction and checked exactly with
    :meth:`~symnet.activations.Activation.derivative`: after drawing sigma, every required order
    k with sigma^(k)(at) = 0 gets a term ``r_k (x - at)^k`` with a nonzero rational ``r_k``, which
    changes the k-th derivative at ``at`` and no other.

    Parameters
    ----------
    kinds : iterable of str
        A non-empty subset of :data:`ACTIVATION_KINDS` (default: all).
    max_terms : int
        Most terms in the sum, 1 to 8 (default 3).
    max_degree : int
        Highest degree of a polynomial block, 1 to 12 (default 3). The repair terms above may
        exceed it when a required order does.
    nonzero_derivatives : iterable of int
        Orders k with sigma^(k)(at) != 0 guaranteed, each 0 to :data:`MAX_CHECKED_ORDER` (12):
        e.g. ``[2]`` for the multiplication gate, ``range(0, n + 1)`` for the 2^n lower bound.
    min_nonzero_derivatives : int
        Shorthand: the derivatives of orders 0, ..., ``min_nonzero_derivatives - 1`` are all
        nonzero (default 0: no condition). Combined with ``nonzero_derivatives``.
    at : exact number
        The point of the derivative conditions (default 0), e.g. ``Rational(1, 2)`` or
        ``log(2 + sqrt(3))``.

    Examples
    --------
    >>> import sympy as sp
    >>> from hypothesis import given, settings
    >>> from symnet.strategies import smooth_activations
    >>> @settings(max_examples=5, derandomize=True, database=None)
    ... @given(smooth_activations(kinds=["tanh"], min_nonzero_derivatives=4))
    ... def test_derivatives(sigma):
    ...     assert sigma.expr.has(sp.tanh) and all(sigma.derivative(k) != 0 for k in range(4))
    >>> test_derivatives()
    >>> smooth_activations(kinds=["relu"])
    Traceback (most recent call last):
    ...
    hypothesis.errors.InvalidArgument: kinds contains 'relu'; the kinds are polynomial, exp, tanh, sin, cos, softplus
    """
    if isinstance(kinds, str) or not isinstance(kinds, _Iterable):
        raise _InvalidArgument(f"kinds={kinds!r} must be a collection of kind names such as ('exp', 'tanh')")
    kinds = tuple(kinds)
    if not kinds:
        raise _InvalidArgument("kinds must not be empty")
    for kind in kinds:
        if kind not in ACTIVATION_KINDS:
            raise _InvalidArgument(f"kinds contains {kind!r}; the kinds are {', '.join(ACTIVATION_KINDS)}")
    kinds = tuple(k for k in ACTIVATION_KINDS if k in kinds)  # canonical order: shrink to the simplest
    _check_int(max_terms, "max_terms", 1, 8)
    _check_int(max_degree, "max_degree", 1, MAX_CHECKED_ORDER)
    if isinstance(nonzero_derivatives, (str, bytes)) or not isinstance(nonzero_derivatives, _Iterable):
        raise _InvalidArgument(f"nonzero_derivatives={nonzero_derivatives!r} must be a collection of orders")
    orders = set()
    for k in nonzero_derivatives:
        orders.add(_check_int(k, "an order in nonzero_derivatives", 0, MAX_CHECKED_ORDER))
    n = _check_int(min_nonzero_derivatives, "min_nonzero_derivatives", 0, MAX_CHECKED_ORDER + 1)
    orders |= set(range(n))
    if isinstance(at, (str, bytes)):
        raise _InvalidArgument(f"at={at!r} must be an exact number, not a string")
    try:
        point = _exact_number(at, "at")
    except _SymnetError as err:
        raise _InvalidArgument(f"at={at!r}: {err}") from None
    required = tuple(sorted(orders))
    return _activations(kinds, max_terms, max_degree, required, point)


_COEFFICIENTS = rational_numbers(min_value=-2, max_value=2, max_denominator=3, allow_zero=False)
_SHIFTS = rational_numbers(min_value=-1, max_value=1, max_denominator=3)


@_st.composite
def _block(draw: _Any, kinds: tuple[str, ...], max_degree: int) -> _sp.Expr:
    kind = draw(_st.sampled_from(kinds))
    if kind == "polynomial":
        degree = draw(_st.integers(1, max_degree))
        coeffs = draw(_st.lists(_COEFFICIENTS, min_size=degree, max_size=degree))
        constant = draw(_SHIFTS)
        return constant + _sp.Add(*[c * _X ** (k + 1) for k, c in enumerate(coeffs)])
    a, b, c = draw(_COEFFICIENTS), draw(_SHIFTS), draw(_COEFFICIENTS)
    z = a * _X + b
    if kind == "exp":
        return c * _sp.exp(z)
    if kind == "tanh":
        return c * _sp.tanh(z)
    if kind == "sin":
        return c * _sp.sin(z)
    if kind == "cos":
        return c * _sp.cos(z)
    return c * _sp.log(1 + _sp.exp(z))  # softplus


@_st.composite
def _activations(draw: _Any, kinds: tuple[str, ...], max_terms: int, max_degree: int,
                 required: tuple[int, ...], point: _sp.Expr) -> _Activation:
    terms = []
    for _ in range(draw(_st.integers(1, max_terms))):
        term = draw(_block(kinds, max_degree))
        if draw(_st.booleans()):
            term = term * draw(_block(kinds, max_degree))
        terms.append(term)
    expr = _sp.Add(*terms)
    if required:
        values = _Activation("candidate", expr).derivatives(max(required), at=point)
        repairs = [k for k in required if _is_zero(values[k])]
        for k in repairs:
            expr = expr + draw(_COEFFICIENTS) * (_X - point) ** k
    if not expr.has(_X):  # a constant activation would be useless (and has sigma' = 0)
        expr = expr + _X
    return _Activation(str(expr), expr, "random smooth activation (symnet.strategies)")


# -- networks -------------------------------------------------------------------------------------

def networks(
    *,
    n_inputs: int = 2,
    widths: _Sequence[int] = (3,),
    n_outputs: int = 1,
    activations: _Any = None,
    biases: bool = True,
    output_bias: bool | None = None,
    weights: _st.SearchStrategy | None = None,
) -> _st.SearchStrategy[_Network]:
    """Random :class:`~symnet.network.Network` objects of a given shape with exact weights.

    Parameters
    ----------
    n_inputs : int
        Number of inputs, at least 1 (default 2).
    widths : sequence of int
        The hidden layer widths, each at least 1 (default ``(3,)``: one hidden layer of 3).
        At least one hidden layer.
    n_outputs : int
        Number of outputs of the linear output layer (default 1).
    activations : Activation, str, sequence of those, or strategy, optional
        The activation of every hidden layer: one activation (or catalogue name) for all, a
        sequence with one per hidden layer, or a strategy drawing one per hidden layer (e.g.
        :func:`smooth_activations` ``()``). Default: drawn from the smooth activations of the
        catalogue (sigmoid, tanh, softplus, silu, gelu, exp, cos, square).
    biases : bool
        Whether hidden layers get random biases (default True); False gives zero hidden biases.
    output_bias : bool, optional
        Whether the output layer gets a random bias (default: the same as ``biases``), so
        ``biases=False`` gives the bias-free model of the lower bound (``MATH.md`` section 3).
    weights : strategy, optional
        The entries of weights and biases (default :func:`rational_numbers` ``()``).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from symnet.strategies import networks
    >>> @settings(max_examples=5, derandomize=True, database=None)
    ... @given(networks(n_inputs=3, widths=(4, 2), biases=False))
    ... def test_shape(net):
    ...     assert (net.n_inputs, net.widths, net.is_bias_free) == (3, (4, 2), True)
    >>> test_shape()
    >>> networks(widths=())
    Traceback (most recent call last):
    ...
    hypothesis.errors.InvalidArgument: widths=() must list at least one hidden layer width
    """
    _check_int(n_inputs, "n_inputs", 1)
    _check_int(n_outputs, "n_outputs", 1)
    if isinstance(widths, (str, bytes)) or not isinstance(widths, _Sequence):
        raise _InvalidArgument(f"widths={widths!r} must be a sequence of ints, e.g. (4, 2)")
    widths = tuple(widths)
    if not widths:
        raise _InvalidArgument(f"widths={widths!r} must list at least one hidden layer width")
    for w in widths:
        _check_int(w, "each width in widths", 1)
    _check_bool(biases, "biases")
    if output_bias is None:
        output_bias = biases
    _check_bool(output_bias, "output_bias")
    weights = rational_numbers() if weights is None else _check_strategy(weights, "weights")
    layer_activations = _activation_strategies(activations, len(widths))
    return _networks(n_inputs, widths, n_outputs, layer_activations, biases, output_bias, weights)


def _activation_strategies(activations: _Any, depth: int) -> tuple[_st.SearchStrategy, ...]:
    """One strategy per hidden layer, from the forms :func:`networks` accepts."""
    def fixed(value: _Any, where: str) -> _st.SearchStrategy:
        if isinstance(value, _st.SearchStrategy):
            return value
        try:
            act = _get_activation(value)
        except _SymnetError as err:
            raise _InvalidArgument(f"{where}: {err}") from None
        return _st.just(act)

    if activations is None:
        return (_st.sampled_from(_SMOOTH_CATALOGUE).map(_get_activation),) * depth
    if isinstance(activations, (str, _Activation, _st.SearchStrategy)):
        return (fixed(activations, "activations"),) * depth
    if isinstance(activations, _Sequence):
        if len(activations) != depth:
            raise _InvalidArgument(f"activations has {len(activations)} entries but there are {depth} hidden layers")
        return tuple(fixed(a, f"activations[{i}]") for i, a in enumerate(activations))
    raise _InvalidArgument(f"activations={activations!r} must be an Activation, a catalogue name, a sequence of "
                           "those (one per hidden layer) or a strategy")


def _checked_activation(value: _Any) -> _Activation:
    if not isinstance(value, _Activation):
        raise _InvalidArgument(f"the activations strategy drew {value!r}, not an Activation")
    return value


@_st.composite
def _networks(draw: _Any, n_inputs: int, widths: tuple[int, ...], n_outputs: int,
              activations: tuple[_st.SearchStrategy, ...], biases: bool, output_bias: bool,
              weights: _st.SearchStrategy) -> _Network:
    entries = weights.map(_exact_entry)
    layers = []
    fan_in = n_inputs
    for width, act in zip((*widths, n_outputs), (*activations, None), strict=True):
        w = draw(_st.lists(entries, min_size=width * fan_in, max_size=width * fan_in))
        with_bias = biases if act is not None else output_bias
        b = draw(_st.lists(entries, min_size=width, max_size=width)) if with_bias else [0] * width
        activation = None if act is None else _checked_activation(draw(act))
        layers.append(_Layer(_sp.ImmutableMatrix(width, fan_in, w), _sp.ImmutableMatrix(b), activation))
        fan_in = width
    return _Network(layers)

"""Yarotsky's ReLU construction of x^2 and of multiplication ([Y] Prop. 2, 3; ``MATH.md`` section 8).

ReLU networks multiply, but not by Taylor's theorem: relu has no second derivative at 0 and a
zero one elsewhere, so the gates of ``MATH.md`` sections 1-4 (which divide by sigma''(b)) and the
series engine (which expands sigma around each pre-activation) do not apply;
``activations.get("relu").derivative(2, at=0)`` raises :class:`~symnet.errors.NotSmoothError`,
whose message points here. Yarotsky's route is exact piecewise-linear interpolation:

- the tent g(x) = 2 relu(x) - 4 relu(x - 1/2) + 2 relu(x - 1) (= 2x on [0, 1/2], 2 - 2x on
  [1/2, 1], 0 outside [0, 1]); the sawtooth g_s = g o ... o g (s times) has 2^(s-1) teeth,
  g_s(k / 2^s) = k mod 2, linear between;
- f_m(x) = x - sum_{s=1..m} g_s(x) / 2^(2s) is the piecewise-linear interpolant of x^2 on the grid
  k/2^m (Yarotsky: f_{m-1} - f_m = g_m / 4^m corrects the chord at the new midpoints), so on each
  cell [a, a + h], h = 2^-m, f_m(x) - x^2 = (x - a)(a + h - x), at most h^2/4 at the midpoint:

      sup_{[0,1]} |f_m(x) - x^2| = 2^(-2m-2), attained at the 2^m cell midpoints (2k + 1)/2^(m+1);

- xy = ((x + y)^2 - x^2 - y^2) / 2 = 2 ((x + y)/2)^2 - x^2/2 - y^2/2 on [0, 1]^2 (the rescaling
  keeps (x + y)/2 in [0, 1]); with e = f_m - (.)^2 in [0, 2^(-2m-2)], the error
  2 e((x+y)/2) - e(x)/2 - e(y)/2 lies in [-2^(-2m-2), 2^(-2m-1)], and 2^(-2m-1) is attained
  (x, y on the grid k/2^m with k + j odd puts (x + y)/2 on a midpoint): the sup error is exactly
  2^(-2m-1); on [0, M]^2 (inputs divided by M, output times M^2) it is M^2 2^(-2m-1).

The network (no skip connections in :class:`~symnet.network.Network`, so x and the partial sum
are carried through ReLUs, exact because they are non-negative on [0, 1]): layer 1 has relu(x),
relu(x - 1/2), relu(x - 1) (relu(x) = x doubles as the carry); layer s + 1 has relu(g_s),
relu(g_s - 1/2), relu(g_s - 1) and relu(f_s), where g_s and f_s = f_{s-1} - g_s / 4^s are linear
in layer s. Depth m, 4m - 1 hidden neurons (:func:`square_counts`): error eps needs
m = ceil((log2(1/eps) - 2)/2) (:func:`layers_for_accuracy`), so depth and width grow like
log(1/eps). (relu(g_s - 1) never fires on [0, 1]; it is kept to follow g's definition.)

The claims are verified exactly by :func:`piecewise_linear` (the exact breakpoints and values of
a one-input ReLU network, propagated layer by layer in rational arithmetic) and
:func:`square_error`; independently, :func:`f_m_value` evaluates the defining formula at
rational points.

Examples
--------
>>> from symnet.constructions.yarotsky import square, square_error
>>> c = square(3)
>>> c.hidden_neurons, c.depth
(11, 3)
>>> r = square_error(3)
>>> r.sup_error, r.interpolates, r.breakpoints_on_grid
(1/256, True, True)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from symnet.activations import get as get_activation
from symnet.activations._activation import exact_number
from symnet.constructions._base import LAM, Construction, Hypothesis
from symnet.errors import InvalidInput, ShapeError, TooLargeError
from symnet.network import Layer, Network, input_symbols

__all__ = [
    "MAX_M",
    "MultiplicationError",
    "PiecewiseLinear",
    "SquareError",
    "f_m_value",
    "hat",
    "layers_for_accuracy",
    "multiplication",
    "multiplication_error",
    "piecewise_linear",
    "sawtooth",
    "square",
    "square_counts",
    "square_error",
    "tent_value",
]

SOURCE = "Yarotsky, Neural Networks 94 (2017), Prop. 2 and 3 (arXiv:1610.01145); MATH.md sec. 8"

#: Largest m accepted (the exact verification enumerates 2^m cells).
MAX_M = 16

_HALF = sp.Rational(1, 2)


def _m(m: Any) -> int:
    if isinstance(m, bool) or not isinstance(m, int) or m < 1:
        raise InvalidInput(f"m (the number of sawtooth levels) must be a positive int, got {m!r}")
    if m > MAX_M:
        raise TooLargeError(f"m = {m}: the exact checks enumerate 2^m cells; symnet allows m <= {MAX_M}")
    return m


def _relu_layer(weights: Any, bias: Any) -> Layer:
    return Layer(sp.ImmutableMatrix(weights), sp.ImmutableMatrix(bias), get_activation("relu"))


def _linear(weights: Any, bias: Any = None) -> Layer:
    w = sp.ImmutableMatrix(weights)
    return Layer(w, sp.ImmutableMatrix(bias if bias is not None else [0] * w.rows), None)


def hat() -> Network:
    """The tent g(x) = 2 relu(x) - 4 relu(x - 1/2) + 2 relu(x - 1): 3 ReLU neurons, one layer.

    Examples
    --------
    >>> from sympy import Rational
    >>> from symnet.constructions.yarotsky import hat
    >>> [hat()(Rational(k, 4)) for k in range(5)]
    [0, 1/2, 1, 1/2, 0]
    """
    return Network([_relu_layer([[1], [1], [1]], [0, -_HALF, -1]), _linear([[2, -4, 2]])])


def sawtooth(s: int) -> Network:
    """g_s = g o g o ... o g (s times) by :meth:`Network.compose`: depth s, 3s neurons."""
    s = _m(s)
    net = hat()
    for _ in range(s - 1):
        net = hat().compose(net)
    return net


def _first_stage() -> Network:
    """x -> (g_1, f_1): relu(x), relu(x - 1/2), relu(x - 1); relu(x) = x carries x (x >= 0)."""
    quarter = sp.Rational(1, 4)
    g = [2, -4, 2]
    f = [1 - 2 * quarter, 4 * quarter, -2 * quarter]  # x - g_1/4 with x = relu(x)
    return Network([_relu_layer([[1], [1], [1]], [0, -_HALF, -1]), _linear([g, f])])


def _stage(s: int) -> Network:
    """(g_{s-1}, f_{s-1}) -> (g_s, f_s) with f_s = f_{s-1} - g_s / 4^s (carry relu(f_{s-1}) = f_{s-1})."""
    c = sp.Rational(1, 4**s)
    hidden = _relu_layer([[1, 0], [1, 0], [1, 0], [0, 1]], [0, -_HALF, -1, 0])
    return Network([hidden, _linear([[2, -4, 2, 0], [-2 * c, 4 * c, -2 * c, 1]])])


def _square_network(m: int) -> Network:
    net = _first_stage()
    for s in range(2, m + 1):
        net = _stage(s).compose(net)
    return Network([_linear([[0, 1]])]).compose(net)


def square_counts(m: int) -> tuple[int, int]:
    """(hidden neurons, depth) of :func:`square` (m): (4m - 1, m)."""
    m = _m(m)
    return 4 * m - 1, m


def square(m: int) -> Construction:
    """Yarotsky's f_m(x) = x - sum_{s<=m} g_s(x)/4^s as an explicit deep ReLU network on [0, 1].

    Returns a :class:`~symnet.constructions.Construction` with target x^2, depth m and 4m - 1
    hidden neurons; ``parameters`` holds m, the grid 2^-m and the exact sup error 2^(-2m-2).
    The accuracy parameter is m, not the scale lam (the network does not contain lam; ``scale``
    is kept for the common interface). The network equals f_m on [0, 1] (outside it the carried
    ReLUs clip negative values), which the hypothesis records.
    """
    m = _m(m)
    x = input_symbols(1)
    neurons, depth = square_counts(m)
    return Construction(
        name=f"yarotsky_square(m={m})",
        target=x[0] ** 2,
        variables=x,
        scale=LAM,
        activation=get_activation("relu"),
        hypotheses=(Hypothesis("x in [0, 1]", None, source=SOURCE),),
        source=SOURCE,
        hidden_neurons=neurons,
        depth=depth,
        build=lambda: _square_network(m),
        notes=(
            "the Taylor route does not apply to ReLU (no sigma'' at the kink, sigma'' = 0 elsewhere); "
            "this is exact piecewise-linear interpolation of x^2 on the grid k/2^m",
            f"sup over [0, 1] of |f_m - x^2| is exactly 2^(-2m-2) = {sp.Rational(1, 2 ** (2 * m + 2))}, "
            "at the cell midpoints",
            "relu(g_s - 1) never fires on [0, 1]; 3m - 1 neurons would do there",
        ),
        parameters={"m": m, "grid": sp.Rational(1, 2**m), "sup_error": sp.Rational(1, 2 ** (2 * m + 2))},
    )


def _bound(bound: Any) -> sp.Rational:
    value = exact_number(bound, "the input bound M")
    if not value.is_Rational or value <= 0:
        raise InvalidInput(f"the input bound M must be a positive rational, got {value}")
    return value


def multiplication(m: int, bound: Any = 1) -> Construction:
    """xy on [0, M]^2 from three copies of f_m: M^2 [2 f_m((x+y)/(2M)) - f_m(x/M)/2 - f_m(y/M)/2].

    Depth m, 3(4m - 1) hidden neurons (the three square networks side by side, via
    :meth:`Network.stack`); exact sup error M^2 2^(-2m-1) (module docstring).
    """
    m = _m(m)
    mb = _bound(bound)
    sq = _square_network(m)
    inputs = [
        Network([_linear([[1 / (2 * mb), 1 / (2 * mb)]])]),
        Network([_linear([[1 / mb, 0]])]),
        Network([_linear([[0, 1 / mb]])]),
    ]
    pieces = [sq.compose(i) for i in inputs]
    stacked = pieces[0].stack(pieces[1]).stack(pieces[2])

    def build() -> Network:
        return Network([_linear([[2 * mb**2, -(mb**2) / 2, -(mb**2) / 2]])]).compose(stacked)

    x = input_symbols(2)
    neurons, depth = square_counts(m)
    return Construction(
        name=f"yarotsky_multiplication(m={m}, M={mb})",
        target=x[0] * x[1],
        variables=x,
        scale=LAM,
        activation=get_activation("relu"),
        hypotheses=(Hypothesis(f"x, y in [0, {mb}]", None, source=SOURCE),),
        source=SOURCE,
        hidden_neurons=3 * neurons,
        depth=depth,
        build=build,
        notes=("xy = 2((x+y)/2)^2 - x^2/2 - y^2/2, each square by f_m; error in [-M^2 d, 2 M^2 d], d = 2^(-2m-2)",),
        parameters={"m": m, "bound": mb, "sup_error": mb**2 * sp.Rational(1, 2 ** (2 * m + 1))},
    )


def layers_for_accuracy(eps: Any) -> int:
    """The smallest m >= 1 with 2^(-2m-2) <= eps (exact comparison): the depth f_m needs for x^2.

    Examples
    --------
    >>> from symnet.constructions.yarotsky import layers_for_accuracy
    >>> layers_for_accuracy(1e-6)       # 2^-20 <= 10^-6 < 2^-18
    9
    """
    e = exact_number(eps, "eps")
    if not e.is_Rational or e <= 0:
        raise InvalidInput(f"eps must be a positive rational (or a float read as a decimal), got {e}")
    m = 1
    while sp.Rational(1, 2 ** (2 * m + 2)) > e:
        m += 1
    return m


# -- exact evaluation ---------------------------------------------------------------------------
def tent_value(x: Fraction) -> Fraction:
    """g(x) from its definition (2 relu(x) - 4 relu(x - 1/2) + 2 relu(x - 1)), in Fractions."""
    relu = lambda v: v if v > 0 else Fraction(0)
    return 2 * relu(x) - 4 * relu(x - Fraction(1, 2)) + 2 * relu(x - 1)


def f_m_value(m: int, x: Any) -> Fraction:
    """f_m(x) = x - sum_{s=1..m} g_s(x)/4^s from the defining formula (not the network), exactly."""
    m = _m(m)
    x = Fraction(x)
    total, g = x, x
    for s in range(1, m + 1):
        g = tent_value(g)
        total -= g / 4**s
    return total


def _fraction(v: sp.Expr) -> Fraction:
    if not v.is_Rational:
        raise InvalidInput(f"piecewise_linear needs rational weights, got {v}")
    return Fraction(int(v.p), int(v.q))


@dataclass(frozen=True)
class PiecewiseLinear:
    """A continuous piecewise-linear function on [a, b]: linear between consecutive breakpoints."""

    breakpoints: tuple[Fraction, ...]
    values: tuple[Fraction, ...]

    def __call__(self, x: Any) -> Fraction:
        x = Fraction(x)
        bp = self.breakpoints
        if not bp[0] <= x <= bp[-1]:
            raise InvalidInput(f"x = {x} is outside [{bp[0]}, {bp[-1]}]")
        return _interpolate(bp, self.values, x)

    def kinks(self) -> tuple[Fraction, ...]:
        """Interior breakpoints where the slope actually changes."""
        bp, v = self.breakpoints, self.values
        slopes = [(v[i + 1] - v[i]) / (bp[i + 1] - bp[i]) for i in range(len(bp) - 1)]
        return tuple(bp[i + 1] for i in range(len(slopes) - 1) if slopes[i] != slopes[i + 1])


def piecewise_linear(network: Network, interval: tuple[Any, Any] = (0, 1)) -> PiecewiseLinear:
    """The exact piecewise-linear form of a one-input, one-output ReLU network on an interval.

    Layer by layer, every neuron's pre-activation is linear between the current breakpoints; a
    ReLU adds the (rational) points where a pre-activation changes sign. Rational arithmetic
    throughout; the breakpoints returned are a superset of the kinks (see :meth:`kinks`).
    """
    if not isinstance(network, Network):
        raise InvalidInput(f"piecewise_linear needs a Network, got {type(network).__name__}")
    if network.n_inputs != 1 or network.n_outputs != 1:
        raise ShapeError(f"piecewise_linear needs 1 input and 1 output, got {network.n_inputs} and {network.n_outputs}")
    if any(a.name != "relu" for a in network.activations):
        raise InvalidInput("piecewise_linear handles ReLU networks only (activations: "
                           f"{', '.join(a.name for a in network.activations)})")
    a, b = (Fraction(_fraction(exact_number(v, "interval end"))) for v in interval)
    if not a < b:
        raise InvalidInput(f"the interval must have a < b, got [{a}, {b}]")
    points = [a, b]
    h = [[a, b]]  # one row per signal: values at the breakpoints
    for layer in network.layers:
        w = [[_fraction(layer.weights[i, j]) for j in range(layer.fan_in)] for i in range(layer.width)]
        bias = [_fraction(v) for v in layer.bias]
        z = [[sum((wij * row[k] for wij, row in zip(wi, h, strict=True)), Fraction(0)) + bi
              for k in range(len(points))] for wi, bi in zip(w, bias, strict=True)]
        if layer.activation is None:
            h = z
            break
        new = set()
        for row in z:
            for k in range(len(points) - 1):
                if (row[k] < 0 < row[k + 1]) or (row[k + 1] < 0 < row[k]):
                    new.add(points[k] + (points[k + 1] - points[k]) * row[k] / (row[k] - row[k + 1]))
        if new:
            merged = sorted(set(points) | new)
            z = [[_interpolate(points, row, t) for t in merged] for row in z]
            points = merged
        h = [[v if v > 0 else Fraction(0) for v in row] for row in z]
    return PiecewiseLinear(tuple(points), tuple(h[0]))


def _interpolate(points: Sequence[Fraction], values: Sequence[Fraction], t: Fraction) -> Fraction:
    """The linear interpolant through (points[i], values[i]) at t, points[0] <= t <= points[-1]."""
    lo = min(bisect_right(points, t) - 1, len(points) - 2)  # points[lo] <= t <= points[lo + 1]
    hi = lo + 1
    if t == points[lo]:
        return values[lo]
    if t == points[hi]:
        return values[hi]
    s = (t - points[lo]) / (points[hi] - points[lo])
    return values[lo] + s * (values[hi] - values[lo])


@dataclass(frozen=True)
class SquareError:
    """Exact verification of f_m against x^2 on [0, 1] (see :func:`square_error`).

    Attributes
    ----------
    m : int
    sup_error : sympy.Rational
        sup_{[0,1]} |f_m - x^2|, computed piece by piece from the exact breakpoints.
    argmax : tuple of sympy.Rational
        Where it is attained.
    interpolates : bool
        f_m(k/2^m) = (k/2^m)^2 for k = 0..2^m.
    breakpoints_on_grid : bool
        Every kink of the network lies on the grid k/2^m (so f_m is linear on each cell).
    kinks : int
        Number of kinks (2^m - 1 expected).
    formula_agrees : bool
        The network's piecewise-linear form equals the defining formula f_m at every breakpoint
        and cell midpoint.
    """

    m: int
    sup_error: sp.Rational
    argmax: tuple[sp.Rational, ...]
    interpolates: bool
    breakpoints_on_grid: bool
    kinks: int
    formula_agrees: bool

    @property
    def claim_holds(self) -> bool:
        """All of: sup = 2^(-2m-2), attained exactly at the 2^m midpoints, interpolation, grid kinks."""
        mids = tuple(sp.Rational(2 * k + 1, 2 ** (self.m + 1)) for k in range(2**self.m))
        return (self.sup_error == sp.Rational(1, 2 ** (2 * self.m + 2)) and self.argmax == mids
                and self.interpolates and self.breakpoints_on_grid and self.formula_agrees)


def _piece_sup(x0: Fraction, x1: Fraction, f0: Fraction, f1: Fraction) -> tuple[Fraction, list[Fraction]]:
    """sup |f - x^2| on [x0, x1] with f linear: e = f - x^2 is concave (vertex at x = slope/2)."""
    slope = (f1 - f0) / (x1 - x0)
    cands = [x0, x1]
    vertex = slope / 2
    if x0 < vertex < x1:
        cands.append(vertex)
    vals = {x: abs(f0 + slope * (x - x0) - x * x) for x in cands}
    top = max(vals.values())
    return top, [x for x, v in vals.items() if v == top]


def square_error(m: int) -> SquareError:
    """Verify Yarotsky's f_m exactly: interpolation on k/2^m, kinks on the grid, sup error 2^(-2m-2).

    The sup is computed from the network's exact piecewise-linear form (:func:`piecewise_linear`):
    on each piece the error f - x^2 is concave, so its sup is at an end or at the vertex.
    """
    m = _m(m)
    pl = piecewise_linear(square(m).network)
    grid = [Fraction(k, 2**m) for k in range(2**m + 1)]
    interpolates = all(pl(x) == x * x for x in grid)
    on_grid = all((x * 2**m).denominator == 1 for x in pl.kinks())
    best = Fraction(-1)
    where: set[Fraction] = set()
    for i in range(len(pl.breakpoints) - 1):
        top, xs = _piece_sup(pl.breakpoints[i], pl.breakpoints[i + 1], pl.values[i], pl.values[i + 1])
        if top > best:
            best, where = top, set(xs)
        elif top == best:
            where |= set(xs)
    checks = list(pl.breakpoints) + [Fraction(2 * k + 1, 2 ** (m + 1)) for k in range(2**m)]
    agrees = all(pl(x) == f_m_value(m, x) for x in checks)
    return SquareError(m, sp.Rational(best.numerator, best.denominator),
                       tuple(sp.Rational(x.numerator, x.denominator) for x in sorted(where)),
                       interpolates, on_grid, len(pl.kinks()), agrees)


@dataclass(frozen=True)
class MultiplicationError:
    """The exact sup error of :func:`multiplication` on [0, M]^2 (see :func:`multiplication_error`).

    ``bound`` = M^2 2^(-2m-1) is proven from the one-dimensional result (module docstring);
    ``attained_at`` is a point where the network's error equals it, checked exactly with the
    network's own exact evaluation; ``lower`` is the most negative error, -M^2 2^(-2m-2), also attained.
    """

    m: int
    bound: sp.Rational
    attained_at: tuple[sp.Rational, sp.Rational]
    lower: sp.Rational
    lower_at: tuple[sp.Rational, sp.Rational]
    attained: bool


def multiplication_error(m: int, bound: Any = 1) -> MultiplicationError:
    """The sup error M^2 2^(-2m-1) of the ReLU multiplication, with exact points attaining both extremes.

    Upper extreme: x = M/2^m, y = 0 (grid points with k + j = 1 odd: (x + y)/2 is a midpoint, x
    and y are interpolation nodes). Lower extreme: x = M/2^(m+1), y = 3M/2^(m+1) (the midpoints
    of the first two cells, (x + y)/2 = M/2^m a node): error -M^2 2^(-2m-2).
    """
    m = _m(m)
    mb = _bound(bound)
    net = multiplication(m, mb).network
    up = (mb / 2**m, sp.Integer(0))
    low = (mb / 2 ** (m + 1), 3 * mb / 2 ** (m + 1))
    err_up = net(*up) - up[0] * up[1]
    err_low = net(*low) - low[0] * low[1]
    target_up = mb**2 * sp.Rational(1, 2 ** (2 * m + 1))
    target_low = -(mb**2) * sp.Rational(1, 2 ** (2 * m + 2))
    return MultiplicationError(m, target_up, up, target_low, low, err_up == target_up and err_low == target_low)

"""Float64 and mpmath evaluation of networks, with the cancellation estimate and precision planning.

The constructions of expressivity theory cancel catastrophically in floating point: the 2^n
formula (``MATH.md`` section 2) adds 2^n values sigma(b + lam s.x) of size O(1), with weights of
size 1/(2^n lam^n sigma^(n)(b)), to produce x_1 ... x_n of size O(1). Every summand carries a
rounding error of about u |w_j sigma_j| (u = 2^-53), so the result has an absolute error of about
u / lam^n: at n = 6 and lam = 1e-3 that is 1e2, not 1e-16.

symnet estimates that error before trusting a number. While evaluating in float64 it propagates
a first-order running error bound (Higham, *Accuracy and Stability of Numerical Algorithms*,
2nd ed., sections 3.1-3.3, "running error analysis"): for each layer z = W h + b with fan-in m,

    e_z = |W| e_h + (m + 2) u (|W| |h| + |b|)                (dot product, bias, rounded weights)
    e_sigma = |sigma'(z)| e_z + c u (|sigma(z)| + 1)          (propagation, activation rounding)

with c = 4 ulps for the activation's implementation. The output's bound is ``u * K(x)``; K(x) is
the *amplification*, independent of the working precision to first order, and
``log10(K(x) / |f(x)|)`` is the number of significant digits the cancellation destroys. The same
K gives the mpmath precision that meets a requested absolute accuracy a: prec = log2(K / a) plus
guard bits. :func:`evaluate` uses float64 when its bound meets the request and otherwise promotes
to mpmath, refuses with :class:`~symnet.errors.PrecisionError`, or warns, as asked; it never
returns a float64 number it knows to be wrong without saying so.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from symnet.activations import VARIABLE, Activation
from symnet.activations._numeric import to_numpy_function
from symnet.errors import InvalidInput, PrecisionError, TooLargeError
from symnet.network import Network, to_mpf
from symnet.numeric._inputs import Problem, as_points, as_positive, resolve, short_number
from symnet.numeric._poly import Polynomial

__all__ = [
    "ACTIVATION_ULPS",
    "DEFAULT_RELATIVE_ACCURACY",
    "MAX_MPMATH_WORK",
    "UNIT_ROUNDOFF",
    "Evaluation",
    "Float64Program",
    "MpmathProgram",
    "PrecisionPlan",
    "PrecisionWarning",
    "evaluate",
    "evaluate_error",
    "mpmath_prec_for",
    "plan_precision",
]

#: Unit roundoff of IEEE double precision.
UNIT_ROUNDOFF = 2.0**-53
#: Rounding error of an activation's float implementation, in units of u (relative to |sigma| + 1).
ACTIVATION_ULPS = 4.0
#: The accuracy :func:`evaluate` aims at without ``accuracy=``: this relative to the largest value
#: (absolute below 1), i.e. 6 significant digits.
DEFAULT_RELATIVE_ACCURACY = 1e-6
#: Most multiply-adds (points x weights and biases) of one mpmath pass: about 10 us each, so 10^7
#: take one to two minutes.
MAX_MPMATH_WORK = 10**7
#: Largest decimal precision accepted for ``dps``: one softplus takes 0.2 s at 10^4 digits, 17 s at 10^5.
MAX_DPS = 10_000
#: Largest precision in bits accepted by :meth:`MpmathProgram.run` (MAX_DPS digits).
MAX_PREC = math.ceil(MAX_DPS / math.log10(2))
#: Guard bits added to the mpmath precision computed from the amplification.
GUARD_BITS = 16
#: Entries (rows x widest layer) per block of the float64 evaluation: bounds the memory of the
#: hidden activations, and 2**17 doubles (1 MB per array) stay in cache, which measured 1.4-2x
#: faster than 2**21 on the 2^n networks of benchmarks/numeric_eval.py.
BLOCK_ENTRIES = 2**17


class PrecisionWarning(UserWarning):
    """Float64 results whose estimated rounding error exceeds what was asked (or 1e-6 relative),
    returned because float64 was forced (``backend="float64"``) or ``on_shortfall="warn"``."""


#: Functions whose presence makes an activation piecewise (kinks, or jumps for Heaviside).
_PIECEWISE = (sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.Piecewise, sp.sign)


@lru_cache(maxsize=128)
def _derivative_numpy(activation: Activation):
    """sigma' in float64 where sigma is differentiable (the DiracDelta terms of a jump are 0
    away from it; the jump itself is accounted for by :func:`_propagated_error`)."""
    derivative = sp.diff(activation.expr, VARIABLE).replace(sp.DiracDelta, lambda *args: sp.S.Zero)
    return to_numpy_function(derivative, VARIABLE)


@lru_cache(maxsize=128)
def _is_piecewise(activation: Activation) -> bool:
    return activation.expr.has(*_PIECEWISE)


def _abs_derivative(activation: Activation, z: np.ndarray) -> np.ndarray:
    """|sigma'(z)| in float64; where the formula overflows, a central difference instead."""
    d = np.abs(_derivative_numpy(activation)(z))
    bad = ~np.isfinite(d)
    if bad.any():
        zb = z[bad]
        h = 1e-6 * np.maximum(1.0, np.abs(zb))
        with np.errstate(invalid="ignore", over="ignore"):
            d[bad] = np.abs(activation.numpy(zb + h) - activation.numpy(zb - h)) / (2 * h)
        d[~np.isfinite(d)] = np.inf
    return d


def _propagated_error(activation: Activation, z: np.ndarray, values: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Bound, in units of u, on |sigma(z + d) - sigma(z)| for |d| <= u e.

    Smooth sigma: |sigma'(z)| e (first order). Piecewise sigma (relu, elu, abs, heaviside, ...): the
    interval [z - u e, z + u e] may cross a kink or a jump, so the slope is the largest of |sigma'|
    at z and at both ends (the other side of a kink), and the change of value from z to either end
    is added (a jump of size J gives J / u; exact for monotone steps such as heaviside).
    """
    if not _is_piecewise(activation):
        return _abs_derivative(activation, z) * e
    radius = UNIT_ROUNDOFF * e
    lower, upper = z - radius, z + radius
    slope = np.maximum(_abs_derivative(activation, z),
                       np.maximum(_abs_derivative(activation, lower), _abs_derivative(activation, upper)))
    change = np.maximum(np.abs(activation.numpy(lower) - values), np.abs(activation.numpy(upper) - values))
    return slope * e + change / UNIT_ROUNDOFF


class Float64Program:
    """A numeric network compiled to float64 arrays (weights converted once).

    Parameters
    ----------
    network : Network
        Numeric weights (no free symbols) and concrete activations.

    Examples
    --------
    >>> import numpy as np
    >>> from symnet.network import Network
    >>> from symnet.numeric import Float64Program
    >>> net = Network.single_hidden_layer([[1, 1], [1, -1]], [1, -1], "square")
    >>> values, amplification = Float64Program(net).run(np.array([[1.0, 2.0]]))
    >>> values
    array([8.])
    """

    def __init__(self, network: Network):
        if not isinstance(network, Network):
            raise InvalidInput(f"Float64Program needs a Network, got {type(network).__name__}")
        network._require_numeric("float64 evaluation")
        self.network = network
        self.layers = []
        for index, layer in enumerate(network.layers, 1):
            w = _float64_array(layer.weights.tolist(), f"layer {index}: a weight")
            b = _float64_array(list(layer.bias), f"layer {index}: a bias")
            self.layers.append((np.ascontiguousarray(w.T), b, np.ascontiguousarray(np.abs(w).T), np.abs(b),
                                layer.activation))
        self.width = max(wt.shape[1] for wt, *_ in self.layers)

    def run(self, points: np.ndarray, estimate: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Values at the rows of ``points`` (shape (N, n_inputs)) and, if ``estimate``, the
        amplification K (the output's float64 error is at most about ``UNIT_ROUNDOFF * K``).
        Single-output networks give arrays of shape (N,)."""
        points = as_points(points, self.network.n_inputs)
        n = points.shape[0]
        block = max(1, BLOCK_ENTRIES // self.width)
        outs, amps = [], []
        for start in range(0, n, block):
            v, k = self._run_block(points[start:start + block], estimate)
            outs.append(v)
            amps.append(k)
        values = np.concatenate(outs)
        amplification = np.concatenate(amps) if estimate else None
        if values.ndim == 2 and values.shape[1] == 1:
            values = values[:, 0]
            amplification = amplification[:, 0] if estimate else None
        return values, amplification

    def _run_block(self, h: np.ndarray, estimate: bool):
        e = np.zeros_like(h) if estimate else None
        with np.errstate(over="ignore", invalid="ignore"):
            for wt, b, awt, ab, activation in self.layers:
                z = _affine(h, wt, b)
                if estimate:
                    e = _affine(e, awt, 0.0) + (wt.shape[0] + 2) * _affine(np.abs(h), awt, ab)
                if activation is None:
                    h = z
                    continue
                h = activation.numpy(z)
                if estimate:
                    e = _propagated_error(activation, z, h, e) + ACTIVATION_ULPS * (np.abs(h) + 1.0)
        if estimate:
            e[~np.isfinite(h)] = np.inf
            e[np.isnan(e)] = np.inf
        return h, e


def _float64_array(entries: list, what: str) -> np.ndarray:
    """Exact numbers (a list, or a list of rows) as float64, each with a relative error <= u.

    A nonzero value that underflows (below the smallest normal double, 2.2e-308) or overflows
    (above 1.8e308) would break the running error bound, which assumes relative rounding.
    """
    cache: dict = {}  # the constructions repeat few distinct values (and many zeros)

    def number(v: Any) -> Any:
        if v not in cache:
            cache[v] = sp.N(v, 20)
        return cache[v]

    numbers = np.array([[number(v) for v in row] if isinstance(row, list) else number(row) for row in entries],
                       dtype=object)
    values = numbers.astype(float)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values) | ((np.abs(values) < _SMALLEST_NORMAL) & (numbers != 0))
    if bad.any():
        raise PrecisionError(
            f"{what} is {sp.N(numbers[bad][0], 4)}, outside float64's range (normal doubles have "
            "2.2e-308 <= |value| <= 1.8e308), so float64 evaluation and its rounding estimate do not apply; "
            "use mpmath instead (evaluate(..., backend='mpmath', dps=...))"
        )
    return values


#: The smallest positive normal double; below it the relative rounding error exceeds u.
_SMALLEST_NORMAL = float(np.finfo(float).tiny)


def _affine(h: np.ndarray, wt: np.ndarray, b: Any) -> np.ndarray:
    """h @ wt + b, with the bias added in place (one temporary less)."""
    z = h @ wt
    z += b
    return z


def mpmath_prec_for(amplification: float, accuracy: float, remedy: str = "choose the precision yourself") -> int:
    """Bits of mpmath precision for which ``amplification * 2**-prec <= accuracy``, plus guard bits.

    ``remedy`` completes the :class:`~symnet.errors.PrecisionError` raised when the amplification
    is not finite (it says what the caller's user can do).
    """
    if not math.isfinite(amplification):
        raise PrecisionError(
            "the rounding amplification is not finite (the float64 pass overflowed, or a weight is outside "
            f"float64's range), so symnet cannot choose a working precision; {remedy}"
        )
    accuracy = max(accuracy, math.ulp(0.0))  # an accuracy that underflowed to 0 asks for every bit of a double
    return max(53, math.ceil(math.log2(max(amplification, 1.0)) - math.log2(accuracy)) + GUARD_BITS)


class MpmathProgram:
    """A numeric network evaluated with mpmath at a given precision (weights converted once per
    precision; inputs converted exactly from their float64 values)."""

    def __init__(self, network: Network):
        if not isinstance(network, Network):
            raise InvalidInput(f"MpmathProgram needs a Network, got {type(network).__name__}")
        network._require_numeric("mpmath evaluation")
        self.network = network
        self._weights: dict[int, list] = {}
        # per layer, per neuron: the (input index, weight) pairs of its nonzero weights (the
        # constructions' layers are sparse: deep_product(128) has 2.5% nonzero entries)
        self._sparse = [[[(j, v) for j, v in enumerate(row) if v != 0] for row in layer.weights.tolist()]
                        for layer in network.layers]
        #: Multiply-adds per point: the nonzero weights plus the biases.
        self.work_per_point = sum(len(row) + 1 for rows in self._sparse for row in rows)

    def _layers(self) -> list:
        prec = mpmath.mp.prec
        if prec not in self._weights:
            self._weights[prec] = [
                ([[(j, w) for j, w in ((j, to_mpf(v)) for j, v in row) if w] for row in rows],
                 [to_mpf(v) for v in layer.bias], layer.activation)
                for rows, layer in zip(self._sparse, self.network.layers, strict=True)
            ]
        return self._weights[prec]

    def run(self, points: np.ndarray, prec: int) -> list:
        """Values (mpf, or lists of mpf for several outputs) at ``prec`` bits.

        Raises :class:`~symnet.errors.TooLargeError` beyond ``MAX_MPMATH_WORK`` multiply-adds
        (points times :attr:`work_per_point`).
        """
        if isinstance(prec, bool) or not isinstance(prec, (int, np.integer)) or not 2 <= prec <= MAX_PREC:
            raise InvalidInput(f"prec must be an int number of bits between 2 and {MAX_PREC}, got {prec!r}")
        points = as_points(points, self.network.n_inputs)
        work = len(points) * self.work_per_point
        if work > MAX_MPMATH_WORK:
            raise TooLargeError(
                f"mpmath evaluation of {len(points)} points through a network of {self.work_per_point} weights and "
                f"biases is {work:.3g} multiply-adds, beyond symnet's limit of {MAX_MPMATH_WORK:.0e} per pass (about "
                "two minutes); use fewer points, a larger scale (where float64 suffices), or float64 with its "
                "error estimate (backend='float64')"
            )
        out = []
        with mpmath.workprec(prec):
            layers = self._layers()
            for row in points:
                h = [mpmath.mpf(float(v)) for v in row]
                for w, b, activation in layers:
                    h = [mpmath.fsum(wij * h[j] for j, wij in wr) + bi for wr, bi in zip(w, b, strict=True)]
                    if activation is not None:
                        h = [activation.mpmath(v) for v in h]
                out.append(h[0] if len(h) == 1 else h)
        return out


@dataclass(frozen=True)
class PrecisionPlan:
    """How symnet will evaluate a network to a requested absolute accuracy.

    Attributes
    ----------
    backend : str
        ``"float64"`` or ``"mpmath"``.
    prec : int
        Working precision in bits (53 for float64).
    dps : int
        The same in decimal digits.
    accuracy : float
        The requested absolute accuracy.
    float64_error : float
        The estimated worst-case float64 error over the points (u * max K).
    digits_lost : float
        max over points of log10(K(x) / |f(x)|): significant digits destroyed by cancellation.
    amplification : float
        max over points of K(x).
    """

    backend: str
    prec: int
    dps: int
    accuracy: float
    float64_error: float
    digits_lost: float
    amplification: float

    def __str__(self) -> str:
        return (f"{self.backend} at {self.prec} bits (~{self.dps} digits) for accuracy {self.accuracy:.3g}: "
                f"float64 error estimate {self.float64_error:.3g}, {self.digits_lost:.1f} digits lost to cancellation")


@dataclass(frozen=True)
class Evaluation:
    """Values of a network (or of network - target) at points, with their error estimate.

    Attributes
    ----------
    values : numpy.ndarray
        float64 values (for the mpmath backend: the accurate values rounded to float64).
    error_estimate : numpy.ndarray
        Estimated absolute error of each value (first-order running error bound; for the mpmath
        backend including the final rounding to float64).
    backend : str
    prec : int
        Working precision in bits.
    digits_lost : float
    mp_values : tuple or None
        The mpmath values, when mpmath was used.
    """

    values: np.ndarray
    error_estimate: np.ndarray
    backend: str
    prec: int
    digits_lost: float
    mp_values: tuple | None = None

    @property
    def max_error_estimate(self) -> float:
        return float(np.max(self.error_estimate))

    def __len__(self) -> int:
        return len(self.values)


def _digits_lost(values: np.ndarray, amplification: np.ndarray) -> float:
    scale = np.maximum(np.abs(values), np.finfo(float).tiny)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lost = np.log10(amplification / scale)
    lost = np.where(np.isnan(lost), np.inf, lost)
    return float(max(0.0, np.max(lost)))


def _problem_and_points(obj: Any, points: Any, scale: Any) -> tuple[Problem, np.ndarray]:
    problem = resolve(obj, scale)
    if problem.network.n_outputs != 1:
        raise InvalidInput(f"{problem.name}: symnet.numeric evaluates single-output networks; this one has "
                           f"{problem.network.n_outputs} outputs")
    return problem, as_points(points, problem.network.n_inputs)


@lru_cache(maxsize=64)
def _float_program(network: Network) -> Float64Program:
    return Float64Program(network)


@lru_cache(maxsize=64)
def _mpmath_program(network: Network) -> MpmathProgram:
    return MpmathProgram(network)


@lru_cache(maxsize=64)
def _target_polynomial(target: sp.Expr, variables: tuple) -> Polynomial:
    return Polynomial(target, variables)


def _float64_pass(problem: Problem, pts: np.ndarray, subtract_target: bool):
    """Values and amplifications in float64; NaN values and infinite amplifications where the
    network's weights are outside float64's range (no bound applies there)."""
    try:
        program = _float_program(problem.network)
    except PrecisionError:
        return np.full(len(pts), np.nan), np.full(len(pts), np.inf)
    values, amp = program.run(pts, estimate=True)
    if subtract_target:
        poly = _target_polynomial(problem.target, problem.variables)
        t, t_abs = poly.numpy_with_bound(pts)
        values = values - t
        amp = amp + poly.rounding_factor() * t_abs + np.abs(values)
        amp[np.isnan(amp)] = np.inf  # a NaN value (inf - inf) has no bound
    return values, amp


def _mpmath_pass(problem: Problem, pts: np.ndarray, prec: int, subtract_target: bool) -> list:
    values = _mpmath_program(problem.network).run(pts, prec)
    if subtract_target:
        poly = _target_polynomial(problem.target, problem.variables)
        with mpmath.workprec(prec):
            values = [v - poly.evaluate([mpmath.mpf(float(x)) for x in row], to_mpf, mpmath.mpf(0))
                      for v, row in zip(values, pts, strict=False)]
    return values


def _plan(values: np.ndarray, amp: np.ndarray, accuracy: float) -> PrecisionPlan:
    kmax = float(np.max(amp))
    f64 = UNIT_ROUNDOFF * kmax
    lost = _digits_lost(values, amp)
    if f64 <= accuracy:
        return PrecisionPlan("float64", 53, 15, accuracy, f64, lost, kmax)
    prec = mpmath_prec_for(kmax, accuracy, remedy="evaluate(..., backend='mpmath', dps=...) evaluates at a "
                           "fixed precision (with an unknown error estimate), or use a scale at which float64 does "
                           "not overflow")
    return PrecisionPlan("mpmath", prec, math.ceil(prec * math.log10(2)), accuracy, f64, lost, kmax)


def plan_precision(obj: Any, points: Any, accuracy: float, *, scale: Any = None) -> PrecisionPlan:
    """Choose float64 or the mpmath precision that evaluates ``obj`` at ``points`` to ``accuracy``.

    Parameters
    ----------
    obj : Construction or Network
    points : array of shape (N, n_inputs)
    accuracy : float
        Requested absolute accuracy of the network's output.
    scale : number, optional
        The value of lam (required when the weights contain it).

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.network import Network
    >>> from symnet.numeric import plan_precision
    >>> lam = 10**-3
    >>> gate = Network.single_hidden_layer([[lam, lam], [-lam, -lam], [lam, -lam], [-lam, lam]],
    ...                                    [10**6] * 2 + [-10**6] * 2, activations.get("softplus"))
    >>> plan = plan_precision(gate, [[0.5, 0.5]], accuracy=1e-12)
    >>> plan.backend, plan.digits_lost > 6
    ('mpmath', True)
    """
    accuracy = as_positive(accuracy, "accuracy")
    problem, pts = _problem_and_points(obj, points, scale)
    values, amp = _float64_pass(problem, pts, subtract_target=False)
    return _plan(values, amp, accuracy)


_BACKENDS = ("auto", "float64", "mpmath")
_SHORTFALL = ("promote", "raise", "warn")


def _shortfall_advice(backend: str, on_shortfall: str) -> str:
    """What to do when float64 falls short, for the options in use."""
    if backend == "float64":
        return ("backend='float64' was forced: the default backend='auto' (or 'mpmath') evaluates in mpmath for an "
                "accurate result; or use a larger scale.")
    if on_shortfall == "warn":
        return ("These float64 values are returned as on_shortfall='warn' asked; the default on_shortfall='promote' "
                "evaluates in mpmath for an accurate result.")
    return "on_shortfall='promote' (the default) or backend='mpmath' evaluates in mpmath for an accurate result."


#: What evaluate/evaluate_error can do when float64 gives no rounding bound to plan a precision from.
_NO_AMPLIFICATION_REMEDY = ("pass dps=... to evaluate in mpmath at that fixed precision (the error estimate is "
                            "then unknown, inf), or use a scale at which float64 does not overflow")


def _check_choice(value: Any, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"{what} must be one of {', '.join(map(repr, allowed))}, got {value!r}")
    return value


def _evaluate(problem: Problem, pts: np.ndarray, accuracy: float | None, backend: str, on_shortfall: str,
              prec: int | None, subtract_target: bool) -> Evaluation:
    what = "network - target" if subtract_target else "network"
    values, amp = _float64_pass(problem, pts, subtract_target)
    lost = _digits_lost(values, amp)
    f64_error = UNIT_ROUNDOFF * amp
    finite = np.isfinite(values)
    if backend != "mpmath" and prec is None:
        size = float(np.max(np.abs(values[finite]))) if finite.any() else 1.0
        wanted = accuracy if accuracy is not None else DEFAULT_RELATIVE_ACCURACY * max(1.0, size)
        if bool(finite.all()) and float(np.max(f64_error)) <= wanted:
            return Evaluation(values, f64_error, "float64", 53, lost)
        asked = ("" if accuracy is not None else
                 f" ({DEFAULT_RELATIVE_ACCURACY:g} relative, as no accuracy=... was given)")
        worst = float(np.max(f64_error))
        cause = (f"cancellation destroys {lost:.1f} significant digits and the estimated rounding error is {worst:.3g}"
                 if math.isfinite(worst) else
                 "a value, an intermediate or a weight is outside float64's range, so its rounding error is unbounded")
        message = (
            f"{problem.name}: float64 cannot deliver {what} to accuracy {wanted:.3g}{asked}: {cause}"
            + (f" at scale {short_number(problem.scale)}" if problem.scale is not None else "")
            + ". " + _shortfall_advice(backend, on_shortfall)
        )
        if backend == "float64" and accuracy is not None and on_shortfall != "warn":
            raise PrecisionError(message)
        if backend == "float64" or on_shortfall == "warn":
            warnings.warn(message, PrecisionWarning, stacklevel=3)
            return Evaluation(values, f64_error, "float64", 53, lost)
        if on_shortfall == "raise":
            raise PrecisionError(message)
    if prec is None:
        if accuracy is None:
            # full double accuracy relative to the largest value; |true| >= |float64| - error bounds
            # that value from below (the float64 values themselves may be ruined by cancellation)
            with np.errstate(invalid="ignore"):
                floor = np.where(finite, np.abs(values) - f64_error, 0.0)
            accuracy = UNIT_ROUNDOFF * max(1.0, float(np.max(floor)))
        prec = mpmath_prec_for(float(np.max(amp)), accuracy, remedy=_NO_AMPLIFICATION_REMEDY)
    mp_values = _mpmath_pass(problem, pts, prec, subtract_target)
    floats = np.array([float(v) for v in mp_values])
    estimate = np.ldexp(amp, -prec) + np.abs(floats) * UNIT_ROUNDOFF  # inf stays inf (inf * 2.0**-3000 is nan)
    return Evaluation(floats, estimate, "mpmath", prec, lost, tuple(mp_values))


def evaluate(
    obj: Any,
    points: Any,
    *,
    scale: Any = None,
    accuracy: float | None = None,
    backend: str = "auto",
    on_shortfall: str = "promote",
    dps: int | None = None,
) -> Evaluation:
    """Evaluate a network (or a construction at a scale) at many points, to a known accuracy.

    Parameters
    ----------
    obj : Construction or Network
    points : array of shape (N, n_inputs)
    scale : number, optional
        lam (required when the weights contain it).
    accuracy : float, optional
        Requested absolute accuracy. Without it symnet asks for 6 significant digits: an error
        of at most 1e-6 times the largest |value| (1e-6 absolute when the values are below 1).
        When float64 cannot deliver that, ``"auto"`` evaluates in mpmath to full double
        accuracy (the precision chosen from the amplification, the error relative to a lower
        bound on the largest |value|).
    backend : {"auto", "float64", "mpmath"}
        ``"auto"`` uses float64 when its error estimate meets the accuracy and mpmath otherwise;
        ``"float64"`` never promotes (with an ``accuracy`` it cannot meet it raises
        :class:`~symnet.errors.PrecisionError`, or warns if ``on_shortfall="warn"``; without
        one it warns with a :class:`PrecisionWarning`); ``"mpmath"`` always uses mpmath.
    on_shortfall : {"promote", "raise", "warn"}
        What ``"auto"`` does when float64 falls short: switch to mpmath, raise PrecisionError,
        or return the float64 values with a :class:`PrecisionWarning`.
    dps : int, optional
        Force the mpmath precision (decimal digits) instead of choosing it from the accuracy.
        Needed when float64 overflows (its rounding bound, from which the precision is chosen,
        is then infinite, and so is the returned error estimate).

    Raises
    ------
    PrecisionError
        If float64 falls short and ``backend="float64"`` with an ``accuracy``, or
        ``on_shortfall="raise"``; or if mpmath is needed and float64 overflows without ``dps``.
    TooLargeError
        Beyond ``MAX_POINTS`` points, or ``MAX_MPMATH_WORK`` synapse evaluations in mpmath.

    Returns
    -------
    Evaluation

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.network import Network
    >>> from symnet.numeric import evaluate
    >>> net = Network.single_hidden_layer([[1, 1], [1, -1]], [1, -1], activations.get("square"))
    >>> ev = evaluate(net, [[1.0, 2.0], [3.0, -1.0]], accuracy=1e-12)
    >>> ev.backend, ev.values.tolist()
    ('float64', [8.0, -12.0])

    The multiplication gate at lam = 1e-9 loses 18 digits to cancellation: ``"auto"`` evaluates it
    in mpmath (float64 alone would give -20.7 for uv = 2):

    >>> from symnet.constructions import multiplication_gate
    >>> ev = evaluate(multiplication_gate("exp"), [[1, 2]], scale=1e-9)
    >>> ev.backend, round(float(ev.values[0]), 9), ev.digits_lost > 17
    ('mpmath', 2.0, True)
    """
    _check_choice(backend, _BACKENDS, "backend")
    _check_choice(on_shortfall, _SHORTFALL, "on_shortfall")
    if accuracy is not None:
        accuracy = as_positive(accuracy, "accuracy")
    prec = _dps_to_prec(dps, backend)
    problem, pts = _problem_and_points(obj, points, scale)
    return _evaluate(problem, pts, accuracy, backend, on_shortfall, prec, subtract_target=False)


def evaluate_error(
    construction: Any,
    points: Any,
    *,
    scale: Any,
    accuracy: float | None = None,
    backend: str = "auto",
    on_shortfall: str = "promote",
    dps: int | None = None,
) -> Evaluation:
    """network(x) - target(x) for a construction at a scale (same options as :func:`evaluate`).

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet import activations
    >>> from symnet.constructions import LAM, Construction
    >>> from symnet.network import Network
    >>> from symnet.numeric import evaluate_error
    >>> u, v = sp.symbols("u v", real=True)
    >>> sq = Construction("square", u**2, (u,), LAM, activations.get("exp"), (), "MATH.md 1", 2, 1,
    ...     build=lambda: Network.single_hidden_layer([[LAM], [-LAM]], [1 / LAM**2, 1 / LAM**2],
    ...                                               "exp", output_bias=-2 / LAM**2))
    >>> ev = evaluate_error(sq, [[1.0]], scale=sp.Rational(1, 100), accuracy=1e-12)
    >>> ev.backend, round(float(ev.values[0]) * 12 / 0.01**2, 6)  # exp: lam^2 x^4/12 (1 + lam^2 x^2/30 + ...)
    ('mpmath', 1.000003)
    """
    _check_choice(backend, _BACKENDS, "backend")
    _check_choice(on_shortfall, _SHORTFALL, "on_shortfall")
    if accuracy is not None:
        accuracy = as_positive(accuracy, "accuracy")
    prec = _dps_to_prec(dps, backend)
    problem, pts = _problem_and_points(construction, points, scale)
    if problem.target is None:
        raise InvalidInput("evaluate_error needs a Construction (a network with a target), got a bare Network")
    return _evaluate(problem, pts, accuracy, backend, on_shortfall, prec, subtract_target=True)


def _dps_to_prec(dps: int | None, backend: str = "auto") -> int | None:
    if dps is None:
        return None
    if isinstance(dps, bool) or not isinstance(dps, (int, np.integer)) or dps < 5:
        raise InvalidInput(f"dps must be an int >= 5, got {dps!r}")
    if dps > MAX_DPS:
        raise TooLargeError(f"dps = {dps} is beyond symnet's limit of {MAX_DPS} digits")
    if backend == "float64":
        raise InvalidInput("dps sets the mpmath precision, so it cannot be combined with backend='float64'")
    return math.ceil(int(dps) / math.log10(2))

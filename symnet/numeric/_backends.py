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
from symnet.errors import InvalidInput, PrecisionError
from symnet.network import Network, to_mpf
from symnet.numeric._inputs import Problem, as_points, as_positive, resolve
from symnet.numeric._poly import Polynomial

__all__ = [
    "ACTIVATION_ULPS",
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
#: Guard bits added to the mpmath precision computed from the amplification.
GUARD_BITS = 16
#: Entries (rows x widest layer) per block of the float64 evaluation: bounds the memory of the
#: hidden activations, and 2**17 doubles (1 MB per array) stay in cache, which measured 1.4-2x
#: faster than 2**21 on the 2^n networks of benchmarks/numeric_eval.py.
BLOCK_ENTRIES = 2**17


class PrecisionWarning(UserWarning):
    """Float64 results whose estimated rounding error exceeds what was asked (or 1e-6 relative)."""


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
        for layer in network.layers:
            w = np.array([[float(sp.N(v, 20)) for v in row] for row in layer.weights.tolist()], dtype=float)
            b = np.array([float(sp.N(v, 20)) for v in layer.bias], dtype=float)
            if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
                raise PrecisionError(
                    "a weight or bias overflows float64 (|value| > 1.8e308); evaluate with mpmath instead"
                )
            self.layers.append((np.ascontiguousarray(w.T), b, np.ascontiguousarray(np.abs(w).T), np.abs(b),
                                layer.activation))
        self.width = max(wt.shape[1] for wt, *_ in self.layers)

    def run(self, points: np.ndarray, estimate: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Values at the rows of ``points`` (shape (N, n_inputs)) and, if ``estimate``, the
        amplification K (the output's float64 error is at most about ``UNIT_ROUNDOFF * K``).
        Single-output networks give arrays of shape (N,)."""
        points = np.asarray(points, dtype=float)
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


def _affine(h: np.ndarray, wt: np.ndarray, b: Any) -> np.ndarray:
    """h @ wt + b, with the bias added in place (one temporary less)."""
    z = h @ wt
    z += b
    return z


def mpmath_prec_for(amplification: float, accuracy: float) -> int:
    """Bits of mpmath precision for which ``amplification * 2**-prec <= accuracy``, plus guard bits."""
    if not math.isfinite(amplification):
        raise PrecisionError(
            "the rounding amplification is not finite (the float64 pass overflowed), so symnet cannot "
            "choose a working precision; pass dps=... explicitly"
        )
    return max(53, math.ceil(math.log2(max(amplification, 1.0) / accuracy)) + GUARD_BITS)


class MpmathProgram:
    """A numeric network evaluated with mpmath at a given precision (weights converted once per
    precision; inputs converted exactly from their float64 values)."""

    def __init__(self, network: Network):
        if not isinstance(network, Network):
            raise InvalidInput(f"MpmathProgram needs a Network, got {type(network).__name__}")
        network._require_numeric("mpmath evaluation")
        self.network = network
        self._weights: dict[int, list] = {}

    def _layers(self) -> list:
        prec = mpmath.mp.prec
        if prec not in self._weights:
            self._weights[prec] = [
                ([[to_mpf(layer.weights[i, j]) for j in range(layer.fan_in)] for i in range(layer.width)],
                 [to_mpf(v) for v in layer.bias], layer.activation)
                for layer in self.network.layers
            ]
        return self._weights[prec]

    def run(self, points: np.ndarray, prec: int) -> list:
        """Values (mpf, or lists of mpf for several outputs) at ``prec`` bits."""
        out = []
        with mpmath.workprec(prec):
            layers = self._layers()
            for row in np.asarray(points, dtype=float):
                h = [mpmath.mpf(float(v)) for v in row]
                for w, b, activation in layers:
                    h = [mpmath.fsum(wij * hj for wij, hj in zip(wr, h, strict=True) if wij) + bi
                         for wr, bi in zip(w, b, strict=True)]
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
    values, amp = _float_program(problem.network).run(pts, estimate=True)
    if subtract_target:
        poly = _target_polynomial(problem.target, problem.variables)
        t, t_abs = poly.numpy_with_bound(pts)
        values = values - t
        amp = amp + poly.rounding_factor() * t_abs + np.abs(values)
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
    prec = mpmath_prec_for(kmax, accuracy)
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
    if backend != "mpmath" and prec is None:
        finite = np.isfinite(values)
        size = float(np.max(np.abs(values[finite]))) if finite.any() else 1.0
        wanted = accuracy if accuracy is not None else 1e-6 * max(1.0, size)
        ok = bool(finite.all()) and float(np.max(f64_error)) <= wanted
        if ok:
            return Evaluation(values, f64_error, "float64", 53, lost)
        message = (
            f"{problem.name}: float64 cannot deliver {what} to accuracy {wanted:.3g}: cancellation destroys "
            f"{lost:.1f} significant digits and the estimated rounding error is {np.max(f64_error):.3g}"
            + (f" at scale {problem.scale}" if problem.scale is not None else "")
            + ". Use backend='mpmath' (or 'auto') for an accurate result, or a larger scale."
        )
        if accuracy is None or on_shortfall == "warn":
            warnings.warn(message, PrecisionWarning, stacklevel=3)
            return Evaluation(values, f64_error, "float64", 53, lost)
        if backend == "float64" or on_shortfall == "raise":
            raise PrecisionError(message)
    if prec is None:
        wanted = accuracy if accuracy is not None else UNIT_ROUNDOFF * max(1.0, float(np.max(np.abs(values))))
        prec = mpmath_prec_for(float(np.max(amp)), wanted)
    mp_values = _mpmath_pass(problem, pts, prec, subtract_target)
    floats = np.array([float(v) for v in mp_values])
    estimate = amp * 2.0**-prec + np.abs(floats) * UNIT_ROUNDOFF
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
        Requested absolute accuracy. Without it, float64 is used and a :class:`PrecisionWarning`
        is issued when fewer than 6 significant digits survive the cancellation.
    backend : {"auto", "float64", "mpmath"}
        ``"auto"`` uses float64 when its error estimate meets ``accuracy`` and mpmath otherwise;
        ``"float64"`` never promotes (with an ``accuracy`` it cannot meet it raises
        :class:`~symnet.errors.PrecisionError`, or warns if ``on_shortfall="warn"``);
        ``"mpmath"`` always uses mpmath.
    on_shortfall : {"promote", "raise", "warn"}
        What ``"auto"`` does when float64 falls short: switch to mpmath, raise PrecisionError,
        or return the float64 values with a :class:`PrecisionWarning`.
    dps : int, optional
        Force the mpmath precision (decimal digits) instead of choosing it from ``accuracy``.

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
    """
    _check_choice(backend, _BACKENDS, "backend")
    _check_choice(on_shortfall, _SHORTFALL, "on_shortfall")
    if accuracy is not None:
        accuracy = as_positive(accuracy, "accuracy")
    prec = _dps_to_prec(dps)
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
    prec = _dps_to_prec(dps)
    problem, pts = _problem_and_points(construction, points, scale)
    if problem.target is None:
        raise InvalidInput("evaluate_error needs a Construction (a network with a target), got a bare Network")
    return _evaluate(problem, pts, accuracy, backend, on_shortfall, prec, subtract_target=True)


def _dps_to_prec(dps: int | None) -> int | None:
    if dps is None:
        return None
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 5:
        raise InvalidInput(f"dps must be an int >= 5, got {dps!r}")
    return math.ceil(dps / math.log10(2))

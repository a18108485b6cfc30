"""Sweeps over the scale lam: measured error against the exact leading term of the series.

For a construction N_lam approximating a target T, the exact series (``symnet.series``) says
N_lam(x) - T(x) = lam^p Q(x) + O(lam^(p+1)) with an exact polynomial Q. A sweep measures
E(lam) = max over the points of |N_lam(x) - T(x)| at each scale, fits the slope of
log E against log lam (which tends to p) and compares E(lam) with the prediction
P(lam) = lam^p max |Q(x)| over the same points: E/P -> 1 as lam -> 0. Each measurement is made
to a relative accuracy (default 1e-3): in float64 when its running error bound allows it,
otherwise in mpmath at the precision that bound calls for (``_backends``).

In float64 the measured error is U-shaped in lam: truncation falls like lam^p while rounding,
amplified by the 1/lam^n output weights, grows like u / lam^n. :func:`optimal_scale` finds the
bottom of the U from the exact leading term and the float64 rounding bound.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from symnet import _show as show
from symnet.constructions import Construction
from symnet.errors import InvalidInput
from symnet.network import Network
from symnet.numeric._backends import (
    _SMALLEST_NORMAL,
    GUARD_BITS,
    UNIT_ROUNDOFF,
    _dps_to_prec,
    _float64_pass,
    _mpmath_pass,
    mpmath_prec_for,
)
from symnet.numeric._inputs import (
    Problem,
    as_box,
    as_count,
    as_points,
    as_positive,
    as_scale,
    resolve,
    short_number,
)
from symnet.numeric._parallel import run_all
from symnet.numeric._poly import Polynomial

__all__ = ["ScaleChoice", "SweepResult", "optimal_scale", "predicted_leading", "sample_box", "sweep", "sweep_all"]

#: Most times the mpmath precision is raised while measuring one scale.
MAX_REFINEMENTS = 6


def sample_box(box: Any, count: int, seed: int = 0) -> np.ndarray:
    """``count`` points of the box: its corners first (in binary order, as many of the 2^d as fit),
    then uniform random points (seeded).

    Only the corners returned are built, so a box of many inputs costs O(count * d).

    Raises
    ------
    TooLargeError
        If ``count`` exceeds ``MAX_POINTS`` (10^7) or ``count * d`` exceeds ``MAX_COORDINATES`` (2^26).

    Examples
    --------
    >>> from symnet.numeric import sample_box
    >>> sample_box([(-1, 1), (0, 2)], 5).tolist()[:4]
    [[-1.0, 0.0], [-1.0, 2.0], [1.0, 0.0], [1.0, 2.0]]
    >>> sample_box([(-1, 1)] * 40, 3)[:, -3:].tolist()  # the first 3 of the 2^40 corners
    [[-1.0, -1.0, -1.0], [-1.0, -1.0, 1.0], [-1.0, 1.0, -1.0]]
    """
    if isinstance(box, (str, bytes)) or not isinstance(box, (Sequence, np.ndarray)):
        raise InvalidInput(f"box must be a sequence of (low, high) pairs, got {type(box).__name__}")
    if len(box) == 0:
        raise InvalidInput("box must have at least one (low, high) pair")
    exact = as_box(box, len(box))
    d = len(exact)
    count = as_count(count, d, "count")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidInput(f"seed must be a non-negative int, got {seed!r}")
    lo = np.array([float(a) for a, _ in exact])
    hi = np.array([float(b) for _, b in exact])
    with np.errstate(over="ignore"):
        wide = ~np.isfinite(hi - lo)
    if wide.any():
        i = int(np.argmax(wide))
        raise InvalidInput(f"box[{i}] = [{short_number(exact[i][0])}, {short_number(exact[i][1])}] is too wide to "
                           "sample in float64 (ends and width must stay below 1.8e308)")
    n_corners = count if d >= count.bit_length() else min(count, 2**d)
    # corner j takes hi[i] where bit d-1-i of j is set; j < count <= MAX_POINTS < 2^62, so shifts
    # beyond 62 bits (coordinates that stay at lo for every j) are clipped to 62, which gives bit 0
    index = np.arange(n_corners, dtype=np.int64)[:, None]
    shifts = np.minimum(np.arange(d - 1, -1, -1, dtype=np.int64), 62)
    corner_points = np.where((index >> shifts) & 1, hi, lo)
    rng = np.random.default_rng(seed)
    rest = lo + (hi - lo) * rng.random((count - n_corners, d))
    return np.vstack([corner_points, rest])


def _points_of(points: Any, d: int) -> np.ndarray:
    """An int N: N points of [-1, 1]^d (:func:`sample_box`); otherwise the array of points itself."""
    if isinstance(points, (int, np.integer)) and not isinstance(points, bool):
        return sample_box([(-1, 1)] * d, as_count(points, d))
    return as_points(points, d)


def predicted_leading(construction: Construction, max_order: int = 8) -> tuple[int, sp.Expr] | None:
    """(p, lam^p Q(x)): the lowest nonzero term of network - target from :func:`symnet.series.error`.

    Returns None if the error vanishes through lam^max_order.
    """
    from symnet import series

    order = 2
    while True:
        err = series.error(construction, order)
        if err.leading_order is not None:
            return err.leading_order, err.leading
        if order >= max_order:
            return None
        order += 2


@dataclass(frozen=True)
class _ScaleTask:
    network: Network
    target: sp.Expr
    variables: tuple
    points: np.ndarray
    backend: str
    relative_accuracy: float
    scale: sp.Expr
    prec: int | None = None  # forced mpmath precision (sweep's dps), or None to choose it


@dataclass(frozen=True)
class _ScaleOutcome:
    errors: np.ndarray
    rounding: float
    backend: str
    prec: int


def _measure(task: _ScaleTask) -> _ScaleOutcome:
    """max |N - T| over the points, to the task's relative accuracy (module-level: picklable)."""
    problem = Problem(task.network, task.target, task.variables, task.scale, "sweep")
    values, amp = _float64_pass(problem, task.points, subtract_target=True)
    kmax = float(np.max(amp))
    rounding = UNIT_ROUNDOFF * kmax
    emax = float(np.max(np.abs(values)))
    r = task.relative_accuracy
    if task.backend == "float64" or (task.backend == "auto" and task.prec is None
                                     and rounding <= r * max(emax - rounding, 0.0)):
        return _ScaleOutcome(values, rounding, "float64", 53)
    if task.prec is not None:
        errors = _mpmath_errors(problem, task.points, task.prec)
        return _ScaleOutcome(errors, math.ldexp(kmax, -task.prec), "mpmath", task.prec)
    remedy = (f"at scale {short_number(task.scale)} pass dps=... to sweep to measure in mpmath at that fixed "
              "precision (the rounding is then unbounded and the scale is left out of the slope), or use less "
              "extreme scales")
    guess = emax - rounding
    prec = mpmath_prec_for(kmax, r * guess if guess > 0 else 2.0**-64, remedy)
    for _ in range(MAX_REFINEMENTS):
        errors = _mpmath_errors(problem, task.points, prec)
        emax = float(np.max(np.abs(errors)))
        rounding = math.ldexp(kmax, -prec)
        if rounding <= r * max(emax - rounding, 0.0) or emax == 0.0:
            break
        if emax > 2 * rounding:
            prec = max(prec + 32, mpmath_prec_for(kmax, r * emax, remedy))
        else:  # the error is not resolved above the rounding yet: add the bits the amplification takes
            prec += max(32, math.ceil(math.log2(max(kmax, 1.0))) + GUARD_BITS)
    return _ScaleOutcome(errors, rounding, "mpmath", prec)


def _mpmath_errors(problem: Problem, points: np.ndarray, prec: int) -> np.ndarray:
    return np.array([float(v) for v in _mpmath_pass(problem, points, prec, subtract_target=True)])


@dataclass(frozen=True)
class SweepResult(show.Shows):
    r"""Measured errors of a construction over a range of scales, against the series' prediction.

    Attributes
    ----------
    name : str
    scales : tuple of float
    errors : tuple of float
        Measured max |N_lam(x) - T(x)| over the points, per scale.
    rounding : tuple of float
        Bound on the rounding error of each measured value.
    backends, precisions : tuple
        ``"float64"``/``"mpmath"`` and the working precision in bits, per scale.
    order : int or None
        p, the power of lam of the leading term (None without a prediction).
    leading : sympy.Expr or None
        The leading term lam^p Q(x).
    predicted : tuple of float or None
        lam^p max |Q(x)| over the same points, per scale.
    point_errors : tuple of numpy.ndarray
        N_lam(x) - T(x) at every point, per scale.
    points : numpy.ndarray
    relative_accuracy : float

    ``str()`` is a fixed-width table; ``latex()`` the same table as an ``array`` (math mode).

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions import multiplication_gate
    >>> from symnet.numeric import sweep
    >>> result = sweep(multiplication_gate(activations.get("exp")), scales=[0.01, 0.005], points=4)
    >>> print(str(result).splitlines()[0])
    sweep of multiplication gate over 4 points; leading term lam**2*u*v*(u**2 + v**2)/6
    >>> print(str(result).splitlines()[-1])
    fitted slope 2.0000 (series order 2)
    >>> print(result.latex().splitlines()[-2])
    \text{fitted slope 2.0000 (series order 2)}
    """

    name: str
    scales: tuple[float, ...]
    errors: tuple[float, ...]
    rounding: tuple[float, ...]
    backends: tuple[str, ...]
    precisions: tuple[int, ...]
    order: int | None
    leading: sp.Expr | None
    predicted: tuple[float, ...] | None
    point_errors: tuple[np.ndarray, ...]
    points: np.ndarray
    relative_accuracy: float

    @property
    def reliable(self) -> tuple[bool, ...]:
        """Per scale: is the measured error known to the requested relative accuracy?"""
        r = self.relative_accuracy
        return tuple(b <= r * max(e - b, 0.0) for e, b in zip(self.errors, self.rounding, strict=True))

    @property
    def ratios(self) -> tuple[float, ...] | None:
        """measured / predicted per scale (-> 1 as lam -> 0)."""
        if self.predicted is None:
            return None
        return tuple(e / p if p else math.inf for e, p in zip(self.errors, self.predicted, strict=False))

    @property
    def slope(self) -> float:
        """Least-squares slope of log(error) against log(lam) over the reliable scales (nan if < 2)."""
        keep = [(math.log(s), math.log(e)) for s, e, ok in zip(self.scales, self.errors, self.reliable, strict=False)
                if ok and e > 0]
        if len(keep) < 2:
            return math.nan
        x = np.array([k[0] for k in keep])
        y = np.array([k[1] for k in keep])
        spread = float(np.sum((x - x.mean()) ** 2))  # > 0: the scales are distinct (checked by sweep)
        return float(np.sum((x - x.mean()) * (y - y.mean())) / spread) if spread > 0 else math.nan

    @property
    def optimal_scale(self) -> float:
        """The scale with the smallest measured error (the bottom of the U in a float64 sweep)."""
        return self.scales[int(np.argmin(self.errors))]

    def __str__(self) -> str:
        lines = [f"sweep of {self.name} over {len(self.points)} points"
                 + (f"; leading term {self.leading}" if self.leading is not None else ""),
                 f"{'lam':>12} {'max error':>12} {'predicted':>12} {'ratio':>10} {'rounding':>10}  backend"]
        ratios = self.ratios
        for i, s in enumerate(self.scales):
            pred = f"{self.predicted[i]:12.4e}" if self.predicted else f"{'-':>12}"
            ratio = (f"{'-':>10}" if not ratios else f"{ratios[i]:10.6f}" if abs(ratios[i]) < 1e3
                     else f"{ratios[i]:10.3e}")
            flag = ("" if self.reliable[i] else "  (rounding-dominated)" if math.isfinite(self.rounding[i])
                    else "  (rounding not bounded)")
            lines.append(f"{s:12.4e} {self.errors[i]:12.4e} {pred} {ratio} {self.rounding[i]:10.2e}  "
                         f"{self.backends[i]}/{self.precisions[i]}b{flag}")
        order = f" (series order {self.order})" if self.order is not None else ""
        lines.append(f"fitted slope {self.slope:.4f}{order}")
        return "\n".join(lines)

    def latex(self) -> str:
        """The sweep as a math-mode LaTeX fragment: a summary, the table (an ``array``), the slope."""
        lead = "" if self.leading is None else f"; leading term {self.leading}"
        head = show.phrase(f"sweep of {self.name} over {len(self.points)} points{lead}",
                           {} if self.leading is None else {str(self.leading): show.math(self.leading)})
        p = "p" if self.order is None else str(self.order)
        table = [["\\lambda", "\\max |N_{\\lambda} - T|", f"\\lambda^{{{p}}} \\max |Q|", "\\text{ratio}",
                  "\\text{rounding}", "\\text{backend}"]]
        ratios = self.ratios
        for i, s in enumerate(self.scales):
            flag = ("" if self.reliable[i] else " (rounding-dominated)" if math.isfinite(self.rounding[i])
                    else " (rounding not bounded)")
            table.append([show.number(s), show.number(self.errors[i]),
                          show.number(self.predicted[i]) if self.predicted else "-",
                          show.number(ratios[i], 6) if ratios else "-", show.number(self.rounding[i], 3),
                          show.text(f"{self.backends[i]}/{self.precisions[i]}b{flag}")])
        order = f" (series order {self.order})" if self.order is not None else ""
        return show.lines([head, show.array(table, "rrrrrl", head=1),
                           show.text(f"fitted slope {self.slope:.4f}{order}")])


_SWEEP_BACKENDS = ("auto", "float64", "mpmath")


def _prepare(construction: Any, scales: Any, points: Any, backend: str, relative_accuracy: float,
             leading: Any, dps: int | None = None) -> tuple[list[_ScaleTask], dict]:
    if not isinstance(construction, Construction):
        raise InvalidInput(f"sweep needs a Construction (a network with a target and a scale), got "
                           f"{type(construction).__name__}")
    if backend not in _SWEEP_BACKENDS:
        raise InvalidInput(f"backend must be one of {', '.join(map(repr, _SWEEP_BACKENDS))}, got {backend!r}")
    relative_accuracy = as_positive(relative_accuracy, "relative_accuracy")
    if relative_accuracy >= 1:
        raise InvalidInput(f"relative_accuracy must be below 1 (e.g. 1e-3 for 3 digits of each measured error), got "
                           f"{relative_accuracy!r}")
    prec = _dps_to_prec(dps, backend)
    exact_scales = _as_scales(scales)
    pts = _points_of(points, len(construction.variables))
    problems = [resolve(construction, s) for s in exact_scales]
    tasks = [_ScaleTask(p.network, p.target, p.variables, pts, backend, relative_accuracy, p.scale, prec)
             for p in problems]
    if leading is None:
        found = predicted_leading(construction)
        order, lead = found if found is not None else (None, None)
    elif leading is False:
        order, lead = None, None
    else:
        order, lead = _given_leading(leading, construction.scale)
    predicted = None
    if lead is not None:
        lam = construction.scale
        q = Polynomial(sp.expand(lead / lam**order), construction.variables)
        qmax = float(np.max(np.abs(q.numpy(pts))))
        # lam^p in sympy: (1e300)^2 overflows a Python float (OverflowError) but becomes inf here
        predicted = tuple(float(sp.N(s**order, 30)) * qmax if qmax else 0.0 for s in exact_scales)
    meta = {"name": construction.name, "scales": tuple(float(sp.N(s, 30)) for s in exact_scales),
            "order": order, "leading": lead, "predicted": predicted, "points": pts,
            "relative_accuracy": relative_accuracy}
    return tasks, meta


def _given_leading(leading: Any, lam: sp.Symbol) -> tuple[int, sp.Expr]:
    """(p, lam^p Q) from a leading term given by the caller: a sympy expression (never text)."""
    if isinstance(leading, bool) or not isinstance(leading, (sp.Expr, int, Fraction)):
        raise InvalidInput(
            f"leading must be a sympy expression lam^p Q(inputs) (e.g. LAM**2 * u * v / 12), False or None, got "
            f"{type(leading).__name__}; text is not parsed: build the expression with sympy"
        )
    lead = sp.sympify(leading)  # a sympy expression or an exact number: nothing is parsed
    try:
        powers = sp.Poly(lead, lam).monoms() if lead.has(lam) else [(0,)]
    except sp.PolynomialError:
        powers = []
    if len(powers) != 1:
        raise InvalidInput(f"leading term {lead} must be a single power of {lam} times a polynomial in the inputs")
    return int(powers[0][0]), lead


def _as_scales(scales: Any) -> list[sp.Expr]:
    """Exact, distinct scales within float64's normal range (the result reports them as floats)."""
    if isinstance(scales, (str, bytes)) or not isinstance(scales, (Sequence, np.ndarray)) or len(scales) == 0:
        raise InvalidInput("scales must be a non-empty sequence of positive numbers")
    exact, seen = [], {}
    for i, s in enumerate(scales):
        value = as_scale(s, f"scales[{i}]")
        as_float = float(sp.N(value, 30))
        if not _SMALLEST_NORMAL <= as_float <= _LARGEST:
            raise InvalidInput(f"scales[{i}] = {s!r} is outside float64's normal range (2.2e-308 to 1.8e308), in "
                               "which a sweep reports its scales")
        if as_float in seen:
            raise InvalidInput(
                f"scales[{i}] = {s!r} repeats scales[{seen[as_float]}] (as a float64): a sweep measures each scale "
                "once and fits its slope over distinct scales; remove the repeat"
            )
        seen[as_float] = i
        exact.append(value)
    return exact


_LARGEST = float(np.finfo(float).max)


def _assemble(meta: dict, outcomes: list[_ScaleOutcome]) -> SweepResult:
    return SweepResult(
        name=meta["name"],
        scales=meta["scales"],
        errors=tuple(float(np.max(np.abs(o.errors))) for o in outcomes),
        rounding=tuple(o.rounding for o in outcomes),
        backends=tuple(o.backend for o in outcomes),
        precisions=tuple(o.prec for o in outcomes),
        order=meta["order"],
        leading=meta["leading"],
        predicted=meta["predicted"],
        point_errors=tuple(o.errors for o in outcomes),
        points=meta["points"],
        relative_accuracy=meta["relative_accuracy"],
    )


def sweep(
    construction: Construction,
    scales: Sequence[Any],
    points: Any = 64,
    *,
    backend: str = "auto",
    relative_accuracy: float = 1e-3,
    leading: Any = None,
    executor: Any = None,
    dps: int | None = None,
) -> SweepResult:
    """Measure max |N_lam - target| over points at each scale and compare with the series.

    Parameters
    ----------
    construction : Construction
        With a concrete activation.
    scales : sequence of positive numbers
        Distinct values of lam (floats are read as the decimals they print as), within
        float64's normal range.
    points : array of shape (N, n_inputs), or int
        The points; an int N takes N points of [-1, 1]^n (corners first, then seeded random).
        At most ``MAX_POINTS`` (10^7) points and ``MAX_COORDINATES`` (2^26) coordinates.
    backend : {"auto", "float64", "mpmath"}
        ``"auto"`` measures each scale in float64 when the rounding bound allows the requested
        relative accuracy and in mpmath (precision chosen from the bound) otherwise;
        ``"float64"`` keeps raw float64 values (rounding-dominated scales are flagged in
        ``reliable`` and left out of the slope: use it to see the U-shaped curve).
    relative_accuracy : float
        Relative accuracy of each measured maximum (default 1e-3).
    leading : sympy expression, False, or None
        The predicted leading term lam^p Q(x): None takes it from :func:`symnet.series.error`,
        False skips the prediction, an expression is used as given (e.g. a hand derivation).
    executor : concurrent.futures.Executor, optional
        Runs the scales in parallel (process pools, Dask's ``Client.get_executor()``).
    dps : int, optional
        Measure every scale in mpmath at this many decimal digits instead of choosing the
        precision from the rounding bound (as :func:`~symnet.numeric.evaluate`'s ``dps``). Needed
        at scales where float64 overflows: there the bound is infinite, so the scale is flagged
        in ``reliable`` and left out of the slope.

    Returns
    -------
    SweepResult

    Raises
    ------
    InvalidInput
        For a repeated scale, non-positive or out-of-range scales, ``dps`` with
        ``backend="float64"``, and the other bad arguments.
    PrecisionError
        If mpmath is needed at a scale where float64 overflows and no ``dps`` is given.
    TooLargeError
        Beyond the limits on points, or on the work of one mpmath pass (``MAX_MPMATH_WORK``).

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions import multiplication_gate
    >>> from symnet.numeric import sweep
    >>> result = sweep(multiplication_gate(activations.get("softplus")), [0.02, 0.01, 0.005], points=16)
    >>> result.order, round(result.slope, 2), [round(r, 3) for r in result.ratios]
    (2, 2.0, [1.0, 1.0, 1.0])
    """
    tasks, meta = _prepare(construction, scales, points, backend, relative_accuracy, leading, dps)
    return _assemble(meta, run_all(_measure, tasks, executor))


def sweep_all(
    constructions: Sequence[Construction],
    scales: Sequence[Any],
    points: Any = 64,
    *,
    backend: str = "auto",
    relative_accuracy: float = 1e-3,
    executor: Any = None,
    dps: int | None = None,
) -> list[SweepResult]:
    """:func:`sweep` for many constructions (activations, n, ...) with every (construction,
    scale) pair submitted to ``executor`` at once. Predictions come from the series.

    ``points`` must fit every construction (an int N samples [-1, 1]^n for each).
    """
    if isinstance(constructions, Construction) or not isinstance(constructions, Sequence):
        raise InvalidInput("sweep_all needs a sequence of Constructions (use sweep for one)")
    prepared = [_prepare(c, scales, points, backend, relative_accuracy, None, dps) for c in constructions]
    flat = [t for tasks, _ in prepared for t in tasks]
    outcomes = run_all(_measure, flat, executor)
    results, start = [], 0
    for tasks, meta in prepared:
        results.append(_assemble(meta, outcomes[start:start + len(tasks)]))
        start += len(tasks)
    return results


@dataclass(frozen=True)
class ScaleChoice(show.Shows):
    r"""The scale minimising truncation + rounding error at a given working precision.

    Attributes
    ----------
    scale : float
    truncation : float
        Predicted max |leading term| at that scale.
    rounding : float
        Rounding-error bound (unit roundoff times the amplification) at that scale.
    unit_roundoff : float

    Examples
    --------
    >>> from symnet.numeric import ScaleChoice
    >>> choice = ScaleChoice(0.001, 2.5e-7, 1.25e-7, 2.0**-53)
    >>> print(choice)  # doctest: +ELLIPSIS
    optimal scale lam = 0.001: predicted error 3.75e-07 = truncation 2.5e-07 + rounding 1.25e-07 (unit roundoff ...)
    >>> print(choice.latex())  # doctest: +ELLIPSIS
    \lambda^{*} = 0.001, \quad \text{predicted error } 3.75 \times 10^{-7} = \text{truncation } 2.5 \times 10^{-7} + ...
    """

    scale: float
    truncation: float
    rounding: float
    unit_roundoff: float

    @property
    def total(self) -> float:
        return self.truncation + self.rounding

    def __str__(self) -> str:
        return (f"optimal scale lam = {self.scale:.4g}: predicted error {self.total:.3g} = truncation "
                f"{self.truncation:.3g} + rounding {self.rounding:.3g} (unit roundoff {self.unit_roundoff:.3g})")

    def latex(self) -> str:
        """lam*, the predicted error and its two parts (a math-mode LaTeX fragment)."""
        return (f"\\lambda^{{*}} = {show.number(self.scale)}, \\quad \\text{{predicted error }} "
                f"{show.number(self.total, 3)} = \\text{{truncation }} {show.number(self.truncation, 3)} + "
                f"\\text{{rounding }} {show.number(self.rounding, 3)} \\quad \\text{{(unit roundoff }} "
                f"{show.number(self.unit_roundoff, 3)}\\text{{)}}")


def optimal_scale(
    construction: Construction,
    points: Any = 64,
    *,
    unit_roundoff: float = UNIT_ROUNDOFF,
    lower: float = 1e-8,
    upper: float = 1.0,
) -> ScaleChoice:
    """The lam that minimises the predicted error at a working precision (the U-curve's bottom).

    The predicted error at lam is lam^p max|Q| (the exact leading term of the series) plus
    ``unit_roundoff * max K(x; lam)`` (the running rounding bound of ``_backends``), minimised
    over a logarithmic grid of [lower, upper] refined around the best point.

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions import multiplication_gate
    >>> from symnet.numeric import optimal_scale
    >>> choice = optimal_scale(multiplication_gate(activations.get("softplus")), points=16)
    >>> 1e-5 < choice.scale < 1e-2, choice.truncation < 1e-6
    (True, True)
    """
    if not isinstance(construction, Construction):
        raise InvalidInput(f"optimal_scale needs a Construction (a network with a target and a scale), got "
                           f"{type(construction).__name__}")
    u = as_positive(unit_roundoff, "unit_roundoff")
    if u >= 1:
        raise InvalidInput(f"unit_roundoff must be below 1 (2^-53 = 1.1e-16 for float64), got {unit_roundoff!r}")
    lower, upper = as_positive(lower, "lower"), as_positive(upper, "upper")
    if lower >= upper:
        raise InvalidInput(f"lower ({lower}) must be below upper ({upper})")
    if lower < _SMALLEST_NORMAL:
        raise InvalidInput(f"lower ({lower}) must be at least 2.2e-308, the smallest normal float64")
    found = predicted_leading(construction)
    if found is None:
        raise InvalidInput(f"{construction.name}: the error series vanishes through lam^8; no U-curve to optimise")
    order, lead = found
    pts = _points_of(points, len(construction.variables))
    q = Polynomial(sp.expand(lead / construction.scale**order), construction.variables)
    qmax = float(np.max(np.abs(q.numpy(pts))))

    def cost(lam: float) -> tuple[float, float]:
        problem = resolve(construction, sp.Rational(repr(lam)))
        _, amp = _float64_pass(problem, pts, subtract_target=True)
        power = lam**order if order * math.log10(lam) < 308 else math.inf  # (1e300)**2 raises OverflowError
        return (power * qmax if qmax else 0.0), u * float(np.max(amp))

    grid = np.logspace(math.log10(lower), math.log10(upper), 41)
    costs = [cost(float(g)) for g in grid]
    best = int(np.argmin([t + r for t, r in costs]))
    lo_i, hi_i = max(best - 1, 0), min(best + 1, len(grid) - 1)
    fine = np.logspace(math.log10(grid[lo_i]), math.log10(grid[hi_i]), 21)
    fine_costs = [cost(float(g)) for g in fine]
    j = int(np.argmin([t + r for t, r in fine_costs]))
    lam = float(fine[j])
    return ScaleChoice(lam, fine_costs[j][0], fine_costs[j][1], u)


"""A numeric search for small single-hidden-layer networks approximating a polynomial on a box.

Seed 001 describes random search (and Bayesian optimisation) over architectures; this module
applies it to this library's question: *how few hidden neurons does it take?* For a target p
(the product x_1...x_n, a monomial x^r, or any polynomial), a model

    "bias-free":    N(x) = sum_j w_j sigma(a_j . x)
    "output-bias":  N(x) = c + sum_j w_j sigma(a_j . x)
    "biased":       N(x) = c + sum_j w_j sigma(a_j . x + b_j)

(the models of :data:`symnet.lower_bounds.MODELS`), a box and a tolerance eps, it looks for the
smallest width m at which some network reaches max |N - p| <= eps on a check grid. Each trial
fits the weights by float64 nonlinear least squares (``scipy.optimize.least_squares``, analytic
Jacobian) from a random start; ``strategy="scan"`` tries widths in increasing order with a
fixed number of random starts each and stops at the first success, ``strategy="random"`` is
seed 001's random search (each trial draws a width and an initial scale at random).
Everything is deterministic given ``seed`` and bounded by the number of trials and function
evaluations (an optional wall-clock limit trades determinism for a time bound).

What is measured, and what is not
---------------------------------
The *tolerance-width* w(p, eps, box) is the least m for which some network of the model with m
hidden neurons has sup_box |N - p| <= eps. A success of the search exhibits a network, so it
proves ``w <= m`` up to the gap between the check grid and the whole box; the result also
reports a bound on that gap (grid maximum plus the Lipschitz slack ``sum_i h_i/2 sup|d_i(N-p)|``
between grid points, in float64, not interval arithmetic; :mod:`symnet.numeric` certifies
rigorously). A failure proves nothing: a local optimiser from finitely many starts can miss a
network that exists. The search never produces a lower bound.

The lower bounds of :mod:`symnet.lower_bounds` are about a different notion: Taylor agreement
with p through degree deg p at 0 (the constructions meeting it approximate p to *every* eps
through the scaling lam -> 0), certified by the theorem under its hypotheses (bias-free or
output-bias model, sigma^(k)(0) != 0) or, in any model, by the weaker catalecticant bound. A
fixed tolerance on a fixed box is a weaker requirement, so the tolerance-width can be *smaller*
than the certified Taylor width (for moderate eps it often is) without contradicting anything;
and when the Taylor conditions are impossible (a bias-free tanh network cannot match x_1 x_2:
tanh''(0) = 0), a fixed tolerance may or may not be reachable. :class:`SearchResult` prints both,
each with its notion, side by side.

Why there is no Bayesian optimiser
----------------------------------
Seed 001's second method, Bayesian optimisation (e.g. optuna's TPE), is not built in. Here the
hyperparameter is one small ordered integer (the width), and success within a budget is close to
monotone in it, so an increasing scan with early stopping needs at most one batch of trials per
width, and a surrogate model has nothing to learn from a handful of step-function observations.
The inner problem (the weights) is a smooth least-squares problem in 10-100 dimensions, where a
gradient-based local solver with random restarts is far stronger than BO. optuna would also be a
new dependency (not installed) whose samplers add run-to-run variation. If the search space grows
(depth, activation, learning-rate-like knobs), ``strategy="random"`` is the baseline any BO must
beat.

Examples
--------
>>> from symnet.search import search_width
>>> r = search_width(2, activation="exp", model="bias-free", tol=0.05, widths=[2, 4],
...                  starts=2, max_nfev=300, grid_points=1024, seed=0)
>>> [(s.width, s.reached) for s in r.widths]
[(2, False), (4, True)]
>>> r.max_error <= 0.05
True
>>> r.lower_bound.exact        # Taylor agreement through degree 2 (LTR App. A): a different notion
4
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from symnet import _show as show
from symnet._validation import nonnegative_int, positive_int
from symnet.activations import Activation
from symnet.activations import get as get_activation
from symnet.activations._activation import VARIABLE
from symnet.activations._numeric import to_numpy_function
from symnet.errors import InvalidInput, SymnetError
from symnet.network import Network

__all__ = ["DERIVATIVE_SUPS", "NOTION", "LowerBound", "SearchResult", "Trial", "WidthSummary", "derivative_sups",
           "search_width"]

#: What the search measures (printed with every result).
NOTION = (
    "tolerance-width: the least m such that some network of the model with m hidden neurons has "
    "max |N - p| <= tol on the box. A success exhibits a network (an upper bound on this width, checked on "
    "a grid, with a derivative bound for the gaps between grid points); a failure proves nothing. Never a "
    "lower bound."
)

#: Most check-grid points (the grid has g^n points).
MAX_GRID_POINTS = 40_000
#: Most trials in one search.
MAX_TRIALS = 10_000
#: Widest network tried.
MAX_WIDTH = 512


# -- results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Trial:
    """One least-squares fit from one random start."""

    width: int
    index: int
    init_scale: float
    max_error: float
    rms_error: float
    nfev: int
    reached: bool


@dataclass(frozen=True)
class WidthSummary:
    """All trials at one width: how many, the best grid max error, whether tol was reached."""

    width: int
    trials: int
    best_max_error: float
    reached: bool


@dataclass(frozen=True)
class LowerBound(show.Shows):
    """The certified lower bound of :func:`symnet.lower_bounds.minimal_width`, next to the search.

    Attributes
    ----------
    width : int or None
        Every width below it is impossible in the Taylor notion (certified: theorem, catalecticant
        or Groebner certificate); None when nothing is certified or no width works at all.
    status : str
        ``minimal_width``'s status: ``"theorem"`` / ``"certified"`` (the minimal Taylor width is
        known: ``exact``), ``"unknown"`` (only the bound), ``"impossible"`` (no width matches p
        through its degree in this model), or ``"unavailable"``.
    exact : int or None
        The minimal Taylor width when it is decided.
    upper : int or None
        Width of an explicit network matching p through its degree, when one was found.
    method : str
        How the bound is certified (the certificate's ``method``).
    notion : str
    reason : str
        Notes (why a theorem does not apply, what was not attempted).
    result : object
        The :class:`~symnet.lower_bounds.MinimalWidth` itself (None if unavailable), whose
        certificates re-check with ``check()``.

    Examples
    --------
    >>> from symnet.search import LowerBound
    >>> bound = LowerBound(4, "theorem", 4, "theorem (LTR App. A)", "Taylor agreement through degree 2")
    >>> print(bound)
    the minimal width is exactly 4 (Taylor agreement through degree 2); certificate: theorem (LTR App. A)
    >>> print(bound.latex())
    \\text{the minimal width is exactly 4 (Taylor agreement through degree 2); certificate: theorem (LTR App. A)}
    """

    width: int | None
    status: str
    exact: int | None
    method: str
    notion: str
    reason: str = ""
    upper: int | None = None
    result: Any = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        if self.status == "impossible":
            return (f"no width can match p through its degree in this model ({self.notion}); "
                    f"certificate: {self.method}")
        if self.width is None:
            return f"no certified lower bound ({self.reason})"
        if self.exact is not None:
            known = f"the minimal width is exactly {self.exact}"
        else:
            known = f"every width below {self.width} is impossible"
            if self.upper is not None:
                known += f", and width {self.upper} is attained"
        return f"{known} ({self.notion}); certificate: {self.method}"

    def latex(self) -> str:
        """The same sentence as ``\\text{...}`` (a math-mode LaTeX fragment)."""
        return show.text(str(self))


@dataclass(frozen=True, eq=False)
class SearchResult(show.Shows):
    """What a search found, next to what is proved.

    Attributes
    ----------
    target : sympy.Expr
    variables : tuple of sympy.Symbol
    box : tuple of (lo, hi)
    tol : float
    model : str
    activation : Activation
    strategy : str
    width : int or None
        The smallest width at which a trial reached ``max_error <= tol`` on the check grid
        (None: not found within the budget, which proves nothing).
    network : Network or None
        The best network at that width, with exact rational weights (the float64 weights read as
        the decimals they print as).
    max_error : float or None
        max |N - p| over the check grid, evaluated by :meth:`Network.numpy` on ``network``.
    error_bound : float or None
        ``max_error`` plus the Lipschitz slack between grid points: a bound on sup over the box
        (float64; None when symnet has no Lipschitz constant for the activation).
    grid_points : int
    widths : tuple of WidthSummary
    trials : tuple of Trial
    lower_bound : LowerBound
    seed : int
    stopped_by_time : bool
    notion : str

    ``str()`` is :meth:`report`; ``latex()`` the same report with the per-width table as an
    ``array`` and the target typeset.

    Examples
    --------
    >>> from symnet.search import search_width
    >>> r = search_width(2, activation="exp", model="bias-free", tol=0.05, widths=[4], starts=1,
    ...                  max_nfev=300, grid_points=64, seed=0)
    >>> print(str(r).splitlines()[0])
    search for the smallest single-hidden-layer network approximating x_1*x_2
    >>> print(r.latex().splitlines()[1])
    \\text{search for the smallest single-hidden-layer network approximating $x_{1} x_{2}$} \\\\
    """

    target: sp.Expr
    variables: tuple[sp.Symbol, ...]
    box: tuple[tuple[float, float], ...]
    tol: float
    model: str
    activation: Activation
    strategy: str
    width: int | None
    network: Network | None
    max_error: float | None
    error_bound: float | None
    grid_points: int
    widths: tuple[WidthSummary, ...]
    trials: tuple[Trial, ...]
    lower_bound: LowerBound
    seed: int
    stopped_by_time: bool = False
    notion: str = field(default=NOTION)

    @property
    def found(self) -> bool:
        return self.width is not None

    @property
    def bounded_on_box(self) -> bool:
        """True when the network found also satisfies the bound sup_box |N - p| <= tol (float64)."""
        return self.error_bound is not None and self.error_bound <= self.tol

    def report(self) -> str:
        """A deterministic plain-text report (no timings)."""
        box = " x ".join(f"[{lo:g}, {hi:g}]" for lo, hi in self.box)
        lines = [
            f"search for the smallest single-hidden-layer network approximating {self.target}",
            f"  model {self.model}, activation {self.activation.name}, box {box}, tol {self.tol:g}, "
            f"strategy {self.strategy}, seed {self.seed}, {len(self.trials)} trials",
            f"  notion: {self.notion}",
            "  width  trials  best max error on grid  reached tol",
        ]
        for s in self.widths:
            lines.append(f"  {s.width:>5}  {s.trials:>6}  {s.best_max_error:>22.3e}  {'yes' if s.reached else 'no'}")
        if self.found:
            bound = (f"; sup over the box <= {self.error_bound:.3e} (grid values + derivative bounds between "
                     "grid points, float64)" if self.error_bound is not None
                     else "; no derivative bound for this activation, so nothing is claimed between grid points")
            lines.append(f"  found: width {self.width} reaches max error {self.max_error:.3e} on "
                         f"{self.grid_points} grid points{bound}")
            if self.bounded_on_box:
                lines.append(f"  => the tolerance-width is <= {self.width} (the bound holds on the whole box, up to "
                             "float64 rounding); nothing is claimed about smaller widths")
            else:
                lines.append(f"  => evidence that the tolerance-width is <= {self.width} on the grid (the box bound "
                             "exceeds tol); nothing is claimed about smaller widths")
        else:
            lines.append("  not found within the budget (this proves nothing about smaller or larger widths)")
        lines.append(f"  certified lower bound (a different notion): {self.lower_bound}")
        if self.found and self.lower_bound.status == "impossible":
            lines.append("  note: a network within tol exists although no width matches p in the Taylor notion: "
                         "a fixed tolerance on a fixed box asks less")
        if self.found and self.lower_bound.width is not None and self.width < self.lower_bound.width:
            lines.append(f"  note: width {self.width} < {self.lower_bound.width} is no contradiction: a fixed "
                         "tolerance on a fixed box asks less than Taylor agreement (every eps)")
        if self.stopped_by_time:
            lines.append("  stopped by the time limit: the trial count depends on the machine")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()

    def latex(self) -> str:
        """:meth:`report` as a math-mode LaTeX fragment: text lines, the per-width table as an ``array``."""
        report = self.report().splitlines()
        table = [["\\text{width}", "\\text{trials}", "\\text{best max error on grid}", "\\text{reached tol}"]]
        table += [[str(s.width), str(s.trials), show.number(s.best_max_error, 4),
                   show.text("yes" if s.reached else "no")] for s in self.widths]
        after = report[4 + len(self.widths):]
        return show.lines([show.phrase(report[0], {str(self.target): show.math(self.target, self.variables)}),
                           *(show.text(line.strip()) for line in report[1:3]), show.array(table, "rrrl", head=1),
                           *(show.text(line.strip()) for line in after)])


# -- target and model ---------------------------------------------------------------------------
def _target(spec: Any, variables: Sequence[sp.Symbol] | None) -> Any:
    from symnet.lower_bounds import as_target

    return as_target(spec, variables)


def _model(model: Any) -> str:
    from symnet.lower_bounds import check_model

    return check_model(model)


def _lower_bound(target: Any, model: str, act: Activation, groebner_unknowns: int) -> LowerBound:
    """minimal_width in its cheap setting (theorem and catalecticant; Groebner only if asked)."""
    notion = f"Taylor agreement with p through degree {target.degree} at 0, model {model}"
    try:
        from symnet.lower_bounds import minimal_width

        mw = minimal_width(target, model=model, activation=act, groebner_unknowns=groebner_unknowns,
                           search_budget=50, time_limit=30.0)
    except SymnetError as err:
        return LowerBound(None, "unavailable", None, "", notion, reason=str(err))
    cert = mw.certificate
    method = cert.method if cert is not None else "none"
    return LowerBound(mw.lower, mw.status, mw.width, method, notion, reason="; ".join(mw.notes), upper=mw.upper,
                      result=mw)


def _real(v: Any, what: str) -> float:
    """A finite real number (int, float, numpy number, sympy Rational) as a float, else InvalidInput."""
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating, sp.Rational)):
        raise InvalidInput(f"{what} must be a real number, got {v!r}")
    try:
        f = float(v)
    except OverflowError:
        f = math.inf
    if not math.isfinite(f):
        raise InvalidInput(f"{what} must be finite (as a float64), got {v!r}")
    return f


def _box(box: Any, n: int) -> tuple[tuple[float, float], ...]:
    num = _real
    if isinstance(box, (int, float, np.integer, np.floating, sp.Rational)) and not isinstance(box, bool):
        r = num(box, "box")
        if r <= 0:
            raise InvalidInput(f"box = R means [-R, R]^n and needs R > 0, got {box!r}")
        return ((-r, r),) * n
    if isinstance(box, (str, bytes)) or not isinstance(box, Sequence):
        raise InvalidInput(f"box must be a number R (for [-R, R]^n) or n pairs (lo, hi), got {box!r}")
    if len(box) != n:
        raise InvalidInput(f"box has {len(box)} intervals; the target has {n} inputs")
    out = []
    for i, pair in enumerate(box):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise InvalidInput(f"box interval {i} must be a pair (lo, hi), got {pair!r}")
        lo, hi = num(pair[0], f"box[{i}][0]"), num(pair[1], f"box[{i}][1]")
        if not lo < hi:
            raise InvalidInput(f"box interval {i} must have lo < hi, got ({lo}, {hi})")
        if not math.isfinite(hi - lo):
            raise InvalidInput(f"box interval {i} = ({lo}, {hi}) is too wide for float64 (hi - lo overflows)")
        out.append((lo, hi))
    return tuple(out)


# -- numerics -----------------------------------------------------------------------------------
class _Poly:
    """p evaluated in float64, with its partial derivatives and bounds on their sup over the box."""

    def __init__(self, target: Any):
        self.terms = [(np.array(alpha, dtype=int), float(c)) for alpha, c in target.terms]

    @staticmethod
    def _differentiate(alpha: np.ndarray, beta: Sequence[int]) -> tuple[float, np.ndarray] | None:
        """d^beta x^alpha = factor * x^(alpha - beta), or None when it vanishes."""
        e = alpha.copy()
        factor = 1.0
        for i in beta:
            if e[i] == 0:
                return None
            factor *= e[i]
            e[i] -= 1
        return factor, e

    def derivative(self, X: np.ndarray, beta: Sequence[int] = ()) -> np.ndarray:
        """d^beta p at the rows of X (beta: a tuple of variable indices, e.g. (0, 0, 1))."""
        out = np.zeros(X.shape[0])
        for alpha, c in self.terms:
            d = self._differentiate(alpha, beta)
            if d is not None:
                out += c * d[0] * np.prod(X ** d[1], axis=1)
        return out

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.derivative(X)

    def derivative_sup(self, box: tuple[tuple[float, float], ...], beta: Sequence[int]) -> float:
        """A bound on sup_box |d^beta p| (term by term, |x_i| <= max(|lo_i|, |hi_i|))."""
        M = np.array([max(abs(lo), abs(hi)) for lo, hi in box])
        total = 0.0
        for alpha, c in self.terms:
            d = self._differentiate(alpha, beta)
            if d is not None:
                total += abs(c) * d[0] * float(np.prod(M ** d[1]))
        return total


def _derivative_function(act: Activation, k: int = 1):
    """sigma^(k) as a float64 function, or None when symnet cannot build one (kinks)."""
    try:
        return to_numpy_function(sp.diff(act.expr, VARIABLE, k), VARIABLE)
    except (SymnetError, TypeError, ValueError):
        return None


#: Bounds on sup |sigma^(k)| over the real line for k = 1, 2, 3 (None: no such derivative everywhere).
#: Rounded up from the exact maxima: tanh'' at 4/(3 sqrt 3), tanh''' = -2 at 0, sigmoid'' at
#: 1/(6 sqrt 3), sigmoid''' = -1/8 at 0, silu' at 1.09984, gelu' at 1.12890, gelu'' at 2 phi(0);
#: the tests re-derive every entry by dense sampling.
DERIVATIVE_SUPS = {
    "tanh": (1.0, 0.76981, 2.0),
    "sigmoid": (0.25, 0.096226, 0.125),
    "softplus": (1.0, 0.25, 0.096226),
    "silu": (1.09985, 0.50001, 0.30819),
    "gelu": (1.12891, 0.79789, 0.77877),
    "cos": (1.0, 1.0, 1.0),
    "relu": (1.0, None, None),
    "elu": (1.0, 1.0, None),  # sigma' is 1-Lipschitz (sigma'' jumps at 0 but stays in [0, 1])
}


def derivative_sups(act: Activation | str, lo: float, hi: float) -> tuple[float | None, float | None, float | None]:
    """Bounds on sup |sigma^(k)| over [lo, hi] for k = 1, 2, 3 (None where symnet has none).

    Catalogue activations only (a user formula gets None: no bound is claimed). ``lo <= hi``
    must be finite reals; a bound that overflows float64 is ``inf``.

    Examples
    --------
    >>> from symnet.activations import get
    >>> from symnet.search import derivative_sups
    >>> derivative_sups(get("cube"), -2.0, 1.0)
    (12.0, 12.0, 6.0)
    """
    act = get_activation(act)
    lo, hi = _real(lo, "derivative_sups: lo"), _real(hi, "derivative_sups: hi")
    if lo > hi:
        raise InvalidInput(f"derivative_sups needs lo <= hi, got ({lo}, {hi})")
    return _sups(act, lo, hi)


def _sups(act: Activation, lo: float, hi: float) -> tuple[float | None, float | None, float | None]:
    """:func:`derivative_sups` without the argument checks (None, None, None for a non-finite range)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None, None, None
    name = act.name
    try:
        same = act.expr is not None and get_activation(name) == act
    except SymnetError:
        same = False
    if not same:
        return None, None, None
    big = max(abs(lo), abs(hi))
    if name in DERIVATIVE_SUPS:
        return DERIVATIVE_SUPS[name]
    if name == "exp":
        return (math.exp(hi) if hi < 709.0 else math.inf,) * 3
    if name == "square":
        return 2 * big, 2.0, 0.0
    if name == "cube":
        return 3 * big * big, 6 * big, 6.0
    return None, None, None


class _Model:
    """The model's parameter layout and its float64 evaluation with the Jacobian."""

    def __init__(self, model: str, n: int, m: int, act: Activation, dact):
        self.model, self.n, self.m, self.act, self.dact = model, n, m, act, dact
        self.hidden_bias = model == "biased"
        self.output_bias = model in ("biased", "output-bias")
        self.size = m * n + (m if self.hidden_bias else 0) + m + (1 if self.output_bias else 0)

    def unpack(self, theta: np.ndarray):
        m, n = self.m, self.n
        k = m * n
        A = theta[:k].reshape(m, n)
        if self.hidden_bias:
            b = theta[k:k + m]
            k += m
        else:
            b = np.zeros(m)
        w = theta[k:k + m]
        c = theta[k + m] if self.output_bias else 0.0
        return A, b, w, c

    def initial(self, rng: np.random.Generator, scale: float, mean: float) -> np.ndarray:
        A = rng.normal(0.0, scale, size=(self.m, self.n))
        parts = [A.ravel()]
        if self.hidden_bias:
            parts.append(rng.normal(0.0, 1.0, size=self.m))
        parts.append(rng.normal(0.0, 1.0, size=self.m))
        if self.output_bias:
            parts.append(np.array([mean]))
        return np.concatenate(parts)

    def residuals(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        A, b, w, c = self.unpack(theta)
        with np.errstate(all="ignore"):
            r = self.act.numpy(X @ A.T + b) @ w + c - y
        return np.where(np.isfinite(r), r, 1e10)

    def jacobian(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        A, b, w, _ = self.unpack(theta)
        with np.errstate(all="ignore"):
            Z = X @ A.T + b
            S = self.act.numpy(Z)
            D = self.dact(Z) * w  # (N, m)
        cols = [(D[:, :, None] * X[:, None, :]).reshape(X.shape[0], -1)]
        if self.hidden_bias:
            cols.append(D)
        cols.append(S)
        if self.output_bias:
            cols.append(np.ones((X.shape[0], 1)))
        J = np.hstack(cols)
        return np.where(np.isfinite(J), J, 0.0)

    def network(self, theta: np.ndarray) -> Network:
        A, b, w, c = self.unpack(theta)
        return Network.single_hidden_layer(
            A.tolist(), w.tolist(), self.act,
            hidden_bias=b.tolist() if self.hidden_bias else None,
            output_bias=float(c) if self.output_bias else None,
        )


def _grid(box: tuple[tuple[float, float], ...], points: int) -> np.ndarray:
    n = len(box)
    g = max(2, math.floor(points ** (1.0 / n) + 1e-9))
    axes = [np.linspace(lo, hi, g) for lo, hi in box]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([a.ravel() for a in mesh], axis=1)


def _training_points(box, count: int, rng: np.random.Generator) -> np.ndarray:
    lo = np.array([a for a, _ in box])
    hi = np.array([b for _, b in box])
    corners = np.array(np.meshgrid(*[[a, b] for a, b in box], indexing="ij")).reshape(len(box), -1).T
    inner = lo + (hi - lo) * rng.random((count, len(box)))
    return np.vstack([corners, inner]) if corners.shape[0] <= count else inner


def _error_bound(net: Network, act: Activation, box, grid: np.ndarray, g: int, poly: _Poly) -> float | None:
    """A bound on sup_box |N - p| from values at the grid (float64 arithmetic, not interval-certified).

    Every box point x is within h_i / 2 of a grid point g in each coordinate (the grid is regular
    and contains the box's faces). With f = N - p, Taylor's theorem of order q at g gives

        |f(x)| <= max_g sum_{k < q} (1/k!) sum_{beta in [n]^k} |d^beta f(g)| (h/2)^beta
                  + (1/q!) sum_{beta in [n]^q} S_beta (h/2)^beta,      S_beta >= sup_box |d^beta f|,

    with S_beta <= sum_j |w_j a_j^beta| sup|sigma^(q)| (over the neuron's pre-activation range)
    plus the polynomial's own term-by-term bound. The smallest of the bounds for q = 1, 2, 3 is
    returned: the scaled networks of the theory (huge w_j, tiny a_j) cancel in their low
    derivatives, which only a higher q sees.
    """
    import itertools

    layer = net.layers[0]
    A = np.array(layer.weights.evalf(17).tolist(), dtype=float)
    b = np.array([float(v) for v in layer.bias])
    w = np.array([float(v) for v in net.layers[1].weights])
    c = float(net.layers[1].bias[0])
    M = np.array([max(abs(lo), abs(hi)) for lo, hi in box])
    half = np.array([(hi - lo) / (g - 1) / 2 for lo, hi in box])
    n = len(box)
    sups = [_sups(act, b[j] - float(np.abs(A[j]) @ M), b[j] + float(np.abs(A[j]) @ M))
            for j in range(A.shape[0])]
    with np.errstate(all="ignore"):
        Z = grid @ A.T + b
        local = np.abs(act.numpy(Z) @ w + c - poly(grid))  # running sum of the terms k < q
    bounds = []
    for q in (1, 2, 3):
        if q > 1:  # add the order q - 1 terms at the grid points
            dk = _derivative_function(act, q - 1)
            if dk is None:
                break
            with np.errstate(all="ignore"):
                Dk = dk(Z) * w  # (G, m)
            for beta in itertools.product(range(n), repeat=q - 1):
                vals = Dk @ np.prod(A[:, list(beta)], axis=1) - poly.derivative(grid, beta)
                local = local + np.abs(vals) * float(np.prod(half[list(beta)])) / math.factorial(q - 1)
        if any(sj[q - 1] is None for sj in sups):
            continue
        rem = 0.0
        sup_q = np.array([sj[q - 1] for sj in sups])
        for beta in itertools.product(range(n), repeat=q):
            a_beta = np.abs(np.prod(A[:, list(beta)], axis=1))
            S = float(np.sum(np.abs(w) * a_beta * sup_q)) + poly.derivative_sup(box, beta)
            rem += S * float(np.prod(half[list(beta)]))
        bound = float(np.max(local)) + rem / math.factorial(q)
        if math.isfinite(bound):
            bounds.append(bound)
    return min(bounds) if bounds else None


# -- the search ------------------------------------------------------------------------------------
def search_width(
    target: Any,
    *,
    activation: Activation | str = "tanh",
    model: str = "biased",
    box: Any = 1.0,
    tol: float = 1e-3,
    widths: Iterable[int] = range(1, 9),
    strategy: str = "scan",
    starts: int = 8,
    trials: int | None = None,
    max_nfev: int = 2000,
    train_points: int | None = None,
    grid_points: int = 4096,
    seed: int = 0,
    time_limit: float | None = None,
    variables: Sequence[sp.Symbol] | None = None,
    groebner_unknowns: int = 1,
) -> SearchResult:
    """Search numerically for the smallest single-hidden-layer network within ``tol`` of ``target``.

    Parameters
    ----------
    target : int n, exponents (r_1, ..., r_n), or a sympy polynomial
        Read by :func:`symnet.lower_bounds.as_target` (n means x_1...x_n).
    activation : Activation or name, default "tanh"
        A concrete activation with a numeric implementation.
    model : "bias-free", "output-bias" or "biased" (default)
    box : float R (the box [-R, R]^n) or n pairs (lo, hi)
    tol : float
        The tolerance on max |N - p| over the check grid.
    widths : iterable of int
        Candidate widths (scanned in increasing order).
    strategy : "scan" or "random"
        ``"scan"``: ``starts`` random starts per width, increasing, stop at the first width that
        reaches tol. ``"random"``: ``trials`` draws of (width, initial scale) (seed 001's random
        search); the result is the smallest width that reached tol.
    starts : int
        Random starts per width (scan).
    trials : int, optional
        Number of random-search trials (default ``starts * len(widths)``).
    max_nfev : int
        Function-evaluation budget of each least-squares fit.
    train_points : int, optional
        Fitting points (random in the box, plus its corners); default ``max(64, 40 n)``.
    grid_points : int
        About this many check points (a regular grid with g^n points, g >= 2, corners included).
    seed : int
        All randomness derives from it; the result is deterministic unless ``time_limit`` cuts it.
    time_limit : float, optional
        Seconds; no new trial starts after it (then the result depends on the machine).
    variables : sequence of sympy.Symbol, optional
        Input order for an expression target.
    groebner_unknowns : int, default 1
        Passed to :func:`symnet.lower_bounds.minimal_width` for the lower bound printed next to
        the search. The default keeps it instant (the theorem and the catalecticant bound);
        raise it (e.g. to 10) to let Groebner certificates decide small cases exactly.

    Returns
    -------
    SearchResult
        With ``width`` (or None), the network found, its grid error and Lipschitz bound, every
        trial, and the certified lower bound (Taylor notion) from :mod:`symnet.lower_bounds`.
    """
    tgt = _target(target, variables)
    model = _model(model)
    act = get_activation(activation)
    if act.is_generic:
        raise InvalidInput("the search needs a concrete activation with numeric values, not the generic sigma")
    n = tgt.n
    box_ = _box(box, n)
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.floating)) or not (0 < float(tol) < math.inf):
        raise InvalidInput(f"tol must be a positive finite number, got {tol!r}")
    tol = float(tol)
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Iterable):
        raise InvalidInput(f"widths must be an iterable of positive ints, got {widths!r}")
    width_list = sorted({positive_int(m, "a width (a positive int)", maximum=MAX_WIDTH) for m in widths})
    if not width_list:
        raise InvalidInput("widths is empty: give at least one width to try")
    if strategy not in ("scan", "random"):
        raise InvalidInput(f"strategy must be 'scan' or 'random', got {strategy!r}")
    starts = positive_int(starts, "starts", maximum=MAX_TRIALS)
    trials = positive_int(trials if trials is not None else starts * len(width_list), "trials", maximum=MAX_TRIALS)
    max_nfev = positive_int(max_nfev, "max_nfev", maximum=10**6)
    train_points = positive_int(train_points if train_points is not None else max(64, 40 * n), "train_points",
                                maximum=10**6)
    grid_points = positive_int(grid_points, "grid_points", maximum=MAX_GRID_POINTS)
    groebner_unknowns = positive_int(groebner_unknowns, "groebner_unknowns", maximum=64)
    seed = nonnegative_int(seed, "seed")
    if time_limit is not None and (isinstance(time_limit, bool) or not isinstance(time_limit, (int, float))
                                   or not time_limit > 0):
        raise InvalidInput(f"time_limit must be a positive number of seconds or None, got {time_limit!r}")
    # numeric pieces
    try:
        act.numpy(np.zeros(1))
    except SymnetError as err:
        raise InvalidInput(f"activation {act.name!r} has no numeric implementation: {err}") from None
    dact = _derivative_function(act)
    from scipy.optimize import least_squares

    poly = _Poly(tgt)
    root = np.random.SeedSequence(int(seed))
    X = _training_points(box_, train_points, np.random.default_rng(root.spawn(1)[0]))
    y = poly(X)
    grid = _grid(box_, grid_points)
    g = round(grid.shape[0] ** (1.0 / n))
    y_grid = poly(grid)
    mean = float(np.mean(y))

    def fit(m: int, index: int, rng: np.random.Generator) -> tuple[Trial, np.ndarray, _Model]:
        mdl = _Model(model, n, m, act, dact)
        scale = float(np.exp(rng.uniform(np.log(0.05), np.log(2.0))))
        x0 = mdl.initial(rng, scale, mean)
        kwargs = {"jac": (lambda th: mdl.jacobian(th, X, y))} if dact is not None else {"jac": "2-point"}
        sol = least_squares(lambda th: mdl.residuals(th, X, y), x0, method="lm", max_nfev=max_nfev,
                            ftol=1e-14, xtol=1e-14, gtol=1e-14, x_scale="jac", **kwargs)
        A, b, w, c = mdl.unpack(sol.x)
        with np.errstate(all="ignore"):
            err = act.numpy(grid @ A.T + b) @ w + c - y_grid
        max_err = float(np.max(np.abs(err))) if np.all(np.isfinite(err)) else math.inf
        rms = float(np.sqrt(np.mean(err**2))) if math.isfinite(max_err) else math.inf
        return Trial(m, index, scale, max_err, rms, int(sol.nfev), max_err <= tol), sol.x, mdl

    started = time.monotonic()
    out: list[Trial] = []
    best: dict[int, tuple[float, np.ndarray, _Model]] = {}
    stopped = False

    def record(t: Trial, theta: np.ndarray, mdl: _Model) -> None:
        out.append(t)
        if t.width not in best or t.max_error < best[t.width][0]:
            best[t.width] = (t.max_error, theta, mdl)

    def out_of_time() -> bool:
        return time_limit is not None and time.monotonic() - started > time_limit

    if strategy == "scan":
        for m in width_list:
            streams = np.random.SeedSequence([int(seed), m]).spawn(starts)
            for k in range(starts):
                if out_of_time():
                    stopped = True
                    break
                record(*fit(m, k, np.random.default_rng(streams[k])))
            if stopped or any(t.reached for t in out if t.width == m):
                break
    else:
        draw = np.random.default_rng(np.random.SeedSequence([int(seed), 0, 1]))
        streams = np.random.SeedSequence([int(seed), 1]).spawn(trials)
        for k in range(trials):
            if out_of_time():
                stopped = True
                break
            m = int(width_list[int(draw.integers(len(width_list)))])
            record(*fit(m, k, np.random.default_rng(streams[k])))

    summaries = []
    for m in sorted({t.width for t in out}):
        ts = [t for t in out if t.width == m]
        summaries.append(WidthSummary(m, len(ts), min(t.max_error for t in ts), any(t.reached for t in ts)))
    reached = [s.width for s in summaries if s.reached]
    width = min(reached) if reached else None
    network = max_error = bound = None
    if width is not None:
        _, theta, mdl = best[width]
        network = mdl.network(theta)
        max_error = float(np.max(np.abs(network.numpy(grid) - y_grid)))  # re-evaluated by Network
        if max_error > tol:  # pragma: no cover - exact rational weights differ from floats by ~1e-16
            width = None
        else:
            bound = _error_bound(network, act, box_, grid, g, poly)
    return SearchResult(
        target=tgt.expr,
        variables=tgt.variables,
        box=box_,
        tol=tol,
        model=model,
        activation=act,
        strategy=strategy,
        width=width,
        network=network if width is not None else None,
        max_error=max_error if width is not None else None,
        error_bound=bound,
        grid_points=int(grid.shape[0]),
        widths=tuple(summaries),
        trials=tuple(out),
        lower_bound=_lower_bound(tgt, model, act, groebner_unknowns),
        seed=int(seed),
        stopped_by_time=stopped,
    )

"""Rigorous certificates: sup over a box of |network - target| <= eps, proved in ball arithmetic.

:func:`certify` picks a scale lam (or takes the one given) and proves, with python-flint's
``arb`` balls (rigorous: every operation returns a ball containing the exact result), that

    sup_{x in box} |N_lam(x) - T(x)| <= bound <= eps.

Method ``"taylor-model"``: the box is split into cells; on each cell the network is evaluated on
Taylor models (:mod:`symnet.numeric._taylor_model`), so the O(1) parts of the neurons cancel
coefficient by coefficient before the division by lam^2 can amplify anything, and the activation
enters through Taylor's theorem with a Lagrange remainder enclosed by ``arb_series``. The
polynomial left after subtracting the target (whose coefficients are the error series, of size
lam^p) is bounded termwise on the cell. Cells whose bound exceeds eps are bisected along their
widest side. Plain interval evaluation would not work: the width of each sigma(b + lam a.x) over
a cell is ~lam, times the output weight ~1/lam^2.

Method ``"ball arithmetic at points"``: a finite set of exact points (e.g. the 2^k bit vectors of
the bit product, ``MATH.md`` section 5) evaluated in arb.

:meth:`Certificate.check` re-verifies without trusting the recorded numbers: it checks that the
cells tile the box (by replaying the bisection), re-bounds every cell by a second route -- for a
single hidden layer the direct expansion N = sum_j w_j [sum_{k<K} sigma^(k)(m_j)/k! (z_j - m_j)^k
+ R_j] with the multinomial theorem and the target expanded binomially (no Taylor-model
arithmetic), for deeper networks the Taylor models again at a higher degree and precision --
and confirms with mpmath at high precision that the error at every cell's centre lies within the
cell's bound. Any failure raises :class:`~symnet.errors.CertificateError`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import flint
import mpmath
import sympy as sp

from symnet import _show as show
from symnet.activations._activation import exact_number
from symnet.constructions import Construction
from symnet.errors import CertificateError, InvalidInput, ShapeError, TooLargeError
from symnet.network import Network, to_mpf
from symnet.numeric._arb import (
    activation_function,
    arb_constant,
    arb_of_rational,
    arb_to_fraction,
    coefficient_over,
    series_coefficients,
    upper_float,
)
from symnet.numeric._inputs import Problem, as_box, resolve, short_number
from symnet.numeric._poly import Polynomial
from symnet.numeric._taylor_model import TaylorModel, monomial_range

__all__ = ["Cell", "Certificate", "certify", "corners"]

#: Largest number of cells one certification may use before giving up at a scale.
MAX_CELLS = 4096
#: Largest ``max_cells`` accepted (2^16 cells of a gate take about two minutes).
MAX_CELLS_LIMIT = 2**16
#: Largest number of monomials a Taylor model may carry (C(d + D, D)).
MAX_MONOMIALS = 3000
#: Smallest scale tried by the automatic search, as a power of 2.
MAX_HALVINGS = 40
#: Cells tried per scale during the automatic search (the final scale may use MAX_CELLS).
SEARCH_CELLS = 16
#: Most multiply-adds (points x weights and biases) of a certification at points: about 1.4 us
#: each in arb, so 10^8 take about two minutes.
MAX_BALL_WORK = 10**8
#: Largest d for which :func:`corners` lists the 2^d corners of a box (2^16 = 65536 exact points).
MAX_CORNER_DIMENSION = 16
#: How many times check() may bisect a recorded cell for its (possibly looser) second route.
CHECK_SPLITS = 6

Box = tuple[tuple[sp.Rational, sp.Rational], ...]


@dataclass(frozen=True)
class Cell:
    """A sub-box (or a point) and the rigorous upper bound of |N - T| on it (an exact dyadic)."""

    box: Box
    bound: sp.Rational


@dataclass(frozen=True)
class Certificate(show.Shows):
    r"""A proof that sup |N_scale(x) - T(x)| <= bound <= eps over a box (or a finite set of points).

    Attributes
    ----------
    name : str
    scale : sympy.Expr or None
        The exact lam used (None when the network has no scale).
    box : tuple of (lo, hi) or None
        The certified box (exact rationals); None for a point certificate.
    points : tuple of tuples or None
        The certified points (exact), for method ``"ball arithmetic at points"``.
    eps : sympy.Rational
        The tolerance asked for.
    bound : float
        A rigorous upper bound of the error (rounded up to a float).
    bound_exact : sympy.Rational
        The same bound as the exact dyadic number arb produced.
    method : str
        ``"taylor-model"`` or ``"ball arithmetic at points"``.
    cells : tuple of Cell
        The cells (or points) and their bounds.
    degree : int
        Taylor-model degree (0 for points).
    precision : int
        arb working precision in bits.
    network : Network
        The network at the certified scale.
    target : sympy.Expr
    variables : tuple of sympy.Symbol

    ``latex()`` states the bound rounded *up* to 6 digits (still a true bound) and eps and lam
    exactly.

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions import multiplication_gate
    >>> from symnet.numeric import certify
    >>> cert = certify(multiplication_gate(activations.get("softplus")), box=[(-1, 1), (-1, 1)], eps=1e-3)
    >>> print(cert)  # doctest: +ELLIPSIS
    multiplication gate: sup over [-1, 1] x [-1, 1] of |N - (u*v)| <= 0.000826... <= eps = 0.001 at lam = 9/128 ...
    >>> tex = cert.latex()
    >>> print(tex.splitlines()[1][:90])
    \sup_{(u, v) \in [-1, 1] \times [-1, 1]} \left|N_{\lambda}(u, v) - \left(u v\right)\right|
    >>> r"\leq 0.000826149 \leq \varepsilon = \frac{1}{1000}, \quad \lambda = \frac{9}{128}" in tex
    True
    """

    name: str
    scale: sp.Expr | None
    box: Box | None
    points: tuple[tuple[sp.Rational, ...], ...] | None
    eps: sp.Rational
    bound: float
    bound_exact: sp.Rational
    method: str
    cells: tuple[Cell, ...]
    degree: int
    precision: int
    network: Network = field(repr=False)
    target: sp.Expr = field(repr=False)
    variables: tuple[sp.Symbol, ...] = field(repr=False)
    construction: Construction | None = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        where = (" x ".join(f"[{lo}, {hi}]" for lo, hi in self.box) if self.box is not None
                 else f"{len(self.points)} points")
        lam = f" at lam = {self.scale} (~{float(sp.N(self.scale, 20)):.6g})" if self.scale is not None else ""
        bound = show.upper_number(self.bound_exact).replace(" \\times 10^{", "e").rstrip("}")  # rounded up
        return (f"{self.name}: sup over {where} of |N - ({self.target})| <= {bound} <= eps = "
                f"{float(self.eps):.3g}{lam} [{self.method}, {len(self.cells)} cell(s), degree {self.degree}, "
                f"{self.precision} bits]")

    def latex(self) -> str:
        """The certified inequality (bound rounded up) and the method, as a math-mode LaTeX fragment."""
        xs = ", ".join(show.math(v) for v in self.variables)
        x = xs if len(self.variables) == 1 else f"({xs})"
        if self.box is not None:
            where = " \\times ".join(f"[{show.math(lo)}, {show.math(hi)}]" for lo, hi in self.box)
            over = f"\\sup_{{{x} \\in {where}}}"
        else:
            over = f"\\max_{{{x} \\in X}}"
        lam = "" if self.scale is None else (f", \\quad \\lambda = {show.math(self.scale)} \\approx "
                                             f"{show.number(float(sp.N(self.scale, 20)), 6)}")
        net = "N_{\\lambda}" if self.scale is not None else "N"
        ineq = (f"{over} \\left|{net}({xs}) - \\left({show.math(self.target, self.variables)}\\right)\\right| "
                f"\\leq {show.upper_number(self.bound_exact, 6)} \\leq \\varepsilon = {show.math(self.eps)}{lam}")
        points = "" if self.box is not None else f", X = {len(self.points)} points"
        return show.lines([ineq, show.text(f"{self.name} [{self.method}, {len(self.cells)} cell(s), degree "
                                           f"{self.degree}, {self.precision} bits{points}]")])

    def check(self) -> Certificate:
        """Re-verify the certificate independently; return it, or raise CertificateError."""
        _check(self)
        return self


# -- input helpers ------------------------------------------------------------------------------
def corners(box: Any) -> tuple[tuple[sp.Rational, ...], ...]:
    """The 2^d corners of a box (exact), e.g. the bit vectors {0,1}^k of ``[(0, 1)] * k``.

    Examples
    --------
    >>> from symnet.numeric import corners
    >>> corners([(0, 1), (0, 1)])
    ((0, 0), (0, 1), (1, 0), (1, 1))
    """
    if isinstance(box, (str, bytes)) or not isinstance(box, Sequence):
        raise InvalidInput(f"box must be a sequence of (low, high) pairs, got {type(box).__name__}")
    exact = as_box(box, len(box))
    d = len(exact)
    if d > MAX_CORNER_DIMENSION:
        raise TooLargeError(
            f"a box of {d} inputs has 2^{d} corners, beyond symnet's limit of 2^{MAX_CORNER_DIMENSION}; certify over "
            "the box instead (Taylor models), or pass the points you need explicitly"
        )
    return tuple(tuple(exact[i][(j >> (d - 1 - i)) & 1] for i in range(d)) for j in range(2**d))


def _check_point_work(network: Network, count: int) -> None:
    """Refuse a certification at points whose ball arithmetic would take more than minutes."""
    per_point = sum(sum(1 for v in layer.weights if v != 0) + layer.width for layer in network.layers)
    if count * per_point > MAX_BALL_WORK:
        raise TooLargeError(
            f"certifying {count} points of a network of {per_point} weights and biases is {count * per_point:.3g} "
            f"ball-arithmetic multiply-adds, beyond symnet's limit of {MAX_BALL_WORK:.0e} (a few minutes); certify "
            "fewer points, or over the box (Taylor models)"
        )


def _about(value: sp.Expr) -> str:
    """A positive exact number to 3 digits for a message (also beyond float64's range)."""
    as_float = float(sp.N(value, 17))
    return f"{as_float:.3g}" if as_float != 0 and math.isfinite(as_float) else str(sp.N(value, 3))


def _as_eps(eps: Any) -> sp.Rational:
    value = exact_number(eps, "eps")
    if not value.is_Rational:
        value = sp.Rational(str(sp.N(value, 30)))
    if value <= 0:
        raise InvalidInput(f"eps must be positive, got {eps!r}: a certificate proves |N - target| <= eps")
    return value


def _exact_points(points: Any, d: int) -> tuple[tuple[sp.Rational, ...], ...]:
    if isinstance(points, (str, bytes)) or not isinstance(points, Sequence) or not points:
        raise InvalidInput("points must be a non-empty sequence of points (tuples of exact numbers)")
    out = []
    for i, p in enumerate(points):
        if isinstance(p, (str, bytes)) or not isinstance(p, Sequence) or len(p) != d:
            raise ShapeError(f"points[{i}] must have {d} coordinates, got {p!r}")
        row = tuple(exact_number(v, f"points[{i}][{j}]") for j, v in enumerate(p))
        if not all(v.is_Rational for v in row):
            raise InvalidInput(f"points[{i}] must have rational coordinates, got {p!r}")
        out.append(row)
    return tuple(out)


# -- arb evaluation -----------------------------------------------------------------------------
def _log2_size(value: sp.Expr) -> float:
    """log2 |value| for |value| > 1, else 0 (in sympy: 10^400 is beyond a float, not its log)."""
    v = abs(sp.N(value, 20))
    return float(sp.log(v, 2).evalf(20)) if v > 1 else 0.0


def _precision_for(network: Network) -> int:
    """Working bits: 96 plus the bits the weights of every layer can amplify by."""
    extra = 0.0
    for layer in network.layers:
        entries = list(layer.weights) + list(layer.bias)
        extra += max(_log2_size(v) for v in entries) + math.log2(max(layer.fan_in, 1) + 1)
    return 96 + math.ceil(extra)


class _ArbNetwork:
    """The network's weights, biases and activations as arb objects at one precision."""

    def __init__(self, network: Network, prec: int):
        self.prec = prec
        with flint.ctx.workprec(prec):
            self.layers = [
                ([[(j, arb_constant(layer.weights[i, j])) for j in range(layer.fan_in) if layer.weights[i, j] != 0]
                  for i in range(layer.width)],
                 [arb_constant(v) for v in layer.bias],
                 activation_function(layer.activation) if layer.activation is not None else None)
                for layer in network.layers
            ]

    def forward(self, inputs: list, apply: Any) -> Any:
        h = inputs
        for rows, bias, act in self.layers:
            z = []
            for row, b in zip(rows, bias, strict=True):
                total = b
                for j, w in row:
                    total = h[j] * w + total
                z.append(total)
            h = [apply(v, act) for v in z] if act is not None else z
        return h[0]


def _tm_apply(model: TaylorModel, act: Any) -> TaylorModel:
    return model.apply(act)


def _point_apply(value: flint.arb, act: Any) -> flint.arb:
    return act(value)


def _cell_bound_tm(arb_net: _ArbNetwork, target: Polynomial, cell: Box, degree: int) -> flint.arb:
    """A ball containing N - T over the cell, by Taylor models (at arb_net's precision)."""
    d = len(cell)
    with flint.ctx.workprec(arb_net.prec):
        xs = []
        for i, (lo, hi) in enumerate(cell):
            center, half = arb_of_rational((lo + hi) / 2), arb_of_rational((hi - lo) / 2)
            xs.append(TaylorModel.variable(i, center, half, d, degree))
        out = arb_net.forward(xs, _tm_apply)
        t = target.evaluate(xs, arb_constant, TaylorModel.constant(0, d, degree))
        return (out - t).range()


def _point_value(arb_net: _ArbNetwork, target: Polynomial, point: Sequence[sp.Rational]) -> flint.arb:
    with flint.ctx.workprec(arb_net.prec):
        xs = [arb_of_rational(v) for v in point]
        return arb_net.forward(xs, _point_apply) - target.evaluate(xs, arb_constant, flint.arb(0))


def _upper(ball: flint.arb) -> sp.Rational | None:
    """max |x| over the ball as an exact dyadic (rounded up at 256 bits, not at the default 53)."""
    if not ball.is_finite():
        return None
    with flint.ctx.workprec(256):
        return arb_to_fraction(ball.abs_upper())


def _bisect(cell: Box) -> tuple[Box, Box] | None:
    widths = [hi - lo for lo, hi in cell]
    i = max(range(len(cell)), key=lambda k: (widths[k], -k))
    if widths[i] == 0:
        return None
    lo, hi = cell[i]
    mid = (lo + hi) / 2
    left = (*cell[:i], (lo, mid), *cell[i + 1:])
    right = (*cell[:i], (mid, hi), *cell[i + 1:])
    return left, right


def _default_degree(target: Polynomial) -> int:
    return max(target.degree + 3, 3)


def _check_size(d: int, degree: int) -> None:
    monomials = math.comb(d + degree, degree)
    if monomials > MAX_MONOMIALS:
        raise TooLargeError(
            f"a Taylor model of degree {degree} in {d} variables has {monomials} monomials (limit {MAX_MONOMIALS}); "
            "pass a smaller degree=... (the bound gets looser) or certify fewer inputs"
        )


def _certify_cells(arb_net: _ArbNetwork, target: Polynomial, box: Box, eps: sp.Rational, degree: int,
                   max_cells: int) -> tuple[list[Cell], sp.Rational | None]:
    """Bisect until every cell's bound is <= eps. Returns (cells, None) on success, or
    ([], best_bound_seen) when the cell budget runs out or a cell cannot be split."""
    todo, done = [box], []
    while todo:
        cell = todo.pop()
        b = _upper(_cell_bound_tm(arb_net, target, cell, degree))
        if b is not None and b <= eps:
            done.append(Cell(cell, b))
            continue
        halves = _bisect(cell)
        if halves is None or len(done) + len(todo) + 2 > max_cells:
            return [], b
        todo.extend(reversed(halves))
    return done, None


# -- certify ---------------------------------------------------------------------------------------
def certify(
    construction: Construction,
    box: Any = None,
    eps: Any = None,
    *,
    points: Any = None,
    scale: Any = None,
    degree: int | None = None,
    max_cells: int = MAX_CELLS,
) -> Certificate:
    """Prove sup over ``box`` of |N_lam(x) - target(x)| <= eps, choosing lam if not given.

    Parameters
    ----------
    construction : Construction
        With a concrete, smooth activation.
    box : sequence of (low, high)
        One interval per input (exact numbers; floats are read as the decimals they print as).
    eps : positive number
    points : sequence of points, or "corners", optional
        Certify at these exact points only (method ``"ball arithmetic at points"``);
        ``"corners"`` takes the 2^d corners of ``box`` (e.g. the bit vectors).
    scale : positive number, optional
        lam. Default: the largest dyadic lam = m/2^k (m in 8..15) found that certifies.
    degree : int, optional
        Taylor-model degree (default: target degree + 3).
    max_cells : int
        Largest number of cells of the box subdivision.

    Returns
    -------
    Certificate

    Raises
    ------
    CertificateError
        If no scale (or not the given one) can be certified within the budget.
    InvalidInput, ShapeError
        For eps <= 0, empty boxes, boxes or points of the wrong dimension, generic activations.

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions import multiplication_gate
    >>> from symnet.numeric import certify
    >>> cert = certify(multiplication_gate(activations.get("softplus")), [(-1, 1), (-1, 1)], eps=1e-6)
    >>> cert.scale, cert.bound < 1e-6, cert.method
    (5/2048, True, 'taylor-model')
    """
    if not isinstance(construction, Construction):
        raise InvalidInput(f"certify needs a Construction, got {type(construction).__name__}")
    if eps is None:
        raise InvalidInput("certify needs eps (a positive tolerance)")
    eps_exact = _as_eps(eps)
    d = len(construction.variables)
    if isinstance(max_cells, bool) or not isinstance(max_cells, int) or max_cells < 1:
        raise InvalidInput(f"max_cells must be a positive int, got {max_cells!r}")
    if max_cells > MAX_CELLS_LIMIT:
        raise TooLargeError(f"max_cells = {max_cells} is beyond symnet's limit of {MAX_CELLS_LIMIT} cells (about 2 ms "
                            "each for a gate); try a smaller scale, a larger eps or a higher degree instead")
    exact_box = as_box(box, d) if box is not None else None
    if points is None and exact_box is None:
        raise InvalidInput("certify needs a box (one (low, high) pair per input) or points")
    if isinstance(points, str):
        if points != "corners" or exact_box is None:
            raise InvalidInput('points must be a sequence of points, or "corners" together with a box')
        point_set = corners(exact_box)
        _check_point_work(construction.network, len(point_set))
    elif points is not None and exact_box is not None:
        raise InvalidInput('give either a box or points (or points="corners" with a box), not both')
    else:
        if isinstance(points, Sequence) and not isinstance(points, (str, bytes)):
            _check_point_work(construction.network, len(points))  # before converting them to exact numbers
        point_set = _exact_points(points, d) if points is not None else None
    target = Polynomial(construction.target, construction.variables)
    if degree is None:
        degree = _default_degree(target)
    elif isinstance(degree, bool) or not isinstance(degree, int) or degree < 1:
        raise InvalidInput(f"degree must be a positive int, got {degree!r}")
    if point_set is None:
        _check_size(d, degree)

    def attempt(problem: Problem, budget: int) -> Certificate | sp.Rational | None:
        prec = _precision_for(problem.network)
        arb_net = _ArbNetwork(problem.network, prec)
        if point_set is not None:
            cells, worst = [], sp.Integer(0)
            for p in point_set:
                b = _upper(_point_value(arb_net, target, p))
                if b is None or b > eps_exact:
                    return b
                cells.append(Cell(tuple((v, v) for v in p), b))
            method, deg = "ball arithmetic at points", 0
        else:
            cells, worst = _certify_cells(arb_net, target, exact_box, eps_exact, degree, budget)
            if not cells:
                return worst
            method, deg = "taylor-model", degree
        bound = max(c.bound for c in cells)
        return Certificate(
            name=construction.name, scale=problem.scale, box=exact_box if point_set is None else None,
            points=point_set, eps=eps_exact, bound=upper_float(arb_of_rational(bound)), bound_exact=bound,
            method=method, cells=tuple(cells), degree=deg, precision=prec, network=problem.network,
            target=construction.target, variables=tuple(construction.variables), construction=construction,
        )

    needs_scale = construction.scale in construction.network.free_symbols
    if scale is not None and not needs_scale:
        raise InvalidInput(f"{construction.name}: the network's weights do not contain {construction.scale}; "
                           "its scale is fixed, so do not pass scale=...")
    if scale is not None or not needs_scale:
        problem = resolve(construction, scale)
        result = attempt(problem, max_cells)
        if isinstance(result, Certificate):
            return result
        at = f" at lam = {short_number(problem.scale)}" if problem.scale is not None else ""
        raise CertificateError(
            f"{construction.name}: could not prove |N - ({construction.target})| <= {_about(eps_exact)}{at}: "
            + (f"a cell's rigorous bound is {_about(result)}" if result is not None else "a bound was not finite")
            + (f" (degree {degree}, up to {max_cells} cells). Try a smaller scale, a larger eps or a higher degree."
               if point_set is None else " at one of the points. Try a smaller scale (steeper neuron) or a larger eps.")
        )
    return _search_scale(construction, attempt, eps_exact, max_cells)


def _search_scale(construction: Construction, attempt: Any, eps: sp.Rational, max_cells: int) -> Certificate:
    """Find a dyadic lam that certifies.

    Phase 1 tries lam = 2^-k, k = 1, 2, ..., with the whole box as one cell (cheap); phase 2
    (only if phase 1 finds nothing) repeats with up to SEARCH_CELLS cells. From the first
    certified 2^-k, lam = m / 2^(k+3) with m in [8, 16) is bisected (three more attempts, with
    the same cell budget) for the largest certified value.
    """
    last = None
    for budget in (1, SEARCH_CELLS):
        for k in range(1, MAX_HALVINGS + 1):
            found = attempt(resolve(construction, sp.Rational(1, 2**k)), budget)
            if not isinstance(found, Certificate):
                last = found
                continue
            best, lo, hi = found, 8, 16
            while hi - lo > 1:
                m = (lo + hi) // 2
                candidate = attempt(resolve(construction, sp.Rational(m, 2 ** (k + 3))), budget)
                if isinstance(candidate, Certificate):
                    best, lo = candidate, m
                else:
                    hi = m
            return best
    raise CertificateError(
        f"{construction.name}: no scale lam >= 2^-{MAX_HALVINGS} certified |N - ({construction.target})| <= "
        f"{_about(eps)}" + (f" (last rigorous bound {_about(last)})" if last is not None else "")
        + f" with up to {SEARCH_CELLS} cells per scale; try a larger eps, or pass scale=... and max_cells=..."
    )


# -- independent re-verification ------------------------------------------------------------------
def _direct_cell_bound(network: Network, target: Polynomial, cell: Box, terms: int, prec: int) -> flint.arb:
    """N - T over a cell for a single-hidden-layer network, by the direct expansion.

    N(x) = sum_j w_j sigma(z_j) + c, z_j = b_j + a_j.x = m_j + e_j + sum_i a_ji r_i y_i with m_j
    exact and e_j a small ball; sigma(z_j) = sum_{k<K} sigma^(k)(m_j)/k! (z_j - m_j)^k + R_j,
    |R_j| <= sup_{|t| <= rho_j} |sigma^(K)(m_j + t)|/K! rho_j^K, rho_j = |e_j| + sum_i |a_ji| r_i.
    (z_j - m_j)^k is expanded by the multinomial theorem and T(c + r y) binomially.
    """
    hidden, output = network.layers
    d = len(cell)
    zero = (0,) * d
    with flint.ctx.workprec(prec):
        act = activation_function(hidden.activation)
        center = [arb_of_rational((lo + hi) / 2) for lo, hi in cell]
        half = [arb_of_rational((hi - lo) / 2) for lo, hi in cell]
        poly: dict[tuple[int, ...], flint.arb] = {}

        def add(monomial: tuple[int, ...], value: flint.arb) -> None:
            poly[monomial] = poly[monomial] + value if monomial in poly else value

        remainder = flint.arb(0)
        add(zero, arb_constant(output.bias[0]))
        for j in range(hidden.width):
            w = arb_constant(output.weights[0, j])
            a = [arb_constant(hidden.weights[j, i]) for i in range(d)]
            z0 = arb_constant(hidden.bias[j])
            for i in range(d):
                z0 += a[i] * center[i]
            m = z0.mid()
            e = z0 - m
            alpha = [a[i] * half[i] for i in range(d)]
            rho = flint.arb(e.abs_upper())
            for al in alpha:
                rho += flint.arb(al.abs_upper())
            coeffs = series_coefficients(act, m, terms)
            top_k = coefficient_over(act, m + rho * flint.arb(0, 1), terms)
            power = flint.arb(1)
            for _ in range(terms):
                power *= rho
            remainder += flint.arb(abs(w).abs_upper()) * flint.arb(top_k.abs_upper()) * power
            # sum_k c_k (e + sum_i alpha_i y_i)^k, multinomially
            for k in range(terms):
                if coeffs[k] == 0:
                    continue
                for beta0, beta in _compositions(k, d):
                    mult = math.factorial(k)
                    value = coeffs[k] * w
                    value *= _ipow(e, beta0)
                    mult //= math.factorial(beta0)
                    for i, bi in enumerate(beta):
                        mult //= math.factorial(bi)
                        value *= _ipow(alpha[i], bi)
                    add(beta, value * mult)
        # subtract T(c + r y) = sum_alpha t_alpha prod_i sum_l C(alpha_i, l) c_i^(alpha_i - l) r_i^l y_i^l
        for monomial, coefficient in target.terms:
            parts: list[dict[tuple[int, ...], flint.arb]] = [{zero: -arb_constant(coefficient)}]
            for i, ai in enumerate(monomial):
                factor = {}
                for ell in range(ai + 1):
                    key = tuple(ell if q == i else 0 for q in range(d))
                    factor[key] = math.comb(ai, ell) * _ipow(center[i], ai - ell) * _ipow(half[i], ell)
                parts.append(factor)
            acc = parts[0]
            for factor in parts[1:]:
                nxt: dict[tuple[int, ...], flint.arb] = {}
                for m1, c1 in acc.items():
                    for m2, c2 in factor.items():
                        key = tuple(p + q for p, q in zip(m1, m2, strict=True))
                        nxt[key] = nxt[key] + c1 * c2 if key in nxt else c1 * c2
                acc = nxt
            for m1, c1 in acc.items():
                add(m1, c1)
        total = remainder * flint.arb(0, 1)
        for monomial, c in poly.items():
            total += c * monomial_range(monomial)
        return total


def _ipow(x: flint.arb, n: int) -> flint.arb:
    out = flint.arb(1)
    for _ in range(n):
        out *= x
    return out


def _compositions(k: int, d: int):
    """All (beta0, beta) with beta0 + |beta| = k, beta in N^d."""
    def rec(remaining: int, slots: int):
        if slots == 1:
            yield (remaining,)
            return
        for first in range(remaining + 1):
            for rest in rec(remaining - first, slots - 1):
                yield (first, *rest)

    for combo in rec(k, d + 1):
        yield combo[0], combo[1:]


def _replay_cover(box: Box, cells: set) -> bool:
    """True if the cells are exactly the leaves of the deterministic bisection of box."""
    todo, used = [box], 0
    while todo:
        cell = todo.pop()
        if cell in cells:
            used += 1
            continue
        halves = _bisect(cell)
        if halves is None or used + len(todo) > 4 * len(cells) + 4:
            return False
        todo.extend(halves)
    return used == len(cells)


def _mpmath_error(network: Network, target: Polynomial, point: Sequence[sp.Rational], dps: int) -> Any:
    with mpmath.workdps(dps):
        value = network.mpmath([sp.Rational(v) for v in point], dps=dps)
        t = target.evaluate([to_mpf(v) for v in point], to_mpf, mpmath.mpf(0))
        return value - t


def _check(cert: Certificate) -> None:
    if not isinstance(cert, Certificate):
        raise CertificateError("not a Certificate")
    fail = cert.name + ": certificate does not re-verify: "
    if not (cert.eps > 0 and cert.bound_exact <= cert.eps and sp.Rational(cert.bound) >= cert.bound_exact):
        raise CertificateError(fail + f"the recorded bound {cert.bound_exact} is not <= eps {cert.eps}")
    if cert.construction is not None and cert.scale is not None \
            and cert.construction.scale in cert.construction.network.free_symbols:
        if cert.construction.at_scale(cert.scale) != cert.network:
            raise CertificateError(fail + f"the recorded network is not the construction at lam = "
                                         f"{short_number(cert.scale)}")
    target = Polynomial(cert.target, cert.variables)
    prec = cert.precision + 64
    if cert.method == "ball arithmetic at points":
        recorded = {c.box for c in cert.cells}
        if cert.points is None or recorded != {tuple((v, v) for v in p) for p in cert.points}:
            raise CertificateError(fail + "the cells are not the certified points")
        if max(c.bound for c in cert.cells) != cert.bound_exact:
            raise CertificateError(fail + "the recorded bound is not the largest point bound")
        arb_net = _ArbNetwork(cert.network, prec)
        for p in cert.points:
            b = _upper(_point_value(arb_net, target, p))
            if b is None or b > cert.eps:
                raise CertificateError(fail + f"at {p} the error bound is {b}, above eps {cert.eps}")
            _spot_check(cert, target, p, b, fail)
        return
    if cert.method != "taylor-model" or cert.box is None:
        raise CertificateError(fail + f"unknown method {cert.method!r}")
    cells = {c.box: c.bound for c in cert.cells}
    if not _replay_cover(cert.box, set(cells)):
        raise CertificateError(fail + "the cells do not tile the box (the bisection does not replay)")
    single = cert.network.depth == 1 and cert.network.n_outputs == 1
    arb_net = None if single else _ArbNetwork(cert.network, prec)

    def independent(cell: Box) -> sp.Rational | None:
        if single:
            return _upper(_direct_cell_bound(cert.network, target, cell, cert.degree + 2, prec))
        return _upper(_cell_bound_tm(arb_net, target, cell, cert.degree + 1))

    if max(cells.values()) != cert.bound_exact:
        raise CertificateError(fail + "the recorded bound is not the largest cell bound")
    for cell, recorded in cells.items():
        for point in (tuple((lo + hi) / 2 for lo, hi in cell), *corners(cell)):
            _spot_check(cert, target, point, recorded, fail)
        # the second route may be looser than the first: it may split the cell further
        todo = [(cell, 0)]
        while todo:
            piece, depth = todo.pop()
            b = independent(piece)
            if b is not None and b <= cert.eps:
                continue
            halves = _bisect(piece)
            if depth >= CHECK_SPLITS or halves is None:
                shown = f"{float(b):.3g}" if b is not None else "not finite"
                raise CertificateError(fail + f"on cell {piece} the independent bound is {shown}, "
                                       f"above eps {float(cert.eps):.3g}")
            todo.extend((h, depth + 1) for h in halves)


def _spot_check(cert: Certificate, target: Polynomial, point: Sequence[sp.Rational], bound: sp.Rational,
                fail: str) -> None:
    """The error at a point, computed by mpmath at high precision, must lie within the bound."""
    digits = 30 + int(cert.precision * math.log10(2))
    value = _mpmath_error(cert.network, target, point, digits)
    if abs(value) > to_mpf(bound) * (1 + mpmath.mpf(10) ** (-20)):
        raise CertificateError(fail + f"at {point} mpmath measures an error {mpmath.nstr(value, 8)} above the "
                               f"certified bound {float(bound):.3g}")

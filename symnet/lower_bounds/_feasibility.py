"""Feasibility of the conditions for fixed hidden weights: an exact linear-algebra question over Q.

With the hidden weights a_j (and biases b_j) fixed, the conditions E_alpha of
:mod:`._conditions` are linear in the output weights w (the output bias only enters the dropped
degree-0 row), so "is there a network with these hidden neurons?" is "is the right-hand side in
the column space?" (``MATH.md`` section 3). The answer is a certificate:

- feasible: a :class:`~._certificates.WitnessCertificate` carrying the explicit network;
- infeasible: an :class:`~._certificates.InfeasibleCertificate` carrying y with y^T V = 0 and
  y^T r != 0 (Fredholm alternative), or a :class:`~._certificates.VanishingCertificate`.

Fast path (shared operating point, rational weights): with D the common denominator of the
a_ij, a_j^alpha = Z[alpha, j] / D^|alpha| with integers Z. Rows of Z independent mod p are
independent over Q (see :mod:`._linalg`), so once m rows are independent mod p the columns are
independent over Q, the square system on those rows has exactly one solution w, and either w
satisfies *every* row (checked exactly: feasible) or a row i it violates, together with the m
basis rows, gives the (m + 1)-row left null vector y (infeasible). Only when Z has no full
column rank mod p does the computation fall back to exact row reduction over Q of all rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy as sp
from sympy.polys.matrices import DomainMatrix

from symnet._show import Shows, text
from symnet.activations import Activation
from symnet.errors import InvalidInput, TooLargeError
from symnet.lower_bounds._certificates import (
    InfeasibleCertificate,
    VanishingCertificate,
    WitnessCertificate,
)
from symnet.lower_bounds._conditions import (
    LinearConditions,
    _activation,
    _common_scale,
    as_target,
    check_model,
    linear_conditions,
)
from symnet.lower_bounds._expansion import single_hidden_layer_parts
from symnet.lower_bounds._linalg import (
    PRIME,
    integer_dot,
    left_null_vector,
    matvec_mod,
    pivots,
    power_matrix,
    power_matrix_mod,
    select_independent_rows,
    solve_mod,
    solve_square,
)
from symnet.network import Network

__all__ = ["MAX_ENTRIES", "Undecided", "feasibility", "network_model"]

#: Most matrix entries (conditions x neurons) a feasibility decision builds (int64: 8 bytes each).
MAX_ENTRIES = 60_000_000


@dataclass(frozen=True)
class Undecided(Shows):
    """An honest "not decided": the exact question is outside what symnet can settle here.

    Attributes
    ----------
    question : str
    reason : str

    Examples
    --------
    >>> from symnet.lower_bounds import Undecided
    >>> u = Undecided("is x_1*x_2 feasible?", "too large")
    >>> print(u)
    undecided: is x_1*x_2 feasible? (too large)
    >>> print(u.latex())
    \\text{undecided: is $x_{1}$*$x_{2}$ feasible? (too large)}
    """

    question: str
    reason: str
    feasible: None = None
    method: str = "undecided"

    def check(self) -> bool:
        from symnet.errors import CertificateError

        raise CertificateError(f"nothing to check: '{self.question}' was not decided ({self.reason})")

    def __str__(self) -> str:
        return f"undecided: {self.question} ({self.reason})"

    def latex(self) -> str:
        """The question and why it is not decided, as ``\\text{...}`` (math mode)."""
        return text(str(self))


def network_model(network: Network, model: str | None = None) -> str:
    """The model of a single-hidden-layer network (from its biases), or check a given one against them.

    Raises :class:`InvalidInput` when the given model forbids a bias the network has.
    """
    _a, b, _act, _w, c = single_hidden_layer_parts(network, "the model of a network")
    has_hidden = any(v != 0 for v in b)
    has_out = c != 0
    if model is None:
        return "biased" if has_hidden else ("output-bias" if has_out else "bias-free")
    model = check_model(model)
    if has_hidden and model != "biased":
        raise InvalidInput(f"the network has hidden biases {list(b)}, inconsistent with model {model!r}; "
                           "use model='biased'")
    if has_out and model == "bias-free":
        raise InvalidInput(f"the network has output bias {c}, inconsistent with model 'bias-free'; "
                           "use model='output-bias'")
    return model


def feasibility(target: Any, weights: Network | Any, model: str | None = None,
                activation: Activation | str | None = None, hidden_bias: Any = None, prime: int = PRIME,
                evidence: str = "minor", progress: Callable[[str], None] | None = None) -> Any:
    """Decide exactly whether output weights exist for these hidden weights; return a certificate.

    Parameters
    ----------
    target : int, exponents, sympy polynomial or Target (see :func:`as_target`)
    weights : Network or m x n matrix
        A single-hidden-layer network (its hidden weights, biases and activation are used; its
        output weights are ignored and solved for) or the hidden weights a_j as rows.
    model : str, optional
        Default: from the network's biases, or ``"bias-free"`` for a matrix.
    activation : Activation or name, optional
        Needed with a matrix (default: the generic activation).
    hidden_bias : sequence, optional
        b_j for the ``"biased"`` model with a matrix.
    prime : int
        The prime for the row selection (default 2^31 - 1; must be below 2^31).
    evidence : str
        For infeasibility with rational weights: ``"minor"`` (full column rank of [V | r] mod p
        on m + 1 rows; cheap) or ``"null-vector"`` (an exact y with y^T V = 0, y^T r != 0).
    progress : callable, optional
        Called with a message at each stage.

    Returns
    -------
    WitnessCertificate, InfeasibleCertificate, VanishingCertificate or Undecided
        Each has ``.feasible`` semantics through its type (``result.feasible`` is True, False or
        None) and ``check()``.

    Examples
    --------
    >>> from symnet.lower_bounds import feasibility
    >>> cert = feasibility(2, [[1, 1], [1, -1], [-1, 1], [-1, -1]], activation="exp")
    >>> type(cert).__name__, cert.check()
    ('WitnessCertificate', True)
    >>> cert.network.layers[1].weights
    Matrix([[1/4, -1/4, -1/4, 1/4]])
    >>> type(feasibility(2, [[1, 1], [1, -1], [2, 3]], activation="exp")).__name__
    'InfeasibleCertificate'
    """
    tgt = as_target(target)
    if isinstance(weights, Network):
        a, b, act, _w, _c = single_hidden_layer_parts(weights, "feasibility")
        if activation is not None and _activation(activation) != act:
            raise InvalidInput(f"activation {_activation(activation).name} differs from the network's {act.name}")
        model = network_model(weights, model)
        if weights.n_inputs != tgt.n:
            raise InvalidInput(f"the network has {weights.n_inputs} inputs, the target {tgt} has {tgt.n}")
        lc = linear_conditions(tgt, [list(r) for r in a], model, act, list(b) if model == "biased" else None)
    else:
        model = check_model(model or "bias-free")
        lc = linear_conditions(tgt, weights, model, activation, hidden_bias)
    if evidence not in ("minor", "null-vector"):
        raise InvalidInput(f"evidence must be 'minor' or 'null-vector', got {evidence!r}")
    if isinstance(prime, bool) or not isinstance(prime, int) or not 2 < prime < 2**31 or not sp.isprime(prime):
        raise InvalidInput(f"prime must be an odd prime below 2^31, got {prime!r}")
    say = progress or (lambda _msg: None)
    if len(lc.rows) * lc.width > MAX_ENTRIES:
        raise TooLargeError(
            f"feasibility: {len(lc.rows)} conditions x {lc.width} neurons = {len(lc.rows) * lc.width} matrix entries "
            f"(limit {MAX_ENTRIES}, about {8 * MAX_ENTRIES // 10**6} MB); use a smaller target or fewer neurons"
        )
    say(f"{len(lc.rows)} conditions, {lc.width} neurons, model {model}")
    for alpha, value in lc.vanishing:
        if value != 0:
            return VanishingCertificate(tgt, model, lc.activation, alpha, lc.hidden_bias[0])
    if lc.shared and all(v.is_Rational for row in lc.input_weights for v in row):
        try:
            scale = _common_scale(lc.rhs)
        except InvalidInput as err:
            return Undecided("feasibility for fixed hidden weights", str(err))
        return _rational_feasibility(lc, scale, prime, say, evidence)
    return _general_feasibility(lc)


# -- fast path ---------------------------------------------------------------------------------
def _rational_feasibility(lc: LinearConditions, beta: sp.Expr, prime: int, say: Callable[[str], None],
                          evidence: str) -> Any:
    m = lc.width
    if not lc.rows:
        return _witness(lc, [Fraction(0)] * m, sp.Integer(1))
    den_a = math.lcm(1, *[int(v.q) for row in lc.input_weights for v in row])
    scales = [den_a ** sum(alpha) for alpha in lc.rows]
    ratios = [_rational(r / beta) * s if r != 0 else sp.S.Zero for r, s in zip(lc.rhs, scales, strict=True)]
    den = math.lcm(1, *[int(q.q) for q in ratios])
    rhs = [int(q * den) for q in ratios]
    zr = power_matrix_mod(lc.input_weights, lc.rows, prime)  # Z mod p, Z[alpha, j] = (D a_j)^alpha
    say(f"matrix {zr.shape[0]} x {m} mod {prime} built; selecting independent rows")
    nonzero_rows = [i for i, v in enumerate(rhs) if v != 0]
    basis = select_independent_rows(zr, prime, first=nonzero_rows, progress=say)
    if len(basis) < m:
        say(f"rank deficient mod {prime} ({len(basis)} < {m}); exact row reduction over Q")
        z, _ = lc.integer_matrix()
        return _exact_rational(lc, z, rhs, beta / den, scales)
    # Z_B is nonsingular mod p: solve mod p, then look for a row the solution violates mod p.
    rr = np.array([v % prime for v in rhs], dtype=np.int64)
    w_p = solve_mod(zr[basis], rr[basis], prime)
    resid = (matvec_mod(zr, w_p, prime) - rr) % prime
    bad = np.nonzero(resid)[0]
    if bad.size:
        # det [Z_R | r_R] = det Z_B * (r_i - Z_i Z_B^-1 r_B) != 0 mod p: full column rank m + 1.
        rows = [*basis, int(bad[0])]
        say(f"row {int(bad[0])} is violated mod {prime}: [V | r] has full column rank {m + 1}")
        if evidence == "null-vector":
            z_rows, _ = power_matrix(lc.input_weights, [lc.rows[i] for i in rows], den_a)
            y = left_null_vector(z_rows.tolist())
            return _infeasible(lc, rows, y, scales, prime)
        return InfeasibleCertificate(lc.target, lc.model, lc.activation, lc.input_weights, lc.hidden_bias,
                                     tuple(lc.rows[i] for i in rows), prime, (), beta)
    say("every row holds mod p; solving exactly and verifying every row over Q")
    z, _ = lc.integer_matrix()
    w = solve_square([[int(v) for v in z[i]] for i in basis], [rhs[i] for i in basis])
    wden = math.lcm(*[q.denominator for q in w])
    wint = [int(q * wden) for q in w]
    lhs = integer_dot(z, wint)
    fail = next((i for i, (u, v) in enumerate(zip(lhs, rhs, strict=True)) if u != v * wden), None)
    if fail is None:
        return _witness(lc, w, beta / den)
    rows = [*basis, fail]  # p divided the residual: only the exact null vector proves it
    y = left_null_vector([[int(v) for v in z[i]] for i in rows])
    return _infeasible(lc, rows, y, scales, None)


def _rational(q: sp.Expr) -> sp.Rational:
    if not q.is_Rational:
        q = sp.nsimplify(sp.simplify(q))
    if not q.is_Rational:  # pragma: no cover - _common_scale guarantees rational ratios
        raise ArithmeticError(f"expected a rational ratio, got {q}")
    return q


def _exact_rational(lc: LinearConditions, z: np.ndarray, rhs: list[int], unit: sp.Expr, scales: list[int]) -> Any:
    m = lc.width
    aug = flint.fmpz_mat([[int(v) for v in z[i]] + [rhs[i]] for i in range(z.shape[0])])
    rref, rank = flint.fmpq_mat(aug.transpose()).rref()
    rows = pivots(rref, rank)
    zp = flint.fmpq_mat([[int(v) for v in z[i]] for i in rows])
    if zp.rank() < len(rows):
        y = left_null_vector([[int(v) for v in z[i]] for i in rows])
        return _infeasible(lc, rows, y, scales, None)
    sub_rref, sub_rank = zp.rref()  # its pivot columns: independent columns of Z_R
    cols = pivots(sub_rref, sub_rank)
    square = [[int(z[i, c]) for c in cols] for i in rows]
    sol = solve_square(square, [rhs[i] for i in rows])
    w = [Fraction(0)] * m
    for c, v in zip(cols, sol, strict=True):
        w[c] = v
    return _witness(lc, w, unit)


def _infeasible(lc: LinearConditions, rows: list[int], y: list[Fraction], scales: list[int],
                prime: int | None) -> InfeasibleCertificate:
    # y annihilates the integer rows Z_alpha = D^|alpha| a^alpha; in the normalised rows a^alpha it is y * D^|alpha|.
    entries = [(lc.rows[i], sp.Rational(int(v.numerator) * scales[i], int(v.denominator)))
               for i, v in zip(rows, y, strict=True) if v != 0]
    return InfeasibleCertificate(lc.target, lc.model, lc.activation, lc.input_weights, lc.hidden_bias,
                                 tuple(a for a, _ in entries), prime, tuple(v for _, v in entries))


def _witness(lc: LinearConditions, w: list[Any], unit: sp.Expr) -> WitnessCertificate:
    unit = unit if unit.is_Rational else sp.factor(sp.simplify(unit))
    weights = [sp.sympify(sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else v) * unit
               for v in w]
    return WitnessCertificate(lc.target, lc.model, _network(lc, weights))


def _network(lc: LinearConditions, weights: list[sp.Expr]) -> Network:
    act = lc.activation
    b = lc.hidden_bias
    constant = sp.Add(*[wj * act.derivative(0, bj) for wj, bj in zip(weights, b, strict=True)])
    c = sp.Integer(0) if lc.model == "bias-free" else sp.simplify(lc.target.coefficient((0,) * lc.target.n) - constant)
    return Network.single_hidden_layer(
        [list(r) for r in lc.input_weights], weights, act,
        hidden_bias=list(b) if lc.model == "biased" else None,
        output_bias=c if lc.model != "bias-free" else None,
    )


# -- general path: algebraic or symbolic entries -------------------------------------------------
def _undecidable(domain: Any) -> str:
    """Why exact row reduction over this sympy domain would not decide the rank over R ('' if it does).

    Rows are reduced over Q, an algebraic number field, or a field of rational functions in
    generators. That gives the true rank when the generators are symbols (a result for generic
    values) or a single number known to be transcendental (e, pi, log 2: the field it generates is
    isomorphic to a rational function field). Two transcendental numbers may satisfy an unknown
    algebraic relation (e and pi are not known to be algebraically independent), so that case
    and sympy's catch-all domain EX are reported as undecided.
    """
    if domain.is_EX:
        return "the entries are not rational, algebraic or polynomial in symbols; exact rank is undecidable"
    gens = tuple(getattr(domain, "symbols", ()) or ())
    numbers = [g for g in gens if not isinstance(g, sp.Symbol)]
    if len(numbers) > 1:
        return (f"the entries involve the numbers {', '.join(map(str, numbers))}, whose algebraic independence "
                "is not known; the exact rank cannot be decided by treating them as indeterminates")
    if numbers and numbers[0].is_transcendental is not True:
        return f"the entries involve {numbers[0]}, not known to be transcendental"
    return ""


def _general_feasibility(lc: LinearConditions) -> Any:
    m = lc.width
    if lc.shared:
        mat = [[sp.Mul(*[v**e for v, e in zip(a, alpha, strict=True)]) for a in lc.input_weights] for alpha in lc.rows]
    else:
        mat = [list(row) for row in lc.matrix]
    aug = [[*row, r] for row, r in zip(mat, lc.rhs, strict=True)]
    if not aug:
        return _witness(lc, [sp.Integer(0)] * m, sp.Integer(1))
    try:
        dm = DomainMatrix.from_list_sympy(len(aug), m + 1, aug, extension=True)
    except Exception as err:
        return Undecided("feasibility for fixed hidden weights", f"no exact domain for the entries ({err})")
    reason = _undecidable(dm.domain)
    if reason:
        return Undecided("feasibility for fixed hidden weights", reason)
    dm = dm.to_field()
    rref, pivots = dm.rref()
    if m in pivots:  # the right-hand side is independent of the columns
        full = dm[:, :m]
        null = full.transpose().nullspace()
        rhs_col = dm[:, m]
        for k in range(null.shape[0]):
            vec = null[k:k + 1, :]
            if (vec * rhs_col).to_Matrix()[0, 0] != 0:
                ys = vec.to_Matrix()
                idx = [i for i in range(len(lc.rows)) if ys[0, i] != 0]
                return InfeasibleCertificate(lc.target, lc.model, lc.activation, lc.input_weights, lc.hidden_bias,
                                             tuple(lc.rows[i] for i in idx), None,
                                             tuple(sp.simplify(ys[0, i]) for i in idx))
        raise ArithmeticError("no separating left null vector found although the rank grew")  # pragma: no cover
    sol = rref.to_Matrix()
    w = [sp.Integer(0)] * m
    for r, c in enumerate(pivots):
        w[c] = sp.factor(sp.simplify(sol[r, m]))
    return _witness(lc, w, sp.Integer(1))

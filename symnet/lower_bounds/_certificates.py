"""Certificates: values that record a claim, the method, the inputs and the evidence.

Every certificate has ``.method``, ``.claim`` and ``check()``. ``check()`` re-verifies the evidence
from the inputs by a route independent of the one that produced it, and raises
:class:`~symnet.errors.CertificateError` when the evidence does not prove the claim:

==========================  =========================================  =======================================
certificate                 produced by                                ``check()`` re-verifies by
==========================  =========================================  =======================================
:class:`WitnessCertificate`   solving the linear conditions (flint)      expanding the network's Taylor polynomial
:class:`InfeasibleCertificate` rank mod p + exact solve (flint)          evaluating y^T (columns) with Fractions
:class:`VanishingCertificate` the activation's jets                     the activation's single derivative
:class:`RankCertificate`      flint ``nmod_mat`` row reduction            numpy int64 elimination mod p
:class:`CatalecticantCertificate` the multinomial formula + flint         ``Poly.diff`` + numpy elimination
:class:`GroebnerCertificate`  sympy ``groebner`` (Buchberger, grlex)      a re-expansion of the conditions and
                                                                         a basis in another order; with hidden
                                                                         biases, the derivative polynomials
                                                                         against sympy's ``diff`` and the sign
                                                                         of F(u(b)) by sympy's assumptions
:class:`TheoremCertificate`   the theorem's hypotheses                   each derivative recomputed alone
==========================  =========================================  =======================================
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from symnet._show import Shows, lines, phrase, text
from symnet.activations import VARIABLE, Activation
from symnet.activations._jets import is_zero
from symnet.errors import CertificateError
from symnet.lower_bounds._conditions import (
    ConditionSystem,
    Target,
    TheoremWidth,
    check_model,
    lowest_degree,
    quantity_symbols,
)
from symnet.lower_bounds._derivative_polynomials import U
from symnet.lower_bounds._expansion import single_hidden_layer_parts, taylor_polynomial
from symnet.lower_bounds._modular import power_rows_mod, rank_mod, residue
from symnet.network import Network

__all__ = [
    "CatalecticantCertificate",
    "Certificate",
    "GroebnerCertificate",
    "InfeasibleCertificate",
    "RankCertificate",
    "TheoremCertificate",
    "VanishingCertificate",
    "WitnessCertificate",
]


def _frac(v: Any) -> Fraction:
    v = sp.sympify(v)
    if not v.is_Rational:
        raise CertificateError(f"expected a rational number in the certificate, found {v}")
    return Fraction(int(v.p), int(v.q))


class Certificate(Shows):
    """Base class: ``method``, ``claim``, ``inputs``, ``evidence`` and ``check()``.

    ``inputs`` and ``evidence`` are dicts of the certificate's fields: what the claim is about
    (target, model, activation, weights) and what proves it (a network, rows and a prime, a null
    vector, a system of equations). ``str()`` is the claim and the method; ``latex()`` the same
    with the target typeset (a math-mode fragment, :mod:`symnet._show`).

    Examples
    --------
    >>> from symnet.lower_bounds import catalecticant_bound
    >>> cert = catalecticant_bound(2)
    >>> print(cert)  # doctest: +ELLIPSIS
    every single-hidden-layer network (any model, any activation) matching x_1*x_2 needs >= 2 hidden neurons [...]
    >>> print(cert.latex().splitlines()[1])  # doctest: +ELLIPSIS
    \\text{every single-hidden-layer network (...) matching $x_{1} x_{2}$ needs $\\geq$ 2 hidden neurons} \\\\
    """

    method: str = ""
    _input_fields: tuple[str, ...] = ()
    _evidence_fields: tuple[str, ...] = ()

    @property
    def inputs(self) -> dict[str, Any]:
        """What the claim is about."""
        return {name: getattr(self, name) for name in self._input_fields}

    @property
    def evidence(self) -> dict[str, Any]:
        """What proves the claim (``check()`` re-verifies it from ``inputs``)."""
        return {name: getattr(self, name) for name in self._evidence_fields}

    @property
    def claim(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def check(self) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def _fail(self, why: str) -> None:
        raise CertificateError(f"{type(self).__name__} ({self.method}) does not prove '{self.claim}': {why}")

    def __str__(self) -> str:
        return f"{self.claim} [{self.method}]"

    def _claim_math(self) -> dict[str, str]:
        """{str(target): its LaTeX} for the target the claim mentions (none for a rank claim)."""
        target = getattr(self, "target", None)
        for holder in ("system", "theorem"):
            if target is None and hasattr(self, holder):
                target = getattr(self, holder).target
        return {} if target is None else {str(target): target.latex()}

    def latex(self) -> str:
        """The claim (target typeset) above the method, as a math-mode LaTeX fragment."""
        return lines([phrase(self.claim, self._claim_math()), text(f"[{self.method}]")])


# -- upper bounds ------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class WitnessCertificate(Certificate):
    """An explicit network that matches the target through its degree (an upper bound on the width).

    Attributes
    ----------
    target : Target
    model : str
    network : Network
        Single hidden layer, weights exact.
    """

    target: Target
    model: str
    network: Network
    method: str = "explicit network, Taylor polynomial expanded"
    feasible = True
    _input_fields = ("target", "model")
    _evidence_fields = ("network",)

    @property
    def width(self) -> int:
        return self.network.hidden_neurons

    @property
    def claim(self) -> str:
        return (f"a network of width {self.width} (model {self.model!r}) with activation "
                f"{self.network.activations[0].name} matches {self.target} through degree {self.target.degree}")

    def check(self) -> bool:
        """Expand the network's Taylor polynomial (flint/sympy polynomial rings) and compare with p."""
        model = check_model(self.model)
        _a, b, _act, _w, c = single_hidden_layer_parts(self.network, "WitnessCertificate.check")
        if model != "biased" and any(v != 0 for v in b):
            self._fail(f"the network has hidden biases, which the {model!r} model does not allow")
        if model == "bias-free" and c != 0:
            self._fail(f"the network has output bias {c}, which the 'bias-free' model does not allow")
        poly = taylor_polynomial(self.network, self.target.degree)
        want = dict(self.target.terms)
        for alpha in set(poly) | set(want):
            got = poly.get(alpha, sp.Integer(0))
            diff = sp.sympify(got) - want.get(alpha, 0)
            if not is_zero(diff):
                mono = sp.Mul(*[v**e for v, e in zip(self.target.variables, alpha, strict=False)])
                self._fail(f"the coefficient of {mono} is {got}, the target's is {want.get(alpha, 0)}")
        return True


# -- infeasibility for fixed hidden weights ----------------------------------------------------------
@dataclass(frozen=True, eq=False)
class InfeasibleCertificate(Certificate):
    """No output weights make a network with these hidden weights match the target.

    The conditions are linear in the output weights: V w = r (one row per monomial). Two kinds of
    evidence prove that r is not in the column space of V:

    - ``"minor"``: m + 1 rows on which the augmented matrix [V | r] has a nonzero (m + 1) x (m + 1)
      minor mod p, so [V | r] has full column rank m + 1 over Q (mod-p rank never exceeds the rank
      over Q, :mod:`._linalg`): r is independent of the m columns. Cheap to produce and to check.
    - ``"null-vector"``: y with y^T V = 0 and y^T r != 0 (the Fredholm alternative); summing
      y_alpha times the conditions gives 0 = y^T r != 0. Exact, larger numbers.

    With a shared operating point b (models ``"bias-free"``, ``"output-bias"``) the rows are
    normalised, ``sum_j a_j^alpha w_j = alpha! p_alpha / sigma^(|alpha|)(b)``, and the minor uses
    the right-hand side divided by ``scale`` (a column scaling, so that it is rational); otherwise
    ``sum_j sigma^(|alpha|)(b_j) a_j^alpha w_j = alpha! p_alpha``.

    Attributes
    ----------
    target, model, activation
    input_weights : tuple of tuple
        a_j (exact).
    hidden_bias : tuple
        b_j.
    rows : tuple of exponent tuples
        The rows the evidence uses.
    prime : int or None
        The prime of the minor.
    y : tuple
        The null vector's entries on ``rows`` (empty for minor evidence).
    scale : sympy.Expr
        The right-hand side's common factor (minor evidence).
    """

    target: Target
    model: str
    activation: Activation
    input_weights: tuple[tuple[sp.Expr, ...], ...]
    hidden_bias: tuple[sp.Expr, ...]
    rows: tuple[tuple[int, ...], ...]
    prime: int | None = None
    y: tuple[Any, ...] = ()
    scale: sp.Expr = sp.S.One
    feasible = False
    _input_fields = ("target", "model", "activation", "input_weights", "hidden_bias")
    _evidence_fields = ("rows", "prime", "y", "scale")

    @property
    def evidence_kind(self) -> str:
        """``"null-vector"`` or ``"minor"``."""
        return "null-vector" if self.y else "minor"

    @property
    def method(self) -> str:  # type: ignore[override]
        if self.y:
            return "left null vector (Fredholm alternative), checked exactly"
        return f"full column rank of [V | r] on {len(self.rows)} rows mod {self.prime}, re-checked by numpy"

    @property
    def width(self) -> int:
        return len(self.input_weights)

    @property
    def claim(self) -> str:
        return (f"no output weights make a {self.model} network with these {self.width} hidden neurons "
                f"({self.activation.name}) match {self.target} through degree {self.target.degree}")

    def _point(self) -> tuple[bool, sp.Expr]:
        shared = len(set(self.hidden_bias)) <= 1
        return shared, (self.hidden_bias[0] if self.hidden_bias else sp.S.Zero)

    def _rhs(self, alpha: tuple[int, ...]) -> sp.Expr:
        shared, point = self._point()
        value = math.prod(math.factorial(e) for e in alpha) * self.target.coefficient(alpha)
        return value / self.activation.derivative(sum(alpha), point) if shared else sp.sympify(value)

    def check(self) -> bool:
        """Re-verify the minor mod p with numpy, or evaluate y against every column exactly."""
        kmin = lowest_degree(self.model)
        shared, point = self._point()
        if not self.rows or (self.y and len(self.y) != len(self.rows)):
            self._fail("the evidence is empty or its rows and values do not match")
        for alpha in self.rows:
            k = sum(alpha)
            if len(alpha) != self.target.n or not kmin <= k <= self.target.degree:
                self._fail(f"the evidence uses x^{alpha}, which has no condition in the {self.model!r} model")
            if shared and is_zero(self.activation.derivative(k, point)):
                self._fail(f"the evidence uses a row of degree {k}, but sigma^({k})({point}) = 0")
        if not self.y:
            return self._check_minor(shared)
        return self._check_null_vector(shared)

    def _check_minor(self, shared: bool) -> bool:
        import numpy as np

        p = self.prime
        if not shared or p is None or not sp.isprime(p):
            self._fail("minor evidence needs a shared operating point and a prime")
        if len(self.rows) != self.width + 1 or len(set(self.rows)) != len(self.rows):
            self._fail(f"a full-column-rank minor needs {self.width + 1} distinct rows, got {len(self.rows)}")
        cols = power_rows_mod(self.input_weights, self.rows, p)
        rhs = []
        for alpha in self.rows:
            q = sp.nsimplify(sp.simplify(self._rhs(alpha) / self.scale)) if self.scale != 1 else self._rhs(alpha)
            if not q.is_Rational:
                self._fail(f"the right-hand side of x^{alpha} divided by {self.scale} is not rational: {q}")
            rhs.append(residue(q, p))
        aug = np.concatenate([cols, np.array(rhs, dtype=np.int64)[:, None]], axis=1)
        r = rank_mod(aug, p)
        if r != self.width + 1:
            self._fail(f"[V | r] on the recorded rows has rank {r} mod {p}, not {self.width + 1}")
        return True

    def _check_null_vector(self, shared: bool) -> bool:
        pairs = list(zip(self.rows, self.y, strict=True))
        if shared and all(v.is_Rational for row in self.input_weights for v in row):
            ys = [(alpha, _frac(v)) for alpha, v in pairs]
            for j, a in enumerate(self.input_weights):
                fa = [_frac(v) for v in a]
                total = sum((yv * math.prod((fa[i] ** e for i, e in enumerate(alpha) if e), start=Fraction(1))
                             for alpha, yv in ys), start=Fraction(0))
                if total != 0:
                    self._fail(f"y^T (column of neuron {j + 1}) = {total}, not 0")
        else:
            for j, a in enumerate(self.input_weights):
                col = sp.Add(*[sp.sympify(yv) * sp.Mul(*[v**e for v, e in zip(a, alpha, strict=True)])
                               * (1 if shared else self.activation.derivative(sum(alpha), self.hidden_bias[j]))
                               for alpha, yv in pairs])
                if not is_zero(sp.expand(col)):
                    self._fail(f"y^T (column of neuron {j + 1}) = {col}, not 0")
        rhs = sp.Add(*[sp.sympify(yv) * self._rhs(alpha) for alpha, yv in pairs])
        if is_zero(sp.sympify(rhs)):
            self._fail("y^T (right-hand side) = 0, so y does not separate the right-hand side from the columns")
        return True


@dataclass(frozen=True, eq=False)
class VanishingCertificate(Certificate):
    """No network of any width exists: a needed derivative of the activation vanishes.

    With a shared operating point b, every neuron contributes sigma^(k)(b) (a_j . x)^k / k! to
    degree k; if sigma^(k)(b) = 0 while the target has a nonzero coefficient p_alpha of degree k,
    the condition E_alpha reads 0 = p_alpha.
    """

    target: Target
    model: str
    activation: Activation
    alpha: tuple[int, ...]
    point: sp.Expr = sp.S.Zero
    method: str = "vanishing derivative of the activation"
    feasible = False
    _input_fields = ("target", "model", "activation")
    _evidence_fields = ("alpha", "point")

    @property
    def claim(self) -> str:
        return (f"no {self.model} network of any width with activation {self.activation.name} matches "
                f"{self.target} through degree {self.target.degree}")

    def check(self) -> bool:
        """Recompute sigma^(k)(b) on its own and the target coefficient."""
        if check_model(self.model) == "biased":
            self._fail("hidden biases move the operating point; a vanishing derivative at one point proves nothing")
        k = sum(self.alpha)
        if k < lowest_degree(self.model):
            self._fail(f"the degree-{k} condition is absorbed by the output bias")
        value = self.activation.derivative(k, self.point)
        if not is_zero(value):
            self._fail(f"sigma^({k})({self.point}) = {value} is not 0")
        if self.target.coefficient(self.alpha) == 0:
            self._fail(f"the target has no x^{self.alpha} term")
        return True


# -- ranks ------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RankCertificate(Certificate):
    """rank [a_j^t] >= r: the r x r minor on the recorded rows t and columns j is nonzero mod p.

    The matrix is the (generalised) proof matrix A[t, j] = prod_i a_ij^t_i (rows t: subsets or
    sub-multisets, ``MATH.md`` sections 3-4). Clearing denominators scales rows, so the minor is
    an integer up to a nonzero factor; nonzero mod p implies nonzero, hence rank_Q >= r.

    Attributes
    ----------
    points : tuple of tuple
        The columns' a_j (the recorded columns only).
    rows : tuple of exponent tuples
        The recorded rows t.
    prime : int
    rank : int
        r = len(rows) = len(points).
    total_rows : int
        How many rows the whole matrix has (the claim is "full row rank" when equal to r).
    """

    points: tuple[tuple[sp.Expr, ...], ...]
    rows: tuple[tuple[int, ...], ...]
    prime: int
    rank: int
    total_rows: int
    columns: tuple[int, ...] = ()
    method: str = "nonzero minor mod p (flint nmod_mat), re-checked by numpy elimination"
    _input_fields = ("points", "total_rows")
    _evidence_fields = ("rows", "columns", "prime", "rank")

    @property
    def claim(self) -> str:
        full = " (full row rank)" if self.rank == self.total_rows else ""
        return f"the proof matrix has rank >= {self.rank}{full} over Q"

    def check(self) -> bool:
        """Rebuild the minor from the weights mod p and row-reduce it with numpy int64."""
        if not (len(self.rows) == len(self.points) == self.rank):
            self._fail(f"the minor is {len(self.rows)} x {len(self.points)}, the claimed rank is {self.rank}")
        if len(set(self.rows)) != len(self.rows):
            self._fail("the recorded rows repeat")
        if not sp.isprime(self.prime):
            self._fail(f"{self.prime} is not prime")
        minor = power_rows_mod(self.points, self.rows, self.prime)
        r = rank_mod(minor, self.prime)
        if r != self.rank:
            self._fail(f"the recorded minor has rank {r} mod {self.prime}, not {self.rank}")
        return True


@dataclass(frozen=True, eq=False)
class CatalecticantCertificate(Certificate):
    """Every network matching the target needs >= r neurons: a catalecticant of p_k has rank r.

    In every model each neuron contributes w_j sigma^(k)(b_j) (a_j . x)^k / k! to degree k, so the
    degree-k part p_k is a sum of at most m k-th powers of linear forms. For such a sum every
    derivative d^beta p_k (|beta| = s) lies in the span of the m polynomials (a_j . x)^(k-s), so
    the catalecticant matrix C[beta, gamma] = [x^gamma] d^beta p_k has rank <= m ([RT Cor. II.3];
    Sylvester's apolarity). A nonzero r x r minor mod p gives m >= r for every activation.

    Attributes
    ----------
    target : Target
    degree : int
        k.
    order : int
        s, the order of the derivatives.
    rows, cols : tuple of exponent tuples
        beta (|beta| = s) and gamma (|gamma| = k - s) of the minor.
    prime : int
    """

    target: Target
    degree: int
    order: int
    rows: tuple[tuple[int, ...], ...]
    cols: tuple[tuple[int, ...], ...]
    prime: int
    method: str = "catalecticant (apolarity) rank mod p, re-checked by Poly.diff and numpy elimination"
    _input_fields = ("target",)
    _evidence_fields = ("degree", "order", "rows", "cols", "prime")

    @property
    def rank(self) -> int:
        return len(self.rows)

    @property
    def claim(self) -> str:
        return (f"every single-hidden-layer network (any model, any activation) matching {self.target} needs "
                f">= {self.rank} hidden neurons")

    def check(self) -> bool:
        """Differentiate p with ``Poly.diff``, read off the minor, row-reduce mod p with numpy."""
        import numpy as np

        if len(self.rows) != len(self.cols) or not self.rows:
            self._fail("the minor is not square")
        if any(sum(b) != self.order for b in self.rows) or any(sum(g) != self.degree - self.order for g in self.cols):
            self._fail("the rows/columns do not have degrees s and k - s")
        xs = self.target.variables
        pk = sp.Poly(sp.Add(*[c * sp.Mul(*[v**e for v, e in zip(xs, alpha, strict=False)])
                              for alpha, c in self.target.terms if sum(alpha) == self.degree]), *xs)
        minor = np.zeros((len(self.rows), len(self.cols)), dtype=np.int64)
        for r, beta in enumerate(self.rows):
            d = pk
            for i, e in enumerate(beta):
                if e:
                    d = d.diff((xs[i], e))
            coeffs = dict(d.terms())
            for c, gamma in enumerate(self.cols):
                minor[r, c] = residue(coeffs.get(gamma, 0), self.prime)
        if rank_mod(minor, self.prime) != len(self.rows):
            self._fail(f"the recorded catalecticant minor is singular mod {self.prime}")
        return True


# -- all weights at once ----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class GroebnerCertificate(Certificate):
    """No network of this width exists: the conditions generate the unit ideal (basis {1}).

    If 1 is in the ideal of the equations, they have no common complex solution, so no real
    weights satisfy them. Valid for every activation satisfying the recorded ``assumes``.

    Attributes
    ----------
    system : ConditionSystem
        The equations and unknowns.
    order : str
    algorithm : str
    seconds : float
    assumes : tuple of str
        The nonzero derivatives the normalisation divided by (generic activation).
    """

    system: ConditionSystem
    order: str = "grlex"
    algorithm: str = "buchberger"
    seconds: float = 0.0
    assumes: tuple[str, ...] = ()
    _input_fields = ("system",)
    _evidence_fields = ("order", "algorithm", "seconds", "assumes")

    @property
    def method(self) -> str:  # type: ignore[override]
        text = "Groebner basis = {1} (sympy), re-checked in another monomial order and variable order"
        p = self.system.derivatives
        if p is not None:
            u_j = sp.Symbol("u_j")
            text += (f"; sigma^(k)(b_j) written as polynomials in {p.describe('b_j')}, "
                     f"with {p.nonzero.xreplace({U: u_j})} != 0 by a Rabinowitsch unknown")
        return text

    @property
    def width(self) -> int:
        return self.system.width

    @property
    def claim(self) -> str:
        s = self.system
        cond = f" (for every activation with {', '.join(self.assumes)})" if self.assumes else ""
        return (f"no {s.model} network of width {s.width} with activation {s.activation.name} matches "
                f"{s.target} through degree {s.target.degree}{cond}")

    def check(self) -> bool:
        """Re-derive the equations by expanding the network symbolically, then recompute the basis.

        A parametrised biased system (``system.derivatives``) is first checked against the
        activation: each P_k(u(b)) equals sympy's k-th derivative of the formula, the formula is
        the activation's, F(u(b)) is proved nonzero for real b by sympy's assumptions on its
        closed form, and the constraints are F(u_j) z_j - 1.
        """
        s = self.system
        if s.derivatives is not None:
            self._check_derivatives()
        expected = _expanded_conditions(s)
        if len(set(s.rows)) != len(s.rows) or len(s.rows) != len(s.equations):
            self._fail("the recorded rows repeat or do not match the equations")
        for eq, alpha in zip(s.equations, s.rows, strict=True):
            if alpha not in expected:
                self._fail(f"the equation for x^{alpha} is not one of the conditions")
            cond, factor = expected[alpha]
            if sp.expand(eq * factor - cond) != 0:
                self._fail(f"the equation for x^{alpha} is not the expanded condition {cond} (up to {factor})")
        for alpha, (cond, _factor) in expected.items():
            if alpha not in s.rows and sp.expand(cond) != 0:
                self._fail(f"{len(s.equations)} equations recorded, but the condition for x^{alpha} ({cond}) is "
                           "missing")
        if s.derivatives is None and s.constraints:
            self._fail("the system has constraints but no parametrisation that justifies them")
        gens = tuple(reversed(s.unknowns))
        order = "grevlex" if self.order != "grevlex" else "grlex"
        basis = sp.groebner(list(s.all_equations), *gens, order=order, method="buchberger")
        if list(basis.exprs) != [1]:
            self._fail(f"the recomputed basis (Buchberger, {order}, reversed variables) is not {{1}}")
        return True

    def _check_derivatives(self) -> None:
        s = self.system
        p = s.derivatives
        if check_model(s.model) != "biased":
            self._fail("derivative polynomials belong to the 'biased' model")
        x = sp.Symbol("x", real=True)
        formula = p.activation_expr.xreplace({VARIABLE: x})
        if s.activation.expr is None or sp.simplify(s.activation.expr.xreplace({VARIABLE: x}) - formula) != 0:
            self._fail(f"the parametrisation is for {p.activation_expr}, the activation is {s.activation.expr}")
        u_of_b = p.quantity.xreplace({VARIABLE: x})
        for k in range(max(p.start, 1), s.target.degree + 1):
            by_diff = sp.diff(formula, x, k)
            if sp.simplify((by_diff - p.derivative(k).xreplace({U: u_of_b})).rewrite(sp.exp)) != 0:
                self._fail(f"sigma^({k}) is not {p.derivative(k)} at {p.describe()}")
        value = sp.simplify(p.nonzero.xreplace({U: u_of_b}).rewrite(sp.exp))
        if not (value.is_positive or value.is_negative):
            self._fail(f"sympy cannot show that {p.nonzero} = {value} has a constant sign for real b")
        us, zs = quantity_symbols(s.width)
        want = tuple(sp.expand(p.nonzero.xreplace({U: uj}) * zj - 1) for uj, zj in zip(us, zs, strict=True))
        if s.constraints != want:
            self._fail(f"the constraints are {s.constraints}, expected {want}")


def _expanded_conditions(s: ConditionSystem) -> dict[tuple[int, ...], tuple[sp.Expr, sp.Expr]]:
    """{alpha: (coefficient of x^alpha in network - target, normalising factor)} for k_min <= |alpha| <= d.

    The network is expanded symbolically with sympy (``Poly`` of the sum of the truncated Taylor
    series of every neuron), independently of the multinomial formula that built the equations.
    """
    n = s.target.n
    xs = sp.symbols(f"z1:{n + 1}")
    m = s.width
    w = s.unknowns[:m]
    a = [s.unknowns[m + j * n: m + (j + 1) * n] for j in range(m)]
    d = s.target.degree
    if s.model == "biased":
        extra = s.unknowns[m + m * n:]
        if s.derivatives is not None:  # P_k(u_j), verified against sympy's derivatives in check()
            p = s.derivatives
            derivs = [[sp.S.Zero] + [p.derivative(k).xreplace({U: uj}) for k in range(1, d + 1)]
                      for uj in extra[:m]]
        elif s.activation.is_generic:
            derivs = [[sp.Symbol(f"d_0_{j + 1}"), *extra[j * d:(j + 1) * d]] for j in range(m)]
        else:
            derivs = [[s.activation.derivative(k, bj) for k in range(d + 1)] for bj in extra]
    else:
        derivs = [list(s.activation.derivatives(d, 0))] * m
    lin = [sp.Add(*[ai * x for ai, x in zip(a[j], xs, strict=True)]) for j in range(m)]
    net = sp.Add(*[s.scale * w[j] * sp.Add(*[derivs[j][k] / sp.factorial(k) * lin[j]**k for k in range(d + 1)])
                   for j in range(m)])
    target = s.target.expr.xreplace(dict(zip(s.target.variables, xs, strict=True)))
    poly = sp.Poly(sp.expand(net - target), *xs)
    coeffs = {tuple(mono): c for mono, c in poly.terms()}
    out = {}
    kmin = lowest_degree(s.model)
    for k in range(kmin, d + 1):
        for alpha in itertools.product(range(k + 1), repeat=n):
            if sum(alpha) != k:
                continue
            afact = math.prod(math.factorial(e) for e in alpha)
            factor = sp.Rational(1, afact) if s.model == "biased" else derivs[0][k] * s.scale / afact
            out[alpha] = (coeffs.get(alpha, sp.S.Zero), factor)
    return out


# -- the theorem ----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class TheoremCertificate(Certificate):
    """Width ``theorem.width - 1`` is impossible by the theorem, whose hypotheses hold.

    Not a computation: the argument is the proof of LTR App. A / RT Thm II.1 (the proof matrix
    A[t, j] = a_j^t has full row rank for every network meeting the conditions). ``check()``
    re-verifies the hypotheses, each derivative recomputed on its own; for the generic activation
    they are assumptions, and the claim is stated for every activation satisfying them.
    """

    theorem: TheoremWidth
    activation: Activation
    method: str = "theorem (LTR App. A; RT Thm II.1), hypotheses checked"
    _input_fields = ("activation",)
    _evidence_fields = ("theorem",)

    @property
    def claim(self) -> str:
        t = self.theorem
        return f"no {t.model} network of width {t.width - 1} matches {t.target} through degree {t.target.degree}"

    def check(self) -> bool:
        """Recompute each hypothesis: the model, the monomial target, sigma^(k)(0) != 0 one at a time."""
        t = self.theorem
        model = check_model(t.model)
        if model == "biased":
            self._fail("the theorem has no hidden biases")
        if t.target.exponents is None:
            self._fail("the theorem is about monomial targets")
        expected = math.prod(r + 1 for r in t.target.exponents) - (model != "bias-free")
        if t.width != expected:
            self._fail(f"the theorem gives {expected}, not {t.width}")
        if not self.activation.is_generic:
            for k in range(lowest_degree(model), sum(t.target.exponents) + 1):
                v = self.activation.derivative(k, 0)
                if is_zero(v):
                    self._fail(f"sigma^({k})(0) = 0 for {self.activation.name}")
        return True


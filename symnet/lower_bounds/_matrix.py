"""The proof matrix of the lower bound: A[S, j] = prod_{h in S} a_hj (``MATH.md`` sections 3-4).

For a bias-free network ``N(x) = sum_j w_j sigma(a_j . x)`` that matches x_1...x_n through degree n
(with sigma^(k)(0) != 0, 0 <= k <= n) the proof of LTR App. A shows that the 2^n x m matrix with
rows indexed by the subsets S of the inputs has full row rank 2^n, so m >= 2^n. For the monomial
x^r ([RT II.1]) the rows are the sub-multisets t <= r (A[t, j] = a_j^t), prod(r_i + 1) of them.
With an output bias the row S = {} (t = 0) is not constrained, and the proof gives full rank
on the other rows.

The matrix is kept as a sympy :class:`~sympy.polys.matrices.DomainMatrix` (exact, over QQ for
rational weights, over a field of rational functions when the weights contain symbols such as
lam). Ranks over QQ and modulo a prime use python-flint underneath (``fmpq_mat``, ``nmod_mat``):
for the 2^n construction, n = 10 (1024 x 1024) takes a fraction of a second.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import flint
import numpy as np
import sympy as sp
from sympy import QQ, ZZ
from sympy.polys.matrices import DomainMatrix
from sympy.polys.matrices._dfm import DFM

from symnet import _show as show
from symnet.errors import CertificateError, InvalidInput, TooLargeError
from symnet.lower_bounds._certificates import RankCertificate, WitnessCertificate
from symnet.lower_bounds._conditions import Target, as_target
from symnet.lower_bounds._expansion import single_hidden_layer_parts
from symnet.lower_bounds._feasibility import network_model
from symnet.lower_bounds._linalg import PRIME, pivots, power_matrix
from symnet.network import Network

__all__ = ["MAX_PROOF_ROWS", "ProofCheck", "ProofMatrix", "check_proof", "proof_matrix", "proof_rows"]

#: Most rows a proof matrix may have (2^14: the 2^n construction up to n = 14).
MAX_PROOF_ROWS = 2**14


def proof_rows(exponents: Sequence[int], include_empty: bool = True) -> tuple[tuple[int, ...], ...]:
    """The row labels: all t with 0 <= t_i <= r_i, by total degree, then decreasing lexicographic order.

    For r = (1, ..., 1) these are the indicator vectors of the subsets S.

    Examples
    --------
    >>> from symnet.lower_bounds import proof_rows
    >>> proof_rows((1, 1))
    ((0, 0), (1, 0), (0, 1), (1, 1))
    >>> len(proof_rows((2, 1), include_empty=False))
    5
    """
    rows = sorted(itertools.product(*[range(r + 1) for r in exponents]), key=lambda t: (sum(t), [-e for e in t]))
    if not include_empty:
        rows = [t for t in rows if any(t)]
    return tuple(rows)


class ProofMatrix(show.Shows):
    """The exact proof matrix A[t, j] = a_j^t of a single-hidden-layer network.

    Attributes
    ----------
    rows : tuple of exponent tuples
        The row labels t (subsets S as indicator vectors for the product).
    points : tuple of tuple
        The hidden weight vectors a_j (columns).
    matrix : sympy.polys.matrices.DomainMatrix
    model : str
        ``"bias-free"`` (all rows) or ``"output-bias"`` (rows t != 0).

    Examples
    --------
    >>> import itertools
    >>> from symnet.network import Network
    >>> from symnet.lower_bounds import proof_matrix
    >>> signs = [list(s) for s in itertools.product((-1, 1), repeat=3)]
    >>> net = Network.single_hidden_layer(signs, [1] * 8, "exp")
    >>> A = proof_matrix(net)
    >>> A.shape, A.rank(), A.rank_mod(7), A.has_full_row_rank()
    ((8, 8), 8, 8, True)
    >>> A.certificate().check()
    True
    >>> print(A)
    proof matrix A[t, j] = a_j^t: 8 x 8 (bias-free), rank 8 (full row rank)
    """

    def __init__(self, rows: Sequence[tuple[int, ...]], points: Sequence[Sequence[Any]], model: str = "bias-free"):
        self.rows = tuple(tuple(int(e) for e in t) for t in rows)
        self.points = tuple(tuple(sp.sympify(v) for v in a) for a in points)
        self.model = model
        self._ranks: dict[Any, int] = {}
        self._matrix: DomainMatrix | None = None
        self._fmpz_cache: flint.fmpz_mat | None = None
        if all(v.is_Rational for a in self.points for v in a):
            # A = diag(D^-|t|) Z with integers Z (row scaling: same rank, same nonzero minors)
            self._integer, self._den = power_matrix(self.points, self.rows)
        else:
            self._integer, self._den = None, None

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.rows), len(self.points))

    @property
    def is_rational(self) -> bool:
        """Whether every weight is rational (then ranks use flint, and rank_mod is available)."""
        return self._integer is not None

    @property
    def matrix(self) -> DomainMatrix:
        """The exact matrix as a sympy DomainMatrix (QQ, or a field of rational functions in symbols)."""
        if self._matrix is None:
            if self.is_rational:
                z = DomainMatrix.from_rep(DFM(self._fmpz(), self.shape, ZZ)).convert_to(QQ)
                if self._den != 1:
                    scale = DomainMatrix.diag([QQ(1, self._den ** sum(t)) for t in self.rows], QQ)
                    z = scale * z
                self._matrix = z
            else:
                entries = [[sp.Mul(*[v**e for v, e in zip(a, t, strict=True) if e]) for a in self.points]
                           for t in self.rows]
                self._matrix = DomainMatrix.from_list_sympy(len(self.rows), len(self.points), entries, extension=True)
        return self._matrix

    def to_Matrix(self) -> sp.Matrix:
        """The matrix as a sympy Matrix."""
        return self.matrix.to_Matrix()

    def _fmpz(self) -> flint.fmpz_mat:
        if self._fmpz_cache is None:
            self._fmpz_cache = flint.fmpz_mat(self._integer.tolist())
        return self._fmpz_cache

    def rank(self) -> int:
        """The exact rank over Q (over Q(symbols) when the weights contain symbols)."""
        if "Q" not in self._ranks:
            if self.is_rational:
                self._ranks["Q"] = int(self._fmpz().rank())
            else:
                self._ranks["Q"] = int(self.matrix.to_field().rank())
        return self._ranks["Q"]

    def _nmod(self, p: int) -> flint.nmod_mat:
        if not self.is_rational:
            raise InvalidInput("rank_mod needs rational weights; substitute the symbols first (Network.subs)")
        if isinstance(p, bool) or not isinstance(p, int) or not sp.isprime(p):
            raise InvalidInput(f"rank_mod needs a prime, got {p!r}")
        if self._den % p == 0:
            raise InvalidInput(f"the prime {p} divides the weights' denominator {self._den}; use another prime")
        return flint.nmod_mat(np.mod(self._integer, p).tolist(), p)

    def rank_mod(self, p: int = PRIME) -> int:
        """The rank over GF(p): a lower bound for :meth:`rank`, equal to it when it is full."""
        if p not in self._ranks:
            self._ranks[p] = int(self._nmod(p).rank())
        return self._ranks[p]

    def has_full_row_rank(self) -> bool:
        """Whether rank = number of rows: the claim of the proof (``MATH.md`` section 3)."""
        if self.is_rational and self.rank_mod() == len(self.rows):
            return True
        return self.rank() == len(self.rows)

    def certificate(self, p: int = PRIME) -> RankCertificate:
        """A re-checkable certificate of the rank: a nonzero r x r minor mod p.

        Raises :class:`InvalidInput` if the rank mod p is below the exact rank (choose another
        prime) or the weights are not rational.
        """
        mat = self._nmod(p)
        nrows, ncols = self.shape
        if nrows == ncols and self.rank_mod(p) == nrows:  # square and nonsingular: the minor is everything
            rows, cols, rank_t = list(range(nrows)), list(range(ncols)), nrows
        else:
            r_rows, rank_t = mat.transpose().rref()  # pivots = independent rows of A
            rows = pivots(r_rows, rank_t)
            sub = flint.nmod_mat(np.mod(self._integer[rows], p).tolist(), p)
            r_cols, rank_c = sub.rref()
            cols = pivots(r_cols, rank_c)
        if rank_t < self.rank():
            raise InvalidInput(f"the rank mod {p} ({rank_t}) is below the rank over Q ({self.rank()}); use another "
                               "prime")
        return RankCertificate(tuple(self.points[j] for j in cols), tuple(self.rows[i] for i in rows), p, rank_t,
                               len(self.rows), tuple(cols))

    def __repr__(self) -> str:
        return f"ProofMatrix({self.shape[0]} x {self.shape[1]}, model={self.model!r})"

    def _rank_text(self) -> str:
        rank, rows = self.rank(), self.shape[0]
        return f"rank {rank} ({'full row rank' if rank == rows else f'rank deficient by {rows - rank}'})"

    def __str__(self) -> str:
        return f"proof matrix A[t, j] = a_j^t: {self.shape[0]} x {self.shape[1]} ({self.model}), {self._rank_text()}"

    def latex(self) -> str:
        """A written out (its shape when large) with its rank (a math-mode LaTeX fragment)."""
        return (f"A = {show.matrix(self.to_Matrix()) if self._small() else show.text('(' + self._shape_text() + ')')}"
                f", \\quad {show.text(f'{self.model}, {self._rank_text()}')}")

    def _small(self) -> bool:
        return self.shape[0] <= show.MAX_MATRIX[0] and self.shape[1] <= show.MAX_MATRIX[1]

    def _shape_text(self) -> str:
        return f"{self.shape[0]} x {self.shape[1]}"


def proof_matrix(network: Network, exponents: Sequence[int] | None = None, model: str | None = None) -> ProofMatrix:
    """The proof matrix of a single-hidden-layer network: rows t <= r, columns the hidden neurons.

    Parameters
    ----------
    network : Network
        One hidden layer, one output, no hidden biases (the theorem's model).
    exponents : sequence of int, optional
        r for the monomial x^r (default: all ones, the product of the inputs: rows = subsets).
    model : str, optional
        ``"bias-free"`` (all rows) or ``"output-bias"`` (rows t != 0); default from the network's
        output bias. A model inconsistent with the network's biases is an error.

    Raises
    ------
    InvalidInput
        A network with more than one hidden layer or output, hidden biases (the ``"biased"``
        model has per-neuron derivatives sigma^(k)(b_j) and no such matrix), bad exponents.
    TooLargeError
        More than :data:`MAX_PROOF_ROWS` rows.
    """
    a, _b, _act, _w, _c = single_hidden_layer_parts(network, "proof_matrix")
    model = network_model(network, model)
    if model == "biased":
        raise InvalidInput(
            "proof_matrix: the network has hidden biases (model 'biased'); the rank argument of MATH.md sec. 3 "
            "needs a common operating point b = 0, where every neuron has the same derivatives sigma^(k)(0)"
        )
    n = network.n_inputs
    if exponents is None:
        exps = (1,) * n
    else:
        exps = tuple(exponents)
        if len(exps) != n:
            raise InvalidInput(f"proof_matrix: {len(exps)} exponents for a network with {n} inputs")
        for i, e in enumerate(exps):
            if isinstance(e, bool) or not isinstance(e, int) or e < 0:
                raise InvalidInput(f"proof_matrix: exponent {i} must be a non-negative int, got {e!r}")
    count = 1
    for e in exps:
        count *= e + 1
    if count > MAX_PROOF_ROWS:
        raise TooLargeError(f"proof_matrix: {count} rows (limit {MAX_PROOF_ROWS})")
    rows = proof_rows(exps, include_empty=(model == "bias-free"))
    return ProofMatrix(rows, a, model)


@dataclass(frozen=True, eq=False)
class ProofCheck(show.Shows):
    """The proof's claim on one network: if it meets the conditions, its proof matrix has full row rank.

    Attributes
    ----------
    target : Target
    model : str
    conditions_hold : bool
        Whether the network matches the target through its degree (explicit expansion).
    matrix : ProofMatrix
    rank : int
        The exact rank of the proof matrix.

    Examples
    --------
    >>> from symnet.network import Network
    >>> from symnet.lower_bounds import check_proof
    >>> two = Network.single_hidden_layer([[1, 1], [1, -1]], [1, 1], "exp")   # too small: the claim is vacuous
    >>> print(check_proof(two))
    the network (2 neurons, bias-free) does not meet the conditions for x_1*x_2; proof matrix 4 x 2 has rank 2
    >>> print(check_proof(two).latex())  # doctest: +ELLIPSIS
    \\text{the network (2 neurons, bias-free) does not meet the conditions for $x_{1} x_{2}$; proof matrix ...}
    """

    target: Target
    model: str
    conditions_hold: bool
    matrix: ProofMatrix
    rank: int

    @property
    def full_row_rank(self) -> bool:
        return self.rank == self.matrix.shape[0]

    @property
    def claim_holds(self) -> bool:
        """The implication "conditions => full row rank" (vacuously true when the conditions fail)."""
        return (not self.conditions_hold) or self.full_row_rank

    def __str__(self) -> str:
        rows, cols = self.matrix.shape
        cond = "meets" if self.conditions_hold else "does not meet"
        return (f"the network ({cols} neurons, {self.model}) {cond} the conditions for {self.target}; proof matrix "
                f"{rows} x {cols} has rank {self.rank}" + ("" if self.claim_holds else " -- the proof's claim FAILS"))

    def latex(self) -> str:
        """The same sentence with the target typeset (a math-mode LaTeX fragment)."""
        return show.phrase(str(self), {str(self.target): self.target.latex()})


def check_proof(network: Network, target: Any = None, model: str | None = None) -> ProofCheck:
    """Check the proof's claim on a network: conditions met (by expansion) => proof matrix of full row rank.

    Parameters
    ----------
    network : Network
    target : monomial target (int n, exponents or a monomial expression), optional
        Default: the product of the network's inputs.
    model : str, optional
        Default from the network's biases.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from symnet.network import Network
    >>> from symnet.lower_bounds import check_proof
    >>> q = Fraction(1, 4)
    >>> net = Network.single_hidden_layer([[1, 1], [1, -1], [-1, 1], [-1, -1]], [q, -q, -q, q], "exp")
    >>> result = check_proof(net)
    >>> result.conditions_hold, result.rank, result.claim_holds
    (True, 4, True)
    """
    tgt = as_target(network.n_inputs if target is None else target)
    if tgt.exponents is None:
        raise InvalidInput(f"check_proof needs a monomial target (the proof's rows are t <= r), got {tgt}")
    model = network_model(network, model)
    matrix = proof_matrix(network, tgt.exponents, model)
    try:
        conditions = WitnessCertificate(tgt, model, network).check()
    except CertificateError:
        conditions = False
    return ProofCheck(tgt, model, bool(conditions), matrix, matrix.rank())

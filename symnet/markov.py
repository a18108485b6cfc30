"""Markov chains, sufficient statistics, and inference with the depth of the generative process.

LTR Sec. III (Theorem 2 and the "no flattening" discussion); seed 002 ("Sufficient statistics and
Markov chains"); ``MATH.md`` section 7.

**The chain.** States of x_i are the indices 0 .. k_i - 1; a prior p(x_0) and transition matrices

    P_i[a, b] = p(x_{i+1} = b | x_i = a),   i = 0 .. n-1,

(row-stochastic, exact rationals; ``P_i`` is k_i x k_{i+1}). Seed 002 writes the generative
process as p_i = M_i p_{i-1}, so its M_{i+1} is the transpose of P_i. (The letter T is kept for
LTR's sufficient statistics below.) An observation of x_n is a state b, or more generally a
likelihood (evidence) vector lam_b = p(y | x_n = b) >= 0; the state b is the one-hot vector e_b.

**Likelihoods and sufficient statistics.** L_i(a) = p(y | x_i = a) satisfies L_n = lam and

    L_i = P_i L_{i+1},   i.e.   L_i = P_i P_{i+1} ... P_{n-1} lam,

because x_{i+1} .. x_n depend on x_0 .. x_i only through x_i. The posterior of x_i depends on the
observation only through L_i: p(x_i = a | y) = p(x_i = a) L_i(a) / sum_a' p(x_i = a') L_i(a'). The
minimal sufficient statistic of the observation for x_i is the likelihood vector up to scale
(Lehmann-Scheffe: two observations are equivalent iff their likelihood ratio does not depend on
x_i); its canonical representative is T_i = L_i / sum_a L_i(a) (:func:`sufficient_statistic`).

**The composition** (LTR Theorem 2). In log form ell_i = ln L_i (entries -oo where L_i = 0),

    f_n(lam)  = ln(P_{n-1} lam)                       (lam -> ell_{n-1})
    f_i(ell)  = ln(P_{i-1} e^ell),   1 <= i <= n-1     (ell_i -> ell_{i-1})
    f_0(ell)  = softmax(ln p(x_0) + ell)              (ell_0 -> p(x_0 | x_n))

and p(x_0 | x_n) = (f_0 o f_1 o ... o f_n)(x_n) (:func:`step_maps`, :func:`composition_posterior`).
Each f_i is homogeneous (scaling ell by a constant shift scales L), so it is a map between the
statistics: T_{i-1} = f_i(T_i) up to normalisation. The logits ln p(x_0) + ell_0 = ln p(x_0, y)
are -H - mu of ``MATH.md`` section 5, so f_0 is the softmax of :func:`symnet.bayes.softmax`.

**The network** (:func:`inference_network`). Each f_i in log form is exp -> linear(P) -> log, so the
posterior is computed by a :class:`~symnet.network.Network` with exact weights

    one-hot input lam:   [P_{n-1}, log], [I, exp], [P_{n-2}, log], ..., [I, exp], [P_0, log], output [I, ln p(x_0)]
    log-likelihood ell:  [I, exp], then the same,

followed by the softmax of the logits. Depth (hidden layers): 2n - 1 (one-hot) or 2n
(log-likelihood); hidden neurons: k_0 + 2 (k_1 + ... + k_{n-1}) (+ k_n for log-likelihoods). The
depth grows with n like the chain: inference has the depth of the generative process.

It does not *need* that depth: exp(log(z)) = z, so the pairs cancel and the depth-1 network
[M, log], output [I, ln p(x_0)] with M = P_0 P_1 ... P_{n-1} computes the same logits exactly
(``flat=True``), with k_0 neurons (never more than the deep network). Depth can still save
synapses, for chains that factor through few states (a narrow state space between wide ends):
nnz(M) against sum_i nnz(P_i) plus the identity layers (8 -> 2 -> 8: 72 against 42).

Source corrections (seed 002). Its indexing is inconsistent: with T_i = f_i o T_{i+1}, f_n = T_{n-1}
and f_0(T_0) = p(x_0 | T_0), the map f_0 has two meanings and f_{n-1}, f_n both produce T_{n-1};
read literally, the composition applies P_{n-1} twice and never P_0 (right only for a homogeneous
chain). The consistent statement is T_{i-1} = f_i o T_i (1 <= i <= n), T_n = x_n. Seed 002 also
writes f_0(T_0(x_n)) = p(x_0, T_0(x_n)) (the joint); the composition's value is the conditional
p(x_0 | x_n), whose numerator is the joint (the network's logits are ln p(x_0, x_n)).

Examples
--------
>>> import sympy as sp
>>> from symnet.markov import markov_chain, brute_force_posterior, composition_posterior, inference_network
>>> R = sp.Rational
>>> chain = markov_chain([R(1, 2), R(1, 2)], [[[R(3, 4), R(1, 4)], [R(1, 3), R(2, 3)]]] * 2)
>>> brute_force_posterior(chain, 1)             # p(x_0 | x_2 = 1), summing over the paths
(51/127, 76/127)
>>> composition_posterior(chain, 1)             # (f_0 o f_1 o f_2)(x_2 = 1)
(51/127, 76/127)
>>> net = inference_network(chain)
>>> net.depth, net.hidden_neurons
(3, 6)
>>> net.posterior(1)                            # softmax of the network's exact output
(51/127, 76/127)
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy as sp

from symnet import _show as show
from symnet._validation import nonnegative_int, positive_int
from symnet.activations import from_expression
from symnet.activations import get as get_activation
from symnet.activations._activation import exact_number
from symnet.bayes import _probability, softmax
from symnet.errors import HypothesisError, InvalidInput, ShapeError, TooLargeError
from symnet.network import Layer, Network, _matrix

__all__ = [
    "ENCODINGS",
    "MAX_PATHS",
    "MAX_STATES",
    "MAX_STEPS",
    "InferenceNetwork",
    "MarkovChain",
    "StepMap",
    "SufficiencyCheck",
    "brute_force_posterior",
    "composition_posterior",
    "homogeneous_chain",
    "inference_network",
    "likelihood",
    "markov_chain",
    "network_counts",
    "random_chain",
    "statistic_classes",
    "step_maps",
    "sufficiency_check",
    "sufficient_statistic",
]

SOURCE = "LTR Sec. III; seed 002; MATH.md sec. 7"

#: Most states of one variable x_i.
MAX_STATES = 64
#: Most steps n of a chain.
MAX_STEPS = 200
#: Most paths x_0 .. x_n :func:`brute_force_posterior` enumerates.
MAX_PATHS = 200_000
#: The input encodings of :func:`inference_network`.
ENCODINGS = ("one-hot", "log-likelihood")

_LOG = from_expression("log(x)", name="log")
_EXP = get_activation("exp")


# -- the chain ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MarkovChain(show.Shows):
    r"""A finite Markov chain x_0 -> x_1 -> ... -> x_n with exact rational probabilities.

    Build with :func:`markov_chain` (validated). ``prior[a] = p(x_0 = a)``;
    ``transitions[i][a, b] = P_i[a, b] = p(x_{i+1} = b | x_i = a)``. ``latex()`` writes the prior
    and the transition matrices (the first :attr:`SHOWN`; one P for a homogeneous chain).

    Examples
    --------
    >>> from symnet.markov import homogeneous_chain
    >>> c = homogeneous_chain([1, 0], [[0, 1], [1, 0]], 3)
    >>> print(c)
    homogeneous Markov chain with n = 3 steps, states per variable [2, 2, 2, 2]
    >>> print(c.latex().splitlines()[2])  # doctest: +ELLIPSIS
    p(x_{0}) = \left(1, 0\right), \quad P_{i} = \left(\begin{array}{cc} 0 & 1 \\ 1 & 0 \end{array}\right) \; (0 ... 3)
    """

    #: Most transition matrices :meth:`latex` writes out.
    SHOWN = 4

    prior: tuple[sp.Rational, ...]
    transitions: tuple[sp.ImmutableMatrix, ...]

    @property
    def n(self) -> int:
        """The number of steps (x_n is the last variable)."""
        return len(self.transitions)

    @property
    def sizes(self) -> tuple[int, ...]:
        """(k_0, ..., k_n): the number of states of each variable."""
        return (len(self.prior), *(p.cols for p in self.transitions))

    @property
    def is_homogeneous(self) -> bool:
        """True if every step has the same transition matrix."""
        return all(p == self.transitions[0] for p in self.transitions)

    def path_probability(self, path: Sequence[int]) -> sp.Rational:
        """p(x_0 = path[0], ..., x_n = path[n]) = p(x_0) prod_i P_i[x_i, x_{i+1}]."""
        path = tuple(path)
        if len(path) != self.n + 1:
            raise ShapeError(f"a path of this chain has {self.n + 1} states x_0 .. x_{self.n}, got {len(path)}")
        value = self.prior[path[0]]
        for i, p in enumerate(self.transitions):
            value *= p[path[i], path[i + 1]]
        return value

    def marginal(self, i: int) -> tuple[sp.Rational, ...]:
        """p(x_i) = p(x_0) P_0 P_1 ... P_{i-1} (a row vector)."""
        i = _step_index(i, self.n, "marginal")
        row = sp.Matrix([list(self.prior)])
        for p in self.transitions[:i]:
            row = row * p
        return tuple(row)

    def tail(self, i: int) -> MarkovChain:
        """The chain x_i -> ... -> x_n, with prior p(x_i) (for the posterior of x_i)."""
        i = _step_index(i, self.n - 1, "tail")
        return MarkovChain(self.marginal(i), self.transitions[i:])

    def __str__(self) -> str:
        kind = "homogeneous" if self.is_homogeneous else "inhomogeneous"
        return f"{kind} Markov chain with n = {self.n} steps, states per variable {list(self.sizes)}"

    def latex(self) -> str:
        """The prior and the transition matrices P_i[a, b] = p(x_(i+1) = b | x_i = a) (math-mode LaTeX)."""
        prior = f"p(x_{{0}}) = \\left({', '.join(show.math(q) for q in self.prior)}\\right)"
        if self.is_homogeneous and self.n > 1:
            mats = [f"P_{{i}} = {show.matrix(self.transitions[0])} \\; (0 \\leq i < {self.n})"]
        else:
            mats = [f"P_{{{i}}} = {show.matrix(p)}" for i, p in enumerate(self.transitions[:self.SHOWN])]
            if self.n > self.SHOWN:
                mats.append(show.text(f"... ({self.n - self.SHOWN} more)"))
        return show.lines([show.text(str(self)), ", \\quad ".join([prior, *mats])])


def _step_index(i: Any, top: int, where: str) -> int:
    """A step index 0 <= i <= top, or InvalidInput naming the range."""
    i = nonnegative_int(i, f"{where}: the step i")
    if i > top:
        raise InvalidInput(f"{where}: the step i must be in 0 .. {top} for this chain, got {i}")
    return i


def _transition_matrix(value: Any, i: int, rows: int) -> sp.ImmutableMatrix:
    what = f"transition matrix P_{i}"
    m = _matrix(value, None, None, what)
    if m.rows != rows:
        before = "the prior has" if i == 0 else f"P_{i - 1} has"
        raise ShapeError(f"{what} has {m.rows} rows but {before} {rows} states: row a of P_{i} is the "
                         f"distribution of x_{i + 1} given x_{i} = a, so P_{i} needs one row per state of x_{i}")
    if m.cols > MAX_STATES:
        raise TooLargeError(f"{what} has {m.cols} columns: symnet handles at most {MAX_STATES} states per variable")
    clean = [[_probability(m[a, b], f"{what}[{a}, {b}] = p(x_{i + 1} = {b} | x_{i} = {a})") for b in range(m.cols)]
             for a in range(m.rows)]
    for a, row in enumerate(clean):
        total = sp.Add(*row)
        if total != 1:
            raise InvalidInput(f"row {a} of {what} sums to {total}, not 1: each row is the distribution of "
                               f"x_{i + 1} given x_{i} = {a} (P_i is row-stochastic; seed 002's M_i is its transpose)")
    return sp.ImmutableMatrix(clean)


def markov_chain(prior: Sequence[Any], transitions: Sequence[Any]) -> MarkovChain:
    """A validated :class:`MarkovChain` from p(x_0) and the matrices P_0 .. P_{n-1}.

    Parameters
    ----------
    prior : sequence of k_0 exact probabilities
        p(x_0 = a); non-negative rationals summing to 1 (floats are read as the decimals they
        print as).
    transitions : sequence of n >= 1 matrices
        P_i[a, b] = p(x_{i+1} = b | x_i = a): k_i x k_{i+1}, rows summing to 1.

    Examples
    --------
    >>> from symnet.markov import markov_chain
    >>> markov_chain([1], [[[1, 0]]]).sizes
    (1, 2)
    >>> markov_chain([0.5, 0.5], [[[0.5, 0.25], [0, 1]]])
    Traceback (most recent call last):
    ...
    symnet.errors.InvalidInput: row 0 of transition matrix P_0 sums to 3/4, not 1: each row is the distribution \
of x_1 given x_0 = 0 (P_i is row-stochastic; seed 002's M_i is its transpose)
    """
    if isinstance(prior, (str, bytes)) or not isinstance(prior, Iterable):
        raise InvalidInput(f"the prior must be a sequence of probabilities p(x_0 = a), got {type(prior).__name__}")
    prior = [_probability(v, f"prior p(x_0 = {a})") for a, v in enumerate(prior)]
    if not prior:
        raise InvalidInput("the prior needs at least one state")
    if len(prior) > MAX_STATES:
        raise TooLargeError(f"the prior has {len(prior)} states: symnet handles at most {MAX_STATES} per variable")
    total = sp.Add(*prior)
    if total != 1:
        raise InvalidInput(f"the prior sums to {total}, not 1")
    if isinstance(transitions, (str, bytes)) or not isinstance(transitions, Iterable):
        raise InvalidInput("transitions must be a sequence of matrices P_0, ..., P_{n-1}, "
                           f"got {type(transitions).__name__}")
    matrices: list[sp.ImmutableMatrix] = []
    rows = len(prior)
    for i, value in enumerate(transitions):
        if i >= MAX_STEPS:
            raise TooLargeError(f"more than {MAX_STEPS} transition matrices: symnet handles chains of at most "
                                f"{MAX_STEPS} steps")
        matrices.append(_transition_matrix(value, i, rows))
        rows = matrices[-1].cols
    if not matrices:
        raise InvalidInput("a chain x_0 -> ... -> x_n needs at least one transition matrix (n >= 1)")
    return MarkovChain(tuple(prior), tuple(matrices))


def homogeneous_chain(prior: Sequence[Any], matrix: Any, n: int) -> MarkovChain:
    """The chain with the same transition matrix at each of its n steps.

    Examples
    --------
    >>> from symnet.markov import homogeneous_chain
    >>> c = homogeneous_chain([1, 0], [[0, 1], [1, 0]], 3)
    >>> c.n, c.is_homogeneous, c.marginal(3)
    (3, True, (0, 1))
    """
    n = positive_int(n, "homogeneous_chain: the number of steps n", maximum=MAX_STEPS)
    return markov_chain(prior, [matrix] * n)


def random_chain(sizes: Sequence[int], seed: int, zeros: bool = False, denominator: int = 12) -> MarkovChain:
    """A random chain with the given state counts (k_0, ..., k_n), reproducible from ``seed``.

    Every probability is a multiple of 1/(row total) of random integer weights in 1 .. denominator
    (0 .. denominator with ``zeros=True``; a row of zeros is redrawn), so the chain is exact.

    Examples
    --------
    >>> from symnet.markov import random_chain
    >>> random_chain((2, 3, 2), seed=1).sizes
    (2, 3, 2)
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Iterable):
        raise InvalidInput(f"sizes must be a sequence (k_0, ..., k_n) of state counts, got {type(sizes).__name__}")
    sizes = [positive_int(k, f"random_chain: sizes[{i}]", maximum=MAX_STATES) for i, k in enumerate(sizes)]
    if len(sizes) < 2:
        raise InvalidInput(f"sizes must list at least two state counts (k_0, k_1), got {sizes}")
    denominator = positive_int(denominator, "random_chain: denominator", maximum=10**6)
    rng = random.Random(seed)

    def distribution(k: int) -> list[sp.Rational]:
        while True:
            weights = [rng.randint(0 if zeros else 1, denominator) for _ in range(k)]
            if sum(weights):
                return [sp.Rational(w, sum(weights)) for w in weights]

    prior = distribution(sizes[0])
    return markov_chain(prior, [[distribution(k1) for _ in range(k0)] for k0, k1 in itertools.pairwise(sizes)])


# -- observations and likelihoods ---------------------------------------------------------------
def _check_chain(chain: Any, where: str) -> MarkovChain:
    if not isinstance(chain, MarkovChain):
        raise InvalidInput(f"{where} needs a MarkovChain (see markov_chain), got {type(chain).__name__}")
    return chain


def _evidence(chain: MarkovChain, observation: Any) -> tuple[sp.Rational, ...]:
    """The likelihood vector lam of x_n: e_b for a state b, or a vector of non-negative rationals."""
    k = chain.sizes[-1]
    if isinstance(observation, Sequence) and not isinstance(observation, (str, bytes)):
        if len(observation) != k:
            raise ShapeError(f"the likelihood vector of x_{chain.n} needs {k} entries (one per state), "
                             f"got {len(observation)}")
        lam = []
        for b, v in enumerate(observation):
            q = exact_number(v, f"likelihood p(y | x_{chain.n} = {b})")
            if not q.is_Rational or q < 0:
                raise InvalidInput(f"likelihood p(y | x_{chain.n} = {b}) must be a non-negative rational, got {q}")
            lam.append(q)
        if not any(lam):
            raise InvalidInput("the likelihood vector is all zero: such an observation is impossible")
        return tuple(lam)
    b = nonnegative_int(observation, f"the observed state of x_{chain.n}")
    if b >= k:
        raise InvalidInput(f"x_{chain.n} has states 0 .. {k - 1}, got {b}")
    return tuple(sp.Integer(int(j == b)) for j in range(k))


def _require_possible(chain: MarkovChain, joint: Sequence[sp.Rational]) -> None:
    if not any(joint):
        raise HypothesisError(f"the observation of x_{chain.n} has probability 0 under this chain, so "
                              f"p(x_0 | x_{chain.n}) is undefined", hypothesis=f"p(x_{chain.n}) > 0")


def likelihood(chain: MarkovChain, i: int, observation: int | Sequence[Any]) -> tuple[sp.Rational, ...]:
    """L_i(a) = p(y | x_i = a) = (P_i P_{i+1} ... P_{n-1} lam)(a), exactly.

    ``observation`` is a state b of x_n (lam = e_b) or a likelihood vector lam; i = n gives lam.

    Examples
    --------
    >>> from symnet.markov import homogeneous_chain, likelihood
    >>> c = homogeneous_chain([1, 0], [[0, 1], [1, 0]], 3)
    >>> likelihood(c, 0, 1), likelihood(c, 1, 1)          # x_3 = 1 iff x_0 = 0 iff x_1 = 1
    ((1, 0), (0, 1))
    """
    chain = _check_chain(chain, "likelihood")
    i = _step_index(i, chain.n, "likelihood")
    column = sp.Matrix(_evidence(chain, observation))
    for p in reversed(chain.transitions[i:]):
        column = p * column
    return tuple(column)


def sufficient_statistic(chain: MarkovChain, i: int, observation: int | Sequence[Any]) -> tuple[sp.Rational, ...]:
    """T_i(x_n) = L_i / sum_a L_i(a): the minimal sufficient statistic of x_n for x_i (LTR Sec. III).

    Two observations have the same T_i iff their likelihood vectors are proportional (their
    likelihood ratio does not depend on x_i), which is the Lehmann-Scheffe characterisation of
    minimality; p(x_i | x_n) = p(x_i) T_i / (p(x_i) . T_i) depends on x_n only through T_i.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.markov import markov_chain, sufficient_statistic
    >>> R = sp.Rational
    >>> c = markov_chain([R(1, 2), R(1, 2)], [[[R(1, 6), R(1, 3), R(1, 2)], [R(1, 4), R(1, 2), R(1, 4)]]])
    >>> sufficient_statistic(c, 0, 0) == sufficient_statistic(c, 0, 1)   # columns 0 and 1 proportional
    True
    >>> sufficient_statistic(c, 0, 0), sufficient_statistic(c, 0, 2)
    ((2/5, 3/5), (2/3, 1/3))
    """
    lik = likelihood(chain, i, observation)
    total = sp.Add(*lik)
    if total == 0:
        raise HypothesisError(f"the observation of x_{chain.n} cannot occur from any state of x_{i} "
                              f"(L_{i} = 0), so T_{i} is undefined", hypothesis=f"L_{i} != 0")
    return tuple(v / total for v in lik)


# -- route (a): brute force over the paths ------------------------------------------------------
def brute_force_posterior(chain: MarkovChain, observation: int | Sequence[Any]) -> tuple[sp.Rational, ...]:
    """p(x_0 | x_n) by Bayes' theorem, summing p(path) lam(x_n) over every path x_0 .. x_n.

    The reference route: no recursion, no statistic, prod_i k_i paths (at most
    :data:`MAX_PATHS`).
    """
    chain = _check_chain(chain, "brute_force_posterior")
    lam = _evidence(chain, observation)
    paths = math.prod(chain.sizes)
    if paths > MAX_PATHS:
        raise TooLargeError(f"the chain has {paths} paths, more than brute_force_posterior enumerates "
                            f"({MAX_PATHS}); composition_posterior computes the same posterior in "
                            "n matrix-vector steps")
    joint = [sp.Integer(0)] * chain.sizes[0]
    for path in itertools.product(*(range(k) for k in chain.sizes)):
        if lam[path[-1]]:
            joint[path[0]] += chain.path_probability(path) * lam[path[-1]]
    _require_possible(chain, joint)
    total = sp.Add(*joint)
    return tuple(v / total for v in joint)


# -- route (b): the composition f_0 o f_1 o ... o f_n -------------------------------------------
def _log(value: sp.Expr) -> sp.Expr:
    return -sp.oo if value == 0 else sp.log(value)


def _exp(value: sp.Expr) -> sp.Expr:
    return sp.Integer(0) if value == -sp.oo else sp.exp(value)


@dataclass(frozen=True)
class StepMap(show.Shows):
    r"""One map f_i of p(x_0 | x_n) = (f_0 o f_1 o ... o f_n)(x_n), in log form (module docstring).

    Attributes
    ----------
    index : int
        i.
    kind : str
        ``"observe"`` (f_n: lam -> ln(P_{n-1} lam)), ``"step"`` (f_i: ell -> ln(P_{i-1} e^ell)) or
        ``"posterior"`` (f_0: ell -> softmax(ln p(x_0) + ell)).
    chain : MarkovChain

    Examples
    --------
    >>> from symnet.markov import homogeneous_chain, step_maps
    >>> for f in step_maps(homogeneous_chain([1, 0], [[0, 1], [1, 0]], 2)):
    ...     print(f.latex())
    f_{0}(\ell_{0}) = \operatorname{softmax}\left(\ln p(x_{0}) + \ell_{0}\right)
    f_{1}(\ell_{1}) = \ln\left(P_{0} \exp(\ell_{1})\right)
    f_{2}(x_{2}) = \ln\left(P_{1} e_{x_{2}}\right)
    """

    index: int
    kind: str
    chain: MarkovChain

    def __call__(self, value: Any) -> tuple[sp.Expr, ...]:
        if self.kind == "observe":
            lam = _evidence(self.chain, value)
            p = self.chain.transitions[-1]
            return tuple(_log(sp.Add(*[p[a, b] * lam[b] for b in range(p.cols)])) for a in range(p.rows))
        ell = tuple(value)
        if self.kind == "posterior":
            if len(ell) != len(self.chain.prior):
                raise ShapeError(f"f_0 takes ell_0 with {len(self.chain.prior)} entries, got {len(ell)}")
            logits = [_log(q) + v for q, v in zip(self.chain.prior, ell, strict=True)]
            _require_possible(self.chain, [_exp(v) for v in logits])
            return softmax(logits)
        p = self.chain.transitions[self.index - 1]
        if len(ell) != p.cols:
            raise ShapeError(f"f_{self.index} takes ell_{self.index} with {p.cols} entries, got {len(ell)}")
        lik = [_exp(v) for v in ell]
        return tuple(_log(sp.Add(*[p[a, b] * lik[b] for b in range(p.cols)])) for a in range(p.rows))

    def _formula(self) -> tuple[str, str]:
        """The map as (plain text, LaTeX)."""
        i, j = self.index, self.index - 1
        if self.kind == "observe":
            return (f"f_{i}(x_{i}) = ln(P_{j} e_x)",
                    f"f_{{{i}}}(x_{{{i}}}) = \\ln\\left(P_{{{j}}} e_{{x_{{{i}}}}}\\right)")
        if self.kind == "posterior":
            return ("f_0(ell_0) = softmax(ln p(x_0) + ell_0)",
                    "f_{0}(\\ell_{0}) = \\operatorname{softmax}\\left(\\ln p(x_{0}) + \\ell_{0}\\right)")
        return (f"f_{i}(ell_{i}) = ln(P_{j} exp(ell_{i}))",
                f"f_{{{i}}}(\\ell_{{{i}}}) = \\ln\\left(P_{{{j}}} \\exp(\\ell_{{{i}}})\\right)")

    def __str__(self) -> str:
        return self._formula()[0]

    def latex(self) -> str:
        """The map as a formula (math-mode LaTeX)."""
        return self._formula()[1]


def step_maps(chain: MarkovChain) -> tuple[StepMap, ...]:
    """(f_0, f_1, ..., f_n): the per-step maps of LTR Theorem 2 (consistent indexing, module docstring).

    Examples
    --------
    >>> from symnet.markov import homogeneous_chain, step_maps
    >>> for f in step_maps(homogeneous_chain([1, 0], [[0, 1], [1, 0]], 2)):
    ...     print(f)
    f_0(ell_0) = softmax(ln p(x_0) + ell_0)
    f_1(ell_1) = ln(P_0 exp(ell_1))
    f_2(x_2) = ln(P_1 e_x)
    """
    chain = _check_chain(chain, "step_maps")
    maps = [StepMap(0, "posterior", chain)]
    maps += [StepMap(i, "step", chain) for i in range(1, chain.n)]
    maps.append(StepMap(chain.n, "observe", chain))
    return tuple(maps)


def composition_posterior(chain: MarkovChain, observation: int | Sequence[Any]) -> tuple[sp.Expr, ...]:
    """p(x_0 | x_n) = (f_0 o f_1 o ... o f_n)(x_n): one step of the chain at a time, backwards."""
    value: Any = observation
    for f in reversed(step_maps(chain)):
        value = f(value)
    return value


# -- sufficiency --------------------------------------------------------------------------------
def statistic_classes(chain: MarkovChain, i: int = 0) -> tuple[tuple[int, ...], ...]:
    """The states of x_n grouped by T_i (equal T_i = proportional likelihood columns).

    States that cannot occur (p(x_n = b) = 0) are left out. Classes are listed by their
    smallest state.

    Examples
    --------
    >>> from symnet.markov import homogeneous_chain, statistic_classes
    >>> c = homogeneous_chain([1], [[1]], 1)
    >>> statistic_classes(c)
    ((0,),)
    """
    chain = _check_chain(chain, "statistic_classes")
    i = _step_index(i, chain.n - 1, "statistic_classes")
    marginal = chain.marginal(chain.n)
    groups: dict[tuple[sp.Rational, ...], list[int]] = {}
    for b in range(chain.sizes[-1]):
        if marginal[b] != 0:
            groups.setdefault(sufficient_statistic(chain, i, b), []).append(b)
    return tuple(tuple(g) for g in groups.values())


@dataclass(frozen=True)
class SufficiencyCheck(show.Shows):
    """The exact check that p(x_i | x_n) depends on x_n only through T_i (:func:`sufficiency_check`).

    Attributes
    ----------
    chain : MarkovChain
    i : int
    classes : tuple of tuple of int
        The states of x_n grouped by T_i.
    merged : MarkovChain
        The chain x_i -> ... -> x_n (prior p(x_i)) whose last variable is the class of x_n (one
        state per class, plus one for the impossible states if there are any): the columns of
        P_{n-1} summed within each class.
    sufficient : bool
        p(x_i | class) in the merged chain equals p(x_i | x_n = b) for every b in the class
        (both by :func:`brute_force_posterior`).
    distinct : bool
        Different classes give different posteriors (minimality; holds whenever p(x_i) > 0 for
        every state).

    Examples
    --------
    >>> from symnet.markov import homogeneous_chain, sufficiency_check
    >>> c = homogeneous_chain([0.5, 0.5], [[0.25, 0.25, 0.5], [0.125, 0.125, 0.75]], 1)  # columns 0, 1 equal
    >>> print(sufficiency_check(c))
    T_0: 2 class(es) of x_1 [(0, 1), (2,)]; merging each class keeps p(x_0 | x_1): True; classes distinguishable: True
    >>> print(sufficiency_check(c).latex())  # doctest: +ELLIPSIS
    \\text{$T_{0}$: 2 class(es) of $x_{1}$ [(0, 1), (2,)]; merging each class keeps p($x_{0}$ $|$ $x_{1}$): True; ...}
    """

    chain: MarkovChain
    i: int
    classes: tuple[tuple[int, ...], ...]
    merged: MarkovChain
    sufficient: bool
    distinct: bool

    def __str__(self) -> str:
        return (f"T_{self.i}: {len(self.classes)} class(es) of x_{self.chain.n} {list(self.classes)}; merging each "
                f"class keeps p(x_{self.i} | x_{self.chain.n}): {self.sufficient}; classes distinguishable: "
                f"{self.distinct}")

    def latex(self) -> str:
        """The same sentence as ``\\text{...}`` (a math-mode LaTeX fragment)."""
        return show.text(str(self))


def sufficiency_check(chain: MarkovChain, i: int = 0) -> SufficiencyCheck:
    """Merge the states of x_n with equal T_i and compare posteriors exactly (brute force).

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.markov import markov_chain, sufficiency_check
    >>> R = sp.Rational
    >>> c = markov_chain([R(1, 2), R(1, 2)], [[[R(1, 6), R(1, 3), R(1, 2)], [R(1, 4), R(1, 2), R(1, 4)]]])
    >>> check = sufficiency_check(c)
    >>> check.classes, check.sufficient, check.distinct
    (((0, 1), (2,)), True, True)
    """
    chain = _check_chain(chain, "sufficiency_check")
    i = _step_index(i, chain.n - 1, "sufficiency_check")
    classes = statistic_classes(chain, i)
    tail = chain.tail(i)
    last = tail.transitions[-1]
    groups = [list(c) for c in classes]
    impossible = [b for b in range(last.cols) if not any(b in c for c in classes)]
    if impossible:
        groups.append(impossible)
    merged_last = [[sp.Add(*[last[a, b] for b in g]) for g in groups] for a in range(last.rows)]
    merged = markov_chain(tail.prior, [*tail.transitions[:-1], merged_last])
    posteriors = [brute_force_posterior(merged, j) for j in range(len(classes))]
    sufficient = all(brute_force_posterior(tail, b) == posteriors[j] for j, c in enumerate(classes) for b in c)
    distinct = len(set(posteriors)) == len(posteriors)
    return SufficiencyCheck(chain, i, classes, merged, sufficient, distinct)


# -- the network --------------------------------------------------------------------------------
def network_counts(sizes: Sequence[int], encoding: str = "one-hot", flat: bool = False) -> tuple[int, int]:
    """(depth, hidden neurons) of :func:`inference_network` for state counts (k_0, ..., k_n), by formula.

    Deep: depth 2n - 1 and k_0 + 2 (k_1 + ... + k_{n-1}) neurons (one-hot), plus one layer of k_n
    for log-likelihoods. Flat: depth 1 and k_0 neurons (one-hot), depth 2 and k_n + k_0.

    Examples
    --------
    >>> from symnet.markov import network_counts
    >>> [network_counts((3,) * (n + 1)) for n in (1, 2, 3, 4)]     # depth grows like the chain
    [(1, 3), (3, 9), (5, 15), (7, 21)]
    """
    sizes = [positive_int(k, "network_counts: a state count") for k in sizes]
    if len(sizes) < 2:
        raise InvalidInput(f"sizes must list at least two state counts (k_0, k_1), got {sizes}")
    encoding = _encoding(encoding)
    n = len(sizes) - 1
    if flat:
        depth, neurons = 1, sizes[0]
    else:
        depth, neurons = 2 * n - 1, sizes[0] + 2 * sum(sizes[1:-1])
    if encoding == "log-likelihood":
        depth, neurons = depth + 1, neurons + sizes[-1]
    return depth, neurons


def _encoding(encoding: Any) -> str:
    if encoding not in ENCODINGS:
        raise InvalidInput(f"encoding must be one of {', '.join(ENCODINGS)}, got {encoding!r}")
    return encoding


@dataclass(frozen=True, eq=False)
class InferenceNetwork(show.Shows):
    r"""A network computing the logits ln p(x_0, y) of a chain; softmax gives p(x_0 | y).

    Attributes
    ----------
    chain : MarkovChain
    network : Network
        k_n inputs (the likelihood vector lam, or its logarithm) -> k_0 outputs ln p(x_0) + ln L_0.
    encoding : str
        ``"one-hot"`` (input lam; e_b for the observation x_n = b) or ``"log-likelihood"``
        (input ell = ln lam, finite).
    flat : bool
        True for the depth-1 (one-hot) or depth-2 (log-likelihood) network with M = P_0 ... P_{n-1}.

    Examples
    --------
    >>> from symnet.markov import homogeneous_chain, inference_network
    >>> net = inference_network(homogeneous_chain([0.5, 0.5], [[0.25, 0.75], [0.5, 0.5]], 2), flat=True)
    >>> print(net)
    flat inference network (one-hot) for a chain of n = 2 steps: depth 1, 2 hidden neurons, 6 synapses
    >>> print(net.latex().splitlines()[2])
    p(x_{0} \mid y) = \operatorname{softmax}\left(N(\lambda)\right), \quad \lambda_{b} = p(y \mid x_{2} = b)
    """

    chain: MarkovChain
    network: Network
    encoding: str
    flat: bool

    @property
    def depth(self) -> int:
        return self.network.depth

    @property
    def hidden_neurons(self) -> int:
        return self.network.hidden_neurons

    @property
    def synapses(self) -> int:
        return self.network.synapses

    @property
    def source(self) -> str:
        return SOURCE

    def inputs(self, observation: int | Sequence[Any]) -> tuple[sp.Expr, ...]:
        """The network input for an observation: lam (one-hot), or ln lam (log-likelihood).

        A state b of x_n is e_b in the one-hot encoding; in the log-likelihood encoding it
        would be ln e_b = (-oo, .., 0, .., -oo), which no finite input is, so give a vector.
        """
        if self.encoding == "one-hot":
            return _evidence(self.chain, observation)
        if not isinstance(observation, Sequence) or isinstance(observation, (str, bytes)):
            raise InvalidInput(f"the log-likelihood encoding takes a vector of {self.network.n_inputs} finite "
                               f"log-likelihoods ln p(y | x_{self.chain.n} = b); an exact state would need ln 0 = "
                               "-oo: use encoding='one-hot' for it")
        if len(observation) != self.network.n_inputs:
            raise ShapeError(f"the network takes {self.network.n_inputs} log-likelihoods, got {len(observation)}")
        return tuple(exact_number(v, f"log-likelihood {b}", allow_symbols=True) for b, v in enumerate(observation))

    def logits(self, observation: int | Sequence[Any]) -> tuple[sp.Expr, ...]:
        """The network's exact outputs: ln p(x_0 = a) + ln L_0(a) = ln p(x_0 = a, y)."""
        return tuple(self.network.evaluate(self.inputs(observation)))

    def posterior(self, observation: int | Sequence[Any]) -> tuple[sp.Expr, ...]:
        """softmax of the exact outputs (:func:`symnet.bayes.softmax`): p(x_0 | y)."""
        return softmax(self.logits(observation))

    def mpmath_posterior(self, observation: int | Sequence[Any], dps: int = 50) -> list[mpmath.mpf]:
        """The network evaluated by :meth:`Network.mpmath` at ``dps`` digits, then softmax in mpmath."""
        with mpmath.workdps(dps + 10):
            logits = self.network.mpmath(list(self.inputs(observation)), dps=dps + 10)
            logits = logits if isinstance(logits, list) else [logits]
            top = max(logits)
            weights = [mpmath.exp(v - top) for v in logits]
            total = mpmath.fsum(weights)
            out = [w / total for w in weights]
        with mpmath.workdps(dps):
            return [+v for v in out]

    def __str__(self) -> str:
        kind = "flat" if self.flat else "deep"
        return (f"{kind} inference network ({self.encoding}) for a chain of n = {self.chain.n} steps: depth "
                f"{self.depth}, {self.hidden_neurons} hidden neurons, {self.synapses} synapses")

    def latex(self) -> str:
        """The summary and what the network computes (a math-mode LaTeX fragment)."""
        n = self.chain.n
        arg, given = (("\\lambda", f"\\lambda_{{b}} = p(y \\mid x_{{{n}}} = b)") if self.encoding == "one-hot" else
                      ("\\ell", f"\\ell_{{b}} = \\ln p(y \\mid x_{{{n}}} = b)"))
        return show.lines([show.text(str(self)),
                           f"p(x_{{0}} \\mid y) = \\operatorname{{softmax}}\\left(N({arg})\\right), \\quad {given}"])


def _identity(k: int) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix.eye(k)


def inference_network(chain: MarkovChain, encoding: str = "one-hot", flat: bool = False) -> InferenceNetwork:
    """The network of the composition f_0 o ... o f_n (module docstring), exact weights.

    Parameters
    ----------
    chain : MarkovChain
        Needs p(x_0 = a) > 0 for every a (the output bias is ln p(x_0)); the one-hot encoding
        also needs P_{n-1} > 0 entrywise (M > 0 when ``flat``), so that every observation gives
        finite logarithms.
    encoding : {"one-hot", "log-likelihood"}
    flat : bool
        Build the depth-1 network [M, log] (one-hot; [I, exp] first for log-likelihoods) with
        M = P_0 ... P_{n-1} instead of the layer-per-step composition.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.markov import homogeneous_chain, inference_network
    >>> R = sp.Rational
    >>> c = homogeneous_chain([R(1, 3), R(2, 3)], [[R(1, 2), R(1, 2)], [R(1, 4), R(3, 4)]], 2)
    >>> net = inference_network(c, encoding="log-likelihood")
    >>> net.depth, net.hidden_neurons, [layer.activation.name for layer in net.network.layers[:-1]]
    (4, 8, ['exp', 'log', 'exp', 'log'])
    >>> net.posterior([sp.log(R(1, 2)), 0]) == net.posterior([sp.log(R(1, 4)), sp.log(R(1, 2))])
    True
    >>> inference_network(c, flat=True).network.layers[0].weights.tolist()     # M = P_0 P_1
    [[3/8, 5/8], [5/16, 11/16]]
    """
    chain = _check_chain(chain, "inference_network")
    encoding = _encoding(encoding)
    if not isinstance(flat, bool):
        raise InvalidInput(f"flat must be True or False, got {flat!r}")
    zero_prior = [a for a, q in enumerate(chain.prior) if q == 0]
    if zero_prior:
        raise HypothesisError(f"p(x_0 = {zero_prior[0]}) = 0: the output bias ln p(x_0) would be -oo, which no "
                              "network with finite weights has (drop the impossible states from the chain)",
                              hypothesis="p(x_0 = a) > 0 for every a")
    matrices = list(chain.transitions)
    if flat:
        m = sp.ImmutableMatrix(math.prod(matrices[1:], start=matrices[0]))
        matrices = [m]
    first = matrices[-1]
    if encoding == "one-hot" and any(v == 0 for v in first):
        name = "M = P_0 ... P_{n-1}" if flat else f"P_{chain.n - 1}"
        raise HypothesisError(f"{name} has a zero entry: for some observation x_{chain.n} = b the first layer "
                              f"ln({name} e_b) has an entry ln 0 = -oo (the posterior has a zero there). "
                              "Use encoding='log-likelihood' with finite evidence, or a chain with positive "
                              f"entries in {name}", hypothesis=f"{name} > 0 entrywise")
    layers: list[Layer] = []
    if encoding == "log-likelihood":
        layers.append(Layer(_identity(first.cols), sp.ImmutableMatrix.zeros(first.cols, 1), _EXP))
    for j, p in enumerate(reversed(matrices)):
        if j:
            layers.append(Layer(_identity(p.cols), sp.ImmutableMatrix.zeros(p.cols, 1), _EXP))
        layers.append(Layer(p, sp.ImmutableMatrix.zeros(p.rows, 1), _LOG))
    k0 = len(chain.prior)
    layers.append(Layer(_identity(k0), sp.ImmutableMatrix([sp.log(q) for q in chain.prior]), None))
    return InferenceNetwork(chain, Network(layers), encoding, flat)

"""Bayes as physics: Hamiltonians, softmax, and the posterior network for binary inputs.

LTR Sec. II (A, D, E); seeds 000 and 002; ``MATH.md`` section 5.

**Hamiltonian form of Bayes' theorem.** For a joint distribution p(x, y) on finite sets, with
H_y(x) = -ln p(x|y) (the Hamiltonian) and mu_y = -ln p(y),

    p(y|x) = p(x|y) p(y) / sum_y' p(x|y') p(y') = softmax(-H(x) - mu)_y,

exactly: e^(-H_y(x) - mu_y) = p(x|y) p(y) = p(x, y). (An entry p(x, y) = 0 gives H = +oo and the
weight e^(-oo) = 0; the posterior at x needs p(x) > 0.)

**Binary inputs** x in {0,1}^n. Since x_i^2 = x_i, every function of x is multilinear, and

    -H_y(x) - mu_y = ln p(x, y) = sum_{K subset of [n]} a_K^y prod_{i in K} x_i,
    a_K^y = sum_{J subset of K} (-1)^(|K|-|J|) ln p(1_J, y) = ln prod_{J subset of K} p(1_J, y)^((-1)^(|K|-|J|))

(Moebius inversion over subsets; 1_J is the input with ones exactly on J, and each coefficient
is the logarithm of one exact rational). The network of LTR (three layers after the input):

1. one sigmoid neuron per subset K != {} with a nonzero coefficient,
   s_K = sigma(beta (sum_{i in K} x_i - |K| + 1/2)) -> prod_{i in K} x_i as beta -> oo
   (:func:`symnet.constructions.binary_product`, worst-case error 1/(1 + e^(beta/2)));
2. the linear map with weights a_K^y and biases a_{}^y = ln p(0, y), giving -H - mu;
3. softmax.

It needs at most 2^n - 1 product neurons (the seeds count 2^n: "one per product and the free
term", but the free term is the bias of step 2). As beta -> oo each s_K tends to the exact
product, so the network's posterior tends to p(y|x) exactly. With t = e^(-beta/2), s_K =
1 - t + O(t^2) when K is inside the support of x, t + O(t^2) when exactly one bit of K is
missing, O(t^3) otherwise; hence the logits are ln p(x, y) + t D_y(x) + O(t^2) with
D_y(x) = sum_{K: |K \\ x| = 1} a_K^y - sum_{{} != K subset of x} a_K^y, and the worst-case error is

    E(beta) = max_{x, y} |p_beta(y|x) - p(y|x)| = C e^(-beta/2) + O(e^(-beta)),
    C = max_{x, y} p(y|x) |D_y(x) - sum_y' p(y'|x) D_y'(x)|,

an exact constant (:meth:`PosteriorNetwork.leading_error`). A bound valid for every beta > 0:
the logits are off by at most eps(beta) sum_K |a_K^y| with eps = 1/(1 + e^(beta/2)), and softmax
is 1/2-Lipschitz from the max-norm to the max-norm (sum_j |d p_y / d l_j| = 2 p_y (1 - p_y) <= 1/2),
so E(beta) <= (1/2) eps(beta) max_y sum_K |a_K^y| (:meth:`PosteriorNetwork.error_bound`).

**Locality** (seed 002): if p(x|y) is a Markov network (a product of positive potentials over
cliques), ln p(x, y) is a sum of functions of the clique variables, so a_K^y = 0 unless K lies
inside a clique: the network needs only the subsets of cliques, at most N_c 2^(S_c) neurons for
N_c cliques of size at most S_c (:func:`markov_network_bound`, :func:`markov_posterior_network`).

Source corrections: seed 000 writes p(y|x) = e^(-[H_y(x) - mu_x]) / S(x); the sign of mu and its
index are wrong (it is e^(-[H_y(x) + mu_y])). Its example "p(x) = e^(-x^2)/sqrt(2 pi), so
mu = x^2 - ln sqrt(2 pi)" has the sign of the logarithm wrong (-ln p = x^2 + ln sqrt(2 pi)) and
e^(-x^2)/sqrt(2 pi) is not normalised (e^(-x^2/2)/sqrt(2 pi) is). Seed 002 swaps the roles of x
and y (H_x(y) = -ln p(y|x)), which is a naming choice, not an error.

Examples
--------
>>> import sympy as sp
>>> from symnet.bayes import joint_distribution, posterior_network
>>> p = joint_distribution({((0,), "a"): sp.Rational(1, 8), ((1,), "a"): sp.Rational(3, 8),
...                         ((0,), "b"): sp.Rational(1, 4), ((1,), "b"): sp.Rational(1, 4)})
>>> p.posterior((1,))
{'a': 3/5, 'b': 2/5}
>>> p.softmax_posterior((1,)) == p.posterior((1,))
True
>>> net = posterior_network(p, beta=40)
>>> net.hidden_neurons, net.subsets
(1, (frozenset({0}),))
>>> net.limit_posterior((1,))
{'a': 3/5, 'b': 2/5}
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from symnet import _show as show
from symnet._validation import nonnegative_int
from symnet.activations._activation import exact_number
from symnet.constructions.binary import binary_product, positive_beta
from symnet.constructions.binary import worst_case_error as product_error
from symnet.errors import HypothesisError, InvalidInput, ShapeError, TooLargeError
from symnet.network import Layer, Network

__all__ = [
    "MAX_BITS",
    "JointDistribution",
    "MarkovNetworkBound",
    "PosteriorNetwork",
    "joint_distribution",
    "markov_network_bound",
    "markov_posterior_network",
    "moebius_coefficients",
    "posterior_network",
    "softmax",
]

SOURCE = "LTR Sec. II; seeds 000, 002; MATH.md sec. 5"

#: Largest number of input bits for which the posterior network is built (2^n table entries).
MAX_BITS = 12


def _is_minus_infinity(value: Any) -> bool:
    if isinstance(value, sp.Basic):
        return value == -sp.oo
    return isinstance(value, (float, np.floating)) and value == -math.inf


def softmax(values: Sequence[Any]) -> tuple[sp.Expr, ...]:
    """softmax(v)_k = e^(v_k) / sum_j e^(v_j), exactly (entries -oo give 0).

    Each entry is an exact real number or a real symbolic expression (floats are read as the
    decimal they print as), or -oo (weight e^(-oo) = 0, an impossible class). Text is refused,
    never parsed; +oo and NaN are refused (:class:`~symnet.errors.InvalidInput`): e^(+oo)/e^(+oo)
    has no value.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.bayes import softmax
    >>> softmax([sp.log(1), sp.log(3)])
    (1/4, 3/4)
    >>> softmax([-sp.oo, 0])
    (0, 1)
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidInput(f"softmax needs a sequence of numbers, got {type(values).__name__}")
    exps = []
    for i, v in enumerate(values):
        if _is_minus_infinity(v):
            exps.append(sp.Integer(0))
        else:
            exps.append(sp.exp(exact_number(v, f"softmax: entry {i}", allow_symbols=True)))
    if not exps:
        raise InvalidInput("softmax needs at least one value")
    total = sp.Add(*exps)
    if total == 0:
        raise HypothesisError("softmax of all -oo is undefined (every weight is 0)", hypothesis="some v_k > -oo")
    return tuple(e / total for e in exps)


def _probability(value: Any, where: str) -> sp.Rational:
    v = exact_number(value, where)
    if not v.is_Rational:
        raise InvalidInput(f"{where} must be an exact rational probability, got {v}")
    if v < 0 or v > 1:
        raise InvalidInput(f"{where} must lie in [0, 1], got {v}")
    return v


@dataclass(frozen=True)
class JointDistribution(show.Shows):
    r"""A joint distribution p(x, y) on finite sets with exact rational probabilities.

    Build with :func:`joint_distribution`. ``xs`` and ``ys`` list the values in first-seen order.
    ``str()`` and ``latex()`` show the table (rows x, columns y; the first :attr:`SHOWN` rows).

    Examples
    --------
    >>> from fractions import Fraction
    >>> from symnet.bayes import joint_distribution
    >>> p = joint_distribution({("rain", "wet"): Fraction(1, 3), ("rain", "dry"): Fraction(1, 6),
    ...                         ("sun", "dry"): Fraction(1, 2)})     # missing pairs have probability 0
    >>> print(p)
    joint distribution p(x, y): 2 values of x, 2 of y
      x \ y  wet  dry
      rain   1/3  1/6
      sun    0    1/2
    >>> print(p.latex())
    \begin{array}{l}
    \text{joint distribution $p(x, y)$: 2 values of x, 2 of y} \\
    \begin{array}{l|cc}
    \hline
    x \backslash y & \text{wet} & \text{dry} \\
    \hline
    \text{rain} & \frac{1}{3} & \frac{1}{6} \\
    \text{sun} & 0 & \frac{1}{2} \\
    \hline
    \end{array}
    \end{array}
    """

    #: Most rows (values of x) that ``str()`` and ``latex()`` write out.
    SHOWN = 32

    table: Mapping[tuple[Hashable, Hashable], sp.Rational]
    xs: tuple[Hashable, ...]
    ys: tuple[Hashable, ...]

    def p(self, x: Hashable, y: Hashable) -> sp.Rational:
        """p(x, y) (0 for pairs not in the table)."""
        return self.table.get((x, y), sp.Integer(0))

    def prior(self, y: Hashable) -> sp.Rational:
        """p(y) = sum_x p(x, y)."""
        return sp.Add(*[self.p(x, y) for x in self.xs])

    def marginal(self, x: Hashable) -> sp.Rational:
        """p(x) = sum_y p(x, y)."""
        return sp.Add(*[self.p(x, y) for y in self.ys])

    def likelihood(self, x: Hashable, y: Hashable) -> sp.Rational:
        """p(x|y) = p(x, y) / p(y)."""
        py = self.prior(y)
        if py == 0:
            raise HypothesisError(f"p(x|y) is undefined: p(y) = 0 for y = {y!r}", hypothesis="p(y) > 0")
        return self.p(x, y) / py

    def hamiltonian(self, x: Hashable, y: Hashable) -> sp.Expr:
        """H_y(x) = -ln p(x|y), exactly (+oo where p(x|y) = 0)."""
        lik = self.likelihood(x, y)
        return sp.oo if lik == 0 else -sp.log(lik)

    def mu(self, y: Hashable) -> sp.Expr:
        """mu_y = -ln p(y), exactly (+oo where p(y) = 0)."""
        py = self.prior(y)
        return sp.oo if py == 0 else -sp.log(py)

    def _check_x(self, x: Hashable) -> None:
        if x not in self.xs:
            raise InvalidInput(f"x = {x!r} is not a value of this distribution")
        if self.marginal(x) == 0:
            raise HypothesisError(f"p(y|x) is undefined at x = {x!r}: p(x) = 0", hypothesis="p(x) > 0")

    def posterior(self, x: Hashable) -> dict[Hashable, sp.Rational]:
        """p(y|x) by Bayes' theorem (rationals)."""
        self._check_x(x)
        px = self.marginal(x)
        return {y: self.p(x, y) / px for y in self.ys}

    def __str__(self) -> str:
        rows = [["x \\ y", *map(str, self.ys)]]
        rows += [[str(x), *(str(self.p(x, y)) for y in self.ys)] for x in self.xs[:self.SHOWN]]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        body = ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
        more = [f"  ... ({len(self.xs) - self.SHOWN} more values of x)"] if len(self.xs) > self.SHOWN else []
        return "\n".join([f"joint distribution p(x, y): {len(self.xs)} values of x, {len(self.ys)} of y", *body, *more])

    def latex(self) -> str:
        """The table p(x, y) (rows x, columns y) as a math-mode ``array``."""
        rows = [["x \\backslash y", *(show.text(str(y)) for y in self.ys)]]
        rows += [[show.text(str(x)), *(show.math(self.p(x, y)) for y in self.ys)] for x in self.xs[:self.SHOWN]]
        more = ([show.text(f"... ({len(self.xs) - self.SHOWN} more values of x)")] if len(self.xs) > self.SHOWN
                else [])
        head = show.phrase(f"joint distribution p(x, y): {len(self.xs)} values of x, {len(self.ys)} of y",
                           {"p(x, y)": "p(x, y)"})
        return show.lines([head, show.array(rows, "l|" + "c" * len(self.ys), head=1), *more])

    def softmax_posterior(self, x: Hashable) -> dict[Hashable, sp.Expr]:
        """softmax(-H(x) - mu), computed from the exact logarithms (LTR Eq. 8)."""
        self._check_x(x)
        logits = []
        for y in self.ys:
            h = sp.oo if self.prior(y) == 0 else self.hamiltonian(x, y)
            logits.append(-sp.oo if h == sp.oo else -h - self.mu(y))
        return dict(zip(self.ys, softmax(logits), strict=True))


def joint_distribution(table: Mapping[tuple[Hashable, Hashable], Any]) -> JointDistribution:
    """A :class:`JointDistribution` from ``{(x, y): p(x, y)}`` (exact, non-negative, summing to 1).

    Missing pairs have probability 0. Floats are read as the decimals they print as.
    """
    if not isinstance(table, Mapping) or not table:
        raise InvalidInput("a joint distribution needs a non-empty mapping {(x, y): probability}")
    clean: dict[tuple[Hashable, Hashable], sp.Rational] = {}
    xs: dict[Hashable, None] = {}
    ys: dict[Hashable, None] = {}
    for key, value in table.items():
        if not isinstance(key, tuple) or len(key) != 2:
            raise InvalidInput(f"keys must be pairs (x, y), got {key!r}")
        x, y = key
        try:
            hash(x), hash(y)
        except TypeError:
            raise InvalidInput(f"x and y must be hashable (e.g. tuples of bits), got {key!r}") from None
        clean[(x, y)] = _probability(value, f"p{key!r}")
        xs.setdefault(x)
        ys.setdefault(y)
    total = sp.Add(*clean.values())
    if total != 1:
        raise InvalidInput(f"the probabilities sum to {total}, not 1")
    return JointDistribution(clean, tuple(xs), tuple(ys))


# -- binary inputs ------------------------------------------------------------------------------
def _subsets(n: int) -> list[frozenset[int]]:
    return [frozenset(c) for k in range(n + 1) for c in itertools.combinations(range(n), k)]


def _indicator(n: int, subset: Iterable[int]) -> tuple[int, ...]:
    s = set(subset)
    return tuple(1 if i in s else 0 for i in range(n))


def _binary_n(dist: JointDistribution) -> int:
    n = None
    for x in dist.xs:
        if not isinstance(x, tuple) or not x or any(isinstance(b, bool) or b not in (0, 1) for b in x):
            raise InvalidInput(f"binary inputs must be non-empty tuples of bits 0/1, got x = {x!r}")
        if n is None:
            n = len(x)
        elif len(x) != n:
            raise ShapeError(f"inputs have different lengths: {x!r} has {len(x)} bits, others {n}")
    if n > MAX_BITS:
        raise TooLargeError(f"{n} input bits: the posterior network is built for n <= {MAX_BITS} (2^n table entries)")
    return n


def moebius_coefficients(dist: JointDistribution) -> dict[Hashable, dict[frozenset[int], sp.Expr]]:
    """The multilinear coefficients of ln p(x, y) = -H_y(x) - mu_y, per class y.

    a_K^y = ln prod_{J subset of K} p(1_J, y)^((-1)^(|K| - |J|)): each an exact logarithm of a
    rational (0 when the rational is 1). Needs p(x, y) > 0 for every x in {0,1}^n and every y.
    """
    n = _binary_n(dist)
    for y in dist.ys:
        for x in itertools.product((0, 1), repeat=n):
            if dist.p(x, y) == 0:
                raise HypothesisError(
                    f"p(x, y) = 0 at x = {x}, y = {y!r}: then -H_y(x) - mu_y = ln p(x, y) = -oo, which no network "
                    "with finite weights computes; the posterior network needs p(x, y) > 0 for all x, y "
                    "(zero entries are reached only in a limit of the weights)",
                    hypothesis="p(x, y) > 0 for all x in {0,1}^n",
                )
    out: dict[Hashable, dict[frozenset[int], sp.Expr]] = {}
    for y in dist.ys:
        coeffs = {}
        for k_set in _subsets(n):
            ratio = sp.Integer(1)
            for j in range(len(k_set) + 1):
                for sub in itertools.combinations(sorted(k_set), j):
                    value = dist.p(_indicator(n, sub), y)
                    ratio *= value if (len(k_set) - j) % 2 == 0 else 1 / value
            coeffs[k_set] = sp.log(ratio)
        out[y] = coeffs
    return out


@dataclass(frozen=True, eq=False)
class PosteriorNetwork(show.Shows):
    r"""The 3-layer network computing -H(x) - mu (then softmax) for binary inputs (module docstring).

    Attributes
    ----------
    distribution : JointDistribution
    network : Network
        n inputs -> one sigmoid neuron per subset in ``subsets`` -> |Y| outputs, the logits
        approximating -H_y(x) - mu_y. Softmax of the outputs is the posterior.
    beta : sympy.Expr
        The steepness of the product neurons (a positive number or symbol).
    subsets : tuple of frozenset
        The subsets K (non-empty, nonzero coefficient for some class) with a product neuron.
    coefficients : dict
        a_K^y for every class and every subset (zeros included).
    classes : tuple
        The y values, in output order.
    n : int

    Examples
    --------
    >>> from fractions import Fraction
    >>> from symnet.bayes import joint_distribution, posterior_network
    >>> q = Fraction(1, 4)
    >>> p = joint_distribution({((0,), 0): q, ((1,), 0): q, ((0,), 1): q / 2, ((1,), 1): 3 * q / 2})
    >>> net = posterior_network(p, beta=20)    # a_{0}^1 = ln(p(1, 1) / p(0, 1)) = ln 3, a_{0}^0 = 0
    >>> print(net)
    posterior network for 1 bits and 2 classes: 1 product neuron(s) (at most 2^n - 1 = 1), beta = 20
    >>> print(net.latex().splitlines()[2])
    E(\beta) \leq \frac{\log{\left(3 \right)}}{2 \left(1 + e^{10}\right)}
    """

    distribution: JointDistribution
    network: Network
    beta: sp.Expr
    subsets: tuple[frozenset[int], ...]
    coefficients: Mapping[Hashable, Mapping[frozenset[int], sp.Expr]]
    classes: tuple[Hashable, ...]
    n: int
    notes: tuple[str, ...] = field(default=())

    @property
    def hidden_neurons(self) -> int:
        return self.network.hidden_neurons

    @property
    def source(self) -> str:
        return SOURCE

    def _x(self, x: Sequence[int]) -> tuple[int, ...]:
        x = tuple(x)
        if len(x) != self.n or any(isinstance(b, bool) or b not in (0, 1) for b in x):
            raise ShapeError(f"x must be a tuple of {self.n} bits, got {x!r}")
        return x

    def logits(self, x: Sequence[int]) -> tuple[sp.Expr, ...]:
        """The network's outputs at the bits x, exactly (symbolic in beta if beta is a symbol)."""
        return tuple(self.network.evaluate([sp.Integer(b) for b in self._x(x)]))

    def posterior(self, x: Sequence[int]) -> dict[Hashable, sp.Expr]:
        """softmax of the network's outputs: the network's posterior at finite beta, exactly."""
        return dict(zip(self.classes, softmax(self.logits(x)), strict=True))

    def limit_logits(self, x: Sequence[int]) -> tuple[sp.Expr, ...]:
        """The logits as beta -> oo: each neuron replaced by its limit [K subset of x] (exact)."""
        x = self._x(x)
        ones = {i for i, b in enumerate(x) if b}
        out = []
        for y in self.classes:
            c = self.coefficients[y]
            out.append(c[frozenset()] + sp.Add(*[c[k] for k in self.subsets if k <= ones]))
        return tuple(out)

    def limit_posterior(self, x: Sequence[int]) -> dict[Hashable, sp.Expr]:
        """lim_{beta -> oo} of the network's posterior at x, exactly (equals p(y|x))."""
        return dict(zip(self.classes, softmax(self.limit_logits(x)), strict=True))

    def _first_order(self, x: tuple[int, ...]) -> dict[Hashable, sp.Expr]:
        ones = {i for i, b in enumerate(x) if b}
        out = {}
        for y in self.classes:
            c = self.coefficients[y]
            missing_one = sp.Add(*[c[k] for k in self.subsets if len(k - ones) == 1])
            inside = sp.Add(*[c[k] for k in self.subsets if k <= ones])
            out[y] = missing_one - inside
        return out

    def leading_error(self) -> tuple[sp.Expr, tuple[int, ...], Hashable]:
        """(C, x, y): the worst-case error is C e^(-beta/2) + O(e^(-beta)), attained at (x, y).

        C = max_{x, y} p(y|x) |D_y(x) - sum_y' p(y'|x) D_y'(x)| (module docstring), an exact
        expression in logarithms of rationals; the max is taken at 50 digits after exact
        simplification of each candidate.
        """
        best = None
        for x in itertools.product((0, 1), repeat=self.n):
            post = self.distribution.posterior(x)
            d = self._first_order(x)
            mean = sp.Add(*[post[y] * d[y] for y in self.classes])
            for y in self.classes:
                c = sp.Abs(sp.expand(post[y] * (d[y] - mean)))
                value = sp.N(c, 50)
                if best is None or value > best[0]:
                    best = (value, c, x, y)
        return best[1], best[2], best[3]

    def error_expressions(self) -> dict[tuple[tuple[int, ...], Hashable], sp.Expr]:
        """|p_beta(y|x) - p(y|x)| for every bits x and class y, exactly (in beta)."""
        out = {}
        for x in itertools.product((0, 1), repeat=self.n):
            post = self.distribution.posterior(x)
            net = self.posterior(x)
            for y in self.classes:
                out[(x, y)] = sp.Abs(net[y] - post[y])
        return out

    def worst_case_error(self, dps: int = 50) -> tuple[mpmath.mpf, tuple[int, ...], Hashable]:
        """max_{x, y} |p_beta(y|x) - p(y|x)| at a numeric beta, at ``dps`` digits: (value, x, y).

        The logits come from the network's own mpmath evaluation (:meth:`Network.mpmath`), the
        softmax is taken in mpmath, and p(y|x) is the exact rational. :meth:`error_expressions`
        gives the same errors as exact expressions.
        """
        if self.beta.free_symbols:
            raise InvalidInput("worst_case_error needs a numeric beta; use .at_beta(value)")
        best = None
        with mpmath.workdps(dps + 10):
            for x in itertools.product((0, 1), repeat=self.n):
                logits = self.network.mpmath(list(x), dps=dps + 10)
                logits = logits if isinstance(logits, list) else [logits]
                top = max(logits)
                weights = [mpmath.exp(v - top) for v in logits]
                total = mpmath.fsum(weights)
                post = self.distribution.posterior(x)
                for y, w in zip(self.classes, weights, strict=True):
                    value = abs(w / total - mpmath.mpf(int(post[y].p)) / int(post[y].q))
                    if best is None or value > best[0]:
                        best = (value, x, y)
        with mpmath.workdps(dps):
            return (+best[0], best[1], best[2])

    def error_bound(self, beta: Any = None) -> sp.Expr:
        """(1/2) eps(beta) max_y sum_{K != {}} |a_K^y|, eps = 1/(1 + e^(beta/2)): E(beta) <= this, any beta > 0."""
        b = self.beta if beta is None else positive_beta(beta)
        total = max((sp.Add(*[sp.Abs(self.coefficients[y][k]) for k in self.subsets]) for y in self.classes),
                    key=lambda e: sp.N(e, 30))
        return total * product_error(b) / 2

    def at_beta(self, value: Any) -> PosteriorNetwork:
        """The same network with a symbolic beta replaced by a value."""
        if not self.beta.is_Symbol:
            raise InvalidInput(f"beta is {self.beta}, not a symbol")
        b = positive_beta(value)
        return PosteriorNetwork(self.distribution, self.network.subs({self.beta: b}), b, self.subsets,
                                self.coefficients, self.classes, self.n, self.notes)

    def __str__(self) -> str:
        return (f"posterior network for {self.n} bits and {len(self.classes)} classes: {self.hidden_neurons} product "
                f"neuron(s) (at most 2^n - 1 = {2**self.n - 1}), beta = {self.beta}")

    def latex(self) -> str:
        """The summary and the bound E(beta) <= (1/2) eps(beta) max_y sum_K |a_K^y| (math-mode LaTeX)."""
        head = show.phrase(str(self), {f"beta = {self.beta}": f"\\beta = {show.math(self.beta)}"})
        return show.lines([head, f"E(\\beta) \\leq {show.math(self.error_bound())}"])


def _product_layer(n: int, subsets: Sequence[frozenset[int]], beta: sp.Expr) -> Network:
    """The products as a network n -> len(subsets), stacking one bit-product neuron per subset."""
    stacked = None
    for k_set in subsets:
        neuron = binary_product(len(k_set), beta=beta).network
        select = Network([Layer(sp.ImmutableMatrix([[1 if j == i else 0 for j in range(n)] for i in sorted(k_set)]),
                                sp.ImmutableMatrix([0] * len(k_set)), None)])
        piece = neuron.compose(select)
        stacked = piece if stacked is None else stacked.stack(piece)
    return stacked


def _index_sets(subsets: Any) -> set[frozenset[int]]:
    """The ``subsets`` argument as frozensets of int indices (text is refused, not read as digits)."""
    if isinstance(subsets, (str, bytes)) or not isinstance(subsets, Iterable):
        raise InvalidInput(f"subsets must be a collection of index sets, e.g. [{{0}}, {{0, 1}}], got {subsets!r}")
    out = set()
    for s in subsets:
        if isinstance(s, (str, bytes)) or not isinstance(s, Iterable):
            raise InvalidInput(f"each subset must be a set of bit indices (ints), e.g. {{0, 2}}, got {s!r}")
        out.add(frozenset(nonnegative_int(i, f"posterior_network: an index of the subset {s!r}") for i in s))
    return out


def posterior_network(
    dist: JointDistribution,
    beta: Any = 40,
    subsets: Iterable[Iterable[int]] | None = None,
) -> PosteriorNetwork:
    """The network of LTR for the posterior of a distribution on {0,1}^n (module docstring).

    Parameters
    ----------
    dist : JointDistribution
        x values are tuples of n bits; every p(x, y) must be positive.
    beta : positive number or positive symbol
        Steepness of the product neurons (default 40).
    subsets : iterable of index sets, optional
        Restrict the product neurons to these subsets; refused (HypothesisError) if a subset left
        out has a nonzero coefficient. Default: exactly the subsets with a nonzero coefficient.
    """
    if not isinstance(dist, JointDistribution):
        raise InvalidInput(f"posterior_network needs a JointDistribution (see joint_distribution), got {type(dist)}")
    b = positive_beta(beta)
    n = _binary_n(dist)
    coeffs = moebius_coefficients(dist)
    needed = [k for k in _subsets(n) if k and any(coeffs[y][k] != 0 for y in dist.ys)]
    if subsets is not None:
        allowed = _index_sets(subsets)
        for s in allowed:
            if not s or not s <= set(range(n)):
                raise InvalidInput(f"subset {sorted(s)} must be a non-empty subset of 0..{n - 1}")
        missing = [sorted(k) for k in needed if k not in allowed]
        if missing:
            raise HypothesisError(
                f"the coefficients of the subsets {missing} are nonzero: the posterior needs their product neurons",
                hypothesis="a_K^y = 0 for every subset K left out",
            )
    classes = dist.ys
    if not needed:  # ln p(x, y) does not depend on x: a network with a constant output
        weights = sp.ImmutableMatrix.zeros(len(classes), n)
        biases = sp.ImmutableMatrix([coeffs[y][frozenset()] for y in classes])
        net = Network([Layer(weights, biases, None)])
    else:
        products = _product_layer(n, needed, b)
        out = Network([Layer(sp.ImmutableMatrix([[coeffs[y][k] for k in needed] for y in classes]),
                             sp.ImmutableMatrix([coeffs[y][frozenset()] for y in classes]), None)])
        net = out.compose(products)
    notes = (
        "the free term a_{}^y = ln p(0, y) is the output bias, not a neuron (the seeds count 2^n neurons)",
    )
    return PosteriorNetwork(dist, net, b, tuple(needed), coeffs, classes, n, notes)


# -- Markov networks ----------------------------------------------------------------------------
@dataclass(frozen=True)
class MarkovNetworkBound(show.Shows):
    r"""The neuron count of LTR's locality argument for given cliques (seed 002).

    Attributes
    ----------
    cliques : tuple of frozenset
    n : int
    n_cliques : int
        N_c.
    max_clique : int
        S_c.
    bound : int
        N_c 2^(S_c).
    subsets : tuple of frozenset
        The non-empty subsets of some clique: the only products ln p(x|y) can contain.
    neurons : int
        len(subsets) <= sum_c (2^|c| - 1) < N_c 2^(S_c).

    Examples
    --------
    >>> from symnet.bayes import markov_network_bound
    >>> print(markov_network_bound([{0, 1}, {1, 2}]).latex())
    \text{2 cliques of size $\leq$ 2 on 3 bits:} \quad N_n = 5 \leq N_c 2^{S_c} = 2 \cdot 2^{2} = 8, \quad 2^{n} - 1 = 7
    """

    cliques: tuple[frozenset[int], ...]
    n: int
    n_cliques: int
    max_clique: int
    bound: int
    subsets: tuple[frozenset[int], ...]

    @property
    def neurons(self) -> int:
        return len(self.subsets)

    def __str__(self) -> str:
        return (f"{self.n_cliques} cliques of size <= {self.max_clique} on {self.n} bits: {self.neurons} product "
                f"neurons needed, bound N_c 2^S_c = {self.bound}, against 2^n - 1 = {2**self.n - 1} in general")

    def latex(self) -> str:
        """The neurons needed against N_c 2^(S_c) and 2^n - 1 (a math-mode LaTeX fragment)."""
        return (f"{show.text(f'{self.n_cliques} cliques of size <= {self.max_clique} on {self.n} bits:')} \\quad "
                f"N_n = {self.neurons} \\leq N_c 2^{{S_c}} = {self.n_cliques} \\cdot 2^{{{self.max_clique}}} = "
                f"{self.bound}, \\quad 2^{{n}} - 1 = {2**self.n - 1}")


def _cliques(cliques: Any, n: int | None) -> tuple[tuple[frozenset[int], ...], int]:
    if isinstance(cliques, (str, bytes)) or not isinstance(cliques, Iterable):
        raise InvalidInput("cliques must be a sequence of sets of variable indices, e.g. [{0, 1}, {1, 2}]")
    out = []
    for c in cliques:
        if isinstance(c, (str, bytes)) or not isinstance(c, Iterable):
            raise InvalidInput(f"each clique must be a set of variable indices, got {c!r}")
        items = list(c)
        if not items or any(isinstance(i, bool) or not isinstance(i, int) or i < 0 for i in items):
            raise InvalidInput(f"a clique must be a non-empty set of non-negative int indices, got {c!r}")
        out.append(frozenset(items))
    if not out:
        raise InvalidInput("at least one clique is needed")
    top = max(max(c) for c in out) + 1
    if n is None:
        n = top
    elif isinstance(n, bool) or not isinstance(n, int) or n < top:
        raise InvalidInput(f"n = {n!r} is smaller than the largest variable index + 1 = {top}")
    return tuple(out), n


def markov_network_bound(cliques: Iterable[Iterable[int]], n: int | None = None) -> MarkovNetworkBound:
    """Count the product neurons a Markov network over the given cliques needs, against N_c 2^(S_c).

    Examples
    --------
    >>> from symnet.bayes import markov_network_bound
    >>> b = markov_network_bound([{0, 1}, {1, 2}, {2, 3}])     # a chain of 4 bits
    >>> b.bound, b.neurons
    (12, 7)
    """
    cl, n = _cliques(cliques, n)
    within = {frozenset(s) for c in cl for k in range(1, len(c) + 1) for s in itertools.combinations(sorted(c), k)}
    subsets = sorted(within, key=lambda s: (len(s), sorted(s)))
    s_c = max(len(c) for c in cl)
    return MarkovNetworkBound(cl, n, len(cl), s_c, len(cl) * 2**s_c, tuple(subsets))


def markov_posterior_network(
    cliques: Iterable[Iterable[int]],
    potentials: Mapping[Hashable, Sequence[Mapping[tuple[int, ...], Any]]],
    prior: Mapping[Hashable, Any],
    beta: Any = 40,
    n: int | None = None,
) -> tuple[PosteriorNetwork, MarkovNetworkBound]:
    """The posterior network of a Markov network, with product neurons only on clique subsets.

    p(x|y) = prod_c phi_c^y(x_c) / Z_y with positive rational potentials; ``potentials[y][i]``
    maps the bits of clique i (in increasing index order) to phi. The joint p(x, y) =
    p(y) p(x|y) is built exactly and :func:`posterior_network` is called with the clique
    subsets only: it refuses if any other coefficient were nonzero, so success is itself the
    check that a_K^y = 0 outside the cliques.
    """
    bound = markov_network_bound(cliques, n)
    if not isinstance(potentials, Mapping) or not isinstance(prior, Mapping) or set(potentials) != set(prior):
        raise InvalidInput("potentials and prior must be mappings with the same classes y")
    if bound.n > MAX_BITS:
        raise TooLargeError(f"{bound.n} bits: the explicit distribution has 2^n entries (limit n <= {MAX_BITS})")
    table = {}
    for y, phis in potentials.items():
        if isinstance(phis, (str, bytes)) or not isinstance(phis, Sequence) or len(phis) != bound.n_cliques:
            raise InvalidInput(f"class {y!r}: give one potential table per clique ({bound.n_cliques})")
        weights = {}
        for x in itertools.product((0, 1), repeat=bound.n):
            w = sp.Integer(1)
            for i, (c, phi) in enumerate(zip(bound.cliques, phis, strict=True)):
                key = tuple(x[j] for j in sorted(c))
                if not isinstance(phi, Mapping) or key not in phi:
                    raise InvalidInput(f"class {y!r}, clique {sorted(c)} (#{i}): no potential for bits {key}")
                v = exact_number(phi[key], f"potential of class {y!r}, clique {sorted(c)}, bits {key}")
                if not v.is_Rational or v <= 0:
                    raise InvalidInput(
                        f"potentials must be positive rationals, got {v} (class {y!r}, clique {sorted(c)})")
                w *= v
            weights[x] = w
        z = sp.Add(*weights.values())
        py = _probability(prior[y], f"prior p({y!r})")
        for x, w in weights.items():
            table[(x, y)] = py * w / z
    dist = joint_distribution(table)
    return posterior_network(dist, beta=beta, subsets=bound.subsets), bound

"""Flattening costs: what a single hidden layer pays for the depth it gives up (LTR Eqs. 25-26).

Seed 002 and [LTR] Sec. III define, for an N-layer network f and a flattening f_eps^l (an
l-layer network, l < N, approximating f to eps),

    C_n(f, l, eps) = min_{f_eps^l} N_n(f_eps^l) / N_n(f),     C_s(f, l, eps) = min_{f_eps^l} N_s(f_eps^l) / N_s(f),

with N_n the hidden neurons and N_s the synapses (nonzero weights) of ``MATH.md`` section 0;
"no flattening" means C > 1. This module computes them exactly, as :class:`fractions.Fraction`,
for l = 1 and the functions of ``MATH.md`` section 4 (the product of n inputs, monomials x^r
and the power x^d), where the minimum over single-hidden-layer networks is *known*, and brackets
it for other polynomials:

- :func:`product_cost` (deep product tree), :func:`power_cost` (x^d), :func:`flattening_cost`
  (any deep :class:`~symnet.constructions.Construction` of a monomial) -> :class:`FlatteningCost`
  with exact ``C_n`` and ``C_s``;
- :func:`polynomial_cost` -> :class:`FlatteningBounds` (certified bounds from
  :func:`symnet.lower_bounds.minimal_width`) for a polynomial that is not a monomial;
- :func:`product_table` / :class:`CostTable`: deterministic text and LaTeX tables;
- the counts: :func:`deep_product_synapses` (closed recurrence, checked against the networks),
  :func:`min_shallow_neurons`, :func:`min_shallow_synapses`, :func:`shallow_synapse_formulas`,
  :func:`difference_synapse_formulas`, and the witness :func:`forward_difference`.

The notion. The minimum is taken in the sense of the width theorems (LTR App. A, RT Thm II.1):
single-hidden-layer networks whose Taylor expansion at 0 agrees with the target p through degree
N = deg p, in the ``"bias-free"`` model (or ``"output-bias"``), for an activation with
sigma^(k)(0) != 0 for k <= N. The numerator is then a theorem, not a search; the denominator
N(f) is a count of the given deep network. The constructions on both sides also approximate p to
every eps as lam -> 0, but the minimum is not claimed for that weaker notion; for one fixed eps
on a fixed box fewer neurons can do (:mod:`symnet.search` looks for those, and finds upper
bounds only).

Minimal neurons. prod(r_i + 1) for x^r (2^n for the product), one fewer with an output bias
([RT] Thm II.1; LTR App. A; :func:`symnet.lower_bounds.theorem_width`).

Minimal synapses (symnet's derivation, from the same theorem). The theorem's proof shows that
the matrix A[t, j] = a_j^t (rows: the sub-multisets 0 <= t <= r, or t != 0 with an output bias;
columns: the neurons with w_j != 0) has full row rank. Let T_j be the support of a_j. Entry
A[t, j] vanishes unless supp(t) is inside T_j, so the rows with |supp t| >= k live on the
columns with |T_j| >= k, and full row rank gives #{j : |T_j| >= k} >= #{t : |supp t| >= k}.
Summing over k >= 1,

    input synapses = sum_j |T_j| >= sum_t |supp t| = sum_i r_i prod_{l != i} (r_l + 1),

and every neuron that counts has a nonzero output weight, so

    N_s >= prod (r_i + 1) (1 + sum_i r_i / (r_i + 1))          (bias-free),
    N_s >= prod (r_i + 1) (1 + sum_i r_i / (r_i + 1)) - 1      (output bias; the t = 0 row is gone).

For the product (r_i = 1) this is (n + 2) 2^(n-1). The bound is attained by the *forward
difference* network (:func:`forward_difference`)

    x^r ~ [lam^N sigma^(N)(0)]^(-1) sum_{0 <= t <= r} prod_i (-1)^(r_i - t_i) C(r_i, t_i) sigma(lam t . x),

whose neuron t has exactly supp(t) as support (because sum_t prod_i (-1)^(r_i - t_i) C(r_i, t_i)
(t . x)^k = k! [y^k] prod_i (e^(y x_i) - 1)^(r_i) vanishes for k < N and is N! x^r for k = N),
so the minimum is exact. The symmetric constructions of LTR (2^n formula) and RT (monomials) use
full-support neurons and have more synapses: (n + 1) 2^n for the product.

Examples
--------
>>> from symnet.flattening import min_shallow_synapses, shallow_synapse_formulas
>>> min_shallow_synapses((1, 1, 1))            # (n + 2) 2^(n - 1) for n = 3
20
>>> shallow_synapse_formulas((1, 1, 1))        # the LTR/RT construction: (n + 1) 2^n
(8, 24, 32)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import sympy as sp

from symnet import _show as show
from symnet._validation import nonnegative_int, positive_int
from symnet.activations import Activation
from symnet.activations import get as get_activation
from symnet.constructions._base import LAM, Construction, one_hidden_layer
from symnet.constructions._bias import operating_point
from symnet.constructions.monomial import monomial_target, parse_exponents
from symnet.errors import HypothesisError, InvalidInput
from symnet.lower_bounds import check_model
from symnet.network import Network, input_symbols
from symnet.series._expand import check_variables

__all__ = [
    "NOTION",
    "CostTable",
    "FlatteningBounds",
    "FlatteningCost",
    "deep_product_synapses",
    "difference_synapse_formulas",
    "flattening_cost",
    "forward_difference",
    "min_shallow_neurons",
    "min_shallow_synapses",
    "polynomial_cost",
    "power_cost",
    "product_cost",
    "product_table",
    "shallow_synapse_formulas",
]

SOURCE_DIFFERENCE = "symnet (forward differences; attains the synapse bound derived in symnet.flattening)"


def _model(model: Any) -> str:
    """:func:`symnet.lower_bounds.check_model`, restricted to the width theorem's two models."""
    key = check_model(model)
    if key == "biased":
        raise InvalidInput(
            f"model must be 'bias-free' or 'output-bias' (the models of the width theorem), got {model!r}; "
            "with hidden biases no minimal width is known in general (see symnet.lower_bounds)"
        )
    return key


# -- shallow counts --------------------------------------------------------------------------------
def min_shallow_neurons(exponents: Sequence[int] | int, model: str = "bias-free") -> int:
    """prod(r_i + 1) (bias-free), one fewer with an output bias: [RT] Thm II.1, LTR App. A.

    The theorem's hypotheses on the activation (sigma^(k)(0) != 0, k <= N) are checked by
    :func:`symnet.lower_bounds.theorem_width`; this is the count it proves.

    Examples
    --------
    >>> from symnet.flattening import min_shallow_neurons
    >>> min_shallow_neurons((1, 1, 1)), min_shallow_neurons(5), min_shallow_neurons((2, 1), "output-bias")
    (8, 6, 5)
    """
    r = parse_exponents(exponents)
    full = math.prod(ri + 1 for ri in r)
    return full if _model(model) == "bias-free" else full - 1


def _input_synapse_bound(r: tuple[int, ...]) -> int:
    """sum_t |supp t| over 0 <= t <= r, = sum_i r_i prod_{l != i} (r_l + 1)."""
    full = math.prod(ri + 1 for ri in r)
    return sum(ri * (full // (ri + 1)) for ri in r)


def min_shallow_synapses(exponents: Sequence[int] | int, model: str = "bias-free") -> int:
    """The least number of synapses of a single hidden layer matching x^r through degree N.

    ``prod(r_i + 1) + sum_i r_i prod_{l != i}(r_l + 1)`` (bias-free), one fewer with an output
    bias; the derivation (lower bound from the theorem's full-rank proof matrix, attained by
    :func:`forward_difference`) is in the module docstring.

    Examples
    --------
    >>> from symnet.flattening import min_shallow_synapses
    >>> [min_shallow_synapses((1,) * n) for n in range(1, 6)]      # (n + 2) 2^(n - 1)
    [3, 8, 20, 48, 112]
    >>> min_shallow_synapses(4), min_shallow_synapses(4, "output-bias")   # x^4: 5 + 4, minus one
    (9, 8)
    """
    r = parse_exponents(exponents)
    return min_shallow_neurons(r, model) + _input_synapse_bound(r)


def shallow_synapse_formulas(exponents: Sequence[int] | int) -> tuple[int, int, int]:
    """(neurons, input synapses, total synapses) of the symmetric construction of [RT]/LTR.

    Neuron k (0 <= k_i <= r_i) has input weights lam (r_i - 2 k_i): zero exactly when
    r_i = 2 k_i, so coordinate i contributes (r_i + 1 - [r_i even]) prod_{l != i} (r_l + 1) input
    synapses; every output weight (a product of binomials) is nonzero. For the product:
    (2^n, n 2^n, (n + 1) 2^n); for x^d: (d + 1, d + 1 - [d even], 2d + 2 - [d even]).

    Examples
    --------
    >>> from symnet.flattening import shallow_synapse_formulas
    >>> shallow_synapse_formulas(4)
    (5, 4, 9)
    """
    r = parse_exponents(exponents)
    full = math.prod(ri + 1 for ri in r)
    inputs = sum((ri + 1 - (1 if ri % 2 == 0 else 0)) * (full // (ri + 1)) for ri in r)
    return full, inputs, inputs + full


def difference_synapse_formulas(exponents: Sequence[int] | int, model: str = "bias-free") -> tuple[int, int, int]:
    """(neurons, input synapses, total synapses) of :func:`forward_difference`: the minimum.

    Examples
    --------
    >>> from symnet.flattening import difference_synapse_formulas
    >>> difference_synapse_formulas((1, 1)), difference_synapse_formulas((1, 1), "output-bias")
    ((4, 4, 8), (3, 4, 7))
    """
    r = parse_exponents(exponents)
    neurons = min_shallow_neurons(r, model)
    inputs = _input_synapse_bound(r)
    return neurons, inputs, neurons + inputs


# -- the synapse-minimal witness -----------------------------------------------------------------
def forward_difference(
    exponents: Sequence[int] | int,
    activation: Activation | str,
    model: str = "bias-free",
    variables: Sequence[sp.Symbol] | None = None,
) -> Construction:
    """The forward-difference network for x^r: minimal neurons *and* minimal synapses.

        N_lam(x) = [lam^N sigma^(N)(0)]^(-1) sum_{0 <= t <= r} prod_i (-1)^(r_i - t_i) C(r_i, t_i) sigma(lam t . x)

    Bias-free (neuron t = 0 is the constant sigma(0)); with ``model="output-bias"`` that neuron
    is replaced by the output bias (-1)^N sigma(0) / (lam^N sigma^(N)(0)). Exactly (expanding
    sigma(lam z) at 0 and using the generating function prod_i (e^(y x_i) - 1)^(r_i)),

        N_lam(x) = sum_{k >= N} (sigma^(k)(0) / sigma^(N)(0)) lam^(k - N) [y^k] prod_i (e^(y x_i) - 1)^(r_i),

    so the Taylor expansion in x agrees with x^r through degree N for every lam, and the error
    is lam (sigma^(N+1)(0) / sigma^(N)(0)) [y^(N+1)] prod_i (e^(y x_i) - 1)^(r_i) + O(lam^2)
    = lam (sigma^(N+1)(0) / (2 sigma^(N)(0))) x^r (r . x) + O(lam^2): first order in lam (the
    symmetric construction's odd terms cancel; these do not), which the Taylor notion of the
    width theorem does not see.

    Parameters
    ----------
    exponents : sequence of int (or one int for x^d)
    activation : Activation or name
        Needs sigma^(N)(0) != 0 (N = sum r_i).
    model : "bias-free" or "output-bias"
    variables : optional input symbols

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.flattening import forward_difference
    >>> c = forward_difference((1, 1), "exp")
    >>> c.network.hidden_neurons, c.network.synapses, c.network.is_bias_free
    (4, 8, True)
    >>> from symnet import series
    >>> series.error(c, 1).leading                 # lam sigma''(0)/(2 sigma'(0)) x_1 x_2 (x_1 + x_2)
    lam*x_1*x_2*(x_1 + x_2)/2
    """
    r = parse_exponents(exponents)
    model = _model(model)
    act = get_activation(activation)
    n_deg = sum(r)
    name = f"forward_difference{r}"
    if variables is None:
        xs = input_symbols(len(r))
    else:
        xs = check_variables(variables, len(r), name)
    op = operating_point(act, n_deg, 0, who=name)
    norm = 1 / (LAM**n_deg * op.derivative)
    width = min_shallow_neurons(r, model)

    def build() -> Network:
        rows, weights = [], []
        constant = sp.Integer(0)
        for ts in itertools.product(*(range(ri + 1) for ri in r)):
            coeff = (-1) ** (n_deg - sum(ts)) * math.prod(math.comb(ri, ti) for ri, ti in zip(r, ts, strict=True))
            if model == "output-bias" and not any(ts):
                constant = coeff * act.derivative(0, 0) * norm
                continue
            rows.append([LAM * ti for ti in ts])
            weights.append(coeff * norm)
        return Network.single_hidden_layer(rows, weights, act, output_bias=constant if model == "output-bias" else None)

    return one_hidden_layer(
        op, hypothesis_source=SOURCE_DIFFERENCE, name=name, target=monomial_target(xs, r), variables=xs,
        source=SOURCE_DIFFERENCE, hidden_neurons=width, build=build,
        notes=(f"model {model}; error O(lam) (sigma^(N+1)(0) term), Taylor agreement through degree {n_deg}",),
        parameters={"exponents": r, "model": model},
    )


# -- the deep product tree ---------------------------------------------------------------------
def deep_product_synapses(n: int) -> int:
    """N_s of :func:`~symnet.constructions.deep_product` (the binary tree), by a level recurrence.

    After the stages are composed, a neuron reading a signal has one nonzero weight per neuron
    (or input) that signal is made of: 1 for an input or a copy, 4 for a product gate (its output
    weights mu(1, 1, -1, -1) are all nonzero and distinct signals use disjoint neurons, so no
    weight cancels). Level by level, with c signals (pairs in order, the odd one copied; a copy
    is always the last signal of its level):

    - level 1 reads the inputs: 8 per gate (4 neurons x 2 inputs) and 1 per copy;
    - a later level: 32 per gate (4 neurons x (4 + 4)), except that a gate pairing a product with
      the previous level's copy has 4 x (4 + 1) = 20; a copy reads 4 (a product) or 1 (a copy);
    - the output layer reads the root gate: 4 (1 for n = 1, which has no hidden layer).

    For n = 2^k this sums to 20 n - 28. O(log n) arithmetic: no network is built.

    Examples
    --------
    >>> from symnet.flattening import deep_product_synapses
    >>> deep_product_synapses(2), deep_product_synapses(3), deep_product_synapses(8)
    (12, 33, 132)
    >>> deep_product_synapses(2**20) == 20 * 2**20 - 28
    True
    """
    n = positive_int(n, "deep_product_synapses: the number of inputs n")
    if n == 1:
        return 1
    total = 0
    count, level, last_copy = n, 1, False
    while count > 1:
        pairs, odd = divmod(count, 2)
        if level == 1:
            total += 8 * pairs + odd
        elif odd:  # the previous copy (if any) is the unpaired last signal: it is copied again
            total += 32 * pairs + (1 if last_copy else 4)
        else:  # the previous copy (if any) is paired with a product in the last gate
            total += 32 * pairs - (12 if last_copy else 0)
        last_copy = bool(odd)
        count, level = pairs + odd, level + 1
    return total + 4


# -- flattening costs ----------------------------------------------------------------------------
#: The notion in which the minimum over flattenings is known (printed with every cost).
NOTION = (
    "min over single-hidden-layer networks whose Taylor expansion at 0 agrees with the target through its "
    "degree (the width theorems' notion), in the given model, for an activation with sigma^(k)(0) != 0 for "
    "k <= degree"
)

#: Largest deep network whose synapses are counted on the explicit network (beyond: the formula).
MAX_COUNTED_NEURONS = 600

#: Most inputs :func:`product_cost` accepts (the exact minima 2^n and (n + 2) 2^(n-1) have ~n bits).
MAX_PRODUCT_INPUTS = 10_000


@dataclass(frozen=True)
class FlatteningCost(show.Shows):
    r"""C_n and C_s (LTR Eqs. 25-26, l = 1) of a deep network for x^r, exactly.

    Attributes
    ----------
    target : sympy.Expr
    deep : str
        Which deep network f (name of the construction).
    model : str
        ``"bias-free"`` or ``"output-bias"`` (the flattening's model).
    deep_neurons, deep_synapses, deep_depth : int
        N_n(f), N_s(f) and the hidden layers of f.
    deep_counted_from : str
        ``"network"`` (counted on the explicit network; the closed formula was checked equal) or
        ``"formula"`` (large f: the closed formula alone).
    shallow_neurons, shallow_synapses : int
        min N_n and min N_s over single-hidden-layer flattenings (theorem / symnet's derivation).
    construction_synapses : int
        N_s of the symmetric LTR/RT construction (more than the minimum; for reference).
    notion : str

    Examples
    --------
    >>> from symnet.flattening import product_cost
    >>> cost = product_cost(3)
    >>> print(cost)  # doctest: +ELLIPSIS
    flattening deep_product(3) for x_1*x_2*x_3 (model bias-free): N_n 8 / 9 = C_n 8/9, N_s 20 / 33 = C_s 20/33: ...
    >>> print(cost.latex().splitlines()[2])
    C_n = \frac{\min N_n}{N_n(f)} = \frac{8}{9} = 8/9, \quad C_s = \frac{\min N_s}{N_s(f)} = \frac{20}{33} = 20/33 \\
    """

    target: sp.Expr
    deep: str
    model: str
    deep_neurons: int
    deep_synapses: int
    deep_depth: int
    deep_counted_from: str
    shallow_neurons: int
    shallow_synapses: int
    construction_synapses: int
    exponents: tuple[int, ...] = ()
    notion: str = NOTION

    @property
    def label(self) -> str:
        """The target (x_1*...*x_n for long products), with ^ for powers."""
        r = self.exponents
        if r and all(e == 1 for e in r) and len(r) > 3:
            return f"x_1*...*x_{len(r)}"
        return str(self.target).replace("**", "^")

    def latex_label(self) -> str:
        r = self.exponents
        if r and all(e == 1 for e in r) and len(r) > 3:
            return f"x_1\\cdots x_{{{len(r)}}}"
        return sp.latex(self.target)

    @property
    def C_n(self) -> Fraction:
        """min N_n(flattening) / N_n(f)."""
        return Fraction(self.shallow_neurons, self.deep_neurons)

    @property
    def C_s(self) -> Fraction:
        """min N_s(flattening) / N_s(f)."""
        return Fraction(self.shallow_synapses, self.deep_synapses)

    @property
    def is_flattening(self) -> bool:
        """LTR's definition needs l < N: f must have at least two hidden layers to be flattened to one."""
        return self.deep_depth >= 2

    @property
    def verdict(self) -> str:
        """"no flattening" (C_n > 1 and C_s > 1), the one-sided cases, or "flattening is cheaper"."""
        if not self.is_flattening:
            return "not a flattening: f already has one hidden layer (the ratios compare two shallow networks)"
        n_big, s_big = self.C_n > 1, self.C_s > 1
        if n_big and s_big:
            return "no flattening (C_n > 1 and C_s > 1)"
        if n_big:
            return "no neuron-efficient flattening (C_n > 1); a synapse-efficient one exists (C_s <= 1)"
        if s_big:
            return "no synapse-efficient flattening (C_s > 1); a neuron-efficient one exists (C_n <= 1)"
        return "flattening is not more expensive (C_n <= 1 and C_s <= 1)"

    def __str__(self) -> str:
        return (f"flattening {self.deep} for {self.target} (model {self.model}): N_n {self.shallow_neurons} / "
                f"{self.deep_neurons} = C_n {self.C_n}, N_s {self.shallow_synapses} / {self.deep_synapses} = "
                f"C_s {self.C_s}: {self.verdict}")

    def latex(self) -> str:
        """C_n and C_s as min over flattenings / deep network, with the verdict (a math-mode fragment)."""
        ratios = (f"C_n = \\frac{{\\min N_n}}{{N_n(f)}} = \\frac{{{_count_latex(self.shallow_neurons)}}}"
                  f"{{{_count_latex(self.deep_neurons)}}} = {_fraction_latex(self.C_n)}, \\quad "
                  f"C_s = \\frac{{\\min N_s}}{{N_s(f)}} = \\frac{{{_count_latex(self.shallow_synapses)}}}"
                  f"{{{_count_latex(self.deep_synapses)}}} = {_fraction_latex(self.C_s)}")
        return show.lines([_heading(self), ratios, show.text(self.verdict)])


def _check_theorem(exponents: tuple[int, ...], model: str, activation: Any) -> None:
    """Raise HypothesisError when the width theorem does not apply to this activation."""
    if activation is None:
        return
    from symnet.lower_bounds import theorem_width

    theorem_width(exponents, model=model, activation=activation)


def product_cost(n: int, model: str = "bias-free", activation: Activation | str | None = None) -> FlatteningCost:
    """C_n and C_s of flattening the deep product tree for x_1 ... x_n into one hidden layer.

    N_n(f) = 4(n - 1) + copies (:func:`symnet.constructions.counts.deep_product_neurons`), N_s(f)
    from the explicit network for small n (checked against :func:`deep_product_synapses`) and from
    that formula for large n; the minima 2^n and (n + 2) 2^(n-1) (one fewer each with an output
    bias) are the theorem and symnet's derivation (module docstring).

    Parameters
    ----------
    n : int
    model : "bias-free" or "output-bias"
    activation : optional
        If given, the width theorem's hypotheses are checked for it (HypothesisError if they
        fail: the minimum is then not known); by default they are assumed (generic sigma).

    Examples
    --------
    >>> from symnet.flattening import product_cost
    >>> c = product_cost(8)
    >>> c.C_n, c.C_s
    (Fraction(64, 7), Fraction(320, 33))
    >>> c.verdict
    'no flattening (C_n > 1 and C_s > 1)'
    >>> product_cost(4).C_s            # 48 / 52: the minimal flattening uses fewer synapses
    Fraction(12, 13)
    """
    from symnet.constructions.counts import deep_product_count

    n = positive_int(n, "product_cost: the number of inputs n", minimum=2, maximum=MAX_PRODUCT_INPUTS)
    model = _model(model)
    r = (1,) * n
    _check_theorem(r, model, activation)
    tree = deep_product_count(n)
    formula = deep_product_synapses(n)
    counted = "formula"
    if tree.neurons <= MAX_COUNTED_NEURONS:
        from symnet.activations import generic
        from symnet.constructions.deep import deep_product

        net = deep_product(n, generic()).network
        if (net.hidden_neurons, net.synapses) != (tree.neurons, formula):  # pragma: no cover - internal check
            raise AssertionError(f"deep_product({n}): network counts {(net.hidden_neurons, net.synapses)} differ from "
                                 f"the formulas {(tree.neurons, formula)}")
        counted = "network"
    return FlatteningCost(
        target=sp.Mul(*input_symbols(n)),
        deep=f"deep_product({n})",
        model=model,
        deep_neurons=tree.neurons,
        deep_synapses=formula,
        deep_depth=tree.depth,
        deep_counted_from=counted,
        shallow_neurons=min_shallow_neurons(r, model),
        shallow_synapses=min_shallow_synapses(r, model),
        construction_synapses=shallow_synapse_formulas(r)[2],
        exponents=r,
    )


def _monomial_exponents(target: sp.Expr, variables: Sequence[sp.Symbol]) -> tuple[int, ...]:
    """r with target = x^r exactly (coefficient 1), or InvalidInput."""
    poly = sp.Poly(target, *variables) if target.free_symbols <= set(variables) else None
    if poly is None or len(poly.terms()) != 1 or poly.terms()[0][1] != 1:
        raise InvalidInput(
            f"flattening_cost needs a deep network for a monomial x^r (coefficient 1) in its variables, got "
            f"{target}; for other polynomials the minimal single-hidden-layer width is not known in closed form"
        )
    return tuple(int(e) for e in poly.terms()[0][0])


def flattening_cost(
    deep: Construction,
    model: str = "bias-free",
    activation: Activation | str | None = None,
) -> FlatteningCost:
    """C_n and C_s (l = 1) of any deep construction whose target is a monomial x^r.

    N_n(f), N_s(f) and the depth are counted on the explicit network ``deep.network``
    (:attr:`Network.hidden_neurons`, :attr:`Network.synapses`); the minima over single-hidden-layer
    flattenings are :func:`min_shallow_neurons` and :func:`min_shallow_synapses`.

    Parameters
    ----------
    deep : Construction
        Its ``target`` must be x^r in its ``variables`` (e.g. :func:`~symnet.constructions.deep_product`).
    model : "bias-free" or "output-bias"
    activation : optional
        Check the width theorem's hypotheses for this activation (default: the deep network's own
        activation when it is concrete, else assumed).

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions import deep_product
    >>> from symnet.flattening import flattening_cost
    >>> flattening_cost(deep_product(4, activations.get("exp"))).C_n
    Fraction(4, 3)
    """
    if not isinstance(deep, Construction):
        raise InvalidInput(f"flattening_cost needs a Construction (a deep network with its target), got "
                           f"{type(deep).__name__}")
    model = _model(model)
    r = _monomial_exponents(deep.target, deep.variables)
    if activation is None and not deep.activation.is_generic:
        activation = deep.activation
    _check_theorem(r, model, activation)
    net = deep.network
    return FlatteningCost(
        target=deep.target,
        deep=deep.name,
        model=model,
        deep_neurons=net.hidden_neurons,
        deep_synapses=net.synapses,
        deep_depth=net.depth,
        deep_counted_from="network",
        shallow_neurons=min_shallow_neurons(r, model),
        shallow_synapses=min_shallow_synapses(r, model),
        construction_synapses=shallow_synapse_formulas(r)[2],
        exponents=r,
    )


# -- powers and polynomials ----------------------------------------------------------------------------
def power_cost(d: int, model: str = "bias-free", activation: Activation | str | None = None) -> FlatteningCost:
    """C_n and C_s of flattening the deep network for x^d of :func:`symnet.constructions.polynomial`.

    The deep network squares and multiplies along a balanced tree of the d factors (ceil(log2 d)
    hidden layers, square gates of 2 neurons where the halves agree); one hidden layer needs
    d + 1 neurons and 2d + 1 synapses (bias-free; one fewer each with an output bias). So depth
    pays only logarithmically here: C_n grows like d / log d, not exponentially.

    Examples
    --------
    >>> from symnet.flattening import power_cost
    >>> c = power_cost(8)                      # x^8: three square gates, 6 neurons, 12 synapses
    >>> (c.deep_neurons, c.deep_synapses, c.shallow_neurons, c.shallow_synapses, c.C_n, c.C_s)
    (6, 12, 9, 17, Fraction(3, 2), Fraction(17, 12))
    """
    from symnet.activations import generic
    from symnet.constructions.polynomial import polynomial

    d = positive_int(d, "power_cost: the degree d of x^d", minimum=2)
    x = sp.Symbol("x", real=True)
    deep = polynomial(x**d, generic())
    cost = flattening_cost(deep, model=model, activation=activation)
    return replace(cost, deep=f"polynomial(x^{d})")


@dataclass(frozen=True)
class FlatteningBounds(show.Shows):
    r"""Bounds on C_n and C_s when the minimal flattening is only bracketed (general polynomials).

    The minimum over single-hidden-layer flattenings (Taylor notion, the model given) lies in
    ``[shallow_neurons[0], shallow_neurons[1]]`` (upper None: no network known):
    :func:`symnet.lower_bounds.minimal_width` certifies the lower end (theorem, catalecticant or
    Groebner certificate) and exhibits a witness for the upper end when it finds one. For synapses,
    every neuron of a synapse-minimal network has a nonzero output weight and, except at most one
    constant neuron sigma(0) (none with an output bias), a nonzero input weight, so
    N_s >= 2 m_min - 1 (bias-free) or 2 m_min (output bias); the witness gives the upper end.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.flattening import polynomial_cost
    >>> x, y = sp.symbols("x y")
    >>> bounds = polynomial_cost(x**2 + x*y, activation="exp")
    >>> print(bounds)  # doctest: +ELLIPSIS
    flattening polynomial(x^2 + x*y) for x**2 + x*y (model bias-free): C_n in [...], C_s in [...]: ...
    >>> print(bounds.latex().splitlines()[1])
    \text{flattening polynomial($x^{2}$ + x*y) for $x^{2} + x y$ (model bias-free)} \\
    """

    target: sp.Expr
    deep: str
    model: str
    deep_neurons: int
    deep_synapses: int
    deep_depth: int
    shallow_neurons: tuple[int, int | None]
    shallow_synapses: tuple[int, int | None]
    method: str
    notion: str = NOTION

    @property
    def label(self) -> str:
        return str(self.target).replace("**", "^")

    def latex_label(self) -> str:
        return sp.latex(self.target)

    @property
    def C_n(self) -> tuple[Fraction, Fraction | None]:
        """(lower, upper) bounds on C_n (upper None: unbounded as far as symnet knows)."""
        lo, hi = self.shallow_neurons
        return Fraction(lo, self.deep_neurons), (None if hi is None else Fraction(hi, self.deep_neurons))

    @property
    def C_s(self) -> tuple[Fraction, Fraction | None]:
        lo, hi = self.shallow_synapses
        return Fraction(lo, self.deep_synapses), (None if hi is None else Fraction(hi, self.deep_synapses))

    @property
    def is_flattening(self) -> bool:
        return self.deep_depth >= 2

    @property
    def verdict(self) -> str:
        (n_lo, n_hi), (s_lo, s_hi) = self.C_n, self.C_s
        if not self.is_flattening:
            return "not a flattening: f already has one hidden layer (the ratios compare two shallow networks)"
        if n_lo > 1 and s_lo > 1:
            return "no flattening (C_n > 1 and C_s > 1)"
        if n_lo > 1:
            return "no neuron-efficient flattening (C_n > 1)"
        if n_hi is not None and s_hi is not None and n_hi <= 1 and s_hi <= 1:
            return "flattening is not more expensive (C_n <= 1 and C_s <= 1)"
        return "undecided (the bounds straddle 1)"

    def __str__(self) -> str:
        def show(pair):
            lo, hi = pair
            return f"[{lo}, {'?' if hi is None else hi}]"

        return (f"flattening {self.deep} for {self.target} (model {self.model}): C_n in {show(self.C_n)}, "
                f"C_s in {show(self.C_s)}: {self.verdict}")

    def latex(self) -> str:
        """The brackets of C_n and C_s, the method and the verdict (a math-mode LaTeX fragment)."""
        def bracket(pair: tuple[Fraction, Fraction | None]) -> str:
            lo, hi = pair
            return f"\\left[{_fraction_latex(lo)}, {'?' if hi is None else _fraction_latex(hi)}\\right]"

        ratios = f"C_n \\in {bracket(self.C_n)}, \\quad C_s \\in {bracket(self.C_s)}"
        return show.lines([_heading(self), ratios, show.text(f"certified by: {self.method}"),
                           show.text(self.verdict)])


def polynomial_cost(
    p: sp.Expr,
    model: str = "bias-free",
    activation: Activation | str | None = None,
    variables: Sequence[sp.Symbol] | None = None,
    groebner_unknowns: int = 10,
) -> FlatteningCost | FlatteningBounds:
    """Flattening the deep network of :func:`symnet.constructions.polynomial` for any polynomial p.

    A monomial (coefficient 1) gets the exact :class:`FlatteningCost`; any other polynomial gets
    :class:`FlatteningBounds` from :func:`symnet.lower_bounds.minimal_width` (``groebner_unknowns``
    is passed on: Groebner certificates settle small cases exactly).

    Note on the notion: the gates of the deep construction reproduce p only as lam -> 0 when p
    mixes degrees (a copied linear term carries lam x^2 garbage into degree 2), whereas the
    minimum is over exact Taylor agreement; the ratio compares the two constructions' sizes.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.flattening import polynomial_cost
    >>> x, y = sp.symbols("x y")
    >>> b = polynomial_cost(x**2 - y**2)      # width 3 ruled out by a Groebner basis {1}; a width-4 witness
    >>> b.deep_neurons, b.shallow_neurons, b.C_n
    (4, (4, 4), (Fraction(1, 1), Fraction(1, 1)))
    """
    from symnet.activations import generic
    from symnet.constructions.polynomial import polynomial
    from symnet.lower_bounds import minimal_width

    if not isinstance(p, sp.Expr):
        raise InvalidInput(f"p must be a sympy polynomial expression, got {type(p).__name__} (text is not parsed "
                           "here: use symnet.constructions.polynomial's whitelist parser first)")
    model = _model(model)
    groebner_unknowns = nonnegative_int(groebner_unknowns, "polynomial_cost: groebner_unknowns")
    deep = polynomial(p, generic(), variables=variables)
    try:
        _monomial_exponents(deep.target, deep.variables)
        name = f"polynomial({str(p).replace('**', '^')})"
        return replace(flattening_cost(deep, model=model, activation=activation), deep=name)
    except InvalidInput:
        pass
    mw = minimal_width(deep.target, model=model, activation=activation, groebner_unknowns=groebner_unknowns,
                       search_budget=200, time_limit=60.0) if deep.variables else None
    if mw is None or mw.lower is None:
        raise HypothesisError(
            f"no single-hidden-layer network ({model}) matches {deep.target} through its degree"
            + (f": {mw.certificate.method}" if mw is not None and mw.certificate is not None else ""),
            hypothesis="a flattening exists in this model",
        )
    lo, hi = mw.lower, mw.upper
    s_lo = 2 * lo - (1 if model == "bias-free" else 0)
    s_hi = mw.network.synapses if mw.network is not None else None
    if s_hi is not None:
        s_lo = min(s_lo, s_hi)  # pragma: no cover - the bound cannot exceed a witness
    net = deep.network
    cert = mw.certificate
    return FlatteningBounds(
        target=deep.target,
        deep=f"polynomial({str(p).replace('**', '^')})",
        model=model,
        deep_neurons=net.hidden_neurons,
        deep_synapses=net.synapses,
        deep_depth=net.depth,
        shallow_neurons=(lo, hi),
        shallow_synapses=(s_lo, s_hi),
        method=(cert.method if cert is not None else "none") + (f"; witness of width {hi}" if hi else ""),
    )


# -- tables ---------------------------------------------------------------------------------------
def _fraction_text(q: Fraction, limit: int = 10**9) -> str:
    if q.denominator == 1 and abs(q.numerator) < limit:
        return str(q.numerator)
    if abs(q.numerator) < limit and q.denominator < limit:
        return f"{q.numerator}/{q.denominator}"
    return f"~{float(q):.4g}"


def _count_latex(n: int) -> str:
    """A count exactly while it has at most 15 digits, else to 4 digits (2^10000 has 3011)."""
    return _fraction_latex(Fraction(n), limit=10**15)


def _heading(cost: FlatteningCost | FlatteningBounds) -> str:
    return show.phrase(f"flattening {cost.deep} for {cost.target} (model {cost.model})",
                       {str(cost.target): cost.latex_label()})


def _fraction_latex(q: Fraction, limit: int = 10**9) -> str:
    if q.denominator == 1 and abs(q.numerator) < limit:
        return str(q.numerator)
    if abs(q.numerator) < limit and q.denominator < limit:
        return f"{q.numerator}/{q.denominator}"
    mantissa, exponent = f"{float(q):.3e}".split("e")
    return f"\\approx {mantissa}\\times 10^{{{int(exponent)}}}"


@dataclass(frozen=True)
class CostTable:
    """Flattening costs side by side, as deterministic text and a LaTeX tabular.

    Exact values stay in :attr:`rows`; the rendering prints fractions while they are short and
    4-digit decimals (marked ~ / \\approx) beyond, and ``lo..hi`` for bracketed minima
    (:class:`FlatteningBounds`; ``?`` when no upper end is known). A deep network with a single
    hidden layer is marked "n/a (depth 1)": LTR's flattening needs l < N.
    """

    rows: tuple[FlatteningCost | FlatteningBounds, ...]
    title: str = "Flattening costs (LTR Eqs. 25-26), one hidden layer"

    HEAD = ("target", "deep f", "depth", "N_n(f)", "N_s(f)", "min N_n", "min N_s", "C_n", "C_s", "no flattening")

    def _cells(self, row: FlatteningCost | FlatteningBounds, frac) -> tuple[str, ...]:
        if isinstance(row, FlatteningBounds):
            def rng(lo, hi):
                if hi is not None and lo == hi:
                    return frac(lo)
                top = "?" if hi is None else frac(hi)
                return f"[{frac(lo)}, {top}]" if frac is _fraction_latex else f"{frac(lo)}..{top}"

            cells = (rng(Fraction(row.shallow_neurons[0]), None if row.shallow_neurons[1] is None
                         else Fraction(row.shallow_neurons[1])),
                     rng(Fraction(row.shallow_synapses[0]), None if row.shallow_synapses[1] is None
                         else Fraction(row.shallow_synapses[1])),
                     rng(*row.C_n), rng(*row.C_s))
            none = row.C_n[0] > 1 and row.C_s[0] > 1
            some = all(v is not None and v <= 1 for v in (row.C_n[1], row.C_s[1]))
            decided = "yes" if none else ("no" if some else "?")
        else:
            cells = (frac(Fraction(row.shallow_neurons)), frac(Fraction(row.shallow_synapses)), frac(row.C_n),
                     frac(row.C_s))
            decided = "yes" if row.C_n > 1 and row.C_s > 1 else "no"
        if not row.is_flattening:
            decided = "n/a (depth 1)"
        return (row.label, row.deep, str(row.deep_depth), str(row.deep_neurons), str(row.deep_synapses),
                *cells, decided)

    def text(self) -> str:
        """A fixed-width plain-text table (same input, same bytes)."""
        body = [self._cells(r, _fraction_text) for r in self.rows]
        widths = [max(len(c) for c in col) for col in zip(self.HEAD, *body, strict=False)]
        fmt = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
        models = sorted({r.model for r in self.rows})
        lines = [self.title, fmt.format(*self.HEAD), fmt.format(*("-" * w for w in widths))]
        lines += [fmt.format(*cells) for cells in body]
        lines.append(f"model of the flattening: {', '.join(models)}; notion: {NOTION}.")
        return "\n".join(lines)

    def latex(self) -> str:
        """A ``tabular`` (booktabs rules) with the same content; deterministic."""
        head = ("target", "deep $f$", "depth", "$N_n(f)$", "$N_s(f)$", "$\\min N_n$", "$\\min N_s$", "$C_n$",
                "$C_s$")
        lines = ["\\begin{tabular}{llrrrrrrr}", "\\toprule", " & ".join(head) + " \\\\", "\\midrule"]
        for r in self.rows:
            cells = self._cells(r, _fraction_latex)
            deep = r.deep.replace("_", "\\_").replace("**", "^").replace("^", "\\^{}").replace("*", "$\\cdot$")
            lines.append(" & ".join([f"${r.latex_label()}$", f"\\texttt{{{deep}}}", *cells[2:5],
                                     *(f"${c}$" for c in cells[5:9])]) + " \\\\")
        lines += ["\\bottomrule", "\\end{tabular}"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_latex_(self) -> str:
        """The table as a math-mode ``array`` (MathJax has no ``tabular``), the title above it."""
        head = ["\\text{target}", "\\text{deep } f", "\\text{depth}", "N_n(f)", "N_s(f)", "\\min N_n",
                "\\min N_s", "C_n", "C_s", "\\text{no flattening}"]
        body = []
        for r in self.rows:
            cells = self._cells(r, _fraction_latex)
            body.append([r.latex_label(), show.text(r.deep), *cells[2:9], show.text(cells[9])])
        return show.notebook(show.lines([show.text(self.title), show.array([head, *body], "ll" + "r" * 7 + "l",
                                                                             head=1)]))


def product_table(ns: Sequence[int], model: str = "bias-free") -> CostTable:
    """:func:`product_cost` for every n in ``ns``, as a :class:`CostTable`.

    Examples
    --------
    >>> from symnet.flattening import product_table
    >>> print(product_table([2, 4, 8]).text().splitlines()[5])
    x_1*...*x_8  deep_product(8)      3      28     132      256     1280  64/7  320/33            yes
    """
    if isinstance(ns, (str, bytes)) or not isinstance(ns, Sequence) or not ns:
        raise InvalidInput(f"ns must be a non-empty sequence of ints >= 2, got {ns!r}")
    return CostTable(tuple(product_cost(n, model) for n in ns),
                     title=f"Flattening the deep product tree into one hidden layer ({model})")

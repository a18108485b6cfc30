"""Tests for symnet.flattening: neuron and synapse counts, minimal flattenings, C_n and C_s.

Independent routes: counts written out by hand for small n, counts read off the explicit networks
(Network.hidden_neurons / .synapses) against the closed formulas, a geometric-sum derivation for
powers of two, Taylor agreement of the forward-difference witness by sympy's own series, and a
brute force over support patterns (exact ranks by python-flint) for the synapse lower bound.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import flint
import pytest
import sympy as sp

from symnet import activations
from symnet.constructions import monomial, shallow_product
from symnet.constructions.deep import deep_product
from symnet.errors import HypothesisError, InvalidInput
from symnet.flattening import (
    CostTable,
    FlatteningBounds,
    deep_product_synapses,
    difference_synapse_formulas,
    flattening_cost,
    forward_difference,
    min_shallow_neurons,
    min_shallow_synapses,
    polynomial_cost,
    power_cost,
    product_cost,
    product_table,
    shallow_synapse_formulas,
)

GENERIC = activations.generic()


# -- deep product tree ---------------------------------------------------------------------------
def test_deep_tree_counts_by_hand():
    # n = 2: one gate, 4 neurons x 2 inputs + 4 output weights
    assert deep_product_synapses(2) == 4 * 2 + 4
    # n = 3: gate(x1, x2) 8 + copy(x3) 1; level 2: gate(product, copy) 4 x (4 + 1) = 20; output 4
    assert deep_product_synapses(3) == 8 + 1 + 20 + 4
    # n = 4: two gates 2 x 8; level 2: one gate 4 x (4 + 4) = 32; output 4
    assert deep_product_synapses(4) == 16 + 32 + 4
    # n = 5: level 1: 2 gates + copy(x5) = 17; level 2 (signals P, P, C): gate(P, P) 32 + copy of the
    # copy 1; level 3: gate(P, C) 20; output 4
    assert deep_product_synapses(5) == 17 + 33 + 20 + 4
    # n = 1: no hidden layer, the output weight on x_1
    assert deep_product_synapses(1) == 1


def test_deep_tree_powers_of_two_geometric_sum():
    # level 1: 8 (n/2) = 4n; level l >= 2: 32 n / 2^l; output 4: 4n + 32 (n/2 - 1) + 4 = 20 n - 28
    for k in range(1, 41):
        n = 2**k
        assert deep_product_synapses(n) == 20 * n - 28


def test_deep_tree_formula_equals_the_explicit_network():
    for n in range(1, 25):
        net = deep_product(n, GENERIC).network
        assert net.synapses == deep_product_synapses(n), n


# -- shallow constructions --------------------------------------------------------------------------
def test_shallow_product_network_has_n_plus_one_times_two_to_the_n_synapses():
    for n in range(1, 7):
        net = shallow_product(n, activations.get("exp")).network
        assert (net.hidden_neurons, net.synapses) == (2**n, (n + 1) * 2**n)
        assert shallow_synapse_formulas((1,) * n) == (2**n, n * 2**n, (n + 1) * 2**n)


@pytest.mark.parametrize("r", [(2,), (3,), (4,), (2, 1), (1, 2, 2), (3, 2), (4, 1)])
def test_monomial_construction_counts_match_the_formula(r):
    net = monomial(r, GENERIC).network
    neurons, inputs, total = shallow_synapse_formulas(r)
    assert net.hidden_neurons == neurons == math.prod(x + 1 for x in r)
    assert net.synapses == total
    assert sum(1 for v in net.layers[0].weights if v != 0) == inputs


@pytest.mark.parametrize("r", [(1, 1), (1, 1, 1), (2,), (3,), (2, 1), (1, 2, 2)])
@pytest.mark.parametrize("model", ["bias-free", "output-bias"])
def test_forward_difference_attains_the_synapse_minimum(r, model):
    c = forward_difference(r, GENERIC, model=model)
    net = c.network
    assert (net.hidden_neurons, net.synapses) == difference_synapse_formulas(r, model)[::2]
    assert net.synapses == min_shallow_synapses(r, model)
    assert net.hidden_neurons == min_shallow_neurons(r, model)
    assert net.is_bias_free == (model == "bias-free")
    assert all(v == 0 for v in net.layers[0].bias)  # no hidden biases in either model


@pytest.mark.parametrize("r", [(1, 1), (1, 1, 1), (3,), (2, 1)])
@pytest.mark.parametrize("model", ["bias-free", "output-bias"])
def test_forward_difference_agrees_with_the_monomial_through_its_degree(r, model):
    # sigma(z) = 1 + z + ... + z^6 has sigma^(k)(0) = k! != 0 for k <= 6, and makes the network a
    # polynomial: expanded directly by sympy at a fixed lam, graded by degree in x
    act = activations.polynomial([1] * 7)
    c = forward_difference(r, act, model=model)
    t = sp.Symbol("t")
    ys = sp.symbols(f"y1:{len(r) + 1}")
    z = sp.expand(c.network.subs({c.scale: sp.Rational(1, 3)}).expression([t * y for y in ys]))
    N = sum(r)
    for k in range(N):
        assert z.coeff(t, k) == 0, k
    assert sp.expand(z.coeff(t, N) - sp.Mul(*[y**e for y, e in zip(ys, r, strict=True)])) == 0
    # the O(lam) term of the docstring: lam sigma^(N+1)(0)/(2 sigma^(N)(0)) x^r (r . x) = (N+1)/6 x^r (r . x)
    expected = sp.Rational(N + 1, 2 * 3) * sp.Mul(*[y**e for y, e in zip(ys, r, strict=True)]) * sum(
        e * y for y, e in zip(ys, r, strict=True))
    assert sp.expand(z.coeff(t, N + 1) - expected) == 0


# -- the synapse lower bound: brute force over support patterns -------------------------------------
def _generic_rank(r, supports, rng):
    rows = list(itertools.product(*(range(x + 1) for x in r)))
    best = 0
    for _ in range(2):  # two random draws: the larger rank is the generic one with high probability
        vals = [[rng.randint(2, 10**6) if i in T else 0 for i in range(len(r))] for T in supports]
        M = [[math.prod(a[i] ** t[i] for i in range(len(r))) for a in vals] for t in rows]
        best = max(best, flint.fmpz_mat(M).rank())
    return best, len(rows)


@pytest.mark.parametrize("r", [(1, 1), (1, 1, 1), (2, 1), (3,), (2, 2)])
def test_minimal_total_support_for_a_full_rank_proof_matrix(r):
    # Every neuron is described by its support T_j (subset of the variables). The width theorem
    # needs the proof matrix A[t, j] = a_j^t to have full row rank; search all multisets of
    # prod(r+1) supports for the least total support that allows it.
    rng = random.Random(7)
    n = len(r)
    subsets = [frozenset(c) for k in range(n + 1) for c in itertools.combinations(range(n), k)]
    m = math.prod(x + 1 for x in r)
    best = None
    for pattern in itertools.combinations_with_replacement(subsets, m):
        total = sum(len(T) for T in pattern)
        if best is not None and total >= best:
            continue
        rank, rows = _generic_rank(r, pattern, rng)
        if rank == rows:
            best = total
    assert best == min_shallow_synapses(r) - min_shallow_neurons(r)


def test_synapse_bound_closed_form_for_products():
    for n in range(1, 30):
        assert min_shallow_synapses((1,) * n) == (n + 2) * 2 ** (n - 1)
        assert min_shallow_synapses((1,) * n, "output-bias") == n * 2 ** (n - 1) + 2**n - 1


# -- flattening costs ---------------------------------------------------------------------------------
def test_product_costs_by_hand():
    expected = {  # n: (deep N_n, deep N_s, C_n, C_s), from the hand counts above
        2: (4, 12, Fraction(4, 4), Fraction(8, 12)),
        3: (9, 33, Fraction(8, 9), Fraction(20, 33)),
        4: (12, 52, Fraction(16, 12), Fraction(48, 52)),
        5: (18, 74, Fraction(32, 18), Fraction(112, 74)),
        8: (28, 132, Fraction(256, 28), Fraction(1280, 132)),
    }
    for n, (nn, ns, cn, cs) in expected.items():
        c = product_cost(n)
        assert (c.deep_neurons, c.deep_synapses, c.C_n, c.C_s) == (nn, ns, cn, cs), n
        assert c.deep_counted_from == "network"
    assert product_cost(4).verdict.startswith("no neuron-efficient flattening")
    assert product_cost(8).verdict.startswith("no flattening")
    assert product_cost(3).verdict.startswith("flattening is not more expensive")


def test_output_bias_model_and_large_n_from_formulas():
    c = product_cost(4, model="output-bias")
    assert (c.shallow_neurons, c.shallow_synapses) == (15, 4 * 8 + 15)
    big = product_cost(1000)
    assert big.deep_counted_from == "formula"
    assert big.C_n == Fraction(2**1000, 4 * 999 + 2)  # two copies: see the next test
    assert big.C_n > 10**290


def test_copies_in_the_large_n_count():
    from symnet.constructions.counts import deep_product_copies

    # ceil(1000 / 2^l) for l = 0..9: 1000 500 250 125 63 32 16 8 4 2: odd at 125 and 63
    assert deep_product_copies(1000) == 2
    assert product_cost(1000).deep_neurons == 4 * 999 + 2


def test_flattening_cost_of_a_given_deep_construction():
    from dataclasses import replace

    deep = deep_product(5, activations.get("exp"))
    c = flattening_cost(deep)
    assert (c.deep_neurons, c.deep_synapses, c.C_n, c.C_s) == (18, 74, Fraction(32, 18), Fraction(112, 74))
    x1, x2 = deep.variables[:2]
    with pytest.raises(InvalidInput, match="monomial"):
        flattening_cost(replace(deep, target=x1 + x2))
    with pytest.raises(InvalidInput, match="Construction"):
        flattening_cost(deep.network)
    with pytest.raises(HypothesisError):  # the deep network's own activation is checked: tanh(0) = 0
        flattening_cost(deep_product(3, activations.get("tanh")))


def test_power_costs_by_hand():
    # x^(2^k): k square gates of 2 neurons in series; synapses 2 (reading x) + 4 per later gate
    # (2 neurons x 2) + 2 output weights = 4k; one hidden layer: 2^k + 1 neurons, 2^(k+1) + 1 synapses
    for k in range(1, 7):
        d = 2**k
        c = power_cost(d)
        assert (c.deep_neurons, c.deep_synapses, c.deep_depth) == (2 * k, 4 * k, k)
        assert (c.shallow_neurons, c.shallow_synapses) == (d + 1, 2 * d + 1)
        assert c.C_n == Fraction(d + 1, 2 * k)
    # x^3: square(x) and copy(x) at layer 1 (2 + 1 neurons, 2 + 1 synapses), then a product gate
    # reading 2 + 1 neurons (4 x 3 = 12 synapses), output 4: 7 neurons, 19 synapses
    c = power_cost(3)
    assert (c.deep_neurons, c.deep_synapses) == (7, 19)
    assert (c.C_n, c.C_s) == (Fraction(4, 7), Fraction(7, 19))
    assert c.verdict.startswith("flattening is not more expensive")
    assert power_cost(2).verdict.startswith("not a flattening")  # one square gate: depth 1


def test_polynomial_costs():
    x, y, z = sp.symbols("x y z")
    # a monomial goes to the exact cost: xyz has the same tree as deep_product(3)
    c = polynomial_cost(x * y * z)
    p3 = product_cost(3)
    assert (c.deep_neurons, c.deep_synapses, c.C_n, c.C_s) == (p3.deep_neurons, p3.deep_synapses, p3.C_n, p3.C_s)
    # x^2 - y^2: width 3 is ruled out by a Groebner certificate, a width-4 network exists
    b = polynomial_cost(x**2 - y**2)
    assert isinstance(b, FlatteningBounds)
    assert b.shallow_neurons == (4, 4) and b.C_n == (Fraction(1), Fraction(1))
    assert b.shallow_synapses[0] == 2 * 4 - 1
    assert "Groebner" in b.method
    # x^2 y + y^3 (degree 3, depth 2): only the catalecticant bound is known below the Groebner limit
    u = polynomial_cost(x**2 * y + y**3, groebner_unknowns=1)
    assert u.deep_depth == 2 and u.shallow_neurons[0] >= 2
    # mixed degrees need a concrete activation (the generic derivatives are incommensurable)
    with pytest.raises(InvalidInput, match="activation"):
        polynomial_cost(x * y + x)
    with pytest.raises(InvalidInput, match="sympy"):
        polynomial_cost("x*y")


def test_mixed_table_renders_ranges():
    x, y = sp.symbols("x y")
    rows = (product_cost(5), power_cost(8), polynomial_cost(x**2 * y + y**3, groebner_unknowns=1))
    t = CostTable(rows)
    text = t.text()
    assert "2..?" in text and "x^8" in text and "polynomial(x^2*y + y^3)" in text
    assert "[2, ?]" in t.latex()


def test_table_is_deterministic_text_and_latex():
    t1 = product_table([2, 3, 8, 64])
    t2 = product_table([2, 3, 8, 64])
    assert isinstance(t1, CostTable)
    assert t1.text() == t2.text() and t1.latex() == t2.latex()
    text = t1.text()
    assert "x_1*...*x_8" in text and "64/7" in text and "320/33" in text
    lines = t1.latex().splitlines()
    assert lines[0] == "\\begin{tabular}{llrrrrrrr}" and lines[-1] == "\\end{tabular}"
    assert sum(1 for line in lines if line.endswith("\\\\")) == 1 + 4
    assert "$64/7$" in t1.latex() and "\\approx" in t1.latex()


# -- bad input ----------------------------------------------------------------------------------------
def test_bad_input_raises_symnet_errors():
    with pytest.raises(InvalidInput, match="n must be"):
        product_cost(1)
    with pytest.raises(InvalidInput, match="model"):
        product_cost(3, model="biased")
    with pytest.raises(InvalidInput):
        min_shallow_neurons((1.5, 1))
    with pytest.raises(InvalidInput):
        deep_product_synapses(0)
    with pytest.raises(HypothesisError):
        forward_difference((1, 1), "tanh")  # tanh''(0) = 0
    with pytest.raises(HypothesisError):
        product_cost(3, activation="tanh")  # tanh(0) = 0: the width theorem does not apply
    with pytest.raises(InvalidInput):
        product_table([])


def test_shared_checks_and_more_bad_input():
    import numpy as np

    from symnet.errors import ShapeError, TooLargeError
    from symnet.flattening import MAX_PRODUCT_INPUTS

    # the model names of symnet.lower_bounds.check_model (any spelling it accepts); "biased" has no theorem
    assert product_cost(3, model="Output_Bias").model == "output-bias"
    assert min_shallow_neurons((1, 1), "output_bias") == 3  # 2^2 - 1 (output bias absorbs the constant)
    for bad in ("biased", None, ["bias-free"]):
        with pytest.raises(InvalidInput, match="model"):
            min_shallow_neurons((1, 1), bad)
    # ints: numpy ints are ints, floats and bools are not
    assert product_cost(np.int64(3)).shallow_neurons == 8
    for bad in (3.0, True):
        with pytest.raises(InvalidInput, match="int"):
            product_cost(bad)
        with pytest.raises(InvalidInput, match="int"):
            power_cost(bad)
        with pytest.raises(InvalidInput, match="int"):
            deep_product_synapses(bad)
    # exact minima with ~n bits: a cap instead of a long computation
    with pytest.raises(TooLargeError):
        product_cost(MAX_PRODUCT_INPUTS + 1)
    # groebner_unknowns is a count
    x, y = sp.symbols("x y")
    for bad in (2.5, True, -1):
        with pytest.raises(InvalidInput, match="groebner_unknowns"):
            polynomial_cost(x**2 - y**2, groebner_unknowns=bad)
    # variables of the witness: the shared check (count, Symbols, distinct)
    with pytest.raises(ShapeError, match="2 inputs"):
        forward_difference((1, 1), "exp", variables=[x])
    with pytest.raises(InvalidInput, match="Symbols"):
        forward_difference((1, 1), "exp", variables=[x, "y"])
    with pytest.raises(InvalidInput, match="distinct"):
        forward_difference((1, 1), "exp", variables=[x, x])
    with pytest.raises(InvalidInput, match="sequence"):
        forward_difference((1, 1), "exp", variables="xy")
    assert forward_difference((1, 1), "exp", variables=[x, y]).target == x * y

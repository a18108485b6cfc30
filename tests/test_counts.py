"""Exact neuron-count formulas (symnet.constructions.counts) against the explicit networks and
against hand enumeration written in the tests."""

from __future__ import annotations

import itertools
import math

import pytest

from symnet import activations
from symnet.constructions import counts, deep_product, monomial, shallow_product
from symnet.errors import InvalidInput

EXP = activations.get("exp")


def simulate_tree(n):
    """Pair signals in order, copy the odd one: (gates, copies, levels), counted one by one."""
    gates = copies = levels = 0
    signals = n
    while signals > 1:
        gates += signals // 2
        copies += signals % 2
        signals = signals // 2 + signals % 2
        levels += 1
    return gates, copies, levels


@pytest.mark.parametrize("n", range(1, 21))
def test_deep_product_count_matches_network_and_simulation(n):
    count = counts.deep_product_count(n)
    gates, copies, levels = simulate_tree(n)
    assert (count.gates, count.copies, count.depth) == (gates, copies, levels)
    assert count.neurons == 4 * gates + copies == counts.deep_product_neurons(n)
    assert count.depth == (math.ceil(math.log2(n)) if n > 1 else 0)
    net = deep_product(n, EXP).network
    assert net.hidden_neurons == count.neurons
    assert net.depth == count.depth


def test_deep_product_hand_values():
    table = {1: 0, 2: 4, 3: 9, 4: 12, 5: 18, 6: 21, 7: 25, 8: 28, 16: 60, 31: 121, 32: 124}
    for n, neurons in table.items():
        assert counts.deep_product_neurons(n) == neurons, n
    for k in range(1, 12):  # powers of two: no copies
        assert counts.deep_product_copies(2**k) == 0
        assert counts.deep_product_neurons(2**k) == 4 * (2**k - 1)


def test_ltr_slips():
    ex = counts.LTR_DEEP_PRODUCT_EXAMPLE
    assert counts.ltr_deep_product_claim(32) == 4 * 32 == ex["4n"] == 128 != ex["claimed"] == 160
    assert counts.deep_product_neurons(32) == ex["tree"] == 124


def test_seed_eight_inputs():
    # the built network's neurons (the construction's hidden_neurons is the same formula 2^n)
    assert counts.shallow_product_neurons(8) == 256 == shallow_product(8, EXP).network.hidden_neurons
    assert counts.deep_product_neurons(8) == 28 and counts.deep_product_depth(8) == 3


@pytest.mark.parametrize("r", [(1,), (2, 1), (3, 2), (1, 1, 2), (4, 0, 1)])
def test_monomial_neurons(r):
    # against the built network (the construction's hidden_neurons is the same formula)
    assert counts.monomial_neurons(r) == math.prod(ri + 1 for ri in r) == monomial(r, EXP).network.hidden_neurons


def test_rt_bounds_by_hand():
    assert counts.rt_deep_bound((1, 1, 1)) == 12  # 4 per variable with r_i = 1: LTR's 4n
    assert counts.rt_deep_bound((2, 1)) == (7 * 1 + 4) + 4
    assert counts.rt_deep_bound((4, 0, 5)) == (7 * 2 + 4) + (7 * 3 + 4)
    assert counts.rt_univariate_deep_bound(8) == 21 and counts.rt_univariate_deep_bound(9) == 28
    assert counts.binomial_lower_bound(4) == 6 and counts.binomial_lower_bound(5) == 10
    for n in range(1, 20):
        assert counts.binomial_lower_bound(n) <= counts.shallow_product_neurons(n)


def test_rt_layered_width_by_hand():
    assert counts.rt_layered_width([5]) == 32
    # [2, 2]: layer 1 has 2 groups of 2 inputs (4 neurons each), layer 2 one group of 2
    assert counts.rt_layered_width([2, 2]) == 2 * 4 + 4
    assert counts.rt_layered_width([2, 3]) == 3 * 4 + 8
    assert counts.rt_layered_width([3, 2]) == 2 * 8 + 4


def ordered_factorisations(n, k):
    return [f for f in itertools.product(range(1, n + 1), repeat=k) if math.prod(f) == n]


@pytest.mark.parametrize(("n", "k"), [(12, 2), (16, 2), (16, 3), (16, 4), (30, 3), (7, 2)])
def test_rt_layered_width_min_by_enumeration(n, k):
    width, factors = counts.rt_layered_width_min(n, k)
    brute = min(counts.rt_layered_width(list(f)) for f in ordered_factorisations(n, k))
    assert width == brute == counts.rt_layered_width(list(factors))
    assert math.prod(factors) == n and len(factors) == k


def test_seed_polynomial_counts():
    for n in range(1, 8):
        assert counts.seed_polynomial_last_layer(n, 2) == 4 * n**2 + n <= counts.seed_polynomial_bound(n, 2)
    for n in range(2, 8):
        for d in range(2, 7):
            assert counts.seed_polynomial_last_layer(n, d) <= counts.seed_polynomial_bound(n, d)
    # the bound 4 n^d + n^(d-1) + ... + n <= 5 n^d fails for n = 1, d >= 3
    assert counts.seed_polynomial_last_layer(1, 3) == 4 + 1 + 1 > counts.seed_polynomial_bound(1, 3) == 5
    assert counts.seed_polynomial_total(3, 3) == (4 * 9 + 3) + (4 * 27 + 9 + 3)


@pytest.mark.parametrize("bad", [0, -2, True, 1.0, "4", None])
def test_bad_inputs(bad):
    with pytest.raises(InvalidInput):
        counts.deep_product_count(bad)
    with pytest.raises(InvalidInput):
        counts.shallow_product_neurons(bad)
    with pytest.raises(InvalidInput):
        counts.rt_layered_width([2, bad])
    with pytest.raises(InvalidInput):
        counts.rt_layered_width_min(bad, 2)


def test_bad_exponents_and_factors():
    with pytest.raises(InvalidInput):
        counts.monomial_neurons((0, 0))
    with pytest.raises(InvalidInput):
        counts.rt_deep_bound((1.5,))
    with pytest.raises(InvalidInput):
        counts.rt_layered_width([])
    with pytest.raises(InvalidInput):
        counts.seed_polynomial_last_layer(3, 1)

"""Tests of symnet.markov: the posterior of a Markov chain, sufficient statistics, the inference network.

Independent routes: posteriors derived by hand (written out below); the posterior by plain
Fraction linear algebra written in this file (prior times P_0 ... P_{n-1} lam, normalised) against
the library's brute force over paths, its composition of step maps and its network; 50-digit
mpmath evaluation of the network against the exact rationals; neuron and synapse counts by hand.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet.errors import HypothesisError, InvalidInput, ShapeError, TooLargeError
from symnet.markov import (
    brute_force_posterior,
    composition_posterior,
    homogeneous_chain,
    inference_network,
    likelihood,
    markov_chain,
    network_counts,
    random_chain,
    statistic_classes,
    step_maps,
    sufficiency_check,
    sufficient_statistic,
)

R = sp.Rational


# -- an independent route and a strategy --------------------------------------------------------
def fraction_posterior(prior, transitions, lam):
    """p(x_0 | y) proportional to p(x_0) (P_0 ... P_{n-1} lam), in plain Fractions (None if p(y) = 0)."""
    column = [Fraction(int(v.p), int(v.q)) for v in lam]
    for p in reversed(transitions):
        column = [sum(Fraction(int(p[a, b].p), int(p[a, b].q)) * column[b] for b in range(p.cols))
                  for a in range(p.rows)]
    joint = [Fraction(int(q.p), int(q.q)) * c for q, c in zip(prior, column, strict=True)]
    total = sum(joint)
    return None if total == 0 else tuple(R(v.numerator, v.denominator) for v in (j / total for j in joint))


def one_hot(k, b):
    return [R(int(j == b)) for j in range(k)]


@st.composite
def chains(draw, max_states=3, max_steps=3, zeros=False, proportional=False):
    """Small chains with exact rational entries; ``proportional``: columns 0, 1 of P_{n-1} proportional."""
    n = draw(st.integers(1, max_steps))
    sizes = draw(st.lists(st.integers(1, max_states), min_size=n + 1, max_size=n + 1))
    if proportional:
        sizes[-1] = max(sizes[-1], 3)

    def distribution(k):
        w = draw(st.lists(st.integers(0 if zeros else 1, 6), min_size=k, max_size=k).filter(sum))
        return [R(v, sum(w)) for v in w]

    transitions = [[distribution(k1) for _ in range(k0)] for k0, k1 in itertools.pairwise(sizes)]
    if proportional:
        t = R(draw(st.integers(1, 4)))
        transitions[-1] = [[(r[0] + r[1]) / (1 + t), t * (r[0] + r[1]) / (1 + t), *r[2:]] for r in transitions[-1]]
    return markov_chain(distribution(sizes[0]), transitions)


# -- by hand --------------------------------------------------------------------------------------
def hand_chain():
    return homogeneous_chain([R(1, 2), R(1, 2)], [[R(3, 4), R(1, 4)], [R(1, 3), R(2, 3)]], 2)


def test_posterior_by_hand():
    # L_1 = P e_1 = (1/4, 2/3); L_0 = P L_1 = (3/16 + 1/6, 1/12 + 4/9) = (17/48, 19/36);
    # p(x_0, x_2 = 1) = (17/96, 19/72) = (51, 76)/288, so p(x_0 | x_2 = 1) = (51/127, 76/127).
    chain = hand_chain()
    assert likelihood(chain, 1, 1) == (R(1, 4), R(2, 3))
    assert likelihood(chain, 0, 1) == (R(17, 48), R(19, 36))
    assert brute_force_posterior(chain, 1) == (R(51, 127), R(76, 127))
    assert composition_posterior(chain, 1) == (R(51, 127), R(76, 127))
    net = inference_network(chain)
    assert net.posterior(1) == (R(51, 127), R(76, 127))
    # the logits are ln p(x_0, x_2 = 1)
    assert tuple(sp.exp(v) for v in net.logits(1)) == (R(17, 96), R(19, 72))


def test_deterministic_and_independent_chains():
    swap = homogeneous_chain([R(1, 4), R(3, 4)], [[0, 1], [1, 0]], 3)  # x_3 = 1 - x_0
    assert brute_force_posterior(swap, 0) == composition_posterior(swap, 0) == (0, 1)
    assert brute_force_posterior(swap, 1) == composition_posterior(swap, 1) == (1, 0)
    # through a single state, x_n is independent of x_0: the posterior is the prior
    funnel = markov_chain([R(1, 5), R(4, 5)], [[[1], [1]], [[R(1, 3), R(2, 3)]]])
    for b in (0, 1):
        assert brute_force_posterior(funnel, b) == composition_posterior(funnel, b) == (R(1, 5), R(4, 5))
    assert statistic_classes(funnel) == ((0, 1),)


def test_soft_evidence_equals_an_extra_observed_step():
    # evidence lam_b = p(y | x_n = b) is the chain extended by one step with column y = lam
    chain = random_chain((2, 3, 3), seed=4)
    lam = [R(1, 2), R(1, 5), R(7, 8)]
    extended = markov_chain(chain.prior, [*chain.transitions, [[v, 1 - v] for v in lam]])
    assert brute_force_posterior(chain, lam) == brute_force_posterior(extended, 0)
    net = inference_network(chain, encoding="log-likelihood")
    assert net.posterior([sp.log(v) for v in lam]) == brute_force_posterior(extended, 0)


def test_step_maps_and_the_literal_indexing_of_seed_002():
    chain = hand_chain()
    maps = step_maps(chain)
    assert len(maps) == chain.n + 1 and [f.index for f in maps] == [0, 1, 2]
    assert str(maps[1]) == "f_1(ell_1) = ln(P_0 exp(ell_1))"
    # P_0 = I, P_1 = swap: x_2 = 1 - x_0. Read literally (T_i = f_i o T_{i+1}, f_n = T_{n-1}), the
    # composition uses P_1 twice and never P_0: P_1 P_1 = I would give x_0 = x_2, which is wrong.
    identity, swap = [[1, 0], [0, 1]], [[0, 1], [1, 0]]
    chain = markov_chain([R(1, 3), R(2, 3)], [identity, swap])
    assert composition_posterior(chain, 0) == brute_force_posterior(chain, 0) == (0, 1)
    literal = markov_chain(chain.prior, [swap, swap])
    assert composition_posterior(literal, 0) == (1, 0)


# -- property tests: three routes agree -----------------------------------------------------------
@given(chains())
def test_composition_brute_force_network_agree(chain):
    net = inference_network(chain)
    flat = inference_network(chain, flat=True)
    for b in range(chain.sizes[-1]):
        expected = fraction_posterior(chain.prior, chain.transitions, one_hot(chain.sizes[-1], b))
        assert brute_force_posterior(chain, b) == expected
        assert composition_posterior(chain, b) == expected
        assert net.posterior(b) == expected
        assert flat.posterior(b) == expected


@given(chains(), st.lists(st.integers(1, 9), min_size=3, max_size=3))
def test_log_likelihood_network_agrees(chain, weights):
    lam = [R(w, 9) for w in weights[: chain.sizes[-1]]] + [R(1, 2)] * max(0, chain.sizes[-1] - 3)
    expected = fraction_posterior(chain.prior, chain.transitions, lam)
    net = inference_network(chain, encoding="log-likelihood")
    assert net.posterior([sp.log(v) for v in lam]) == expected
    assert brute_force_posterior(chain, lam) == expected


@given(chains(zeros=True))
def test_chains_with_zeros(chain):
    for b in range(chain.sizes[-1]):
        expected = fraction_posterior(chain.prior, chain.transitions, one_hot(chain.sizes[-1], b))
        if expected is None:  # x_n = b cannot occur
            for route in (brute_force_posterior, composition_posterior):
                with pytest.raises(HypothesisError, match="probability 0"):
                    route(chain, b)
        else:
            assert brute_force_posterior(chain, b) == composition_posterior(chain, b) == expected


@given(chains(proportional=True))
def test_merging_states_with_proportional_likelihoods_keeps_the_posterior(chain):
    classes = statistic_classes(chain, 0)
    possible = [b for b in (0, 1) if chain.marginal(chain.n)[b] != 0]
    assert any(set(possible) <= set(c) for c in classes)  # columns 0 and 1 are proportional
    for i in range(chain.n):
        check = sufficiency_check(chain, i)
        assert check.sufficient
        if all(chain.marginal(i)):
            assert check.distinct
        # T_{i} is a function of T_{i+1}: T_i = normalise(P_i T_{i+1})
        for b in (0, 1):
            if any(likelihood(chain, i, b)):
                step = list(chain.transitions[i] * sp.Matrix(sufficient_statistic(chain, i + 1, b)))
                assert tuple(v / sum(step) for v in step) == sufficient_statistic(chain, i, b)


def test_sufficient_statistic_by_hand_and_a_zero_prior():
    c = markov_chain([R(1, 2), R(1, 2)], [[[R(1, 6), R(1, 3), R(1, 2)], [R(1, 4), R(1, 2), R(1, 4)]]])
    # columns (1/6, 1/4) and (1/3, 1/2) are proportional: T_0 = (2/5, 3/5) for both; column (1/2, 1/4) -> (2/3, 1/3)
    assert sufficient_statistic(c, 0, 0) == sufficient_statistic(c, 0, 1) == (R(2, 5), R(3, 5))
    assert sufficient_statistic(c, 0, 2) == (R(2, 3), R(1, 3))
    check = sufficiency_check(c)
    assert check.classes == ((0, 1), (2,)) and check.sufficient and check.distinct
    assert check.merged.sizes == (2, 2)
    # p(x_0 = 2) = 0: the columns differ only there, so both observations give the same posterior
    degenerate = markov_chain([R(1, 2), R(1, 2), 0], [[[R(1, 2), R(1, 2)], [R(1, 2), R(1, 2)], [1, 0]]])
    check = sufficiency_check(degenerate)
    assert check.classes == ((0,), (1,)) and check.sufficient and not check.distinct


# -- the network ----------------------------------------------------------------------------------
def test_network_depth_grows_with_the_chain():
    for n in range(1, 6):
        chain = random_chain((2,) + (3,) * n, seed=n)
        deep = inference_network(chain)
        # by hand: n log layers and n - 1 exp layers; neurons k_0 + 2 (k_1 + ... + k_{n-1}) = 2 + 6 (n - 1)
        assert (deep.depth, deep.hidden_neurons) == (2 * n - 1, 2 + 6 * (n - 1)) == network_counts(chain.sizes)
        ll = inference_network(chain, encoding="log-likelihood")
        assert (ll.depth, ll.hidden_neurons) == (2 * n, 2 + 6 * (n - 1) + 3)
        assert network_counts(chain.sizes, "log-likelihood") == (2 * n, 2 + 6 * (n - 1) + 3)
        assert [layer.activation.name for layer in ll.network.layers[:-1]] == ["exp", "log"] * n


def test_flattening_counts_by_hand():
    bottleneck = random_chain((8, 2, 8), seed=3)  # all entries positive
    deep, flat = inference_network(bottleneck), inference_network(bottleneck, flat=True)
    # deep: P_1 (2 x 8) 16, identity 2, P_0 (8 x 2) 16, output identity 8; flat: M (8 x 8) 64 + 8
    assert (deep.synapses, flat.synapses) == (42, 72)
    assert (deep.hidden_neurons, flat.hidden_neurons, flat.depth) == (12, 8, 1)
    assert all(deep.posterior(b) == flat.posterior(b) for b in range(8))


def test_symbolic_log_likelihood_output():
    net = inference_network(hand_chain(), encoding="log-likelihood")
    l0, l1 = sp.symbols("l0 l1", real=True)
    logits = net.logits([l0, l1])
    # M = P^2 = [[31/48, 17/48], [17/36, 19/36]] (by hand), prior 1/2
    expected = (sp.log(R(31, 48) * sp.exp(l0) + R(17, 48) * sp.exp(l1)) + sp.log(R(1, 2)),
                sp.log(R(17, 36) * sp.exp(l0) + R(19, 36) * sp.exp(l1)) + sp.log(R(1, 2)))
    assert all(sp.simplify(a - b) == 0 for a, b in zip(logits, expected, strict=True))


def test_network_mpmath_matches_exact_posterior():
    chain = random_chain((3, 4, 2, 3), seed=8)
    net = inference_network(chain)
    for b in range(3):
        exact = fraction_posterior(chain.prior, chain.transitions, one_hot(3, b))
        with mpmath.workdps(50):
            values = net.mpmath_posterior(b, dps=50)
            for v, q in zip(values, exact, strict=True):
                assert abs(v - mpmath.mpf(int(q.p)) / int(q.q)) < mpmath.mpf(10) ** -45


# -- bad input --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prior", "transitions", "error", "match"),
    [
        ([R(1, 2), R(1, 3)], [[[1], [1]]], InvalidInput, "prior sums to 5/6"),
        ([1], [[[R(1, 2), R(1, 4)]]], InvalidInput, "row 0 of transition matrix P_0 sums to 3/4"),
        ([1], [[[R(3, 2), R(-1, 2)]]], InvalidInput, r"P_0\[0, 0\].*\[0, 1\]"),
        ([1], [[[sp.sqrt(2) / 2, 1 - sp.sqrt(2) / 2]]], InvalidInput, "exact rational"),
        ([R(1, 2), R(1, 2)], [[[1]]], ShapeError, "P_0 has 1 rows but the prior has 2 states"),
        ([1], [[[1, 0]], [[1, 0]]], ShapeError, "P_1 has 1 rows but P_0 has 2 states"),
        ([1], [[[1, 0], [1]]], ShapeError, "row 1 has 1 entries"),
        ([1], [], InvalidInput, "at least one transition matrix"),
        ([], [[[1]]], InvalidInput, "at least one state"),
        ("1", [[[1]]], InvalidInput, "prior must be a sequence"),
        ([1], "P", InvalidInput, "transitions must be a sequence"),
        ([1] + [0] * 64, [[[1]]], TooLargeError, "at most 64"),
    ],
)
def test_bad_chains(prior, transitions, error, match):
    with pytest.raises(error, match=match):
        markov_chain(prior, transitions)


def test_bad_observations_and_steps():
    chain = hand_chain()
    for bad, error, match in [(2, InvalidInput, "states 0 .. 1"), (True, InvalidInput, "bool"),
                              (-1, InvalidInput, "at least 0"), (0.5, InvalidInput, "must be an int"),
                              ([1, 2, 3], ShapeError, "needs 2 entries"), ([0, 0], InvalidInput, "all zero"),
                              ([R(-1, 2), 1], InvalidInput, "non-negative rational")]:
        with pytest.raises(error, match=match):
            brute_force_posterior(chain, bad)
    with pytest.raises(InvalidInput, match=r"step i must be in 0 \.\. 1"):
        sufficiency_check(chain, 2)
    with pytest.raises(InvalidInput, match="needs a MarkovChain"):
        composition_posterior([[1]], 0)
    impossible = markov_chain([1], [[[1, 0]]])
    with pytest.raises(HypothesisError, match="probability 0"):
        brute_force_posterior(impossible, 1)
    with pytest.raises(HypothesisError, match="cannot occur from any state of x_0"):
        sufficient_statistic(impossible, 0, 1)
    with pytest.raises(TooLargeError, match="composition_posterior"):
        brute_force_posterior(random_chain((8,) * 7, seed=0), 0)
    with pytest.raises(InvalidInput, match="at least two state counts"):
        random_chain((3,), seed=0)


def test_network_hypotheses_and_bad_arguments():
    zero_prior = markov_chain([1, 0], [[[R(1, 2), R(1, 2)], [R(1, 2), R(1, 2)]]])
    with pytest.raises(HypothesisError, match=r"p\(x_0 = 1\) = 0") as info:
        inference_network(zero_prior)
    assert info.value.hypothesis == "p(x_0 = a) > 0 for every a"
    zero_last = markov_chain([R(1, 2), R(1, 2)], [[[R(1, 2), R(1, 2)], [1, 0]]])
    with pytest.raises(HypothesisError, match="P_0 has a zero entry"):
        inference_network(zero_last)
    net = inference_network(zero_last, encoding="log-likelihood")  # finite evidence needs no positivity
    lam = [R(1, 3), R(2, 3)]
    assert net.posterior([sp.log(v) for v in lam]) == fraction_posterior(zero_last.prior, zero_last.transitions, lam)
    with pytest.raises(InvalidInput, match="use encoding='one-hot'"):
        net.posterior(0)
    with pytest.raises(ShapeError, match="takes 2 log-likelihoods"):
        net.posterior([0, 0, 0])
    with pytest.raises(InvalidInput, match="encoding must be one of"):
        inference_network(hand_chain(), encoding="binary")
    with pytest.raises(InvalidInput, match="flat must be True or False"):
        inference_network(hand_chain(), flat=1)

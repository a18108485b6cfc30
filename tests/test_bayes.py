"""Tests of symnet.bayes: Hamiltonian/softmax form of Bayes, the binary posterior network, locality.

Independent routes: posteriors computed by hand; 50-digit mpmath softmax of float logarithms;
the zeta transform (sum over subsets) inverting the Moebius coefficients; the network's mpmath
evaluation against the exact expressions; the asymptotic constant against evaluations at large
beta; structural facts (conditionally independent bits need only n neurons).
"""

from __future__ import annotations

import itertools
import random

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet.bayes import (
    joint_distribution,
    markov_network_bound,
    markov_posterior_network,
    moebius_coefficients,
    posterior_network,
    softmax,
)
from symnet.errors import HypothesisError, InvalidInput, ShapeError

R = sp.Rational


def random_distribution(n, classes, seed, low=1, high=9):
    rng = random.Random(seed)
    raw = {(x, y): rng.randint(low, high) for x in itertools.product((0, 1), repeat=n) for y in classes}
    total = sum(raw.values())
    return joint_distribution({k: R(v, total) for k, v in raw.items()})


def test_bayes_by_hand_and_softmax_of_hamiltonians():
    p = joint_distribution({("rain", "cloudy"): R(3, 10), ("rain", "clear"): R(1, 20),
                            ("dry", "cloudy"): R(1, 5), ("dry", "clear"): R(9, 20)})
    # by hand: p(rain) = 3/10 + 1/20 = 7/20, p(cloudy | rain) = (3/10)/(7/20) = 6/7
    assert p.posterior("rain") == {"cloudy": R(6, 7), "clear": R(1, 7)}
    assert p.prior("cloudy") == R(1, 2) and p.likelihood("rain", "cloudy") == R(3, 5)
    assert p.hamiltonian("rain", "cloudy") == -sp.log(R(3, 5)) and p.mu("clear") == sp.log(2)
    for x in p.xs:
        assert p.softmax_posterior(x) == p.posterior(x)  # exact equality of rationals
    # second route: floats through mpmath at 50 digits
    with mpmath.workdps(50):
        for x in p.xs:
            logits = [mpmath.log(mpmath.mpf(int(p.likelihood(x, y).p)) / int(p.likelihood(x, y).q))
                      + mpmath.log(mpmath.mpf(int(p.prior(y).p)) / int(p.prior(y).q)) for y in p.ys]
            total = mpmath.fsum(mpmath.exp(v) for v in logits)
            for y, v in zip(p.ys, logits, strict=True):
                exact = p.posterior(x)[y]
                assert abs(mpmath.exp(v) / total - mpmath.mpf(int(exact.p)) / int(exact.q)) < mpmath.mpf(10) ** -45


def test_seed_000_sign_of_mu_is_wrong():
    p = random_distribution(1, "ab", seed=3)
    x = (1,)
    wrong = softmax([-p.hamiltonian(x, y) + p.mu(y) for y in p.ys])   # seed 000: e^(-[H - mu])
    right = softmax([-p.hamiltonian(x, y) - p.mu(y) for y in p.ys])
    assert right == tuple(p.posterior(x).values())
    assert wrong != right
    # the seed's Gaussian example: -ln(e^(-x^2)/sqrt(2 pi)) = x^2 + ln sqrt(2 pi), not "- ln sqrt(2 pi)"
    t = sp.Symbol("x", real=True)
    assert sp.simplify(-sp.log(sp.exp(-t**2) / sp.sqrt(2 * sp.pi)) - (t**2 + sp.log(sp.sqrt(2 * sp.pi)))) == 0
    assert sp.integrate(sp.exp(-t**2) / sp.sqrt(2 * sp.pi), (t, -sp.oo, sp.oo)) == 1 / sp.sqrt(2)


def test_zero_probabilities():
    p = joint_distribution({((0,), 0): R(1, 2), ((1,), 0): R(0), ((0,), 1): R(1, 4), ((1,), 1): R(1, 4)})
    assert p.hamiltonian((1,), 0) == sp.oo
    assert p.softmax_posterior((1,)) == p.posterior((1,)) == {0: 0, 1: 1}
    with pytest.raises(HypothesisError, match=r"p\(x, y\) > 0"):
        posterior_network(p)
    q = joint_distribution({((0,), 0): R(1, 2), ((1,), 0): R(0), ((0,), 1): R(1, 2), ((1,), 1): R(0)})
    with pytest.raises(HypothesisError, match=r"p\(x\) = 0"):
        q.posterior((1,))


@given(st.integers(1, 3), st.integers(2, 3), st.integers(0, 10**6))
def test_moebius_coefficients_invert_by_zeta_transform(n, k, seed):
    p = random_distribution(n, range(k), seed)
    coeffs = moebius_coefficients(p)
    for y in p.ys:
        for x in itertools.product((0, 1), repeat=n):
            ones = {i for i, b in enumerate(x) if b}
            total = sp.Add(*[a for s, a in coeffs[y].items() if s <= ones])
            assert sp.exp(total) == p.p(x, y)  # exp of a sum of logs of rationals: exact rational


def test_moebius_coefficients_one_bit_by_hand():
    p = joint_distribution({((0,), "y"): R(1, 3), ((1,), "y"): R(2, 3)})
    c = moebius_coefficients(p)["y"]
    assert c[frozenset()] == sp.log(R(1, 3)) and c[frozenset({0})] == sp.log(2)


def test_network_posterior_tends_to_bayes_exactly_and_numerically():
    p = random_distribution(3, "abc", seed=1)
    net = posterior_network(p, beta=40)
    assert net.hidden_neurons == 7 == 2**3 - 1 and net.network.depth == 1
    for x in itertools.product((0, 1), repeat=3):
        assert net.limit_posterior(x) == p.posterior(x)
    big = posterior_network(p, beta=100)   # error about C e^(-50) ~ 2e-22
    value, _, _ = big.worst_case_error()
    assert mpmath.mpf(10) ** -23 < value < mpmath.mpf(10) ** -21


def test_network_outputs_two_evaluators_agree():
    beta = sp.Symbol("beta", positive=True)
    p = random_distribution(2, "ab", seed=5)
    sym = posterior_network(p, beta=beta)
    num = sym.at_beta(13)
    for x in itertools.product((0, 1), repeat=2):
        exact = [e.xreplace({beta: 13}) for e in sym.logits(x)]
        with mpmath.workdps(50):
            values = num.network.mpmath(list(x), dps=50)
            for e, v in zip(exact, values, strict=True):
                assert abs(mpmath.mpf(sp.N(e, 60)) - v) < mpmath.mpf(10) ** -45
    # the exact error expressions agree with worst_case_error (mpmath route)
    worst, x, y = num.worst_case_error()
    exprs = num.error_expressions()
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(sp.N(exprs[(x, y)], 50)) - worst) < mpmath.mpf(10) ** -40
    assert all(sp.N(e, 30) <= sp.N(exprs[(x, y)], 30) for e in exprs.values())


def test_leading_error_constant_and_rigorous_bound():
    p = random_distribution(3, "abc", seed=1)
    c, x, y = posterior_network(p, beta=40).leading_error()
    for beta in (40, 60):
        value, wx, wy = posterior_network(p, beta=beta).worst_case_error()
        assert (wx, wy) == (x, y)
        with mpmath.workdps(50):
            scaled = value * mpmath.exp(mpmath.mpf(beta) / 2)
            assert abs(scaled - mpmath.mpf(sp.N(c, 50))) < mpmath.exp(-mpmath.mpf(beta) / 2) * 100
    for beta in (1, 4, 20):
        net = posterior_network(p, beta=beta)
        assert net.worst_case_error()[0] <= mpmath.mpf(sp.N(net.error_bound(), 50))


def test_conditionally_independent_bits_need_only_n_neurons():
    # p(x|y) = prod_i q_i(x_i|y): ln p(x, y) is additive, so only singletons have coefficients
    rng = random.Random(7)
    n = 3
    q = {y: [R(rng.randint(1, 9), 10) for _ in range(n)] for y in "ab"}
    prior = {"a": R(1, 3), "b": R(2, 3)}
    table = {}
    for y in "ab":
        for x in itertools.product((0, 1), repeat=n):
            table[(x, y)] = prior[y] * sp.Mul(*[qi if b else 1 - qi for qi, b in zip(q[y], x, strict=True)])
    net = posterior_network(joint_distribution(table))
    assert net.subsets == tuple(frozenset({i}) for i in range(n)) and net.hidden_neurons == n


def test_markov_network_bound_counts():
    b = markov_network_bound([{0, 1}, {1, 2}, {2, 3}])
    assert (b.n, b.n_cliques, b.max_clique, b.bound, b.neurons) == (4, 3, 2, 12, 7)
    tri = markov_network_bound([{0, 1, 2}, {2, 3, 4}], n=6)
    # subsets of {0,1,2} and {2,3,4}: 7 + 7 - 1 (the shared {2}) = 13; bound 2 * 2^3 = 16
    assert (tri.neurons, tri.bound, tri.n) == (13, 16, 6)


def test_markov_posterior_network_chain():
    rng = random.Random(11)
    cliques = [{0, 1}, {1, 2}, {2, 3}]
    potentials = {y: [{bits: R(rng.randint(1, 9), rng.randint(1, 4)) for bits in itertools.product((0, 1), repeat=2)}
                      for _ in cliques] for y in (0, 1)}
    net, bound = markov_posterior_network(cliques, potentials, {0: R(2, 5), 1: R(3, 5)})
    assert set(net.subsets) <= set(bound.subsets) and net.hidden_neurons <= bound.neurons <= bound.bound
    assert net.hidden_neurons == 7   # generic potentials use every clique subset
    dist = net.distribution
    for x in itertools.product((0, 1), repeat=4):
        assert net.limit_posterior(x) == dist.posterior(x)
    # the unrestricted construction finds no other nonzero coefficient
    assert posterior_network(dist).subsets == net.subsets


def test_restricting_subsets_of_a_generic_distribution_is_refused():
    p = random_distribution(3, "ab", seed=2)
    with pytest.raises(HypothesisError, match="nonzero"):
        posterior_network(p, subsets=[{0}, {1}, {2}])


def test_bad_input_is_rejected_clearly():
    with pytest.raises(InvalidInput, match="sum to 3/4"):
        joint_distribution({((0,), 0): R(1, 2), ((1,), 0): R(1, 4)})
    with pytest.raises(InvalidInput, match=r"\[0, 1\]"):
        joint_distribution({((0,), 0): R(3, 2), ((1,), 0): R(-1, 2)})
    with pytest.raises(InvalidInput, match="pairs"):
        joint_distribution({(0, 1, 2): 1})
    with pytest.raises(InvalidInput, match="tuples of bits"):
        posterior_network(joint_distribution({((0, 2), 0): 1}))
    with pytest.raises(ShapeError, match="different lengths"):
        posterior_network(joint_distribution({((0,), 0): R(1, 2), ((0, 1), 0): R(1, 2)}))
    p = random_distribution(2, "ab", seed=0)
    with pytest.raises(InvalidInput, match="beta must be positive"):
        posterior_network(p, beta=0)
    with pytest.raises(InvalidInput, match="str"):
        posterior_network(p, beta="40")
    with pytest.raises(ShapeError, match="2 bits"):
        posterior_network(p).posterior((1,))
    with pytest.raises(InvalidInput, match="numeric beta"):
        posterior_network(p, beta=sp.Symbol("b", positive=True)).worst_case_error()
    with pytest.raises(InvalidInput, match="largest variable index"):
        markov_network_bound([{0, 5}], n=3)
    with pytest.raises(InvalidInput, match="non-empty"):
        markov_network_bound([set()])
    with pytest.raises(InvalidInput, match="same classes"):
        markov_posterior_network([{0, 1}], {0: []}, {1: 1})


def test_softmax_never_parses_text(capsys):
    # softmax used to sympify its entries: text was parsed (and could run code)
    with pytest.raises(InvalidInput, match="softmax: entry 0"):
        softmax(["__import__('builtins').print('EXECUTED')", 1])
    assert "EXECUTED" not in capsys.readouterr().out
    with pytest.raises(InvalidInput, match="entry 0"):
        softmax(["1", "2"])
    with pytest.raises(InvalidInput, match="sequence"):
        softmax("12")


def test_softmax_refuses_plus_infinity_and_nan():
    # before: [oo, 1] -> (nan, 0) and [nan, 1] -> (nan, nan), silently
    with pytest.raises(InvalidInput, match="finite"):
        softmax([sp.oo, 1])
    with pytest.raises(InvalidInput, match="finite"):
        softmax([sp.nan, 1])
    with pytest.raises(InvalidInput, match="finite"):
        softmax([float("nan"), 1])
    with pytest.raises(InvalidInput, match="finite"):
        softmax([float("inf"), 1])
    # -oo is a class of probability 0, by hand: e^(-oo) = 0, e^0 / e^0 = 1
    assert softmax([-sp.oo, 0]) == (0, 1)
    assert softmax([float("-inf"), sp.log(2), sp.log(6)]) == (0, R(1, 4), R(3, 4))
    # floats are read as the decimals they print as: e^(1/2) / (e^(1/2) + e^(1/2)) = 1/2
    assert softmax([0.5, R(1, 2)]) == (R(1, 2), R(1, 2))


def test_posterior_network_subsets_must_be_index_sets():
    p = random_distribution(2, "ab", seed=0)
    # before: subsets=["ab"] died with a raw ValueError from int('a')
    with pytest.raises(InvalidInput, match="set of bit indices"):
        posterior_network(p, subsets=["ab"])
    with pytest.raises(InvalidInput, match="index of the subset"):
        posterior_network(p, subsets=[["a"]])
    with pytest.raises(InvalidInput, match="collection of index sets"):
        posterior_network(p, subsets="01")
    with pytest.raises(InvalidInput, match="set of bit indices"):
        posterior_network(p, subsets=[0, 1])
    with pytest.raises(InvalidInput, match="bool"):
        posterior_network(p, subsets=[{True}])
    # the full list of subsets is accepted (a generic distribution needs all three)
    net = posterior_network(p, subsets=[{0}, {1}, (0, 1)])
    assert set(net.subsets) == {frozenset({0}), frozenset({1}), frozenset({0, 1})}

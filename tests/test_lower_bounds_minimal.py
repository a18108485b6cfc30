"""symnet.lower_bounds.minimal_width: certified minimal widths (MATH.md sections 3-4).

Expected widths come from the theorems' closed forms (2^n, 2^n - 1, prod(r_i + 1)) and from the
hand constructions in MATH.md (the 3-neuron output-bias gate, uv = ((u+v)^2 - (u-v)^2)/4); the
networks are checked by sympy expansions written here, not by symnet's expansion.
"""

from __future__ import annotations

import math

import pytest
import sympy as sp

from symnet import activations
from symnet.errors import InvalidInput, TooLargeError
from symnet.lower_bounds import (
    SEED_DROPPED,
    GroebnerCertificate,
    TheoremCertificate,
    VanishingCertificate,
    minimal_width,
    proof_matrix,
)


def taylor_through(net, degree):
    """Independent expansion: series in a scale t of N(t x), truncated after t^degree."""
    t = sp.Symbol("t")
    xs = net.default_inputs()
    series = sp.series(net.expression([t * x for x in xs]), t, 0, degree + 1).removeO()
    return sp.expand(series.subs(t, 1))


def exp_taylor(net, degree):
    """For sigma = exp: c + sum_j w_j sum_{k <= degree} (a_j . x)^k / k!, expanded by sympy."""
    xs = net.default_inputs()
    hidden, out = net.layers
    total = out.bias[0]
    for j in range(hidden.width):
        lin = sum(hidden.weights[j, i] * xs[i] for i in range(len(xs)))
        total += out.weights[0, j] * sum(lin**k / sp.factorial(k) for k in range(degree + 1))
    return sp.expand(total)


def test_n2_bias_free_is_4_certified():
    r = minimal_width(2)
    assert (r.width, r.status, r.lower, r.upper) == (4, "certified", 4, 4)
    assert isinstance(r.certificate, GroebnerCertificate) and r.certificate.width == 3
    assert any(isinstance(c, TheoremCertificate) for c in r.lower_certificates)  # and the theorem agrees
    assert r.check()
    assert r.failed_hypotheses == () and r.dropped_hypothesis is None
    # the witness meets the conditions for a concrete activation too: the same hidden weights with exp
    assert proof_matrix(r.network).has_full_row_rank()


def test_n2_output_bias_is_3_and_names_the_dropped_hypothesis():
    r = minimal_width(2, model="output-bias", activation="exp")
    assert (r.width, r.status) == (3, "certified")
    net = r.network
    assert net.hidden_neurons == 3 and net.layers[1].bias[0] != 0
    x1, x2 = net.default_inputs()
    assert taylor_through(net, 2) == x1 * x2  # explicit expansion: degrees 0, 1, 2 of N are 0, 0, x1 x2
    assert r.certificate.width == 2 and r.check()
    assert r.dropped_hypothesis == SEED_DROPPED and "k = 0" in r.dropped_hypothesis
    assert [h.statement for h in r.failed_hypotheses] == ["the degree-0 condition (k = 0) is imposed: no output bias"]
    # below the bias-free theorem's 2^n = 4: the seed's statement without k = 0 is false
    assert r.width < 2**2


def test_generic_output_bias_network_has_three_neurons():
    r = minimal_width(2, model="output-bias")
    assert r.width == 3 and r.status == "certified"
    a = [tuple(row) for row in r.network.layers[0].weights.tolist()]
    assert sorted(a) == [(0, 1), (1, 0), (1, 1)]  # the mixed difference of MATH.md sec. 3


def test_square_needs_two():
    r = minimal_width(2, activation="square")
    assert (r.width, r.status) == (2, "certified")
    x1, x2 = r.network.default_inputs()
    assert sp.expand(r.network.expression()) == x1 * x2  # exact, no truncation needed
    failed = {h.statement for h in r.failed_hypotheses}
    assert failed == {"sigma^(0)(0) != 0", "sigma^(1)(0) != 0"}
    assert r.dropped_hypothesis == SEED_DROPPED
    assert r.check()


def test_cos_needs_two():
    # cos(u - v) - cos(u + v) = 2 sin u sin v = 2uv + O(4): sigma'(0) = 0 lets 2 neurons do it
    r = minimal_width(2, activation="cos")
    assert r.width == 2 and r.check()
    assert taylor_through(r.network, 2) == sp.Mul(*r.network.default_inputs())


def test_tanh_is_impossible():
    r = minimal_width(2, activation="tanh")
    assert r.status == "impossible" and r.width is None and r.lower is None
    assert isinstance(r.certificate, VanishingCertificate) and r.check()
    assert "no width works" in str(r)


def test_silu_behaves_like_an_output_bias():
    # silu(0) = 0: the degree-0 condition is vacuous, so the bias-free bound drops to 2^n - 1
    r = minimal_width(2, activation="silu")
    assert r.width == 3 and r.status == "certified" and r.dropped_hypothesis == SEED_DROPPED


def test_n3_is_8_by_the_theorem_and_honest_about_groebner():
    r = minimal_width(3)
    assert (r.width, r.status, r.lower, r.upper) == (8, "theorem", 8, 8)
    assert isinstance(r.certificate, TheoremCertificate)
    assert any("beyond the Groebner limit" in n for n in r.notes)
    assert r.check()


@pytest.mark.parametrize("r", [(1,), (2,), (3,), (4,), (1, 2), (2, 2), (1, 1, 2), (3, 1)])
def test_monomials_prod_r_plus_1(r):
    full = math.prod(e + 1 for e in r)  # RT Thm II.1
    res = minimal_width(r, activation="exp")
    out = minimal_width(r, model="output-bias", activation="exp")
    assert res.width == full and res.status in ("certified", "theorem")
    monomial = sp.Mul(*[x**e for x, e in zip(res.network.default_inputs(), r, strict=True)])
    assert exp_taylor(res.network, sum(r)) == monomial == exp_taylor(out.network, sum(r))
    assert out.width == full - 1
    assert res.check() and out.check()


@pytest.mark.parametrize("d", [2, 3])
def test_univariate_groebner_certified(d):
    # x^d: d + 1 neurons; d neurons impossible (Groebner, a handful of unknowns)
    r = minimal_width((d,))
    assert r.width == d + 1 and r.status == "certified" and isinstance(r.certificate, GroebnerCertificate)


def test_unknown_is_an_honest_result():
    # sigma = x^3: x1 x2 x3 is a sum of 4 cubes (found by the search); 3 is the certified lower bound
    # (catalecticant), and width 3 is beyond the Groebner limit: the answer is "unknown", not a guess
    r = minimal_width(3, activation="cube")
    assert r.status == "unknown" and r.width is None
    assert (r.lower, r.upper) == (3, 4)
    assert sp.expand(r.network.expression()) == sp.Mul(*r.network.default_inputs())
    assert "unknown: 3 <= width <= 4" in str(r)
    assert r.check()


def test_biased_models():
    cos = minimal_width(2, model="biased", activation="cos")
    assert cos.width == 2 and cos.check()
    silu = minimal_width(2, model="biased", activation="silu", search_budget=200)
    # silu' has a real zero b* (near -1.28) with silu''(b*) != 0, so width 2 exists with the irrational
    # bias b*, which the exact search does not build; the generic relaxation (sigma'(b) = 0 allowed)
    # cannot exclude 2 either, so the status is honestly unknown
    assert silu.status == "unknown" and (silu.lower, silu.upper) == (2, 3)
    assert any("generic relaxation" in n for n in silu.notes)
    assert silu.check()
    # sigmoid' has no zero: width 2 is certified impossible (tests/test_lower_bounds_biased.py)
    sig = minimal_width(2, model="biased", activation="sigmoid", search_budget=200)
    assert (sig.width, sig.status) == (3, "certified")
    assert sig.network.layers[0].bias[0] != 0 and sig.check()


def test_progress_messages():
    seen = []
    minimal_width(2, progress=seen.append)
    assert any("Groebner" in m for m in seen) and any("lower bound" in m for m in seen)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(target=0), InvalidInput, "n >= 1"),
    (dict(target=2, model="relu"), InvalidInput, "unknown model"),
    (dict(target=(1, 0.5)), InvalidInput, "non-negative int"),
    (dict(target=40), TooLargeError, "at most"),
    (dict(target=2, activation="softmax"), InvalidInput, "unknown activation"),
])
def test_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        minimal_width(**kwargs)


def test_generic_activation_and_mixed_degrees():
    x1, x2 = sp.symbols("x_1 x_2", real=True)
    with pytest.raises(InvalidInput, match="pass a concrete activation"):
        minimal_width(x1 * x2 + x1)
    r = minimal_width(x1 * x2 + x1, activation="exp")  # exp: all derivatives 1, the degrees combine
    assert r.width == 2 and r.status == "certified" and r.check()
    assert sp.expand(exp_taylor(r.network, 2)) == x1 * x2 + x1


def test_activation_objects_accepted():
    act = activations.polynomial([1, 1, 1])  # 1 + x + x^2: all derivatives through 2 nonzero at 0
    assert minimal_width(2, activation=act).width == 4

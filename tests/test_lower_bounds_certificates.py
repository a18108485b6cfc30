"""symnet.lower_bounds certificates: feasibility for fixed weights, Groebner, catalecticant, tampering.

Independent routes: sympy's Matrix.rank on the augmented system (not flint, not the numpy
re-check), sympy series of the network expression, Groebner versus rank for the same widths,
and hand-derived closed forms (C(n, floor(n/2)) for the product's catalecticant).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations
from symnet.errors import CertificateError, InvalidInput, ShapeError, TooLargeError
from symnet.lower_bounds import (
    CatalecticantCertificate,
    GroebnerCertificate,
    InfeasibleCertificate,
    RankCertificate,
    Undecided,
    VanishingCertificate,
    WitnessCertificate,
    as_target,
    catalecticant_bound,
    condition_rows,
    feasibility,
    groebner_attempt,
    proof_matrix,
)
from symnet.network import Network

SIGNS2 = [[1, 1], [1, -1], [-1, 1], [-1, -1]]


def sympy_feasible(n, a, act, model="bias-free"):
    """Independent route: the raw conditions sum_j w_j sigma^(k)(0)/alpha! a_j^alpha = p_alpha, Matrix.rank."""
    target = as_target(n)
    ds = [act.derivative(k) for k in range(n + 1)]
    rows = condition_rows(target, model)
    V = sp.Matrix([[ds[sum(al)] / math.prod(math.factorial(e) for e in al)
                    * sp.prod([sp.Rational(v.numerator, v.denominator) ** e for v, e in zip(aj, al, strict=True)])
                    for aj in a] for al in rows])
    r = sp.Matrix([target.coefficient(al) for al in rows])
    return V.rank() == V.row_join(r).rank()


def random_weights(rng, n, m, den=4):
    return [[Fraction(rng.randint(-6, 6), rng.randint(1, den)) for _ in range(n)] for _ in range(m)]


# -- feasibility for fixed hidden weights ---------------------------------------------------------------
def test_four_neuron_product_hand_weights():
    # 2^n formula (MATH.md sec. 2) at lam = 1, sigma = exp: w_s = s_1 s_2 / (4 sigma''(0)) = +-1/4
    cert = feasibility(2, SIGNS2, activation="exp")
    assert isinstance(cert, WitnessCertificate) and cert.feasible and cert.check()
    assert list(cert.network.layers[1].weights) == [sp.Rational(1, 4), -sp.Rational(1, 4), -sp.Rational(1, 4),
                                                   sp.Rational(1, 4)]


def test_three_neuron_output_bias_network_by_series():
    # uv ~ [sigma(u+v) - sigma(u) - sigma(v) + sigma(0)] / sigma''(0) (MATH.md sec. 3): the solve must find it
    exp = activations.get("exp")
    cert = feasibility(2, [[1, 1], [1, 0], [0, 1]], model="output-bias", activation="exp")
    net = cert.network
    assert list(net.layers[1].weights) == [1, -1, -1] and net.layers[1].bias[0] == 1
    # explicit expansion, independent of symnet's expansion: series in a scale t of N(t u, t v)
    t, u, v = sp.symbols("t u v")
    series = sp.series(net.expression([t * u, t * v]), t, 0, 3).removeO()
    assert sp.expand(series) == sp.expand(t**2 * u * v)
    assert cert.check()
    # bias-free, the same three neurons cannot do it (the k = 0 row sum_j w_j = 0 fails): both routes agree
    assert not feasibility(2, [[1, 1], [1, 0], [0, 1]], activation="exp").feasible
    assert not sympy_feasible(2, [[Fraction(1), Fraction(1)], [Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]],
                              exp)


def test_square_two_neurons():
    cert = feasibility(2, [[1, 1], [1, -1]], activation="square")
    x1, x2 = sp.symbols("x_1 x_2", real=True)
    assert sp.expand(cert.network.expression()) == x1 * x2  # exact: ((x1+x2)^2 - (x1-x2)^2)/4


@pytest.mark.parametrize("n, widths", [(2, (1, 2, 3, 4, 5)), (3, (6, 7, 8, 9)), (4, (15,))])
def test_random_weights_rank_and_sympy_agree(n, widths):
    # random hidden weights: no output weights exist, even at m >= 2^n (the 2^n weights are special)
    rng = random.Random(n)
    exp = activations.get("exp")
    for m in widths:
        a = random_weights(rng, n, m)
        cert = feasibility(n, a, activation="exp")
        assert cert.check()
        assert cert.feasible is sympy_feasible(n, a, exp) is False


@pytest.mark.parametrize("n", [5, 6])
def test_random_weights_below_2n_infeasible_n5_n6(n):
    rng = random.Random(100 + n)
    a = random_weights(rng, n, 2**n - 1, den=7)
    for evidence in ("minor", "null-vector"):
        cert = feasibility(n, a, activation="exp", evidence=evidence)
        assert isinstance(cert, InfeasibleCertificate) and cert.evidence_kind == evidence
        assert cert.check()


@given(st.integers(2, 3), st.data())
def test_random_activations_and_weights_infeasible(n, data):
    """Any activation with nonzero sigma^(k)(0), k <= n, and any m < 2^n hidden weights: no output weights."""
    coeffs = data.draw(st.lists(st.fractions(-5, 5, max_denominator=5).filter(bool), min_size=n + 1,
                                max_size=n + 3))
    act = activations.polynomial(coeffs)
    m = data.draw(st.integers(1, 2**n - 1))
    ent = st.fractions(-4, 4, max_denominator=3)
    a = data.draw(st.lists(st.lists(ent, min_size=n, max_size=n), min_size=m, max_size=m))
    cert = feasibility(n, a, activation=act)
    assert not cert.feasible and cert.check()
    assert sympy_feasible(n, a, act) is False


@given(st.sampled_from(["exp(2*x)", "exp(x) + x**2 + 1", "1/(1 - x/2)", "cos(x) + sin(x)"]), st.integers(1, 3))
def test_from_expression_activations(formula, n):
    act = activations.from_expression(formula)
    rng = random.Random(n)
    a = random_weights(rng, n, 2**n - 1)
    cert = feasibility(n, a, activation=act)
    assert not cert.feasible and cert.check()


def test_repeated_neurons_use_the_exact_fallback():
    # two equal columns: no full column rank mod p, so the exact row reduction over Q decides
    exp = activations.get("exp")
    a = [[1, 1], [1, 1], [1, -1], [-1, 1], [-1, -1]]
    cert = feasibility(2, a, activation="exp")
    assert cert.feasible and cert.check()
    assert sympy_feasible(2, [[Fraction(v) for v in row] for row in a], exp)
    bad = feasibility(2, [[1, 1], [1, 1], [1, 2]], activation="exp")
    assert not bad.feasible and bad.evidence_kind == "null-vector" and bad.check()


def test_feasibility_with_network_input():
    net = Network.single_hidden_layer(SIGNS2, [1, 2, 3, 4], "exp")  # output weights are solved for
    cert = feasibility(2, net)
    assert cert.feasible and cert.check()
    with pytest.raises(InvalidInput, match="inconsistent with model 'bias-free'"):
        feasibility(2, Network.single_hidden_layer(SIGNS2, [1] * 4, "exp", output_bias=1), model="bias-free")
    with pytest.raises(InvalidInput, match="differs"):
        feasibility(2, net, activation="tanh")
    with pytest.raises(InvalidInput, match=r"2 inputs, the target x_1\*x_2\*x_3 has 3"):
        feasibility(3, net)


def test_feasibility_bad_input():
    with pytest.raises(ShapeError, match="2 columns"):
        feasibility(2, [[1, 2, 3]])
    with pytest.raises(InvalidInput, match="unknown model"):
        feasibility(2, SIGNS2, model="shallow")
    with pytest.raises(InvalidInput, match="evidence"):
        feasibility(2, SIGNS2, evidence="proof")
    with pytest.raises(InvalidInput, match="prime"):
        feasibility(2, SIGNS2, prime=2**61 - 1)
    signs10 = [list(s) for s in itertools.product((-1, 1), repeat=10)]
    with pytest.raises(TooLargeError, match="matrix entries"):  # 184756 conditions x 1024 neurons
        feasibility(10, signs10)


def test_vanishing_and_undecided():
    cert = feasibility(2, SIGNS2, activation="tanh")  # tanh''(0) = 0 but x1 x2 has degree 2
    assert isinstance(cert, VanishingCertificate) and cert.check()
    und = feasibility(2, [[1, 1], [1, 0], [0, 1]], model="biased", activation="gelu", hidden_bias=[1, 1, 2])
    assert isinstance(und, Undecided) and und.feasible is None and "undecidable" in und.reason
    with pytest.raises(CertificateError, match="not decided"):
        und.check()


def test_biased_fixed_weights():
    # sigma = x^2 with hidden biases: sigma' = 2b_j differs per neuron; hand check on two neurons
    # (1, 1) and (1, -1) at b = 0: ((x1+x2)^2 - (x1-x2)^2)/4 = x1 x2: feasible with an output bias 0
    cert = feasibility(2, [[1, 1], [1, -1]], model="biased", activation="square", hidden_bias=[0, 0])
    assert cert.feasible and cert.check()
    cert = feasibility(2, [[1, 1], [1, -1]], model="biased", activation="square", hidden_bias=[1, 2])
    # degree 1: w1*2*1*(1,1) + w2*2*2*(1,-1) = 0 forces w1 = w2 = 0 -> infeasible
    assert not cert.feasible and cert.evidence_kind == "null-vector" and cert.check()
    # distinct biases, feasible: the third neuron (bias 1) must get w3 = 0 from the degree-1 rows
    cert = feasibility(2, [[1, 1], [1, -1], [1, 0]], model="biased", activation="square", hidden_bias=[0, 0, 1])
    assert cert.feasible and cert.check()
    assert list(cert.network.layers[1].weights) == [sp.Rational(1, 4), -sp.Rational(1, 4), 0]


# -- tampering: check() must catch wrong evidence ------------------------------------------------------
def test_tampered_infeasible_certificates():
    a = random_weights(random.Random(1), 2, 3)
    minor = feasibility(2, a, activation="exp")
    assert minor.check()
    with pytest.raises(CertificateError, match="distinct rows"):
        dataclasses.replace(minor, rows=minor.rows[:-1]).check()
    with pytest.raises(CertificateError):
        dataclasses.replace(minor, rows=(minor.rows[0],) * 4).check()
    other = tuple(r for r in condition_rows(as_target(2), "bias-free") if r not in minor.rows)
    with pytest.raises(CertificateError, match="no condition"):
        dataclasses.replace(minor, rows=((3, 0), *minor.rows[1:])).check()
    del other
    null = feasibility(2, a, activation="exp", evidence="null-vector")
    assert null.check()
    with pytest.raises(CertificateError, match="not 0"):
        dataclasses.replace(null, y=(null.y[0] + 1, *null.y[1:])).check()
    # the same y for weights that do admit a network cannot separate
    with pytest.raises(CertificateError):
        dataclasses.replace(null, input_weights=tuple(tuple(sp.Integer(v) for v in s) for s in SIGNS2)).check()


def test_inputs_and_evidence():
    minor = feasibility(2, random_weights(random.Random(3), 2, 3), activation="exp")
    assert set(minor.inputs) == {"target", "model", "activation", "input_weights", "hidden_bias"}
    assert len(minor.evidence["rows"]) == 4 and minor.evidence["prime"] == 2**31 - 1
    witness = feasibility(2, SIGNS2, activation="exp")
    assert witness.evidence["network"] is witness.network
    assert set(groebner_attempt(2, 3).certificate.evidence) == {"order", "algorithm", "seconds", "assumes"}


def test_tampered_witness():
    cert = feasibility(2, SIGNS2, activation="exp")
    wrong = Network.single_hidden_layer(SIGNS2, [1, -1, -1, 2], "exp")
    with pytest.raises(CertificateError, match="coefficient"):
        dataclasses.replace(cert, network=wrong).check()
    with pytest.raises(CertificateError, match="output bias"):
        dataclasses.replace(cert, network=Network.single_hidden_layer(SIGNS2, [1] * 4, "exp", output_bias=1)).check()


def test_rank_certificate_tampering():
    net = Network.single_hidden_layer(SIGNS2, [1] * 4, "exp")
    cert = proof_matrix(net).certificate()
    assert isinstance(cert, RankCertificate) and cert.check()
    singular = ((1, 1), (1, 1), (1, -1), (-1, 1))
    with pytest.raises(CertificateError, match="rank"):
        dataclasses.replace(cert, points=singular).check()
    with pytest.raises(CertificateError, match="not prime"):
        dataclasses.replace(cert, prime=2**31 - 3).check()


# -- catalecticant ---------------------------------------------------------------------------------
@pytest.mark.parametrize("n", range(1, 7))
def test_catalecticant_of_product(n):
    cert = catalecticant_bound(n)
    assert isinstance(cert, CatalecticantCertificate)
    assert cert.rank == math.comb(n, n // 2) and cert.check()  # RT Cor. II.3


def test_catalecticant_small_cases():
    x1, x2 = sp.symbols("x_1 x_2", real=True)
    assert catalecticant_bound((5,)).rank == 1                  # x^5 is one fifth power
    assert catalecticant_bound((2, 1)).rank == 2                # d/dx1 -> 2 x1 x2, d/dx2 -> x1^2
    assert catalecticant_bound(x1**2 + x2**2).rank == 2
    assert catalecticant_bound((x1 + x2) ** 3).rank == 1        # a cube of a linear form
    cert = catalecticant_bound(4)
    with pytest.raises(CertificateError, match="singular"):
        dataclasses.replace(cert, cols=(cert.cols[0],) * cert.rank).check()


# -- Groebner ------------------------------------------------------------------------------------------
def test_groebner_product_n2():
    # width 3 is impossible bias-free, width 4 is attained (Groebner basis != {1} there)
    bad = groebner_attempt(2, 3)
    assert bad.status == "unit-ideal" and bad.impossible and bad.certificate.check()
    assert "sigma^(0)(0) != 0" in bad.certificate.claim
    assert groebner_attempt(2, 4, activation="exp").status == "not-unit"
    assert groebner_attempt(2, 2, model="output-bias").certificate.check()
    assert groebner_attempt(2, 3, model="output-bias").status == "not-unit"
    assert groebner_attempt(2, 1, activation="square").certificate.check()
    assert groebner_attempt(2, 2, activation="square").status == "not-unit"
    assert groebner_attempt(2, 5, activation="tanh").status == "contradiction"


def test_groebner_agrees_with_rank_route():
    # all weights at width 3 impossible (Groebner) <=> every fixed choice of 3 hidden weights is infeasible
    rng = random.Random(7)
    assert groebner_attempt(2, 3, activation="exp").impossible
    for _ in range(5):
        assert not feasibility(2, random_weights(rng, 2, 3), activation="exp").feasible


def test_groebner_limits():
    big = groebner_attempt(3, 7)
    assert big.status == "too-large" and big.certificate is None and big.impossible is None
    import multiprocessing

    timed = groebner_attempt(3, 7, max_unknowns=64, time_limit=0.5)
    assert timed.status == "timeout" and timed.certificate is None
    assert "timeout" in str(timed)
    assert multiprocessing.active_children() == []  # the child computation was stopped
    with pytest.raises(InvalidInput, match="time_limit"):
        groebner_attempt(2, 3, time_limit=-1)
    with pytest.raises(InvalidInput, match="width"):
        groebner_attempt(2, 0)


def test_groebner_tampering():
    cert = groebner_attempt(2, 3).certificate
    s = cert.system
    fewer = dataclasses.replace(s, equations=s.equations[:-1], rows=s.rows[:-1])
    with pytest.raises(CertificateError, match="is missing"):
        dataclasses.replace(cert, system=fewer).check()
    wrong = dataclasses.replace(s, equations=(s.equations[0] + 1, *s.equations[1:]))
    with pytest.raises(CertificateError, match="not the expanded condition"):
        dataclasses.replace(cert, system=wrong).check()
    assert isinstance(cert, GroebnerCertificate)


@pytest.mark.slow
def test_groebner_monomial_x1sq_x2():
    # prod(r_i + 1) = 6 for x1^2 x2 (bias-free), 5 with an output bias: one fewer is impossible
    for model, width in (("bias-free", 5), ("output-bias", 4)):
        attempt = groebner_attempt((2, 1), width, model, "exp", max_unknowns=16, time_limit=300)
        assert attempt.status == "unit-ideal"


@pytest.mark.slow
def test_feasibility_n8_both_ways():
    signs = [list(s) for s in itertools.product((-1, 1), repeat=8)]
    assert feasibility(8, signs, activation="exp").feasible
    cert = feasibility(8, random_weights(random.Random(8), 8, 255), activation="exp")
    assert not cert.feasible and cert.check()

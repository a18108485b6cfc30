"""The one-sigmoid product of k bits (MATH.md section 5).

Independent routes: the worst case is found by enumerating all 2^k bit vectors, evaluating the
network's exact symbolic output and its mpmath evaluation at 50 digits, and comparing with the
closed form 1/(1 + e^(beta/2)) exactly (sympy) and numerically.
"""

from __future__ import annotations

import itertools
import math

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet.constructions import LAM, binary_product
from symnet.constructions.binary import LTR_BETA_CLAIM, required_beta, worst_case_error
from symnet.errors import InvalidInput


def enumerate_errors(c):
    """All (bits, exact error) pairs, by substituting the bits into the network's expression."""
    expr = c.expression()
    out = []
    for bits in itertools.product((0, 1), repeat=len(c.variables)):
        value = expr.xreplace(dict(zip(c.variables, map(sp.Integer, bits), strict=True)))
        target = sp.Integer(int(all(bits)))
        out.append((bits, sp.Abs(value - target)))
    return out


@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("beta", [sp.Integer(1), sp.Integer(23), sp.Rational(93, 2)])
def test_worst_case_by_enumeration(k, beta):
    c = binary_product(k, beta)
    errors = enumerate_errors(c)
    with mpmath.workdps(50):
        numeric = [(bits, mpmath.mpf(sp.N(err, 60))) for bits, err in errors]
        worst_bits, worst = max(numeric, key=lambda t: t[1])
        # hand derivation: error at m ones is sigma(beta(m - k + 1/2)) for m < k, sigma(-beta/2) at m = k
        hand = 1 / (1 + mpmath.exp(mpmath.mpf(beta.p) / beta.q / 2))
        assert abs(worst - hand) < mpmath.mpf(10) ** -45
        # the maximum is attained with k or k - 1 ones
        assert sum(worst_bits) in (k, k - 1)
        # network's own mpmath evaluation agrees with the symbolic enumeration
        for bits, err in numeric:
            net = c.network.mpmath(list(bits), dps=50)
            assert abs(abs(net - int(all(bits))) - err) < mpmath.mpf(10) ** -45
    exact_worst = next(err for bits, err in errors if sum(bits) == k)
    assert sp.simplify(exact_worst - worst_case_error(beta)) == 0
    # the recorded error against the enumeration (not against the same closed form)
    assert sp.simplify(c.parameters["worst_case_error"] - exact_worst) == 0


@given(k=st.integers(1, 6), num=st.integers(1, 400), den=st.integers(1, 8))
def test_worst_case_property(k, num, den):
    beta = sp.Rational(num, den)
    c = binary_product(k, beta)
    with mpmath.workdps(40):
        worst = max(mpmath.mpf(sp.N(err, 50)) for _, err in enumerate_errors(c))
        hand = 1 / (1 + mpmath.exp(mpmath.mpf(num) / den / 2))
        assert abs(worst - hand) <= hand * mpmath.mpf(10) ** -35


def test_structure():
    c = binary_product(4, 10)
    net = c.network
    assert (net.hidden_neurons, net.depth, net.synapses) == (1, 1, 5)
    assert list(net.layers[0].weights) == [10] * 4
    assert net.layers[0].bias[0] == -35  # -beta (k - 1/2)
    assert c.target == sp.Mul(*c.variables)
    assert c.activation.name == "sigmoid"


def test_default_beta_is_one_over_lam():
    c = binary_product(2)
    assert c.parameters["beta"] == 1 / LAM
    net = c.at_scale(sp.Rational(1, 40))
    with mpmath.workdps(30):
        assert abs(net.mpmath([1, 1]) - 1) < 1e-8
        assert abs(net.mpmath([1, 0])) < 1e-8


@pytest.mark.parametrize("digits", [1, 2, 5, 10])
@pytest.mark.parametrize("rounding", [False, True])
def test_required_beta(digits, rounding):
    t = required_beta(digits, rounding=rounding)
    tol = sp.Rational(1, 10**digits) / (2 if rounding else 1)
    assert t.tolerance == tol
    # at the threshold the error equals the tolerance exactly
    assert sp.simplify(worst_case_error(t.exact) - tol) == 0
    with mpmath.workdps(60):
        tol_mp = mpmath.mpf(tol.p) / tol.q
        beta = mpmath.mpf(sp.N(t.exact, 70))
        err = lambda b: 1 / (1 + mpmath.exp(b / 2))
        assert err(beta + mpmath.mpf("1e-6")) < tol_mp < err(beta - mpmath.mpf("1e-6"))
    # and the approximation 2 D ln 10 (+ 2 ln 2 for rounding): 2 ln(1/u - 1) = -2 ln u + 2 ln(1 - u),
    # with |2 ln(1 - u)| <= 2u / (1 - u), u = the tolerance
    u = float(tol)
    approx = 2 * digits * math.log(10) + (2 * math.log(2) if rounding else 0)
    assert 0 < approx - t.value <= 2 * u / (1 - u) + 1e-12


def test_ltr_claim_is_wrong():
    # LTR: beta > D ln 10 ~ 23 suffices for D = 10 decimals
    assert abs(10 * math.log(10) - LTR_BETA_CLAIM) < 0.1
    err = 1 / (1 + math.exp(LTR_BETA_CLAIM / 2))
    assert 1.0e-5 < err < 1.02e-5  # about 1e-5: 4 correct decimals, not 10
    c = binary_product(10, LTR_BETA_CLAIM)
    worst = c.network.mpmath([1] * 10, dps=30)
    assert abs((1 - worst) - mpmath.mpf(err)) < 1e-15
    assert 1 - worst > mpmath.mpf(10) ** -10
    assert float(required_beta(10)) > 46
    assert any("LTR" in note and "23" in note for note in c.notes)


@pytest.mark.parametrize("k", [0, -1, True, 2.0, "3", None])
def test_bad_k(k):
    with pytest.raises(InvalidInput, match="k"):
        binary_product(k, 5)


@pytest.mark.parametrize("beta", [0, -3, sp.Integer(-1), float("inf"), "10", sp.Symbol("t")])
def test_bad_beta(beta):
    with pytest.raises(InvalidInput, match="beta"):
        binary_product(2, beta)


def test_symbolic_positive_beta_allowed():
    t = sp.Symbol("t", positive=True)
    assert binary_product(2, t).parameters["worst_case_error"] == 1 / (1 + sp.exp(t / 2))


@pytest.mark.parametrize("digits", [0, -2, True, 1.5])
def test_bad_digits(digits):
    with pytest.raises(InvalidInput, match="decimals"):
        required_beta(digits)


def test_bad_rounding():
    with pytest.raises(InvalidInput, match="rounding"):
        required_beta(3, rounding="yes")
    with pytest.raises(InvalidInput, match="beta"):
        worst_case_error(None)


@pytest.mark.parametrize("rounding", [False, True])
def test_required_beta_for_a_million_decimals(rounding):
    # AUDIT2 item 9: 10**(10**6) has more digits than Python converts to str (a raw ValueError
    # before). 2 ln(c 10^D - 1) = 2 D ln 10 + 2 ln c + 2 ln(1 - 10^-D / c), c = 2 when rounding.
    d = 10**6
    t = required_beta(d, rounding=rounding)
    c = 2 if rounding else 1
    assert t.value == pytest.approx(2 * d * math.log(10) + 2 * math.log(c), rel=1e-15)
    with mpmath.workdps(30):
        assert abs(mpmath.mpf(sp.N(t.exact, 30)) - 2 * (d * mpmath.log(10) + mpmath.log(c))) < mpmath.mpf(10) ** -20
    text = str(t) + repr(t)
    assert f"10**{d}" in text and len(text) < 400


def test_required_beta_beyond_its_limit():
    from symnet.errors import TooLargeError

    with pytest.raises(TooLargeError, match="decimals D"):
        required_beta(10**6 + 1)

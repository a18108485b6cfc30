"""RT's monomial construction x^r with prod(r_i + 1) neurons (MATH.md section 4).

Independent routes:
- hand derivation (written out below): sinh(y)^r = y^r (1 + y^2/6 + y^4/120 + ...)^r, so
  N - x^r = lam^2 s_{N+2}/(6 s_N) x^r sum_i r_i x_i^2
          + lam^4 s_{N+4}/s_N x^r [sum_i (r_i/120 + C(r_i,2)/36) x_i^4 + sum_{i<j} r_i r_j x_i^2 x_j^2 / 36] + ...
  with s_k = sigma^(k)(b);
- the construction's closed form (sinh coefficients) against the explicit expansion of the
  network (series.error(method="explicit"), which knows nothing about sinh);
- mpmath evaluation of network minus target at 80 digits at a small scale.
"""

from __future__ import annotations

import itertools
import math

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations, series
from symnet.constructions import LAM, MAX_EXPLICIT_NEURONS, monomial
from symnet.constructions.monomial import (
    deep_monomial,
    monomial_error_terms,
    sinh_power_coefficient,
    sinh_product_terms,
)
from symnet.constructions.shallow import odd_part
from symnet.errors import HypothesisError, InvalidInput, NotSmoothError, TooLargeError
from symnet.network import input_symbols

MIXED = [(2, 1), (3, 2), (1, 1, 2)]


def hand_terms(r, xs, d):
    """lam^2 and lam^4 coefficients of N - x^r by the hand derivation in the module docstring."""
    n_deg = sum(r)
    xr = sp.Mul(*[x**ri for x, ri in zip(xs, r, strict=True)])
    t2 = d(n_deg + 2) / (6 * d(n_deg)) * xr * sum(ri * x**2 for ri, x in zip(r, xs, strict=True))
    quartic = sum((sp.Rational(ri, 120) + sp.Rational(math.comb(ri, 2), 36)) * x**4
                  for ri, x in zip(r, xs, strict=True))
    mixed = sum(sp.Rational(r[i] * r[j], 36) * xs[i] ** 2 * xs[j] ** 2
                for i, j in itertools.combinations(range(len(r)), 2))
    t4 = d(n_deg + 4) / d(n_deg) * xr * (quartic + mixed)
    return sp.expand(t2), sp.expand(t4)


def same(a, b):
    return sp.simplify(sp.expand(a - b)) == 0


@pytest.mark.parametrize("r", MIXED)
def test_neuron_count_and_shape(r):
    c = monomial(r, activations.generic())
    width = math.prod(ri + 1 for ri in r)
    assert c.hidden_neurons == width == c.network.hidden_neurons
    assert c.depth == c.network.depth == 1
    assert c.target == sp.Mul(*[x**ri for x, ri in zip(c.variables, r, strict=True)])
    # every multi-index k gives a distinct weight vector lam (r - 2k)
    rows = {tuple(c.network.layers[0].weights.row(j)) for j in range(width)}
    assert len(rows) == width


@pytest.mark.parametrize("r", MIXED)
def test_generic_leading_term_matches_hand_derivation(r):
    c = monomial(r, activations.generic())
    b = c.parameters["bias"]
    d = lambda k: activations.generic().derivative(k, b)
    t2, t4 = hand_terms(r, c.variables, d)
    for method in ("closed", "explicit"):
        err = series.error(c, 4, method=method)
        assert min(err.terms) == 2, (method, err.terms)  # no lam^0 term, no negative powers
        assert err.leading_order == 2
        assert same(err.terms[2], t2)
        assert same(err.terms[4], t4)
        assert same(err.leading, LAM**2 * t2)


# (tanh at ln 2 and gelu away from 0 have slow-to-simplify exact derivatives: used where b = 0)
CONCRETE = [(name, r) for name in ("exp", "softplus", "sigmoid", "silu") for r in MIXED]
CONCRETE += [("tanh", (2, 1)), ("tanh", (3, 2)), ("gelu", (1, 1, 2))]


@pytest.mark.parametrize(("name", "r"), CONCRETE)
def test_concrete_closed_form_equals_explicit_expansion(name, r):
    act = activations.get(name)
    c = monomial(r, act)
    closed = series.error(c, 6, method="closed").terms
    explicit = series.error(c, 6, method="explicit").terms
    assert set(closed) == set(explicit)
    assert 0 not in closed
    for p in closed:
        assert same(closed[p], explicit[p]), p
    b = c.parameters["bias"]
    t2, _ = hand_terms(r, c.variables, lambda k: act.derivative(k, b))
    assert same(closed.get(2, 0), t2)


@pytest.mark.parametrize(("name", "r"), [*[("exp", r) for r in MIXED], *[("softplus", r) for r in MIXED],
                                         ("gelu", (1, 1, 2)), ("tanh", (3, 2))])
def test_mpmath_agrees_with_series(name, r):
    c = monomial(r, activations.get(name))
    err = series.error(c, 6)
    lam = sp.Rational(1, 10**5)
    point = [sp.Rational(3, 7), sp.Rational(-5, 11), sp.Rational(2, 3)][: len(r)]
    subs = dict(zip(c.variables, point, strict=True))
    with mpmath.workdps(90):
        value = c.at_scale(lam).mpmath(point, dps=80) - mpmath.mpf(sp.N(c.target.xreplace(subs), 90))
        approx = mpmath.mpf(sp.N(sum(t.xreplace(subs) * lam**p for p, t in err.terms.items()), 90))
        lead = mpmath.mpf(sp.N(err.terms[2].xreplace(subs) * lam**2, 90))
        assert abs(value - approx) < mpmath.mpf(10) ** -35  # remainder O(lam^8) ~ 1e-40
        assert abs(value - lead) > mpmath.mpf(10) ** -25 or err.terms.get(4, 0) == 0
        assert abs(value) > mpmath.mpf(10) ** -14  # the lam^2 term is really there


def test_cube_activation_is_exact_for_degree_three():
    # sigma = x^3: sigma''' = 6 and every higher derivative vanishes, so the network is x^r exactly
    c = monomial((2, 1), activations.get("cube"))
    assert series.error(c, 6, method="explicit").terms == {}
    assert sp.simplify(c.expression() - c.target) == 0


def test_univariate_is_shallow_d_plus_one():
    c = monomial(4, activations.get("exp"))
    assert c.parameters["exponents"] == (4,)
    assert c.hidden_neurons == 5


def test_sinh_power_coefficients_against_sympy_series():
    y = sp.Symbol("y")
    for r in range(5):
        poly = sp.series(sp.sinh(y) ** r, y, 0, 12).removeO()
        for m in range(12):
            assert sinh_power_coefficient(r, m) == poly.coeff(y, m), (r, m)


def test_bias_choice_and_notes():
    c = monomial((2, 1), activations.get("softplus"))  # softplus'''(0) = sigmoid''(0) = 0
    assert c.parameters["bias"] == sp.log(2)
    assert any("bias b = log(2) chosen" in n for n in c.notes)
    assert any("not of the bias-free model" in n for n in c.notes)
    c0 = monomial((2, 1), activations.get("exp"))
    assert c0.parameters["bias"] == 0 and c0.network.is_bias_free
    assert c0.hypotheses[0].holds is True


def test_vanishing_derivative_raises():
    with pytest.raises(HypothesisError, match=r"sigma''\(b\) != 0") as info:
        monomial((1, 1), activations.get("sigmoid"), bias=0)
    assert info.value.hypothesis == "sigma''(b) != 0"
    with pytest.raises(HypothesisError, match="every bias tried"):
        monomial((3, 1), activations.get("cube"))
    with pytest.raises(HypothesisError):
        monomial((2,), activations.get("relu"))


def test_not_smooth_raises():
    with pytest.raises(NotSmoothError):
        monomial((1, 1), activations.get("relu"), bias=0)


@pytest.mark.parametrize("bad", [(1.5, 1), (2, "1"), (True, 1), (-1, 2), (0, 0), (), "21", None, 2.0, [1, None]])
def test_bad_exponents(bad):
    with pytest.raises(InvalidInput, match="exponent"):
        monomial(bad, activations.get("exp"))


def test_bad_variables_and_activation():
    x, y = sp.symbols("x y")
    with pytest.raises(InvalidInput, match="variables"):
        monomial((1, 1), "exp", variables=(x,))
    with pytest.raises(InvalidInput, match="variables"):
        monomial((1, 1), "exp", variables=(x, x))
    for make in (monomial, deep_monomial):
        with pytest.raises(InvalidInput, match="Symbols"):
            make((1, 1), "exp", variables=("x", "y"))
        with pytest.raises(InvalidInput, match="sequence"):
            make((1, 1), "exp", variables="xy")
        with pytest.raises(InvalidInput, match="2 inputs"):
            make((1, 1), "exp", variables=(x, y, sp.Symbol("z")))
    with pytest.raises(InvalidInput):
        monomial((1, 1), "softmax")
    c = monomial((1, 2), "exp", variables=(x, y))
    assert c.target == x * y**2


@pytest.mark.parametrize("r", [(1,), (2, 1), (1, 1, 1), (3, 2), (4, 1, 2)])
def test_sinh_product_terms_against_sympy_series(r):
    # independent route: sympy's series of prod_i sinh(t x_i)^(r_i) in t
    xs = sp.symbols(f"x1:{len(r) + 1}")
    t = sp.Symbol("t")
    top = sum(r) + 6
    expr = sp.Mul(*[sp.sinh(t * x) ** ri for x, ri in zip(xs, r, strict=True)])
    expected = sp.series(expr, t, 0, top + 1).removeO()
    powers = list(range(top + 1))
    got = sinh_product_terms(r, xs, powers)
    assert sorted(got) == powers
    for m in powers:
        assert sp.expand(got[m] - expected.coeff(t, m)) == 0


def test_odd_part_is_the_sinh_product_with_unit_exponents():
    # E_1(x_1, x_2, x_3) by hand: sum_i x_i^3/6 * prod_{j != i} x_j
    x1, x2, x3 = input_symbols(3)
    assert sp.expand(odd_part(3, 1) - x1 * x2 * x3 * (x1**2 + x2**2 + x3**2) / 6) == 0
    assert odd_part(3, 0) == x1 * x2 * x3


def test_monomial_error_terms_order_is_checked():
    for bad in (-1, 2.5, True):
        with pytest.raises(InvalidInput, match="order"):
            monomial_error_terms((1, 1), activations.get("exp"), 0, bad, input_symbols(2))


def test_deep_monomial_is_on_the_facade():
    import symnet.constructions as facade

    assert facade.deep_monomial is deep_monomial and "deep_monomial" in facade.__all__


def test_large_monomial_stays_lazy():
    r = (12, 12, 12, 12)
    c = monomial(r, activations.generic())
    assert c.hidden_neurons == 13**4 > MAX_EXPLICIT_NEURONS
    with pytest.raises(TooLargeError):
        _ = c.network
    t2, _ = hand_terms(r, c.variables, lambda k: activations.generic().derivative(k, "b"))
    assert same(series.error(c, 2).terms[2], t2)


# --- property test over random smooth activations ----------------------------------------------

rationals = st.fractions(min_value=-3, max_value=3, max_denominator=5)


@st.composite
def smooth_activation_and_exponents(draw):
    n = draw(st.integers(1, 3))
    r = tuple(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    if sum(r) == 0:
        r = (*r[:-1], 1)
    n_deg = sum(r)
    if draw(st.booleans()):
        coeffs = draw(st.lists(rationals, min_size=n_deg + 7, max_size=n_deg + 7))
        lead = draw(st.fractions(min_value=sp.Rational(1, 4), max_value=2, max_denominator=4))
        coeffs[n_deg] = lead * draw(st.sampled_from([-1, 1]))
        act = activations.polynomial(coeffs)
    else:
        text = draw(st.sampled_from(["exp(x/2) + x**2/3", "log(1 + exp(x))", "tanh(x) + x**2",
                                     "x*exp(x)", "cos(x) + sin(2*x)", "1/(1 + exp(-x)) + x**3"]))
        act = activations.from_expression(text)
    return act, r


@given(data=smooth_activation_and_exponents(), lam_den=st.integers(10**5, 10**7),
       pt=st.lists(st.fractions(min_value=-1, max_value=1, max_denominator=9), min_size=3, max_size=3))
def test_property_series_agrees_with_mpmath(data, lam_den, pt):
    act, r = data
    # every activation drawn has sigma^(N)(b) != 0 at some candidate bias: HypothesisError would be a bug
    c = monomial(r, act)
    err = series.error(c, 6)
    assert 0 not in err.terms and all(p > 0 for p in err.terms)
    lam = sp.Rational(1, lam_den)
    point = [sp.Rational(f.numerator, f.denominator) for f in pt[: len(r)]]
    subs = dict(zip(c.variables, point, strict=True))
    with mpmath.workdps(140):
        # the output weights are ~ lam^-6 <= 1e42: 140 digits leave ~90 after the cancellation
        value = c.at_scale(lam).mpmath(point, dps=140) - mpmath.mpf(sp.N(c.target.xreplace(subs), 150))
        approx = mpmath.mpf(sp.N(sum(t.xreplace(subs) * lam**p for p, t in err.terms.items()), 150))
        # the remainder is O(lam^7) with a modest coefficient; lam^6.5 < lam^6, so the lam^6 term is
        # checked too (lam <= 1e-5: a coefficient up to lam^-0.5 >= 316 in the remainder is allowed)
        assert abs(value - approx) < mpmath.mpf(lam) ** mpmath.mpf(6.5)


# --- the deep route -----------------------------------------------------------------------------


def test_deep_power_of_two_by_hand():
    # x^8 = three squarings; with exp at 0 a square gate maps u to u^2 + lam^2 u^4/12 + O(lam^4):
    #   x^2 + lam^2 x^4/12  ->  x^4 + lam^2 (x^6/6 + x^8/12)  ->  x^8 + lam^2 (x^10/3 + x^12/6 + x^16/12)
    c = deep_monomial(8, activations.get("exp"))
    assert c.hidden_neurons == 6 and c.depth == 3 and c.network.widths == (2, 2, 2)
    x = c.variables[0]
    for method in ("explicit", "closed"):
        err = series.error(c, 2, method=method)
        assert err.leading_order == 2
        assert same(err.terms[2], x**10 / 3 + x**12 / 6 + x**16 / 12)


@pytest.mark.parametrize("d", range(2, 65))
def test_deep_power_within_rt_bound(d):
    c = deep_monomial(d, activations.generic())
    assert c.hidden_neurons <= 7 * math.ceil(math.log2(d)) == c.parameters["rt_deep_bound"]
    assert c.depth == math.ceil(math.log2(d))
    assert c.parameters["shallow_neurons"] == d + 1


@pytest.mark.parametrize("r", [(2, 1), (3, 2), (1, 1, 2), (4, 4), (5, 3, 2)])
def test_deep_monomial_within_rt_bound_and_exact_limit(r):
    c = deep_monomial(r, activations.get("softplus"))
    bound = sum(7 * math.ceil(math.log2(ri)) + 4 for ri in r)
    assert c.hidden_neurons <= bound == c.parameters["rt_deep_bound"]
    assert c.target == sp.Mul(*[x**ri for x, ri in zip(c.variables, r, strict=True)])
    err = series.error(c, 1)
    assert 0 not in err.terms


def test_deep_monomial_bad_input():
    with pytest.raises(InvalidInput):
        deep_monomial((0, 0), activations.get("exp"))
    with pytest.raises(InvalidInput):
        deep_monomial(2.5, activations.get("exp"))

"""Polynomials from multiplication, square and copy gates (MATH.md section 5).

Independent routes: plans and neuron counts enumerated by hand in the tests; error terms
composed by hand from the single-gate series (square: u^2 + lam^2 s4/(12 s2) u^4, product:
uv + lam^2 s4/(6 s2) uv(u^2 + v^2), copy: u + lam s2/(2 s1) u^2 + lam^2 s3/(6 s1) u^3); the explicit
expansion of the network; the closed form (gate series composed in a polys ring); mpmath at
80+ digits.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations, series
from symnet.constructions import LAM, polynomial
from symnet.constructions.counts import seed_polynomial_bound, seed_polynomial_last_layer, seed_polynomial_total
from symnet.constructions.polynomial import as_polynomial, plan_polynomial
from symnet.errors import InvalidExpression, InvalidInput, TooLargeError

x, y, z = sp.symbols("x y z", real=True)
EXP = activations.get("exp")


def same(a, b):
    return sp.simplify(sp.expand(a - b)) == 0


def test_small_plan_by_hand():
    # x^2 (square, 2 neurons), 3xy (product, 4), y (copy, 1): one hidden layer of 7
    c = polynomial(x**2 + 3 * x * y + y, EXP, variables=(x, y))
    plan = c.parameters["plan"]
    assert (plan.squares, plan.products, plan.copies) == (1, 1, 1)
    assert c.hidden_neurons == 7 == c.network.hidden_neurons
    assert c.depth == 1 == c.network.depth


def test_cubic_plan_by_hand():
    # the 10 cubic monomials of (x+y+z)^3, split as (first two factors) * (last factor):
    # layer 1: squares x^2, y^2, z^2; products xy, xz, yz; copies of x, y, z -> 3*2 + 3*4 + 3 = 21
    # layer 2: 10 products -> 40.  Total 61 in 2 hidden layers.
    c = polynomial((x + y + z) ** 3, EXP, variables=(x, y, z))
    plan = c.parameters["plan"]
    assert [sorted(kind for kind, _, _ in stage) for stage in plan.stages] == [
        ["copy"] * 3 + ["mul"] * 3 + ["square"] * 3, ["mul"] * 10]
    assert c.hidden_neurons == 61 == c.network.hidden_neurons
    assert c.network.widths == (21, 40)
    assert c.depth == 2
    # seed 000: 4 n^3 + n^2 + n = 120 in its last layer alone (159 over its two layers), <= 5 n^3 = 135
    assert seed_polynomial_last_layer(3, 3) == 120 and seed_polynomial_total(3, 3) == 159
    assert c.hidden_neurons < seed_polynomial_last_layer(3, 3) <= seed_polynomial_bound(3, 3)


@pytest.mark.parametrize(("n", "d"), [(2, 2), (2, 3), (3, 2), (3, 3), (2, 4), (4, 2)])
def test_dense_polynomials_beat_the_seed_count(n, d):
    xs = sp.symbols(f"v0:{n}", real=True)
    dense = sum(sp.Mul(*m) for k in range(1, d + 1) for m in _monomials(xs, k))
    plan = plan_polynomial(dense, variables=xs)
    assert plan.depth == (d - 1).bit_length()
    assert plan.neurons <= seed_polynomial_total(n, d)


def _monomials(xs, k):
    import itertools

    return [tuple(c) for c in itertools.combinations_with_replacement(xs, k)]


def test_error_terms_composed_by_hand():
    # exp at b = 0 (all derivatives 1), copies at b_c = 0:
    #   x^2 -> x^2 + lam^2 x^4/12, 3xy -> 3[xy + lam^2 xy(x^2+y^2)/6], y -> y + lam y^2/2 + lam^2 y^3/6
    c = polynomial(x**2 + 3 * x * y + y, EXP, variables=(x, y))
    hand = {1: y**2 / 2, 2: x**4 / 12 + x * y * (x**2 + y**2) / 2 + y**3 / 6}
    for method in ("explicit", "closed"):
        err = series.error(c, 2, method=method)
        assert set(err.terms) == {1, 2}, method
        for p, t in hand.items():
            assert same(err.terms[p], t), (method, p)


def test_power_of_two_by_repeated_squaring_generic():
    # x^4 = square(square(x)); with s(u) = u^2 + lam^2 K u^4, K = s4/(12 s2):
    # s(x^2 + lam^2 K x^4) = x^4 + lam^2 (2 K x^6 + K x^8) + O(lam^4)
    g = activations.generic()
    c = polynomial(x**4, g, variables=(x,))
    assert c.hidden_neurons == 4 and c.depth == 2
    b = c.parameters["bias"]
    K = g.derivative(4, b) / (12 * g.derivative(2, b))
    for method in ("explicit", "closed"):
        err = series.error(c, 2, method=method)
        assert err.leading_order == 2
        assert same(err.terms[2], K * (2 * x**6 + x**8))


@pytest.mark.parametrize("name", ["exp", "softplus", "tanh"])
def test_mpmath_agrees(name):
    p = 2 * x**3 - x * y * z + sp.Rational(1, 2) * y**2 - z + 5
    c = polynomial(p, activations.get(name), variables=(x, y, z))
    err = series.error(c, 4)
    lam = sp.Rational(1, 10**6)
    point = [sp.Rational(2, 3), sp.Rational(-3, 5), sp.Rational(5, 7)]
    subs = dict(zip(c.variables, point, strict=True))
    with mpmath.workdps(100):
        value = c.at_scale(lam).mpmath(point, dps=90) - mpmath.mpf(sp.N(p.xreplace(subs), 100))
        approx = mpmath.mpf(sp.N(sum(t.xreplace(subs) * lam**q for q, t in err.terms.items()), 100))
        assert abs(value - approx) < mpmath.mpf(10) ** -26  # remainder O(lam^5)
        assert abs(value) > mpmath.mpf(10) ** -13  # the error is really there


def test_text_input_uses_whitelist_parser():
    c = polynomial("x**2 - 2*x*y + 3", EXP, variables=("x", "y"))
    X, Y = c.variables
    assert c.target == X**2 - 2 * X * Y + 3
    assert c.hidden_neurons == 6
    assert as_polynomial("0.5*x + y/4", variables=("x", "y"))[1] == {(1, 0): sp.Rational(1, 2),
                                                                      (0, 1): sp.Rational(1, 4)}


@pytest.mark.parametrize("text", ["__import__('os').system('true')", "x.__class__", "lambda: 1", "x^2", "[x]"])
def test_hostile_text_rejected(text):
    with pytest.raises(InvalidExpression):
        polynomial(text, EXP, variables=("x",))


@pytest.mark.parametrize("text", ["exp(x)", "1/x", "x**-1", "sqrt(x)", "x**(1/2)", "abs(x)"])
def test_non_polynomials_rejected(text):
    with pytest.raises(InvalidInput, match="polynomial"):
        polynomial(text, EXP, variables=("x",))


def test_bad_variables():
    with pytest.raises(InvalidInput, match="variables="):
        polynomial("x*y", EXP)
    with pytest.raises(InvalidExpression, match="unknown name 'a'"):
        polynomial("a*x", EXP, variables=("x",))
    with pytest.raises(InvalidInput, match="not allowed"):
        polynomial("exp*x", EXP, variables=("exp", "x"))
    with pytest.raises(InvalidInput, match="distinct"):
        polynomial(x * y, EXP, variables=(x, x))
    a = sp.Symbol("a")
    with pytest.raises(InvalidInput, match="coefficients must be numbers"):
        polynomial(a * x, EXP, variables=(x,))
    with pytest.raises(InvalidInput, match="lam"):
        polynomial(LAM * x, EXP, variables=(x,))


def test_too_large():
    with pytest.raises(TooLargeError):
        polynomial("(x + y)**200", EXP, variables=("x", "y"))
    vs = sp.symbols("w0:12")
    with pytest.raises(TooLargeError):
        polynomial(sum(vs) ** 12, EXP, variables=vs)


def test_affine_and_constant_are_exact_without_hidden_layers():
    c = polynomial(3 * x - y + 2, EXP, variables=(x, y))
    assert c.depth == 0 and c.hidden_neurons == 0 and c.network.depth == 0
    assert sp.expand(c.expression() - c.target) == 0
    assert series.error(c, 3).terms == {}
    k = polynomial(sp.Integer(7), EXP, variables=(x,))
    assert k.expression() == 7


def test_floats_become_exact():
    c = polynomial(0.25 * x**2, EXP, variables=(x,))
    assert c.target == x**2 / 4


# --- property test: random polynomials, random smooth activations -------------------------------

coefficient = st.fractions(min_value=-3, max_value=3, max_denominator=4).filter(lambda f: f != 0)


@st.composite
def random_polynomials(draw):
    terms = draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), coefficient), min_size=1, max_size=4))
    p = sum(sp.Rational(c.numerator, c.denominator) * x**i * y**j for i, j, c in terms)
    return p if p.free_symbols else p + x


@st.composite
def smooth_activations(draw):
    if draw(st.booleans()):
        coeffs = draw(st.lists(st.fractions(min_value=-2, max_value=2, max_denominator=4), min_size=8, max_size=8))
        coeffs[1] = draw(st.sampled_from([sp.Rational(1, 2), 1, -1]))
        coeffs[2] = draw(st.sampled_from([sp.Rational(1, 3), 1, -2]))
        return activations.polynomial(coeffs)
    return activations.from_expression(draw(st.sampled_from(
        ["exp(x/2) + x**2/3", "log(1 + exp(x))", "tanh(x) + x**2", "sin(x) + cos(2*x)"])))


@given(p=random_polynomials(), act=smooth_activations(), lam_den=st.integers(10**5, 10**7),
       pt=st.tuples(st.fractions(-1, 1, max_denominator=9), st.fractions(-1, 1, max_denominator=9)))
def test_property_routes_agree(p, act, lam_den, pt):
    c = polynomial(p, act, variables=(x, y))
    closed = series.error(c, 3, method="closed")
    if c.depth:
        explicit = series.error(c, 3, method="explicit")
        assert set(closed.terms) == set(explicit.terms)
        for q in closed.terms:
            assert same(closed.terms[q], explicit.terms[q])
    assert 0 not in closed.terms
    lam = sp.Rational(1, lam_den)
    point = [sp.Rational(f.numerator, f.denominator) for f in pt]
    subs = dict(zip(c.variables, point, strict=True))
    with mpmath.workdps(90):
        value = c.at_scale(lam).mpmath(point, dps=80) - mpmath.mpf(sp.N(c.target.xreplace(subs), 90))
        approx = mpmath.mpf(sp.N(sum(t.xreplace(subs) * lam**q for q, t in closed.terms.items()), 90))
        assert abs(value - approx) < mpmath.mpf(10) ** -14  # remainder O(lam^4)


def test_seed_count_note_by_hand():
    # degree 3 in n = 2 variables: 4 n^3 + n^2 + n = 32 + 4 + 2 = 38 <= 5 n^3 = 40, in d - 1 = 2 layers
    c = polynomial("x**3 + x*y", EXP, variables=("x", "y"))
    note = next(n for n in c.notes if n.startswith("seed 000 counts"))
    assert "= 38 neurons (<= 5 n^d = 40)" in note and "d - 1 = 2 layers" in note

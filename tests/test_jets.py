"""Exact Taylor jets (symnet.activations._jets), checked against independent routes.

Independent routes used here: Taylor series known in closed form (tanh, sigmoid = (1 + tanh(x/2))/2),
sympy's symbolic differentiation followed by substitution, and mpmath numeric differentiation.
"""

import mpmath
import pytest
import sympy as sp

from symnet.activations._jets import (
    MAX_GENERATORS,
    Singularity,
    TooComplex,
    canon,
    is_zero,
    jets,
)

x = sp.Symbol("x", real=True)
R = sp.Rational


def sigmoid(z):
    return 1 / (1 + sp.exp(-z))


def test_sigmoid_jet_at_zero_matches_tanh_series():
    # tanh y = y - y^3/3 + 2 y^5/15 - 17 y^7/315 + 62 y^9/2835 (Bernoulli numbers), and
    # sigmoid(x) = 1/2 + tanh(x/2)/2, so c_k = t_k / 2^(k+1) for odd k.
    tanh_coeffs = {1: R(1), 3: R(-1, 3), 5: R(2, 15), 7: R(-17, 315), 9: R(62, 2835)}
    expected = [R(1, 2)] + [tanh_coeffs.get(k, sp.Integer(0)) / 2 ** (k + 1) for k in range(1, 10)]
    assert list(jets(sigmoid(x), x, sp.Integer(0), 9).right) == expected


def test_relu_has_different_one_sided_jets_at_its_kink():
    j = jets(sp.Max(x, 0), x, sp.Integer(0), 3)
    assert j.left == (0, 0, 0, 0)
    assert j.right == (0, 1, 0, 0)
    assert j.agree_through() == 0


def test_abs_cubed_is_twice_differentiable_at_zero():
    # |x|^3: left jet -x^3, right jet x^3; they agree through order 2.
    j = jets(sp.Abs(x) ** 3, x, sp.Integer(0), 4)
    assert j.left == (0, 0, 0, -1, 0) and j.right == (0, 0, 0, 1, 0)
    assert j.agree_through() == 2


def test_branches_that_tie_to_high_order_are_resolved_on_each_side():
    # max(sin x, x) at 0: sin x - x = -x^3/6 + ..., so x wins for t > 0 and sin x for t < 0.
    j = jets(sp.Max(sp.sin(x), x), x, sp.Integer(0), 3)
    assert j.right == (0, 1, 0, 0)
    assert j.left == (0, 1, 0, R(-1, 6))
    assert j.agree_through() == 2


EXPRESSIONS = [
    sigmoid(x),
    sp.tanh(2 * x - R(1, 3)),
    sp.log(1 + sp.exp(x / 2)),
    x * sp.erf(x / sp.sqrt(2)),
    sp.sin(x) * sp.cos(3 * x) + x**3 / 7,
    (1 + x**2) ** R(1, 3),
    sp.exp(x / 3) * sp.tanh(x / 2) + 1 / (2 + sp.cos(x)),
    sigmoid(x) ** 2 + sp.exp(-x / 2),
]
POINTS = [sp.Integer(0), R(1, 2), R(-3, 2), sp.log(2 + sp.sqrt(3)), sp.sqrt(2)]


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_jets_agree_with_symbolic_differentiation(expr, point):
    # sympy.diff then substitution is an independent route (and slow, hence order 4 only).
    order = 4
    coefficients = jets(expr, x, point, order).right
    for k in range(order + 1):
        direct = sp.diff(expr, x, k).subs(x, point) / sp.factorial(k)
        assert sp.N(coefficients[k] - direct, 50) == 0 or abs(sp.N(coefficients[k] - direct, 50)) < 1e-45


def test_high_order_at_a_transcendental_point_is_exact_and_compact():
    # The regression that motivated the field arithmetic: at x = 1 the coefficients involve E, and
    # expression-level arithmetic produced exp(2), exp(3), ... as unrelated atoms (minutes at order 12).
    coefficients = jets(sigmoid(x), x, sp.Integer(1), 12).right
    with mpmath.workdps(60):
        f = lambda t: 1 / (1 + mpmath.exp(-t))
        for k in (1, 5, 12):
            numeric = mpmath.diff(f, 1, k) / mpmath.factorial(k)
            assert abs(mpmath.mpf(sp.N(coefficients[k], 60)) - numeric) < mpmath.mpf(10) ** -40
    # A single constant E: every coefficient is a rational function of E alone (E**k prints as
    # exp(k)); the old arithmetic also produced unrelated atoms and huge expressions.
    assert all(a.args[0].is_Integer for c in coefficients for a in c.atoms(sp.exp))
    assert sp.count_ops(coefficients[12]) < 100


def test_exponentials_along_one_direction_share_a_generator():
    # exp(x/2) and exp(x) at x = 1: exp(1/2)^2 = E, so this difference is exactly 0.
    j = jets(sp.exp(x / 2) * sp.exp(x / 2 + 1) - sp.exp(x + 1), x, sp.Integer(1), 3)
    assert j.right == (0, 0, 0, 0)


def test_quadratic_surds_are_rationalised():
    # sigmoid at b = log(2 + sqrt 3): e^-b = 2 - sqrt 3, so sigma(b) = 1/(3 - sqrt 3) = (3 + sqrt 3)/6,
    # sigma' = sigma (1 - sigma) = 1/6, sigma'' = sigma' (1 - 2 sigma) = -sqrt(3)/18 (so c_2 = -sqrt(3)/36).
    c = jets(sigmoid(x), x, sp.log(2 + sp.sqrt(3)), 2).right
    assert c == (R(1, 2) + sp.sqrt(3) / 6, R(1, 6), -sp.sqrt(3) / 36)


def test_ties_between_related_constants_are_decided_exactly():
    # tanh(x) and 1 - 2/(exp(2x) + 1) are the same function: max of the two is smooth, although
    # the constants tanh(1/2) and E are different generators of the coefficient field.
    expr = sp.Max(sp.tanh(x), 1 - 2 / (sp.exp(2 * x) + 1))
    j = jets(expr, x, R(1, 2), 2)
    assert j.agree_through() == 2


@pytest.mark.parametrize(
    "expr, point, fragment",
    [
        (sp.log(x), 0, "log of an expression that vanishes"),
        (sp.log(x), -1, "not real"),
        (sp.sqrt(x), -1, "not real"),
        ((1 + x) ** R(1, 3), R(-3, 2), "not real"),
        (1 / x, 0, "division by an expression that vanishes"),
        (sp.sqrt(x), 0, "vanishes"),
        (x**x, 0, "vanishes"),
    ],
)
def test_singular_or_complex_points_raise(expr, point, fragment):
    with pytest.raises(Singularity, match=fragment):
        jets(expr, x, sp.sympify(point), 2)


def test_too_many_constants_raise_too_complex():
    expr = sp.Add(*[sp.sin(k * x + R(1, k + 1)) for k in range(1, MAX_GENERATORS)])
    with pytest.raises(TooComplex, match="distinct constants"):
        jets(expr, x, sp.Integer(1), 1)


def test_is_zero_and_canon_on_exact_numbers():
    assert is_zero(sp.sqrt(2) + sp.sqrt(3) - sp.sqrt(5 + 2 * sp.sqrt(6)))
    assert is_zero(sp.tanh(1) - (sp.E**2 - 1) / (sp.E**2 + 1))
    assert is_zero((2 + sp.sqrt(3)) * (2 - sp.sqrt(3)) - 1)
    assert not is_zero(sp.exp(-200))  # tiny but not zero
    assert not is_zero(sp.pi - R(355, 113))
    assert canon(1 / (3 - sp.sqrt(3))) == R(1, 2) + sp.sqrt(3) / 6


# -- large points: one generator e^b per point, natural output, no cyclotomic factoring ------------

def _sigmoid_closed_forms(q):
    """sigma', sigma'', sigma''' at b written with q = e^(-b) (hand derivation, no cancellation):
    s = 1/(1+q), 1 - s = q/(1+q), 1 - 2s = (q-1)/(1+q), 1 - 6s + 6s^2 = (1 - 4q + q^2)/(1+q)^2, and
    sigma' = s(1-s), sigma'' = s(1-s)(1-2s), sigma''' = s(1-s)(1-6s+6s^2)."""
    return (q / (1 + q) ** 2, q * (q - 1) / (1 + q) ** 3, q * (1 - 4 * q + q**2) / (1 + q) ** 4)


@pytest.mark.parametrize("b", [12, 3000, 10**6, -(10**6)])
def test_sigmoid_derivatives_at_large_points_are_exact_and_read_naturally(b):
    # s(1-s) = e^-b/(1+e^-b)^2 = e^|b|/(1+e^|b|)^2 (even in b): the output is that expression,
    # with the single generator e^|b| (before: 1 + e^12 split into cyclotomic factors, and b = 10^6 hung).
    c = jets(sigmoid(x), x, sp.Integer(b), 3).right
    big = sp.exp(abs(b))
    assert c[1] == big / (1 + big) ** 2
    # s(1-s)(1-2s) / 2! with s = e^b/(1+e^b): e^b (1 - e^b) / (2 (1+e^b)^3) for b > 0
    if b > 0:
        assert sp.expand(c[2] * 2 * (1 + big) ** 3) == sp.expand(big * (1 - big))
        with mpmath.workdps(60):
            q = mpmath.exp(-b)
            for k, expected in enumerate(_sigmoid_closed_forms(q), start=1):
                value = mpmath.mpf(sp.N(c[k] * sp.factorial(k), 60))
                assert abs(value - expected) <= abs(expected) * mpmath.mpf(10) ** -50


@pytest.mark.parametrize("b", [40, 3000])
def test_sigmoid_order_ten_at_large_points_matches_mpmath_diff(b):
    # mpmath's numerical differentiation at a precision that resolves 1 - s(b) ~ e^-b
    coefficients = jets(sigmoid(x), x, sp.Integer(b), 10).right
    dps = int(b / 2.3) + 100
    with mpmath.workdps(dps):
        for k in (1, 10):
            numeric = mpmath.diff(lambda t: 1 / (1 + mpmath.exp(-t)), b, k)
            value = mpmath.mpf(sp.N(coefficients[k] * sp.factorial(k), 60))
            assert abs(value - numeric) <= abs(numeric) * mpmath.mpf(10) ** -40


def test_softplus_and_tanh_at_large_points():
    b = sp.Integer(10**6)
    big = sp.exp(b)
    soft = jets(sp.log(1 + sp.exp(x)), x, b, 2).right
    # softplus' = sigmoid = e^b/(1+e^b), softplus'' = sigmoid' = e^b/(1+e^b)^2 (c_2 = half of it)
    assert soft[1] == big / (1 + big)
    assert soft[2] == big / (2 * (1 + big) ** 2)
    th = jets(sp.tanh(x), x, b, 2).right
    # tanh' = 1 - tanh^2, tanh'' = -2 tanh (1 - tanh^2): c_2 = -tanh + tanh^3
    t = sp.tanh(b)
    assert th[1] == 1 - t**2
    assert th[2] == t**3 - t


def test_point_with_a_small_denominator_exponent():
    # b = 1/1000 needs the generator e^(1/1000) (refused before: "common denominator beyond 720")
    c = jets(sigmoid(x), x, R(1, 1000), 2).right
    with mpmath.workdps(60):
        f = lambda t: 1 / (1 + mpmath.exp(-t))
        for k in (1, 2):
            numeric = mpmath.diff(f, mpmath.mpf(1) / 1000, k) / mpmath.factorial(k)
            assert abs(mpmath.mpf(sp.N(c[k], 60)) - numeric) < mpmath.mpf(10) ** -45


def test_exponentials_of_one_point_share_the_gcd_generator():
    # exp(x) and exp(x/3) at 10^6: generator exp(10^6/3), exp(10^6) is its cube; the difference is 0
    b = sp.Integer(10**6)
    j = jets(sp.exp(x / 3) ** 3 - sp.exp(x), x, b, 2)
    assert j.right == (0, 0, 0)


def test_far_apart_exponentials_raise_too_complex():
    # exp(x) + E at x = 10^6: e^(10^6) is the 10^6-th power of E (a polynomial of degree 10^6)
    with pytest.raises(TooComplex, match="degree"):
        jets(sp.exp(x) + sp.E, x, sp.Integer(10**6), 1)


def test_tower_of_exponentials_hits_the_size_budget():
    expr = x
    for _ in range(5):
        expr = sp.exp(expr)
    with pytest.raises(TooComplex, match=r"monomials|budget"):
        jets(expr, x, sp.Integer(1), 25)


def test_sigmoid_order_199_at_zero_matches_bernoulli():
    # sigma = 1/2 + tanh(x/2)/2 and tanh y = sum 2^(2n) (2^(2n) - 1) B_(2n) y^(2n-1) / (2n)!, so
    # sigma^(2n-1)(0) = (2^(2n) - 1) B_(2n) / (2n); n = 100 (the budget must not refuse this).
    c = jets(sigmoid(x), x, sp.Integer(0), 199).right
    assert c[199] * sp.factorial(199) == (2**200 - 1) * sp.bernoulli(200) / 200


@pytest.mark.parametrize(
    "point, value",
    [
        # tanh v = (e^(2v) - 1)/(e^(2v) + 1): e^(2 log 2) = 4 -> 3/5; e^(log(2)/2) = sqrt 2 ->
        # (sqrt 2 - 1)/(sqrt 2 + 1) = 3 - 2 sqrt 2; e^(-2 log 5) = 1/25 -> -12/13
        (sp.log(2), R(3, 5)),
        (sp.log(2) / 4, 3 - 2 * sp.sqrt(2)),
        (-sp.log(5), R(-12, 13)),
    ],
)
def test_tanh_at_multiples_of_logarithms_is_algebraic(point, value):
    c = jets(sp.tanh(x), x, point, 3).right
    t = value
    # tanh' = 1 - t^2, tanh'' = -2t(1 - t^2), tanh''' = -2(1 - t^2)(1 - 3t^2)
    expected = (t, 1 - t**2, -2 * t * (1 - t**2) / 2, -2 * (1 - t**2) * (1 - 3 * t**2) / 6)
    assert all(sp.expand(a - e) == 0 for a, e in zip(c, expected, strict=True))
    assert all(not a.has(sp.tanh, sp.log) for a in c)


def test_zero_tests_at_large_points():
    b = sp.Integer(10**6)
    assert not is_zero(sp.exp(-b))
    assert not is_zero(2 * sp.tanh(b) ** 3 - 2 * sp.tanh(b))  # tanh''(b) ~ -8 e^(-2b), not 0
    assert is_zero(1 - sp.tanh(b) ** 2 - 4 / (sp.exp(b) + sp.exp(-b)) ** 2)  # sech^2 = 1 - tanh^2

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

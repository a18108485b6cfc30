"""The deep product tree of multiplication gates (MATH.md section 4).

Independent routes:
- a hand composition of the single-gate series, written out here: a product gate maps
  (U, V) to UV + lam^2 K UV(U^2 + V^2) + O(lam^4), K = sigma''''(b) / (6 sigma''(b)); a copy maps
  U to U + lam c1 U^2 + lam^2 c2 U^3 + O(lam^3), c1 = sigma''(b_c) / (2 sigma'(b_c)),
  c2 = sigma'''(b_c) / (6 sigma'(b_c)); composing these through lam^2 by hand;
- the explicit expansion of the multi-layer network (series.error(method="explicit"));
- the construction's closed form (composition of the gates' closed forms in a polys ring);
- mpmath evaluation of network minus target at 80+ digits at small lam.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations, series
from symnet.constructions import LAM, deep_product, shallow_product
from symnet.constructions.counts import LTR_DEEP_PRODUCT_EXAMPLE, deep_product_count
from symnet.constructions.deep import product_tree, tree_leading_error
from symnet.errors import HypothesisError, InvalidInput, NotSmoothError


def hand_composition(c):
    """(lam^0, lam^1, lam^2) coefficients of the tree's output, composing the gate series by hand."""
    act = c.activation
    b, bc = c.parameters["bias"], c.parameters["copy_bias"]
    k = act.derivative(4, b) / (6 * act.derivative(2, b))
    if bc is not None:
        c1 = act.derivative(2, bc) / (2 * act.derivative(1, bc))
        c2 = act.derivative(3, bc) / (6 * act.derivative(1, bc))
    nodes = [(x, sp.Integer(0), sp.Integer(0)) for x in c.variables]
    n = len(nodes)
    while len(nodes) > 1:  # pair in order, copy the odd one out (LTR's tree, as documented)
        new = []
        for i in range(0, len(nodes) - 1, 2):
            (u0, u1, u2), (v0, v1, v2) = nodes[i], nodes[i + 1]
            new.append((u0 * v0, u1 * v0 + u0 * v1, u2 * v0 + u1 * v1 + u0 * v2 + k * u0 * v0 * (u0**2 + v0**2)))
        if len(nodes) % 2:
            u0, u1, u2 = nodes[-1]
            new.append((u0, u1 + c1 * u0**2, u2 + 2 * c1 * u0 * u1 + c2 * u0**3))
        nodes = new
    assert n == 1 or nodes[0][0] == c.target
    return tuple(sp.expand(t) for t in nodes[0])


def same(a, b):
    return sp.simplify(sp.expand(a - b)) == 0


def test_eight_inputs_counts():
    c = deep_product(8, activations.generic())
    assert c.hidden_neurons == 28 == c.network.hidden_neurons
    assert c.depth == 3 == c.network.depth
    assert c.network.widths == (16, 8, 4)
    assert c.parameters["gates"] == 7 and c.parameters["copies"] == 0
    assert shallow_product(8, activations.generic()).network.hidden_neurons == 256  # seed 000: 256 vs 28
    assert any("256" in note and "28" in note for note in c.notes)


def test_eight_inputs_leading_error_generic():
    c = deep_product(8, activations.generic())
    x = c.variables
    P = sp.Mul(*x)
    b = c.parameters["bias"]
    K = activations.generic().derivative(4, b) / (6 * activations.generic().derivative(2, b))
    # by hand: every non-root node contributes K P (value of the node)^2
    hand = K * P * (sum(xi**2 for xi in x)
                    + sum((x[i] * x[i + 1]) ** 2 for i in range(0, 8, 2))
                    + (x[0] * x[1] * x[2] * x[3]) ** 2 + (x[4] * x[5] * x[6] * x[7]) ** 2)
    explicit = series.error(c, 3, method="explicit")
    closed = series.error(c, 3, method="closed")
    assert min(explicit.terms) == 2 and min(closed.terms) == 2  # no lam^0, lam^1 (or negative) terms
    assert 3 not in explicit.terms and 3 not in closed.terms  # odd powers cancel without copies
    assert same(explicit.terms[2], hand)
    assert same(closed.terms[2], hand)
    assert same(tree_leading_error(c), hand)
    assert same(hand_composition(c)[2], hand)
    assert same(explicit.leading, LAM**2 * hand)


@pytest.mark.parametrize("name", ["exp", "softplus", "sigmoid", "tanh"])
def test_eight_inputs_leading_error_concrete(name):
    c = deep_product(8, activations.get(name))
    _, _, t2 = hand_composition(c)
    explicit = series.error(c, 2, method="explicit")
    assert explicit.leading_order == 2
    assert same(explicit.terms[2], t2)
    assert same(series.error(c, 2, method="closed").terms[2], t2)


def test_eight_inputs_mpmath():
    c = deep_product(8, activations.get("exp"))  # K = 1/6 at b = 0
    err = series.error(c, 5, method="explicit")
    assert set(err.terms) == {2, 4}
    lam = sp.Rational(1, 10**4)
    point = [sp.Rational(k, 7) * (-1) ** k for k in range(1, 9)]
    subs = dict(zip(c.variables, point, strict=True))
    with mpmath.workdps(100):
        value = c.at_scale(lam).mpmath(point, dps=90) - mpmath.mpf(sp.N(c.target.xreplace(subs), 100))
        through4 = mpmath.mpf(sp.N(sum(t.xreplace(subs) * lam**p for p, t in err.terms.items()), 100))
        only2 = mpmath.mpf(sp.N(err.terms[2].xreplace(subs) * lam**2, 100))
        assert abs(value - through4) < mpmath.mpf(10) ** -22  # remainder O(lam^6) ~ 1e-24
        assert abs(value - only2) > mpmath.mpf(10) ** -20  # the lam^4 term (~6e-19) is visible
        assert abs(value) > mpmath.mpf(10) ** -11  # the lam^2 term itself, ~7e-11


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 7])
@pytest.mark.parametrize("name", ["generic", "softplus", "tanh"])
def test_small_trees_three_routes(n, name):
    act = activations.generic() if name == "generic" else activations.get(name)
    c = deep_product(n, act)
    assert c.network.hidden_neurons == c.hidden_neurons == deep_product_count(n).neurons
    assert c.network.depth == c.depth == math.ceil(math.log2(n))
    t0, t1, t2 = hand_composition(c)
    assert t0 == c.target
    explicit = series.error(c, 2, method="explicit").terms
    closed = series.error(c, 2, method="closed").terms
    assert 0 not in explicit and 0 not in closed
    for p, hand in ((1, t1), (2, t2)):
        assert same(explicit.get(p, 0), hand), (p, explicit.get(p))
        assert same(closed.get(p, 0), hand), (p, closed.get(p))


def test_copies_make_the_error_first_order():
    # n = 5: x5 is copied twice; first order term lam c1 P (x5 + x5), c1 = sigma''(b)/(2 sigma'(b))
    g = activations.generic()
    c = deep_product(5, g)
    b = c.parameters["copy_bias"]
    x = c.variables
    c1 = g.derivative(2, b) / (2 * g.derivative(1, b))
    err = series.error(c, 1)
    assert err.leading_order == 1
    assert same(err.terms[1], c1 * sp.Mul(*x) * 2 * x[4])
    # tanh: copies at b_c = 0 where tanh'' = 0 are O(lam^2), the product gates O(lam^2) too
    t = deep_product(5, activations.get("tanh"))
    assert t.parameters["copy_bias"] == 0
    assert series.error(t, 2).leading_order == 2


def test_per_layer_scales():
    c = deep_product(6, activations.get("exp"))
    scales = c.parameters["layer_scales"]
    assert len(scales) == 3
    assert all(s["input_scale"] == LAM for s in scales)
    assert scales[0]["product_normalisation"] == 1 / (4 * LAM**2)
    assert scales[0]["copy_normalisation"] is None and scales[1]["copy_normalisation"] == 1 / LAM
    # merged weights of the second hidden layer are lam * mu = 1/(4 lam) (exp''(0) = 1)
    w2 = c.network.layers[1].weights
    assert set(abs(v) for v in w2 if v != 0) <= {1 / (4 * LAM), sp.Integer(1)}


def test_tree_shape():
    assert product_tree(1) == ()
    assert product_tree(2) == ((("mul", (0, 1)),),)
    assert [len(level) for level in product_tree(8)] == [4, 2, 1]
    assert product_tree(5) == ((("mul", (0, 1)), ("mul", (2, 3)), ("copy", (4,))),
                               (("mul", (0, 1)), ("copy", (2,))), (("mul", (0, 1)),))


def test_n_equals_one_is_the_identity():
    c = deep_product(1, activations.get("exp"))
    assert c.hidden_neurons == 0 and c.depth == 0 and c.network.depth == 0
    assert c.expression() == c.variables[0]


def test_four_n_exceeded_at_33():
    # 33 -> 17 -> 9 -> 5 -> 3 -> 2 -> 1: five odd levels, five copies: 4 * 32 + 5 = 133 > 4 * 33
    c = deep_product(33, activations.get("exp"))
    assert c.network.hidden_neurons == 133 and c.parameters["copies"] == 5
    assert any("133 > 4n = 132" in note for note in c.notes)
    assert not any("> 4n" in note for note in deep_product(32, activations.get("exp")).notes)


def test_ltr_slips_recorded():
    c = deep_product(32, activations.generic())
    # the built network (not the formula) has 4 * 31 = 124 neurons: neither LTR's 4n = 128 nor 160
    assert c.network.hidden_neurons == c.hidden_neurons == 124 == 4 * 31
    assert LTR_DEEP_PRODUCT_EXAMPLE == {"n": 32, "claimed": 160, "4n": 4 * 32, "tree": c.network.hidden_neurons}
    assert any("160" in note and "128" in note and "124" in note for note in c.notes)


@pytest.mark.parametrize("bad", [0, -1, True, 2.0, "3", None, 10**6])
def test_bad_n(bad):
    with pytest.raises(InvalidInput, match="n"):
        deep_product(bad, activations.get("exp"))


def test_hypotheses():
    with pytest.raises(HypothesisError):
        deep_product(4, activations.get("sigmoid"), bias=0)  # sigma''(0) = 0
    with pytest.raises(HypothesisError):
        deep_product(3, activations.get("cos"), copy_bias=0)  # cos'(0) = 0
    with pytest.raises(NotSmoothError):
        deep_product(4, activations.get("relu"), bias=0)
    with pytest.raises(HypothesisError):
        deep_product(4, activations.get("relu"))  # relu'' vanishes wherever it exists
    c = deep_product(3, activations.get("sigmoid"))
    assert [h.holds for h in c.hypotheses] == [True, True]


# --- property test over random smooth activations ----------------------------------------------

coefficient = st.fractions(min_value=-2, max_value=2, max_denominator=4)


@st.composite
def smooth_activations(draw):
    if draw(st.booleans()):
        coeffs = draw(st.lists(coefficient, min_size=7, max_size=7))
        coeffs[1] = draw(st.sampled_from([sp.Rational(1, 2), 1, -1]))  # sigma'(0) != 0 for copies
        coeffs[2] = draw(st.sampled_from([sp.Rational(1, 3), 1, -2]))  # sigma''(0) != 0 for products
        return activations.polynomial(coeffs)
    return activations.from_expression(draw(st.sampled_from(
        ["exp(x/2) + x**2/3", "log(1 + exp(x))", "tanh(x) + x**2", "x*exp(x)", "sin(x) + cos(2*x)"])))


@given(act=smooth_activations(), n=st.integers(2, 6), lam_den=st.integers(10**5, 10**7),
       pt=st.lists(st.fractions(min_value=-1, max_value=1, max_denominator=9), min_size=6, max_size=6))
def test_property_series_agrees_with_mpmath(act, n, lam_den, pt):
    c = deep_product(n, act)
    closed = series.error(c, 3, method="closed")
    explicit = series.error(c, 3, method="explicit")
    assert set(closed.terms) == set(explicit.terms)
    assert 0 not in closed.terms
    lam = sp.Rational(1, lam_den)
    point = [sp.Rational(f.numerator, f.denominator) for f in pt[:n]]
    subs = dict(zip(c.variables, point, strict=True))
    with mpmath.workdps(90):
        # the coefficients themselves agree (not only the set of powers): at the drawn point and at
        # a second, fixed point, to 60 digits
        other = {x: sp.Rational(k + 2, 7) for k, x in enumerate(c.variables)}
        for p in closed.terms:
            for at in (subs, other):
                a = sp.N(closed.terms[p].xreplace(at), 70)
                b = sp.N(explicit.terms[p].xreplace(at), 70)
                assert abs(mpmath.mpf(a - b)) <= mpmath.mpf(10) ** -60 * (1 + abs(mpmath.mpf(a))), p
        value = c.at_scale(lam).mpmath(point, dps=80) - mpmath.mpf(sp.N(c.target.xreplace(subs), 90))
        # the remainder is O(lam^4); lam^3.5 lies below every lam^3 term (lam <= 1e-5), so a wrong
        # lam^3 coefficient is caught
        tolerance = mpmath.mpf(lam_den) ** -3.5
        for err in (closed, explicit):
            approx = mpmath.mpf(sp.N(sum(t.xreplace(subs) * lam**p for p, t in err.terms.items()), 90))
            assert abs(value - approx) < tolerance


def test_copy_hypothesis_names_the_copy_bias():
    # before: with the generic activation the copies shared the symbol b and their hypothesis
    # read sigma'(b) != 0, the product gates' bias
    c = deep_product(3, activations.generic())
    statements = [h.statement for h in c.hypotheses]
    assert statements == ["sigma''(b) != 0", "sigma'(b_c) != 0"]
    assert str(c.parameters["copy_bias"]) == "b_c" and str(c.parameters["bias"]) == "b"
    # concrete activations write the value in: the sigmoid's product bias is chosen, copies at 0
    s = deep_product(3, activations.get("sigmoid"))
    assert [h.statement for h in s.hypotheses] == ["sigma''(log(sqrt(3) + 2)) != 0", "sigma'(0) != 0"]


def test_n_cap_is_too_large_error():
    from symnet.errors import TooLargeError

    with pytest.raises(TooLargeError, match="1024"):
        deep_product(1025, activations.get("exp"))

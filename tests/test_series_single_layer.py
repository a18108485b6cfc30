"""The power-sum route of the explicit expansion (symnet.series._single_layer).

Independent routes: sympy's own ``expand`` of the power sums written out term by term, hand
derivations (the 2^n identity of MATH.md sec. 2), and the general layer-by-layer expansion of
symnet.series._expand with the fast path switched off (a different algorithm: every neuron's
Taylor series composed separately, in the order of the layers).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import flint
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations, series
from symnet.activations import DerivativeSymbol
from symnet.constructions import LAM, monomial, multiplication_gate, shallow_product
from symnet.errors import NotSmoothError
from symnet.network import Layer, Network
from symnet.series import _expand
from symnet.series._expand import expand_network
from symnet.series._single_layer import expand_single_layer, power_sums

X1, X2, X3 = sp.symbols("x1 x2 x3")
B = sp.Symbol("b", real=True)


@pytest.fixture
def general_route(monkeypatch):
    """Run a callable with the power-sum route switched off (the general route only)."""

    def run(fn, *args, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(_expand, "expand_single_layer", lambda *a, **k: None)
            return fn(*args, **kwargs)

    return run


def poly_to_expr(p, names):
    return sp.Add(*[sp.Rational(int(c.p), int(c.q)) * sp.Mul(*[v**e for v, e in zip(names, exps, strict=True)])
                    for exps, c in p.to_dict().items()])


def same_terms(a, b) -> bool:
    return set(a.terms) == set(b.terms) and all(sp.expand(a.terms[p] - b.terms[p]) == 0 for p in a.terms)


# -- the kernel -----------------------------------------------------------------------------------

def test_power_sums_of_the_sign_vectors_by_hand():
    # sum_s (prod s) (s.x)^k = 2^n sum_{|alpha| = k, alpha odd} k!/alpha! x^alpha (MATH.md sec. 2)
    n = 3
    ctx = flint.fmpq_mpoly_ctx.get(("x1", "x2", "x3"), "lex")
    signs = list(itertools.product((1, -1), repeat=n))
    sums = power_sums(signs, [math.prod(s) for s in signs], 5, ctx)
    assert all(s.is_zero() for s in sums[:3]) and sums[4].is_zero()
    assert poly_to_expr(sums[3], (X1, X2, X3)) == 8 * 6 * X1 * X2 * X3
    # k = 5: alpha in {(3,1,1), (1,3,1), (1,1,3)}, 5!/3! = 20
    assert sp.expand(poly_to_expr(sums[5], (X1, X2, X3)) - 8 * 20 * X1 * X2 * X3 * (X1**2 + X2**2 + X3**2)) == 0


@given(st.lists(st.tuples(st.lists(st.fractions(min_value=-3, max_value=3, max_denominator=4), min_size=3,
                                   max_size=3),
                          st.fractions(min_value=-2, max_value=2, max_denominator=3)),
                min_size=1, max_size=7),
       st.integers(0, 5))
def test_power_sums_match_sympy_expand(neurons, degree):
    rows = [r for r, _ in neurons] + [neurons[0][0]]  # a repeated row: the trie merges it
    weights = [w for _, w in neurons] + [Fraction(1, 2)]
    ctx = flint.fmpq_mpoly_ctx.get(("x1", "x2", "x3"), "lex")
    sums = power_sums(rows, weights, degree, ctx)
    xs = (X1, X2, X3)
    for k, s in enumerate(sums):
        expected = 0
        for r, w in zip(rows, weights, strict=True):
            form = sum(sp.Rational(a.numerator, a.denominator) * x for a, x in zip(r, xs, strict=True))
            expected += sp.Rational(w.numerator, w.denominator) * form**k
        assert sp.expand(poly_to_expr(s, xs) - expected) == 0


# -- the expansion against the general route --------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 5])
def test_shallow_product_both_routes(n, general_route):
    c = shallow_product(n, activations.generic())
    fast = series.error(c, 4, method="explicit")
    slow = general_route(series.error, c, 4, method="explicit")
    assert same_terms(fast, slow)
    assert same_terms(fast, series.error(c, 4, method="closed"))


def test_gate_with_algebraic_operating_point(general_route):
    # logistic sigmoid at ln(2 + sqrt 3): the coefficients live in QQ<sqrt 3> (sympy backend)
    gate = multiplication_gate(activations.get("sigmoid"))
    fast = series.error(gate, 4, method="explicit")
    slow = general_route(series.error, gate, 4, method="explicit")
    assert same_terms(fast, slow) and fast.leading_order == 2


def test_monomial_both_routes(general_route):
    c = monomial((2, 1), activations.get("softplus"))
    assert same_terms(series.error(c, 3, method="explicit"), general_route(series.error, c, 3, method="explicit"))


def test_mixed_biases_weights_and_lam_squared(general_route):
    # two operating points, rational rows, a zero row, weights that are not Laurent polynomials,
    # hidden weights in lam^2: every branch of the grouping
    act = activations.get("exp")
    net = Network.single_hidden_layer(
        [[LAM**2, -LAM**2 / 2], [0, 3 * LAM**2], [0, 0], [LAM**2, LAM**2]],
        [1 / LAM**2, -2 / (LAM**2 * (1 - LAM)), 5, sp.Rational(1, 3) / LAM**4],
        act, hidden_bias=[0, 1, 2, 0], output_bias=1 / (1 + LAM))
    xs = (X1, X2)
    for order in (0, 2, 5):
        fast = series.expand(net, order, variables=xs)
        slow = general_route(series.expand, net, order, variables=xs)
        assert same_terms(fast, slow)


def test_generic_symbolic_bias_and_weights(general_route):
    w = sp.Symbol("w")
    net = Network.single_hidden_layer([[LAM, LAM], [LAM, -LAM], [2 * LAM, 0]], [w / LAM**2, -w / LAM**2, 1 / LAM],
                                      activations.generic(), hidden_bias=[B, B, 0])
    fast = series.expand(net, 3, variables=(X1, X2))
    assert same_terms(fast, general_route(series.expand, net, 3, variables=(X1, X2)))
    # by hand: the lam^0 term is w sigma''(b) * 2 x1 x2 + 2 sigma'(0) x1 / ... (the 1/lam neuron)
    assert sp.expand(fast.coefficient(0) - (2 * w * DerivativeSymbol(2, B) * X1 * X2
                                            + 2 * DerivativeSymbol(1, 0) * X1)) == 0


def test_two_outputs(general_route):
    act = activations.get("softplus")
    net = Network([Layer(sp.ImmutableMatrix([[LAM, 0], [LAM, LAM], [0, -LAM]]), sp.ImmutableMatrix([1, 1, 0]), act),
                   Layer(sp.ImmutableMatrix([[1 / LAM, 2, 0], [0, -1 / LAM**2, 1 / LAM**2]]),
                         sp.ImmutableMatrix([0, 1]), None)])
    fast = expand_network(net, 2, LAM, (X1, X2))
    slow = general_route(expand_network, net, 2, LAM, (X1, X2))
    for a, b in zip(fast[1], slow[1], strict=True):
        ta, tb = _expand.series_terms(fast[0], a, 2), _expand.series_terms(slow[0], b, 2)
        assert set(ta) == set(tb)
        for p in ta:
            assert set(ta[p]) == set(tb[p])
            assert all(sp.simplify(ta[p][m] - tb[p][m]) == 0 for m in ta[p])


def test_not_applicable_shapes_fall_back():
    act = activations.get("exp")
    deep = Network.from_layers([([[LAM]], None, act), ([[1]], None, act)], [[1]])
    mixed = Network.single_hidden_layer([[LAM, LAM**2]], [1], act)
    lam_bias = Network.single_hidden_layer([[LAM]], [1], act, hidden_bias=[LAM])
    symbolic_row = Network.single_hidden_layer([[sp.Symbol("a") * LAM]], [1], act)
    for net in (deep, mixed, lam_bias, symbolic_row):
        assert expand_single_layer(net, 2, LAM, net.default_inputs()) is None
        series.expand(net, 2)  # the general route takes them


def test_non_smooth_message_names_the_neuron():
    net = Network.single_hidden_layer([[LAM], [LAM]], [1, 1 / LAM], activations.get("relu"), hidden_bias=[1, 0])
    with pytest.raises(NotSmoothError, match="hidden layer 1, neuron 2"):
        series.expand(net, 2)


@pytest.mark.slow
def test_two_to_the_n_network_n10_matches_closed_form():
    c = shallow_product(10, activations.generic())
    assert same_terms(series.error(c, 2, method="explicit"), series.error(c, 2, method="closed"))

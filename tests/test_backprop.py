"""Tests of symnet.backprop: the recursion against sympy's derivative, by hand and by finite differences.

Independent routes: gradients derived by hand (written below) for the smallest networks;
mpmath's numerical differentiation of the loss at 40 digits (no sympy derivative, no recursion);
the exact and numeric routes of check_backprop; a deliberately wrong recursion must be caught.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from symnet.backprop import (
    PAIRS,
    SymbolicNetwork,
    check_backprop,
    is_zero,
    symbolic_network,
)
from symnet.errors import HypothesisError, InvalidInput, ShapeError


def sigmoid(z):
    return 1 / (1 + sp.exp(-z))


def test_hand_derived_gradient_one_hidden_neuron_squared_error():
    net = symbolic_network((1, 1, 1), hidden="sigmoid", output="identity", regularization=True)
    (x,), (y,) = net.inputs, net.targets
    w1, b1, w2, b2 = net.parameters
    lam = net.regularization
    s = sigmoid(w1 * x + b1)
    ds = sp.exp(-(w1 * x + b1)) / (1 + sp.exp(-(w1 * x + b1))) ** 2  # sigma' written out
    r = w2 * s + b2 - y
    hand = {w1: r * w2 * ds * x + lam * w1, b1: r * w2 * ds, w2: r * s + lam * w2, b2: r}
    g = net.backprop()
    got = {w1: g.weights[0][0, 0], b1: g.biases[0][0], w2: g.weights[1][0, 0], b2: g.biases[1][0]}
    for p in hand:
        assert sp.simplify(got[p] - hand[p]) == 0, p


def test_hand_derived_output_deltas():
    net = symbolic_network((1, 2), output="softmax")
    delta, _, (z1, z2) = net.output_delta_direct()
    y1, y2 = net.targets
    # softmax + CCE by hand: dJ/dz1 = a1 (y1 + y2) - y1, which is a1 - y1 when y1 + y2 = 1
    a1 = sp.exp(z1) / (sp.exp(z1) + sp.exp(z2))
    hand = a1 * (y1 + y2) - y1
    assert is_zero(delta[0] - hand.xreplace({y2: 1 - y1}))
    assert not is_zero(delta[0] - hand)  # without the hypothesis the claim is false


@pytest.mark.parametrize("output", list(PAIRS))
def test_recursion_equals_direct_derivative_two_routes(output):
    shapes = (2, 2, 2) if output == "softmax" else (2, 2, 1)
    net = symbolic_network(shapes, hidden="sigmoid", output=output)
    result = check_backprop(net, points=1)
    assert result.output_delta_exact and result.exact and result.numeric_ok, str(result)


def test_l2_regularisation_and_tanh_hidden():
    net = symbolic_network((2, 2, 1), hidden="tanh", output="sigmoid", regularization=True)
    result = check_backprop(net, points=1)
    assert result.ok
    # lambda W is the only place lambda enters
    lam = net.regularization
    g = net.backprop()
    assert sp.diff(g.weights[0][0, 1], lam) == net.weights[0][0, 1]
    assert all(sp.diff(b, lam) == 0 for m in g.biases for b in m)


def test_generic_activation_keeps_sigma_symbolic():
    net = symbolic_network((1, 2, 1), hidden="generic", output="identity", regularization=True)
    g = net.backprop()
    assert g.weights[0].has(sp.Function("sigma"))
    assert check_backprop(net, points=1).ok


@pytest.mark.slow
def test_two_hidden_layers_softmax_softplus_with_l2():
    net = symbolic_network((2, 2, 2, 2), hidden="softplus", output="softmax", regularization=True)
    assert check_backprop(net, points=1).ok


def finite_difference_gradient(net, point, dps=40):
    """dJ/dp by mpmath's numerical differentiation of the loss (no symbolic derivative)."""
    j = net.loss_expression()
    out = {}
    with mpmath.workdps(dps):
        for p in net.parameters:
            rest = {q: v for q, v in point.items() if q != p}
            f = sp.lambdify(p, j.xreplace(rest), modules="mpmath")
            out[p] = mpmath.diff(f, mpmath.mpf(point[p].p) / point[p].q)
    return out


@pytest.mark.parametrize("output", list(PAIRS))
def test_recursion_matches_finite_differences(output):
    net = symbolic_network((2, 2, 2), hidden="tanh", output=output, regularization=True)
    vals = [sp.Rational(k, 7) for k in (3, -5, 2, 11, -1, 4, 6, -9, 1, 8, -2, 5, 7, -3, 2, 1, -4, 3)]
    point = dict(zip(net.parameters, vals, strict=False))
    point.update({net.inputs[0]: sp.Rational(1, 3), net.inputs[1]: sp.Rational(-2, 5),
                  net.regularization: sp.Rational(1, 4)})
    y = [sp.Rational(1, 4), sp.Rational(3, 4)] if output == "softmax" else [sp.Rational(1, 5), sp.Rational(2, 3)]
    point.update(dict(zip(net.targets, y, strict=True)))
    fd = finite_difference_gradient(net, point)
    g = net.backprop(y=y)
    by_recursion = {}
    for w, gw, b, gb in zip(net.weights, g.weights, net.biases, g.biases, strict=True):
        by_recursion.update(zip(w, gw, strict=True))
        by_recursion.update(zip(b, gb, strict=True))
    with mpmath.workdps(40):
        for p, value in fd.items():
            rec = mpmath.mpf(sp.N(by_recursion[p].xreplace(point), 40))
            assert abs(rec - value) < mpmath.mpf(10) ** -30, p


class WrongRecursion(SymbolicNetwork):
    """Forgets the factor g'(z^[l]) of the recursion: must be caught by both routes."""

    def _hidden_derivative(self, z):
        return sp.Integer(1)


def test_a_wrong_recursion_is_detected():
    good = symbolic_network((1, 2, 1), hidden="sigmoid", output="identity")
    bad = WrongRecursion(good.shapes, good.network, good.hidden, good.output, good.loss, good.inputs, good.targets)
    result = check_backprop(bad, points=1)
    assert not result.exact and not result.numeric_ok and not result.ok


def test_seed_literal_binary_cross_entropy_reading_is_not_a_minus_y():
    # seed 004 prints J = -sum y log a + (1 - y) log(1 - a); literally, dJ/dz = 2 a y - a - y
    z, y = sp.symbols("z y", real=True)
    a = sigmoid(z)
    literal = -y * sp.log(a) + (1 - y) * sp.log(1 - a)
    assert is_zero(sp.diff(literal, z) - (2 * a * y - a - y))
    assert not is_zero(sp.diff(literal, z) - (a - y))
    bracketed = -(y * sp.log(a) + (1 - y) * sp.log(1 - a))
    assert is_zero(sp.diff(bracketed, z) - (a - y))


def test_softmax_needs_targets_summing_to_one():
    net = symbolic_network((1, 1, 2), output="softmax")
    with pytest.raises(HypothesisError, match="sum_k y_k = 1"):
        net.backprop(y=[1, 1])
    g = net.backprop(x=[sp.Rational(1, 2)], y=[0, 1])   # one-hot target is fine
    d = net.direct_gradient(x=[sp.Rational(1, 2)], y=[0, 1])
    assert all(is_zero(a - b) for m, n in zip(g.weights, d.weights, strict=True) for a, b in zip(m, n, strict=True))


def test_is_zero_says_no_to_nonzero_expressions():
    x = sp.Symbol("x")
    assert is_zero(sp.exp(x) * sp.exp(-x) - 1)
    assert not is_zero(sp.exp(x) - 1)
    assert not is_zero(sigmoid(x) * (1 - sigmoid(x)) - sigmoid(x))


def test_bad_input_is_rejected_clearly():
    with pytest.raises(InvalidInput, match="pairing"):
        symbolic_network((2, 1), output="identity", loss="binary_cross_entropy")
    with pytest.raises(InvalidInput, match="unknown output"):
        symbolic_network((2, 1), output="relu")
    with pytest.raises(ShapeError, match="at least an input and an output"):
        symbolic_network((2,))
    with pytest.raises(ShapeError, match="positive int"):
        symbolic_network((2, 0, 1))
    with pytest.raises(ShapeError, match="softmax needs at least 2"):
        symbolic_network((2, 1), output="softmax")
    with pytest.raises(InvalidInput, match="sequence of layer widths"):
        symbolic_network("2,1")
    with pytest.raises(InvalidInput, match="limited"):
        symbolic_network((20, 20, 20))
    net = symbolic_network((2, 1))
    with pytest.raises(ShapeError, match="x must have 2"):
        net.backprop(x=[1])
    with pytest.raises(ShapeError, match="y must have 1"):
        net.backprop(y=[1, 2])
    with pytest.raises(InvalidInput, match="SymbolicNetwork"):
        check_backprop(net.network)


def test_inputs_and_targets_are_never_parsed(capsys):
    # forward used to sympify its entries: x=["__import__(...)"] ran code
    net = symbolic_network((2, 1))
    payload = "__import__('builtins').print('EXECUTED')"
    with pytest.raises(InvalidInput, match=r"x\[0\]"):
        net.forward(x=[payload, 1])
    with pytest.raises(InvalidInput, match=r"y\[0\]"):
        net.backprop(y=[payload])
    with pytest.raises(InvalidInput, match=r"x\[1\]"):
        net.forward(x=[1, "2"])
    with pytest.raises(InvalidInput, match="sequence"):
        net.forward(x="12")
    assert "EXECUTED" not in capsys.readouterr().out
    # numbers and real symbols are still accepted: z = W1_1_1 * 1/2 + W1_1_2 * t + b1_1 (by hand)
    t = sp.Symbol("t", real=True)
    w11, w12, b1 = net.parameters
    assert net.forward(x=[0.5, t]).z[0][0] == w11 / 2 + w12 * t + b1


def test_check_backprop_validates_its_arguments():
    net = symbolic_network((1, 1))
    with pytest.raises(InvalidInput, match="seed"):
        check_backprop(net, seed="a")
    with pytest.raises(InvalidInput, match="exact must be True or False"):
        check_backprop(net, exact="no")
    with pytest.raises(InvalidInput, match="points"):
        check_backprop(net, points=-1)
    with pytest.raises(InvalidInput, match="check nothing"):
        check_backprop(net, points=0, exact=False)


def test_no_numeric_claim_without_numeric_points():
    # before: points=0 reported numeric_ok True although nothing numeric ran
    result = check_backprop(symbolic_network((1, 1)), points=0)
    assert result.exact
    assert result.numeric_max_difference is None
    assert not result.numeric_ok and not result.ok
    assert "not run" in str(result)

"""Tests of symnet.constructions.yarotsky: the ReLU sawtooth construction of x^2 and of xy.

Independent routes: the defining formula f_m = x - sum g_s/4^s evaluated in Fractions (no
network) at dense rational points; the network's own exact sympy evaluation; the exact
piecewise-linear form; hand-derived values (the interpolation error (x - a)(a + h - x) on a
cell); the series engine and the activations refusing ReLU at its kink.
"""

from __future__ import annotations

import importlib
import random
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations, series
from symnet.constructions import Construction, Hypothesis
from symnet.constructions.yarotsky import (
    f_m_value,
    hat,
    layers_for_accuracy,
    multiplication,
    multiplication_error,
    piecewise_linear,
    sawtooth,
    square,
    square_counts,
    square_error,
    tent_value,
)
from symnet.errors import InvalidInput, NotSmoothError, ShapeError, TooLargeError
from symnet.network import Network, input_symbols

R = sp.Rational


def test_tent_and_sawtooth_values():
    g = hat()
    assert [g(R(k, 4)) for k in range(-1, 6)] == [0, 0, R(1, 2), 1, R(1, 2), 0, 0]
    for s in (1, 2, 3, 4):
        gs = sawtooth(s)
        assert gs.depth == s and gs.hidden_neurons == 3 * s
        # g_s(k/2^s) = k mod 2, and linear in between: value 1/2 at the quarter points
        assert [gs(R(k, 2**s)) for k in range(2**s + 1)] == [k % 2 for k in range(2**s + 1)]
        assert all(gs(R(2 * k + 1, 2 ** (s + 1))) == R(1, 2) for k in range(2**s))


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 6])
def test_square_exact_sup_error_and_interpolation(m):
    r = square_error(m)
    assert r.sup_error == R(1, 2 ** (2 * m + 2))
    assert r.argmax == tuple(R(2 * k + 1, 2 ** (m + 1)) for k in range(2**m))
    assert r.interpolates and r.breakpoints_on_grid and r.formula_agrees and r.claim_holds
    assert r.kinks == 2**m - 1


@pytest.mark.parametrize("m", [1, 2, 3, 5])
def test_dense_rational_sampling_of_the_formula(m):
    # hand derivation: on the cell [a, a + h], f_m(x) - x^2 = (x - a)(a + h - x)
    h = Fraction(1, 2**m)
    rng = random.Random(m)
    points = [Fraction(k, 2 ** (m + 4)) for k in range(2 ** (m + 4) + 1)]
    points += [Fraction(rng.randint(0, 10**6), 10**6) for _ in range(300)]
    worst = Fraction(0)
    for x in points:
        err = f_m_value(m, x) - x * x
        a = (x // h) * h if x < 1 else 1 - h
        assert err == (x - a) * (a + h - x)
        worst = max(worst, abs(err))
    assert worst == Fraction(1, 2 ** (2 * m + 2))  # the grid of step 2^-(m+4) contains the midpoints


def test_network_equals_formula_by_its_own_exact_evaluation():
    m = 3
    net = square(m).network
    for k in range(0, 65):
        x = Fraction(k, 64)
        assert net(R(k, 64)) == sp.Rational(f_m_value(m, x).numerator, f_m_value(m, x).denominator)
    for x in (R(1, 3), R(2, 7), R(99, 100)):
        assert net(x) == sp.Rational(str(f_m_value(m, Fraction(int(x.p), int(x.q)))))


@given(st.integers(1, 8), st.fractions(0, 1, max_denominator=10**4))
def test_piecewise_form_agrees_with_formula_anywhere(m, x):
    pl = piecewise_linear(square(m).network)
    assert pl(x) == f_m_value(m, x)


def test_counts_depth_and_accuracy():
    for m in range(1, 7):
        c = square(m)
        assert (c.hidden_neurons, c.depth) == square_counts(m) == (4 * m - 1, m)
        assert (c.network.hidden_neurons, c.network.depth) == (4 * m - 1, m)
        assert c.parameters["sup_error"] == R(1, 4 ** (m + 1))
    assert layers_for_accuracy(R(1, 16)) == 1 and layers_for_accuracy(R(1, 17)) == 2
    assert layers_for_accuracy(R(1, 10**6)) == 9     # 2^-20 <= 1e-6 < 2^-18
    # m grows like log2(1/eps)/2: 10^-12 needs 19 (2^-40 <= 1e-12 < 2^-38)
    assert layers_for_accuracy(R(1, 10**12)) == 19


@pytest.mark.parametrize("m", [1, 2, 3])
def test_multiplication_sup_error_two_routes(m):
    c = multiplication(m)
    assert (c.hidden_neurons, c.depth) == (3 * (4 * m - 1), m)
    assert c.network.hidden_neurons == c.hidden_neurons
    r = multiplication_error(m)
    assert r.attained and r.bound == R(1, 2 ** (2 * m + 1)) and r.lower == -R(1, 2 ** (2 * m + 2))
    # route 2: dense rational grid through the defining formula (no network)
    n = 2 ** (m + 2)
    errs = []
    for i in range(n + 1):
        for j in range(n + 1):
            x, y = Fraction(i, n), Fraction(j, n)
            approx = 2 * f_m_value(m, (x + y) / 2) - f_m_value(m, x) / 2 - f_m_value(m, y) / 2
            errs.append(approx - x * y)
    assert max(errs) == Fraction(1, 2 ** (2 * m + 1)) and min(errs) == -Fraction(1, 2 ** (2 * m + 2))
    # the network agrees with the formula on a sample of that grid
    for i, j in [(0, 1), (1, 1), (n // 2, 3), (n, n)]:
        x, y = Fraction(i, n), Fraction(j, n)
        formula = 2 * f_m_value(m, (x + y) / 2) - f_m_value(m, x) / 2 - f_m_value(m, y) / 2
        assert c.network(R(i, n), R(j, n)) == R(formula.numerator, formula.denominator)


def test_multiplication_rescaled_box():
    m, bound = 2, 3
    c = multiplication(m, bound)
    assert c.parameters["sup_error"] == 9 * R(1, 2 ** (2 * m + 1))
    r = multiplication_error(m, bound)
    assert r.attained and r.bound == 9 * R(1, 32)
    assert c.network(R(3), R(3)) == 9          # both corners are interpolation nodes: exact


def test_taylor_route_refuses_relu_and_points_here():
    relu = activations.get("relu")
    with pytest.raises(NotSmoothError, match=r"symnet\.constructions\.yarotsky") as info:
        relu.derivative(2, at=0)
    assert info.value.activation == "relu" and info.value.point == 0
    module = importlib.import_module("symnet.constructions.yarotsky")  # the module named exists
    assert module.square(1).activation == relu
    # the series engine meets the kink at the operating point 0 of a lam-scaled ReLU network
    lam = sp.Symbol("lam", positive=True)
    x = input_symbols(1)
    net = Network.single_hidden_layer([[lam]], [1 / lam**2], relu)
    c = Construction("relu-square?", x[0] ** 2, x, lam, relu, (Hypothesis("none", None),), "test",
                     1, 1, build=lambda: net)
    with pytest.raises(NotSmoothError, match=r"symnet\.constructions\.yarotsky"):
        series.error(c, 2)
    # away from the kink relu is smooth but sigma'' = 0: no Taylor gate can divide by it
    assert relu.derivative(2, at=1) == 0


def test_tent_value_matches_network():
    g = hat()
    for k in range(-4, 13):
        x = Fraction(k, 8)
        assert g(R(k, 8)) == R(tent_value(x).numerator, tent_value(x).denominator)


def test_bad_input_is_rejected_clearly():
    with pytest.raises(InvalidInput, match="positive int"):
        square(0)
    with pytest.raises(InvalidInput, match="positive int"):
        sawtooth(True)
    with pytest.raises(TooLargeError, match="m <= 16"):
        square_error(40)
    with pytest.raises(InvalidInput, match="positive rational"):
        multiplication(2, bound=-1)
    with pytest.raises(InvalidInput, match="eps must be a positive"):
        layers_for_accuracy(0)
    with pytest.raises(ShapeError, match="1 input"):
        piecewise_linear(multiplication(1).network)
    with pytest.raises(InvalidInput, match="ReLU networks only"):
        piecewise_linear(Network.single_hidden_layer([[1]], [1], "tanh"))
    with pytest.raises(InvalidInput, match="a < b"):
        piecewise_linear(hat(), (1, 0))
    with pytest.raises(InvalidInput, match="outside"):
        piecewise_linear(hat())(2)


def test_piecewise_linear_call_by_hand():
    from fractions import Fraction as F

    from symnet.constructions.yarotsky import PiecewiseLinear

    # the hat through (0, 0), (1, 2), (3, 0): by hand 2x on [0, 1], 3 - x on [1, 3]
    hat = PiecewiseLinear((F(0), F(1), F(3)), (F(0), F(2), F(0)))
    for x, value in [(0, 0), (F(1, 2), 1), (1, 2), (2, 1), (F(5, 2), F(1, 2)), (3, 0)]:
        assert hat(x) == value, x
    with pytest.raises(InvalidInput, match="outside"):
        hat(F(7, 2))

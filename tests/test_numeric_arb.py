"""The building blocks of the rigorous side: arb evaluation of activations, Taylor models, and
exact polynomials, each against an independent route (mpmath at high precision, the exact
derivatives of symnet.activations, sympy's exact polynomial arithmetic)."""

from fractions import Fraction

import flint
import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations
from symnet.errors import InvalidInput, NotSmoothError
from symnet.numeric._arb import (
    activation_function,
    arb_constant,
    coefficient_over,
    int_power,
    series_coefficients,
    upper_float,
)
from symnet.numeric._poly import Polynomial
from symnet.numeric._taylor_model import TaylorModel

SMOOTH = ["sigmoid", "tanh", "softplus", "exp", "silu", "gelu", "cos", "square", "cube"]


@pytest.mark.parametrize("name", SMOOTH)
@pytest.mark.parametrize("x", ["-2.5", "0", "0.3", "1.75"])
def test_activation_balls_contain_mpmath_values(name, x):
    act = activations.get(name)
    with flint.ctx.workprec(200), mpmath.workdps(80):
        ball = activation_function(act)(flint.arb(x))
        value = act.mpmath(mpmath.mpf(x))
        assert abs(ball.mid() - flint.arb(mpmath.nstr(value, 70))) <= 2 * ball.rad() + flint.arb(10) ** -55
        assert ball.rad() < flint.arb(10) ** -50


def mp_taylor(act, x: str, n: int) -> list:
    """Taylor coefficients by mpmath's numerical differentiation at 60 digits (no jets, no arb)."""
    with mpmath.workdps(60):
        return mpmath.taylor(lambda t: act.mpmath(t), mpmath.mpf(x), n)


def close(ball: flint.arb, value: mpmath.mpf, tol: str = "1e-30") -> bool:
    with flint.ctx.workprec(200):
        return bool(abs(ball - flint.arb(mpmath.nstr(value, 50))) <= flint.arb(tol))


@pytest.mark.parametrize("name", SMOOTH)
def test_series_coefficients_are_the_taylor_coefficients(name):
    act = activations.get(name)
    reference = mp_taylor(act, "0.3", 12)  # beyond python-flint's default series cap of 10
    with flint.ctx.workprec(200):
        balls = series_coefficients(activation_function(act), flint.arb(flint.fmpq(3, 10)), 13)
    for k, (ball, c) in enumerate(zip(balls, reference, strict=True)):
        assert close(ball, c), (k, ball, c)
        assert ball.rad() < flint.arb(10) ** -40
    # exact values at 0 from the jets of symnet.activations (a third route)
    with flint.ctx.workprec(200):
        at_zero = series_coefficients(activation_function(act), flint.arb(0), 9)
    for ball, c in zip(at_zero, act.taylor_coefficients(8, at=0), strict=True):
        assert ball.overlaps(arb_constant(c))


@pytest.mark.parametrize("name", ["softplus", "sigmoid", "tanh", "gelu"])
def test_coefficient_over_a_ball_encloses_every_point(name):
    act = activations.get(name)
    f = activation_function(act)
    with flint.ctx.workprec(128):
        enclosure = coefficient_over(f, flint.arb(1) + flint.arb(0, 2), 6)  # over [-1, 3]
    samples = [mp_taylor(act, repr(float(x)), 6)[6] for x in np.linspace(-1, 3, 41)]
    for value in samples:
        assert enclosure.overlaps(flint.arb(mpmath.nstr(value, 40)))
    # not a gross overestimate: width within 4x of the sampled spread
    spread = float(max(samples) - min(samples))
    assert float(enclosure.rad()) * 2 <= 4 * spread


def test_constants_and_kinks():
    with mpmath.workdps(60):
        references = [mpmath.log(2 + mpmath.sqrt(3)), mpmath.atanh(mpmath.sqrt(3) / 3), mpmath.pi**2 / 6]
    with flint.ctx.workprec(100):
        for expr, ref in zip([sp.log(2 + sp.sqrt(3)), sp.atanh(sp.sqrt(3) / 3), sp.pi**2 / 6], references,
                             strict=True):
            ball = arb_constant(expr)
            assert ball.rad() < flint.arb(10) ** -28
            with flint.ctx.workprec(300):
                assert ball.contains(flint.arb(mpmath.nstr(ref, 55)))
    relu = activation_function(activations.get("relu"))
    assert relu(flint.arb(-1)) == 0 and relu(flint.arb(2)) == 2
    with pytest.raises(NotSmoothError, match="not smooth"):
        series_coefficients(relu, flint.arb(0), 3)
    with pytest.raises(InvalidInput, match="concrete activation"):
        activation_function(activations.generic())
    with pytest.raises(InvalidInput, match="not a number"):
        arb_constant(sp.Symbol("b"))


def test_int_power_of_balls_around_zero():
    ball = flint.arb(0, flint.arb("0.1"))
    assert int_power(ball, 2).contains(flint.arb("0.01")) and int_power(ball, 2).lower() >= 0
    assert int_power(ball, 3).contains(flint.arb("-0.001"))
    assert int_power(flint.arb(-2), -3) == flint.arb(-0.125)


def test_upper_float_is_an_upper_bound():
    third = flint.arb(1) / 3
    up = upper_float(third)
    assert up >= 1 / 3 and sp.Rational(up) >= sp.Rational(1, 3)
    assert upper_float(flint.arb("nan")) == float("inf")


# -- Taylor models ---------------------------------------------------------------------------------
@st.composite
def polynomials_2d(draw):
    coefficient = st.fractions(min_value=-3, max_value=3, max_denominator=5)
    terms = draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), coefficient), min_size=1, max_size=6))
    u, v = sp.symbols("u v")
    return sum((sp.Rational(c.numerator, c.denominator) * u**i * v**j for i, j, c in terms), sp.Integer(0))


@given(p=polynomials_2d(), q=polynomials_2d(), degree=st.integers(1, 6),
       lo=st.fractions(min_value=-2, max_value=1, max_denominator=4))
def test_taylor_model_products_enclose_the_exact_polynomial(p, q, degree, lo):
    """TM(p) * TM(q) - TM(3) encloses p q - 3 at sampled points of the box [lo, lo+1]^2 (exact
    values by sympy)."""
    u, v = sp.symbols("u v")
    with flint.ctx.workprec(128):
        c = arb_constant(sp.Rational(lo) + sp.Rational(1, 2))
        r = arb_constant(sp.Rational(1, 2))
        xs = [TaylorModel.variable(i, c, r, 2, degree) for i in range(2)]
        zero = TaylorModel.constant(0, 2, degree)
        tp = Polynomial(p, (u, v)).evaluate(xs, arb_constant, zero)
        tq = Polynomial(q, (u, v)).evaluate(xs, arb_constant, zero)
        model = tp * tq - 3
        enclosure = model.range()
        for a in (0, Fraction(1, 3), 1):
            for b in (0, Fraction(3, 4), 1):
                x, y = sp.Rational(lo) + sp.Rational(a), sp.Rational(lo) + sp.Rational(b)
                exact = (p * q - 3).subs({u: x, v: y})
                assert enclosure.contains(arb_constant(exact))


def test_taylor_model_activation_encloses_values():
    act = activations.get("softplus")
    f = activation_function(act)
    with flint.ctx.workprec(128):
        x = TaylorModel.variable(0, flint.arb(1), flint.arb("0.5"), 1, 4)
        model = (x * x).apply(f)  # softplus(x^2) on [0.5, 1.5]
        for t in np.linspace(0.5, 1.5, 11):
            t_exact = sp.Rational(repr(float(t)))
            y = (t_exact - 1) / sp.Rational(1, 2)
            poly_value = sum((arb_constant(y**m[0]) * c for m, c in model.coeffs.items()), flint.arb(0))
            with mpmath.workdps(40):
                exact = act.mpmath(mpmath.mpf(float(t)) ** 2)
            assert (poly_value + model.rem).contains(flint.arb(mpmath.nstr(exact, 35))) or \
                (poly_value + model.rem).overlaps(flint.arb(mpmath.nstr(exact, 35)))


def test_polynomial_rejects_non_polynomials():
    u = sp.Symbol("u")
    with pytest.raises(InvalidInput, match="not a polynomial"):
        Polynomial(sp.exp(u), (u,))
    with pytest.raises(InvalidInput, match="besides the variables"):
        Polynomial(u * sp.Symbol("lam"), (u,))
    p = Polynomial(sp.sqrt(3) * u**2 + 1, (u,))
    values, absolute = p.numpy_with_bound(np.array([[2.0], [-1.0]]))
    assert np.allclose(values, [4 * 3**0.5 + 1, 3**0.5 + 1]) and np.all(absolute >= np.abs(values))

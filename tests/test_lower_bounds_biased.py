"""Hidden biases: the minimal width depends on the activation (MATH.md section 3).

Hand argument for x_1 x_2 at width 2: the degree-2 conditions say that
w_1 sigma''(b_1) a_1 a_1^T + w_2 sigma''(b_2) a_2 a_2^T is the matrix [[0, 1], [1, 0]] of x_1 x_2,
which has rank 2, so a_1, a_2 are independent and w_j sigma''(b_j) != 0; the degree-1 conditions
w_1 sigma'(b_1) a_1 + w_2 sigma'(b_2) a_2 = 0 then force sigma'(b_j) = 0. That is impossible when
sigma' has no zero (exp, sigmoid, tanh, softplus); cos has sigma'(0) = 0 and sigma''(0) = -1, and
2 neurons suffice.

The derivative polynomials are derived by hand here (sigma' = s (1 - s), ...) and compared with
sympy's diff of the formulas and with mpmath's numerical derivatives, never with the function
under test alone.
"""

from __future__ import annotations

import dataclasses

import mpmath
import pytest
import sympy as sp

from symnet import activations
from symnet.errors import CertificateError, InvalidInput
from symnet.lower_bounds import GroebnerCertificate, condition_system, groebner_attempt, minimal_width
from symnet.lower_bounds._conditions import condition_system_size
from symnet.lower_bounds._derivative_polynomials import (
    DERIVATIVE_POLYNOMIALS,
    U,
    derivative_polynomials,
)

B = sp.Symbol("b", real=True)
S = 1 / (1 + sp.exp(-B))  # the logistic sigmoid, s in (0, 1)
Y = sp.tanh(B)
s, y, t = sp.symbols("s y t")

# Hand derivations (chain rule with s' = s(1 - s), y' = 1 - y^2, t' = t):
#   sigmoid: s' = s - s^2; s'' = (1 - 2s) s(1 - s); s''' = (1 - 6s + 6s^2) s(1 - s)
#   tanh:    y' = 1 - y^2; y'' = -2y (1 - y^2); y''' = (6y^2 - 2)(1 - y^2)
#   exp:     every derivative is t = e^b
#   softplus: softplus' = s, then the sigmoid's list shifted by one
HAND = {
    "sigmoid": (S, s, {1: s * (1 - s), 2: s * (1 - s) * (1 - 2 * s), 3: s * (1 - s) * (1 - 6 * s + 6 * s**2)}),
    "tanh": (Y, y, {1: 1 - y**2, 2: -2 * y * (1 - y**2), 3: (6 * y**2 - 2) * (1 - y**2)}),
    "exp": (sp.exp(B), t, {1: t, 2: t, 3: t, 4: t}),
    "softplus": (S, s, {1: s, 2: s * (1 - s), 3: s * (1 - s) * (1 - 2 * s)}),
}
FORMULAS = {"sigmoid": S, "tanh": Y, "exp": sp.exp(B), "softplus": sp.log(1 + sp.exp(B))}
NO_ZERO = ("exp", "sigmoid", "tanh", "softplus")


@pytest.mark.parametrize("name", NO_ZERO)
def test_hand_derivative_polynomials_match_sympy_diff(name):
    quantity, q, hand = HAND[name]
    for k, poly in hand.items():
        by_diff = sp.diff(FORMULAS[name], B, k)
        assert sp.simplify((by_diff - poly.subs(q, quantity)).rewrite(sp.exp)) == 0, (name, k)


@pytest.mark.parametrize("name", NO_ZERO)
def test_symnet_polynomials_equal_the_hand_ones(name):
    p = DERIVATIVE_POLYNOMIALS[name]
    _quantity, q, hand = HAND[name]
    for k, poly in hand.items():
        assert sp.expand(p.derivative(k) - poly.subs(q, U)) == 0, (name, k)


@pytest.mark.parametrize("name", NO_ZERO)
@pytest.mark.parametrize("b", [sp.Rational(1, 3), sp.Rational(-7, 4)])
def test_polynomials_against_mpmath_derivatives(name, b):
    p = DERIVATIVE_POLYNOMIALS[name]
    f = sp.lambdify(B, FORMULAS[name], "mpmath")
    with mpmath.workdps(40):
        u = sp.lambdify(B, p.quantity.subs(activations.VARIABLE, B), "mpmath")(mpmath.mpf(b.p) / b.q)
        for k in range(max(p.start, 1), 6):
            numeric = mpmath.diff(f, mpmath.mpf(b.p) / b.q, k)
            poly = sp.lambdify(U, p.derivative(k), "mpmath")(u)
            assert abs(numeric - poly) < mpmath.mpf(10) ** -25 * max(1, abs(numeric)), (name, b, k)


def test_nonzero_factor_is_the_derivative_of_the_quantity_and_has_no_real_zero():
    # u' = F(u) for each quantity (sympy diff), and F(u(b)) has a constant sign (closed forms by hand:
    # e^b > 0, s(1 - s) = 1/(4 cosh^2(b/2)) > 0, 1 - tanh^2 = 1/cosh^2 > 0)
    closed = {"exp": sp.exp(B), "sigmoid": 1 / (4 * sp.cosh(B / 2) ** 2), "tanh": 1 / sp.cosh(B) ** 2,
              "softplus": 1 / (4 * sp.cosh(B / 2) ** 2)}
    for name, p in DERIVATIVE_POLYNOMIALS.items():
        u = p.quantity.subs(activations.VARIABLE, B)
        assert sp.simplify(sp.diff(u, B) - p.field.subs(U, u)) == 0
        assert sp.simplify((p.nonzero.subs(U, u) - closed[name]).rewrite(sp.exp)) == 0
        assert closed[name].is_positive


def test_lookup_by_formula_and_refusals():
    assert derivative_polynomials(activations.from_expression("tanh(x)")).name == "tanh"
    for name in ("cos", "silu", "gelu", "square", "relu"):
        assert derivative_polynomials(activations.get(name)) is None
    assert derivative_polynomials(activations.generic()) is None
    with pytest.raises(InvalidInput, match="k >= 1"):
        DERIVATIVE_POLYNOMIALS["softplus"].derivative(0)  # softplus itself is not a polynomial in s


def test_condition_system_written_by_hand_for_x_squared():
    # width 1, target x^2, sigmoid: degree 1: w s'(b) a = 0, degree 2: w s''(b) a^2 / 2! = 1,
    # with s' = u(1 - u), s'' = u(1 - u)(1 - 2u); constraint u(1 - u) z = 1
    sysm = condition_system((2,), 1, model="biased", activation="sigmoid")
    w, a, u, z = sp.symbols("w_1 a_1_1 u_1 z_1")
    assert sysm.unknowns == (w, a, u, z)
    assert sysm.rows == ((1,), (2,))
    assert [sp.expand(e) for e in sysm.equations] == [sp.expand(w * u * (1 - u) * a),
                                                       sp.expand(w * u * (1 - u) * (1 - 2 * u) * a**2 - 2)]
    assert sysm.constraints == (sp.expand(u * (1 - u) * z - 1),)
    assert condition_system_size(sysm.target, 1, "biased", activations.get("sigmoid")) == (4, 3)


@pytest.mark.parametrize("name", NO_ZERO)
def test_width_2_for_x1x2_is_impossible_when_sigma_prime_has_no_zero(name):
    attempt = groebner_attempt(2, 2, model="biased", activation=name)
    assert attempt.status == "unit-ideal"
    cert = attempt.certificate
    assert isinstance(cert, GroebnerCertificate) and cert.check()
    assert "Rabinowitsch" in cert.method and cert.system.derivatives.name == name
    assert (attempt.unknowns, attempt.equations) == (10, 7) == (len(cert.system.unknowns),
                                                               len(cert.system.all_equations))


def test_without_the_nonvanishing_the_relaxation_decides_nothing():
    # the generic relaxation (free d_k_j) admits sigma'(b_j) = 0, so its basis is not {1}
    assert groebner_attempt(2, 2, model="biased").status == "not-unit"


def test_tampered_certificates_fail():
    cert = groebner_attempt(2, 2, model="biased", activation="sigmoid").certificate
    # without the Rabinowitsch constraints the system has solutions (sigma'(b_j) = 0, i.e. u_j in {0, 1})
    bare = dataclasses.replace(cert.system, constraints=())
    with pytest.raises(CertificateError, match="constraints"):
        GroebnerCertificate(bare).check()
    # a wrong ODE: u' = u(1 + u) does not give sigmoid's derivatives
    wrong = dataclasses.replace(cert.system.derivatives, field=U * (1 + U))
    with pytest.raises(CertificateError, match="sigma\\^\\(1\\)"):
        GroebnerCertificate(dataclasses.replace(cert.system, derivatives=wrong)).check()
    # the parametrisation of another activation
    other = dataclasses.replace(cert.system, derivatives=DERIVATIVE_POLYNOMIALS["tanh"])
    with pytest.raises(CertificateError, match="parametrisation is for"):
        GroebnerCertificate(other).check()
    # constraints that do not belong to the neurons' own unknowns
    shifted = dataclasses.replace(cert.system, constraints=tuple(c.subs({sp.Symbol("z_1"): sp.Symbol("z_2")})
                                                                 for c in cert.system.constraints))
    with pytest.raises(CertificateError, match="constraints"):
        GroebnerCertificate(shifted).check()


def taylor_through(net, degree):
    """Independent expansion: series in a scale t of N(t x), truncated after t^degree."""
    tt = sp.Symbol("t")
    xs = net.default_inputs()
    series = sp.series(net.expression([tt * x for x in xs]), tt, 0, degree + 1).removeO()
    return sp.expand(series.subs(tt, 1))


@pytest.mark.parametrize("name, target, width", [
    ("cos", 2, 2), ("sigmoid", 2, 3), ("tanh", 2, 3), ("exp", 2, 3), ("softplus", 2, 3),
    ("cos", (2,), 1), ("exp", (2,), 2), ("tanh", (2,), 2),
])
def test_minimal_width_with_hidden_biases_depends_on_the_activation(name, target, width):
    r = minimal_width(target, model="biased", activation=name)
    assert (r.width, r.status) == (width, "certified") and r.check()
    net = r.network
    assert net.hidden_neurons == width
    xs = net.default_inputs()
    diff = sp.Poly(taylor_through(net, 2) - (xs[0] * xs[1] if target == 2 else xs[0] ** 2), *xs)
    assert all(sp.simplify(c) == 0 for c in diff.coeffs())
    if name != "cos":
        assert isinstance(r.certificate, GroebnerCertificate) and r.certificate.width == width - 1
        assert any("Rabinowitsch" in n for n in r.notes)


@pytest.mark.slow
def test_x1_squared_x2_with_sigmoid_and_tanh():
    for name in ("sigmoid", "tanh"):
        r = minimal_width((2, 1), model="biased", activation=name)
        assert (r.width, r.status) == (3, "certified") and r.check()


@pytest.mark.parametrize("kwargs, words", [
    (dict(time_limit=-1), "time_limit must be a positive finite number"),
    (dict(time_limit=0), "time_limit"),
    (dict(time_limit=float("nan")), "time_limit"),
    (dict(time_limit=float("inf")), "time_limit"),
    (dict(time_limit="60"), "time_limit"),
    (dict(time_limit=True), "time_limit"),
    (dict(groebner_unknowns=0), "groebner_unknowns must be at least 1"),
    (dict(search_budget=-5), "search_budget must be at least 1"),
    (dict(search_budget=2.5), "search_budget must be an int"),
])
def test_minimal_width_validates_its_budgets(kwargs, words):
    with pytest.raises(InvalidInput, match=words):
        minimal_width(2, **kwargs)

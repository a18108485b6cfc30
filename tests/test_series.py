"""symnet.series: the ErrorSeries value, the explicit expansion of any network, and its checks.

Independent routes used here: hand derivations written out in the tests, the constructions'
closed forms against the explicit expansion, and mpmath evaluations of the explicit network at
enough digits that cancellation cannot hide an error (property tests over random smooth
activations).
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from symnet import activations, series
from symnet.activations import DerivativeSymbol
from symnet.constructions import (
    LAM,
    binary_product,
    identity_gate,
    multiplication_gate,
    shallow_product,
    square_gate,
    three_neuron_gate,
    yarotsky_square,
)
from symnet.errors import HypothesisError, InvalidInput, NotSmoothError, ShapeError, TooLargeError
from symnet.network import Network
from symnet.series import ErrorSeries

X = sp.Symbol("x", real=True)
U, V = sp.symbols("u v", real=True)
B = sp.Symbol("b", real=True)


def same(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.simplify(sp.expand(a - b)) == 0


def d(k: int, at=B) -> DerivativeSymbol:
    return DerivativeSymbol(k, at)


# -- the ErrorSeries value ----------------------------------------------------------------------

def test_expand_exp_copy_neuron_by_hand():
    # (e^(lam x) - 1) / lam = x + lam x^2/2 + lam^2 x^3/6 + ...
    net = Network.single_hidden_layer([[LAM]], [1 / LAM], activations.get("exp"), output_bias=-1 / LAM)
    s = series.expand(net, 3, variables=[X])
    assert s.terms == {0: X, 1: X**2 / 2, 2: X**3 / 6, 3: X**4 / 24}
    assert s.target == 0 and s.method == "explicit expansion" and s.order == 3 and s.scale == LAM
    assert s.variables == (X,)


def test_error_series_api():
    err = series.error(multiplication_gate(activations.generic()), 4)
    assert isinstance(err, ErrorSeries)
    assert err.leading_order == 2 and sorted(err.terms) == [2, 4]
    assert err.coefficient(1) == 0 and err.coefficient(3) == 0
    with pytest.raises(InvalidInput, match="through lam\\^4"):
        err.coefficient(5)
    for bad in (2.5, True, "2", None):
        with pytest.raises(InvalidInput, match="power must be an int"):
            err.coefficient(bad)
    assert err.coefficient(-1) == 0  # below the leading order: known to vanish
    assert same(err.as_expr(), sum(c * LAM**p for p, c in err.terms.items()))
    text = str(err)
    assert "multiplication gate" in text and "O(lam**5)" in text and "sigma^(4)(b)" in text
    tex = err.latex()
    assert "\\sigma^{(4)}(b)" in tex and "\\lambda^{2}" in tex and "O\\left(\\lambda^{5}\\right)" in tex
    assert err._repr_latex_() == f"$${tex}$$"
    assert err.method == "closed form"


def test_error_series_with_no_error_through_order():
    # softplus is x/2 + an even function: the 2-neuron odd difference is exactly x
    err = series.error(shallow_product(1, activations.get("softplus")), 6)
    assert err.terms == {} and err.leading == 0 and err.leading_order is None


def test_bare_network_scale_target_and_variables():
    lam2 = sp.Symbol("eps", positive=True)
    g = multiplication_gate(activations.get("exp"))
    net = g.network.subs({LAM: lam2})
    p, q = sp.symbols("p q")
    err = series.error(net, 2, target=p * q, scale=lam2, variables=[p, q])
    assert same(err.leading, lam2**2 * p * q * (p**2 + q**2) / 6)
    with pytest.raises(InvalidInput, match="scale"):
        series.error(net, 2)  # default scale lam is not in this network
    # a construction with renamed variables: both routes rename consistently
    for method in ("closed", "explicit"):
        e = series.error(g, 2, variables=[p, q], method=method)
        assert same(e.coefficient(2), p * q * (p**2 + q**2) / 6)


def test_target_override_on_construction():
    g = multiplication_gate(activations.get("exp"))
    for method in ("closed", "explicit"):
        e = series.error(g, 0, target=sp.Integer(0), method=method)
        assert same(e.coefficient(0), U * V)


# -- the explicit expansion: deep networks, rational weights -------------------------------------------

def _square_of_square(act):
    sq = square_gate(act).network
    return sq.compose(sq)


def test_deep_composition_by_hand_generic():
    # q(y) = y^2 + c lam^2 y^4 + O(lam^4), c = s4/(12 s2), so
    # q(q(x)) = (x^2 + c lam^2 x^4)^2 + c lam^2 x^8 + O(lam^4) = x^4 + c lam^2 (2 x^6 + x^8) + O(lam^4)
    net = _square_of_square(activations.generic())
    assert net.depth == 2
    err = series.error(net, 2, target=X**4, variables=[X])
    c = d(4) / (12 * d(2))
    assert set(err.terms) == {2}
    assert same(err.coefficient(2), c * (2 * X**6 + X**8))


def test_deep_composition_against_mpmath():
    act = activations.get("softplus")
    net = _square_of_square(act)
    err = series.error(net, 6, target=X**4, variables=[X])
    lam, x = sp.Rational(1, 10**4), sp.Rational(2, 3)
    approx = sum(c.xreplace({X: x}) * lam**p for p, c in err.terms.items() if p <= 4)
    with mpmath.workdps(150):
        value = net.subs({LAM: lam}).mpmath([x], dps=150)
        rest = value - mpmath.mpf(x.p) ** 4 / x.q**4 - mpmath.mpf(approx.p) / approx.q
        pred = sum(mpmath.mpf(sp.Rational(c.xreplace({X: x})).p) / sp.Rational(c.xreplace({X: x})).q
                   * mpmath.mpf(lam.p) ** p / lam.q**p for p, c in err.terms.items() if p > 4)
        assert abs(rest - pred) < mpmath.mpf(lam) ** 7 * 10


def test_composition_at_a_new_expansion_point_bell_numbers():
    # exp(exp(t)) = e * exp(e^t - 1) = e * sum_n B_n t^n / n!, Bell numbers 1, 1, 2, 5, 15 (t = lam x);
    # the second layer is expanded around exp(0) = 1, a point that appears only during the expansion
    exp = activations.get("exp")
    net = Network.from_layers([([[LAM]], None, exp), ([[1]], None, exp)], [[1]])
    s = series.expand(net, 4, variables=[X])
    bell = [1, 1, 2, 5, 15]
    assert s.terms == {k: sp.E * bell[k] * X**k / sp.factorial(k) for k in range(5)}


def test_composition_generic_faa_di_bruno():
    # f(g(lam x)) with f = g = sigma: (f o g)''' = f'''(g) g'^3 + 3 f''(g) g' g'' + f'(g) g''' at 0
    g = activations.generic()
    net = Network.from_layers([([[LAM]], None, g), ([[1]], None, g)], [[1]])
    s = series.expand(net, 3, variables=[X])
    z = sp.Integer(0)
    at_g = DerivativeSymbol(0, z)  # the inner value sigma(0) is the outer expansion point
    f = [DerivativeSymbol(k, at_g) for k in range(4)]
    gd = [DerivativeSymbol(k, z) for k in range(4)]
    third = f[3] * gd[1] ** 3 + 3 * f[2] * gd[1] * gd[2] + f[1] * gd[3]
    assert same(s.coefficient(0), f[0])
    assert same(s.coefficient(1), f[1] * gd[1] * X)
    assert same(s.coefficient(2), (f[2] * gd[1] ** 2 + f[1] * gd[2]) * X**2 / 2)
    assert same(s.coefficient(3), third * X**3 / 6)


def test_non_laurent_rational_weight():
    # output weight 1/(lam + lam^2) = lam^-1 (1 - lam + lam^2 - ...): N = (e^(lam x) - 1)/(lam (1 + lam))
    w = 1 / (LAM + LAM**2)
    net = Network.single_hidden_layer([[LAM]], [w], activations.get("exp"), output_bias=-w)
    s = series.expand(net, 2, variables=[X])
    # (x + lam x^2/2 + lam^2 x^3/6)(1 - lam + lam^2)
    assert same(s.coefficient(0), X)
    assert same(s.coefficient(1), X**2 / 2 - X)
    assert same(s.coefficient(2), X**3 / 6 - X**2 / 2 + X)


def test_algebraic_and_transcendental_constants():
    # sigmoid at 1: derivatives are rational functions of e; sigma(1 + lam x) - sigma(1) over lam sigma'(1)
    g = identity_gate(activations.get("sigmoid"), bias=1)
    closed = series.error(g, 3, method="closed")
    explicit = series.error(g, 3, method="explicit")
    for p in range(4):
        assert sp.simplify(closed.coefficient(p) - explicit.coefficient(p)) == 0
    # sigma''(1)/(2 sigma'(1)) = (1 - 2 sigma(1))/2 = (1 - e)/(2 (1 + e))
    assert sp.simplify(closed.coefficient(1) - (1 - sp.E) / (2 * (1 + sp.E)) * X**2) == 0


@pytest.mark.parametrize("big", [1, 10**40])
def test_dependent_numeric_constants_cancel_at_any_magnitude(big):
    # tanh(ln(2 + sqrt 3)/2) = 1/sqrt 3 (tanh(t/2) = (e^t - 1)/(e^t + 1) = (1 + sqrt 3)/(3 + sqrt 3)),
    # which sympy keeps unevaluated: big*tanh(c + lam x) - big/sqrt 3 = big*(2/3) lam x + O(lam^2).
    # The lam^0 term is zero however large `big` is (the zero test is relative, at 60 digits).
    c = sp.log(2 + sp.sqrt(3)) / 2
    assert sp.tanh(c) != sp.sqrt(3) / 3  # unevaluated: the expansion must detect the dependency
    net = Network.single_hidden_layer([[LAM]], [big], activations.get("tanh"), hidden_bias=[c],
                                      output_bias=-big * sp.sqrt(3) / 3)
    s = series.expand(net, 1, variables=[X])
    assert sorted(s.terms) == [1]
    assert abs(sp.N(s.coefficient(1).subs(X, 1) / big - sp.Rational(2, 3), 50)) < 1e-40


# -- closed form against explicit expansion --------------------------------------------------------------

@pytest.mark.parametrize("make", [multiplication_gate, square_gate, identity_gate, three_neuron_gate])
@pytest.mark.parametrize("name", ["generic", "softplus", "exp", "sigmoid", "cos", "gelu"])
def test_closed_form_equals_explicit_expansion(make, name):
    act = activations.generic() if name == "generic" else activations.get(name)
    c = make(act) if make is not three_neuron_gate else make(act, bias=None)  # all apply to these six
    order = 5 if name in ("generic", "exp", "softplus") else 2
    closed = series.error(c, order, method="closed")
    explicit = series.error(c, order, method="explicit")
    assert closed.method == "closed form" and explicit.method == "explicit expansion"
    assert set(closed.terms) == set(explicit.terms)
    for p in closed.terms:
        assert closed.terms[p] == explicit.terms[p] or sp.simplify(closed.terms[p] - explicit.terms[p]) == 0


# -- bad input ------------------------------------------------------------------------------------------

def test_bad_order_and_method():
    g = multiplication_gate(activations.get("exp"))
    for bad in (-1, 2.0, True, "2", None):
        with pytest.raises(InvalidInput):
            series.error(g, bad)
    with pytest.raises(InvalidInput):
        series.error(g, 2, method="fast")
    with pytest.raises(InvalidInput):
        series.error(g.network, 2, method="closed")
    with pytest.raises(InvalidInput):
        series.error("gate", 2)


def test_string_target_is_refused_and_never_executed(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    g = multiplication_gate(activations.get("exp"))
    payloads = ("__import__('builtins').print('EXECUTED')",
                "__import__('pathlib').Path('pwned').write_text('x')",
                "u*v")
    for payload in payloads:
        for obj in (g, g.network):
            for method in ("auto", "explicit"):
                with pytest.raises(InvalidInput, match="not a string"):
                    series.error(obj, 2, target=payload, method=method)
        with pytest.raises(InvalidInput, match="not a string"):
            series.error(g, 2, target=payload.encode())
    assert "EXECUTED" not in capsys.readouterr().out
    assert not (tmp_path / "pwned").exists()


def test_target_symbols_must_be_the_variables():
    g = multiplication_gate(activations.get("exp"))
    u, v = sp.symbols("u v")  # no real=True: not the construction's u, v
    assert u != U and v != V
    for method in ("closed", "explicit"):
        with pytest.raises(InvalidInput, match=r"not the variables.*real=True"):
            series.error(g, 2, target=u * v, method=method)
        with pytest.raises(InvalidInput, match="w"):
            series.error(g, 2, target=U * V + sp.Symbol("w"), method=method)
    with pytest.raises(InvalidInput, match="not the variables"):
        series.error(g.network, 2, target=u * v)  # the network's default inputs are x_1, x_2
    with pytest.raises(InvalidInput, match="free of the scale"):
        series.error(g, 2, target=U * V * LAM)
    with pytest.raises(InvalidInput, match="sympy expression"):
        series.error(g, 2, target=[U, V])
    # the right symbols (and plain numbers) are accepted: uv - uv = 0 at lam^0, the gate's lam^2 term after
    e = series.error(g, 2, target=U * V)
    assert e.leading_order == 2 and e.coefficient(0) == 0
    assert series.error(g, 0, target=3).coefficient(0) == U * V - 3
    x1, x2 = g.network.default_inputs()
    assert series.error(g.network, 0, target=x1 * x2).coefficient(0) == 0


def test_constructions_without_the_scale_are_explained():
    for c, where in ((binary_product(2, 10), "worst_case_error"), (yarotsky_square(2), "square_error")):
        with pytest.raises(InvalidInput, match=f"not scaled by lam.*{where}"):
            series.error(c, 2)


@pytest.mark.parametrize("method", ["auto", "closed", "explicit"])
@pytest.mark.parametrize("scale", [sp.Symbol("mu"), sp.Symbol("lam"), "lam"])
def test_a_scale_other_than_the_constructions_is_refused(method, scale):
    # AUDIT2 item 8: the closed form used to relabel its series in mu silently, and the explicit
    # route refused for an unrelated reason; Symbol("lam") differs from LAM (positive=True).
    g = multiplication_gate(activations.get("softplus"))
    with pytest.raises(InvalidInput, match=r"not this construction's scale: its weights are built with lam"):
        series.error(g, 2, scale=scale, method=method)


def test_the_constructions_own_scale_and_a_substituted_network():
    g = multiplication_gate(activations.get("softplus"))
    # at b = 0, s = 1/2: softplus'' = s(1-s) = 1/4 and softplus'''' = s(1-s)(1-6s+6s^2) = -1/8, so the
    # leading error lam^2 (softplus''''/(6 softplus'')) uv(u^2+v^2) is -lam^2 uv(u^2+v^2)/12
    expected = -LAM**2 * U * V * (U**2 + V**2) / 12
    assert sp.expand(series.error(g, 2, scale=g.scale).leading - expected) == 0
    mu = sp.Symbol("mu", positive=True)  # another symbol: substitute it in the network and expand that
    err = series.error(g.network.subs({LAM: mu}), 2, scale=mu, target=U * V, variables=[U, V])
    assert sp.expand(err.leading - expected.subs(LAM, mu)) == 0


def test_bad_variables():
    g = multiplication_gate(activations.get("exp"))
    with pytest.raises(ShapeError):
        series.error(g, 2, variables=[U])
    with pytest.raises(InvalidInput):
        series.error(g, 2, variables=[U, U])
    with pytest.raises(InvalidInput):
        series.error(g, 2, variables=["u", "v"])


def test_weights_must_be_rational_in_the_scale():
    net = Network.single_hidden_layer([[sp.sqrt(LAM)]], [1], activations.get("exp"))
    with pytest.raises(InvalidInput, match="rational function"):
        series.expand(net, 2, variables=[X])


def test_pre_activation_must_tend_to_a_constant():
    unscaled = Network.single_hidden_layer([[1]], [LAM], activations.get("exp"))
    with pytest.raises(InvalidInput, match="depends on the inputs"):
        series.expand(unscaled, 2, variables=[X])
    divergent = Network.single_hidden_layer([[1 / LAM]], [1], activations.get("exp"))
    with pytest.raises(InvalidInput, match="diverges"):
        series.expand(divergent, 2, variables=[X])


def test_non_smooth_activation_in_expansion():
    net = Network.single_hidden_layer([[LAM]], [1 / LAM], activations.get("relu"))
    with pytest.raises(NotSmoothError) as info:
        series.expand(net, 2, variables=[X])
    assert info.value.activation == "relu" and "hidden layer 1" in str(info.value)


def test_multi_output_network_is_refused():
    net = Network.single_hidden_layer([[LAM]], [1], activations.get("exp"))
    two = Network.from_layers([([[LAM]], None, activations.get("exp"))], [[1], [2]])
    assert net.n_outputs == 1
    with pytest.raises(ShapeError):
        series.expand(two, 1, variables=[X])


def test_explicit_route_refuses_huge_networks():
    c = shallow_product(15, activations.generic())
    with pytest.raises(TooLargeError):
        series.error(c, 2, method="explicit")
    assert series.error(c, 2).leading_order == 2  # the closed form needs no network


# -- property tests: exact series against mpmath at random small points and scales --------------------

def _rationals(lo: Fraction, hi: Fraction, denominators=(1, 2, 3, 4, 5, 7, 8)):
    """Rationals p/q in [lo, hi] with small denominators q."""
    return st.sampled_from(denominators).flatmap(
        lambda q: st.integers(math.ceil(lo * q), math.floor(hi * q)).map(lambda p: sp.Rational(p, q)))


@st.composite
def smooth_activations(draw):
    """Random smooth activations: polynomials with rational coefficients, exp/tanh/sin with
    rational scale and shift (built through the whitelist parser)."""
    kind = draw(st.sampled_from(["poly", "exp", "tanh", "sin"]))
    if kind == "poly":
        coeffs = draw(st.lists(_rationals(Fraction(-3), Fraction(3)), min_size=3, max_size=9))
        return activations.polynomial(coeffs)
    a = draw(_rationals(Fraction(1, 2), Fraction(2)))
    c = draw(_rationals(Fraction(-1), Fraction(1)))
    return activations.from_expression(f"{kind}(({a})*x + ({c}))", name=f"{kind}({a}x+{c})")


def _mp(value, dps):
    return mpmath.mpf(sp.N(value, dps + 20)) if not value.is_Rational else mpmath.mpf(value.p) / value.q


def check_against_mpmath(construction, lam, point, k):
    """The series through lam^(k+3) predicts N - target - (terms through lam^k) to O(lam^(k+4)).

    Any wrong coefficient c_p (p <= k + 3) shifts the residual by |delta| lam^p >= |delta| lam^(k+3),
    far above the tolerance lam^(k+3.5) for lam <= 1e-4.
    """
    err = series.error(construction, k + 3)
    net = construction.at_scale(lam)
    # the output weights are O(lam^-2) (gates) or O(lam^-n) (2^n formula): the cancellation costs
    # at most (2 + n) * log10(1/lam) digits on top of the (k + 4) * log10(1/lam) the residual needs
    digits = int((k + 6 + len(point)) * math.log10(float(1 / lam))) + 40
    subs = dict(zip(construction.variables, point, strict=True))
    with mpmath.workdps(digits):
        value = net.mpmath(point, dps=digits)
        target = _mp(construction.target.xreplace(subs), digits)
        lam_mp = _mp(lam, digits)
        coeff = {p: _mp(c.xreplace(subs), digits) for p, c in err.terms.items()}
        residual = value - target - sum(coeff.get(p, 0) * lam_mp**p for p in range(0, k + 1))
        predicted = sum(coeff.get(p, 0) * lam_mp**p for p in range(k + 1, k + 4))
        assert abs(residual - predicted) <= lam_mp ** (k + 3.5), (construction.name, residual, predicted)


small_points = st.tuples(_rationals(Fraction(-1), Fraction(1)), _rationals(Fraction(-1), Fraction(1)))
scales = st.sampled_from([sp.Rational(1, 10**4), sp.Rational(1, 2 * 10**4), sp.Rational(3, 10**5)])


@given(act=smooth_activations(), point=small_points, lam=scales)
def test_property_multiplication_gate_matches_mpmath(act, point, lam):
    try:
        g = multiplication_gate(act)
    except HypothesisError:
        assume(False)
    check_against_mpmath(g, lam, point, 1)


@pytest.mark.slow
@given(act=smooth_activations(), point=small_points, lam=scales)
def test_property_three_neuron_gate_matches_mpmath(act, point, lam):
    try:
        g = three_neuron_gate(act, bias=None)
    except HypothesisError:
        assume(False)
    check_against_mpmath(g, lam, point, 1)


@given(act=smooth_activations(), x=_rationals(Fraction(-1), Fraction(1)), lam=scales,
       which=st.sampled_from([square_gate, identity_gate]))
def test_property_square_and_copy_gates_match_mpmath(act, x, lam, which):
    try:
        g = which(act)
    except HypothesisError:
        assume(False)
    check_against_mpmath(g, lam, (x,), 1)


@given(act=smooth_activations(), n=st.integers(1, 3), data=st.data(), lam=scales)
def test_property_shallow_product_matches_mpmath(act, n, data, lam):
    try:
        c = shallow_product(n, act, bias=None)
    except HypothesisError:
        assume(False)
    point = data.draw(st.tuples(*[_rationals(Fraction(-1), Fraction(1))] * n))
    check_against_mpmath(c, lam, point, 1)


@pytest.mark.slow
@given(act=smooth_activations(), x=_rationals(Fraction(-1), Fraction(1)))
def test_property_deep_network_explicit_matches_mpmath(act, x):
    try:
        sq = square_gate(act)
    except HypothesisError:
        assume(False)
    net = sq.network.compose(sq.network)
    lam = sp.Rational(1, 10**4)
    err = series.error(net, 4, target=X**4, variables=[X])
    digits = 160
    with mpmath.workdps(digits):
        value = net.subs({LAM: lam}).mpmath([x], dps=digits)
        lam_mp = _mp(lam, digits)
        approx = sum(_mp(c.xreplace({X: x}), digits) * lam_mp**p for p, c in err.terms.items())
        assert abs(value - _mp(x**4, digits) - approx) <= lam_mp**4.5

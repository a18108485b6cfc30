"""The small gates (MATH.md sections 1 and 3): structure, hypotheses, and exact error terms.

Every expected value comes from an independent route: a hand derivation written out here,
sympy's own ``series()`` of the summed network with sigma an undefined Function, or an mpmath
evaluation of the explicit network at 100+ digits.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from symnet import activations, series
from symnet.activations import DerivativeSymbol
from symnet.constructions import (
    LAM,
    identity_gate,
    monomial,
    multiplication_gate,
    square_gate,
    three_neuron_gate,
)
from symnet.errors import HypothesisError, InvalidInput, NotSmoothError
from symnet.network import Network

U, V = sp.symbols("u v", real=True)
X = sp.Symbol("x", real=True)
B = sp.Symbol("b", real=True)
SIGMA = sp.Function("sigma")


def d(k: int, at=B) -> DerivativeSymbol:
    return DerivativeSymbol(k, at)


def same(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.simplify(sp.expand(a - b)) == 0


def naive_series(expr: sp.Expr, order: int) -> dict[int, sp.Expr]:
    """Independent route: sympy's series() in lam, derivatives of sigma mapped to sigma^(k)(b)."""
    s = sp.series(expr, LAM, 0, order + 1).removeO()

    def subs_to_symbol(e: sp.Subs) -> sp.Expr:
        ((_, k),) = e.expr.variable_count
        return DerivativeSymbol(k, e.point[0])

    s = s.replace(lambda e: isinstance(e, sp.Subs), subs_to_symbol)
    s = s.replace(lambda e: isinstance(e, sp.Function) and e.func == SIGMA, lambda e: DerivativeSymbol(0, e.args[0]))
    s = sp.expand(s)
    return {k: s.coeff(LAM, k) for k in range(-4, order + 1) if s.coeff(LAM, k) != 0}


def mp_ratio(construction, lam, point, predicted_term, dps=120):
    """(N(point) - target(point)) / predicted_term(point) with mpmath, at an exact lam."""
    net = construction.at_scale(lam)
    with mpmath.workdps(dps):
        value = net.mpmath(point, dps=dps)
        subs = dict(zip(construction.variables, point, strict=True))
        target = mpmath.mpf(sp.Rational(construction.target.xreplace(subs)).p) / sp.Rational(
            construction.target.xreplace(subs)).q
        pred = mpmath.mpf(sp.N(predicted_term.xreplace({**subs, LAM: lam}), dps + 10))
        return (value - target) / pred


# -- structure ----------------------------------------------------------------------------------

def test_multiplication_gate_network_shape():
    g = multiplication_gate(activations.get("softplus"))
    net = g.network
    assert (net.hidden_neurons, net.synapses, net.depth) == (4, 4 * 2 + 4, 1)  # input + output weights
    assert all(v == 0 for v in net.layers[-1].bias)  # no output bias
    assert g.target == U * V and g.variables == (U, V) and g.scale == LAM
    mu = 1 / (4 * LAM**2 * sp.Rational(1, 4))  # softplus''(0) = 1/4
    assert list(net.layers[-1].weights) == [mu, mu, -mu, -mu]
    assert list(net.layers[0].weights) == [LAM, LAM, -LAM, -LAM, LAM, -LAM, -LAM, LAM]


def test_gate_sizes_and_output_biases():
    act = activations.get("exp")
    assert square_gate(act).network.hidden_neurons == 2
    assert identity_gate(act).network.hidden_neurons == 1
    assert three_neuron_gate(act).network.hidden_neurons == 3
    # the copy gate: one neuron plus output bias -sigma(b)/(lam sigma'(b)) = -1/lam for exp at 0
    assert identity_gate(act).network.layers[-1].bias[0] == -1 / LAM
    assert square_gate(act).network.layers[-1].bias[0] == -2 / LAM**2
    assert three_neuron_gate(act).network.layers[-1].bias[0] == 1 / LAM**2


def test_generic_gate_hypothesis_is_assumed():
    g = multiplication_gate(activations.generic())
    (h,) = g.hypotheses
    assert h.holds is None and h.value == d(2) and h.statement == "sigma''(b) != 0"
    assert g.parameters["bias"] == B


def test_notes_record_the_corrections():
    notes = " ".join(multiplication_gate(activations.get("exp")).notes)
    assert "O((u+v)^3)" in notes and "degree 4" in notes and "8 c_2" in notes
    assert "factor 2" in " ".join(square_gate(activations.get("exp")).notes)


# -- exact leading terms: generic activation -----------------------------------------------------

def test_multiplication_gate_generic_leading_term_by_hand():
    # Hand derivation: sigma(b+y) + sigma(b-y) = 2 sum_{k even} sigma^(k)(b) y^k / k!, so
    # m = (1/(4 lam^2 s2)) * 2 [s2 lam^2 ((u+v)^2-(u-v)^2)/2 + s4 lam^4 ((u+v)^4-(u-v)^4)/24 + ...]
    # and (u+v)^4 - (u-v)^4 = 8uv(u^2+v^2): the lam^2 term is s4 uv(u^2+v^2) / (6 s2).
    err = series.error(multiplication_gate(activations.generic()), 3)
    assert err.leading_order == 2
    assert same(err.leading, LAM**2 * d(4) * U * V * (U**2 + V**2) / (6 * d(2)))
    assert set(err.terms) == {2}  # odd powers cancel


def test_multiplication_gate_generic_matches_sympy_series():
    g = multiplication_gate(activations.generic())
    expr = sum(w * SIGMA(B + a * U + c * V) for (a, c), w in
               zip([(LAM, LAM), (-LAM, -LAM), (LAM, -LAM), (-LAM, LAM)], [1, 1, -1, -1], strict=True))
    naive = naive_series(expr / (4 * LAM**2 * d(2)), 4)
    naive[0] = naive.get(0, 0) - U * V
    mine = series.error(g, 4)
    assert set(mine.terms) == {p for p, c in naive.items() if sp.expand(c) != 0}
    for p, c in naive.items():
        assert same(mine.coefficient(p), c)


def test_square_and_copy_gates_generic_by_hand():
    sq = series.error(square_gate(activations.generic()), 4)
    # [s(b+lx)+s(b-lx)-2s(b)]/(l^2 s2) = x^2 + 2 s4 l^2 x^4/(24 s2) + 2 s6 l^4 x^6/(720 s2)
    assert same(sq.coefficient(2), d(4) * X**4 / (12 * d(2)))
    assert same(sq.coefficient(4), d(6) * X**6 / (360 * d(2)))
    cp = series.error(identity_gate(activations.generic()), 3)
    # [s(b+lx)-s(b)]/(l s1) = x + s2 l x^2/(2 s1) + s3 l^2 x^3/(6 s1) + s4 l^3 x^4/(24 s1)
    assert same(cp.coefficient(1), d(2) * X**2 / (2 * d(1)))
    assert same(cp.coefficient(2), d(3) * X**3 / (6 * d(1)))
    assert same(cp.coefficient(3), d(4) * X**4 / (24 * d(1)))
    assert cp.coefficient(0) == 0


def test_three_neuron_gate_generic_by_hand_and_sympy_series():
    err = series.error(three_neuron_gate(activations.generic()), 2)
    z = sp.Integer(0)
    # (u+v)^3 - u^3 - v^3 = 3uv(u+v): the lam term is s3 * 3uv(u+v) / (6 s2)
    assert same(err.coefficient(1), d(3, z) * U * V * (U + V) / (2 * d(2, z)))
    expr = (SIGMA(LAM * (U + V)) - SIGMA(LAM * U) - SIGMA(LAM * V) + SIGMA(z)) / (LAM**2 * d(2, z))
    naive = naive_series(expr, 2)
    assert same(naive[0], U * V)
    for p in (1, 2):
        assert same(err.coefficient(p), naive[p])


# -- concrete activations: exact rationals, checked with mpmath ---------------------------------------

@pytest.mark.parametrize(
    ("name", "ratio"),
    [
        ("softplus", sp.Rational(-1, 12)),  # s2 = 1/4, s4 = -1/8 at 0
        ("exp", sp.Rational(1, 6)),  # every derivative is 1
        ("sigmoid", sp.Rational(-1, 6)),  # at ln(2+sqrt3): s2 = -sqrt3/18, s4 = sqrt3/18
        ("tanh", sp.Rational(-2, 3)),  # at atanh(1/sqrt3): s2 = -4 sqrt3/9, s4 = 16 sqrt3/9
    ],
)
def test_multiplication_gate_concrete_leading_term(name, ratio):
    g = multiplication_gate(activations.get(name))
    err = series.error(g, 2)
    predicted = ratio * LAM**2 * U * V * (U**2 + V**2)
    assert same(err.leading, predicted)
    # independent numeric route: (N - uv) / predicted -> 1 as lam -> 0, with an O(lam^2) remainder
    lam = sp.Rational(1, 1000)
    r = mp_ratio(g, lam, (sp.Rational(1, 2), sp.Rational(-1, 3)), predicted)
    assert abs(r - 1) < 1e-5


def test_sigmoid_default_bias_maximises_second_derivative():
    g = multiplication_gate(activations.get("sigmoid"))
    b = g.parameters["bias"]
    assert b == sp.log(2 + sp.sqrt(3))
    assert "ln(2 + sqrt 3)" in g.notes[0]
    # |sigma''| is maximal there: sigma''' vanishes (independent numeric check with mpmath)
    s3 = mpmath.diff(lambda t: 1 / (1 + mpmath.exp(-t)), float(sp.N(b, 30)), 3)
    assert abs(s3) < 1e-12
    assert sp.simplify(g.hypotheses[0].value + sp.sqrt(3) / 18) == 0


def test_error_starts_at_lam4_where_fourth_derivative_vanishes():
    act = activations.polynomial([0, 0, sp.Rational(1, 2), 0, 0, 0, sp.Rational(1, 720)])
    # sigma'' = 1, sigma'''' = 0, sigma^(6) = 1 at 0
    err = series.error(multiplication_gate(act), 6)
    assert err.leading_order == 4
    # lam^4 term: 2 s6 ((u+v)^6 - (u-v)^6) / (4 * 720 * s2) = (12 u^5 v + 40 u^3 v^3 + 12 u v^5) / 1440
    assert same(err.coefficient(4), (12 * U**5 * V + 40 * U**3 * V**3 + 12 * U * V**5) / 1440)
    assert set(err.terms) == {4}  # a degree-6 polynomial has no higher derivatives


def test_copy_gate_tanh_by_hand_and_mpmath():
    g = identity_gate(activations.get("tanh"))
    err = series.error(g, 3)
    # tanh'(0) = 1, tanh''(0) = 0, tanh'''(0) = -2: error -2 lam^2 x^3 / 6
    assert err.leading_order == 2 and same(err.leading, -LAM**2 * X**3 / 3)
    r = mp_ratio(g, sp.Rational(1, 1000), (sp.Rational(3, 4),), -LAM**2 * X**3 / 3)
    assert abs(r - 1) < 1e-5


def test_three_neuron_gate_second_order_where_third_derivative_vanishes():
    b = sp.atanh(sp.sqrt(3) / 3)  # tanh''' = 0 there
    err = series.error(three_neuron_gate(activations.get("tanh"), bias=b), 2)
    assert err.leading_order == 2


def test_square_gate_concrete_and_rt_factor():
    g = square_gate(activations.get("softplus"))
    err = series.error(g, 2)
    # s4/(12 s2) = (-1/8)/(12/4) = -1/24
    assert same(err.leading, -LAM**2 * X**4 / 24)
    # RT's printed normalisation 1/(2 sigma''(0)) (derivative) computes x^2/2, not x^2: factor 2
    act = activations.get("softplus")
    m = 1 / (2 * LAM**2 * act.derivative(2))
    rt = Network.single_hidden_layer([[LAM], [-LAM]], [m, m], act, output_bias=-2 * m * act.derivative(0))
    assert same(series.expand(rt, 0, variables=[X]).coefficient(0), X**2 / 2)
    # read as a Taylor coefficient, c_2 = sigma''/2, it is the right gate
    m = 1 / (2 * LAM**2 * act.taylor_coefficient(2))
    rt = Network.single_hidden_layer([[LAM], [-LAM]], [m, m], act, output_bias=-2 * m * act.derivative(0))
    assert same(series.expand(rt, 0, variables=[X]).coefficient(0), X**2)


# -- hypotheses and bad input ----------------------------------------------------------------------

def test_forced_bias_with_vanishing_second_derivative_raises():
    with pytest.raises(HypothesisError) as info:
        multiplication_gate(activations.get("sigmoid"), bias=0)
    msg = str(info.value)
    assert "sigma''(b) != 0" in msg and "sigmoid" in msg and "b = 0" in msg
    assert info.value.hypothesis == "sigma''(b) != 0"
    with pytest.raises(HypothesisError):
        three_neuron_gate(activations.get("tanh"))  # default bias 0: tanh''(0) = 0
    with pytest.raises(HypothesisError):
        identity_gate(activations.get("square"), bias=0)  # (x^2)' = 0 at 0


def test_non_smooth_activations_raise_clear_errors():
    with pytest.raises(NotSmoothError) as info:
        multiplication_gate(activations.get("relu"), bias=0)
    assert info.value.activation == "relu"
    with pytest.raises(NotSmoothError):
        multiplication_gate(activations.get("elu"), bias=0)
    with pytest.raises(HypothesisError):  # relu'' = 0 wherever it exists
        multiplication_gate(activations.get("relu"))
    with pytest.raises(HypothesisError):
        square_gate(activations.get("relu"), bias=1)


def test_relu_message_points_to_yarotsky():
    for make in (multiplication_gate, square_gate):
        with pytest.raises(HypothesisError, match=r"symnet\.constructions\.yarotsky"):
            make("relu")


def test_concrete_hypothesis_names_the_chosen_bias():
    # sigmoid'' vanishes at 0, so the gate chose b = ln(2 + sqrt 3); the statement says so (as monomial does)
    h = multiplication_gate("sigmoid").hypotheses[0]
    assert h.statement == "sigma''(log(sqrt(3) + 2)) != 0" and h.holds is True
    assert square_gate("exp").hypotheses[0].statement == "sigma''(0) != 0"
    assert identity_gate("tanh").hypotheses[0].statement == "sigma'(0) != 0"
    assert multiplication_gate("exp", bias=1).hypotheses[0].statement == "sigma''(1) != 0"
    assert monomial((1, 1), "exp").hypotheses[0].statement == "sigma''(0) != 0"  # same wording


def test_elu_gets_a_smooth_bias_and_its_series_is_right():
    g = multiplication_gate(activations.get("elu"))
    b = g.parameters["bias"]
    assert b < 0  # elu is exp(x) - 1 there: every derivative is e^b
    err = series.error(g, 2)
    assert same(err.leading, LAM**2 * U * V * (U**2 + V**2) / 6)


def test_bad_activation_argument():
    with pytest.raises(InvalidInput):
        multiplication_gate(3)
    with pytest.raises(InvalidInput, match="unknown activation"):
        three_neuron_gate("softmax")
    with pytest.raises(InvalidInput):
        square_gate(activations.get("exp"), bias="zero")

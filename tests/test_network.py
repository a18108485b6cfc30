"""symnet.network: counts, symbolic and numeric evaluation (three independent routes that must
agree), composition, stacking, substitution, LaTeX, immutability, pickling, and bad input."""

import dataclasses
import os
import pickle
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations
from symnet.errors import InvalidInput, ShapeError, TooLargeError, UnknownActivation
from symnet.network import Layer, Network, input_symbols
from symnet.strategies import networks, rational_numbers

R = sp.Rational
u, v = sp.symbols("u v", real=True)
LAM = sp.Symbol("lam", positive=True)


def square_net():
    # (u + v)^2 - (u - v)^2 = 4 u v, with the activation x^2 (MATH.md sec. 3)
    return Network.single_hidden_layer([[1, 1], [1, -1]], [1, -1], "square")


# -- shape and counts ------------------------------------------------------------------------------

def test_counts_follow_math_md():
    net = Network.from_layers(
        [([[1, 0, 2], [0, 0, 1]], [1, 0], "tanh"), ([[3, 0], [0, 0], [1, 1]], None, "sigmoid")],
        ([[1, 0, -1]], [R(1, 2)]),
    )
    assert net.n_inputs == 3 and net.n_outputs == 1
    assert net.widths == (2, 3) and net.depth == 2
    assert net.hidden_neurons == 5  # N_n: sum of hidden widths
    assert net.synapses == 3 + 3 + 2  # N_s: nonzero weights only, biases excluded
    assert not net.is_bias_free
    assert [a.name for a in net.activations] == ["tanh", "sigmoid"]


def test_bias_free_model():
    net = square_net()
    assert net.is_bias_free
    with_output_bias = Network.single_hidden_layer([[1, 1]], [1], "square", output_bias=1)
    assert not with_output_bias.is_bias_free  # the output bias counts (MATH.md sec. 3)
    shared = Network.single_hidden_layer([[1], [2]], [1, 1], "tanh", hidden_bias=R(1, 3))
    assert list(shared.layers[0].bias) == [R(1, 3), R(1, 3)]


def test_symbolic_evaluation_by_hand():
    assert sp.expand(square_net().expression([u, v])) == 4 * u * v
    net = Network.single_hidden_layer([[2, -1]], [3], "sigmoid", hidden_bias=[R(1, 2)], output_bias=-1)
    x1, x2 = input_symbols(2)
    assert net.expression() == 3 / (1 + sp.exp(-(2 * x1 - x2 + R(1, 2)))) - 1
    assert net(1, 2) == 3 / (1 + sp.exp(-R(1, 2))) - 1
    # string inputs are symbol names; floats are read as decimals
    assert net.expression(["u", "v"]) == net.expression([u, v])
    assert net.expression([0.5, 0]) == net.expression([R(1, 2), 0])


def test_multiple_outputs():
    net = Network.from_layers([([[1, 0], [0, 1]], None, "square")], [[1, 0], [0, 1], [1, 1]])
    out = net.evaluate([u, v])
    assert list(out) == [u**2, v**2, u**2 + v**2]
    assert net(u, v) == out
    with pytest.raises(ShapeError, match="single output"):
        net.expression([u, v])
    values = net.numpy([[1.0, 2.0], [3.0, 0.5]])
    assert values.shape == (2, 3)
    assert np.allclose(values, [[1, 4, 5], [9, 0.25, 9.25]])
    assert [float(t) for t in net.mpmath([1, 2])] == [1, 4, 5]


def test_numpy_batches_and_single_points():
    net = square_net()
    pts = np.array([[1.0, 2.0], [-0.5, 3.0], [0.0, 0.0]])
    assert np.allclose(net.numpy(pts), 4 * pts[:, 0] * pts[:, 1])
    assert net.numpy([1.5, 2.0]) == pytest.approx(12.0)
    assert net.numpy(np.zeros((0, 2))).shape == (0,)


def test_mpmath_precision():
    # 40 digits of 3 sigmoid(2/3 + 1/2) - 1, against mpmath's tanh form of the sigmoid.
    net = Network.single_hidden_layer([[2, -1]], [3], "sigmoid", hidden_bias=[R(1, 2)], output_bias=-1)
    value = net.mpmath([R(1, 3), Fraction(0)], dps=40)
    with mpmath.workdps(50):
        z = mpmath.mpf(7) / 6
        reference = 3 * (1 + mpmath.tanh(z / 2)) / 2 - 1
        assert abs(value - reference) < mpmath.mpf(10) ** -39


# -- three routes agree on random networks -----------------------------------------------------------

@given(
    net=networks(n_inputs=2, widths=(3,)),
    point=st.tuples(rational_numbers(max_denominator=3), rational_numbers(max_denominator=3)),
)
def test_numpy_mpmath_and_symbolic_evaluation_agree(net, point):
    symbolic = sp.N(net.expression(list(point)), 30)  # sympy's own evaluation of the exact expression
    high = net.mpmath(list(point), dps=30)  # tree-walking mpmath evaluator
    low = net.numpy([float(c) for c in point])  # float64, vectorised
    scale = max(1.0, abs(float(symbolic)))
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(symbolic) - high) < mpmath.mpf(10) ** -25 * scale
    assert abs(low - float(symbolic)) < 1e-12 * scale


@given(net=networks(n_inputs=1, widths=(2, 2), activations=st.sampled_from(["sigmoid", "tanh", "softplus"]).map(
    activations.get)), t=rational_numbers(min_value=-1, max_value=1, max_denominator=4))
def test_deep_networks_agree_too(net, t):
    symbolic = sp.N(net.expression([t]), 30)
    high = net.mpmath([t], dps=30)
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(symbolic) - high) < mpmath.mpf(10) ** -25 * max(1, abs(high))
    assert net.numpy([float(t)]) == pytest.approx(float(symbolic), rel=1e-12, abs=1e-12)


@given(net=networks(n_inputs=2, widths=(2,), n_outputs=2, biases=False))
def test_pickle_equality_and_hash_round_trip(net):
    back = pickle.loads(pickle.dumps(net))
    assert back == net and hash(back) == hash(net)
    assert back.is_bias_free
    assert back.evaluate([u, v]) == net.evaluate([u, v])


# -- combining ---------------------------------------------------------------------------------------

def test_compose_merges_the_linear_layer():
    inner = Network.from_layers([([[1, 1], [1, -1]], [0, 1], "square")], ([[1, -1], [2, 0]], [R(1, 2), 0]))
    outer = Network.single_hidden_layer([[1, 1]], [3], "tanh", hidden_bias=[-1], output_bias=2)
    both = outer.compose(inner)
    assert both.depth == inner.depth + outer.depth
    assert both.widths == (*inner.widths, *outer.widths)
    i1, i2 = inner.evaluate([u, v])
    expected = outer.expression([i1, i2])
    assert sp.simplify(both.expression([u, v]) - expected) == 0
    with pytest.raises(ShapeError, match="inner network has 1 outputs, this one takes 2 inputs"):
        outer.compose(outer)
    with pytest.raises(InvalidInput, match="needs a Network"):
        outer.compose("net")


def test_stack_runs_side_by_side():
    a = Network.single_hidden_layer([[1, 2]], [3], "tanh", hidden_bias=[1])
    b = Network.single_hidden_layer([[0, 1], [1, 0]], [1, -1], "tanh", output_bias=5)
    s = a.stack(b)
    assert s.widths == (3,) and s.n_outputs == 2
    assert list(s.evaluate([u, v])) == [a.expression([u, v]), b.expression([u, v])]
    assert s.synapses == a.synapses + b.synapses
    with pytest.raises(InvalidInput, match="activations differ"):
        a.stack(Network.single_hidden_layer([[1, 2]], [3], "sigmoid"))
    with pytest.raises(ShapeError, match="same inputs"):
        a.stack(Network.single_hidden_layer([[1]], [3], "tanh"))
    deep = Network.from_layers([([[1, 1]], None, "tanh"), ([[1]], None, "tanh")], [[1]])
    with pytest.raises(ShapeError, match="same depth"):
        a.stack(deep)


def test_subs_the_scale():
    net = Network.single_hidden_layer([[LAM, 0], [0, LAM]], [1 / LAM, -1 / LAM], "softplus")
    assert net.free_symbols == {LAM}
    tenth = net.subs({LAM: R(1, 10)})
    assert tenth.free_symbols == frozenset()
    assert list(tenth.layers[1].weights) == [10, -10]
    assert net.subs({"lam": R(1, 10)}) == tenth  # by name, whatever the assumptions of the symbol
    with pytest.raises(InvalidInput, match="no symbol named 'mu'"):
        net.subs({"mu": 1})
    with pytest.raises(InvalidInput, match="non-finite"):
        net.subs({LAM: 0})  # 1/lam
    with pytest.raises(InvalidInput, match="must be finite"):
        net.subs({LAM: float("nan")})
    with pytest.raises(InvalidInput, match="must be real"):
        net.subs({LAM: sp.I})
    with pytest.raises(InvalidInput, match=r"needs numeric weights.*lam"):
        net.numpy([1.0, 2.0])
    with pytest.raises(InvalidInput, match="mapping"):
        net.subs([(LAM, 1)])


# -- display, immutability ---------------------------------------------------------------------------------

def test_latex():
    net = Network.single_hidden_layer([[1, 2]], [3], "sigmoid", hidden_bias=[R(1, 2)])
    tex = net.latex()
    assert tex.startswith("\\begin{aligned}") and tex.endswith("\\end{aligned}")
    assert "\\operatorname{sigmoid}" in tex and "\\frac{1}{2}" in tex and "h^{(1)}" in tex
    assert net._repr_latex_() == "$$" + tex + "$$"
    generic = Network.single_hidden_layer([[1, 2]], [3], activations.generic())
    assert "\\sigma\\left(" in generic.latex()
    assert "+" not in generic.latex().split("\\\\")[0]  # no zero bias printed


def test_latex_prints_the_scale_as_lambda():
    # N(x) = sigma(lam x) / (2 lam^2): the scale is the Greek lambda of MATH.md sec. 0, not "lam"
    net = Network.single_hidden_layer([[LAM]], [1 / (2 * LAM**2)], activations.generic(), hidden_bias=[LAM])
    tex = net.latex()
    assert "h^{(1)} &= \\sigma\\left(\\left[\\begin{matrix}\\lambda\\end{matrix}\\right] x + " \
           "\\left[\\begin{matrix}\\lambda\\end{matrix}\\right]\\right)" in tex
    assert "\\frac{1}{2 \\lambda^{2}}" in tex
    assert "lam" not in tex.replace("\\lambda", "")
    # another symbol keeps its own name; a user's "lambda" is sympy's \lambda already
    other = Network.single_hidden_layer([[sp.Symbol("a")]], [sp.Symbol("lambda")], "tanh").latex()
    assert "\\begin{matrix}a\\end{matrix}" in other and "\\begin{matrix}\\lambda\\end{matrix}" in other


def test_networks_are_immutable():
    net = square_net()
    with pytest.raises(dataclasses.FrozenInstanceError):
        net.layers[0].weights = sp.ImmutableMatrix([[0, 0]])
    with pytest.raises(AttributeError):
        net.extra = 1
    with pytest.raises(TypeError):
        net.layers[0].weights[0, 0] = 5
    assert isinstance(net.layers, tuple)


def test_repr():
    assert repr(square_net()) == (
        "Network(inputs=2, widths=[2], outputs=1, activations=[square], hidden_neurons=2, synapses=6)"
    )


# -- bad input ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "weights, error, fragment",
    [
        ([[1, 2], [3]], ShapeError, "row 1 has 1 entries, row 0 has 2"),
        ([1, 2], ShapeError, "sequence of rows"),
        (np.zeros((2, 2, 2)), ShapeError, "2-dimensional"),
        ([], ShapeError, "is empty"),
        ([[]], ShapeError, "is empty"),
        (3, InvalidInput, "must be a matrix"),
        ("[[1]]", InvalidInput, "must be a matrix"),
        ([[1, float("nan")]], InvalidInput, r"input_weights\[0, 1\] must be finite"),
        ([[1, float("inf")]], InvalidInput, "must be finite"),
        (np.array([[1.0, np.inf]]), InvalidInput, "must be finite"),
        ([[1, sp.oo]], InvalidInput, "non-finite value oo"),
        ([[1, sp.zoo]], InvalidInput, "non-finite"),
        ([[1, sp.nan]], InvalidInput, "non-finite"),
        ([[1, True]], InvalidInput, "got the bool True"),
        ([[1, "2"]], InvalidInput, "got str"),
        ([[1, None]], InvalidInput, "got NoneType"),
        ([[1, 1j]], InvalidInput, "got complex"),
        ([[1, sp.I]], InvalidInput, "must be real"),
    ],
)
def test_bad_weight_matrices(weights, error, fragment):
    with pytest.raises(error, match=fragment):
        Network.single_hidden_layer(weights, [1, 1], "sigmoid")


@pytest.mark.parametrize(
    "kwargs, error, fragment",
    [
        ({"output_weights": [1, 1, 1]}, ShapeError, "output_weights has 3 entries, expected 2"),
        ({"output_weights": [[1, 1]]}, ShapeError, "output_weights has 1 entries, expected 2"),
        ({"hidden_bias": [1, 2, 3]}, ShapeError, "hidden_bias has 3 entries, expected 2"),
        ({"hidden_bias": float("nan")}, InvalidInput, "hidden_bias\\[0\\] must be finite"),
        ({"hidden_bias": True}, InvalidInput, "bool"),
        ({"output_bias": [1, 2]}, ShapeError, "output_bias has 2 entries, expected 1"),
        ({"output_bias": float("-inf")}, InvalidInput, "must be finite"),
        ({"activation": "softmax"}, UnknownActivation, "unknown activation 'softmax'"),
        ({"activation": 3}, InvalidInput, "must be a str, got int"),
    ],
)
def test_bad_single_hidden_layer_arguments(kwargs, error, fragment):
    args = {"input_weights": [[1, 2], [3, 4]], "output_weights": [1, 1], "activation": "tanh", **kwargs}
    with pytest.raises(error, match=fragment):
        Network.single_hidden_layer(**args)


def test_mismatched_layers():
    with pytest.raises(ShapeError, match="hidden layer 2 weights has 2 columns, expected 1"):
        Network.from_layers([([[1, 2]], None, "tanh"), ([[1, 2]], None, "tanh")], [[1]])
    with pytest.raises(ShapeError, match="output weights has 2 columns, expected 1"):
        Network.from_layers([([[1, 2]], None, "tanh")], [[1, 2]])
    with pytest.raises(InvalidInput, match=r"\(weights, bias, activation\) tuple"):
        Network.from_layers([[[[1, 2]], None, "tanh"]], [[1]])
    tanh = activations.get("tanh")
    with pytest.raises(ShapeError, match="layer 2 takes 3 inputs but layer 1 has 1 outputs"):
        Network([Layer(sp.ImmutableMatrix([[1, 2]]), sp.ImmutableMatrix([0]), tanh),
                 Layer(sp.ImmutableMatrix([[1, 1, 1]]), sp.ImmutableMatrix([0]), None)])
    with pytest.raises(ShapeError, match="layer bias has 3 entries, expected 1"):
        Layer([[1, 2]], [1, 2, 3])


def test_bad_layer_lists():
    tanh = activations.get("tanh")
    hidden = Layer(sp.ImmutableMatrix([[1]]), sp.ImmutableMatrix([0]), tanh)
    out = Layer(sp.ImmutableMatrix([[1]]), sp.ImmutableMatrix([0]), None)
    with pytest.raises(InvalidInput, match="at least one"):
        Network([])
    with pytest.raises(InvalidInput, match="sequence of Layer objects, got NoneType"):
        Network(None)
    with pytest.raises(InvalidInput, match="sequence of Layer objects, got int"):
        Network(3)
    with pytest.raises(InvalidInput, match="layer 0 must be a Layer, got list"):
        Network([[1]])
    with pytest.raises(InvalidInput, match="must have activation=None"):
        Network([hidden])
    with pytest.raises(InvalidInput, match="hidden layer 1 has no activation"):
        Network([out, out])
    assert Network([hidden, out]).depth == 1


@pytest.mark.parametrize(
    "points, error, fragment",
    [
        ([[0.1, 0.2, 0.3]], ShapeError, r"shape \(N, 2\) or \(2,\), got \(1, 3\)"),
        (3.0, ShapeError, "got ()"),
        (np.zeros((1, 1, 2)), ShapeError, "shape"),
        ([[1, 2], [3]], ShapeError, "inhomogeneous"),
        ([[np.nan, 0.2]], InvalidInput, "NaN or infinite"),
        ([np.inf, 0.2], InvalidInput, "NaN or infinite"),
        ([True, False], InvalidInput, "dtype bool"),
        ([["a", 0.2]], InvalidInput, "real numbers"),
        ([None, 1], InvalidInput, "found None"),
        ([1j, 1], InvalidInput, "complex"),
        ("1, 2", InvalidInput, "got str"),
    ],
)
def test_bad_numpy_points(points, error, fragment):
    with pytest.raises(error, match=fragment):
        square_net().numpy(points)


@pytest.mark.parametrize(
    "point, dps, error, fragment",
    [
        ([float("nan"), 1], 30, InvalidInput, r"point\[0\] must be finite"),
        ([1, float("inf")], 30, InvalidInput, r"point\[1\] must be finite"),
        ([True, 1], 30, InvalidInput, "bool"),
        (["abc", 1], 30, InvalidInput, "not a decimal number"),
        ([None, 1], 30, InvalidInput, "NoneType"),
        ([1], 30, ShapeError, "takes 2 inputs, got 1"),
        (1, 30, InvalidInput, "one point"),
        ([1, 1], 4, InvalidInput, "dps must be an int >= 5"),
        ([1, 1], True, InvalidInput, "dps must be an int"),
        ([1, 1], 10**7, TooLargeError, "limit"),
    ],
)
def test_bad_mpmath_points(point, dps, error, fragment):
    with pytest.raises(error, match=fragment):
        square_net().mpmath(point, dps=dps)


def test_numeric_evaluation_needs_concrete_networks():
    generic = Network.single_hidden_layer([[1, 2]], [3], activations.generic())
    with pytest.raises(InvalidInput, match="concrete activation"):
        generic.numpy([1.0, 2.0])
    with pytest.raises(InvalidInput, match="concrete activation"):
        generic.mpmath([1, 2])


@pytest.mark.parametrize(
    "inputs, error, fragment",
    [
        ([1], ShapeError, "takes 2 inputs, got 1"),
        ([None, 1], InvalidInput, "input 0 must be an exact number"),
        ([float("nan"), 1], InvalidInput, "input 0 must be finite"),
        ([True, 1], InvalidInput, "bool"),
        ([sp.oo, 1], InvalidInput, "non-finite"),
        (["u", "1 + v"], InvalidInput, "input 1: a string input must be a symbol name"),
        (3, InvalidInput, "sequence of 2 values"),
        ("uv", InvalidInput, "sequence of 2 values"),
    ],
)
def test_bad_symbolic_inputs(inputs, error, fragment):
    with pytest.raises(error, match=fragment):
        square_net().evaluate(inputs)


def test_string_inputs_are_never_evaluated(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    with pytest.raises(InvalidInput, match="symbol name"):
        square_net().evaluate(["u", f"__import__('os').system('touch {marker}')"])
    assert calls == [] and not marker.exists()


def test_input_symbols():
    assert input_symbols(3) == tuple(sp.Symbol(f"x_{i}", real=True) for i in (1, 2, 3))
    for bad in (0, -1, 2.0, True, "3"):
        with pytest.raises(InvalidInput, match="positive int"):
            input_symbols(bad)


def test_synapses_and_bias_freedom_see_through_unsimplified_zeros():
    # (1 + sqrt 2)(sqrt 2 - 1) - 1 = 2 - 1 - 1 = 0 by hand, but sympy keeps the product unexpanded;
    # lam times it and sin^2 + cos^2 - 1 are zero too. Counts by hand: the nonzero weights only.
    lam = sp.Symbol("lam", positive=True)
    t = sp.Symbol("t", real=True)
    zero = (1 + sp.sqrt(2)) * (sp.sqrt(2) - 1) - 1
    assert zero != 0  # sympy's structural comparison does not see it
    net = Network.single_hidden_layer([[1, zero], [lam * zero, lam]], [zero, 3], "square",
                                      hidden_bias=[lam * zero, sp.sin(t) ** 2 + sp.cos(t) ** 2 - 1])
    assert net.synapses == 3
    assert net.is_bias_free
    assert not Network.single_hidden_layer([[1, 1]], [1], "square", hidden_bias=[zero + lam]).is_bias_free

"""The derivative hypotheses of the constructions, and the record of the bias choice behind them.

Every construction that divides by sigma^(k)(b) states ``sigma^(k)(b) != 0`` at the bias b its
network actually uses (the value written in for a concrete activation, the symbol b or b_c for
the generic one). The tests read the statement, find b in the explicit network's hidden biases,
and check the condition by an independent route: ``mpmath.diff`` of the activation's formula
written out here, at 40 digits (never symnet's exact derivatives). The biases symnet rejected
are checked the same way (derivative zero, or one-sided derivatives that differ), and the
preferred sigmoid/tanh bias is checked to maximise |sigma''| on a grid.
"""

from __future__ import annotations

import re

import mpmath
import pytest
import sympy as sp

from symnet import activations
from symnet.activations import DerivativeSymbol
from symnet.constructions import (
    deep_product,
    identity_gate,
    monomial,
    multiplication_gate,
    polynomial,
    shallow_product,
    square_gate,
    three_neuron_gate,
)
from symnet.constructions._bias import operating_point
from symnet.errors import HypothesisError, InvalidInput, NotSmoothError
from symnet.flattening import forward_difference

DPS = 40

#: The catalogue's formulas, written out independently of symnet (mpmath functions of one real).
FORMULAS = {
    "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
    "tanh": mpmath.tanh,
    "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
    "exp": mpmath.exp,
    "silu": lambda t: t / (1 + mpmath.exp(-t)),
    "gelu": lambda t: t * (1 + mpmath.erf(t / mpmath.sqrt(2))) / 2,
    "elu": lambda t: t if t > 0 else mpmath.exp(t) - 1,
    "cos": mpmath.cos,
    "cube": lambda t: t**3,
}

#: (construction, [(derivative order, bias parameter) of each hypothesis, in order]).
CASES = {
    "multiplication_gate": (lambda a: multiplication_gate(a), [(2, "bias")]),
    "square_gate": (lambda a: square_gate(a), [(2, "bias")]),
    "identity_gate": (lambda a: identity_gate(a), [(1, "bias")]),
    "three_neuron_gate": (lambda a: three_neuron_gate(a, bias=None), [(2, "bias")]),
    "shallow_product": (lambda a: shallow_product(3, a, bias=None), [(3, "bias")]),
    "monomial": (lambda a: monomial((2, 1), a), [(3, "bias")]),
    "deep_product": (lambda a: deep_product(3, a), [(2, "bias"), (1, "copy_bias")]),
    # x^2: a square gate, x y: a multiplication gate, y: a copy (one hidden layer)
    "polynomial": (lambda a: polynomial("x**2 + x*y + y", a, variables=("x", "y")), [(2, "bias"), (1, "copy_bias")]),
    "forward_difference": (lambda a: forward_difference((1, 1), a), [(2, "bias")]),
}

STATEMENT = re.compile(r"^sigma(?:('{1,4})|\^\((\d+)\))\((.+)\) != 0$")


def parse(statement: str) -> tuple[int, str]:
    """(k, bias text) of ``sigma''(b) != 0`` / ``sigma^(5)(0) != 0``."""
    m = STATEMENT.match(statement)
    assert m, f"statement {statement!r} is not of the form sigma^(k)(b) != 0"
    primes, power, at = m.groups()
    return (len(primes) if primes else int(power)), at


@pytest.fixture(autouse=True)
def forty_digits():
    with mpmath.workdps(DPS):
        yield


def numeric_derivative(name: str, at: sp.Expr, k: int, direction: int = 0) -> mpmath.mpf:
    return mpmath.diff(FORMULAS[name], mpmath.mpf(sp.N(at, DPS + 10)), k, direction=direction)


def first_layer_biases(c) -> set:
    return set(c.network.layers[0].bias)


@pytest.mark.parametrize("name", list(FORMULAS))
@pytest.mark.parametrize("case", list(CASES))
def test_hypotheses_name_the_bias_used_and_hold(case, name):
    build, expected = CASES[case]
    act = activations.get(name)
    if case == "forward_difference":
        # the bias-free forward difference has b = 0 forced: it must refuse where sigma''(0) does
        # not exist (one-sided second derivatives differ) or vanishes
        left, right = (numeric_derivative(name, sp.Integer(0), 2, direction) for direction in (-1, 1))
        if abs(left - right) > 1e-10:
            with pytest.raises(NotSmoothError):
                build(act)
            return
        if abs(left) < 1e-30:
            with pytest.raises(HypothesisError, match=r"sigma''\(b\) != 0"):
                build(act)
            return
    c = build(act)
    assert len(c.hypotheses) == len(expected)
    used = first_layer_biases(c)
    for h, (order, role) in zip(c.hypotheses, expected, strict=True):
        k, at = parse(h.statement)
        assert k == order, h.statement
        b = c.parameters[role]
        assert at == str(b) and c.operating_points[role].bias == b
        assert b in used, f"{h.statement}: the network's first hidden layer has biases {used}"
        assert h.holds is True
        true = numeric_derivative(name, b, k)
        assert abs(true) > 1e-6, f"{h.statement} is false: {name}^({k})({b}) = {true}"
        assert abs(true - mpmath.mpf(sp.N(h.value, DPS))) < mpmath.mpf(10) ** (10 - DPS)
    # the notes mention a bias choice exactly when symnet moved a bias off 0 (from the record)
    moved = any(op.moved_off_zero for op in c.operating_points.values())
    assert any("chose" in n for n in c.notes) == moved


@pytest.mark.parametrize("case", list(CASES))
def test_generic_hypotheses_name_the_bias_symbol_or_value(case):
    build, expected = CASES[case]
    c = build(activations.generic())
    used = first_layer_biases(c)
    for h, (order, role) in zip(c.hypotheses, expected, strict=True):
        k, at = parse(h.statement)
        b = c.parameters[role]
        assert k == order and at == str(b) and b in used and h.holds is None
        assert h.value == DerivativeSymbol(order, b)
    # the products' bias is the symbol b (0 where the construction fixes it), the copies' is b_c
    names = {role: str(c.parameters[role]) for _, role in expected}
    assert names.get("copy_bias", "b_c") == "b_c"
    assert names["bias"] == ("0" if case == "forward_difference" else "b")


def test_default_zero_bias_is_stated_at_zero():
    # three_neuron_gate and shallow_product default to b = 0 (the lower bound's setting): their
    # networks have hidden bias 0, so the hypothesis is sigma''(0) != 0, not sigma''(b) != 0
    for c in (three_neuron_gate(activations.generic()), shallow_product(2, activations.generic())):
        assert [h.statement for h in c.hypotheses] == ["sigma''(0) != 0"]
        assert first_layer_biases(c) == {0}


def test_one_notation_for_derivatives():
    # primes through the fourth derivative (as MATH.md writes sigma''''), then sigma^(k)
    exp = activations.get("exp")
    assert shallow_product(3, exp).hypotheses[0].statement == "sigma'''(0) != 0"
    assert monomial((2, 1), exp).hypotheses[0].statement == "sigma'''(0) != 0"
    assert shallow_product(4, exp).hypotheses[0].statement == "sigma''''(0) != 0"
    assert monomial((4, 1), exp).hypotheses[0].statement == "sigma^(5)(0) != 0"
    assert deep_product(3, exp).hypotheses[1].statement == "sigma'(0) != 0"


# -- the record of the choice -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_preferred_bias_record(name):
    op = multiplication_gate(name).operating_points["bias"]
    assert op.how == "preferred" and op.moved_off_zero and op.chosen
    assert [(r.bias, r.reason) for r in op.rejected] == [(0, "derivative 0")]
    assert abs(numeric_derivative(name, sp.Integer(0), 2)) < 1e-30  # why 0 was rejected
    assert op.preferred.reason == "where |sigma''| is maximal"
    # ... and the reason is true: |sigma''| on a grid of [-4, 4] never exceeds its value at b
    peak = abs(numeric_derivative(name, op.bias, 2))
    grid = [sp.Rational(i, 8) for i in range(-32, 33)]
    assert all(abs(numeric_derivative(name, t, 2)) <= peak + 1e-30 for t in grid)
    assert abs(numeric_derivative(name, op.bias, 3)) < 1e-30  # a critical point of sigma''


def test_preferred_bias_note_text():
    # the note is rendered from the record; sigmoid'' = s(1 - s)(1 - 2s) with s = sigmoid(b),
    # e^b = 2 + sqrt 3: s = (3 + sqrt 3)/6, 1 - s = (3 - sqrt 3)/6, 1 - 2s = -sqrt(3)/3, so
    # sigma''(b) = (6/36)(-sqrt(3)/3) = -sqrt(3)/18
    g = multiplication_gate("sigmoid")
    assert g.notes[0] == ("sigma''(0) = 0 for sigmoid, so a nonzero bias is mandatory: chose b = ln(2 + sqrt 3), "
                          "where |sigma''| is maximal (sigma''(b) = -sqrt(3)/18).")
    assert g.operating_points["bias"].note == g.notes[0]


def test_candidate_record_with_a_kink():
    # elu = exp(min(0, x)) + max(0, x) - 1: at 0 its second derivative jumps (1 from the left,
    # 0 from the right); at ln 2 it is linear, sigma'' = 0; at -ln 2, sigma'' = e^(-ln 2) = 1/2
    g = multiplication_gate("elu")
    op = g.operating_points["bias"]
    assert op.how == "candidate" and op.bias == -sp.log(2) and op.derivative == sp.Rational(1, 2)
    assert [(r.bias, r.reason) for r in op.rejected] == [(0, "not smooth"), (sp.log(2), "derivative 0")]
    left, right = (numeric_derivative("elu", sp.Integer(0), 2, direction) for direction in (-1, 1))
    assert abs(left - 1) < 1e-20 and abs(right) < 1e-20
    assert abs(numeric_derivative("elu", sp.log(2), 2)) < 1e-30
    assert g.notes[0] == ("bias b = -log(2) chosen because sigma'' vanishes or does not exist at 0 (not smooth), "
                          "log(2) (derivative 0); sigma''(-log(2)) = 1/2")
    assert g.hypotheses[0].statement == "sigma''(-log(2)) != 0"


def test_zero_and_given_records():
    op = identity_gate("exp").operating_points["bias"]
    assert (op.how, op.bias, op.rejected, op.moved_off_zero) == ("zero", 0, (), False)
    assert op.note == "bias b = 0 (bias-free hidden layer): sigma'(0) = 1"
    given = multiplication_gate("exp", bias=1).operating_points["bias"]
    assert (given.how, given.chosen, given.note) == ("given", False, "bias b = 1 given by the caller")
    assert operating_point(activations.generic(), 2, who="t").how == "symbol"


def test_circuits_take_the_gates_records():
    # cos: cos''(0) = -1 (products at 0), cos'(0) = 0, so the copies move to the first candidate;
    # the deep product reports the copies' choice, from the copy gate's record
    c = deep_product(3, "cos")
    copy = c.operating_points["copy_bias"]
    assert copy.how == "candidate" and copy.bias == sp.log(2)
    assert abs(numeric_derivative("cos", sp.Integer(0), 1)) < 1e-30
    assert [n for n in c.notes if "chose" in n] == [f"identity gate: {copy.note}"]
    # the sigmoid's products moved to ln(2 + sqrt 3); each gate kind of a polynomial says so once
    p = polynomial("x**2 + x*y", "sigmoid", variables=("x", "y"))
    op = p.operating_points["bias"]
    assert [n for n in p.notes if "chose" in n] == [f"multiplication gate: {op.note}", f"square gate: {op.note}"]
    assert [h.statement for h in p.hypotheses] == ["sigma''(log(sqrt(3) + 2)) != 0"]  # one statement, not two


# -- biases must be constants; the default bias 0 tells what to pass instead (AUDIT2 items 10, 12) ---

_LAM = sp.Symbol("lam", positive=True)
_GENERIC = activations.generic()


@pytest.mark.parametrize(
    "build, found",
    [
        (lambda: multiplication_gate(_GENERIC, bias=_LAM), "lam (the scale)"),
        (lambda: multiplication_gate(_GENERIC, bias=sp.Symbol("lam") / 2), "lam (the scale)"),  # same name
        (lambda: multiplication_gate(_GENERIC, bias=sp.Symbol("u", real=True) + 1), "u (an input variable)"),
        (lambda: multiplication_gate("sigmoid", bias=_LAM), "lam (the scale)"),
        (lambda: square_gate(_GENERIC, bias=2 * sp.Symbol("x", real=True)), "x (an input variable)"),
        (lambda: identity_gate(_GENERIC, bias=_LAM**2), "lam (the scale)"),
        (lambda: three_neuron_gate(_GENERIC, bias=sp.Symbol("v", real=True)), "v (an input variable)"),
        (lambda: shallow_product(3, _GENERIC, bias=sp.Symbol("x_2", real=True)), "x_2 (an input variable)"),
        (lambda: monomial((2, 1), _GENERIC, bias=_LAM), "lam (the scale)"),
        (lambda: deep_product(4, _GENERIC, copy_bias=_LAM), "lam (the scale)"),
        (lambda: polynomial("x*y", _GENERIC, variables=("x", "y"), bias=sp.Symbol("y", real=True)),
         "y (an input variable)"),
    ],
)
def test_a_bias_containing_the_scale_or_an_input_is_refused(build, found):
    # a bias lam would make sigma^(k)(lam) part of the "coefficient" of lam^2 (AUDIT2 item 10)
    with pytest.raises(InvalidInput, match=re.escape(found) + r" of the construction\. A bias is a constant"):
        build()


def test_a_bias_symbol_of_its_own_is_accepted():
    beta = sp.Symbol("beta", real=True)
    g = multiplication_gate(_GENERIC, bias=beta)
    assert g.hypotheses[0].statement == "sigma''(beta) != 0"
    assert g.parameters["bias"] == beta


@pytest.mark.parametrize(
    "build, who, chosen, value",
    [
        # tanh'' = -2 tanh (1 - tanh^2) vanishes at 0; at atanh(1/sqrt 3): -2 (1/sqrt 3)(2/3) = -4 sqrt(3)/9
        (lambda: three_neuron_gate("tanh"), "three_neuron_gate", "atanh(sqrt(3)/3)", "-4*sqrt(3)/9"),
        # sigmoid'' = s(1-s)(1-2s) at ln(2 + sqrt 3): s = (3 + sqrt 3)/6, s(1-s) = 1/6, 1-2s = -sqrt(3)/3
        (lambda: shallow_product(2, "sigmoid"), "shallow_product", "log(sqrt(3) + 2)", "-sqrt(3)/18"),
    ],
)
def test_the_default_bias_zero_says_which_bias_to_pass(build, who, chosen, value):
    with pytest.raises(HypothesisError) as info:
        build()
    message = str(info.value)
    assert f"0 is the default bias of {who}" in message
    assert f"Pass bias=None to let symnet choose (it would use b = {chosen}, where sigma''(b) = {value})" in message
    # and bias=None gives that bias
    fixed = three_neuron_gate("tanh", bias=None) if who == "three_neuron_gate" else shallow_product(2, "sigmoid", None)
    assert str(fixed.parameters["bias"]) == chosen


def test_an_explicit_zero_bias_does_not_mention_the_default():
    with pytest.raises(HypothesisError) as info:
        multiplication_gate("tanh", bias=0)
    assert "default" not in str(info.value) and "bias=None" in str(info.value)

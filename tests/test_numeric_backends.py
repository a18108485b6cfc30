"""symnet.numeric evaluation backends: float64 and mpmath values, the cancellation estimate, and
precision planning.

Independent route: for the exponential activation at b = 0 the 2^n formula has the closed form
N(x) = prod_i sinh(lam x_i) / lam (sum over s of prod(s) e^{lam s.x} factorises), evaluated here
with mpmath at 60 digits; it shares no code with the network evaluation.
"""

import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations
from symnet.constructions import LAM, Construction
from symnet.errors import InvalidInput, PrecisionError, ShapeError, TooLargeError
from symnet.network import Network
from symnet.numeric import (
    Float64Program,
    MpmathProgram,
    PrecisionWarning,
    evaluate,
    evaluate_error,
    plan_precision,
)
from symnet.numeric._backends import UNIT_ROUNDOFF
from symnet.numeric._inputs import MAX_POINTS

U64 = UNIT_ROUNDOFF


def product_2n(n: int) -> Construction:
    """The 2^n formula with sigma = exp and b = 0, built by hand (sigma^(n)(0) = 1)."""
    import itertools
    import math

    xs = tuple(sp.Symbol(f"x_{i}", real=True) for i in range(1, n + 1))
    signs = list(itertools.product((1, -1), repeat=n))

    def build() -> Network:
        return Network.single_hidden_layer([[LAM * s for s in row] for row in signs],
                                           [sp.Integer(math.prod(row)) / (2**n * LAM**n) for row in signs], "exp")

    return Construction(f"2^n formula n={n}", sp.Mul(*xs), xs, LAM, activations.get("exp"), (), "MATH.md 2",
                        2**n, 1, build=build)


def sinh_closed_form(lam: str, point, dps: int = 60) -> mpmath.mpf:
    with mpmath.workdps(dps):
        big = mpmath.mpf(lam)
        return mpmath.fprod(mpmath.sinh(big * mpmath.mpf(float(x))) / big for x in point)


def reference(lam: str, points) -> np.ndarray:
    return np.array([float(sinh_closed_form(lam, p)) for p in points])


POINTS = {n: np.random.default_rng(n).uniform(-1, 1, (40, n)) for n in range(1, 8)}


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
@pytest.mark.parametrize("lam", ["1e-1", "1e-2", "1e-3"])
def test_running_error_bound_contains_the_actual_float64_error(n, lam):
    net = product_2n(n).at_scale(sp.Rational(lam))
    values, amplification = Float64Program(net).run(POINTS[n])
    actual = np.abs(values - reference(lam, POINTS[n]))
    bound = U64 * amplification
    assert np.all(actual <= bound)
    # and the bound is an estimate, not a vacuous one: within a factor 10^4 of the worst actual error
    assert bound.max() <= 1e4 * actual.max() + 1e-300


def test_float64_program_agrees_with_network_numpy_and_mpmath():
    net = product_2n(3).at_scale(sp.Rational(1, 10))
    pts = POINTS[3][:5]
    values, _ = Float64Program(net).run(pts)
    assert np.allclose(values, net.numpy(pts), rtol=0, atol=1e-12)
    mp = MpmathProgram(net).run(pts, 200)
    assert np.allclose([float(v) for v in mp], reference("1e-1", pts), rtol=0, atol=1e-14)


def test_float64_is_catastrophically_wrong_for_the_2n_formula_at_n6_lam_1e_3():
    """The must-show example: 64 neurons, output weights 1/(64 lam^6) ~ 1.6e16."""
    c = product_2n(6)
    pts = POINTS[6][:10]
    raw = Float64Program(c.at_scale(sp.Rational(1, 1000))).run(pts, estimate=False)[0]
    truth = reference("1e-3", pts)
    assert np.max(np.abs(raw - truth)) > 1e-2  # plain float64 is wrong in the leading digits

    plan = plan_precision(c, pts, accuracy=1e-6, scale=sp.Rational(1, 1000))
    assert plan.backend == "mpmath" and plan.digits_lost > 15 and plan.float64_error > 1e-6

    with pytest.raises(PrecisionError, match=r"float64 cannot deliver.*digits"):
        evaluate(c, pts, scale=sp.Rational(1, 1000), accuracy=1e-6, backend="float64")
    with pytest.raises(PrecisionError, match="cancellation"):
        evaluate(c, pts, scale=sp.Rational(1, 1000), accuracy=1e-6, on_shortfall="raise")

    promoted = evaluate(c, pts, scale=sp.Rational(1, 1000), accuracy=1e-6)
    assert promoted.backend == "mpmath" and promoted.prec > 53
    assert np.max(np.abs(promoted.values - truth)) <= 1e-6
    assert np.all(promoted.error_estimate <= 1e-6 + np.abs(truth) * U64)

    with pytest.warns(PrecisionWarning, match="float64 cannot deliver"):
        warned = evaluate(c, pts, scale=sp.Rational(1, 1000), accuracy=1e-6, on_shortfall="warn")
    assert warned.backend == "float64" and warned.max_error_estimate > 1e-6


def test_without_an_accuracy_auto_promotes_when_digits_are_lost():
    # n = 6, lam = 1e-3: float64 loses about 18 digits; the default (backend "auto", no accuracy)
    # must return the right values, to full double accuracy, without a warning
    c, pts = product_2n(6), POINTS[6][:4]
    truth = reference("1e-3", pts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ev = evaluate(c, pts, scale=sp.Rational(1, 1000))
    assert ev.backend == "mpmath" and ev.digits_lost > 15
    assert np.max(np.abs(ev.values - truth)) <= 4 * U64 * np.max(np.abs(truth))
    assert np.all(ev.error_estimate <= 4 * U64 * np.max(np.abs(truth)))
    # float64 only on request, with a warning whose advice applies to the options in use
    with pytest.warns(PrecisionWarning, match=r"as on_shortfall='warn' asked.*'promote'") as record:
        warned = evaluate(c, pts, scale=sp.Rational(1, 1000), on_shortfall="warn")
    assert "(or 'auto')" not in str(record[0].message) and "1e-06 relative" in str(record[0].message)
    assert warned.backend == "float64" and np.max(np.abs(warned.values - truth)) > 1e-6
    assert np.all(np.abs(warned.values - truth) <= warned.error_estimate)
    with pytest.warns(PrecisionWarning, match="backend='float64' was forced"):
        assert evaluate(c, pts, scale=sp.Rational(1, 1000), backend="float64").backend == "float64"
    with pytest.raises(PrecisionError, match="on_shortfall='promote' \\(the default\\)"):
        evaluate(c, pts, scale=sp.Rational(1, 1000), on_shortfall="raise")
    # a scale at which float64 keeps 6 digits stays in float64, silently
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok = evaluate(c, pts, scale=sp.Rational(1, 2))
    assert ok.backend == "float64"
    assert np.max(np.abs(ok.values - reference("0.5", pts))) <= ok.max_error_estimate


def test_exp_gate_at_a_tiny_scale_by_default_is_the_product():
    # AUDIT2 item 4: the exp gate at lam = 1e-9 gave -20.685 for uv = 2 (float64, with advice to use
    # 'auto', which was in use). Independent route: with b = 0 the gate is
    # (e^{l(u+v)} + e^{-l(u+v)} - e^{l(u-v)} - e^{-l(u-v)}) / (4 l^2) = sinh(l u) sinh(l v) / l^2
    # (cosh(a + b) - cosh(a - b) = 2 sinh a sinh b), evaluated in mpmath at 60 digits.
    from symnet.constructions import multiplication_gate

    pts = [[1.0, 2.0], [-0.75, 0.5]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ev = evaluate(multiplication_gate("exp"), pts, scale=1e-9)
    expected = reference("1e-9", pts)
    assert expected.tolist() == [2.0, -0.375]  # the product, to double precision
    assert ev.backend == "mpmath" and ev.values.tolist() == expected.tolist()
    assert np.all(ev.error_estimate <= 2 * U64 * 2.0)
@given(n=st.integers(2, 6), exponent=st.integers(1, 4), digits=st.integers(3, 12))
def test_planned_evaluation_meets_the_requested_accuracy(n, exponent, digits):
    """Whatever backend the plan picks, the result is within the requested accuracy of the truth."""
    lam = f"1e-{exponent}"
    accuracy = 10.0**-digits
    pts = POINTS[n][:6]
    ev = evaluate(product_2n(n), pts, scale=sp.Rational(lam), accuracy=accuracy)
    assert np.max(np.abs(ev.values - reference(lam, pts))) <= accuracy + U64 * 4
    plan = plan_precision(product_2n(n), pts, accuracy, scale=sp.Rational(lam))
    assert plan.backend == ev.backend


def test_mpmath_backend_to_30_digits():
    pts = POINTS[4][:3]
    ev = evaluate(product_2n(4), pts, scale=sp.Rational(1, 100), accuracy=1e-30, backend="mpmath")
    assert ev.backend == "mpmath"
    for v, p in zip(ev.mp_values, pts, strict=True):
        assert abs(v - sinh_closed_form("1e-2", p, 80)) <= mpmath.mpf("1e-30")


def test_evaluate_error_of_the_2n_formula_against_the_closed_form():
    n, lam = 3, "1e-2"
    pts = POINTS[n][:8]
    ev = evaluate_error(product_2n(n), pts, scale=sp.Rational(lam), accuracy=1e-14)
    expected = reference(lam, pts) - np.prod(pts, axis=1)
    assert np.max(np.abs(ev.values - expected)) <= 1e-14
    # the leading term lam^2/6 x1 x2 x3 (x1^2 + x2^2 + x3^2) (MATH.md sec. 2, sigma = exp)
    lead = 1e-4 / 6 * np.prod(pts, axis=1) * np.sum(pts**2, axis=1)
    assert np.allclose(ev.values, lead, rtol=1e-3, atol=1e-12)


def test_dps_forces_the_mpmath_precision():
    ev = evaluate(product_2n(2), POINTS[2][:2], scale=sp.Rational(1, 10), backend="mpmath", dps=40)
    assert ev.backend == "mpmath" and ev.prec >= 132


def test_points_of_one_input_and_a_single_point():
    sq = Network.single_hidden_layer([[1]], [1], "square")
    assert evaluate(sq, [[3.0]], accuracy=1e-9).values.tolist() == [9.0]
    assert evaluate(sq, [2.0, 3.0], accuracy=1e-9).values.tolist() == [4.0, 9.0]
    two = Network.single_hidden_layer([[1, 1]], [1], "square")
    assert evaluate(two, [1.0, 2.0], accuracy=1e-9).values.tolist() == [9.0]


@pytest.mark.parametrize(
    ("points", "error", "match"),
    [
        ([[0.1, float("nan")]], InvalidInput, "NaN or infinite"),
        ([[0.1, float("inf")]], InvalidInput, "NaN or infinite"),
        ([[0.1, 0.2, 0.3]], ShapeError, r"shape \(N, 2\)"),
        (np.zeros((0, 2)), InvalidInput, "empty"),
        ([["a", "b"]], InvalidInput, "numbers"),
        ([[10**400, 1]], InvalidInput, "within float64's range"),  # was a raw OverflowError
        (None, InvalidInput, "one row per point"),
    ],
)
def test_bad_points(points, error, match):
    with pytest.raises(error, match=match):
        evaluate(product_2n(2), points, scale=0.1)


def test_bad_arguments():
    c = product_2n(2)
    with pytest.raises(InvalidInput, match="pass scale"):
        evaluate(c, [[0.1, 0.2]])
    with pytest.raises(InvalidInput, match="positive"):
        evaluate(c, [[0.1, 0.2]], scale=-1)
    with pytest.raises(InvalidInput, match="positive"):
        evaluate(c, [[0.1, 0.2]], scale=0.1, accuracy=0)
    with pytest.raises(InvalidInput, match="backend"):
        evaluate(c, [[0.1, 0.2]], scale=0.1, backend="float32")
    with pytest.raises(InvalidInput, match="on_shortfall"):
        evaluate(c, [[0.1, 0.2]], scale=0.1, on_shortfall="ignore")
    with pytest.raises(InvalidInput, match="dps"):
        evaluate(c, [[0.1, 0.2]], scale=0.1, dps=2)
    with pytest.raises(TooLargeError, match="dps = 1000000 is beyond symnet's limit"):
        evaluate(c, [[0.1, 0.2]], scale=0.1, dps=10**6)
    with pytest.raises(InvalidInput, match="cannot be combined with backend='float64'"):
        evaluate(c, [[0.1, 0.2]], scale=0.1, dps=30, backend="float64")
    # 10^7 + 1 points (a broadcast view: no memory) are refused before any arithmetic
    with pytest.raises(TooLargeError, match=f"has {MAX_POINTS + 1} points, beyond symnet's limit of {MAX_POINTS}"):
        evaluate(c, np.broadcast_to(0.5, (MAX_POINTS + 1, 2)), scale=0.1)
    with pytest.raises(InvalidInput, match="Construction or Network"):
        evaluate("softplus", [[0.1, 0.2]])
    with pytest.raises(InvalidInput, match="bare Network"):
        evaluate_error(c.at_scale(sp.Rational(1, 10)), [[0.1, 0.2]], scale=None)
    with pytest.raises(InvalidInput, match=r"within float64's range \(above 5e-324\)"):
        evaluate(c, [[0.1, 0.2]], scale=0.1, accuracy=sp.Float("1e-3000"))
    program = MpmathProgram(c.at_scale(sp.Rational(1, 10)))
    with pytest.raises(InvalidInput, match="prec must be an int number of bits"):
        program.run(np.array([[0.1, 0.2]]), "high")
    with pytest.raises(ShapeError, match=r"shape \(N, 2\)"):
        Float64Program(c.at_scale(sp.Rational(1, 10))).run(np.zeros((3, 5)))


def test_generic_activation_is_refused_with_a_clear_message():
    net = Network.single_hidden_layer([[LAM, LAM]], [1], activations.generic())
    with pytest.raises(InvalidInput, match="concrete activation"):
        evaluate(net, [[0.1, 0.2]], scale=0.1)
    gate = Construction("g", sp.Symbol("u"), (sp.Symbol("u"),), LAM, activations.generic(), (), "", 1, 1,
                        build=lambda: Network.single_hidden_layer([[LAM]], [1], activations.generic()))
    with pytest.raises(InvalidInput, match="concrete activation"):
        evaluate_error(gate, [[0.1]], scale=0.1)


def test_other_free_symbols_are_refused():
    b = sp.Symbol("b")
    net = Network.single_hidden_layer([[LAM]], [1], "softplus", hidden_bias=[b])
    with pytest.raises(InvalidInput, match="free symbol"):
        evaluate(net, [[0.1]], scale=0.1)


def test_overflowing_activation_gives_infinite_estimate_and_is_not_trusted():
    net = Network.single_hidden_layer([[1000]], [1], "exp")  # e^1000 = 1.97e434 overflows float64
    for accuracy in (None, 1.0):  # no precision can be planned from an infinite bound: ask for dps
        with pytest.raises(PrecisionError, match=r"not finite.*pass dps=\.\.\."):
            evaluate(net, [[1.0]], accuracy=accuracy)
    with pytest.warns(PrecisionWarning, match="outside float64's range"):
        ev = evaluate(net, [[1.0]], on_shortfall="warn")
    assert not np.isfinite(ev.max_error_estimate)
    forced = evaluate(net, [[1.0]], dps=30)
    assert forced.backend == "mpmath" and not np.isfinite(forced.max_error_estimate)  # unknown, not 0
    with mpmath.workdps(40):
        assert abs(forced.mp_values[0] / mpmath.exp(1000) - 1) < mpmath.mpf("1e-29")


@pytest.mark.parametrize(("activation", "scale"), [("exp", "1e-200"), ("softplus", "1e300")])
def test_weights_outside_the_float64_range_are_not_rounded_silently(activation, scale):
    # the gate's output weights 1/(4 lam^2 sigma''(0)) are 2.5e399 (overflow) at lam = 1e-200 and
    # 4e-600 (underflow to 0) at lam = 1e300: float64 would make them inf or 0, breaking the bound
    from symnet.constructions import multiplication_gate

    gate, scale = multiplication_gate(activation), sp.Rational(scale)
    with pytest.raises(PrecisionError, match=r"layer 2: a weight is .*outside float64's range"):
        Float64Program(gate.at_scale(scale))
    with pytest.raises(PrecisionError, match="pass dps"):
        evaluate(gate, [[0.5, 0.25]], scale=scale)
    with pytest.raises(PrecisionError, match=r"not finite.*backend='mpmath', dps"):
        plan_precision(gate, [[0.5, 0.25]], 1e-6, scale=scale)
    ev = evaluate(gate, [[0.5, 0.25]], scale=scale, dps=1000)
    assert ev.backend == "mpmath" and not np.isfinite(ev.max_error_estimate)
    if activation == "exp":  # sinh(l/2) sinh(l/4) / l^2 = 1/8 (1 + O(l^2)): the product to double precision
        assert ev.values.tolist() == [0.125]


def test_error_estimate_across_a_jump_and_a_kink():
    # heaviside(x + y - 3/10) at (0.1, 0.2): the float64 sum 0.1 + 0.2 - 0.3 is 5.55e-17, but the
    # rounding of the pre-activation (about 1e-16) may cross the jump, so the bound must be >= the
    # jump height 1; a point far from the jump keeps a tiny bound.
    step = Network.single_hidden_layer([[1, 1]], [1], "heaviside", hidden_bias=[-sp.Rational(3, 10)])
    values, amplification = Float64Program(step).run(np.array([[0.1, 0.2], [0.5, 0.5]]))
    assert U64 * amplification[0] >= 1.0
    assert U64 * amplification[1] < 1e-14
    assert values[1] == 1.0  # 0.5 + 0.5 - 0.3 > 0
    # exact value by hand: 0.1 and 0.2 are the binary doubles 3602879701896397/2^55 and
    # 3602879701896397/2^54, whose sum exceeds 3/10, so the step is 1; mpmath resolves it
    exact = 1 if sp.Rational(3602879701896397, 2**55) + sp.Rational(3602879701896397, 2**54) > sp.Rational(3, 10) else 0
    assert exact == 1
    ev = evaluate(step, [[0.1, 0.2]], accuracy=1e-6)
    assert ev.backend == "mpmath" and float(ev.values[0]) == exact
    # relu(x - y) at x = y: one-sided slopes 0 and 1, so a rounding error e of the pre-activation
    # moves the output by up to e (sympy's Heaviside(0) = 1/2 would have halved it)
    kink = Network.single_hidden_layer([[1, -1]], [1], "relu")
    _, at_kink = Float64Program(kink).run(np.array([[0.3, 0.3]]))
    # by hand (units of u): the dot product of fan-in 2 gives e_z = (2 + 2)(|0.3| + |0.3|) = 2.4;
    # slope 1 and the activation's 4 ulps give e_h >= 1 * 2.4 + 4 (|0| + 1) = 6.4, and the output
    # layer (weight 1, h = 0) passes it on: K >= 6.4 (with slope 1/2 it would be 5.2)
    assert at_kink[0] >= 6.4

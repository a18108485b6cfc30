"""symnet.numeric.sweep: measured errors against the exact leading term, slopes, the U-curve,
and executors.

Two independent routes meet in every check: the measured error (float64 or mpmath evaluation of
the explicit network) and the prediction (the leading term of symnet.series, and the hand
derivation of MATH.md written out below from the activations' exact derivatives).
"""

import itertools
import math
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import mpmath
import numpy as np
import pytest
import sympy as sp

from symnet import activations
from symnet.constructions import LAM, multiplication_gate, shallow_product, square_gate
from symnet.constructions.deep import deep_product
from symnet.errors import InvalidInput, PrecisionError, ShapeError, TooLargeError
from symnet.numeric import evaluate, optimal_scale, sample_box, sweep, sweep_all
from symnet.numeric._inputs import MAX_COORDINATES, MAX_POINTS

SCALES = [1e-2, 5e-3, 2e-3, 1e-3]


def derivative_ratio(construction, k_top: int, k_bottom: int) -> sp.Expr:
    act, b = construction.activation, construction.parameters["bias"]
    return act.derivative(k_top, at=b) / act.derivative(k_bottom, at=b)


def hand_leading_gate(c):
    """MATH.md sec. 1: lam^2 sigma''''(b) / (6 sigma''(b)) uv (u^2 + v^2)."""
    u, v = c.variables
    return LAM**2 * derivative_ratio(c, 4, 2) / 6 * u * v * (u**2 + v**2)


def hand_leading_square(c):
    """MATH.md sec. 1: lam^2 sigma''''(b) x^4 / (12 sigma''(b))."""
    (x,) = c.variables
    return LAM**2 * derivative_ratio(c, 4, 2) / 12 * x**4


def hand_leading_product(c, n):
    """MATH.md sec. 2: lam^2 sigma^(n+2)(b) / (6 sigma^(n)(b)) x_1...x_n (x_1^2 + ... + x_n^2)."""
    xs = c.variables
    return LAM**2 * derivative_ratio(c, n + 2, n) / 6 * sp.Mul(*xs) * sum(x**2 for x in xs)


def assert_confirms(result, order=2):
    assert result.order == order
    assert abs(result.slope - order) <= 0.03 * order  # within a few percent
    assert all(result.reliable)
    assert abs(result.ratios[-1] - 1) <= 0.01  # within 1% at the smallest lam
    # the ratio approaches 1 as lam -> 0
    deviations = [abs(r - 1) for r in result.ratios]
    assert deviations[-1] <= deviations[0] + 1e-9


@pytest.mark.parametrize("name", ["softplus", "sigmoid", "tanh", "gelu"])
def test_multiplication_gate(name):
    c = multiplication_gate(activations.get(name))
    result = sweep(c, SCALES, points=24, relative_accuracy=1e-4)
    assert_confirms(result)
    assert sp.simplify(result.leading - hand_leading_gate(c)) == 0
    by_hand = sweep(c, SCALES, points=24, relative_accuracy=1e-4, leading=hand_leading_gate(c))
    assert by_hand.predicted == pytest.approx(result.predicted, rel=1e-12)


@pytest.mark.parametrize("name", ["softplus", "tanh", "exp"])
def test_square_gate(name):
    c = square_gate(activations.get(name))
    result = sweep(c, SCALES, points=12, relative_accuracy=1e-4)
    assert_confirms(result)
    assert sp.simplify(result.leading - hand_leading_square(c)) == 0


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_2n_formula(n):
    c = shallow_product(n, activations.get("exp"))
    result = sweep(c, SCALES, points=16, relative_accuracy=1e-4)
    assert_confirms(result)
    assert sp.simplify(result.leading - hand_leading_product(c, n)) == 0
    # at n >= 4 float64 cannot measure these errors: the sweep used mpmath
    if n >= 4:
        assert set(result.backends) == {"mpmath"}


def test_2n_formula_with_a_bias():
    c = shallow_product(3, activations.get("softplus"), bias=1)
    result = sweep(c, SCALES, points=16, relative_accuracy=1e-4)
    assert_confirms(result)
    assert sp.simplify(result.leading - hand_leading_product(c, 3)) == 0


def hand_leading_tree(c):
    """MATH.md sec. 4, n = 2^k: every gate m(a, b) = ab + K lam^2 ab(a^2 + b^2) feeds its product
    forward, so the lam^2 term is K P sum over the non-root nodes of (the node's product)^2,
    with K = sigma''''(b) / (6 sigma''(b)) and P = x_1...x_n."""
    level = list(c.variables)
    squares = []
    while len(level) > 1:
        squares += [x**2 for x in level]
        level = [level[i] * level[i + 1] for i in range(0, len(level), 2)]
    return LAM**2 * derivative_ratio(c, 4, 2) / 6 * sp.Mul(*c.variables) * sp.Add(*squares)


@pytest.mark.parametrize(("n", "name"), [(2, "softplus"), (4, "exp"), (4, "softplus"), (8, "exp")])
def test_deep_product(n, name):
    c = deep_product(n, activations.get(name))
    result = sweep(c, SCALES, points=16, relative_accuracy=1e-4)
    assert_confirms(result)
    assert sp.simplify(result.leading - hand_leading_tree(c)) == 0


def test_deep_product_with_copy_neurons():
    """n = 3: x_3 is copied by an identity neuron; with softplus the copy is only O(lam)-accurate."""
    c = deep_product(3, activations.get("softplus"))
    assert_confirms(sweep(c, SCALES, points=16, relative_accuracy=1e-4), order=1)
    assert_confirms(sweep(deep_product(3, activations.get("tanh")), SCALES, points=16, relative_accuracy=1e-4))


def test_float64_u_curve_and_optimal_scale():
    c = shallow_product(3, activations.get("exp"))
    scales = list(np.logspace(-5, -0.5, 19))
    result = sweep(c, scales, points=16, backend="float64", leading=False)
    assert set(result.backends) == {"float64"}
    errors = np.array(result.errors)
    best = int(np.argmin(errors))
    assert 0 < best < len(scales) - 1
    assert errors[0] > 100 * errors[best] and errors[-1] > 100 * errors[best]  # a U
    assert not all(result.reliable) and any(result.reliable)
    # truncation side of the U still has slope 2
    assert abs(result.slope - 2) < 0.1
    choice = optimal_scale(c, points=16)
    assert choice.scale / 4 < result.optimal_scale < choice.scale * 4
    # the predicted total bounds what float64 achieves near the predicted optimum
    near = sweep(c, [choice.scale], points=16, backend="float64", leading=False)
    assert near.errors[0] <= choice.total


def test_sweep_all_and_executors_give_the_same_numbers():
    cs = [multiplication_gate(activations.get("softplus")), multiplication_gate(activations.get("tanh")),
          shallow_product(3, activations.get("exp"))]
    scales = [1e-2, 1e-3]
    sequential = [sweep(c, scales, points=8) for c in cs]
    with ThreadPoolExecutor(2) as pool:
        threaded = sweep_all(cs, scales, points=8, executor=pool)
    with ProcessPoolExecutor(2) as pool:
        processes = sweep_all(cs, scales, points=8, executor=pool)
        single = sweep(cs[0], scales, points=8, executor=pool)
    for a, b, p in zip(sequential, threaded, processes, strict=True):
        assert a.errors == b.errors == p.errors
        assert a.ratios == b.ratios == p.ratios
    assert single.errors == sequential[0].errors


def test_points_given_explicitly_and_sample_box():
    c = multiplication_gate(activations.get("softplus"))
    pts = sample_box([(0, 1), (-1, 0)], 10, seed=3)
    assert pts.shape == (10, 2) and pts[:, 0].min() >= 0 and pts[:, 1].max() <= 0
    assert sample_box([(0, 1), (-1, 0)], 10, seed=3).tolist() == pts.tolist()
    result = sweep(c, [1e-2, 1e-3], points=pts)
    # the prediction is evaluated at the same points: max over them of |lam^2/12 uv(u^2+v^2)|
    u, v = pts[:, 0], pts[:, 1]
    assert result.predicted[1] == pytest.approx(1e-6 / 12 * np.max(np.abs(u * v * (u**2 + v**2))), rel=1e-12)
    assert "fitted slope" in str(result)


def test_bad_inputs():
    c = multiplication_gate(activations.get("softplus"))
    with pytest.raises(InvalidInput, match="scales"):
        sweep(c, [])
    with pytest.raises(InvalidInput, match="positive"):
        sweep(c, [0.1, -0.1])
    with pytest.raises(InvalidInput, match="Construction"):
        sweep(c.network, [0.1])
    with pytest.raises(InvalidInput, match="backend"):
        sweep(c, [0.1], backend="float16")
    with pytest.raises(InvalidInput, match="executor"):
        sweep(c, [0.1], executor=object())
    with pytest.raises(ShapeError):
        sweep(c, [0.1], points=[[0.1, 0.2, 0.3]])
    with pytest.raises(InvalidInput, match="NaN"):
        sweep(c, [0.1], points=[[0.1, float("nan")]])
    with pytest.raises(InvalidInput, match="relative_accuracy"):
        sweep(c, [0.1], relative_accuracy=0)
    with pytest.raises(InvalidInput, match="concrete activation"):
        sweep(multiplication_gate(activations.generic()), [0.1])
    with pytest.raises(InvalidInput, match="sequence of Constructions"):
        sweep_all(c, [0.1])
    with pytest.raises(InvalidInput, match="empty"):
        sample_box([(1, 0)], 3)
    with pytest.raises(InvalidInput, match="relative_accuracy must be below 1"):
        sweep(c, [0.1], relative_accuracy=10)
    with pytest.raises(InvalidInput, match=r"got 4\.0 \(sweep and optimal_scale also take an int count N\)"):
        sweep(c, [0.1], points=4.0)


def test_a_leading_term_given_as_text_is_not_parsed():
    # sympify would have evaluated the text (and so any code in it): only sympy expressions count
    c = multiplication_gate(activations.get("softplus"))
    for text in ("lam**2*u*v*(u**2 + v**2)/12", "__import__('os').getcwd()"):
        with pytest.raises(InvalidInput, match="text is not parsed"):
            sweep(c, [0.1], points=4, leading=text)
    with pytest.raises(InvalidInput, match="single power of lam times a polynomial"):
        sweep(c, [0.1], points=4, leading=sp.sin(LAM))  # was a raw PolynomialError
    with pytest.raises(InvalidInput, match="leading must be"):
        sweep(c, [0.1], points=4, leading=True)


def test_sample_box_and_optimal_scale_refuse_bad_arguments():
    for seed in (-1, 1.5, "a", True):
        with pytest.raises(InvalidInput, match="seed must be a non-negative int"):
            sample_box([(0, 1)], 3, seed=seed)
    with pytest.raises(InvalidInput, match="at least one"):
        sample_box([], 3)
    for box in ([(-1e308, 1e308)], [(-sp.Integer(10) ** 400, 0)]):
        with pytest.raises(InvalidInput, match="too wide to sample in float64"):
            sample_box(box, 3)
    c = multiplication_gate(activations.get("softplus"))
    with pytest.raises(InvalidInput, match="optimal_scale needs a Construction"):
        optimal_scale(c.network)
    with pytest.raises(InvalidInput, match="unit_roundoff must be below 1"):
        optimal_scale(c, points=4, unit_roundoff=1.0)
    with pytest.raises(InvalidInput, match="smallest normal float64"):
        optimal_scale(c, points=4, lower=1e-320)
    # an upper end where lam^2 overflows a float (was a raw OverflowError): the optimum is unchanged
    wide = optimal_scale(c, points=4, upper=1e300)
    assert 1e-8 < wide.scale < 1e-2 and wide.truncation < 1e-6


def test_sample_box_builds_only_the_corners_it_returns():
    # AUDIT2 item 1: the 2^d corners were all built (d = 20: 7.3 s; d = 24: MemoryError). Corner j
    # takes hi in coordinate i when bit d-1-i of j is set, so the first 2^k corners vary only in
    # the last k coordinates; written out by hand for d = 3, and the pattern for d = 40.
    box3 = [(-1, 1), (0, 2), (5, 7)]
    by_hand = [[-1, 0, 5], [-1, 0, 7], [-1, 2, 5], [-1, 2, 7], [1, 0, 5], [1, 0, 7], [1, 2, 5], [1, 2, 7]]
    assert sample_box(box3, 8).tolist() == by_hand
    assert sample_box(box3, 3).tolist() == by_hand[:3]
    extra = sample_box(box3, 11, seed=5)
    assert extra[:8].tolist() == by_hand and extra.shape == (11, 3)
    assert np.all((extra[8:] >= [-1, 0, 5]) & (extra[8:] <= [1, 2, 7]))
    big = sample_box([(-1, 1)] * 40, 64)
    assert big.shape == (64, 40) and np.all(big[:, :34] == -1)
    assert {tuple(row) for row in big[:, 34:].tolist()} == set(itertools.product((-1.0, 1.0), repeat=6))


def test_point_counts_are_capped():
    box = [(-1, 1)] * 2
    with pytest.raises(TooLargeError, match=rf"count = {10**9} is beyond symnet's limit of {MAX_POINTS}.*fewer"):
        sample_box(box, 10**9)
    with pytest.raises(TooLargeError, match=rf"coordinates, beyond symnet's limit of {MAX_COORDINATES}"):
        sample_box([(-1, 1)] * 1024, MAX_COORDINATES // 1024 + 1)
    c = multiplication_gate(activations.get("softplus"))
    with pytest.raises(TooLargeError, match="points = 1000000000 is beyond"):
        sweep(c, [1e-2], points=10**9)
    with pytest.raises(TooLargeError, match="points = 1000000000 is beyond"):
        optimal_scale(c, points=10**9)
    with pytest.raises(InvalidInput, match="count must be an int, got the bool"):
        sample_box(box, True)


def test_mpmath_work_is_capped():
    # 10^6 points of the gate at lam = 1e-6 need mpmath (float64 loses ~12 digits): per point 8 + 4
    # weights and 4 + 1 biases, 1.7e7 in all, beyond MAX_MPMATH_WORK = 10^7: refused before any
    # mpmath arithmetic
    c = multiplication_gate(activations.get("softplus"))
    pts = np.full((10**6, 2), 0.5)
    with pytest.raises(TooLargeError, match=r"1000000 points .* 17 weights and biases .*1\.7e\+07 multiply-adds"):
        sweep(c, [1e-6], points=pts)
    with pytest.raises(TooLargeError, match="fewer points"):
        evaluate(c, pts, scale=1e-6)
    float64 = sweep(c, [1e-6], points=pts, backend="float64", leading=False)  # float64 is not capped
    assert float64.backends == ("float64",) and not float64.reliable[0]


def test_deep_product_of_24_inputs_sweeps_64_points():
    # AUDIT2 item 1: this ran out of memory (6 GB); now 64 corners are built. deep_product(24) copies
    # x_17..x_24 once, so the error is O(lam) (order 1, as for n = 3 above); at these corners
    # |x_i| = 1, and the measured/predicted ratio tends to 1.
    c = deep_product(24, activations.get("softplus"))
    result = sweep(c, [1e-2, 1e-3], points=64)
    assert result.points.shape == (64, 24) and result.order == 1 and all(result.reliable)
    assert abs(result.ratios[1] - 1) < 0.05 and abs(result.slope - 1) < 0.1


def test_duplicate_scales_are_refused():
    # AUDIT2 item 10: [1e-3, 1e-3] gave slope 1.08 with a numpy RankWarning
    c = multiplication_gate(activations.get("softplus"))
    for scales in ([1e-3, 1e-3], [1e-2, sp.Rational(1, 1000), 0.001]):
        with pytest.raises(InvalidInput, match=r"repeats scales\[\d\].*distinct"):
            sweep(c, scales)
    single = sweep(c, [1e-2], points=4)  # one scale is a measurement, without a slope
    assert math.isnan(single.slope) and single.ratios[0] == pytest.approx(1, abs=0.01)


def test_extreme_scales_give_clear_errors_or_dps_results():
    # AUDIT2 item 9: [1e300, 1e301] raised a raw OverflowError; [100, 1000] advised dps=..., which
    # sweep did not accept
    gate = multiplication_gate(activations.get("softplus"))
    with pytest.raises(PrecisionError, match=r"at scale 1e\+300 pass dps=\.\.\. to sweep"):
        sweep(gate, [1e300, 1e301])
    with pytest.raises(InvalidInput, match="outside float64's normal range"):
        sweep(gate, [sp.Integer(10) ** 400])
    exp_gate = multiplication_gate(activations.get("exp"))
    with pytest.raises(PrecisionError, match="at scale 1000 pass dps"):
        sweep(exp_gate, [100, 1000])
    result = sweep(exp_gate, [100, 1000], points=[[0.5, 0.25]], dps=60)
    assert result.backends == ("mpmath", "mpmath") and result.precisions == (200, 200)
    # independent route: the exp gate is sinh(l u) sinh(l v) / l^2 (b = 0), minus uv
    with mpmath.workdps(60):
        exact = mpmath.sinh(50) * mpmath.sinh(25) / 10**4 - mpmath.mpf(1) / 8
    assert result.errors[0] == pytest.approx(float(exact), rel=1e-12)
    assert result.reliable == (True, False) and result.errors[1] == math.inf  # 2e536 is beyond float64
    assert "(rounding not bounded)" in str(result) and math.isnan(result.slope)
    with pytest.raises(InvalidInput, match="backend='float64'"):
        sweep(exp_gate, [0.1], backend="float64", dps=30)
    with pytest.raises(InvalidInput, match="dps must be an int"):
        sweep(exp_gate, [0.1], dps=2)


def test_dps_forces_the_precision_at_ordinary_scales():
    c = multiplication_gate(activations.get("softplus"))
    auto = sweep(c, SCALES[:2], points=8)
    forced = sweep(c, SCALES[:2], points=8, dps=50)
    assert forced.backends == ("mpmath", "mpmath") and forced.precisions == (167, 167)
    assert forced.errors == pytest.approx(auto.errors, rel=1e-3) and all(forced.reliable)

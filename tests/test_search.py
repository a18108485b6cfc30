"""Tests for symnet.search: the numeric search for small networks (tiny budgets).

Independent routes: a hand symmetry argument (a bias-free tanh network is odd, x_1 x_2 is even,
so no such network comes within 1 of it at (1, 1) and (-1, -1)), the found networks re-evaluated
at random points of the box by numpy and at 50 digits by mpmath against the reported bound,
the derivative bounds against dense sampling of the activations' derivatives (mpmath), and
hand-derived theorem widths (2^n, prod(r_i + 1), minus one with an output bias).
"""

from __future__ import annotations

import math
import re

import mpmath
import numpy as np
import pytest
import sympy as sp

from symnet import activations
from symnet.errors import InvalidInput, TooLargeError
from symnet.search import DERIVATIVE_SUPS, NOTION, derivative_sups, search_width

TINY = dict(starts=2, max_nfev=300, grid_points=1024, seed=0)


def product(X):
    return np.prod(X, axis=1)


def test_exp_bias_free_product_found_at_four_and_bound_holds_at_random_points():
    r = search_width(2, activation="exp", model="bias-free", tol=0.05, widths=[2, 4], **TINY)
    assert r.width == 4 and r.found
    assert r.network.hidden_neurons == 4 and r.network.is_bias_free
    assert r.max_error <= 0.05
    # the bound on the whole box must hold at points that are not on the grid
    rng = np.random.default_rng(123)
    X = rng.uniform(-1, 1, size=(5000, 2))
    err = np.abs(r.network.numpy(X) - product(X))
    assert err.max() <= r.error_bound
    # and at the worst of them, evaluated independently at 50 digits
    worst = X[int(np.argmax(err))]
    with mpmath.workdps(50):
        exact = abs(r.network.mpmath([mpmath.mpf(float(v)) for v in worst], dps=50)
                    - mpmath.mpf(float(worst[0])) * mpmath.mpf(float(worst[1])))
    assert float(exact) <= r.error_bound
    assert abs(float(exact) - err.max()) < 1e-9
    # the certified lower bound (Taylor notion, LTR App. A): 2^2 = 4 for exp, whose derivatives are all 1
    assert r.lower_bound.width == r.lower_bound.exact == 4
    assert "Taylor" in r.lower_bound.notion
    assert r.lower_bound.result.certificate.check()


def test_bias_free_tanh_cannot_approach_an_even_target():
    # tanh is odd, so a bias-free tanh network is odd: N(-x) = -N(x). With p = x_1 x_2 even,
    # |N(1,1) - 1| + |N(-1,-1) - 1| >= 2, so the max error over any grid holding both corners is >= 1.
    r = search_width(2, activation="tanh", model="bias-free", tol=0.5, widths=[1, 2, 3], **TINY)
    assert not r.found and r.width is None and r.network is None
    assert len(r.trials) == 6
    assert all(t.max_error >= 1 - 1e-9 for t in r.trials)
    # and in the Taylor notion no width at all works: tanh''(0) = 0 kills the degree-2 condition
    assert r.lower_bound.status == "impossible" and r.lower_bound.width is None
    assert "sigma^(2)(0) = 0" in r.lower_bound.reason
    assert "proves nothing" in r.report()


def test_deterministic_given_the_seed_and_different_for_another_seed():
    kw = dict(activation="sigmoid", model="biased", tol=1e-9, widths=[2], starts=2, max_nfev=60, grid_points=256)
    a = search_width(2, seed=5, **kw)
    b = search_width(2, seed=5, **kw)
    c = search_width(2, seed=6, **kw)
    assert a.trials == b.trials and a.report() == b.report()
    assert a.trials != c.trials


def test_random_strategy_draws_widths_from_the_list():
    r = search_width(1, activation="tanh", model="biased", tol=1e-3, widths=[1, 3], strategy="random", trials=4,
                     max_nfev=100, grid_points=64, seed=2)
    assert len(r.trials) == 4
    assert {t.width for t in r.trials} <= {1, 3}
    # x on [-1, 1] with one biased tanh neuron: tanh(a x)/a = x - a^2 x^3/3 + ...: within 1e-3 for a ~ 0.05
    assert r.found and r.width in (1, 3)
    assert r.strategy == "random"


def test_monomial_and_output_bias_lower_bounds_are_the_theorem_widths():
    # x_1^2 x_2: prod(r_i + 1) = 3 * 2 = 6 (RT Thm II.1); with an output bias one fewer
    r = search_width((2, 1), activation="exp", model="bias-free", tol=10.0, widths=[1], starts=1, max_nfev=5,
                     grid_points=64)
    assert r.lower_bound.exact == 6
    r = search_width((2, 1), activation="exp", model="output-bias", tol=10.0, widths=[1], starts=1, max_nfev=5,
                     grid_points=64)
    assert r.lower_bound.exact == 5
    # a loose tolerance is reached by one neuron: far below 6, and no contradiction (different notion)
    assert r.width == 1
    assert "no contradiction" in r.report()
    # the biased model has no theorem, only the catalecticant bound: for x_1 x_2 x_3 the first
    # catalecticant (rows d/dx_i p = the three products of two variables) has rank 3
    r = search_width(3, activation="exp", model="biased", tol=10.0, widths=[1], starts=1, max_nfev=5, grid_points=64)
    assert r.lower_bound.exact is None and r.lower_bound.width == 3
    assert "catalecticant" in r.lower_bound.method


def test_square_of_x_with_one_hidden_layer():
    # x^2 on [0, 2]: the square activation reaches it exactly with one neuron (w = 1, a = 1)
    x = sp.Symbol("x")
    r = search_width(x**2, variables=[x], activation="square", model="bias-free", tol=1e-8, box=[(0, 2)],
                     widths=[1], starts=2, max_nfev=200, grid_points=101)
    assert r.width == 1 and r.max_error < 1e-8
    assert r.error_bound is not None and r.bounded_on_box


def test_report_states_the_notion_and_no_timings():
    r = search_width(2, activation="exp", model="bias-free", tol=0.05, widths=[4], **TINY)
    text = r.report()
    assert NOTION in text
    assert "not a proof" in text.lower() or "nothing is claimed" in text
    assert not re.search(r"\d\s?(s|sec|seconds)\b", text)  # no timings: the report is deterministic


def test_time_limit_stops_early():
    r = search_width(2, activation="tanh", model="biased", tol=1e-12, widths=range(1, 9), starts=50,
                     max_nfev=2000, grid_points=256, time_limit=1e-3)
    assert r.stopped_by_time
    assert len(r.trials) < 8 * 50
    assert "time limit" in r.report()


@pytest.mark.parametrize("name", sorted(DERIVATIVE_SUPS))
def test_derivative_bounds_against_dense_sampling(name):
    act = activations.get(name)
    sups = DERIVATIVE_SUPS[name]
    xs = np.linspace(-6, 6, 601)
    with mpmath.workdps(30):
        f = lambda t: act.mpmath(t)
        for k, bound in enumerate(sups, 1):
            if bound is None or (name == "elu" and k == 2):  # elu: sigma'' jumps at 0, bound is its Lipschitz const
                continue
            top = float(max(abs(mpmath.diff(f, mpmath.mpf(float(t)) + mpmath.mpf("1e-7"), k)) for t in xs))
            assert top <= bound + 1e-12, (k, top, bound)
            # and the bound is tight (softplus' = sigmoid tends to its sup 1 only as x -> oo: 0.9975 at 6)
            assert top >= bound * (1 - (3e-3 if (name, k) == ("softplus", 1) else 1e-3)), (k, top, bound)


def test_range_dependent_derivative_bounds():
    assert derivative_sups(activations.get("exp"), -1.0, 2.0) == (math.exp(2.0),) * 3
    assert derivative_sups(activations.get("square"), -3.0, 1.0) == (6.0, 2.0, 0.0)
    assert derivative_sups(activations.get("cube"), -3.0, 1.0) == (27.0, 18.0, 6.0)
    # a user formula gets no bound (nothing is claimed)
    assert derivative_sups(activations.from_expression("tanh(x)", name="mytanh"), -1.0, 1.0) == (None,) * 3


def test_bad_input_raises_symnet_errors():
    with pytest.raises(InvalidInput, match="box"):
        search_width(2, box=-1)
    with pytest.raises(InvalidInput, match="lo < hi"):
        search_width(2, box=[(0, 1), (1, 1)])
    with pytest.raises(InvalidInput, match="intervals"):
        search_width(2, box=[(0, 1)])
    with pytest.raises(InvalidInput, match="empty"):
        search_width(2, widths=[])
    with pytest.raises(InvalidInput, match="positive int"):
        search_width(2, widths=[0])
    with pytest.raises(TooLargeError):
        search_width(2, widths=[10**6])
    with pytest.raises(InvalidInput, match="strategy"):
        search_width(2, strategy="bayes")
    with pytest.raises(InvalidInput, match="generic"):
        search_width(2, activation=activations.generic())
    with pytest.raises(InvalidInput, match="tol"):
        search_width(2, tol=0)
    with pytest.raises(InvalidInput, match="model"):
        search_width(2, model="deep")
    with pytest.raises(InvalidInput, match="text"):
        search_width("x_1*x_2")
    with pytest.raises(InvalidInput, match="seed"):
        search_width(2, seed=-1)
    with pytest.raises(InvalidInput, match="time_limit"):
        search_width(2, time_limit=0)


def test_shared_int_checks_and_non_finite_input():
    # ints through symnet._validation: bools and floats refused, numpy ints accepted
    for kw in (dict(starts=True), dict(starts=2.0), dict(max_nfev=1.5), dict(grid_points=True), dict(seed=True),
               dict(seed=1.5), dict(widths=[True]), dict(widths=[2.0])):
        with pytest.raises(InvalidInput):
            search_width(2, **kw)
    with pytest.raises(TooLargeError):
        search_width(2, grid_points=10**6)
    r = search_width(1, activation="square", model="bias-free", tol=10.0, widths=[np.int64(1)], starts=np.int64(1),
                     max_nfev=5, grid_points=16, seed=np.int64(0))
    assert r.width == 1 and r.seed == 0
    # boxes: non-finite ends, a width that overflows float64, a Rational beyond float64
    with pytest.raises(InvalidInput, match="finite"):
        search_width(2, box=[(0, float("inf")), (0, 1)])
    with pytest.raises(InvalidInput, match="finite"):
        search_width(2, box=float("nan"))
    with pytest.raises(InvalidInput, match="too wide"):
        search_width(1, box=[(-1e308, 1e308)])
    with pytest.raises(InvalidInput, match="finite"):
        search_width(1, box=[(0, sp.Integer(10) ** 400)])
    with pytest.raises(InvalidInput, match="tol"):
        search_width(2, tol=float("nan"))
    with pytest.raises(InvalidInput, match="time_limit"):
        search_width(2, time_limit=float("nan"))
    # the activation: names and Activation objects through activations.get, anything else refused
    with pytest.raises(InvalidInput, match="activation"):
        search_width(2, activation=3)


def test_derivative_sups_checks_its_range_and_does_not_overflow():
    # a name is looked up like an Activation
    assert derivative_sups("tanh", -1.0, 1.0) == DERIVATIVE_SUPS["tanh"]
    with pytest.raises(InvalidInput, match="lo <= hi"):
        derivative_sups("tanh", 1.0, -1.0)
    for lo, hi in ((float("nan"), 1.0), (0.0, float("inf"))):
        with pytest.raises(InvalidInput, match="finite"):
            derivative_sups("exp", lo, hi)
    with pytest.raises(InvalidInput, match="real number"):
        derivative_sups("exp", "0", 1.0)
    # exp' = exp: sup over [0, 1000] is e^1000 > float64's max, so the bound is inf (no OverflowError)
    assert derivative_sups("exp", 0.0, 1000.0) == (math.inf,) * 3
    assert derivative_sups("exp", 0.0, 700.0) == (math.exp(700.0),) * 3

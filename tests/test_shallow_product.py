"""The 2^n formula (MATH.md section 2): closed form against explicit expansion, hand
derivations, sympy's series(), mpmath, and the sources' normalisations.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from symnet import activations, series
from symnet.activations import DerivativeSymbol
from symnet.constructions import LAM, MAX_EXPLICIT_NEURONS, shallow_product
from symnet.errors import HypothesisError, InvalidInput, NotSmoothError, TooLargeError
from symnet.network import Network, input_symbols

ZERO = sp.Integer(0)
SIGMA = sp.Function("sigma")


def d(k: int, at=ZERO) -> DerivativeSymbol:
    return DerivativeSymbol(k, at)


def same(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.expand(a - b) == 0


def equal_polynomials_at_random_points(a: sp.Expr, b: sp.Expr, symbols, trials: int = 3) -> bool:
    """Exact evaluation at random rational points (a polynomial identity test, Schwartz-Zippel)."""
    rng = random.Random(1234)
    for _ in range(trials):
        point = {s: sp.Rational(rng.randint(-50, 50), rng.randint(1, 20)) for s in symbols}
        if a.xreplace(point) != b.xreplace(point):
            return False
    return True


# -- structure and laziness -------------------------------------------------------------------------

def test_network_structure_n3():
    c = shallow_product(3, activations.get("exp"))
    net = c.network
    assert (net.hidden_neurons, net.depth) == (8, 1) and net.is_bias_free
    xs = input_symbols(3)
    assert c.variables == xs and c.target == xs[0] * xs[1] * xs[2]
    # row for s and output weight prod(s) / (2^3 lam^3 sigma'''(0)) = prod(s) / (8 lam^3)
    rows = {tuple(net.layers[0].weights.row(j)): net.layers[1].weights[0, j] for j in range(8)}
    for s in itertools.product((1, -1), repeat=3):
        assert rows[tuple(LAM * si for si in s)] == math.prod(s) / (8 * LAM**3)


def test_large_n_is_lazy_and_fast_to_build():
    c = shallow_product(30, activations.generic())
    assert c.hidden_neurons == 2**30 and c.depth == 1
    assert "network" not in c._cache
    with pytest.raises(TooLargeError):
        _ = c.network
    assert 2**15 > MAX_EXPLICIT_NEURONS
    with pytest.raises(TooLargeError):
        series.error(shallow_product(15, activations.generic()), 2, method="explicit")


# -- closed form against explicit expansion ------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_closed_form_matches_explicit_expansion_generic(n):
    c = shallow_product(n, activations.generic())
    order = 4 if n >= 5 else 6
    closed = series.error(c, order, method="closed")
    explicit = series.error(c, order, method="explicit")
    assert closed.terms == explicit.terms


@pytest.mark.parametrize(("name", "n"), [("exp", 6), ("exp", 4), ("cos", 2), ("cos", 4), ("softplus", 4),
                                          ("gelu", 2), ("cos", 3), ("sigmoid", 2),
                                          ("tanh", 3)])
def test_closed_form_matches_explicit_expansion_concrete(name, n):
    c = shallow_product(n, activations.get(name), bias=None)
    closed = series.error(c, 4, method="closed")
    explicit = series.error(c, 4, method="explicit")
    assert set(closed.terms) == set(explicit.terms)
    for p in closed.terms:
        assert closed.terms[p] == explicit.terms[p] or sp.simplify(closed.terms[p] - explicit.terms[p]) == 0


# -- hand derivations -----------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 30])
def test_leading_term_by_hand(n):
    # MATH.md sec. 2: lam^2 sigma^(n+2) x_1...x_n (x_1^2 + ... + x_n^2) / (6 sigma^(n))
    xs = input_symbols(n)
    err = series.error(shallow_product(n, activations.generic()), 2)
    expected = d(n + 2) * sp.Mul(*xs) * sum(x**2 for x in xs) / (6 * d(n))
    assert err.leading_order == 2
    assert equal_polynomials_at_random_points(err.coefficient(2), expected, (*xs, d(n + 2), d(n)))
    assert len(sp.Add.make_args(sp.expand(err.coefficient(2)))) == n


def test_n30_fourth_order_term_by_hand():
    # alpha = (5, 1, ..., 1) or (3, 3, 1, ..., 1):
    # lam^4 (s_34 / s_30) x_1...x_30 (sum_i x_i^4 / 5! + sum_{i<j} x_i^2 x_j^2 / (3! 3!))
    n = 30
    xs = input_symbols(n)
    err = series.error(shallow_product(n, activations.generic()), 4)
    assert sorted(err.terms) == [2, 4]
    rng = random.Random(7)
    for _ in range(2):  # exact evaluation at random rational points, the hand formula in plain Fractions
        point = [Fraction(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(n)]
        s34, s30 = Fraction(rng.randint(1, 99), 7), Fraction(rng.randint(1, 99), 11)
        sq = [x * x for x in point]
        hand = s34 / s30 * math.prod(point) * (sum(q * q for q in sq) / 120
                                               + sum(sq[i] * sq[j] for i in range(n) for j in range(i + 1, n)) / 36)
        subs = {**{x: sp.Rational(v.numerator, v.denominator) for x, v in zip(xs, point, strict=True)},
                d(34): sp.Rational(s34.numerator, s34.denominator), d(30): sp.Rational(s30.numerator, s30.denominator)}
        assert err.coefficient(4).xreplace(subs) == sp.Rational(hand.numerator, hand.denominator)


@pytest.mark.parametrize("n", [2, pytest.param(3, marks=pytest.mark.slow)])
def test_matches_sympy_series(n):
    xs = input_symbols(n)
    total = sum(math.prod(s) * SIGMA(sum(LAM * si * x for si, x in zip(s, xs, strict=True)))
                for s in itertools.product((1, -1), repeat=n))
    naive = sp.series(total / (2**n * LAM**n * d(n)), LAM, 0, 5).removeO()
    naive = naive.replace(lambda e: isinstance(e, sp.Subs),
                          lambda e: DerivativeSymbol(e.expr.variable_count[0][1], e.point[0]))
    naive = sp.expand(naive.replace(lambda e: isinstance(e, sp.Function) and e.func == SIGMA,
                                    lambda e: DerivativeSymbol(0, e.args[0])))
    err = series.error(shallow_product(n, activations.generic()), 4)
    assert same(naive.coeff(LAM, 0), sp.Mul(*xs))
    for p in (1, 2, 3, 4):
        assert same(err.coefficient(p), naive.coeff(LAM, p))


def test_against_mpmath_exp_n4():
    c = shallow_product(4, activations.get("exp"))
    err = series.error(c, 8)
    xs = input_symbols(4)
    point = [sp.Rational(1, 2), sp.Rational(-2, 3), sp.Rational(3, 4), sp.Rational(1, 5)]
    lam = sp.Rational(1, 10**3)
    subs = dict(zip(xs, point, strict=True))
    with mpmath.workdps(120):
        value = c.at_scale(lam).mpmath(point, dps=120)
        exact = sp.Mul(*point) + sum(cf.xreplace(subs) * lam**p for p, cf in err.terms.items())
        # the remainder is the lam^10 term, about 1e-30
        assert abs(value - mpmath.mpf(exact.p) / exact.q) < mpmath.mpf(10) ** -27


# -- the sources' normalisations ---------------------------------------------------------------------------

def test_seed000_weights_compute_the_product_over_n_factorial():
    # seed 000: w_j = (-1)^|S_j| / (2^n n! sigma_n) with sigma_n = sigma^(n)(0): the network computes x_1...x_n / n!
    for n in (2, 3):
        act = activations.get("exp")
        xs = input_symbols(n)
        signs = list(itertools.product((1, -1), repeat=n))
        weights = [sp.Integer(math.prod(s)) / (2**n * math.factorial(n) * LAM**n) for s in signs]
        seed = Network.single_hidden_layer([[LAM * si for si in s] for s in signs], weights, act)
        s = series.expand(seed, 0, variables=xs)
        assert same(s.coefficient(0), sp.Mul(*xs) / math.factorial(n))


def test_notes_record_the_corrections():
    notes = " ".join(shallow_product(3, activations.get("exp")).notes)
    assert "n!" in notes and "Eq. 28" in notes


# -- bad input ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3", None, 10**6])
def test_bad_n(bad):
    with pytest.raises(InvalidInput):
        shallow_product(bad, activations.get("exp"))


def test_n_beyond_the_limit_is_too_large():
    with pytest.raises(TooLargeError, match="300"):
        shallow_product(301, activations.get("exp"))
    assert shallow_product(300, activations.generic()).hidden_neurons == 2**300


def test_vanishing_required_derivative():
    with pytest.raises(HypothesisError) as info:
        shallow_product(2, activations.get("sigmoid"))  # sigma''(0) = 0
    assert "sigma''(b) != 0" in str(info.value) and "sigmoid" in str(info.value)
    c = shallow_product(2, activations.get("sigmoid"), bias=None)
    assert c.parameters["bias"] != 0


def test_non_smooth_activation():
    with pytest.raises(NotSmoothError):
        shallow_product(2, activations.get("relu"))
    with pytest.raises(NotSmoothError):
        shallow_product(3, activations.get("elu"))

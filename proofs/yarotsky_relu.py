"""ReLU networks: Yarotsky's sawtooth construction of x^2 and of multiplication (MATH.md sec. 8).

Routes: the network's exact piecewise-linear form (breakpoints propagated in rationals, the sup of
|f - x^2| per piece) against the defining formula f_m = x - sum g_s/4^s evaluated in Fractions on
dense rational grids; the network's own exact sympy evaluation at points attaining the extremes;
the activations and the series engine refusing ReLU at its kink.
"""

from __future__ import annotations

import sys
from fractions import Fraction

import sympy as sp
from _common import Report, main

from symnet import activations, series
from symnet.constructions import Construction, Hypothesis, multiplication_gate
from symnet.constructions.yarotsky import (
    f_m_value,
    layers_for_accuracy,
    multiplication,
    multiplication_error,
    sawtooth,
    square,
    square_error,
)
from symnet.errors import HypothesisError, NotSmoothError
from symnet.network import Network, input_symbols

R = sp.Rational
MS = range(1, 9)


def run(report: Report) -> None:
    # sawtooth
    ok = all([sawtooth(s)(R(k, 2**s)) for k in range(2**s + 1)] == [k % 2 for k in range(2**s + 1)]
             and all(sawtooth(s)(R(2 * k + 1, 2 ** (s + 1))) == R(1, 2) for k in range(2**s))
             for s in range(1, 6))
    report.add("g_s = g o ... o g is a sawtooth with 2^(s-1) teeth: g_s(k/2^s) = k mod 2", "[Y] proof of Prop. 2",
               "verified", ok, detail="exact values of the composed networks at k/2^s and the midpoints, s = 1..5")
    # interpolation and sup error, exact route
    results = {m: square_error(m) for m in MS}
    ok = all(r.interpolates and r.breakpoints_on_grid and r.kinks == 2**m - 1 and r.formula_agrees
             for m, r in results.items())
    report.add("f_m = x - sum_{s<=m} g_s/2^(2s) interpolates x^2 on the grid k/2^m", "[Y] Prop. 2; MATH.md sec. 8",
               "verified", ok, detail="network's exact piecewise-linear form: kinks exactly at the 2^m - 1 interior "
                                      "grid points, values (k/2^m)^2; the defining formula agrees, m = 1..8")
    exact_ok = all(r.claim_holds for r in results.values())
    dense_ok = True
    for m in range(1, 7):
        n = 2 ** (m + 5)
        worst = max(abs(f_m_value(m, Fraction(k, n)) - Fraction(k, n) ** 2) for k in range(n + 1))
        dense_ok &= worst == Fraction(1, 2 ** (2 * m + 2))
    report.add("sup_[0,1] |f_m - x^2| = 2^(-2m-2)", "[Y] Prop. 2; MATH.md sec. 8", "verified", exact_ok and dense_ok,
               detail="exact per piece (f - x^2 concave: sup at the cell midpoints, all 2^m of them), m = 1..8; "
                      "the formula on the rational grid of step 2^-(m+5) reaches the same maximum, m = 1..6")
    # counts
    counts = [(square(m).network.hidden_neurons, square(m).network.depth) for m in range(1, 7)]
    eps_rows = {d: layers_for_accuracy(R(1, 10**d)) for d in (2, 4, 6, 12)}
    ok = counts == [(4 * m - 1, m) for m in range(1, 7)] and eps_rows == {2: 3, 4: 6, 6: 9, 12: 19}
    report.add("depth and width grow like log(1/eps)", "[Y] Prop. 2; MATH.md sec. 8", "verified", ok,
               detail=f"f_m: depth m, 4m - 1 ReLU neurons (x and the partial sum carried through ReLUs); "
                      f"eps = 10^-d needs m = {eps_rows} (smallest m with 2^(-2m-2) <= eps)")
    # multiplication
    ok = True
    for m in (1, 2, 3):
        r = multiplication_error(m)
        n = 2 ** (m + 2)
        errs = [2 * f_m_value(m, Fraction(i + j, 2 * n)) - f_m_value(m, Fraction(i, n)) / 2
                - f_m_value(m, Fraction(j, n)) / 2 - Fraction(i * j, n * n) for i in range(n + 1) for j in range(n + 1)]
        ok &= r.attained and max(errs) == r.bound == R(1, 2 ** (2 * m + 1)) and min(errs) == r.lower
        c = multiplication(m)
        ok &= (c.network.hidden_neurons, c.network.depth) == (3 * (4 * m - 1), m)
    r3 = multiplication_error(2, 3)
    ok &= r3.attained and r3.bound == 9 * R(1, 32)
    report.add("xy = ((x+y)^2 - x^2 - y^2)/2 with f_m: sup error 2^(-2m-1) on [0,1]^2 (M^2 2^(-2m-1) on [0,M]^2)",
               "[Y] Prop. 3; MATH.md sec. 8", "verified", ok,
               detail="bound from e = f_m - x^2 in [0, 2^(-2m-2)]; both extremes attained exactly by the network "
                      "(2^(-2m-1) and -2^(-2m-2)); the formula on a grid of step 2^-(m+2) agrees, m = 1..3; "
                      "3(4m - 1) neurons, depth m")
    # the Taylor route does not apply
    relu = activations.get("relu")
    try:
        relu.derivative(2, at=0)
        kink = False
    except NotSmoothError as err:
        kink = "symnet.constructions.yarotsky" in str(err)
    lam = sp.Symbol("lam", positive=True)
    x = input_symbols(1)
    net = Network.single_hidden_layer([[lam]], [1 / lam**2], relu)
    c = Construction("relu square?", x[0] ** 2, x, lam, relu, (Hypothesis("none", None),), "test", 1, 1,
                     build=lambda: net)
    try:
        series.error(c, 2)
        engine = False
    except NotSmoothError as err:
        engine = "symnet.constructions.yarotsky" in str(err)
    try:
        multiplication_gate(relu)
        gate = False
    except HypothesisError:
        gate = True
    report.add("ReLU networks multiply, but not by Taylor's theorem", "MATH.md sec. 1, 8", "verified",
               kink and engine and gate and relu.derivative(2, at=1) == 0,
               detail="relu has no sigma'' at 0 and sigma'' = 0 elsewhere: activations and series.error raise "
                      "NotSmoothError naming symnet.constructions.yarotsky; multiplication_gate('relu') refuses")


if __name__ == "__main__":
    sys.exit(main("ReLU networks: Yarotsky's construction", run))

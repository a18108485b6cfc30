"""The deep product tree of multiplication gates (LTR Sec. II C-D; seed 000; MATH.md section 4).

Routes: neuron counts of the explicit networks against the closed formulas of
symnet.constructions.counts; the composite error by the explicit expansion of the multi-layer
network, by composing the gates' closed forms, by the hand formula K P sum (node value)^2, and by
mpmath evaluation at 80 digits.

RT III.1 (the product with k hidden layers, n = b_1 ... b_k): the width formula of
symnet.constructions.counts against networks built here (layer i: groups of b_i signals, each
multiplied by a 2^(b_i)-neuron shallow product), which compute the product by two routes (the
gates' closed forms composed, and mpmath evaluation of the network), and against the hand
geometric sum 2^b (b^k - 1)/(b - 1) for equal factors.
"""

from __future__ import annotations

import math
import sys

import mpmath
import sympy as sp
from _common import Report, main

from symnet import activations, series
from symnet.constructions import LAM, counts, deep_product, shallow_product
from symnet.constructions._circuit import Unit, compose_series, wire
from symnet.constructions.deep import tree_leading_error
from symnet.network import Network


def agree(a, b) -> bool:
    return set(a.terms) == set(b.terms) and all(sp.simplify(a.terms[p] - b.terms[p]) == 0 for p in a.terms)


def error_mp(c, lam, point, dps=80):
    subs = dict(zip(c.variables, point, strict=True))
    with mpmath.workdps(dps + 10):
        return c.at_scale(lam).mpmath(point, dps=dps) - mpmath.mpf(sp.N(c.target.xreplace(subs), dps + 10))


def layered_product(factors: tuple[int, ...], activation) -> tuple[Network, list[list[Unit]]]:
    """RT III.1's network: hidden layer i multiplies groups of b_i consecutive signals (2^(b_i) neurons each)."""
    signals = math.prod(factors)
    stages = []
    for b in factors:
        gate = shallow_product(b, activation)
        stages.append([Unit(gate, tuple(range(g * b, (g + 1) * b))) for g in range(signals // b)])
        signals //= b
    return wire(math.prod(factors), stages, [sp.Integer(1)]), stages


def layered_width(report: Report) -> None:
    """RT III.1: width sum_i (prod_{j>i} b_j) 2^(b_i), by the formula and by built networks."""
    exp = activations.get("exp")
    ok, shown = True, []
    for factors in [(4,), (2, 2), (2, 3), (3, 2), (2, 2, 2), (2, 4), (4, 2), (3, 3), (2, 2, 2, 2), (4, 4)]:
        n = math.prod(factors)
        net, stages = layered_product(factors, exp)
        formula = counts.rt_layered_width(list(factors))
        per_layer = tuple(math.prod(factors[i + 1:]) * 2 ** factors[i] for i in range(len(factors)))
        ok &= net.widths == per_layer and net.hidden_neurons == formula and net.depth == len(factors)
        xs = sp.symbols(f"x_1:{n + 1}")
        composed = compose_series(xs, stages, [sp.Integer(1)], sp.S.Zero, 2)
        ok &= sp.expand(composed.get(0, 0) - sp.Mul(*xs)) == 0 and composed.get(1, 0) == 0
        point = [sp.Rational((-1) ** i * (i + 2), i + 3) for i in range(n)]
        lam = sp.Rational(1, 10**6)
        with mpmath.workdps(60):
            value = net.subs({LAM: lam}).mpmath(point, dps=50)
            exact = mpmath.mpf(sp.N(sp.Mul(*point), 60))
            ok &= abs(value / exact - 1) < mpmath.mpf(10) ** -9  # error O(lam^2) = O(1e-12)
        shown.append(f"{'x'.join(map(str, factors))}: {formula}")
    geometric = all(counts.rt_layered_width([b] * k) == 2**b * (b**k - 1) // (b - 1)
                    for b in range(2, 7) for k in range(1, 6))
    best = [counts.rt_layered_width_min(16, k)[0] for k in (1, 2, 4)]
    report.add("product with k hidden layers, n = b_1...b_k: width sum_i (prod_{j>i} b_j) 2^(b_i)",
               "RT Thm. III.1; MATH.md sec. 4", "verified", ok and geometric and best == [65536, 80, 60],
               detail="built networks (per-layer widths, total, depth) = formula for " + ", ".join(shown)
                      + "; each computes x_1...x_n (composed gate series; mpmath at lam = 1e-6); equal factors: "
                      "2^b (b^k - 1)/(b - 1) for b <= 6, k <= 5; n = 16 with 1, 2, 4 layers: 65536, 80, 60")


def run(report: Report) -> None:
    exp = activations.get("exp")
    c8 = deep_product(8, exp)
    net = c8.network
    report.add("n = 8: 28 hidden neurons in 3 hidden layers, against 2^8 = 256 in one", "seed 000", "verified",
               (net.hidden_neurons, net.depth, net.widths) == (28, 3, (16, 8, 4))
               and shallow_product(8, exp).network.hidden_neurons == 256 == counts.shallow_product_neurons(8),
               detail=f"widths {net.widths}")

    ok = True
    for n in range(1, 41):
        c = deep_product(n, exp)
        count = counts.deep_product_count(n)
        ok &= (c.network.hidden_neurons, c.network.depth) == (count.neurons, count.depth)
        ok &= count.neurons == 4 * (n - 1) + count.copies and count.depth == (n - 1).bit_length()
        ok &= (count.copies == 0) == (n & (n - 1) == 0)
    report.add("tree: n - 1 gates, 4(n - 1) neurons in ceil(log2 n) layers, plus copies when n is not 2^k",
               "MATH.md sec. 4", "verified", ok, detail="explicit networks for n = 1..40 against the formulas")

    c32 = deep_product(32, exp)
    c33 = deep_product(33, exp)
    report.add("LTR: the deep product needs 4n neurons", "LTR Sec. II D", "corrected",
               c32.network.hidden_neurons == 124 == 4 * (32 - 1) and counts.deep_product_neurons(31) == 121
               and c33.network.hidden_neurons == 133 > 4 * 33,
               detail="4(n - 1) plus one copy neuron per level with an odd count (n = 31: 121; n = 32: 124); "
                      "as an upper bound 4n fails for the layered tree at n = 33 (133 neurons, 5 copies)")
    report.add("LTR: 4n = 160 for n = 32", "LTR Sec. II D", "refuted",
               counts.ltr_deep_product_claim(32) == 128 != 160 and c32.network.hidden_neurons == 124,
               detail="4 * 32 = 128; the tree needs 4 * 31 = 124")

    # the composite error of the 8-input tree, generic activation, three routes
    g = activations.generic()
    cg = deep_product(8, g)
    explicit = series.error(cg, 3, method="explicit")
    closed = series.error(cg, 3, method="closed")
    hand = tree_leading_error(cg)
    x = cg.variables
    b = cg.parameters["bias"]
    written = (g.derivative(4, b) / (6 * g.derivative(2, b)) * sp.Mul(*x)
               * (sum(v**2 for v in x) + sum((x[i] * x[i + 1]) ** 2 for i in range(0, 8, 2))
                  + sp.Mul(*x[:4]) ** 2 + sp.Mul(*x[4:]) ** 2))
    report.add("n = 8: N - P = lam^2 K P [sum x_i^2 + sum (x_2i-1 x_2i)^2 + (x_1..x_4)^2 + (x_5..x_8)^2] + O(lam^4),"
               " K = sigma''''(b)/(6 sigma''(b))", "symnet (MATH.md sec. 4)", "verified",
               agree(explicit, closed) and explicit.leading_order == 2 and 3 not in explicit.terms
               and sp.simplify(explicit.terms[2] - hand) == 0 and sp.simplify(hand - written) == 0,
               detail="explicit expansion of the 3-layer network = composition of the gate series = hand formula")

    # mpmath at 80 digits (exp, K = 1/6): the measured error matches the series, and scales like lam^2
    point = [sp.Rational(k, 9) * (-1) ** k for k in range(1, 9)]
    subs = dict(zip(c8.variables, point, strict=True))
    e8 = series.error(c8, 5)
    ok = True
    ratios = []
    for lam in (sp.Rational(1, 100), sp.Rational(1, 1000)):
        with mpmath.workdps(90):
            measured = error_mp(c8, lam, point)
            predicted = mpmath.mpf(sp.N(sum(t.xreplace(subs) * lam**p for p, t in e8.terms.items()), 90))
            ratios.append(measured / predicted)
            ok &= abs(measured / predicted - 1) < 100 * lam**4  # remainder O(lam^6) against lam^2
    report.add("the deep product tends to x_1...x_8 as lam -> 0, error as the series says", "LTR Sec. II C",
               "verified", ok and e8.leading_order == 2,
               detail="mpmath/series = " + ", ".join(mpmath.nstr(r, 12) for r in ratios) + " at lam = 1e-2, 1e-3")

    # copies: one neuron with an output bias is O(lam)-accurate unless sigma''(b_c) = 0
    soft = deep_product(3, activations.get("softplus"))
    e3 = series.error(soft, 2)
    xs = soft.variables
    c1 = sp.Rational(1, 4) / (2 * sp.Rational(1, 2))  # softplus''(0) / (2 softplus'(0))
    pt = [sp.Rational(1, 2), sp.Rational(-2, 3), sp.Rational(3, 4)]
    r = error_mp(soft, sp.Rational(1, 10**4), pt) / error_mp(soft, sp.Rational(1, 2 * 10**4), pt)
    tanh = deep_product(3, activations.get("tanh"))
    report.add("copy neurons make the product O(lam) (softplus), O(lam^2) where sigma''(b_c) = 0 (tanh at 0)",
               "symnet (MATH.md sec. 1, 4)", "verified",
               e3.leading_order == 1 and sp.simplify(e3.terms[1] - c1 * sp.Mul(*xs) * xs[2]) == 0
               and abs(float(mpmath.log(r, 2)) - 1) < 1e-3 and series.error(tanh, 2).leading_order == 2,
               detail=f"softplus n = 3: lam term {e3.terms[1]}; measured scaling exponent "
                      f"{float(mpmath.log(r, 2)):.5f}")

    scales = c8.parameters["layer_scales"]
    w2 = {abs(v) for v in c8.network.layers[2].weights if v != 0}
    report.add("per-gate renormalisation: every layer uses lam; merged weights of layers >= 2 are 1/(4 lam sigma''(b))",
               "symnet (design)", "verified",
               all(s["input_scale"] == LAM for s in scales) and w2 == {1 / (4 * LAM)})
    layered_width(report)


def latex() -> str:
    """The derivation of the construction this script checks (a standalone LaTeX document)."""
    from symnet import activations
    from symnet.constructions import deep_product
    from symnet.derivations import derive

    return derive(deep_product(4, activations.generic()), 2).latex(standalone=True)


if __name__ == "__main__":
    sys.exit(main("The deep product tree (LTR Sec. II C-D, RT)", run, latex=latex))

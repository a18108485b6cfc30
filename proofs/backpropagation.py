"""Backpropagation checked symbolically (seed 004; MATH.md sec. 6).

Routes: the recursion of symnet.backprop against sympy's derivative of the loss, exactly (the
difference reduced to 0) and at random rational points with 50 digits (check_backprop); for one
network also mpmath's numerical differentiation of the loss (no symbolic derivative at all); the
output deltas by sympy with z^[L] free, written out here by hand as a third form.
"""

from __future__ import annotations

import sys

import mpmath
import sympy as sp
from _common import Report, main

from symnet.backprop import PAIRS, check_backprop, is_zero, symbolic_network

R = sp.Rational


def run(report: Report) -> None:
    z, y = sp.symbols("z y", real=True)
    sig = 1 / (1 + sp.exp(-z))
    # output deltas, by hand
    se = sp.diff((z - y) ** 2 / 2, z)
    bce = sp.diff(-(y * sp.log(sig) + (1 - y) * sp.log(1 - sig)), z)
    z1, z2, y1, y2 = sp.symbols("z1 z2 y1 y2", real=True)
    a1 = sp.exp(z1) / (sp.exp(z1) + sp.exp(z2))
    cce = sp.diff(-(y1 * sp.log(a1) + y2 * sp.log(1 - a1)), z1)
    ok_hand = is_zero(se - (z - y)) and is_zero(bce - (sig - y)) and is_zero(cce.subs(y2, 1 - y1) - (a1 - y1))
    ok_lib = True
    for output in PAIRS:
        net = symbolic_network((1, 2) if output == "softmax" else (1, 1), output=output)
        delta, a, _ = net.output_delta_direct()
        ok_lib &= all(is_zero(d - (ai - ti)) for d, ai, ti in zip(delta, a, net.targets_vector(), strict=True))
    report.add("delta^[L] = dJ/dz^[L] = a^[L] - y for identity+squared error and sigmoid+cross-entropy",
               "seed 004 'Casos particulares'", "verified", ok_hand and ok_lib,
               detail="by hand here and by symnet with z^[L] free, exact")
    general = is_zero(cce - (a1 * (y1 + y2) - y1)) and not is_zero(cce - (a1 - y1))
    report.add("... and for softmax + categorical cross-entropy", "seed 004 'Em todos os tres casos'", "corrected",
               general and ok_lib,
               detail="in general dJ/dz_k = a_k sum_j y_j - y_k: a - y needs sum_k y_k = 1 (one-hot or probability "
                      "targets); symnet imposes it and raises HypothesisError otherwise")
    literal = sp.diff(-y * sp.log(sig) + (1 - y) * sp.log(1 - sig), z)
    report.add("J = -sum y log a + (1 - y) log(1 - a) as printed", "seed 004", "corrected",
               is_zero(literal - (2 * sig * y - sig - y)) and not is_zero(literal - (sig - y)),
               detail="read literally dJ/dz = 2ay - a - y; the bracket -sum [y log a + (1 - y) log(1 - a)] is meant")
    # the recursion against sympy's derivative, per pair
    cases = [((2, 2, 1), "sigmoid", "identity", False), ((2, 2, 1), "tanh", "sigmoid", False),
             ((2, 2, 2), "sigmoid", "softmax", False), ((2, 2, 2, 2), "softplus", "softmax", True),
             ((2, 3, 2), "tanh", "identity", True), ((1, 2, 1), "generic", "identity", True)]
    for shapes, hidden, output, reg in cases:
        net = symbolic_network(shapes, hidden=hidden, output=output, regularization=reg)
        result = check_backprop(net, points=2, seed=1)
        report.add(f"recursion = d J / d theta: shapes {shapes}, {hidden} hidden, {output} + {net.loss}"
                   + (", L2" if reg else ""), "seed 004 'Calculo do Gradiente'", "verified", result.ok,
                   detail=f"{net.parameters_count} parameters: exact difference 0; max difference at 2 rational "
                          f"points {mpmath.nstr(result.numeric_max_difference, 3)} (80 digits)")
    # L2 adds lambda W and leaves the biases alone
    net = symbolic_network((2, 2, 1), hidden="tanh", regularization=True)
    g = net.backprop()
    plain = symbolic_network((2, 2, 1), hidden="tanh").backprop()
    lam = net.regularization
    ok = all(sp.expand(gw - pw - lam * w) == sp.zeros(*w.shape)
             for gw, pw, w in zip(g.weights, plain.weights, net.weights, strict=True))
    ok &= all(gb == pb for gb, pb in zip(g.biases, plain.biases, strict=True)) and check_backprop(net, points=1).ok
    report.add("L2 regularisation (lambda/2)||W||^2 adds lambda W to dJ/dW, nothing to dJ/db",
               "seed 004 (block [[0, 0], [0, I]])", "verified", ok,
               detail="the seed's block matrix removes the bias column; checked against sympy's derivative")
    # third route: finite differences of the loss (mpmath), no symbolic derivative
    net = symbolic_network((2, 2, 2), hidden="tanh", output="softmax", regularization=True)
    vals = [R(k, 5) for k in (3, -4, 2, 7, -1, 4, 6, -8, 1, 3, -2, 5)]
    point = dict(zip(net.parameters, vals, strict=True))
    point.update({net.inputs[0]: R(1, 3), net.inputs[1]: R(-2, 5), net.regularization: R(1, 4)})
    yv = [R(1, 3), R(2, 3)]
    point.update(dict(zip(net.targets, yv, strict=True)))
    j = net.loss_expression(y=yv)
    g = net.backprop(y=yv)
    rec = {}
    for w, gw, b, gb in zip(net.weights, g.weights, net.biases, g.biases, strict=True):
        rec.update(zip(w, gw, strict=True))
        rec.update(zip(b, gb, strict=True))
    worst = mpmath.mpf(0)
    with mpmath.workdps(40):
        for p in net.parameters:
            rest = {q: v for q, v in point.items() if q != p}
            f = sp.lambdify(p, j.xreplace(rest), modules="mpmath")
            fd = mpmath.diff(f, mpmath.mpf(point[p].p) / point[p].q)
            worst = max(worst, abs(fd - mpmath.mpf(sp.N(rec[p].xreplace(point), 40))))
    report.add("recursion = numerical derivative of the loss (softmax, tanh, L2; 12 parameters)",
               "seed 004 ('compare to finite differences')", "verified", worst < mpmath.mpf(10) ** -30,
               detail=f"mpmath.diff at 40 digits: max difference {mpmath.nstr(worst, 3)}")


if __name__ == "__main__":
    sys.exit(main("Backpropagation checked symbolically", run))

"""The product of k bits with one sigmoid neuron (LTR Sec. II; seed 000; MATH.md section 5).

Routes: exhaustive enumeration of {0,1}^k on the explicit network (exact sympy values and mpmath
at 50 digits) against the closed form 1/(1 + e^(beta/2)); the threshold for D decimals solved
exactly and probed numerically on both sides.
"""

from __future__ import annotations

import itertools
import sys

import mpmath
import sympy as sp
from _common import Report, main

from symnet.constructions import binary_product
from symnet.constructions.binary import LTR_BETA_CLAIM, required_beta, worst_case_error


def enumerate_worst(k: int, beta: sp.Expr) -> tuple[mpmath.mpf, sp.Expr, bool]:
    """Max error over {0,1}^k by mpmath on the network, the exact error at k ones, and whether
    the exact (sympy) errors and the mpmath ones agree at every input."""
    c = binary_product(k, beta)
    expr = c.expression()
    worst, agree, at_all_ones = mpmath.mpf(0), True, None
    with mpmath.workdps(50):
        for bits in itertools.product((0, 1), repeat=k):
            target = int(all(bits))
            exact = sp.Abs(expr.xreplace(dict(zip(c.variables, map(sp.Integer, bits), strict=True))) - target)
            numeric = abs(c.network.mpmath(list(bits), dps=50) - target)
            agree &= abs(mpmath.mpf(sp.N(exact, 60)) - numeric) < mpmath.mpf(10) ** -45
            worst = max(worst, numeric)
            if target:
                at_all_ones = exact
    return worst, at_all_ones, agree


def run(report: Report) -> None:
    ok = True
    for k in range(1, 7):
        for beta in (sp.Integer(4), sp.Integer(23), sp.Rational(93, 2)):
            worst, at_ones, agree = enumerate_worst(k, beta)
            formula = worst_case_error(beta)
            with mpmath.workdps(50):
                ok &= agree and abs(worst - mpmath.mpf(sp.N(formula, 60))) < mpmath.mpf(10) ** -45
            ok &= sp.simplify(at_ones - formula) == 0
    report.add("worst-case error over {0,1}^k of sigma(beta(sum x - k + 1/2)) is 1/(1 + e^(beta/2))",
               "MATH.md sec. 5", "verified", ok,
               detail="all 2^k inputs, k = 1..6, beta in {4, 23, 93/2}; exact at k ones, mpmath max elsewhere")

    # seed 000 writes sigma(-beta(k - 1/2 - sum x)): the same neuron
    c = binary_product(3, 10)
    x = c.variables
    seed = 1 / (1 + sp.exp(10 * (3 - sp.Rational(1, 2) - sum(x))))
    report.add("seed 000's neuron sigma(-beta(k - 1/2 - sum x)) is this construction", "seed 000", "verified",
               sp.simplify(c.expression() - seed) == 0)

    # LTR: beta > D ln 10 (about 23 for D = 10) gives D decimals
    c10 = binary_product(10, LTR_BETA_CLAIM)
    net = c10.network
    with mpmath.workdps(40):
        worst = max(abs(net.mpmath(list(bits), dps=40) - int(all(bits)))
                    for bits in itertools.product((0, 1), repeat=10))
        formula = mpmath.mpf(sp.N(worst_case_error(LTR_BETA_CLAIM), 50))
        refuted = abs(worst - formula) < mpmath.mpf(10) ** -35 and formula > mpmath.mpf(10) ** -5
    report.add("LTR: D decimals need beta > D ln 10 ~ 23 for D = 10", "LTR Sec. II", "refuted", refuted,
               detail=f"at beta = 23 the worst error over all 2^10 inputs is {mpmath.nstr(worst, 6)} "
                      f"(= 1/(1 + e^11.5)): 4 correct decimals; D ln 10 gives about D/2 decimals")

    ok = True
    for digits in (1, 2, 5, 10, 20):
        for rounding in (False, True):
            t = required_beta(digits, rounding=rounding)
            ok &= sp.simplify(worst_case_error(t.exact) - t.tolerance) == 0
            with mpmath.workdps(60):
                beta = mpmath.mpf(sp.N(t.exact, 70))
                tol = mpmath.mpf(t.tolerance.p) / t.tolerance.q
                err = lambda b: 1 / (1 + mpmath.exp(b / 2))
                ok &= err(beta * (1 + mpmath.mpf(10) ** -8)) < tol < err(beta * (1 - mpmath.mpf(10) ** -8))
    t10 = required_beta(10)
    report.add("D decimals (error < 10^-D) need beta > 2 ln(10^D - 1) ~ 2 D ln 10", "MATH.md sec. 5", "verified", ok,
               detail=f"D = 10: beta > {t10.value:.4f}; rounding criterion (error < 10^-D / 2): beta > 2 ln(2 10^D - 1)"
                      f" = {required_beta(10, rounding=True).value:.4f}")


if __name__ == "__main__":
    sys.exit(main("The product of k bits with one sigmoid neuron (LTR Sec. II)", run))

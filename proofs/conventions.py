"""Conventions: derivative versus Taylor coefficient, and the direction of the limit (MATH.md sections 0, 1).

Checks, for the catalogue, that the exact derivatives symnet computes by Taylor-jet arithmetic
agree with repeated symbolic differentiation (two independent routes), and that seed 002's
normalisation 8 c_2 equals the derivative form 4 sigma''(0) used by LTR and seed 000.

LTR's sentence that the approximation becomes exact as lam -> infinity is refuted (accuracy
improves as lam -> 0, as LTR's figure caption says): the exact error series of the exp gate
starts at lam^2 with positive coefficients (so the error grows with lam), and mpmath evaluations
of the network at 40 digits show the error and its ratio to the leading term growing with lam.
"""

from __future__ import annotations

import itertools
import sys

import mpmath
import sympy as sp
from _common import Report, main

from symnet import activations, series
from symnet.constructions import multiplication_gate

SMOOTH = ("sigmoid", "tanh", "softplus", "exp", "silu", "gelu", "cos")

#: Scales of the lam -> infinity check (the audit measured error/leading term 1.14, 1.72, 26.3 at 1, 2, 5).
SCALES = (sp.Rational(1, 1000), sp.Rational(1, 10), sp.Integer(1), sp.Integer(2), sp.Integer(5))


def limit_direction(report: Report) -> None:
    """LTR's "accurate as lam -> infinity" against the exact series and mpmath (MATH.md sec. 0)."""
    gate = multiplication_gate("exp")
    u, v = gate.variables
    at = {u: 1, v: 1}
    # route 1: the exact error series (closed form); for exp the leading coefficient
    # sigma''''(b) / (6 sigma''(b)) is 1/6 (hand), so the lam^2 term is uv(u^2 + v^2)/6
    err = series.error(gate, 8)
    leading = sp.expand(err.terms[2] - u * v * (u**2 + v**2) / 6) == 0
    coeffs = [err.terms[k].xreplace(at) for k in sorted(err.terms)]
    grows = err.leading_order == 2 and leading and all(c > 0 for c in coeffs)
    # route 2: mpmath evaluation of the network at (1, 1), against the leading term lam^2/3 there, and
    # against the hand closed form of the exp gate, sinh(lam u) sinh(lam v) / lam^2
    errors, ratios, closed_ok = [], [], True
    with mpmath.workdps(40):
        for lam in SCALES:
            value = gate.at_scale(lam).mpmath([1, 1], dps=40)
            lm = mpmath.mpf(lam.p) / lam.q
            closed_ok &= abs(value - mpmath.sinh(lm) ** 2 / lm**2) < mpmath.mpf(10) ** -30 * abs(value)
            errors.append(value - 1)
            ratios.append((value - 1) / (lm**2 / 3))
    increasing = all(a < b for a, b in itertools.pairwise(errors))
    ratio_up = all(a < b for a, b in itertools.pairwise(ratios)) and abs(ratios[0] - 1) < 1e-5
    shown = ", ".join(f"{mpmath.nstr(r, 4)} at lam = {lam}" for r, lam in zip(ratios, SCALES, strict=True))
    report.add("LTR: the approximation becomes accurate as lam -> infinity", "LTR (one sentence); MATH.md sec. 0",
               "refuted", grows and increasing and ratio_up and closed_ok,
               detail="accuracy improves as lam -> 0 (LTR's figure caption): the exp gate's exact error series is "
                      f"lam^2 uv(u^2+v^2)/6 + ..., with positive coefficients {', '.join(map(str, coeffs))} of "
                      f"lam^2..lam^8 at (u, v) = (1, 1), so the error grows with lam; mpmath at (1, 1) "
                      f"(= sinh(lam)^2/lam^2): error/(leading term) = {shown}; error {mpmath.nstr(errors[0], 3)} "
                      f"at lam = 1/1000, {mpmath.nstr(errors[-1], 4)} at lam = 5")


def run(report: Report) -> None:
    x = activations.VARIABLE
    for name in SMOOTH:
        act = activations.get(name)
        jets = act.derivatives(6)
        by_diff = [sp.simplify(sp.diff(act.expr, x, k).subs(x, 0)) for k in range(7)]
        agree = all(sp.simplify(a - b) == 0 for a, b in zip(jets, by_diff, strict=True))
        report.add(f"{name}: sigma^(k)(0), k <= 6, jets = d^k/dx^k", "MATH.md sec. 0", "verified", agree,
                   detail=f"derivatives {list(jets)}" if not agree else "")
    for name in ("softplus", "exp", "cos"):
        act = activations.get(name)
        lhs = 8 * act.taylor_coefficient(2)
        rhs = 4 * act.derivative(2)
        report.add(f"{name}: 8 c_2 = 4 sigma''(0) (seed 002 vs seed 000 normalisation)", "seeds 000, 002",
                   "verified", lhs == rhs)
    limit_direction(report)


if __name__ == "__main__":
    sys.exit(main("Conventions: derivatives, Taylor coefficients, and lam -> 0", run))

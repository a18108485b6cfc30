"""Conventions: derivative versus Taylor coefficient (MATH.md section 0, section 1).

Checks, for the catalogue, that the exact derivatives symnet computes by Taylor-jet arithmetic
agree with repeated symbolic differentiation (two independent routes), and that seed 002's
normalisation 8 c_2 equals the derivative form 4 sigma''(0) used by LTR and seed 000.
"""

from __future__ import annotations

import sys

import sympy as sp
from _common import Report, main

from symnet import activations

SMOOTH = ("sigmoid", "tanh", "softplus", "exp", "silu", "gelu", "cos")


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


if __name__ == "__main__":
    sys.exit(main("Conventions: derivatives and Taylor coefficients", run))

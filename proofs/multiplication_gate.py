"""The 4-neuron multiplication gate (LTR Sec. II C, Fig. 2; seeds 000, 002; MATH.md section 1).

Each claim is checked by two independent routes: the gate's closed form against the explicit
expansion of its network (symnet.series), and exact series against mpmath evaluations of the
network at 60+ digits. Verdicts concern the sources' claims.
"""

from __future__ import annotations

import sys

import mpmath
import sympy as sp
from _common import Report, main

from symnet import activations, series
from symnet.activations import DerivativeSymbol
from symnet.constructions import LAM, multiplication_gate
from symnet.errors import HypothesisError
from symnet.network import Network

U, V = sp.symbols("u v", real=True)
B = sp.Symbol("b", real=True)


def mp(value, dps=80):
    return mpmath.mpf(value.p) / value.q if value.is_Rational else mpmath.mpf(sp.N(value, dps))


def gate_error_mp(gate, lam, u, v, dps=80):
    """N(u, v) - uv with mpmath, lam exact."""
    with mpmath.workdps(dps):
        return gate.at_scale(lam).mpmath([u, v], dps=dps) - mp(u) * mp(v)


def same_routes(gate, order):
    closed = series.error(gate, order, method="closed")
    explicit = series.error(gate, order, method="explicit")
    agree = set(closed.terms) == set(explicit.terms) and all(
        sp.simplify(closed.terms[p] - explicit.terms[p]) == 0 for p in closed.terms)
    return closed, agree


def run(report: Report) -> None:
    generic = multiplication_gate(activations.generic())
    closed, agree = same_routes(generic, 4)
    lam0 = series.error(generic, 0, target=sp.Integer(0), method="explicit").coefficient(0)
    report.add("m_lam(u, v) -> uv as lam -> 0 (any sigma with sigma''(b) != 0)", "LTR Sec. II C", "verified",
               agree and sp.expand(lam0 - U * V) == 0)

    hand = DerivativeSymbol(4, B) * U * V * (U**2 + V**2) / (6 * DerivativeSymbol(2, B))
    report.add("leading error lam^2 sigma''''(b) uv(u^2+v^2) / (6 sigma''(b))", "MATH.md sec. 1", "verified",
               agree and closed.leading_order == 2 and sp.simplify(closed.coefficient(2) - hand) == 0,
               detail=f"closed form = explicit expansion through lam^4; lam^2 term {closed.leading}")

    # seed 000: m(u, v) = uv + O((u+v)^3). Literally false on the line u = -v, and not sharp: degree 4.
    soft = multiplication_gate(activations.get("softplus"))
    err = series.error(soft, 2)
    on_line = err.coefficient(2).xreplace({V: -U})  # -1/12 * (-u^2) * 2u^2 = u^4/6
    lam, u = sp.Rational(1, 100), sp.Rational(1, 2)
    numeric = gate_error_mp(soft, lam, u, -u)
    predicted = mp(on_line.xreplace({U: u}) * lam**2)
    degree = sp.Poly(err.coefficient(2), U, V).homogenize(sp.Symbol("h")).total_degree()
    # scaling of the error with the size of (u, v) at lam = 1 (seed 000's setting): t -> 2t multiplies it by 2^4
    r = gate_error_mp(soft, 1, sp.Rational(2, 10**3), sp.Rational(1, 10**3)) / gate_error_mp(
        soft, 1, sp.Rational(1, 10**3), sp.Rational(1, 2 * 10**3))
    slope = float(mpmath.log(r, 2))
    report.add("seed 000: m(u, v) = uv + O((u+v)^3)", "seed 000", "refuted",
               on_line != 0 and abs(numeric / predicted - 1) < 1e-3 and degree == 4 and abs(slope - 4) < 0.01,
               detail=f"on u = -v the error is {sp.factor(on_line)} lam^2 (softplus; mpmath/series = "
                      f"{float(numeric / predicted):.6f}), not O((u+v)^3); the leading error has total degree "
                      f"{degree} (measured scaling exponent {slope:.4f})")

    # normalisation: 4 sigma''(0) (derivative, seed 000 / LTR) = 8 c_2 (Taylor coefficient, seed 002)
    ok = True
    for name in ("softplus", "exp", "cos"):
        act = activations.get(name)
        ok &= 8 * act.taylor_coefficient(2) == 4 * act.derivative(2)
        m = 1 / (8 * LAM**2 * act.taylor_coefficient(2))  # seed 002's gate, with the input scale lam
        seed002 = Network.single_hidden_layer([[LAM, LAM], [-LAM, -LAM], [LAM, -LAM], [-LAM, LAM]],
                                              [m, m, -m, -m], act)
        ok &= seed002 == multiplication_gate(act).network
        ok &= sp.expand(series.expand(seed002, 0, variables=[U, V]).coefficient(0) - U * V) == 0
    report.add("8 c_2 = 4 sigma''(0): seed 002's gate is seed 000's", "seeds 000, 002", "verified", ok)

    # the logistic sigmoid: sigma''(0) = 0, so b = 0 is impossible; |sigma''| is maximal at ln(2 + sqrt 3)
    sig = activations.get("sigmoid")
    try:
        multiplication_gate(sig, bias=0)
        raised = False
    except HypothesisError:
        raised = True
    # at b = 0 the unnormalised 4-neuron sum vanishes identically (sigma(y) + sigma(-y) = 1): no uv at all
    raw = Network.single_hidden_layer([[LAM, LAM], [-LAM, -LAM], [LAM, -LAM], [-LAM, LAM]], [1, 1, -1, -1], sig)
    raw_terms = series.expand(raw, 8, variables=[U, V]).terms
    with mpmath.workdps(80):
        raw_value = raw.subs({LAM: sp.Rational(1, 10)}).mpmath([sp.Rational(1, 2), sp.Rational(1, 3)], dps=80)
    report.add("sigmoid needs a nonzero bias (sigma''(0) = 0)", "MATH.md sec. 1", "verified",
               raised and sig.derivative(2) == 0 and raw_terms == {} and abs(raw_value) < 1e-70,
               detail="at b = 0 the unnormalised 4-neuron sum is identically 0 (series through lam^8 and mpmath)")

    gate = multiplication_gate(sig)
    b = gate.parameters["bias"]
    with mpmath.workdps(40):
        b_num = mpmath.findroot(lambda t: mpmath.diff(lambda s: 1 / (1 + mpmath.exp(-s)), t, 3), 1.3)
        root_matches = abs(b_num - mpmath.mpf(sp.N(b, 50))) < mpmath.mpf(10) ** -30
    lead = series.error(gate, 2).coefficient(2)
    num = gate_error_mp(gate, sp.Rational(1, 1000), sp.Rational(1, 2), sp.Rational(1, 3))
    pred = mp(lead.xreplace({U: sp.Rational(1, 2), V: sp.Rational(1, 3)}) / 10**6)
    report.add("sigmoid: |sigma''| is maximal at b = ln(2 + sqrt 3); there m - uv = -lam^2 uv(u^2+v^2)/6 + ...",
               "MATH.md sec. 1", "verified",
               b == sp.log(2 + sp.sqrt(3)) and sig.derivative(3, at=b) == 0
               and root_matches and sp.simplify(lead + U * V * (U**2 + V**2) / 6) == 0
               and abs(num / pred - 1) < 1e-5,
               detail=f"sigma'''(b) = 0 exactly; mpmath root of sigma''' = {mpmath.nstr(b_num, 20)}")

    # where sigma''''(b) = 0 the error starts at lam^4
    quartic_free = activations.polynomial([0, 0, sp.Rational(1, 2), 0, 0, 0, sp.Rational(1, 720)])
    g4 = multiplication_gate(quartic_free)
    e4, agree4 = same_routes(g4, 6)
    r4 = gate_error_mp(g4, sp.Rational(1, 100), sp.Rational(1, 2), sp.Rational(1, 3)) / gate_error_mp(
        g4, sp.Rational(1, 200), sp.Rational(1, 2), sp.Rational(1, 3))
    report.add("where sigma''''(b) = 0 the error is O(lam^4)", "MATH.md sec. 1", "verified",
               agree4 and e4.leading_order == 4 and abs(float(mpmath.log(r4, 2)) - 4) < 1e-6)

    # exact rationals for concrete activations, against mpmath
    for name, ratio in (("softplus", sp.Rational(-1, 12)), ("exp", sp.Rational(1, 6))):
        g = multiplication_gate(activations.get(name))
        e, agree = same_routes(g, 4)
        num = gate_error_mp(g, sp.Rational(1, 1000), sp.Rational(2, 3), sp.Rational(-1, 4))
        pred = mp(ratio * sp.Rational(2, 3) * sp.Rational(-1, 4) * (sp.Rational(4, 9) + sp.Rational(1, 16)) / 10**6)
        report.add(f"{name}: m - uv = {ratio} lam^2 uv(u^2+v^2) + O(lam^4)", "MATH.md sec. 1", "verified",
                   agree and sp.simplify(e.coefficient(2) - ratio * U * V * (U**2 + V**2)) == 0
                   and abs(num / pred - 1) < 1e-5)


def latex() -> str:
    """The derivation of the construction this script checks (a standalone LaTeX document)."""
    from symnet import activations
    from symnet.constructions import multiplication_gate
    from symnet.derivations import derive

    return derive(multiplication_gate(activations.generic()), 6).latex(standalone=True)


if __name__ == "__main__":
    sys.exit(main("The multiplication gate (LTR Sec. II C)", run, latex=latex))

"""The square gate and the copy (identity) neuron (RT; LTR Sec. II C; MATH.md section 1).

Routes: each gate's closed form against the explicit expansion of its network
(symnet.series), hand derivations, and mpmath evaluations of the networks at 60+ digits.
"""

from __future__ import annotations

import sys

import mpmath
import sympy as sp
from _common import Report, main

from symnet import activations, series
from symnet.activations import DerivativeSymbol
from symnet.constructions import LAM, identity_gate, square_gate
from symnet.errors import HypothesisError
from symnet.network import Network

X = sp.Symbol("x", real=True)
B = sp.Symbol("b", real=True)


def mp(value, dps=80):
    return mpmath.mpf(value.p) / value.q if value.is_Rational else mpmath.mpf(sp.N(value, dps))


def network_at(net, lam, x, dps=80):
    with mpmath.workdps(dps):
        return net.subs({LAM: lam}).mpmath([x], dps=dps)


def same_routes(gate, order):
    closed = series.error(gate, order, method="closed")
    explicit = series.error(gate, order, method="explicit")
    agree = set(closed.terms) == set(explicit.terms) and all(
        sp.simplify(closed.terms[p] - explicit.terms[p]) == 0 for p in closed.terms)
    return closed, agree


def run(report: Report) -> None:
    d = {k: DerivativeSymbol(k, B) for k in range(7)}

    # square gate: [s(b+lam x) + s(b-lam x) - 2 s(b)] / (lam^2 s''(b)) = x^2 + lam^2 s'''' x^4 / (12 s'') + ...
    sq, agree = same_routes(square_gate(activations.generic()), 4)
    report.add("square gate: x^2 + lam^2 sigma''''(b) x^4 / (12 sigma''(b)) + O(lam^4)", "MATH.md sec. 1",
               "verified", agree and sp.simplify(sq.coefficient(2) - d[4] * X**4 / (12 * d[2])) == 0
               and sp.simplify(sq.coefficient(4) - d[6] * X**6 / (360 * d[2])) == 0)

    # RT prints 1/(2 sigma''(0)): with the derivative that computes x^2 / 2
    ok = True
    for name in ("softplus", "exp", "cos"):
        act = activations.get(name)
        m = 1 / (2 * LAM**2 * act.derivative(2))
        rt = Network.single_hidden_layer([[LAM], [-LAM]], [m, m], act, output_bias=-2 * m * act.derivative(0))
        limit = series.expand(rt, 0, variables=[X]).coefficient(0)
        value = network_at(rt, sp.Rational(1, 10**4), sp.Rational(3, 5))
        ok &= sp.expand(limit - X**2 / 2) == 0 and abs(value - mpmath.mpf(9) / 50) < 1e-6
        # read as the Taylor coefficient c_2 = sigma''/2, RT's factor is right: it is symnet's gate
        m = 1 / (2 * LAM**2 * act.taylor_coefficient(2))
        taylor = Network.single_hidden_layer([[LAM], [-LAM]], [m, m], act, output_bias=-2 * m * act.derivative(0))
        ok &= taylor == square_gate(act).network
    report.add("RT: x^2 ~ [sigma(lam x) + sigma(-lam x) - 2 sigma(0)] / (2 lam^2 sigma''(0))", "RT (square gate)",
               "corrected", ok,
               detail="with sigma'' the derivative this gives x^2/2 (series and mpmath); the normalisation is "
                      "1/(lam^2 sigma''(0)), or 1/(2 lam^2 c_2) with the Taylor coefficient c_2")

    for name, ratio in (("softplus", sp.Rational(-1, 24)), ("exp", sp.Rational(1, 12))):
        g = square_gate(activations.get(name))
        e, agree = same_routes(g, 4)
        x = sp.Rational(2, 3)
        num = network_at(g.network, sp.Rational(1, 1000), x) - mp(x**2)
        pred = mp(ratio * x**4 / 10**6)
        report.add(f"{name}: square gate error {ratio} lam^2 x^4 + O(lam^4)", "MATH.md sec. 1", "verified",
                   agree and sp.simplify(e.coefficient(2) - ratio * X**4) == 0 and abs(num / pred - 1) < 1e-5)

    # copy neuron: [s(b + lam x) - s(b)] / (lam s'(b)) = x + lam s''(b) x^2 / (2 s'(b)) + ...
    cp, agree = same_routes(identity_gate(activations.generic()), 3)
    report.add("copy neuron: x + lam sigma''(b) x^2 / (2 sigma'(b)) + O(lam^2), one neuron + output bias",
               "MATH.md sec. 1", "verified",
               agree and identity_gate(activations.generic()).hidden_neurons == 1
               and sp.simplify(cp.coefficient(1) - d[2] * X**2 / (2 * d[1])) == 0
               and sp.simplify(cp.coefficient(2) - d[3] * X**3 / (6 * d[1])) == 0)

    # where sigma''(b) = 0 (sigmoid, tanh at 0) the copy is second order
    ok = True
    for name, c3 in (("sigmoid", sp.Rational(-1, 12)), ("tanh", sp.Rational(-1, 3))):
        g = identity_gate(activations.get(name))
        e, agree = same_routes(g, 3)
        x = sp.Rational(-3, 4)
        r = (network_at(g.network, sp.Rational(1, 100), x) - mp(x)) / (
            network_at(g.network, sp.Rational(1, 200), x) - mp(x))
        ok &= agree and e.leading_order == 2 and sp.simplify(e.coefficient(2) - c3 * X**3) == 0
        ok &= abs(float(mpmath.log(r, 2)) - 2) < 1e-3
    report.add("copy neuron with sigma''(b) = 0 (sigmoid, tanh at 0): error O(lam^2)", "MATH.md sec. 1",
               "verified", ok, detail="sigmoid: -lam^2 x^3/12, tanh: -lam^2 x^3/3; mpmath slope 2")

    try:
        identity_gate(activations.get("square"), bias=0)
        refused = False
    except HypothesisError:
        refused = True
    report.add("the copy neuron needs sigma'(b) != 0 (x^2 at 0 cannot copy)", "MATH.md sec. 1", "verified",
               refused and activations.get("square").derivative(1) == 0)


def latex() -> str:
    """The derivation of the construction this script checks (a standalone LaTeX document)."""
    from symnet import activations
    from symnet.constructions import square_gate
    from symnet.derivations import derive

    return derive(square_gate(activations.generic()), 6).latex(standalone=True)


if __name__ == "__main__":
    sys.exit(main("The square gate and the copy neuron", run, latex=latex))

"""Every public result shows itself: ``str`` (plain text), ``latex()`` (math-mode LaTeX), ``_repr_latex_``.

The expected facts in ``str`` and ``latex()`` are derived by hand in the comments (the gate's 4
neurons, Hadamard ranks, catalecticant ranks, Jacobians of w (a x + b)^2 + c, mpmath values of
the gate's error); the LaTeX of every result is compiled in one pdflatex document; the same
result, built twice (and in a fresh interpreter with another hash seed), writes the same bytes.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
import sympy as sp

from symnet import _show as show
from symnet import activations
from symnet.backprop import check_backprop, symbolic_network
from symnet.bayes import joint_distribution, markov_network_bound, posterior_network
from symnet.constructions import Hypothesis, multiplication_gate
from symnet.constructions._bias import operating_point
from symnet.flattening import polynomial_cost, product_cost, product_table
from symnet.logic import and_gate, linear_threshold_certificate, truth_table
from symnet.lower_bounds import (
    DERIVATIVE_POLYNOMIALS,
    Undecided,
    as_target,
    catalecticant_bound,
    check_proof,
    condition_system,
    feasibility,
    groebner_attempt,
    linear_conditions,
    minimal_width,
    proof_matrix,
    theorem_width,
)
from symnet.markov import homogeneous_chain, inference_network, markov_chain, step_maps, sufficiency_check
from symnet.network import Network
from symnet.numeric import ScaleChoice, certify, sweep
from symnet.overparam import expand, jacobian_rank, linearize
from symnet.search import LowerBound, search_width
from symnet.series import error

R = sp.Rational
QUARTER = Fraction(1, 4)
SIGNS_2 = [list(s) for s in itertools.product((1, -1), repeat=2)]  # (1,1), (1,-1), (-1,1), (-1,-1)


def _hadamard_net() -> Network:
    # columns a_j^t over t in {00, 10, 01, 11}: the rows of the 4 x 4 Hadamard matrix, H H^T = 4 I: rank 4
    return Network.single_hidden_layer(SIGNS_2, [QUARTER, -QUARTER, -QUARTER, QUARTER], "exp")


def _square_net() -> Network:
    return Network.single_hidden_layer([[2]], [3], "square")  # Z = w (a x + b)^2 + c with a=2, b=0, w=3, c=0


def _joint():
    return joint_distribution({((0,), "a"): R(1, 8), ((1,), "a"): R(3, 8), ((0,), "b"): R(1, 4), ((1,), "b"): R(1, 4)})


def _sufficiency_chain():
    # column 1 of P_0 is twice column 0, column 2 is not proportional: T_0 classes {0, 1}, {2}
    return markov_chain([R(1, 2), R(1, 2)], [[[R(1, 6), R(1, 3), R(1, 2)], [R(1, 4), R(1, 2), R(1, 4)]]])


GATE_POINTS = [[1, 1], [1, -1]]
GATE_SCALES = [sp.Rational(1, 100), sp.Rational(1, 200)]

#: name -> a function building the result (called more than once: the bytes must agree).
BUILD = {
    "Hypothesis": lambda: Hypothesis("sigma''(0) != 0", True, R(1, 4), "MATH.md sec. 1"),
    "Construction": lambda: multiplication_gate(activations.get("exp")),
    "OperatingPoint": lambda: operating_point(activations.get("softplus"), 2, who="test"),
    "Network": _square_net,
    "Target": lambda: as_target((2, 1)),
    "TheoremWidth": lambda: theorem_width(2, model="output-bias", activation="exp"),
    "LinearConditions": lambda: linear_conditions(2, [[1, 1], [1, -1]], activation="exp"),
    "ConditionSystem": lambda: condition_system(2, 1, model="output-bias", activation="exp"),
    "DerivativePolynomials": lambda: DERIVATIVE_POLYNOMIALS["tanh"],
    "Undecided": lambda: Undecided("is 100% of x_1 & y feasible?", "beyond the budget"),
    "GroebnerAttempt": lambda: groebner_attempt(2, 3, time_limit=None),
    "GroebnerCertificate": lambda: groebner_attempt(2, 3, time_limit=None).certificate,
    "ProofMatrix": lambda: proof_matrix(_hadamard_net()),
    "ProofMatrix-deficient": lambda: proof_matrix(Network.single_hidden_layer([[1, 1], [1, 1], [1, -1], [-1, 1]],
                                                                              [1, 1, 1, 1], "exp")),
    "ProofCheck": lambda: check_proof(_hadamard_net()),
    "RankCertificate": lambda: proof_matrix(_hadamard_net()).certificate(),
    "CatalecticantCertificate": lambda: catalecticant_bound(2),
    "WitnessCertificate": lambda: minimal_width(2, model="output-bias", activation="exp").witness,
    "TheoremCertificate": lambda: minimal_width(3).certificate,
    "VanishingCertificate": lambda: minimal_width(2, model="output-bias", activation="tanh").certificate,
    "InfeasibleCertificate": lambda: feasibility(2, [[1, 1], [1, -1], [-1, 1]], activation="exp"),
    "MinimalWidth": lambda: minimal_width(2),
    "SweepResult": lambda: sweep(multiplication_gate(activations.get("exp")), scales=GATE_SCALES, points=GATE_POINTS),
    "ScaleChoice": lambda: ScaleChoice(0.001, 2.5e-7, 1.25e-7, 2.0**-53),
    "NumericCertificate": lambda: certify(multiplication_gate(activations.get("softplus")), box=[(-1, 1), (-1, 1)],
                                          eps=R(1, 1000)),
    "NumericCertificate-points": lambda: certify(multiplication_gate(activations.get("softplus")), scale=R(1, 8),
                                                 points=[(0, 0), (1, -1)], eps=R(1, 10)),
    "JointDistribution": _joint,
    "PosteriorNetwork": lambda: posterior_network(_joint(), beta=20),
    "MarkovNetworkBound": lambda: markov_network_bound([{0, 1}, {1, 2}]),
    "FlatteningCost": lambda: product_cost(3),
    "FlatteningBounds": lambda: polynomial_cost(sp.Symbol("x") ** 2 + sp.Symbol("x") * sp.Symbol("y"),
                                                activation="exp"),
    "CostTable": lambda: product_table([2, 4]),
    "ParameterExpansion": lambda: expand(_square_net(), [[1]]),
    "OverparamRankCertificate": lambda: jacobian_rank(_square_net(), [[1], [2]]),
    "Linearization": lambda: linearize(_square_net(), [[1], [2]]),
    "SearchResult": lambda: search_width(2, activation="exp", model="bias-free", tol=0.05, widths=[4], starts=1,
                                         max_nfev=300, grid_points=64, seed=0),
    "LowerBound": lambda: LowerBound(4, "theorem", 4, "theorem (LTR App. A)", "Taylor agreement through degree 2"),
    "Gate": lambda: and_gate(2, gain=10),
    "SeparatingHyperplane": lambda: linear_threshold_certificate(truth_table("and")),
    "FarkasCertificate": lambda: linear_threshold_certificate(truth_table("xor")),
    "MarkovChain": lambda: homogeneous_chain([1, 0], [[0, 1], [1, 0]], 3),
    "MarkovChain-inhomogeneous": _sufficiency_chain,
    "StepMap": lambda: step_maps(homogeneous_chain([1, 0], [[0, 1], [1, 0]], 2))[1],
    "SufficiencyCheck": lambda: sufficiency_check(_sufficiency_chain()),
    "InferenceNetwork": lambda: inference_network(homogeneous_chain([R(1, 2), R(1, 2)], [[R(1, 4), R(3, 4)],
                                                                                         [R(1, 2), R(1, 2)]], 2),
                                                  flat=True),
    "SymbolicNetwork": lambda: symbolic_network((2, 3, 1)),
    "BackpropCheck": lambda: check_backprop(symbolic_network((1, 1, 1)), points=1),
    # not this module's, shown here so that the notebook hooks of all results compile together
    "ErrorSeries": lambda: error(multiplication_gate(activations.get("exp")), 4),
}

#: str() of these contains a wall-clock time (documented); latex() does not.
TIMED_STR = {"GroebnerAttempt"}


@pytest.fixture(scope="module")
def results() -> dict:
    return {name: build() for name, build in BUILD.items()}


# -- str: the key facts, derived independently -----------------------------------------------------
def _gate_error(lam: mpmath.mpf, u: int, v: int) -> mpmath.mpf:
    """The exp gate (e^(l(u+v)) + e^(-l(u+v)) - e^(l(u-v)) - e^(-l(u-v))) / (4 l^2) - u v, in mpmath."""
    s, d = lam * (u + v), lam * (u - v)
    return (mpmath.exp(s) + mpmath.exp(-s) - mpmath.exp(d) - mpmath.exp(-d)) / (4 * lam**2) - u * v


def test_str_facts(results):
    r = results
    assert "holds (value 1/4)" in str(r["Hypothesis"])
    # LTR's multiplication gate: 4 neurons sigma(+-lam u +- lam v), one hidden layer
    assert "approximates u*v with 4 hidden neurons in 1 hidden layer(s), activation exp" in str(r["Construction"])
    # softplus'' = sigmoid' = s (1 - s), 1/4 at 0: the bias-free point works
    assert str(r["OperatingPoint"]).startswith("operating point of softplus: b = 0, sigma''(b) = 1/4 [zero]")
    # w (a x + b)^2 + c: 2 synapses (a, w), 1 neuron
    net = str(r["Network"])
    assert "1 hidden neurons, 2 synapses" in net and "h1 = square(W1 x + b1), W1 = [[2]], b1 = [0]" in net
    assert "N = W2 h1 + b2, W2 = [[3]], b2 = [0]" in net
    # (r_1 + 1)(r_2 + 1) - 1 = 3 with an output bias
    assert str(r["TheoremWidth"]).startswith("theorem: minimal width 3 for x_1*x_2 (output-bias)")
    # 1 + 2 + 3 monomials of degree <= 2 in two inputs
    assert "2 neurons for x_1*x_2 through degree 2 (bias-free, exp): 6 rows" in str(r["LinearConditions"])
    # output bias: degrees 1 and 2, 2 + 3 equations; unknowns w_1, a_1_1, a_2_1
    assert "5 equation(s) in 3 unknowns (width 1, output-bias, exp)" in str(r["ConditionSystem"])
    assert "u = tanh(b), u' = 1 - u**2" in str(r["DerivativePolynomials"])  # tanh' = 1 - tanh^2
    assert str(r["Undecided"]) == "undecided: is 100% of x_1 & y feasible? (beyond the budget)"
    # width 3 < 4 = 2^2 is impossible; 3 output + 6 hidden weights, 6 conditions of degree <= 2
    assert "width 3 (bias-free, sigma) for x_1*x_2: unit-ideal after" in str(r["GroebnerAttempt"])
    assert "(9 unknowns, 6 equations)" in str(r["GroebnerAttempt"])
    assert "no bias-free network of width 3 with activation sigma matches x_1*x_2" in str(r["GroebnerCertificate"])
    assert str(r["ProofMatrix"]) == "proof matrix A[t, j] = a_j^t: 4 x 4 (bias-free), rank 4 (full row rank)"
    # two equal columns (1,1,1,1) and the orthogonal (1,1,-1,-1), (1,-1,1,-1): rank 3
    assert str(r["ProofMatrix-deficient"]).endswith("4 x 4 (bias-free), rank 3 (rank deficient by 1)")
    assert "meets the conditions for x_1*x_2; proof matrix 4 x 4 has rank 4" in str(r["ProofCheck"])
    assert "rank >= 4 (full row rank)" in str(r["RankCertificate"])
    # d/dx_1 (x_1 x_2) = x_2, d/dx_2 = x_1: the catalecticant [[0, 1], [1, 0]] has rank 2
    assert "matching x_1*x_2 needs >= 2 hidden neurons" in str(r["CatalecticantCertificate"])
    assert "a network of width 3 (model 'output-bias')" in str(r["WitnessCertificate"])
    assert "no bias-free network of width 7 matches x_1*x_2*x_3" in str(r["TheoremCertificate"])  # 2^3 - 1
    # tanh'' = -2 tanh sech^2 vanishes at 0, and x_1 x_2 has degree 2
    assert "no output-bias network of any width with activation tanh" in str(r["VanishingCertificate"])
    assert "3 hidden neurons (exp) match x_1*x_2" in str(r["InfeasibleCertificate"])
    assert str(r["MinimalWidth"]).startswith("minimal width of x_1*x_2 (bias-free, sigma): 4 [certified]")
    assert "3.75e-07 = truncation 2.5e-07 + rounding 1.25e-07" in str(r["ScaleChoice"])
    assert "p(x, y): 2 values of x, 2 of y" in str(r["JointDistribution"])
    assert "(1,)   3/8  1/4" in str(r["JointDistribution"])
    assert "1 product neuron(s) (at most 2^n - 1 = 1), beta = 20" in str(r["PosteriorNetwork"])
    # subsets of {0,1} and {1,2}: {0}, {1}, {2}, {0,1}, {1,2}; N_c 2^S_c = 2 * 4; 2^3 - 1
    assert "5 product neurons needed, bound N_c 2^S_c = 8, against 2^n - 1 = 7" in str(r["MarkovNetworkBound"])
    # min N_n = 2^3 = 8 (theorem), min N_s = (n + 2) 2^(n - 1) = 20
    assert "N_n 8 /" in str(r["FlatteningCost"]) and "N_s 20 /" in str(r["FlatteningCost"])
    assert "n/a (depth 1)" in str(r["CostTable"])
    assert "4 parameters, 1 points, field QQ" in str(r["ParameterExpansion"])
    assert "2 rows (points x outputs) x 4 parameters, rank 2 (full row rank)" in str(r["OverparamRankCertificate"])
    # Z_lin(1; theta) = 12 + 12 (a - 2) + 4 (w - 3) + 12 b + c = 12 a + 4 w + 12 b + c - 24
    assert "Z_lin(x_1; theta) = 12*W1[1,1] + 4*W2[1,1] + 12*b1[1] + b2[1] - 24" in str(r["Linearization"])
    assert "the minimal width is exactly 4" in str(r["SearchResult"])  # 2^2 (LTR App. A)
    assert str(r["LowerBound"]).startswith("the minimal width is exactly 4")
    # AND = sigmoid(10 (x_1 + x_2 - 3/2)): off by sigmoid(-5) = 1/(1 + e^5) at (0,1), (1,0), (1,1)
    assert str(r["Gate"]).endswith("worst-case distance from the truth table 1/(1 + exp(5))")
    hyper = r["SeparatingHyperplane"]
    margin = min((1 if t else -1) * (sum(w * b for w, b in zip(hyper.weights, x, strict=True)) + hyper.bias)
                 for x, t in truth_table("and").items())
    assert str(hyper).endswith(f"computes the table with margin {margin}")
    assert str(r["FarkasCertificate"]).endswith("= 0, yet each bracket must be > 0: no threshold unit computes the "
                                                "table")
    assert str(r["MarkovChain"]) == "homogeneous Markov chain with n = 3 steps, states per variable [2, 2, 2, 2]"
    assert str(r["StepMap"]) == "f_1(ell_1) = ln(P_0 exp(ell_1))"
    assert "T_0: 2 class(es) of x_1 [(0, 1), (2,)]" in str(r["SufficiencyCheck"])
    assert "flat inference network (one-hot) for a chain of n = 2 steps: depth 1" in str(r["InferenceNetwork"])
    assert str(r["SymbolicNetwork"]) == ("SymbolicNetwork(shapes=(2, 3, 1), hidden=sigmoid, output=identity, "
                                         "loss=squared_error)")
    assert "recursion = sympy derivative exactly: True" in str(r["BackpropCheck"])


def test_sweep_str_matches_mpmath(results):
    text = str(results["SweepResult"])
    with mpmath.workdps(40):
        errors = [max(abs(_gate_error(mpmath.mpf(s.p) / s.q, u, v)) for u, v in GATE_POINTS) for s in GATE_SCALES]
        for s, e in zip(GATE_SCALES, errors, strict=True):
            predicted = float(s) ** 2 / 3  # lam^2 u v (u^2 + v^2)/6 at (1, +-1)
            assert f"{float(s):12.4e} {float(e):12.4e} {predicted:12.4e}" in text
        slope = float(mpmath.log(errors[0] / errors[1]) / mpmath.log(2))
    assert f"fitted slope {slope:.4f} (series order 2)" in text


def test_numeric_certificate_prints_a_true_bound(results):
    for name in ("NumericCertificate", "NumericCertificate-points"):
        cert = results[name]
        tex = cert.latex()
        m = re.search(r"\\leq ([0-9.]+)(?: \\times 10\^\{(-?\d+)\})? \\leq \\varepsilon", tex)
        assert m, tex
        printed = Fraction(m.group(1)) * Fraction(10) ** int(m.group(2) or 0)
        assert printed >= Fraction(int(cert.bound_exact.p), int(cert.bound_exact.q))  # rounded up: still a bound
        assert printed <= Fraction(int(cert.bound_exact.p), int(cert.bound_exact.q)) * (1 + Fraction(1, 10**5))
        assert "eps = 0.001" in str(cert) or "eps = 0.1" in str(cert)
    assert "sup over [-1, 1] x [-1, 1] of |N - (u*v)|" in str(results["NumericCertificate"])
    assert "\\max_{(u, v) \\in X}" in results["NumericCertificate-points"].latex()
    assert "X = 2 points" in results["NumericCertificate-points"].latex()


@pytest.mark.parametrize("value, digits, expected", [
    (Fraction(1, 3), 3, "0.334"), (Fraction(2, 3), 2, "0.67"), (1, 4, "1"), (Fraction(999999, 10**6), 3, "1"),
    (Fraction(12345, 10**9), 3, "1.24 \\times 10^{-5}"), (10**7 + 1, 3, "1.01 \\times 10^{7}"),
    (0.1, 3, "0.101"),  # the float 0.1 is 0.1000000000000000055...: 0.1 would be below it
    (Fraction(1, 10), 3, "0.1"),
])
def test_upper_number_rounds_up(value, digits, expected):
    assert show.upper_number(value, digits) == expected


# -- latex: the key facts ------------------------------------------------------------------------
def test_latex_facts(results):
    r = results
    assert r["Target"].latex() == "x_{1}^{2} x_{2}"
    # Hadamard rows: t = 00 -> 1 1 1 1; 10 -> a_1j; 01 -> a_2j; 11 -> a_1j a_2j
    assert ("\\begin{array}{cccc} 1 & 1 & 1 & 1 \\\\ 1 & 1 & -1 & -1 \\\\ 1 & -1 & 1 & -1 \\\\ 1 & -1 & -1 & 1 "
            "\\end{array}") in r["ProofMatrix"].latex()
    # row (1,1): a_j1 a_j2 = 1, -1 ; right-hand side 1! 1! p_11 / sigma''(0) = 1
    lc = r["LinearConditions"].latex()
    assert "1 & -1" in lc and "\\begin{array}{c} w_{1} \\\\ w_{2} \\end{array}" in lc
    assert "a_{1 1} a_{2 1} w_{1} - 1 = 0" in r["ConditionSystem"].latex()
    assert "u' = 1 - u^{2} \\neq 0" in r["DerivativePolynomials"].latex()
    assert "\\text{undecided: is 100\\% of $x_{1}$ \\& y feasible? (beyond the budget)}" == r["Undecided"].latex()
    assert "after" not in r["GroebnerAttempt"].latex()  # no time in the LaTeX
    assert "\\bullet" in r["MinimalWidth"].latex() and "4 [certified]" in r["MinimalWidth"].latex()
    # dZ/da = 2 w (a x + b) x = 12, dZ/dw = (a x + b)^2 = 4, dZ/db = 2 w (a x + b) = 12, dZ/dc = 1 at x = 1
    assert ("= 12 + 12 \\delta W^{(1)}_{1,1} + 4 \\delta W^{(2)}_{1,1} + 12 \\delta b^{(1)}_{1} + \\delta b^{(2)}_{1}"
            in r["ParameterExpansion"].latex())
    # J rows (12, 4, 12, 1) at x = 1 and (48, 16, 24, 1) at x = 2: J J^T = [[305, 929], [929, 3137]]
    assert "305 & 929 \\\\ 929 & 3137" in r["Linearization"].latex()
    # coefficients a_{0}^a = ln 3, a_{0}^b = 0: E(beta) <= ln 3 / 2 * 1/(1 + e^(beta/2)) at beta = 20
    bound = r["PosteriorNetwork"].error_bound()
    assert sp.simplify(bound - sp.log(3) / (2 * (1 + sp.exp(10)))) == 0
    assert f"E(\\beta) \\leq {show.math(bound)}" in r["PosteriorNetwork"].latex()
    assert "N_n = 5 \\leq N_c 2^{S_c} = 2 \\cdot 2^{2} = 8" in r["MarkovNetworkBound"].latex()
    assert "C_n = \\frac{\\min N_n}{N_n(f)} = \\frac{8}{" in r["FlatteningCost"].latex()
    assert "C_n \\in \\left[" in r["FlatteningBounds"].latex()
    sweep_tex = r["SweepResult"].latex()
    assert sweep_tex.count("\\text{float64/53b}") + sweep_tex.count("\\text{mpmath/") == len(GATE_SCALES)
    assert "\\lambda^{2} \\max |Q|" in sweep_tex
    assert r["ScaleChoice"].latex().startswith("\\lambda^{*} = 0.001, \\quad \\text{predicted error } "
                                               "3.75 \\times 10^{-7}")
    assert "\\frac{1}{1 + e^{5}}" in r["Gate"].latex()
    assert "H\\left(" in r["SeparatingHyperplane"].latex()
    assert r["FarkasCertificate"].latex().count("\\left(") == 4  # the 4 inputs of XOR
    assert "P_{i} = \\left(\\begin{array}{cc} 0 & 1 \\\\ 1 & 0 \\end{array}\\right)" in r["MarkovChain"].latex()
    inhom = r["MarkovChain-inhomogeneous"].latex()
    assert "P_{0} = " in inhom and "\\frac{1}{6} & \\frac{1}{3} & \\frac{1}{2}" in inhom
    assert r["StepMap"].latex() == "f_{1}(\\ell_{1}) = \\ln\\left(P_{0} \\exp(\\ell_{1})\\right)"
    assert "p(x_{0} \\mid y) = \\operatorname{softmax}" in r["InferenceNetwork"].latex()
    assert "J = \\frac{\\left(a^{[L]}_{1} - y_{1}\\right)^{2}}{2}" in r["SymbolicNetwork"].latex()
    assert "\\max \\left|\\text{recursion} - \\text{direct}\\right| = 0" in r["BackpropCheck"].latex()
    assert "\\text{$\\sigma''(0)$ $\\neq$ 0: holds} \\quad \\left(\\text{value } \\frac{1}{4}\\right)" == \
        r["Hypothesis"].latex()
    assert "N = 4 \\text{ hidden neurons" in r["Construction"].latex()
    assert "b = 0, \\quad \\text{$\\sigma''(b)$} = \\frac{1}{4}" in r["OperatingPoint"].latex()
    for name in ("CatalecticantCertificate", "RankCertificate", "GroebnerCertificate", "WitnessCertificate",
                 "TheoremCertificate", "VanishingCertificate", "InfeasibleCertificate"):
        cert = r[name]
        assert cert.latex().startswith("\\begin{array}{l}\n") and "[" + cert.method.split(" ")[0] in cert.latex()


def test_notebook_hooks(results):
    for name, obj in results.items():
        hook = obj._repr_latex_()
        assert hook.startswith("$") and hook.endswith("$"), name
        if name not in ("Network", "ErrorSeries", "CostTable"):  # $$...$$ (theirs) and the table's own array
            assert hook == f"$\\displaystyle {obj.latex()}$", name
    assert "\\begin{array}" in results["CostTable"]._repr_latex_()  # MathJax renders no tabular


# -- determinism -------------------------------------------------------------------------------------
def test_same_result_same_bytes(results):
    for name, build in BUILD.items():
        again = build()
        first = results[name]
        assert first.latex() == first.latex() == again.latex(), name
        assert first._repr_latex_() == again._repr_latex_(), name
        if name not in TIMED_STR:
            assert str(first) == str(first) == str(again), name


_SUBPROCESS = """
import hashlib, sys
sys.path.insert(0, {tests!r})
import test_show
out = []
for name in sorted(test_show.CHEAP):
    obj = test_show.BUILD[name]()
    text = "" if name in test_show.TIMED_STR else str(obj)
    out.append(name + " " + hashlib.sha256((text + obj.latex()).encode()).hexdigest())
print("\\n".join(out))
"""

#: Results built again in fresh interpreters with different hash seeds (sets and dicts in a fixed order).
CHEAP = ("MarkovNetworkBound", "JointDistribution", "PosteriorNetwork", "ConditionSystem", "MinimalWidth",
         "TheoremWidth", "Construction", "MarkovChain-inhomogeneous", "SufficiencyCheck", "FarkasCertificate",
         "CostTable", "ParameterExpansion")


@pytest.mark.slow
def test_bytes_do_not_depend_on_the_hash_seed():
    code = _SUBPROCESS.format(tests=str(Path(__file__).resolve().parent))
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == len(CHEAP)


# -- LaTeX compiles ------------------------------------------------------------------------------
@pytest.mark.latex
def test_everything_compiles_in_one_document(results, tmp_path):
    from symnet.derivations._compile import compile_pdf, latex_tools

    if latex_tools()["pdflatex"] is None:
        why = "pdflatex not installed (Debian: texlive-latex-base texlive-latex-recommended)"
        if os.environ.get("SYMNET_REQUIRE_LATEX") == "1":
            pytest.fail(f"SYMNET_REQUIRE_LATEX=1 but {why}")
        pytest.skip(f"{why}; set SYMNET_REQUIRE_LATEX=1 to make this a failure")
    body = []
    for name, obj in results.items():
        body.append(f"\\section*{{{name}}}\n\\noindent {obj._repr_latex_()}\n")
    body.append("\\section*{CostTable.latex}\n" + results["CostTable"].latex() + "\n")
    tex = ("\\documentclass{article}\n\\usepackage[a4paper,landscape,margin=1cm]{geometry}\n"
           "\\usepackage{amsmath,amssymb,booktabs}\n\\begin{document}\n" + "\n".join(body) + "\\end{document}\n")
    result = compile_pdf(tex, tmp_path, name="show", timeout=180)
    assert result.ok, f"pdflatex failed (exit {result.returncode}):\n{result.log[-2500:]}"
    assert "Undefined control sequence" not in result.log
    assert "Missing $ inserted" not in result.log
    pages = re.search(r"Output written on show\.pdf \((\d+) pages?", result.log)
    assert pages and int(pages.group(1)) >= 3, result.log[-500:]  # about fifty results: not one or two pages


def test_large_matrices_are_summarised():
    big = sp.ImmutableMatrix(17, 2, list(range(34)))
    assert show.matrix(big) == "\\left(\\text{17 $\\times$ 2 matrix}\\right)"
    row = sp.ImmutableMatrix([[1, sp.Rational(1, 2)]])
    assert show.matrix(row) == "\\left(\\begin{array}{cc} 1 & \\frac{1}{2} \\end{array}\\right)"

"""Tests of symnet.derivations: the mathematics of derive() and the LaTeX it writes.

Expected values come from routes independent of derive(): MATH.md's closed forms written out
here by hand, symnet.series.error (a different algorithm), and, for the printed form, strings
built in the test from the monomials.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations, series
from symnet.constructions import (
    LAM,
    Construction,
    Hypothesis,
    binary_product,
    identity_gate,
    multiplication_gate,
    shallow_product,
    square_gate,
)
from symnet.derivations import Derivation, derive, write_text_atomic
from symnet.derivations import _latex as L
from symnet.errors import CertificateError, InvalidInput
from symnet.network import Network

u, v = sp.symbols("u v", real=True)
G = activations.generic()
B = sp.Symbol("b", real=True)


def D(k: int, at: sp.Expr = B) -> sp.Expr:
    return G.derivative(k, at=at)


def same(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.simplify(sp.expand(a - b)) == 0


def hand_gate(activation=G, bias=B) -> Construction:
    """The 4-neuron gate of MATH.md sec. 1 built here from the Network API (not constructions.gates)."""
    mu = 1 / (4 * LAM**2 * activation.derivative(2, at=bias))
    net = Network.single_hidden_layer(
        input_weights=[[LAM, LAM], [-LAM, -LAM], [LAM, -LAM], [-LAM, LAM]],
        output_weights=[mu, mu, -mu, -mu], activation=activation, hidden_bias=bias)
    return Construction(name="hand-built gate", target=u * v, variables=(u, v), scale=LAM, activation=activation,
                        hypotheses=(Hypothesis("sigma''(b) != 0", None, source="MATH.md sec. 1"),),
                        source="test", hidden_neurons=4, depth=1, build=lambda: net)


# -- the mathematics ---------------------------------------------------------------------------------

def test_gate_error_matches_the_closed_form_of_math_md():
    # MATH.md sec. 1: m = sum_{k even >= 2} 2 s^(k)(b) lam^(k-2) [(u+v)^k - (u-v)^k] / (k! 4 s''(b))
    order = 6
    d = derive(hand_gate(), order)
    expected = {}
    for k in range(4, order + 3, 2):
        expected[k - 2] = 2 * D(k) * ((u + v)**k - (u - v)**k) / (sp.factorial(k) * 4 * D(2))
    assert sorted(d.error) == sorted(expected) == [2, 4, 6]
    for p, term in expected.items():
        assert same(d.error[p], term), p
    # the leading term as MATH.md states it
    assert same(d.error[2], D(4) / (6 * D(2)) * u * v * (u**2 + v**2))


def test_gate_with_concrete_activation_matches_mpmath_numerics():
    # exp: sigma^(k) = 1, so N - uv = lam^2 uv(u^2+v^2)/6 + lam^4 (...) + O(lam^6); compare with
    # the network evaluated at 60 digits at a small lam (an independent, numeric route).
    import mpmath

    act = activations.get("exp")
    c = hand_gate(act, 0)
    d = derive(c, 4)
    lam0, point = sp.Rational(1, 1000), (sp.Rational(3, 7), sp.Rational(-2, 5))
    with mpmath.workdps(60):
        value = c.at_scale(lam0).mpmath(point, dps=60)
        predicted = sum(sp.N(t.subs({u: point[0], v: point[1]}) * lam0**p, 60) for p, t in d.error.items())
        residual = abs(value - mpmath.mpf(str(sp.N(point[0] * point[1], 60))) - mpmath.mpf(str(predicted)))
    assert residual < 1e-16  # the remainder is O(lam^6) = 1e-18 times a modest constant


@pytest.mark.parametrize("make, order", [
    (lambda: multiplication_gate(G), 4),
    (lambda: multiplication_gate(activations.get("softplus")), 4),
    (lambda: multiplication_gate(activations.get("sigmoid")), 2),
    (lambda: square_gate(G), 4),
    (lambda: identity_gate(G), 3),
    (lambda: shallow_product(3, G), 4),
])
def test_final_error_equals_series_error(make, order):
    c = make()
    d = derive(c, order)
    ref = series.error(c, order)
    assert set(d.error) == set(ref.terms)
    for p in ref.terms:
        assert same(d.error[p], ref.terms[p])
    # ... and every printed chunk of series.error's terms is in the document, so the LaTeX is the
    # mathematics of series.error, not a re-typed copy.
    doc = d.latex(standalone=True)
    for chunk in L.series_chunks(ref.terms, c.variables, c.scale, remainder=order + 1):
        assert chunk in doc


def test_derive_checks_itself_against_series(monkeypatch):
    # A construction whose closed form (used by series.error) is wrong: derive's per-neuron route
    # must notice and refuse, not print the wrong series.
    good = hand_gate()
    bad = dataclasses.replace(good, closed_form=lambda order: {2: u * v * 12345}, _cache={})
    assert series.error(bad, 2).method == "closed form"
    with pytest.raises(CertificateError, match="disagree at lam"):
        derive(bad, 2)


def test_square_gate_has_the_corrected_normalisation():
    # MATH.md sec. 1: error lam^2 sigma''''(b) x^4 / (12 sigma''(b)) for the normalisation 1/(lam^2 sigma'')
    c = square_gate(G)
    d = derive(c, 2)
    (x,) = c.variables
    assert same(d.error[2], D(4, c.parameters.get("bias", B)) * x**4 / (12 * D(2, c.parameters.get("bias", B))))


def test_identity_gate_output_bias_and_order_one():
    c = identity_gate(G)
    d = derive(c, 2)
    (x,) = c.variables
    b = c.parameters.get("bias", B)
    assert d.leading_order == 1
    assert same(d.error[1], D(2, b) * x**2 / (2 * D(1, b)))
    assert "with an output bias" in d.steps[0].justification


def test_cancellation_step_explains_why():
    d = derive(hand_gate(), 2)
    step = next(s for s in d.steps if s.title == "Cancellations")
    assert "output weights sum to zero" in step.justification
    assert "odd powers cancel" in step.justification
    rows = {str(r.lhs): r for r in step.rows}
    assert str(rows["S_1"].rhs) == "0" and str(rows["S_3"].rhs) == "0"
    # S_2 = mu lam^2 * 8uv (the bracket sum of (u+v)^2 + (u+v)^2 - (u-v)^2 - (u-v)^2)
    assert same(rows["S_2"].rhs.terms[0], 8 * u * v)


def test_steps_and_hypotheses():
    d = derive(multiplication_gate(G), 2)
    assert [s.title for s in d.steps] == ["The network", "Taylor expansion of the activation", "Substitution",
                                          "Cancellations", "The exact error series", "Hypotheses"]
    assert all(s.justification for s in d.steps)
    hyp = d.steps[-1]
    assert any("sigma''(b) != 0" in str(r.lhs) for r in hyp.rows)
    assert "assumed" in str(hyp.rows[0].rhs)
    assert isinstance(d, Derivation) and "Derivation('multiplication gate'" in repr(d)
    assert "The exact error series" in str(d)


def test_large_construction_uses_the_closed_form_without_enumerating():
    c = shallow_product(8, G)  # 256 neurons: written as a count, expanded by the closed form
    d = derive(c, 2)
    xs = c.variables
    assert same(d.error[2], D(10, 0) / (6 * D(8, 0)) * sp.Mul(*xs) * sum(x**2 for x in xs)) or same(
        d.error[2], D(10) / (6 * D(8)) * sp.Mul(*xs) * sum(x**2 for x in xs))
    assert "256 hidden neurons" in d.latex()
    assert [s.title for s in d.steps] == ["The network", "Closed form", "The exact error series", "Hypotheses"]
    assert d.checked_against == ""  # one route only: the LaTeX says it is computed, not checked
    assert "the network is not enumerated" in d.latex()


@pytest.mark.parametrize("bad, match", [
    ("not a construction", "needs a Construction"),
])
def test_bad_construction(bad, match):
    with pytest.raises(InvalidInput, match=match):
        derive(bad, 2)


@pytest.mark.parametrize("order", [-1, True, 2.0, 10**6])
def test_bad_order(order):
    with pytest.raises(InvalidInput, match="order"):
        derive(hand_gate(), order)


def test_not_a_taylor_construction_is_refused_clearly():
    c = binary_product(2)  # sigma(beta (x_1 + x_2 - 3/2)): the pre-activation does not tend to the bias
    with pytest.raises(InvalidInput, match="derive"):
        derive(c, 2)


# -- the LaTeX ------------------------------------------------------------------------------------------

def test_reading_order_by_degree_then_lexicographic():
    x, y, z = sp.symbols("x y z")
    e = z**3 + x * y * z + 5 + x**2 * y + y**2 + x
    assert L.expr(e, (x, y, z)) == "5 + x + y^{2} + x^{2} y + x y z + z^{3}"


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 9)), min_size=1, max_size=8,
                unique_by=lambda t: (t[0], t[1])))
def test_polynomial_chunks_order_and_content(monomials):
    # Expected string built by hand: sort by (degree, -exponents), write c u^a v^b.
    poly = sum(c * u**a * v**b for a, b, c in monomials)
    items = sorted(monomials, key=lambda t: (t[0] + t[1], -t[0], -t[1]))

    def mono(a, b):
        parts = [("u" if a == 1 else f"u^{{{a}}}") if a else "", ("v" if b == 1 else f"v^{{{b}}}") if b else ""]
        return " ".join(p for p in parts if p)

    # the printer factors out a common integer content g; undo it for the comparison
    g = sp.igcd(*[c for _, _, c in items]) if len(items) > 1 else 1
    terms = []
    for i, (a, b, c) in enumerate(items):
        c //= g
        body = mono(a, b)
        tex = (str(c) if c != 1 or not body else "") + (" " if c != 1 and body else "") + body
        terms.append(tex if i == 0 else f"+ {tex}")
    chunks = L.polynomial_chunks(poly, (u, v))
    if g != 1 and len(items) > 1:
        terms[0] = f"{g} \\bigl({terms[0]}"
        terms[-1] = f"{terms[-1]}\\bigr)"
    assert chunks == terms


def test_latex_is_deterministic_across_processes():
    code = textwrap.dedent("""
        import hashlib
        from symnet import activations
        from symnet.constructions import multiplication_gate
        from symnet.derivations import derive
        tex = derive(multiplication_gate(activations.get("sigmoid")), 4).latex(standalone=True)
        print(hashlib.sha256(tex.encode()).hexdigest())
    """)
    digests = set()
    for seed in ("1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
        assert out.returncode == 0, out.stderr
        digests.add(out.stdout.strip())
    assert len(digests) == 1
    # and within the process, the same call gives the same bytes
    a = derive(multiplication_gate(G), 4).latex(standalone=True)
    b = derive(multiplication_gate(G), 4).latex(standalone=True)
    assert a == b


def test_document_structure():
    d = derive(multiplication_gate(G), 4)
    doc = d.latex(standalone=True)
    frag = d.latex()
    assert doc.startswith("\\documentclass") and doc.rstrip().endswith("\\end{document}")
    assert frag in doc
    assert "\\documentclass" not in frag and frag.count("\\begin{align*}") == frag.count("\\end{align*}") == 6
    assert doc.isascii()
    assert "\\today" not in doc
    # the leading error as MATH.md writes it: sigma''''/(6 sigma'') lam^2 u v (u^2 + v^2)
    assert "\\frac{\\sigma^{(4)}(b)}{6 \\sigma^{(2)}(b)} \\lambda^{2} u v \\left(u^{2} + v^{2}\\right)" in doc
    assert d._repr_latex_() == frag


@given(st.text(max_size=40))
def test_text_escaping_is_ascii_and_balanced(s):
    out = L.text(s)
    assert out.isascii()
    # no unescaped specials survive
    stripped = out.replace("\\&", "").replace("\\%", "").replace("\\#", "").replace("\\_", "")
    assert "&" not in stripped and "%" not in stripped and "#" not in stripped
    assert out.count("{") - out.count("\\{") == out.count("}") - out.count("\\}")


# -- writing ---------------------------------------------------------------------------------------------

def test_write_refuses_to_overwrite_and_is_atomic(tmp_path: Path):
    d = derive(hand_gate(), 2)
    target = tmp_path / "gate.tex"
    d.write(target)
    assert target.read_text() == d.latex(standalone=True)
    target.write_text("precious")
    with pytest.raises(InvalidInput, match="refusing to overwrite"):
        d.write(target)
    assert target.read_text() == "precious"
    d.write(target, standalone=False, force=True)
    assert target.read_text() == d.latex()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gate.tex"]  # no temporary files left


def test_write_errors(tmp_path: Path):
    with pytest.raises(InvalidInput, match="does not exist"):
        write_text_atomic(tmp_path / "missing" / "x.tex", "x")
    with pytest.raises(InvalidInput, match="is a directory"):
        write_text_atomic(tmp_path, "x")


def test_deep_network_layer_by_layer_matches_series_and_numerics():
    # (uv)^2 by composing the gate with two gates: a 2-hidden-layer network. derive's layer-by-layer
    # route must agree with series.error's polynomial-ring composition (checked inside derive) and
    # with a 60-digit evaluation of the network at a small lam (checked here).
    import mpmath

    act = activations.get("exp")
    gate = hand_gate(act, 0).network
    deep = gate.compose(gate.stack(gate))
    c = Construction(name="product squared", target=(u * v)**2, variables=(u, v), scale=LAM, activation=act,
                     hypotheses=(), source="test", hidden_neurons=deep.hidden_neurons, depth=deep.depth,
                     build=lambda: deep)
    d = derive(c, 3)
    assert [s.title for s in d.steps][:4] == ["The network", "Taylor expansion of the activation", "Layer by layer",
                                              "The output layer and its cancellations"]
    assert d.checked_against.startswith("symnet.series.error")
    lam0, point = sp.Rational(1, 2000), (sp.Rational(2, 3), sp.Rational(-3, 4))
    with mpmath.workdps(60):
        value = c.at_scale(lam0).mpmath(point, dps=60)
        exact = sp.N(((u * v)**2 + sum(t * lam0**p for p, t in d.error.items())).subs({u: point[0], v: point[1]}), 60)
        residual = abs(value - mpmath.mpf(str(exact)))
    assert d.leading_order == 2
    assert residual < 1e-12  # the remainder is O(lam^4) = 6e-14 times a modest constant


def test_deep_product_tree_by_hand():
    # MATH.md sec. 4: the tree m(m(x1, x2), m(x3, x4)). Each gate is m(u, v) = uv + lam^2 c uv(u^2+v^2) + O(lam^4)
    # with c = sigma''''(b)/(6 sigma''(b)) (sec. 1), so to order lam^2, with P = x1 x2 x3 x4,
    # N - P = lam^2 c P [(x1^2 + x2^2) + (x3^2 + x4^2) + ((x1 x2)^2 + (x3 x4)^2)].
    from symnet.constructions import deep_product

    c = deep_product(4, G)
    x1, x2, x3, x4 = c.variables
    b = c.parameters.get("bias", B)
    coeff = D(4, b) / (6 * D(2, b))
    P = x1 * x2 * x3 * x4
    d = derive(c, 2)
    assert d.checked_against.startswith("symnet.series.error")  # the layer-by-layer route ran and agreed
    assert set(d.error) == {2}
    assert same(d.error[2], coeff * P * (x1**2 + x2**2 + x3**2 + x4**2 + (x1 * x2)**2 + (x3 * x4)**2))

"""Tests of symnet.logic: gates, exact margins, and the XOR infeasibility certificate.

Independent routes: the network's own mpmath evaluation (50 digits) against the closed-form
margins; hand derivations written here; the bit-product construction of symnet.constructions
(a separate hand derivation of 1/(1 + e^(beta/2))); brute force over small integer hyperplanes
and the known counts of threshold functions (OEIS A000609: 4, 14, 104 for n = 1, 2, 3).
"""

from __future__ import annotations

import itertools

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import symnet.logic
from symnet import activations
from symnet.constructions.binary import worst_case_error
from symnet.errors import CertificateError, HypothesisError, InvalidInput, NotSmoothError
from symnet.logic import (
    FarkasCertificate,
    SeparatingHyperplane,
    and_gate,
    linear_threshold_certificate,
    nand_gate,
    not_gate,
    or_gate,
    sigmoid_gate,
    truth_table,
    xor_gain_threshold,
    xor_gate,
)
from symnet.network import Layer, Network

G = sp.Symbol("g", positive=True)


def numeric_worst_error(gate, dps=50):
    """max_x |N(x) - t(x)| from the network's mpmath evaluator (no closed form involved)."""
    with mpmath.workdps(dps):
        return max(abs(gate.network.mpmath(list(x), dps=dps) - t) for x, t in gate.table.items())


def sig(z):
    return 1 / (1 + mpmath.exp(-z))


@pytest.mark.parametrize("make", [and_gate, or_gate, nand_gate])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_one_neuron_gates_margin_is_one_over_one_plus_e_half_gain(make, n):
    for gain in (10, 20, sp.Rational(7, 2)):
        gate = make(n, gain)
        # hand derivation: the closest input is at signed distance 1/2 from the threshold
        assert sp.simplify(gate.margin - 1 / (1 + sp.exp(sp.sympify(gain) / 2))) == 0
        with mpmath.workdps(50):
            expected = 1 / (1 + mpmath.exp(mpmath.mpf(gain) / 2))
            assert abs(numeric_worst_error(gate) - expected) < mpmath.mpf(10) ** -45
        assert gate.hidden_neurons == 1 and gate.depth == 1
        assert gate.check() and gate.correct


def test_seed_and_gate_is_the_bit_product_neuron():
    gate = and_gate()
    x1, x2 = gate.variables
    assert sp.simplify(gate.network.expression() - 1 / (1 + sp.exp(-10 * (x1 + x2 - sp.Rational(3, 2))))) == 0
    # the bit-product construction's independently derived worst case, at the seed's gain
    assert sp.simplify(gate.margin - worst_case_error(10)) == 0
    assert f"{float(gate.margin):.6e}" == "6.692851e-03"
    assert f"{float(and_gate(gain=20).margin):.6e}" == "4.539787e-05"  # seed 003's gain 20


def test_not_gate_and_symbolic_gain():
    gate = not_gate(G)
    assert gate.margin == 1 / (1 + sp.exp(G / 2))
    assert gate.check()
    assert sp.simplify(gate.outputs()[(0,)] - 1 / (1 + sp.exp(-G / 2))) == 0
    assert gate.at_gain(10).margin == 1 / (1 + sp.exp(5))


def test_xor_margin_matches_hand_computation_at_seed_gain():
    gate = xor_gate()
    with mpmath.workdps(50):
        g = mpmath.mpf(10)
        errs = {}
        for x1, x2 in itertools.product((0, 1), repeat=2):
            a1, a2 = sig(g * (x1 - x2 - 0.5)), sig(g * (x2 - x1 - 0.5))
            y = sig(g * (a1 + a2 - 0.5))
            errs[(x1, x2)] = abs(y - (x1 ^ x2))
        worst = max(errs.values())
        assert abs(worst - errs[(0, 0)]) < mpmath.mpf(10) ** -45
        assert abs(worst - mpmath.mpf(sp.N(gate.margin, 60))) < mpmath.mpf(10) ** -45
        assert abs(numeric_worst_error(gate) - worst) < mpmath.mpf(10) ** -45
    assert f"{float(gate.margin):.4e}" == "7.6441e-03"
    assert gate.hidden_neurons == 3 and gate.depth == 2 and gate.check()


def test_xor_symbolic_gain_margin_and_threshold_of_correctness():
    gate = xor_gate(G)
    assert gate.check()
    # hand form: sigma(-g (1/2 - 2 sigma(-g/2)))
    hand = 1 / (1 + sp.exp(G * (sp.Rational(1, 2) - 2 / (1 + sp.exp(G / 2)))))
    assert sp.simplify(gate.margin - hand) == 0
    assert xor_gain_threshold() == 2 * sp.log(3)
    assert xor_gate(sp.Rational(22, 10)).correct          # 2.2 > 2 ln 3 = 2.1972...
    assert not xor_gate(sp.Rational(219, 100)).correct    # 2.19 < 2 ln 3
    assert not xor_gate(2 * sp.log(3)).correct            # on the boundary: output exactly 1/2
    assert sp.simplify(xor_gate(2 * sp.log(3)).margin - sp.Rational(1, 2)) == 0


@pytest.mark.parametrize("n", [1, 2, 3])
def test_threshold_versions_reproduce_truth_tables_exactly(n):
    for make, name in ((and_gate, "and"), (or_gate, "or"), (nand_gate, "nand")):
        gate = make(n, None)
        assert gate.margin == 0 and gate.check()
        for x, t in truth_table(name, n).items():
            assert gate.network.expression([sp.Integer(b) for b in x]) == t
            assert gate.network.numpy(list(x)) == t
    assert not_gate(None).network.expression([sp.Integer(1)]) == 0
    xor = xor_gate(None)
    assert {x: xor.network.expression(list(map(sp.Integer, x))) for x in xor.table} == truth_table("xor")


def test_heaviside_is_the_catalogue_step_with_h0_zero():
    h = symnet.logic.HEAVISIDE
    assert "HEAVISIDE" in symnet.logic.__all__
    assert h == activations.get("heaviside") and h.expr == sp.Heaviside(sp.Symbol("x", real=True), 0)
    # seed 003's unit is "(x0 + x1 - 1.5 > 0)": strict, so an input on the hyperplane gives 0
    unit = Network([Layer(sp.ImmutableMatrix([[1, 1]]), sp.ImmutableMatrix([-1]), h),
                    Layer(sp.ImmutableMatrix([[1]]), sp.ImmutableMatrix([0]), None)])
    for x in itertools.product((0, 1), repeat=2):
        expected = int(x[0] + x[1] - 1 > 0)
        assert unit.expression([sp.Integer(v) for v in x]) == expected
        assert unit.numpy([float(v) for v in x]) == expected
        assert unit.mpmath(list(x), dps=20) == expected
    with pytest.raises(NotSmoothError, match="'heaviside' is not continuous at x = 0"):
        h.derivative(1, at=0)


def test_xor_has_farkas_certificate_and_it_rechecks():
    cert = linear_threshold_certificate(truth_table("xor"))
    assert isinstance(cert, FarkasCertificate)
    assert cert.multipliers == (1, 1, 1, 1)
    assert cert.check()
    # the combination written out by hand: (-b) + (w2 + b) + (w1 + b) + (-w1 - w2 - b) = 0
    w1, w2, b = sp.symbols("w1 w2 b")
    rows = [sum(c * v for c, v in zip(row, (w1, w2, b), strict=True)) for _, row in cert.inequalities]
    assert sp.expand(sum(rows)) == 0


def test_tampered_certificates_fail():
    cert = linear_threshold_certificate(truth_table("xor"))
    with pytest.raises(CertificateError):
        FarkasCertificate(cert.table, cert.inequalities, (1, 1, 1, 0)).check()
    with pytest.raises(CertificateError):
        FarkasCertificate(cert.table, cert.inequalities, (0, 0, 0, 0)).check()
    with pytest.raises(CertificateError):
        FarkasCertificate(truth_table("and"), cert.inequalities, cert.multipliers).check()
    sep = linear_threshold_certificate(truth_table("and"))
    with pytest.raises(CertificateError):
        SeparatingHyperplane(truth_table("xor"), sep.weights, sep.bias, sep.margin).check()


def brute_force_separable(table, n):
    """Search small integer hyperplanes w in [-3, 3]^n, b in half-integers: exhaustive for n <= 3."""
    for w in itertools.product(range(-3, 4), repeat=n):
        for b2 in range(-2 * 3 * n - 1, 2 * 3 * n + 2, 2):  # b = b2/2, odd b2: never on a boundary
            if all((sum(wi * xi for wi, xi in zip(w, x, strict=True)) * 2 + b2 > 0) == bool(t)
                   for x, t in table.items()):
                return True
    return False


@given(st.integers(0, 15))
def test_certificate_agrees_with_brute_force_n2(code):
    table = {x: (code >> i) & 1 for i, x in enumerate(itertools.product((0, 1), repeat=2))}
    cert = linear_threshold_certificate(table)
    assert cert.check()
    assert isinstance(cert, SeparatingHyperplane) == brute_force_separable(table, 2)


@pytest.mark.parametrize(("n", "count"), [(1, 4), (2, 14)])
def test_number_of_threshold_functions_small_n(n, count):
    inputs = list(itertools.product((0, 1), repeat=n))
    found = 0
    for code in range(2 ** len(inputs)):
        table = {x: (code >> i) & 1 for i, x in enumerate(inputs)}
        cert = linear_threshold_certificate(table)
        assert cert.check()
        found += isinstance(cert, SeparatingHyperplane)
    assert found == count


@pytest.mark.slow
def test_number_of_threshold_functions_n3_is_104():
    inputs = list(itertools.product((0, 1), repeat=3))
    found = 0
    for code in range(256):
        table = {x: (code >> i) & 1 for i, x in enumerate(inputs)}
        cert = linear_threshold_certificate(table)
        assert cert.check()
        separable = isinstance(cert, SeparatingHyperplane)
        if code % 17 == 0:
            assert separable == brute_force_separable(table, 3)
        found += separable
    assert found == 104


@given(st.lists(st.fractions(-5, 5, max_denominator=7), min_size=2, max_size=2), st.fractions(-5, 5, max_denominator=7))
def test_no_hyperplane_gives_a_sigmoid_xor(weights, threshold):
    with pytest.raises(HypothesisError):
        sigmoid_gate("XOR?", weights, threshold, truth_table("xor"))


def test_bad_input_is_rejected_clearly():
    with pytest.raises(InvalidInput, match="gain must be a positive"):
        and_gate(gain=-1)
    with pytest.raises(InvalidInput, match="gain must be a positive"):
        and_gate(gain=sp.Symbol("h"))
    with pytest.raises(InvalidInput, match="positive int"):
        and_gate(0)
    with pytest.raises(InvalidInput, match="unknown Boolean function"):
        truth_table("implies")
    with pytest.raises(InvalidInput, match="bits"):
        linear_threshold_certificate({(0, 2): 1})
    with pytest.raises(InvalidInput, match="different lengths"):
        linear_threshold_certificate({(0, 1): 1, (1,): 0})
    with pytest.raises(InvalidInput, match="0 or 1"):
        linear_threshold_certificate({(0, 1): 3})
    with pytest.raises(InvalidInput, match="2 numbers"):
        sigmoid_gate("AND", [1], 1, truth_table("and"))
    with pytest.raises(HypothesisError, match="wrong"):
        sigmoid_gate("AND?", [1, 1], sp.Rational(1, 2), truth_table("and"))
    with pytest.raises(InvalidInput, match="symbolic"):
        xor_gate(G).correct  # noqa: B018
    with pytest.raises(InvalidInput, match="not a symbol"):
        xor_gate().at_gain(3)


def test_size_cap_on_the_number_of_inputs():
    # before: and_gate(25) listed 2^25 inputs and ran out of memory
    from symnet.errors import TooLargeError
    from symnet.logic import MAX_INPUTS

    with pytest.raises(TooLargeError, match="limit of 12"):
        and_gate(25)
    with pytest.raises(TooLargeError, match="limit"):
        truth_table("xor", MAX_INPUTS + 1)
    for gate in (or_gate, nand_gate):
        with pytest.raises(TooLargeError):
            gate(10**6)
    assert isinstance(TooLargeError("x"), InvalidInput)
    # at the cap the table is still complete: 2^12 inputs, AND is 1 only at (1, ..., 1)
    table = truth_table("and", MAX_INPUTS)
    assert len(table) == 4096 and sum(table.values()) == 1 and table[(1,) * MAX_INPUTS] == 1

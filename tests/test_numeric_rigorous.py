"""symnet.numeric.certify: rigorous bounds, checked against high-precision mpmath evaluations.

Independent routes: the certificate is computed with Taylor models in arb; its claims are
confronted with mpmath evaluations of the explicit network at 40+ digits (a different code path
and a different arithmetic), with closed forms (the bit product's worst-case error
1/(1 + e^(beta/2)), MATH.md sec. 5), and re-verified by Certificate.check() (direct expansion).
"""

import dataclasses
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from symnet import activations
from symnet.constructions import (
    LAM,
    Construction,
    binary_product,
    multiplication_gate,
    square_gate,
)
from symnet.constructions.binary import required_beta
from symnet.errors import (
    CertificateError,
    HypothesisError,
    InvalidInput,
    NotSmoothError,
    ShapeError,
    TooLargeError,
)
from symnet.network import Network
from symnet.numeric import certify, corners

BOX = [(-1, 1), (-1, 1)]


def mp_error(network: Network, target, variables, point, dps: int = 40) -> mpmath.mpf:
    """|N(x) - T(x)| by mpmath (Network.mpmath and sympy's exact target), no arb involved."""
    with mpmath.workdps(dps):
        exact = [sp.Rational(v) for v in point]
        t = sp.N(sp.sympify(target).subs(dict(zip(variables, exact, strict=True))), dps + 10)
        return abs(network.mpmath(exact, dps=dps) - mpmath.mpf(str(t)))


def grid(box, k):
    axes = [[sp.Rational(lo) + (sp.Rational(hi) - sp.Rational(lo)) * i / (k - 1) for i in range(k)]
            for lo, hi in box]
    return [(a, b) for a in axes[0] for b in axes[1]]


def user_gate() -> Construction:
    """The 4-neuron softplus gate written out by hand (mu = 1/(4 lam^2 sigma''(0)), sigma''(0) = 1/4)."""
    u, v = sp.symbols("u v", real=True)
    mu = 1 / (4 * LAM**2 * sp.Rational(1, 4))
    lam = LAM

    def build():
        return Network.single_hidden_layer([[lam, lam], [-lam, -lam], [lam, -lam], [-lam, lam]],
                                           [mu, mu, -mu, -mu], activations.get("softplus"))

    return Construction("hand-built softplus gate", u * v, (u, v), LAM, activations.get("softplus"), (),
                        "LTR Fig. 2", 4, 1, build=build)


# -- the must-show certificates -----------------------------------------------------------------
@pytest.mark.parametrize("make", [user_gate, lambda: multiplication_gate(activations.get("softplus"))])
def test_softplus_gate_within_1e_6_on_the_unit_box(make):
    c = make()
    cert = certify(c, BOX, eps=1e-6)
    assert cert.bound <= 1e-6 and cert.bound_exact <= sp.Rational(1, 10**6)
    assert cert.method == "taylor-model" and cert.scale.is_Rational and cert.scale > 0
    assert cert.box == ((-1, 1), (-1, 1))
    assert cert.check() is cert
    # mpmath at 40 digits: every grid error is within the bound ...
    errors = [mp_error(cert.network, c.target, c.variables, p) for p in grid(BOX, 9)]
    assert max(errors) <= cert.bound
    # ... and the bound is tight: the error at (1, 1) is lam^2/6 (1 + O(lam^2)), MATH.md sec. 1
    corner = mp_error(cert.network, c.target, c.variables, (1, 1))
    assert corner >= 0.99 * cert.bound
    lam = float(cert.scale)
    assert float(corner) == pytest.approx(lam**2 / 6, rel=1e-4)
    assert "taylor-model" in str(cert)


def test_bit_product_exact_to_10_decimals_at_the_theorys_beta():
    theory = required_beta(10).exact  # 2 ln(10^10 - 1): the error there is exactly 1e-10
    k = 5
    beta = theory + sp.Rational(1, 10**6)
    c = binary_product(k, beta=beta)
    cert = certify(c, [(0, 1)] * k, eps=sp.Rational(1, 10**10), points="corners")
    assert cert.method == "ball arithmetic at points" and len(cert.cells) == 2**k
    assert cert.points == corners([(0, 1)] * k)
    cert.check()
    # the closed form of the worst-case error, 1/(1 + e^(beta/2)), is within the bound
    with mpmath.workdps(50):
        worst = 1 / (1 + mpmath.exp(mpmath.mpf(str(sp.N(beta, 60))) / 2))
        assert worst <= mpmath.mpf(str(cert.bound_exact)) <= worst * (1 + mpmath.mpf(10) ** -20)
        assert worst < mpmath.mpf("1e-10")
    # exactly at the threshold the error equals 1e-10: no proof of "< 1e-10" exists
    with pytest.raises(CertificateError, match="could not prove"):
        certify(binary_product(k, beta=theory), [(0, 1)] * k, eps=sp.Rational(1, 10**10), points="corners")
    # LTR's beta = 23 gives only ~1e-5 (MATH.md sec. 5)
    with pytest.raises(CertificateError):
        certify(binary_product(k, beta=23), [(0, 1)] * k, eps=sp.Rational(1, 10**10), points="corners")
    loose = certify(binary_product(k, beta=23), [(0, 1)] * k, eps=1.1e-5, points="corners")
    assert loose.bound == pytest.approx(1 / (1 + math.exp(11.5)), rel=1e-12)


def test_bit_product_with_the_scale_convention():
    """binary_product(k) with beta = 1/lam: certify takes scale = 1/beta."""
    c = binary_product(3)
    scale = 1 / (required_beta(10).exact + 1)
    cert = certify(c, [(0, 1)] * 3, eps=1e-10, points="corners", scale=scale)
    assert cert.scale == scale
    cert.check()


# -- subdivision, deep networks, tampering -------------------------------------------------------
def test_subdivision_on_a_large_box():
    c = multiplication_gate(activations.get("softplus"))
    lam = sp.Rational(1, 2)
    pts = grid([(-4, 4), (-4, 4)], 9)
    worst = max(mp_error(c.at_scale(lam), c.target, c.variables, p) for p in pts)
    cert = certify(c, [(-4, 4), (-4, 4)], eps=1.02 * float(worst), scale=lam, max_cells=256)
    assert len(cert.cells) > 1 and worst <= cert.bound <= 1.02 * float(worst)
    cert.check()
    for cell in cert.cells:  # each cell's bound contains the error at its corners
        for p in corners(cell.box):
            assert mp_error(cert.network, c.target, c.variables, p) <= cell.bound
    with pytest.raises(CertificateError, match="cells"):
        certify(c, [(-4, 4), (-4, 4)], eps=1.02 * float(worst), scale=lam, max_cells=4)


def test_deep_network_square_of_a_product():
    """square_gate(multiplication_gate(u, v)) ~ (uv)^2: two hidden layers; check() re-runs the
    Taylor models at a higher degree."""
    g = multiplication_gate(activations.get("softplus"))
    s = square_gate(activations.get("softplus"))
    net = s.network.compose(g.network)
    u, v = g.variables
    c = Construction("square of product", (u * v) ** 2, (u, v), LAM, activations.get("softplus"), (), "test",
                     6, 2, build=lambda: net)
    box = [(-sp.Rational(1, 2), 1), (-1, sp.Rational(1, 2))]
    cert = certify(c, box, eps=1e-4)
    assert cert.network.depth == 2
    cert.check()
    errors = [mp_error(cert.network, c.target, c.variables, p) for p in grid(box, 7)]
    assert max(errors) <= cert.bound <= 1e-4


def test_tampered_certificates_do_not_check():
    cert = certify(multiplication_gate(activations.get("softplus")), BOX, eps=1e-6)
    half = sp.Rational(1, 2)
    with pytest.raises(CertificateError, match="not <= eps"):
        dataclasses.replace(cert, eps=cert.bound_exact / 2).check()
    with pytest.raises(CertificateError, match="not the construction"):
        dataclasses.replace(cert, scale=cert.scale * 2).check()
    with pytest.raises(CertificateError, match="tile"):
        dataclasses.replace(cert, box=((-1, 2), (-1, 1))).check()
    bigger = multiplication_gate(activations.get("softplus")).at_scale(cert.scale * 4)
    with pytest.raises(CertificateError):
        dataclasses.replace(cert, network=bigger, construction=None).check()
    bits = certify(binary_product(2, beta=40), [(0, 1)] * 2, eps=1e-8, points="corners")
    with pytest.raises(CertificateError, match="not the certified points"):
        dataclasses.replace(bits, points=((0, 0), (1, 1))).check()
    with pytest.raises(CertificateError, match="above eps"):
        dataclasses.replace(bits, network=binary_product(2, beta=10).network).check()
    with pytest.raises(CertificateError, match="mpmath measures"):
        shrunk = tuple(dataclasses.replace(cell, bound=cell.bound * half**40) for cell in cert.cells)
        dataclasses.replace(cert, cells=shrunk, bound_exact=cert.bound_exact * half**40,
                            bound=float(cert.bound_exact * half**40)).check()


# -- property: certified bounds contain the measured errors ---------------------------------------
FORMULAS = [
    "log(1 + exp({a}*x))",
    "tanh({a}*x) + {c}*x**2",
    "exp({a}*x) - {c}*sin(x)",
    "erf({a}*x) + {c}*x**2",
    "sqrt(1 + {a}*x**2) + {c}*x",
    "cos({a}*x) + {c}*x**3",
    "x/(1 + exp(-{a}*x))",
]
RATIONALS = st.fractions(min_value=Fraction(-2), max_value=Fraction(2), max_denominator=8)


@st.composite
def smooth_activations(draw):
    kind = draw(st.sampled_from(["catalogue", "polynomial", "formula"]))
    if kind == "catalogue":
        return activations.get(draw(st.sampled_from(["softplus", "sigmoid", "tanh", "exp", "silu", "gelu", "cos"])))
    if kind == "polynomial":
        return activations.polynomial([draw(RATIONALS) for _ in range(draw(st.integers(3, 6)))])
    a = draw(st.fractions(min_value=Fraction(1, 4), max_value=Fraction(2), max_denominator=4))
    c = draw(RATIONALS)
    text = draw(st.sampled_from(FORMULAS)).format(a=f"({a})", c=f"({c})")
    return activations.from_expression(text)


@st.composite
def boxes(draw):
    out = []
    for _ in range(2):
        lo = draw(st.fractions(min_value=Fraction(-2), max_value=Fraction(1), max_denominator=4))
        width = draw(st.fractions(min_value=Fraction(1, 4), max_value=Fraction(3), max_denominator=4))
        out.append((lo, lo + width))
    return out


@given(act=smooth_activations(), bias=st.sampled_from([0, Fraction(1, 2), -1]), box=boxes(),
       scale=st.sampled_from([Fraction(1, 4), Fraction(1, 16), Fraction(1, 64)]), seed=st.integers(0, 2**16))
def test_certified_bounds_contain_measured_errors(act, bias, box, scale, seed):
    try:
        c = multiplication_gate(act, bias=bias)
    except (HypothesisError, NotSmoothError):
        assume(False)
    try:
        cert = certify(c, box, eps=10**6, scale=scale, max_cells=8)
    except CertificateError:  # a wide box at a large scale may not be boundable in 8 cells
        assume(False)
    rng = np.random.default_rng(seed)
    lo = np.array([float(a) for a, _ in box])
    hi = np.array([float(b) for _, b in box])
    points = [*corners(box), *[tuple(sp.Rational(repr(float(x))) for x in lo + (hi - lo) * rng.random(2))
                               for _ in range(6)]]
    for p in points:
        assert mp_error(cert.network, c.target, c.variables, p) <= cert.bound


# -- bad input ------------------------------------------------------------------------------------
def test_bad_inputs():
    c = multiplication_gate(activations.get("softplus"))
    with pytest.raises(InvalidInput, match="eps must be positive"):
        certify(c, BOX, eps=0)
    with pytest.raises(InvalidInput, match="eps must be positive"):
        certify(c, BOX, eps=-1e-3)
    with pytest.raises(InvalidInput, match="needs eps"):
        certify(c, BOX)
    with pytest.raises(InvalidInput, match="empty"):
        certify(c, [(1, -1), (-1, 1)], eps=1e-3)
    with pytest.raises(ShapeError, match="1 interval"):
        certify(c, [(-1, 1)], eps=1e-3)
    with pytest.raises(ShapeError, match=r"\(low, high\) pair"):
        certify(c, [(-1, 0, 1), (-1, 1)], eps=1e-3)
    with pytest.raises(InvalidInput, match="finite"):
        certify(c, [(-1, float("inf")), (-1, 1)], eps=1e-3)
    with pytest.raises(InvalidInput, match="finite"):
        certify(c, BOX, eps=float("nan"))
    with pytest.raises(InvalidInput, match=r"box .* or points"):
        certify(c, eps=1e-3)
    with pytest.raises(ShapeError, match="2 coordinates"):
        certify(c, eps=1e-3, points=[(0, 1, 2)])
    with pytest.raises(InvalidInput, match="corners"):
        certify(c, eps=1e-3, points="corners")
    with pytest.raises(InvalidInput, match="not both"):
        certify(c, BOX, eps=1e-3, points=[(0, 0)])
    with pytest.raises(InvalidInput, match="concrete activation"):
        certify(multiplication_gate(activations.generic()), BOX, eps=1e-3)
    with pytest.raises(InvalidInput, match="scale is fixed"):
        certify(binary_product(2, beta=40), [(0, 1)] * 2, eps=1e-3, points="corners", scale=0.1)
    with pytest.raises(InvalidInput, match="Construction"):
        certify(c.network, BOX, eps=1e-3)
    with pytest.raises(InvalidInput, match="degree"):
        certify(c, BOX, eps=1e-3, degree=0)
    # point counts: 2^17 corners are not listed; 10^7 points of the gate (12 weights, 5 biases) are
    # 1.7e8 ball-arithmetic multiply-adds, refused before the points are converted
    with pytest.raises(TooLargeError, match=r"2\^17 corners, beyond symnet's limit of 2\^16"):
        corners([(0, 1)] * 17)
    assert len(corners([(0, 1)] * 3)) == 8
    with pytest.raises(TooLargeError, match=r"10000000 points .* 17 weights and biases is 1\.7e\+08"):
        certify(c, eps=1e-3, points=[(0, 0)] * 10**7)
    with pytest.raises(TooLargeError, match="max_cells = 1000000 is beyond symnet's limit of 65536"):
        certify(c, BOX, eps=1e-3, max_cells=10**6)


def test_scales_and_boxes_beyond_float64_fail_with_certificate_errors():
    # these raised a raw OverflowError (float(10^400) is inf); the messages keep numbers short
    c = multiplication_gate(activations.get("softplus"))
    with pytest.raises(CertificateError, match=r"could not prove .* <= 0\.001 at lam = 1\.00000e\+400: "):
        certify(c, BOX, eps=1e-3, scale=sp.Integer(10) ** 400, max_cells=4)
    with pytest.raises(CertificateError, match=r"<= 1\.00e-400 \(last rigorous bound"):
        certify(c, BOX, eps=sp.Integer(10) ** -400)
    # lam = 10^-400 is fine in ball arithmetic: the gate's error there is below lam^2/12 ~ 1e-801
    tiny = certify(c, BOX, eps=1e-3, scale=sp.Integer(10) ** -400)
    assert tiny.bound < 1e-20 and tiny.check() is tiny

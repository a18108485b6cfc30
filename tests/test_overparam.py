"""Tests for symnet.overparam: the parameter map's Jacobian, its exact rank, the NTK linearisation.

Independent routes: sympy's own differentiation of the network with symbolic parameters (for the
Jacobian and the Hessian), ranks by python-flint (over QQ and modulo a prime) and by a 60-digit
mpmath SVD, hand-derived Jacobians and function-space dimensions, and the remainder against the
network evaluated exactly (polynomial activations) or at 60 digits along a ray.
"""

from __future__ import annotations

import flint
import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations
from symnet.errors import HypothesisError, InvalidInput, ShapeError, SymnetError, TooLargeError
from symnet.network import Layer, Network
from symnet.overparam import (
    expand,
    jacobian,
    jacobian_rank,
    linearize,
    parameters,
    theta_degree,
)

R = sp.Rational


def one_layer(a, w, act, b=None, c=None):
    return Network.single_hidden_layer(a, w, act, hidden_bias=b, output_bias=c)


def symbolic_copy(net: Network):
    """The network with every weight and bias replaced by its parameter symbol (test-only route)."""
    syms = {}
    layers = []
    for l_idx, layer in enumerate(net.layers, 1):
        W = sp.Matrix([[sp.Symbol(f"W{l_idx}[{i + 1},{j + 1}]", real=True) for j in range(layer.fan_in)]
                       for i in range(layer.width)])
        b = sp.Matrix([sp.Symbol(f"b{l_idx}[{i + 1}]", real=True) for i in range(layer.width)])
        for i in range(W.rows):
            for j in range(W.cols):
                syms[W[i, j]] = layer.weights[i, j]
            syms[b[i]] = layer.bias[i]
        layers.append(Layer(sp.ImmutableMatrix(W), sp.ImmutableMatrix(b), layer.activation))
    return Network(layers), syms


def diff_jacobian(net, points):
    sym_net, theta0 = symbolic_copy(net)
    names = [p.symbol for p in parameters(net)]
    rows = []
    for pt in points:
        z = sym_net.expression(list(pt))
        rows.append([sp.diff(z, s).xreplace(theta0) for s in names])
    return sp.Matrix(rows)


def close(a, b, dps=60, tol=1e-45):
    return abs(sp.N(a - b, dps)) < tol


NET_TANH = one_layer([[1], [2], [-1]], [1, -2, 1], "tanh", b=[0, 1, -1])
NET_2D = one_layer([[1, 2], [2, -1], [-1, 1]], [1, -2, 1], "sigmoid", b=[0, 1, -1], c=R(1, 2))


# -- the Jacobian ------------------------------------------------------------------------------
@pytest.mark.parametrize("act", ["tanh", "sigmoid", "cube", "exp"])
def test_jacobian_equals_sympy_differentiation(act):
    net = one_layer([[1, 2], [R(1, 2), -1]], [1, -3], act, b=[0, R(1, 3)], c=2)
    pts = [[0, 1], [1, -1], [R(1, 2), 2]]
    J = jacobian(net, pts)
    D = diff_jacobian(net, pts)
    assert J.shape == D.shape == (3, 9)
    for a, b in zip(J, D, strict=True):
        assert close(a, b)


def test_jacobian_two_hidden_layers_matches_differentiation():
    net = Network.from_layers([([[1], [2]], [0, 1], "tanh"), ([[1, -1], [R(1, 2), 1]], [1, 0], "cube")],
                              ([[1, 2]], [0]))
    pts = [[R(1, 3)], [-1]]
    J = jacobian(net, pts)
    D = diff_jacobian(net, pts)
    for a, b in zip(J, D, strict=True):
        assert close(a, b)


def test_jacobian_generic_activation_by_hand():
    # Z = w sigma(a x + b) + c, theta_0 = (a, b, w, c) = (2, 1, 3, 0), x = 5: z = 11
    net = one_layer([[2]], [3], activations.generic(), b=[1])
    J = jacobian(net, [[5]])
    d0 = activations.generic().derivative(0, at=11)
    d1 = activations.generic().derivative(1, at=11)
    assert list(J) == [3 * d1 * 5, 3 * d1, d0, 1]


def test_hessian_equals_sympy_second_derivatives():
    net = one_layer([[1], [-2]], [R(1, 2), 1], "tanh", b=[R(1, 2), 0], c=1)
    e = expand(net, [[1], [R(-1, 2)]], order=2)
    sym_net, theta0 = symbolic_copy(net)
    names = [p.symbol for p in e.parameters]
    for i, pt in enumerate(e.points):
        z = sym_net.expression(list(pt))
        H = e.hessian(i)
        assert H == H.T
        for p, sp_ in enumerate(names):
            for q, sq in enumerate(names):
                assert close(H[p, q], sp.diff(z, sp_, sq).xreplace(theta0))


# -- exact rank: premise 1 and where it fails ----------------------------------------------------
def flint_rank(M):
    return flint.fmpq_mat([[flint.fmpq(int(sp.fraction(v)[0]), int(sp.fraction(v)[1])) for v in row]
                           for row in M.tolist()]).rank()


def mod_p_rank(M, p=1_000_003):
    rows = []
    for row in M.tolist():
        out = []
        for v in row:
            num, den = sp.fraction(sp.Rational(v))
            out.append(int(num) * pow(int(den), -1, p) % p)
        rows.append(out)
    return flint.nmod_mat(rows, p).rank()


def svd_rank(M, dps=60):
    with mpmath.workdps(dps):
        A = mpmath.matrix([[mpmath.mpf(sp.N(v, dps + 10)) for v in row] for row in M.tolist()])
        s = mpmath.svd_r(A, compute_uv=False)
        big = max(abs(x) for x in s)
        return sum(1 for x in s if abs(x) > big * mpmath.mpf(10) ** (-(dps // 2)))


def test_full_rank_when_parameters_outnumber_points_tanh():
    pts = [[0], [1], [2], [3]]
    cert = jacobian_rank(NET_TANH, pts)
    assert (cert.rows, cert.cols) == (4, 10)
    assert cert.rank == 4 and cert.full
    assert cert.check()
    assert svd_rank(cert.matrix) == 4  # independent route: 60-digit SVD


def test_rank_over_qq_agrees_with_flint_and_modular_rank():
    net = one_layer([[1, 2], [2, -1], [-1, 1], [1, 1]], [1, -2, 1, 3], "cube", b=[0, 1, -1, 2])
    pts = [[0, 0], [1, 0], [0, 1], [1, 1], [2, -1], [-1, 2]]
    cert = jacobian_rank(net, pts)
    M = cert.matrix
    assert cert.rank == flint_rank(M) == mod_p_rank(M)
    assert cert.full and cert.check()


def test_duplicate_point_drops_rank_by_one():
    cert = jacobian_rank(NET_TANH, [[0], [1], [1], [2]])
    assert cert.rank == 3
    assert cert.relations == ((0, 1, -1, 0),)  # rows 2 and 3 are equal
    assert cert.check()


def test_odd_activation_without_biases_sees_x_and_minus_x_as_one_point():
    # tanh is odd; with biases fixed at 0, Z(-x; theta) = -Z(x; theta), so the rows are opposite
    net = one_layer([[1], [2], [-1]], [1, -2, 1], "tanh")
    cert = jacobian_rank(net, [[1], [-1], [2], [3]], which="weights")
    assert cert.cols == 6 and cert.rank == 3
    assert cert.relations == ((1, 1, 0, 0),)
    assert cert.check()
    # once the biases are parameters too, the symmetry is broken and the rank is full
    assert jacobian_rank(net, [[1], [-1], [2], [3]]).rank == 4


def test_square_activation_spans_only_quadratics():
    # Z = sum_j w_j (a_j x + b_j)^2 + c is a quadratic polynomial in x: every Jacobian column is one,
    # and 1, x, x^2 are reached (dZ/dc = 1, dZ/db_1 = 2 w_1 (a_1 x + b_1), dZ/dw_1 = (a_1 x + b_1)^2),
    # so the rank is exactly 3 however many parameters (here 16) and points (6).
    net = one_layer([[1], [2], [-1], [3], [1]], [1, -2, 1, 1, 1], "square", b=[0, 1, -1, 2, 3])
    cert = jacobian_rank(net, [[k] for k in range(6)])
    assert (cert.rows, cert.cols, cert.rank) == (6, 16, 3)
    assert flint_rank(cert.matrix) == 3
    assert cert.check()


def test_cube_without_biases_spans_binary_cubic_forms():
    # Z = sum_j w_j (a_j . x)^3 is a cubic form in two variables: a 4-dimensional space
    net = one_layer([[1, 2], [2, -1], [-1, 1], [1, 1], [3, 1]], [1, -2, 1, 3, 1], "cube")
    pts = [[1, 0], [0, 1], [1, 1], [2, -1], [-1, 3], [2, 5]]
    cert = jacobian_rank(net, pts, which="weights")
    assert (cert.cols, cert.rank) == (15, 4)
    assert flint_rank(cert.matrix) == mod_p_rank(cert.matrix) == 4


def test_zero_weights_collapse_the_rank():
    # all weights zero: dZ/dW2_j = sigma(b_j) and dZ/db2 = 1 are the same on every point, every
    # other derivative vanishes: rank 1
    net = one_layer([[0], [0], [0]], [0, 0, 0], "tanh", b=[0, 1, -1])
    cert = jacobian_rank(net, [[0], [1], [2], [3]])
    assert cert.rank == 1 and cert.check()
    # zero output weights only: the input weights and hidden biases get no gradient; rank <= m + 1 = 4
    net = one_layer([[1], [2], [-1]], [0, 0, 0], "tanh", b=[0, 1, -1])
    cert = jacobian_rank(net, [[k] for k in range(5)])
    assert cert.rank == 4 and cert.check()
    assert svd_rank(cert.matrix) == 4


def test_more_points_than_parameters_rank_is_parameter_count():
    net = one_layer([[1], [2], [3]], [1, 1, 1], "tanh", b=[0, 1, 2])
    cert = jacobian_rank(net, [[k] for k in range(12)])
    assert (cert.rows, cert.cols, cert.rank) == (12, 10, 10)
    assert not cert.full and cert.check()


def test_generic_activation_rank_and_a_deep_network():
    net = Network.from_layers([([[1], [2]], [0, 1], "sigma"), ([[1, 1], [1, -1]], None, "sigma")], ([[1, 1]], None))
    cert = jacobian_rank(net, [[0], [1], [2], [3]])
    assert cert.rank == 4 and cert.check()
    assert "generic" in cert.field


def test_kernel_gram_matrix_has_the_same_rank():
    lin = linearize(NET_TANH, [[0], [1], [1], [2]], order=1)
    K = lin.kernel
    assert K == K.T
    assert svd_rank(K) == 3  # rank(J J^T) = rank(J) for real matrices
    for i in range(4):
        for j in range(4):
            assert close(K[i, j], (lin.jacobian[i, :] * lin.jacobian[j, :].T)[0])


def test_certificate_rejects_tampering():
    from dataclasses import replace

    from symnet.errors import CertificateError

    cert = jacobian_rank(NET_TANH, [[0], [1], [1], [2]])
    with pytest.raises(CertificateError):
        replace(cert, relations=((1, -1, 0, 0),)).check()
    with pytest.raises(CertificateError):
        replace(cert, rank=4, relations=()).check()
    with pytest.raises(CertificateError):
        replace(cert, minor_rows=(1, 2, 3)).check()  # rows 2 and 3 are equal: singular minor


# -- the NTK linearisation and its remainder -----------------------------------------------------
def network_at(net, theta):
    """The network with parameters theta (in parameters() order), built directly (test-only)."""
    it = iter(theta)
    layers = []
    for layer in net.layers:
        W = sp.Matrix(layer.weights.rows, layer.weights.cols, lambda i, j: 0)
        for i in range(W.rows):
            for j in range(W.cols):
                W[i, j] = next(it)
        b = sp.Matrix([next(it) for _ in range(layer.bias.rows)])
        layers.append(Layer(sp.ImmutableMatrix(W), sp.ImmutableMatrix(b), layer.activation))
    return Network(layers)


SQ = one_layer([[1, -1], [2, 1]], [1, -2], "square", b=[1, 0], c=1)
SQ_PTS = [[1, 2], [-1, R(1, 2)]]
SQ_EXP = expand(SQ, SQ_PTS, order=theta_degree(SQ))


@given(st.lists(st.fractions(min_value=-3, max_value=3, max_denominator=7), min_size=9, max_size=9))
def test_remainder_is_exactly_z_minus_zlin_for_polynomial_networks(theta):
    assert theta_degree(SQ) == 3 and SQ_EXP.complete
    lin = SQ_EXP.linearization(theta)
    rem = SQ_EXP.remainder(theta)
    other = network_at(SQ, [sp.Rational(t.numerator, t.denominator) for t in theta])
    for i, pt in enumerate(SQ_PTS):
        z = other.expression(pt)
        assert sp.expand(z - lin[i] - rem[i]) == 0


def test_linearization_is_exact_at_theta0_and_first_order():
    lin = linearize(NET_TANH, [[1], [2]], order=2)
    theta0 = [p.value for p in lin.expansion.parameters]
    for a, b in zip(lin.predict(theta0), lin.values, strict=True):
        assert a == b
    assert all(r == 0 for r in lin.remainder(theta0))


def test_second_order_remainder_matches_high_precision_network_along_a_ray():
    e = expand(NET_TANH, [[1], [R(-1, 2)]], order=2)
    v = [1, -1, 2, R(1, 2), 0, 1, -1, 1, 2, 3]
    theta0 = [p.value for p in e.parameters]
    s = mpmath.mpf(10) ** -12
    with mpmath.workdps(80):
        for i, pt in enumerate(e.points):
            theta = [t0 + sp.Rational(1, 10**12) * vk for t0, vk in zip(theta0, v, strict=True)]
            z = network_at(NET_TANH, theta).mpmath(pt, dps=80)
            lin = mpmath.mpf(sp.N(e.linearization(theta)[i], 90))
            quad = mpmath.mpf(sp.N(e.remainder(theta)[i], 90))
            # Z - Z_lin = s^2 q + O(s^3): the ratio differs from 1 by O(s)
            assert abs((z - lin) / quad - 1) < 1e-9
            # and without the Hessian term the O(s^2) residue is still there
            assert abs(z - lin) > s**2 * 1e-6


def test_verify_along_agrees_with_sympy_series_and_can_fail():
    from dataclasses import replace

    net = one_layer([[1]], [2], "tanh", b=[R(1, 2)])
    e = expand(net, [[1]], order=3)
    assert e.verify_along([1, -1, 2, 1])
    # the same jets checked against another data point (x = 2 instead of 1) must fail
    wrong = replace(e, points=((sp.Integer(2),),))
    assert not wrong.verify_along([1, -1, 2, 1])


def test_expansion_terms_are_homogeneous_and_hessian_consistent():
    e = expand(NET_2D, [[1, 0]], order=2)
    t = e.terms(0)
    ds = [p.delta for p in e.parameters]
    scale = sp.Symbol("k")
    for k in (1, 2):
        assert sp.expand(t[k].xreplace({d: scale * d for d in ds}) - scale**k * t[k]) == 0
    H = e.hessian(0)
    dv = sp.Matrix(ds)
    assert sp.expand((dv.T * H * dv)[0] / 2 - t[2]) == 0


# -- bad input ------------------------------------------------------------------------------------
def test_bad_input_raises_symnet_errors():
    lam = sp.Symbol("lam", positive=True)
    with pytest.raises(InvalidInput, match="subs"):
        jacobian(one_layer([[lam]], [1], "tanh"), [[1]])
    with pytest.raises(ShapeError, match="coordinates"):
        jacobian(NET_TANH, [[1, 2]])
    with pytest.raises(InvalidInput, match="empty"):
        jacobian(NET_TANH, [])
    with pytest.raises(InvalidInput, match="unknown parameter"):
        jacobian(NET_TANH, [[1]], which=["W9[1,1]"])
    with pytest.raises(InvalidInput, match="order"):
        expand(NET_TANH, [[1]], order=-1)
    with pytest.raises(TooLargeError):
        expand(NET_TANH, [[1]], order=7)
    with pytest.raises(InvalidInput, match="Hessian"):
        expand(NET_TANH, [[1]], order=1).hessian(0)
    with pytest.raises(ShapeError, match="parameters"):
        expand(NET_TANH, [[1]], order=2).linearization([1, 2])
    with pytest.raises(InvalidInput):
        expand(NET_TANH, [[1]], order=1).terms(5)
    with pytest.raises(InvalidInput, match="Network"):
        jacobian("net", [[1]])
    with pytest.raises(HypothesisError, match="exact field") as err:
        jacobian_rank(one_layer([[1]], [1], "softplus", b=[1]), [[0], [1]])
    assert isinstance(err.value, SymnetError)
    with pytest.raises(InvalidInput, match="missing"):
        jacobian_rank(NET_TANH)


def test_rank_falls_back_to_elimination_over_the_field(monkeypatch):
    # force the slow path (kernels depending on the indeterminates): same rank, valid certificate
    import symnet.overparam as op

    fast = jacobian_rank(one_layer([[1], [2], [-1]], [0, 0, 0], "tanh", b=[0, 1, -1]), [[k] for k in range(5)])
    monkeypatch.setattr(op, "_verified_kernel", lambda *args: None)
    slow = jacobian_rank(one_layer([[1], [2], [-1]], [0, 0, 0], "tanh", b=[0, 1, -1]), [[k] for k in range(5)])
    assert fast.rank == slow.rank == 4
    assert "involve the indeterminates" in slow.method
    assert len(slow.relations) == 1 and slow.check()


def test_more_bad_input_is_refused_with_symnet_errors():
    # a non-network reached attribute access (AttributeError) in theta_degree
    with pytest.raises(InvalidInput, match="Network"):
        theta_degree("net")
    # a scalar direction reached list() (TypeError)
    e = expand(one_layer([[1]], [2], "tanh", b=[1]), [[1]], order=1)
    with pytest.raises(InvalidInput, match="direction"):
        e.verify_along(5)
    with pytest.raises(InvalidInput, match="direction"):
        e.verify_along("abcd")
    # the order: a float or bool is not an int; a numpy int is
    with pytest.raises(InvalidInput, match="order"):
        expand(NET_TANH, [[1]], order=2.0)
    with pytest.raises(InvalidInput, match="order"):
        expand(NET_TANH, [[1]], order=True)
    # Z = w (a x + b)^2 + c at x = 1, theta_0 = (2, 0, 3, 0): Z = 12, dZ/da = 2 w (a + b) x = 12 (by hand)
    t = expand(one_layer([[2]], [3], "square"), [[1]], order=np.int64(1)).terms(0)
    assert t[0] == 12 and t[1].coeff(sp.Symbol("dW1[1,1]", real=True)) == 12
    # non-finite data never become numbers
    with pytest.raises(InvalidInput, match="finite"):
        jacobian(NET_TANH, [[float("nan")]])
    with pytest.raises(InvalidInput, match="finite"):
        jacobian(NET_TANH, [[sp.oo]])
    with pytest.raises(InvalidInput):
        jacobian(NET_TANH, [["1"]])  # text is not parsed

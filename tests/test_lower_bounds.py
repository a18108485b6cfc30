"""symnet.lower_bounds: the condition system and the proof matrix (MATH.md sections 3-4).

Expected values come from hand derivations written next to each test, from closed forms
(H H^T = 2^n I for the Hadamard matrix of the sign vectors, Vandermonde and subset-zeta
matrices), or from sympy's own expansion / Matrix.rank, never from the function under test.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symnet import activations
from symnet.errors import HypothesisError, InvalidInput, ShapeError, TooLargeError
from symnet.lower_bounds import (
    MODELS,
    ProofMatrix,
    as_target,
    check_model,
    check_proof,
    condition_rows,
    condition_system,
    linear_conditions,
    proof_matrix,
    proof_rows,
    seed_hypotheses,
    theorem_width,
)
from symnet.network import Network


def sign_network(n: int, activation="exp", scales=None) -> Network:
    """The 2^n construction built directly: a_s = s (times diagonal scales), w_s = prod(s) / (2^n sigma^(n)(0))."""
    act = activations.get(activation) if isinstance(activation, str) else activation
    signs = list(itertools.product((-1, 1), repeat=n))
    d = scales or [1] * n
    weights = [[Fraction(s[i]) * d[i] for i in range(n)] for s in signs]
    out = [sp.Rational(math.prod(s), 2**n) / act.derivative(n) / sp.Rational(math.prod(d)) for s in signs]
    return Network.single_hidden_layer(weights, out, act)


# -- targets and models ------------------------------------------------------------------------
def test_targets():
    x1, x2 = sp.symbols("x_1 x_2", real=True)
    assert as_target(2).expr == x1 * x2
    t = as_target((2, 0, 1))
    assert t.kind == "monomial" and t.exponents == (2, 0, 1) and t.degree == 3
    p = as_target(x1**2 + 3 * x1 * x2)
    assert p.kind == "polynomial" and p.degree == 2 and p.coefficient((1, 1)) == 3
    assert as_target(x1 * x2).kind == "product"
    assert as_target(2, degree=4).degree == 4


@pytest.mark.parametrize("bad, error, words", [
    (0, InvalidInput, "n >= 1"),
    (-3, InvalidInput, "n >= 1"),
    ((1.5, 1), InvalidInput, "non-negative int"),
    ((1, -1), InvalidInput, "non-negative int"),
    ((0, 0), InvalidInput, "total degree"),
    ("x_1*x_2", InvalidInput, "not parsed"),
    (True, InvalidInput, "bool"),
    (sp.sin(sp.Symbol("x")), InvalidInput, "not a polynomial"),
    (sp.sqrt(2) * sp.Symbol("x"), InvalidInput, "not rational"),
    (30, TooLargeError, "at most"),
])
def test_bad_targets(bad, error, words):
    with pytest.raises(error, match=words):
        as_target(bad)


def test_models():
    assert set(MODELS) == {"bias-free", "output-bias", "biased"}
    assert check_model(" Bias_Free ") == "bias-free"
    with pytest.raises(InvalidInput, match=r"unknown model 'relu-net'.*'bias-free'"):
        check_model("relu-net")
    with pytest.raises(InvalidInput, match="must be a str"):
        check_model(None)


def test_condition_rows_count():
    # all monomials of degree <= d in n variables: C(n + d, d); the output bias drops alpha = 0
    assert len(condition_rows(as_target(8), "bias-free")) == 12870 == math.comb(16, 8)
    assert len(condition_rows(as_target(3), "output-bias")) == math.comb(6, 3) - 1
    assert condition_rows(as_target(2), "bias-free") == ((0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2))


# -- the polynomial system --------------------------------------------------------------------------
def test_condition_system_by_hand():
    # n = 2, m = 1, bias-free, generic: w(a.x)^k c_k = [k = 2] x1 x2. Normalised (divide by
    # sigma^(k)(0)/alpha!) and rescaled by beta = 1/sigma''(0): w, w a1, w a2, w a1^2, w a1 a2 - 1, w a2^2.
    s = condition_system(2, 1)
    w, a1, a2 = sp.symbols("w_1 a_1_1 a_2_1")
    assert s.equations == (w, a1 * w, a2 * w, a1**2 * w, a1 * a2 * w - 1, a2**2 * w)
    assert s.scale == 1 / activations.generic().derivative(2)
    assert s.unknowns == (w, a1, a2)


def test_condition_system_square_drops_vanishing_rows():
    # sigma = x^2: sigma(0) = sigma'(0) = 0, so the degree-0 and degree-1 rows vanish (0 = 0)
    s = condition_system(2, 2, activation="square")
    assert [sum(r) for r in s.rows] == [2, 2, 2]
    assert [sum(a) for a, _ in s.vanishing] == [0, 1, 1] and s.contradiction is None
    # tanh: sigma''(0) = 0 while x1 x2 has degree 2: a contradiction 0 = 2! ... != 0
    assert condition_system(2, 3, activation="tanh").contradiction == ((1, 1), 1)


def test_biased_system_needs_polynomial_activation():
    # gelu is neither a polynomial nor one of the activations whose derivatives are polynomials in
    # one quantity (exp, sigmoid, tanh, softplus: tests/test_lower_bounds_biased.py)
    with pytest.raises(InvalidInput, match=r"polynomial activation.*exp, sigmoid, tanh, softplus"):
        condition_system(2, 2, model="biased", activation="gelu")
    s = condition_system(2, 1, model="biased", activation="square")
    b = sp.Symbol("b_1")
    assert b in s.unknowns
    # sigma = x^2 at bias b: sigma' = 2b, sigma'' = 2; degree-1 rows: 2 b w a_i; degree 2: 2 w a^alpha - alpha! p
    w, a1, a2 = sp.symbols("w_1 a_1_1 a_2_1")
    assert s.equations[0] == sp.expand(2 * b * w * a1)
    assert s.equations[3] == sp.expand(2 * w * a1 * a2 - 1)


@given(st.integers(1, 3), st.integers(1, 3), st.data())
def test_linear_conditions_match_expansion(n, m, data):
    """The normalised residuals V w - r equal alpha!/sigma^(k)(0) (N_alpha - p_alpha), N_alpha from sympy.expand."""
    coeffs = data.draw(st.lists(st.integers(-4, 4).filter(bool), min_size=n + 1, max_size=n + 2))
    act = activations.polynomial(coeffs)
    model = data.draw(st.sampled_from(["bias-free", "output-bias"]))
    ent = st.fractions(-3, 3, max_denominator=4)
    a = data.draw(st.lists(st.lists(ent, min_size=n, max_size=n), min_size=m, max_size=m))
    w = data.draw(st.lists(ent, min_size=m, max_size=m))
    lc = linear_conditions(n, a, model, act)
    z, scales = lc.integer_matrix()
    net = Network.single_hidden_layer(a, w, act)
    xs = net.default_inputs()
    poly = sp.Poly(sp.expand(net.expression()), *xs)
    target = as_target(n)
    for r, alpha in enumerate(lc.rows):
        k = sum(alpha)
        vw = sum(Fraction(int(z[r, j])) / scales[r] * w[j] for j in range(m))
        lhs = sp.Rational(vw.numerator, vw.denominator) - lc.rhs[r]
        n_alpha = poly.coeff_monomial(alpha)
        afact = math.prod(math.factorial(e) for e in alpha)
        assert lhs == afact * (n_alpha - target.coefficient(alpha)) / act.derivative(k)


def test_linear_conditions_errors():
    with pytest.raises(ShapeError, match="2 columns"):
        linear_conditions(2, [[1, 2, 3]])
    with pytest.raises(InvalidInput, match="needs hidden_bias"):
        linear_conditions(2, [[1, 2]], model="biased")
    with pytest.raises(InvalidInput, match="no hidden biases"):
        linear_conditions(2, [[1, 2]], model="bias-free", hidden_bias=[1])
    with pytest.raises(InvalidInput, match="m x n matrix"):
        linear_conditions(2, "weights")


# -- the theorem and its hypotheses -----------------------------------------------------------------
def test_theorem_widths():
    assert [theorem_width(n).width for n in range(1, 7)] == [2**n for n in range(1, 7)]
    assert [theorem_width(n, "output-bias").width for n in range(1, 7)] == [2**n - 1 for n in range(1, 7)]
    assert theorem_width((2, 3), activation="exp").width == 12  # (2 + 1)(3 + 1)
    assert theorem_width((4,), activation="exp").width == 5     # univariate x^d: d + 1


@pytest.mark.parametrize("target, model, act, failing", [
    (2, "bias-free", "tanh", "sigma^(0)(0) != 0"),           # tanh(0) = 0
    (3, "bias-free", "softplus", "sigma^(3)(0) != 0"),       # softplus'''(0) = sigmoid''(0) = 0
    (2, "output-bias", "tanh", "sigma^(2)(0) != 0"),         # k = 0 is not needed with an output bias
    (2, "bias-free", "square", "sigma^(0)(0) != 0"),
    (2, "biased", "exp", "no hidden biases (common operating point b = 0)"),
    (sp.Symbol("x_1") + sp.Symbol("x_1") * sp.Symbol("x_2"), "bias-free", "exp", "the target is a monomial x^r"),
])
def test_theorem_hypothesis_errors(target, model, act, failing):
    with pytest.raises(HypothesisError) as err:
        theorem_width(target, model, act)
    assert err.value.hypothesis == failing
    assert failing in str(err.value)


def test_seed_hypotheses_name_the_dropped_condition():
    failed = [h.statement for h in seed_hypotheses(as_target(2), "output-bias", "exp") if h.holds is False]
    assert failed == ["the degree-0 condition (k = 0) is imposed: no output bias"]
    failed = [h.statement for h in seed_hypotheses(as_target(2), "bias-free", "square") if h.holds is False]
    assert failed == ["sigma^(0)(0) != 0", "sigma^(1)(0) != 0"]
    assert all(h.holds is None for h in seed_hypotheses(as_target(2), "bias-free", None) if "sigma^" in h.statement)


# -- the proof matrix ------------------------------------------------------------------------------
@pytest.mark.parametrize("n", range(1, 9))
def test_proof_matrix_of_sign_construction_is_hadamard(n):
    A = proof_matrix(sign_network(n))
    assert A.shape == (2**n, 2**n)
    # hand derivation: sum_s prod_{S} s prod_{T} s = sum_s prod_{S xor T} s = 2^n [S = T], so A A^T = 2^n I
    z = np.array(A.to_Matrix().tolist(), dtype=np.int64)
    assert (z @ z.T == 2**n * np.eye(2**n, dtype=np.int64)).all()
    assert A.rank() == 2**n and A.rank_mod() == 2**n and A.has_full_row_rank()
    cert = A.certificate()
    assert cert.rank == 2**n and cert.check()


@pytest.mark.slow
@pytest.mark.parametrize("n", [9, 10])
def test_proof_matrix_full_rank_n9_n10(n):
    A = proof_matrix(sign_network(n))
    assert A.rank() == 2**n and A.rank_mod() == 2**n
    assert A.certificate().check()


def test_proof_matrix_against_sympy_rank():
    rng = random.Random(5)
    for n, m in [(2, 3), (2, 5), (3, 6), (3, 9)]:
        a = [[Fraction(rng.randint(-5, 5), rng.randint(1, 4)) for _ in range(n)] for _ in range(m)]
        A = proof_matrix(Network.single_hidden_layer(a, [1] * m, "exp"))
        rows = proof_rows((1,) * n)
        naive = sp.Matrix([[sp.prod([sp.Rational(aj[h].numerator, aj[h].denominator) for h in range(n) if t[h]])
                            for aj in a] for t in rows])
        assert A.to_Matrix() == naive
        assert A.rank() == naive.rank()


def test_output_bias_proof_matrix_is_subset_zeta():
    # mixed differences: a_T = indicator of a nonempty T; A[S, T] = [S subset T] on S != {}: unitriangular
    n = 3
    subsets = [t for t in itertools.product((0, 1), repeat=n) if any(t)]
    net = Network.single_hidden_layer([list(t) for t in subsets], [1] * len(subsets), "exp", output_bias=1)
    A = proof_matrix(net)
    assert A.model == "output-bias" and A.shape == (7, 7)
    expected = sp.Matrix([[int(all(s <= t for s, t in zip(S, T, strict=True))) for T in subsets]
                          for S in proof_rows((1,) * n, include_empty=False)])
    assert A.to_Matrix() == expected and expected.det() in (1, -1) and A.rank() == 7


@pytest.mark.parametrize("r", [(2,), (3,), (1, 2), (2, 2), (1, 1, 2)])
def test_monomial_proof_matrix_is_tensor_vandermonde(r):
    # RT construction: a_k = r - 2k; A[t, k] = prod_i (r_i - 2 k_i)^(t_i): a Kronecker product of
    # Vandermonde matrices on distinct nodes, so det != 0 and the rank is prod(r_i + 1)
    grid = list(itertools.product(*[range(e + 1) for e in r]))
    net = Network.single_hidden_layer([[e - 2 * k for e, k in zip(r, ks, strict=True)] for ks in grid],
                                      [1] * len(grid), "exp")
    A = proof_matrix(net, exponents=r)
    size = math.prod(e + 1 for e in r)
    assert A.shape == (size, size) == (len(proof_rows(r)), len(grid))
    vand = [sp.Matrix([[(e - 2 * k) ** t for k in range(e + 1)] for t in range(e + 1)]) for e in r]
    det = math.prod(v.det() ** (size // (e + 1)) for v, e in zip(vand, r, strict=True))
    assert abs(det) != 0 and A.rank() == size == A.to_Matrix().rank()


def test_proof_matrix_with_symbols_uses_generic_rank():
    lam = sp.Symbol("lam", positive=True)
    signs = [list(s) for s in itertools.product((-1, 1), repeat=2)]
    net = Network.single_hidden_layer([[lam * v for v in s] for s in signs], [1] * 4, "exp")
    A = proof_matrix(net)
    assert not A.is_rational and A.rank() == 4  # rank over Q(lam)
    with pytest.raises(InvalidInput, match="rational weights"):
        A.rank_mod()


def test_proof_matrix_of_shallow_product_construction():
    shallow_product = pytest.importorskip("symnet.constructions").shallow_product
    for n in (2, 3, 4):
        net = shallow_product(n, "exp").at_scale(sp.Rational(1, 3))
        A = proof_matrix(net)
        assert A.rank() == 2**n and A.certificate().check()


def test_proof_matrix_errors():
    deep = Network.from_layers([([[1, 1], [1, -1]], None, "exp"), ([[1, 1]], None, "exp")], [[1]])
    with pytest.raises(InvalidInput, match="single-hidden-layer"):
        proof_matrix(deep)
    biased = Network.single_hidden_layer([[1, 1]], [1], "exp", hidden_bias=[1])
    with pytest.raises(InvalidInput, match="hidden biases"):
        proof_matrix(biased)
    with_out = Network.single_hidden_layer([[1, 1]], [1], "exp", output_bias=2)
    with pytest.raises(InvalidInput, match="inconsistent with model 'bias-free'"):
        proof_matrix(with_out, model="bias-free")
    plain = sign_network(2)
    with pytest.raises(InvalidInput, match="exponent 1"):
        proof_matrix(plain, exponents=(1, 1.5))
    with pytest.raises(InvalidInput, match="2 inputs"):
        proof_matrix(plain, exponents=(1, 1, 1))
    with pytest.raises(InvalidInput, match="prime"):
        proof_matrix(plain).rank_mod(8)
    with pytest.raises(InvalidInput, match="Network"):
        proof_matrix([[1, 1]])
    with pytest.raises(TooLargeError):
        proof_matrix(plain, exponents=(200, 200))
    assert isinstance(proof_matrix(plain), ProofMatrix)


@given(st.integers(2, 4), st.lists(st.fractions(-3, 3, max_denominator=3).filter(bool), min_size=4, max_size=4))
def test_scaled_sign_networks_meet_conditions_and_have_full_rank(n, scales):
    """x_i -> d_i x_i maps the 2^n network to another one that still matches x_1...x_n (w / prod d)."""
    from symnet.lower_bounds import WitnessCertificate, feasibility

    net = sign_network(n, scales=scales[:n])
    assert WitnessCertificate(as_target(n), "bias-free", net).check()  # this very network, expanded
    cert = feasibility(n, net)                                         # the solve finds output weights too
    assert cert.feasible and cert.check()
    assert proof_matrix(net).has_full_row_rank()


def test_check_proof_on_networks():
    good = check_proof(sign_network(3))
    assert good.conditions_hold and good.rank == 8 and good.full_row_rank and good.claim_holds
    # wrong output weights: the conditions fail (the implication is then vacuous, rank still 8)
    wrong = Network.single_hidden_layer([[1, 1], [1, -1], [-1, 1], [-1, -1]], [1, 1, 1, 1], "exp")
    res = check_proof(wrong)
    assert not res.conditions_hold and res.claim_holds and "does not meet" in str(res)
    # a wider network that meets the conditions (extra neurons with output weight 0): still full row rank
    net = sign_network(2)
    hidden, out = net.layers
    wide = Network.single_hidden_layer([*hidden.weights.tolist(), [2, 3], [5, -1]], [*out.weights, 0, 0], "exp")
    res = check_proof(wide)
    assert res.conditions_hold and res.matrix.shape == (4, 6) and res.rank == 4
    assert res.matrix.certificate().check()
    # monomial: RT's construction for x1^2 x2, checked against rows t <= (2, 1)
    from symnet.lower_bounds import minimal_width

    mono = minimal_width((2, 1), activation="exp").network
    res = check_proof(mono, (2, 1))
    assert res.conditions_hold and res.rank == 6 == res.matrix.shape[0]
    with pytest.raises(InvalidInput, match="monomial target"):
        check_proof(net, sp.Symbol("x_1") + sp.Symbol("x_2"))

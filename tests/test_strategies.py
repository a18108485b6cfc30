"""symnet.strategies: argument validation (InvalidArgument, eagerly, with precise messages), the
derivative guarantees of smooth_activations (checked exactly and numerically), shapes and
options of the matrix and network strategies, and the public facade."""

import mpmath
import pytest
import sympy as sp
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from symnet import activations, strategies
from symnet.activations import VARIABLE as X
from symnet.activations._jets import is_zero
from symnet.network import Network
from symnet.strategies import (
    networks,
    rational_numbers,
    smooth_activations,
    weight_matrices,
)

R = sp.Rational
B = sp.log(2 + sp.sqrt(3))


# -- the facade ----------------------------------------------------------------------------------------

def test_facade_exports_only_public_names():
    assert set(strategies.__all__) == {"ACTIVATION_KINDS", "networks", "rational_numbers", "smooth_activations",
                                       "weight_matrices"}
    public = {n for n in dir(strategies) if not n.startswith("_")}
    # everything else in the module namespace is private (imports are aliased with a leading _),
    # apart from the __future__ feature flag and the documented cap.
    assert public - set(strategies.__all__) <= {"annotations", "MAX_CHECKED_ORDER"}
    for name in ("networks", "rational_numbers", "smooth_activations", "weight_matrices"):
        doc = getattr(strategies, name).__doc__
        assert doc and "Examples" in doc and "Parameters" in doc, name


# -- validation ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"min_value": 1, "max_value": 0}, "min_value=1 is greater than max_value=0"),
        ({"min_value": 0.5}, "min_value=0.5 must be an exact rational"),
        ({"max_value": True}, "max_value=True must be an exact rational"),
        ({"max_value": "2"}, "max_value='2' must be an exact rational"),
        ({"max_denominator": 0}, "max_denominator=0 must be >= 1"),
        ({"max_denominator": 2.0}, "max_denominator=2.0 must be an int"),
        ({"allow_zero": 1}, "allow_zero=1 must be True or False"),
        ({"min_value": R(1, 3), "max_value": R(1, 2), "max_denominator": 1}, "no fraction with denominator <= 1"),
        ({"min_value": 0, "max_value": 0, "allow_zero": False}, "0 is the only candidate"),
    ],
)
def test_rational_numbers_validation(kwargs, fragment):
    with pytest.raises(InvalidArgument, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        rational_numbers(**kwargs)


@pytest.mark.parametrize(
    "args, kwargs, fragment",
    [
        ((0, 3), {}, "rows=0 must be >= 1"),
        ((2, -1), {}, "cols=-1 must be >= 1"),
        ((2.0, 3), {}, "rows=2.0 must be an int"),
        ((True, 3), {}, "rows=True must be an int"),
        ((2, 3), {"elements": [1, 2]}, "elements=[1, 2] must be a Hypothesis strategy"),
    ],
)
def test_weight_matrices_validation(args, kwargs, fragment):
    with pytest.raises(InvalidArgument, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        weight_matrices(*args, **kwargs)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"kinds": ["relu"]}, "kinds contains 'relu'; the kinds are polynomial, exp"),
        ({"kinds": []}, "kinds must not be empty"),
        ({"kinds": "exp"}, "kinds='exp' must be a collection"),
        ({"max_terms": 0}, "max_terms=0 must be between 1 and 8"),
        ({"max_degree": 13}, "max_degree=13 must be between 1 and 12"),
        ({"nonzero_derivatives": [13]}, "an order in nonzero_derivatives=13 must be between 0 and 12"),
        ({"nonzero_derivatives": [-1]}, "must be between 0 and 12"),
        ({"nonzero_derivatives": [2.0]}, "must be an int"),
        ({"nonzero_derivatives": 3}, "nonzero_derivatives=3 must be a collection of orders"),
        ({"min_nonzero_derivatives": 14}, "min_nonzero_derivatives=14 must be between 0 and 13"),
        ({"at": float("nan")}, "at=nan: .* must be finite"),
        ({"at": "b"}, "at='b' must be an exact number, not a string"),
        ({"at": sp.Symbol("b")}, "contains the symbol"),
        ({"at": sp.I}, "real number"),
    ],
)
def test_smooth_activations_validation(kwargs, fragment):
    with pytest.raises(InvalidArgument, match=fragment):
        smooth_activations(**kwargs)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"n_inputs": 0}, "n_inputs=0 must be >= 1"),
        ({"n_outputs": 1.5}, "n_outputs=1.5 must be an int"),
        ({"widths": ()}, r"widths=\(\) must list at least one hidden layer width"),
        ({"widths": 3}, "widths=3 must be a sequence of ints"),
        ({"widths": (2, 0)}, "each width in widths=0 must be >= 1"),
        ({"biases": None}, "biases=None must be True or False"),
        ({"output_bias": "yes"}, "output_bias='yes' must be True or False"),
        ({"weights": [0, 1]}, "must be a Hypothesis strategy"),
        ({"activations": "softmax"}, "activations: unknown activation 'softmax'"),
        ({"activations": ["tanh", "tanh"]}, "activations has 2 entries but there are 1 hidden layers"),
        ({"activations": 3}, "activations=3 must be an Activation"),
        ({"activations": ["tanh"], "widths": (2,)}, None),
    ],
)
def test_networks_validation(kwargs, fragment):
    if fragment is None:
        networks(**kwargs)  # valid
        return
    with pytest.raises(InvalidArgument, match=fragment):
        networks(**kwargs)


def test_bad_draws_from_user_strategies_are_reported():
    once = settings(max_examples=1, phases=[Phase.generate], database=None)

    @once
    @given(weight_matrices(1, 1, elements=st.just(float("nan"))))
    def draws_nan(m):
        pass

    with pytest.raises(InvalidArgument, match="elements must draw exact finite numbers"):
        draws_nan()

    @once
    @given(networks(activations=st.just("tanh")))
    def draws_a_name(net):
        pass

    with pytest.raises(InvalidArgument, match="drew 'tanh', not an Activation"):
        draws_a_name()


# -- numbers and matrices ------------------------------------------------------------------------------------

@given(rational_numbers(min_value=R(-1, 2), max_value=3, max_denominator=5, allow_zero=False))
def test_rational_numbers_respect_their_bounds(r):
    assert isinstance(r, sp.Rational)
    assert R(-1, 2) <= r <= 3 and r.q <= 5 and r != 0


@given(weight_matrices(2, 3))
def test_weight_matrices_shape_and_entries(m):
    assert isinstance(m, sp.ImmutableMatrix) and m.shape == (2, 3)
    assert all(isinstance(v, sp.Rational) and abs(v) <= 2 and v.q <= 4 for v in m)


@given(weight_matrices(3, 1, elements=st.integers(-3, 3)))
def test_weight_matrices_with_custom_elements(m):
    assert m.shape == (3, 1) and all(v.is_Integer and abs(v) <= 3 for v in m)


# -- smooth activations -----------------------------------------------------------------------------------------

def _check_nonzero(sigma, k, at):
    """sigma^(k)(at) != 0 exactly, and mpmath's numeric derivative agrees with the exact value."""
    exact = sigma.derivative(k, at=at)
    assert not is_zero(exact)
    with mpmath.workdps(40):
        point = mpmath.mpf(sp.N(at, 50))
        numeric = mpmath.diff(sigma.mpmath, point, k)
        assert abs(mpmath.mpf(sp.N(exact, 45)) - numeric) < mpmath.mpf(10) ** -20 * max(1, abs(numeric))


@given(smooth_activations(nonzero_derivatives=[2]))
def test_gate_hypothesis_is_guaranteed(sigma):
    _check_nonzero(sigma, 2, 0)


@given(smooth_activations(min_nonzero_derivatives=5))
def test_lower_bound_hypothesis_is_guaranteed(sigma):
    # sigma^(k)(0) != 0 for 0 <= k <= 4: the hypothesis of the 2^n bound for n = 4 (MATH.md sec. 3).
    for k in range(5):
        _check_nonzero(sigma, k, 0)


@given(smooth_activations(nonzero_derivatives=[2, 4], at=R(1, 2), max_terms=2))
def test_guarantee_at_a_rational_point(sigma):
    _check_nonzero(sigma, 2, R(1, 2))
    _check_nonzero(sigma, 4, R(1, 2))


@given(smooth_activations(nonzero_derivatives=[2], at=B, kinds=["exp", "tanh"], max_terms=2))
def test_guarantee_at_an_irrational_point(sigma):
    _check_nonzero(sigma, 2, B)


@given(smooth_activations(kinds=["polynomial"], max_degree=1, nonzero_derivatives=[3]))
def test_repair_terms_when_the_blocks_cannot_satisfy_the_condition(sigma):
    # Polynomials of degree <= 1 (and their products: degree <= 2) have sigma''' = 0, so the
    # strategy must add a term r (x - 0)^3, r != 0; sigma''' = 6 r.
    poly = sp.Poly(sigma.expr, X)
    assert poly.degree() == 3
    assert sigma.derivative(3) == 6 * poly.coeff_monomial(X**3) != 0


@given(smooth_activations(kinds=["tanh"], max_terms=2))
def test_kinds_are_respected(sigma):
    functions = {type(f) for f in sigma.expr.atoms(sp.Function)}
    assert functions == {sp.tanh}


@given(smooth_activations(kinds=["polynomial"], max_degree=2, max_terms=2))
def test_polynomial_kind_gives_polynomials_of_bounded_degree(sigma):
    assert sigma.expr.is_polynomial(X)
    assert 1 <= sp.degree(sigma.expr, X) <= 4  # products of two blocks of degree <= 2


@given(smooth_activations(max_terms=2), rational_numbers(min_value=-3, max_value=3))
def test_random_activations_are_smooth_and_finite(sigma, point):
    assert sigma.is_smooth_at(point)
    assert sigma.expr.free_symbols == {X}
    assert mpmath.isfinite(sigma.mpmath(point))


# -- networks --------------------------------------------------------------------------------------------------------

@given(networks(n_inputs=3, widths=(4, 2), n_outputs=2))
def test_network_shape(net):
    assert isinstance(net, Network)
    assert (net.n_inputs, net.widths, net.n_outputs, net.depth) == (3, (4, 2), 2, 2)
    assert all(not a.is_generic for a in net.activations)
    assert all(v.is_Rational and abs(v) <= 2 for layer in net.layers for v in (*layer.weights, *layer.bias))


@given(networks(biases=False))
def test_bias_free_networks(net):
    assert net.is_bias_free


@given(networks(biases=False, output_bias=True, weights=rational_numbers(min_value=1, max_value=2)))
def test_output_bias_only(net):
    assert all(v == 0 for v in net.layers[0].bias)
    assert all(v != 0 for v in net.layers[-1].bias)


@given(networks(widths=(2, 3), activations=["tanh", activations.get("sigmoid")]))
def test_activations_per_layer(net):
    assert [a.name for a in net.activations] == ["tanh", "sigmoid"]


@given(networks(n_inputs=1, widths=(2,), activations=smooth_activations(nonzero_derivatives=[2], max_terms=1)))
def test_activations_from_a_strategy(net):
    (sigma,) = net.activations
    assert not is_zero(sigma.derivative(2))


@given(networks(activations="generic", weights=rational_numbers(allow_zero=False)))
def test_generic_networks_are_symbolic(net):
    assert net.activations[0].is_generic
    assert net.expression().has(sp.Function("sigma"))

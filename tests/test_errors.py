"""symnet.errors: the hierarchy, the attributes, and that bad input anywhere in the foundation
gives a symnet exception whose message says what, where and what to do -- and nothing else."""

import pickle

import pytest
import sympy as sp

from symnet import activations, errors
from symnet.errors import (
    CertificateError,
    HypothesisError,
    InvalidExpression,
    InvalidInput,
    NotSmoothError,
    PrecisionError,
    ShapeError,
    SymnetError,
    TooLargeError,
    UnknownActivation,
)
from symnet.network import Network


def test_every_public_error_is_a_documented_symnet_error():
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, SymnetError), name
        assert cls.__doc__ and cls.__doc__.strip(), name


@pytest.mark.parametrize(
    "cls, builtin",
    [
        (InvalidInput, ValueError),
        (InvalidExpression, ValueError),
        (ShapeError, ValueError),
        (TooLargeError, ValueError),
        (UnknownActivation, KeyError),
        (HypothesisError, ValueError),
        (NotSmoothError, ArithmeticError),
        (PrecisionError, ArithmeticError),
    ],
)
def test_errors_are_also_the_matching_builtin(cls, builtin):
    assert issubclass(cls, builtin)


def test_input_errors_share_a_base():
    for cls in (InvalidExpression, ShapeError, TooLargeError, UnknownActivation):
        assert issubclass(cls, InvalidInput)
    assert not issubclass(NotSmoothError, InvalidInput)
    assert not issubclass(CertificateError, InvalidInput)


def test_attributes_and_pickling():
    cases = [
        (NotSmoothError("m", activation="relu", point=sp.Integer(0), order=2), {"activation": "relu", "order": 2}),
        (InvalidExpression("m", text="x.y", position=1), {"text": "x.y", "position": 1}),
        (HypothesisError("m", hypothesis="sigma''(b) != 0"), {"hypothesis": "sigma''(b) != 0"}),
    ]
    for err, attrs in cases:
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and str(back) == "m"
        for key, value in attrs.items():
            assert getattr(err, key) == value and getattr(back, key) == value


def test_unknown_activation_prints_like_a_message():
    # KeyError would print repr('...') with quotes; symnet's message is printed as written.
    err = UnknownActivation("unknown activation 'x'")
    assert str(err) == "unknown activation 'x'"
    assert str(UnknownActivation()) == ""


def test_not_smooth_error_says_what_where_and_what_to_do():
    with pytest.raises(NotSmoothError) as info:
        activations.get("relu").derivative(1, at=0)
    message = str(info.value)
    assert "'relu'" in message  # what
    assert "x = 0" in message  # where
    assert "Use a point where it is smooth" in message  # what to do
    assert info.value.point == 0 and info.value.order == 1


# Bad input across the foundation: each call must raise a SymnetError (never a bare TypeError,
# ValueError, KeyError, SympifyError, ...), with a message naming the problem.
BAD_CALLS = [
    (lambda: activations.get("softmax"), UnknownActivation, "softmax"),
    (lambda: activations.get(None), InvalidInput, "str"),
    (lambda: activations.from_expression("x.__class__"), InvalidExpression, "Attribute"),
    (lambda: activations.from_expression("9**9**9"), InvalidExpression, "too large"),
    (lambda: activations.get("relu").derivative(2, at=0), NotSmoothError, "kink"),
    (lambda: activations.get("sigmoid").derivative(2, at=float("nan")), InvalidInput, "finite"),
    (lambda: activations.get("sigmoid").derivative(2, at=sp.I), InvalidInput, "real"),
    (lambda: activations.get("sigmoid").derivative(-2), InvalidInput, "non-negative"),
    (lambda: activations.get("sigmoid").mpmath(None), InvalidInput, "NoneType"),
    (lambda: activations.get("sigmoid").numpy("abc"), InvalidInput, "real numbers"),
    (lambda: activations.generic().numpy([1.0]), InvalidInput, "generic"),
    (lambda: activations.polynomial(None), InvalidInput, "sequence"),
    (lambda: Network.single_hidden_layer([[1, 2], [3]], [1, 1], "tanh"), ShapeError, "row 1"),
    (lambda: Network.single_hidden_layer([[1, float("inf")]], [1], "tanh"), InvalidInput, "finite"),
    (lambda: Network.single_hidden_layer([[1, True]], [1], "tanh"), InvalidInput, "bool"),
    (lambda: Network(None), InvalidInput, "Layer"),
    (lambda: Network.single_hidden_layer([[1]], [1], "tanh").numpy([[1, 2]]), ShapeError, "shape"),
    (lambda: Network.single_hidden_layer([[1]], [1], "tanh").mpmath([float("nan")]), InvalidInput, "finite"),
    (lambda: Network.single_hidden_layer([[1]], [1], "tanh").mpmath([1], dps=10**9), TooLargeError, "limit"),
    (lambda: Network.single_hidden_layer([[1]], [1], "tanh").evaluate(["1+1"]), InvalidInput, "symbol name"),
]


@pytest.mark.parametrize("call, cls, fragment", BAD_CALLS)
def test_bad_input_gives_a_symnet_error(call, cls, fragment):
    with pytest.raises(SymnetError) as info:
        call()
    assert isinstance(info.value, cls)
    assert fragment in str(info.value)

"""The catalogue of named activations, and the constructors for custom ones."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from symnet.activations._activation import VARIABLE, Activation, exact_number
from symnet.activations._numeric import mpmath_step, numpy_step
from symnet.activations._parser import parse_formula
from symnet.errors import InvalidInput, UnknownActivation

__all__ = ["CATALOGUE", "from_expression", "generic", "get", "names", "polynomial"]

x = VARIABLE


def _stable_sigmoid(z: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^-z) has a small relative error for every z: for z << 0, e^-z is large and its
    # relative error carries over; e^-z overflows to inf only where sigma(z) < 1e-308 (result 0)
    with np.errstate(over="ignore"):
        out = np.exp(np.negative(z))
    out += 1.0
    return np.reciprocal(out, out=out)


#: Above this argument e^z overflows float64 (e^709.78 = 1.8e308).
_EXP_SAFE = 700.0


def _stable_softplus(z: np.ndarray) -> np.ndarray:
    # log1p(e^z) has a relative error of a few ulps wherever e^z does not overflow (for z << 0 it
    # is e^z (1 + O(e^z)), with no cancellation); past that, max(z, 0) + log1p(e^-|z|).
    # Both are ~2.5x faster than np.logaddexp(0, z); the first skips the abs/max passes.
    if z.size == 0 or z.max() <= _EXP_SAFE:  # NaN compares False: takes the general branch
        out = np.exp(z)
        return np.log1p(out, out=out)
    out = np.negative(np.abs(z))
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(z, 0.0)
    return out


def _stable_silu(z: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        out = z * _stable_sigmoid(z)
    return np.where(z == -np.inf, 0.0, out)  # the limit, not -inf * 0 = nan


def _stable_gelu(z: np.ndarray) -> np.ndarray:
    # x/2 (1 + erf(x/sqrt 2)) = x/2 erfc(-x/sqrt 2): no cancellation for x << 0
    from scipy.special import erfc

    with np.errstate(invalid="ignore"):
        out = 0.5 * z * erfc(-z / np.sqrt(2.0))
    return np.where(z == -np.inf, 0.0, out)  # the limit, not -inf * erfc(inf) = -inf * 0 = nan


def _stable_elu(z: np.ndarray) -> np.ndarray:
    # exp(x) - 1 = expm1(x): no cancellation near 0
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


def _step(z: np.ndarray) -> np.ndarray:
    return numpy_step(z, 0.0)  # H(0) = 0, as in the formula Heaviside(x, 0)


def _mp_step(z: Any) -> Any:
    return mpmath_step(z, 0)


def _mp_softplus(z: Any) -> Any:
    # log(1 + e^z) = max(z, 0) + log1p(e^-|z|): relative accuracy also for z << 0
    return max(z, 0) + mpmath.log1p(mpmath.exp(-abs(z)))


def _mp_gelu(z: Any) -> Any:
    return z / 2 * mpmath.erfc(-z / mpmath.sqrt(2))


def _mp_elu(z: Any) -> Any:
    return z if z > 0 else mpmath.expm1(z)


# name -> (formula, description, stable numpy implementation or None)
CATALOGUE: dict[str, tuple[sp.Expr, str, Any]] = {
    "sigmoid": (1 / (1 + sp.exp(-x)), "logistic sigmoid 1/(1+e^-x)", _stable_sigmoid),
    "tanh": (sp.tanh(x), "hyperbolic tangent", None),
    "softplus": (sp.log(1 + sp.exp(x)), "softplus log(1+e^x)", _stable_softplus),
    "exp": (sp.exp(x), "exponential e^x", None),
    "silu": (x / (1 + sp.exp(-x)), "SiLU / swish x*sigmoid(x)", _stable_silu),
    "gelu": (x / 2 * (1 + sp.erf(x / sp.sqrt(2))), "GELU x*Phi(x), erf form", _stable_gelu),
    "elu": (sp.Max(x, 0) + sp.exp(sp.Min(x, 0)) - 1, "ELU with alpha = 1 (C^1, kink in sigma'' at 0)", _stable_elu),
    "relu": (sp.Max(x, 0), "rectified linear unit max(x, 0) (kink at 0)", None),
    # The threshold unit of [RT] Sec. III B and seed 003's "(x0 + x1 - 1.5 > 0)": H(0) = 0, so
    # that heaviside(z) = [z > 0] (the symnet.logic gates are built on this convention).
    "heaviside": (sp.Heaviside(x, 0), "Heaviside step [x > 0]: 1 for x > 0, 0 for x <= 0 (H(0) = 0; "
                  "threshold unit, jump at 0: no derivative there)", _step),
    "cos": (sp.cos(x), "cosine", None),
    "square": (x**2, "the polynomial x^2 (counterexample to the lower bound, MATH.md sec. 3)", None),
    "cube": (x**3, "the polynomial x^3", None),
}


# name -> mpmath implementation free of the cancellation of the formula (1 + erf(x) for x << 0,
# log(1 + tiny), exp(x) - 1 near 0), so that results are accurate to the working precision.
_MPMATH_FUNCTIONS: dict[str, Any] = {"softplus": _mp_softplus, "gelu": _mp_gelu, "elu": _mp_elu,
                                     "heaviside": _mp_step}


def names() -> tuple[str, ...]:
    """The names of the catalogue, in catalogue order."""
    return tuple(CATALOGUE)


def get(name: str) -> Activation:
    """Look up an activation of the catalogue by name.

    Examples
    --------
    >>> from symnet.activations import get
    >>> get("sigmoid").derivative(1)
    1/4
    >>> get("softmax")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symnet.errors.UnknownActivation: unknown activation 'softmax'; the catalogue has: sigmoid, tanh, ...
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise InvalidInput(f"an activation name must be a str, got {type(name).__name__}")
    key = name.strip().lower()
    if key in ("generic", "sigma"):
        return generic()
    if key not in CATALOGUE:
        raise UnknownActivation(
            f"unknown activation {name!r}; the catalogue has: {', '.join(CATALOGUE)} "
            "(or use generic(), polynomial(...), from_expression(...))"
        )
    expr, description, fn = CATALOGUE[key]
    return Activation(key, expr, description, fn, _MPMATH_FUNCTIONS.get(key))


_GENERIC = Activation("sigma", None, "generic smooth activation: derivatives stay symbols sigma^(k)(b)")


def generic() -> Activation:
    """The generic activation: derivatives are the symbols sigma^(k)(b), so results hold for all.

    Examples
    --------
    >>> from symnet.activations import generic
    >>> generic().derivative(2, at="b")
    sigma^(2)(b)
    """
    return _GENERIC


def from_expression(text: str, name: str | None = None) -> Activation:
    """An activation from a formula in ``x``, parsed by a whitelist (never ``eval``).

    Examples
    --------
    >>> from symnet.activations import from_expression
    >>> a = from_expression("log(1 + exp(x))", name="my-softplus")
    >>> a.derivative(2)
    1/4
    >>> from_expression("__import__('os')")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symnet.errors.InvalidExpression: formula "__import__('os')": unknown function '__import__' at column 0. ...
    """
    expr = parse_formula(text, VARIABLE)
    if name is None:
        name = text.strip()
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(f"the activation name must be a non-empty str, got {name!r}")
    return Activation(name, sp.sympify(expr), f"user formula {text.strip()}")


def polynomial(coefficients: Sequence[Any], name: str | None = None) -> Activation:
    """The polynomial activation sigma(x) = sum_k coefficients[k] x^k (exact coefficients).

    Examples
    --------
    >>> from symnet.activations import polynomial
    >>> p = polynomial([0, 1, 1, 1])
    >>> p.expr, p.derivative(3)
    (x**3 + x**2 + x, 6)
    """
    if isinstance(coefficients, (str, bytes)) or not isinstance(coefficients, Sequence):
        raise InvalidInput("polynomial() needs a sequence of coefficients c_0, c_1, ..., c_d")
    if len(coefficients) == 0:
        raise InvalidInput("polynomial() needs at least one coefficient")
    cs = [exact_number(c, f"polynomial coefficient {k}") for k, c in enumerate(coefficients)]
    expr = sp.Add(*[c * x**k for k, c in enumerate(cs)])
    if name is None:
        name = f"poly({', '.join(map(str, cs))})"
    return Activation(name, expr, f"polynomial {expr}")


def _restore(name: str, expr: sp.Expr | None, description: str) -> Activation:
    if expr is None:
        return generic()
    if name in CATALOGUE and CATALOGUE[name][0] == expr:
        return get(name)
    return Activation(name, expr, description)

"""The Taylor polynomial at 0 of a single-hidden-layer network, by explicit expansion.

``N(x) = c + sum_j w_j sigma(a_j . x + b_j)`` has, through total degree d, the Taylor polynomial

    c + sum_j w_j sum_{k <= d} sigma^(k)(b_j) (a_j . x)^k / k!

computed here by multiplying out the powers (a_j . x)^k, with the activation's exact derivatives:
in python-flint's ``fmpq_mpoly`` when the hidden weights are rational and the output weights are
rational multiples of one number (any derivative values, even symbolic), otherwise in sympy's
sparse polynomial ring (the polys layer) over the domain the numbers need. This is the independent route the
witness certificates use: it shares no code with the monomial-by-monomial matrices of
:mod:`._conditions` (which use the multinomial formula).
"""

from __future__ import annotations

import math
from typing import Any

import flint
import sympy as sp
from sympy.polys.constructor import construct_domain
from sympy.polys.rings import ring

from symnet.errors import InvalidInput
from symnet.network import Network

__all__ = ["single_hidden_layer_parts", "taylor_polynomial"]


def single_hidden_layer_parts(network: Network, what: str = "this computation") -> tuple:
    """(A rows a_j, hidden biases b_j, activation, output weights w_j, output bias c) of a network.

    Raises :class:`InvalidInput` unless the network has one hidden layer and one output.
    """
    if not isinstance(network, Network):
        raise InvalidInput(f"{what} needs a symnet Network, got {type(network).__name__}")
    if network.depth != 1:
        raise InvalidInput(f"{what} needs a single-hidden-layer network; this one has {network.depth} hidden "
                           "layers (the rank conditions of MATH.md sec. 3 are about one hidden layer)")
    if network.n_outputs != 1:
        raise InvalidInput(f"{what} needs a network with one output; this one has {network.n_outputs}")
    hidden, out = network.layers
    a = tuple(tuple(row) for row in hidden.weights.tolist())
    b = tuple(hidden.bias)
    w = tuple(out.weights.row(0))
    return a, b, hidden.activation, w, out.bias[0]


def taylor_polynomial(network: Network, degree: int) -> dict[tuple[int, ...], sp.Expr]:
    """The coefficients {alpha: N_alpha} of the network's Taylor polynomial at 0 through ``degree``.

    Examples
    --------
    >>> from symnet.network import Network
    >>> from symnet.lower_bounds._expansion import taylor_polynomial
    >>> net = Network.single_hidden_layer([[1, 1], [1, -1]], [1, -1], "square")
    >>> taylor_polynomial(net, 2)
    {(1, 1): 4}
    """
    a, b, act, w, c = single_hidden_layer_parts(network, "taylor_polynomial")
    n = network.n_inputs
    derivs = {bj: act.derivatives(degree, bj) for bj in set(b)}
    values = [v for row in a for v in row] + list(w) + [c] + [v for ds in derivs.values() for v in ds]
    beta = next((v for v in w if v != 0), sp.S.One)
    ratios = [sp.sympify(v / beta) for v in w]
    if all(sp.sympify(v).is_Rational for row in a for v in row) and all(r.is_Rational for r in ratios):
        return _factored_expansion(n, a, b, derivs, ratios, beta, c, degree)
    dom, _ = construct_domain([sp.sympify(v) for v in values], field=True)
    R, *xs = ring([f"x{i}" for i in range(n)], dom)
    conv = dom.from_sympy
    total = R(conv(c))
    for j, row in enumerate(a):
        if w[j] == 0:
            continue
        lin = R.zero
        for i, v in enumerate(row):
            if v != 0:
                lin += xs[i] * conv(v)
        coeffs = [conv(sp.sympify(derivs[b[j]][k]) / math.factorial(k)) for k in range(degree + 1)]
        power = R.one
        acc = R.zero
        for k in range(degree + 1):
            if coeffs[k] != dom.zero:
                acc += power * coeffs[k]
            if k < degree:
                power = power * lin
        total += acc * conv(w[j])
    out = {}
    for mono, coeff in total.terms():
        val = dom.to_sympy(coeff)
        if val != 0:
            out[tuple(int(e) for e in mono)] = val
    return dict(sorted(out.items()))


def _q(v: Any) -> flint.fmpq:
    v = sp.Rational(v)
    return flint.fmpq(int(v.p), int(v.q))


def _factored_expansion(n, a, b, derivs, ratios, beta, c, degree) -> dict[tuple[int, ...], sp.Expr]:
    """Rational hidden weights and w_j = beta r_j with rational r_j (beta may be irrational or symbolic).

    Per operating point b and degree k, P_{b,k} = sum_j r_j (a_j . x)^k is expanded in python-flint's
    ``fmpq_mpoly``; then N = c + sum_{b,k} beta sigma^(k)(b) / k! P_{b,k}, with exact sympy numbers
    only on the coefficients.
    """
    ctx = flint.fmpq_mpoly_ctx.get((f"x{n}_", n), "deglex")
    zero = ctx.from_dict({})
    parts: dict = {}
    for j, row in enumerate(a):
        if ratios[j] == 0:
            continue
        lin = ctx.from_dict({tuple(int(i == t) for t in range(n)): _q(v) for i, v in enumerate(row) if v != 0})
        acc = parts.setdefault(b[j], [zero] * (degree + 1))
        power = ctx.from_dict({(0,) * n: _q(ratios[j])})
        for k in range(degree + 1):
            acc[k] = acc[k] + power
            if k < degree:
                power = power * lin
    out: dict[tuple[int, ...], sp.Expr] = {}
    if c != 0:
        out[(0,) * n] = sp.sympify(c)
    for bj, acc in parts.items():
        for k, poly in enumerate(acc):
            factor = beta * sp.sympify(derivs[bj][k]) / math.factorial(k)
            if factor == 0:
                continue
            for mono, v in poly.to_dict().items():
                key = tuple(int(e) for e in mono)
                out[key] = out.get(key, sp.S.Zero) + factor * sp.Rational(int(v.p), int(v.q))
    return {key: val for key, val in sorted(out.items()) if val != 0}

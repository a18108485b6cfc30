"""Explicit expansion of a network in powers of its scale lam (any depth, exact).

The route (``MATH.md`` section 0 conventions; DESIGN.md "Exact first"):

1. Every weight and bias is expanded as a Laurent series in lam (they are rational in lam,
   e.g. ``lam`` in the first layer and ``mu = 1 / (4 lam^2 sigma''(b))`` in the output layer).
2. A backward pass fixes how many powers of lam each layer must carry: to know the output
   through ``lam^order``, a hidden output ``h_i`` reached by a weight of valuation ``v`` is
   needed through ``lam^(order - v)`` (``lam^(order+2)`` behind ``mu``).
3. A forward pass computes each pre-activation ``z = W h + b`` as a truncated series and each
   hidden output as ``sigma(z) = sum_k sigma^(k)(c) t^k / k!``, where ``c`` is the constant term
   of ``z`` (it must not depend on the inputs) and ``t = z - c = O(lam)``; the derivatives are
   the activation's exact ones (``Activation.derivatives``), symbols ``sigma^(k)(c)`` for the
   generic activation. Deep networks are the composition of these truncated series, layer by
   layer.

All arithmetic is in :class:`~symnet.series._algebra.Algebra` (python-flint ``fmpq_mpoly`` over
QQ, sympy's ``PolyElement`` over algebraic fields), never in ``Expr`` trees or ``series()``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import sympy as sp

from symnet._validation import nonnegative_int
from symnet.activations._jets import canon
from symnet.errors import InvalidInput, ShapeError
from symnet.network import Network
from symnet.series._algebra import Algebra
from symnet.series._laurent import LamSeries, add_all, laurent_coefficients
from symnet.series._single_layer import expand_single_layer, taylor_at_limit, weight_series

__all__ = ["check_order", "check_variables", "expand_network", "series_terms"]

#: Largest order of lam symnet expands to (derivatives beyond MAX_ORDER are refused anyway).
MAX_SERIES_ORDER = 200


def check_order(order: Any) -> int:
    """The highest power of lam asked for: an int in ``0..MAX_SERIES_ORDER``, else InvalidInput."""
    return nonnegative_int(order, "the order (the highest power of lam)", maximum=MAX_SERIES_ORDER)


def check_variables(variables: Any, count: int, what: str) -> tuple[sp.Symbol, ...]:
    if isinstance(variables, (str, bytes)) or not isinstance(variables, Sequence):
        raise InvalidInput(f"variables must be a sequence of sympy Symbols, got {type(variables).__name__}")
    variables = tuple(variables)
    if len(variables) != count:
        raise ShapeError(f"{what} takes {count} inputs, but {len(variables)} variables were given")
    for v in variables:
        if not isinstance(v, sp.Symbol):
            raise InvalidInput(f"variables must be sympy Symbols, got {v!r}")
    if len(set(variables)) != len(variables):
        raise InvalidInput(f"variables must be distinct, got {variables}")
    return variables


def _needs(network: Network, vals: list, order: int) -> list[list[int | None]]:
    """Backward pass: ``needs[l][i]`` = highest power of lam needed of input ``i`` of layer ``l``.

    ``needs[L]`` (one past the output layer) is ``order`` for every output. ``None`` marks an
    input nobody uses.
    """
    layers = network.layers
    needs: list[list[int | None]] = [[] for _ in range(len(layers) + 1)]
    needs[len(layers)] = [order] * network.n_outputs
    for k in range(len(layers) - 1, -1, -1):
        layer = layers[k]
        out = needs[k + 1]
        row_need = [max(0, n) if n is not None else None for n in out]
        need_in: list[int | None] = []
        for i in range(layer.fan_in):
            cands = [row_need[j] - vals[k][j][i] for j in range(layer.width)
                     if row_need[j] is not None and vals[k][j][i] is not None]
            need_in.append(max(cands) if cands else None)
        needs[k] = need_in
    return needs


def _constant_term(alg: Algebra, z: LamSeries, where: str) -> sp.Expr:
    """The limit of a pre-activation as lam -> 0 (checked: finite and free of the inputs)."""
    for p in range(z.val, 0):
        c = alg.drop_numeric_zeros(z.coefficient(p), z.den)
        if not alg.is_zero(c):
            term = canon(alg.to_expr(c) / alg.to_expr(z.den))
            raise InvalidInput(
                f"{where}: the pre-activation diverges as lam -> 0 (its lam^{p} coefficient is {term}); "
                "the expansion in lam needs every pre-activation to tend to a constant"
            )
    c0 = alg.drop_numeric_zeros(z.coefficient(0), z.den)
    if not alg.is_input_free(c0):
        limit = canon(alg.to_expr(c0) / alg.to_expr(z.den))
        raise InvalidInput(
            f"{where}: the pre-activation tends to {limit} as lam -> 0, which depends on the inputs; "
            "the expansion in lam needs every pre-activation to tend to a constant (scale the "
            "inputs by lam in the first layer)"
        )
    return canon(alg.to_expr(c0) / alg.to_expr(z.den))


def _hidden_layer(alg: Algebra, layer_no: int, activation, zs: list, needs: list) -> tuple[Algebra, list]:
    """Apply the activation to each pre-activation series: ``sigma(c + t)`` by Taylor's formula."""
    plans = []
    consts: list[sp.Expr] = []
    taylor_at: dict = {}
    for j, z in enumerate(zs):
        if z is None:
            plans.append(None)
            continue
        where = f"hidden layer {layer_no}, neuron {j + 1}"
        point = _constant_term(alg, z, where)
        t = LamSeries(alg, z.val, [alg.zero if z.val + i == 0 else c for i, c in enumerate(z.coeffs)],
                      z.den, z.prec).normalised()
        need = needs[j]
        vt = t.valuation
        kmax = 0 if vt > need else int(need // vt)
        if (point, kmax) not in taylor_at:
            taylor_at[point, kmax] = taylor_at_limit(activation, point, kmax, where, need)
            consts += taylor_at[point, kmax]
        taylor = taylor_at[point, kmax]
        plans.append((t, taylor, need))
    alg = alg.extend(consts)
    out = []
    for plan in plans:
        if plan is None:
            out.append(None)
            continue
        t, taylor, need = plan
        t = t.to(alg)
        terms = []
        power = LamSeries.exact(alg, alg.one)
        for k, c in enumerate(taylor):
            if k:
                power = power.mul(t, cap=need)
            if c == 0:
                continue
            num, den = alg.fraction(c)
            terms.append(power.scaled(num, den))
        h = add_all(terms, alg, prec=min(need, t.prec))
        out.append(h)
    return alg, out


def expand_network(network: Network, order: int, scale: sp.Symbol,
                   variables: Sequence[sp.Symbol]) -> tuple[Algebra, list[LamSeries]]:
    """The outputs of ``network`` as series in ``scale`` through ``scale^order`` (internal form)."""
    if not isinstance(network, Network):
        raise InvalidInput(f"expected a Network, got {type(network).__name__}")
    if not isinstance(scale, sp.Symbol):
        raise InvalidInput(f"the scale must be a sympy Symbol, got {scale!r}")
    free = network.free_symbols
    if scale not in free:
        raise InvalidInput(
            f"the scale {scale} does not appear in the network's weights (its symbols: "
            f"{', '.join(sorted(map(str, free))) or 'none'}); pass scale=<the symbol> to say which "
            "symbol is the input scale"
        )
    clash = set(variables) & free
    if clash:
        raise InvalidInput(f"the variables {sorted(map(str, clash))} also appear in the network's weights")
    fast = expand_single_layer(network, order, scale, variables)  # power sums (single hidden layer)
    if fast is not None:
        return fast
    layers = network.layers
    # Laurent expansions of every entry (valuation first; non-polynomial ones are refined below).
    expansions = []
    vals = []
    for layer in layers:
        rows, rvals = [], []
        for j in range(layer.width):
            row, rv = [], []
            for i in range(layer.fan_in):
                e = laurent_coefficients(layer.weights[j, i], scale, -math.inf)
                row.append(e)
                rv.append(e[0] if (e[1] or not e[2]) else None)
            rows.append(row)
            rvals.append(rv)
        expansions.append(rows)
        vals.append(rvals)
    needs = _needs(network, vals, order)

    alg = Algebra(variables)
    hs: list = [LamSeries.exact(alg, g) for g in alg.gens[: len(variables)]]
    for li, layer in enumerate(layers):
        out_need = [max(0, n) if n is not None else None for n in needs[li + 1]]
        w_exp, b_exp = {}, {}
        consts: list[sp.Expr] = []
        for j in range(layer.width):
            if out_need[j] is None:
                continue
            for i in range(layer.fan_in):
                if vals[li][j][i] is None or hs[i] is None:
                    continue
                e = expansions[li][j][i]
                if not e[2]:
                    e = laurent_coefficients(layer.weights[j, i], scale, out_need[j])
                w_exp[j, i] = e
                consts += e[1]
            e = laurent_coefficients(layer.bias[j], scale, out_need[j])
            b_exp[j] = e
            consts += e[1]
        alg = alg.extend(consts)
        hs = [h.to(alg) if h is not None else None for h in hs]
        memo: dict = {}

        def layer_series(expansion: tuple, prec: int, alg: Algebra = alg, memo: dict = memo) -> LamSeries:
            key = (expansion[0], tuple(expansion[1]), expansion[2], prec if not expansion[2] else None)
            if key not in memo:
                memo[key] = weight_series(alg, expansion, prec)
            return memo[key]

        zs: list = []
        for j in range(layer.width):
            if out_need[j] is None:
                zs.append(None)
                continue
            parts = [layer_series(b_exp[j], out_need[j])]
            for i in range(layer.fan_in):
                if (j, i) in w_exp:
                    parts.append(layer_series(w_exp[j, i], out_need[j]).mul(hs[i], cap=out_need[j]))
            zs.append(add_all(parts, alg, prec=out_need[j]))
        if layer.activation is None:
            return alg, zs
        alg, hs = _hidden_layer(alg, li + 1, layer.activation, zs, out_need)
    raise AssertionError("unreachable: the last layer is linear")  # pragma: no cover


def series_terms(alg: Algebra, s: LamSeries, order: int) -> dict[int, dict[tuple[int, ...], sp.Expr]]:
    """``{power: {input exponents: coefficient}}`` of the nonzero coefficients through ``lam^order``."""
    out: dict[int, dict] = {}
    if s.is_zero:
        return out
    den_expr = alg.to_expr(s.den)
    for p in range(s.val, order + 1):
        c = alg.drop_numeric_zeros(s.coefficient(p), s.den)
        if alg.is_zero(c):
            continue
        out[p] = {mono: alg.to_expr(q) / den_expr for mono, q in alg.by_input_monomial(c).items()}
    return out

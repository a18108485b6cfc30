"""Fast explicit expansion of a single-hidden-layer network: power sums of linear forms.

For a network with one hidden layer whose input weights are ``lam^V`` times rationals,

    N(x) = c(lam) + sum_j w_j(lam) sigma(b_j + lam^V a_j . x),     a_j in Q^n, V >= 1,

Taylor's formula at the operating points ``b_j`` (``MATH.md`` sections 0-2) gives

    N(x) = c(lam) + sum_j w_j(lam) sum_k sigma^(k)(b_j) lam^(V k) (a_j . x)^k / k!.

Neurons with the same bias and the same output weight up to a rational factor,
``w_j = r_j omega``, share ``sigma^(k)(b)`` and ``omega``; together they contribute
``omega sum_k sigma^(k)(b) lam^(V k) S_k(x) / k!`` with the *power sums*
``S_k(x) = sum_j r_j (a_j . x)^k``. For the 2^n formula (one group, r_j = +-2^(-n)) this is
``2^(-n) sum_s (prod s) (s . x)^k``, the identity behind the closed form of ``MATH.md`` section 2.

The power sums are computed exactly (python-flint ``fmpq_mpoly``) on a trie of the rows a_j,
one input at a time. With ``E(x) = sum_j r_j exp(a_j . x)`` truncated at total degree K (its
degree-k part is ``S_k / k!``) and ``exp(a_j . x) = exp(a_j1 x_1) exp(a_j2 x_2 + ... )``, the
neurons below a trie node (equal leading coordinates a_j1..a_jl) are summed first, over the
trailing coordinates, and the factors ``exp(a_j1 x_1) ... exp(a_jl x_l)`` are applied once to that
sum. The 2^n sign vectors share as much as rows can: the trie has 2^l nodes at depth l, and the
1024 neurons of n = 10 through degree 12 take about half a second, where expanding every
neuron's powers separately (the general route, :mod:`symnet.series._expand`) takes about 7 s at
n = 8 and grows about 7x per step of n (``benchmarks/expand_network.py``).

Any network outside this shape (deep, hidden weights not ``rational * lam^V`` with a common
V >= 1, biases depending on lam) is left to the general route: :func:`expand_single_layer`
returns ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import flint
import sympy as sp

from symnet.activations._jets import canon
from symnet.errors import NotSmoothError
from symnet.network import Network
from symnet.series._algebra import Algebra
from symnet.series._laurent import LamSeries, add_all, laurent_coefficients

__all__ = ["expand_single_layer", "power_sums", "taylor_at_limit", "weight_series"]


def _fmpq(v: Any) -> flint.fmpq:
    if isinstance(v, flint.fmpq):
        return v
    q = sp.Rational(v)
    return flint.fmpq(int(q.p), int(q.q))


def power_sums(rows: Sequence[Sequence[Any]], weights: Sequence[Any], degree: int, ctx: Any,
               gens: Sequence[Any] | None = None) -> list:
    """``[S_0, ..., S_degree]`` with ``S_k = sum_j weights[j] (rows[j] . x)^k``, exactly.

    Parameters
    ----------
    rows : sequence of sequences of rationals
        The a_j (all of the same length n; entries anything ``flint.fmpq`` accepts).
    weights : sequence of rationals
        The r_j.
    degree : int
        The highest k.
    ctx : flint.fmpq_mpoly_ctx
        The polynomial ring of the result.
    gens : sequence of fmpq_mpoly, optional
        The generators standing for x_1..x_n (default: the first n generators of ``ctx``).

    Examples
    --------
    >>> import flint
    >>> from symnet.series._single_layer import power_sums
    >>> ctx = flint.fmpq_mpoly_ctx.get(("u", "v"), "lex")
    >>> [str(s) for s in power_sums([(1, 1), (1, -1), (-1, 1), (-1, -1)], [1, -1, -1, 1], 2, ctx)]
    ['0', '0', '8*u*v']
    """
    q_rows = [tuple(_fmpq(v) for v in row) for row in rows]
    q_weights = [_fmpq(w) for w in weights]
    n = len(q_rows[0]) if q_rows else 0
    xs = list(ctx.gens()[:n]) if gens is None else list(gens)
    zero = ctx.from_dict({})

    def linear_form(row: tuple, start: int) -> Any:
        out = zero
        for i in range(start, n):
            if row[i]:
                out = out + xs[i] * row[i]
        return out

    def node(idx: list[int], level: int) -> list:
        """Homogeneous parts ``[H_0..]`` of ``sum_{j in idx} r_j exp(a_j . x)`` in x_level..x_n."""
        if level == n:
            total = sum((q_weights[j] for j in idx), flint.fmpq(0))
            return [ctx.constant(total)] if total else []
        if len(idx) == 1:  # one neuron left: its powers directly
            j = idx[0]
            if not q_weights[j]:
                return []
            lin = linear_form(q_rows[j], level)
            p = ctx.constant(q_weights[j])
            out = [p]
            if lin.is_zero():
                return out
            for d in range(1, degree + 1):
                p = p * lin / d
                out.append(p)
            return out
        groups: dict[Any, list[int]] = {}
        for j in idx:
            groups.setdefault(q_rows[j][level], []).append(j)
        parts: list = [None] * (degree + 1)
        for value, sub in groups.items():
            child = node(sub, level + 1)
            if not child:
                continue
            shifts = [ctx.constant(1)] if not value else None
            if shifts is None:  # (value x_level)^k / k!
                shifts, mono, q = [], ctx.constant(1), flint.fmpq(1)
                for k in range(degree + 1):
                    if k:
                        mono = mono * xs[level]
                        q = q * value / k
                    shifts.append(mono * q)
            for k, shift in enumerate(shifts):
                for e in range(min(len(child), degree + 1 - k)):
                    if child[e].is_zero():
                        continue
                    term = child[e] * shift if k else child[e]
                    if parts[e + k] is None:
                        parts[e + k] = term if k else term * 1  # a copy: iadd below must not touch child
                    else:
                        parts[e + k].iadd(term)
        out = [zero if p is None else p for p in parts]
        while out and out[-1].is_zero():
            out.pop()
        return out

    h = node(list(range(len(q_rows))), 0) if q_rows else []
    return [h[k] * math.factorial(k) if k < len(h) else zero for k in range(degree + 1)]


def weight_series(alg: Algebra, expansion: tuple[int, list[sp.Expr], bool], prec: float) -> LamSeries:
    """A weight's Laurent expansion ``(valuation, coefficients, exact)`` as a :class:`LamSeries`.

    Exact expansions stay exact; others are truncated at ``lam^prec``. Shared by this module and
    the general route (:mod:`symnet.series._expand`).
    """
    val, coeffs, exact = expansion
    parts = []
    for k, c in enumerate(coeffs):
        if c == 0:
            continue
        num, den = alg.fraction(c)
        parts.append(LamSeries(alg, val + k, [num], den, math.inf))
    total = add_all(parts, alg)
    return total if exact else total.truncated(prec)


def taylor_at_limit(activation: Any, point: sp.Expr, kmax: int, where: str, need: int) -> list[sp.Expr]:
    """The Taylor coefficients ``sigma^(k)(point) / k!``, ``k <= kmax``, at a pre-activation's limit.

    A :class:`~symnet.errors.NotSmoothError` is re-raised naming the neuron (``where``) and the
    power of lam (``need``) that required the derivatives.
    """
    try:
        derivs = activation.derivatives(kmax, at=point)
    except NotSmoothError as err:
        raise NotSmoothError(
            f"{err} (needed: sigma^(k) for k <= {kmax} at the pre-activation limit of {where}, "
            f"to expand through lam^{need})",
            activation=err.activation, point=err.point, order=err.order,
        ) from None
    return [d / sp.factorial(k) for k, d in enumerate(derivs)]


def _hidden_rows(weights: sp.ImmutableMatrix, scale: sp.Symbol) -> tuple[int, list[tuple]] | None:
    """``(V, rows)`` when every weight is ``rational * scale^V`` (common V >= 1) or 0, else None."""
    seen: dict = {}
    power = None
    rows = []
    for j in range(weights.rows):
        row = []
        for i in range(weights.cols):
            w = weights[j, i]
            if w not in seen:
                if w == 0:
                    seen[w] = (None, sp.Integer(0))
                else:
                    coeff, exponent = w.as_coeff_exponent(scale)
                    if not (coeff.is_Rational and exponent.is_Integer and exponent >= 1):
                        return None
                    seen[w] = (int(exponent), coeff)
            v, c = seen[w]
            if v is not None:
                if power is None:
                    power = v
                elif v != power:
                    return None
            row.append(c)
        rows.append(tuple(row))
    if power is None:
        return None
    return power, rows


def expand_single_layer(network: Network, order: int, scale: sp.Symbol,
                        variables: Sequence[sp.Symbol]) -> tuple[Algebra, list[LamSeries]] | None:
    """The outputs of a single-hidden-layer network through ``scale^order``, or None if it does not apply.

    Same result (and internal form) as :func:`symnet.series._expand.expand_network`, which
    calls it first; see the module docstring for the formula.
    """
    if len(network.layers) != 2:
        return None
    hidden, output = network.layers
    activation = hidden.activation
    if activation is None or any(b.has(scale) for b in hidden.bias):
        return None
    parsed = _hidden_rows(hidden.weights, scale)
    if parsed is None:
        return None
    power, rows = parsed
    points = [canon(b) for b in hidden.bias]

    # group the neurons of each output by (omega, bias): w_kj = r_kj * omega
    plans = []  # per output: (bias expansion, [(omega expansion, point, K, [j], [r_j])])
    consts: list[sp.Expr] = []
    derivs_needed: dict = {}
    for k in range(output.width):
        groups: dict = {}
        for j in range(output.fan_in):
            w = output.weights[k, j]
            if w == 0:
                continue
            r, omega = w.as_coeff_Mul()
            if not r.is_Rational:
                r, omega = sp.Integer(1), w
            groups.setdefault((omega, points[j]), ([], []))
            groups[omega, points[j]][0].append(j)
            groups[omega, points[j]][1].append(r)
        group_plans = []
        for (omega, point), (members, rs) in groups.items():
            val = laurent_coefficients(omega, scale, -math.inf)[0]
            if val > order:
                continue  # contributes beyond lam^order only
            expansion = laurent_coefficients(omega, scale, order)
            consts += expansion[1]
            need = order - val
            kmax = need // power
            if kmax >= derivs_needed.get(point, (-1,))[0]:
                derivs_needed[point] = (kmax, members[0], need)
            group_plans.append((expansion, point, kmax, need, members, rs))
        bias = laurent_coefficients(output.bias[k], scale, order)
        consts += bias[1]
        plans.append((bias, group_plans))

    taylor: dict = {}
    for point, (kmax, first, need) in derivs_needed.items():
        taylor[point] = taylor_at_limit(activation, point, kmax, f"hidden layer 1, neuron {first + 1}", need)
        consts += taylor[point]

    alg = Algebra(variables).extend(consts)
    if alg.flint:
        ctx, gens = alg._ctx, alg.gens[: len(variables)]
    else:  # algebraic ground field: power sums over QQ, then converted
        ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(max(len(variables), 1))), "lex")
        gens = None

    def to_alg(p: Any) -> Any:
        if alg.flint:
            return p
        width = alg._width
        return alg._from_dict({tuple(e) + (0,) * (width - len(e)): sp.QQ(int(c.p), int(c.q))
                               for e, c in p.to_dict().items()})

    outs = []
    for bias, group_plans in plans:
        terms = [weight_series(alg, bias, order)]
        for expansion, point, kmax, need, members, rs in group_plans:
            sums = power_sums([rows[j] for j in members], rs, kmax,
                              ctx, gens)
            pieces = []
            for deg, s in enumerate(sums):
                c = taylor[point][deg]
                if s.is_zero() or c == 0:
                    continue
                num, den = alg.fraction(c)
                pieces.append(LamSeries(alg, power * deg, [to_alg(s)], alg.one, math.inf).scaled(num, den))
            h = add_all(pieces, alg, prec=need)
            terms.append(weight_series(alg, expansion, order).mul(h, cap=order))
        outs.append(add_all(terms, alg, prec=order))
    return alg, outs

"""Monomials x^r with prod(r_i + 1) neurons (RT Sec. II, Thm. II.1; ``MATH.md`` section 4).

The construction of [RT]: for p(x) = x_1^r_1 ... x_n^r_n of degree N = r_1 + ... + r_n,

    N_lam(x) = [2^N lam^N sigma^(N)(b)]^(-1)
               sum_{0 <= k_i <= r_i} prod_i (-1)^k_i C(r_i, k_i) sigma(b + lam sum_i (r_i - 2 k_i) x_i),

one hidden layer of prod(r_i + 1) neurons (one per multi-index k), common bias b.

Derivation of the normalisation and the exact expansion (symnet's own; it confirms MATH.md).
Expanding sigma(b + lam z) = sum_j sigma^(j)(b) lam^j z^j / j! and using
sum_k prod_i (-1)^k_i C(r_i, k_i) e^{t (r_i - 2 k_i) x_i} = prod_i (e^{t x_i} - e^{-t x_i})^{r_i}
= 2^N prod_i sinh(t x_i)^{r_i}, the sum over k of the j-th powers is j! 2^N [t^j] prod_i
sinh(t x_i)^{r_i}. Hence, exactly,

    N_lam(x) = sum_{j >= N, j = N mod 2} (sigma^(j)(b) / sigma^(N)(b)) lam^(j - N) [t^j] prod_i sinh(t x_i)^{r_i}.

Since sinh(y)^r = y^r (1 + r y^2 / 6 + ...), the j = N term is x^r (so the normalisation
[2^N lam^N sigma^(N)(b)]^(-1) of MATH.md is right), there are no negative powers of lam, and

    N_lam(x) - x^r = lam^2 (sigma^(N+2)(b) / (6 sigma^(N)(b))) x^r (r_1 x_1^2 + ... + r_n x_n^2) + O(lam^4).

For r = (1, ..., 1) this is the 2^n formula of MATH.md section 2. The coefficient
[y^m] sinh(y)^r = 2^-r sum_k (-1)^k C(r, k) (r - 2k)^m / m! gives every term in closed form
(:func:`monomial_error_terms`), without building the network.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from typing import Any

import flint
import sympy as sp

from symnet._validation import nonnegative_int
from symnet.activations import Activation
from symnet.activations import get as get_activation
from symnet.activations._activation import MAX_ORDER
from symnet.activations._jets import canon, is_zero
from symnet.constructions._base import LAM, Construction, one_hidden_layer
from symnet.constructions._bias import operating_point
from symnet.errors import InvalidInput, TooLargeError
from symnet.network import Network, input_symbols
from symnet.series._canonical import poly_expr
from symnet.series._expand import check_variables

__all__ = ["deep_monomial", "monomial", "monomial_error_terms", "parse_exponents", "sinh_power_coefficient",
           "sinh_product_terms"]

SOURCE = "RT Sec. II, Thm. II.1 (construction); MATH.md sec. 4"


def parse_exponents(exponents: Any) -> tuple[int, ...]:
    """Validate exponents: a non-empty sequence of non-negative ints (an int means one variable)."""
    if isinstance(exponents, int) and not isinstance(exponents, bool):
        exponents = (exponents,)
    if isinstance(exponents, (str, bytes)) or not isinstance(exponents, Sequence):
        raise InvalidInput(
            f"exponents must be a sequence of non-negative ints such as (2, 1), got {exponents!r}"
        )
    if len(exponents) == 0:
        raise InvalidInput("exponents must not be empty (give one exponent per variable)")
    out = []
    for i, r in enumerate(exponents):
        if isinstance(r, bool) or not isinstance(r, int):
            raise InvalidInput(
                f"exponent {i} must be a non-negative int, got {r!r} ({type(r).__name__}); "
                "the construction is for monomials x^r with integer r_i >= 0"
            )
        if r < 0:
            raise InvalidInput(f"exponent {i} is negative ({r}); x^r needs integer r_i >= 0 (no 1/x)")
        out.append(int(r))
    if sum(out) == 0:
        raise InvalidInput(
            "all exponents are zero: x^0 = 1 is a constant (an output bias), not a monomial to "
            "approximate; give at least one positive exponent"
        )
    return tuple(out)


def monomial_target(variables: Sequence[sp.Symbol], exponents: Sequence[int]) -> sp.Expr:
    """``x_1^r_1 ... x_n^r_n`` in the given variables."""
    return sp.Mul(*[x**r for x, r in zip(variables, exponents, strict=True)])


def sinh_power_coefficient(r: int, m: int) -> sp.Rational:
    """[y^m] sinh(y)^r = 2^-r sum_{k=0..r} (-1)^k C(r, k) (r - 2k)^m / m!, exactly.

    Zero unless m >= r and m = r (mod 2); equals 1 for m = r and r/6 for m = r + 2.

    Examples
    --------
    >>> from symnet.constructions.monomial import sinh_power_coefficient
    >>> [sinh_power_coefficient(3, m) for m in range(7)]
    [0, 0, 0, 1, 0, 1/2, 0]
    """
    if m < r or (m - r) % 2:
        return sp.Integer(0)
    total = sum((-1) ** k * math.comb(r, k) * (r - 2 * k) ** m for k in range(r + 1))
    return sp.Rational(total, 2**r * math.factorial(m))


def sinh_product_terms(exponents: Sequence[int], variables: Sequence[sp.Symbol],
                       powers: Sequence[int]) -> dict[int, sp.Expr]:
    """``[t^m] prod_i sinh(t x_i)^(r_i)`` for each m in ``powers``, exactly.

    A truncated product over the variables in python-flint's ``fmpq_mpoly``: the factor of
    ``x_i`` is ``sum_m [y^m] sinh(y)^(r_i) (t x_i)^m`` (:func:`sinh_power_coefficient`), and
    partial products whose t-degree cannot stay within ``max(powers)`` are dropped, so the
    work is about ``n (max(powers) - sum r) ^ 2 / 4`` products, never the ``prod(r_i + 1)``
    neurons. With ``r = (1, ..., 1)`` the ``t^(n+2j)`` coefficient is the ``E_j`` of the 2^n
    formula (:func:`symnet.constructions.shallow.odd_part`; MATH.md sec. 2); in general it is
    the closed form of :func:`monomial` (MATH.md sec. 4).

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.constructions.monomial import sinh_product_terms
    >>> x, y = sp.symbols("x y")
    >>> sinh_product_terms((2, 1), (x, y), [3, 5])  # sinh(tx)^2 sinh(ty) = t^3 x^2 y + ...
    {3: x**2*y, 5: x**4*y/3 + x**2*y**3/6}
    """
    n = len(exponents)
    top = max(powers, default=0)
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"t{i}" for i in range(n)), "lex")
    gens = ctx.gens()
    acc = {0: ctx.from_dict({(0,) * n: 1})}  # {t-degree: coefficient polynomial}
    rest = sum(exponents)  # lowest t-degree the remaining factors add
    for r, g in zip(exponents, gens, strict=True):
        rest -= r
        factor = {}
        for m in range(r, top - rest + 1, 2):
            c = sinh_power_coefficient(r, m)
            if c != 0:
                factor[m] = g**m * flint.fmpq(int(c.p), int(c.q))
        new: dict = {}
        for k, s in acc.items():
            for m, f in factor.items():
                if k + m + rest <= top:
                    new[k + m] = new[k + m] + s * f if k + m in new else s * f
        acc = new
    return {m: poly_expr({e: sp.Rational(int(c.p), int(c.q)) for e, c in acc[m].to_dict().items()}, variables)
            if m in acc else sp.Integer(0) for m in powers}


def monomial_error_terms(exponents: Sequence[int], activation: Activation, bias: Any, order: int,
                         variables: Sequence[sp.Symbol]) -> dict[int, sp.Expr]:
    """Exact terms of N_lam(x) - x^r through lam^order, from the closed form (module docstring).

    Returns ``{p: coefficient of lam^p}`` for the nonzero terms with 0 <= p <= order; p is
    always even, and the lam^0 term is absent (the construction is exact at lam = 0).
    """
    r = parse_exponents(tuple(exponents))
    order = nonnegative_int(order, "monomial_error_terms: order")
    n_deg = sum(r)
    if n_deg + order > MAX_ORDER:
        raise TooLargeError(f"monomial of degree {n_deg} through lam^{order} needs derivatives of order "
                            f"{n_deg + order}, beyond symnet's limit {MAX_ORDER}")
    derivs = activation.derivatives(n_deg + order, bias)
    coefficients = sinh_product_terms(r, variables, [n_deg + p for p in range(2, order + 1, 2)])
    out = {}
    for p in range(2, order + 1, 2):
        poly = coefficients[n_deg + p]
        ratio = _canonical_ratio(derivs[n_deg + p], derivs[n_deg])
        if poly != 0 and not is_zero(ratio):
            out[p] = ratio * poly
    return out


def _canonical_ratio(num: sp.Expr, den: sp.Expr) -> sp.Expr:
    """num/den in the canonical form of the series module (cancelled; algebraic numbers rationalised)."""
    ratio = num / den
    if ratio.is_Rational or ratio.free_symbols:
        return ratio
    return canon(ratio)


def monomial(exponents: Sequence[int] | int, activation: Activation | str, bias: Any = None,
             variables: Sequence[sp.Symbol] | None = None) -> Construction:
    """The single-hidden-layer network of [RT] for x_1^r_1 ... x_n^r_n, with prod(r_i + 1) neurons.

    Parameters
    ----------
    exponents : sequence of int (or one int for x^d)
        r_1, ..., r_n >= 0, not all zero.
    activation : Activation or name
        Needs sigma^(N)(b) != 0, N = sum r_i.
    bias : exact number or symbol, optional
        The common hidden bias b. Default: the symbol b for the generic activation; 0 (the
        bias-free network of RT's theorem) when sigma^(N)(0) != 0; otherwise the first simple
        bias where sigma^(N)(b) != 0 (recorded in ``notes``).
    variables : sequence of sympy symbols, optional
        The inputs (default x_1, ..., x_n).

    Returns
    -------
    Construction
        ``closed_form(order)`` gives the exact error terms (module docstring); the leading one is
        lam^2 sigma^(N+2)(b) / (6 sigma^(N)(b)) x^r sum_i r_i x_i^2.

    Raises
    ------
    InvalidInput
        For exponents that are not non-negative ints, or all zero.
    HypothesisError
        If sigma^(N)(b) = 0 at the given bias (or at every candidate bias).
    NotSmoothError
        If the activation is not N times differentiable at the given bias.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.activations import generic
    >>> from symnet.constructions import monomial
    >>> c = monomial((2, 1), generic())
    >>> c.hidden_neurons, c.depth, c.target
    (6, 1, x_1**2*x_2)
    >>> from symnet import series
    >>> series.error(c, 2).leading  # lam^2 sigma^(5)(b) x^r (2 x_1^2 + x_2^2) / (6 sigma^(3)(b))
    sigma^(5)(b)*lam**2*x_1**2*x_2*(2*x_1**2 + x_2**2)/(6*sigma^(3)(b))
    """
    r = parse_exponents(exponents)
    act = get_activation(activation)
    xs = input_symbols(len(r)) if variables is None else check_variables(variables, len(r), f"monomial{r}")
    n_deg = sum(r)
    if n_deg > MAX_ORDER:
        raise TooLargeError(f"monomial of degree {n_deg} needs sigma^({n_deg}), beyond symnet's limit {MAX_ORDER}")
    name = f"monomial{r}"
    op = operating_point(act, n_deg, bias, who=name, variables=xs)
    b = op.bias
    width = math.prod(ri + 1 for ri in r)
    norm = 1 / (2**n_deg * LAM**n_deg * op.derivative)

    def build() -> Network:
        rows, weights = [], []
        for ks in itertools.product(*(range(ri + 1) for ri in r)):
            rows.append([LAM * (ri - 2 * ki) for ri, ki in zip(r, ks, strict=True)])
            sign = (-1) ** sum(ks)
            weights.append(sign * math.prod(math.comb(ri, ki) for ri, ki in zip(r, ks, strict=True)) * norm)
        return Network.single_hidden_layer(rows, weights, act, hidden_bias=b)

    def closed_form(order: int) -> dict[int, sp.Expr]:
        return monomial_error_terms(r, act, b, order, xs)

    notes = [
        op.note,
        "normalisation [2^N lam^N sigma^(N)(b)]^(-1) of MATH.md sec. 4 confirmed by symnet's derivation: "
        "the network equals sum_j sigma^(j)(b)/sigma^(N)(b) lam^(j-N) [t^j] prod_i sinh(t x_i)^(r_i)",
    ]
    if b.is_number and b != 0:
        notes.append("the hidden bias is nonzero, so the network is not of the bias-free model of RT's minimality "
                     "theorem (Thm. II.1); the width prod(r_i + 1) is still that of RT's construction")
    return one_hidden_layer(
        op, hypothesis_source=SOURCE, name=name, target=monomial_target(xs, r), variables=xs, source=SOURCE,
        hidden_neurons=width, build=build, notes=tuple(notes),
        parameters={"exponents": r, "degree": n_deg, "normalisation": norm}, closed_form=closed_form,
    )


def deep_monomial(exponents: Sequence[int] | int, activation: Activation | str, bias: Any = None,
                  copy_bias: Any = None, variables: Sequence[sp.Symbol] | None = None) -> Construction:
    """The deep route to x^r (and to x^d): a balanced tree of square and multiplication gates.

    The factors of x^r (each x_i repeated r_i times) are split into halves recursively; equal
    halves use the 2-neuron square gate (so x^(2^k) is k squarings), unequal ones the 4-neuron
    multiplication gate, and values that are ready early are carried by copy neurons
    (:func:`symnet.constructions.polynomial.polynomial` with the single monomial). The depth is
    ceil(log2 N), N = sum r_i. ``parameters`` compare the neuron count with RT's deep bound
    sum_i (7 ceil(log2 r_i) + 4) (7 ceil(log2 d) for x^d) and with the shallow prod(r_i + 1).

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions.monomial import deep_monomial
    >>> c = deep_monomial(8, activations.get("exp"))
    >>> c.hidden_neurons, c.depth, c.parameters["rt_deep_bound"], c.parameters["shallow_neurons"]
    (6, 3, 21, 9)
    """
    from symnet.constructions import counts
    from symnet.constructions.polynomial import polynomial

    r = parse_exponents(exponents)
    xs = input_symbols(len(r)) if variables is None else check_variables(variables, len(r), f"deep monomial{r}")
    target = monomial_target(xs, r)
    base = polynomial(target, activation, variables=xs, bias=bias, copy_bias=copy_bias)
    rt = counts.rt_univariate_deep_bound(r[0]) if len(r) == 1 else counts.rt_deep_bound(r)
    shallow = counts.monomial_neurons(r)
    note = (f"deep route: {base.hidden_neurons} hidden neurons in {base.depth} hidden layer(s); RT's deep bound "
            f"{'7 ceil(log2 d)' if len(r) == 1 else 'sum_i (7 ceil(log2 r_i) + 4)'} = {rt}; one hidden layer "
            f"needs prod(r_i + 1) = {shallow}")
    return dataclasses.replace(
        base,
        name=f"deep monomial{r}",
        source="RT Sec. II (deep bound of Thm. II.1; univariate x^d); MATH.md sec. 4",
        notes=(note, *base.notes),
        parameters={**base.parameters, "exponents": r, "rt_deep_bound": rt, "shallow_neurons": shallow},
        _cache={},
    )

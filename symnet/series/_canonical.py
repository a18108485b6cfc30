"""Canonical forms of polynomials in the inputs with exact (possibly symbolic) coefficients.

The two routes of :func:`symnet.series.error` (a construction's closed form and the explicit
expansion) must produce *the same* expression for the same coefficient, so every term passes
through :func:`assemble`: coefficients are brought to a canonical form and split as
``rational * rest``, and monomials sharing ``rest`` are grouped. Monomials are built directly
in sympy's canonical argument order (:func:`monomial_expr`), which makes the hundreds of
30-variable monomials of the 2^n formula at n = 30 cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cmp_to_key, lru_cache

import sympy as sp
from sympy.core.add import _addsort
from sympy.core.mul import _mulsort

from symnet.activations._jets import canon, normal_form
from symnet.errors import InvalidInput

__all__ = ["assemble", "canonical", "monomial_expr", "poly_expr", "to_dict"]


Monomial = tuple  # exponents of the variables


@lru_cache(maxsize=64)
def _factor_order(variables: tuple[sp.Symbol, ...]) -> tuple[tuple[int, ...], bool] | None:
    """Positions of the variables in sympy's ``Basic.compare`` order, and whether plain symbols
    sort before powers; None when the variables are of mixed classes (then sort the slow way)."""
    if len({type(v) for v in variables}) != 1:
        return None
    ranked = sorted(range(len(variables)), key=cmp_to_key(lambda i, j: variables[i].compare(variables[j])))
    order = tuple(ranked)
    v = variables[0]
    return order, v.compare(sp.Pow(v, 2)) < 0


def monomial_expr(exps: Monomial, variables: tuple[sp.Symbol, ...], coeff: sp.Expr = sp.S.One) -> sp.Expr:
    """``coeff * prod v**k``, built directly in sympy's canonical argument order.

    Equal (same args, same hash) to ``sp.Mul(coeff, *powers)``; it skips ``Mul.flatten`` and
    its comparisons, which dominate the cost of writing hundreds of monomials in 30 variables.
    (Symbols sort among themselves by name and powers by base, so one ranking of the
    variables gives the order of any monomial.)

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.series._canonical import monomial_expr
    >>> x, y, z = sp.symbols("x y z")
    >>> m = monomial_expr((2, 1, 3), (x, y, z), sp.Rational(1, 6))
    >>> m, m.args == sp.Mul(sp.Rational(1, 6), x**2, y, z**3).args
    (x**2*y*z**3/6, True)
    """
    order = _factor_order(tuple(variables))
    if order is None:
        factors = [v if k == 1 else sp.Pow(v, k) for v, k in zip(variables, exps, strict=True) if k]
        if len(factors) > 1:
            _mulsort(factors)
    else:
        ranks, symbols_first = order
        plain = [variables[i] for i in ranks if exps[i] == 1]
        powers = [sp.Pow(variables[i], exps[i]) for i in ranks if exps[i] > 1]
        factors = plain + powers if symbols_first else powers + plain
    if not factors:
        return coeff
    if coeff == 1:
        return factors[0] if len(factors) == 1 else sp.Mul._from_args(factors, is_commutative=True)
    if coeff.is_Rational:
        return sp.Mul._from_args([coeff, *factors], is_commutative=True)
    return sp.Mul(coeff, *factors)


def poly_expr(terms: Mapping[Monomial, sp.Rational], variables: tuple[sp.Symbol, ...]) -> sp.Expr:
    """The polynomial ``sum c_m x^m`` with rational ``c_m`` (zeros skipped), in canonical form."""
    parts = [monomial_expr(m, variables, c) for m, c in terms.items() if c != 0]
    if not parts:
        return sp.S.Zero
    if len(parts) == 1:
        return parts[0]
    _addsort(parts)
    return sp.Add._from_args(parts)


def to_dict(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> dict[Monomial, sp.Expr]:
    """``{exponents: coefficient}`` of a polynomial in ``variables`` (coefficients may be symbolic).

    Walks the expression tree (sums, products, non-negative integer powers) without expanding
    it as a whole. Raises :class:`~symnet.errors.InvalidInput` if ``expr`` is not a polynomial
    in the variables.
    """
    index = {v: i for i, v in enumerate(variables)}
    n = len(variables)
    zero = (0,) * n
    vset = set(variables)

    def mul(a: dict, b: dict) -> dict:
        out: dict = {}
        for ma, ca in a.items():
            for mb, cb in b.items():
                m = tuple(x + y for x, y in zip(ma, mb, strict=True))
                c = ca * cb
                out[m] = out[m] + c if m in out else c
        return out

    def bad(e: sp.Expr) -> InvalidInput:
        return InvalidInput(f"{e} is not a polynomial in {', '.join(map(str, variables))}")

    def walk(e: sp.Expr) -> dict:
        if e in index:
            return {tuple(int(i == index[e]) for i in range(n)): sp.S.One}
        if e.is_Add:
            out: dict = {}
            for a in e.args:
                for m, c in walk(a).items():
                    out[m] = out[m] + c if m in out else c
            return out
        if e.is_Mul:  # fast path for monomials: variables and their powers, times constants
            exps = [0] * n
            consts: list = []
            rest: list = []
            for a in e.args:
                if a in index:
                    exps[index[a]] += 1
                elif a.is_Pow and a.base in index and a.exp.is_Integer and a.exp > 0:
                    exps[index[a.base]] += int(a.exp)
                else:
                    d = walk(a)
                    if len(d) == 1 and zero in d:
                        consts.append(d[zero])
                    else:
                        rest.append(d)
            out = {tuple(exps): sp.Mul(*consts)}
            for d in rest:
                out = mul(out, d)
            return out
        if e.is_Pow:
            if e.exp.free_symbols & vset:
                raise bad(e)
            base = walk(e.base)
            if len(base) == 1 and zero in base:
                return {zero: e}
            if not (e.exp.is_Integer and e.exp >= 0):
                raise bad(e)
            out = {zero: sp.S.One}
            for _ in range(int(e.exp)):
                out = mul(out, base)
            return out
        if e.free_symbols & vset:
            raise bad(e)
        return {zero: e}

    return walk(sp.sympify(expr))


def _is_algebraic_irrational(e: sp.Expr) -> bool:
    return e.is_Pow and e.exp.is_Rational and not e.exp.is_Integer and not e.base.free_symbols


def _canonical_coefficient(c: sp.Expr) -> sp.Expr:
    """A canonical form of an input-free coefficient: ``sp.cancel`` (reduced p/q in its
    generators: derivative symbols, ``E``, ...), or, with algebraic irrationals such as
    ``sqrt(3)``, :func:`symnet.activations._jets.canon` (which also rationalises)."""
    if c.is_Rational:
        return c
    if c.has(sp.Pow) and any(_is_algebraic_irrational(a) for a in sp.preorder_traversal(c)):
        return canon(c)
    if c.is_number and c.has(sp.exp, sp.E):
        # sp.cancel writes exp(b) as E**b, a polynomial of degree b: the jet field's normal
        # form keeps one generator e^b and prints (1 + e^b)^2, not its expansion
        out = normal_form(c)
        if out is not None:
            return out
    return sp.cancel(c)


def assemble(coeffs: Mapping[Monomial, sp.Expr], variables: tuple[sp.Symbol, ...]) -> sp.Expr:
    """The canonical expression of ``sum coeffs[m] x^m``.

    Each coefficient is brought to the canonical form of :func:`symnet.activations._jets.canon`
    (rationals; rationalised algebraic numbers; cancelled quotients of derivative symbols) and
    split as ``rational * rest``; monomials with the same ``rest`` are grouped:
    ``sum_rest rest * (sum_m q_m x^m)`` with rational ``q_m``.
    """
    memo: dict = {}
    groups: dict = {}
    for m, c in coeffs.items():
        if c.is_Rational:
            q, rest = c, sp.S.One
        else:
            if c not in memo:
                memo[c] = _canonical_coefficient(c).as_coeff_Mul()
            q, rest = memo[c]
        if q == 0:
            continue
        g = groups.setdefault(rest, {})
        g[m] = g[m] + q if m in g else q
    parts = []
    for rest, g in groups.items():
        body = poly_expr(g, variables)
        if body != 0:
            parts.append(body if rest == 1 else rest * body)
    return sp.Add(*parts)


def canonical(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> sp.Expr:
    """A canonical form of a polynomial in ``variables`` (see :func:`assemble`).

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.series._canonical import canonical
    >>> u, v, s = sp.symbols("u v s")
    >>> canonical((u + v)**2 * s / (2 * s**2), (u, v))
    (u**2/2 + u*v + v**2/2)/s
    """
    return assemble(to_dict(expr, variables), variables)

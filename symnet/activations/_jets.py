"""Exact Taylor jets of an expression in one variable at a point.

A *jet* of order N of a function f at p is the list of Taylor coefficients
``[c_0, ..., c_N]`` with ``c_k = f^(k)(p)/k!``. This module computes jets of sympy expressions
(the activations of the catalogue and those parsed from text) by truncated power-series
arithmetic, one node of the expression tree at a time, with exact sympy coefficients. This is
much faster than differentiating the expression k times (the k-th derivative of the logistic
sigmoid as a tree grows exponentially in k) and exact.

The recurrences (for g = F(f), with f = sum f_j t^j) are the classical ones of automatic
differentiation (J. C. P. Miller; Griewank and Walther, *Evaluating Derivatives*, ch. 13):

- ``g = exp(f)``:   g_0 = exp(f_0),  g_k = (1/k) sum_{j=1}^k j f_j g_{k-j}
- ``g = log(f)``:   g_0 = log(f_0),  g_k = (f_k - (1/k) sum_{j=1}^{k-1} j g_j f_{k-j}) / f_0
- ``g = f^a``:      g_0 = f_0^a,     g_k = (1/(k f_0)) sum_{j=1}^k ((a+1) j - k) f_j g_{k-j}
- ``s, c = sin f, cos f``: s_k = (1/k) sum j f_j c_{k-j},  c_k = -(1/k) sum j f_j s_{k-j}
- ``g = tanh f``:   g' = (1 - g^2) f'
- ``g = erf f``:    g' = (2/sqrt(pi)) exp(-f^2) f'
- ``g = u / v``:    g_k = (u_k - sum_{j=1}^k v_j g_{k-j}) / v_0

Non-smooth nodes (``Max``, ``Min``, ``Abs``) are handled exactly: at a point where the branches
tie, the jet is computed separately from the right (t -> 0+) and from the left (t -> 0-), and
the k-th derivative exists exactly when the two one-sided jets agree through order k.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["OneSidedJets", "jets", "Singularity"]

Jet = list  # list[sp.Expr], coefficients c_0..c_N


class Singularity(Exception):
    """Internal: the expression is not defined or not differentiable at the point."""


@dataclass(frozen=True)
class OneSidedJets:
    """The Taylor coefficients of f(p + t) for t -> 0- (``left``) and t -> 0+ (``right``)."""

    left: tuple
    right: tuple

    def agree_through(self) -> int:
        """The largest k with left[j] == right[j] for all j <= k (-1 if even c_0 differs)."""
        for k, (a, b) in enumerate(zip(self.left, self.right)):
            if not is_zero(a - b):
                return k - 1
        return len(self.left) - 1


def canon(c: sp.Expr) -> sp.Expr:
    """Bring an exact coefficient to a canonical form (rationals stay as they are)."""
    if c.is_Rational:
        return c
    c = sp.expand(c)
    if c.is_Rational:
        return c
    if c.is_number:
        c = sp.radsimp(sp.cancel(sp.together(c)))
        return sp.expand(c) if c.is_Add or c.is_Mul else c
    return sp.cancel(c) if c.has(sp.Pow) else c


def is_zero(c: sp.Expr) -> bool:
    """Exact zero test for a coefficient (numeric evaluation only to rule zero out)."""
    if c.is_Rational:
        return c == 0
    c = canon(c)
    if c == 0:
        return True
    z = c.is_zero
    if z is not None:
        return bool(z)
    if c.is_number:
        if abs(c.evalf(60)) > sp.Float("1e-50"):
            return False
        return bool(sp.simplify(c) == 0) or bool(c.equals(0))
    return bool(sp.simplify(c) == 0)


def _sign(c: sp.Expr) -> int:
    """The exact sign of a real number expression (raises Singularity if undecidable)."""
    if is_zero(c):
        return 0
    if c.is_positive:
        return 1
    if c.is_negative:
        return -1
    if c.is_number:
        v = c.evalf(60)
        if v.is_real and abs(v) > sp.Float("1e-50"):
            return 1 if v > 0 else -1
    raise Singularity(f"cannot decide the sign of {c}")


def _mul(a: Jet, b: Jet) -> Jet:
    n = len(a)
    return [canon(sp.Add(*[a[j] * b[k - j] for j in range(k + 1)])) for k in range(n)]


def _div(u: Jet, v: Jet) -> Jet:
    if is_zero(v[0]):
        raise Singularity("division by an expression that vanishes at the point")
    g: Jet = []
    for k in range(len(u)):
        g.append(canon((u[k] - sp.Add(*[v[j] * g[k - j] for j in range(1, k + 1)])) / v[0]))
    return g


def _exp(f: Jet) -> Jet:
    g = [canon(sp.exp(f[0]))]
    for k in range(1, len(f)):
        g.append(canon(sp.Add(*[j * f[j] * g[k - j] for j in range(1, k + 1)]) / k))
    return g


def _log(f: Jet) -> Jet:
    if is_zero(f[0]):
        raise Singularity("log of an expression that vanishes at the point")
    g = [canon(sp.log(f[0]))]
    for k in range(1, len(f)):
        s = sp.Add(*[j * g[j] * f[k - j] for j in range(1, k)]) / k
        g.append(canon((f[k] - s) / f[0]))
    return g


def _pow(f: Jet, a: sp.Expr) -> Jet:
    if a.is_Integer and a >= 0:
        result = [sp.Integer(1)] + [sp.Integer(0)] * (len(f) - 1)
        base, e = f, int(a)
        while e:
            if e & 1:
                result = _mul(result, base)
            e >>= 1
            if e:
                base = _mul(base, base)
        return result
    if a.is_Integer:
        one = [sp.Integer(1)] + [sp.Integer(0)] * (len(f) - 1)
        return _div(one, _pow(f, -a))
    if is_zero(f[0]):
        raise Singularity(f"non-integer power {a} of an expression that vanishes at the point")
    g = [canon(f[0] ** a)]
    for k in range(1, len(f)):
        s = sp.Add(*[((a + 1) * j - k) * f[j] * g[k - j] for j in range(1, k + 1)])
        g.append(canon(s / (k * f[0])))
    return g


def _integrate_with(f: Jet, h: Jet, g0: sp.Expr) -> Jet:
    """Solve g' = h f' with g(0) = g0, coefficientwise: g_k = (1/k) sum j f_j h_{k-j}."""
    g = [canon(g0)]
    for k in range(1, len(f)):
        g.append(canon(sp.Add(*[j * f[j] * h[k - j] for j in range(1, k + 1)]) / k))
    return g


def _sincos(f: Jet) -> tuple[Jet, Jet]:
    s = [canon(sp.sin(f[0]))]
    c = [canon(sp.cos(f[0]))]
    for k in range(1, len(f)):
        s.append(canon(sp.Add(*[j * f[j] * c[k - j] for j in range(1, k + 1)]) / k))
        c.append(canon(-sp.Add(*[j * f[j] * s[k - j] for j in range(1, k + 1)]) / k))
    return s, c


def _tanh(f: Jet) -> Jet:
    g = [canon(sp.tanh(f[0]))]
    u = [canon(1 - g[0] ** 2)]  # u = 1 - g^2, built alongside g
    for k in range(1, len(f)):
        g.append(canon(sp.Add(*[j * f[j] * u[k - j] for j in range(1, k + 1)]) / k))
        u.append(canon(-sp.Add(*[g[j] * g[k - j] for j in range(k + 1)])))
    return g


def _erf(f: Jet) -> Jet:
    neg_square = [-c for c in _mul(f, f)]
    h = [canon(2 / sp.sqrt(sp.pi) * c) for c in _exp(neg_square)]
    return _integrate_with(f, h, sp.erf(f[0]))


def _extreme(branches: list[Jet], side: int, pick_max: bool) -> Jet:
    """The branch that is largest (or smallest) for t -> 0 on the given side (+1 or -1)."""
    best = branches[0]
    for cand in branches[1:]:
        decided = 0
        for k, (a, b) in enumerate(zip(cand, best)):
            s = _sign(a - b)
            if s:
                decided = s * (side**k)
                break
        if (decided > 0) == pick_max and decided != 0:
            best = cand
    return best


class _Evaluator:
    def __init__(self, variable: sp.Symbol, point: sp.Expr, order: int):
        self.variable = variable
        self.point = point
        self.order = order

    def const(self, c: sp.Expr) -> Jet:
        return [canon(c)] + [sp.Integer(0)] * self.order

    def run(self, expr: sp.Expr, side: int) -> Jet:
        n = self.order + 1
        if not expr.has(self.variable):
            return self.const(expr)
        if expr == self.variable:
            return [self.point, sp.Integer(1)] + [sp.Integer(0)] * (n - 2) if n > 1 else [self.point]
        args = expr.args
        if expr.is_Add:
            parts = [self.run(a, side) for a in args]
            return [canon(sp.Add(*c)) for c in zip(*parts)]
        if expr.is_Mul:
            out = self.run(args[0], side)
            for a in args[1:]:
                out = _mul(out, self.run(a, side))
            return out
        if expr.is_Pow:
            base, e = args
            if e.has(self.variable):
                return _exp(self.run(e * sp.log(base), side))
            return _pow(self.run(base, side), e)
        if isinstance(expr, sp.exp):
            return _exp(self.run(args[0], side))
        if isinstance(expr, sp.log):
            return _log(self.run(args[0], side))
        if isinstance(expr, sp.sin):
            return _sincos(self.run(args[0], side))[0]
        if isinstance(expr, sp.cos):
            return _sincos(self.run(args[0], side))[1]
        if isinstance(expr, sp.tanh):
            return _tanh(self.run(args[0], side))
        if isinstance(expr, sp.erf):
            return _erf(self.run(args[0], side))
        if isinstance(expr, sp.Abs):
            f = self.run(args[0], side)
            return _extreme([f, [-c for c in f]], side, pick_max=True)
        if isinstance(expr, (sp.Max, sp.Min)):
            branches = [self.run(a, side) for a in args]
            return _extreme(branches, side, pick_max=isinstance(expr, sp.Max))
        raise Singularity(f"symnet cannot expand {type(expr).__name__} ({expr})")


def jets(expr: sp.Expr, variable: sp.Symbol, point: sp.Expr, order: int) -> OneSidedJets:
    """One-sided Taylor jets of ``expr`` (a function of ``variable``) at ``point``, through ``order``.

    Raises :class:`Singularity` if the expression is not defined at the point or a branch
    cannot be decided.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.activations._jets import jets
    >>> x = sp.Symbol("x")
    >>> jets(1 / (1 + sp.exp(-x)), x, sp.Integer(0), 5).right
    (1/2, 1/4, 0, -1/48, 0, 1/480)
    >>> j = jets(sp.Max(x, 0), x, sp.Integer(0), 2)
    >>> j.left, j.right, j.agree_through()
    ((0, 0, 0), (0, 1, 0), 0)
    """
    ev = _Evaluator(variable, point, order)
    right = tuple(ev.run(expr, +1))
    if not expr.has(sp.Max, sp.Min, sp.Abs):
        return OneSidedJets(right, right)
    left = tuple(ev.run(expr, -1))
    return OneSidedJets(left, right)

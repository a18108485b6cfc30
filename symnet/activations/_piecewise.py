"""Classical derivatives of piecewise formulas (``max``, ``min``, ``abs``, Heaviside) at a symbolic point.

sympy differentiates such formulas as distributions: d/dx max(x, 0) = Heaviside(x), with sympy's
Heaviside(0) = 1/2, and d^2/dx^2 max(x, 0) = DiracDelta(x). Neither is a classical derivative at
the kink x = 0, where relu' does not exist. symnet returns instead the exact piecewise classical
derivative, undefined (sympy's ``nan``) exactly where it does not exist:

    relu'(b)  = Piecewise((nan, Eq(b, 0)), (0, b < 0), (1, True)),
    elu''(b)  = Piecewise((nan, Eq(b, 0)), (exp(b), b < 0), (0, True)).

The method. Every branch switch of the formula is a point where the argument g of an ``Abs`` or
Heaviside node vanishes, or where two branches a_i, max/min(other branches) of a ``Max``/``Min``
node tie; call Z the (real) zero set of g. The *break points* are the boundary points of the
sets Z (isolated zeros and the ends of intervals on which two branches coincide), found exactly
with sympy's ``solveset``; if they are not a finite explicit set, symnet refuses
(:class:`~symnet.errors.NotSmoothError`) rather than guess. Away from the break points each node
keeps one branch on a neighbourhood, so the classical derivative is sympy's derivative with the
DiracDelta terms (supported on Z) dropped; on each open interval between consecutive break
points, the Heaviside and sign factors are decided by sympy's assumptions where they can be
(x = c + t, t > 0, etc.) and are otherwise left as conditions. At each break point c the value
comes from the one-sided Taylor jets at c (``derivative(k, at=c)``): exact if the derivative
exists there, ``nan`` if not.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import lru_cache

import sympy as sp

from symnet.activations._jets import PIECEWISE_NODES
from symnet.errors import NotSmoothError

__all__ = ["Unlocated", "break_points", "symbolic_derivative"]


class Unlocated(Exception):
    """Internal: the break points of a formula are not a finite set sympy can write down."""


def _switch_arguments(node: sp.Expr) -> list[sp.Expr]:
    """The functions g whose zeros are where ``node`` may switch branch."""
    if isinstance(node, (sp.Abs, sp.Heaviside)):
        return [node.args[0]]
    args = node.args
    if len(args) == 2:
        return [args[0] - args[1]]
    return [a - node.func(*(args[:i] + args[i + 1:])) for i, a in enumerate(args)]


def _boundary(zeros: sp.Set, g: sp.Expr, node: sp.Expr) -> list[sp.Expr]:
    if zeros is sp.S.EmptySet:
        return []
    if isinstance(zeros, sp.FiniteSet):
        points = list(zeros)
    elif isinstance(zeros, sp.Interval) or (
            isinstance(zeros, sp.Union) and all(isinstance(p, (sp.Interval, sp.FiniteSet)) for p in zeros.args)):
        if isinstance(node, (sp.Max, sp.Min)) and len(node.args) > 2:
            # sympy's derivative of a Max of 3+ branches that coincide on an interval counts each
            # tied branch with weight 1/2: not the derivative there
            raise Unlocated(f"three or more branches of {node} coincide on {zeros}")
        points = list(zeros.boundary)
    else:
        raise Unlocated(f"sympy cannot solve {g} = 0 exactly (it gives {zeros})")
    for p in points:
        if not (p.is_number and p.is_extended_real and p.is_finite):
            raise Unlocated(f"the zeros of {g} include {p}, not an explicit real number")
    return points


@lru_cache(maxsize=256)
def break_points(expr: sp.Expr, variable: sp.Symbol) -> tuple[sp.Expr, ...]:
    """The points where a ``Max``/``Min``/``Abs``/Heaviside node of ``expr`` may switch branch,
    in increasing order (raises :class:`Unlocated` if sympy cannot list them exactly).

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.activations._piecewise import break_points
    >>> x = sp.Symbol("x", real=True)
    >>> break_points(sp.Max(x, x**2) + sp.Abs(x + 2), x)
    (-2, 0, 1)
    """
    found: set[sp.Expr] = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, PIECEWISE_NODES) and node.has(variable):
            for g in _switch_arguments(node):
                zeros = sp.solveset(g, variable, domain=sp.S.Reals)
                found.update(_boundary(zeros, g, node))
    return tuple(sorted(found, key=lambda p: sp.N(p, 50)))


def _settle(c: sp.Basic) -> sp.Basic:
    """A condition in the interval's parameter, decided by sympy's assumptions where possible."""
    if c in (sp.true, sp.false):
        return c
    if isinstance(c, sp.core.relational.Relational):
        return c.func(sp.factor(sp.together(c.lhs - c.rhs)), 0)
    if isinstance(c, (sp.And, sp.Or, sp.Not)):
        return c.func(*[_settle(a) for a in c.args])
    return c


def _decide(condition: sp.Basic, variable: sp.Symbol, replacement: sp.Expr) -> sp.Basic:
    """``condition`` with ``variable`` replaced, decided by sympy's assumptions where possible."""
    return _settle(condition.subs(variable, replacement))


def _on_interval(expr: sp.Expr, variable: sp.Symbol, replacement: sp.Expr | None) -> sp.Expr:
    """``expr`` with its Piecewise nodes resolved where their conditions are decided by
    ``variable = replacement`` (a parametrisation of an open interval by a positive symbol)."""
    if replacement is None:
        return expr

    def choose(pw: sp.Piecewise) -> sp.Expr:
        for value, condition in pw.args:
            decided = _decide(condition, variable, replacement)
            if decided == sp.true:
                return value
            if decided != sp.false:
                return pw
        return pw  # pragma: no cover - a Piecewise from rewrite() ends with a True condition

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), choose)


def _intervals(points: tuple[sp.Expr, ...]) -> list[sp.Expr | None]:
    """x = (a parametrisation by t > 0) of each open interval between consecutive points."""
    t = sp.Dummy("t", positive=True)
    if not points:
        return [None]
    out: list[sp.Expr | None] = [points[0] - t]
    for lo, hi in itertools.pairwise(points):
        out.append(lo + (hi - lo) * t / (1 + t))
    out.append(points[-1] + t)
    return out


def symbolic_derivative(name: str, expr: sp.Expr, variable: sp.Symbol, point: sp.Expr, k: int,
                        at_break_point: Callable[[sp.Expr], sp.Expr]) -> sp.Expr:
    """The classical k-th derivative (k >= 1) of the piecewise formula ``expr`` at the symbolic
    ``point``: a Piecewise, ``nan`` where the derivative does not exist.

    ``at_break_point(c)`` is the exact k-th derivative at a number c; it raises
    :class:`~symnet.errors.NotSmoothError` where there is none.
    """
    try:
        points = break_points(expr, variable)
    except Unlocated as err:
        raise NotSmoothError(
            f"activation {name!r}: its derivative of order {k} at the symbolic point {point} cannot be "
            f"given exactly: {err}, so symnet cannot tell where the derivative does not exist. "
            f"Evaluate it at a concrete point instead (derivative({k}, at=c)).",
            activation=name, point=point, order=k,
        ) from None
    smooth = sp.diff(expr, variable, k)
    smooth = smooth.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    smooth = smooth.rewrite(sp.Piecewise)
    pieces: list[tuple[sp.Expr, sp.Basic]] = []
    for c in points:
        try:
            value = at_break_point(c)
        except NotSmoothError:
            value = sp.nan
        pieces.append((value, sp.Eq(variable, c)))
    for hi, replacement in zip([*points, None], _intervals(points), strict=True):
        piece = _on_interval(smooth, variable, replacement)
        pieces.append((piece, sp.true if hi is None else variable < hi))
    return sp.Piecewise(*pieces).subs(variable, point)

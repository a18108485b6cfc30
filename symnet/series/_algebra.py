"""The coefficient algebra of a series expansion: polynomials in the inputs and in constants.

An expansion of a network in powers of lam has coefficients that are polynomials in the inputs
``x_1..x_n`` whose coefficients are exact constants: rationals, algebraic numbers (the logistic
sigmoid at ``ln(2 + sqrt 3)``), the derivative symbols ``sigma^(k)(b)`` of a generic activation,
a bias symbol ``b``, or transcendental numbers such as ``E`` (the sigmoid at 1). An
:class:`Algebra` is the polynomial ring ``D[x_1..x_n, c_1..c_m]`` in the inputs *and* the
non-rational constants ``c_j`` (as extra generators), over ``D = QQ`` or an algebraic number
field ``QQ<alpha>``. Division by constants is kept out of the ring: the series carry a common
denominator (see :mod:`symnet.series._laurent`), so no arithmetic in a fraction field (with its
gcds) is ever needed in the inner loops.

Backends: over ``QQ`` the elements are python-flint ``fmpq_mpoly`` (C speed; about 100 times
faster than sympy's ``PolyElement`` for the powers of linear forms the 2^n formula needs); over
an algebraic field or sympy's ``EX`` they are sympy ``PolyElement`` (``sympy.polys.rings``).

Zero tests are exact polynomial identities in the generators. Symbols (``b``,
``sigma^(k)(b)``) are independent by definition; numeric generators (``E``, ``log(2)``) are
assumed algebraically independent, and :meth:`Algebra.drop_numeric_zeros` re-checks, with the
exact/numeric test of :func:`symnet.activations._jets.is_zero`, every coefficient that involves
only numeric generators before it is reported or acted on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import flint
import mpmath
import sympy as sp
from sympy.polys.constructor import construct_domain
from sympy.polys.polyerrors import PolificationFailed
from sympy.polys.rings import PolyRing

from symnet.activations._jets import is_zero as is_zero_number
from symnet.errors import InvalidInput

__all__ = ["Algebra"]

QQ = sp.QQ

#: A numeric coefficient whose 60-digit value is below this fraction of its largest term is
#: tested exactly for zero (:meth:`Algebra.drop_numeric_zeros`).
RELATIVE_ZERO = mpmath.mpf(10) ** -50


def _split(e: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """Numerator and denominator of a constant (``cancel`` is polys-based, faster than
    ``together`` on the nested quotients the jets of sigmoid-like activations produce)."""
    return sp.fraction(sp.cancel(e) if e.is_Add or e.is_Mul or e.is_Pow else e)


def _scan(exprs: Iterable[sp.Expr]) -> tuple[tuple[sp.Expr, ...], Any]:
    """The constant generators and the ground domain that the polynomials ``exprs`` need."""
    parts = [e for e in exprs if not e.is_Rational]
    if not parts:
        return (), QQ
    try:
        _, opt = sp.parallel_poly_from_expr(parts, extension=True)
        gens, domain = tuple(opt.gens), opt.domain
    except PolificationFailed:  # only numbers: no generators at all
        gens, (domain, _) = (), construct_domain(parts, extension=True)
    if domain.is_ZZ:
        domain = QQ
    if not domain.is_Exact:
        raise InvalidInput(
            f"series expansion needs exact weights and derivatives; found inexact numbers among "
            f"{', '.join(map(str, parts[:3]))}. Use exact values (Rational, sqrt(3), ...)."
        )
    if not domain.is_Field:
        domain = domain.get_field()
    return gens, domain


class Algebra:
    """The ring ``D[x_1..x_n, c_1..c_m]`` (inputs first, then constant generators).

    Parameters
    ----------
    variables : sequence of Symbol
        The inputs.
    constants : sequence of Expr
        Constant generators (symbols such as ``sigma^(2)(b)`` or numbers such as ``E``).
    domain : sympy domain
        ``QQ`` (python-flint backend) or an exact field such as ``QQ<sqrt(3)>`` or ``EX``.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.series._algebra import Algebra
    >>> u, v = sp.symbols("u v")
    >>> alg = Algebra((u, v)).extend([sp.sqrt(3) / 2])
    >>> str(alg.domain)
    'QQ<sqrt(3)>'
    >>> p = alg.from_expr(sp.sqrt(3) * u + 1)
    >>> alg.to_expr(p * p)
    3*u**2 + 2*sqrt(3)*u + 1
    """

    def __init__(self, variables: Sequence[sp.Symbol], constants: Sequence[sp.Expr] = (), domain: Any = QQ):
        self.variables = tuple(variables)
        self.constants = tuple(constants)
        self.domain = domain
        self.gens_expr = self.variables + self.constants
        self.nvars = len(self.variables)
        self.ngens = len(self.gens_expr)
        self.flint = domain == QQ
        # sympy's ring parses expressions for both backends (x_i, c_j as generators)
        self._ring = PolyRing(self.gens_expr, domain) if self.gens_expr else PolyRing((sp.Dummy("z"),), domain)
        if self.flint:
            names = tuple(f"g{i}" for i in range(max(self.ngens, 1)))
            self._ctx = flint.fmpq_mpoly_ctx.get(names, "lex")
        self._fractions: dict = {}
        self._numeric_values: dict | None = None
        self.numeric_gens = tuple(i for i, g in enumerate(self.constants, self.nvars) if not g.free_symbols)
        self.zero = self._from_dict({})
        self.one = self._from_dict({(0,) * self._width: 1})
        self.gens = tuple(self._from_dict({tuple(int(i == j) for j in range(self._width)): 1})
                          for i in range(self.ngens))

    @property
    def _width(self) -> int:
        return max(self.ngens, 1)

    # -- construction ---------------------------------------------------------------------
    def _from_dict(self, terms: dict) -> Any:
        if self.flint:
            return self._ctx.from_dict(terms) if terms else self._ctx.from_dict({})
        return self._ring.from_dict({k: self.domain.convert(v) for k, v in terms.items()})

    def from_expr(self, expr: sp.Expr) -> Any:
        """An element from a sympy expression that is a polynomial in the generators."""
        expr = sp.sympify(expr)
        if expr.is_Rational:
            return self.constant_rational(expr)
        try:
            p = self._ring.from_expr(expr)
        except (ValueError, TypeError, sp.PolynomialError):
            p = None
        if p is None:  # e.g. exp(2/3) over the generator exp(1/3): sympy's Poly decomposes powers
            try:
                poly = sp.Poly(expr, *self.gens_expr, domain=self.domain)
            except (ValueError, TypeError, sp.PolynomialError, sp.polys.polyerrors.CoercionFailed) as err:
                raise InvalidInput(
                    f"cannot write {expr} as a polynomial in {', '.join(map(str, self.gens_expr))} over "
                    f"{self.domain}: {err}"
                ) from None
            return self._from_dict(dict(poly.rep.to_dict()))
        if self.flint:
            return self._ctx.from_dict(dict(p)) if p else self.zero
        return p

    def constant_rational(self, q: sp.Rational) -> Any:
        if q == 0:
            return self.zero
        return self._from_dict({(0,) * self._width: QQ(int(q.p), int(q.q))})

    def fraction(self, expr: sp.Expr) -> tuple[Any, Any]:
        """``(numerator, denominator)`` of a constant expression (denominator 1 when it is a number)."""
        expr = sp.sympify(expr)
        if expr.is_Rational:
            return self.constant_rational(expr), self.one
        if expr not in self._fractions:
            num, den = _split(expr)
            n, d = self.from_expr(num), self.from_expr(den)
            c = self.ground_value(d)
            if c is not None:
                n, d = self.scale(n, self.domain.quo(self.domain.one, c)), self.one
            self._fractions[expr] = (n, d)
        return self._fractions[expr]

    def extend(self, exprs: Iterable[sp.Expr]) -> Algebra:
        """The smallest algebra containing this one and the constants ``exprs`` (maybe ``self``)."""
        parts: list[sp.Expr] = []
        for e in exprs:
            e = sp.sympify(e)
            if e.is_Rational:
                continue
            if set(self.variables) & e.free_symbols:
                raise InvalidInput(
                    f"the constant {e} contains an input variable; weights and biases must not "
                    "depend on the inputs"
                )
            num, den = _split(e)
            parts += [num, den]
        if not parts:
            return self
        # scan old and new constants together, so that powers share generators (exp(2/3) and
        # exp(1/3) both become powers of exp(1/3)); old generators stay first when they survive
        gens, domain = _scan([*self.constants, *parts])
        if set(self.variables) & set(gens):
            raise InvalidInput("a constant of the network uses an input variable as a symbol")
        kept = tuple(g for g in self.constants if g in gens)
        new = tuple(g for g in gens if g not in self.constants)
        dom = self.domain.unify(domain) if domain != self.domain else self.domain
        if dom.is_ZZ:
            dom = QQ
        if not new and dom == self.domain and len(kept) == len(self.constants):
            return self
        return Algebra(self.variables, kept + new, dom)

    # -- conversion -------------------------------------------------------------------------
    def terms(self, p: Any) -> list[tuple[tuple[int, ...], Any]]:
        """``[(exponents, coefficient), ...]`` with domain coefficients."""
        if self.flint:
            return list(p.to_dict().items())
        return list(p.terms())

    def convert(self, p: Any, target: Algebra) -> Any:
        """``p`` as an element of ``target`` (built by :meth:`extend` from this algebra)."""
        if target is self:
            return p
        if not all(g in target.gens_expr for g in self.gens_expr):
            return self._substitute(p, target)
        index = [target.gens_expr.index(g) for g in self.gens_expr]
        out = {}
        for exps, c in self.terms(p):
            e = [0] * target._width
            for i, k in zip(index, exps, strict=False):
                e[i] = k
            out[tuple(e)] = target.domain.convert_from(self.domain.convert(c), self.domain) if not (
                self.flint and target.flint) else c
        return target._from_dict(out)

    def _substitute(self, p: Any, target: Algebra) -> Any:
        """Conversion when a generator of ``self`` is a polynomial in those of ``target``."""
        images = [target.from_expr(g) for g in self.gens_expr]
        out = target.zero
        for exps, c in self.terms(p):
            term = target.from_expr(self.coefficient_to_expr(c))
            for img, k in zip(images, exps, strict=False):
                if k:
                    term = term * img**k
            out = out + term
        return out

    def coefficient_to_expr(self, c: Any) -> sp.Expr:
        return self.domain.to_sympy(self.domain.convert(c))

    def to_expr(self, p: Any) -> sp.Expr:
        out = []
        for exps, c in self.terms(p):
            mono = sp.Mul(*[g**k for g, k in zip(self.gens_expr, exps, strict=False) if k])
            out.append(self.coefficient_to_expr(c) * mono)
        return sp.Add(*out)

    def by_input_monomial(self, p: Any) -> dict[tuple[int, ...], Any]:
        """Split ``p`` as ``sum_m x^m * q_m`` with ``q_m`` free of the inputs: ``{m: q_m}``."""
        groups: dict[tuple[int, ...], dict] = {}
        n = self.nvars
        for exps, c in self.terms(p):
            key = tuple(exps[:n])
            rest = (0,) * n + tuple(exps[n:])
            groups.setdefault(key, {})[rest] = c
        return {k: self._from_dict(v) for k, v in groups.items()}

    # -- arithmetic helpers -------------------------------------------------------------------
    def is_zero(self, p: Any) -> bool:
        return p.is_zero() if self.flint else not p

    def ground_value(self, p: Any) -> Any:
        """The domain constant ``p`` is equal to, or None when ``p`` involves a generator."""
        terms = self.terms(p)
        if not terms:
            return self.domain.zero
        if len(terms) == 1 and not any(terms[0][0]):
            return terms[0][1]
        return None

    def is_input_free(self, p: Any) -> bool:
        return all(not any(exps[: self.nvars]) for exps, _ in self.terms(p))

    def scale(self, p: Any, c: Any) -> Any:
        """``c * p`` for a domain element ``c``."""
        if self.flint:
            return p * c
        return p.mul_ground(self.domain.convert(c))

    def exquo(self, a: Any, b: Any) -> Any:
        return a / b if self.flint else a.exquo(b)

    def gcd(self, a: Any, b: Any) -> Any:
        try:
            return a.gcd(b)
        except Exception:  # gcd over some algebraic domains is unsupported: no reduction
            return self.one

    def _magnitude(self, qterms: list) -> tuple[float, float]:
        """``(|q|, max |term of q|)`` at 60 digits for a polynomial q in the numeric generators only."""
        with mpmath.workdps(60):
            if self._numeric_values is None:  # converted inside workdps: 60 digits, not mpmath's default 15
                self._numeric_values = {i: mpmath.mpf(sp.N(self.gens_expr[i], 70)) if sp.N(self.gens_expr[i]).is_real
                                        else mpmath.mpc(sp.N(self.gens_expr[i], 70)) for i in self.numeric_gens}
            total = mpmath.mpf(0)
            largest = mpmath.mpf(0)
            for exps, c in qterms:
                c_expr = self.coefficient_to_expr(c)
                term = mpmath.mpf(c_expr.p) / c_expr.q if c_expr.is_Rational else mpmath.mpmathify(sp.N(c_expr, 70))
                for i, k in enumerate(exps):
                    if k:
                        term *= self._numeric_values[i] ** int(k)
                total += term
                largest = max(largest, abs(term))
            return abs(total), largest

    def drop_numeric_zeros(self, p: Any, den: Any) -> Any:
        """Remove the input monomials whose coefficient is a number equal to zero.

        Only needed when numeric generators (``E``, ``log 2``, ...) are present: they may be
        algebraically dependent (``tanh(log(2+sqrt 3)/2) = 1/sqrt 3``), so a nonzero
        polynomial in them can still be the number zero.
        """
        if not self.numeric_gens:
            return p
        symbolic = set(range(self.nvars, self.ngens)) - set(self.numeric_gens)
        den_expr = self.to_expr(den)
        keep = {}
        for mono, q in self.by_input_monomial(p).items():
            qterms = self.terms(q)
            if not any(exps[i] for exps, _ in qterms for i in symbolic) and not den_expr.free_symbols:
                # cheap numeric test first (relative to the largest term: 60 digits of cancellation
                # leave ~10 of noise); the exact test only when the value is tiny
                total, largest = self._magnitude(qterms)
                if total <= largest * RELATIVE_ZERO and is_zero_number(self.to_expr(q) / den_expr):
                    continue
            for exps, c in qterms:
                keep[tuple(mono) + tuple(exps[self.nvars:])] = c
        return self._from_dict(keep)

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
``Heaviside(f, h0)`` (the step: 1 where f > 0, 0 where f < 0, ``h0`` where f = 0) has the constant
jet 1 or 0 wherever f(p) != 0; where f(p) = 0 each side takes the sign of f(p + t) for that side
(the first nonzero coefficient f_j, times (+-1)^j), and the value *at* the point is ``h0``, which
may differ from both one-sided limits (``OneSidedJets.value``): a jump or a removable
discontinuity, where no derivative of order >= 1 exists.

Coefficient arithmetic. Every coefficient is a rational function, with rational coefficients,
of finitely many constants: the values at the point of the transcendental and algebraic nodes
(``exp(1/2)``, ``tanh(1/3)``, ``sqrt(3)``, ``log(2)``, ...). The jets are therefore computed in
the field ``QQ(g_1, ..., g_m)`` of sympy's polys layer (``QQ`` itself, i.e. flint rationals, when
there are no such constants), with one generator per constant, and converted to sympy
expressions once at the end. All exponentials ``exp(c A)`` with rational ``c`` along one
direction ``A`` share the generator ``t = exp(g A)``, ``g > 0`` the rational gcd of the multiples
``c`` met (every ``c/g`` is an integer), so that ``exp(1/2)**2`` and ``E`` are the same element and
a point b contributes the single generator ``t = e^|b|`` (``e^b`` as ``t``, ``e^(-b)`` as ``1/t``):
the sigmoid's ``sigma'(12)`` is ``e^12/(1 + e^12)^2``, computed with polynomials of degree 1 in
``t`` however large b is. The degree ``|c|/g`` is bounded by :data:`MAX_EXP_DEGREE` (the multiples
of a point far from the other constants of a formula, ``exp(x) + E`` at ``x = 10^6``, would need
polynomials of degree 10^6). Denominators are written as products of powers of square-free
factors (no factorisation into irreducibles beyond small degrees: ``1 + e^3000`` has cyclotomic
factors no reader wants). Hyperbolic tangents whose value is algebraic (``tanh(log 2) = 3/5``,
``tanh(c log q)`` for rational c and q) enter as that value, not as a new constant.
The size of the coefficients is bounded (:data:`MAX_TERMS` monomials per coefficient,
:data:`MAX_WORK` term products per expansion) so that a formula whose jets blow up (a tower
``exp(exp(exp(...)))`` at high order) raises :class:`TooComplex` instead of running for hours.
Doing the same with sympy expressions and ``cancel``/``radsimp`` at every step costs time
exponential in the order at any point where a constant such as ``E`` appears
(``sigmoid.derivative(12, at=1)`` took minutes).

Zero tests and signs (divisions, logarithms, branch choices) are decided on the exact value, so
algebraic relations between generators (``sqrt(3)**2 = 3``) never make a decision wrong: a value
is nonzero when a rigorous arb ball around it excludes 0 (:func:`certified_sign`; bounded work,
and ``e^(-10^6)`` is decided), zero when its normal form in the field is 0, and nonzero when its
normal form is not 0 in a field whose only transcendental generator is ``e^g`` with rational g
(Lindemann-Weierstrass); sympy's ``simplify`` is the last resort.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import gcd, lcm
from typing import Any

import flint
import sympy as sp

from symnet.activations._numeric import arb_enclosure
from symnet.errors import InvalidInput

__all__ = ["PIECEWISE_NODES", "OneSidedJets", "Singularity", "TooComplex", "canon", "is_zero", "jets", "normal_form"]

Jet = list  # list[sp.Expr], coefficients c_0..c_N

#: The node types whose formulas are only piecewise analytic (every other node symnet expands is
#: analytic on its real domain): one-sided jets are needed where their branches meet.
PIECEWISE_NODES = (sp.Max, sp.Min, sp.Abs, sp.Heaviside)

#: Highest order to which the argument of a Heaviside node is expanded to find its sign on each
#: side of a point where it vanishes.
MAX_STEP_ORDER = 64


class Singularity(Exception):
    """Internal: the expression is not defined or not differentiable at the point."""


class TooComplex(Singularity):
    """Internal: the expansion would need more distinct constants than symnet allows."""


@dataclass(frozen=True)
class OneSidedJets:
    """The Taylor coefficients of f(p + t) for t -> 0- (``left``) and t -> 0+ (``right``).

    ``value`` is f(p) itself for formulas with a Heaviside node (it may differ from the one-sided
    limits ``left[0]`` and ``right[0]``), else ``None`` (f is continuous where it is defined:
    f(p) = left[0] = right[0]).
    """

    left: tuple
    right: tuple
    agree: int | None = field(default=None, compare=False, repr=False)
    value: Any = None

    def at_point(self) -> sp.Expr:
        """f(p), the value at the point."""
        return self.right[0] if self.value is None else self.value

    def continuous(self) -> bool:
        """Whether f(p) equals both one-sided limits."""
        if self.value is None:
            return is_zero(self.left[0] - self.right[0])
        return is_zero(self.value - self.left[0]) and is_zero(self.value - self.right[0])

    def agree_through(self) -> int:
        """The largest k with left[j] == right[j] for all j <= k (-1 if even c_0 differs)."""
        if self.agree is not None:
            return self.agree
        for k, (a, b) in enumerate(zip(self.left, self.right, strict=False)):
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
    if c.is_number and c.has(sp.exp, sp.E):
        # sympy's cancel writes exp(b) as E**b (degree b): the jet field's normal form does not
        out = normal_form(c)
        if out is not None:
            return out
    if c.is_number:
        c = sp.radsimp(sp.cancel(sp.together(c)))
        return sp.expand(c) if c.is_Add or c.is_Mul else c
    return sp.cancel(c) if c.has(sp.Pow) else c


def is_zero(c: sp.Expr) -> bool:
    """Exact zero test for a coefficient (numeric evaluation only to rule zero out)."""
    if c.is_Rational:
        return c == 0
    if c.is_number and not c.has(sp.I):
        if _clearly_nonzero(c):
            return False
        decided = _normal_form_zero_test(c)
        if decided is not None:
            return decided
    c = canon(c)
    if c == 0:
        return True
    z = c.is_zero
    if z is not None:
        return bool(z)
    if c.is_number:
        if _clearly_nonzero(c):
            return False
        # Constants of different kinds (tanh(1/2) and E, sin(1) and cos(1)) are related through
        # exp: rewriting in exp and cancelling decides most ties quickly; simplify is the last resort.
        if c.has(sp.tanh, sp.sinh, sp.cosh, sp.sin, sp.cos) and sp.cancel(sp.expand(c.rewrite(sp.exp))) == 0:
            return True
        return bool(sp.simplify(c) == 0) or bool(c.equals(0))
    return bool(sp.simplify(c) == 0)


def _field_element(c: sp.Expr) -> tuple[_Domain, Any]:
    """The real number ``c`` as an element of the jet field (raises Singularity if it is not one)."""
    constants = _Constants()
    for _ in range(4 * MAX_GENERATORS):
        dom = _Domain(constants)
        try:
            return dom, dom.from_expr(c)
        except _NewConstants:
            continue
    raise Singularity(f"the constants of {c} do not settle")  # pragma: no cover


def _normal_form_zero_test(c: sp.Expr) -> bool | None:
    """Whether the real number ``c`` is 0, decided in the normal form of the jet field (see the
    module docstring: exponentials along one direction share a generator, quadratic surds are
    reduced, hyperbolic functions are rewritten in exp); None when it cannot be decided there.

    True when the element is 0. False only when the field is ``QQ(sqrt n)(t)`` or a subfield, with
    ``t = e^g`` for a rational g (no other constants): t is transcendental (Lindemann-Weierstrass:
    e^a is transcendental for algebraic a != 0), so a nonzero reduced element is a nonzero number.
    """
    if c.has(sp.tanh, sp.sinh, sp.cosh, sp.coth):
        c = c.rewrite(sp.exp)
    try:
        dom, element = _field_element(c)
    except Singularity:
        return None
    if element == 0 or (dom.ring is not None and dom._to_field(element) == 0):
        return True
    return False if dom.transcendence_basis_known() else None


def normal_form(c: sp.Expr) -> sp.Expr | None:
    """The real number ``c`` in the output form of the jet field: a reduced fraction whose
    exponentials share one generator per direction (``e^b`` for a point b) and whose denominator
    is a product of powers, ``(1 - 10 e^b + e^(2b))/(6 (1 + e^b)^2)``; None when ``c`` is not an
    element of the field or has roots other than square roots (left to :func:`canon`).

    Unlike ``sympy.cancel``, which writes ``exp(b)`` as ``E**b`` and expands the denominator,
    this takes time independent of the size of b.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.activations._jets import normal_form
    >>> e = sp.exp(sp.Integer(3000))
    >>> normal_form(e / (1 + e) - e**2 / (1 + e)**2)
    exp(3000)/(1 + exp(3000))**2
    """
    try:
        dom, element = _field_element(c)
    except Singularity:
        return None
    if dom.other_roots:
        return None
    return dom.output(element)


#: Working precisions (bits) at which a number is enclosed in an arb ball to show it is not 0.
BALL_PRECISIONS = (128, 1024, 8192)


def certified_sign(c: sp.Expr) -> int | None:
    """+1 or -1 when a rigorous ball around the real number ``c`` (:func:`arb_enclosure`) excludes 0
    at one of :data:`BALL_PRECISIONS`; None otherwise (``c`` may be 0: an exact test must decide).

    Bounded work, unlike sympy's adaptive ``evalf``, which raises the precision to the size of a
    cancellation (millions of bits for ``1 - tanh(10^6)^2``); a tiny value such as ``e^(-10^6)`` is
    still decided, since balls carry a relative precision. Where arb lacks a function of ``c``, a
    60-digit evaluation whose magnitude exceeds 1e-50 decides, as before.
    """
    old = flint.ctx.prec
    try:
        for prec in BALL_PRECISIONS:
            flint.ctx.prec = prec
            try:
                ball = arb_enclosure(c)
            except InvalidInput:
                return _evalf_sign(c)
            except (ValueError, ZeroDivisionError, ArithmeticError):
                return None
            if ball.is_finite() and not ball.contains(0):
                return 1 if ball > 0 else -1
    finally:
        flint.ctx.prec = old
    return None


def _evalf_sign(c: sp.Expr) -> int | None:
    try:
        v = c.evalf(60)
    except (TypeError, ValueError, ArithmeticError):  # pragma: no cover - evalf trouble
        return None
    if v.is_number and v.is_real and abs(v) > sp.Float("1e-50"):
        return 1 if v > 0 else -1
    return None


def _clearly_nonzero(c: sp.Expr) -> bool:
    """True if the number ``c`` is certainly not 0 (:func:`certified_sign`)."""
    return certified_sign(c) is not None


def _sign(c: sp.Expr) -> int:
    """The exact sign of a real number expression (raises Singularity if undecidable)."""
    if is_zero(c):
        return 0
    if c.is_positive:
        return 1
    if c.is_negative:
        return -1
    if c.is_number:
        sign = certified_sign(c)
        if sign is not None:
            return sign
    raise Singularity(f"cannot decide the sign of {c}")


# -- the coefficient field ----------------------------------------------------------------------

#: Most generators (distinct constants) a jet computation may introduce.
MAX_GENERATORS = 40
#: Largest degree |c|/g of an exponential exp(c A) in the generator exp(g A) of its direction.
MAX_EXP_DEGREE = 4096
#: Most monomials (in the constants) of one coefficient's numerator.
MAX_TERMS = 2000
#: Most term-by-term products (the sum of len(a) * len(b) over the polynomial products) of one
#: expansion: about a minute of work on a laptop.
MAX_WORK = 20_000_000
#: Square-free factors of a denominator of at most this degree (in each generator) are factored
#: into irreducibles for output; larger ones are printed as they are.
MAX_FACTOR_DEGREE = 8


class _NewConstants(Exception):
    """Internal: a value introduced constants the current field lacks; rebuild and restart."""


def _exp_terms(arg: sp.Expr) -> list[tuple[sp.Expr, sp.Rational]]:
    """``arg`` as ``sum c_i A_i`` with rational ``c_i`` (``A = 1`` for the rational part)."""
    const, terms = arg.as_coeff_add()
    out = [(sp.S.One, const)] if const != 0 else []
    for t in terms:
        c, a = t.as_coeff_Mul()
        if not c.is_Rational:
            c, a = sp.S.One, t
        out.append((a, c))
    return out


def _rational_gcd(a: sp.Rational, b: sp.Rational) -> sp.Rational:
    """The largest g > 0 with a/g and b/g integers: gcd of the numerators over lcm of the denominators."""
    return sp.Rational(gcd(int(a.p), int(b.p)), lcm(int(a.q), int(b.q)))


class _Constants:
    """The registry of constants (generators) met so far: atoms and exponential directions."""

    def __init__(self) -> None:
        self.atoms: set[sp.Expr] = set()
        self.directions: dict[sp.Expr, sp.Rational] = {}  # A -> g > 0 (generator exp(g A))
        self.spans: dict[sp.Expr, sp.Rational] = {}  # A -> largest |c| met (degree |c|/g)

    def scan(self, e: sp.Expr, new: list) -> None:
        if e.is_Rational:
            return
        if e.is_Add or e.is_Mul:
            for a in e.args:
                self.scan(a, new)
        elif e.is_Pow and e.exp.is_Integer:
            self.scan(e.base, new)
        elif e.is_Pow and e.exp.is_Rational:
            atom = sp.Pow(e.base, sp.Rational(1, e.exp.q))
            if atom not in self.atoms:
                new.append(atom)
        elif e is sp.E or isinstance(e, sp.exp):
            for a, c in _exp_terms(e.args[0] if isinstance(e, sp.exp) else sp.S.One):
                old = self.directions.get(a)
                if old is None or not (c / old).is_Integer or abs(c) > self.spans[a]:
                    new.append(("exp", a, c))
        elif not e.is_number:
            raise Singularity(f"symnet cannot expand the non-constant value {e}")
        elif e not in self.atoms:
            new.append(e)

    def register(self, new: list) -> None:
        for item in new:
            if isinstance(item, tuple):
                _, a, c = item
                old = self.directions.get(a)
                self.directions[a] = abs(c) if old is None else _rational_gcd(old, c)
                self.spans[a] = max(self.spans.get(a, sp.S.Zero), abs(c))
                if self.spans[a] / self.directions[a] > MAX_EXP_DEGREE:
                    g = self.directions[a] * a
                    raise TooComplex(
                        f"the exponentials exp({self.spans[a] * a}) and exp({g}) along one direction need "
                        f"polynomials of degree {self.spans[a] / self.directions[a]} in exp({g}), beyond "
                        f"symnet's limit of {MAX_EXP_DEGREE}")
            else:
                self.atoms.add(item)
        if len(self.atoms) + len(self.directions) > MAX_GENERATORS:
            raise TooComplex(f"the expansion involves more than {MAX_GENERATORS} distinct constants")


class _Element:
    """A coefficient ``n / (D_1^e_1 ... D_r^e_r)``: a polynomial over QQ in the generators, over a
    product of powers of the domain's registered denominators (the values divided by so far).

    Sums and products never compute a gcd (that is what makes the recurrences fast); the
    fraction is cancelled once, when the coefficient is converted to a sympy expression.
    """

    __slots__ = ("dom", "e", "n")

    def __init__(self, dom: _Domain, n: Any, e: tuple = ()):
        self.dom, self.n, self.e = dom, n, e

    def _coerce(self, other: Any) -> _Element:
        if isinstance(other, _Element):
            return other
        return _Element(self.dom, self.dom.ring(other))

    def __add__(self, other: Any) -> _Element:
        other = self._coerce(other)
        if self.e == other.e:
            return _Element(self.dom, self.n + other.n, self.e)
        if not other.n:
            return self
        if not self.n:
            return other
        e = self.dom.common(self.e, other.e)
        dom = self.dom
        return _Element(dom, dom.product(self.n, dom.lift(self.e, e)) + dom.product(other.n, dom.lift(other.e, e)), e)

    __radd__ = __add__

    def __neg__(self) -> _Element:
        return _Element(self.dom, -self.n, self.e)

    def __sub__(self, other: Any) -> _Element:
        return self + (-self._coerce(other))

    def __rsub__(self, other: Any) -> _Element:
        return self._coerce(other) + (-self)

    def __mul__(self, other: Any) -> _Element:
        if not isinstance(other, _Element):
            return _Element(self.dom, self.n * self.dom.ring.domain.convert(other), self.e)
        e = self.dom.add_exponents(self.e, other.e)
        return _Element(self.dom, self.dom.reduce(self.dom.product(self.n, other.n)), e)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> _Element:
        if isinstance(other, _Element):
            return self * other.inverse()
        return _Element(self.dom, self.n.quo_ground(self.dom.ring.domain.convert(other)), self.e)

    def __rtruediv__(self, other: Any) -> _Element:
        return self.inverse() * other

    def __pow__(self, k: int) -> _Element:
        if k < 0:
            return self.inverse() ** (-k)
        out = _Element(self.dom, self.dom.ring.one)
        base = self
        while k:
            if k & 1:
                out = out * base
            k >>= 1
            if k:
                base = base * base
        return out

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, _Element):
            return not (self - other).n
        if other == 0:
            return not self.n
        return not (self - other).n

    __hash__ = None  # type: ignore[assignment]

    def inverse(self) -> _Element:
        if not self.n:
            raise ZeroDivisionError("inverse of a formal zero")
        dom = self.dom
        lc = self.n.LC
        monic = self.n.quo_ground(lc)
        num = dom.lift((), self.e).quo_ground(lc)
        if monic.is_ground:
            return _Element(dom, num)
        i = dom.register_denominator(monic)
        e = tuple(1 if j == i else 0 for j in range(i + 1))
        return _Element(dom, num, e)


class _Domain:
    """Exact coefficient arithmetic: QQ (flint rationals), or :class:`_Element` over the
    polynomial ring QQ[g_1, ..., g_m] in the constants of the expansion."""

    def __init__(self, constants: _Constants):
        self.constants = constants
        keys = sorted(constants.atoms, key=sp.default_sort_key)
        dirs = sorted(constants.directions, key=sp.default_sort_key)
        values = [*keys, *(sp.exp(constants.directions[a] * a) for a in dirs)]
        self.values = values
        self.denominators: list = []
        self._lift_cache: dict = {}
        self._powers: dict[int, list] = {}
        self.work = 0
        # Quadratic surds sqrt(n) (n rational) are reduced with g^2 = n; other roots of rationals
        # are left to the final canonical form.
        self.surds: list[tuple[int, Any]] = []
        self.other_roots = False
        for i, v in enumerate(keys):
            if v.is_Pow and v.base.is_Rational:
                if v.exp == sp.S.Half:
                    self.surds.append((i, sp.QQ(int(v.base.p), int(v.base.q))))
                else:
                    self.other_roots = True
        if values:
            symbols = sp.symbols(f"g0:{len(values)}", cls=sp.Dummy)
            self.ring, *gens = sp.polys.rings.ring(symbols, sp.QQ)
            self.field = sp.polys.fields.field(symbols, sp.QQ)[0]
            self.atom_gen = dict(zip(keys, (_Element(self, g) for g in gens), strict=False))
            self.dir_gen = dict(zip(dirs, (_Element(self, g) for g in gens[len(keys):]), strict=False))
            self.back = dict(zip(symbols, values, strict=False))
            self.zero, self.one = _Element(self, self.ring.zero), _Element(self, self.ring.one)
            self.rational = lambda r: _Element(self, self.ring(sp.QQ(int(r.p), int(r.q))))
        else:
            self.ring = self.field = None
            self.zero, self.one = sp.QQ.zero, sp.QQ.one
            self.rational = lambda r: sp.QQ(int(r.p), int(r.q))

    def transcendence_basis_known(self) -> bool:
        """True when the generators are at most one exponential ``e^g`` with rational g and at most
        one quadratic surd: then a nonzero element of the ring's fraction field (surds reduced) is a
        nonzero number."""
        dirs = self.constants.directions
        atoms = self.constants.atoms
        return (set(dirs) <= {sp.S.One} and len(atoms) == len(self.surds) <= 1)

    # -- bookkeeping of the denominators -------------------------------------------------------
    def register_denominator(self, monic: Any) -> int:
        for i, d in enumerate(self.denominators):
            if d == monic:
                return i
        self.denominators.append(monic)
        return len(self.denominators) - 1

    @staticmethod
    def common(a: tuple, b: tuple) -> tuple:
        n = max(len(a), len(b))
        a, b = a + (0,) * (n - len(a)), b + (0,) * (n - len(b))
        return tuple(max(x, y) for x, y in zip(a, b, strict=False))

    @staticmethod
    def add_exponents(a: tuple, b: tuple) -> tuple:
        if not a:
            return b
        if not b:
            return a
        n = max(len(a), len(b))
        a, b = a + (0,) * (n - len(a)), b + (0,) * (n - len(b))
        return tuple(x + y for x, y in zip(a, b, strict=False))

    def lift(self, have: tuple, want: tuple) -> Any:
        """The polynomial prod D_i^(want_i - have_i) that brings exponents ``have`` to ``want``."""
        key = (have, want)
        out = self._lift_cache.get(key)
        if out is None:
            out = self.ring.one
            have = have + (0,) * (len(want) - len(have))
            for i, (h, w) in enumerate(zip(have, want, strict=False)):
                if w > h:
                    out = self.product(out, self._power(i, w - h))
            out = self.reduce(out)
            self._lift_cache[key] = out
        return out

    def _power(self, i: int, m: int) -> Any:
        """D_i^m (the powers of each denominator are kept)."""
        powers = self._powers.setdefault(i, [self.ring.one])
        while len(powers) <= m:
            powers.append(self.reduce(self.product(powers[-1], self.denominators[i])))
        return powers[m]

    def product(self, a: Any, b: Any) -> Any:
        """``a * b`` in the ring, charged to the budgets :data:`MAX_WORK` and :data:`MAX_TERMS`."""
        self.work += len(a) * len(b)
        if self.work > MAX_WORK:
            raise TooComplex(f"the Taylor coefficients grow beyond symnet's budget of {MAX_WORK:,} term "
                             f"products in the constants {self._names()}")
        out = a * b
        if len(out) > MAX_TERMS:
            raise TooComplex(f"a Taylor coefficient has more than {MAX_TERMS} monomials in the constants "
                             f"{self._names()}")
        return out

    def _names(self) -> str:
        names = [str(v) for v in self.values]
        return ", ".join(n if len(n) <= 40 else n[:37] + "..." for n in names[:6]) + (", ..." if len(names) > 6 else "")

    def reduce(self, p: Any) -> Any:
        """Reduce a polynomial with the relations g^2 = n of the quadratic surds."""
        for i, n in self.surds:
            if p.degree(i) < 2:
                continue
            terms: dict = {}
            for monom, coeff in p.terms():
                k = monom[i]
                m = (*monom[:i], k % 2, *monom[i + 1:])
                terms[m] = terms.get(m, 0) + coeff * n ** (k // 2)
            p = self.ring.from_dict({m: c for m, c in terms.items() if c})
        return p

    # -- conversions ---------------------------------------------------------------------------
    def from_expr(self, e: sp.Expr) -> Any:
        """A sympy number as a domain element (new constants enlarge the field and restart)."""
        e = sp.sympify(e)
        if e.is_Rational:
            return self.rational(e)
        if e.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
            raise Singularity(f"the value {e} is not finite")
        if e.has(sp.I) or e.is_extended_real is False:
            raise Singularity(f"the value {e} is not a real number")
        new: list = []
        self.constants.scan(e, new)
        if new:
            self.constants.register(new)
            raise _NewConstants
        return self._build(e)

    def _build(self, e: sp.Expr) -> Any:
        if e.is_Rational:
            return self.rational(e)
        if e.is_Add:
            return sum((self._build(a) for a in e.args), self.zero)
        if e.is_Mul:
            out = self.one
            for a in e.args:
                out = out * self._build(a)
            return out
        if e.is_Pow and e.exp.is_Integer:
            return self._build(e.base) ** int(e.exp)
        if e.is_Pow and e.exp.is_Rational:
            return self.atom_gen[sp.Pow(e.base, sp.Rational(1, e.exp.q))] ** int(e.exp.p)
        if e is sp.E or isinstance(e, sp.exp):
            out = self.one
            for a, c in _exp_terms(e.args[0] if isinstance(e, sp.exp) else sp.S.One):
                out = out * self.dir_gen[a] ** int(c / self.constants.directions[a])
            return out
        return self.atom_gen[e]

    def _raw_expr(self, c: Any) -> sp.Expr:
        """The value of an element as an (unsimplified) sympy expression."""
        if self.ring is None:
            return sp.Rational(int(c.numerator), int(c.denominator))
        out = c.n.as_expr().xreplace(self.back)
        for d, k in zip(self.denominators, c.e, strict=False):
            if k:
                out = out / d.as_expr().xreplace(self.back) ** k
        return out

    def _to_field(self, c: _Element) -> Any:
        f = self.field(c.n)
        for d, k in zip(self.denominators, c.e, strict=False):
            if k:
                f = f / self.field(d) ** k
        if self.surds:
            f = self._rationalize(f)
        return f

    def _rationalize(self, f: Any) -> Any:
        """Reduce numerator and denominator by g^2 = n and clear the surds from the denominator."""
        num, den = self.reduce(f.numer.set_ring(self.ring)), self.reduce(f.denom.set_ring(self.ring))
        for i, _n in self.surds:
            if den.degree(i) < 1:
                continue
            conj = self.ring.from_dict({m: (-c if m[i] % 2 else c) for m, c in den.terms()})
            num, den = self.reduce(num * conj), self.reduce(den * conj)
        return self.field(num) / self.field(den)

    def output(self, c: Any) -> sp.Expr:
        """The canonical sympy form of a final coefficient."""
        if self.ring is None:
            return self._raw_expr(c)
        f = self._to_field(c)
        num = f.numer.as_expr().xreplace(self.back)
        den_poly = f.denom
        if den_poly.is_ground:
            out = num / den_poly.as_expr()
        elif len(den_poly.terms()) == 1:  # a monomial such as E^2: divide term by term
            out = sp.expand(num / den_poly.as_expr().xreplace(self.back))
        else:
            # num * (1/c) / prod f^m as one Mul: sympy would distribute c over a sum (2 + 2 e^b)
            coeff, factors = self._factored(den_poly)
            out = sp.Mul(num, 1 / coeff, *[f**-m for f, m in factors])
        return canon(out) if self.other_roots else out

    def _factored(self, den: Any) -> tuple[sp.Rational, list[tuple[sp.Expr, int]]]:
        """A denominator as a rational times a product of powers: the square-free factors (each
        factored into irreducibles only when its degree is at most :data:`MAX_FACTOR_DEGREE`),
        then the powers of the generators."""
        monoms = den.monoms()
        monomial = tuple(min(m[i] for m in monoms) for i in range(self.ring.ngens))
        if any(monomial):
            den = self.ring.from_dict({tuple(a - b for a, b in zip(m, monomial, strict=True)): c
                                       for m, c in den.terms()})
        coeff, parts = den.sqf_list()
        factors = []
        for g, m in parts:
            if max(g.degrees()) <= MAX_FACTOR_DEGREE and len(g.terms()) <= 64:
                c, irreducible = g.factor_list()
                coeff *= c**m
                factors.extend((h, m * k) for h, k in irreducible)
            else:
                factors.append((g, m))
        out = [(g.as_expr().xreplace(self.back), m) for g, m in factors]
        out += [(v, k) for v, k in zip(self.values, monomial, strict=True) if k]
        return self.ring.domain.to_sympy(coeff), out

    # -- decisions on exact values -------------------------------------------------------------
    def is_zero(self, c: Any) -> bool:
        if c == 0:
            return True
        if self.ring is None:
            return False
        if certified_sign(self._raw_expr(c)) is not None:
            return False
        if self._to_field(c) == 0:
            return True
        if self.transcendence_basis_known():
            return False
        return is_zero(self._raw_expr(c))

    def sign(self, c: Any) -> int:
        if c == 0:
            return 0
        if self.ring is None:
            return 1 if c > 0 else -1
        sign = certified_sign(self._raw_expr(c))
        if sign is not None:
            return sign
        if self.is_zero(c):
            return 0
        return _sign(self.output(c))


def _tanh_value(v: sp.Expr) -> sp.Expr:
    """tanh(v), as ``(e^(2v) - 1)/(e^(2v) + 1)`` when e^(2v) is rational or has only square roots
    (v a rational combination of logarithms: ``tanh(log 2) = 3/5``, ``tanh(log(2)/4) = 3 - 2 sqrt 2``),
    else the constant ``tanh(v)`` (cube and higher roots print better as ``tanh(log(3)/3)``)."""
    value = sp.tanh(v)
    if value.has(sp.tanh):
        e2 = sp.exp(2 * v)
        if not e2.has(sp.exp, sp.log) and all(p.exp.q == 2 for p in e2.atoms(sp.Pow) if p.exp.is_Rational):
            return (e2 - 1) / (e2 + 1)
    return value


# -- truncated power series over the domain --------------------------------------------------------

class _Series:
    """The recurrences of the module docstring on jets with coefficients in a :class:`_Domain`."""

    def __init__(self, dom: _Domain):
        self.dom = dom

    def value(self, f0: Any) -> sp.Expr:
        return self.dom.output(f0)

    def const(self, e: sp.Expr) -> Any:
        return self.dom.from_expr(e)

    def sum(self, terms) -> Any:
        return sum(terms, self.dom.zero)

    def mul(self, a: Jet, b: Jet) -> Jet:
        return [self.sum(a[j] * b[k - j] for j in range(k + 1)) for k in range(len(a))]

    def div(self, u: Jet, v: Jet) -> Jet:
        if self.dom.is_zero(v[0]):
            raise Singularity("division by an expression that vanishes at the point")
        inv = 1 / v[0]
        g: Jet = []
        for k in range(len(u)):
            g.append((u[k] - self.sum(v[j] * g[k - j] for j in range(1, k + 1))) * inv)
        return g

    def exp(self, f: Jet) -> Jet:
        g = [self.const(sp.exp(self.value(f[0])))]
        for k in range(1, len(f)):
            g.append(self.sum(j * f[j] * g[k - j] for j in range(1, k + 1)) / k)
        return g

    def log(self, f: Jet) -> Jet:
        s0 = self.dom.sign(f[0])
        if s0 == 0:
            raise Singularity("log of an expression that vanishes at the point")
        if s0 < 0:
            raise Singularity(f"log of the negative value {self.value(f[0])} (not real)")
        g = [self.const(sp.log(self.value(f[0])))]
        inv = 1 / f[0]
        for k in range(1, len(f)):
            s = self.sum(j * g[j] * f[k - j] for j in range(1, k)) / k
            g.append((f[k] - s) * inv)
        return g

    def pow(self, f: Jet, a: sp.Expr) -> Jet:
        if a.is_Integer and a >= 0:
            one = [self.dom.one] + [self.dom.zero] * (len(f) - 1)
            result, base, e = one, f, int(a)
            while e:
                if e & 1:
                    result = self.mul(result, base)
                e >>= 1
                if e:
                    base = self.mul(base, base)
            return result
        if a.is_Integer:
            one = [self.dom.one] + [self.dom.zero] * (len(f) - 1)
            return self.div(one, self.pow(f, -a))
        s0 = self.dom.sign(f[0])
        if s0 == 0:
            raise Singularity(f"non-integer power {a} of an expression that vanishes at the point")
        if s0 < 0:
            raise Singularity(f"non-integer power {a} of the negative value {self.value(f[0])} (not real)")
        g = [self.const(self.value(f[0]) ** a)]
        ca = self.const(a)
        inv = 1 / f[0]
        for k in range(1, len(f)):
            s = self.sum(((ca + 1) * j - k) * f[j] * g[k - j] for j in range(1, k + 1))
            g.append(s * inv / k)
        return g

    def integrate_with(self, f: Jet, h: Jet, g0: Any) -> Jet:
        """Solve g' = h f' with g(0) = g0, coefficientwise: g_k = (1/k) sum j f_j h_{k-j}."""
        g = [g0]
        for k in range(1, len(f)):
            g.append(self.sum(j * f[j] * h[k - j] for j in range(1, k + 1)) / k)
        return g

    def sincos(self, f: Jet) -> tuple[Jet, Jet]:
        f0 = self.value(f[0])
        s = [self.const(sp.sin(f0))]
        c = [self.const(sp.cos(f0))]
        for k in range(1, len(f)):
            s.append(self.sum(j * f[j] * c[k - j] for j in range(1, k + 1)) / k)
            c.append(-self.sum(j * f[j] * s[k - j] for j in range(1, k + 1)) / k)
        return s, c

    def tanh(self, f: Jet) -> Jet:
        g = [self.const(_tanh_value(self.value(f[0])))]
        u = [1 - g[0] ** 2]  # u = 1 - g^2, built alongside g
        for k in range(1, len(f)):
            g.append(self.sum(j * f[j] * u[k - j] for j in range(1, k + 1)) / k)
            u.append(-self.sum(g[j] * g[k - j] for j in range(k + 1)))
        return g

    def erf(self, f: Jet) -> Jet:
        neg_square = [-c for c in self.mul(f, f)]
        scale = self.const(2 / sp.sqrt(sp.pi))
        h = [scale * c for c in self.exp(neg_square)]
        return self.integrate_with(f, h, self.const(sp.erf(self.value(f[0]))))

    def extreme(self, branches: list[Jet], side: int, pick_max: bool) -> Jet:
        """The branch that is largest (or smallest) for t -> 0 on the given side (+1 or -1)."""
        best = branches[0]
        for cand in branches[1:]:
            decided = 0
            for k, (a, b) in enumerate(zip(cand, best, strict=False)):
                s = self.dom.sign(a - b)
                if s:
                    decided = s * (side**k)
                    break
            if (decided > 0) == pick_max and decided != 0:
                best = cand
        return best


class _Evaluator:
    def __init__(self, variable: sp.Symbol, point: sp.Expr, order: int, dom: _Domain):
        self.variable = variable
        self.point = point
        self.order = order
        self.dom = dom
        self.ops = _Series(dom)

    def const(self, c: sp.Expr) -> Jet:
        return [self.dom.from_expr(c)] + [self.dom.zero] * self.order

    def run(self, expr: sp.Expr, side: int) -> Jet:
        n = self.order + 1
        ops = self.ops
        if not expr.has(self.variable):
            return self.const(expr)
        if expr == self.variable:
            p = self.dom.from_expr(self.point)
            return [p, self.dom.one] + [self.dom.zero] * (n - 2) if n > 1 else [p]
        args = expr.args
        if expr.is_Add:
            parts = [self.run(a, side) for a in args]
            return [ops.sum(c) for c in zip(*parts, strict=False)]
        if expr.is_Mul:
            out = self.run(args[0], side)
            for a in args[1:]:
                out = ops.mul(out, self.run(a, side))
            return out
        if expr.is_Pow:
            base, e = args
            if e.has(self.variable):
                return ops.exp(self.run(e * sp.log(base), side))
            return ops.pow(self.run(base, side), e)
        if isinstance(expr, sp.exp):
            return ops.exp(self.run(args[0], side))
        if isinstance(expr, sp.log):
            return ops.log(self.run(args[0], side))
        if isinstance(expr, sp.sin):
            return ops.sincos(self.run(args[0], side))[0]
        if isinstance(expr, sp.cos):
            return ops.sincos(self.run(args[0], side))[1]
        if isinstance(expr, sp.tanh):
            return ops.tanh(self.run(args[0], side))
        if isinstance(expr, sp.erf):
            return ops.erf(self.run(args[0], side))
        if isinstance(expr, sp.Abs):
            f = self.run(args[0], side)
            return ops.extreme([f, [-c for c in f]], side, pick_max=True)
        if isinstance(expr, (sp.Max, sp.Min)):
            branches = [self.run(a, side) for a in args]
            return ops.extreme(branches, side, pick_max=isinstance(expr, sp.Max))
        if isinstance(expr, sp.Heaviside):
            return self.step(expr, side)
        raise Singularity(f"symnet cannot expand {type(expr).__name__} ({expr})")


    def step(self, expr: sp.Heaviside, side: int) -> Jet:
        """The constant jet of Heaviside(f, h0): 1 or 0 by the sign of f on the side, ``h0`` at
        the point itself (side 0) where f vanishes."""
        arg, at_zero = expr.args
        f = self.run(arg, side)
        sign = self.dom.sign(f[0])
        if sign == 0:
            if side == 0:
                return self.const(at_zero)
            sign = self.side_sign(arg, side, f)
        return self.const(sp.Integer(1 if sign > 0 else 0))

    def side_sign(self, arg: sp.Expr, side: int, f: Jet) -> int:
        """The sign of f(p + t) for small t of the sign ``side``, where f(p) = 0: that of the first
        nonzero coefficient f_j, times side^j (expanding f further if the jet at hand is all 0)."""
        order = self.order
        while True:
            for j in range(1, len(f)):
                s = self.dom.sign(f[j])
                if s:
                    return s * side**j
            if order >= MAX_STEP_ORDER:
                raise Singularity(f"the argument {arg} of Heaviside vanishes to order {MAX_STEP_ORDER} at the "
                                  "point: symnet cannot tell its sign on either side")
            order = min(MAX_STEP_ORDER, max(8, 4 * order))
            f = _Evaluator(self.variable, self.point, order, self.dom).run(arg, side)


def _run(expr: sp.Expr, variable: sp.Symbol, point: sp.Expr, order: int, constants: _Constants,
         sides: tuple[int, ...]) -> tuple[_Domain, list[Jet]]:
    """Run the evaluator, enlarging the field (and restarting) until it holds every constant."""
    for _ in range(4 * MAX_GENERATORS):
        dom = _Domain(constants)
        ev = _Evaluator(variable, point, order, dom)
        try:
            return dom, [ev.run(expr, side) for side in sides]
        except _NewConstants:
            continue
    raise Singularity("the constants of the expansion do not settle")  # pragma: no cover


def jets(expr: sp.Expr, variable: sp.Symbol, point: sp.Expr, order: int) -> OneSidedJets:
    """One-sided Taylor jets of ``expr`` (a function of ``variable``) at ``point``, through ``order``.

    Raises :class:`Singularity` if the expression is not defined (or not real) at the point or
    a branch cannot be decided.

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
    >>> jets(1 / (1 + sp.exp(-x)), x, sp.Integer(1), 1).right
    (E/(1 + E), E/(1 + E)**2)
    >>> step = jets(sp.Heaviside(x, 0), x, sp.Integer(0), 1)
    >>> step.left, step.right, step.value, step.continuous()
    ((0, 0), (1, 0), 0, False)
    """
    point = sp.sympify(point)
    sides = (1, -1) if expr.has(*PIECEWISE_NODES) else (1,)
    constants = _Constants()
    # The constants are the values of the nodes at the point: find them at order 0 (cheap), so
    # that the expansion at full order runs once, in the final field.
    _run(expr, variable, point, 0, constants, sides)
    value = None
    if expr.has(sp.Heaviside):  # the value at the point (side 0) may differ from both limits
        vdom, (vjet,) = _run(expr, variable, point, 0, constants, (0,))
        value = vdom.output(vjet[0])
    dom, results = _run(expr, variable, point, order, constants, sides)
    right = tuple(dom.output(c) for c in results[0])
    if len(results) == 1:
        return OneSidedJets(right, right, len(right) - 1, value)
    left_jet, right_jet = results[1], results[0]
    agree = len(right) - 1
    for k, (a, b) in enumerate(zip(left_jet, right_jet, strict=False)):
        if not dom.is_zero(a - b):
            agree = k - 1
            break
    left = tuple(dom.output(c) for c in left_jet)
    return OneSidedJets(left, right, agree, value)

"""The :class:`Activation` type: a function of one variable with exact derivatives.

Conventions (``MATH.md`` section 0): ``derivative(k, at=b)`` is the k-th **derivative**
sigma^(k)(b); ``taylor_coefficient(k, at=b)`` is the k-th **Taylor coefficient**
c_k(b) = sigma^(k)(b) / k!. The papers and seeds mix the two; symnet never does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from symnet.activations._jets import PIECEWISE_NODES, OneSidedJets, Singularity, TooComplex, jets
from symnet.activations._numeric import to_mpmath_function, to_numpy_function
from symnet.activations._piecewise import symbolic_derivative
from symnet.errors import InvalidInput, NotSmoothError, PrecisionError, TooLargeError

__all__ = ["VARIABLE", "Activation", "DerivativeSymbol", "check_dps", "exact_number", "mpmath_number"]

#: The variable in which every concrete activation's formula is written.
VARIABLE = sp.Symbol("x", real=True)

#: Largest derivative order symnet computes for a concrete activation.
MAX_ORDER = 400
#: Most decimal digits of an mpmath evaluation (beyond this, a single evaluation takes minutes).
MAX_DPS = 20000


class DerivativeSymbol(sp.Symbol):
    """The symbol sigma^(k)(b): the k-th derivative of a generic activation at a point.

    Printed as ``sigma^(k)(b)`` (``sigma(b)`` for k = 0) and in LaTeX as ``\\sigma^{(k)}(b)``.

    Examples
    --------
    >>> from symnet.activations import generic
    >>> d = generic().derivative(4, at="b")
    >>> d, d.order, d.point
    (sigma^(4)(b), 4, b)
    >>> from sympy import latex
    >>> latex(d)
    '\\\\sigma^{(4)}(b)'
    """

    order: int
    point: sp.Expr
    base: str

    def __new__(cls, order: int, point: sp.Expr, base: str = "sigma"):
        point = sp.sympify(point)
        name = f"{base}({point})" if order == 0 else f"{base}^({order})({point})"
        # Symbol.__new__ caches instances by name: sigma^(3)(b) at a real b and at a b without
        # assumptions would be one object whose .point the second call overwrites. Build a fresh
        # object instead; equality and hashing include (order, point, base).
        obj = sp.Symbol.__xnew__(cls, name, real=True)
        obj.order = int(order)
        obj.point = point
        obj.base = base
        return obj

    def __getnewargs_ex__(self):
        return ((self.order, self.point, self.base), {})

    def _hashable_content(self):
        return (*super()._hashable_content(), self.order, self.point, self.base)

    def _latex(self, printer: Any) -> str:
        base = "\\" + self.base if self.base in ("sigma", "phi", "psi", "rho") else self.base
        pt = printer._print(self.point)
        if self.order == 0:
            return f"{base}({pt})"
        return f"{base}^{{({self.order})}}({pt})"


def exact_number(value: Any, what: str = "value", allow_symbols: bool = False) -> sp.Expr:
    """Convert a user-supplied number to an exact sympy number, or raise :class:`InvalidInput`.

    Accepts int, :class:`fractions.Fraction`, sympy numbers and exact expressions (such as
    ``log(2 + sqrt(3))``), and finite floats, which are read as the decimal they print as
    (``0.1`` means 1/10). Strings are not parsed here (use the whitelist parser).
    """
    if isinstance(value, bool):
        raise InvalidInput(f"{what} must be a number, got the bool {value!r}")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise InvalidInput(f"{what} must be finite, got {value!r}")
        return sp.Rational(repr(float(value)))
    if isinstance(value, np.integer):
        return sp.Integer(int(value))
    if isinstance(value, sp.Basic):
        if not isinstance(value, sp.Expr):
            raise InvalidInput(f"{what} must be a number, got {type(value).__name__} {value}")
        if value.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
            raise InvalidInput(f"{what} must be finite, got {value}")
        if value.is_extended_real is False or (value.has(sp.I) and value.is_extended_real is not True):
            raise InvalidInput(f"{what} must be a real number, got {value}")
        if value.free_symbols and not allow_symbols:
            names = ", ".join(sorted(str(s) for s in value.free_symbols))
            raise InvalidInput(f"{what} must be a number, but {value} contains the symbol(s) {names}")
        if isinstance(value, sp.Float):
            return sp.Rational(str(value))
        return value
    raise InvalidInput(f"{what} must be an exact number (int, Fraction, sympy number), got {type(value).__name__}")


def mpmath_number(value: Any, what: str = "value") -> mpmath.mpf:
    """A finite real number as an mpf at the current mpmath precision, or :class:`InvalidInput`.

    Exact values (int, Fraction, sympy numbers such as ``sqrt(2)``) are rounded once, at the
    working precision; floats and mpf are taken as they are; decimal strings (``"0.1"``) are
    read by mpmath at the working precision. Bools, NaN, infinities, complex numbers and symbols
    are rejected.
    """
    if isinstance(value, bool) or isinstance(value, np.bool_):
        raise InvalidInput(f"{what} must be a number, got the bool {value!r}")
    if isinstance(value, mpmath.mpf):
        out = value
    elif isinstance(value, str):
        try:
            out = mpmath.mpf(value.strip())
        except (ValueError, TypeError):
            raise InvalidInput(f"{what} must be a number; the string {value[:40]!r} is not a decimal number") from None
    elif isinstance(value, (float, np.floating)):
        out = mpmath.mpf(float(value))
    else:
        exact = exact_number(value, what)
        if exact.is_Rational:
            out = mpmath.mpf(int(exact.p)) / int(exact.q)
        else:
            out = mpmath.mpf(sp.N(exact, mpmath.mp.dps + 10))
    if not mpmath.isfinite(out):
        raise InvalidInput(f"{what} must be finite, got {out}")
    return out


def check_dps(dps: Any) -> int:
    if isinstance(dps, bool) or not isinstance(dps, (int, np.integer)) or dps < 1:
        raise InvalidInput(f"dps (decimal digits) must be a positive int, got {dps!r}")
    if dps > MAX_DPS:
        raise TooLargeError(f"dps = {dps} decimal digits is beyond symnet's limit of {MAX_DPS}")
    return int(dps)


def _check_order(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise InvalidInput(f"the derivative order must be a non-negative int, got {k!r}")
    k = int(k)
    if k < 0:
        raise InvalidInput(f"the derivative order must be non-negative, got {k}")
    if k > MAX_ORDER:
        raise InvalidInput(f"derivative order {k} is beyond symnet's limit of {MAX_ORDER}")
    return k


class Activation:
    """A named activation function sigma of one real variable, with exact derivatives.

    Build one with :func:`symnet.activations.get`, :func:`~symnet.activations.generic`,
    :func:`~symnet.activations.from_expression` or :func:`~symnet.activations.polynomial`.

    Parameters
    ----------
    name : str
        Short name used in messages and output.
    expr : sympy.Expr or None
        The formula in :data:`VARIABLE` (``x``); ``None`` for the generic activation, whose
        derivatives stay symbols.
    description : str
        One line saying what it is.
    numpy_function : callable, optional
        A vectorised numpy implementation (numerically stable), used instead of one generated
        from ``expr``.
    mpmath_function : callable, optional
        An mpmath implementation (accurate at the working precision, e.g. free of cancellation),
        used instead of one generated from ``expr``.

    Examples
    --------
    >>> from symnet.activations import get
    >>> softplus = get("softplus")
    >>> softplus.derivative(2), softplus.taylor_coefficient(2)
    (1/4, 1/8)
    >>> get("tanh").derivative(3)
    -2
    """

    __slots__ = ("__weakref__", "_mpmath", "_numpy", "description", "expr", "name")

    def __init__(
        self,
        name: str,
        expr: sp.Expr | None,
        description: str = "",
        numpy_function: Callable[[np.ndarray], np.ndarray] | None = None,
        mpmath_function: Callable[[Any], Any] | None = None,
    ):
        if not isinstance(name, str) or not name:
            raise InvalidInput(f"an activation needs a non-empty str name, got {name!r}")
        if expr is not None:
            if not isinstance(expr, sp.Expr):
                raise InvalidInput(
                    f"activation {name!r}: formula must be a sympy expression, got {type(expr).__name__}"
                )
            # Any symbol named x (whatever its assumptions) is the variable, and floats are read as
            # the decimals they print as (0.1 is 1/10), so that derivatives are exact.
            expr = expr.xreplace({s: VARIABLE for s in expr.free_symbols if s.name == VARIABLE.name})
            expr = expr.xreplace({f: exact_number(f, f"activation {name!r}: a coefficient")
                                  for f in expr.atoms(sp.Float)})
            if expr.has(sp.nan, sp.oo, -sp.oo, sp.zoo, sp.I):
                raise InvalidInput(f"activation {name!r}: formula {expr} is not a finite real function")
            extra = expr.free_symbols - {VARIABLE}
            if extra:
                raise InvalidInput(
                    f"activation {name!r}: formula {expr} may only use the variable x, "
                    f"found {', '.join(sorted(map(str, extra)))}"
                )
        self.name = name
        self.expr = expr
        self.description = description
        self._numpy = numpy_function
        self._mpmath: Callable | None = mpmath_function

    # -- identity -------------------------------------------------------------------------
    @property
    def is_generic(self) -> bool:
        """True for the generic activation, whose derivatives are the symbols sigma^(k)(b)."""
        return self.expr is None

    def __repr__(self) -> str:
        if self.is_generic:
            return "Activation('sigma', generic)"
        return f"Activation({self.name!r}, {self.expr})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Activation) and (self.name, self.expr) == (other.name, other.expr)

    def __hash__(self) -> int:
        return hash((self.name, self.expr))

    def __reduce__(self):
        # numpy_function overrides of the catalogue are recovered by name on unpickling.
        from symnet.activations._catalogue import _restore

        return (_restore, (self.name, self.expr, self.description))

    # -- exact derivatives --------------------------------------------------------------------
    def _point(self, at: Any) -> sp.Expr:
        if isinstance(at, str):
            if at.isidentifier():
                return sp.Symbol(at, real=True)
            raise InvalidInput(
                f"activation {self.name!r}: the point must be a number or a symbol name, got {at!r}"
            )
        return exact_number(at, f"activation {self.name!r}: the point", allow_symbols=True)

    def derivative(self, k: int, at: Any = 0) -> sp.Expr:
        """The k-th derivative sigma^(k)(at), exactly.

        Rationals where the value is rational; exact algebraic or transcendental expressions
        otherwise; for the generic activation the symbol ``sigma^(k)(at)``; for a symbolic
        point an expression in that symbol.

        At a symbolic point, the derivative of a piecewise formula (``max``, ``min``, ``abs``,
        Heaviside: relu, elu, heaviside) is the classical one: a ``Piecewise`` that is exact
        wherever the derivative exists and sympy's ``nan`` (undefined) at the points where it does
        not, never sympy's distributional ``Heaviside(b)`` (1/2 at 0) or ``DiracDelta(b)``.
        Substituting a number for the symbol gives what ``derivative(k, at=number)`` gives, or
        ``nan`` where that raises :class:`~symnet.errors.NotSmoothError`. The value itself
        (k = 0) is the formula at the point. See ``symnet.activations._piecewise``.

        Raises
        ------
        NotSmoothError
            If sigma is not k times differentiable at the (numeric) point (relu at 0 for k >= 1,
            heaviside at 0 for k >= 1); at a symbolic point, if symnet cannot locate the points
            where a piecewise formula switches branch exactly.
        InvalidInput
            If k is not a non-negative int or the point is not a number.

        Examples
        --------
        >>> from symnet.activations import get
        >>> relu = get("relu")
        >>> relu.derivative(1, at=2), relu.derivative(1, at=-2)
        (1, 0)
        >>> from sympy import Symbol
        >>> b = Symbol("b", real=True)
        >>> d = relu.derivative(1, at=b)
        >>> d
        Piecewise((nan, Eq(b, 0)), (0, b < 0), (1, True))
        >>> d.subs(b, -3), d.subs(b, 0), d.subs(b, 5)
        (0, nan, 1)
        >>> get("elu").derivative(2, at="b")
        Piecewise((nan, Eq(b, 0)), (exp(b), b < 0), (0, True))
        """
        k = _check_order(k)
        point = self._point(at)
        if self.is_generic:
            return DerivativeSymbol(k, point)
        if point.free_symbols:
            if k == 0:
                return self(point)
            if self.expr.has(*PIECEWISE_NODES):
                name, expr = self.name, self.expr
                return symbolic_derivative(name, expr, VARIABLE, point, k,
                                           lambda c: _derivatives(name, expr, c, k)[k])
            return sp.diff(self.expr, VARIABLE, k).subs(VARIABLE, point)
        return _derivatives(self.name, self.expr, point, k)[k]

    def derivatives(self, k: int, at: Any = 0) -> tuple[sp.Expr, ...]:
        """The derivatives sigma^(0)(at), ..., sigma^(k)(at) (one expansion for all of them)."""
        k = _check_order(k)
        point = self._point(at)
        if self.is_generic or point.free_symbols:
            return tuple(self.derivative(j, point) for j in range(k + 1))
        return _derivatives(self.name, self.expr, point, k)

    def taylor_coefficient(self, k: int, at: Any = 0) -> sp.Expr:
        """The k-th Taylor coefficient c_k(at) = sigma^(k)(at) / k!, exactly."""
        k = _check_order(k)
        return self.derivative(k, at) / sp.factorial(k)

    def taylor_coefficients(self, k: int, at: Any = 0) -> tuple[sp.Expr, ...]:
        """The Taylor coefficients c_0(at), ..., c_k(at)."""
        return tuple(d / sp.factorial(j) for j, d in enumerate(self.derivatives(k, at)))

    def is_smooth_at(self, point: Any, order: int = 40) -> bool:
        """Whether sigma is (at least ``order`` times) differentiable at the point.

        The generic activation is smooth everywhere by assumption. For a concrete activation
        the one-sided Taylor jets at the point are compared through ``order`` (default 40).
        A formula without ``max``, ``min``, ``abs`` or Heaviside is analytic wherever it is
        defined (every other whitelisted function is analytic on its real domain), so for it the
        value at the point decides. A formula that is not continuous at the point (heaviside at
        0) is not smooth there for any ``order``.
        """
        order = _check_order(order)
        p = self._point(point)
        if self.is_generic:
            return True
        if p.free_symbols:
            raise InvalidInput(f"activation {self.name!r}: is_smooth_at needs a numeric point, got {p}")
        if not self.expr.has(*PIECEWISE_NODES):
            order = 0
        try:
            j = _one_sided_jets(self.name, self.expr, p, order)
        except NotSmoothError:
            return False
        return j.continuous() and j.agree_through() >= order

    # -- evaluation -----------------------------------------------------------------------
    def __call__(self, z: Any) -> sp.Expr:
        """sigma applied to a sympy expression (a symbolic pre-activation) or an exact number."""
        if not isinstance(z, sp.Basic):
            z = exact_number(z, f"the argument of activation {self.name!r}", allow_symbols=True)
        elif not isinstance(z, sp.Expr):
            raise InvalidInput(f"activation {self.name!r} applies to expressions, got {type(z).__name__}")
        if self.is_generic:
            return sp.Function("sigma")(z)
        return self.expr.xreplace({VARIABLE: z})

    def numpy(self, z: Any) -> np.ndarray:
        """sigma evaluated in float64 on an array (vectorised)."""
        if self.is_generic:
            raise InvalidInput("the generic activation has no numeric values; pick a concrete one")
        try:
            raw = np.asarray(z)
            if isinstance(z, (str, bytes)) or (raw.dtype.kind in "bUSOcV" and not _numeric_objects(raw)):
                raise TypeError(f"got {type(z).__name__} {str(z)[:40]}")
            values = np.asarray(raw, dtype=float)
        except (TypeError, ValueError) as err:
            raise InvalidInput(f"activation {self.name!r}: numpy() needs an array of real numbers: {err}") from None
        if self._numpy is None:
            self._numpy = _compiled(to_numpy_function, self)
        return self._numpy(values)

    def mpmath(self, z: Any, dps: int | None = None) -> Any:
        """sigma evaluated with mpmath (at ``dps`` decimal digits if given, else mpmath's context).

        ``z`` is a finite real number: exact (int, Fraction, sympy) values are rounded once at
        the working precision (see :func:`mpmath_number`).
        """
        if self.is_generic:
            raise InvalidInput("the generic activation has no numeric values; pick a concrete one")
        if self._mpmath is None:
            self._mpmath = _compiled(to_mpmath_function, self)
        what = f"activation {self.name!r}: the point"
        with mpmath.workdps(check_dps(dps) if dps is not None else mpmath.mp.dps):
            point = mpmath_number(z, what)
            try:
                value = self._mpmath(point)
            except (OverflowError, ZeroDivisionError, ValueError) as err:
                raise PrecisionError(
                    f"activation {self.name!r} cannot be evaluated at {mpmath.nstr(point, 15)} with mpmath: "
                    f"{err} (an intermediate value is beyond mpmath's range, or the formula is undefined there)"
                ) from None
            if not isinstance(value, mpmath.mpf) or not mpmath.isfinite(value):
                raise InvalidInput(f"activation {self.name!r} has no finite real value at {mpmath.nstr(point, 15)} "
                                   f"(mpmath gives {mpmath.nstr(value, 5)}); choose a point in its domain")
            return value

    def latex(self) -> str:
        """LaTeX for sigma(x)."""
        if self.is_generic:
            return "\\sigma(x)"
        return sp.latex(self.expr)


def _numeric_objects(arr: np.ndarray) -> bool:
    """True if an object array holds only real numbers (e.g. sympy Rationals)."""
    if arr.dtype != object:
        return False
    return all(not isinstance(v, (bool, str, bytes, complex, np.bool_)) and v is not None for v in arr.ravel())


def _compiled(compiler: Callable, act: Activation) -> Callable:
    try:
        return compiler(act.expr, VARIABLE)
    except RecursionError:
        raise TooLargeError(f"activation {act.name!r}: the formula nests too deeply to evaluate numerically") from None


@lru_cache(maxsize=512)
def _one_sided_jets(name: str, expr: sp.Expr, point: sp.Expr, k: int) -> OneSidedJets:
    try:
        return jets(expr, VARIABLE, point, k)
    except RecursionError:
        raise TooLargeError(f"activation {name!r}: the formula nests too deeply to expand at x = {point}") from None
    except TooComplex as err:
        raise TooLargeError(
            f"activation {name!r}, derivatives through order {k} at x = {point}: {err}. Ask for a lower "
            "order (the coefficients grow with it), or expand at a point where the formula's values are "
            "simpler (a rational point such as 0, or log 2 for the exponential family), or use a simpler formula"
        ) from None
    except Singularity as err:
        raise NotSmoothError(
            f"activation {name!r} has no Taylor expansion at x = {point}: {err}. "
            "Choose another point (e.g. a nonzero bias).",
            activation=name,
            point=point,
            order=k,
        ) from None


def _derivatives(name: str, expr: sp.Expr, point: sp.Expr, k: int) -> tuple[sp.Expr, ...]:
    j = _one_sided_jets(name, expr, point, k)
    if k == 0:
        return (j.at_point(),)  # the value exists wherever the formula is defined
    if not j.continuous():
        raise NotSmoothError(
            f"activation {name!r} is not continuous at x = {point} (value {j.at_point()}, limits "
            f"{j.left[0]} from the left and {j.right[0]} from the right), so it has no derivative "
            f"of order {k} there (nor of any order >= 1). Use a point where it is smooth, or a smooth "
            "activation (e.g. the sigmoid, whose gain -> oo limit is the step).",
            activation=name,
            point=point,
            order=k,
        )
    agree = j.agree_through()
    if agree < k:
        raise NotSmoothError(
            f"activation {name!r} is not {k} times differentiable at x = {point}: its one-sided "
            f"derivatives differ from order {agree + 1} on (it is a kink). Use a point where it "
            "is smooth, or a smooth activation; piecewise-linear networks are handled by "
            "symnet.constructions.yarotsky rather than by Taylor expansion.",
            activation=name,
            point=point,
            order=k,
        )
    return tuple(c * sp.factorial(i) for i, c in enumerate(j.right))

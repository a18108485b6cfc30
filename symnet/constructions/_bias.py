"""Choosing and checking the operating point b where a construction needs sigma^(k)(b) != 0.

Several constructions divide by a derivative of the activation at the hidden bias (the gates of
``MATH.md`` section 1 by sigma''(b) or sigma'(b), the 2^n formula of section 2 by sigma^(n)(b),
the monomial construction of section 4 by sigma^(N)(b)). This module decides, exactly, whether
that derivative vanishes, picks a bias where it does not when the caller leaves the bias open,
and raises :class:`~symnet.errors.HypothesisError` when the caller forces a bias where it does.

The choice is data, not prose: :func:`operating_point` returns an :class:`OperatingPoint` that
records the bias, the derivative order k and the value sigma^(k)(b), how the bias was obtained
(:data:`HOW`), the biases tried and rejected (:class:`Rejection`: derivative zero, or sigma not
smooth there) and, for a preferred bias, why it is preferred (:class:`PreferredBias`).
Constructions carry the record (``Construction.operating_points``) and derive from it their
hypothesis (:meth:`OperatingPoint.hypothesis`, stated at the bias actually used) and the note on
the choice (:attr:`OperatingPoint.note`).

Examples
--------
>>> from symnet.activations import get
>>> from symnet.constructions._bias import operating_point
>>> op = operating_point(get("sigmoid"), 2, who="example", prefer=True)
>>> op.how, op.bias, op.derivative, [str(r) for r in op.rejected]
('preferred', log(sqrt(3) + 2), -sqrt(3)/18, ['0 (derivative 0)'])
>>> op.statement, op.moved_off_zero
("sigma''(log(sqrt(3) + 2)) != 0", True)
>>> operating_point(get("sigmoid"), 2, who="example").bias  # the first candidate
log(2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symnet import _show as show
from symnet.activations import Activation, get
from symnet.activations._activation import exact_number
from symnet.activations._jets import is_zero
from symnet.constructions._base import LAM, Hypothesis
from symnet.errors import HypothesisError, InvalidInput, NotSmoothError

__all__ = ["BIAS_SYMBOL", "CANDIDATE_BIASES", "COPY_BIAS_SYMBOL", "HOW", "PREFERRED_BIASES", "OperatingPoint",
           "PreferredBias", "Rejection", "check_constant_bias", "derivative_name", "nonzero_condition",
           "operating_point"]

#: The bias symbol used with the generic activation (derivatives print as sigma^(k)(b)).
BIAS_SYMBOL = sp.Symbol("b", real=True)

#: The copy neurons' bias b_c for the generic activation (distinct from the product gates' b).
COPY_BIAS_SYMBOL = sp.Symbol("b_c", real=True)

#: Biases tried, in order, when the caller gives none and sigma^(k)(0) = 0 (or does not exist).
#: ln 2 comes first: e^b = 2 is rational there, so the derivatives of the exponential family
#: (sigmoid, softplus, silu, exp) are exact rationals, and cheap (at b = 1 they are rational
#: functions of e, and the sigmoid's 10th derivative takes a minute to canonicalise).
CANDIDATE_BIASES = (sp.log(2), -sp.log(2), *(sp.Rational(v) for v in ("1", "-1", "1/2", "-1/2", "2", "-2")))

#: The constructions whose default bias is 0 rather than None (chosen): the 2^n formula of LTR
#: App. A and the three-neuron gate are stated at b = 0, the bias-free setting of the lower bound.
ZERO_DEFAULT = ("shallow_product", "three_neuron_gate")

#: How the bias of an :class:`OperatingPoint` was obtained: the generic activation's symbol
#: ``b``; given by the caller; 0 (the bias-free layer, sigma^(k)(0) != 0); the first of
#: :data:`CANDIDATE_BIASES` where sigma^(k) is nonzero; a :data:`PREFERRED_BIASES` entry.
HOW = ("symbol", "given", "zero", "candidate", "preferred")


@dataclass(frozen=True)
class PreferredBias:
    """A bias singled out by a property, used instead of the first candidate where sigma^(k)(0) = 0.

    Attributes
    ----------
    value : sympy.Expr
    label : str
        How the value is written in prose (``"ln(2 + sqrt 3)"``).
    reason : str
        The property that singles it out (``"where |sigma''| is maximal"``).
    """

    value: sp.Expr
    label: str
    reason: str


#: Biases maximising |sigma''| where sigma''(0) = 0 (MATH.md sec. 1): ln(2 + sqrt 3) for the
#: logistic sigmoid, atanh(1/sqrt 3) = ln(2 + sqrt 3)/2 for tanh (sigma = (1 + tanh(x/2))/2).
#: Used by :func:`operating_point` with ``prefer=True`` (the gates and the 2^n formula).
PREFERRED_BIASES = {
    ("sigmoid", 2): PreferredBias(sp.log(2 + sp.sqrt(3)), "ln(2 + sqrt 3)", "where |sigma''| is maximal"),
    ("tanh", 2): PreferredBias(sp.atanh(sp.sqrt(3) / 3), "atanh(1/sqrt 3) = ln(2 + sqrt 3)/2",
                               "where |sigma''| is maximal"),
}


@dataclass(frozen=True)
class Rejection:
    """A bias tried and rejected: ``reason`` is ``"derivative 0"`` or ``"not smooth"``."""

    bias: sp.Expr
    reason: str

    def __str__(self) -> str:
        return f"{self.bias} ({self.reason})"


def derivative_name(k: int) -> str:
    """``sigma``, ``sigma'``, ..., ``sigma''''``, then ``sigma^(5)``, ... as MATH.md writes them."""
    return "sigma" + "'" * k if k <= 4 else f"sigma^({k})"


def nonzero_condition(k: int, at: Any) -> str:
    """The condition ``sigma^(k)(at) != 0`` in the notation of :func:`derivative_name`."""
    return f"{derivative_name(k)}({at}) != 0"


@dataclass(frozen=True)
class OperatingPoint(show.Shows):
    """The bias b a construction uses, the derivative sigma^(k)(b) it divides by, and how b was chosen.

    Attributes
    ----------
    activation : Activation
    bias : sympy.Expr
        b: an exact number, or a symbol for the generic activation.
    order : int
        k, the derivative order that must not vanish at b.
    derivative : sympy.Expr
        sigma^(k)(b) (nonzero for a concrete activation; a symbol for the generic one).
    how : str
        One of :data:`HOW`.
    rejected : tuple of Rejection
        The biases tried before b, in order (empty unless ``how`` is ``"candidate"`` or
        ``"preferred"``).
    preferred : PreferredBias or None
        Why b was preferred (``how == "preferred"``).

    Examples
    --------
    >>> from symnet.activations import get
    >>> from symnet.constructions._bias import operating_point
    >>> point = operating_point(get("softplus"), 2, who="example")
    >>> print(point)
    operating point of softplus: b = 0, sigma''(b) = 1/4 [zero]
      bias b = 0 (bias-free hidden layer): sigma''(0) = 1/4
    >>> print(point.latex())
    \\begin{array}{l}
    \\text{operating point of softplus: } b = 0, \\quad \\text{$\\sigma''(b)$} = \\frac{1}{4} \\quad \\text{[zero]} \\\\
    \\text{bias b = 0 (bias-free hidden layer): $\\sigma''(0)$ = 1/4}
    \\end{array}
    """

    activation: Activation
    bias: sp.Expr
    order: int
    derivative: sp.Expr
    how: str
    rejected: tuple[Rejection, ...] = ()
    preferred: PreferredBias | None = None

    def __str__(self) -> str:
        return (f"operating point of {self.activation.name}: b = {self.bias}, {derivative_name(self.order)}(b) = "
                f"{self.derivative} [{self.how}]\n  {self.note}")

    def latex(self) -> str:
        """b, sigma^(k)(b), how b was chosen and why (a math-mode LaTeX fragment)."""
        head = (f"{show.text(f'operating point of {self.activation.name}: ')} b = {show.math(self.bias)}, \\quad "
                f"{show.text(f'{derivative_name(self.order)}(b)')} = {show.math(self.derivative)} \\quad "
                f"{show.text(f'[{self.how}]')}")
        return show.lines([head, show.text(self.note)])

    @property
    def chosen(self) -> bool:
        """True when symnet chose b (every ``how`` except ``"given"``)."""
        return self.how != "given"

    @property
    def moved_off_zero(self) -> bool:
        """True when symnet chose a nonzero b because sigma^(k) vanishes or does not exist at 0."""
        return self.how in ("candidate", "preferred")

    @property
    def choice_notes(self) -> tuple[str, ...]:
        """``(note,)`` when symnet moved b off 0 (a choice a construction's notes should show), else ``()``."""
        return (self.note,) if self.moved_off_zero else ()

    @property
    def condition(self) -> str:
        """The general condition, at the symbol b: ``sigma''(b) != 0``."""
        return nonzero_condition(self.order, "b")

    @property
    def statement(self) -> str:
        """The condition at the bias used: ``sigma''(log(sqrt(3) + 2)) != 0``, ``sigma'(b_c) != 0``."""
        return nonzero_condition(self.order, self.bias)

    def hypothesis(self, source: str) -> Hypothesis:
        """The construction's hypothesis sigma^(k)(b) != 0 at this b: holds (value sigma^(k)(b)) or assumed."""
        return Hypothesis(self.statement, None if self.activation.is_generic else True, self.derivative, source)

    @property
    def note(self) -> str:
        """The choice in words, built from the record."""
        name, b, value = derivative_name(self.order), self.bias, self.derivative
        if self.activation.is_generic:
            return "generic activation: the result holds wherever the hypothesis holds"
        if self.how == "given":
            return f"bias b = {b} given by the caller"
        if self.how == "zero":
            return f"bias b = 0 (bias-free hidden layer): {name}(0) = {value}"
        if self.how == "preferred":
            assert self.preferred is not None
            return (f"{name}(0) = 0 for {self.activation.name}, so a nonzero bias is mandatory: chose "
                    f"b = {self.preferred.label}, {self.preferred.reason} ({name}(b) = {value}).")
        tried = ", ".join(map(str, self.rejected))
        return f"bias b = {b} chosen because {name} vanishes or does not exist at {tried}; {name}({b}) = {value}"


def check_constant_bias(bias: Any, variables: Sequence[sp.Symbol], who: str, what: str = "bias") -> None:
    """Refuse a bias that contains the scale lam or an input variable of the construction.

    The series in powers of lam (MATH.md sec. 0) treat the hidden bias b as a constant: a bias
    ``lam`` or ``u`` would put the scale or an input inside sigma^(k)(b), and the "coefficients" of
    lam^p would themselves depend on lam or on the inputs. Symbols are compared by name as well
    (``Symbol("lam")`` is not LAM, whose assumptions differ, but reads the same).

    Raises
    ------
    InvalidInput
        Naming the symbols found and what a bias may be.
    """
    if not isinstance(bias, sp.Basic):
        return
    reserved = {LAM.name: "the scale", **{v.name: "an input variable" for v in variables}}
    found = sorted({s.name for s in bias.free_symbols if s.name in reserved})
    if found:
        names = ", ".join(f"{n} ({reserved[n]})" for n in found)
        raise InvalidInput(
            f"{who}: the {what} {bias} contains {names} of the construction. A bias is a constant: a "
            "number, or for the generic activation a symbol of its own (the default b); the series in "
            f"powers of {LAM} treat sigma^(k)(b) as constants, so b may not depend on {LAM} or on the inputs "
            f"({', '.join(v.name for v in variables) or 'none'}).")


def _suggestion(activation: Activation, order: int, who: str, prefer: bool) -> str:
    """What to pass instead of a bias where sigma^(order) vanishes: the bias symnet would choose."""
    try:
        chosen = operating_point(activation, order, None, who=who, prefer=prefer)
    except (HypothesisError, NotSmoothError):
        return "Pass a bias where it is nonzero."
    return (f"Pass bias=None to let symnet choose (it would use b = {chosen.bias}, where "
            f"{derivative_name(order)}(b) = {chosen.derivative}), or another bias where it is nonzero.")


def operating_point(activation: Activation, order: int, bias: Any = None, *, who: str,
                    prefer: bool = False, variables: Sequence[sp.Symbol] = ()) -> OperatingPoint:
    """The bias b to use and sigma^(order)(b), which must not vanish, as an :class:`OperatingPoint`.

    Parameters
    ----------
    activation : Activation
    order : int
        The derivative order k that must be nonzero at b.
    bias : exact number, sympy symbol, or None
        None: the generic activation gets the symbol ``b``; a concrete activation gets 0 if
        sigma^(k)(0) exists and is nonzero, else (with ``prefer``) its :data:`PREFERRED_BIASES`
        entry when it has one, else the first of :data:`CANDIDATE_BIASES` that works.
    who : str
        The construction's name, for messages.
    prefer : bool
        Use :data:`PREFERRED_BIASES` where sigma^(k)(0) = 0 (the gates of MATH.md sec. 1).
    variables : sequence of Symbol
        The construction's inputs: a bias containing one of them, or the scale lam, is refused
        (:func:`check_constant_bias`).

    Raises
    ------
    InvalidInput
        If the bias contains the scale lam or one of ``variables``.
    HypothesisError
        If the given bias has sigma^(k)(b) = 0, or no candidate bias works.
    NotSmoothError
        If the given bias is a point where sigma is not k times differentiable.
    """
    if bias is not None:
        check_constant_bias(bias, variables, who)
    if activation.is_generic:
        b = BIAS_SYMBOL if bias is None else exact_number(bias, f"{who}: bias", allow_symbols=True)
        return OperatingPoint(activation, b, order, activation.derivative(order, b),
                              "symbol" if bias is None else "given")
    if bias is not None:
        b = exact_number(bias, f"{who}: bias", allow_symbols=False)
        value = activation.derivative(order, b)
        if is_zero(value):
            condition, name = nonzero_condition(order, "b"), derivative_name(order)
            default = (f" (0 is the default bias of {who}: the bias-free setting of the lower bound, "
                       "MATH.md sec. 3)") if b == 0 and who in ZERO_DEFAULT else ""
            raise HypothesisError(
                f"{who}: the hypothesis {condition} fails for activation {activation.name!r} at the "
                f"bias b = {b}{default}: {name}({b}) = 0, so the normalisation 1/{name}(b) "
                f"does not exist. {_suggestion(activation, order, who, prefer)}",
                hypothesis=condition,
            )
        return OperatingPoint(activation, b, order, value, "given")
    rejected: list[Rejection] = []
    for b in (sp.Integer(0), *CANDIDATE_BIASES):
        try:
            value = activation.derivative(order, b)
        except NotSmoothError:
            rejected.append(Rejection(b, "not smooth"))
            continue
        if is_zero(value):
            rejected.append(Rejection(b, "derivative 0"))
            best = PREFERRED_BIASES.get((activation.name, order)) if prefer and b == 0 else None
            if best is not None and activation == get(activation.name):  # the catalogue's, not a namesake
                value = activation.derivative(order, best.value)
                if not is_zero(value):
                    return OperatingPoint(activation, best.value, order, value, "preferred", tuple(rejected), best)
            continue
        how = "zero" if b == 0 else "candidate"
        return OperatingPoint(activation, b, order, value, how, tuple(rejected))
    condition = nonzero_condition(order, "b")
    raise HypothesisError(
        f"{who}: {derivative_name(order)}(b) vanishes or does not exist at every bias tried for activation "
        f"{activation.name!r} ({', '.join(map(str, rejected))}); the construction needs {condition}. "
        "Use an activation whose derivatives of that order are not identically zero "
        "(piecewise-linear and low-degree polynomial activations cannot be used; for ReLU networks, "
        "products and squares are built by symnet.constructions.yarotsky: yarotsky_square, "
        "yarotsky_multiplication).",
        hypothesis=condition,
    )

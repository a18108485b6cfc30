"""The :class:`Construction` value: a network, what it approximates, and the hypotheses it needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sympy as sp

from symnet import _show as show
from symnet.activations import Activation
from symnet.errors import TooLargeError
from symnet.network import Network

if TYPE_CHECKING:
    from symnet.constructions._bias import OperatingPoint

__all__ = ["LAM", "MAX_EXPLICIT_NEURONS", "Construction", "Hypothesis", "one_hidden_layer"]

#: The input scale lam of MATH.md section 0 (inputs are multiplied by lam; lam -> 0 is exact).
LAM = sp.Symbol("lam", positive=True)

#: Largest network symnet enumerates explicitly (the 2^n formula beyond this stays lazy).
MAX_EXPLICIT_NEURONS = 2**14


@dataclass(frozen=True)
class Hypothesis(show.Shows):
    """A condition a construction or theorem needs, and whether it holds here.

    Attributes
    ----------
    statement : str
        The condition as in MATH.md, e.g. ``"sigma''(b) != 0"``.
    holds : bool or None
        True/False when checked for a concrete activation; None when it is assumed (generic
        activation: the result is valid wherever the condition holds).
    value : sympy.Expr or None
        The quantity the condition is about (e.g. the value of sigma''(b)), when known.
    source : str
        Where the condition comes from (paper and section).

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.constructions import Hypothesis
    >>> h = Hypothesis("sigma''(0) != 0", True, sp.Rational(1, 4))
    >>> print(h)
    sigma''(0) != 0: holds (value 1/4)
    >>> print(h.latex())
    \\text{$\\sigma''(0)$ $\\neq$ 0: holds} \\quad \\left(\\text{value } \\frac{1}{4}\\right)
    """

    statement: str
    holds: bool | None
    value: sp.Expr | None = None
    source: str = ""

    def __str__(self) -> str:
        status = {True: "holds", False: "FAILS", None: "assumed"}[self.holds]
        val = f" (value {self.value})" if self.value is not None else ""
        return f"{self.statement}: {status}{val}"

    def latex(self) -> str:
        """The statement typeset, whether it holds, and the value (a math-mode LaTeX fragment)."""
        status = {True: "holds", False: "FAILS", None: "assumed"}[self.holds]
        head = show.text(f"{self.statement}: {status}")
        if self.value is None:
            return head
        return f"{head} \\quad \\left(\\text{{value }} {show.math(self.value)}\\right)"


@dataclass(frozen=True, eq=False)
class Construction(show.Shows):
    """A network together with its target, variables, scale, hypotheses and source.

    The network's weights contain the scale symbol :data:`LAM`; as lam -> 0 the network tends
    to ``target``. Large constructions (the 2^n formula for big n) are lazy: ``network`` is
    built on first access, and refuses beyond :data:`MAX_EXPLICIT_NEURONS` hidden neurons,
    while ``hidden_neurons``, ``depth`` and the closed form stay available.

    Attributes
    ----------
    name : str
    target : sympy.Expr
        The function approximated, in ``variables``.
    variables : tuple of sympy.Symbol
        The input symbols, in the order the network takes them.
    scale : sympy.Symbol
        The scale symbol lam.
    activation : Activation
    hypotheses : tuple of Hypothesis
    source : str
        The reference (paper, section, equation; seed).
    hidden_neurons : int
    depth : int
        Number of hidden layers.
    notes : tuple of str
        Corrections to the sources and remarks (e.g. which bias was chosen and why).
    parameters : Mapping
        The construction's own parameters (bias, n, exponents, ...).
    closed_form : callable or None
        ``closed_form(order)`` returns ``{power: coefficient}``, the exact terms of
        (network - target) in powers of lam through ``order``, when the mathematics gives one.
    operating_points : Mapping of str to OperatingPoint
        The record of each hidden bias the construction chose or was given, keyed like its
        parameter (``"bias"``, ``"copy_bias"``): value, derivative condition and its value, how
        it was chosen and which biases were rejected (:mod:`symnet.constructions._bias`). The
        bias notes and the derivative hypotheses are built from these records.

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions import multiplication_gate
    >>> gate = multiplication_gate(activations.get("exp"))
    >>> print(gate)  # doctest: +ELLIPSIS
    multiplication gate: approximates u*v with 4 hidden neurons in 1 hidden layer(s), activation exp; ...
    >>> print(gate.latex().splitlines()[1])  # doctest: +ELLIPSIS
    \\text{multiplication gate: approximates $u v$ as $\\lambda$ $\\to$ 0}, \\quad N = 4 \\text{ hidden ...} \\\\
    """

    name: str
    target: sp.Expr
    variables: tuple[sp.Symbol, ...]
    scale: sp.Symbol
    activation: Activation
    hypotheses: tuple[Hypothesis, ...]
    source: str
    hidden_neurons: int
    depth: int
    build: Callable[[], Network] = field(repr=False)
    notes: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    closed_form: Callable[[int], dict[int, sp.Expr]] | None = field(default=None, repr=False)
    operating_points: Mapping[str, OperatingPoint] = field(default_factory=dict, repr=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def network(self) -> Network:
        """The explicit network (built once; refused beyond MAX_EXPLICIT_NEURONS neurons)."""
        if "network" not in self._cache:
            if self.hidden_neurons > MAX_EXPLICIT_NEURONS:
                raise TooLargeError(
                    f"{self.name}: the explicit network would have {self.hidden_neurons} hidden neurons "
                    f"(limit {MAX_EXPLICIT_NEURONS}); use the closed form (series.error uses it "
                    "automatically) instead of enumerating the network"
                )
            self._cache["network"] = self.build()
        return self._cache["network"]

    def at_scale(self, value: Any) -> Network:
        """The explicit network with lam replaced by an exact value."""
        return self.network.subs({self.scale: value})

    def hypothesis_failures(self) -> tuple[Hypothesis, ...]:
        return tuple(h for h in self.hypotheses if h.holds is False)

    def expression(self) -> sp.Expr:
        """The network's output as a sympy expression in ``variables`` (and lam)."""
        return self.network.expression(self.variables)

    def latex(self) -> str:
        """What is approximated, the size, the hypotheses and the source (a math-mode LaTeX fragment)."""
        target = show.phrase(f"{self.name}: approximates {self.target} as lam -> 0",
                             {str(self.target): show.math(self.target, self.variables)})
        size = (f"N = {self.hidden_neurons} "
                + show.text(f" hidden neurons in {self.depth} hidden layer(s), activation {self.activation.name}"))
        rows = [f"{target}, \\quad {size}", *(h.latex() for h in self.hypotheses)]
        rows.append(show.text(f"source: {self.source}"))
        return show.lines(rows)

    def __str__(self) -> str:
        hyp = "; ".join(str(h) for h in self.hypotheses) or "none"
        return (f"{self.name}: approximates {self.target} with {self.hidden_neurons} hidden neurons "
                f"in {self.depth} hidden layer(s), activation {self.activation.name}; hypotheses: {hyp}; "
                f"source: {self.source}")


def one_hidden_layer(point: OperatingPoint, *, hypothesis_source: str, parameters: Mapping[str, Any] | None = None,
                     **fields: Any) -> Construction:
    """A one-hidden-layer :class:`Construction` whose common hidden bias is the operating point ``point``.

    Sets what follows from the point: the activation, the hypothesis sigma^(k)(b) != 0 stated at
    the bias used (:meth:`~symnet.constructions._bias.OperatingPoint.hypothesis`, with source
    ``hypothesis_source``), ``parameters["bias"]``, ``operating_points["bias"]``, the scale
    :data:`LAM` and depth 1. ``fields`` are the other :class:`Construction` fields.
    """
    return Construction(scale=LAM, depth=1, activation=point.activation,
                        hypotheses=(point.hypothesis(hypothesis_source),),
                        parameters={**(parameters or {}), "bias": point.bias}, operating_points={"bias": point},
                        **fields)

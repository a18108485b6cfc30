"""Impossibility of a width for all weights at once: a Groebner basis equal to {1}.

The conditions of :func:`._conditions.condition_system` are polynomial equations in the unknown
weights. If the reduced Groebner basis of the ideal they generate is {1}, then 1 is a polynomial
combination of the equations, so they have no common complex solution and, a fortiori, no real
one: no network of that width exists (``MATH.md`` section 3). A basis other than {1} only says that
complex solutions exist, which decides nothing about real networks; the attempt then reports
``"not-unit"`` without a certificate.

With hidden biases (model ``"biased"``) and exp, sigmoid, tanh or softplus, the system writes
sigma^(k)(b_j) as polynomials in u_j = u(b_j) and adds F(u_j) z_j - 1 (F(u(b)) != 0 for real b,
:mod:`._derivative_polynomials`): every real network still gives a solution, so {1} rules the
width out for that activation. For x_1 x_2 at width 2 (10 unknowns) this takes 0.02 - 0.3 s.

sympy's ``groebner`` (Buchberger's algorithm, grlex order: on these systems faster than f5b or
other orders) takes a fraction of a second for n = 2, seconds for x_1^2 x_2, and grows very
quickly: the default guard refuses systems with more than
:data:`MAX_GROEBNER_UNKNOWNS` unknowns, and a ``time_limit`` runs the computation in a child
process that is stopped when the time is up (the result is then ``"timeout"``, an honest
"unknown", never a guess). Without a time limit the computation runs in this process and
Ctrl-C interrupts it cleanly.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symnet._show import Shows, phrase
from symnet.activations import Activation
from symnet.errors import InvalidInput
from symnet.lower_bounds._certificates import GroebnerCertificate
from symnet.lower_bounds._conditions import (
    ConditionSystem,
    Target,
    _activation,
    as_target,
    check_model,
    condition_system,
    condition_system_size,
    vanishing_contradiction,
)

__all__ = ["MAX_GROEBNER_UNKNOWNS", "GroebnerAttempt", "check_time_limit", "groebner_attempt"]

#: Most unknowns a Groebner attempt accepts unless told otherwise (n = 2, width 3 has 9).
MAX_GROEBNER_UNKNOWNS = 16

STATUSES = ("unit-ideal", "not-unit", "timeout", "too-large", "contradiction")


@dataclass(frozen=True, eq=False)
class GroebnerAttempt(Shows):
    """The outcome of trying to certify that no network of a given width exists.

    Attributes
    ----------
    target : Target
    width : int
    model : str
    activation : Activation
    unknowns, equations : int
        The size of the condition system.
    status : str
        ``"unit-ideal"`` (certified impossible; ``certificate`` is set), ``"not-unit"`` (complex
        solutions exist: undecided for real weights), ``"timeout"``, ``"too-large"`` (not
        attempted, the system is not even built), or ``"contradiction"`` (a condition reads
        0 = nonzero before any algebra).
    seconds : float
    certificate : GroebnerCertificate or None
    basis_size : int or None
    system : ConditionSystem or None
        The equations (None when not built).

    ``str()`` includes the seconds spent; ``latex()`` leaves them out (deterministic output).

    Examples
    --------
    >>> from symnet.lower_bounds import groebner_attempt
    >>> attempt = groebner_attempt(2, 3, time_limit=None)
    >>> print(attempt)  # doctest: +ELLIPSIS
    width 3 (bias-free, sigma) for x_1*x_2: unit-ideal after ... s (9 unknowns, 6 equations)
    >>> print(attempt.latex())
    \\text{width 3 (bias-free, $\\sigma$) for $x_{1} x_{2}$: unit-ideal (9 unknowns, 6 equations)}
    """

    target: Target
    width: int
    model: str
    activation: Activation
    unknowns: int
    equations: int
    status: str
    seconds: float = 0.0
    certificate: GroebnerCertificate | None = None
    basis_size: int | None = None
    system: ConditionSystem | None = None

    @property
    def impossible(self) -> bool | None:
        """True when certified impossible, None when undecided."""
        return True if self.status in ("unit-ideal", "contradiction") else None

    def __str__(self) -> str:
        return (f"width {self.width} ({self.model}, {self.activation.name}) for {self.target}: {self.status} "
                f"after {self.seconds:.2f} s ({self.unknowns} unknowns, {self.equations} equations)")

    def latex(self) -> str:
        """The attempt and its status, without the time (a math-mode LaTeX fragment)."""
        return phrase(f"width {self.width} ({self.model}, {self.activation.name}) for {self.target}: {self.status} "
                      f"({self.unknowns} unknowns, {self.equations} equations)",
                      {str(self.target): self.target.latex()})


def _basis(equations: list[sp.Expr], gens: tuple[sp.Symbol, ...], order: str, method: str) -> tuple[bool, int]:
    basis = sp.groebner(equations, *gens, order=order, method=method)
    exprs = list(basis.exprs)
    return exprs == [1], len(exprs)


def _child(queue: Any, equations: list[sp.Expr], gens: tuple[sp.Symbol, ...], order: str, method: str) -> None:
    queue.put(_basis(equations, gens, order, method))


def _run(equations: list[sp.Expr], gens: tuple[sp.Symbol, ...], order: str, method: str,
         time_limit: float | None) -> tuple[bool, int] | None:
    if time_limit is None:
        return _basis(equations, gens, order, method)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, equations, gens, order, method), daemon=True)
    proc.start()
    try:
        result = queue.get(timeout=time_limit)
    except Exception:  # queue.Empty: the time is up
        result = None
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(5)
    return result


def check_time_limit(time_limit: Any, who: str) -> float | None:
    """``time_limit`` as seconds (a positive finite number) or None, else :class:`InvalidInput`.

    Examples
    --------
    >>> from symnet.lower_bounds._groebner import check_time_limit
    >>> check_time_limit(2, "f"), check_time_limit(None, "f")
    (2.0, None)
    >>> check_time_limit(-1, "minimal_width")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symnet.errors.InvalidInput: minimal_width: time_limit must be a positive finite number of seconds ..., got -1
    """
    if time_limit is None:
        return None
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or not math.isfinite(time_limit) \
            or time_limit <= 0:
        raise InvalidInput(f"{who}: time_limit must be a positive finite number of seconds or None (no limit), "
                           f"got {time_limit!r}")
    return float(time_limit)


def groebner_attempt(target: Any, width: int, model: str = "bias-free", activation: Activation | str | None = None,
                     *, time_limit: float | None = None, max_unknowns: int = MAX_GROEBNER_UNKNOWNS,
                     order: str = "grlex", method: str = "buchberger",
                     progress: Callable[[str], None] | None = None) -> GroebnerAttempt:
    """Try to certify that no network of this width matches the target (Groebner basis {1}).

    Parameters
    ----------
    target, width, model, activation
        As for :func:`~symnet.lower_bounds.condition_system`.
    time_limit : float, optional
        Seconds; the computation then runs in a child process stopped at the limit.
    max_unknowns : int
        Refuse (status ``"too-large"``) beyond this many unknowns.
    order, method
        sympy's monomial order and algorithm (the certificate's ``check()`` uses others).
    progress : callable, optional
        Called with a message before and after the computation.

    Examples
    --------
    >>> from symnet.lower_bounds import groebner_attempt
    >>> attempt = groebner_attempt(2, 3)           # bias-free, generic activation
    >>> attempt.status, attempt.certificate.check()
    ('unit-ideal', True)
    >>> groebner_attempt(2, 2, model="output-bias").status
    'unit-ideal'
    >>> groebner_attempt(2, 3, model="output-bias").status   # the 3-neuron network exists
    'not-unit'
    """
    tgt = as_target(target)
    model = check_model(model)
    act = _activation(activation)
    if isinstance(max_unknowns, bool) or not isinstance(max_unknowns, int) or max_unknowns < 1:
        raise InvalidInput(f"max_unknowns must be a positive int, got {max_unknowns!r}")
    time_limit = check_time_limit(time_limit, "groebner_attempt")
    unknowns, equations = condition_system_size(tgt, width, model, act)
    say = progress or (lambda _msg: None)
    head = (tgt, int(width), model, act, unknowns, equations)
    if model != "biased" and vanishing_contradiction(tgt, model, act) is not None:
        return GroebnerAttempt(*head, "contradiction")
    if unknowns > max_unknowns:
        say(f"width {width}: {unknowns} unknowns > {max_unknowns}; not attempted")
        return GroebnerAttempt(*head, "too-large")
    system = condition_system(tgt, width, model, act)
    say(f"width {width}: Groebner basis of {len(system.all_equations)} equations in {len(system.unknowns)} unknowns"
        + (f" (time limit {time_limit} s)" if time_limit else ""))
    start = time.perf_counter()
    result = _run(list(system.all_equations), system.unknowns, order, method, time_limit)
    seconds = time.perf_counter() - start
    if result is None:
        say(f"width {width}: stopped after {seconds:.1f} s")
        return GroebnerAttempt(*head, "timeout", seconds, system=system)
    unit, size = result
    say(f"width {width}: basis {'= {1}' if unit else f'has {size} elements'} after {seconds:.2f} s")
    if not unit:
        return GroebnerAttempt(*head, "not-unit", seconds, None, size, system)
    assumes: tuple[str, ...] = ()
    if system.activation.is_generic and system.model != "biased":
        assumes = tuple(f"sigma^({k})(0) != 0" for k in sorted({sum(a) for a in system.rows}))
    cert = GroebnerCertificate(system, order, method, seconds, assumes)
    return GroebnerAttempt(*head, "unit-ideal", seconds, cert, 1, system)

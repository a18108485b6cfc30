"""The condition system of the lower-bound theorem (``MATH.md`` sections 3 and 4).

A single-hidden-layer network ``N(x) = c + sum_j w_j sigma(a_j . x + b_j)`` *matches* a polynomial
target p through degree d when its Taylor expansion at 0 agrees with p through total degree d
(``MATH.md`` section 0, the Taylor sense of [RT]). Because
``sigma(a . x + b) = sum_k sigma^(k)(b) (a . x)^k / k!`` and ``(a . x)^k / k! = sum_{|alpha| = k}
a^alpha x^alpha / alpha!``, matching is one polynomial equation per monomial x^alpha, |alpha| <= d:

    E_alpha:   sum_j w_j sigma^(|alpha|)(b_j) a_j^alpha / alpha!  =  p_alpha   (+ c on alpha = 0)

(for the product x_1...x_n and the bias-free model this is LTR's
``c_k(0) sum_j w_j (a_j . x)^k = [k = n] x_1...x_n``, ``MATH.md`` section 3, written monomial by
monomial). The models fix which unknowns exist:

- ``"bias-free"``: b_j = 0 and c = 0 (the model of the theorem);
- ``"output-bias"``: b_j = 0, a free output bias c, so the degree-0 condition E_0 disappears
  (c solves it);
- ``"biased"``: free hidden biases b_j and a free output bias c; the per-neuron derivatives
  sigma^(k)(b_j) differ.

This module holds the targets, the models, the monomial rows, the hypotheses of the theorem and
the two forms of the system: the *linear* system in the output weights for fixed hidden weights
(:func:`linear_conditions`) and the *polynomial* system in all weights (:func:`condition_system`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from symnet import _show as show
from symnet.activations import VARIABLE, Activation, generic
from symnet.activations import get as get_activation
from symnet.activations._activation import exact_number
from symnet.activations._jets import is_zero
from symnet.constructions import Hypothesis
from symnet.errors import HypothesisError, InvalidInput, TooLargeError
from symnet.lower_bounds._derivative_polynomials import (
    DERIVATIVE_POLYNOMIALS,
    DerivativePolynomials,
    U,
    derivative_polynomials,
)
from symnet.network import input_symbols

__all__ = [
    "MAX_INPUTS",
    "MAX_ROWS",
    "MODELS",
    "SEED_DROPPED",
    "ConditionSystem",
    "LinearConditions",
    "Target",
    "TheoremWidth",
    "as_target",
    "check_model",
    "condition_rows",
    "condition_system",
    "condition_system_size",
    "linear_conditions",
    "monomials",
    "seed_hypotheses",
    "theorem_hypotheses",
    "theorem_width",
]

#: The models of MATH.md section 3, with what each allows.
MODELS = {
    "bias-free": "N(x) = sum_j w_j sigma(a_j . x): no hidden and no output bias (the theorem's model)",
    "output-bias": "N(x) = c + sum_j w_j sigma(a_j . x): an output bias, so the degree-0 condition disappears",
    "biased": "N(x) = c + sum_j w_j sigma(a_j . x + b_j): hidden and output biases",
}

#: Most inputs symnet accepts for a target.
MAX_INPUTS = 24

#: Most monomial rows (conditions) symnet builds explicitly.
MAX_ROWS = 2_000_000

#: The hypothesis the seed's statement of the theorem drops (MATH.md section 3).
SEED_DROPPED = (
    "k = 0: the degree-0 condition c_0(0) sum_j w_j = p(0) (no output bias, sigma(0) != 0); "
    "seed 000 states the conditions only for 1 <= k <= n-1"
)


# -- models ------------------------------------------------------------------------------------
def check_model(model: Any) -> str:
    """The canonical model name, or :class:`InvalidInput` naming the known ones.

    Examples
    --------
    >>> from symnet.lower_bounds import check_model
    >>> check_model("Output_Bias")
    'output-bias'
    >>> check_model("bias free")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symnet.errors.InvalidInput: unknown model 'bias free'; the models are 'bias-free', 'output-bias', 'biased' ...
    """
    if not isinstance(model, str):
        raise InvalidInput(f"the model must be a str (one of {', '.join(map(repr, MODELS))}), got {model!r}")
    key = model.strip().lower().replace("_", "-")
    if key not in MODELS:
        raise InvalidInput(
            f"unknown model {model!r}; the models are {', '.join(map(repr, MODELS))} (MATH.md section 3)"
        )
    return key


def lowest_degree(model: str) -> int:
    """The lowest degree with a condition: 0 for ``"bias-free"``, 1 when an output bias absorbs E_0."""
    return 0 if check_model(model) == "bias-free" else 1


# -- targets -----------------------------------------------------------------------------------
def _natural_key(sym: sp.Symbol) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", sym.name))


@dataclass(frozen=True)
class Target(show.Shows):
    """A polynomial target p(x_1, ..., x_n) with rational coefficients, matched through ``degree``.

    Attributes
    ----------
    variables : tuple of sympy.Symbol
        The inputs, in the order the network takes them.
    terms : tuple of (exponent tuple, sympy.Rational)
        The nonzero coefficients p_alpha, sorted.
    degree : int
        The network must match p through this total degree (default: the degree of p).
    kind : str
        ``"product"`` (x_1...x_n), ``"monomial"`` (x^r) or ``"polynomial"``.
    exponents : tuple of int or None
        r for a monomial x^r (all ones for the product), else None.
    """

    variables: tuple[sp.Symbol, ...]
    terms: tuple[tuple[tuple[int, ...], sp.Rational], ...]
    degree: int
    kind: str
    exponents: tuple[int, ...] | None = None

    @property
    def n(self) -> int:
        """The number of inputs."""
        return len(self.variables)

    @property
    def expr(self) -> sp.Expr:
        """p as a sympy expression."""
        return sp.Add(*[c * sp.Mul(*[v**e for v, e in zip(self.variables, alpha, strict=True)])
                        for alpha, c in self.terms])

    def coefficient(self, alpha: tuple[int, ...]) -> sp.Rational:
        """p_alpha, the coefficient of x^alpha (0 if absent)."""
        for a, c in self.terms:
            if a == alpha:
                return c
        return sp.S.Zero

    def degrees(self) -> tuple[int, ...]:
        """The degrees k with a nonzero homogeneous part p_k."""
        return tuple(sorted({sum(alpha) for alpha, _ in self.terms}))

    def __str__(self) -> str:
        return str(self.expr)

    def latex(self) -> str:
        """p as LaTeX, terms in reading order (degree, then lexicographic).

        Examples
        --------
        >>> from symnet.lower_bounds import as_target
        >>> as_target((2, 1)).latex()
        'x_{1}^{2} x_{2}'
        """
        return show.math(self.expr, self.variables)


def as_target(spec: Any, variables: Sequence[sp.Symbol] | None = None, degree: int | None = None) -> Target:
    """Read a target: an int n (the product x_1...x_n), exponents r (the monomial x^r), or a polynomial.

    Parameters
    ----------
    spec : int, sequence of int, sympy.Expr or Target
        ``n`` means x_1 x_2 ... x_n; ``(r_1, ..., r_n)`` means x_1^r_1 ... x_n^r_n; a sympy
        expression must be a polynomial with rational coefficients in ``variables``.
    variables : sequence of sympy.Symbol, optional
        The inputs of an expression target (default: its free symbols, in natural order).
    degree : int, optional
        Match through this degree (default, and minimum: the degree of p).

    Examples
    --------
    >>> from symnet.lower_bounds import as_target
    >>> t = as_target(3)
    >>> t.expr, t.kind, t.exponents
    (x_1*x_2*x_3, 'product', (1, 1, 1))
    >>> as_target((2, 1)).expr
    x_1**2*x_2
    >>> as_target((1.5, 1))
    Traceback (most recent call last):
    ...
    symnet.errors.InvalidInput: exponent 0 of the monomial must be a non-negative int, got 1.5
    """
    if isinstance(spec, Target):
        if degree is None or degree == spec.degree:
            return spec
        return _with_degree(spec.variables, dict(spec.terms), degree, spec.kind, spec.exponents)
    if isinstance(spec, bool):
        raise InvalidInput(f"the target must be an int n, exponents or a polynomial, got the bool {spec!r}")
    if isinstance(spec, (int, np.integer)):
        n = int(spec)
        if n < 1:
            raise InvalidInput(f"the product x_1...x_n needs n >= 1 inputs, got n = {n}")
        return as_target((1,) * n, variables, degree)
    if isinstance(spec, str):
        raise InvalidInput(
            "a target given as text is not parsed (formulas from users never reach sympify); pass an int n, "
            "exponents (r_1, ..., r_n), or a sympy expression"
        )
    if isinstance(spec, sp.Basic):
        return _expression_target(spec, variables, degree)
    if isinstance(spec, (Sequence, np.ndarray)):
        exps = list(spec)
        if not exps:
            raise InvalidInput("the monomial x^r needs at least one exponent")
        clean = []
        for i, e in enumerate(exps):
            if isinstance(e, bool) or not isinstance(e, (int, np.integer, sp.Integer)) or int(e) < 0:
                raise InvalidInput(f"exponent {i} of the monomial must be a non-negative int, got {e!r}")
            clean.append(int(e))
        if sum(clean) == 0:
            raise InvalidInput("the monomial x^r must have total degree >= 1 (all exponents are 0)")
        _check_inputs(len(clean))
        vars_ = _variables(len(clean), variables)
        kind = "product" if all(e == 1 for e in clean) else "monomial"
        return _with_degree(vars_, {tuple(clean): sp.Integer(1)}, degree, kind, tuple(clean))
    raise InvalidInput(
        f"the target must be an int n, a sequence of exponents or a sympy polynomial, got {type(spec).__name__}"
    )


def _check_inputs(n: int) -> None:
    if n > MAX_INPUTS:
        raise TooLargeError(f"the target has {n} inputs; symnet's lower-bound machinery handles at most {MAX_INPUTS}")


def _variables(n: int, variables: Sequence[sp.Symbol] | None) -> tuple[sp.Symbol, ...]:
    if variables is None:
        return input_symbols(n)
    vars_ = tuple(variables)
    if len(vars_) != n or not all(isinstance(v, sp.Symbol) for v in vars_) or len(set(vars_)) != n:
        raise InvalidInput(f"variables must be {n} distinct sympy symbols, got {variables!r}")
    return vars_


def _expression_target(expr: sp.Basic, variables: Sequence[sp.Symbol] | None, degree: int | None) -> Target:
    if not isinstance(expr, sp.Expr):
        raise InvalidInput(f"the target must be a sympy expression, got {type(expr).__name__}")
    if variables is None:
        vars_ = tuple(sorted(expr.free_symbols, key=_natural_key))
    else:
        vars_ = _variables(len(tuple(variables)), variables)
        extra = expr.free_symbols - set(vars_)
        if extra:
            raise InvalidInput(f"the target {expr} contains {', '.join(sorted(map(str, extra)))}, not among the "
                               "variables")
    if not vars_:
        raise InvalidInput(f"the target {expr} has no input variables")
    _check_inputs(len(vars_))
    try:
        poly = sp.Poly(expr, *vars_)
    except sp.PolynomialError:
        raise InvalidInput(f"the target {expr} is not a polynomial in {', '.join(map(str, vars_))}") from None
    terms = {}
    for alpha, c in poly.terms():
        c = sp.nsimplify(c) if isinstance(c, sp.Float) else c
        if not c.is_Rational:
            mono = sp.Mul(*[v**e for v, e in zip(vars_, alpha, strict=True)])
            raise InvalidInput(f"the target's coefficient {c} of {mono} is not rational; symnet's certificates "
                               "work over Q")
        terms[tuple(int(e) for e in alpha)] = c
    if not terms:
        raise InvalidInput("the target is the zero polynomial (every network with zero output weights matches it)")
    if len(terms) == 1 and next(iter(terms.values())) == 1 and sum(next(iter(terms))) > 0:
        r = next(iter(terms))
        kind = "product" if all(e == 1 for e in r) else "monomial"
        return _with_degree(vars_, terms, degree, kind, r)
    return _with_degree(vars_, terms, degree, "polynomial", None)


def _with_degree(vars_, terms, degree, kind, exponents) -> Target:
    top = max(sum(alpha) for alpha in terms)
    if degree is None:
        degree = top
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or degree < max(top, 1):
        raise InvalidInput(f"degree must be an int >= the target's degree {max(top, 1)}, got {degree!r}")
    return Target(tuple(vars_), tuple(sorted(terms.items())), int(degree), kind, exponents)


# -- monomial rows ------------------------------------------------------------------------------
def monomials(n: int, k: int) -> Iterator[tuple[int, ...]]:
    """The exponent vectors alpha in N^n with |alpha| = k, in decreasing lexicographic order.

    Examples
    --------
    >>> from symnet.lower_bounds import monomials
    >>> list(monomials(2, 2))
    [(2, 0), (1, 1), (0, 2)]
    """
    if n == 1:
        yield (k,)
        return
    for first in range(k, -1, -1):
        for rest in monomials(n - 1, k - first):
            yield (first, *rest)


def condition_rows(target: Target, model: str) -> tuple[tuple[int, ...], ...]:
    """The monomials x^alpha with a condition E_alpha: all alpha with k_min <= |alpha| <= d.

    k_min is 0 for ``"bias-free"`` and 1 when an output bias absorbs the degree-0 condition. The
    count is C(n + d, d) (minus one), e.g. 12870 for the product of 8 inputs.
    """
    kmin = lowest_degree(model)
    count = math.comb(target.n + target.degree, target.degree) - kmin
    if count > MAX_ROWS:
        raise TooLargeError(
            f"the conditions through degree {target.degree} in {target.n} inputs are {count} equations "
            f"(limit {MAX_ROWS}); use a smaller target"
        )
    return tuple(alpha for k in range(kmin, target.degree + 1) for alpha in monomials(target.n, k))


# -- hypotheses of the theorem --------------------------------------------------------------------
def _activation(activation: Activation | str | None) -> Activation:
    if activation is None:
        return generic()
    if isinstance(activation, Activation):
        return activation
    return get_activation(activation)


def derivative_hypotheses(activation: Activation, degrees: Sequence[int], at: Any = 0,
                          source: str = "") -> tuple[Hypothesis, ...]:
    """``sigma^(k)(at) != 0`` for each k in ``degrees``, checked with the activation's exact derivatives."""
    act = _activation(activation)
    values = act.derivatives(max(degrees), at) if degrees else ()
    out = []
    for k in degrees:
        v = values[k]
        holds = None if act.is_generic else not is_zero(v)
        out.append(Hypothesis(f"sigma^({k})({at}) != 0", holds, v, source))
    return tuple(out)


def theorem_hypotheses(target: Target, model: str, activation: Activation | str | None = None
                       ) -> tuple[Hypothesis, ...]:
    """The hypotheses of the width theorem for this target, model and activation.

    For x^r with N = r_1 + ... + r_n ([RT II.1]; LTR App. A for the product) the theorem needs a
    monomial target, no hidden biases, and sigma^(k)(0) != 0 for k_min <= k <= N, where
    k_min = 0 without an output bias and 1 with one (then the rows S != {} of the proof matrix
    give prod(r_i + 1) - 1). Each returned :class:`~symnet.constructions.Hypothesis` says whether
    it holds (``None``: assumed, for the generic activation).
    """
    model = check_model(model)
    act = _activation(activation)
    src = "LTR App. A; RT Thm II.1; MATH.md sec. 3-4"
    hyps = [
        Hypothesis("the target is a monomial x^r", target.exponents is not None, None, src),
        Hypothesis("no hidden biases (common operating point b = 0)", model != "biased", None, src),
    ]
    if model == "bias-free":
        hyps.append(Hypothesis("the degree-0 condition (k = 0) is imposed: no output bias", True, None, src))
    if target.exponents is not None and model != "biased":
        degrees = range(lowest_degree(model), sum(target.exponents) + 1)
        hyps.extend(derivative_hypotheses(act, list(degrees), 0, src))
    return tuple(hyps)


def seed_hypotheses(target: Target, model: str, activation: Activation | str | None = None
                    ) -> tuple[Hypothesis, ...]:
    """The hypotheses of the bias-free theorem (width >= prod(r_i + 1)), evaluated in this setting.

    The seed states the bias-free bound; in another model its "no output bias" (k = 0) or "no
    hidden biases" hypotheses fail, and an activation with sigma^(k)(0) = 0 fails the derivative
    ones. The failures are what the library reports as the hypotheses a claim drops.
    """
    model = check_model(model)
    act = _activation(activation)
    src = "LTR App. A; RT Thm II.1; MATH.md sec. 3-4"
    hyps = [
        Hypothesis("the target is a monomial x^r", target.exponents is not None, None, src),
        Hypothesis("no hidden biases (common operating point b = 0)", model != "biased", None, src),
        Hypothesis("the degree-0 condition (k = 0) is imposed: no output bias", model == "bias-free", None, src),
    ]
    if target.exponents is not None:
        hyps.extend(derivative_hypotheses(act, list(range(sum(target.exponents) + 1)), 0, src))
    return tuple(hyps)


@dataclass(frozen=True)
class TheoremWidth(show.Shows):
    """The width the theorem gives: prod(r_i + 1) (bias-free) or prod(r_i + 1) - 1 (output bias).

    Attributes
    ----------
    width : int
    target : Target
    model : str
    hypotheses : tuple of Hypothesis
        All hold (or are assumed, for the generic activation).
    statement : str
    source : str

    Examples
    --------
    >>> from symnet.lower_bounds import theorem_width
    >>> print(theorem_width(2, model="output-bias", activation="exp"))  # doctest: +ELLIPSIS
    theorem: minimal width 3 for x_1*x_2 (output-bias)
      a single-hidden-layer network (output-bias) matching x_1*x_2 through degree 2 needs at least 3 neurons: ...
      hypotheses: the target is a monomial x^r: holds; ...; sigma^(2)(0) != 0: holds (value 1)
      source: LTR App. A (product), RT Thm II.1 (monomials); MATH.md sec. 3-4
    """

    width: int
    target: Target
    model: str
    hypotheses: tuple[Hypothesis, ...]
    statement: str
    source: str = "LTR App. A (product), RT Thm II.1 (monomials); MATH.md sec. 3-4"

    def __str__(self) -> str:
        hyps = "; ".join(str(h) for h in self.hypotheses) or "none"
        return (f"theorem: minimal width {self.width} for {self.target} ({self.model})\n  {self.statement}\n"
                f"  hypotheses: {hyps}\n  source: {self.source}")

    def latex(self) -> str:
        """The width, the statement, the hypotheses and the source (a math-mode LaTeX fragment)."""
        target = {str(self.target): self.target.latex()}
        return show.lines([
            show.phrase(f"theorem: minimal width {self.width} for {self.target} ({self.model})", target),
            show.phrase(self.statement, target),
            *(h.latex() for h in self.hypotheses),
            show.text(f"source: {self.source}"),
        ])


def theorem_width(target: Any, model: str = "bias-free", activation: Activation | str | None = None) -> TheoremWidth:
    """The minimal width the theorem proves, after checking its hypotheses.

    Raises
    ------
    HypothesisError
        Naming the first hypothesis that fails (``err.hypothesis``), e.g. ``sigma^(2)(0) != 0``
        for tanh, or the hidden biases of the ``"biased"`` model.

    Examples
    --------
    >>> from symnet.errors import HypothesisError
    >>> from symnet.lower_bounds import theorem_width
    >>> theorem_width(3).width, theorem_width(3, model="output-bias").width
    (8, 7)
    >>> theorem_width((2, 1), activation="exp").width
    6
    >>> try:
    ...     theorem_width(2, activation="tanh")
    ... except HypothesisError as err:
    ...     print(err.hypothesis)
    sigma^(0)(0) != 0
    """
    tgt = as_target(target)
    model = check_model(model)
    act = _activation(activation)
    hyps = theorem_hypotheses(tgt, model, act)
    for h in hyps:
        if h.holds is False:
            val = f" (value {h.value})" if h.value is not None else ""
            raise HypothesisError(
                f"the width theorem does not apply to {tgt} (model {model!r}, activation {act.name}): "
                f"{h.statement} fails{val}",
                hypothesis=h.statement,
            )
    full = math.prod(r + 1 for r in tgt.exponents)
    width = full if model == "bias-free" else full - 1
    rows = "all sub-multisets t <= r" if model == "bias-free" else "the sub-multisets t <= r with t != 0"
    statement = (f"a single-hidden-layer network ({model}) matching {tgt} through degree {sum(tgt.exponents)} "
                 f"needs at least {width} neurons: the proof matrix A[t, j] = a_j^t ({rows}) has full row rank")
    return TheoremWidth(width, tgt, model, hyps, statement)


# -- the linear system for fixed hidden weights ----------------------------------------------------
@dataclass(frozen=True)
class LinearConditions(show.Shows):
    """The conditions as a linear system in the output weights, for fixed hidden weights.

    Row alpha is E_alpha multiplied by alpha! (and, when all neurons share one operating point b,
    divided by sigma^(|alpha|)(b)):

        shared point:  sum_j a_j^alpha w_j = alpha! p_alpha / sigma^(|alpha|)(b)
        otherwise:     sum_j sigma^(|alpha|)(b_j) a_j^alpha w_j = alpha! p_alpha

    Rows of a degree k with sigma^(k)(b) = 0 read ``0 = alpha! p_alpha`` and are listed in
    ``vanishing`` instead (they are contradictions when p_alpha != 0).

    Attributes
    ----------
    target, model, activation
    input_weights : tuple of tuple of sympy numbers
        a_j, one row per neuron.
    hidden_bias : tuple of sympy numbers
        b_j (all 0 unless the model is ``"biased"``).
    rows : tuple of exponent tuples
    matrix : list of lists of sympy numbers
        Entry [row][j] (empty when ``shared`` is True: use :meth:`integer_matrix`).
    rhs : tuple of sympy numbers
    shared : bool
        Whether every neuron has the same operating point (the matrix is then rational).
    vanishing : tuple of (alpha, p_alpha)
        Rows whose degree has sigma^(k)(b) = 0.

    Examples
    --------
    >>> from symnet.lower_bounds import linear_conditions
    >>> lc = linear_conditions(2, [[1, 1], [1, -1]], activation="exp")
    >>> print(lc)  # doctest: +ELLIPSIS
    linear conditions V w = r on the output weights of 2 neurons for x_1*x_2 ...: 6 rows, shared operating point b = 0
    >>> print(lc.latex())  # doctest: +ELLIPSIS
    \\begin{array}{l}
    \\text{linear conditions $V w = r$ on the output weights of 2 neurons for $x_{1} x_{2}$ through degree 2 ...} \\\\
    \\left(\\begin{array}{cc} 1 & 1 \\\\ 1 & 1 \\\\ 1 & -1 \\\\ 1 & 1 \\\\ 1 & -1 \\\\ 1 & 1 \\end{array}\\right) ...
    \\end{array}
    """

    target: Target
    model: str
    activation: Activation
    input_weights: tuple[tuple[sp.Expr, ...], ...]
    hidden_bias: tuple[sp.Expr, ...]
    rows: tuple[tuple[int, ...], ...]
    rhs: tuple[sp.Expr, ...]
    shared: bool
    vanishing: tuple[tuple[tuple[int, ...], sp.Expr], ...]
    matrix: tuple[tuple[sp.Expr, ...], ...] = ()

    @property
    def width(self) -> int:
        return len(self.input_weights)

    def system_matrix(self) -> sp.ImmutableMatrix:
        """V: row alpha, column j (a_j^alpha with a shared operating point, else the stored entries)."""
        if not self.shared:
            return sp.ImmutableMatrix(len(self.rows), self.width, [v for row in self.matrix for v in row])
        return sp.ImmutableMatrix(len(self.rows), self.width,
                                  [_monomial_value(a, alpha) for alpha in self.rows for a in self.input_weights])

    def __str__(self) -> str:
        point = (f"shared operating point b = {self.hidden_bias[0] if self.hidden_bias else 0}" if self.shared
                 else "one operating point per neuron")
        vanish = f"; {len(self.vanishing)} row(s) vanish (sigma^(k)(b) = 0)" if self.vanishing else ""
        return (f"linear conditions V w = r on the output weights of {self.width} neurons for {self.target} through "
                f"degree {self.target.degree} ({self.model}, {self.activation.name}): {len(self.rows)} rows, {point}"
                f"{vanish}")

    def latex(self) -> str:
        """The system ``V w = r`` written out (its shape when large), under a one-line summary."""
        w = sp.ImmutableMatrix([sp.Symbol(f"w_{j}") for j in range(1, self.width + 1)])
        system = (f"{show.matrix(self.system_matrix())} {show.matrix(w)} = "
                  f"{show.matrix(sp.ImmutableMatrix(len(self.rhs), 1, list(self.rhs)))}") if self.rows else "0 = 0"
        return show.lines([show.phrase(str(self), {str(self.target): self.target.latex(), "V w = r": "V w = r"}),
                           system])

    def integer_matrix(self) -> tuple[np.ndarray, list[int]]:
        """For a shared operating point and rational a: integers Z and D with a_j^alpha = Z[alpha, j] / D^|alpha|.

        D is the common denominator of all hidden weights; ``Z`` is a numpy array of integers
        (int64 or Python ints), see :func:`._linalg.power_matrix`.
        Returns ``(Z, [D^|alpha| for each row])``.
        """
        if not self.shared:
            raise InvalidInput("integer_matrix() needs a shared operating point (no distinct hidden biases)")
        if not all(v.is_Rational for row in self.input_weights for v in row):
            raise InvalidInput("integer_matrix() needs rational hidden weights")
        from symnet.lower_bounds._linalg import power_matrix

        out, den = power_matrix(self.input_weights, self.rows)
        return out, [den ** sum(alpha) for alpha in self.rows]


def _exact_matrix(weights: Any, what: str) -> tuple[tuple[sp.Expr, ...], ...]:
    if isinstance(weights, sp.MatrixBase):
        data = weights.tolist()
    else:
        data = np.asarray(weights, dtype=object).tolist() if isinstance(weights, np.ndarray) else weights
    if isinstance(data, (str, bytes)) or not isinstance(data, Sequence) or not data:
        raise InvalidInput(f"{what} must be a non-empty m x n matrix (one row a_j per neuron)")
    rows = []
    for j, row in enumerate(data):
        if isinstance(row, (str, bytes)) or not isinstance(row, (Sequence, np.ndarray)):
            raise InvalidInput(f"{what}: row {j} must be a sequence of numbers")
        rows.append(tuple(exact_number(v, f"{what}[{j}][{i}]") for i, v in enumerate(row)))
    return tuple(rows)


def linear_conditions(target: Any, input_weights: Any, model: str = "bias-free",
                      activation: Activation | str | None = None, hidden_bias: Any = None) -> LinearConditions:
    """The conditions for fixed hidden weights a_j (and biases b_j): linear in the output weights w.

    Parameters
    ----------
    target : as for :func:`as_target`
    input_weights : m x n matrix of exact numbers
        Row j is a_j.
    model : str
    activation : Activation, name or None (generic)
    hidden_bias : m numbers, only for the ``"biased"`` model

    Examples
    --------
    >>> from symnet.lower_bounds import linear_conditions
    >>> lc = linear_conditions(2, [[1, 1], [1, -1]], activation="square")
    >>> lc.rows, lc.rhs, [alpha for alpha, _ in lc.vanishing]
    (((2, 0), (1, 1), (0, 2)), (0, 1/2, 0), [(0, 0), (1, 0), (0, 1)])
    """
    tgt = as_target(target)
    model = check_model(model)
    act = _activation(activation)
    a = _exact_matrix(input_weights, "input_weights")
    if any(len(row) != tgt.n for row in a):
        from symnet.errors import ShapeError

        raise ShapeError(f"input_weights must have {tgt.n} columns (one per input of {tgt}), got rows of lengths "
                         f"{sorted({len(r) for r in a})}")
    m = len(a)
    if model == "biased":
        if hidden_bias is None:
            raise InvalidInput("the 'biased' model needs hidden_bias (m numbers; use 0 for no bias)")
        b = tuple(exact_number(v, f"hidden_bias[{j}]", allow_symbols=True) for j, v in
                  enumerate(hidden_bias if isinstance(hidden_bias, (Sequence, np.ndarray)) else [hidden_bias] * m))
        if len(b) != m:
            from symnet.errors import ShapeError

            raise ShapeError(f"hidden_bias has {len(b)} entries, expected {m}")
    else:
        if hidden_bias is not None and any(not is_zero(exact_number(v, "hidden_bias", allow_symbols=True))
                                           for v in np.atleast_1d(np.asarray(hidden_bias, dtype=object))):
            raise InvalidInput(f"the {model!r} model has no hidden biases, but nonzero hidden_bias was given; "
                               "use model='biased'")
        b = (sp.Integer(0),) * m
    rows = condition_rows(tgt, model)
    shared = len(set(b)) <= 1
    d = tgt.degree
    if shared:
        derivs = act.derivatives(d, b[0] if b else 0)
        nonzero = [not is_zero(v) for v in derivs]
        keep, vanish, rhs = [], [], []
        for alpha in rows:
            k = sum(alpha)
            p = tgt.coefficient(alpha)
            if nonzero[k]:
                keep.append(alpha)
                rhs.append(_alpha_factorial(alpha) * p / derivs[k] if p != 0 else sp.S.Zero)
            else:
                vanish.append((alpha, _alpha_factorial(alpha) * p if p != 0 else sp.S.Zero))
        return LinearConditions(tgt, model, act, a, b, tuple(keep), tuple(rhs), True, tuple(vanish))
    per_neuron = [act.derivatives(d, bj) for bj in b]
    matrix = []
    rhs = []
    for alpha in rows:
        k = sum(alpha)
        matrix.append(tuple(per_neuron[j][k] * _monomial_value(a[j], alpha) for j in range(m)))
        rhs.append(_alpha_factorial(alpha) * tgt.coefficient(alpha))
    return LinearConditions(tgt, model, act, a, b, rows, tuple(rhs), False, (), tuple(matrix))


def _alpha_factorial(alpha: tuple[int, ...]) -> int:
    return math.prod(math.factorial(e) for e in alpha)


def _monomial_value(a: Sequence[sp.Expr], alpha: tuple[int, ...]) -> sp.Expr:
    return sp.Mul(*[v**e for v, e in zip(a, alpha, strict=False) if e])


# -- the polynomial system in all weights --------------------------------------------------------
@dataclass(frozen=True)
class ConditionSystem(show.Shows):
    """The conditions as polynomial equations in all the weights (``MATH.md`` section 3).

    ``equations`` are sympy expressions that must all vanish; ``unknowns`` are the output weights
    w_j, the hidden weights a_i_j, and (model ``"biased"``) the biases b_j (polynomial activation),
    the quantities u_j = u(b_j) and Rabinowitsch unknowns z_j (an activation of
    :data:`~._derivative_polynomials.DERIVATIVE_POLYNOMIALS`), or, for the generic activation, the
    unknown derivative values d_k_j = sigma^(k)(b_j). The output bias is
    eliminated (it only enters the dropped degree-0 condition). For a shared operating point the
    equations are normalised as in :class:`LinearConditions`; when all right-hand sides are
    rational multiples of one number beta, w is rescaled by beta so that the system is rational
    (``scale`` = beta).

    Attributes
    ----------
    target, model, activation, width
    equations : tuple of sympy.Expr
    unknowns : tuple of sympy.Symbol
    rows : tuple of exponent tuples (one per equation, in order)
    scale : sympy.Expr
        The factor beta with w = beta * w' (1 if not rescaled).
    vanishing : tuple of (alpha, value)
        Rows dropped because sigma^(|alpha|)(0) = 0 (contradictions if value != 0).
    constraints : tuple of sympy.Expr
        Further equations that every real network satisfies: F(u_j) z_j - 1 (F(u(b)) != 0,
        written with a Rabinowitsch unknown z_j) when ``derivatives`` is set; else empty.
    derivatives : DerivativePolynomials or None
        The parametrisation sigma^(k)(b_j) = P_k(u_j) used in the ``"biased"`` model.

    Examples
    --------
    >>> from symnet.lower_bounds import condition_system
    >>> s = condition_system(2, 1, model="output-bias", activation="exp")
    >>> print(s)
    condition system: 5 equation(s) in 3 unknowns (width 1, output-bias, exp) for x_1*x_2 through degree 2
    >>> print(s.latex())  # doctest: +ELLIPSIS
    \\begin{array}{l}
    \\text{condition system: 5 equation(s) in 3 unknowns (width 1, output-bias, exp) for $x_{1} x_{2}$ ...} \\\\
    a_{1 1} w_{1} = 0 \\\\
    ...
    a_{1 1} a_{2 1} w_{1} - 1 = 0 \\\\
    a_{2 1}^{2} w_{1} = 0
    \\end{array}
    """

    #: Most equations :meth:`latex` writes out.
    SHOWN = 24

    target: Target
    model: str
    activation: Activation
    width: int
    equations: tuple[sp.Expr, ...]
    unknowns: tuple[sp.Symbol, ...]
    rows: tuple[tuple[int, ...], ...]
    scale: sp.Expr
    vanishing: tuple[tuple[tuple[int, ...], sp.Expr], ...]
    constraints: tuple[sp.Expr, ...] = ()
    derivatives: DerivativePolynomials | None = None

    @property
    def all_equations(self) -> tuple[sp.Expr, ...]:
        """The conditions and the constraints: what the Groebner basis is computed of."""
        return self.equations + self.constraints

    def __str__(self) -> str:
        extra = f" and {len(self.constraints)} constraint(s)" if self.constraints else ""
        scale = f"; output weights rescaled by {self.scale}" if self.scale != 1 else ""
        bad = self.contradiction
        contra = f"; contradiction: the x^{bad[0]} condition reads 0 = {bad[1]}" if bad else ""
        return (f"condition system: {len(self.equations)} equation(s){extra} in {len(self.unknowns)} unknowns "
                f"(width {self.width}, {self.model}, {self.activation.name}) for {self.target} through degree "
                f"{self.target.degree}{scale}{contra}")

    def latex(self) -> str:
        """The summary and the equations ``... = 0`` (the first :attr:`SHOWN`), a math-mode fragment."""
        eqs = self.all_equations
        rows = [f"{show.math(e)} = 0" for e in eqs[:self.SHOWN]]
        if len(eqs) > self.SHOWN:
            rows.append(show.text(f"... and {len(eqs) - self.SHOWN} more"))
        return show.lines([show.phrase(str(self), {str(self.target): self.target.latex()}), *rows])

    @property
    def contradiction(self) -> tuple[tuple[int, ...], sp.Expr] | None:
        """A dropped row that reads 0 = value != 0 (no width works), or None."""
        for alpha, v in self.vanishing:
            if v != 0:
                return alpha, v
        return None


def condition_system_size(target: Target, width: int, model: str, activation: Activation | str | None = None
                          ) -> tuple[int, int]:
    """(unknowns, equations) of :func:`condition_system`, without building it."""
    model = check_model(model)
    act = _activation(activation)
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
        raise InvalidInput(f"the width must be an int >= 1, got {width!r}")
    n, d, m = target.n, target.degree, int(width)
    rows = math.comb(n + d, d) - lowest_degree(model)
    if model == "biased":
        if derivative_polynomials(act) is not None:  # u_j and z_j per neuron, one constraint each
            return m * (n + 3), rows + m
        return m * (n + 1) + (m * d if act.is_generic else m), rows
    if not act.is_generic:
        derivs = act.derivatives(d, 0)
        rows = sum(math.comb(n + k - 1, k) for k in range(lowest_degree(model), d + 1) if not is_zero(derivs[k]))
    return m * (n + 1), rows


def vanishing_contradiction(target: Target, model: str, activation: Activation | str | None = None
                            ) -> tuple[int, ...] | None:
    """A monomial x^alpha of the target whose degree k has sigma^(k)(0) = 0 (no width works), or None.

    Only for a shared operating point 0 (models ``"bias-free"``, ``"output-bias"``): every neuron
    then contributes sigma^(k)(0) (a_j . x)^k / k! to degree k, which vanishes.
    """
    model = check_model(model)
    act = _activation(activation)
    if model == "biased" or act.is_generic:
        return None
    derivs = act.derivatives(target.degree, 0)
    kmin = lowest_degree(model)
    for alpha, c in target.terms:
        if c != 0 and sum(alpha) >= kmin and is_zero(derivs[sum(alpha)]):
            return alpha
    return None


def weight_symbols(n: int, m: int) -> tuple[tuple[sp.Symbol, ...], tuple[tuple[sp.Symbol, ...], ...]]:
    """The unknowns w_1..w_m and a_i_j (input i of neuron j) of the condition system."""
    w = tuple(sp.Symbol(f"w_{j}") for j in range(1, m + 1))
    a = tuple(tuple(sp.Symbol(f"a_{i}_{j}") for i in range(1, n + 1)) for j in range(1, m + 1))
    return w, a


def condition_system(target: Any, width: int, model: str = "bias-free",
                     activation: Activation | str | None = None) -> ConditionSystem:
    """The polynomial equations in all weights that "a width-m network matches the target" means.

    Parameters
    ----------
    target : as for :func:`as_target`
    width : int
        m >= 1.
    model : str
    activation : Activation, name or None
        ``None`` is the generic activation. In the ``"biased"`` model a concrete activation
        must be a polynomial (its derivatives are then polynomials in b_j) or one of
        :data:`~._derivative_polynomials.DERIVATIVE_POLYNOMIALS` (exp, sigmoid, tanh, softplus:
        sigma^(k)(b_j) = P_k(u_j) with F(u_j) z_j = 1, exact for that activation); the generic one
        gives the unknowns d_k_j = sigma^(k)(b_j), a relaxation valid for every activation.

    Examples
    --------
    >>> from symnet.lower_bounds import condition_system
    >>> s = condition_system(2, 2, model="output-bias", activation="exp")
    >>> s.equations[:3]
    (a_1_1*w_1 + a_1_2*w_2, a_2_1*w_1 + a_2_2*w_2, a_1_1**2*w_1 + a_1_2**2*w_2)
    >>> s.rows[3], s.equations[3], s.scale
    ((1, 1), a_1_1*a_2_1*w_1 + a_1_2*a_2_2*w_2 - 1, 1)
    >>> b = condition_system(2, 2, model="biased", activation="sigmoid")   # u_j = sigmoid(b_j)
    >>> b.equations[0], b.constraints[0]
    (-a_1_1*u_1**2*w_1 + a_1_1*u_1*w_1 - a_1_2*u_2**2*w_2 + a_1_2*u_2*w_2, -u_1**2*z_1 + u_1*z_1 - 1)
    """
    tgt = as_target(target)
    model = check_model(model)
    act = _activation(activation)
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
        raise InvalidInput(f"the width must be an int >= 1, got {width!r}")
    m = int(width)
    w, a = weight_symbols(tgt.n, m)
    rows = condition_rows(tgt, model)
    d = tgt.degree
    if model != "biased":
        derivs = act.derivatives(d, 0)
        keep, vanish, rhs = [], [], []
        for alpha in rows:
            k = sum(alpha)
            p = tgt.coefficient(alpha)
            if act.is_generic or not is_zero(derivs[k]):
                keep.append(alpha)
                rhs.append(_alpha_factorial(alpha) * p / derivs[k])
            else:
                vanish.append((alpha, _alpha_factorial(alpha) * p))
        scale = _common_scale(rhs)
        eqs = tuple(
            sp.Add(*[w[j] * _monomial_value(a[j], alpha) for j in range(m)]) - sp.nsimplify(r / scale)
            for alpha, r in zip(keep, rhs, strict=False)
        )
        unknowns = (*w, *(v for row in a for v in row))
        return ConditionSystem(tgt, model, act, m, eqs, unknowns, tuple(keep), scale, tuple(vanish))
    # biased: per-neuron derivatives
    bs = tuple(sp.Symbol(f"b_{j}") for j in range(1, m + 1))
    param = derivative_polynomials(act)
    constraints: tuple[sp.Expr, ...] = ()
    if act.is_generic:
        dvals = [[sp.Symbol(f"d_{k}_{j}") for k in range(d + 1)] for j in range(1, m + 1)]
        extra = tuple(v for row in dvals for v in row[1:])
    elif param is not None:
        us, zs = quantity_symbols(m)
        # degree 0 has no condition (the output bias), so only k >= 1 >= k0 is used
        polys = [param.derivative(k) if k >= param.start else sp.S.Zero for k in range(d + 1)]
        dvals = [[p.xreplace({U: uj}) for p in polys] for uj in us]
        constraints = tuple(sp.expand(param.nonzero.xreplace({U: uj}) * zj - 1) for uj, zj in zip(us, zs, strict=True))
        extra = (*us, *zs)
    else:
        if not is_polynomial_activation(act):
            raise InvalidInput(
                f"the 'biased' condition system needs a polynomial activation (its derivatives at the unknown "
                f"biases are then polynomials), one whose derivatives are polynomials in one quantity "
                f"({', '.join(DERIVATIVE_POLYNOMIALS)}), or the generic one; {act.name} is none of these"
            )
        dvals = [[sp.expand(act.derivative(k, bj)) for k in range(d + 1)] for bj in bs]
        extra = bs
    eqs = tuple(
        sp.expand(sp.Add(*[w[j] * dvals[j][sum(alpha)] * _monomial_value(a[j], alpha) for j in range(m)])
                  - _alpha_factorial(alpha) * tgt.coefficient(alpha))
        for alpha in rows
    )
    unknowns = (*w, *(v for row in a for v in row), *extra)
    return ConditionSystem(tgt, model, act, m, eqs, unknowns, rows, sp.Integer(1), (), constraints, param)


def quantity_symbols(m: int) -> tuple[tuple[sp.Symbol, ...], tuple[sp.Symbol, ...]]:
    """The unknowns u_1..u_m (u(b_j)) and z_1..z_m (Rabinowitsch) of a parametrised biased system."""
    return (tuple(sp.Symbol(f"u_{j}") for j in range(1, m + 1)),
            tuple(sp.Symbol(f"z_{j}") for j in range(1, m + 1)))


def is_polynomial_activation(act: Activation) -> bool:
    """Whether the activation is a polynomial in x (its derivatives at a symbolic bias are polynomials)."""
    return act.expr is not None and bool(act.expr.is_polynomial(VARIABLE))


def _common_scale(values: Sequence[sp.Expr]) -> sp.Expr:
    """beta with every value a rational multiple of beta, or raise (several independent scales)."""
    nonzero = [v for v in values if v != 0]
    if not nonzero:
        return sp.Integer(1)
    beta = nonzero[0]
    for v in nonzero[1:]:
        ratio = sp.nsimplify(sp.simplify(v / beta))
        if not ratio.is_Rational:
            raise InvalidInput(
                "the right-hand sides of the conditions are not rational multiples of one number "
                f"({beta} and {v}): the target mixes degrees whose derivatives sigma^(k)(0) are independent. "
                "Use a homogeneous target, or an activation with rational derivatives"
            )
    if all(v.is_Rational for v in nonzero):
        return sp.Integer(1)
    return beta

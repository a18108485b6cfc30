"""Any polynomial from gates, copies and sums (LTR Sec. II; seed 000; ``MATH.md`` section 5).

A polynomial p(x) = c_0 + sum_alpha c_alpha x^alpha is computed by a layered network whose hidden
layers hold small gates (:mod:`symnet.constructions.gates`):

- every monomial x^alpha of degree k >= 2 is the root of a balanced binary tree over its
  factors (the sorted multiset of variables, split into halves of sizes ceil(k/2) and
  floor(k/2)), so it is ready after ceil(log2 k) hidden layers; a node whose two children are
  the same sub-monomial is a *square gate* (2 neurons and an output bias), otherwise a
  *multiplication gate* (4 neurons);
- sub-monomials are shared: a node is built once per (sub-monomial, layer) and reused by every
  monomial that needs it;
- a value needed at a later layer than it is ready (a lower-degree monomial, a linear term, a
  factor of an unbalanced split) goes through one *copy neuron* per layer (1 neuron and an
  output bias);
- the output layer forms sum_alpha c_alpha x^alpha, with c_0 as output bias.

The depth is D = ceil(log2 d) for degree d >= 2 (0 for an affine p: the network is then exact
and has no hidden layer). The neuron count is 4 (products) + 2 (squares) + 1 (copies), computed
from the plan without building the network (:func:`plan_polynomial`).

Comparison with seed 000: for a polynomial of degree d in n variables the seed multiplies, layer
by layer, the n^(k-1) ordered degree-(k-1) terms by the n variables and copies the rest,
4 n^k + n^(k-1) + ... + n neurons in layer k (<= 5 n^k for n >= 2). Counting ordered products
(x_i x_j and x_j x_i separately) and building squares with 4-neuron gates, this overcounts; the
construction here uses one gate per distinct monomial of the polynomial (and its shared
sub-monomials) and ceil(log2 d) instead of d - 1 hidden layers.

User text is parsed by the whitelist parser (:func:`symnet.activations._parser.parse_formula`),
never by ``sympify``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symnet.activations import Activation
from symnet.activations import get as get_activation
from symnet.activations._activation import exact_number
from symnet.activations._parser import ALLOWED_FUNCTIONS, parse_formula
from symnet.constructions._base import LAM, Construction
from symnet.constructions._bias import check_constant_bias
from symnet.constructions._circuit import circuit, copy_gate
from symnet.constructions.counts import seed_polynomial_bound, seed_polynomial_last_layer
from symnet.constructions.gates import multiplication_gate, square_gate
from symnet.constructions.monomial import monomial_target
from symnet.errors import InvalidInput, TooLargeError

__all__ = ["MAX_DEGREE", "MAX_TERMS", "PolynomialPlan", "as_polynomial", "plan_polynomial", "polynomial"]

SOURCE = "LTR Sec. II (polynomials from multiplication gates); seed 000; MATH.md sec. 5"

#: Largest total degree accepted.
MAX_DEGREE = 64
#: Largest number of monomials accepted (after expansion; checked by a bound before expanding).
MAX_TERMS = 2000

Factors = tuple  # sorted variable indices with repetition: x_1^2 x_3 -> (0, 0, 2)


# -- reading the polynomial -------------------------------------------------------------------------

def _variables(variables: Any, expr: Any) -> tuple[sp.Symbol, ...]:
    if variables is None:
        if isinstance(expr, str):
            raise InvalidInput("polynomial given as text needs variables=..., e.g. variables=('x', 'y'): "
                               "the names the text may use, in the order of the network's inputs")
        if not isinstance(expr, sp.Expr):
            raise InvalidInput(f"the polynomial must be a sympy expression or a str, got {type(expr).__name__}")
        syms = sorted(expr.free_symbols, key=sp.default_sort_key)
        if not syms:
            raise InvalidInput(f"the polynomial {expr} has no variables; give variables=... to say which inputs")
        return tuple(syms)
    if isinstance(variables, (str, bytes)) or not isinstance(variables, Sequence) or not variables:
        raise InvalidInput(f"variables must be a non-empty sequence of names or sympy Symbols, got {variables!r}")
    out = []
    for v in variables:
        if isinstance(v, str):
            if not v.isidentifier() or v in ALLOWED_FUNCTIONS or v in ("pi", "e"):
                raise InvalidInput(f"variable name {v!r} is not allowed (it must be an identifier and not "
                                   f"one of the function names or the constants pi, e)")
            v = sp.Symbol(v, real=True)
        if not isinstance(v, sp.Symbol):
            raise InvalidInput(f"variables must be names or sympy Symbols, got {v!r}")
        out.append(v)
    if len(set(out)) != len(out):
        raise InvalidInput(f"variables must be distinct, got {variables!r}")
    return tuple(out)


def _size_bound(expr: sp.Expr, variables: frozenset) -> tuple[int, int]:
    """(degree bound, number-of-monomials bound) of the expansion, without expanding.

    Raises InvalidInput for anything that is not a polynomial in the variables."""
    if not (expr.free_symbols & variables):
        return 0, 1
    if expr in variables:
        return 1, 1
    if expr.is_Add:
        parts = [_size_bound(a, variables) for a in expr.args]
        return max(d for d, _ in parts), sum(t for _, t in parts)
    if expr.is_Mul:
        parts = [_size_bound(a, variables) for a in expr.args]
        return sum(d for d, _ in parts), math.prod(t for _, t in parts)
    if expr.is_Pow:
        k = expr.exp
        if not (k.is_Integer and k >= 0):
            raise InvalidInput(f"{expr} is not a polynomial term: powers of the variables must be non-negative "
                               "integers (no division by a variable, no roots)")
        d, t = _size_bound(expr.base, variables)
        k = int(k)
        if d * k > MAX_DEGREE:
            raise TooLargeError(f"the polynomial has degree up to {d * k}, beyond symnet's limit {MAX_DEGREE}")
        return d * k, math.comb(t + k - 1, k) if t > 1 else 1
    raise InvalidInput(f"{expr} is not a polynomial in the variables {', '.join(map(str, sorted(variables, key=str)))}"
                       f" ({type(expr).__name__} of a variable)")


def as_polynomial(expr: sp.Expr | str, variables: Sequence[Any] | None = None
                  ) -> tuple[tuple[sp.Symbol, ...], dict[tuple[int, ...], sp.Expr]]:
    """The variables and the ``{exponents: exact coefficient}`` of a polynomial (sympy or text).

    Examples
    --------
    >>> from symnet.constructions.polynomial import as_polynomial
    >>> as_polynomial("3*x*y - y**2/2 + 1", variables=("x", "y"))
    ((x, y), {(1, 1): 3, (0, 2): -1/2, (0, 0): 1})
    """
    xs = _variables(variables, expr)
    if isinstance(expr, str):
        first, *rest = xs
        expr = parse_formula(expr, variable=first, variable_name=first.name,
                             extra_variables={v.name: v for v in rest})
    elif isinstance(expr, sp.Basic):
        if not isinstance(expr, sp.Expr):
            raise InvalidInput(f"the polynomial must be an expression, got {type(expr).__name__}")
    else:
        expr = exact_number(expr, "the polynomial")  # a constant
    if expr.has(sp.Float):
        expr = expr.xreplace({f: sp.Rational(str(f)) for f in expr.atoms(sp.Float)})
    extra = expr.free_symbols - set(xs)
    if extra:
        raise InvalidInput(f"the polynomial {expr} has symbols {', '.join(sorted(map(str, extra)))} that are not "
                           f"among the variables {', '.join(map(str, xs))}; coefficients must be numbers")
    if expr.has(LAM):
        raise InvalidInput("the polynomial must not contain the scale symbol lam")
    degree, terms = _size_bound(expr, frozenset(xs))
    bound = min(terms, math.comb(len(xs) + degree, degree))
    if degree > MAX_DEGREE:
        raise TooLargeError(f"the polynomial has degree {degree}, beyond symnet's limit {MAX_DEGREE}")
    if bound > MAX_TERMS:
        raise TooLargeError(f"the polynomial may have up to {bound} monomials after expansion, beyond symnet's "
                            f"limit {MAX_TERMS}")
    poly = sp.Poly(sp.expand(expr), *xs)
    coeffs = {}
    for monom, c in poly.terms():
        if not c.is_number or c.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise InvalidInput(f"coefficient {c} of the polynomial is not a finite number")
        if c != 0:
            coeffs[tuple(int(e) for e in monom)] = c
    return xs, coeffs


# -- the plan -------------------------------------------------------------------------------------------

def _depth(k: int) -> int:
    return (k - 1).bit_length()  # ceil(log2 k), 0 for k = 1


@dataclass(frozen=True)
class PolynomialPlan:
    """The layered plan of a polynomial network, independent of the activation.

    Attributes
    ----------
    variables : tuple of Symbol
    coefficients : dict
        ``{exponents: coefficient}`` of the non-constant monomials.
    constant : sympy number
        The constant term (the output bias).
    stages : tuple
        Per hidden layer, the nodes ``(kind, factors, inputs)`` with kind ``"mul"``, ``"square"``
        or ``"copy"``, ``factors`` the sub-monomial the node computes and ``inputs`` indices into
        the previous layer's nodes (the inputs for the first layer).
    outputs : tuple
        ``(index into the last layer, coefficient)`` pairs.
    products, squares, copies : int
    depth : int
    """

    variables: tuple
    coefficients: dict
    constant: sp.Expr
    stages: tuple
    outputs: tuple
    products: int
    squares: int
    copies: int
    depth: int

    @property
    def neurons(self) -> int:
        """4 per multiplication gate, 2 per square gate, 1 per copy."""
        return 4 * self.products + 2 * self.squares + self.copies

    @property
    def widths(self) -> tuple[int, ...]:
        size = {"mul": 4, "square": 2, "copy": 1}
        return tuple(sum(size[kind] for kind, _, _ in stage) for stage in self.stages)


def plan_polynomial(expr: sp.Expr | str, variables: Sequence[Any] | None = None) -> PolynomialPlan:
    """Plan the gates of :func:`polynomial` (module docstring) without choosing an activation.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.constructions.polynomial import plan_polynomial
    >>> x, y = sp.symbols("x y")
    >>> p = plan_polynomial(x**2 + 3*x*y + y, variables=(x, y))
    >>> p.squares, p.products, p.copies, p.neurons, p.depth
    (1, 1, 1, 7, 1)
    """
    xs, coeffs = as_polynomial(expr, variables)
    constant = coeffs.pop((0,) * len(xs), sp.Integer(0))
    factors_of = {m: tuple(i for i, e in enumerate(m) for _ in range(e)) for m in coeffs}
    depth = max((_depth(len(f)) for f in factors_of.values()), default=0)
    stages: list[list] = [[] for _ in range(depth)]
    index: dict[tuple[Factors, int], int] = {}

    def node(f: Factors, t: int) -> int:
        """Index of the node computing sub-monomial f at layer t (layer 0: the inputs)."""
        if t == 0:
            return f[0]
        key = (f, t)
        if key in index:
            return index[key]
        if _depth(len(f)) < t:
            entry = ("copy", f, (node(f, t - 1),))
        else:
            h = (len(f) + 1) // 2
            left, right = f[:h], f[h:]
            if left == right:
                entry = ("square", f, (node(left, t - 1),))
            else:
                entry = ("mul", f, (node(left, t - 1), node(right, t - 1)))
        stages[t - 1].append(entry)
        index[key] = len(stages[t - 1]) - 1
        return index[key]

    outputs = tuple((node(f, depth), coeffs[m]) if depth else (f[0], coeffs[m]) for m, f in factors_of.items())
    kinds = [kind for stage in stages for kind, _, _ in stage]
    return PolynomialPlan(xs, coeffs, constant, tuple(tuple(s) for s in stages), outputs,
                          kinds.count("mul"), kinds.count("square"), kinds.count("copy"), depth)


# -- the construction --------------------------------------------------------------------------------

def polynomial(expr: sp.Expr | str, activation: Activation | str, variables: Sequence[Any] | None = None,
               bias: Any = None, copy_bias: Any = None) -> Construction:
    """A network of multiplication, square and copy gates computing a polynomial (module docstring).

    Parameters
    ----------
    expr : sympy expression or str
        The polynomial, with exact numeric coefficients. Text is parsed by symnet's whitelist
        parser (numbers, the variables, + - * / ** and parentheses), never by ``sympify``.
    activation : Activation or catalogue name
        Needs sigma''(b) != 0 (products and squares) and sigma'(b_c) != 0 (copies).
    variables : sequence of names or Symbols, optional
        The inputs, in order. Required for text; default for a sympy expression: its free
        symbols, sorted by name.
    bias, copy_bias : number, symbol or None
        Hidden biases of the product/square gates and of the copy neurons (default: as the gates
        choose).

    Returns
    -------
    Construction
        ``hidden_neurons`` = 4 products + 2 squares + 1 per copy, ``depth`` = ceil(log2 degree);
        ``parameters["plan"]`` is the :class:`PolynomialPlan`; ``closed_form(order)`` composes the
        gates' exact series.

    Raises
    ------
    InvalidInput
        For text without ``variables``, non-polynomial input (1/x, exp(x), sqrt(x)), symbols
        other than the variables, or disallowed names.
    TooLargeError
        Beyond degree 64 or 2000 monomials.
    HypothesisError, NotSmoothError
        From the gates (vanishing sigma''(b) or sigma'(b_c), kinks).

    Examples
    --------
    >>> from symnet import activations, series
    >>> from symnet.constructions import polynomial
    >>> c = polynomial("x**2 - 2*x*y + 3", activations.get("exp"), variables=("x", "y"))
    >>> c.hidden_neurons, c.depth, c.target
    (6, 1, x**2 - 2*x*y + 3)
    >>> series.error(c, 2).leading
    lam**2*x*(x**3 - 4*x**2*y - 4*y**3)/12
    """
    act = get_activation(activation)
    plan = plan_polynomial(expr, variables)
    xs = plan.variables
    check_constant_bias(bias, xs, "polynomial")
    check_constant_bias(copy_bias, xs, "polynomial", "copy_bias")
    target = plan.constant + sp.Add(*[c * monomial_target(xs, m) for m, c in plan.coefficients.items()])
    kinds = {kind for stage in plan.stages for kind, _, _ in stage}
    gates = {"mul": multiplication_gate(act, bias) if "mul" in kinds else None,
             "square": square_gate(act, bias) if "square" in kinds else None,
             "copy": copy_gate(act, copy_bias) if "copy" in kinds else None}
    n_last = len(plan.stages[-1]) if plan.stages else len(xs)
    out_coeffs = [sp.Integer(0)] * n_last
    for i, c in plan.outputs:
        out_coeffs[i] += c
    stages = [[(kind, inputs, f"layer {t + 1} {kind} {f}") for kind, f, inputs in stage]
              for t, stage in enumerate(plan.stages)]

    degree = max((sum(m) for m in plan.coefficients), default=0)
    notes = [
        f"{plan.products} multiplication gate(s), {plan.squares} square gate(s), {plan.copies} copy neuron(s): "
        f"{plan.neurons} hidden neurons in {plan.depth} hidden layer(s) (widths {list(plan.widths)})",
    ]
    if degree >= 2:
        n = len(xs)
        seed = seed_polynomial_last_layer(n, degree)
        notes.append(f"seed 000 counts 4 n^d + n^(d-1) + ... + n = {seed} neurons "
                     f"(<= 5 n^d = {seed_polynomial_bound(n, degree)}) in the "
                     f"last of its d - 1 = {degree - 1} layers for a degree-{degree} polynomial in n = {n} variables; "
                     "it multiplies ordered pairs and builds squares with 4-neuron gates")
    if plan.depth == 0:
        notes.append("affine polynomial: the network is exact, with no hidden layer")
    if gates["copy"] is not None:
        notes.append("copies are one neuron with an output bias; their error is O(lam) unless sigma''(b_c) = 0")
    return circuit(
        gates=gates, plan=stages, output=out_coeffs, constant=plan.constant, name="polynomial", target=target,
        variables=xs, activation=act, source=SOURCE, hidden_neurons=plan.neurons, depth=plan.depth, notes=notes,
        parameters={"plan": plan, "degree": degree},
    )

"""Over-parameterisation: the parameter map, its exact Jacobian rank, and the NTK linearisation.

Seed 001 (MATH.md section 6) studies the *parameter map*

    Phi : theta  ->  (Z(x_1; theta), ..., Z(x_D; theta)),

which sends the parameters theta (every weight and bias of a network) to the network's outputs
on a data set x_1, ..., x_D. Its two claims are made checkable here:

1. *Premise 1*: when parameters far outnumber data points, the Jacobian ``J = dPhi/dtheta`` at a
   configuration theta_0 has full rank (rank D: every direction in output space is reachable to
   first order). :func:`jacobian_rank` computes the rank **exactly** and returns a certificate
   (a nonzero maximal minor, and when the rank is deficient an exact basis of the relations
   among the rows), so one can see both the premise and where it fails: duplicate data points,
   data that are symmetric under a symmetry of the model (an odd activation without biases sees
   x and -x as one point), zero weights (a zero output weight switches off the gradient of the
   neuron's input weights), and polynomial activations, whose networks span a finite-dimensional
   space of functions however many parameters they have (``sigma(x) = x^2`` with one input gives
   quadratics: rank <= 3 on any data set).
2. *The NTK (lazy) regime*: the linearisation is the first-order Taylor expansion in theta,
   ``Z_lin(theta) = Z(theta_0) + <grad_theta Z(theta_0), theta - theta_0>``.
   :func:`expand` computes the Taylor expansion of ``Z(x_i; theta_0 + delta)`` in ``delta``
   through any order exactly (forward-mode jets that use the activation's exact derivatives
   sigma^(k)(z) at each neuron's operating point), so the remainder ``Z - Z_lin`` is known
   term by term: its leading part is the Hessian term ``delta^T H delta / 2``. For polynomial
   activations the expansion terminates and is the exact remainder
   (:attr:`ParameterExpansion.complete`).

Exactness. Entries are computed in an exact field K, chosen from the values that occur:

- rational (polynomial activations, rational weights and data): K = QQ;
- the generic activation (:func:`symnet.activations.generic`): the values sigma^(k)(z) are
  independent indeterminates, K = QQ(sigma^(k)(z), ...); the rank is then the rank for a
  *generic* activation, an upper bound for every particular one;
- exponential-type activations (sigmoid, tanh, exp, silu) whose pre-activations are rational
  (one hidden layer, rational weights and data): every value is a rational function of
  t = e^(1/N) for the common denominator N, and t is transcendental (Lindemann), so
  K = QQ(t) is exactly the field the entries live in and the rank is exact.

Anything else (softplus's logarithms, gelu's erf, a sigmoid of a sigmoid) has no such exact
field; the expansion is still computed symbolically, but :func:`jacobian_rank` refuses with a
:class:`~symnet.errors.HypothesisError` instead of guessing.

Examples
--------
>>> from symnet.network import Network
>>> from symnet.overparam import jacobian_rank
>>> net = Network.single_hidden_layer([[1], [2], [-1]], [1, 1, 1], "tanh", hidden_bias=[0, 1, 2])
>>> cert = jacobian_rank(net, [[0], [1], [2], [3]])   # 10 parameters, 4 points
>>> cert.rank, cert.full
(4, True)
>>> cert.check()
True
>>> jacobian_rank(net, [[0], [1], [1], [3]]).rank      # a duplicated point
3
>>> sq = Network.single_hidden_layer([[1], [2], [-1]], [1, 1, 1], "square", hidden_bias=[0, 1, 2])
>>> jacobian_rank(sq, [[0], [1], [2], [3]]).rank       # quadratics in x: at most 3
3
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sympy as sp
from sympy.polys.constructor import construct_domain
from sympy.polys.matrices import DomainMatrix
from sympy.polys.rings import PolyElement, ring

from symnet import _show as show
from symnet._validation import nonnegative_int
from symnet.activations import DerivativeSymbol
from symnet.activations._activation import exact_number
from symnet.activations._jets import is_zero
from symnet.errors import CertificateError, HypothesisError, InvalidInput, ShapeError, TooLargeError
from symnet.network import Network

__all__ = [
    "Linearization",
    "Parameter",
    "ParameterExpansion",
    "RankCertificate",
    "expand",
    "jacobian",
    "jacobian_rank",
    "linearize",
    "parameters",
    "theta_degree",
]

#: Largest number of parameters :func:`expand` accepts for order >= 2 (jets have ~P^order terms).
MAX_PARAMETERS_ORDER2 = 200
#: Highest order :func:`expand` accepts.
MAX_ORDER = 6
#: Largest (rows x parameters) Jacobian handled exactly.
MAX_JACOBIAN_ENTRIES = 20_000

_T = sp.Symbol("t_exp", positive=True)  # t = e^(1/N), internal


# -- parameters --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Parameter:
    """One scalar parameter of a network: a weight ``W_l[row, col]`` or a bias ``b_l[row]``.

    Layers are numbered 1..L (L is the linear output layer), rows and columns from 1, as in
    seed 001's ``W^(l)_ij``. ``value`` is the entry of the network (theta_0).
    """

    layer: int
    kind: str
    row: int
    col: int | None
    value: sp.Expr

    @property
    def name(self) -> str:
        if self.kind == "W":
            return f"W{self.layer}[{self.row},{self.col}]"
        return f"b{self.layer}[{self.row}]"

    @property
    def symbol(self) -> sp.Symbol:
        """The parameter as a real sympy symbol, named like ``W1[2,1]``."""
        return sp.Symbol(self.name, real=True)

    @property
    def delta(self) -> sp.Symbol:
        """The displacement theta - theta_0 of this parameter, named like ``dW1[2,1]``."""
        return sp.Symbol("d" + self.name, real=True)


def _check_network(network: Any, what: str) -> Network:
    if not isinstance(network, Network):
        raise InvalidInput(f"{what} needs a symnet Network, got {type(network).__name__}")
    free = network.free_symbols
    if free:
        raise InvalidInput(
            f"{what}: the network's weights contain the symbol(s) {', '.join(sorted(map(str, free)))}; "
            "theta_0 must be a numeric configuration: substitute them first with network.subs({...})"
        )
    return network


def parameters(network: Network, which: str | Iterable[str] = "all") -> tuple[Parameter, ...]:
    """The parameters theta of ``network``, in a fixed order (layer by layer, W row-major, then b).

    Parameters
    ----------
    network : Network
    which : "all", "weights", "biases", or an iterable of parameter names (``"W1[1,2]"``, ``"b2[1]"``)
        Which entries are free parameters; the others stay fixed at their values.

    Examples
    --------
    >>> from symnet.network import Network
    >>> from symnet.overparam import parameters
    >>> net = Network.single_hidden_layer([[1, 2]], [3], "tanh")
    >>> [p.name for p in parameters(net)]
    ['W1[1,1]', 'W1[1,2]', 'b1[1]', 'W2[1,1]', 'b2[1]']
    >>> [p.name for p in parameters(net, "weights")]
    ['W1[1,1]', 'W1[1,2]', 'W2[1,1]']
    """
    network = _check_network(network, "parameters()")
    every: list[Parameter] = []
    for l_idx, layer in enumerate(network.layers, 1):
        for i in range(layer.width):
            for j in range(layer.fan_in):
                every.append(Parameter(l_idx, "W", i + 1, j + 1, layer.weights[i, j]))
        for i in range(layer.width):
            every.append(Parameter(l_idx, "b", i + 1, None, layer.bias[i]))
    if isinstance(which, str):
        if which == "all":
            return tuple(every)
        if which == "weights":
            return tuple(p for p in every if p.kind == "W")
        if which == "biases":
            return tuple(p for p in every if p.kind == "b")
        which = [which]
    if not isinstance(which, Iterable):
        raise InvalidInput(f"which must be 'all', 'weights', 'biases' or parameter names, got {which!r}")
    names = list(which)
    by_name = {p.name: p for p in every}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise InvalidInput(
            f"unknown parameter name(s) {', '.join(map(repr, unknown))}; this network's parameters are "
            f"{', '.join(by_name)}"
        )
    if len(set(names)) != len(names):
        raise InvalidInput(f"parameter names must not repeat, got {names}")
    if not names:
        raise InvalidInput("at least one parameter must be free")
    chosen = set(names)
    return tuple(p for p in every if p.name in chosen)


def _data(points: Any, n_inputs: int) -> tuple[tuple[sp.Expr, ...], ...]:
    if isinstance(points, (str, bytes)) or not isinstance(points, (Sequence, Iterable)):
        raise InvalidInput(f"points must be a sequence of input vectors, got {type(points).__name__}")
    out = []
    for i, pt in enumerate(points):
        if isinstance(pt, (str, bytes)) or not isinstance(pt, (Sequence, Iterable)):
            pt = [pt]
        pt = list(pt)
        if len(pt) != n_inputs:
            raise ShapeError(f"data point {i} has {len(pt)} coordinates; the network takes {n_inputs} inputs")
        out.append(tuple(exact_number(v, f"data point {i}, coordinate {j}") for j, v in enumerate(pt)))
    if not out:
        raise InvalidInput("the data set is empty: give at least one point")
    return tuple(out)


# -- the exact field --------------------------------------------------------------------------
def _exp_exponents(expr: sp.Expr) -> list[sp.Expr]:
    args = [a.args[0] for a in expr.atoms(sp.exp)]
    if expr.has(sp.E):
        args.append(sp.Integer(1))
    return args


class _Field:
    """The exact field K holding all values, with conversions from and back to sympy."""

    def __init__(self, exprs: Sequence[sp.Expr]):
        exprs = [e.rewrite(sp.exp) if e.has(sp.tanh) else e for e in exprs]
        exponents = [a for e in exprs for a in _exp_exponents(e)]
        self.exact = True
        self.reason = ""
        self.N = 0
        if exponents:
            if all(a.is_Rational for a in exponents):
                self.N = math.lcm(*(int(a.q) for a in exponents))
            else:
                bad = next(a for a in exponents if not a.is_Rational)
                self.exact = False
                self.reason = f"exp of the non-rational number {bad}"
        converted = [self._substitute(e) for e in exprs]
        if self.exact:
            for e in converted:
                problem = self._obstruction(e)
                if problem:
                    self.exact, self.reason = False, problem
                    break
        if self.exact:
            self.domain, _ = construct_domain(converted or [sp.Integer(0)], field=True, extension=True)
            if self.domain.is_EX or self.domain.is_EXRAW:
                self.exact, self.reason = False, "values outside every exact field sympy can construct"
        if not self.exact:
            self.domain = sp.EX

    def _substitute(self, e: sp.Expr) -> sp.Expr:
        if not self.N:
            return e
        if e.has(sp.tanh):
            e = e.rewrite(sp.exp)
        reps = {a: _T ** int(a.args[0] * self.N) for a in e.atoms(sp.exp) if a.args[0].is_Rational}
        return e.xreplace(reps).xreplace({sp.E: _T**self.N})

    @staticmethod
    def _obstruction(e: sp.Expr) -> str:
        funcs = e.atoms(sp.Function)
        if funcs:
            return f"the transcendental value {sorted(map(str, funcs))[0]}"
        consts = [a for a in e.atoms(sp.NumberSymbol)]
        if consts:
            return f"the constant {consts[0]}"
        for s in e.free_symbols:
            if s != _T and not isinstance(s, DerivativeSymbol):
                return f"the symbol {s}"
        return ""

    def __call__(self, e: sp.Expr) -> Any:
        e = sp.sympify(e, strict=True)  # internal values only; strict: text is never parsed
        if not self.exact:
            return self.domain.from_sympy(e)
        return self.domain.from_sympy(self._substitute(e))

    def to_sympy(self, a: Any) -> sp.Expr:
        e = self.domain.to_sympy(a)
        if self.N:
            e = e.xreplace({_T: sp.exp(sp.Rational(1, self.N))})
        return e

    @property
    def generators(self) -> tuple:
        """The indeterminates of K (t = e^(1/N), generic sigma^(k)(z) symbols), empty for QQ."""
        dom = self.domain
        if self.exact and (dom.is_FractionField or dom.is_PolynomialRing):
            return tuple(dom.symbols)
        return ()

    def specialize(self, a: Any, values: Sequence[int]) -> Any:
        """The element a of K with its generators set to the integers ``values`` (an element of QQ,
        or of the algebraic ground field). Raises ZeroDivisionError if a denominator vanishes there."""
        dom = self.domain
        if not self.generators:
            return a
        ground = dom.domain.get_field()
        num, den = (a.numer, a.denom) if dom.is_FractionField else (a, a.ring.one)
        pairs = list(zip(num.ring.gens, values, strict=True))
        n = ground.convert(num.evaluate(pairs)) if num else ground.zero
        d = ground.convert(den.evaluate(pairs))
        if not d:
            raise ZeroDivisionError("a denominator vanishes at this specialization")
        return n / d

    @property
    def ground(self) -> Any:
        """The field the specializations land in (QQ, or an algebraic number field)."""
        if not self.generators:
            return self.domain
        return self.domain.domain.get_field()

    def describe(self) -> str:
        if not self.exact:
            return f"EX (not an exact field: {self.reason})"
        gens = self.generators
        names = [str(g) for g in gens if g != _T]
        base = str(self.ground).replace("ZZ", "QQ")
        parts = []
        if _T in gens:
            parts.append(f"t = exp(1/{self.N})")
        if names:
            shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
            parts.append(f"{len(names)} generic values sigma^(k)(z) as indeterminates ({shown})")
        if not parts:
            return base
        gen_names = (["t"] if _T in gens else []) + (["sigma^(k)(z)..."] if names else [])
        return f"{base}({', '.join(gen_names)}): " + "; ".join(parts)


# -- forward values (pass 1) and jets (pass 2) ----------------------------------------------------
def _forward_values(network: Network, point: tuple[sp.Expr, ...], order: int) -> list[list[tuple[sp.Expr, ...]]]:
    """For each hidden layer, the derivatives (sigma(z_j), ..., sigma^(order)(z_j)) at theta_0."""
    h = sp.Matrix(point)
    out = []
    for layer in network.layers[:-1]:
        z = layer.weights * h + layer.bias
        ders = [layer.activation.derivatives(order, at=zj) for zj in z]
        out.append(ders)
        h = sp.Matrix([d[0] for d in ders])
    return out


def _truncate(p: PolyElement, order: int) -> PolyElement:
    if all(sum(m) <= order for m in p.itermonoms()):
        return p
    return p.ring.from_dict({m: c for m, c in p.items() if sum(m) <= order})


def theta_degree(network: Network) -> int | None:
    """The total degree of Z(x; theta) as a polynomial in theta, or None if it is not polynomial.

    For polynomial activations of degree q the pre-activation of layer 1 has degree 1 in theta,
    a hidden layer maps degree d to q d, and each affine map adds one (weights times values):
    d_1 = 1, d_{l+1} = q_l d_l + 1, and Z has degree d_L.

    Examples
    --------
    >>> from symnet.network import Network
    >>> from symnet.overparam import theta_degree
    >>> theta_degree(Network.single_hidden_layer([[1]], [1], "square"))
    3
    >>> theta_degree(Network.single_hidden_layer([[1]], [1], "tanh")) is None
    True
    """
    if not isinstance(network, Network):
        raise InvalidInput(f"theta_degree needs a symnet Network, got {type(network).__name__}")
    d = 1
    x = sp.Symbol("x", real=True)
    for act in network.activations:
        if act.is_generic or act.expr is None or not act.expr.is_polynomial(x):
            return None
        q = sp.Poly(act.expr, x).degree()
        d = max(q, 0) * d + 1
    return d


@dataclass(frozen=True, eq=False)
class ParameterExpansion(show.Shows):
    r"""The exact Taylor expansion of Z(x_i; theta_0 + delta) in delta, through ``order``.

    Built by :func:`expand`. ``terms(i)[k]`` is the homogeneous degree-k part in the
    displacements ``delta`` (the symbols :attr:`Parameter.delta`); degree 0 is Z(x_i; theta_0),
    degree 1 is <grad Z, delta> (the NTK linearisation's increment), degree 2 is
    delta^T H delta / 2 with H the Hessian in theta.

    Attributes
    ----------
    network : Network
    parameters : tuple of Parameter
    points : tuple of tuples of exact numbers
    order : int
    field : str
        The exact field of the coefficients (see the module docstring), or why there is none.
    exact_field : bool
    complete : bool
        True when Z is a polynomial in theta of degree <= order: then the expansion *is* Z, and
        Z - Z_lin equals the sum of the terms of degree >= 2 exactly (no further remainder).

    ``latex()`` writes the expansion at the first point when it is short (:data:`SHOWN_CHARS`).

    Examples
    --------
    >>> from symnet.network import Network
    >>> from symnet.overparam import expand
    >>> net = Network.single_hidden_layer([[2]], [3], "square")   # Z = w (a x + b)^2 + c
    >>> e = expand(net, [[1]])
    >>> print(e)
    ParameterExpansion(order 2, 4 parameters, 1 points, field QQ)
    >>> print(e.latex().splitlines()[3])  # doctest: +ELLIPSIS
    Z(x_{1}; \theta_0 + \delta) = 12 + 12 \delta W^{(1)}_{1,1} + 4 \delta W^{(2)}_{1,1} + ...
    """

    network: Network
    parameters: tuple[Parameter, ...]
    points: tuple[tuple[sp.Expr, ...], ...]
    order: int
    _field: _Field = field(repr=False)
    _jets: tuple[tuple[PolyElement, ...], ...] = field(repr=False)

    @property
    def field(self) -> str:
        return self._field.describe()

    @property
    def exact_field(self) -> bool:
        return self._field.exact

    @property
    def complete(self) -> bool:
        deg = theta_degree(self.network)
        return deg is not None and deg <= self.order

    @property
    def n_outputs(self) -> int:
        return self.network.n_outputs

    @property
    def rows(self) -> int:
        """Number of rows of the parameter map: data points times outputs."""
        return len(self.points) * self.n_outputs

    def _row(self, i: int, output: int) -> PolyElement:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(self.points):
            raise InvalidInput(f"point index must be an int in [0, {len(self.points)}), got {i!r}")
        if isinstance(output, bool) or not isinstance(output, int) or not 0 <= output < self.n_outputs:
            raise InvalidInput(f"output index must be an int in [0, {self.n_outputs}), got {output!r}")
        return self._jets[i][output]

    def _k(self, a: Any) -> sp.Expr:
        return self._field.to_sympy(a)

    def terms(self, i: int, output: int = 0) -> dict[int, sp.Expr]:
        """``{k: degree-k part}`` of Z(x_i; theta_0 + delta), as sympy expressions in the deltas."""
        p = self._row(i, output)
        deltas = [q.delta for q in self.parameters]
        out: dict[int, sp.Expr] = {k: sp.Integer(0) for k in range(self.order + 1)}
        for monom, coeff in p.items():
            term = self._k(coeff) * sp.Mul(*[d**e for d, e in zip(deltas, monom, strict=False) if e])
            out[sum(monom)] += term
        return out

    @cached_property
    def values(self) -> tuple[sp.Expr, ...]:
        """Z(x_i; theta_0) for every row (point-major, then output)."""
        return tuple(self._k(p.coeff(1)) for pt in self._jets for p in pt)

    def _gradient_row(self, p: PolyElement) -> list[Any]:
        R = p.ring
        return [p.coeff(g) for g in R.gens]

    @cached_property
    def jacobian_domain_matrix(self) -> DomainMatrix:
        """J as a DomainMatrix over the exact field (rows: points x outputs, columns: parameters)."""
        rows = [self._gradient_row(p) for pt in self._jets for p in pt]
        return DomainMatrix(rows, (len(rows), len(self.parameters)), self._field.domain)

    @cached_property
    def jacobian(self) -> sp.ImmutableMatrix:
        """J[i, p] = dZ(x_i; theta)/d theta_p at theta_0, exactly."""
        dm = self.jacobian_domain_matrix
        return sp.ImmutableMatrix([[self._k(a) for a in row] for row in dm.to_list()])

    def hessian(self, i: int, output: int = 0) -> sp.ImmutableMatrix:
        """H[p, q] = d^2 Z(x_i; theta) / d theta_p d theta_q at theta_0 (needs order >= 2)."""
        if self.order < 2:
            raise InvalidInput("the Hessian needs an expansion of order >= 2: call expand(..., order=2)")
        p = self._row(i, output)
        P = len(self.parameters)
        H = [[sp.Integer(0)] * P for _ in range(P)]
        for monom, coeff in p.items():
            if sum(monom) != 2:
                continue
            idx = [j for j, e in enumerate(monom) if e]
            c = self._k(coeff)
            if len(idx) == 1:
                H[idx[0]][idx[0]] = 2 * c
            else:
                a, b = idx
                H[a][b] = H[b][a] = c
        return sp.ImmutableMatrix(H)

    def _delta_values(self, theta: Any) -> dict[sp.Symbol, sp.Expr]:
        if isinstance(theta, Mapping):
            names = {p.name: p for p in self.parameters}
            out = {}
            for key, v in theta.items():
                name = key.name if isinstance(key, sp.Symbol) else key
                if name not in names:
                    raise InvalidInput(f"unknown parameter {key!r}; the parameters are {', '.join(names)}")
                out[names[name].delta] = exact_number(v, f"theta[{name}]", allow_symbols=True) - names[name].value
            for p in self.parameters:
                out.setdefault(p.delta, sp.Integer(0))
            return out
        if isinstance(theta, (str, bytes)) or not isinstance(theta, (Sequence, Iterable)):
            raise InvalidInput("theta must be a sequence of values (one per parameter) or a mapping name -> value")
        vals = list(theta)
        if len(vals) != len(self.parameters):
            raise ShapeError(f"theta has {len(vals)} entries; there are {len(self.parameters)} parameters")
        return {p.delta: exact_number(v, f"theta[{p.name}]", allow_symbols=True) - p.value
                for p, v in zip(self.parameters, vals, strict=False)}

    def _evaluate(self, theta: Any, degrees: range) -> tuple[sp.Expr, ...]:
        """Sum of the terms of the given degrees at theta, every row; exact in K when theta is numeric."""
        d = self._delta_values(theta)
        deltas = [d[p.delta] for p in self.parameters]
        K = self._field
        try:
            dk = [K(v) for v in deltas] if K.exact and not any(v.free_symbols for v in deltas) else None
        except Exception:  # pragma: no cover - a value outside K: fall back to sympy arithmetic
            dk = None
        out = []
        for pt in self._jets:
            for p in pt:
                if dk is not None:
                    acc = K.domain.zero
                    for monom, coeff in p.items():
                        if sum(monom) in degrees:
                            term = coeff
                            for v, e in zip(dk, monom, strict=True):
                                if e:
                                    term *= v**e
                            acc += term
                    out.append(K.to_sympy(acc))
                else:
                    acc = sp.Integer(0)
                    for monom, coeff in p.items():
                        if sum(monom) in degrees:
                            acc += K.to_sympy(coeff) * sp.Mul(*[v**e for v, e in zip(deltas, monom, strict=True)])
                    out.append(sp.expand(acc))
        return tuple(out)

    def linearization(self, theta: Any) -> tuple[sp.Expr, ...]:
        """Z_lin(x_i; theta) = Z(x_i; theta_0) + <grad Z(x_i; theta_0), theta - theta_0>, every row."""
        return self._evaluate(theta, range(2))

    def remainder(self, theta: Any) -> tuple[sp.Expr, ...]:
        """The terms of degree 2..order at theta: Z - Z_lin up to O(|theta - theta_0|^(order+1)).

        Exactly Z - Z_lin when :attr:`complete`.
        """
        if self.order < 2:
            raise InvalidInput("the remainder needs an expansion of order >= 2")
        return self._evaluate(theta, range(2, self.order + 1))

    def _all_terms(self) -> list[dict[int, sp.Expr]]:
        return [self.terms(i, o) for i in range(len(self.points)) for o in range(self.n_outputs)]

    def verify_along(self, direction: Sequence[Any], order: int | None = None) -> bool:
        """Check the expansion against an independent route: sympy's series of the network itself.

        Builds the network with theta = theta_0 + s v (``direction`` v, a symbol s), evaluates it
        at each data point by :meth:`Network.expression`, expands in s with ``sympy.series``
        through ``order`` (default: this expansion's order), and compares with
        ``sum_k s^k terms_k(v)``. Returns True when every coefficient agrees exactly (differences
        simplify to 0); needs a concrete activation.
        """
        order = self.order if order is None else order
        if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= self.order:
            raise InvalidInput(f"order must be an int in [1, {self.order}], got {order!r}")
        if any(a.is_generic for a in self.network.activations):
            raise InvalidInput("verify_along needs a concrete activation (sympy cannot series the generic sigma)")
        if isinstance(direction, (str, bytes, Mapping)) or not isinstance(direction, Iterable):
            raise InvalidInput(f"direction must be a sequence of numbers (one per parameter), got {direction!r}")
        v = list(direction)
        if len(v) != len(self.parameters):
            raise ShapeError(f"direction has {len(v)} entries; there are {len(self.parameters)} parameters")
        v = [exact_number(x, f"direction[{k}]") for k, x in enumerate(v)]
        s = sp.Symbol("s", real=True)
        moved = _with_parameters(self.network, self.parameters,
                                 [p.value + s * vk for p, vk in zip(self.parameters, v, strict=True)])
        sub = {p.delta: vk for p, vk in zip(self.parameters, v, strict=False)}
        for i, pt in enumerate(self.points):
            outs = moved.evaluate(list(pt))
            for o in range(self.n_outputs):
                direct = sp.series(outs[o], s, 0, order + 1).removeO()
                terms = self.terms(i, o)
                for k in range(order + 1):
                    diff = direct.coeff(s, k) - terms[k].xreplace(sub)
                    if not is_zero(diff):
                        return False
        return True

    def __str__(self) -> str:
        return (f"ParameterExpansion(order {self.order}, {len(self.parameters)} parameters, "
                f"{len(self.points)} points, field {self.field})")

    def latex(self) -> str:
        """The summary and, when short, the expansion at the first point (a math-mode LaTeX fragment)."""
        rows = [show.phrase(f"Taylor expansion of Z(x_i; theta_0 + delta) in the displacements delta through order "
                            f"{self.order}: {len(self.parameters)} parameters, {len(self.points)} point(s)",
                            {"Z(x_i; theta_0 + delta)": "Z(x_i; \\theta_0 + \\delta)", "delta": "\\delta"}),
                show.text(f"field {self.field}" + ("; exact (Z is polynomial in theta)" if self.complete else ""))]
        if self.points:
            names = _parameter_names(self.parameters)
            terms = self.terms(0)
            parts = [show.math(terms[k], (), names) for k in sorted(terms) if terms[k] != 0]
            body = " ".join(t if i == 0 or t.startswith("-") else f"+ {t}" for i, t in enumerate(parts)) or "0"
            rest = "" if self.complete else f" + O(\\delta^{{{self.order + 1}}})"
            x = ", ".join(show.math(v) for v in self.points[0])
            line = f"Z(x_{{1}}; \\theta_0 + \\delta) = {body}{rest}"
            if len(line) <= SHOWN_CHARS:
                rows.append(line + (f", \\quad x_{{1}} = ({x})" if x else ""))
            else:
                rows.append(f"Z(x_{{1}}; \\theta_0) = {show.math(self.values[0])}, \\quad x_{{1}} = ({x})")
        return show.lines(rows)


#: Longest expansion (in LaTeX characters) that :meth:`ParameterExpansion.latex` writes out.
SHOWN_CHARS = 1000


def _parameter_names(parameters: Sequence[Parameter]) -> dict[sp.Symbol, str]:
    """LaTeX names: W1[2,1] -> W^{(1)}_{2,1}, its displacement -> \\delta W^{(1)}_{2,1}."""
    out = {}
    for p in parameters:
        base = f"W^{{({p.layer})}}_{{{p.row},{p.col}}}" if p.kind == "W" else f"b^{{({p.layer})}}_{{{p.row}}}"
        out[p.symbol] = base
        out[p.delta] = f"\\delta {base}"
    return out


def _with_parameters(network: Network, params: Sequence[Parameter], values: Sequence[sp.Expr]) -> Network:
    """The same network with the given parameters replaced by ``values`` (possibly symbolic)."""
    from symnet.network import Layer

    mats = [[sp.Matrix(layer.weights), sp.Matrix(layer.bias)] for layer in network.layers]
    for p, v in zip(params, values, strict=False):
        if p.kind == "W":
            mats[p.layer - 1][0][p.row - 1, p.col - 1] = v
        else:
            mats[p.layer - 1][1][p.row - 1] = v
    return Network([Layer(sp.ImmutableMatrix(w), sp.ImmutableMatrix(b), layer.activation)
                    for (w, b), layer in zip(mats, network.layers, strict=False)])


def expand(
    network: Network,
    points: Sequence[Sequence[Any]],
    order: int = 2,
    which: str | Iterable[str] = "all",
) -> ParameterExpansion:
    """Taylor-expand Z(x_i; theta) in theta about theta_0 (the network's own weights) through ``order``.

    Forward-mode jets: every quantity is a polynomial in the displacements delta truncated at
    total degree ``order``; each neuron applies
    ``sigma(z_0 + e) = sum_{k <= order} sigma^(k)(z_0) e^k / k!`` with the activation's exact
    derivatives at its operating point z_0 (MATH.md section 0 conventions). Order 1 gives the
    NTK linearisation (seed 001); order 2 adds the Hessian term.

    Parameters
    ----------
    network : Network
        Numeric weights (no free symbols): they are theta_0.
    points : sequence of input vectors
        The data set x_1, ..., x_D (exact numbers; floats are read as the decimal they print).
    order : int, default 2
    which : see :func:`parameters`

    Examples
    --------
    >>> from symnet.network import Network
    >>> from symnet.overparam import expand
    >>> net = Network.single_hidden_layer([[2]], [3], "square")  # Z = w (a x + b)^2 + c, theta_0 = (2, 0, 3, 0)
    >>> e = expand(net, [[1]], order=3)                           # at x = 1: (3 + dw)(2 + da + db)^2 + dc
    >>> t = e.terms(0)
    >>> t[0], t[1]
    (12, 12*dW1[1,1] + 4*dW2[1,1] + 12*db1[1] + db2[1])
    >>> t[3]
    dW1[1,1]**2*dW2[1,1] + 2*dW1[1,1]*dW2[1,1]*db1[1] + dW2[1,1]*db1[1]**2
    >>> e.complete
    True
    """
    network = _check_network(network, "expand()")
    order = nonnegative_int(order, "expand(): the order (jets grow like P^order)", maximum=MAX_ORDER)
    params = parameters(network, which)
    if order >= 2 and len(params) > MAX_PARAMETERS_ORDER2:
        raise TooLargeError(f"{len(params)} parameters at order {order}: the limit is {MAX_PARAMETERS_ORDER2}")
    data = _data(points, network.n_inputs)
    if len(data) * network.n_outputs * len(params) > MAX_JACOBIAN_ENTRIES:
        raise TooLargeError(
            f"{len(data)} points x {network.n_outputs} outputs x {len(params)} parameters exceeds the exact "
            f"limit of {MAX_JACOBIAN_ENTRIES} Jacobian entries; use a smaller network or data set"
        )
    # pass 1: operating points and exact activation derivatives
    forward = [_forward_values(network, pt, order) for pt in data]
    values = [p.value for p in params]
    values += [v for layer in network.layers for v in (*layer.weights, *layer.bias)]
    values += [c for pt in data for c in pt]
    values += [d for fw in forward for layer in fw for ders in layer for d in ders]
    K = _Field(values)
    # pass 2: jets in K[delta]
    R, *gens = ring([f"d{k}" for k in range(len(params))], K.domain)
    gen_of = {(p.layer, p.kind, p.row, p.col): g for p, g in zip(params, gens, strict=False)}
    inv_fact = [K.domain.from_sympy(sp.Rational(1, math.factorial(k))) for k in range(order + 1)]
    jets = []
    for pt, fw in zip(data, forward, strict=False):
        h = [R.ground_new(K(c)) for c in pt]
        for l_idx, layer in enumerate(network.layers, 1):
            z = []
            for i in range(layer.width):
                acc = R.ground_new(K(layer.bias[i]))
                g = gen_of.get((l_idx, "b", i + 1, None))
                if g is not None:
                    acc += g
                for j in range(layer.fan_in):
                    w = R.ground_new(K(layer.weights[i, j]))
                    g = gen_of.get((l_idx, "W", i + 1, j + 1))
                    if g is not None:
                        w += g
                    if w:
                        acc += _truncate(w * h[j], order)
                z.append(acc)
            if layer.activation is None:
                h = z
                continue
            new_h = []
            for i, zi in enumerate(z):
                ders = [K(d) for d in fw[l_idx - 1][i]]
                z0 = zi.coeff(1)
                if K.exact and z0 != K(_operating_point(network, l_idx, i, pt, fw)):
                    raise CertificateError(  # pragma: no cover - internal consistency
                        f"internal: operating point of neuron {i + 1} in layer {l_idx} disagrees between passes")
                e = zi - z0
                out = R.ground_new(ders[0])
                power = R.one
                for k in range(1, order + 1):
                    power = _truncate(power * e, order)
                    if not power:
                        break
                    out += power * (ders[k] * inv_fact[k])
                new_h.append(out)
            h = new_h
        jets.append(tuple(h))
    return ParameterExpansion(network, params, data, order, K, tuple(jets))


def _operating_point(network: Network, l_idx: int, i: int, pt: tuple, fw: list) -> sp.Expr:
    """The pre-activation z_0 of neuron i of hidden layer l_idx at theta_0 (recomputed, for a check)."""
    h = sp.Matrix(pt) if l_idx == 1 else sp.Matrix([d[0] for d in fw[l_idx - 2]])
    layer = network.layers[l_idx - 1]
    return (layer.weights[i, :] * h)[0] + layer.bias[i]


def jacobian(
    network: Network, points: Sequence[Sequence[Any]], which: str | Iterable[str] = "all"
) -> sp.ImmutableMatrix:
    """The exact Jacobian J[i, p] = dZ(x_i; theta)/d theta_p at theta_0 (rows: points, then outputs).

    Examples
    --------
    >>> from symnet.network import Network
    >>> from symnet.overparam import jacobian
    >>> net = Network.single_hidden_layer([[2]], [3], "square", hidden_bias=[1])  # Z = w (a x + b)^2 + c
    >>> jacobian(net, [[1], [-1]])     # columns a, b, w, c: (2 w (a x + b) x, 2 w (a x + b), (a x + b)^2, 1)
    Matrix([
    [18, 18, 9, 1],
    [ 6, -6, 1, 1]])
    """
    return expand(network, points, order=1, which=which).jacobian


# -- rank with a certificate ---------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RankCertificate(show.Shows):
    r"""The exact rank of the parameter map's Jacobian, with the evidence.

    The rank r over the exact field K is pinned from both sides:

    - r >= rank: a rank x rank submatrix (``minor_rows`` x ``minor_cols``) whose determinant is
      nonzero. When K has indeterminates (t = e^(1/N), generic sigma^(k)(z)), the determinant is
      evaluated at the integer point ``specialization``: a rational function that is nonzero at
      one point is not the zero function, and t, being transcendental, is no root of it.
    - r <= rank: trivially r <= min(rows, cols); otherwise either ``relations``, rows - rank
      independent vectors c with c^T J = 0 exactly over K (linear relations among the data rows,
      e.g. e_i - e_j for a duplicated point), or ``kernel``, cols - rank independent parameter
      directions v with J v = 0 exactly (e.g. the input weights of a neuron whose output weight
      is zero).

    Attributes
    ----------
    rank : int
    rows, cols : int
        Data rows (points x outputs) and parameters.
    full : bool
        rank == rows: the premise of seed 001 (every output direction reachable to first order).
    minor_rows, minor_cols : tuple of int
    relations : tuple of tuple of sympy.Expr
        Left kernel basis (reduced echelon form), or () when not needed.
    kernel : tuple of tuple of sympy.Expr
        Right kernel basis, recorded when the left one depends on the indeterminates.
    specialization : tuple of (str, int)
        Generator name -> integer value used for the minor ( ``()`` when K = QQ).
    field : str
        The exact field of the entries.
    method : str

    Examples
    --------
    >>> from symnet.network import Network
    >>> from symnet.overparam import jacobian_rank
    >>> cert = jacobian_rank(Network.single_hidden_layer([[2]], [3], "square"), [[1], [2]])
    >>> print(cert)
    Jacobian of the parameter map: 2 rows (points x outputs) x 4 parameters, rank 2 (full row rank); field QQ
    >>> print(cert.latex().splitlines()[2])
    \operatorname{rank} J = 2, \quad J \in \mathbb{K}^{2 \times 4} \quad \text{(full row rank; field QQ)} \\
    """

    rank: int
    rows: int
    cols: int
    minor_rows: tuple[int, ...]
    minor_cols: tuple[int, ...]
    relations: tuple[tuple[sp.Expr, ...], ...]
    kernel: tuple[tuple[sp.Expr, ...], ...]
    specialization: tuple[tuple[str, int], ...]
    field: str
    method: str
    _J: DomainMatrix = field(repr=False)
    _K: _Field = field(repr=False)

    @property
    def full(self) -> bool:
        return self.rank == self.rows

    @property
    def matrix(self) -> sp.ImmutableMatrix:
        """The Jacobian (exact sympy entries)."""
        return sp.ImmutableMatrix([[self._K.to_sympy(a) for a in row] for row in self._J.to_list()])

    def check(self) -> bool:
        """Re-verify the certificate; True, or CertificateError.

        The minor's determinant is computed afresh (``DomainMatrix.det``, a fraction-free
        determinant, not the elimination that found the rank) at the recorded specialization;
        every relation must annihilate J exactly over K, and the relations must be independent.
        """
        J, K, r = self._J, self._K, self.rank
        if len(self.minor_rows) != r or len(self.minor_cols) != r:
            raise CertificateError(f"the minor has size {len(self.minor_rows)}x{len(self.minor_cols)}, not rank {r}")
        if r:
            sub = J.extract(list(self.minor_rows), list(self.minor_cols))
            values = [v for _, v in self.specialization]
            try:
                entries = [[K.specialize(a, values) for a in row] for row in sub.to_list()]
            except ZeroDivisionError:
                raise CertificateError("the recorded specialization makes a denominator vanish") from None
            if not DomainMatrix(entries, sub.shape, K.ground).det():
                raise CertificateError("the recorded minor has determinant 0: rank >= r is not proved")
        if r < min(self.rows, self.cols):
            if self.relations:
                self._check_kernel(self.relations, J.transpose(), self.rows, "relation")
            elif self.kernel:
                self._check_kernel(self.kernel, J, self.cols, "kernel vector")
            else:
                raise CertificateError(f"rank {r} < min(rows, cols) = {min(self.rows, self.cols)} but no relations "
                                       "or kernel vectors are recorded: rank <= r is not proved")
        return True

    def _check_kernel(self, vectors: tuple, M: DomainMatrix, size: int, what: str) -> None:
        K = self._K
        need = size - self.rank
        if len(vectors) != need:
            raise CertificateError(f"{len(vectors)} {what}s recorded; rank {self.rank} needs {need}")
        C = DomainMatrix([[K(c) for c in v] for v in vectors], (len(vectors), size), K.domain)
        if not (M * C.transpose()).is_zero_matrix:
            raise CertificateError(f"a recorded {what} does not annihilate the Jacobian")
        if C.rank() != len(vectors):
            raise CertificateError(f"the recorded {what}s are linearly dependent")

    def __str__(self) -> str:
        state = "full row rank" if self.full else f"rank deficient by {self.rows - self.rank}"
        return (f"Jacobian of the parameter map: {self.rows} rows (points x outputs) x {self.cols} parameters, "
                f"rank {self.rank} ({state}); field {self.field}")

    def latex(self) -> str:
        """rank J, its size and field, and the evidence (a math-mode LaTeX fragment)."""
        state = "full row rank" if self.full else f"rank deficient by {self.rows - self.rank}"
        evidence = [f"a nonzero {self.rank} x {self.rank} minor"]
        if self.specialization:
            evidence.append("evaluated at " + ", ".join(f"{n} = {v}" for n, v in self.specialization))
        if self.relations:
            evidence.append(f"{len(self.relations)} left kernel vector(s)")
        if self.kernel:
            evidence.append(f"{len(self.kernel)} right kernel vector(s)")
        return show.lines([
            show.text("Jacobian of the parameter map"),
            f"\\operatorname{{rank}} J = {self.rank}, \\quad J \\in \\mathbb{{K}}^{{{self.rows} \\times {self.cols}}} "
            f"\\quad {show.text(f'({state}; field {self.field})')}",
            show.text(f"{self.method}; evidence: {', '.join(evidence)}"),
        ])


def _specialized(J: DomainMatrix, K: _Field, seed: int) -> tuple[DomainMatrix, tuple[int, ...]]:
    """J with K's generators set to pseudo-random integers (re-drawn if a denominator vanishes)."""
    import random

    gens = K.generators
    rng = random.Random(seed)
    for _ in range(20):
        values = tuple(rng.randint(2, 10**6) for _ in gens)
        try:
            rows = [[K.specialize(a, values) for a in row] for row in J.to_list()]
        except ZeroDivisionError:
            continue
        return DomainMatrix(rows, J.shape, K.ground), values
    raise CertificateError("could not find a specialization without vanishing denominators")  # pragma: no cover


def _verified_kernel(Ms: DomainMatrix, M: DomainMatrix, K: _Field) -> tuple | None:
    """A basis (in reduced echelon form) of the right kernel of the specialized matrix ``Ms``, if it
    also annihilates the exact matrix ``M`` over K; None otherwise."""
    ns = Ms.nullspace()
    if ns.shape[0] == 0:  # pragma: no cover - callers only ask when the kernel is nontrivial
        return ()
    basis = ns.rref()[0]
    C = DomainMatrix([[K.domain.convert_from(c, K.ground) for c in row] for row in basis.to_list()],
                     basis.shape, K.domain)
    if not (M * C.transpose()).is_zero_matrix:
        return None
    return tuple(tuple(K.to_sympy(K.domain.convert_from(c, K.ground)) for c in row) for row in basis.to_list())


def jacobian_rank(
    network: Network | ParameterExpansion,
    points: Sequence[Sequence[Any]] | None = None,
    which: str | Iterable[str] = "all",
) -> RankCertificate:
    """The exact rank of dPhi/dtheta at theta_0, with a certificate (see :class:`RankCertificate`).

    Method: eliminate (reduced row echelon form) at an integer specialization of K's
    indeterminates, which gives a nonzero minor (rank >= r); if r < rows, the left kernel found
    there is checked to annihilate J exactly over K (rank <= r). If it does not (the relations
    depend on the indeterminates), the elimination is redone over K itself.

    Parameters
    ----------
    network : Network, or a ParameterExpansion from :func:`expand` (then omit ``points``)
    points : the data set
    which : which entries are parameters (see :func:`parameters`)

    Raises
    ------
    HypothesisError
        If the entries do not lie in an exact field symnet can decide equality in (softplus's
        logarithms, erf, an exponential of an exponential): no exact rank is claimed.
    """
    if isinstance(network, ParameterExpansion):
        if points is not None:
            raise InvalidInput("pass either a ParameterExpansion or a network and points, not both")
        exp_ = network
    else:
        if points is None:
            raise InvalidInput("jacobian_rank(network, points): the data points are missing")
        exp_ = expand(network, points, order=1, which=which)
    K = exp_._field
    if not K.exact:
        raise HypothesisError(
            f"no exact rank: the Jacobian's entries involve {K.reason}, which symnet cannot place in an exact "
            "field. Use a polynomial activation, the generic activation, or an exponential-type activation "
            "(sigmoid, tanh, exp, silu) with one hidden layer and rational weights and data.",
            hypothesis="Jacobian entries in an exact field",
        )
    J = exp_.jacobian_domain_matrix
    rows, cols = J.shape
    Js, values = _specialized(J, K, seed=len(K.generators) + rows)
    _, pivot_cols = Js.rref()
    _, pivot_rows = Js.transpose().rref()
    r = len(pivot_cols)
    method = f"elimination over {K.ground}"
    if K.generators:
        method += " at an integer specialization of the indeterminates; relations verified over K"
    left: tuple = ()
    right: tuple = ()
    if r < min(rows, cols):
        left = _verified_kernel(Js.transpose(), J.transpose(), K)
        if left is None:
            right = _verified_kernel(Js, J, K)
        if left is None and right is None:  # the relations depend on the indeterminates: work over K
            _, pivot_cols = J.rref()
            _, pivot_rows = J.transpose().rref()
            r = len(pivot_cols)
            method = f"elimination over {K.domain} (the relations involve the indeterminates)"
            left = tuple(tuple(K.to_sympy(a) for a in row) for row in J.transpose().nullspace().rref()[0].to_list())
            right = ()
            for seed in range(5):
                Js, values = _specialized(J, K, seed=len(K.generators) + rows + 1 + seed)
                if Js.extract(list(pivot_rows), list(pivot_cols)).det():
                    break
            else:  # pragma: no cover - five unlucky draws
                raise CertificateError("no specialization keeps the pivot minor nonzero; try other data")
        left = left or ()
    return RankCertificate(
        rank=r,
        rows=rows,
        cols=J.shape[1],
        minor_rows=tuple(pivot_rows),
        minor_cols=tuple(pivot_cols),
        relations=left,
        kernel=right,
        specialization=tuple((str(g), v) for g, v in zip(K.generators, values, strict=True)),
        field=K.describe(),
        method=method,
        _J=J,
        _K=K,
    )


# -- the NTK linearisation ------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Linearization(show.Shows):
    r"""The NTK (lazy-regime) linearisation of seed 001 on a data set.

    ``Z_lin(x_i; theta) = Z(x_i; theta_0) + <grad_theta Z(x_i; theta_0), theta - theta_0>``; the
    empirical neural tangent kernel on the data is ``K = J J^T``.

    Attributes
    ----------
    expansion : ParameterExpansion
        The order-2 expansion it comes from (so the Hessian remainder is available).

    Examples
    --------
    >>> from symnet.network import Network
    >>> from symnet.overparam import linearize
    >>> lin = linearize(Network.single_hidden_layer([[2]], [3], "square"), [[1]])
    >>> print(lin)
    NTK linearisation on 1 point(s), 4 parameters (field QQ)
      Z_lin(x_1; theta) = 12*W1[1,1] + 4*W2[1,1] + 12*b1[1] + b2[1] - 24
    >>> print(lin.latex().splitlines()[2])
    Z_{\mathrm{lin}}(x_{1}; \theta) = 12 W^{(1)}_{1,1} + 4 W^{(2)}_{1,1} + 12 b^{(1)}_{1} + b^{(2)}_{1} - 24 \\
    """

    expansion: ParameterExpansion

    @property
    def values(self) -> tuple[sp.Expr, ...]:
        return self.expansion.values

    @property
    def jacobian(self) -> sp.ImmutableMatrix:
        return self.expansion.jacobian

    @property
    def kernel(self) -> sp.ImmutableMatrix:
        """The empirical NTK on the data, K[i, j] = <grad Z(x_i), grad Z(x_j)> = (J J^T)[i, j]."""
        dm = self.expansion.jacobian_domain_matrix
        gram = dm * dm.transpose()
        K = self.expansion._field
        return sp.ImmutableMatrix([[K.to_sympy(a) for a in row] for row in gram.to_list()])

    def predict(self, theta: Any) -> tuple[sp.Expr, ...]:
        """Z_lin at ``theta`` (a sequence with one value per parameter, or a mapping name -> value)."""
        return self.expansion.linearization(theta)

    def remainder(self, theta: Any) -> tuple[sp.Expr, ...]:
        """The second-order part delta^T H delta / 2 (plus higher terms if the expansion has them)."""
        return self.expansion.remainder(theta)

    def expression(self, i: int = 0, output: int = 0) -> sp.Expr:
        """Z_lin(x_i; theta) as an affine expression in the parameter symbols (``W1[1,1]``, ...)."""
        t = self.expansion.terms(i, output)
        sub = {p.delta: p.symbol - p.value for p in self.expansion.parameters}
        return sp.expand(t[0] + t[1].xreplace(sub))

    def _summary(self) -> str:
        e = self.expansion
        return f"NTK linearisation on {len(e.points)} point(s), {len(e.parameters)} parameters (field {e.field})"

    def __str__(self) -> str:
        lines = [self._summary()]
        if self.expansion.points:
            lines.append(f"  Z_lin(x_1; theta) = {self.expression(0)}")
        return "\n".join(lines)

    def latex(self) -> str:
        """Z_lin at the first point and the empirical NTK K = J J^T (a math-mode LaTeX fragment)."""
        rows = [show.text(self._summary())]
        if self.expansion.points:
            names = _parameter_names(self.expansion.parameters)
            line = f"Z_{{\\mathrm{{lin}}}}(x_{{1}}; \\theta) = {show.math(self.expression(0), (), names)}"
            if len(line) <= SHOWN_CHARS:
                rows.append(line)
            kernel = self.kernel
            if kernel.rows <= show.MAX_MATRIX[0] and len(show.matrix(kernel)) <= SHOWN_CHARS:
                rows.append(f"K = J J^{{T}} = {show.matrix(kernel)}")
        return show.lines(rows)


def linearize(
    network: Network,
    points: Sequence[Sequence[Any]],
    which: str | Iterable[str] = "all",
    order: int = 2,
) -> Linearization:
    """The NTK linearisation of ``network`` at its own weights theta_0 on the data ``points``.

    Examples
    --------
    >>> from symnet.network import Network
    >>> from symnet.overparam import linearize
    >>> net = Network.single_hidden_layer([[2]], [3], "square")   # Z = w (a x + b)^2 + c
    >>> lin = linearize(net, [[1]])
    >>> lin.expression(0)
    12*W1[1,1] + 4*W2[1,1] + 12*b1[1] + b2[1] - 24
    >>> theta = [3, 0, 3, 0]                                      # a: 2 -> 3
    >>> net_value = 3 * (3 * 1) ** 2                              # Z at theta, by hand: 27
    >>> lin.predict(theta)[0], lin.remainder(theta)[0], net_value
    (24, 3, 27)
    """
    return Linearization(expand(network, points, order=order, which=which))

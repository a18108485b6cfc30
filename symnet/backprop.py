"""Backpropagation checked symbolically against sympy's direct derivative (seed 004; ``MATH.md`` sec. 6).

For a feedforward network with layers l = 1..L, ``z^[l] = W^[l] a^[l-1] + b^[l]``,
``a^[l] = g_l(z^[l])`` (a^[0] = x; hidden g_l an activation of :mod:`symnet.activations`, g_L the
output function), and a loss J(a^[L], y), backpropagation is the recursion (seed 004)

    delta^[L] = dJ/dz^[L] = a^[L] - y                     (for the three canonical pairs below)
    delta^[l] = g_l'(z^[l]) * (W^[l+1]^T delta^[l+1])     (l = L-1, ..., 1; * elementwise)
    dJ/dW^[l] = delta^[l] a^[l-1]^T + lambda W^[l],   dJ/db^[l] = delta^[l],

where the ``lambda W^[l]`` term comes from the L2 penalty ``(lambda/2) sum_l ||W^[l]||_F^2`` (biases
are not penalised: seed 004's block matrix [[0, 0], [0, I]] removes the bias column). The three
output/loss pairs for which delta^[L] = a^[L] - y:

- ``identity`` + ``squared_error``: a = z, J = (1/2) sum_k (a_k - y_k)^2;
- ``sigmoid`` + ``binary_cross_entropy``: a = sigma(z), J = -sum_k [y_k ln a_k + (1 - y_k) ln(1 - a_k)];
- ``softmax`` + ``categorical_cross_entropy``: a = softmax(z), J = -sum_k y_k ln a_k, which needs
  ``sum_k y_k = 1`` (in general dJ/dz_k = a_k sum_j y_j - y_k).

Source corrections: seed 004 prints the binary cross-entropy as ``-sum_k y_k log a_k + (1 - y_k)
log(1 - a_k)``; read literally (the minus sign on the first term only) it gives dJ/dz_k =
2 a_k y_k - a_k - y_k, not a_k - y_k: the bracket [y log a + (1 - y) log(1 - a)] is meant. Its
"in all three cases delta = a - y" holds for the softmax pair only when y sums to 1 (one-hot or
a probability vector); :func:`check_backprop` imposes it by substituting y_K = 1 - sum_{k<K} y_k.

:func:`check_backprop` compares the recursion with sympy's derivative of J with respect to every
weight and bias by two routes: exactly (the difference is reduced to zero: each exp(...) atom is
replaced by an independent symbol and the rational function cancelled, with ``sympy.simplify``
as fallback) and numerically at random rational points with 50-digit evaluation.

Examples
--------
>>> from symnet.backprop import symbolic_network, check_backprop
>>> net = symbolic_network((2, 2, 1), hidden="tanh", output="sigmoid", loss="binary_cross_entropy")
>>> net.parameters_count
9
>>> result = check_backprop(net, points=1)
>>> result.exact, result.numeric_ok
(True, True)
>>> import sympy as sp
>>> z = net.forward().z[-1][0]
>>> net.backprop().deltas[-1][0] == 1 / (1 + sp.exp(-z)) - net.targets[0]
True
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from symnet import _show as show
from symnet._validation import nonnegative_int
from symnet.activations import Activation
from symnet.activations import get as get_activation
from symnet.activations._activation import exact_number
from symnet.activations._jets import is_zero as jets_is_zero
from symnet.bayes import softmax
from symnet.errors import HypothesisError, InvalidInput, ShapeError
from symnet.network import Layer, Network

__all__ = [
    "PAIRS",
    "BackpropCheck",
    "Forward",
    "Gradients",
    "SymbolicNetwork",
    "check_backprop",
    "symbolic_network",
]

SOURCE = "seed 004 (backpropagation, 'Casos particulares'); MATH.md sec. 6"

#: The output/loss pairs for which delta^[L] = a^[L] - y.
PAIRS: dict[str, str] = {
    "identity": "squared_error",
    "sigmoid": "binary_cross_entropy",
    "softmax": "categorical_cross_entropy",
}

#: Largest number of parameters for which symbolic checks are attempted.
MAX_PARAMETERS = 200


@dataclass(frozen=True)
class Forward:
    """The forward pass: ``z[l]`` for l = 1..L (index l - 1) and ``a[l]`` for l = 0..L (index l)."""

    z: tuple[sp.Matrix, ...]
    a: tuple[sp.Matrix, ...]


@dataclass(frozen=True)
class Gradients:
    """dJ/dW^[l] and dJ/db^[l] for l = 1..L (index l - 1), and the deltas when from backprop."""

    weights: tuple[sp.Matrix, ...]
    biases: tuple[sp.Matrix, ...]
    deltas: tuple[sp.Matrix, ...] | None = None


@dataclass(frozen=True, eq=False)
class SymbolicNetwork(show.Shows):
    r"""A network with symbolic weights, an output function and a loss (see :func:`symbolic_network`).

    Attributes
    ----------
    shapes : tuple of int
        (n_0, n_1, ..., n_L): inputs, hidden widths, outputs.
    network : Network
        The symnet network computing z^[L] (hidden layers with ``hidden``, linear last layer).
    hidden : Activation
    output : str
        ``identity``, ``sigmoid`` or ``softmax`` (applied to z^[L]).
    loss : str
    inputs, targets : tuple of sympy.Symbol
        x_1..x_{n_0} and y_1..y_{n_L}.
    regularization : sympy.Symbol or None
        lambda of the L2 penalty (lambda/2) sum ||W^[l]||^2, or None.

    Examples
    --------
    >>> from symnet.backprop import symbolic_network
    >>> net = symbolic_network((2, 3, 1))
    >>> print(net)
    SymbolicNetwork(shapes=(2, 3, 1), hidden=sigmoid, output=identity, loss=squared_error)
    >>> print(net.latex().splitlines()[2])
    J = \frac{\left(a^{[L]}_{1} - y_{1}\right)^{2}}{2}
    """

    shapes: tuple[int, ...]
    network: Network
    hidden: Activation
    output: str
    loss: str
    inputs: tuple[sp.Symbol, ...]
    targets: tuple[sp.Symbol, ...]
    regularization: sp.Symbol | None = None

    @property
    def weights(self) -> tuple[sp.ImmutableMatrix, ...]:
        return tuple(layer.weights for layer in self.network.layers)

    @property
    def biases(self) -> tuple[sp.ImmutableMatrix, ...]:
        return tuple(layer.bias for layer in self.network.layers)

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        out: list[sp.Symbol] = []
        for w, b in zip(self.weights, self.biases, strict=True):
            out += list(w) + list(b)
        return tuple(out)

    @property
    def parameters_count(self) -> int:
        return len(self.parameters)

    # -- forward and loss ---------------------------------------------------------------------
    def _output(self, z: sp.Matrix) -> sp.Matrix:
        if self.output == "identity":
            return sp.Matrix(z)
        if self.output == "sigmoid":
            return sp.Matrix([get_activation("sigmoid")(v) for v in z])
        return sp.Matrix(softmax(list(z)))

    def _vector(self, values: Sequence[Any] | None, default: tuple[sp.Symbol, ...], what: str) -> sp.Matrix:
        if values is None:
            return sp.Matrix(default)
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise InvalidInput(f"{what} must be a sequence of {len(default)} numbers or sympy expressions, "
                               f"got {type(values).__name__}")
        values = list(values)
        if len(values) != len(default):
            raise ShapeError(f"{what} must have {len(default)} entries, got {len(values)}")
        # exact_number never parses text: strings are refused, floats read as the decimal they print as
        return sp.Matrix([exact_number(v, f"{what}[{i}]", allow_symbols=True) for i, v in enumerate(values)])

    def forward(self, x: Sequence[Any] | None = None) -> Forward:
        """z^[l] and a^[l] for the inputs ``x`` (default: the symbols x_j)."""
        a = [self._vector(x, self.inputs, "x")]
        zs = []
        for layer in self.network.layers:
            linear = Layer(layer.weights, layer.bias, None)
            z = sp.Matrix(linear.apply(a[-1]))
            zs.append(z)
            if layer.activation is not None:
                a.append(sp.Matrix([layer.activation(v) for v in z]))
        a.append(self._output(zs[-1]))
        return Forward(tuple(zs), tuple(a))

    def targets_vector(self, y: Sequence[Any] | None = None) -> sp.Matrix:
        """y, with the softmax hypothesis sum y = 1 imposed on symbolic targets (y_K = 1 - ...)."""
        yv = self._vector(y, self.targets, "y")
        if self.output == "softmax":
            if y is None:
                yv[-1] = 1 - sp.Add(*yv[:-1])
            elif sp.simplify(sp.Add(*yv) - 1) != 0:
                raise HypothesisError(
                    f"softmax + categorical cross-entropy: delta^[L] = a^[L] - y needs sum_k y_k = 1, "
                    f"but y sums to {sp.simplify(sp.Add(*yv))}; pass a probability vector (e.g. one-hot)",
                    hypothesis="sum_k y_k = 1",
                )
        return yv

    def loss_on(self, a_out: sp.Matrix, y: sp.Matrix) -> sp.Expr:
        """J(a^[L], y) without the penalty."""
        if self.loss == "squared_error":
            return sp.Rational(1, 2) * sp.Add(*[(a - t) ** 2 for a, t in zip(a_out, y, strict=True)])
        if self.loss == "binary_cross_entropy":
            return -sp.Add(*[t * sp.log(a) + (1 - t) * sp.log(1 - a) for a, t in zip(a_out, y, strict=True)])
        return -sp.Add(*[t * sp.log(a) for a, t in zip(a_out, y, strict=True)])

    def penalty(self) -> sp.Expr:
        """(lambda/2) sum_l ||W^[l]||_F^2 (0 without regularisation)."""
        if self.regularization is None:
            return sp.Integer(0)
        return self.regularization / 2 * sp.Add(*[v**2 for w in self.weights for v in w])

    def loss_expression(self, x: Sequence[Any] | None = None, y: Sequence[Any] | None = None) -> sp.Expr:
        """J as an explicit expression of the parameters (and of x, y when symbolic)."""
        fw = self.forward(x)
        return self.loss_on(fw.a[-1], self.targets_vector(y)) + self.penalty()

    # -- the two gradients --------------------------------------------------------------------
    def _hidden_derivative(self, z: sp.Expr) -> sp.Expr:
        if self.hidden.is_generic:
            t = sp.Dummy("t")
            return sp.Subs(sp.Derivative(sp.Function("sigma")(t), t), t, z)
        return self.hidden.derivative(1, at=z)

    def backprop(self, x: Sequence[Any] | None = None, y: Sequence[Any] | None = None) -> Gradients:
        """The gradients by the recursion of seed 004 (module docstring), with delta^[L] = a^[L] - y."""
        fw = self.forward(x)
        yv = self.targets_vector(y)
        L = len(self.network.layers)
        deltas: list[sp.Matrix] = [sp.Matrix(fw.a[-1] - yv)]
        for l_index in range(L - 2, -1, -1):  # layer l = l_index + 1, from L-1 down to 1
            w_next = self.network.layers[l_index + 1].weights
            back = w_next.T * deltas[0]
            gprime = sp.Matrix([self._hidden_derivative(v) for v in fw.z[l_index]])
            deltas.insert(0, sp.Matrix(gprime.multiply_elementwise(back)))
        grads_w = []
        for i, d in enumerate(deltas):
            grad = d * fw.a[i].T
            if self.regularization is not None:
                grad += self.regularization * sp.Matrix(self.weights[i])
            grads_w.append(sp.Matrix(grad))
        return Gradients(tuple(grads_w), tuple(deltas), tuple(deltas))

    def direct_gradient(self, x: Sequence[Any] | None = None, y: Sequence[Any] | None = None) -> Gradients:
        """The gradients by differentiating the loss expression with sympy, parameter by parameter."""
        j = self.loss_expression(x, y)
        grads_w = tuple(w.applyfunc(lambda p: sp.diff(j, p)) for w in self.weights)
        grads_b = tuple(b.applyfunc(lambda p: sp.diff(j, p)) for b in self.biases)
        return Gradients(tuple(map(sp.Matrix, grads_w)), tuple(map(sp.Matrix, grads_b)))

    def output_delta_direct(self, y: Sequence[Any] | None = None) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
        """dJ/dz^[L] by sympy with z^[L] as free symbols, and a^[L], z^[L]: the claim is dJ/dz = a - y."""
        zs = sp.Matrix(sp.symbols(f"z_1:{self.shapes[-1] + 1}", real=True))
        a = self._output(zs)
        j = self.loss_on(a, self.targets_vector(y))
        return sp.Matrix([sp.diff(j, v) for v in zs]), a, zs

    def __repr__(self) -> str:
        reg = ", L2" if self.regularization is not None else ""
        return (f"SymbolicNetwork(shapes={self.shapes}, hidden={self.hidden.name}, output={self.output}, "
                f"loss={self.loss}{reg})")

    def __str__(self) -> str:
        return repr(self)

    def latex(self) -> str:
        """The shapes, the output function and the loss J(a^[L], y) as a formula (math-mode LaTeX)."""
        k = self.shapes[-1]
        a = sp.Matrix([sp.Symbol(f"a^{{[L]}}_{{{i}}}") for i in range(1, k + 1)])
        y = sp.Matrix(self.targets)
        loss = show.math(self.loss_on(a, y))
        if self.regularization is not None:
            loss += (f" + \\frac{{{show.math(self.regularization)}}}{{2}} \\sum_{{l}} "
                     f"\\left\\|W^{{[l]}}\\right\\|_{{F}}^{{2}}")
        head = show.text(f"layers {' -> '.join(map(str, self.shapes))}, hidden activation {self.hidden.name}, "
                         f"output {self.output}, loss {self.loss}")
        return show.lines([head, f"J = {loss}"])


def symbolic_network(
    shapes: Sequence[int],
    hidden: Activation | str = "sigmoid",
    output: str = "identity",
    loss: str | None = None,
    regularization: bool = False,
) -> SymbolicNetwork:
    """A network of the given layer shapes with symbolic weights W^[l]_{k,j} and biases b^[l]_k.

    Parameters
    ----------
    shapes : sequence of int
        (n_0, n_1, ..., n_L), at least two entries: inputs, hidden widths, outputs.
    hidden : Activation or name
        The activation of the hidden layers (``"generic"`` keeps sigma symbolic).
    output : {"identity", "sigmoid", "softmax"}
    loss : {"squared_error", "binary_cross_entropy", "categorical_cross_entropy"}, optional
        Must be the canonical partner of ``output`` (the default).
    regularization : bool
        Add the L2 penalty (lambda/2) sum_l ||W^[l]||_F^2 with a symbol ``lambda``.
    """
    if isinstance(shapes, (str, bytes)) or not isinstance(shapes, Sequence):
        raise InvalidInput("shapes must be a sequence of layer widths (n_0, n_1, ..., n_L)")
    shapes = tuple(shapes)
    if len(shapes) < 2:
        raise ShapeError(f"shapes needs at least an input and an output width, got {shapes}")
    for i, n in enumerate(shapes):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ShapeError(f"shapes[{i}] must be a positive int, got {n!r}")
    if not isinstance(output, str) or output not in PAIRS:
        raise InvalidInput(f"unknown output function {output!r}; use one of {', '.join(PAIRS)}")
    if loss is None:
        loss = PAIRS[output]
    if loss != PAIRS[output]:
        pairs = "; ".join(f"{o} + {lo}" for o, lo in PAIRS.items())
        raise InvalidInput(
            f"unknown loss/output pairing {output!r} + {loss!r}: delta^[L] = a^[L] - y holds for the canonical "
            f"pairs only ({pairs})"
        )
    if output == "softmax" and shapes[-1] < 2:
        raise ShapeError("softmax needs at least 2 outputs (with one output it is the constant 1)")
    if not isinstance(regularization, bool):
        raise InvalidInput(f"regularization must be True or False, got {regularization!r}")
    act = get_activation(hidden)
    count = sum(shapes[i + 1] * (shapes[i] + 1) for i in range(len(shapes) - 1))
    if count > MAX_PARAMETERS:
        raise InvalidInput(f"{count} parameters: symbolic backprop checks are limited to {MAX_PARAMETERS}")
    layers = []
    for li in range(1, len(shapes)):
        rows, cols = shapes[li], shapes[li - 1]
        w = sp.ImmutableMatrix(rows, cols, lambda k, j, li=li: sp.Symbol(f"W{li}_{k + 1}_{j + 1}", real=True))
        b = sp.ImmutableMatrix([sp.Symbol(f"b{li}_{k + 1}", real=True) for k in range(rows)])
        layers.append(Layer(w, b, act if li < len(shapes) - 1 else None))
    inputs = tuple(sp.Symbol(f"x_{j}", real=True) for j in range(1, shapes[0] + 1))
    targets = tuple(sp.Symbol(f"y_{k}", real=True) for k in range(1, shapes[-1] + 1))
    lam = sp.Symbol("lambda", nonnegative=True) if regularization else None
    return SymbolicNetwork(shapes, Network(layers), act, output, loss, inputs, targets, lam)


# -- checking -----------------------------------------------------------------------------------
def is_zero(expr: sp.Expr) -> bool:
    """Exact zero test for the gradient differences.

    exp is a homomorphism from + to *: bottom-up, every ``exp(sum_i c_i m_i)`` (argument expanded,
    c_i rational coefficients, m_i the remaining factors) is replaced by ``prod_i E(m_i)^c_i`` with
    one fresh positive symbol E(m) per distinct m. This is an identity, and if the result, a
    rational function of independent symbols, has numerator 0, the expression is 0. Otherwise
    symnet's general exact-zero test (:func:`symnet.activations._jets.is_zero`, ending in
    ``sympy.simplify``) decides: it may find relations the substitution forgets. The substitution
    is kept as a fast first pass: on the gradients of a (2, 2, 1) network it is about 10 times
    faster than the general test.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.backprop import is_zero
    >>> x = sp.Symbol("x")
    >>> is_zero(sp.exp(2 * x) / (1 + sp.exp(x)) - sp.exp(x) + sp.exp(x) / (1 + sp.exp(x)))
    True
    """
    if not isinstance(expr, sp.Basic):
        expr = exact_number(expr, "is_zero: expr", allow_symbols=True)
    if expr == 0:
        return True
    symbols: dict[sp.Expr, sp.Dummy] = {}
    cache: dict[sp.Expr, sp.Expr] = {}

    def split(arg: sp.Expr) -> sp.Expr:
        out = sp.Integer(1)
        for term in sp.Add.make_args(sp.expand(arg)):
            c, m = term.as_coeff_Mul()
            out *= symbols.setdefault(m, sp.Dummy("E", positive=True)) ** c
        return out

    def convert(e: sp.Expr) -> sp.Expr:  # bottom-up, sharing repeated subtrees
        if e in cache:
            return cache[e]
        if not e.args:
            out = e
        elif isinstance(e, sp.exp):
            out = split(convert(e.args[0]))
        else:
            new = [convert(a) for a in e.args]
            out = e if all(n is a for n, a in zip(new, e.args, strict=True)) else e.func(*new)
        cache[e] = out
        return out

    if sp.expand(sp.numer(sp.together(convert(expr)))) == 0:
        return True
    return jets_is_zero(expr)


def _numeric_values(exprs: list[sp.Expr], dps: int) -> list[sp.Float]:
    """Evaluate constant expressions at ``dps`` digits, through common subexpressions (fast)."""
    replacements, reduced = sp.cse(exprs)
    values: dict[sp.Symbol, sp.Float] = {}
    for sym, sub in replacements:
        values[sym] = sp.N(sub.xreplace(values), dps)
    return [sp.N(e.xreplace(values), dps) for e in reduced]


@dataclass(frozen=True)
class BackpropCheck(show.Shows):
    """The outcome of :func:`check_backprop`.

    Attributes
    ----------
    network : SymbolicNetwork
    output_delta_exact : bool
        dJ/dz^[L] (sympy, z^[L] free) equals a^[L] - y exactly.
    exact : bool
        Every dJ/dW^[l]_{kj}, dJ/db^[l]_k of the recursion minus sympy's derivative is exactly 0
        (and the output delta claim holds).
    numeric_max_difference : mpmath.mpf
        Largest |recursion - direct| over all parameters and the random rational points, at 50
        digits (for the generic activation, after substituting the logistic sigmoid).
        None when no point was evaluated (``points=0``).
    points : int
    numeric_ok : bool
        ``numeric_max_difference < 1e-40``; False when no point was evaluated (nothing numeric
        was checked, so nothing numeric is claimed).

    Examples
    --------
    >>> from symnet.backprop import check_backprop, symbolic_network
    >>> result = check_backprop(symbolic_network((1, 1, 1)), points=1)
    >>> print(result)  # doctest: +ELLIPSIS
    SymbolicNetwork(shapes=(1, 1, 1), ...): recursion = sympy derivative exactly: True; numerically at 1 ...
    >>> print(result.latex().splitlines()[3])
    \\text{numerically (50 digits) at 1 rational point(s): } \\max \\left|\\text{recursion} - \\text{direct}\\right| = 0
    """

    network: SymbolicNetwork
    output_delta_exact: bool
    exact: bool
    numeric_max_difference: Any
    points: int

    @property
    def numeric_ok(self) -> bool:
        if self.points == 0 or self.numeric_max_difference is None:
            return False
        return self.numeric_max_difference < mpmath.mpf(10) ** -40

    @property
    def ok(self) -> bool:
        return self.exact and self.numeric_ok

    def __str__(self) -> str:
        if self.numeric_max_difference is None:
            numeric = "numeric route not run (points=0)"
        else:
            numeric = (f"numerically at {self.points} rational point(s): max difference "
                       f"{mpmath.nstr(self.numeric_max_difference, 3)}")
        return f"{self.network!r}: recursion = sympy derivative exactly: {self.exact}; {numeric}"

    def latex(self) -> str:
        """The network, the exact verdict and the numeric difference (a math-mode LaTeX fragment)."""
        if self.numeric_max_difference is None:
            numeric = show.text("numeric route not run (points=0)")
        else:
            numeric = (f"{show.text(f'numerically (50 digits) at {self.points} rational point(s): ')} \\max "
                       f"\\left|\\text{{recursion}} - \\text{{direct}}\\right| = "
                       f"{show.number(self.numeric_max_difference, 3)}")
        return show.lines([show.text(repr(self.network)),
                           show.text(f"recursion = sympy derivative exactly: {self.exact}"), numeric])


def _random_point(net: SymbolicNetwork, rng: random.Random) -> dict[sp.Symbol, sp.Rational]:
    def q() -> sp.Rational:
        return sp.Rational(Fraction(rng.randint(-30, 30), rng.randint(1, 12)))

    point = {p: q() for p in net.parameters}
    point.update({x: q() for x in net.inputs})
    if net.output == "softmax":
        raw = [rng.randint(1, 9) for _ in net.targets]
        point.update({t: sp.Rational(r, sum(raw)) for t, r in zip(net.targets, raw, strict=True)})
    else:
        point.update({t: sp.Rational(rng.randint(0, 10), 10) for t in net.targets})
    if net.regularization is not None:
        point[net.regularization] = sp.Rational(rng.randint(0, 20), 7)
    return point


def _concrete(expr: sp.Expr) -> sp.Expr:
    """Replace the generic sigma by the logistic sigmoid (for numeric evaluation)."""
    if not expr.has(sp.Function("sigma")):
        return expr
    t = sp.Dummy("t")
    return expr.replace(sp.Function("sigma"), sp.Lambda(t, 1 / (1 + sp.exp(-t)))).doit()


def check_backprop(net: SymbolicNetwork, points: int = 2, seed: int = 0, exact: bool = True) -> BackpropCheck:
    """Compare the backprop recursion with sympy's direct derivative of the loss, by two routes.

    Parameters
    ----------
    net : SymbolicNetwork
    points : int
        Random rational points (parameters, x, y and lambda) for the 50-digit numeric route;
        0 skips it (then ``numeric_ok`` is False: nothing numeric was checked).
    seed : int
        Non-negative seed of the random points (deterministic).
    exact : bool
        Run the exact route (the default); False runs only the numeric one (``exact`` is then
        False in the result). ``points=0`` with ``exact=False`` is refused: it checks nothing.
    """
    if not isinstance(net, SymbolicNetwork):
        raise InvalidInput(f"check_backprop needs a SymbolicNetwork (see symbolic_network), got {type(net).__name__}")
    points = nonnegative_int(points, "check_backprop: points (random points of the numeric route)")
    seed = nonnegative_int(seed, "check_backprop: seed")
    if not isinstance(exact, bool):
        raise InvalidInput(f"check_backprop: exact must be True or False, got {exact!r}")
    if points == 0 and not exact:
        raise InvalidInput("check_backprop: points=0 and exact=False check nothing; use points >= 1 or exact=True")
    bp = net.backprop()
    direct = net.direct_gradient()
    pairs = [(a, b) for ga, gb in ((bp.weights, direct.weights), (bp.biases, direct.biases))
             for ma, mb in zip(ga, gb, strict=True) for a, b in zip(ma, mb, strict=True)]
    delta_direct, a_out, _ = net.output_delta_direct()
    delta_ok = all(is_zero(d - (a - t)) for d, a, t in zip(delta_direct, a_out, net.targets_vector(), strict=True))
    exact_ok = delta_ok and all(is_zero(a - b) for a, b in pairs) if exact else False
    rng = random.Random(seed)
    worst = mpmath.mpf(0) if points else None
    with mpmath.workdps(60):
        for _ in range(points):
            point = _random_point(net, rng)
            diffs = [_concrete((a - b).xreplace(point)) for a, b in pairs]
            for value in _numeric_values(diffs, 80):
                if not value.is_number:
                    raise InvalidInput(f"numeric route: {value} did not evaluate to a number")  # pragma: no cover
                worst = max(worst, abs(mpmath.mpf(sp.re(value))))
    return BackpropCheck(net, delta_ok, exact_ok, worst, points)

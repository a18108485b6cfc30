"""Symbolic feedforward networks with exact weights (``MATH.md`` section 0).

A :class:`Network` is ``f(x) = A_L s_{L-1}(A_{L-1} ... s_1(A_1 x))`` with affine maps
``A_i x = W_i x + b_i``: a sequence of :class:`Layer` objects, every layer but the last followed
by an activation, the last linear (the output layer). Weights and biases are exact sympy
values (rationals, algebraic numbers, or symbols such as the scale ``lam``), and biases are
first-class: the bias-free model of the lower-bound theorem is ``network.is_bias_free``.

Counts follow ``MATH.md``: ``hidden_neurons`` N_n is the sum of hidden widths, ``synapses``
N_s the number of nonzero weights (bias entries are not synapses), ``depth`` the number of
hidden layers.

Examples
--------
>>> import sympy as sp
>>> from symnet import activations
>>> from symnet.network import Network
>>> net = Network.single_hidden_layer(
...     input_weights=[[1, 1], [1, -1]], output_weights=[1, -1], activation=activations.get("square"))
>>> net.hidden_neurons, net.synapses, net.depth
(2, 6, 1)
>>> u, v = sp.symbols("u v")
>>> sp.expand(net.expression([u, v]))
4*u*v
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from symnet.activations import Activation
from symnet.activations import get as get_activation
from symnet.activations._activation import check_dps, exact_number, mpmath_number
from symnet.activations._jets import is_zero as is_zero_number
from symnet.errors import InvalidInput, ShapeError

__all__ = ["Layer", "Network", "input_symbols"]


def input_symbols(n: int, name: str = "x") -> tuple[sp.Symbol, ...]:
    """The default input symbols x_1, ..., x_n (real)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInput(f"the number of inputs must be a positive int, got {n!r}")
    return tuple(sp.Symbol(f"{name}_{i}", real=True) for i in range(1, n + 1))


def _exact_entry(value: Any, where: str) -> sp.Expr:
    if isinstance(value, sp.Basic):
        if not isinstance(value, sp.Expr):
            raise InvalidInput(f"{where}: expected a number or expression, got {value}")
        if value.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
            raise InvalidInput(f"{where}: non-finite value {value}")
        if value.is_extended_real is False or (value.has(sp.I) and value.is_extended_real is not True):
            raise InvalidInput(f"{where}: weights and biases must be real, got {value}")
        return sp.Rational(str(value)) if isinstance(value, sp.Float) else value
    return exact_number(value, where)


def _input_entry(value: Any, where: str) -> sp.Expr:
    """A symbolic input: a sympy expression, an exact number, or a symbol name (never parsed)."""
    if isinstance(value, str):
        if value.isidentifier():
            return sp.Symbol(value, real=True)
        raise InvalidInput(f"{where}: a string input must be a symbol name, got {value[:40]!r} "
                           "(formulas are not parsed here; build them with sympy)")
    return _exact_entry(value, where) if isinstance(value, sp.Basic) else exact_number(value, where, allow_symbols=True)


def _matrix(value: Any, rows: int | None, cols: int | None, what: str) -> sp.ImmutableMatrix:
    """An exact immutable matrix from nested sequences, numpy arrays or sympy matrices."""
    if isinstance(value, sp.MatrixBase):
        data = [[value[i, j] for j in range(value.cols)] for i in range(value.rows)]
    elif isinstance(value, np.ndarray):
        if value.ndim != 2:
            raise ShapeError(f"{what} must be 2-dimensional, got an array of shape {value.shape}")
        data = value.tolist()
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        data = [list(row) if isinstance(row, (Sequence, np.ndarray)) and not isinstance(row, (str, bytes))
                else None for row in value]
        if any(row is None for row in data):
            raise ShapeError(f"{what} must be a sequence of rows (a 2-d nested sequence)")
    else:
        raise InvalidInput(f"{what} must be a matrix (nested sequence, numpy array or sympy Matrix), "
                           f"got {type(value).__name__}")
    if not data or not data[0]:
        raise ShapeError(f"{what} is empty")
    width = len(data[0])
    for i, row in enumerate(data):
        if len(row) != width:
            raise ShapeError(f"{what}: row {i} has {len(row)} entries, row 0 has {width}")
    if rows is not None and len(data) != rows:
        raise ShapeError(f"{what} has {len(data)} rows, expected {rows}")
    if cols is not None and width != cols:
        raise ShapeError(f"{what} has {width} columns, expected {cols}")
    return sp.ImmutableMatrix(
        [[_exact_entry(v, f"{what}[{i}, {j}]") for j, v in enumerate(row)] for i, row in enumerate(data)]
    )


def _vector(value: Any, size: int, what: str) -> sp.ImmutableMatrix:
    if value is None:
        return sp.ImmutableMatrix.zeros(size, 1)
    if isinstance(value, sp.MatrixBase):
        if 1 not in value.shape:
            raise ShapeError(f"{what} must be a vector, got a {value.rows}x{value.cols} matrix")
        items = list(value)
    elif isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise ShapeError(f"{what} must be 1-dimensional, got shape {value.shape}")
        items = value.tolist()
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        items = list(value)
    else:
        items = [value] if size == 1 else None
        if items is None:
            raise InvalidInput(f"{what} must be a sequence of {size} numbers, got {type(value).__name__}")
    if len(items) != size:
        raise ShapeError(f"{what} has {len(items)} entries, expected {size}")
    return sp.ImmutableMatrix([_exact_entry(v, f"{what}[{i}]") for i, v in enumerate(items)])



def _is_exact_zero(value: sp.Expr) -> bool:
    """True if a weight or bias is exactly 0, also when written unsimplified (rationals are
    decided at once; other numbers by the exact test of the activations' jets; expressions with
    symbols such as lam by sympy's simplification)."""
    if value.is_Rational:
        return value == 0
    if value.is_number:
        return is_zero_number(value)
    known = value.is_zero
    if known is not None:
        return bool(known)
    return sp.simplify(value) == 0

@dataclass(frozen=True)
class Layer:
    """One affine map z = W h + b, followed by ``activation`` (``None`` for the linear output layer)."""

    weights: sp.ImmutableMatrix
    bias: sp.ImmutableMatrix
    activation: Activation | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.weights, sp.ImmutableMatrix):
            object.__setattr__(self, "weights", _matrix(self.weights, None, None, "layer weights"))
        if not isinstance(self.bias, sp.ImmutableMatrix) or self.bias.shape != (self.weights.rows, 1):
            object.__setattr__(self, "bias", _vector(self.bias, self.weights.rows, "layer bias"))
        if self.activation is not None and not isinstance(self.activation, Activation):
            object.__setattr__(self, "activation", get_activation(self.activation))

    @property
    def width(self) -> int:
        return self.weights.rows

    @property
    def fan_in(self) -> int:
        return self.weights.cols

    def apply(self, h: sp.MatrixBase) -> sp.ImmutableMatrix:
        """Symbolic z = W h + b, then the activation elementwise (if any)."""
        z = self.weights * h + self.bias
        if self.activation is None:
            return sp.ImmutableMatrix(z)
        return sp.ImmutableMatrix([self.activation(zi) for zi in z])


class Network:
    """An immutable feedforward network with exact weights.

    Parameters
    ----------
    layers : sequence of Layer
        Every layer but the last must have an activation; the last (the output layer) must not.
        Consecutive shapes must fit.

    See :meth:`single_hidden_layer` and :meth:`from_layers` for convenient constructors.
    """

    __slots__ = ("_hash", "layers")

    def __init__(self, layers: Sequence[Layer]):
        if isinstance(layers, (str, bytes)) or not isinstance(layers, Iterable):
            raise InvalidInput(f"a network needs a sequence of Layer objects, got {type(layers).__name__}")
        layers = tuple(layers)
        if not layers:
            raise InvalidInput("a network needs at least one (output) layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise InvalidInput(f"layer {i} must be a Layer, got {type(layer).__name__}")
            last = i == len(layers) - 1
            if last and layer.activation is not None:
                raise InvalidInput("the last layer is the linear output layer: it must have activation=None")
            if not last and layer.activation is None:
                raise InvalidInput(f"hidden layer {i + 1} has no activation (only the output layer is linear)")
            if i and layer.fan_in != layers[i - 1].width:
                raise ShapeError(
                    f"layer {i + 1} takes {layer.fan_in} inputs but layer {i} has {layers[i - 1].width} outputs"
                )
        self.layers = layers
        self._hash = None

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def from_layers(
        cls,
        hidden: Iterable[tuple[Any, Any, Any]],
        output: tuple[Any, Any] | Any,
    ) -> Network:
        """Build from ``hidden = [(W_1, b_1, activation_1), ...]`` and ``output = (W_L, b_L)``.

        ``b`` may be ``None`` (zero). ``output`` may also be just ``W_L`` (no output bias).
        """
        layers = []
        fan_in = None
        for i, item in enumerate(hidden):
            if not isinstance(item, tuple) or len(item) != 3:
                raise InvalidInput(f"hidden layer {i + 1} must be a (weights, bias, activation) tuple")
            w, b, act = item
            wm = _matrix(w, None, fan_in, f"hidden layer {i + 1} weights")
            layers.append(Layer(wm, _vector(b, wm.rows, f"hidden layer {i + 1} bias"), get_activation(act)))
            fan_in = wm.rows
        if isinstance(output, tuple) and len(output) == 2:
            w, b = output
        else:
            w, b = output, None
        wm = _matrix(w, None, fan_in, "output weights")
        layers.append(Layer(wm, _vector(b, wm.rows, "output bias"), None))
        return cls(layers)

    @classmethod
    def single_hidden_layer(
        cls,
        input_weights: Any,
        output_weights: Any,
        activation: Activation | str,
        hidden_bias: Any = None,
        output_bias: Any = None,
    ) -> Network:
        """N(x) = sum_j w_j sigma(a_j . x + b_j) + c.

        Parameters
        ----------
        input_weights : m x n matrix
            Row j is the weight vector a_j of hidden neuron j.
        output_weights : m numbers
            The output weights w_j (a single output).
        activation : Activation or name
        hidden_bias : m numbers, or one number shared by all neurons, optional
        output_bias : number, optional
        """
        a = _matrix(input_weights, None, None, "input_weights")
        m = a.rows
        if hidden_bias is not None and not isinstance(hidden_bias, (Sequence, np.ndarray, sp.MatrixBase)):
            hidden_bias = [hidden_bias] * m
        w = _vector(output_weights, m, "output_weights")
        return cls(
            [
                Layer(a, _vector(hidden_bias, m, "hidden_bias"), get_activation(activation)),
                Layer(w.T, _vector(output_bias, 1, "output_bias"), None),
            ]
        )

    # -- counts and shape -------------------------------------------------------------
    @property
    def n_inputs(self) -> int:
        return self.layers[0].fan_in

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].width

    @property
    def widths(self) -> tuple[int, ...]:
        """Widths of the hidden layers."""
        return tuple(layer.width for layer in self.layers[:-1])

    @property
    def hidden_neurons(self) -> int:
        """N_n: the number of hidden neurons (sum of hidden widths)."""
        return sum(self.widths)

    @property
    def synapses(self) -> int:
        """N_s: the number of nonzero weights (biases excluded).

        A weight counts unless it is exactly zero, also when written unsimplified:

        >>> import sympy as sp
        >>> from symnet.network import Network
        >>> w = (1 + sp.sqrt(2)) * (sp.sqrt(2) - 1) - 1  # = 0
        >>> Network.single_hidden_layer([[1, w]], [1], "square").synapses
        2
        """
        distinct = {v for layer in self.layers for v in layer.weights}
        zero = {v: _is_exact_zero(v) for v in distinct}
        return sum(sum(1 for v in layer.weights if not zero[v]) for layer in self.layers)

    @property
    def depth(self) -> int:
        """The number of hidden layers."""
        return len(self.layers) - 1

    @property
    def activations(self) -> tuple[Activation, ...]:
        return tuple(layer.activation for layer in self.layers[:-1])

    @property
    def is_bias_free(self) -> bool:
        """True if every hidden and output bias is zero (the model of the lower bound)."""
        return all(_is_exact_zero(v) for layer in self.layers for v in layer.bias)

    @property
    def free_symbols(self) -> frozenset[sp.Symbol]:
        """Symbols appearing in the weights and biases (e.g. the scale lam)."""
        out: set = set()
        for layer in self.layers:
            out |= layer.weights.free_symbols | layer.bias.free_symbols
        return frozenset(out)

    # -- symbolic evaluation ------------------------------------------------------------
    def default_inputs(self) -> tuple[sp.Symbol, ...]:
        return input_symbols(self.n_inputs)

    def evaluate(self, inputs: Sequence[Any] | None = None) -> sp.ImmutableMatrix:
        """The outputs as a column of sympy expressions in ``inputs`` (default x_1..x_n)."""
        if inputs is None:
            inputs = self.default_inputs()
        if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Iterable):
            raise InvalidInput(f"inputs must be a sequence of {self.n_inputs} values, got {type(inputs).__name__}")
        inputs = list(inputs)
        if len(inputs) != self.n_inputs:
            raise ShapeError(f"the network takes {self.n_inputs} inputs, got {len(inputs)}")
        h = sp.ImmutableMatrix([_input_entry(v, f"input {i}") for i, v in enumerate(inputs)])
        for layer in self.layers:
            h = layer.apply(h)
        return h

    def expression(self, inputs: Sequence[Any] | None = None) -> sp.Expr:
        """The single output as a sympy expression (use :meth:`evaluate` for several outputs)."""
        if self.n_outputs != 1:
            raise ShapeError(f"expression() needs a single output; this network has {self.n_outputs}")
        return self.evaluate(inputs)[0]

    def __call__(self, *inputs: Any) -> sp.Expr | sp.ImmutableMatrix:
        out = self.evaluate(inputs)
        return out[0] if self.n_outputs == 1 else out

    def subs(self, mapping: Mapping[Any, Any]) -> Network:
        """Substitute symbols in every weight and bias (e.g. ``{lam: Rational(1, 10)}``)."""
        if not isinstance(mapping, Mapping):
            raise InvalidInput(f"subs() needs a mapping symbol -> value, got {type(mapping).__name__}")
        by_name = {s.name: s for s in self.free_symbols}
        clean = {}
        for k, v in mapping.items():
            if isinstance(k, str):
                # A name means the network's symbol of that name, whatever its assumptions.
                if k not in by_name:
                    known = ", ".join(sorted(by_name)) or "none"
                    raise InvalidInput(f"subs(): the network has no symbol named {k!r} (its symbols: {known})")
                key = by_name[k]
            else:
                key = k
            if not isinstance(key, sp.Symbol):
                raise InvalidInput(f"subs(): keys must be symbols or symbol names, got {k!r}")
            clean[key] = _exact_entry(v, f"value for {key}")
        layers = []
        for i, layer in enumerate(self.layers, 1):
            w, b = layer.weights.xreplace(clean), layer.bias.xreplace(clean)
            for what, m in (("weights", w), ("bias", b)):
                if m.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
                    raise InvalidInput(f"subs(): the {what} of layer {i} become non-finite ({m.tolist()}); "
                                       "a symbol was given a value where the network divides by zero")
            layers.append(Layer(w, b, layer.activation))
        return Network(layers)

    # -- numeric evaluation -------------------------------------------------------------
    def _require_numeric(self, what: str) -> None:
        free = self.free_symbols
        if free:
            raise InvalidInput(
                f"{what} needs numeric weights, but the network has the free symbol(s) "
                f"{', '.join(sorted(map(str, free)))}; substitute them first with .subs({{...}})"
            )
        for act in self.activations:
            if act.is_generic:
                raise InvalidInput(f"{what} needs a concrete activation, not the generic sigma")

    def _points(self, points: Any) -> tuple[np.ndarray, bool]:
        if isinstance(points, (str, bytes)) or isinstance(points, bool):
            raise InvalidInput(f"points must be numbers of shape (N, {self.n_inputs}), got {type(points).__name__}")
        try:
            raw = np.asarray(points)
        except ValueError as err:  # ragged nested sequences
            raise ShapeError(f"points must have shape (N, {self.n_inputs}) or ({self.n_inputs},): {err}") from None
        if raw.dtype == bool or raw.dtype.kind in "USbcV":
            raise InvalidInput(f"points must be real numbers, got an array of dtype {raw.dtype}")
        if raw.dtype == object:
            flat = raw.ravel().tolist()
            if any(v is None or isinstance(v, (bool, str, bytes, complex, np.bool_)) for v in flat):
                raise InvalidInput("points must be real numbers (found None, a bool, a string or a complex)")
        try:
            arr = np.asarray(raw, dtype=float)
        except (TypeError, ValueError) as err:
            raise InvalidInput(f"points must be real numbers: {err}") from None
        single = arr.ndim == 1
        if single:
            arr = arr[None, :]
        if arr.ndim != 2 or arr.shape[1] != self.n_inputs:
            raise ShapeError(
                f"points must have shape (N, {self.n_inputs}) or ({self.n_inputs},), got {np.shape(points)}"
            )
        if not np.all(np.isfinite(arr)):
            raise InvalidInput("points contain NaN or infinite values")
        return arr, single

    def numpy(self, points: Any) -> np.ndarray:
        """Evaluate in float64 at many points at once.

        ``points`` has shape (N, n_inputs) (or (n_inputs,) for one point); the result has shape
        (N,) for a single-output network, (N, n_outputs) otherwise (a scalar/1-d for one point).
        """
        self._require_numeric("numpy evaluation")
        h, single = self._points(points)
        for layer in self.layers:
            w = np.array(layer.weights.evalf(17).tolist(), dtype=float)
            b = np.array([float(v.evalf(17)) for v in layer.bias])
            h = h @ w.T + b
            if layer.activation is not None:
                h = layer.activation.numpy(h)
        out = h[:, 0] if self.n_outputs == 1 else h
        return out[0] if single else out

    def mpmath(self, point: Sequence[Any], dps: int = 50) -> Any:
        """Evaluate at one point with mpmath at ``dps`` decimal digits.

        Inputs are converted exactly when they are exact (ints, Fractions, sympy rationals,
        decimal strings) and otherwise as the float given. Returns an mpf (or a list for
        several outputs).
        """
        self._require_numeric("mpmath evaluation")
        if isinstance(dps, bool) or not isinstance(dps, int) or dps < 5:
            raise InvalidInput(f"dps must be an int >= 5, got {dps!r}")
        check_dps(dps)
        if isinstance(point, (str, bytes)) or not isinstance(point, Iterable):
            raise InvalidInput(f"mpmath() evaluates at one point: a sequence of {self.n_inputs} numbers, "
                               f"got {type(point).__name__}")
        point = list(point)
        if len(point) != self.n_inputs:
            raise ShapeError(f"the network takes {self.n_inputs} inputs, got {len(point)}")
        with mpmath.workdps(dps + 10):
            h = [mpmath_number(v, f"point[{i}]") for i, v in enumerate(point)]
            for layer in self.layers:
                w = [[to_mpf(layer.weights[i, j]) for j in range(layer.fan_in)] for i in range(layer.width)]
                b = [to_mpf(v) for v in layer.bias]
                h = [mpmath.fsum(wij * hj for wij, hj in zip(row, h, strict=True)) + bi
                     for row, bi in zip(w, b, strict=True)]
                if layer.activation is not None:
                    h = [layer.activation.mpmath(v) for v in h]
        with mpmath.workdps(dps):
            h = [+v for v in h]
        return h[0] if self.n_outputs == 1 else h

    # -- combining ------------------------------------------------------------------------
    def compose(self, inner: Network) -> Network:
        """The network computing ``self(inner(x))``.

        The linear output layer of ``inner`` is merged into the first affine map of ``self``,
        so the depth is the sum of the depths.
        """
        if not isinstance(inner, Network):
            raise InvalidInput(f"compose() needs a Network, got {type(inner).__name__}")
        if inner.n_outputs != self.n_inputs:
            raise ShapeError(f"inner network has {inner.n_outputs} outputs, this one takes {self.n_inputs} inputs")
        out_layer, first = inner.layers[-1], self.layers[0]
        merged = Layer(
            sp.ImmutableMatrix(first.weights * out_layer.weights),
            sp.ImmutableMatrix(first.weights * out_layer.bias + first.bias),
            first.activation,
        )
        return Network([*inner.layers[:-1], merged, *self.layers[1:]])

    def stack(self, other: Network) -> Network:
        """Run ``self`` and ``other`` side by side on the same inputs; outputs are concatenated.

        Both must have the same depth; hidden layers are placed side by side (block-diagonal
        weights after the first layer), so widths add up.
        """
        if not isinstance(other, Network):
            raise InvalidInput(f"stack() needs a Network, got {type(other).__name__}")
        if other.n_inputs != self.n_inputs:
            raise ShapeError(f"stacked networks must take the same inputs: {self.n_inputs} vs {other.n_inputs}")
        if other.depth != self.depth:
            raise ShapeError(f"stacked networks must have the same depth: {self.depth} vs {other.depth}")
        layers = []
        for i, (a, b) in enumerate(zip(self.layers, other.layers, strict=True)):
            if a.activation != b.activation:
                raise InvalidInput(
                    f"layer {i + 1}: activations differ ({a.activation!r} vs {b.activation!r}); "
                    "a layer has one activation"
                )
            w = sp.Matrix.vstack(a.weights, b.weights) if i == 0 else sp.diag(a.weights, b.weights)
            layers.append(Layer(sp.ImmutableMatrix(w), sp.ImmutableMatrix(sp.Matrix.vstack(a.bias, b.bias)),
                                a.activation))
        return Network(layers)

    # -- identity and display -------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Network) and self.layers == other.layers

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self.layers)
        return self._hash

    def __reduce__(self):
        return (Network, (self.layers,))

    def __repr__(self) -> str:
        acts = ", ".join(a.name for a in self.activations)
        return (f"Network(inputs={self.n_inputs}, widths={list(self.widths)}, outputs={self.n_outputs}, "
                f"activations=[{acts}], hidden_neurons={self.hidden_neurons}, synapses={self.synapses})")

    #: Most weights per layer that ``str()`` writes out (larger layers are shown by their shape).
    SHOWN_ENTRIES = 64

    def __str__(self) -> str:
        """The summary line, then one line per layer: ``h1 = exp(W1 h0 + b1)`` with its weights.

        Examples
        --------
        >>> from symnet.network import Network
        >>> print(Network.single_hidden_layer([[1, 1], [1, -1]], [1, -1], "square"))
        network: 2 inputs -> hidden widths [2] -> 1 output(s); activations [square]; 2 hidden neurons, 6 synapses
          h1 = square(W1 x + b1), W1 = [[1, 1], [1, -1]], b1 = [0, 0]
          N = W2 h1 + b2, W2 = [[1, -1]], b2 = [0]
        """
        acts = ", ".join(a.name for a in self.activations)
        lines = [f"network: {self.n_inputs} inputs -> hidden widths {list(self.widths)} -> {self.n_outputs} output(s); "
                 f"activations [{acts}]; {self.hidden_neurons} hidden neurons, {self.synapses} synapses"]
        prev = "x"
        for i, layer in enumerate(self.layers, 1):
            if layer.weights.rows * layer.weights.cols > self.SHOWN_ENTRIES:
                values = f"W{i}: {layer.weights.rows} x {layer.weights.cols}"
            else:
                values = f"W{i} = {layer.weights.tolist()}, b{i} = {list(layer.bias)}"
            if layer.activation is None:
                lines.append(f"  N = W{i} {prev} + b{i}, {values}")
            else:
                lines.append(f"  h{i} = {layer.activation.name}(W{i} {prev} + b{i}), {values}")
                prev = f"h{i}"
        return "\n".join(lines)

    def latex(self) -> str:
        """The layers as LaTeX equations (an ``aligned`` block); the scale ``lam`` prints as ``\\lambda``."""
        lines = []
        prev = "x"
        for i, layer in enumerate(self.layers, 1):
            names = {s: "\\lambda" for s in layer.weights.free_symbols | layer.bias.free_symbols if s.name == "lam"}
            w = sp.latex(layer.weights, symbol_names=names)
            b = sp.latex(layer.bias, symbol_names=names)
            affine = f"{w} {prev}" + ("" if all(v == 0 for v in layer.bias) else f" + {b}")
            if layer.activation is None:
                lines.append(f"N(x) &= {affine}")
            else:
                name = "\\sigma" if layer.activation.is_generic else f"\\operatorname{{{layer.activation.name}}}"
                lines.append(f"h^{{({i})}} &= {name}\\left({affine}\\right)")
                prev = f"h^{{({i})}}"
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return "$$" + self.latex() + "$$"


def to_mpf(value: Any) -> mpmath.mpf:
    """An mpf at the current mpmath precision from an exact or float value."""
    if isinstance(value, sp.Basic):
        if value.is_Rational:
            return mpmath.mpf(int(value.p)) / int(value.q)
        return mpmath.mpf(sp.N(value, mpmath.mp.dps + 5))
    if isinstance(value, int):
        return mpmath.mpf(value)
    if isinstance(value, str):
        return mpmath.mpf(value)
    if hasattr(value, "numerator") and hasattr(value, "denominator"):
        return mpmath.mpf(int(value.numerator)) / int(value.denominator)
    return mpmath.mpf(value)

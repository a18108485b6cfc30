"""Logic gates with sigmoid and threshold neurons, and why one neuron cannot compute XOR.

Seeds 003 and 004, ``MATH.md`` section 6, [RT] Sec. III B.

**One-neuron gates.** A sigmoid neuron ``sigma(g (w . x - theta))`` with gain g > 0 realises a
Boolean function t on {0,1}^n when every input lies on the right side of the hyperplane:
``s(x) (w . x - theta) > 0`` with ``s(x) = +1`` if t(x) = 1 and ``-1`` if t(x) = 0. Since
``1 - sigma(z) = sigma(-z)``, the distance of the output from its target at x is
``sigma(-g s(x) (w . x - theta))``, and as sigma increases the worst case over all inputs (the
*margin* of the gate) is exactly

    margin(g) = sigma(-g m) = 1 / (1 + e^(g m)),     m = min_x s(x) (w . x - theta) > 0.

For AND_n = sigma(g (sum x - n + 1/2)) (the seed's sigma(10 (x1 + x2 - 1.5)) is n = 2, g = 10),
OR_n = sigma(g (sum x - 1/2)), NOT = sigma(g (1/2 - x)) and NAND_n = sigma(g (n - 1/2 - sum x)),
m = 1/2 and the margin is 1/(1 + e^(g/2)): 6.693e-3 at the seed's g = 10 (seed 003 uses g = 20
for AND: 4.540e-5). The threshold versions [RT III B] replace sigma(g z) by the Heaviside step
H(z) (the limit g -> oo, margin 0): AND = H(sum x - (n - 1/2)), OR = H(sum x - 1/2),
NOT = H(1/2 - x).

**XOR with one hidden layer** (seed 004): a1 = sigma(g (x1 - x2 - 1/2)), a2 = sigma(g (x2 - x1 -
1/2)), y = sigma(g (a1 + a2 - 1/2)). With u = sigma(-g/2) and v = sigma(-3g/2), the output's
signed pre-activations are g (1/2 - 2u) at (0,0) and (1,1) and g (1/2 - u + v) at (1,0) and (0,1);
their difference g (u + v) is positive, so the worst case is at (0,0) and (1,1):

    margin_XOR(g) = sigma(-g (1/2 - 2 sigma(-g/2))) = 1 / (1 + e^(g (1/2 - 2/(1 + e^(g/2))))),

7.644e-3 at g = 10. The network computes XOR (margin < 1/2) exactly when sigma(-g/2) < 1/4,
i.e. g > 2 ln 3 (about 2.197).

**No single neuron computes XOR.** A neuron with a monotone activation, thresholded, is a
linear threshold unit: {z : sigma(z) > tau} is an up-ray (c, oo) or [c, oo) for increasing
sigma (a down-ray for decreasing sigma: flip the signs of w and b), and on finitely many inputs a
closed ray can be made open by moving the bias. So a neuron computes t iff the strict system
``s(x) (w . x + b) > 0`` (all x) has a solution (w, b). By Gordan's alternative (a form of
Farkas' lemma) exactly one of the following holds: the system is feasible, or there are
multipliers y_x >= 0, not all zero, with ``sum_x y_x s(x) (x, 1) = 0``; the latter combines the
strict inequalities into 0 > 0. For XOR, y = (1, 1, 1, 1):
``(-b) + (w1 + b) + (w2 + b) + (-(w1 + w2 + b)) = 0``. :func:`linear_threshold_certificate`
finds, for any truth table, either an exact rational separating hyperplane or such multipliers,
and each certificate's ``check()`` re-verifies it in exact arithmetic.

Source corrections: seed 004 labels the AND neuron "x1 AND x2-bar" and the XOR output neuron
"a1 OR a2-bar" (the bars are likely extraction artefacts); the neurons compute x1 AND x2 and
a1 OR a2. Seed 003 uses gain 20 for AND, seed 004 gain 10.

Examples
--------
>>> from symnet.logic import and_gate, xor_gate, truth_table, linear_threshold_certificate
>>> g = and_gate()                      # sigma(10 (x1 + x2 - 3/2)), the seed's neuron
>>> g.margin
1/(1 + exp(5))
>>> print(f"{float(g.margin):.4e}")
6.6929e-03
>>> xor_gate().hidden_neurons, xor_gate(gain=None).margin
(3, 0)
>>> cert = linear_threshold_certificate(truth_table("xor"))
>>> cert.method, cert.multipliers
('Gordan alternative (Farkas)', (1, 1, 1, 1))
>>> cert.check()
True
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from symnet import _show as show
from symnet._validation import positive_int
from symnet.activations import get as get_activation
from symnet.activations._activation import exact_number
from symnet.errors import CertificateError, HypothesisError, InvalidInput
from symnet.network import Layer, Network, input_symbols

__all__ = [
    "HEAVISIDE",
    "MAX_INPUTS",
    "SEED_GAIN",
    "FarkasCertificate",
    "Gate",
    "SeparatingHyperplane",
    "TruthTable",
    "and_gate",
    "linear_threshold_certificate",
    "nand_gate",
    "not_gate",
    "or_gate",
    "sigmoid_gate",
    "truth_table",
    "xor_gain_threshold",
    "xor_gate",
]

SOURCE = "seeds 003, 004; MATH.md sec. 6; [RT] Sec. III B"

#: The gain of seed 004's gates, sigma(10 (...)).
SEED_GAIN = 10

#: Largest number of gate inputs: truth tables and gates list all 2^n inputs (4096 at n = 12).
MAX_INPUTS = 12

#: The Heaviside step H(z) = [z > 0] (H(0) = 0, as in seed 003's "(x0 + x1 - 1.5 > 0)"): the
#: catalogue's ``activations.get("heaviside")``, re-exported here. Exact symbolic values, float64
#: and mpmath; no derivative at 0 (it is the gain -> oo limit of sigma(g z)).
HEAVISIDE = get_activation("heaviside")

TruthTable = Mapping[tuple[int, ...], int]

_HALF = sp.Rational(1, 2)


def _sigma(z: sp.Expr) -> sp.Expr:
    return get_activation("sigmoid")(z)


def _gain(gain: Any) -> sp.Expr | None:
    if gain is None:
        return None
    value = exact_number(gain, "gain", allow_symbols=True)
    if value.is_positive is not True:
        raise InvalidInput(
            f"gain must be a positive number or a positive symbol (e.g. Symbol('g', positive=True)), got {value}; "
            "use gain=None for the threshold (Heaviside) unit"
        )
    return value


def _arity(n: Any) -> int:
    return positive_int(n, "the number of inputs n (a positive int)", maximum=MAX_INPUTS)


def _bits(n: int) -> list[tuple[int, ...]]:
    return list(itertools.product((0, 1), repeat=n))


# -- truth tables -------------------------------------------------------------------------------
_NAMED: dict[str, tuple[Callable[[tuple[int, ...]], bool], int | None]] = {
    "and": (lambda x: all(x), None),
    "or": (lambda x: any(x), None),
    "nand": (lambda x: not all(x), None),
    "nor": (lambda x: not any(x), None),
    "xor": (lambda x: sum(x) % 2 == 1, None),
    "xnor": (lambda x: sum(x) % 2 == 0, None),
    "not": (lambda x: not x[0], 1),
}


def truth_table(name: str, n: int = 2) -> dict[tuple[int, ...], int]:
    """The truth table of a named Boolean function of n bits (xor/xnor: parity).

    Names: and, or, nand, nor, xor, xnor (n inputs), not (one input).

    Examples
    --------
    >>> from symnet.logic import truth_table
    >>> truth_table("xor")
    {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 0}
    """
    if not isinstance(name, str) or name.strip().lower() not in _NAMED:
        raise InvalidInput(f"unknown Boolean function {name!r}; known: {', '.join(_NAMED)}")
    f, fixed = _NAMED[name.strip().lower()]
    n = fixed if fixed is not None else _arity(n)
    return {x: int(f(x)) for x in _bits(n)}


def _check_table(table: Any) -> tuple[int, dict[tuple[int, ...], int]]:
    if isinstance(table, Gate):
        table = table.table
    if not isinstance(table, Mapping) or not table:
        raise InvalidInput("a truth table must be a non-empty mapping {input bits tuple: 0 or 1}")
    clean: dict[tuple[int, ...], int] = {}
    n = None
    for key, value in table.items():
        if not isinstance(key, tuple) or not key or any(isinstance(b, bool) or b not in (0, 1) for b in key):
            raise InvalidInput(f"truth table key {key!r} must be a non-empty tuple of bits 0/1")
        if n is None:
            n = len(key)
        elif len(key) != n:
            raise InvalidInput(f"truth table keys have different lengths: {len(key)} and {n} (at {key!r})")
        if isinstance(value, bool) or value not in (0, 1):
            raise InvalidInput(f"truth table value at {key!r} must be 0 or 1, got {value!r}")
        clean[tuple(int(b) for b in key)] = int(value)
    return n, clean


# -- gates --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Gate(show.Shows):
    """A network computing a Boolean function on {0,1}^n, with its exact worst-case margin.

    Attributes
    ----------
    name : str
    network : Network
        Sigmoid (or Heaviside) layers and a linear read-out ``[1]``: the gate's output unit is
        the last hidden layer (width 1), so a one-neuron gate has ``hidden_neurons == 1``.
    variables : tuple of sympy.Symbol
    table : dict
        The target truth table {input bits: 0/1}.
    gain : sympy.Expr or None
        The gain g of every sigmoid (None: threshold units, the limit g -> oo).
    margin : sympy.Expr
        The closed form of max_x |N(x) - t(x)| derived in the module docstring (0 for
        threshold gates). :meth:`check` re-derives it from the network's exact outputs.
    attained_at : tuple of input tuples
        Inputs where the margin is attained.
    source : str
    notes : tuple of str

    Examples
    --------
    >>> from symnet.logic import and_gate
    >>> gate = and_gate(2, gain=10)
    >>> print(gate)
    AND_2 (gain 10): 1 neuron(s) in 1 layer(s), worst-case distance from the truth table 1/(1 + exp(5))
    >>> print(gate.latex())  # doctest: +ELLIPSIS
    \\text{AND\\_2 (gain 10): ...}, \\quad \\max_{x} \\left|N(x) - t(x)\\right| = \\frac{1}{1 + e^{5}} \\quad ...
    """

    name: str
    network: Network
    variables: tuple[sp.Symbol, ...]
    table: Mapping[tuple[int, ...], int]
    gain: sp.Expr | None
    margin: sp.Expr
    attained_at: tuple[tuple[int, ...], ...]
    source: str = SOURCE
    notes: tuple[str, ...] = field(default=())

    @property
    def hidden_neurons(self) -> int:
        return self.network.hidden_neurons

    @property
    def depth(self) -> int:
        return self.network.depth

    def outputs(self) -> dict[tuple[int, ...], sp.Expr]:
        """The network's exact output at every input of the table (symbolic in the gain)."""
        return {x: self.network.expression([sp.Integer(b) for b in x]) for x in self.table}

    def errors(self) -> dict[tuple[int, ...], sp.Expr]:
        """|N(x) - t(x)| at every input, exactly (the output lies in [0, 1])."""
        return {x: (1 - out if self.table[x] else out) for x, out in self.outputs().items()}

    def output_margins(self) -> dict[tuple[int, ...], sp.Expr]:
        """s(x) z(x): the output unit's pre-activation z, signed by the target (s = +1 for 1).

        For a sigmoid output unit the error at x is sigma(-s(x) z(x)) exactly; the gate is
        right at x (after thresholding at 1/2) iff this is positive.
        """
        out = {}
        for x in self.table:
            h = sp.ImmutableMatrix([sp.Integer(b) for b in x])
            for layer in self.network.layers[:-2]:
                h = layer.apply(h)
            last = self.network.layers[-2]
            z = (last.weights * h + last.bias)[0]
            out[x] = z if self.table[x] else -z
        return out

    @property
    def correct(self) -> bool:
        """Whether thresholding the output at 1/2 reproduces the table (margin < 1/2).

        Decided exactly: every signed output pre-activation s(x) z(x) must be positive.
        Raises :class:`~symnet.errors.InvalidInput` for a symbolic gain (use :meth:`at_gain`).
        """
        if self.gain is not None and self.gain.free_symbols:
            raise InvalidInput(f"{self.name}: the gain {self.gain} is symbolic; use .at_gain(value) first")
        return all(_positive(v) for v in self.output_margins().values())

    def at_gain(self, value: Any) -> Gate:
        """The same gate with its symbolic gain (a single symbol) replaced by an exact value."""
        if self.gain is None or not self.gain.is_Symbol:
            raise InvalidInput(f"{self.name}: the gain {self.gain} is not a symbol; nothing to substitute")
        g = _gain(value)
        mapping = {self.gain: g}
        return Gate(self.name, self.network.subs(mapping), self.variables, self.table, g,
                    self.margin.xreplace(mapping), self.attained_at, self.source, self.notes)

    def check(self) -> bool:
        """Re-verify the margin from the network's exact outputs; True or CertificateError.

        Exact: the error at each input in ``attained_at`` minus ``margin`` simplifies to 0, and
        every other input's error is no larger. The comparison uses the signed output margins
        s(x) z(x) (the error is sigma(-s z), decreasing in s z), decided exactly by sympy for a
        symbolic gain and at 50 digits (after an exact-zero test) for a numeric one. Threshold
        gates must reproduce the table exactly.
        """
        errs = self.errors()
        if self.gain is None:
            bad = [x for x, e in errs.items() if e != 0]
            if bad:
                raise CertificateError(f"{self.name}: threshold gate is wrong at inputs {bad}")
            return True
        for x in self.attained_at:
            if sp.simplify(errs[x] - self.margin) != 0:
                raise CertificateError(f"{self.name}: error at {x} is {errs[x]}, not the margin {self.margin}")
        sz = self.output_margins()
        ref = sz[self.attained_at[0]]
        for x, value in sz.items():
            if x in self.attained_at:
                continue
            diff = sp.simplify(value - ref)
            if not _nonnegative(diff):
                raise CertificateError(
                    f"{self.name}: could not show that the error at {x} is at most the margin "
                    f"(signed pre-activation difference {diff})"
                )
        return True

    def __str__(self) -> str:
        gain = "threshold units" if self.gain is None else f"gain {self.gain}"
        return (f"{self.name} ({gain}): {self.hidden_neurons} neuron(s) in {self.depth} layer(s), "
                f"worst-case distance from the truth table {self.margin}")

    def latex(self) -> str:
        """The gate, its size and the exact worst-case distance from the truth table (math-mode LaTeX)."""
        gain = "threshold units" if self.gain is None else f"gain {self.gain}"
        where = ", ".join(str(x) for x in self.attained_at)
        return (f"{show.text(f'{self.name} ({gain}): {self.hidden_neurons} neuron(s) in {self.depth} layer(s)')}, "
                f"\\quad \\max_{{x}} \\left|N(x) - t(x)\\right| = {show.math(self.margin)} \\quad "
                f"{show.text(f'at {where}')}")


def _nonnegative(expr: sp.Expr) -> bool:
    """Exact decision of expr >= 0 (sympy's assumptions; else exact-zero test, then 50 digits)."""
    expr = sp.simplify(expr)
    if expr == 0 or expr.is_nonnegative:
        return True
    if expr.is_nonnegative is False or expr.free_symbols:
        return False
    return bool(sp.N(expr, 50) > sp.Float("1e-45", 50))


def _positive(expr: sp.Expr) -> bool:
    """Exact decision of expr > 0 for a numeric expression (exact-zero test first)."""
    expr = sp.simplify(expr)
    if expr == 0:
        return False
    if expr.is_positive is not None:
        return bool(expr.is_positive)
    return bool(sp.N(expr, 50) > sp.Float("1e-45", 50))


def _single_neuron(w: Sequence[sp.Expr], theta: sp.Expr, g: sp.Expr | None) -> Network:
    """The network of H(w . x - theta) or sigma(g (w . x - theta)); w and theta already exact."""
    if g is None:
        return Network([Layer(sp.ImmutableMatrix([w]), sp.ImmutableMatrix([-theta]), HEAVISIDE),
                        Layer(sp.ImmutableMatrix([[1]]), sp.ImmutableMatrix([0]), None)])
    return Network.from_layers([([[g * v for v in w]], [-g * theta], get_activation("sigmoid"))], [[1]])


def sigmoid_gate(
    name: str,
    weights: Sequence[Any],
    threshold: Any,
    table: TruthTable,
    gain: Any = SEED_GAIN,
) -> Gate:
    """The one-neuron gate sigma(g (w . x - threshold)) for a given truth table.

    Parameters
    ----------
    name : str
    weights : n exact numbers
    threshold : exact number
    table : mapping {bits: 0/1}
        The function the neuron should compute.
    gain : positive exact number, positive symbol, or None
        None gives the threshold unit H(w . x - threshold).

    Returns
    -------
    Gate
        With margin ``1/(1 + e^(g m))``, m = min_x s(x)(w . x - threshold) (module docstring).

    Raises
    ------
    HypothesisError
        If the hyperplane puts some input on the wrong side (m <= 0): then the neuron does not
        compute the table at any gain.
    """
    n, table = _check_table(table)
    if isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence) or len(weights) != n:
        raise InvalidInput(f"{name}: weights must be a sequence of {n} numbers (one per input)")
    g = _gain(gain)
    w = [exact_number(v, f"{name} weight") for v in weights]
    theta = exact_number(threshold, f"{name} threshold")
    signed = {x: (1 if t else -1) * (sum(wi * xi for wi, xi in zip(w, x, strict=True)) - theta)
              for x, t in table.items()}
    m = min(signed.values())
    if m <= 0:
        wrong = [x for x, v in signed.items() if v <= 0]
        raise HypothesisError(
            f"{name}: the neuron H(w . x - {theta}) with w = {w} is wrong (or on the boundary) at inputs {wrong}; "
            "choose a hyperplane that separates the ones from the zeros",
            hypothesis="s(x) (w . x - threshold) > 0 for all x",
        )
    attained = tuple(x for x, v in signed.items() if v == m)
    margin = sp.Integer(0) if g is None else 1 / (1 + sp.exp(g * m))
    return Gate(name, _single_neuron(w, theta, g), input_symbols(n), table, g, margin, attained)


def and_gate(n: int = 2, gain: Any = SEED_GAIN) -> Gate:
    """AND of n bits: sigma(g (sum x - n + 1/2)); seed 004's sigma(10 (x1 + x2 - 1.5)) for n = 2.

    Margin 1/(1 + e^(g/2)), attained at the inputs with n and n - 1 ones.
    """
    n = _arity(n)
    return sigmoid_gate(f"AND_{n}", [1] * n, n - _HALF, truth_table("and", n), gain)


def or_gate(n: int = 2, gain: Any = SEED_GAIN) -> Gate:
    """OR of n bits: sigma(g (sum x - 1/2)); margin 1/(1 + e^(g/2)) (at 0 and at 1 one)."""
    n = _arity(n)
    return sigmoid_gate(f"OR_{n}", [1] * n, _HALF, truth_table("or", n), gain)


def nand_gate(n: int = 2, gain: Any = SEED_GAIN) -> Gate:
    """NAND of n bits: sigma(g (n - 1/2 - sum x)); margin 1/(1 + e^(g/2))."""
    n = _arity(n)
    return sigmoid_gate(f"NAND_{n}", [-1] * n, -(n - _HALF), truth_table("nand", n), gain)


def not_gate(gain: Any = SEED_GAIN) -> Gate:
    """NOT: sigma(g (1/2 - x)); margin 1/(1 + e^(g/2)).

    Seed 003 first fits NOT by the linear map f(x) = 1 - x, exact on {0, 1} with no neuron.
    """
    return sigmoid_gate("NOT", [-1], -_HALF, truth_table("not"), gain)


def xor_gain_threshold() -> sp.Expr:
    """The gain above which seed 004's XOR network is right on every input: 2 ln 3.

    The output's worst signed pre-activation is g (1/2 - 2 sigma(-g/2)), positive iff
    e^(g/2) > 3.
    """
    return 2 * sp.log(3)


def xor_gate(gain: Any = SEED_GAIN) -> Gate:
    """XOR with one hidden layer of two neurons and a sigmoid output unit (seed 004).

    a1 = sigma(g (x1 - x2 - 1/2)) (x1 AND NOT x2), a2 = sigma(g (x2 - x1 - 1/2)) (NOT x1 AND x2),
    y = sigma(g (a1 + a2 - 1/2)) (a1 OR a2). As a symnet Network (linear last layer) this is two
    sigmoid layers of widths 2 and 1 and the read-out [1]: hidden_neurons = 3, depth = 2.
    ``gain=None`` gives the threshold version H(H(x1 - x2 - 1/2) + H(x2 - x1 - 1/2) - 1/2).

    The margin is sigma(-g (1/2 - 2 sigma(-g/2))) at (0,0) and (1,1) (module docstring); the
    gate is correct iff g > 2 ln 3 (:func:`xor_gain_threshold`).
    """
    g = _gain(gain)
    act = HEAVISIDE if g is None else get_activation("sigmoid")
    k = sp.Integer(1) if g is None else g
    hidden = Network([Layer(sp.ImmutableMatrix([[k, -k], [-k, k]]), sp.ImmutableMatrix([-k * _HALF] * 2), act),
                      Layer(sp.ImmutableMatrix.eye(2), sp.ImmutableMatrix([0, 0]), None)])
    out = Network([Layer(sp.ImmutableMatrix([[k, k]]), sp.ImmutableMatrix([-k * _HALF]), act),
                   Layer(sp.ImmutableMatrix([[1]]), sp.ImmutableMatrix([0]), None)])
    net = out.compose(hidden)
    if g is None:
        margin, attained = sp.Integer(0), ((0, 0), (0, 1), (1, 0), (1, 1))
    else:
        margin = 1 / (1 + sp.exp(g * (_HALF - 2 * _sigma(-g / 2))))
        attained = ((0, 0), (1, 1))
    notes = (
        "seed 004 labels the output neuron 'a1 OR a2-bar' (and AND 'x1 AND x2-bar'); it computes a1 OR a2",
        "the gate is right on all inputs iff gain > 2 ln 3 ~ 2.197",
    )
    return Gate("XOR", net, input_symbols(2), truth_table("xor"), g, margin, attained, notes=notes)


# -- linear threshold units: separating hyperplane or Farkas certificate ------------------------
def _system(table: Mapping[tuple[int, ...], int]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Rows s(x) (x, 1): the strict inequalities row . (w, b) > 0, one per input."""
    rows = []
    for x, t in sorted(table.items()):
        s = 1 if t else -1
        rows.append((x, tuple(s * v for v in (*x, 1))))
    return rows


@dataclass(frozen=True)
class SeparatingHyperplane(show.Shows):
    """A linear threshold unit H(w . x + b) computing a truth table, with exact rationals.

    ``margin`` = min_x s(x)(w . x + b) > 0 (so sigma(g (w . x + b)) has error
    1/(1 + e^(g margin)) at gain g).

    Examples
    --------
    >>> from symnet.logic import linear_threshold_certificate, truth_table
    >>> unit = linear_threshold_certificate(truth_table("and"))
    >>> print(unit)
    H(1*x_1 + 1*x_2 + -3/2) computes the table with margin 1/2
    >>> print(unit.latex())
    H\\left(x_{1} + x_{2} - \\frac{3}{2}\\right) \\quad \\text{computes the table with margin } \\frac{1}{2}
    """

    table: Mapping[tuple[int, ...], int]
    weights: tuple[sp.Rational, ...]
    bias: sp.Rational
    margin: sp.Rational
    method: str = "exact rational separating hyperplane (LP, verified exactly)"

    def check(self) -> bool:
        """Re-verify s(x)(w . x + b) >= margin > 0 for every input exactly; True or CertificateError."""
        if not self.margin > 0:
            raise CertificateError(f"the recorded margin {self.margin} is not positive")
        for x, row in _system(self.table):
            value = sum(r * c for r, c in zip(row, (*self.weights, self.bias), strict=True))
            if value < self.margin:
                raise CertificateError(f"input {x}: s(x)(w . x + b) = {value} < margin {self.margin}")
        return True

    def __str__(self) -> str:
        terms = " + ".join(f"{w}*x_{i}" for i, w in enumerate(self.weights, 1))
        return f"H({terms} + {self.bias}) computes the table with margin {self.margin}"

    def latex(self) -> str:
        """H(w . x + b) and its margin (a math-mode LaTeX fragment)."""
        xs = input_symbols(len(self.weights))
        affine = sp.Add(*[w * x for w, x in zip(self.weights, xs, strict=True)]) + self.bias
        return (f"H\\left({show.math(affine)}\\right) \\quad \\text{{computes the table with margin }} "
                f"{show.math(self.margin)}")


@dataclass(frozen=True)
class FarkasCertificate(show.Shows):
    r"""Proof that no linear threshold unit computes a truth table (Gordan's alternative).

    Attributes
    ----------
    table : mapping
    inequalities : tuple of (input, row)
        The strict inequalities ``row . (w_1, ..., w_n, b) > 0`` a threshold unit would need,
        row = s(x) (x, 1).
    multipliers : tuple of sympy.Integer
        y >= 0, not all zero, with sum_x y_x row_x = 0: the weighted sum of the inequalities
        reads 0 > 0.

    Examples
    --------
    >>> from symnet.logic import linear_threshold_certificate, truth_table
    >>> cert = linear_threshold_certificate(truth_table("xor"))
    >>> print(cert.latex())  # doctest: +ELLIPSIS
    \left(- b\right) + \left(w_{2} + b\right) + \left(w_{1} + b\right) + \left(- w_{1} - w_{2} - b\right) = 0 ...
    """

    table: Mapping[tuple[int, ...], int]
    inequalities: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
    multipliers: tuple[sp.Integer, ...]
    method: str = "Gordan alternative (Farkas)"

    def check(self) -> bool:
        """Re-verify exactly: y >= 0, y != 0, y^T A = 0, and A is the table's system; True or raise."""
        if tuple(_system(self.table)) != tuple(self.inequalities):
            raise CertificateError("the recorded inequalities are not those of the table")
        y = self.multipliers
        if len(y) != len(self.inequalities):
            raise CertificateError(f"{len(y)} multipliers for {len(self.inequalities)} inequalities")
        if any(v < 0 for v in y) or all(v == 0 for v in y):
            raise CertificateError(f"multipliers must be non-negative and not all zero, got {y}")
        width = len(self.inequalities[0][1])
        total = [sum(yi * row[j] for yi, (_, row) in zip(y, self.inequalities, strict=True)) for j in range(width)]
        if any(v != 0 for v in total):
            raise CertificateError(f"sum_x y_x s(x)(x, 1) = {total}, not 0: the certificate is wrong")
        return True

    def __str__(self) -> str:
        names = [*(sp.Symbol(f"w{i}") for i in range(1, len(self.inequalities[0][1]))), sp.Symbol("b")]
        parts = []
        for yi, (_, row) in zip(self.multipliers, self.inequalities, strict=True):
            if yi:
                lin = sp.Add(*[c * v for c, v in zip(row, names, strict=True)])
                parts.append(f"{yi}*({lin})")
        return " + ".join(parts) + " = 0, yet each bracket must be > 0: no threshold unit computes the table"

    def latex(self) -> str:
        """sum_x y_x (s(x)(w . x + b)) = 0 written out (a math-mode LaTeX fragment)."""
        names = [*(sp.Symbol(f"w_{i}") for i in range(1, len(self.inequalities[0][1]))), sp.Symbol("b")]
        parts = []
        for yi, (_, row) in zip(self.multipliers, self.inequalities, strict=True):
            if yi:
                lin = show.math(sp.Add(*[c * v for c, v in zip(row, names, strict=True)]), names)
                parts.append(f"{'' if yi == 1 else show.math(yi) + ' '}\\left({lin}\\right)")
        return (" + ".join(parts) + " = 0 \\quad "
                + show.text("yet each bracket must be > 0: no threshold unit computes the table"))


def _rational_vector(values: Sequence[float]) -> list[sp.Rational]:
    return [sp.Rational(Fraction(float(v)).limit_denominator(10**6)) for v in values]


def _exact_solve(rows: list[list[sp.Rational]], rhs: list[sp.Rational]) -> list[sp.Rational] | None:
    """The unique exact solution of rows . v = rhs, or None if not unique / inconsistent."""
    a = sp.Matrix(rows)
    b = sp.Matrix(rhs)
    try:
        sol, params = a.gauss_jordan_solve(b)
    except ValueError:
        return None
    if params.shape[0]:
        sol = sol.subs({p: 0 for p in params})
    return list(sol)


def linear_threshold_certificate(table: TruthTable | Gate) -> SeparatingHyperplane | FarkasCertificate:
    """Decide whether one linear threshold unit computes ``table``, with an exact certificate.

    Solves the linear program "A (w, b) >= 1" (A's rows are s(x)(x, 1); feasible iff the strict
    system is, by scaling) with scipy's HiGHS and makes the answer exact: a rational
    :class:`SeparatingHyperplane` if feasible, otherwise the vertex multipliers of
    "y >= 0, A^T y = 0, sum y = 1" solved exactly on their support and scaled to coprime
    integers (:class:`FarkasCertificate`). Either result's ``check()`` re-verifies it exactly;
    floating point only proposes, exact arithmetic decides.

    Examples
    --------
    >>> from symnet.logic import linear_threshold_certificate, truth_table
    >>> sep = linear_threshold_certificate(truth_table("and"))
    >>> sep.margin, sep.check()
    (1/2, True)
    >>> print(str(linear_threshold_certificate(truth_table("xor"))).split(" = 0")[0])
    1*(-b) + 1*(b + w2) + 1*(b + w1) + 1*(-b - w1 - w2)
    """
    from scipy.optimize import linprog

    n, table = _check_table(table)
    system = _system(table)
    a = np.array([row for _, row in system], dtype=float)
    feas = linprog(np.zeros(n + 1), A_ub=-a, b_ub=-np.ones(len(system)), bounds=[(None, None)] * (n + 1),
                   method="highs")
    if feas.status == 0:
        rows = [list(map(sp.Integer, row)) for _, row in system]
        theta = _rational_vector(feas.x)
        if not all(sum(r * t for r, t in zip(row, theta, strict=True)) > 0 for row in rows):
            active = [row for row, v in zip(rows, a @ feas.x, strict=True) if abs(v - 1) < 1e-7]
            theta = _exact_solve(active, [sp.Integer(1)] * len(active))
        if theta is not None and all(sum(r * t for r, t in zip(row, theta, strict=True)) > 0 for row in rows):
            values = [sum(r * t for r, t in zip(row, theta, strict=True)) for row in rows]
            # normalise the smallest signed value to 1/2 (the convention of the named gates)
            scale = _HALF / min(values)
            theta = [t * scale for t in theta]
            cert = SeparatingHyperplane(table, tuple(theta[:-1]), theta[-1], _HALF)
            cert.check()
            return cert
        raise CertificateError(  # pragma: no cover
            "the LP found a separating hyperplane but it could not be made exact")
    a_eq = np.vstack([a.T, np.ones(len(system))])
    b_eq = np.concatenate([np.zeros(n + 1), [1.0]])
    dual = linprog(np.zeros(len(system)), A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * len(system), method="highs")
    if dual.status != 0:  # pragma: no cover - by Gordan's theorem one of the two LPs is feasible
        raise CertificateError(f"neither LP succeeded (scipy status {feas.status}, {dual.status})")
    support = [i for i, v in enumerate(dual.x) if v > 1e-9]
    eqs = [[sp.Integer(system[i][1][j]) for i in support] for j in range(n + 1)] + [[sp.Integer(1)] * len(support)]
    sol = _exact_solve(eqs, [sp.Integer(0)] * (n + 1) + [sp.Integer(1)])
    if sol is None or any(v < 0 for v in sol):
        raise CertificateError("the LP's multipliers could not be made exact")  # pragma: no cover
    y = [sp.Integer(0)] * len(system)
    for i, v in zip(support, sol, strict=True):
        y[i] = v
    denom = sp.ilcm(*[v.q for v in y])
    ints = [int(v * denom) for v in y]
    common = int(np.gcd.reduce([abs(v) for v in ints if v] or [1]))
    cert = FarkasCertificate(table, tuple(system), tuple(sp.Integer(v // common) for v in ints))
    cert.check()
    return cert

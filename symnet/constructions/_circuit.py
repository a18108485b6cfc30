"""Wiring gates into a layered network: the arithmetic circuits of LTR Sec. II and seed 000.

A deep construction is a sequence of *stages*. Stage t is one hidden layer: a list of
:class:`Unit` objects, each a single-hidden-layer gate (a :class:`Construction` such as the
multiplication, square or copy gate) reading one or two *signals* of stage t - 1 (stage 0's
signals are the network's inputs) and producing one signal. The last stage's signals are
combined linearly into the output.

:func:`wire` turns the stages into a :class:`~symnet.network.Network`: each stage is a network
whose hidden layer places every gate's first-layer weights on the columns of its input signals
(widths add up) and whose output layer holds the gates' output weights and biases; consecutive
stages are joined with :meth:`Network.compose`, which merges a stage's linear output layer into
the next stage's first affine map. So every gate keeps its own scale lam and its own output
normalisation, and each signal is an O(1) approximation of the value it stands for.

:func:`compose_series` is the independent route to the exact expansion: it substitutes the
gates' closed-form error series (``Construction.closed_form``) into one another, signal by
signal, with truncated arithmetic in lam, never looking at a neuron.

:func:`circuit` makes the :class:`Construction` of such a network (the deep product and the
polynomial networks): network and closed form from the stages, and the hypotheses, the bias
notes and the operating points collected from the gates' records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.polys.domains import QQ
from sympy.polys.rings import ring

from symnet.activations import Activation
from symnet.constructions._base import LAM, Construction
from symnet.constructions._bias import COPY_BIAS_SYMBOL
from symnet.constructions.gates import identity_gate
from symnet.errors import InvalidInput, ShapeError
from symnet.network import Layer, Network

__all__ = ["Unit", "circuit", "compose_series", "copy_gate", "wire"]


@dataclass(frozen=True)
class Unit:
    """One gate in a stage: ``gate`` applied to the previous stage's signals ``inputs``."""

    gate: Construction
    inputs: tuple[int, ...]
    label: str = ""

    def __post_init__(self) -> None:
        if len(self.inputs) != len(self.gate.variables):
            raise ShapeError(f"{self.gate.name} takes {len(self.gate.variables)} inputs, got {len(self.inputs)}")


def _stage_network(units: Sequence[Unit], n_signals: int) -> Network:
    widths = [u.gate.hidden_neurons for u in units]
    total = sum(widths)
    w = sp.zeros(total, n_signals)
    bias = sp.zeros(total, 1)
    out_w = sp.zeros(len(units), total)
    out_b = sp.zeros(len(units), 1)
    activation = None
    row = 0
    for i, unit in enumerate(units):
        net = unit.gate.network
        if net.depth != 1:
            raise InvalidInput(f"{unit.gate.name}: a stage needs single-hidden-layer gates, got depth {net.depth}")
        hidden, output = net.layers
        if activation is None:
            activation = hidden.activation
        elif hidden.activation != activation:
            raise InvalidInput(f"stage mixes activations {activation.name!r} and {hidden.activation.name!r}: "
                               "a hidden layer has one activation")
        width = hidden.width
        for k, j in enumerate(unit.inputs):
            if not 0 <= j < n_signals:
                raise ShapeError(f"{unit.label or unit.gate.name}: input signal {j} does not exist "
                                 f"(the previous stage has {n_signals})")
            for r in range(width):
                w[row + r, j] += hidden.weights[r, k]
        for r in range(width):
            bias[row + r] = hidden.bias[r]
            out_w[i, row + r] = output.weights[0, r]
        out_b[i] = output.bias[0]
        row += width
    return Network([Layer(sp.ImmutableMatrix(w), sp.ImmutableMatrix(bias), activation),
                    Layer(sp.ImmutableMatrix(out_w), sp.ImmutableMatrix(out_b), None)])


def wire(n_inputs: int, stages: Sequence[Sequence[Unit]], output: Sequence[sp.Expr],
         constant: sp.Expr = sp.S.Zero) -> Network:
    """The network of the stages, with output ``sum_j output[j] * signal_j + constant``.

    ``output`` has one coefficient per signal of the last stage (of the inputs when there are
    no stages: the network is then affine, with no hidden layer).
    """
    net = None
    n_signals = n_inputs
    for units in stages:
        if not units:
            raise ShapeError("a stage must contain at least one gate")
        stage = _stage_network(units, n_signals)
        net = stage if net is None else stage.compose(net)
        n_signals = len(units)
    if len(output) != n_signals:
        raise ShapeError(f"output has {len(output)} coefficients for {n_signals} signals")
    final = Network([Layer(sp.ImmutableMatrix([list(output)]), sp.ImmutableMatrix([constant]), None)])
    return final if net is None else final.compose(net)


# -- the independent route: composing the gates' closed forms ----------------------------------


class _Atoms:
    """Constants of the gates' closed forms (sigma^(k)(b) / sigma''(b), ...) as ring generators."""

    def __init__(self) -> None:
        self.symbols: dict[sp.Expr, sp.Symbol] = {}

    def split(self, coeff: sp.Expr) -> tuple[sp.Rational, sp.Expr]:
        q, rest = sp.sympify(coeff).as_coeff_Mul()
        if rest != 1 and rest not in self.symbols:
            self.symbols[rest] = sp.Dummy(f"c{len(self.symbols)}")
        return q, rest


def _gate_terms(gate: Construction, order: int) -> dict[int, sp.Expr]:
    if gate.closed_form is None:
        raise InvalidInput(f"{gate.name} has no closed form to compose")
    terms = {0: sp.sympify(gate.target)}
    for p, c in gate.closed_form(order).items():
        c = sp.sympify(c)
        if c == 0 or p > order:
            continue
        if p <= 0:
            raise InvalidInput(f"{gate.name}: closed form has a lam^{p} term; only positive powers compose")
        terms[p] = terms.get(p, 0) + c
    return terms


def compose_series(inputs: Sequence[sp.Symbol], stages: Sequence[Sequence[Unit]], output: Sequence[sp.Expr],
                   constant: sp.Expr, order: int) -> dict[int, sp.Expr]:
    """The exact expansion of :func:`wire`'s network through lam^order, from the gates' closed forms.

    Each signal is a polynomial in the inputs and lam; a gate g(u, v) = target(u, v) +
    sum_p lam^p e_p(u, v) is applied by substituting the input signals for (u, v) and truncating
    at lam^order (valid because every closed-form term is a polynomial in the gate's inputs).
    The arithmetic runs in sympy's polys ring over QQ, with the gates' constants (ratios of
    derivatives) as extra generators. Returns ``{p: coefficient of lam^p}`` (nonzero terms).
    """
    gates = {id(u.gate): u.gate for units in stages for u in units}
    atoms = _Atoms()
    gate_polys: dict[int, list] = {}
    for key, gate in gates.items():
        rows = []
        for p, c in _gate_terms(gate, order).items():
            poly = sp.Poly(sp.expand(c), *gate.variables)
            rows.append((p, [(m, *atoms.split(coef)) for m, coef in poly.terms()]))
        gate_polys[key] = rows
    out_terms = [atoms.split(a) for a in output]
    const_q, const_rest = atoms.split(constant)
    gate_vars = [v for g in gates.values() for v in g.variables]
    symbols = [*inputs, *gate_vars, LAM, *atoms.symbols.values()]
    R, *gens = ring(symbols, QQ)
    index = {s: i for i, s in enumerate(symbols)}
    lam_pos = index[LAM]

    def atom_gen(rest: sp.Expr):
        return R.one if rest == 1 else gens[index[atoms.symbols[rest]]]

    def truncate(f):
        return R.from_dict({m: c for m, c in f.items() if m[lam_pos] <= order}) if f else f

    # each gate as a list of (lam power, monomial exponents in its inputs, ring coefficient)
    gate_terms = {}
    for key, rows in gate_polys.items():
        gate_terms[key] = [(p, m, QQ(int(q.p), int(q.q)) * atom_gen(rest)) for p, terms in rows for m, q, rest in terms]

    def mul(f, g):
        return truncate(f * g)

    signals = [gens[index[x]] for x in inputs]
    for units in stages:
        new = []
        for unit in units:
            args = [signals[j] for j in unit.inputs]
            powers = []  # powers[i][e] = args[i]^e, truncated at lam^order
            for k, arg in enumerate(args):
                top = max(m[k] for _, m, _ in gate_terms[id(unit.gate)])
                pw = [R.one]
                for _ in range(top):
                    pw.append(mul(pw[-1], arg))
                powers.append(pw)
            value = R.zero
            for p, m, coeff in gate_terms[id(unit.gate)]:
                term = coeff * gens[lam_pos] ** p
                for k, e in enumerate(m):
                    term = mul(term, powers[k][e])
                value += term
            new.append(value)
        signals = new
    total = QQ(int(const_q.p), int(const_q.q)) * atom_gen(const_rest)
    for (q, rest), s in zip(out_terms, signals, strict=True):
        total += QQ(int(q.p), int(q.q)) * atom_gen(rest) * s
    back = {sym: rest for rest, sym in atoms.symbols.items()}
    by_power: dict[int, dict] = {}
    for m, c in total.items():
        p = m[lam_pos]
        by_power.setdefault(p, {})[m] = c
    result = {}
    for p, terms in sorted(by_power.items()):
        expr = R.from_dict(terms).as_expr(*symbols).xreplace({LAM: 1, **back})
        if expr != 0:
            result[p] = expr
    return result


# -- the construction of a circuit -------------------------------------------------------------------


def copy_gate(activation: Activation, copy_bias: Any) -> Construction:
    """The copy neuron of a circuit: :func:`~symnet.constructions.identity_gate` at the copies' own bias b_c.

    ``copy_bias=None`` lets the gate choose (0 when sigma'(0) != 0); for the generic activation
    it is the symbol ``b_c``, so the copies' hypothesis reads ``sigma'(b_c) != 0``, distinct
    from the products' ``sigma''(b) != 0``.
    """
    if copy_bias is None and activation.is_generic:
        copy_bias = COPY_BIAS_SYMBOL
    return identity_gate(activation, copy_bias)


#: The parameter each gate kind's bias is reported under.
_BIAS_ROLE = {"mul": "bias", "square": "bias", "copy": "copy_bias"}


def circuit(*, gates: Mapping[str, Construction | None], plan: Sequence[Sequence[tuple[str, tuple[int, ...], str]]],
            output: Sequence[sp.Expr], constant: sp.Expr = sp.S.Zero, name: str, target: sp.Expr,
            variables: tuple[sp.Symbol, ...], activation: Activation, source: str, hidden_neurons: int, depth: int,
            notes: Sequence[str], parameters: Mapping[str, Any]) -> Construction:
    """The :class:`Construction` of a layered circuit of gates.

    Parameters
    ----------
    gates : mapping
        ``{"mul": ..., "square": ..., "copy": ...}``: the gate used for each kind of node (None
        where the circuit has no node of that kind).
    plan : sequence of stages
        Per hidden layer, the nodes ``(kind, inputs, label)``; ``inputs`` index the previous
        stage's signals (the network's inputs for the first stage).
    output, constant
        The output ``sum_j output[j] * signal_j + constant`` (as :func:`wire`).
    notes, parameters
        The construction's own; to them are added, from the gates' operating points (records of
        :mod:`symnet.constructions._bias`), a note ``"<gate name>: <choice>"`` for every gate
        whose bias symnet moved off 0, and ``parameters["bias"]`` / ``["copy_bias"]`` (None when
        no gate of that role is present). The hypotheses are the gates' (each statement once).

    The network is :func:`wire` of the stages; ``closed_form(order)`` is :func:`compose_series`
    minus the target (the independent route).
    """
    present = {kind: gate for kind, gate in gates.items() if gate is not None}

    def stages() -> list[list[Unit]]:
        return [[Unit(present[kind], inputs, label) for kind, inputs, label in stage] for stage in plan]

    def build() -> Network:
        return wire(len(variables), stages(), output, constant)

    def closed_form(order: int) -> dict[int, sp.Expr]:
        terms = compose_series(variables, stages(), output, constant, order)
        terms[0] = sp.expand(terms.get(0, 0) - target)
        return {p: c for p, c in terms.items() if c != 0}

    hypotheses: dict[str, Any] = {}
    points: dict[str, Any] = {}
    bias_notes = []
    for kind, gate in present.items():
        point = gate.operating_points["bias"]
        points.setdefault(_BIAS_ROLE[kind], point)
        for h in gate.hypotheses:
            hypotheses.setdefault(h.statement, h)
        bias_notes += [f"{gate.name}: {note}" for note in point.choice_notes]
    return Construction(
        name=name, target=target, variables=variables, scale=LAM, activation=activation,
        hypotheses=tuple(hypotheses.values()), source=source, hidden_neurons=hidden_neurons, depth=depth, build=build,
        notes=(*notes, *bias_notes), closed_form=closed_form, operating_points=points,
        parameters={**parameters, **{role: points[role].bias if role in points else None
                                     for role in ("bias", "copy_bias")}},
    )

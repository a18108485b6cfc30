"""The small gates of expressivity theory: multiplication, square, copy, and the 3-neuron product.

Each function returns a :class:`~symnet.constructions.Construction` whose network has the scale
``lam`` (:data:`~symnet.constructions.LAM`) in its weights and whose ``closed_form(order)`` gives
the exact error terms, derived from Taylor's formula
``sigma(b + y) = sum_k sigma^(k)(b) y^k / k!`` (MATH.md sections 1 and 3):

- multiplication gate (LTR Sec. II C, Fig. 2): hidden pre-activations ``b +- lam(u+v)``,
  ``b +- lam(u-v)``, output weights ``mu (1, 1, -1, -1)``, ``mu = 1/(4 lam^2 sigma''(b))``::

      m - uv = sum_{k even >= 4} 2 sigma^(k)(b) lam^(k-2) [(u+v)^k - (u-v)^k] / (4 k! sigma''(b))
             = lam^2 sigma''''(b) uv(u^2+v^2) / (6 sigma''(b)) + O(lam^4);

- square gate: ``[sigma(b+lam x) + sigma(b-lam x) - 2 sigma(b)] / (lam^2 sigma''(b))``
  (two neurons and an output bias), error ``sum_{k even >= 4} 2 sigma^(k)(b) lam^(k-2) x^k /
  (k! sigma''(b))``;
- copy (identity) gate: ``[sigma(b+lam x) - sigma(b)] / (lam sigma'(b))`` (one neuron and an
  output bias), error ``sum_{k >= 2} sigma^(k)(b) lam^(k-1) x^k / (k! sigma'(b))``;
- 3-neuron product (MATH.md sec. 3): ``[sigma(b+lam(u+v)) - sigma(b+lam u) - sigma(b+lam v) +
  sigma(b)] / (lam^2 sigma''(b))`` with the ``sigma(b)`` term as output bias, error
  ``sum_{k >= 3} sigma^(k)(b) lam^(k-2) [(u+v)^k - u^k - v^k] / (k! sigma''(b))``.

Examples
--------
>>> from symnet import activations, series
>>> from symnet.constructions import multiplication_gate, square_gate
>>> gate = multiplication_gate(activations.get("sigmoid"))
>>> gate.parameters["bias"]
log(sqrt(3) + 2)
>>> series.error(gate, 2).leading
-lam**2*u*v*(u**2 + v**2)/6
>>> series.error(square_gate(activations.get("softplus")), 2).leading
-lam**2*x**4/24
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from symnet.activations import Activation, get
from symnet.constructions._base import LAM, Construction, one_hidden_layer
from symnet.constructions._bias import OperatingPoint, operating_point
from symnet.network import Network

__all__ = ["identity_gate", "multiplication_gate", "square_gate", "three_neuron_gate"]

U, V = sp.symbols("u v", real=True)
X = sp.Symbol("x", real=True)


def gate_point(activation: Activation | str, k: int, bias: Any, who: str,
               variables: tuple[sp.Symbol, ...]) -> OperatingPoint:
    """The operating point b of a gate that needs ``sigma^(k)(b) != 0``.

    The rule of :func:`symnet.constructions._bias.operating_point` (generic activation: the
    symbol ``b``, hypothesis assumed; a given bias is checked and :class:`HypothesisError`
    raised if ``sigma^(k)(b) = 0``; otherwise 0 when ``sigma^(k)(0) != 0``, else a candidate
    where it is nonzero), except that where ``sigma''(0) = 0`` the logistic sigmoid and tanh
    get the bias maximising ``|sigma''|`` (``PREFERRED_BIASES``; MATH.md sec. 1). A bias that
    contains the scale lam or one of the gate's ``variables`` is refused (InvalidInput).
    """
    return operating_point(get(activation), k, bias, who=who, prefer=True, variables=variables)


def _gate(point: OperatingPoint, notes: tuple[str, ...], **fields: Any) -> Construction:
    """A gate at ``point``: its hypothesis, the note on a bias symnet moved off 0, then ``notes``."""
    return one_hidden_layer(point, hypothesis_source="MATH.md sec. 1", notes=(*point.choice_notes, *notes), **fields)


def multiplication_gate(activation: Activation | str, bias: Any = None) -> Construction:
    """The 4-neuron multiplication gate ``uv ~ mu [s(b+lam(u+v)) + s(b-lam(u+v)) - s(b+lam(u-v)) - s(b-lam(u-v))]``.

    ``mu = 1/(4 lam^2 sigma''(b))`` (LTR Sec. II C, Fig. 2; MATH.md sec. 1). Exactly,
    ``m - uv = sum_{k even >= 4} 2 sigma^(k)(b) lam^(k-2) [(u+v)^k - (u-v)^k] / (4 k! sigma''(b))``,
    whose leading term is ``lam^2 sigma''''(b) uv (u^2 + v^2) / (6 sigma''(b))`` (total degree 4).

    Parameters
    ----------
    activation : Activation or catalogue name
    bias : number, optional
        The common hidden bias b. Default: the symbol ``b`` for the generic activation; 0 for a
        concrete one when ``sigma''(0) != 0``, else a point where ``sigma''`` is nonzero
        (``ln(2 + sqrt 3)`` for the logistic sigmoid), recorded in ``notes``.

    Raises
    ------
    HypothesisError
        If a given bias has ``sigma''(b) = 0``.
    NotSmoothError
        If sigma is not twice differentiable at b (relu, elu at 0).
    InvalidInput
        If the bias contains the scale lam or an input (u, v): a bias is a constant (every gate).

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions import multiplication_gate
    >>> g = multiplication_gate(activations.get("softplus"))
    >>> g.hidden_neurons, g.target, g.hypotheses[0].holds
    (4, u*v, True)
    """
    op = gate_point(activation, 2, bias, "multiplication_gate", (U, V))
    act, b, d2 = op.activation, op.bias, op.derivative
    mu = 1 / (4 * LAM**2 * d2)
    lam = LAM

    def build() -> Network:
        return Network.single_hidden_layer(
            input_weights=[[lam, lam], [-lam, -lam], [lam, -lam], [-lam, lam]],
            output_weights=[mu, mu, -mu, -mu], activation=act, hidden_bias=b)

    def closed_form(order: int) -> dict[int, sp.Expr]:
        d = act.derivatives(order + 2, at=b)
        return {k - 2: 2 * d[k] * ((U + V) ** k - (U - V) ** k) / (4 * sp.factorial(k) * d2)
                for k in range(4, order + 3, 2)}

    notes = (
        "Seed 000 writes the error as O((u+v)^3); the true leading error is lam^2 sigma''''(b) uv(u^2+v^2) "
        "/ (6 sigma''(b)), of total degree 4 in (u, v) (odd powers of lam cancel).",
        "Normalisation mu = 1/(4 lam^2 sigma''(b)) uses the derivative; seed 002's 8 sigma_2 is the same gate "
        "with the Taylor coefficient c_2 = sigma''/2 (8 c_2 = 4 sigma'').",
        "Where sigma''''(b) = 0 the error starts at lam^4.",
    )
    return _gate(
        op, notes, name="multiplication gate", target=U * V, variables=(U, V),
        source="LTR Sec. II C, Fig. 2 (arXiv:1608.08225); seeds 000, 002; MATH.md sec. 1",
        hidden_neurons=4, build=build, closed_form=closed_form,
    )


def square_gate(activation: Activation | str, bias: Any = None) -> Construction:
    """The square gate ``x^2 ~ [sigma(b+lam x) + sigma(b-lam x) - 2 sigma(b)] / (lam^2 sigma''(b))``.

    Two hidden neurons and the output bias ``-2 sigma(b) / (lam^2 sigma''(b))`` (MATH.md sec. 1).
    Exactly, ``N - x^2 = sum_{k even >= 4} 2 sigma^(k)(b) lam^(k-2) x^k / (k! sigma''(b))``;
    leading term ``lam^2 sigma''''(b) x^4 / (12 sigma''(b))``. Bias as in
    :func:`multiplication_gate`.

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions import square_gate
    >>> square_gate(activations.get("exp")).hidden_neurons
    2
    """
    op = gate_point(activation, 2, bias, "square_gate", (X,))
    act, b, d2 = op.activation, op.bias, op.derivative
    m = 1 / (LAM**2 * d2)
    s_b = act.derivative(0, at=b)
    lam = LAM

    def build() -> Network:
        return Network.single_hidden_layer(input_weights=[[lam], [-lam]], output_weights=[m, m], activation=act,
                                           hidden_bias=b, output_bias=-2 * m * s_b)

    def closed_form(order: int) -> dict[int, sp.Expr]:
        d = act.derivatives(order + 2, at=b)
        return {k - 2: 2 * d[k] * X**k / (sp.factorial(k) * d2) for k in range(4, order + 3, 2)}

    notes = (
        "[RT] prints the normalisation 1/(2 sigma''(0)), off by a factor 2 unless sigma'' there means the "
        "Taylor coefficient c_2 = sigma''/2: with the derivative it is 1/(lam^2 sigma''(b)).",
        "Two hidden neurons; the constant -2 sigma(b) is the output bias.",
    )
    return _gate(
        op, notes, name="square gate", target=X**2, variables=(X,),
        source="RT (arXiv:1705.05502), square gate; MATH.md sec. 1", hidden_neurons=2, build=build,
        closed_form=closed_form,
    )


def identity_gate(activation: Activation | str, bias: Any = None) -> Construction:
    """The copy neuron ``x ~ [sigma(b + lam x) - sigma(b)] / (lam sigma'(b))``.

    One hidden neuron and the output bias ``-sigma(b) / (lam sigma'(b))`` (MATH.md sec. 1); it
    carries a value through a layer of a deep network. Exactly,
    ``N - x = sum_{k >= 2} sigma^(k)(b) lam^(k-1) x^k / (k! sigma'(b))``, leading term
    ``lam sigma''(b) x^2 / (2 sigma'(b))`` (``lam^2 sigma'''(b) x^3 / (6 sigma'(b))`` where
    ``sigma''(b) = 0``, e.g. the sigmoid and tanh at 0). Needs ``sigma'(b) != 0``; the default
    bias is 0 when ``sigma'(0) != 0``.

    Examples
    --------
    >>> from symnet import activations, series
    >>> from symnet.constructions import identity_gate
    >>> series.error(identity_gate(activations.get("tanh")), 2).leading
    -lam**2*x**3/3
    """
    op = gate_point(activation, 1, bias, "identity_gate", (X,))
    act, b, d1 = op.activation, op.bias, op.derivative
    s_b = act.derivative(0, at=b)
    lam = LAM

    def build() -> Network:
        return Network.single_hidden_layer(input_weights=[[lam]], output_weights=[1 / (lam * d1)], activation=act,
                                           hidden_bias=b, output_bias=-s_b / (lam * d1))

    def closed_form(order: int) -> dict[int, sp.Expr]:
        d = act.derivatives(order + 1, at=b)
        return {k - 1: d[k] * X**k / (sp.factorial(k) * d1) for k in range(2, order + 2)}

    return _gate(
        op, ("One hidden neuron; the constant -sigma(b) is the output bias.",), name="identity gate", target=X,
        variables=(X,), source="LTR Sec. II C (copy neurons); MATH.md sec. 1", hidden_neurons=1, build=build,
        closed_form=closed_form,
    )


def three_neuron_gate(activation: Activation | str, bias: Any = 0) -> Construction:
    """The 3-neuron product with an output bias (MATH.md sec. 3).

    ``uv ~ [sigma(b+lam(u+v)) - sigma(b+lam u) - sigma(b+lam v) + sigma(b)] / (lam^2 sigma''(b))``,
    the last term being the output bias. Exactly,
    ``N - uv = sum_{k >= 3} sigma^(k)(b) lam^(k-2) [(u+v)^k - u^k - v^k] / (k! sigma''(b))``,
    leading term ``lam sigma'''(b) uv(u+v) / (2 sigma''(b))`` (O(lam^2) where ``sigma'''(b) = 0``).
    It uses 3 < 2^2 hidden neurons: the lower bound m >= 2^n holds only for the bias-free model
    (the k = 0 condition that seed 000 drops).

    Parameters
    ----------
    activation : Activation or catalogue name
    bias : number or None
        Hidden bias b (default 0, the setting of the lower bound); ``None`` chooses one as
        :func:`multiplication_gate` does.

    Examples
    --------
    >>> from symnet import activations, series
    >>> from symnet.constructions import three_neuron_gate
    >>> series.error(three_neuron_gate(activations.get("exp")), 1).leading
    lam*u*v*(u + v)/2
    """
    op = gate_point(activation, 2, bias, "three_neuron_gate", (U, V))
    act, b, d2 = op.activation, op.bias, op.derivative
    m = 1 / (LAM**2 * d2)
    s_b = act.derivative(0, at=b)
    lam = LAM

    def build() -> Network:
        return Network.single_hidden_layer(input_weights=[[lam, lam], [lam, 0], [0, lam]], output_weights=[m, -m, -m],
                                           activation=act, hidden_bias=b, output_bias=m * s_b)

    def closed_form(order: int) -> dict[int, sp.Expr]:
        d = act.derivatives(order + 2, at=b)
        return {k - 2: d[k] * ((U + V) ** k - U**k - V**k) / (sp.factorial(k) * d2) for k in range(3, order + 3)}

    notes = (
        "Three hidden neurons and an output bias: fewer than the 2^2 = 4 of the bias-free lower bound, which "
        "needs the k = 0 condition (no output bias) that seed 000 drops.",
        "The error is O(lam), and O(lam^2) where sigma'''(b) = 0.",
    )
    return _gate(
        op, notes, name="three-neuron product gate", target=U * V, variables=(U, V),
        source="MATH.md sec. 3 (counterexample to the lower bound without the k = 0 condition); LTR App. A",
        hidden_neurons=3, build=build, closed_form=closed_form,
    )

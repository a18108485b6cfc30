"""``error`` and ``expand``: the exact series of a construction or a network in powers of lam."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from symnet.constructions._base import LAM, Construction
from symnet.errors import InvalidInput, ShapeError
from symnet.network import Network
from symnet.series._canonical import assemble, to_dict
from symnet.series._expand import check_order, check_variables, expand_network, series_terms
from symnet.series._result import ErrorSeries

__all__ = ["error", "expand"]

METHODS = ("auto", "closed", "explicit")


def _as_target(target: Any, variables: tuple, scale: sp.Symbol, who: str) -> sp.Expr:
    """``target`` as a sympy expression in ``variables`` only, free of the scale.

    Strings are refused, never parsed (user text must not reach ``sympify``); other objects go
    through ``sympify(strict=True)``, which converts numbers and sympy objects without parsing.
    """
    if isinstance(target, (str, bytes)):
        raise InvalidInput(
            f"error({who}): the target must be a sympy expression built from the variables "
            f"{tuple(variables)}, not a string (strings are never parsed); got {target!r}")
    try:
        expr = sp.sympify(target, strict=True)
    except (sp.SympifyError, TypeError, ValueError) as exc:
        raise InvalidInput(
            f"error({who}): the target must be a sympy expression in the variables {tuple(variables)}, "
            f"got {type(target).__name__} {target!r}") from exc
    if not isinstance(expr, sp.Expr):
        raise InvalidInput(f"error({who}): the target must be a sympy expression, got {type(expr).__name__} {expr!r}")
    if expr.has(scale):
        raise InvalidInput(f"error({who}): the target must be free of the scale {scale}; got {expr}")
    extra = expr.free_symbols - set(variables)
    if extra:
        names = ", ".join(sorted(f"{s} (is_real={s.is_real})" for s in extra))
        raise InvalidInput(
            f"error({who}): the target contains symbols that are not the variables {tuple(variables)}: {names}. "
            "Symbols with the same name but other assumptions are different symbols (the constructions' "
            "inputs are Symbol(..., real=True)): build the target from construction.variables, or pass "
            "variables=... and use those symbols.")
    return expr


def _check_scaled(construction: Construction, scale: sp.Symbol) -> None:
    """Refuse, with an explanation, a construction whose network does not contain its scale."""
    if scale in construction.network.free_symbols:
        return
    raise InvalidInput(
        f"error({construction.name}): this construction is not scaled by {scale} (its network does not "
        f"contain {scale}; its accuracy is set by its own parameters "
        f"{', '.join(map(str, construction.parameters)) or '(none)'}), so it has no error series in powers of "
        f"{scale}. Its exact error is computed by its own module: binary_product by "
        "symnet.constructions.binary.worst_case_error (parameters['worst_case_error']), the Yarotsky networks "
        "by symnet.constructions.yarotsky.square_error / multiplication_error (parameters['sup_error']).")


def _own_scale(construction: Construction, scale: Any) -> sp.Symbol:
    """The construction's scale; a given ``scale`` must be that symbol (a construction's weights are
    built with its own scale, so another symbol would only relabel, or miss, the series)."""
    own = construction.scale
    if scale is None or scale == own:
        return own
    hint = ""
    if isinstance(scale, sp.Symbol) and scale.name == own.name:
        hint = f" (same name, other assumptions: {sp.srepr(own)}, not {sp.srepr(scale)})"
    raise InvalidInput(
        f"error({construction.name}): scale={scale!r} is not this construction's scale: its weights are "
        f"built with {own}{hint}, and its series is in powers of {own}. Leave scale out (or pass "
        f"construction.scale); to expand in another symbol, substitute it in the network "
        f"(construction.network.subs({{{own}: ...}})) and expand that network.")


def _explicit(network: Network, order: int, scale: sp.Symbol, variables: tuple) -> dict[int, dict]:
    if network.n_outputs != 1:
        raise ShapeError(f"the series of a network needs a single output; this one has {network.n_outputs}")
    alg, outs = expand_network(network, order, scale, variables)
    return series_terms(alg, outs[0], order)


def expand(network: Network, order: int, *, scale: sp.Symbol | None = None,
           variables: Sequence[sp.Symbol] | None = None) -> ErrorSeries:
    """The exact expansion of a network's output in powers of its scale, through ``scale^order``.

    The explicit route of :func:`error` with nothing subtracted (``target = 0``): weights and
    biases are expanded as Laurent series in lam, every hidden neuron as
    ``sigma(c + t) = sum_k sigma^(k)(c) t^k / k!`` around the limit ``c`` of its pre-activation,
    layer after layer (truncated series composition), in sympy's / python-flint's polynomial
    rings (see :mod:`symnet.series._expand`).

    Parameters
    ----------
    network : Network
        Single output; its weights contain the scale symbol.
    order : int
        Highest power of the scale kept.
    scale : sympy.Symbol, optional
        The symbol that scales the inputs (default :data:`symnet.constructions.LAM`).
    variables : sequence of Symbol, optional
        Names of the inputs (default ``x_1..x_n``).

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet import activations, series
    >>> from symnet.constructions import LAM
    >>> from symnet.network import Network
    >>> x = sp.Symbol("x")
    >>> net = Network.single_hidden_layer([[LAM]], [1 / LAM], activations.get("exp"), output_bias=-1 / LAM)
    >>> series.expand(net, 2, variables=[x]).terms
    {0: x, 1: x**2/2, 2: x**3/6}
    """
    order = check_order(order)
    if not isinstance(network, Network):
        raise InvalidInput(f"expand() needs a Network, got {type(network).__name__}")
    scale = LAM if scale is None else scale
    variables = network.default_inputs() if variables is None else check_variables(
        variables, network.n_inputs, "the network")
    terms = _explicit(network, order, scale, variables)
    return ErrorSeries({p: assemble(c, variables) for p, c in terms.items()}, order, scale, variables,
                       sp.Integer(0), "explicit expansion", "network")


def error(construction_or_network: Construction | Network, order: int, *, target: Any = None,
          scale: sp.Symbol | None = None, variables: Sequence[sp.Symbol] | None = None,
          method: str = "auto") -> ErrorSeries:
    """The exact terms of ``network - target`` in powers of lam, through ``lam^order``.

    Two routes, which agree wherever both apply (the tests check it):

    - ``"closed"``: the construction's closed form (``Construction.closed_form``), e.g. the
      2^n formula's ``sum over odd multi-indices`` (MATH.md sec. 2), which never enumerates
      the network;
    - ``"explicit"``: the expansion of the explicit network (:func:`expand`).

    ``method="auto"`` (default) uses the closed form when the construction has one.

    Parameters
    ----------
    construction_or_network : Construction or Network
    order : int
        Highest power of lam kept.
    target : sympy expression, optional
        What the network approximates (default: the construction's target; 0 for a network).
    scale : sympy.Symbol, optional
        The scale symbol. For a construction it must be the construction's own
        (``construction.scale``, the default): another symbol raises
        :class:`~symnet.errors.InvalidInput`. For a network, default
        :data:`symnet.constructions.LAM`.
    variables : sequence of Symbol, optional
        The input symbols (default: the construction's, or the network's ``x_1..x_n``). For a
        construction, new names are substituted for its own in the target and the terms.
    method : {"auto", "closed", "explicit"}

    Returns
    -------
    ErrorSeries

    Examples
    --------
    >>> from symnet import activations, series
    >>> from symnet.constructions import multiplication_gate
    >>> gate = multiplication_gate(activations.generic())
    >>> series.error(gate, 2).leading
    sigma^(4)(b)*lam**2*u*v*(u**2 + v**2)/(6*sigma^(2)(b))
    """
    order = check_order(order)
    if method not in METHODS:
        raise InvalidInput(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    obj = construction_or_network
    if isinstance(obj, Construction):
        own_vars = obj.variables
        variables = own_vars if variables is None else check_variables(variables, len(own_vars), obj.name)
        rename = dict(zip(own_vars, variables, strict=True))
        scale = _own_scale(obj, scale)
        own_target = _as_target(obj.target, own_vars, scale, obj.name).xreplace(rename)
        target = own_target if target is None else _as_target(target, variables, scale, obj.name)
        if method == "closed" and obj.closed_form is None:
            raise InvalidInput(f"{obj.name} has no closed form; use method='explicit' (or 'auto')")
        if method != "explicit" and obj.closed_form is not None:
            identity = all(a == b for a, b in rename.items())
            raw = {p: to_dict(sp.sympify(c) if identity else sp.sympify(c).xreplace(rename), variables)
                   for p, c in obj.closed_form(order).items() if p <= order}
            shift = own_target - target
            how = "closed form"
        else:
            _check_scaled(obj, scale)
            raw = _explicit(obj.network, order, scale, variables)
            shift = -target
            how = "explicit expansion"
        name = obj.name
    elif isinstance(obj, Network):
        if method == "closed":
            raise InvalidInput("a bare Network has no closed form; use method='explicit' (or 'auto')")
        scale = LAM if scale is None else scale
        variables = obj.default_inputs() if variables is None else check_variables(
            variables, obj.n_inputs, "the network")
        target = sp.Integer(0) if target is None else _as_target(target, variables, scale, "the network")
        raw = _explicit(obj, order, scale, variables)
        shift = -target
        how, name = "explicit expansion", "network"
    else:
        raise InvalidInput(
            f"error() needs a Construction or a Network, got {type(obj).__name__}"
        )
    if shift != 0:
        at0 = raw.setdefault(0, {})
        for m, c in to_dict(shift, variables).items():
            at0[m] = at0[m] + c if m in at0 else c
    terms = {p: assemble(c, variables) for p, c in raw.items()}
    return ErrorSeries(terms, order, scale, variables, target, how, name)

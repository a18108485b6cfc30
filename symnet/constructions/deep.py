"""The deep product of n inputs: a binary tree of multiplication gates (LTR Sec. II C-D; seed 000;
``MATH.md`` section 4).

Level by level, the current signals are paired in order, (s_1, s_2), (s_3, s_4), ...; each pair
goes through a 4-neuron multiplication gate, and when the number of signals is odd the last one
goes through a copy neuron (:func:`~symnet.constructions.identity_gate`: one neuron and an
output bias). Starting from x_1, ..., x_n this takes L = ceil(log2 n) hidden layers, n - 1 gates
with 4(n - 1) neurons, and one copy neuron for every level with an odd number of signals
(none when n is a power of 2). See :mod:`symnet.constructions.counts`.

Per-layer scales (the normalisation symnet uses, and why). Every gate has input scale lam and
its own output normalisation: mu = 1/(4 lam^2 sigma''(b)) for a product, 1/(lam sigma'(b_c)) for
a copy. So every signal is an O(1) approximation of the partial product it stands for, and the
next layer can use the same lam: after merging a gate's output layer into the next gate's input
weights, hidden layer l >= 2 has weights lam * mu = 1/(4 lam sigma''(b)). As lam -> 0 each gate
tends to its exact operation uniformly on compact sets, so the whole network tends to
x_1 ... x_n. (Without per-gate renormalisation the signal at depth l would be lam^(2^l) times a
partial product, the pre-activations at depth l would shrink like lam^(2^l), and the output
weight would have to be ~ lam^(-n): the same limit, with far worse conditioning.)

Leading error (symnet's derivation; the tests check it against the explicit expansion and
mpmath). Write K = sigma''''(b) / (6 sigma''(b)) for the product gates and, for copies at bias
b_c, c_1 = sigma''(b_c) / (2 sigma'(b_c)), c_2 = sigma'''(b_c) / (6 sigma'(b_c)). A product gate
with inputs U, V outputs UV + lam^2 K UV(U^2 + V^2) + O(lam^4); a copy outputs
U + lam c_1 U^2 + lam^2 c_2 U^3 + O(lam^3). Since the final output is multilinear in the node
values along the tree, a perturbation e of the node with value W changes the output by
(P / W) e + ..., P = x_1 ... x_n. Hence

    N - P = lam c_1 P sum_{copy nodes} U
          + lam^2 P [K sum_{product nodes} (U^2 + V^2) + c_2 sum_{copy nodes} U^2 + (c_1^2 terms)] + ...

and when there are no copies (n a power of 2), exactly at order lam^2,

    N - P = lam^2 K P sum_{v non-root node} (product of the leaves under v)^2 + O(lam^4).

For n = 8: lam^2 K x_1...x_8 [sum x_i^2 + (x_1x_2)^2 + ... + (x_7x_8)^2 + (x_1...x_4)^2 + (x_5...x_8)^2].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from symnet._validation import positive_int
from symnet.activations import Activation, get
from symnet.constructions._base import LAM, Construction
from symnet.constructions._bias import check_constant_bias
from symnet.constructions._circuit import circuit, copy_gate
from symnet.constructions.counts import LTR_DEEP_PRODUCT_EXAMPLE, deep_product_count
from symnet.constructions.gates import multiplication_gate
from symnet.errors import InvalidInput
from symnet.network import input_symbols

__all__ = ["MAX_N", "deep_product", "product_tree", "tree_leading_error"]

SOURCE = "LTR Sec. II C-D, Fig. 2 (arXiv:1608.08225); seed 000; MATH.md sec. 4"

#: Largest n accepted (the explicit network has about 4n neurons; the tree has ceil(log2 n) layers).
MAX_N = 1024


def _check_n(n: Any, who: str) -> int:
    return positive_int(n, f"{who}: n (the number of inputs)", maximum=MAX_N)


def product_tree(n: int) -> tuple[tuple[tuple[str, tuple[int, ...]], ...], ...]:
    """The levels of the tree: level l lists ``("mul", (i, i+1))`` and ``("copy", (i,))`` nodes,
    indices into the signals of level l - 1 (level 0: the inputs).

    Examples
    --------
    >>> from symnet.constructions.deep import product_tree
    >>> product_tree(3)
    ((('mul', (0, 1)), ('copy', (2,))), (('mul', (0, 1)),))
    """
    n = _check_n(n, "product_tree")
    levels = []
    count = n
    while count > 1:
        level = [("mul", (i, i + 1)) for i in range(0, count - 1, 2)]
        if count % 2:
            level.append(("copy", (count - 1,)))
        levels.append(tuple(level))
        count = len(level)
    return tuple(levels)


def _leaf_products(tree, xs) -> list[list[sp.Expr]]:
    """The exact value (product of leaves) of every node, level by level."""
    values = [list(xs)]
    for level in tree:
        prev = values[-1]
        values.append([sp.Mul(*[prev[j] for j in idx]) for _, idx in level])
    return values


def deep_product(n: int, activation: Activation | str, bias: Any = None, copy_bias: Any = None) -> Construction:
    """The binary tree of multiplication gates computing x_1 ... x_n (copy neurons when n is not 2^k).

    Parameters
    ----------
    n : int
        Number of inputs, 1 <= n <= 1024 (n = 1 is the identity map, with no hidden layer).
    activation : Activation or catalogue name
        Needs sigma''(b) != 0 (product gates) and, when there are copies, sigma'(b_c) != 0.
    bias : number, symbol or None
        Hidden bias b of the multiplication gates (default: as
        :func:`~symnet.constructions.multiplication_gate` chooses).
    copy_bias : number, symbol or None
        Hidden bias b_c of the copy neurons (default: as
        :func:`~symnet.constructions.identity_gate` chooses; 0 when sigma'(0) != 0, which for the
        sigmoid and tanh also has sigma''(0) = 0, making the copies O(lam^2)-accurate; the symbol
        b_c for the generic activation, so that the copies' hypothesis reads sigma'(b_c) != 0).

    Returns
    -------
    Construction
        ``hidden_neurons`` = 4(n - 1) + copies, ``depth`` = ceil(log2 n); ``parameters`` hold the
        tree, the biases, the number of gates and copies and the per-layer scales;
        ``closed_form(order)`` composes the gates' closed-form series (an independent route to
        the explicit expansion of the network).

    Examples
    --------
    >>> from symnet import activations, series
    >>> from symnet.constructions import deep_product
    >>> c = deep_product(8, activations.get("exp"))
    >>> c.hidden_neurons, c.depth, c.network.widths
    (28, 3, (16, 8, 4))
    >>> c4 = deep_product(4, activations.get("exp"))
    >>> series.error(c4, 2).leading
    lam**2*x_1*x_2*x_3*x_4*(x_1**2*x_2**2 + x_1**2 + x_2**2 + x_3**2*x_4**2 + x_3**2 + x_4**2)/6
    """
    n = _check_n(n, "deep_product")
    act = get(activation)
    tree = product_tree(n)
    xs = input_symbols(n)
    check_constant_bias(bias, xs, "deep_product")
    check_constant_bias(copy_bias, xs, "deep_product", "copy_bias")
    count = deep_product_count(n)
    gate = multiplication_gate(act, bias) if n > 1 else None
    copy = copy_gate(act, copy_bias) if count.copies else None
    plan = [[(kind, idx, f"level {depth + 1} {kind} {idx}") for kind, idx in level] for depth, level in enumerate(tree)]

    notes = [
        f"{count.gates} multiplication gates ({4 * count.gates} neurons) and {count.copies} copy neuron(s) in "
        f"{count.depth} hidden layer(s): {count.neurons} hidden neurons",
        "Per-layer scales: every gate has input scale lam and renormalises its output (1/(4 lam^2 sigma''(b)) "
        "for products, 1/(lam sigma'(b_c)) for copies), so every layer uses the same lam and each signal is an "
        "O(1) approximation of its partial product; merged weights of hidden layer l >= 2 are "
        "1/(4 lam sigma''(b)).",
        "LTR state that the deep product of n inputs needs 4n neurons, and that 4n = 160 for n = 32. Both are "
        f"slips: 4 * 32 = 128, and the tree needs {LTR_DEEP_PRODUCT_EXAMPLE['tree']} = 4 * 31 neurons for n = 32 "
        "(4(n - 1) in general, plus one copy neuron per level with an odd number of signals when n is not "
        "a power of 2).",
        "Seed 000's example: n = 8 inputs need 2^8 = 256 neurons in one hidden layer, 28 in 3 hidden layers.",
    ]
    if count.neurons > 4 * n:
        notes.append(f"here the layered tree needs {count.neurons} > 4n = {4 * n} neurons: with one-neuron copies "
                     "and ceil(log2 n) layers no tree does better (the copies are sum_l c_l + 2 - n over the level "
                     "counts c_l, least for c_(l+1) = ceil(c_l / 2)); the first such n is 33")
    if copy is not None:
        notes.append("copies are one neuron with an output bias: their error is lam sigma''(b_c) x^2 / "
                     "(2 sigma'(b_c)), O(lam) unless sigma''(b_c) = 0, so with copies the product is only "
                     "O(lam)-accurate in general")
    if n == 1:
        notes.append("n = 1: the product of one input is the input itself; the network is the identity, "
                     "with no hidden layer")
    per_layer = tuple(
        {"input_scale": LAM,
         "product_normalisation": 1 / (4 * LAM**2 * gate.operating_points["bias"].derivative),
         "copy_normalisation": (1 / (LAM * copy.operating_points["bias"].derivative))
         if any(k == "copy" for k, _ in level) else None}
        for level in tree
    )
    return circuit(
        gates={"mul": gate, "copy": copy}, plan=plan, output=[sp.Integer(1)], name=f"deep product (n = {n})",
        target=sp.Mul(*xs), variables=xs, activation=act, source=SOURCE, hidden_neurons=count.neurons,
        depth=count.depth, notes=notes,
        parameters={"n": n, "tree": tree, "gates": count.gates, "copies": count.copies, "layer_scales": per_layer,
                    "node_values": _leaf_products(tree, xs)},
    )


def tree_leading_error(construction: Construction) -> sp.Expr:
    """The lam^2 coefficient K P sum_{non-root nodes} (leaf product)^2 when n is a power of 2.

    K = sigma''''(b) / (6 sigma''(b)), P = x_1 ... x_n (module docstring). Raises
    :class:`~symnet.errors.InvalidInput` when the tree has copy neurons (then the leading error is
    O(lam) in general and has more terms).
    """
    params = construction.parameters
    if params.get("copies"):
        raise InvalidInput("tree_leading_error: this tree has copy neurons (n is not a power of 2)")
    values: Sequence[Sequence[sp.Expr]] = params["node_values"]
    act = construction.activation
    b = params["bias"]
    k = act.derivative(4, b) / (6 * act.derivative(2, b))
    squares = sp.Add(*[v**2 for level in values[:-1] for v in level])
    return k * construction.target * squares

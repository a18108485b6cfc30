"""The shallow product of n inputs: the 2^n formula (LTR App. A; seed 000; MATH.md sec. 2).

    N(x) = sum_{s in {-1,1}^n} (s_1...s_n) / (2^n lam^n sigma^(n)(b)) * sigma(b + lam s.x)

Exactly, for every analytic sigma (because ``sum_s (prod s) (s.x)^k = 2^n sum_{|alpha|=k, all
alpha_i odd} k!/alpha! x^alpha``),

    N(x) = sum_{alpha, every alpha_i odd} (sigma^(|alpha|)(b) / sigma^(n)(b)) lam^(|alpha|-n) x^alpha / alpha!
         = x_1...x_n + lam^2 (sigma^(n+2)(b) / (6 sigma^(n)(b))) x_1...x_n (x_1^2+...+x_n^2) + O(lam^4).

Writing ``alpha_i = 1 + 2 e_i``, the coefficient of ``lam^(2j)`` is
``(sigma^(n+2j)(b) / sigma^(n)(b)) E_j(x)`` with
``E_j(x) = sum_{|e| = j} prod_i x_i^(1+2e_i) / (1+2e_i)!``, the ``y^j`` coefficient of
``prod_i sinh_y(x_i)``, ``sinh_y(t) = sum_e t^(1+2e) y^e / (1+2e)!``; :func:`odd_part` computes it
by a truncated product over the variables (python-flint polynomials,
:func:`symnet.constructions.monomial.sinh_product_terms` with r = (1, ..., 1)), ``C(n+j-1, j)``
terms, never the 2^n neurons.

Examples
--------
>>> from symnet import activations, series
>>> from symnet.constructions import shallow_product
>>> c = shallow_product(3, activations.get("exp"))
>>> c.hidden_neurons
8
>>> series.error(c, 2).leading
lam**2*x_1*x_2*x_3*(x_1**2 + x_2**2 + x_3**2)/6
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import sympy as sp

from symnet._validation import positive_int
from symnet.activations import Activation
from symnet.constructions._base import LAM, Construction, one_hidden_layer
from symnet.constructions.gates import gate_point
from symnet.constructions.monomial import sinh_product_terms
from symnet.network import Network, input_symbols

__all__ = ["odd_part", "shallow_product"]

#: Largest n accepted (the closed form's terms grow like C(n + j - 1, j); the derivative order
#: n + order must stay within the activations' limit).
MAX_N = 300


def odd_part(n: int, j: int, variables: tuple[sp.Symbol, ...] | None = None) -> sp.Expr:
    """``E_j(x) = sum_{|e| = j} prod_i x_i^(1+2e_i) / (1+2e_i)!`` (all exponents odd, total n+2j).

    The ``t^(n+2j)`` coefficient of ``prod_i sinh(t x_i)``
    (:func:`symnet.constructions.monomial.sinh_product_terms` with ``r = (1, ..., 1)``).

    Examples
    --------
    >>> from symnet.constructions.shallow import odd_part
    >>> odd_part(2, 1)
    x_1**3*x_2/6 + x_1*x_2**3/6
    """
    variables = input_symbols(n) if variables is None else variables
    return sinh_product_terms((1,) * n, variables, [n + 2 * j])[n + 2 * j]


def shallow_product(n: int, activation: Activation | str, bias: Any = 0) -> Construction:
    """The 2^n-neuron product ``x_1...x_n ~ sum_s (prod s) sigma(b + lam s.x) / (2^n lam^n sigma^(n)(b))``.

    One hidden layer of 2^n neurons with weights ``lam s`` (``s in {-1, 1}^n``) and common bias
    ``b``, output weights ``s_1...s_n / (2^n lam^n sigma^(n)(b))``, no output bias (LTR App. A;
    MATH.md sec. 2). The network is lazy: ``hidden_neurons`` is ``2**n`` but ``.network`` is built
    only on access (and refused beyond ``MAX_EXPLICIT_NEURONS``); ``closed_form(order)`` gives
    the exact error terms ``lam^(2j) (sigma^(n+2j)(b) / sigma^(n)(b)) E_j(x)`` for any n.

    Parameters
    ----------
    n : int
        Number of inputs, ``1 <= n <= 300``.
    activation : Activation or catalogue name
    bias : number, symbol, or None
        Hidden bias b (default 0, the setting of LTR and of the lower bound); ``None`` chooses
        a point where ``sigma^(n)(b) != 0``.

    Raises
    ------
    InvalidInput
        If n is not a positive int.
    HypothesisError
        If ``sigma^(n)(b) = 0`` (e.g. the logistic sigmoid at 0 for even n).

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions import shallow_product
    >>> c = shallow_product(30, activations.generic())
    >>> c.hidden_neurons == 2**30, c.hypotheses[0].statement
    (True, 'sigma^(30)(0) != 0')
    """
    n = positive_int(n, "shallow_product: n (the number of inputs)", maximum=MAX_N)
    xs = input_symbols(n)
    op = gate_point(activation, n, bias, "shallow_product", xs)
    act, b, dn = op.activation, op.bias, op.derivative
    lam = LAM

    def build() -> Network:
        signs = list(itertools.product((1, -1), repeat=n))
        weights = [[lam * si for si in s] for s in signs]
        out = [sp.Integer(math.prod(s)) / (2**n * lam**n * dn) for s in signs]
        return Network.single_hidden_layer(weights, out, act, hidden_bias=b)

    def closed_form(order: int) -> dict[int, sp.Expr]:
        d = act.derivatives(n + order, at=b)
        e = sinh_product_terms((1,) * n, xs, [n + 2 * j for j in range(1, order // 2 + 1)])
        return {2 * j: (d[n + 2 * j] / dn) * e[n + 2 * j] for j in range(1, order // 2 + 1)}

    notes = (
        *op.choice_notes,
        "Seed 000's weights (-1)^|S_j| / (2^n n! sigma_n) satisfy its equations (2)-(3), which drop the 1/k! "
        "of the Taylor series: the network with those weights computes x_1...x_n / n!. The weights and the "
        "equations disagree by n!; the correct output weights are s_1...s_n / (2^n lam^n sigma^(n)(b)).",
        "LTR Eq. 28 omits the normalisation 1/(2^n lam^n sigma^(n)(b)).",
        "Exactly N = sum over multi-indices alpha with all alpha_i odd of sigma^(|alpha|)(b) lam^(|alpha|-n) "
        "x^alpha / (sigma^(n)(b) alpha!); the leading error is lam^2 sigma^(n+2)(b) x_1...x_n "
        "(x_1^2+...+x_n^2) / (6 sigma^(n)(b)).",
        "The construction needs only sigma^(n)(b) != 0; the lower bound m >= 2^n (MATH.md sec. 3) needs "
        "sigma^(k)(0) != 0 for all 0 <= k <= n and the bias-free model.",
    )
    return one_hidden_layer(
        op, hypothesis_source="MATH.md sec. 2", name=f"shallow product (n = {n})", target=sp.Mul(*xs),
        variables=xs, source="LTR App. A (arXiv:1608.08225); seed 000; MATH.md sec. 2", hidden_neurons=2**n,
        build=build, notes=notes, parameters={"n": n}, closed_form=closed_form,
    )

"""Derivatives sigma^(k)(b) as polynomials in one quantity u(b): exact biased systems.

In the ``"biased"`` model (``MATH.md`` section 3) the conditions contain sigma^(k)(b_j) at
unknown biases b_j. For a transcendental activation these are not polynomials in b_j, and the
generic relaxation (free unknowns d_k_j = sigma^(k)(b_j)) forgets every relation between them,
in particular that sigma' may have no zero, which is exactly what makes the minimal width depend
on the activation: for x_1 x_2 the degree-2 conditions need w_j sigma''(b_j) != 0 and a_1, a_2
independent, and then the degree-1 conditions w_1 sigma'(b_1) a_1 + w_2 sigma'(b_2) a_2 = 0 force
sigma'(b_j) = 0.

For the activations below, one quantity u = u(b) solves an autonomous polynomial ODE
u' = F(u), and sigma^(k0) = G(u) is a polynomial in it. The chain rule
d/db P(u(b)) = P'(u) u'(b) then gives every higher derivative as a polynomial:

    sigma^(k0)(b) = G(u),     sigma^(k+1)(b) = F(u) d/du [sigma^(k) as a polynomial in u].

Moreover F(u(b)) != 0 for every real b: u is not constant, and if F(u(b0)) = 0 the constant
function u(b0) would be a second solution of u' = F(u) through (b0, u(b0)), which uniqueness
(F is a polynomial, hence locally Lipschitz) excludes. So every real network gives a solution of
the polynomial system in (w, a, u) together with F(u_j) z_j = 1 (one Rabinowitsch unknown z_j
per neuron), and a Groebner basis {1} of that system rules the width out for this activation.

==========  ======================  ==============  ====  =====
activation  u(b)                    F(u) = u'       k0    G(u)
==========  ======================  ==============  ====  =====
exp         e^b                     u               0     u
sigmoid     1 / (1 + e^(-b))        u (1 - u)       0     u
tanh        tanh b                  1 - u^2         0     u
softplus    1 / (1 + e^(-b))        u (1 - u)       1     u
==========  ======================  ==============  ====  =====

(softplus' is the sigmoid; softplus itself, k = 0, is not a polynomial in u, but the biased
model has an output bias, so its conditions start at degree 1.)
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.polys.domains import QQ
from sympy.polys.rings import ring

from symnet._show import Shows, math, text
from symnet.activations import VARIABLE, Activation
from symnet.errors import InvalidInput

__all__ = ["DERIVATIVE_POLYNOMIALS", "DerivativePolynomials", "U", "derivative_polynomials"]

#: The quantity u in the polynomials.
U = sp.Symbol("u")

_RING, _u = ring("u", QQ)


@dataclass(frozen=True)
class DerivativePolynomials(Shows):
    """sigma^(k)(b) = P_k(u(b)) for k >= ``start``, with u' = F(u) and F(u(b)) != 0.

    Attributes
    ----------
    name : str
        The catalogue activation.
    activation_expr : sympy.Expr
        Its formula in ``x`` (matched against an :class:`Activation`'s ``expr``).
    quantity : sympy.Expr
        u as a function of ``x`` (the bias b).
    field : sympy.Expr
        F, a polynomial in :data:`U` with u' = F(u).
    start : int
        k0, the lowest order that is a polynomial in u.
    start_poly : sympy.Expr
        G, with sigma^(k0) = G(u).
    quantity_text : str
        u as written in messages, with ``{b}`` for the bias (:meth:`describe`).

    Examples
    --------
    >>> from symnet.lower_bounds._derivative_polynomials import DERIVATIVE_POLYNOMIALS
    >>> sig = DERIVATIVE_POLYNOMIALS["sigmoid"]
    >>> sig.derivative(1), sig.derivative(2).factor()
    (-u**2 + u, u*(u - 1)*(2*u - 1))
    >>> sig.nonzero
    u*(1 - u)
    >>> sig.describe("b_1")
    'u_1 = sigmoid(b_1)'
    >>> print(sig.latex())  # doctest: +ELLIPSIS
    \\text{sigmoid: } \\sigma^{(k)}(b) = P_{k}(u) \\;(k \\geq 0), \\quad u = \\frac{1}{1 + e^{- b}}, \\quad ...
    """

    name: str
    activation_expr: sp.Expr
    quantity: sp.Expr
    field: sp.Expr
    start: int
    start_poly: sp.Expr
    quantity_text: str

    @property
    def nonzero(self) -> sp.Expr:
        """F(u), which does not vanish at u(b) for any real b (uniqueness for u' = F(u))."""
        return self.field

    def describe(self, b: str = "b") -> str:
        """``"u = sigmoid(b)"``; with ``b="b_j"`` the quantity is named ``u_j``."""
        u = "u" + b[1:] if b.startswith("b") else "u"
        return f"{u} = {self.quantity_text.format(b=b)}"

    def derivative(self, k: int) -> sp.Expr:
        """P_k(u) with sigma^(k)(b) = P_k(u(b)), by P_(k+1) = F P_k' from P_(k0) = G."""
        if isinstance(k, bool) or not isinstance(k, int) or k < self.start:
            raise InvalidInput(f"{self.name}: sigma^(k)(b) is a polynomial in {self.describe()} only for "
                               f"integer k >= {self.start}, got k = {k!r}")
        field = _RING(self.field)
        poly = _RING(self.start_poly)
        for _ in range(k - self.start):
            poly = field * poly.diff(_u)
        return poly.as_expr(U)

    def __str__(self) -> str:
        return (f"{self.name}: sigma^(k)(b) polynomials in {self.describe()}, u' = {self.field}, "
                f"{self.field} != 0")

    def latex(self) -> str:
        """sigma^(k)(b) = P_k(u), u(b), u' = F(u) != 0 (a math-mode LaTeX fragment)."""
        b = sp.Symbol("b")
        return (f"{text(f'{self.name}: ')} \\sigma^{{(k)}}(b) = P_{{k}}(u) \\;(k \\geq {self.start}), \\quad "
                f"u = {math(self.quantity.xreplace({VARIABLE: b}))}, \\quad u' = {math(self.field)} \\neq 0")


_b = VARIABLE
_sigmoid = 1 / (1 + sp.exp(-_b))

#: The activations whose biased conditions symnet writes exactly as polynomials.
DERIVATIVE_POLYNOMIALS = {
    p.name: p
    for p in (
        DerivativePolynomials("exp", sp.exp(_b), sp.exp(_b), U, 0, U, "exp({b})"),
        DerivativePolynomials("sigmoid", _sigmoid, _sigmoid, U * (1 - U), 0, U, "sigmoid({b})"),
        DerivativePolynomials("tanh", sp.tanh(_b), sp.tanh(_b), 1 - U**2, 0, U, "tanh({b})"),
        DerivativePolynomials("softplus", sp.log(sp.exp(_b) + 1), _sigmoid, U * (1 - U), 1, U,
                              "sigmoid({b}) = softplus'({b})"),
    )
}


def derivative_polynomials(activation: Activation) -> DerivativePolynomials | None:
    """The parametrisation of this activation's derivatives (matched by its formula), or None.

    Examples
    --------
    >>> from symnet.activations import from_expression, get
    >>> from symnet.lower_bounds._derivative_polynomials import derivative_polynomials
    >>> derivative_polynomials(get("tanh")).describe()
    'u = tanh(b)'
    >>> derivative_polynomials(from_expression("1/(1 + exp(-x))")).name
    'sigmoid'
    >>> derivative_polynomials(get("cos")) is None
    True
    """
    if activation.is_generic:
        return None
    for p in DERIVATIVE_POLYNOMIALS.values():
        if activation.expr == p.activation_expr:
            return p
    return None

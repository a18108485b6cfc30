"""The product of k bits with one sigmoid neuron (LTR Sec. II; seed 000; ``MATH.md`` section 5).

For bits x in {0,1}^k, ``x_1 ... x_k = lim_{beta -> oo} sigma(beta (x_1 + ... + x_k - k + 1/2))``
with the logistic sigmoid sigma(z) = 1/(1 + e^(-z)). If m of the k bits are 1 the
pre-activation is beta (m - k + 1/2): for m = k it is beta/2 (output sigma(beta/2), target 1),
for m < k it is at most -beta/2 (target 0). Since 1 - sigma(z) = sigma(-z) and sigma increases,
the worst-case error over {0,1}^k is exactly

    E(beta) = 1 - sigma(beta/2) = sigma(-beta/2) = 1 / (1 + e^(beta/2)),

attained at m = k and at m = k - 1, for every k >= 1.

"D correct decimals" is made precise here as E(beta) < 10^(-D) (the criterion of ``MATH.md``):

    1/(1 + e^(beta/2)) < 10^(-D)  <=>  e^(beta/2) > 10^D - 1  <=>  beta > 2 ln(10^D - 1),

about 2 D ln 10 (46.05 for D = 10). With the stricter rounding criterion E(beta) < 10^(-D)/2
(rounding the output to D decimals returns the bit exactly), beta > 2 ln(2 * 10^D - 1).
LTR's ``beta > D ln 10 ~ 23 for D = 10`` is half the needed value: at beta = 23 the worst-case
error is 1/(1 + e^11.5) = 1.013e-5, i.e. 4 correct decimals by either criterion (it exceeds 10^-5),
not 10. In general beta = D ln 10 gives an error of about 10^(-D/2): half the decimals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symnet._validation import positive_int
from symnet.activations import get as get_activation
from symnet.activations._activation import exact_number
from symnet.constructions._base import LAM, Construction, Hypothesis
from symnet.errors import InvalidInput
from symnet.network import Network, input_symbols

__all__ = ["LTR_BETA_CLAIM", "BetaThreshold", "binary_product", "positive_beta", "required_beta", "worst_case_error"]

SOURCE = "LTR Sec. II (binary inputs); seed 000; MATH.md sec. 5"

#: LTR's claim for D = 10 decimals: beta > D ln 10, "about 23".
LTR_BETA_CLAIM = 23

LTR_CORRECTION = (
    "LTR state that D correct decimals need beta > D ln 10 (about 23 for D = 10). The worst-case "
    "error is 1/(1 + e^(beta/2)), so D decimals (error < 10^-D) need beta > 2 ln(10^D - 1), about "
    "2 D ln 10 (46.05 for D = 10); at beta = 23 the error is 1/(1 + e^11.5), about 1.013e-5 "
    "(4 correct decimals, not 10)."
)


def positive_beta(beta: Any, what: str = "beta") -> sp.Expr:
    """The steepness beta as an exact positive number or positive symbolic expression.

    Shared by :func:`binary_product` and :mod:`symnet.bayes`. Text is refused (never parsed);
    floats are read as the decimal they print as.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.constructions.binary import positive_beta
    >>> positive_beta(0.5), positive_beta(sp.Symbol("b", positive=True))
    (1/2, b)
    """
    if isinstance(beta, str):
        raise InvalidInput(f"{what} must be a positive number or a positive sympy symbol, got the str {beta!r}")
    value = exact_number(beta, what, allow_symbols=True)
    if value.is_positive is False or value.is_zero:
        raise InvalidInput(f"{what} must be positive (the neuron's steepness), got {value}")
    if value.is_positive is None:
        raise InvalidInput(f"{what} must be a positive number or a positive symbol "
                           f"(e.g. Symbol('b', positive=True)), got {value}")
    return value


def _beta(beta: Any) -> sp.Expr:
    """beta, or 1/lam when None (symnet's scale convention)."""
    return 1 / LAM if beta is None else positive_beta(beta)


def worst_case_error(beta: Any) -> sp.Expr:
    """The exact worst-case error max_{x in {0,1}^k} |N(x) - x_1...x_k| = 1/(1 + e^(beta/2)).

    The same for every k >= 1 (attained at k and at k - 1 ones). ``beta`` is a positive exact
    number or a positive symbol.

    Examples
    --------
    >>> from symnet.constructions.binary import worst_case_error
    >>> worst_case_error(23)
    1/(1 + exp(23/2))
    >>> print(f"{float(worst_case_error(23)):.4e}")  # LTR's beta for "10 decimals": only 4 (> 1e-5)
    1.0130e-05
    """
    if beta is None:
        raise InvalidInput("worst_case_error needs beta (a positive number or symbol)")
    return 1 / (1 + sp.exp(_beta(beta) / 2))


@dataclass(frozen=True)
class BetaThreshold:
    """The steepness beta beyond which the one-neuron bit product has D correct decimals.

    Any beta strictly greater than ``exact`` works; at beta = ``exact`` the worst-case error
    equals ``tolerance``.

    Attributes
    ----------
    digits : int
        D.
    criterion : str
        ``"error < 10^-D"`` (default, as in MATH.md) or ``"error < 10^-D / 2"`` (rounding).
    tolerance : sympy.Rational
        10^-D or 10^-D / 2 (beyond D = 100 written as the power ``10**(-D)``).
    exact : sympy.Expr
        2 ln(10^D - 1), or 2 ln(2 10^D - 1) for the rounding criterion.
    value : float
        ``exact`` as a float.
    """

    digits: int
    criterion: str
    tolerance: sp.Rational
    exact: sp.Expr
    value: float

    def __float__(self) -> float:
        return self.value

    def __str__(self) -> str:
        return f"beta > {self.exact} ~ {self.value:.6g} ({self.criterion}, D = {self.digits})"


#: Largest D accepted by :func:`required_beta` (sympy evaluates 10^D when it checks signs).
MAX_DIGITS = 10**6
#: Beyond this D the integers 10^D are written as powers (readable; Python prints at most 4300 digits).
MAX_WRITTEN_DIGITS = 100


def required_beta(digits: int, *, rounding: bool = False) -> BetaThreshold:
    """The beta needed for ``digits`` correct decimals of the bit product (any k).

    Derivation: 1/(1 + e^(beta/2)) < t  <=>  beta > 2 ln(1/t - 1). With t = 10^-D (the default,
    "error < 10^-D") this is 2 ln(10^D - 1) ~ 2 D ln 10; with ``rounding=True``
    (t = 10^-D / 2: rounding to D decimals returns the exact bit) it is 2 ln(2 10^D - 1).

    Examples
    --------
    >>> from symnet.constructions.binary import required_beta
    >>> t = required_beta(10)
    >>> t.exact, round(t.value, 4)
    (2*log(9999999999), 46.0517)
    >>> print(required_beta(2, rounding=True))
    beta > 2*log(199) ~ 10.5866 (error < 10^-D / 2, D = 2)
    """
    d = positive_int(digits, "the number of decimals D", maximum=MAX_DIGITS)
    if not isinstance(rounding, bool):
        raise InvalidInput(f"rounding must be True or False, got {rounding!r}")
    criterion = "error < 10^-D / 2" if rounding else "error < 10^-D"
    if d <= MAX_WRITTEN_DIGITS:
        tolerance = sp.Rational(1, 10**d) / (2 if rounding else 1)
        exact = 2 * sp.log(1 / tolerance - 1)
        return BetaThreshold(d, criterion, tolerance, exact, float(sp.N(exact, 30)))
    # 10^D as a power (its digits would exceed Python's int-to-str limit); the value from
    # 2 ln(c 10^D - 1) = 2 (D ln 10 + ln c + ln(1 - 10^-D / c)), the last term below 10^-100
    c = 2 if rounding else 1
    power = sp.Pow(10, d, evaluate=False)
    tolerance = sp.Pow(10, -d, evaluate=False)
    tolerance = tolerance if c == 1 else sp.Mul(sp.Rational(1, c), tolerance, evaluate=False)
    exact = 2 * sp.log(sp.Add(power if c == 1 else sp.Mul(c, power, evaluate=False), -1, evaluate=False))
    return BetaThreshold(d, criterion, tolerance, exact, 2 * (d * math.log(10) + math.log(c)))


def binary_product(k: int, beta: Any = None) -> Construction:
    """One sigmoid neuron computing the product of k bits: sigma(beta (sum_i x_i - k + 1/2)).

    Parameters
    ----------
    k : int
        Number of bits, k >= 1.
    beta : positive exact number or positive symbol, optional
        The steepness. Default: beta = 1/lam, so that the construction follows symnet's scale
        convention (weights contain lam, exact as lam -> 0).

    Returns
    -------
    Construction
        One hidden neuron (logistic sigmoid), input weights beta, hidden bias -beta (k - 1/2),
        output weight 1, no output bias. The target x_1...x_k is meant on {0,1}^k only (the
        hypothesis records it); ``parameters["worst_case_error"]`` is 1/(1 + e^(beta/2)).
        The error is exponentially small in beta, not a power series in lam.

    Examples
    --------
    >>> from symnet.constructions import binary_product
    >>> c = binary_product(3, beta=40)
    >>> c.hidden_neurons, c.depth, c.target
    (1, 1, x_1*x_2*x_3)
    >>> c.parameters["worst_case_error"]
    1/(1 + exp(20))
    >>> print(f"{float(c.network.mpmath([1, 1, 0], dps=20)):.6e}")  # = 1/(1 + e^20)
    2.061154e-09
    """
    k = positive_int(k, "k (the number of bits)")
    b = _beta(beta)
    xs = input_symbols(k)
    half = sp.Rational(1, 2)

    def build() -> Network:
        return Network.single_hidden_layer(
            input_weights=[[b] * k],
            output_weights=[1],
            activation=get_activation("sigmoid"),
            hidden_bias=[-b * (k - half)],
        )

    return Construction(
        name=f"binary_product(k={k})",
        target=sp.Mul(*xs),
        variables=xs,
        scale=LAM,
        activation=get_activation("sigmoid"),
        hypotheses=(
            Hypothesis("inputs are bits: x_i in {0, 1}", None, source=SOURCE),
            Hypothesis("beta > 0", True, b, source=SOURCE),
        ),
        source=SOURCE,
        hidden_neurons=1,
        depth=1,
        build=build,
        notes=(
            "worst-case error over {0,1}^k is 1/(1 + e^(beta/2)) (at k and at k - 1 ones)",
            LTR_CORRECTION,
        ),
        parameters={"k": k, "beta": b, "worst_case_error": 1 / (1 + sp.exp(b / 2))},
    )

"""Exact neuron counts of the constructions and the bounds of the sources (``MATH.md`` section 4, 5).

Closed formulas, used for flattening-cost tables (LTR Eqs. 25-26) and checked by the tests
against the hidden-neuron counts of the explicit networks:

- deep product tree (:func:`~symnet.constructions.deep_product`): n - 1 multiplication gates,
  4(n - 1) neurons, L = ceil(log2 n) hidden layers, plus one copy neuron at every level whose
  number of signals ceil(n / 2^l) is odd (l = 0..L-1);
- shallow product: 2^n (LTR App. A); monomial x^r in one hidden layer: prod(r_i + 1) (RT II.1);
- RT's deep bound sum_i (7 ceil(log2 r_i) + 4) (RT II.1; terms with r_i = 0 are absent);
- RT III.1: the product with k hidden layers, n = b_1 ... b_k, has width
  sum_i (prod_{j>i} b_j) 2^(b_i);
- RT Cor. II.3: C(n, floor(n/2)) when only sigma^(n) != 0 is assumed;
- seed 000's polynomial count: 4 n^d + n^(d-1) + ... + n <= 5 n^d (last layer of the degree-d
  construction; true for n >= 2, false for n = 1 and d >= 3);
- LTR's "4n" for the deep product and "4n = 160 for n = 32" (both slips).

Examples
--------
>>> from symnet.constructions import counts
>>> counts.deep_product_count(8)
TreeCount(n=8, gates=7, copies=0, neurons=28, depth=3)
>>> counts.shallow_product_neurons(8), counts.deep_product_neurons(32), counts.ltr_deep_product_claim(32)
(256, 124, 128)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from symnet._validation import positive_int
from symnet.constructions.monomial import parse_exponents
from symnet.errors import InvalidInput, TooLargeError

__all__ = [
    "LTR_DEEP_PRODUCT_EXAMPLE",
    "TreeCount",
    "binomial_lower_bound",
    "deep_product_copies",
    "deep_product_count",
    "deep_product_depth",
    "deep_product_neurons",
    "ltr_deep_product_claim",
    "monomial_neurons",
    "rt_deep_bound",
    "rt_layered_width",
    "rt_layered_width_min",
    "rt_univariate_deep_bound",
    "seed_polynomial_bound",
    "seed_polynomial_last_layer",
    "seed_polynomial_total",
    "shallow_product_neurons",
]

#: LTR's example: "4n = 160 for n = 32". 4 * 32 = 128, and the tree needs 4 * 31 = 124.
LTR_DEEP_PRODUCT_EXAMPLE = {"n": 32, "claimed": 160, "4n": 128, "tree": 124}


@dataclass(frozen=True)
class TreeCount:
    """Gates, copy neurons, hidden neurons and hidden layers of the deep product tree."""

    n: int
    gates: int
    copies: int
    neurons: int
    depth: int


def deep_product_depth(n: int) -> int:
    """ceil(log2 n), the number of hidden layers of the tree (0 for n = 1)."""
    n = positive_int(n, "n")
    return (n - 1).bit_length()


def deep_product_copies(n: int) -> int:
    """Copy neurons of the tree: the levels l = 0..L-1 where ceil(n / 2^l) is odd."""
    n = positive_int(n, "n")
    return sum(1 for level in range(deep_product_depth(n)) if (-(-n // 2**level)) % 2)


def deep_product_count(n: int) -> TreeCount:
    """The counts of the deep product tree for n inputs."""
    n = positive_int(n, "n")
    copies = deep_product_copies(n)
    return TreeCount(n, n - 1, copies, 4 * (n - 1) + copies, deep_product_depth(n))


def deep_product_neurons(n: int) -> int:
    """4(n - 1) + copies: hidden neurons of the deep product tree."""
    return deep_product_count(n).neurons


def ltr_deep_product_claim(n: int) -> int:
    """LTR's count 4n for the deep product (a slip: the tree has n - 1 gates)."""
    return 4 * positive_int(n, "n")


def shallow_product_neurons(n: int) -> int:
    """2^n, the single-hidden-layer product (LTR App. A), minimal in the bias-free model."""
    return 2 ** positive_int(n, "n")


def monomial_neurons(exponents: Sequence[int]) -> int:
    """prod(r_i + 1): RT's single-hidden-layer width for x^r (Thm. II.1)."""
    return math.prod(r + 1 for r in parse_exponents(exponents))


def rt_deep_bound(exponents: Sequence[int]) -> int:
    """RT's deep bound sum_i (7 ceil(log2 r_i) + 4) over the variables with r_i >= 1 (Thm. II.1)."""
    return sum(7 * (r - 1).bit_length() + 4 for r in parse_exponents(exponents) if r >= 1)


def rt_univariate_deep_bound(d: int) -> int:
    """7 ceil(log2 d): RT's deep bound for x^d (MATH.md sec. 4)."""
    return 7 * (positive_int(d, "d") - 1).bit_length()


def rt_layered_width(factors: Sequence[int]) -> int:
    """RT III.1: the product of n = b_1 ... b_k inputs with k hidden layers has width
    sum_i (prod_{j>i} b_j) 2^(b_i) (layer i multiplies groups of b_i signals with 2^(b_i) neurons each).

    Examples
    --------
    >>> from symnet.constructions.counts import rt_layered_width
    >>> rt_layered_width([4]), rt_layered_width([2, 2]), rt_layered_width([2, 2, 2])
    (16, 12, 28)
    """
    if isinstance(factors, (str, bytes)) or not isinstance(factors, Sequence) or not factors:
        raise InvalidInput(f"factors must be a non-empty sequence of positive ints b_1..b_k, got {factors!r}")
    bs = [positive_int(b, f"factor {i}") for i, b in enumerate(factors)]
    return sum(math.prod(bs[i + 1:]) * 2 ** bs[i] for i in range(len(bs)))


MAX_LAYERED_N = 10**6


def rt_layered_width_min(n: int, k: int) -> tuple[int, tuple[int, ...]]:
    """The smallest RT III.1 width over ordered factorisations n = b_1 ... b_k, and the factors.

    Examples
    --------
    >>> from symnet.constructions.counts import rt_layered_width_min
    >>> rt_layered_width_min(16, 1), rt_layered_width_min(16, 2), rt_layered_width_min(16, 4)
    ((65536, (16,)), (80, (4, 4)), (60, (2, 2, 2, 2)))
    """
    n = positive_int(n, "n")
    k = positive_int(k, "k (hidden layers)")
    if n > MAX_LAYERED_N:
        raise TooLargeError(f"rt_layered_width_min: n = {n} is beyond {MAX_LAYERED_N}")

    @cache
    def best(m: int, layers: int) -> tuple[int, tuple[int, ...]]:
        # the last factor b_k of m: width = prod(rest... ) handled by recursion on the prefix
        if layers == 1:
            return 2**m, (m,)
        options = []
        for last in range(1, m + 1):
            if m % last:
                continue
            sub, facs = best(m // last, layers - 1)
            # the prefix layers are multiplied by the number of groups, `last`, at the top
            options.append((sub * last + 2**last, (*facs, last)))
        return min(options)

    return best(n, k)


def binomial_lower_bound(n: int) -> int:
    """C(n, floor(n/2)): RT Cor. II.3's lower bound when only sigma^(n) != 0 is assumed."""
    n = positive_int(n, "n")
    return math.comb(n, n // 2)


def seed_polynomial_last_layer(n: int, d: int) -> int:
    """Seed 000's count for degree d: 4 n^d + n^(d-1) + ... + n (products and copies of the last layer)."""
    n = positive_int(n, "n")
    d = positive_int(d, "d", 2)
    return 4 * n**d + sum(n**j for j in range(1, d))


def seed_polynomial_bound(n: int, d: int) -> int:
    """Seed 000's bound 5 n^d for :func:`seed_polynomial_last_layer` (valid for n >= 2)."""
    return 5 * positive_int(n, "n") ** positive_int(d, "d", 2)


def seed_polynomial_total(n: int, d: int) -> int:
    """The seed's construction summed over its layers k = 2..d: sum_k (4 n^k + n^(k-1) + ... + n)."""
    d = positive_int(d, "d", 2)
    return sum(seed_polynomial_last_layer(n, k) for k in range(2, d + 1))

"""A lower bound valid for every model and activation: catalecticant (apolarity) ranks.

Each neuron contributes w_j sigma^(k)(b_j) (a_j . x)^k / k! to the degree-k part of the network, so
a network of width m that matches p writes each homogeneous part p_k (k >= 1) as a sum of at most
m k-th powers of linear forms. The catalecticant C_s(p_k)[beta, gamma] = [x^gamma] d^beta p_k
(|beta| = s, |gamma| = k - s) then has rank <= m, whatever the activation, the biases or the
output bias ([RT Cor. II.3], which gives C(n, floor(n/2)) for the product; Sylvester's apolarity).
It is weaker than the theorem (C(n, n/2) against 2^n) but needs no hypothesis, which makes it
the certified lower bound when the theorem's hypotheses fail (sigma = x^2: width 2 for uv).
"""

from __future__ import annotations

import math
from typing import Any

import flint
import numpy as np

from symnet.lower_bounds._certificates import CatalecticantCertificate
from symnet.lower_bounds._conditions import Target, as_target
from symnet.lower_bounds._linalg import PRIME, mod_p, pivots

__all__ = ["MAX_CATALECTICANT", "catalecticant_bound"]

#: Largest catalecticant (rows x columns) built.
MAX_CATALECTICANT = 4_000_000


def _divisors(alphas: list[tuple[int, ...]], s: int) -> list[tuple[int, ...]]:
    """All beta with |beta| = s and beta <= alpha for some alpha (the only nonzero rows)."""
    out = set()

    def rec(alpha: tuple[int, ...], i: int, left: int, cur: list[int]) -> None:
        if i == len(alpha):
            if left == 0:
                out.add(tuple(cur))
            return
        for e in range(min(alpha[i], left) + 1):
            cur.append(e)
            rec(alpha, i + 1, left - e, cur)
            cur.pop()

    for alpha in alphas:
        rec(alpha, 0, s, [])
    return sorted(out, reverse=True)


def catalecticant_bound(target: Any, p: int = PRIME) -> CatalecticantCertificate | None:
    """The largest catalecticant rank of the target's homogeneous parts, as a certificate.

    Returns None when no part of degree >= 1 exists (never, for a valid target).

    Examples
    --------
    >>> from symnet.lower_bounds import catalecticant_bound
    >>> cert = catalecticant_bound(4)       # x_1 x_2 x_3 x_4: C(4, 2) = 6
    >>> cert.rank, cert.check()
    (6, True)
    >>> catalecticant_bound((3,)).rank      # x^3 is one cube
    1
    """
    tgt: Target = as_target(target)
    best: CatalecticantCertificate | None = None
    for k in tgt.degrees():
        if k == 0:
            continue
        part = {alpha: c for alpha, c in tgt.terms if sum(alpha) == k}
        alphas = list(part)
        for s in range(0, k // 2 + 1):  # C_s and C_(k-s) are transposes: same rank
            rows = _divisors(alphas, s)
            cols = _divisors(alphas, k - s)
            if len(rows) * len(cols) > MAX_CATALECTICANT or min(len(rows), len(cols)) <= (best.rank if best else 0):
                continue
            col_index = {g: j for j, g in enumerate(cols)}
            mat = np.zeros((len(rows), len(cols)), dtype=np.int64)
            for i, beta in enumerate(rows):
                for alpha, c in part.items():
                    gamma = tuple(a - b for a, b in zip(alpha, beta, strict=True))
                    if min(gamma) < 0:
                        continue
                    factor = math.prod(math.factorial(a) // math.factorial(g) for a, g in zip(alpha, gamma,
                                                                                              strict=True))
                    mat[i, col_index[gamma]] = mod_p(c * factor, p)
            nm = flint.nmod_mat(mat.tolist(), p)
            rref, rank = nm.rref()
            if best is not None and rank <= best.rank:
                continue
            pc = pivots(rref, rank)
            sub = flint.nmod_mat(mat[:, pc].T.tolist(), p)
            rref_t, rank_t = sub.rref()
            pr = pivots(rref_t, rank_t)
            best = CatalecticantCertificate(tgt, k, s, tuple(rows[i] for i in pr), tuple(cols[j] for j in pc), p)
    return best

"""An independent re-check of ranks modulo a prime: Gaussian elimination in numpy int64.

The certificates are produced with python-flint (``nmod_mat``, ``fmpq_mat``); their ``check()``
methods re-verify rank claims with this small, separate implementation, so that a bug in one
backend cannot confirm itself. Entries are residues mod p < 2^31, so a product of two residues
is below 2^62 and never overflows int64.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from symnet.errors import InvalidInput

__all__ = ["power_rows_mod", "rank_mod", "residue"]


def residue(value: Any, p: int) -> int:
    """A rational number mod p (via :class:`fractions.Fraction`)."""
    q = Fraction(value) if not hasattr(value, "p") else Fraction(int(value.p), int(value.q))
    if q.denominator % p == 0:
        raise InvalidInput(f"the prime {p} divides the denominator of {q}")
    return q.numerator * pow(q.denominator, -1, p) % p


def power_rows_mod(points: Sequence[Sequence[Any]], exponents: Sequence[Sequence[int]], p: int) -> np.ndarray:
    """The matrix [prod_i points[j][i]^t_i mod p] with rows t in ``exponents`` and columns j."""
    if p >= 2**31:
        raise InvalidInput(f"the numpy re-check needs a prime below 2^31, got {p}")
    pts = np.array([[residue(v, p) for v in row] for row in points], dtype=np.int64).reshape(len(points), -1)
    out = np.ones((len(exponents), len(points)), dtype=np.int64)
    for r, t in enumerate(exponents):
        row = np.ones(len(points), dtype=np.int64)
        for i, e in enumerate(t):
            if e:
                col = np.array([pow(int(v), int(e), p) for v in pts[:, i]], dtype=np.int64)
                row = row * col % p
        out[r] = row
    return out


def rank_mod(matrix: np.ndarray, p: int) -> int:
    """The rank of an int64 matrix of residues mod p (p < 2^31), by plain Gaussian elimination."""
    a = np.array(matrix, dtype=np.int64) % p
    if a.ndim != 2:
        raise InvalidInput("rank_mod needs a 2-d matrix")
    if a.shape[0] > a.shape[1]:
        a = a.T.copy()
    rows, cols = a.shape
    rank = 0
    for c in range(cols):
        if rank == rows:
            break
        nz = np.nonzero(a[rank:, c])[0]
        if nz.size == 0:
            continue
        piv = rank + int(nz[0])
        if piv != rank:
            a[[rank, piv]] = a[[piv, rank]]
        inv = pow(int(a[rank, c]), -1, p)
        a[rank] = a[rank] * inv % p
        below = a[rank + 1:, c].copy()
        mask = below != 0
        if mask.any():
            idx = np.nonzero(mask)[0] + rank + 1
            a[idx, c:] = (a[idx, c:] - (below[mask][:, None] * a[rank, c:][None, :]) % p) % p
        rank += 1
    return rank

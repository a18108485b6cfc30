"""Exact and modular linear algebra for the certificates (python-flint underneath).

Why a rank computed modulo a prime p certifies a rank over Q: clear denominators so that the
matrix A has integer entries (scaling rows or columns by nonzero integers does not change the
rank). If some r x r minor of A is nonzero mod p, that minor, an integer, is nonzero, so
rank_Q(A) >= r. Reduction mod p can only lose rank (a nonzero integer may be divisible by p),
never create it: ``rank_p(A) <= rank_Q(A)``. Hence a *full* rank mod p (full row or column rank)
is the exact rank over Q, and a rank-deficient result mod p proves nothing (it needs the exact
computation). The prime used by default is p = 2^31 - 1, so that products of two residues fit
in 64 bits (the numpy re-check of :mod:`._modular` relies on it).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import flint
import numpy as np

from symnet.errors import InvalidInput

__all__ = [
    "PRIME",
    "int64_safe",
    "integer_dot",
    "left_null_vector",
    "mod_p",
    "pivots",
    "power_matrix",
    "select_independent_rows",
    "solve_square",
]

#: The default prime 2^31 - 1 (a Mersenne prime).
PRIME = 2**31 - 1


def power_matrix(points: Sequence[Sequence[Any]], rows: Sequence[tuple[int, ...]],
                 den: int | None = None) -> tuple[np.ndarray, int]:
    """Integers Z and D with a_j^t = Z[t, j] / D^|t| for rational points a_j (D: common denominator).

    Row t is computed from the row t - e_i (i the last nonzero coordinate of t) when that row
    came earlier, so a list ordered by degree costs one vector product per row. int64 is used
    when max |D a_ij|^|t| stays below 2^62, Python ints otherwise.
    """
    pts = [[(int(v.p), int(v.q)) if hasattr(v, "p") else (v.numerator, v.denominator) for v in a] for a in points]
    if den is None:
        den = math.lcm(1, *[q for a in pts for _, q in a])
    num = np.array([[p * (den // q) for p, q in a] for a in pts], dtype=object).reshape(len(pts), -1).T
    top = max((sum(t) for t in rows), default=0)
    big = max((abs(int(v)) for v in num.flat), default=0)
    dtype = np.int64 if big <= 1 or big ** max(top, 1) < 2**62 else object
    num = num.astype(dtype)
    out = np.empty((len(rows), len(pts)), dtype=dtype)
    index: dict[tuple[int, ...], int] = {}
    for r, t in enumerate(rows):
        index[t] = r
        nz = [i for i, e in enumerate(t) if e]
        if not nz:
            out[r] = 1
            continue
        i = nz[-1]
        parent = (*t[:i], t[i] - 1, *t[i + 1:])
        if parent in index:
            out[r] = out[index[parent]] * num[i]
        else:
            row = np.ones(len(pts), dtype=dtype)
            for k, e in enumerate(t):
                for _ in range(e):
                    row = row * num[k]
            out[r] = row
    return out, den


def power_matrix_mod(points: Sequence[Sequence[Any]], rows: Sequence[tuple[int, ...]], p: int) -> np.ndarray:
    """The integer matrix of :func:`power_matrix` reduced mod p (int64), without forming big integers."""
    pts = [[(int(v.p), int(v.q)) if hasattr(v, "p") else (v.numerator, v.denominator) for v in a] for a in points]
    den = math.lcm(1, *[q for a in pts for _, q in a])
    num = np.array([[(p_ * (den // q)) % p for p_, q in a] for a in pts], dtype=np.int64).reshape(len(pts), -1).T
    out = np.empty((len(rows), len(pts)), dtype=np.int64)
    index: dict[tuple[int, ...], int] = {}
    for r, t in enumerate(rows):
        index[t] = r
        nz = [i for i, e in enumerate(t) if e]
        if not nz:
            out[r] = 1
            continue
        i = nz[-1]
        parent = (*t[:i], t[i] - 1, *t[i + 1:])
        if parent in index:
            out[r] = out[index[parent]] * num[i] % p
        else:
            row = np.ones(len(pts), dtype=np.int64)
            for k, e in enumerate(t):
                for _ in range(e):
                    row = row * num[k] % p
            out[r] = row
    return out


def mod_p(value: Any, p: int) -> int:
    """The residue of a rational number mod p (raises if p divides its denominator)."""
    if isinstance(value, int):
        return value % p
    q = Fraction(int(value.numerator if hasattr(value, "numerator") else value.p),
                 int(value.denominator if hasattr(value, "denominator") else value.q))
    if q.denominator % p == 0:
        raise InvalidInput(f"the prime {p} divides the denominator of {q}; use another prime")
    return q.numerator * pow(q.denominator, -1, p) % p


def int64_safe(arr: np.ndarray, factor: int = 1) -> bool:
    """Whether the integer array's entries times ``factor`` fit comfortably in int64."""
    if arr.size == 0:
        return True
    big = max(abs(int(arr.max())), abs(int(arr.min())))
    return big * max(abs(factor), 1) < 2**62


def pivots(rref: Any, rank: int) -> list[int]:
    """The pivot columns of a row-reduced flint matrix (nmod_mat or fmpq_mat) of the given rank."""
    out, col = [], 0
    for i in range(rank):
        while rref[i, col] == 0:
            col += 1
        out.append(col)
        col += 1
    return out


def select_independent_rows(matrix: np.ndarray, p: int = PRIME, seed: int = 0, first: Sequence[int] = (),
                            progress: Any = None) -> list[int]:
    """Indices of rows of an integer matrix that are linearly independent mod p, as many as possible.

    Rows that are zero or scalar multiples of an earlier row mod p are dropped first (the 2^n
    construction has 12870 rows but only 256 distinct ones up to scale). The remaining rows are
    scanned in chunks (``first`` ones, then a seeded random order); each chunk is appended to the
    current independent set and the pivots of the row-reduced transpose keep the independent ones
    (row reduction picks pivots left to right, so earlier rows stay). The scan stops as soon as
    the set has one row per column (full column rank mod p, hence over Q). Independent mod p
    implies independent over Q (see the module docstring).
    """
    nrows, ncols = matrix.shape
    res = residues(matrix, p)
    nonzero = res != 0
    live = np.nonzero(nonzero.any(axis=1))[0]
    lead_col = np.argmax(nonzero[live], axis=1)
    lead = res[live, lead_col]
    inv = np.array([pow(int(v), -1, p) for v in lead], dtype=np.int64)
    normed = np.ascontiguousarray(res[live] * inv[:, None] % p)
    preferred = {int(i) for i in first}
    rep: dict[bytes, int] = {}
    for pos in range(len(live)):
        key = normed[pos].tobytes()
        row = int(live[pos])
        if key not in rep or (row in preferred and rep[key] not in preferred):
            rep[key] = row
    reps = sorted(rep.values())
    order = [i for i in dict.fromkeys(int(i) for i in first) if i in set(reps)]
    taken = set(order)
    rest = [i for i in reps if i not in taken]
    random.Random(seed).shuffle(rest)
    order += rest
    if progress is not None:
        progress(f"{len(order)} distinct nonzero rows (up to scale) of {nrows}")
    basis: list[int] = []
    chunk = max(2 * ncols, 64)
    pos = 0
    while pos < len(order) and len(basis) < ncols:
        batch = order[pos:pos + chunk]
        pos += len(batch)
        cand = basis + batch
        sub = res[cand]
        mat = flint.nmod_mat(sub.T.tolist(), p)
        rref, rank = mat.rref()
        basis = [cand[c] for c in pivots(rref, rank)]
        if progress is not None:
            progress(f"independent rows mod {p}: {len(basis)} of at most {ncols} after scanning {pos} of {len(order)}")
    return basis


def solve_square(matrix: Sequence[Sequence[Any]], rhs: Sequence[Any]) -> list[Fraction]:
    """The exact solution x of a nonsingular square rational system (flint fmpq_mat)."""
    a = flint.fmpq_mat([[_fmpq(v) for v in row] for row in matrix])
    b = flint.fmpq_mat([[_fmpq(v)] for v in rhs])
    x = a.solve(b)
    return [Fraction(int(x[i, 0].p), int(x[i, 0].q)) for i in range(x.nrows())]


def left_null_vector(matrix: Sequence[Sequence[Any]]) -> list[Fraction]:
    """A nonzero y with y^T A = 0 for an (r + 1) x r rational matrix A of rank r."""
    a = flint.fmpq_mat([[_fmpq(v) for v in row] for row in matrix])
    num, _den = a.numer_denom()
    null, nullity = num.transpose().nullspace()
    if nullity < 1:
        raise ArithmeticError("left_null_vector: the rows are independent")
    return [Fraction(int(null[i, 0])) for i in range(null.nrows())]


def residues(matrix: np.ndarray, p: int) -> np.ndarray:
    """The whole integer matrix reduced mod p, as int64."""
    if matrix.dtype == object:
        return np.mod(matrix, p).astype(np.int64)
    return np.mod(matrix.astype(np.int64), p)


def solve_mod(matrix: np.ndarray, rhs: np.ndarray, p: int) -> np.ndarray:
    """x with matrix x = rhs mod p, for a square matrix nonsingular mod p (flint nmod_mat)."""
    a = flint.nmod_mat(matrix.tolist(), p)
    b = flint.nmod_mat([[int(v)] for v in rhs], p)
    x = a.solve(b)
    return np.array([int(x[i, 0]) for i in range(x.nrows())], dtype=np.int64)


def matvec_mod(matrix: np.ndarray, vector: np.ndarray, p: int) -> np.ndarray:
    """matrix @ vector mod p for residues below 2^31, in int64 without overflow.

    The vector is split into 16-bit halves, so each product is below 2^47 and a sum of up to
    2^16 of them stays below 2^63.
    """
    if matrix.shape[1] >= 2**16:
        raise InvalidInput("matvec_mod handles at most 65535 columns")
    lo = vector & 0xFFFF
    hi = vector >> 16
    part_hi = (matrix @ hi) % p
    part_lo = (matrix @ lo) % p
    return (part_hi * 65536 + part_lo) % p


def integer_dot(matrix: np.ndarray, vector: Sequence[int]) -> list[int]:
    """matrix @ vector exactly (int64 when it cannot overflow, Python ints otherwise)."""
    vec = np.array([int(v) for v in vector], dtype=object)
    bound = max((abs(int(v)) for v in vector), default=0) * matrix.shape[1]
    if matrix.dtype != object and int64_safe(matrix, bound):
        return [int(v) for v in matrix.astype(np.int64) @ vec.astype(np.int64)]
    return [int(v) for v in matrix.astype(object) @ vec]


def _fmpq(v: Any) -> flint.fmpq:
    if isinstance(v, (int, np.integer)):
        return flint.fmpq(int(v))
    if isinstance(v, Fraction):
        return flint.fmpq(v.numerator, v.denominator)
    if hasattr(v, "p") and hasattr(v, "q"):
        return flint.fmpq(int(v.p), int(v.q))
    raise InvalidInput(f"expected a rational number, got {v!r}")

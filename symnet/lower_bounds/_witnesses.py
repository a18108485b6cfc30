"""Explicit networks that meet the conditions: the upper-bound side of a minimal width.

Two sources, both ending in :func:`._feasibility.feasibility` (exact output weights, verified
by the witness certificate's Taylor expansion):

- the constructions of the theorems, for a monomial x^r with N = |r| and sigma^(N)(b) != 0
  (``MATH.md`` section 4, [RT II.1]): hidden weights r - 2k, 0 <= k <= r (prod(r_i + 1) neurons,
  bias-free), or the forward differences k, 0 != k <= r (prod(r_i + 1) - 1 neurons and an
  output bias; for the product these are the 2^n - 1 nonempty subsets, ``MATH.md`` section 3);
  the output weights come out of the exact solve;
- a search over small integer hidden weights (entries in {-1, 0, 1}, then {-2, ..., 2}), with a
  budget on the number of neuron sets tried, screened by ranks mod p and confirmed exactly. It
  finds what the theorems miss when their hypotheses fail (sigma = x^2: (1, 1), (1, -1)).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import flint
import sympy as sp

from symnet.activations import VARIABLE, Activation
from symnet.activations._jets import is_zero
from symnet.errors import InvalidInput
from symnet.lower_bounds._certificates import WitnessCertificate
from symnet.lower_bounds._conditions import Target, _common_scale, condition_rows, lowest_degree
from symnet.lower_bounds._feasibility import feasibility
from symnet.lower_bounds._linalg import PRIME, mod_p

__all__ = ["BIAS_CANDIDATES", "construction_witness", "search_witness"]

#: Operating points tried for the ``"biased"`` model when sigma^(N)(0) = 0.
BIAS_CANDIDATES = (0, 1, -1, sp.Rational(1, 2), 2)


def _operating_point(act: Activation, degree: int, model: str) -> Any:
    if act.is_generic:
        return 0
    points = BIAS_CANDIDATES if model == "biased" else (0,)
    for b in points:
        if not is_zero(act.derivative(degree, b)):
            return b
    return None


def construction_witness(target: Target, model: str, activation: Activation) -> WitnessCertificate | None:
    """The theorem's construction for a monomial target, solved exactly; None if it does not apply."""
    if target.exponents is None:
        return None
    r = target.exponents
    point = _operating_point(activation, sum(r), model)
    if point is None:
        return None
    grid = itertools.product(*[range(e + 1) for e in r])
    if model == "bias-free":
        weights = [[e - 2 * k for e, k in zip(r, ks, strict=True)] for ks in grid]
    else:
        weights = [list(ks) for ks in grid if any(ks)]
    bias = [point] * len(weights) if model == "biased" else None
    result = feasibility(target, weights, model, activation, hidden_bias=bias)
    return result if isinstance(result, WitnessCertificate) else None


def _parity(activation: Activation) -> int:
    """+1 for an even activation, -1 for an odd one, 0 otherwise (generic: 0)."""
    if activation.is_generic:
        return 0
    x = VARIABLE
    flipped = activation.expr.xreplace({x: -x})
    if sp.simplify(flipped - activation.expr) == 0:
        return 1
    if sp.simplify(flipped + activation.expr) == 0:
        return -1
    return 0


def _pool(n: int, bound: int, with_zero: bool, up_to_sign: bool) -> list[tuple[int, ...]]:
    vecs = [v for v in itertools.product(range(-bound, bound + 1), repeat=n) if with_zero or any(v)]
    if up_to_sign:  # sigma(-t) = +-sigma(t): a and -a give the same column up to sign
        vecs = [v for v in vecs if not any(v) or next(e for e in v if e) > 0]
    return sorted(vecs, key=lambda v: (max(map(abs, v)), sum(map(abs, v)), [-e for e in v]))


def _colex(size: int, k: int) -> Any:
    """k-subsets of range(size) in colexicographic order: all subsets of the first j items come first."""
    if k == 0:
        yield ()
        return
    for top in range(k - 1, size):
        for rest in itertools.combinations(range(top), k - 1):
            yield (*rest, top)


def search_witness(target: Target, width: int, model: str, activation: Activation, budget: int = 20000,
                   bounds: tuple[int, ...] = (1, 2),
                   progress: Callable[[str], None] | None = None) -> WitnessCertificate | None:
    """Look for hidden weights in small integer boxes for which output weights exist.

    Neuron sets are tried in a fixed order (colexicographic over a pool sorted by size, so all sets
    of small vectors come first; for an even or odd activation one vector per pair +-a) until
    ``budget`` sets have been screened. The screen is a rank test mod p of the normalised conditions
    (``rank [V | r] = rank V``); a hit is confirmed by the exact :func:`feasibility`, whose
    witness certificate is returned. None means "not found within the budget", not
    "impossible".
    """
    say = progress or (lambda _msg: None)
    points = [0] if model != "biased" else list(BIAS_CANDIDATES)
    rows = condition_rows(target, model)
    tried = 0
    for point in points:
        derivs = activation.derivatives(target.degree, point)
        keep = [alpha for alpha in rows if activation.is_generic or not is_zero(derivs[sum(alpha)])]
        if any(target.coefficient(alpha) != 0 for alpha in rows if alpha not in keep):
            continue  # a vanishing derivative where the target needs it: no width works at this point
        rhs = _screen_rhs(target, keep, derivs)
        seen: set = set()
        for bound in bounds:
            pool = _pool(target.n, bound, with_zero=lowest_degree(model) == 0 or model == "biased",
                         up_to_sign=_parity(activation) != 0)
            for idx in _colex(len(pool), width):
                combo = tuple(pool[i] for i in idx)
                if combo in seen:
                    continue
                seen.add(combo)
                tried += 1
                if tried > budget:
                    say(f"width {width}: search budget of {budget} neuron sets exhausted")
                    return None
                if rhs is not None and not _screen(combo, keep, rhs):
                    continue
                bias = [point] * width if model == "biased" else None
                result = feasibility(target, [list(v) for v in combo], model, activation, hidden_bias=bias)
                if isinstance(result, WitnessCertificate):
                    say(f"width {width}: found hidden weights {combo} after {tried} sets")
                    return result
    return None


def _screen_rhs(target: Target, rows: list[tuple[int, ...]], derivs: Any) -> list[int] | None:
    """The normalised right-hand side alpha! p_alpha / sigma^(k)(b), divided by its common scale, mod p.

    None when the entries are not rational multiples of one number (then nothing is screened).
    """
    exact = [math.prod(math.factorial(e) for e in alpha) * target.coefficient(alpha) / derivs[sum(alpha)]
             for alpha in rows]
    try:
        beta = _common_scale(exact)
        return [mod_p(sp.nsimplify(v / beta), PRIME) for v in exact]
    except (InvalidInput, AttributeError, TypeError):
        return None


def _screen(combo: tuple[tuple[int, ...], ...], rows: list[tuple[int, ...]], rhs: list[int]) -> bool:
    p = PRIME
    mat = [[_power(v, alpha, p) for v in combo] for alpha in rows]
    aug = [[*row, r] for row, r in zip(mat, rhs, strict=True)]
    if not mat:
        return True
    return flint.nmod_mat(mat, p).rank() == flint.nmod_mat(aug, p).rank()


def _power(v: tuple[int, ...], alpha: tuple[int, ...], p: int) -> int:
    out = 1
    for x, e in zip(v, alpha, strict=True):
        if e:
            out = out * pow(x, e, p) % p
    return out

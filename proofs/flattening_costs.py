"""Flattening costs C_n and C_s (LTR Eqs. 25-26; seed 002; MATH.md section 4).

Routes: closed formulas (symnet.flattening, symnet.constructions.counts) against counts read off
the explicit networks; the minimal synapse count against a brute force over support patterns
(exact ranks of the proof matrix by python-flint) and against the forward-difference network that
attains it (its count, and its Taylor agreement by symnet.series); the costs as exact fractions.
"""

from __future__ import annotations

import itertools
import math
import random
import sys
from fractions import Fraction

import flint
from _common import Report, main

from symnet import activations, series
from symnet.constructions import shallow_product
from symnet.constructions.counts import deep_product_count, rt_univariate_deep_bound
from symnet.constructions.deep import deep_product
from symnet.flattening import (
    NOTION,
    CostTable,
    deep_product_synapses,
    forward_difference,
    min_shallow_neurons,
    min_shallow_synapses,
    power_cost,
    product_cost,
    product_table,
)

GENERIC = activations.generic()
TABLE_NS = (2, 3, 4, 5, 6, 8, 16, 32, 64, 128)


def min_total_support(r: tuple[int, ...]) -> int:
    """Brute force: the least total support of prod(r+1) neurons whose proof matrix can have full row rank."""
    rng = random.Random(11)
    n = len(r)
    rows = list(itertools.product(*(range(x + 1) for x in r)))
    subsets = [frozenset(c) for k in range(n + 1) for c in itertools.combinations(range(n), k)]
    best = None
    for pattern in itertools.combinations_with_replacement(subsets, len(rows)):
        total = sum(len(T) for T in pattern)
        if best is not None and total >= best:
            continue
        rank = 0
        for _ in range(2):
            vals = [[rng.randint(2, 10**6) if i in T else 0 for i in range(n)] for T in pattern]
            M = [[math.prod(a[i] ** t[i] for i in range(n)) for a in vals] for t in rows]
            rank = max(rank, flint.fmpz_mat(M).rank())
        if rank == len(rows):
            best = total
    return best


def run(report: Report) -> None:
    # deep tree counts: formulas vs explicit networks
    ok = True
    for n in range(2, 34):
        net = deep_product(n, GENERIC).network
        tree = deep_product_count(n)
        ok &= (net.hidden_neurons, net.synapses, net.depth) == (tree.neurons, deep_product_synapses(n), tree.depth)
    ok &= all(deep_product_synapses(2**k) == 20 * 2**k - 28 for k in range(1, 30))
    report.add("deep product tree: N_n = 4(n-1) + copies, N_s by the level recurrence (20n - 28 for n = 2^k)",
               "symnet (MATH.md sec. 4)", "verified", ok,
               detail="closed formulas = counts of the explicit networks for n = 2..33")

    # seed 000's example: n = 8
    c8 = product_cost(8)
    report.add("n = 8: 256 neurons in one hidden layer against 28 in 3 hidden layers", "seed 000", "verified",
               (c8.shallow_neurons, c8.deep_neurons, c8.deep_depth) == (256, 28, 3) and c8.C_n == Fraction(64, 7),
               detail="C_n = 64/7, C_s = 1280/132 = 320/33")

    # minimal synapses: lower bound (brute force) and attainment (forward differences)
    ok = True
    details = []
    for r in ((1, 1), (1, 1, 1), (2, 1), (3,), (2, 2)):
        brute = min_total_support(r)
        ok &= brute == min_shallow_synapses(r) - min_shallow_neurons(r)
        c = forward_difference(r, GENERIC)
        ok &= c.network.synapses == min_shallow_synapses(r)
        lead = series.error(c, 1)
        ok &= lead.leading_order == 1  # agrees with x^r through degree N at every lam; error O(lam)
        details.append(f"{r}: {min_shallow_synapses(r)}")
    for n in range(1, 7):
        ok &= shallow_product(n, activations.get("exp")).network.synapses == (n + 1) * 2**n
    report.add("min synapses of one hidden layer for x^r: prod(r+1) (1 + sum r_i/(r_i+1)); (n+2) 2^(n-1) for the "
               "product", "symnet (from LTR App. A / RT Thm II.1)", "verified", ok,
               detail="lower bound: the proof matrix's full row rank forces #neurons with >= k inputs >= #rows with "
                      "support >= k (brute force over support patterns agrees); attained by forward differences "
                      f"({', '.join(details)}); the LTR 2^n construction uses (n+1) 2^n")

    # no flattening: exact costs, and where it starts
    costs = {n: product_cost(n) for n in range(2, 65)}
    first_n = min(n for n, c in costs.items() if all(costs[m].C_n > 1 for m in range(n, 65)))
    first_s = min(n for n, c in costs.items() if all(costs[m].C_s > 1 for m in range(n, 65)))
    exponential = all(costs[n + 1].C_n > Fraction(3, 2) * costs[n].C_n for n in range(8, 64))
    report.add("no flattening for the product: C_n, C_s > 1, growing exponentially", "LTR Sec. III; seed 002",
               "corrected", first_n == 4 and first_s == 5 and exponential
               and costs[2].C_n == 1 and costs[3].C_n == Fraction(8, 9),
               detail=f"exact: C_n = 2^n / (4(n-1) + copies) > 1 only from n = {first_n} (C_n(2) = 1, C_n(3) = 8/9), "
                      f"C_s > 1 only from n = {first_s} (C_s(4) = 12/13); beyond, C_n more than x1.5 per input. "
                      f"Notion: {NOTION}")


def power_rows(report: Report) -> None:
    costs = {d: power_cost(d) for d in range(2, 65)}
    within = all(c.deep_neurons <= rt_univariate_deep_bound(d) for d, c in costs.items() if d >= 3)
    hand = all(costs[2**k].deep_neurons == 2 * k and costs[2**k].C_n == Fraction(2**k + 1, 2 * k)
               for k in range(1, 7))
    shallow = all(c.shallow_neurons == d + 1 and c.shallow_synapses == 2 * d + 1 for d, c in costs.items())
    report.add("x^d: one hidden layer needs d + 1 neurons; the deep network has at most 7 ceil(log2 d)",
               "RT Thm II.1; MATH.md sec. 4", "verified", within and hand and shallow,
               detail="symnet.constructions.polynomial's square-and-multiply tree, counted on the explicit networks "
                      "for d = 3..64; x^(2^k) uses k square gates (2k neurons), by hand")
    cheaper = sorted(d for d, c in costs.items() if c.deep_depth >= 2 and c.C_n <= 1)
    report.add("depth pays for x^d only logarithmically: C_n = (d+1)/N_n(f), not exponential",
               "MATH.md sec. 4", "verified",
               costs[64].C_n == Fraction(65, 12) and all(costs[2**k].C_n > 1 for k in range(2, 7))
               and max(cheaper) < 24 and all(costs[d].C_n > 1 for d in range(24, 65)),
               detail=f"C_n(x^64) = 65/12, C_n(x^63) = 64/31; one hidden layer is not more expensive (C_n <= 1) for "
                      f"d = {', '.join(map(str, cheaper))} (product gates of 4 neurons and copies when d is not a "
                      "power of 2), and C_n > 1 for every d from 24 to 64")


def run_all(report: Report) -> None:
    run(report)
    power_rows(report)


def latex() -> str:
    table = product_table(list(TABLE_NS))
    powers = CostTable(tuple(power_cost(d) for d in (3, 4, 5, 8, 16, 31, 32, 64)),
                       title="Flattening x^d")
    return "\n".join([
        "\\documentclass{article}",
        "\\usepackage{amsmath,booktabs,graphicx}",
        "\\begin{document}",
        "\\section*{Flattening costs of the product of $n$ inputs}",
        "For a deep network $f$ and single-hidden-layer flattenings $f^1_\\epsilon$,",
        "\\[ C_n = \\min \\frac{N_n(f^1_\\epsilon)}{N_n(f)}, \\qquad C_s = \\min \\frac{N_s(f^1_\\epsilon)}{N_s(f)} "
        "\\quad \\text{(LTR Eqs.~25--26)}. \\]",
        "The minimum is over networks whose Taylor expansion agrees with $x_1\\cdots x_n$ through degree $n$, "
        "bias-free, $\\sigma^{(k)}(0) \\ne 0$ for $k \\le n$: $\\min N_n = 2^n$ (LTR App.~A) and "
        "$\\min N_s = (n+2)\\,2^{n-1}$ (symnet: the proof matrix $A[S,j] = \\prod_{h\\in S} a_{hj}$ has full row "
        "rank, so at least $\\binom{n}{k}+\\dots+\\binom{n}{n}$ neurons read $k$ or more inputs; forward "
        "differences attain it). $f$ is the binary tree of multiplication gates: $N_n(f) = 4(n-1)$ plus copies, "
        "$N_s(f) = 20n - 28$ for $n = 2^k$.",
        "",
        "\\begin{center}",
        "\\resizebox{\\textwidth}{!}{%",
        table.latex(),
        "}",
        "\\end{center}",
        "",
        "\\section*{Flattening $x^d$}",
        "One hidden layer needs $d+1$ neurons and $2d+1$ synapses (RT Thm~II.1; forward differences); the deep "
        "network of \\texttt{symnet.constructions.polynomial} squares and multiplies along a balanced tree.",
        "",
        "\\begin{center}",
        "\\resizebox{\\textwidth}{!}{%",
        powers.latex(),
        "}",
        "\\end{center}",
        "\\end{document}",
        "",
    ])


if __name__ == "__main__":
    sys.exit(main("Flattening costs C_n and C_s (LTR Eqs. 25-26)", run_all, latex=latex))

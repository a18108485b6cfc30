"""Benchmark: feasibility of the conditions for fixed hidden weights (issue 7, row "feasibility certificate").

For fixed hidden weights a_j the conditions "the network matches x_1...x_n through degree n" are
linear in the output weights: one row per monomial of degree <= n (C(2n, n) rows: 12870 for
n = 8) and one column per neuron (MATH.md section 3). Two cases per n:

- feasible: the 2^n construction's sign vectors (m = 2^n columns), where output weights exist;
- infeasible: random rational hidden weights with m = 2^n - 1 (seeded), where they do not.

- baseline: what a sympy user writes: ``sympy.Matrix`` of the conditions, and ``rank()`` of V
  and of [V | r] (feasible iff equal), in its own process with a time limit;
- symnet: ``feasibility(n, weights, activation="exp")``: row selection and solve mod p
  (python-flint), exact solve and verification over Q, a certificate; plus its ``check()``.

Target (issue 7): n = 8 (12870 x 256) under 10 s. The script prints baseline time, symnet time
and their ratio from the same run, and a scaling table over n; a baseline over its limit is
printed as "> limit" (and the ratio as a lower bound).

Usage::

    python benchmarks/feasibility.py [--max-n 8] [--baseline-max-n 7] [--timeout 600] [--memory-mb 6000]
        [--json PATH]
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import resource
import time
from fractions import Fraction

import sympy as sp
from _harness import Isolated, Results, isolated

from symnet import activations
from symnet.lower_bounds import as_target, condition_rows, feasibility


def weights(n: int, case: str) -> list[list[Fraction]]:
    if case == "feasible":
        return [[Fraction(v) for v in s] for s in itertools.product((-1, 1), repeat=n)]
    rng = random.Random(1000 + n)
    return [[Fraction(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(n)] for _ in range(2**n - 1)]


def naive_system(n: int, a: list[list[Fraction]]) -> tuple[sp.Matrix, sp.Matrix]:
    """The conditions as a user writes them: sigma^(k)(0)/alpha! a^alpha, rhs [alpha = (1, ..., 1)]."""
    exp = activations.get("exp")
    ds = exp.derivatives(n)
    rows = condition_rows(as_target(n), "bias-free")
    V = sp.Matrix([[ds[sum(al)] / math.prod(math.factorial(e) for e in al)
                    * sp.prod([sp.Rational(x.numerator, x.denominator) ** e for x, e in zip(aj, al, strict=True)])
                    for aj in a] for al in rows])
    r = sp.Matrix([int(all(e == 1 for e in al)) for al in rows])
    return V, r


def _sympy_feasible(V: sp.Matrix, r: sp.Matrix) -> bool:
    return V.rank() == V.row_join(r).rank()


def time_baseline(n: int, case: str, timeout: float, memory_mb: float) -> Isolated:
    """sympy's ranks in their own process (fresh cache), with a time limit and a memory cap."""
    V, r = naive_system(n, weights(n, case))
    return isolated(_sympy_feasible, V, r, timeout=timeout, memory_limit_mb=memory_mb)


def time_symnet(n: int, case: str) -> tuple[float, float, bool]:
    a = weights(n, case)
    start = time.perf_counter()
    cert = feasibility(n, a, activation="exp")
    t_solve = time.perf_counter() - start
    start = time.perf_counter()
    cert.check()
    t_check = time.perf_counter() - start
    return t_solve, t_check, bool(cert.feasible)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-n", type=int, default=8)
    parser.add_argument("--baseline-max-n", type=int, default=7, help="largest n for sympy's Matrix.rank")
    parser.add_argument("--timeout", type=float, default=600.0, help="time limit per baseline run, seconds")
    parser.add_argument("--memory-mb", type=float, default=6000.0,
                        help="address-space cap of each baseline process, MB (it then fails with MemoryError)")
    parser.add_argument("--json", help="also write the results as JSON to this path (for run_all.py)")
    args = parser.parse_args()
    results = Results(4, "Feasibility certificate of the condition system for fixed hidden weights",
                      "sympy Matrix.rank of V and of [V | r] (own process, fresh cache)",
                      "n = 8 (12870 x 256) under 10 s")
    table = []

    time_symnet(2, "feasible")  # warm-up
    print("feasibility of the conditions for fixed hidden weights (exp activation); baseline sympy Matrix.rank of "
          f"V and [V | r] (own process, limit {args.timeout:.0f} s); symnet: feasibility() + certificate check()")
    print(f"{'n':>3} {'case':>10} {'rows x cols':>13} {'sympy [s]':>10} {'symnet [s]':>11} {'ratio':>8} "
          f"{'check [s]':>10} {'feasible':>9}")
    stopped = {"feasible": False, "infeasible": False}
    for n in range(2, args.max_n + 1):
        for case in ("feasible", "infeasible"):
            m = 2**n if case == "feasible" else 2**n - 1
            t_solve, t_check, feasible = time_symnet(n, case)
            assert feasible == (case == "feasible")
            base_text, ratio_text, base, limit = "-", "-", None, None
            if n <= args.baseline_max_n and not stopped[case]:
                run = time_baseline(n, case, args.timeout, args.memory_mb)
                base, base_feasible = run.seconds, run.value
                if base is None:  # stopped: at least run.elapsed seconds
                    stopped[case], limit = True, run.elapsed
                    base_text, ratio_text = f"> {run.elapsed:.0f}", f"> {run.elapsed / t_solve:.0f}"
                    print(f"  n = {n}, {case}: sympy's rank stopped: {run.stopped}", flush=True)
                else:
                    assert base_feasible == feasible
                    base_text, ratio_text = f"{base:.2f}", f"{base / t_solve:.0f}"
            print(f"{n:>3} {case:>10} {f'{math.comb(2 * n, n)} x {m}':>13} {base_text:>10} {t_solve:>11.3f} "
                  f"{ratio_text:>8} {t_check:>10.3f} {'yes' if feasible else 'no':>9}")
            table.append([n, case, f"{math.comb(2 * n, n)} x {m}", base_text, t_solve, ratio_text, t_check,
                          "yes" if feasible else "no"])
            results.add_point(f"sympy rank ({case})", n, base)
            results.add_point(f"symnet feasibility ({case})", n, t_solve)
            if n in (args.baseline_max_n, 8):
                results.add_headline(f"n = {n}, {case} ({math.comb(2 * n, n)} x {m})", t_solve, baseline=base,
                                     baseline_limit=limit, target="< 10 s" if n == 8 else "(comparison)",
                                     met=t_solve < 10 if n == 8 else None,
                                     detail=f"certificate check() {t_check:.3g} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: symnet process {peak:.0f} MB, baseline processes {child:.0f} MB")
    results.add_table("time [s] versus n", ["n", "case", "rows x cols", "sympy [s]", "symnet [s]", "ratio",
                                            "check [s]", "feasible"], table)
    results.add_memory(f"symnet process, n <= {args.max_n}", peak, how="ru_maxrss of the benchmark process")
    results.add_memory("sympy baseline processes", child, limit_mb=None,
                       how=f"ru_maxrss of the baseline children (capped at {args.memory_mb:.0f} MB of address space)")
    results.save(args.json)


if __name__ == "__main__":
    main()

"""Benchmark: exact rank of the proof matrix of the 2^n construction (issue 7, row "proof matrix rank").

The matrix is A[S, s] = prod_{h in S} s_h, rows the 2^n subsets S of the inputs, columns the 2^n
sign vectors s of the construction's hidden weights (MATH.md section 3; it is a Hadamard matrix).

- baseline: what a sympy user writes, ``sympy.Matrix(rows).rank()`` on the same integer entries,
  run in its own process with a time limit (fresh sympy cache);
- symnet: ``proof_matrix(network).rank()`` (exact over Q: python-flint's fmpz_mat rank under a
  sympy DomainMatrix), timed including building the matrix from the Network; and
  ``rank_mod(p)`` (GF(p), p = 2^31 - 1), plus the certificate's independent numpy re-check.

Targets (issue 7): n = 8 under 1 s, n = 10 under 10 s. The script prints the baseline time,
symnet's time and their ratio from the same run, and a scaling table over n. Where the baseline
exceeds its time limit the ratio is printed as a lower bound ("> ...").

Usage::

    python benchmarks/proof_matrix_rank.py [--max-n 10] [--baseline-max-n 8] [--timeout 600] [--memory-mb 6000]
        [--json PATH]
"""

from __future__ import annotations

import argparse
import itertools
import math
import resource
import time

import sympy as sp
from _harness import Isolated, Results, isolated

from symnet.lower_bounds import proof_matrix
from symnet.network import Network


def sign_rows(n: int) -> list[list[int]]:
    signs = list(itertools.product((-1, 1), repeat=n))
    subsets = [S for k in range(n + 1) for S in itertools.combinations(range(n), k)]
    return [[math.prod(s[h] for h in S) for s in signs] for S in subsets]


def _sympy_rank(rows: list[list[int]]) -> int:
    return sp.Matrix(rows).rank()


def time_baseline(n: int, timeout: float, memory_mb: float) -> Isolated:
    """sympy's rank in its own process (fresh cache), with a time limit and a memory cap.

    The cap matters: at n = 8 sympy's Matrix.rank grew to 16 GB of RSS within 10 minutes.
    """
    return isolated(_sympy_rank, sign_rows(n), timeout=timeout, memory_limit_mb=memory_mb)


def time_symnet(n: int, repeat: int = 3) -> dict[str, float | int]:
    signs = [list(s) for s in itertools.product((-1, 1), repeat=n)]
    start = time.perf_counter()
    network = Network.single_hidden_layer(signs, [1] * len(signs), "exp")
    t_network = time.perf_counter() - start
    best = {"rank": math.inf, "rank_mod": math.inf}
    for _ in range(repeat):
        start = time.perf_counter()
        A = proof_matrix(network)
        rank = A.rank()
        best["rank"] = min(best["rank"], time.perf_counter() - start)
        start = time.perf_counter()
        rank_p = A.rank_mod()
        best["rank_mod"] = min(best["rank_mod"], time.perf_counter() - start)
    start = time.perf_counter()
    cert = A.certificate()
    cert.check()
    t_check = time.perf_counter() - start
    assert rank == rank_p == cert.rank == 2**n
    return {"network": t_network, "rank": best["rank"], "rank_mod": best["rank_mod"], "certificate": t_check,
            "value": rank}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-n", type=int, default=10)
    parser.add_argument("--baseline-max-n", type=int, default=8, help="largest n for sympy's Matrix.rank")
    parser.add_argument("--timeout", type=float, default=600.0, help="time limit per baseline run, seconds")
    parser.add_argument("--memory-mb", type=float, default=6000.0,
                        help="address-space cap of each baseline process, MB (it then fails with MemoryError)")
    parser.add_argument("--json", help="also write the results as JSON to this path (for run_all.py)")
    args = parser.parse_args()
    results = Results(3, "Exact rank of the proof matrix of the 2^n construction",
                      "sympy Matrix(rows).rank() on the same integer entries (own process, fresh cache)",
                      "n = 8 under 1 s, n = 10 under 10 s")
    table = []

    time_symnet(2, 1)  # warm-up
    print("proof matrix of the 2^n construction: exact rank; baseline sympy Matrix.rank (own process, limit "
          f"{args.timeout:.0f} s); symnet: best of 3, including the matrix built from the Network")
    print(f"{'n':>3} {'size':>11} {'sympy rank [s]':>15} {'symnet rank [s]':>16} {'ratio':>9} "
          f"{'rank mod p [s]':>15} {'cert+check [s]':>15} {'rank':>6}")
    previous = None
    for n in range(2, args.max_n + 1):
        sym = time_symnet(n, 3 if n <= 8 else 1)
        base_text, ratio_text, base, limit = "-", "-", None, None
        if n <= args.baseline_max_n and (previous is None or previous < args.timeout / 4):
            run = time_baseline(n, args.timeout, args.memory_mb)
            base, rank = run.seconds, run.value
            if base is None:  # stopped: at least run.elapsed seconds
                base_text, ratio_text = f"> {run.elapsed:.0f}", f"> {run.elapsed / sym['rank']:.0f}"
                previous, limit = math.inf, run.elapsed
                print(f"  n = {n}: sympy's Matrix.rank stopped: {run.stopped}", flush=True)
            else:
                assert rank == sym["value"]
                base_text, ratio_text = f"{base:.3f}", f"{base / sym['rank']:.0f}"
                previous = base
        print(f"{n:>3} {f'{2**n} x {2**n}':>11} {base_text:>15} {sym['rank']:>16.4f} {ratio_text:>9} "
              f"{sym['rank_mod']:>15.4f} {sym['certificate']:>15.3f} {sym['value']:>6}")
        table.append([n, f"{2**n} x {2**n}", base_text, sym["rank"], ratio_text, sym["rank_mod"], sym["certificate"],
                      sym["value"]])
        for method, t in (("sympy Matrix.rank", base), ("symnet rank (exact)", sym["rank"]),
                          ("symnet rank mod p", sym["rank_mod"])):
            results.add_point(method, n, t)
        goal = {8: 1.0, 10: 10.0}.get(n)
        if goal is not None or n == args.baseline_max_n:
            results.add_headline(f"n = {n} ({2**n} x {2**n})", sym["rank"], baseline=base, baseline_limit=limit,
                                 target=f"< {goal:.0f} s" if goal else "(comparison)",
                                 met=sym["rank"] < goal if goal else None,
                                 detail=f"rank {sym['value']}; mod p {sym['rank_mod']:.3g} s; certificate + check "
                                        f"{sym['certificate']:.3g} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: symnet process {peak:.0f} MB, baseline processes {child:.0f} MB")
    results.add_table("time [s] versus n (symnet: best of 3 up to n = 8)",
                      ["n", "size", "sympy rank [s]", "symnet rank [s]", "ratio", "rank mod p [s]", "cert+check [s]",
                       "rank"], table)
    results.add_memory(f"symnet process, n <= {args.max_n}", peak, how="ru_maxrss of the benchmark process")
    results.add_memory("sympy baseline processes", child, limit_mb=None,
                       how=f"ru_maxrss of the baseline children (capped at {args.memory_mb:.0f} MB of address space)")
    results.save(args.json)


if __name__ == "__main__":
    main()

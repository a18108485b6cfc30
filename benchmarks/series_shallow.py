"""Benchmark: exact error terms of the 2^n formula, symnet against the naive sympy route.

The naive route is what a user would write without symnet: the summed 2^n-term expression
``sum_s (s_1...s_n) sigma(b + lam s.x) / (2^n lam^n s_n)`` with ``sigma`` an undefined sympy
``Function`` and ``s_n`` a symbol for sigma^(n)(b), expanded with ``sympy.series`` in lam
through O(lam^5) (the lam^2 and lam^4 error terms). symnet's routes:
``series.error(shallow_product(n, generic()), 4)`` with the closed form (default) and with the
explicit expansion of the 2^n-neuron network (``method="explicit"``).

All timings come from the same run on the same machine; each baseline runs in its own process
(fresh sympy cache) with a time limit. The baseline grows quickly (on the 2-core development
machine: n = 2 3 s, n = 3 15 s, n = 4 95 s, n = 5 about 20 minutes), so the default is
``--max-n 4``; pass ``--min-n 5 --max-n 5 --timeout 1800`` to measure n = 5. The script also
checks that the baseline and symnet give the same terms, and prints a scaling table for symnet alone up to n = 30.

Usage::

    python benchmarks/series_shallow.py [--min-n 2] [--max-n 4] [--timeout 600] [--scaling-max 30] [--explicit-max 7]
        [--json PATH]
"""

from __future__ import annotations

import argparse
import itertools
import math
import time

import sympy as sp
from _harness import Results, isolated
from sympy.core.cache import clear_cache

from symnet import activations, series
from symnet.activations import DerivativeSymbol
from symnet.constructions import LAM, shallow_product
from symnet.network import input_symbols

B = sp.Symbol("b", real=True)
SIGMA = sp.Function("sigma")
ORDER = 4


def naive_terms(n: int) -> dict[int, sp.Expr]:
    """The naive route: sympy series() of the summed expression; returns {power: coefficient}."""
    xs = input_symbols(n)
    s_n = sp.Symbol("s_n")
    total = sum(math.prod(s) * SIGMA(B + LAM * sum(si * x for si, x in zip(s, xs, strict=True)))
                for s in itertools.product((1, -1), repeat=n))
    expr = total / (2**n * LAM**n * s_n)
    expansion = sp.series(expr, LAM, 0, ORDER + 1).removeO()
    # the user's cleanup: derivatives of sigma at b become symbols, powers of lam are collected
    expansion = expansion.replace(lambda e: isinstance(e, sp.Subs),
                                  lambda e: DerivativeSymbol(e.expr.variable_count[0][1], e.point[0]))
    expansion = sp.expand(expansion.xreplace({s_n: DerivativeSymbol(n, B)}))
    return {p: expansion.coeff(LAM, p) for p in range(ORDER + 1)}


def time_baseline(n: int, timeout: float) -> tuple[float | None, dict | None]:
    # own process (fresh sympy cache), time limit; the result comes back through a pipe read while
    # waiting, so a large result cannot block the child's exit (the join-before-get pitfall)
    run = isolated(naive_terms, n, timeout=timeout)
    return (run.seconds, run.value) if run.ok else (None, None)


def time_symnet(n: int, method: str, repeats: int = 3) -> tuple[float, series.ErrorSeries]:
    best, result = math.inf, None
    for _ in range(repeats):
        clear_cache()  # no help from sympy's cache of earlier runs (the baseline starts cold too)
        c = shallow_product(n, activations.generic(), bias=B)
        start = time.perf_counter()
        result = series.error(c, ORDER, method=method)
        best = min(best, time.perf_counter() - start)
    return best, result


def agrees(baseline: dict[int, sp.Expr], mine: series.ErrorSeries, n: int) -> bool:
    """The baseline's coefficients, minus the target at lam^0, equal symnet's terms."""
    target = sp.Mul(*input_symbols(n))
    return all(sp.expand(baseline[p] - (target if p == 0 else 0) - mine.coefficient(p)) == 0
               for p in range(ORDER + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-n", type=int, default=4, help="largest n for the sympy baseline (default 4; n = 5 "
                                                             "takes minutes)")
    parser.add_argument("--min-n", type=int, default=2, help="smallest n for the sympy baseline (default 2)")
    parser.add_argument("--timeout", type=float, default=600.0, help="time limit per baseline run, seconds")
    parser.add_argument("--scaling-max", type=int, default=30, help="largest n of the symnet scaling table")
    parser.add_argument("--explicit-max", type=int, default=7, help="largest n for the explicit 2^n-neuron route "
                                                                    "in the scaling table (n = 8 takes ~40 s)")
    parser.add_argument("--json", help="also write the results as JSON to this path (for run_all.py)")
    args = parser.parse_args()
    results = Results(1, "Exact error series of the 2^n formula (lam^2 and lam^4 terms), generic sigma",
                      "sympy series() of the summed 2^n-term expression, through O(lam^5)",
                      ">= 1000x faster at n = 4 and 5; n = 30 in under 1 s (closed form)")
    base_rows, scale_rows = [], []

    time_symnet(2, "closed", 1)  # warm-up: imports, caches
    time_symnet(2, "explicit", 1)
    print(f"2^n formula, generic sigma, error terms through lam^{ORDER}; symnet: best of 3 "
          f"(sympy cache cleared before each); baseline: one run, own process, limit {args.timeout:.0f} s")
    print(f"{'n':>3} {'neurons':>8} {'sympy series() [s]':>19} {'symnet closed [s]':>18} {'symnet explicit [s]':>20} "
          f"{'ratio closed':>13} {'ratio explicit':>15} {'same terms':>10}")
    for n in range(args.min_n, args.max_n + 1):
        base, terms = time_baseline(n, args.timeout)
        t_closed, closed = time_symnet(n, "closed")
        t_explicit, explicit = time_symnet(n, "explicit")
        assert closed.terms == explicit.terms
        ratio = (args.timeout if base is None else base) / t_closed  # a lower bound when the baseline stopped
        results.add_headline(f"n = {n} ({2**n} neurons)", t_closed, baseline=base,
                             baseline_limit=args.timeout if base is None else None,
                             target=">= 1000x" if n in (4, 5) else "(comparison)",
                             met=ratio >= 1000 if n in (4, 5) else None,
                             detail=f"closed form; explicit route {t_explicit:.3g} s")
        base_rows.append([n, 2**n, base if base is not None else f"> {args.timeout:.0f}", t_closed, t_explicit,
                          f"{'> ' if base is None else ''}{ratio:,.0f}"])
        for method, t in (("sympy series()", base), ("symnet closed form", t_closed), ("symnet explicit", t_explicit)):
            results.add_point(method, n, t)
        if base is None:
            print(f"{n:>3} {2**n:>8} {'> ' + format(args.timeout, '.0f'):>19} {t_closed:>18.4f} {t_explicit:>20.4f} "
                  f"{'> ' + format(args.timeout / t_closed, '.0f'):>13} "
                  f"{'> ' + format(args.timeout / t_explicit, '.0f'):>15} {'-':>10}")
            continue
        same = agrees(terms, closed, n)
        base_rows[-1].append("yes" if same else "NO")
        print(f"{n:>3} {2**n:>8} {base:>19.3f} {t_closed:>18.4f} {t_explicit:>20.4f} {base / t_closed:>13.0f} "
              f"{base / t_explicit:>15.0f} {'yes' if same else 'NO':>10}")

    print("\nsymnet alone (terms lam^2 and lam^4; explicit route only where 2^n neurons are affordable)")
    print(f"{'n':>3} {'neurons':>12} {'closed [s]':>11} {'explicit [s]':>13} {'monomials at lam^4':>19}")
    for n in sorted({*range(2, 9), 10, 12, 16, 20, 25, args.scaling_max} - set(range(args.scaling_max + 1, 10**4))):
        t_closed, closed = time_symnet(n, "closed", 1 if n > 12 else 3)
        if n <= args.explicit_max:
            t_explicit, explicit = time_symnet(n, "explicit", 1)
            assert explicit.terms == closed.terms
            exp_text = f"{t_explicit:>13.3f}"
        else:
            t_explicit, exp_text = None, f"{'-':>13}"
        count = len(sp.Add.make_args(sp.expand(closed.coefficient(4)))) if n <= 12 else n + n * (n - 1) // 2
        print(f"{n:>3} {2**n:>12} {t_closed:>11.3f} {exp_text} {count:>19}")
        scale_rows.append([n, 2**n, t_closed, t_explicit, count])
        results.add_point("symnet closed form (scaling)", n, t_closed)
        if n == 30:
            results.add_headline("n = 30, closed form", t_closed, target="< 1 s", met=t_closed < 1)

    results.add_table(f"sympy series() against symnet, terms through lam^{ORDER}",
                      ["n", "neurons", "sympy series() [s]", "symnet closed [s]", "symnet explicit [s]",
                       "sympy/closed", "same terms"], [r + ["-"] * (7 - len(r)) for r in base_rows])
    results.add_table("symnet alone: time versus n", ["n", "neurons", "closed [s]", "explicit [s]",
                                                      "monomials at lam^4"], scale_rows)
    results.save(args.json)


if __name__ == "__main__":
    main()

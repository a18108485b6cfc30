"""Benchmark: explicit exact expansion of a single-hidden-layer network (issue 7, row 2).

Work: the exact expansion in lam of a network ``sum_j w_j sigma(b + lam a_j . x) + c`` through a
given order, with a generic activation (derivatives ``sigma^(k)(b)`` stay symbols).

- baseline: what a sympy user writes, ``sympy.series(network.expression(), lam, 0, order + 1)``
  followed by the clean-up that makes the terms usable (``Subs(Derivative(sigma, k), b)`` to
  ``sigma^(k)(b)``, ``expand``); each run in its own process with a time limit;
- symnet: ``series.expand(network, order)``, which takes the power-sum route for one hidden
  layer (``symnet.series._single_layer``: the rows' power sums on a trie); and, to show what that
  route buys, the general layer-by-layer route of ``symnet.series._expand`` (the power-sum route
  switched off), which composes every neuron's Taylor series separately.

Cases: the 2^n network of the shallow product (MATH.md sec. 2) through total degree n + 2
(``order = 2``; target: n = 10, 1024 neurons, under 30 s), and random single-hidden-layer
networks with n = 3 inputs and m neurons through ``order = 4`` (any network, not only the 2^n
one). The script checks that the baseline and symnet give the same expansion, prints a scaling
table, and measures the peak memory of the largest cases in a fresh process.

Usage::

    python benchmarks/expand_network.py [--max-n 12] [--general-max-n 8] [--baseline-max-n 6]
        [--timeout 600] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from contextlib import contextmanager

import sympy as sp
from _harness import Results, best_of, format_seconds, isolated, ratio_text, text_table
from sympy.core.function import AppliedUndef

from symnet import activations, series
from symnet.activations import DerivativeSymbol
from symnet.constructions import LAM, shallow_product
from symnet.network import Network
from symnet.series import _expand

B = sp.Symbol("b", real=True)
ORDER_2N = 2  # through lam^2: total degree n + 2
ORDER_RANDOM = 4


def two_to_the_n(n: int) -> Network:
    return shallow_product(n, activations.generic(), bias=B).network


def random_network(m: int, n: int = 3, seed: int = 0) -> Network:
    """m neurons with distinct random integer rows in [-3, 3]^n, random rational output weights."""
    rng = random.Random(seed + 1000 * m)
    rows: set = set()
    while len(rows) < m:
        row = tuple(rng.randint(-3, 3) for _ in range(n))
        if any(row):
            rows.add(row)
    a = [[LAM * v for v in row] for row in sorted(rows)]
    w = [sp.Rational(rng.choice([-1, 1]) * rng.randint(1, 9), rng.randint(1, 9)) for _ in range(m)]
    return Network.single_hidden_layer(a, w, activations.generic(), hidden_bias=B)


# -- the routes ---------------------------------------------------------------------------------------

def naive_expansion(expr: sp.Expr, order: int) -> sp.Expr:
    """The baseline: sympy's series() and the clean-up a user needs (a polynomial in lam, x, sigma^(k)(b))."""
    s = sp.series(expr, LAM, 0, order + 1).removeO()
    s = s.replace(lambda e: isinstance(e, sp.Subs),
                  lambda e: DerivativeSymbol(e.expr.variable_count[0][1], e.point[0]))
    s = s.replace(lambda e: isinstance(e, AppliedUndef), lambda e: DerivativeSymbol(0, e.args[0]))
    return sp.expand(s)


def symnet_expansion(network: Network, order: int) -> series.ErrorSeries:
    return series.expand(network, order)


@contextmanager
def general_route():
    """The general layer-by-layer expansion: the power-sum route switched off."""
    saved = _expand.expand_single_layer
    _expand.expand_single_layer = lambda *args, **kwargs: None
    try:
        yield
    finally:
        _expand.expand_single_layer = saved


def symnet_general(network: Network, order: int) -> series.ErrorSeries:
    with general_route():
        return series.expand(network, order)


def as_polynomial(result: series.ErrorSeries) -> sp.Expr:
    return sp.expand(sum(c * LAM**p for p, c in result.terms.items()))


def expand_case(kind: str, size: int) -> int:
    """For the memory measurement (fresh process): build the network and expand it; returns #terms."""
    network = two_to_the_n(size) if kind == "2^n" else random_network(size)
    result = series.expand(network, ORDER_2N if kind == "2^n" else ORDER_RANDOM)
    return sum(len(sp.Add.make_args(c)) for c in result.terms.values())


# -- the measurements ---------------------------------------------------------------------------------

def compare(label: str, sizes: list[int], build, order: int, *, baseline_max: int, general_max: int,
            timeout: float, results: Results, x_label: str) -> list[dict]:
    rows = []
    previous_base = None
    for size in sizes:
        start = time.perf_counter()
        network = build(size)
        t_build = time.perf_counter() - start
        repeat = 3 if network.hidden_neurons <= 256 else 1
        t_fast, fast = best_of(lambda network=network: symnet_expansion(network, order), repeat)
        t_general = general = None
        if size <= general_max:
            t_general, general = best_of(lambda network=network: symnet_general(network, order),
                                         1 if network.hidden_neurons > 64 else repeat)
            assert general.terms.keys() == fast.terms.keys() and all(
                sp.expand(general.terms[p] - fast.terms[p]) == 0 for p in fast.terms), (label, size)
        base, same, limit = None, "-", None
        # the baseline grows by 4-15x per step: skip it once the previous run took a quarter of the limit
        if size <= baseline_max and (previous_base is None or previous_base < timeout / 4):
            expr = network.expression(network.default_inputs())
            run = isolated(naive_expansion, expr, order, timeout=timeout)
            if run.ok:
                base = run.seconds
                same = "yes" if sp.expand(run.value - as_polynomial(fast)) == 0 else "NO"
                assert same == "yes", f"the baseline and symnet disagree ({label}, {x_label} = {size})"
            else:
                limit = timeout
                same = "timeout" if run.timed_out else f"failed: {run.error}"
            previous_base = base if base is not None else math.inf
        row = {"size": size, "neurons": network.hidden_neurons, "build": t_build, "baseline": base,
               "limit": limit, "fast": t_fast, "general": t_general, "same": same}
        rows.append(row)
        panel = f"row 2: {label}, expansion through lam^{order}"
        results.add_point("sympy series()", size, base, panel, x_label, x_log=x_label == "m")
        results.add_point("symnet (power sums)", size, t_fast, panel, x_label, x_log=x_label == "m")
        if t_general is not None:
            results.add_point("symnet general route", size, t_general, panel, x_label, x_log=x_label == "m")
        print(f"  {x_label} = {size:>3} ({network.hidden_neurons} neurons): sympy {format_seconds(base, limit)} s, "
              f"symnet {format_seconds(t_fast)} s, general route {format_seconds(t_general)} s, "
              f"same terms: {same}", flush=True)
    return rows


def table_rows(rows: list[dict]) -> list[list]:
    return [[r["size"], r["neurons"], format_seconds(r["baseline"], r["limit"]), format_seconds(r["fast"]),
             format_seconds(r["general"]), ratio_text(r["baseline"], r["fast"], r["limit"]),
             ratio_text(r["general"], r["fast"]), format_seconds(r["build"]), r["same"]] for r in rows]


def extrapolate(rows: list[dict], to: int) -> tuple[float, float] | None:
    """The baseline at size ``to`` by the growth factor of its last two measured sizes (an estimate)."""
    done = [r for r in rows if r["baseline"] is not None]
    if len(done) < 2:
        return None
    a, b = done[-2], done[-1]
    factor = (b["baseline"] / a["baseline"]) ** (1 / (b["size"] - a["size"]))
    return b["baseline"] * factor ** (to - b["size"]), factor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-n", type=int, default=12, help="largest n of the 2^n network for symnet")
    parser.add_argument("--target-n", type=int, default=10, help="n of the target (under 30 s)")
    parser.add_argument("--general-max-n", type=int, default=8, help="largest n for the general route")
    parser.add_argument("--baseline-max-n", type=int, default=6, help="largest n for sympy series()")
    parser.add_argument("--random-m", default="4,8,16,32,64,128,256", help="neuron counts of the random networks")
    parser.add_argument("--random-baseline-max-m", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=600.0, help="time limit per baseline run, seconds")
    parser.add_argument("--memory", default="2^n:10,2^n:12,random:256",
                        help="cases whose peak memory is measured in a fresh process (kind:size,...)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--json", help="write the results as JSON to this path (for run_all.py)")
    args = parser.parse_args()
    if args.quick:
        args.max_n, args.target_n, args.general_max_n, args.baseline_max_n = 3, 3, 3, 2
        args.random_m, args.random_baseline_max_m, args.timeout, args.memory = "2,4", 2, 60.0, "2^n:3"

    results = Results(2, "Explicit exact expansion of a single-hidden-layer network",
                      "sympy series() of the network's expression (+ clean-up of the derivatives)",
                      f"the 2^n network for n = {args.target_n} ({2**args.target_n} neurons) through degree "
                      f"n + 2 in under 30 s")
    symnet_expansion(two_to_the_n(2), ORDER_2N)  # warm-up: imports, caches
    symnet_general(two_to_the_n(2), ORDER_2N)

    print(f"2^n network, generic sigma, expansion through lam^{ORDER_2N} (total degree n + 2); symnet best of 3 "
          f"(1 above 256 neurons); baseline one run in its own process, limit {args.timeout:.0f} s", flush=True)
    rows_2n = compare("2^n network", list(range(2, args.max_n + 1)), two_to_the_n, ORDER_2N,
                      baseline_max=args.baseline_max_n, general_max=args.general_max_n, timeout=args.timeout,
                      results=results, x_label="n")
    headers = ["n", "neurons", "sympy series() [s]", "symnet [s]", "general route [s]", "sympy/symnet",
               "general/symnet", "network build [s]", "same terms"]
    print(text_table(headers, table_rows(rows_2n)), flush=True)
    results.add_table(f"2^n network through degree n + 2 (lam^{ORDER_2N}), generic sigma: time versus n",
                      headers, table_rows(rows_2n))

    m_values = [int(v) for v in args.random_m.split(",") if v]
    print(f"\nrandom networks, n = 3 inputs, m neurons (integer rows in [-3, 3]^3, rational output weights), "
          f"through lam^{ORDER_RANDOM}", flush=True)
    rows_random = compare("random n = 3", m_values, random_network, ORDER_RANDOM,
                          baseline_max=args.random_baseline_max_m, general_max=max(m_values),
                          timeout=args.timeout, results=results, x_label="m")
    headers_m = ["m", "neurons", "sympy series() [s]", "symnet [s]", "general route [s]", "sympy/symnet",
                 "general/symnet", "network build [s]", "same terms"]
    print(text_table(headers_m, table_rows(rows_random)), flush=True)
    results.add_table(f"random single-hidden-layer networks, n = 3 inputs, through lam^{ORDER_RANDOM}: time "
                      "versus m", headers_m, table_rows(rows_random))

    # headline: the largest baseline comparison of each case, and the target
    for label, rows, x in (("2^n network", rows_2n, "n"), ("random network", rows_random, "m")):
        measured = [r for r in rows if r["baseline"] is not None]
        if measured:
            r = measured[-1]
            results.add_headline(f"{label}, {x} = {r['size']} ({r['neurons']} neurons)", r["fast"],
                                 baseline=r["baseline"], target="(comparison)", detail="same terms: " + r["same"])
        stopped = [r for r in rows if r["limit"] is not None]
        if stopped:
            r = stopped[0]
            results.add_headline(f"{label}, {x} = {r['size']} ({r['neurons']} neurons)", r["fast"],
                                 baseline_limit=r["limit"], target="(comparison)",
                                 detail="baseline stopped at its time limit")
    general = [r for r in rows_2n if r["general"] is not None]
    if len(general) >= 2:
        a, b = general[-2], general[-1]
        growth = (b["general"] / a["general"]) ** (1 / (b["size"] - a["size"]))
        first, last = rows_2n[max(0, len(rows_2n) - 4)], rows_2n[-1]
        fast_growth = (last["fast"] / first["fast"]) ** (1 / max(1, last["size"] - first["size"]))
        results.notes.append(
            f"The power-sum route (symnet.series._single_layer) was added for this row. The general "
            f"layer-by-layer route it replaces for one hidden layer took {format_seconds(b['general'])} s at "
            f"n = {b['size']} in this run, growing x{growth:.1f} per step of n: about "
            f"{format_seconds(b['general'] * growth ** (args.target_n - b['size']))} s at n = {args.target_n} by "
            f"extrapolation. The power sums grew x{fast_growth:.1f} per step over the last sizes (the trie of "
            "the sign vectors has 2^l nodes at depth l; the polynomials stay dense in the remaining inputs).")
    target = next((r for r in rows_2n if r["size"] == args.target_n), None)
    if target is not None:
        est = extrapolate(rows_2n, args.target_n)
        detail = (f"general route: {format_seconds(target['general'])} s" if target["general"] is not None
                  else "general route not run at this size")
        if est is not None:
            detail += (f"; sympy series() not run: about {est[0]:.1e} s by its measured growth "
                       f"(x{est[1]:.1f} per step of n), an extrapolation")
        results.add_headline(f"2^n network, n = {args.target_n} ({2**args.target_n} neurons), degree n + 2",
                             target["fast"], target="< 30 s", met=target["fast"] < 30, detail=detail)
        print(f"\ntarget: n = {args.target_n} in {target['fast']:.3f} s (< 30 s: "
              f"{'met' if target['fast'] < 30 else 'MISSED'}); {detail}")

    for spec in [s for s in args.memory.split(",") if s]:
        kind, size = spec.split(":")
        run = isolated(expand_case, kind, int(size), timeout=args.timeout, start_method="spawn")
        case = f"{kind} network, {'n' if kind == '2^n' else 'm'} = {size}"
        results.add_memory(case, run.peak_rss_mb, how="fresh process (spawn): peak RSS incl. Python and imports")
        print(f"peak memory, {case}: {run.peak_rss_mb:.0f} MB (fresh process; {run.seconds:.2f} s there)"
              if run.ok else f"peak memory, {case}: not measured ({run.error or 'time limit'})", flush=True)

    results.save(args.json)


if __name__ == "__main__":
    sys.exit(main())

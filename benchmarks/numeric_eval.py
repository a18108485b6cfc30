"""Benchmark: float64 evaluation of the 2^n network on 10^6 points (issue 7, row "numeric evaluation").

Three ways to evaluate the same function, N(x) = sum_s (s_1...s_n) / (2^n lam^n sigma^(n)(b))
softplus(b + lam s.x), all in float64, all timed in the same run:

- baseline 1, ``sympy.lambdify`` of the summed 2^n-term expression (what a user of sympy writes);
- baselines 2 and 3, a hand-written numpy loop over the 2^n neurons, with the stable
  ``np.logaddexp(0, z)`` and with the plain ``np.log1p(np.exp(z))`` (fast, overflows for z > 709);
  the target is symnet within 2x of the faster of the two;
- symnet: ``Float64Program(network).run(points, estimate=False)`` (the values), and the same
  with the running rounding-error estimate that precision planning uses (``estimate=True``).

The script prints the times, the ratios against both baselines, and a scaling table over n, and
checks that all routes agree to the rounding-error estimate.

Usage::

    python benchmarks/numeric_eval.py [--points 1000000] [--n 4] [--max-n 8] [--repeat 3] [--json PATH]
"""

from __future__ import annotations

import argparse
import itertools
import math
import time

import numpy as np
import sympy as sp
from _harness import Results

from symnet import activations
from symnet.constructions import shallow_product
from symnet.numeric import Float64Program
from symnet.numeric._backends import UNIT_ROUNDOFF

LAM_VALUE = sp.Rational(1, 10)


def best_time(function, repeat: int) -> tuple[float, object]:
    best, out = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = function()
        best = min(best, time.perf_counter() - start)
    return best, out


def routes(n: int, points: np.ndarray):
    c = shallow_product(n, activations.get("softplus"), bias=1)
    network = c.at_scale(LAM_VALUE)
    b = float(c.parameters["bias"]) if "bias" in c.parameters else 1.0
    dn = float(sp.N(activations.get("softplus").derivative(n, at=1), 20))
    lam = float(LAM_VALUE)
    signs = np.array(list(itertools.product((1, -1), repeat=n)), dtype=float)
    weights = signs.prod(axis=1) / (2**n * lam**n * dn)

    def hand_written():
        total = np.zeros(points.shape[0])
        for s, w in zip(signs, weights, strict=True):
            total += w * np.logaddexp(0.0, b + lam * (points @ s))
        return total

    def hand_written_plain():
        total = np.zeros(points.shape[0])
        for s, w in zip(signs, weights, strict=True):
            total += w * np.log1p(np.exp(b + lam * (points @ s)))
        return total

    expression = network.expression(c.variables)
    lambdified = sp.lambdify(c.variables, expression, modules="numpy")
    columns = [points[:, i] for i in range(n)]
    program = Float64Program(network)
    return {
        "sympy.lambdify": lambda: lambdified(*columns),
        "hand numpy (logaddexp)": hand_written,
        "hand numpy (log1p(exp))": hand_written_plain,
        "symnet values": lambda: program.run(points, estimate=False)[0],
        "symnet + error estimate": lambda: program.run(points, estimate=True),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10**6)
    parser.add_argument("--n", type=int, default=4, help="n of the headline comparison")
    parser.add_argument("--max-n", type=int, default=8, help="largest n of the scaling table")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="also write the results as JSON to this path (for run_all.py)")
    args = parser.parse_args()
    results = Results(5, f"float64 evaluation of the 2^n softplus network on {args.points} points",
                      "a hand-written numpy expression of the same formula (the faster of logaddexp and "
                      "log1p(exp)); sympy.lambdify of the expanded expression", "within 2x of hand-written numpy")
    table = []

    rng = np.random.default_rng(0)
    print(f"float64 evaluation of the 2^n softplus network (bias 1, lam = {LAM_VALUE}) on {args.points} points; "
          f"best of {args.repeat}\n")
    names = ("sympy.lambdify", "hand numpy (logaddexp)", "hand numpy (log1p(exp))", "symnet values",
             "symnet + error estimate")
    header = f"{'n':>3} {'neurons':>8} " + " ".join(f"{name:>24}" for name in names)
    header += f" {'symnet/best hand':>17} {'lambdify/symnet':>16}"
    print(header)
    for n in range(2, args.max_n + 1):
        points = rng.uniform(-1, 1, (args.points, n))
        times, outs = {}, {}
        for name, fn in routes(n, points).items():
            times[name], outs[name] = best_time(fn, args.repeat)
        values, amplification = outs["symnet + error estimate"]
        bound = UNIT_ROUNDOFF * amplification
        for name in names[:4]:
            diff = np.abs(np.asarray(outs[name]) - values)
            assert np.all(diff <= 2 * bound), f"{name} disagrees beyond the rounding estimate at n = {n}"
        ratio = times["symnet values"] / min(times["hand numpy (logaddexp)"], times["hand numpy (log1p(exp))"])
        speedup = times["sympy.lambdify"] / times["symnet values"]
        row = f"{n:>3} {2**n:>8} " + " ".join(f"{times[k]:>23.3f}s" for k in times)
        print(row + f" {ratio:>17.2f} {speedup:>16.2f}")
        table.append([n, 2**n, *times.values(), f"{ratio:.2f}", f"{speedup:.2f}"])
        for name, t in times.items():
            results.add_point(name, n, t)
        if n in (args.n, args.max_n):
            hand = min(times["hand numpy (logaddexp)"], times["hand numpy (log1p(exp))"])
            results.add_headline(f"n = {n} ({2**n} neurons): vs hand-written numpy", times["symnet values"],
                                 baseline=hand, target="symnet <= 2x hand numpy", met=ratio <= 2,
                                 detail=f"symnet / hand = {ratio:.2f}; with the error estimate "
                                        f"{times['symnet + error estimate']:.3g} s")
            results.add_headline(f"n = {n} ({2**n} neurons): vs sympy.lambdify", times["symnet values"],
                                 baseline=times["sympy.lambdify"], target="(comparison)")
        if n == args.n:
            headline = (n, times, ratio, speedup, float(np.max(bound)))
    results.add_table(f"time [s] versus n, {args.points} points, best of {args.repeat}",
                      ["n", "neurons", *names, "symnet/best hand", "lambdify/symnet"], table)
    results.save(args.json)
    if args.n <= args.max_n:
        n, times, ratio, speedup, worst = headline
        print(f"\nheadline n = {n} ({2**n} neurons, {args.points} points):")
        for name, t in times.items():
            print(f"  {name:<24} {t:8.3f} s   {args.points / t / 1e6:8.2f} M points/s")
        print(f"  symnet / faster hand-written numpy = {ratio:.2f} (target <= 2)")
        print(f"  sympy.lambdify / symnet            = {speedup:.2f}")
        print(f"  estimated worst float64 error of the values: {worst:.2e}")


if __name__ == "__main__":
    main()

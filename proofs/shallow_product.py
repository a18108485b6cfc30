"""The shallow product of n inputs: the 2^n formula (LTR App. A; seed 000; MATH.md section 2).

Routes: the closed form (sum over odd multi-indices, never enumerating the 2^n neurons) against
the explicit expansion of the network (symnet.series), hand formulas evaluated exactly at
random rational points, and mpmath evaluations of the explicit networks.
"""

from __future__ import annotations

import itertools
import math
import random
import sys
import time
from fractions import Fraction

import mpmath
import sympy as sp
from _common import Report, main

from symnet import activations, series
from symnet.activations import DerivativeSymbol
from symnet.constructions import LAM, shallow_product
from symnet.network import Network, input_symbols

Z = sp.Integer(0)


def mp(value, dps=80):
    return mpmath.mpf(value.p) / value.q if value.is_Rational else mpmath.mpf(sp.N(value, dps))


def signed_network(n: int, act, weight) -> Network:
    signs = list(itertools.product((1, -1), repeat=n))
    return Network.single_hidden_layer([[LAM * si for si in s] for s in signs],
                                       [math.prod(s) * weight for s in signs], act)


def d(k: int) -> DerivativeSymbol:
    return DerivativeSymbol(k, Z)


def exact(q: Fraction) -> sp.Rational:
    return sp.Rational(q.numerator, q.denominator)


def run(report: Report) -> None:

    # exact series: closed form = explicit expansion (n <= 5, through lam^4), limit x_1...x_n
    ok = True
    for n in range(1, 6):
        c = shallow_product(n, activations.generic())
        closed = series.error(c, 4, method="closed")
        explicit = series.error(c, 4, method="explicit")
        ok &= closed.terms == explicit.terms and set(closed.terms) <= {2, 4}
    report.add("2^n formula -> x_1...x_n; odd-multi-index closed form = explicit expansion (n <= 5)",
               "LTR App. A; MATH.md sec. 2", "verified", ok)

    # leading error, by hand at random rational points, for n <= 5 and n = 30
    rng = random.Random(2)
    ok = True
    for n in (1, 2, 3, 4, 5, 30):
        xs = input_symbols(n)
        err = series.error(shallow_product(n, activations.generic()), 2)
        point = [Fraction(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(n)]
        s_hi, s_n = Fraction(rng.randint(1, 50), 7), Fraction(rng.randint(1, 50), 3)
        hand = s_hi / s_n * math.prod(point) * sum(x * x for x in point) / 6
        subs = {**{x: exact(v) for x, v in zip(xs, point, strict=True)}, d(n + 2): exact(s_hi), d(n): exact(s_n)}
        ok &= err.leading_order == 2 and err.coefficient(2).xreplace(subs) == exact(hand)
    report.add("leading error lam^2 sigma^(n+2)(b) x_1...x_n (x_1^2+...+x_n^2) / (6 sigma^(n)(b))",
               "MATH.md sec. 2", "verified", ok, detail="n = 1..5 and n = 30, exact evaluation at random points")

    # n = 30 with the closed form: lam^2 and lam^4 terms, timed
    start = time.perf_counter()
    err = series.error(shallow_product(30, activations.generic()), 4)
    took = time.perf_counter() - start
    n = 30
    xs = input_symbols(n)
    point = [Fraction(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(n)]
    sq = [x * x for x in point]
    hand = math.prod(point) * (sum(q * q for q in sq) / 120 + sum(sq[i] * sq[j] for i in range(n)
                                                                for j in range(i + 1, n)) / 36)
    subs = {**{x: exact(v) for x, v in zip(xs, point, strict=True)}, d(34): 1, d(30): 1}
    report.add("n = 30: lam^2 and lam^4 terms from the closed form (2^30 neurons never built)", "MATH.md sec. 2",
               "verified", sorted(err.terms) == [2, 4]
               and err.coefficient(4).xreplace(subs) == exact(hand),
               detail=f"lam^4 term has {n + n * (n - 1) // 2} monomials (alpha = (5,1,...,1) and (3,3,1,...,1))")
    print(f"   [time] n = 30 closed form through lam^4: {took:.2f} s (terminal only: the LaTeX and JSON stay "
          "deterministic)")

    # seed 000's weights (-1)^|S_j| / (2^n n! sigma_n): the network computes x_1...x_n / n!
    ok = True
    for n in (2, 3, 4):
        act = activations.get("exp")  # sigma_n = 1
        xs = input_symbols(n)
        seed = signed_network(n, act, sp.Integer(1) / (2**n * math.factorial(n) * LAM**n))
        limit = series.expand(seed, 0, variables=xs).coefficient(0)
        point = [sp.Rational(k + 2, k + 5) for k in range(n)]
        with mpmath.workdps(80):
            value = seed.subs({LAM: sp.Rational(1, 10**5)}).mpmath(point, dps=80)
        product = sp.Mul(*point)
        ok &= sp.expand(limit - sp.Mul(*xs) / math.factorial(n)) == 0
        ok &= abs(value * math.factorial(n) / mp(product) - 1) < 1e-8
    report.add("seed 000: weights (-1)^|S_j| / (2^n n! sigma_n) give x_1...x_n", "seed 000", "corrected", ok,
               detail="its equations (2)-(3) drop the 1/k! of the Taylor series, so those weights compute "
                      "x_1...x_n / n! (series and mpmath, n = 2, 3, 4); correct weights: "
                      "s_1...s_n / (2^n lam^n sigma^(n)(b))")

    # LTR Eq. 28 omits the normalisation: the bare signed sum is 2^n lam^n sigma^(n)(0) x_1...x_n + ...
    ok = True
    for n in (2, 3):
        act = activations.get("softplus") if n == 2 else activations.get("exp")
        xs = input_symbols(n)
        bare = signed_network(n, act, sp.Integer(1))
        s = series.expand(bare, n, variables=xs)
        ok &= all(p == n for p in s.terms)
        ok &= sp.expand(s.coefficient(n) - 2**n * act.derivative(n) * sp.Mul(*xs)) == 0
        point = [sp.Rational(1, 2)] * n
        lam = sp.Rational(1, 10**4)
        with mpmath.workdps(80):
            value = bare.subs({LAM: lam}).mpmath(point, dps=80)
        ok &= abs(value / mp(2**n * act.derivative(n) * lam**n * sp.Rational(1, 2**n)) - 1) < 1e-6
    report.add("LTR Eq. 28: x_1...x_n from sum_s (s_1...s_n) sigma(s.x)", "LTR Eq. 28", "corrected", ok,
               detail="without the factor 1/(2^n lam^n sigma^(n)(b)) the sum is 2^n lam^n sigma^(n)(0) x_1...x_n "
                      "+ O(lam^(n+2))")


def latex() -> str:
    """The derivation of the construction this script checks (a standalone LaTeX document)."""
    from symnet import activations
    from symnet.constructions import shallow_product
    from symnet.derivations import derive

    return derive(shallow_product(3, activations.generic()), 4).latex(standalone=True)


if __name__ == "__main__":
    sys.exit(main("The 2^n formula for the product of n inputs (LTR App. A)", run, latex=latex))

"""Hamiltonians, softmax and the posterior network for binary inputs (LTR Sec. II; seeds 000, 002; MATH.md sec. 5).

Routes: Bayes' theorem in rationals against softmax(-H - mu) from exact logarithms and against
50-digit mpmath; the Moebius coefficients against their inverse (sum over subsets, exact); the
network's exact beta -> oo limit against Bayes; its worst-case error at finite beta (the network's
own mpmath evaluation) against the exact asymptotic constant and the rigorous bound; the clique
count against the subsets the unrestricted construction finds.
"""

from __future__ import annotations

import itertools
import random
import sys

import mpmath
import sympy as sp
from _common import Report, main

from symnet.bayes import (
    joint_distribution,
    markov_network_bound,
    markov_posterior_network,
    moebius_coefficients,
    posterior_network,
    softmax,
)

R = sp.Rational


def random_distribution(n, classes, seed, zeros=False):
    rng = random.Random(seed)
    raw = {(x, y): rng.randint(0 if zeros else 1, 9) for x in itertools.product((0, 1), repeat=n) for y in classes}
    total = sum(raw.values())
    return joint_distribution({k: R(v, total) for k, v in raw.items()})


def mp_rational(q):
    return mpmath.mpf(int(q.p)) / int(q.q)


def run(report: Report) -> None:
    # 1. p(y|x) = softmax(-H(x) - mu), exactly
    ok, checked = True, 0
    for seed in range(6):
        p = random_distribution(2 + seed % 2, "abc", seed, zeros=seed % 3 == 0)
        for x in p.xs:
            if p.marginal(x) == 0:
                continue
            ok &= p.softmax_posterior(x) == p.posterior(x)
            with mpmath.workdps(50):
                logits = [mpmath.log(mp_rational(p.p(x, y))) if p.p(x, y) else -mpmath.inf for y in p.ys]
                top = max(logits)
                w = [mpmath.exp(v - top) for v in logits]
                ok &= all(abs(wi / mpmath.fsum(w) - mp_rational(p.posterior(x)[y])) < mpmath.mpf(10) ** -45
                          for wi, y in zip(w, p.ys, strict=True))
            checked += 1
    report.add("p(y|x) = softmax(-H(x) - mu) with H_y(x) = -ln p(x|y), mu_y = -ln p(y)", "LTR Eq. 8; seeds 000, 002",
               "verified", ok, detail=f"exact equality of rationals at {checked} inputs of 6 random distributions "
                                      "(some with zero entries: H = +oo); 50-digit mpmath agrees")
    # 2. seed 000's sign
    p = random_distribution(1, "ab", seed=3)
    wrong = softmax([-p.hamiltonian((1,), y) + p.mu(y) for y in p.ys])
    report.add("p(y|x) = e^(-[H_y(x) - mu_x]) / S(x)", "seed 000", "corrected",
               wrong != tuple(p.posterior((1,)).values()) and p.softmax_posterior((1,)) == p.posterior((1,)),
               detail="the exponent is -[H_y(x) + mu_y]: with the seed's sign the example's posterior is "
                      f"{tuple(map(str, wrong))}, Bayes gives "
                      f"{tuple(map(str, p.posterior((1,)).values()))}")
    t = sp.Symbol("x", real=True)
    ok = (sp.simplify(-sp.log(sp.exp(-t**2) / sp.sqrt(2 * sp.pi)) - (t**2 + sp.log(sp.sqrt(2 * sp.pi)))) == 0
          and sp.integrate(sp.exp(-t**2) / sp.sqrt(2 * sp.pi), (t, -sp.oo, sp.oo)) == 1 / sp.sqrt(2))
    report.add("example: p = e^(-x^2)/sqrt(2 pi) gives mu = x^2 - ln sqrt(2 pi)", "seed 000", "corrected", ok,
               detail="-ln p = x^2 + ln sqrt(2 pi); and e^(-x^2)/sqrt(2 pi) integrates to 1/sqrt 2 "
                      "(the normal density is e^(-x^2/2)/sqrt(2 pi))")
    # 3. Moebius coefficients
    ok = True
    for seed, n in ((1, 1), (2, 2), (3, 3), (4, 4)):
        p = random_distribution(n, "ab", seed)
        coeffs = moebius_coefficients(p)
        for y in p.ys:
            for x in itertools.product((0, 1), repeat=n):
                ones = {i for i, b in enumerate(x) if b}
                ok &= sp.exp(sp.Add(*[a for s, a in coeffs[y].items() if s <= ones])) == p.p(x, y)
    report.add("-H_y(x) - mu_y is a multilinear polynomial with 2^n coefficients (x_i^2 = x_i)",
               "LTR Sec. II E; seeds 000, 002", "verified", ok,
               detail="Moebius inversion a_K = ln prod_J p(1_J, y)^(+-1); the zeta transform returns p(x, y) "
                      "exactly (n = 1..4)")
    # 4. the network and its exact limit
    ok = True
    sizes = {}
    for n in (1, 2, 3, 4):
        p = random_distribution(n, "abc", seed=10 + n)
        net = posterior_network(p, beta=40)
        sizes[n] = net.hidden_neurons
        ok &= all(net.limit_posterior(x) == p.posterior(x) for x in itertools.product((0, 1), repeat=n))
        value, _, _ = posterior_network(p, beta=120).worst_case_error()
        ok &= value < mpmath.mpf(10) ** -20
    report.add("products of bits as sigmoids, a linear layer to -H - mu, softmax: the posterior as beta -> oo",
               "LTR Sec. II E; seeds 000, 002", "verified", ok,
               detail="exact limit = Bayes for random distributions, n = 1..4, 3 classes; at beta = 120 the network's "
                      "50-digit posterior is within 1e-20")
    generic = all(sizes[n] == 2**n - 1 for n in sizes)
    rng = random.Random(7)
    q = {y: [R(rng.randint(1, 9), 10) for _ in range(4)] for y in "ab"}
    table = {(x, y): R(1, 2) * sp.Mul(*[qi if b else 1 - qi for qi, b in zip(q[y], x, strict=True)])
             for y in "ab" for x in itertools.product((0, 1), repeat=4)}
    independent = posterior_network(joint_distribution(table)).hidden_neurons
    report.add("the binary network needs 2^n hidden neurons (one per product and the free term)", "seed 000",
               "corrected", generic and independent == 4,
               detail=f"2^n - 1 product neurons suffice (the free term is the output bias): generic distributions "
                      f"use {sizes}; conditionally independent bits (n = 4) need only {independent}")
    # 5. exact asymptotic error and rigorous bound
    p = random_distribution(3, "abc", seed=1)
    c, cx, cy = posterior_network(p, beta=40).leading_error()
    ok = True
    rows = []
    for beta in (20, 40, 60):
        net = posterior_network(p, beta=beta)
        value, wx, wy = net.worst_case_error()
        with mpmath.workdps(50):
            scaled = value * mpmath.exp(mpmath.mpf(beta) / 2)
            ok &= abs(scaled - mpmath.mpf(sp.N(c, 50))) < 100 * mpmath.exp(-mpmath.mpf(beta) / 2)  # E/t - C = O(t)
            ok &= value <= mpmath.mpf(sp.N(net.error_bound(), 50))
            ok &= beta == 20 or (wx, wy) == (cx, cy)
        rows.append(f"beta = {beta}: {mpmath.nstr(value, 6)}")
    report.add("worst-case posterior error E(beta) = C e^(-beta/2) + O(e^(-beta)), C exact", "symnet (MATH.md sec. 5)",
               "verified", ok,
               detail=f"C = {c} ~ {sp.N(c, 10)} (at x = {cx}, y = {cy}); {'; '.join(rows)}; below the bound "
                      "(1/2) max_y sum_K |a_K^y| / (1 + e^(beta/2))")
    # 6. locality
    cliques = [{i, i + 1} for i in range(5)]
    bound = markov_network_bound(cliques)
    potentials = {y: [{bits: R(rng.randint(1, 9), rng.randint(1, 3)) for bits in itertools.product((0, 1), repeat=2)}
                      for _ in cliques] for y in (0, 1)}
    net, _ = markov_posterior_network(cliques, potentials, {0: R(1, 3), 1: R(2, 3)})
    free = posterior_network(net.distribution)
    ok = (bound.bound == 5 * 4 and bound.neurons == 11 and net.hidden_neurons == 11 and free.subsets == net.subsets
          and all(net.limit_posterior(x) == net.distribution.posterior(x)
                  for x in itertools.product((0, 1), repeat=6)))
    report.add("a Markov network with N_c cliques of size <= S_c needs at most N_c 2^(S_c) neurons", "seed 002; LTR",
               "verified", ok,
               detail=f"chain of 6 bits, 5 pair cliques: bound 20, {bound.neurons} product neurons (6 singletons + 5 "
                      f"pairs) against 2^6 - 1 = 63; the unrestricted construction finds the same subsets; exact limit")


if __name__ == "__main__":
    sys.exit(main("Hamiltonians, softmax and the binary posterior network", run))

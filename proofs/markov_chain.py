"""Markov chains, sufficient statistics and inference depth (LTR Sec. III; seed 002; MATH.md sec. 7).

Routes: the posterior p(x_0 | x_n) by brute force over every path against the composition
f_0 o f_1 o ... o f_n of the per-step maps, against the exact output of the layer-per-step network
(softmax of its logits) and its 50-digit mpmath evaluation, and against Bayes' theorem of
symnet.bayes on the joint table p(x_n, x_0); sufficiency by merging the states of x_n with equal
statistic (a new chain, brute force again) against the recursion T_{i-1} = normalise(P_{i-1} T_i);
the network's depth and neurons counted on the Network against the closed formulas.
"""

from __future__ import annotations

import itertools
import sys

import mpmath
import sympy as sp
from _common import Report, main

from symnet.bayes import joint_distribution
from symnet.markov import (
    brute_force_posterior,
    composition_posterior,
    homogeneous_chain,
    inference_network,
    likelihood,
    markov_chain,
    network_counts,
    random_chain,
    statistic_classes,
    sufficiency_check,
    sufficient_statistic,
)

R = sp.Rational
TOL = mpmath.mpf(10) ** -45


def hand_chain():
    # p(x_0) = (1/2, 1/2), P = [[3/4, 1/4], [1/3, 2/3]], two steps. By hand for x_2 = 1:
    # L_1 = P e_1 = (1/4, 2/3); L_0 = P L_1 = (3/16 + 1/6, 1/12 + 4/9) = (17/48, 19/36);
    # p(x_0 | x_2 = 1) is proportional to (17/96, 19/72) = (51, 76)/288, i.e. (51/127, 76/127).
    return homogeneous_chain([R(1, 2), R(1, 2)], [[R(3, 4), R(1, 4)], [R(1, 3), R(2, 3)]], 2)


def chains():
    """The chains the script checks: by hand, random exact rational ones (fixed seeds), with zeros."""
    out = {"by hand (2 states, n = 2)": hand_chain()}
    for seed in range(3):
        out[f"random (2, 3, 2, 3), seed {seed}"] = random_chain((2, 3, 2, 3), seed=seed)
    out["random (3, 2, 4, 2, 3) with zeros, seed 11"] = random_chain((3, 2, 4, 2, 3), seed=11, zeros=True,
                                                                   denominator=3)
    base = random_chain((3, 3), seed=5)
    out["homogeneous 3 states, n = 5"] = homogeneous_chain(base.prior, base.transitions[0], 5)
    return out


def proportional_columns(chain):
    """The chain with columns 0 and 1 of P_{n-1} made proportional (ratio 2): x_n = 0, 1 share T_i."""
    last = chain.transitions[-1]
    rows = [[(last[a, 0] + last[a, 1]) / 3, 2 * (last[a, 0] + last[a, 1]) / 3, *list(last.row(a))[2:]]
            for a in range(last.rows)]
    return markov_chain(chain.prior, [*chain.transitions[:-1], rows])


def observations(chain):
    marginal = chain.marginal(chain.n)
    return [b for b in range(chain.sizes[-1]) if marginal[b] != 0]


def mp(q):
    return mpmath.mpf(int(q.p)) / int(q.q)


def run(report: Report) -> None:
    all_chains = chains()
    # 1. the composition
    ok, count = True, 0
    ok &= brute_force_posterior(hand_chain(), 1) == (R(51, 127), R(76, 127))
    for chain in all_chains.values():
        for b in observations(chain):
            ok &= brute_force_posterior(chain, b) == composition_posterior(chain, b)
            count += 1
    report.add("p(x_0 | x_n) = (f_0 o f_1 o ... o f_n)(x_n), f_i undoing one step of the chain",
               "LTR Sec. III Thm 2; seed 002", "verified", ok,
               detail=f"exact equality of rationals for {count} observations of {len(all_chains)} chains (by hand, "
                      "random exact rational ones from fixed seeds, inhomogeneous state counts, zero transitions, "
                      "homogeneous n = 5); f_n(x_n) = ln(P_{n-1} e_x), f_i(l) = ln(P_{i-1} e^l), "
                      "f_0(l) = softmax(ln p(x_0) + l); the by-hand chain gives (51/127, 76/127)")
    # 2. the indexing of seed 002
    inhomogeneous = random_chain((3, 3, 3, 3), seed=2)
    homogeneous = all_chains["homogeneous 3 states, n = 5"]

    def literal(chain, b):  # T_i = f_i o T_{i+1}, f_n = T_{n-1}, f_0 = posterior: P_1 .. P_{n-1} P_{n-1}
        p = chain.transitions
        return composition_posterior(markov_chain(chain.prior, [*p[1:], p[-1]]), b)

    wrong = [b for b in range(3) if literal(inhomogeneous, b) != brute_force_posterior(inhomogeneous, b)]
    same = all(literal(homogeneous, b) == brute_force_posterior(homogeneous, b) for b in range(3))
    report.add("T_i = f_i o T_{i+1} with f_n(x_n) = T_{n-1}(x_n) and f_0(T_0) = p(x_0 | T_0)", "seed 002",
               "corrected", len(wrong) == 3 and same,
               detail="f_0 gets two meanings and f_{n-1}, f_n both give T_{n-1}: read literally the composition "
                      "applies P_{n-1} twice and never P_0, which is wrong for an inhomogeneous chain (3 of 3 "
                      "observations differ from brute force, random 3-state chain, n = 3) and right only for a "
                      "homogeneous one (n = 5: equal). Consistent: T_{i-1} = f_i o T_i, 1 <= i <= n, T_n = x_n. "
                      "Seed 002 also writes f_0(T_0) = p(x_0, T_0) (the joint); the value is the conditional")
    # 3. sufficient statistics
    ok_suff, ok_rec, ok_nest, ok_min, merged, full_support = True, True, True, True, [], 0
    for name, chain in all_chains.items():
        chain = proportional_columns(chain) if chain.sizes[-1] > 2 else chain
        for i in range(chain.n):
            check = sufficiency_check(chain, i)
            ok_suff &= check.sufficient
            if all(chain.marginal(i)):
                ok_min &= check.distinct
                full_support += len(check.classes) > 1
            if i == 0:
                merged.append(f"{name}: {chain.sizes[-1]} states -> {len(check.classes)} classes")
            if i:
                coarse, fine = statistic_classes(chain, i - 1), statistic_classes(chain, i)
                ok_nest &= all(any(set(f) <= set(c) for c in coarse) for f in fine)
                p = chain.transitions[i - 1]
                for b in observations(chain):
                    if any(likelihood(chain, i - 1, b)):
                        step = list(p * sp.Matrix(sufficient_statistic(chain, i, b)))
                        ok_rec &= tuple(v / sp.Add(*step) for v in step) == sufficient_statistic(chain, i - 1, b)
    report.add("T_{i+1}(x_n) is a sufficient statistic for p(x_i | x_n), and T_i is a function of T_{i+1}",
               "seed 002; LTR Sec. III", "verified", ok_suff and ok_rec and ok_nest,
               detail="T_i = likelihood vector p(x_n | x_i = .) normalised. Merging the states of x_n with equal T_i "
                      "(proportional likelihood columns) gives a chain whose posteriors equal the original ones "
                      "(brute force on both, every step i); T_{i-1} = normalise(P_{i-1} T_i) exactly; the classes "
                      "of T_{i-1} are unions of those of T_i. " + "; ".join(merged[-3:]))
    # a zero in p(x_0): the likelihood columns (1/2, 1/2, 1) and (1/2, 1/2, 0) differ only where p(x_0) = 0
    degenerate = markov_chain([R(1, 2), R(1, 2), 0], [[[R(1, 2), R(1, 2)], [R(1, 2), R(1, 2)], [1, 0]]])
    check = sufficiency_check(degenerate)
    half = (R(1, 2), R(1, 2), 0)
    ok_zero = (check.classes == ((0,), (1,)) and not check.distinct
               and brute_force_posterior(degenerate, 0) == brute_force_posterior(degenerate, 1) == half)
    report.add("the likelihood statistic T_i is minimal: distinct statistics give distinct posteriors",
               "seed 002 (minimal sufficient statistic)", "verified", ok_min and full_support > 0 and ok_zero,
               detail=f"different classes give different posteriors p(x_i | class), exactly, in all {full_support} "
                      "cases with p(x_i) > 0 everywhere and at least two classes (Lehmann-Scheffe). Where p(x_i) has "
                      "a zero the minimal statistic (the posterior itself) can be coarser: with p(x_0) = "
                      "(1/2, 1/2, 0) and likelihood columns (1/2, 1/2, 1), (1/2, 1/2, 0), T_0 has two classes but "
                      "both posteriors are (1/2, 1/2, 0)")
    # 4. the network and its depth
    ok_exact, ok_mp, ok_ll, checked = True, True, True, 0
    positive = {k: c for k, c in all_chains.items() if "zeros" not in k}
    for chain in positive.values():
        net = inference_network(chain)
        ll_net = inference_network(chain, encoding="log-likelihood")
        for b in observations(chain):
            exact = brute_force_posterior(chain, b)
            ok_exact &= net.posterior(b) == exact
            with mpmath.workdps(50):
                ok_mp &= all(abs(v - mp(q)) < TOL for v, q in zip(net.mpmath_posterior(b, 50), exact, strict=True))
            evidence = [R(1 + (b + j) % 3, 7) for j in range(chain.sizes[-1])]
            ok_ll &= ll_net.posterior([sp.log(v) for v in evidence]) == brute_force_posterior(chain, evidence)
            checked += 1
    zero_chain = all_chains["random (3, 2, 4, 2, 3) with zeros, seed 11"]
    ok_ll &= all(zero_chain.prior)  # the network needs p(x_0) > 0 (its output bias is ln p(x_0))
    if ok_ll:
        ll_net = inference_network(zero_chain, encoding="log-likelihood")
        evidence = [R(j + 1, 9) for j in range(zero_chain.sizes[-1])]
        ok_ll &= ll_net.posterior([sp.log(v) for v in evidence]) == brute_force_posterior(zero_chain, evidence)
    depths, ok_counts = [], True
    for n in range(1, 7):
        chain = random_chain((3,) * (n + 1), seed=n)
        for encoding in ("one-hot", "log-likelihood"):
            net = inference_network(chain, encoding=encoding)
            ok_counts &= (net.depth, net.hidden_neurons) == network_counts(chain.sizes, encoding)
        net = inference_network(chain)
        ok_counts &= net.depth == 2 * n - 1 and net.hidden_neurons == 3 * (2 * n - 1)
        depths.append(f"n = {n}: depth {net.depth}, {net.hidden_neurons} neurons")
    report.add("inference has the depth of the generative process: a network of depth ~ n computes p(x_0 | x_n)",
               "LTR Sec. III; seed 002", "verified", ok_exact and ok_mp and ok_ll and ok_counts,
               detail="layers [P_i, log], [I, exp] per step, output [I, ln p(x_0)], then softmax: exact output = "
                      f"brute force at {checked} observations; 50-digit mpmath within 1e-45; the log-likelihood "
                      "encoding ([I, exp] first) matches brute force with soft evidence, also on the chain with "
                      "zeros; depth 2n - 1 and k_0 + 2(k_1 + ... + k_{n-1}) neurons (counted = formula), 3 states: "
                      + "; ".join(depths[::2]))
    # 5. the logits are -H - mu (MATH.md sec. 5)
    ok = True
    for chain in positive.values():
        net = inference_network(chain)
        table = {}
        for path in itertools.product(*(range(k) for k in chain.sizes)):
            key = (path[-1], path[0])
            table[key] = table.get(key, 0) + chain.path_probability(path)
        dist = joint_distribution(table)
        for b in observations(chain):
            ok &= tuple(sp.exp(v) for v in net.logits(b)) == tuple(table[(b, a)] for a in range(chain.sizes[0]))
            ok &= tuple(dist.posterior(b).values()) == net.posterior(b)
    report.add("the network's outputs are ln p(x_0, x_n) = -H_{x_0}(x_n) - mu_{x_0}; softmax is Bayes",
               "LTR Sec. II-III; MATH.md sec. 5", "verified", ok,
               detail="e^(logit) equals the joint summed over paths, and symnet.bayes' posterior of the joint table "
                      "p(x_n, x_0) equals the network's softmax, exactly")
    # 6. depth is not needed for exactness
    dense = random_chain((3, 3, 3, 3, 3), seed=7)
    bottleneck = random_chain((8, 2, 8), seed=3)
    rows, ok = [], True
    for name, chain in (("dense 3 states, n = 4", dense), ("bottleneck 8 -> 2 -> 8", bottleneck)):
        deep, flat = inference_network(chain), inference_network(chain, flat=True)
        ok &= all(flat.posterior(b) == deep.posterior(b) == brute_force_posterior(chain, b)
                  for b in observations(chain))
        ok &= flat.depth == 1 and (flat.depth, flat.hidden_neurons) == network_counts(chain.sizes, flat=True)
        rows.append(f"{name}: deep depth {deep.depth}, {deep.hidden_neurons} neurons, {deep.synapses} synapses; "
                    f"flat depth 1, {flat.hidden_neurons} neurons, {flat.synapses} synapses")
    ok &= inference_network(dense, flat=True).synapses < inference_network(dense).synapses
    ok &= inference_network(bottleneck, flat=True).synapses > inference_network(bottleneck).synapses
    report.add("approximating a composition of n functions works best with >= n hidden layers",
               "seed 002 (heuristic of LTR Sec. III)", "corrected", ok,
               detail="exp(log z) = z, so the depth-1 network [M, log], M = P_0 ... P_{n-1}, computes the same "
                      "posterior exactly with k_0 neurons. Depth can save synapses when the chain factors through "
                      "few states (not for a dense chain): " + "; ".join(rows))


if __name__ == "__main__":
    sys.exit(main("Markov chains, sufficient statistics and inference depth", run))

"""``derive(construction, order)``: a construction's exact error series, step by step.

For a single-hidden-layer network ``N(x) = c + sum_j w_j sigma(b_j + t_j(x))`` whose
pre-activations tend to the biases as lam -> 0 (``t_j = O(lam)``), the derivation is the one of
LTR Sec. II C / App. A and RT Sec. II (MATH.md sections 1, 2, 4):

1. the network as equations;
2. the Taylor expansion of the activation at the operating point, with exact coefficients
   ``sigma^(k)(b)/k!`` (:meth:`~symnet.activations.Activation.derivatives`: symbols
   ``sigma^(k)(b)`` for the generic activation, exact numbers for a concrete one);
3. the substitution ``N(x) = c + sum_k sigma^(k)(b)/k! S_k(x)``, ``S_k = sum_j w_j t_j^k``;
4. the cancellations: which ``S_k`` vanish (output weights summing to zero, odd powers cancelling
   in pairs of opposite neurons, vanishing derivatives of the activation) and the others;
5. the exact error series ``N(x) - target = sum_i lam^i E_i(x) + O(lam^(order+1))``;
6. the hypotheses, with their status and where they come from.

This route (sympy ``expand`` over the neurons) is independent of :func:`symnet.series.error`
(Laurent-series composition in polynomial rings, or the construction's closed form); the two
must agree term by term, and :func:`derive` raises :class:`~symnet.errors.CertificateError` if
they do not. The final step prints the *same* sympy objects that are stored in
``Derivation.error``. Deeper networks, and constructions too large to enumerate, are derived
from their layer equations (or closed form) and the series of :mod:`symnet.series`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import sympy as sp

from symnet.activations import Activation, DerivativeSymbol
from symnet.constructions._base import Construction
from symnet.derivations._deep import Deep, closed_form_step, network_equations_step, network_step_large
from symnet.derivations._latex import ReadingPrinter, display_form, prose, text
from symnet.derivations._steps import Derivation, Expansion, Row, Step, Tex
from symnet.errors import CertificateError, InvalidInput
from symnet.series._result import factor_display

__all__ = ["MAX_DERIVE_ORDER", "MAX_LAYERWISE_NEURONS", "MAX_WRITTEN_NEURONS", "derive"]

#: Highest order accepted (the expansions grow quickly with the order).
MAX_DERIVE_ORDER = 24
#: Largest single-hidden-layer network written out and expanded neuron by neuron.
MAX_WRITTEN_NEURONS = 64
#: Largest deep network expanded layer by layer by derive's own route (sympy expressions; beyond
#: this the series comes from symnet.series alone, and the document says so).
MAX_LAYERWISE_NEURONS = 16

_MU = sp.Symbol("mu")
_T = sp.Symbol("t")


# -- helpers ---------------------------------------------------------------------------------------

def _canonical(value: sp.Expr, variables: tuple[sp.Symbol, ...]) -> sp.Expr:
    from symnet.series._canonical import canonical

    return canonical(value, variables)


def _lam_order(value: sp.Expr, lam: sp.Symbol) -> int:
    """The lowest power of lam in a Laurent monomial-like expression (0 if lam is absent)."""
    value = sp.together(sp.sympify(value))
    if value == 0 or not value.has(lam):
        return 0
    num, den = sp.fraction(value)

    def low(e: sp.Expr) -> int:
        if not e.has(lam):
            return 0
        poly = sp.Poly(sp.expand(e), lam)
        return min(m[0] for m in poly.monoms())

    return low(num) - low(den)


def _is_lam_polynomial(value: sp.Expr, lam: sp.Symbol) -> bool:
    try:
        sp.Poly(sp.expand(value), lam)
    except sp.PolynomialError:
        return False
    return True


def _args_tex(variables: Sequence[sp.Symbol], printer: ReadingPrinter) -> str:
    """The argument list of N: the inputs themselves for up to three, else the vector x."""
    if len(variables) > 3:
        return "\\mathbf{x}"
    return ", ".join(printer.doprint(v) for v in variables)


def _sigma_at(point: sp.Expr, printer: ReadingPrinter, shift: str = "") -> str:
    """LaTeX of sigma(point + shift), omitting a zero point."""
    inside = printer.doprint(point) if point != 0 else ""
    if shift:
        inside = f"{inside} + {shift}" if inside else shift
    return f"\\sigma\\left({inside}\\right)"


def _signed_linear(form: sp.Expr, variables: tuple[sp.Symbol, ...]) -> tuple[int, sp.Expr]:
    """(s, f) with form = s f and the first term of f (in reading order) positive."""
    form = sp.expand(form)
    if form == 0:
        return 1, form
    items = sp.Poly(form, *variables).terms() if variables else [((), form)]
    items = sorted(items, key=lambda mc: (sum(mc[0]), tuple(-e for e in mc[0])))
    lead = items[0][1]
    if lead.could_extract_minus_sign():
        return -1, sp.expand(-form)
    return 1, form


def _paren(tex: str, value: sp.Expr) -> str:
    return f"\\left({tex}\\right)" if value.is_Add else tex


def _primes(k: int) -> str:
    return {1: "'", 2: "''", 3: "'''"}.get(k, f"^{{({k})}}")


# -- the shallow route --------------------------------------------------------------------------------

class _Shallow:
    """The explicit per-neuron derivation of a single-hidden-layer construction."""

    def __init__(self, c: Construction, order: int):
        self.c = c
        self.order = order
        self.lam = c.scale
        self.x = tuple(c.variables)
        net = c.network
        hidden, out = net.layers
        self.act: Activation = hidden.activation
        self.m = hidden.width
        self.biases = [sp.sympify(v) for v in hidden.bias]
        self.weights = [sp.sympify(out.weights[0, j]) for j in range(self.m)]
        self.out_bias = sp.sympify(out.bias[0])
        lam = self.lam
        self.t = [sp.expand(sum((hidden.weights[j, i] * self.x[i] for i in range(len(self.x))), sp.Integer(0)))
                  for j in range(self.m)]
        for j, b in enumerate(self.biases):
            if b.has(lam):
                raise InvalidInput(
                    f"derive(): hidden neuron {j + 1} of {c.name} has a bias {b} that depends on {lam}; "
                    "the derivation expands each neuron around a fixed operating point")
        for j, t in enumerate(self.t):
            if not _is_lam_polynomial(t, lam) or sp.expand(t.subs(lam, 0)) != 0:
                raise InvalidInput(
                    f"derive(): the pre-activation of hidden neuron {j + 1} of {c.name} is not bias + O({lam}) "
                    f"(it is {self.biases[j]} + {t}); the Taylor derivation needs inputs scaled by {lam} -> 0")
        # q = lowest power of lam in the t_j; p = highest pole of the output weights
        self.q = min((_lam_order(t, lam) for t in self.t if t != 0), default=1)
        self.p = max([0, *(-_lam_order(w, lam) for w in [*self.weights, self.out_bias])])
        self.K = max(0, (order + self.p) // max(self.q, 1))
        # the common factor mu of the output weights and the scaled forms t_j = lam^q that_j
        self.mu, self.what = self._common_factor(self.weights)
        self.that = [sp.expand(t / lam**self.q) for t in self.t]
        if any(th.has(lam) for th in self.that):
            self.that = None
        self.points = sorted(set(self.biases), key=sp.default_sort_key)
        self.derivs = {b: self.act.derivatives(self.K, at=b) for b in self.points}
        self.printer = ReadingPrinter(self.x)
        self._brackets: dict[int, sp.Expr] = {}
        self._ring = None

    @staticmethod
    def _common_factor(weights: list[sp.Expr]) -> tuple[sp.Expr, list[sp.Expr] | None]:
        nonzero = [w for w in weights if w != 0]
        if not nonzero:
            return sp.Integer(1), None
        lead = nonzero[0]
        ratios = [sp.cancel(w / lead) for w in weights]
        if not all(r.is_Rational for r in ratios):
            return sp.Integer(1), None
        den = math.lcm(*(int(r.q) for r in ratios))
        nums = [int(r * den) for r in ratios]
        g = math.gcd(*nums)
        mu = sp.cancel(lead * g / den)
        return mu, [sp.Integer(n // g) for n in nums]

    # the mathematics ---------------------------------------------------------------------------------
    def s_k(self, k: int) -> sp.Expr:
        """S_k = sum_j w_j t_j^k, exactly."""
        bracket = self.bracket(k)
        if bracket is not None:
            return sp.expand(self.mu * self.lam**(self.q * k) * bracket)
        return sp.expand(sp.Add(*[w * t**k for w, t in zip(self.weights, self.t, strict=True)]))

    def bracket(self, k: int) -> sp.Expr | None:
        """B_k = sum_j what_j that_j^k (integer polynomial; S_k = mu lam^(q k) B_k), when mu and the
        that_j exist. Computed in the polynomial ring Q[x] (sympy.polys.rings)."""
        if self.what is None or self.that is None:
            return None
        if k not in self._brackets:
            if self._ring is None:
                ring, *_ = sp.polys.rings.ring(self.x, sp.QQ) if self.x else (None,)
                forms = [ring.from_expr(t) if t != 0 else ring.zero for t in self.that]
                self._ring = (ring, forms)
            ring, forms = self._ring
            total = ring.zero
            for w, t in zip(self.what, forms, strict=True):
                if w != 0:
                    total += int(w) * t**k
            self._brackets[k] = sp.expand(total.as_expr())
        return self._brackets[k]

    def _laurent_monomial(self, value: sp.Expr) -> tuple[sp.Expr, int] | None:
        """(c, e) with value = c lam^e and c free of lam, or None."""
        if value == 0:
            return sp.Integer(0), 0
        e = _lam_order(value, self.lam)
        c = sp.cancel(value * self.lam**(-e))
        return (c, e) if not c.has(self.lam) else None

    def expansion(self) -> dict[int, sp.Expr]:
        """{power: coefficient} of N(x) in lam, through lam^order, by the per-neuron route."""
        lam = self.lam
        mu = self._laurent_monomial(self.mu)
        c0 = self._laurent_monomial(self.out_bias)
        raw: dict[int, sp.Expr] = {}
        if len(self.points) == 1 and self.what is not None and self.that is not None and mu and c0:
            # fast route: N = c0 + sum_k sigma^(k)(b)/k! mu0 lam^(e + q k) B_k
            d = self.derivs[self.points[0]]
            if c0[0] != 0:
                raw[c0[1]] = c0[0]
            for k in range(self.K + 1):
                power = mu[1] + self.q * k
                if power > self.order or d[k] == 0:
                    continue
                bracket = self.bracket(k)
                if bracket != 0:
                    raw[power] = raw.get(power, sp.Integer(0)) + d[k] / sp.factorial(k) * mu[0] * bracket
        else:
            total = self.out_bias
            for w, b, t in zip(self.weights, self.biases, self.t, strict=True):
                d = self.derivs[b]
                total += w * sp.Add(*[d[k] / sp.factorial(k) * t**k for k in range(self.K + 1)])
            poly = sp.Poly(sp.expand(total * lam**self.p), lam)
            for (e,), coeff in poly.terms():
                if e - self.p <= self.order:
                    raw[e - self.p] = coeff
        out: dict[int, sp.Expr] = {}
        for power, coeff in sorted(raw.items()):
            value = _canonical(coeff, self.x)
            if value != 0:
                out[power] = value
        return out

    # the steps ---------------------------------------------------------------------------------------
    def neuron_tex(self, j: int, k: str | None = None) -> str:
        """LaTeX of neuron j's term: sigma(b_j + t_j), or with ``k`` the power that_j^k (t_j^k when
        the scale cannot be factored out)."""
        lam, pr = self.lam, self.printer
        if self.that is not None:
            s, form = _signed_linear(self.that[j], self.x)
            scale = "" if k is not None else pr.doprint(lam**self.q)
        else:
            s, form = _signed_linear(self.t[j], self.x)
            scale = ""
        ftex = pr.doprint(form)
        if k is not None:
            if s > 0 and not form.is_Add and not form.is_Mul:
                return f"{ftex}^{{{k}}}"
            return f"\\left({pr.doprint(sp.expand(s * form))}\\right)^{{{k}}}"
        b = self.biases[j]
        arg = f"{scale} {_paren(ftex, form)}" if scale else ftex
        if b == 0:
            inside = arg if s > 0 else f"-{arg}"
        else:
            inside = f"{pr.doprint(b)} {'+' if s > 0 else '-'} {arg}"
        return f"\\sigma\\left({inside}\\right)"

    def weighted_sum_chunks(self, k: str | None) -> tuple[str, list[str]]:
        """(prefix, chunks) for sum_j w_j sigma(...) (k None) or sum_j w_j t_j^k."""
        pr = self.printer
        chunks = []
        coeffs = self.what if self.what is not None else self.weights
        for j in range(self.m):
            w = coeffs[j]
            if w == 0:
                continue
            body = self.neuron_tex(j, k)
            sign = "-" if w.could_extract_minus_sign() else "+"
            mag = -w if sign == "-" else w
            mag_tex = "" if mag == 1 else _paren(pr.doprint(mag), mag) + " "
            chunks.append((sign, f"{mag_tex}{body}"))
        out = []
        for i, (sign, body) in enumerate(chunks):
            out.append(("-" if sign == "-" else "") + body if i == 0 else f"{sign} {body}")
        prefix = ""
        if self.what is not None and self.mu != 1:
            prefix = "\\mu"
        if k is not None and self.that is not None:
            power = "k" if self.q == 1 else f"{self.q} k"
            prefix = f"{prefix} \\lambda^{{{power}}}".strip()
        return prefix, out

    def step_network(self) -> Step:
        pr = self.printer
        args = _args_tex(self.x, pr)
        prefix, chunks = self.weighted_sum_chunks(None)
        if prefix and chunks:
            chunks[0] = f"{prefix} \\bigl[{chunks[0]}"
            chunks[-1] = f"{chunks[-1]}\\bigr]"
        if self.out_bias != 0:
            ob = self.out_bias
            sign = "-" if ob.could_extract_minus_sign() else "+"
            mag = -ob if sign == "-" else ob
            chunks.append(f"{sign} {_paren(pr.doprint(mag), mag)}")
        rows = [Row(Tex(f"N({args})", f"N({', '.join(map(str, self.x))})"),
                    Tex(" ".join(chunks), self._plain_network(), tuple(chunks)))]
        if self.what is not None and self.mu != 1:
            rows.append(Row(Tex("\\mu", "mu"), self.mu))
        act = self.act
        if not act.is_generic:
            rows.append(Row(Tex("\\sigma(x)", "sigma(x)"), act.expr, reading=(sp.Symbol("x", real=True),)))
        m = self.m
        why = (f"{m} hidden neuron{'s' if m != 1 else ''} in one hidden layer"
               + (", common bias" if len(self.points) == 1 else "")
               + ("; no output bias" if self.out_bias == 0 else "; with an output bias")
               + f"; inputs scaled by $\\lambda$ ({text(self.c.source)}).")
        if not act.is_generic:
            why += f" Activation: {text(act.name)} ({text(act.description)})."
        else:
            why += " Generic activation $\\sigma$: the result holds for every smooth $\\sigma$."
        return Step("The network", tuple(rows), why)

    def _plain_network(self) -> str:
        terms = [f"({w})*sigma({b + t})" for w, b, t in zip(self.weights, self.biases, self.t, strict=True) if w != 0]
        out = " + ".join(terms)
        return out + (f" + ({self.out_bias})" if self.out_bias != 0 else "")

    def step_taylor(self) -> Step:
        rows = []
        K = self.K
        for b in self.points:
            d = self.derivs[b]
            poly = sp.Add(*[d[k] / sp.factorial(k) * _T**k for k in range(K + 1)])
            lhs_tex = _sigma_at(b, self.printer, "t")
            lhs_plain = f"sigma({b} + t)" if b != 0 else "sigma(t)"
            bt = self.printer.doprint(b)
            if self.act.is_generic:
                rows.append(Row(Tex(lhs_tex, lhs_plain),
                                Tex(f"\\sum_{{k \\ge 0}} \\frac{{\\sigma^{{(k)}}({bt})}}{{k!}}\\, t^{{k}}",
                                    f"sum_k sigma^(k)({b}) t^k / k!")))
            else:
                rows.append(Row(Tex(lhs_tex, lhs_plain),
                                Tex(f"\\sum_{{k \\ge 0}} c_k\\, t^{{k}}, \\quad c_k = "
                                    f"\\frac{{\\sigma^{{(k)}}({bt})}}{{k!}}",
                                    f"sum_k c_k t^k, c_k = sigma^(k)({b})/k!")))
            rows.append(Row(None, Expansion({0: poly}, (_T,), _T, remainder=K + 1)))
        if self.act.is_generic:
            why = (f"Taylor's theorem at the operating point, through $t^{{{K}}}$ (enough for "
                   f"$O(\\lambda^{{{self.order + 1}}})$); $\\sigma^{{(k)}}$ is the $k$-th derivative and "
                   "$\\sigma^{(k)}/k!$ the Taylor coefficient (MATH.md sec. 0).")
        else:
            why = (f"Exact derivatives of {text(self.act.name)} at the operating point (Taylor-jet arithmetic, "
                   f"symnet.activations), through $t^{{{K}}}$; $c_k = \\sigma^{{(k)}}/k!$ are Taylor "
                   "coefficients, not derivatives (MATH.md sec. 0).")
        return Step("Taylor expansion of the activation", tuple(rows), why)

    def step_substitution(self) -> Step:
        pr = self.printer
        args = _args_tex(self.x, pr)
        K = self.K
        ob = "" if self.out_bias == 0 else _paren(pr.doprint(self.out_bias), self.out_bias) + " + "
        if len(self.points) == 1:
            b = pr.doprint(self.points[0])
            rhs = (f"{ob}\\sum_{{k=0}}^{{{K}}} \\frac{{\\sigma^{{(k)}}({b})}}{{k!}}\\, S_k "
                   f"+ O\\left(\\lambda^{{{self.order + 1}}}\\right)")
            plain = f"sum_(k=0..{K}) sigma^(k)({self.points[0]})/k! S_k + O(lam^{self.order + 1})"
        else:
            rhs = (f"{ob}\\sum_{{k=0}}^{{{K}}} \\frac{{1}}{{k!}} \\sum_j w_j \\sigma^{{(k)}}(b_j)\\, t_j^{{k}} "
                   f"+ O\\left(\\lambda^{{{self.order + 1}}}\\right)")
            plain = f"sum_(k=0..{K}) 1/k! sum_j w_j sigma^(k)(b_j) t_j^k + O(lam^{self.order + 1})"
        rows = [Row(Tex(f"N({args})", "N"), Tex(rhs, plain))]
        prefix, chunks = self.weighted_sum_chunks("k")
        if prefix and chunks:
            chunks[0] = f"{prefix} \\bigl[{chunks[0]}"
            chunks[-1] = f"{chunks[-1]}\\bigr]"
        rows.append(Row(Tex("S_k := \\sum_j w_j\\, t_j^{k}", "S_k := sum_j w_j t_j^k"),
                        Tex(" ".join(chunks), "sum_j w_j t_j^k", tuple(chunks))))
        lam_q = "\\lambda" if self.q == 1 else f"\\lambda^{{{self.q}}}"
        why = f"Insert the expansion into every neuron: neuron $j$ sees $b_j + t_j$ with $t_j = O({lam_q})$"
        why += (f" and the output weights are $O(\\lambda^{{-{self.p}}})$, so the terms $k > {K}$ are "
                f"$O(\\lambda^{{{self.order + 1}}})$." if self.p else
                f", so the terms $k > {K}$ are $O(\\lambda^{{{self.order + 1}}})$.")
        return Step("Substitution", tuple(rows), why)

    def _pairs_cancel(self) -> bool:
        """Whether the neurons come in pairs (b, t, w), (b, -t, w)."""
        items = [(b, t, w) for b, t, w in zip(self.biases, self.t, self.weights, strict=True) if w != 0]
        pool = list(items)
        while pool:
            b, t, w = pool.pop()
            match = next((i for i, (b2, t2, w2) in enumerate(pool)
                          if b2 == b and sp.expand(t2 + t) == 0 and sp.expand(w2 - w) == 0), None)
            if match is None:
                return False
            pool.pop(match)
        return True

    def step_cancellations(self) -> Step:
        pr = self.printer
        rows = []
        zero_s, zero_d = [], []
        single = len(self.points) == 1
        for k in range(self.K + 1):
            if single and self.derivs[self.points[0]][k] == 0:
                zero_d.append(k)
            bracket = self.bracket(k)
            lhs = Tex(f"S_{{{k}}}", f"S_{k}")
            if bracket is not None:
                if bracket == 0:
                    zero_s.append(k)
                    rows.append(Row(lhs, sp.Integer(0)))
                    continue
                power = self.q * k
                pieces = [p for p in ("\\mu" if self.mu != 1 else "", pr.doprint(self.lam**power) if power else "")
                          if p]
                rows.append(Row(lhs, Expansion({0: bracket}, self.x, factor=" ".join(pieces),
                                               factor_text=f"mu*lam**{power}" if self.mu != 1 else f"lam**{power}")))
            else:
                value = self.s_k(k)
                if value == 0:
                    zero_s.append(k)
                rows.append(Row(lhs, Expansion({0: value}, self.x)))
        reasons = []
        if 0 in zero_s:
            reasons.append("$S_0 = \\sum_j w_j = 0$: the output weights sum to zero")
        odd = [k for k in zero_s if k % 2 == 1]
        if odd and self._pairs_cancel():
            reasons.append("the odd $S_k$ vanish: the neurons come in pairs $\\pm t_j$ with equal weights "
                           "and biases, so odd powers cancel")
        rest = [k for k in zero_s if k != 0 and not (k % 2 == 1 and odd and self._pairs_cancel())]
        if rest:
            reasons.append(f"$S_k = 0$ for $k \\in \\{{{', '.join(map(str, rest))}\\}}$ (the terms cancel exactly)")
        if zero_d:
            ks = ", ".join(map(str, zero_d))
            reasons.append(f"$\\sigma^{{(k)}}$ vanishes at the operating point for $k \\in \\{{{ks}\\}}$")
        if self.mu != 1 and self.what is not None:
            reasons.append("$\\mu$ is the common factor of the output weights")
        why = ("; ".join(reasons) + ".") if reasons else "No term cancels identically."
        why = why[0].upper() + why[1:] if why[0].isalpha() else why
        return Step("Cancellations", tuple(rows), why)


# -- steps shared by every route ----------------------------------------------------------------------

def _product_chunks(coeff: sp.Expr, power: int, poly: sp.Expr, variables: tuple[sp.Symbol, ...],
                    printer: ReadingPrinter, scale: sp.Symbol) -> list[str]:
    """coefficient, scale^power and the factors of poly (monomial factors first) as chunks."""
    factors = sp.Mul.make_args(poly)
    plain = [f for f in factors if not f.is_Add and not (f.is_Pow and f.base.is_Add)]
    grouped = [f for f in factors if f not in plain]

    def var_index(f: sp.Expr) -> int:
        base = f.base if f.is_Pow else f
        return variables.index(base) if base in variables else len(variables)

    plain.sort(key=lambda f: (var_index(f), sp.default_sort_key(f)))
    head = " ".join(t for t in (_factor_text(coeff, printer), printer.doprint(scale**power) if power else "",
                                " ".join(printer.doprint(f) for f in plain)) if t)
    head = "-" + head[2:] if head.startswith("- ") else head
    chunks = [head] if head else []
    for f in grouped:
        tex = printer.doprint(f)
        chunks.append(tex if f.is_Pow else f"\\left({tex}\\right)")
    return chunks or ["1"]


def _series_step(c: Construction, order: int, expansion: dict[int, sp.Expr], error: dict[int, sp.Expr],
                 checked: str, method: str) -> Step:
    from symnet.derivations._latex import visible_width

    variables = tuple(c.variables)
    pr = ReadingPrinter(variables)
    args = _args_tex(variables, pr)
    target = sp.sympify(c.target)
    target_tex = pr.doprint(target)
    rows = []
    if visible_width(target_tex) > 14:
        rows.append(Row(Tex(f"p({args})", "p"), Expansion({0: target}, variables, c.scale)))
        diff = Tex(f"N({args}) - p({args})", "N - p")
    else:
        diff = Tex(f"N({args}) - {_paren(target_tex, target)}", f"N - ({target})")
    rows.append(Row(Tex(f"N({args})", "N"), Expansion(expansion, variables, c.scale, remainder=order + 1)))
    rows.append(Row(diff, Expansion(error, variables, c.scale, remainder=order + 1)))
    powers = sorted(p for p, v in error.items() if v != 0)
    if powers:
        p0 = powers[0]
        coeff, poly = factor_display(error[p0]).as_independent(*variables, as_Add=False)
        chunks = _product_chunks(coeff, p0, poly, variables, pr, c.scale)
        chunks.append(f"+ O\\left({pr.doprint(c.scale**(p0 + 1))}\\right)")
        rows.append(Row(diff, Tex(" ".join(chunks), f"{c.scale**p0 * coeff * poly} + O({c.scale}**{p0 + 1})",
                                  tuple(chunks))))
        lead_txt = (f"The leading error is of order $\\lambda^{{{p0}}}$ and of total degree "
                    f"{sp.Poly(error[p0], *variables).total_degree()} in the inputs")
    else:
        lead_txt = f"The network equals the target exactly through $\\lambda^{{{order}}}$"
    why = f"Collect powers of $\\lambda$. {lead_txt}."
    if checked:
        why += f" Agrees term by term with {text(checked)}."
    else:
        why += f" Computed by symnet.series.error ({text(method)}); the network is not enumerated."
    return Step("The exact error series", tuple(rows), why)


def _factor_text(coeff: sp.Expr, printer: ReadingPrinter) -> str:
    """A coefficient written in front of a product ('-' for -1, '' for 1)."""
    if coeff == 1:
        return ""
    if coeff == -1:
        return "-"
    tex = printer.doprint(coeff)
    return f"\\left({tex}\\right)" if coeff.is_Add else tex


def _hypotheses_step(c: Construction) -> Step:
    rows = []
    status = {True: "holds", False: "FAILS", None: "assumed"}
    for h in c.hypotheses:
        detail = status[h.holds]
        detail_tex = f"\\text{{{detail}}}"
        if h.value is not None and not isinstance(h.value, DerivativeSymbol):
            value = ReadingPrinter(c.variables).doprint(display_form(sp.sympify(h.value)))
            detail_tex += f"\\ (\\text{{value }} {value})"
        if h.source:
            detail_tex += f";\\ \\text{{{text(h.source)}}}"
        rows.append(Row(Tex(f"\\text{{{prose(h.statement)}}}", h.statement),
                        Tex(detail_tex, detail + (f" (value {display_form(h.value)})" if h.value is not None else "")
                            + (f"; {h.source}" if h.source else "")), rel=":"))
    if not rows:
        rows.append(Row(Tex("\\text{none}", "none"), Tex("", ""), rel=""))
    failures = c.hypothesis_failures()
    if failures:
        why = ("Some hypotheses FAIL for this activation and operating point, so the series above does not "
               "have the intended leading term.")
    elif any(h.holds is None for h in c.hypotheses):
        why = ("For the generic $\\sigma$ the conditions are assumed: the series holds wherever they do; "
               "for a concrete activation symnet checks them exactly.")
    else:
        why = "Every condition was checked exactly for this activation and operating point."
    return Step("Hypotheses", tuple(rows), why)


def _compare(c: Construction, mine: dict[int, sp.Expr], theirs: dict[int, sp.Expr], route: str) -> None:
    for power in sorted(set(mine) | set(theirs)):
        a, b = mine.get(power, sp.Integer(0)), theirs.get(power, sp.Integer(0))
        if _canonical(a - b, tuple(c.variables)) != 0:
            raise CertificateError(
                f"derive({c.name}): the per-neuron expansion and {route} disagree at lam^{power}: "
                f"{a} versus {b}. This is a bug in symnet; please report it with the construction.")


# -- public entry point ---------------------------------------------------------------------------------

def derive(construction: Construction, order: int) -> Derivation:
    """The derivation of ``construction``'s exact error series through ``lam^order``.

    Parameters
    ----------
    construction : Construction
        From :mod:`symnet.constructions` (or any :class:`~symnet.constructions.Construction`).
    order : int
        The error series is exact through ``lam^order``.

    Returns
    -------
    Derivation
        Steps (network, Taylor expansion, substitution, cancellations, error series, hypotheses),
        ``.error`` (equal to ``symnet.series.error(construction, order).terms``) and
        ``.latex(standalone=False)``.

    Raises
    ------
    InvalidInput
        If ``construction`` is not a Construction, ``order`` is not an int in
        ``0..MAX_DERIVE_ORDER``, or a neuron's pre-activation does not tend to its bias as
        lam -> 0 (the Taylor derivation does not apply).
    CertificateError
        If the per-neuron expansion and :func:`symnet.series.error` disagree (a bug).

    Examples
    --------
    >>> from symnet import activations
    >>> from symnet.constructions import multiplication_gate
    >>> from symnet.derivations import derive
    >>> import sympy as sp
    >>> d = derive(multiplication_gate(activations.generic()), 2)
    >>> power, coefficient = d.leading
    >>> power, sp.factor(coefficient)
    (2, sigma^(4)(b)*u*v*(u**2 + v**2)/(6*sigma^(2)(b)))
    >>> for step in d.steps:
    ...     print(step.title)
    The network
    Taylor expansion of the activation
    Substitution
    Cancellations
    The exact error series
    Hypotheses
    """
    if not isinstance(construction, Construction):
        raise InvalidInput(
            f"derive() needs a Construction (see symnet.constructions), got {type(construction).__name__}")
    if isinstance(order, bool) or not isinstance(order, int):
        raise InvalidInput(f"derive(): the order must be an int, got {order!r}")
    if not 0 <= order <= MAX_DERIVE_ORDER:
        raise InvalidInput(f"derive(): the order must be between 0 and {MAX_DERIVE_ORDER}, got {order}")
    c = construction
    from symnet import series

    target = sp.sympify(c.target)
    variables = tuple(c.variables)
    shallow = c.hidden_neurons <= MAX_WRITTEN_NEURONS and c.depth == 1
    explicit = shallow or c.hidden_neurons <= MAX_LAYERWISE_NEURONS
    # the independent route validates the construction before any expansion
    route = _Shallow(c, order) if shallow else (Deep(c, order) if explicit else None)
    reference = series.error(c, order)
    error = dict(reference.terms)
    if route is not None:
        mine = route.expansion()
        mine[0] = _canonical(mine.get(0, sp.Integer(0)) - target, variables)
        checked = f"symnet.series.error ({reference.method})"
        _compare(c, {p: t for p, t in mine.items() if t != 0}, error, checked)
    else:
        checked = ""
    if shallow:
        steps = [route.step_network(), route.step_taylor(), route.step_substitution(), route.step_cancellations()]
    elif route is not None:
        steps = [route.step_network(), route.step_taylor(), route.step_layers(), route.step_output()]
    else:
        from symnet.constructions._base import MAX_EXPLICIT_NEURONS

        if c.hidden_neurons <= min(MAX_EXPLICIT_NEURONS, 256) and c.depth > 1:
            steps = [network_equations_step(c)]
        else:
            steps = [network_step_large(c, reference.method)]
        closed = closed_form_step(c)
        if closed is not None:
            steps.append(closed)
    expansion = dict(error)
    expansion[0] = _canonical(error.get(0, sp.Integer(0)) + target, variables)
    expansion = {p: t for p, t in expansion.items() if t != 0}
    steps.append(_series_step(c, order, expansion, error, checked, reference.method))
    steps.append(_hypotheses_step(c))
    act = c.activation
    return Derivation(
        title=f"{c.name}: exact error series through order {order}",
        construction=c.name,
        source=c.source,
        variables=tuple(c.variables),
        scale=c.scale,
        order=order,
        target=target,
        error=error,
        steps=tuple(steps),
        hypotheses=tuple(c.hypotheses),
        notes=tuple(c.notes),
        checked_against=checked,
        activation="generic sigma" if act.is_generic else f"{act.name}: {act.description}",
    )

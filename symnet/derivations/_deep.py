"""The layer-by-layer derivation of a deep construction (MATH.md sections 4 and 5).

Each hidden neuron's pre-activation ``z`` tends to a constant ``c`` as lam -> 0; the neuron is
expanded as ``sigma(c + t) = sum_k sigma^(k)(c) t^k / k!`` with ``t = z - c = O(lam)``, and the
truncated series of each layer is substituted into the next. Weights may carry poles in lam
(a gate's output weights are O(lam^-2)), so every layer is carried to ``lam^T`` with
``T = order + (sum of the poles)``, and a layer's series is exact through ``T`` minus the poles
met so far. This is done here with sympy expressions, independently of the polynomial-ring
composition of :mod:`symnet.series`; :func:`symnet.derivations.derive` compares the two.
"""

from __future__ import annotations

import math

import sympy as sp

from symnet.constructions._base import Construction
from symnet.derivations._latex import ReadingPrinter, text
from symnet.derivations._steps import Expansion, Row, Step, Tex
from symnet.errors import InvalidInput

__all__ = ["MAX_PRINTED_MATRIX", "MAX_ROWS_PER_LAYER", "Deep", "network_step_large"]

#: Largest weight matrix printed entry by entry.
MAX_PRINTED_MATRIX = 10
#: Most distinct pre-activations printed per layer.
MAX_ROWS_PER_LAYER = 8


def _lam_poles(values, lam: sp.Symbol) -> int:
    """The largest pole order in lam among exact entries (0 if none)."""
    worst = 0
    for v in values:
        v = sp.expand(sp.sympify(v))
        if v == 0 or not v.has(lam):
            continue
        for term in sp.Add.make_args(v):
            _, e = term.as_coeff_exponent(lam)
            if e.is_Integer:
                worst = max(worst, -int(e))
    return worst


def _by_power(expr: sp.Expr, lam: sp.Symbol) -> dict[int, sp.Expr]:
    out: dict[int, sp.Expr] = {}
    for term in sp.Add.make_args(sp.expand(expr)):
        coeff, e = term.as_coeff_exponent(lam)
        out[int(e)] = out.get(int(e), sp.Integer(0)) + coeff
    return {p: sp.expand(v) for p, v in out.items() if sp.expand(v) != 0}


def _add_into(acc: dict[int, sp.Expr], other: dict[int, sp.Expr]) -> None:
    for p, v in other.items():
        acc[p] = sp.expand(acc.get(p, sp.Integer(0)) + v)


def _canonical_zero(value: sp.Expr, variables: tuple[sp.Symbol, ...]) -> bool:
    from symnet.derivations._derive import _canonical

    return _canonical(value, variables) == 0


def _matrix_tex(mat: sp.MatrixBase, printer: ReadingPrinter) -> str:
    """A weight matrix or bias vector: a common factor pulled out, constant vectors as c 1."""
    entries = [sp.sympify(v) for v in mat]
    nonzero = [v for v in entries if v != 0]
    if not nonzero:
        return "0"
    if mat.cols == 1 and len(nonzero) == len(entries) and all(v == nonzero[0] for v in entries):
        value = nonzero[0]
        tex = printer.doprint(value)
        return f"{tex}\\,\\mathbf{{1}}" if not value.is_Add else f"\\left({tex}\\right)\\mathbf{{1}}"
    if mat.rows > MAX_PRINTED_MATRIX or mat.cols > MAX_PRINTED_MATRIX:
        return (f"W \\in \\mathbb{{R}}^{{{mat.rows} \\times {mat.cols}}}\\ "
                f"(\\text{{{len(nonzero)} nonzero entries}})")
    lead = nonzero[0]
    ratios = [sp.cancel(v / lead) for v in entries]
    if all(r.is_Rational for r in ratios):
        den = math.lcm(*(int(r.q) for r in ratios))
        nums = [int(r * den) for r in ratios]
        g = math.gcd(*nums)
        factor = sp.cancel(lead * g / den)
        inner = sp.ImmutableMatrix(mat.rows, mat.cols, [sp.Integer(n // g) for n in nums])
        if factor == 1:
            return printer.doprint(inner)
        ftex = printer.doprint(factor)
        ftex = f"\\left({ftex}\\right)" if factor.is_Add else ftex
        return f"{ftex} {printer.doprint(inner)}"
    return printer.doprint(sp.ImmutableMatrix(mat))


class Deep:
    """The explicit layer-by-layer expansion of a construction's network and its steps."""

    def __init__(self, c: Construction, order: int):
        self.c = c
        self.order = order
        self.lam = lam = c.scale
        self.x = tuple(c.variables)
        net = c.network
        if net.n_outputs != 1:
            raise InvalidInput(f"derive(): {c.name} has {net.n_outputs} outputs; a derivation needs one")
        self.layers = net.layers
        self.poles = [_lam_poles([*layer.weights, *layer.bias], lam) for layer in self.layers]
        self.top = order + sum(self.poles)
        self.act = net.layers[0].activation
        # per hidden layer: the pre-activations (constant, series of z - c, exact-through)
        self.pre: list[list[tuple[sp.Expr, dict[int, sp.Expr]]]] = []
        self.exact_through: list[int] = []
        self.points: list[sp.Expr] = []
        h: list[dict[int, sp.Expr]] = [{0: v} for v in self.x]
        through = self.top
        for index, layer in enumerate(self.layers, 1):
            through -= self.poles[index - 1]
            z = []
            for j in range(layer.width):
                acc: dict[int, sp.Expr] = _by_power(layer.bias[j], lam)
                for i in range(layer.fan_in):
                    if layer.weights[j, i] != 0:
                        _add_into(acc, self._mul(_by_power(layer.weights[j, i], lam), h[i]))
                z.append({p: v for p, v in acc.items() if v != 0})
            if layer.activation is None:
                self.output = z[0]
                self.output_through = through
                break
            layer_pre = []
            new_h = []
            for j, zj in enumerate(z):
                negative = sorted(p for p, v in zj.items() if p < 0 and not _canonical_zero(v, self.x))
                if negative:
                    raise InvalidInput(
                        f"derive(): the pre-activation of neuron {j + 1} of hidden layer {index} of {c.name} "
                        f"diverges as {lam} -> 0 (a lam^{negative[0]} term); the Taylor derivation needs every "
                        "pre-activation to tend to a constant")
                const = zj.get(0, sp.Integer(0))
                if const.free_symbols & set(self.x):
                    raise InvalidInput(
                        f"derive(): the pre-activation of neuron {j + 1} of hidden layer {index} of {c.name} tends "
                        f"to {const}, which depends on the inputs; the Taylor derivation expands around a constant "
                        f"(inputs scaled by {lam} -> 0)")
                t = {p: v for p, v in zj.items() if p > 0}
                layer_pre.append((const, t))
                if const not in self.points:
                    self.points.append(const)
                new_h.append(self._sigma_series(const, t))
            self.pre.append(layer_pre)
            self.exact_through.append(through)
            h = new_h

    def _mul(self, a: dict[int, sp.Expr], b: dict[int, sp.Expr]) -> dict[int, sp.Expr]:
        """The product of two Laurent series in lam, truncated above lam^top."""
        out: dict[int, sp.Expr] = {}
        for p, u in a.items():
            for q, v in b.items():
                if p + q <= self.top:
                    out[p + q] = out.get(p + q, sp.Integer(0)) + u * v
        return {k: e for k, v in out.items() if (e := sp.expand(v)) != 0}

    def _sigma_series(self, point: sp.Expr, t: dict[int, sp.Expr]) -> dict[int, sp.Expr]:
        """sigma(point + t), t = O(lam), truncated at lam^top (Horner: c_K t + c_(K-1), times t, ...)."""
        derivs = self.act.derivatives(self.top, at=point)
        result: dict[int, sp.Expr] = {}
        for k in range(self.top, -1, -1):
            result = self._mul(result, t) if result else {}
            coeff = derivs[k] / sp.factorial(k)
            if coeff != 0:
                result[0] = sp.expand(result.get(0, sp.Integer(0)) + coeff)
        return {p: v for p, v in result.items() if v != 0}

    def expansion(self) -> dict[int, sp.Expr]:
        """{power: coefficient} of N(x) through lam^order."""
        from symnet.derivations._derive import _canonical

        out = {}
        for p, v in sorted(self.output.items()):
            if p <= self.order:
                value = _canonical(v, self.x)
                if value != 0:
                    out[p] = value
        return out

    # -- the steps -----------------------------------------------------------------------------------
    def step_network(self) -> Step:
        return network_equations_step(self.c)

    def step_taylor(self) -> Step:
        pr = ReadingPrinter(self.x)
        t = sp.Symbol("t")
        rows = [Row(Tex("\\sigma(c + t)", "sigma(c + t)"),
                    Tex("\\sum_{k \\ge 0} \\frac{\\sigma^{(k)}(c)}{k!}\\, t^{k}", "sum_k sigma^(k)(c) t^k / k!"))]
        if not self.act.is_generic:
            rows.insert(0, Row(Tex("\\sigma(x)", "sigma(x)"), self.act.expr, reading=(sp.Symbol("x", real=True),)))
        for point in self.points:
            d = self.act.derivatives(self.top, at=point)
            poly = sp.Add(*[d[k] / sp.factorial(k) * t**k for k in range(self.top + 1)])
            inside = f"{pr.doprint(point)} + t" if point != 0 else "t"
            rows.append(Row(Tex(f"\\sigma\\left({inside}\\right)", f"sigma({point} + t)" if point != 0 else "sigma(t)"),
                            Expansion({0: poly}, (t,), t, remainder=self.top + 1)))
        why = (f"Every hidden neuron is expanded around the limit $c$ of its pre-activation as $\\lambda \\to 0$, "
               f"through $t^{{{self.top}}}$: the weights have poles up to $\\lambda^{{-{max(self.poles)}}}$, so each "
               f"layer is carried to $\\lambda^{{{self.top}}}$ to leave the output exact through "
               f"$\\lambda^{{{self.order}}}$.")
        return Step("Taylor expansion of the activation", tuple(rows), why)

    def step_layers(self) -> Step:
        rows = []
        omitted = 0
        for index, layer_pre in enumerate(self.pre, 1):
            seen = set()
            shown = 0
            for j, (const, t) in enumerate(layer_pre, 1):
                key = (const, tuple(sorted(t.items(), key=lambda pv: pv[0])))
                if key in seen:
                    continue
                seen.add(key)
                if shown >= MAX_ROWS_PER_LAYER:
                    omitted += 1
                    continue
                shown += 1
                terms = {p: v for p, v in t.items() if p <= self.exact_through[index - 1]}
                # the first layer's pre-activations are affine in the inputs: exact, no remainder
                remainder = None if index == 1 and max(t, default=0) <= self.exact_through[0] else \
                    self.exact_through[index - 1] + 1
                rows.append(Row(Tex(f"z^{{({index})}}_{{{j}}}", f"z^({index})_{j}"),
                                Expansion(terms, self.x, self.lam, remainder=remainder, leading=const)))
        why = ("The pre-activations $z^{(l)}_j$ of every hidden layer, as series in $\\lambda$ (identical rows "
               "shown once): each tends to a constant operating point, so the expansion of step 2 applies, and "
               "its series is substituted into the next layer.")
        if omitted:
            why += f" ({omitted} further distinct rows omitted.)"
        return Step("Layer by layer", tuple(rows), why)

    def step_output(self) -> Step:
        pr = ReadingPrinter(self.x)
        args = ", ".join(pr.doprint(v) for v in self.x) if len(self.x) <= 3 else "\\mathbf{x}"
        pole = self.poles[-1]
        rows = [Row(Tex(f"N({args})", "N"),
                    Expansion(self.expansion(), self.x, self.lam, remainder=self.order + 1))]
        if pole:
            why = (f"The output weights are $O(\\lambda^{{-{pole}}})$; the terms of order "
                   f"$\\lambda^{{-{pole}}}, \\dots, \\lambda^{{-1}}$ cancel exactly, and the $\\lambda^0$ term is "
                   "what the network computes in the limit.")
        else:
            why = "The output layer is linear: substitute the last hidden layer's series and collect powers."
        return Step("The output layer and its cancellations", tuple(rows), why)


def network_equations_step(c: Construction) -> Step:
    """The layers of an explicit network as equations (matrices printed when small)."""
    pr = ReadingPrinter(c.variables)
    xs = tuple(c.variables)
    args = ", ".join(pr.doprint(v) for v in xs) if len(xs) <= 3 else "\\mathbf{x}"
    net = c.network
    rows = []
    prev, prev_plain = "\\mathbf{x}", "x"
    for i, layer in enumerate(net.layers, 1):
        w = _matrix_tex(layer.weights, pr)
        bias = "" if all(v == 0 for v in layer.bias) else " + " + _matrix_tex(layer.bias, pr)
        affine = f"{w}\\, {prev}{bias}"
        if layer.activation is None:
            rows.append(Row(Tex(f"N({args})", "N"), Tex(affine, f"W_{i} h^({i - 1}) + b_{i}")))
        else:
            rows.append(Row(Tex(f"h^{{({i})}}", f"h^({i})"),
                            Tex(f"\\sigma\\left({affine}\\right)", f"sigma(W_{i} {prev_plain} + b_{i})")))
            prev, prev_plain = f"h^{{({i})}}", f"h^({i})"
    widths = ", ".join(str(layer.width) for layer in net.layers[:-1])
    why = (f"{c.hidden_neurons} hidden neurons in {c.depth} hidden layers (widths {widths}), "
           f"$\\sigma$ applied entrywise, $\\mathbf{{x}} = ({', '.join(pr.doprint(v) for v in xs)})$ "
           f"({text(c.source)}).")
    act = net.layers[0].activation
    if not act.is_generic:
        why += f" Activation: {text(act.name)} ({text(act.description)})."
    return Step("The network", tuple(rows), why)


def network_step_large(c: Construction, method: str = "closed form") -> Step:
    """The network of a construction too large to enumerate: its counts and the closed form's source."""
    pr = ReadingPrinter(c.variables)
    args = ", ".join(pr.doprint(v) for v in c.variables) if len(c.variables) <= 3 else "\\mathbf{x}"
    rows = [Row(Tex(f"N({args})", "N"),
                Tex(f"\\text{{a network of {c.hidden_neurons} hidden neurons in {c.depth} hidden "
                    f"layer{'s' if c.depth != 1 else ''}}}",
                    f"{c.hidden_neurons} hidden neurons in {c.depth} hidden layers"))]
    if method == "closed form":
        why = (f"Too large to write out; its expansion comes from the construction's closed form "
               f"({text(c.source)}), never from the enumerated network.")
    else:
        why = (f"Too large to write out; its expansion comes from symnet.series ({text(method)}) "
               f"({text(c.source)}).")
    return Step("The network", tuple(rows), why)


def closed_form_step(c: Construction) -> Step | None:
    """The closed form a large construction is expanded by (MATH.md sections 2 and 4), if known."""
    params = dict(c.parameters)
    pr = ReadingPrinter(c.variables)
    b = pr.doprint(sp.sympify(params.get("bias", sp.Symbol("b"))))
    if "exponents" in params:
        n = len(params["exponents"])
        r = ", ".join(str(e) for e in params["exponents"])
        big_n = sum(params["exponents"])
        rows = [
            Row(Tex("N(\\mathbf{x})", "N"),
                Tex(f"\\frac{{1}}{{2^{{{big_n}}} \\lambda^{{{big_n}}} \\sigma^{{({big_n})}}({b})}} "
                    f"\\sum_{{0 \\le k_i \\le r_i}} \\prod_{{i=1}}^{{{n}}} (-1)^{{k_i}} \\binom{{r_i}}{{k_i}}\\, "
                    f"\\sigma\\Bigl({b} + \\lambda \\sum_i (r_i - 2 k_i) x_i\\Bigr), \\quad r = ({r})",
                    f"[2^N lam^N sigma^(N)(b)]^-1 sum_k prod_i (-1)^k_i C(r_i, k_i) sigma(b + lam sum_i (r_i - 2k_i) "
                    f"x_i), r = ({r})")),
            Row(None, Tex(f"\\sum_{{j \\ge {big_n},\\ j \\equiv {big_n} \\ (2)}} "
                          f"\\frac{{\\sigma^{{(j)}}({b})}}{{\\sigma^{{({big_n})}}({b})}}\\, \\lambda^{{j - {big_n}}} "
                          f"\\,[t^j] \\prod_i \\sinh(t x_i)^{{r_i}}",
                          "sum_(j >= N, j = N mod 2) sigma^(j)(b)/sigma^(N)(b) lam^(j-N) "
                          "[t^j] prod_i sinh(t x_i)^r_i")),
        ]
        why = ("The sum over $k$ of the $j$-th powers is $j!\\,2^N [t^j] \\prod_i \\sinh(t x_i)^{r_i}$, so the "
               "network's expansion is known exactly without building it (RT Sec. II; MATH.md sec. 4).")
        return Step("Closed form", tuple(rows), why)
    if "n" in params and c.name.startswith("shallow product"):
        n = params["n"]
        rows = [
            Row(Tex("N(\\mathbf{x})", "N"),
                Tex(f"\\sum_{{s \\in \\{{-1, 1\\}}^{{{n}}}}} \\frac{{s_1 \\cdots s_{{{n}}}}}"
                    f"{{2^{{{n}}} \\lambda^{{{n}}} \\sigma^{{({n})}}({b})}}\\, "
                    f"\\sigma({b} + \\lambda\\, s \\cdot \\mathbf{{x}})",
                    f"sum_s (s_1...s_n) / (2^n lam^n sigma^(n)(b)) sigma(b + lam s.x), n = {n}")),
            Row(None, Tex(f"\\sum_{{\\alpha \\text{{ all odd}}}} \\frac{{\\sigma^{{(|\\alpha|)}}({b})}}"
                          f"{{\\sigma^{{({n})}}({b})}}\\, \\lambda^{{|\\alpha| - {n}}} \\frac{{\\mathbf{{x}}^\\alpha}}"
                          "{\\alpha!}",
                          "sum over odd multi-indices alpha of sigma^(|alpha|)(b)/sigma^(n)(b) lam^(|alpha|-n) "
                          "x^alpha/alpha!")),
        ]
        why = ("Because $\\sum_s (\\prod_i s_i)(s \\cdot \\mathbf{x})^k = 2^n \\sum_{|\\alpha| = k,\\ \\alpha_i "
               "\\text{ odd}} \\frac{k!}{\\alpha!} \\mathbf{x}^\\alpha$ (LTR App. A; MATH.md sec. 2), exactly, for "
               "every analytic $\\sigma$.")
        return Step("Closed form", tuple(rows), why)
    return None

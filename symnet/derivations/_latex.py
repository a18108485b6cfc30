"""Deterministic LaTeX for derivations: expressions in reading order, series, aligns, documents.

The order of the terms of a sum is chosen for reading, not left to sympy's printer: by total
degree in the *reading variables* (the network's inputs, or the Taylor variable t), then
lexicographically by exponent vector (``u^3 v`` before ``u v^3``), with sympy's own order only
as the last tie-break. Coefficients and single factors are printed by sympy's LaTeX printer
(``\\frac``, ``\\sqrt``, ``\\sigma^{(k)}(b)`` for :class:`~symnet.activations.DerivativeSymbol`).
The scale symbol ``lam`` prints as ``\\lambda``. The same call gives the same bytes: nothing here
depends on hashing, dates or the environment.

Examples
--------
>>> import sympy as sp
>>> from symnet.derivations._latex import expr
>>> u, v = sp.symbols("u v")
>>> expr(v**3 + u*v + u**3 + 1, (u, v))
'1 + u v + u^{3} + v^{3}'
>>> expr(sp.Rational(1, 2) - sp.Symbol("t")**2 / 8 + sp.Symbol("t"), (sp.Symbol("t"),))
'\\\\frac{1}{2} + t - \\\\frac{t^{2}}{8}'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

import sympy as sp
from sympy.printing.latex import LatexPrinter

from symnet.activations._jets import normal_form
from symnet.constructions._base import LAM
from symnet.series._result import factor_display

__all__ = [
    "LINE_WIDTH",
    "ReadingPrinter",
    "display_form",
    "expr",
    "layout",
    "polynomial_chunks",
    "reading_key",
    "series_chunks",
    "text",
]

#: Approximate number of visible characters on one displayed line (A4, 2 cm margins, 11pt).
LINE_WIDTH = 68

_NON_POLYNOMIAL = 10**9


def _exponents(term: sp.Expr, variables: Sequence[sp.Symbol]) -> tuple[int, tuple[int, ...]] | None:
    """(total degree, exponent vector of the largest monomial) of a polynomial term, else None."""
    if not variables or not term.has(*variables):
        return 0, (0,) * len(variables)
    try:
        poly = sp.Poly(term, *variables)
    except sp.PolynomialError:
        return None
    if poly.is_zero:
        return 0, (0,) * len(variables)
    monoms = poly.monoms()
    top = max(monoms, key=lambda m: (sum(m), m))
    return sum(top), tuple(top)


def reading_key(term: sp.Expr, variables: Sequence[sp.Symbol]) -> tuple:
    """Sort key of one term of a sum: total degree, then exponents lexicographically (descending).

    Terms that are not polynomial in ``variables`` go last.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.derivations._latex import reading_key
    >>> u, v = sp.symbols("u v")
    >>> sorted([u*v**3, u**3*v, u**2, 7], key=lambda t: reading_key(t, (u, v)))
    [7, u**2, u**3*v, u*v**3]
    """
    found = _exponents(sp.sympify(term), tuple(variables))
    if found is None:
        return (_NON_POLYNOMIAL, ())
    degree, exps = found
    return (degree, tuple(-e for e in exps))


class ReadingPrinter(LatexPrinter):
    """sympy's LaTeX printer with sums in reading order (see the module docstring).

    Parameters
    ----------
    variables : sequence of Symbol
        The reading variables: sums are ordered by total degree in these, then lexicographically.
    symbol_names : mapping, optional
        Extra LaTeX names for symbols (``lam`` is always ``\\lambda``).
    """

    printmethod = "_latex"

    def __init__(self, variables: Sequence[sp.Symbol] = (), symbol_names: Mapping[sp.Symbol, str] | None = None):
        names = {LAM: "\\lambda"}
        names.update(symbol_names or {})
        super().__init__({"symbol_names": names})
        self.reading_variables = tuple(variables)

    def _as_ordered_terms(self, expr: sp.Expr, order: str | None = None) -> list[sp.Expr]:
        terms = list(expr.as_ordered_terms())
        ranked = sorted(range(len(terms)), key=lambda i: (reading_key(terms[i], self.reading_variables), i))
        return [terms[i] for i in ranked]


def expr(value: sp.Expr, variables: Sequence[sp.Symbol] = (),
         symbol_names: Mapping[sp.Symbol, str] | None = None) -> str:
    """LaTeX for one expression, sums in reading order with respect to ``variables``."""
    return ReadingPrinter(variables, symbol_names).doprint(sp.sympify(value))


# -- polynomials and series as chunks (the units a line break may separate) ---------------------

def _signed(tex: str) -> tuple[str, str]:
    tex = tex.strip()
    if tex.startswith("- "):
        return "-", tex[2:]
    if tex.startswith("-"):
        return "-", tex[1:]
    return "+", tex


def _monomial(exps: Sequence[int], variables: Sequence[sp.Symbol], printer: ReadingPrinter) -> str:
    parts = []
    for var, e in zip(variables, exps, strict=True):
        if e == 0:
            continue
        name = printer.doprint(var)
        parts.append(name if e == 1 else f"{name}^{{{e}}}")
    return " ".join(parts)


def display_form(value: sp.Expr) -> sp.Expr:
    """A compact, equal form of a coefficient for printing (the shorter of factor/radsimp).

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.derivations._latex import display_form
    >>> display_form((sp.sqrt(3) / 6 + sp.Rational(1, 2)) / (2 + sp.sqrt(3)))
    1/2 - sqrt(3)/6
    >>> display_form(1 / (3 + 6 * sp.E + 3 * sp.exp(2)))
    1/(3*(1 + E)**2)
    """
    value = sp.sympify(value)
    if value.is_Rational or value.is_Symbol or value.is_Atom:
        return value
    if value.has(sp.exp, sp.E):  # factor and radsimp would expand exp(b) as E**b (and hang for b = 10**6)
        return min(((normal_form(value) or value) if value.is_number else factor_display(value), value),
                   key=sp.count_ops)
    candidates = []
    try:
        candidates.append(sp.factor(sp.together(value)))
    except (sp.PolynomialError, NotImplementedError):  # pragma: no cover - defensive
        pass
    if value.is_number:
        candidates.append(sp.expand(sp.radsimp(value)))
    candidates.append(value)
    return min(candidates, key=sp.count_ops)


def _factor_tex(coefficient: sp.Expr, printer: ReadingPrinter) -> tuple[str, str]:
    """(sign, LaTeX) of a coefficient written in front of something; '' for the coefficient 1."""
    coefficient = display_form(coefficient)
    sign = "+"
    if coefficient.could_extract_minus_sign():
        sign, coefficient = "-", -coefficient
    if coefficient == 1:
        return sign, ""
    tex = printer.doprint(coefficient)
    if coefficient.is_Add:
        tex = f"\\left({tex}\\right)"
    return sign, tex


def _term(coefficient: sp.Expr, body: str, printer: ReadingPrinter) -> tuple[str, str]:
    sign, coef = _factor_tex(coefficient, printer)
    if not body:
        if not coef:
            return sign, "1"
        return sign, coef
    return sign, f"{coef} {body}".strip()


def _join(chunks: list[tuple[str, str]]) -> list[str]:
    out = []
    for i, (sign, body) in enumerate(chunks):
        if i == 0:
            out.append(body if sign == "+" else f"-{body}")
        else:
            out.append(f"{sign} {body}")
    return out


def _terms(poly_expr: sp.Expr, variables: Sequence[sp.Symbol]) -> list[tuple[tuple[int, ...], sp.Expr]]:
    """(exponents, coefficient) of a polynomial in ``variables``, in reading order."""
    if not variables:
        return [((), poly_expr)] if poly_expr != 0 else []
    poly = sp.Poly(poly_expr, *variables)
    items = [(m, c) for m, c in poly.terms() if c != 0]
    items.sort(key=lambda mc: (sum(mc[0]), tuple(-e for e in mc[0])))
    return items


def _integer_content(items: list[tuple[tuple[int, ...], sp.Expr]]) -> tuple[sp.Expr, list[int]] | None:
    """(g, n) with coefficients c_i = g n_i, n_i coprime integers and n_0 > 0; None if no such g."""
    lead = items[0][1]
    ratios = []
    for _, c in items:
        q = sp.cancel(c / lead)
        if not q.is_Rational:
            return None
        ratios.append(q)
    den = math.lcm(*(int(q.q) for q in ratios))
    nums = [int(q * den) for q in ratios]
    g = math.gcd(*nums)
    nums = [n // g for n in nums]
    return sp.cancel(lead * g / den), nums


def _poly_pairs(value: sp.Expr, variables: Sequence[sp.Symbol], printer: ReadingPrinter,
                prefix: str = "") -> list[tuple[str, str]]:
    items = _terms(sp.expand(value), variables)
    if not items:
        return []
    content = _integer_content(items) if len(items) > 1 else None
    if content is not None:
        g, nums = content
        gsign, gtex = _factor_tex(g, printer)
        inner = [_term(sp.Integer(n), _monomial(m, variables, printer), printer)
                 for (m, _), n in zip(items, nums, strict=True)]
        head = " ".join(p for p in (gtex, prefix) if p)
        if not head:
            flip = {"+": "-", "-": "+"}
            return [(s if gsign == "+" else flip[s], b) for s, b in inner]
        pairs = [("+", b) if i == 0 else (s, b) for i, (s, b) in enumerate(inner)]
        pairs[0] = (gsign, f"{head} \\bigl({pairs[0][1]}")
        pairs[-1] = (pairs[-1][0], f"{pairs[-1][1]}\\bigr)")
        return pairs
    pairs = []
    for m, c in items:
        body = " ".join(p for p in (prefix, _monomial(m, variables, printer)) if p)
        pairs.append(_term(c, body, printer))
    return pairs


def polynomial_chunks(value: sp.Expr, variables: Sequence[sp.Symbol],
                      symbol_names: Mapping[sp.Symbol, str] | None = None,
                      prefix: str = "") -> list[str]:
    r"""A polynomial in ``variables`` as signed LaTeX chunks in reading order.

    When all coefficients are rational multiples of one factor g (the usual case:
    ``sigma''''(b)/(6 sigma''(b))``), the factor is printed once in front of an integer
    polynomial. ``prefix`` (e.g. ``\lambda^{2}``) is written before the monomials.
    A line break may be put between any two chunks.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.derivations._latex import polynomial_chunks
    >>> u, v, s = sp.symbols("u v s")
    >>> polynomial_chunks(s / 6 * (u**3 * v + u * v**3), (u, v))
    ['\\frac{s}{6} \\bigl(u^{3} v', '+ u v^{3}\\bigr)']
    >>> polynomial_chunks(-3 * u * v, (u, v), prefix="\\lambda^{2}")
    ['-3 \\lambda^{2} u v']
    """
    printer = ReadingPrinter(variables, symbol_names)
    return _join(_poly_pairs(value, variables, printer, prefix)) or ["0"]


def series_chunks(terms: Mapping[int, sp.Expr], variables: Sequence[sp.Symbol], scale: sp.Symbol = LAM,
                  remainder: int | None = None, leading: sp.Expr | None = None,
                  symbol_names: Mapping[sp.Symbol, str] | None = None) -> list[str]:
    r"""``leading + sum_i scale^i terms[i] + O(scale^remainder)`` as signed chunks, by power of scale.

    Examples
    --------
    >>> import sympy as sp
    >>> from symnet.derivations._latex import series_chunks
    >>> u, v = sp.symbols("u v")
    >>> series_chunks({2: -u**2 * v**2 / 3}, (u, v), remainder=4, leading=u * v)
    ['u v', '- \\frac{1}{3} \\lambda^{2} u^{2} v^{2}', '+ O\\left(\\lambda^{4}\\right)']
    """
    printer = ReadingPrinter(variables, symbol_names)
    pairs: list[tuple[str, str]] = []
    if leading is not None:
        pairs += _poly_pairs(leading, variables, printer)
    for power in sorted(terms):
        prefix = "" if power == 0 else printer.doprint(scale**power)
        pairs += _poly_pairs(terms[power], variables, printer, prefix=prefix)
    if remainder is not None:
        pairs.append(("+", f"O\\left({printer.doprint(scale**remainder)}\\right)"))
    return _join(pairs) or ["0"]


# -- layout ---------------------------------------------------------------------------------------

_FRAC = re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}")
_SCRIPT = re.compile(r"[\^_]\{([^{}]*)\}|[\^_](\\?[A-Za-z0-9])")
_OPERATORS = {"log", "ln", "exp", "sin", "cos", "tanh", "erf", "max", "min", "operatorname", "text", "mathbf"}
_ZERO_WIDTH = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "displaystyle", "limits"}


def visible_width(tex: str) -> float:
    r"""A rough width, in characters, of what a LaTeX math string shows (for line breaking).

    Fractions count as their wider part, scripts at 0.7, binary operators at 2.5.

    Examples
    --------
    >>> from symnet.derivations._latex import visible_width
    >>> visible_width("u v") < visible_width("\\frac{\\sigma^{(4)}(b)}{6 \\sigma^{(2)}(b)} u v")
    True
    """
    def command(m: re.Match) -> str:
        name = m.group(1)
        if name in _ZERO_WIDTH:
            return ""
        if name in _OPERATORS:
            return "x" * len(name)
        if name in ("quad", "qquad"):
            return "xx" if name == "quad" else "xxxx"
        return "x"

    # innermost constructs first, so that nested fractions and scripts are measured correctly
    while True:
        new = _FRAC.sub(lambda m: "w" * round(max(visible_width(m.group(1)), visible_width(m.group(2)))), tex)
        new = _SCRIPT.sub(lambda m: "s" * round(0.7 * visible_width(
            m.group(1) if m.group(1) is not None else m.group(2))), new)
        if new == tex:
            break
        tex = new
    tex = re.sub(r"\\([A-Za-z]+)", command, tex)
    tex = re.sub(r"\\[,;:! ]", "", tex)
    width = 0.0
    for ch in tex:
        if ch in "{} &":
            continue
        width += 2.5 if ch in "+-=<>" else 1.0
    return width


def layout(chunks: Sequence[str], width: int = LINE_WIDTH, first_width: int | None = None) -> list[str]:
    """Greedy line breaking: join chunks into lines of at most ``width`` visible characters."""
    lines: list[str] = []
    current: list[str] = []
    used = 0
    limit = first_width if first_width is not None else width
    for chunk in chunks:
        w = visible_width(chunk)
        if current and used + w > limit:
            lines.append(" ".join(current))
            current, used, limit = [], 0, width
        current.append(chunk)
        used += w + 1
    if current:
        lines.append(" ".join(current))
    return lines


# -- text -----------------------------------------------------------------------------------------

_TEXT_ESCAPES = {
    "\\": "$\\backslash$",
    "&": "\\&",
    "%": "\\%",
    "$": "\\$",
    "#": "\\#",
    "_": "\\_",
    "{": "\\{",
    "}": "\\}",
    "~": "\\~{}",
    "^": "\\^{}",
    "<": "$<$",
    ">": "$>$",
    "|": "$|$",
}

_UNICODE = {
    "λ": "$\\lambda$", "σ": "$\\sigma$", "μ": "$\\mu$", "β": "$\\beta$", "ε": "$\\varepsilon$",
    "α": "$\\alpha$", "δ": "$\\delta$", "Σ": "$\\Sigma$", "π": "$\\pi$", "≠": "$\\neq$", "≤": "$\\leq$",
    "≥": "$\\geq$", "→": "$\\to$", "←": "$\\leftarrow$", "⇒": "$\\Rightarrow$", "·": "$\\cdot$",
    "×": "$\\times$", "∞": "$\\infty$", "≈": "$\\approx$", "∈": "$\\in$", "±": "$\\pm$", "√": "$\\surd$",
    "—": "---", "–": "--", "‘": "`", "’": "'", "“": "``", "”": "''", "…": "\\ldots{}", "²": "$^2$",
    "³": "$^3$", "⁴": "$^4$", "ⁿ": "$^n$", "é": "\\'e", "á": "\\'a", "ç": "\\c{c}", "ã": "\\~a",
    "õ": "\\~o", "ó": "\\'o", "ú": "\\'u", "í": "\\'i", "ê": "\\^e", "â": "\\^a", "ô": "\\^o",
}


def text(value: str) -> str:
    """Plain text made safe for LaTeX text mode (special characters escaped, Unicode mapped).

    Characters with no mapping become ``[U+XXXX]`` rather than breaking the pdflatex run.

    Examples
    --------
    >>> from symnet.derivations._latex import text
    >>> text("100% of x_1 & σ''(b) ≠ 0")
    "100\\\\% of x\\\\_1 \\\\& $\\\\sigma$''(b) $\\\\neq$ 0"
    """
    out = []
    for ch in str(value):
        if ch in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[ch])
        elif ord(ch) < 128:
            out.append(ch if ch.isprintable() or ch == "\n" else " ")
        else:
            out.append(_UNICODE.get(ch, f"[U+{ord(ch):04X}]"))
    return "".join(out)


def join_nonempty(parts: Iterable[str], sep: str = " ") -> str:
    return sep.join(p for p in parts if p)


# -- derivations: fragment and document ------------------------------------------------------------

_REL = {"=": "=", ":": ":", "": ""}


def _math_chunks(item, reading: Sequence[sp.Symbol]) -> list[str]:
    from symnet.derivations._steps import Expansion, Tex

    if isinstance(item, Tex):
        return list(item.chunks) if item.chunks else [item.latex]
    if isinstance(item, Expansion):
        return item.chunks()
    return [expr(item, reading)]


def _rows(step, variables: Sequence[sp.Symbol]) -> list[str]:
    lines = []
    for row in step.rows:
        reading = row.reading if row.reading is not None else tuple(variables)
        lhs = "" if row.lhs is None else " ".join(_math_chunks(row.lhs, reading))
        rel = _REL.get(row.rel, row.rel)
        chunks = _math_chunks(row.rhs, reading)
        first = max(20, LINE_WIDTH - visible_width(lhs) - 2)
        broken = layout(chunks, width=LINE_WIDTH - 6, first_width=first)
        head = f"{lhs} &{rel} {broken[0]}".rstrip() if rel else f"{lhs} & {broken[0]}".rstrip()
        lines.append(head)
        lines += [f"  &\\quad {line}" for line in broken[1:]]
    return lines


def fragment(derivation) -> str:
    """The derivation as a LaTeX fragment: per step a bold title, an ``align*`` and a justification.

    Needs only ``amsmath`` (and ``amssymb``); paste it into a document, a thesis or a beamer frame.
    """
    from symnet import __version__

    d = derivation
    out = [f"% symnet {__version__}: derivation of {text(d.construction)} through order {d.order}"
           " (generated; do not edit by hand)"]
    for i, step in enumerate(d.steps, 1):
        out.append(f"% --- step {i}: {step.title}")
        out.append(f"\\noindent\\textbf{{{i}.~{text(step.title)}.}}")
        rows = _rows(step, d.variables)
        if rows:
            out.append("\\begin{align*}")
            out.append(" \\\\\n".join(rows))
            out.append("\\end{align*}")
        out.append(f"\\noindent\\emph{{Why:}} {step.justification}\\par\\medskip")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=2cm]{geometry}
\usepackage{amsmath}
\usepackage{amssymb}
\allowdisplaybreaks
\setcounter{MaxMatrixCols}{20}
\setlength{\parindent}{0pt}
\sloppy
"""


def _activation_text(name: str) -> str:
    if name in ("", "generic sigma"):
        return "generic $\\sigma$ (every smooth activation; derivatives stay symbols $\\sigma^{(k)}(b)$)"
    return text(name)


def document(derivation) -> str:
    """A complete pdflatex document (``article``, ``amsmath``, ``amssymb``, ``geometry``).

    No date or other volatile content: the same derivation gives the same bytes.
    """
    d = derivation
    head = [
        PREAMBLE.rstrip(),
        "\\begin{document}",
        f"\\section*{{{text(d.title)}}}",
        f"\\textbf{{Source:}} {text(d.source)}\\\\",
        f"\\textbf{{Activation:}} {_activation_text(d.activation)}\\\\",
        f"\\textbf{{Target:}} ${expr(d.target, d.variables)}$\\\\",
        f"\\textbf{{Exact through:}} $\\lambda^{{{d.order}}}$"
        + (f"; checked against {text(d.checked_against)}." if d.checked_against else "."),
        "\\medskip",
        "",
    ]
    tail = []
    if d.notes:
        tail.append("\\subsection*{Notes}")
        tail.append("\\begin{itemize}")
        tail += [f"  \\item {prose(n)}" for n in d.notes]
        tail.append("\\end{itemize}")
    tail.append("\\end{document}")
    return "\n".join(head) + "\n" + fragment(d) + "\n" + "\n".join(tail) + "\n"


_PROSE_MATH = [
    (re.compile(r"sigma\^\(([^()\s]+)\)\(([^()]*)\)"), lambda m: f"\\sigma^{{({m.group(1)})}}({m.group(2)})"),
    (re.compile(r"sigma('{1,4})\(([^()]*)\)"), lambda m: f"\\sigma{m.group(1)}({m.group(2)})"),
    (re.compile(r"\bsigma_(\w)"), lambda m: f"\\sigma_{{{m.group(1)}}}"),
    (re.compile(r"\blam\^(\d+|\([^()\s]+\))"), lambda m: f"\\lambda^{{{m.group(1).strip('()')}}}"),
    (re.compile(r"\b(lam|beta|mu|sigma|alpha|eps)\b"),
     lambda m: {"lam": "\\lambda", "eps": "\\varepsilon"}.get(m.group(1), "\\" + m.group(1))),
    (re.compile(r"\b([A-Za-z])\^(\d+)"), lambda m: f"{m.group(1)}^{{{m.group(2)}}}"),
    (re.compile(r"\b([A-Za-z])_(\d+|[a-z])\b"), lambda m: f"{m.group(1)}_{{{m.group(2)}}}"),
    (re.compile(r"!=|<=|>=|->"), lambda m: {"!=": "\\neq", "<=": "\\leq", ">=": "\\geq", "->": "\\to"}[m.group(0)]),
]


def prose(value: str) -> str:
    """Like :func:`text`, with the ASCII math of MATH.md typeset: ``sigma''(b) != 0`` becomes
    ``$\\sigma''(b)$ $\\neq$ 0``, ``lam^2`` becomes ``$\\lambda^{2}$``, ``x_1`` becomes ``$x_{1}$``.

    Examples
    --------
    >>> from symnet.derivations._latex import prose
    >>> print(prose("sigma''(b) != 0 for 100% of x_1"))
    $\\sigma''(b)$ $\\neq$ 0 for 100\\% of $x_{1}$
    >>> print(prose("sigma^(4)(b) and lam^2 u^2"))
    $\\sigma^{(4)}(b)$ and $\\lambda^{2}$ $u^{2}$
    """
    value = str(value)
    pieces: list[str] = []
    pos = 0
    while pos < len(value):
        best = None
        for pattern, render in _PROSE_MATH:
            m = pattern.search(value, pos)
            if m and (best is None or m.start() < best[0].start()):
                best = (m, render)
        if best is None:
            pieces.append(text(value[pos:]))
            break
        m, render = best
        pieces.append(text(value[pos:m.start()]))
        pieces.append(f"${render(m)}$")
        pos = m.end()
    return "".join(pieces)

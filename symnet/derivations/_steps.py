"""The values a derivation is made of: :class:`Step`, :class:`Row`, :class:`Derivation`.

A derivation is an ordered list of steps; each step is an equation (one or more aligned rows)
plus a one-line justification. Rows hold *mathematics*, not strings: sympy expressions, an
:class:`Expansion` (a series in the scale lam whose terms are polynomials in the inputs), or,
only for notation sympy cannot express (sums over neurons, definitions), a :class:`Tex` carrying
both its LaTeX and a plain-text reading. The LaTeX writer (:mod:`symnet.derivations._latex`)
renders them deterministically.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

import sympy as sp

from symnet.constructions._base import LAM, Hypothesis

__all__ = ["Derivation", "Expansion", "Math", "Row", "Step", "Tex"]


@dataclass(frozen=True)
class Tex:
    """A piece of notation given as LaTeX, with its plain-text reading (for ``str``).

    ``chunks``, when given, are the same LaTeX split where a line break is allowed.
    """

    latex: str
    text: str
    chunks: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Expansion:
    """``leading + sum_i scale^i terms[i] + O(scale^remainder)``, terms polynomial in ``variables``.

    Printed by power of the scale, each term in reading order (degree, then lexicographic);
    long expansions are broken across lines between terms. With ``factor`` (LaTeX such as
    ``\\mu \\lambda^{4}``; ``factor_text`` its plain reading) the single term ``terms[0]`` is
    printed as that factor times a polynomial.
    """

    terms: Mapping[int, sp.Expr]
    variables: tuple[sp.Symbol, ...]
    scale: sp.Symbol = LAM
    remainder: int | None = None
    leading: sp.Expr | None = None
    factor: str = ""
    factor_text: str = ""

    def __str__(self) -> str:
        from symnet.derivations._latex import display_form

        if self.factor:
            return f"{self.factor_text}*({self.terms.get(0, 0)})"
        parts = []
        if self.leading is not None and self.leading != 0:
            parts.append(str(self.leading))
        for power in sorted(self.terms):
            if self.terms[power] == 0:
                continue
            lam = "" if power == 0 else (f"{self.scale}*" if power == 1 else f"{self.scale}**{power}*")
            parts.append(f"{lam}({display_form(self.terms[power])})")
        if self.remainder is not None:
            parts.append(f"O({self.scale}**{self.remainder})")
        return " + ".join(parts) if parts else "0"

    def chunks(self, symbol_names: Mapping[sp.Symbol, str] | None = None) -> list[str]:
        """The signed LaTeX chunks (a line break may go between any two)."""
        from symnet.derivations._latex import polynomial_chunks, series_chunks

        if self.factor:
            return polynomial_chunks(self.terms.get(0, sp.Integer(0)), self.variables, symbol_names, prefix=self.factor)
        return series_chunks(self.terms, self.variables, self.scale, self.remainder, self.leading, symbol_names)


Math = Union[sp.Expr, Tex, Expansion]  # noqa: UP007 (a runtime alias; X | Y needs 3.10 objects)


@dataclass(frozen=True)
class Row:
    """One aligned row ``lhs rel rhs`` (``lhs`` None: a continuation of the row above).

    ``reading`` are the variables whose degree orders the terms of sums in this row (default:
    the derivation's input variables).
    """

    lhs: Math | None
    rhs: Math
    rel: str = "="
    reading: tuple[sp.Symbol, ...] | None = None

    def __str__(self) -> str:
        lhs = "" if self.lhs is None else str(self.lhs)
        rel = {"=": "=", "\\neq": "!=", ":=": ":=", "\\approx": "~", "\\to": "->"}.get(self.rel, self.rel)
        return f"{lhs} {rel} {self.rhs}".strip()


@dataclass(frozen=True)
class Step:
    """One step of a derivation: a title, its equation rows and a one-line justification.

    ``justification`` is LaTeX text (inline math in ``$...$``); ``plain`` is its plain-text
    reading, used by ``str``.
    """

    title: str
    rows: tuple[Row, ...]
    justification: str
    plain: str = ""

    def __str__(self) -> str:
        body = "\n".join(f"    {row}" for row in self.rows)
        from symnet.derivations._plain import plain

        why = self.plain or plain(self.justification)
        return f"{self.title}\n{body}\n    -- {why}" if body else f"{self.title}\n    -- {why}"


@dataclass(frozen=True, eq=False)
class Derivation:
    """The derivation of a construction's exact error series, step by step.

    Attributes
    ----------
    title : str
    construction : str
        The construction's name.
    source : str
        Where the construction comes from (paper, section; MATH.md section).
    variables : tuple of Symbol
        The network's inputs, in order.
    scale : Symbol
        The scale lam.
    order : int
        The error series is exact through lam^order.
    target : sympy.Expr
        What the network approximates.
    error : dict
        ``{power: exact coefficient}``: network - target = sum_i lam^i error[i] + O(lam^(order+1)),
        nonzero terms only. It equals ``symnet.series.error(construction, order)`` (checked
        when the derivation is built; see ``checked_against``).
    steps : tuple of Step
    hypotheses : tuple of Hypothesis
    notes : tuple of str
        The construction's remarks and corrections to the sources.
    checked_against : str
        The independent route the final series was compared with.
    """

    title: str
    construction: str
    source: str
    variables: tuple[sp.Symbol, ...]
    scale: sp.Symbol
    order: int
    target: sp.Expr
    error: Mapping[int, sp.Expr]
    steps: tuple[Step, ...]
    hypotheses: tuple[Hypothesis, ...] = ()
    notes: tuple[str, ...] = ()
    checked_against: str = ""
    activation: str = ""
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def leading(self) -> tuple[int, sp.Expr] | None:
        """(power, coefficient) of the lowest nonzero error term within the order, or None."""
        powers = sorted(p for p, v in self.error.items() if v != 0)
        return (powers[0], self.error[powers[0]]) if powers else None

    @property
    def leading_order(self) -> int | None:
        lead = self.leading
        return None if lead is None else lead[0]

    def latex(self, standalone: bool = False) -> str:
        """The derivation as LaTeX: an amsmath fragment, or a complete document for pdflatex.

        The same derivation always gives the same bytes.
        """
        from symnet.derivations import _latex

        key = ("latex", standalone)
        if key not in self._cache:
            self._cache[key] = _latex.document(self) if standalone else _latex.fragment(self)
        return self._cache[key]

    def write(self, path: str | os.PathLike, standalone: bool = True, force: bool = False) -> Path:
        """Write the LaTeX atomically to ``path``; refuses to overwrite unless ``force``."""
        from symnet.derivations._io import write_text_atomic

        return write_text_atomic(path, self.latex(standalone=standalone), force=force)

    def _repr_latex_(self) -> str:
        return self.latex()

    def __str__(self) -> str:
        head = f"{self.title}\n(source: {self.source})"
        steps = "\n\n".join(f"{i}. {step}" for i, step in enumerate(self.steps, 1))
        return f"{head}\n\n{steps}"

    def __repr__(self) -> str:
        lead = self.leading
        lead_s = "exact (no error through this order)" if lead is None else f"lam^{lead[0]}"
        return (f"Derivation({self.construction!r}, order={self.order}, steps={len(self.steps)}, "
                f"leading error {lead_s})")

"""Derivations as LaTeX: a construction's exact error series, step by step.

Public names: :func:`derive` (a :class:`Derivation` from a construction and an order),
:class:`Derivation`, :class:`Step`, :class:`Row`, :class:`Expansion`, :class:`Tex`, and
:func:`write_text_atomic` (the non-clobbering atomic writer the CLI uses), and
:func:`compile_pdf` / :func:`render_png` (pdflatex and pdftoppm, used by the tests and
``docs/build.py``).

``derivation.latex()`` is an amsmath fragment, ``derivation.latex(standalone=True)`` a complete
document for pdflatex; both are deterministic (same call, same bytes), with the terms of every
sum in reading order (total degree in the inputs, then lexicographic).

Examples
--------
>>> import sympy as sp
>>> from symnet import activations
>>> from symnet.constructions import multiplication_gate
>>> from symnet.derivations import derive
>>> d = derive(multiplication_gate(activations.get("softplus")), 2)
>>> {power: sp.factor(term) for power, term in d.error.items()}
{2: -u*v*(u**2 + v**2)/12}
>>> "\\\\begin{align*}" in d.latex()
True
"""

from symnet.derivations._compile import CompileResult, compile_pdf, latex_tools, render_png
from symnet.derivations._derive import derive
from symnet.derivations._io import write_text_atomic
from symnet.derivations._steps import Derivation, Expansion, Row, Step, Tex

__all__ = [
    "CompileResult",
    "Derivation",
    "Expansion",
    "Row",
    "Step",
    "Tex",
    "compile_pdf",
    "derive",
    "latex_tools",
    "render_png",
    "write_text_atomic",
]

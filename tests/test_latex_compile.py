"""Every standalone derivation compiles with a real LaTeX engine (pdflatex), and a page is drawn.

Locally these tests skip when pdflatex/pdftoppm are missing; with SYMNET_REQUIRE_LATEX=1 (CI,
see .ci/run) a missing engine is a failure. The default run compiles a handful of documents;
``python docs/build.py`` compiles all of them.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest

from symnet import activations
from symnet.constructions import deep_product, identity_gate, multiplication_gate, shallow_product
from symnet.derivations import derive
from symnet.derivations._compile import compile_pdf, latex_tools, render_png

pytestmark = pytest.mark.latex


@pytest.fixture(scope="module")
def tools() -> dict[str, str]:
    found = latex_tools()
    missing = [name for name, path in found.items() if path is None]
    if missing:
        why = (f"{', '.join(missing)} not installed (Debian: texlive-latex-base texlive-latex-recommended "
               "poppler-utils)")
        if os.environ.get("SYMNET_REQUIRE_LATEX") == "1":
            pytest.fail(f"SYMNET_REQUIRE_LATEX=1 but {why}")
        pytest.skip(f"{why}; set SYMNET_REQUIRE_LATEX=1 to make this a failure")
    return found


def _compile(tex: str, tmp_path: Path, name: str = "doc"):
    result = compile_pdf(tex, tmp_path, name=name, timeout=180)
    assert result.ok, f"pdflatex failed (exit {result.returncode}):\n{result.log[-2500:]}"
    assert "Undefined control sequence" not in result.log
    return result


CASES = {
    "gate-generic": lambda: derive(multiplication_gate(activations.generic()), 4),
    "gate-sigmoid": lambda: derive(multiplication_gate(activations.get("sigmoid")), 2),  # algebraic numbers
    "identity-output-bias": lambda: derive(identity_gate(activations.get("softplus")), 3),
    "product-3": lambda: derive(shallow_product(3, activations.generic()), 4),
    "deep-product-4": lambda: derive(deep_product(4, activations.generic()), 2),  # matrices, layer by layer
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_standalone_document_compiles(tools, tmp_path, name):
    d = CASES[name]()
    result = _compile(d.latex(standalone=True), tmp_path, name)
    assert result.pdf.stat().st_size > 1000
    assert "Overfull \\hbox" not in result.log or name == "gate-sigmoid"  # layout stays within the margins


def test_a_page_is_drawn(tools, tmp_path):
    d = CASES["gate-generic"]()
    result = _compile(d.latex(standalone=True), tmp_path)
    png = render_png(result.pdf, tmp_path / "page", page=1, dpi=50)
    assert png is not None
    import matplotlib.image as mpimg

    pixels = np.asarray(mpimg.imread(png))
    gray = pixels[..., :3].mean(axis=-1) if pixels.ndim == 3 else pixels
    ink = float((gray < 0.5).mean())
    assert 0.005 < ink < 0.5, f"fraction of dark pixels {ink:.4f}: the page is blank or black"
    # text is spread over the page, not one blob: dark pixels in many rows
    rows_with_ink = int((gray < 0.5).any(axis=1).sum())
    assert rows_with_ink > 50


def test_fragment_compiles_with_only_amsmath(tools, tmp_path):
    frag = CASES["gate-generic"]().latex()
    tex = "\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n" + frag + "\\end{document}\n"
    _compile(tex, tmp_path)


def test_hostile_text_compiles(tools, tmp_path):
    # notes and sources are free text: every LaTeX special character and non-ASCII must survive
    c = multiplication_gate(activations.generic())
    nasty = "100% of $x_1 & #2 {a} ~b^c \\input{/etc/passwd} <|> σ≠λ — 日本 \\end{document}"
    c = dataclasses.replace(c, notes=(nasty,), source=nasty, _cache={})
    _compile(derive(c, 2).latex(standalone=True), tmp_path)
    assert "(/etc/passwd" not in (tmp_path / "doc.log").read_text(errors="replace").replace("\n", "")  # not opened


@pytest.mark.slow
@pytest.mark.parametrize("require, outcome", [("", "1 skipped"), ("1", "1 error")])
def test_missing_engine_skips_or_fails(tmp_path, require, outcome):
    # Run this file's page test with no pdflatex on PATH: it must skip with a reason locally, and
    # fail when SYMNET_REQUIRE_LATEX=1 (as in CI).
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "SYMNET_REQUIRE_LATEX"}
    env["PATH"] = str(tmp_path)  # an empty directory: no pdflatex, no pdftoppm
    if require:
        env["SYMNET_REQUIRE_LATEX"] = require
    proc = subprocess.run([sys.executable, "-m", "pytest", __file__, "-q", "-rs", "-p", "no:cacheprovider",
                           "-k", "a_page_is_drawn", "--no-header"], capture_output=True, text=True, env=env,
                          timeout=300, cwd=Path(__file__).resolve().parent.parent)
    assert outcome in proc.stdout, proc.stdout[-2000:]
    assert (proc.returncode != 0) == bool(require)
    assert "pdflatex" in proc.stdout
    assert ("SYMNET_REQUIRE_LATEX=1 but" in proc.stdout) == bool(require)

"""Compiling standalone derivations with a real LaTeX engine (pdflatex) and rendering pages.

Used by the tests (every standalone document must compile) and by ``docs/build.py`` (the
derivations' PDFs). Runs ``pdflatex -halt-on-error -no-shell-escape`` in a directory of the
caller's choosing, with a timeout; PDFs are reproducible (``SOURCE_DATE_EPOCH`` is fixed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CompileResult", "compile_pdf", "latex_tools", "render_png"]

#: Seconds one pdflatex run may take before it is stopped.
TIMEOUT = 120


def latex_tools() -> dict[str, str | None]:
    """Paths of ``pdflatex`` and ``pdftoppm`` (None when not installed)."""
    return {name: shutil.which(name) for name in ("pdflatex", "pdftoppm")}


@dataclass(frozen=True)
class CompileResult:
    """The outcome of one pdflatex run: ``ok``, the PDF (if any) and the tail of the log."""

    ok: bool
    pdf: Path | None
    log: str
    returncode: int | None

    def __bool__(self) -> bool:
        return self.ok


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1", "LC_ALL": "C"})
    return env


def compile_pdf(tex: str, directory: str | os.PathLike, name: str = "derivation",
                timeout: float = TIMEOUT, runs: int = 1) -> CompileResult:
    """Write ``tex`` to ``directory/name.tex`` and run pdflatex on it ``runs`` times.

    Returns a :class:`CompileResult`; ``ok`` is False (with the reason in ``log``) when
    pdflatex is missing, fails, or times out. Never raises for a LaTeX error.
    """
    exe = shutil.which("pdflatex")
    if exe is None:
        return CompileResult(False, None, "pdflatex is not installed (Debian: texlive-latex-base)", None)
    work = Path(directory)
    work.mkdir(parents=True, exist_ok=True)
    source = work / f"{name}.tex"
    source.write_text(tex, encoding="utf-8")
    cmd = [exe, "-halt-on-error", "-interaction=nonstopmode", "-no-shell-escape", source.name]
    proc = None
    for _ in range(max(1, runs)):
        try:
            proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, errors="replace",
                                  timeout=timeout, env=_env(), stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return CompileResult(False, None, f"pdflatex timed out after {timeout} s", None)
        if proc.returncode != 0:
            break
    log_path = work / f"{name}.log"
    log = log_path.read_text(errors="replace") if log_path.exists() else (proc.stdout if proc else "")
    pdf = work / f"{name}.pdf"
    ok = proc is not None and proc.returncode == 0 and pdf.exists()
    return CompileResult(ok, pdf if pdf.exists() else None, log[-4000:], proc.returncode if proc else None)


def render_png(pdf: str | os.PathLike, out_prefix: str | os.PathLike, page: int = 1, dpi: int = 60,
               timeout: float = 60) -> Path | None:
    """Render one page of a PDF to PNG with pdftoppm; the PNG's path, or None if that failed."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        return None
    prefix = Path(out_prefix)
    cmd = [exe, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None
    png = prefix.with_name(prefix.name + ".png")
    return png if proc.returncode == 0 and png.exists() else None

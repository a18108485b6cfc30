"""proofs/_common: the verdict report, its exit status and its LaTeX document.

Every proofs/ script supports ``--latex FILE``: scripts with a derivation write it, the others
write their verdict table as a standalone document, which must compile with pdflatex.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from symnet.derivations._compile import compile_pdf, latex_tools

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
sys.path.insert(0, str(PROOFS))

from _common import Report  # noqa: E402


def _report() -> Report:
    r = Report("A test of 100% & σ''(b) ≠ 0")
    r.add("sigma''(b) != 0 for x_1 & x_2", "seed 000 #3", "verified", True, detail="lam^2 term: 1/12 ~ 0.083")
    r.add("the seed's claim", "LTR eq. (28)", "refuted", True)
    return r


def test_report_ok_needs_rows_and_all_routes_agreeing():
    assert not Report("empty").ok
    r = _report()
    assert r.ok
    r.add("a claim whose routes disagree", "here", "verified", False)
    assert not r.ok
    with pytest.raises(ValueError, match="verdict"):
        r.add("x", "y", "probably", True)


def test_report_latex_is_deterministic_and_escaped():
    tex = _report().latex()
    assert tex == _report().latex()
    assert "100\\%" in tex and "\\&" in tex and "\\begin{longtable}" in tex
    assert tex.count("\\hline") == 4  # two around the header, one after each of the two rows


@pytest.mark.latex
def test_report_latex_compiles(tmp_path):
    missing = [name for name, path in latex_tools().items() if path is None]
    if missing:
        if os.environ.get("SYMNET_REQUIRE_LATEX") == "1":
            pytest.fail(f"SYMNET_REQUIRE_LATEX=1 but {', '.join(missing)} missing")
        pytest.skip(f"{', '.join(missing)} not installed")
    result = compile_pdf(_report().latex(), tmp_path, name="report", timeout=180)
    assert result.ok, result.log[-2000:]


def test_script_without_derivation_writes_its_table(tmp_path):
    out = tmp_path / "conventions.tex"
    proc = subprocess.run([sys.executable, str(PROOFS / "conventions.py"), "--latex", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "\\begin{longtable}" in out.read_text()
    again = subprocess.run([sys.executable, str(PROOFS / "conventions.py"), "--latex", str(out)],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "exists" in again.stderr


def _timing_leaks(source: str) -> list[int]:
    """Lines where an f-string formats a timing (``.seconds``, ``took``, ``elapsed``) outside print()/timings.

    Timings vary from run to run; whatever reaches ``report.add`` ends up in the LaTeX and JSON
    outputs, which must be deterministic (DESIGN; AUDIT2 item 11).
    """
    import ast

    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def is_timing(expr: ast.AST) -> bool:
        return any((isinstance(n, ast.Attribute) and n.attr == "seconds")
                   or (isinstance(n, ast.Name) and n.id in ("took", "elapsed")) for n in ast.walk(expr))

    def allowed(node: ast.AST) -> bool:
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.Call):
                f = node.func
                if (isinstance(f, ast.Name) and f.id == "print") or (
                        isinstance(f, ast.Attribute) and f.attr == "append"
                        and isinstance(f.value, ast.Name) and f.value.id == "timings"):
                    return True
        return False

    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.FormattedValue) and is_timing(node.value) and not allowed(node)]


def test_timing_leak_detector_sees_a_leak():
    leak = 'report.add("c", "s", "verified", True, detail=f"Groebner in {g.seconds:.2f} s")\n'
    fine = 'print(f"   [time] {g.seconds:.2f} s")\ntimings.append(f"{took:.1f} s")\n'
    assert _timing_leaks(leak) == [1] and _timing_leaks(fine) == []


@pytest.mark.parametrize("script", sorted(p.name for p in PROOFS.glob("*.py")))
def test_proof_outputs_carry_no_timings(script):
    assert _timing_leaks((PROOFS / script).read_text()) == []

"""The benchmark scripts keep working: each runs at tiny sizes (``--quick`` arguments of run_all).

No timing is asserted anywhere (timings belong to benchmarks/, as ratios, never to tests): these
tests check exit codes, the JSON results' shape, the generated markdown and plot, and the
harness's time limit and error reporting.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import _harness  # noqa: E402
import run_all  # noqa: E402

EXISTING = [row for row in run_all.ROWS if (BENCH / row.script).exists()]


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _fail() -> None:
    raise ValueError("broken on purpose")


def _square(x: int) -> int:
    return x * x


@pytest.mark.parametrize("row", EXISTING, ids=[row.script for row in EXISTING])
def test_script_runs_quick(row, tmp_path):
    args = [sys.executable, str(BENCH / row.script), *row.quick]
    writes_json = run_all.supports_json(BENCH / row.script)
    out = tmp_path / "results.json"
    if writes_json:
        args += ["--json", str(out)]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip()
    if writes_json:
        data = json.loads(out.read_text())
        assert data["row"] == row.number
        assert data["headline"] and all({"case", "symnet_s", "ratio", "met"} <= set(h) for h in data["headline"])
        assert all(t["rows"] and len(t["headers"]) == len(t["rows"][0]) for t in data["tables"])
        assert data["load_before"]["cores"] >= 1


@pytest.mark.slow
def test_run_all_writes_markdown_and_plot(tmp_path):
    proc = subprocess.run([sys.executable, str(BENCH / "run_all.py"), "--quick", "--only", "5", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    md = (tmp_path / "benchmarks.md").read_text()
    assert "## Row 5:" in md and "Quick mode" in md and "load average" in md
    assert "| case | baseline [s] | symnet [s]" in md
    assert (tmp_path / "benchmarks.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    stored = json.loads((tmp_path / "benchmarks.json").read_text())
    assert stored["quick"] and [r["row"] for r in stored["rows"]] == [5]
    (tmp_path / "benchmarks.md").unlink()
    again = subprocess.run([sys.executable, str(BENCH / "run_all.py"), "--quick", "--render-only", "--out",
                            str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "## Row 5:" in (tmp_path / "benchmarks.md").read_text()


def test_isolated_reports_values_errors_and_time_limits():
    ok = _harness.isolated(_square, 7, timeout=60)
    assert ok.ok and ok.value == 49 and ok.peak_rss_mb > 0
    failed = _harness.isolated(_fail, timeout=60)
    assert not failed.ok and not failed.timed_out and "broken on purpose" in failed.error
    stopped = _harness.isolated(_sleep, 60, timeout=0.5)
    assert stopped.timed_out and stopped.value is None


def test_tables_and_ratios():
    text = _harness.text_table(["n", "t [s]"], [[2, 0.5], [10, None]])
    assert text.splitlines()[2].split() == ["10", "-"]
    md = _harness.markdown_table(["a", "b"], [["x|y", 1]])
    assert md.splitlines()[2] == "| x\\|y | 1 |"
    assert _harness.ratio_text(20.0, 0.01) == "2,000"
    assert _harness.ratio_text(None, 0.5, limit=600) == "> 1,200"
    assert _harness.format_seconds(None, 600) == "> 600"
    best, value = _harness.best_of(lambda: 3, repeat=2)
    assert value == 3 and best >= 0

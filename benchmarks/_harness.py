"""Shared helpers of the benchmark scripts: timings, isolation with a time limit, memory, tables, results.

- :func:`best_of`: best-of-k wall-clock time (``time.perf_counter``) of a call, and its result.
- :func:`isolated`: run a call in a child process with a time limit (a slow sympy baseline cannot
  hang the run); the child times the call itself and reports its peak resident memory
  (:func:`peak_rss_mb`). ``start_method="fork"`` (default) starts quickly, with sympy's cache
  cleared in the child (its peak memory includes the pages it shares with the parent);
  ``"spawn"`` starts a fresh interpreter, so the peak memory is that of the case alone (plus
  Python and the imported libraries): use it for memory figures.
- :func:`traced_peak`: the peak of Python-level allocations (``tracemalloc``) of a call; it does
  not see memory that C libraries (python-flint) allocate themselves, so the RSS figure of
  :func:`isolated` is the one to compare with a memory budget.
- :func:`text_table` / :func:`markdown_table`: aligned tables.
- :class:`Results`: what a benchmark script measured, written as JSON (``--json PATH``) for
  ``benchmarks/run_all.py``, which renders ``docs/benchmarks.md`` and the plot.

Timings are noisy on a shared machine: every ratio is formed from two timings of the same run,
and :func:`machine_load` records the load average next to them.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import platform
import resource
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Isolated",
    "Results",
    "best_of",
    "format_seconds",
    "isolated",
    "machine_load",
    "markdown_table",
    "peak_rss_mb",
    "text_table",
    "traced_peak",
]


# -- timing -------------------------------------------------------------------------------------------

def best_of(fn: Callable[[], Any], repeat: int = 3, setup: Callable[[], Any] | None = None) -> tuple[float, Any]:
    """``(best seconds, last result)`` of ``repeat`` calls of ``fn()`` (``setup()`` untimed before each)."""
    best, result = math.inf, None
    for _ in range(max(1, repeat)):
        if setup is not None:
            setup()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


@dataclass
class Isolated:
    """The outcome of :func:`isolated`."""

    seconds: float | None  #: wall-clock time of the call in the child (None: limit reached or failed)
    value: Any = None
    peak_rss_mb: float | None = None  #: peak resident memory of the child process, MB
    timed_out: bool = False
    error: str | None = None
    elapsed: float | None = None  #: seconds until the call failed (with ``error``), or until the time limit

    @property
    def stopped(self) -> str:
        """Why there is no time: ``"> T s (time limit)"``, ``"MemoryError after T s"``, ... ("" if none)."""
        if self.ok:
            return ""
        if self.timed_out:
            return f"> {self.elapsed:.0f} s (time limit)"
        if self.error and self.error.startswith("MemoryError"):
            return f"MemoryError (memory cap) after {self.elapsed:.0f} s"
        return f"failed after {self.elapsed or 0:.0f} s: {self.error}"

    @property
    def ok(self) -> bool:
        return self.seconds is not None


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB: ``VmHWM`` of /proc/self/status (Linux).

    Unlike ``ru_maxrss``, which Linux carries over ``execve`` (a spawned child would report its
    parent's peak), ``VmHWM`` belongs to the current address space. Falls back to ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak_rss() -> None:
    """Start the peak at the current RSS (Linux >= 4.0; silently nothing elsewhere)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _child(conn: Any, fn: Callable, args: tuple, clear_cache: bool, memory_limit_mb: float | None) -> None:
    try:
        if memory_limit_mb is not None:  # address-space cap: the call fails with MemoryError beyond it
            cap = int(memory_limit_mb * 2**20)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        if clear_cache:
            from sympy.core.cache import clear_cache as _clear

            _clear()
        _reset_peak_rss()
        start = time.perf_counter()
        value = fn(*args)
        seconds = time.perf_counter() - start
        conn.send((seconds, value, peak_rss_mb(), None))
    except BaseException as err:  # reported to the parent, never raised in the child
        conn.send((time.perf_counter() - start if "start" in locals() else None, None, peak_rss_mb(),
                   f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


def isolated(fn: Callable, *args: Any, timeout: float | None = None, start_method: str = "fork",
             memory_limit_mb: float | None = None) -> Isolated:
    """Run ``fn(*args)`` in a child process, at most ``timeout`` seconds; see the module docstring.

    ``fn`` must be a module-level function (picklable for ``"spawn"``) and its result picklable.
    A child that exceeds the time limit is killed (its own process only). ``memory_limit_mb``
    caps the child's address space (``RLIMIT_AS``; it counts virtual memory, so leave room above
    the RSS): a baseline that would need more fails with MemoryError instead of pushing a shared
    machine into swap or the OOM killer (sympy's ``Matrix.rank`` of a 256 x 256 matrix reached
    16 GB RSS within 10 minutes). The outcome's ``error`` says so.
    """
    ctx = mp.get_context(start_method)
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, start_method == "fork", memory_limit_mb), daemon=True)
    begin = time.perf_counter()
    proc.start()
    child.close()
    try:
        if parent.poll(timeout):
            seconds, value, rss, error = parent.recv()
            if error is not None:
                return Isolated(None, None, rss, False, error, seconds)
            return Isolated(seconds, value, rss, False, None)
        return Isolated(None, None, None, True, None, time.perf_counter() - begin)
    except EOFError:
        proc.join(10)
        return Isolated(None, None, None, False, f"the child process died (exit code {proc.exitcode})",
                        time.perf_counter() - begin)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(10)
        parent.close()


def traced_peak(fn: Callable[[], Any]) -> tuple[float, Any]:
    """``(peak MB of Python allocations, result)`` of ``fn()`` under tracemalloc."""
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20, result


def machine_load() -> dict[str, Any]:
    """Load averages, core count and versions: recorded next to every set of timings."""
    load = os.getloadavg()
    versions = {}
    for name in ("sympy", "flint", "numpy", "mpmath"):
        try:
            versions[name] = __import__(name).__version__
        except Exception:  # pragma: no cover - optional
            versions[name] = "?"
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {"load_1_5_15": [round(v, 2) for v in load], "cores": os.cpu_count(), "cpu": cpu,
            "python": platform.python_version(), **versions}


# -- tables ---------------------------------------------------------------------------------------------

def format_seconds(seconds: float | None, limit: float | None = None) -> str:
    """``0.0123``, ``12.3`` ...; ``> limit`` for a run stopped at its limit; ``-`` when not run."""
    if seconds is None:
        return f"> {limit:.0f}" if limit is not None else "-"
    if seconds >= 100:
        return f"{seconds:.0f}"
    if seconds >= 1:
        return f"{seconds:.2f}"
    return f"{seconds:.3g}" if seconds >= 1e-3 else f"{seconds:.2e}"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return format_seconds(value)
    return "-" if value is None else str(value)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A right-aligned fixed-width table."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = [" ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines += [" ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], left: int = 1) -> str:
    """A GitHub-flavoured markdown table: the first ``left`` columns left-aligned, the others right-aligned."""
    cells = [[_cell(v).replace("|", "\\|") for v in row] for row in rows]
    out = ["| " + " | ".join(headers) + " |",
           "|" + "|".join(":---" if i < left else "---:" for i in range(len(headers))) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in cells]
    return "\n".join(out)


# -- results ------------------------------------------------------------------------------------------

def ratio_text(baseline: float | None, symnet: float | None, limit: float | None = None) -> str:
    """``baseline / symnet`` as text (``> x`` when the baseline was stopped at ``limit``)."""
    if symnet is None or symnet <= 0:
        return "-"
    if baseline is None:
        return f"> {limit / symnet:,.0f}" if limit is not None else "-"
    r = baseline / symnet
    return f"{r:,.0f}" if r >= 10 else f"{r:.2f}"


@dataclass
class Results:
    """What one benchmark script measured (one row of issue 7), saved as JSON for run_all.

    ``headline`` entries are the comparisons against the target; ``tables`` are scaling tables
    (already formatted cells); ``panels`` are the plot's panels, ``{title: {"x_label", "x_log",
    "curves": {method: [[x, seconds or None], ...]}}}`` (one panel per quantity on the x axis).
    """

    row: int
    title: str
    baseline: str
    target: str
    headline: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    panels: dict[str, dict] = field(default_factory=dict)
    memory: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    load_before: dict = field(default_factory=machine_load)
    load_after: dict | None = None

    def add_headline(self, case: str, symnet: float | None, *, baseline: float | None = None,
                     baseline_limit: float | None = None, target: str = "", met: bool | None = None,
                     detail: str = "") -> None:
        self.headline.append({"case": case, "baseline_s": baseline, "baseline_limit_s": baseline_limit,
                              "symnet_s": symnet, "ratio": ratio_text(baseline, symnet, baseline_limit),
                              "target": target, "met": met, "detail": detail})

    def add_table(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.tables.append({"title": title, "headers": list(headers),
                            "rows": [[_cell(v) for v in row] for row in rows]})

    def add_point(self, method: str, x: float, seconds: float | None, panel: str = "", x_label: str = "n",
                  x_log: bool = False) -> None:
        """One point of the plot: ``method`` took ``seconds`` at size ``x`` (None: not run or stopped)."""
        entry = self.panels.setdefault(panel or self.title, {"x_label": x_label, "x_log": x_log, "curves": {}})
        entry["curves"].setdefault(method, []).append([x, seconds])

    def add_memory(self, case: str, peak_rss_mb: float | None, limit_mb: float | None = 4096, how: str = "") -> None:
        """A peak-memory figure; ``limit_mb=None`` for figures the 4 GB budget does not apply to (baselines)."""
        met = None if peak_rss_mb is None or limit_mb is None else peak_rss_mb < limit_mb
        self.memory.append({"case": case, "peak_rss_mb": peak_rss_mb, "limit_mb": limit_mb, "met": met, "how": how})

    def save(self, path: str | None) -> None:
        self.load_after = machine_load()
        if not path:
            return
        tmp = f"{path}.tmp"
        with open(tmp, "w") as f:
            json.dump(self.__dict__, f, indent=1, default=str)
        os.replace(tmp, path)

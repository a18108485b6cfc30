"""Plots of sweeps and error maps (matplotlib, an optional extra: ``pip install symnet[plot]``).

- :func:`plot_sweep`: measured max error against lam on log-log axes, with the prediction
  lam^p max|Q| of the exact leading term (slope p) and the rounding bound; rounding-dominated
  measurements are drawn hollow.
- :func:`plot_error_map`: N_lam(x) - T(x) over a two-dimensional box as a heat map.

Files are deterministic: the same call writes the same bytes (no dates or software versions in
the metadata, a fixed SVG hash salt), so figures can be committed and diffed. Figures are built
with :class:`matplotlib.figure.Figure` directly, never through ``pyplot``'s global state.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from symnet.constructions import Construction
from symnet.errors import InvalidInput
from symnet.numeric._inputs import as_box
from symnet.numeric._sweep import SweepResult, sweep

__all__ = ["plot_error_map", "plot_sweep", "save_figure"]

_METADATA = {
    ".svg": {"Date": None},
    ".png": {"Software": None},
    ".pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}
_RC = {"svg.hashsalt": "symnet", "svg.fonttype": "path", "pdf.compression": 6, "path.simplify": False}


def _matplotlib():
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - matplotlib is installed in the test environment
        raise ImportError("symnet's plots need matplotlib: pip install 'symnet[plot]'") from None
    return Figure


@contextmanager
def _figure(figsize: tuple[float, float]) -> Iterator[Any]:
    """A new Figure (not pyplot's), drawn under the deterministic settings ``_RC``; its constrained
    layout makes room for every label, however long the tick labels are."""
    figure_class = _matplotlib()
    import matplotlib

    with matplotlib.rc_context(_RC):
        yield figure_class(figsize=figsize, layout="constrained")


def save_figure(figure: Any, path: str | Path) -> Path:
    """Write ``figure`` to ``path`` (.svg, .png or .pdf) deterministically; returns the path."""
    import matplotlib

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _METADATA:
        raise InvalidInput(f"cannot write {path.name!r}: use a .svg, .png or .pdf file name")
    with matplotlib.rc_context(_RC):
        figure.savefig(path, format=suffix[1:], metadata=_METADATA[suffix], dpi=100)
    return path


def _log_tick_labels(low: float, high: float) -> tuple[int, ...] | None:
    """The mantissas m whose ticks m x 10^k get a label on a log axis showing [low, high].

    ``(1,)``, the powers of ten only, when two or more of them are in view. With fewer the view
    spans less than 2 decades, and the labels are 1, 2, 5 from 0.6 decades on (neighbours at least
    log10(2) = 0.30 decades apart, over 1/7 of the view), 1, 2, 3, 5, 7 from 0.3 to 0.6 decades
    (at least log10(7/5) = 0.146 apart, about a quarter of the view), and ``None`` (every
    m = 1..9) below 0.3 decades (8 and 9 are log10(9/8) = 0.051 apart, a sixth of the view).
    matplotlib's default with one power of ten in view, 2, 3, 4, 6 x 10^k, overlaps.

    Examples
    --------
    >>> from symnet.numeric._plots import _log_tick_labels
    >>> _log_tick_labels(1e-3, 1e-1), _log_tick_labels(0.0125, 0.2), _log_tick_labels(0.02, 0.05)
    ((1,), (1, 2, 5), (1, 2, 3, 5, 7))
    """
    decades = math.log10(high / low)
    if math.floor(math.log10(high)) - math.ceil(math.log10(low)) >= 1:
        return (1,)
    if decades >= 0.6:
        return (1, 2, 5)
    if decades >= 0.3:
        return (1, 2, 3, 5, 7)
    return None


def _label_log_axis(axis: Any, low: float, high: float) -> None:
    """Label a log axis with ticks that cannot collide (see :func:`_log_tick_labels`)."""
    from matplotlib import ticker

    mantissas = _log_tick_labels(low, high)

    class Labels(ticker.LogFormatterSciNotation):
        def __call__(self, x: float, pos: int | None = None) -> str:
            if mantissas is not None and x > 0:
                mantissa = x / 10.0 ** math.floor(math.log10(x) + 1e-9)
                if not any(math.isclose(mantissa, m, rel_tol=1e-6) for m in mantissas):
                    return ""
            return super().__call__(x, pos)

    axis.set_major_locator(ticker.LogLocator(base=10.0))
    axis.set_major_formatter(ticker.LogFormatterSciNotation())
    if mantissas == (1,):
        axis.set_minor_formatter(ticker.NullFormatter())
    else:
        axis.set_minor_locator(ticker.LogLocator(base=10.0, subs=tuple(range(2, 10))))
        axis.set_minor_formatter(Labels(labelOnlyBase=False, minor_thresholds=(math.inf, math.inf)))


def plot_sweep(result: SweepResult, path: str | Path | None = None, *, title: str | None = None) -> Any:
    """Measured error against lam (log-log) with the predicted leading term.

    Parameters
    ----------
    result : SweepResult
    path : str or Path, optional
        Where to write the figure (.svg, .png, .pdf).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(result, SweepResult):
        raise InvalidInput(f"plot_sweep needs a SweepResult (from numeric.sweep), got {type(result).__name__}")
    with _figure((6.0, 4.2)) as fig:
        ax = fig.add_subplot()
        scales = np.array(result.scales)
        errors = np.array(result.errors)
        reliable = np.array(result.reliable)
        ax.loglog(scales[reliable], errors[reliable], "o", color="C0", label="measured max |N - T|")
        if (~reliable).any():
            ax.loglog(scales[~reliable], errors[~reliable], "o", mfc="none", color="C0",
                      label="measured (rounding-dominated)")
        if result.predicted is not None:
            order = result.order
            ax.loglog(scales, result.predicted, "-", color="C1",
                      label=f"series: lam^{order} max|Q| (slope {order})")
        ax.loglog(scales, np.maximum(result.rounding, np.finfo(float).tiny), ":", color="C2",
                  label="rounding bound")
        for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            _label_log_axis(axis, *limits)
        ax.set_xlabel("scale lam")
        ax.set_ylabel("max error over the points")
        slope = result.slope
        heading = title if title is not None else result.name
        ax.set_title(f"{heading} (fitted slope {slope:.3f})" if np.isfinite(slope) else heading)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")
    if path is not None:
        save_figure(fig, path)
    return fig


def plot_error_map(
    construction: Construction,
    box: Any,
    *,
    scale: Any,
    path: str | Path | None = None,
    resolution: int = 41,
    relative_accuracy: float = 1e-3,
) -> Any:
    """Heat map of N_lam(x) - T(x) over a two-dimensional box.

    The values are measured like a sweep (float64 when its rounding bound allows
    ``relative_accuracy``, mpmath otherwise), on a ``resolution`` x ``resolution`` grid.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(construction, Construction):
        raise InvalidInput(f"plot_error_map needs a Construction, got {type(construction).__name__}")
    if len(construction.variables) != 2:
        raise InvalidInput(f"plot_error_map draws two inputs; {construction.name} has {len(construction.variables)}")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= 1000:
        raise InvalidInput(f"resolution must be an int between 2 and 1000, got {resolution!r}")
    exact = as_box(box, 2)
    _matplotlib()  # fail before measuring if there is no matplotlib
    xs = np.linspace(float(exact[0][0]), float(exact[0][1]), resolution)
    ys = np.linspace(float(exact[1][0]), float(exact[1][1]), resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    measured = sweep(construction, [scale], points, leading=False, relative_accuracy=relative_accuracy)
    values = measured.point_errors[0].reshape(gx.shape)
    with _figure((5.6, 4.6)) as fig:
        ax = fig.add_subplot()
        limit = float(np.max(np.abs(values))) or 1.0
        image = ax.pcolormesh(gx, gy, values, cmap="RdBu_r", vmin=-limit, vmax=limit, shading="auto")
        fig.colorbar(image, ax=ax, label="N(x) - target(x)")
        u, v = construction.variables
        ax.set_xlabel(str(u))
        ax.set_ylabel(str(v))
        ax.set_title(f"{construction.name} at lam = {measured.scales[0]:.4g} ({measured.backends[0]})",
                     loc="left", fontsize="small")
    if path is not None:
        save_figure(fig, path)
    return fig

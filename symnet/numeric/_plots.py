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
    figure_class = _matplotlib()
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = figure_class(figsize=(6.0, 4.2))
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
        ax.set_xlabel("scale lam")
        ax.set_ylabel("max error over the points")
        slope = result.slope
        heading = title if title is not None else result.name
        ax.set_title(f"{heading} (fitted slope {slope:.3f})" if np.isfinite(slope) else heading)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")
        fig.subplots_adjust(left=0.14, right=0.97, bottom=0.13, top=0.9)
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
    figure_class = _matplotlib()
    import matplotlib

    xs = np.linspace(float(exact[0][0]), float(exact[0][1]), resolution)
    ys = np.linspace(float(exact[1][0]), float(exact[1][1]), resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    measured = sweep(construction, [scale], points, leading=False, relative_accuracy=relative_accuracy)
    values = measured.point_errors[0].reshape(gx.shape)
    with matplotlib.rc_context(_RC):
        fig = figure_class(figsize=(5.6, 4.6))
        ax = fig.add_subplot()
        limit = float(np.max(np.abs(values))) or 1.0
        image = ax.pcolormesh(gx, gy, values, cmap="RdBu_r", vmin=-limit, vmax=limit, shading="auto")
        fig.colorbar(image, ax=ax, label="N(x) - target(x)")
        u, v = construction.variables
        ax.set_xlabel(str(u))
        ax.set_ylabel(str(v))
        ax.set_title(f"{construction.name} at lam = {measured.scales[0]:.4g} ({measured.backends[0]})",
                     loc="left", fontsize="small")
        fig.subplots_adjust(left=0.14, right=0.88, bottom=0.12, top=0.9)
    if path is not None:
        save_figure(fig, path)
    return fig

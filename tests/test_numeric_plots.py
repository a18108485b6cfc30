"""symnet.numeric plots: deterministic files whose data are the sweep's numbers."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from symnet import activations
from symnet.constructions import multiplication_gate, square_gate
from symnet.errors import InvalidInput
from symnet.numeric import plot_error_map, plot_sweep, save_figure, sweep


@pytest.fixture(scope="module")
def gate():
    return multiplication_gate(activations.get("softplus"))


@pytest.fixture(scope="module")
def result(gate):
    return sweep(gate, [1e-1, 1e-2, 1e-3], points=8)


@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_same_call_writes_the_same_bytes(tmp_path, result, suffix):
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    plot_sweep(result, first)
    plot_sweep(result, second)
    data = first.read_bytes()
    assert data == second.read_bytes() and len(data) > 1000
    if suffix == ".svg":
        assert b"<svg" in data and b"Date" not in data
    if suffix == ".pdf":
        assert b"CreationDate" not in data


def test_sweep_plot_shows_the_measured_and_predicted_numbers(result):
    fig = plot_sweep(result)
    ax = fig.axes[0]
    measured, predicted = ax.lines[0], ax.lines[1]
    assert np.allclose(measured.get_xdata(), result.scales)
    assert np.allclose(measured.get_ydata(), result.errors)
    assert np.allclose(predicted.get_ydata(), result.predicted)
    assert "slope 2" in predicted.get_label() and ax.get_xscale() == "log" and ax.get_yscale() == "log"


def test_error_map_values_are_the_errors(tmp_path, gate):
    fig = plot_error_map(gate, [(-1, 1), (0, 1)], scale=0.01, resolution=5, path=tmp_path / "map.svg")
    mesh = fig.axes[0].collections[0]
    values = np.asarray(mesh.get_array()).reshape(5, 5)
    # leading term -lam^2/12 uv(u^2 + v^2) at (u, v) = (1, 1): the top-right grid value
    assert values[-1, -1] == pytest.approx(-1e-4 / 12 * 2, rel=1e-3)
    assert values[0, 2] == 0  # u = 0 or v = 0: the gate is exact there
    assert (tmp_path / "map.svg").read_bytes() == save_figure(fig, tmp_path / "again.svg").read_bytes()


def test_bad_inputs(tmp_path, result, gate):
    with pytest.raises(InvalidInput, match="SweepResult"):
        plot_sweep([1, 2, 3])
    with pytest.raises(InvalidInput, match=r"\.svg, \.png or \.pdf"):
        plot_sweep(result, tmp_path / "x.jpg")
    with pytest.raises(InvalidInput, match="two inputs"):
        plot_error_map(square_gate(activations.get("softplus")), [(-1, 1)], scale=0.1)
    with pytest.raises(InvalidInput, match="resolution"):
        plot_error_map(gate, [(-1, 1), (-1, 1)], scale=0.1, resolution=1)
    with pytest.raises(InvalidInput, match="empty"):
        plot_error_map(gate, [(1, -1), (-1, 1)], scale=0.1)


def tick_labels(fig, axis, coordinate):
    """(position, window extent) of the non-empty tick labels inside the axis' view, after a draw."""
    fig.draw_without_rendering()
    low, high = axis.get_view_interval()
    return sorted((label.get_position()[coordinate], label.get_window_extent())
                  for label in axis.get_ticklabels(which="both")
                  if label.get_visible() and label.get_text() and low <= label.get_position()[coordinate] <= high)


def assert_readable(fig, labels):
    assert len(labels) >= 2, labels
    boxes = [box for _, box in labels]
    for i, box in enumerate(boxes):
        assert fig.bbox.contains(box.x0, box.y0) and fig.bbox.contains(box.x1, box.y1), box  # not clipped
        for other in boxes[i + 1:]:
            assert not box.overlaps(other), (labels, box, other)


@pytest.mark.parametrize("scales", [
    [1e-1, 1e-2, 1e-3],                    # three decades
    [0.2, 0.1, 0.05, 0.025, 0.0125],       # symnet plot's default: one power of ten in view
    [0.9, 0.3, 0.1, 0.03, 0.011],          # almost two decades
    [0.1, 0.07, 0.05, 0.035],              # half a decade
    [0.05, 0.04, 0.03],                    # a fifth of a decade
    [0.05, 0.045, 0.04],                   # a tenth of a decade
    [0.5, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6],  # many decades, mpmath at the small scales
])
def test_sweep_tick_labels_do_not_overlap(gate, scales):
    fig = plot_sweep(sweep(gate, scales, points=8))
    ax = fig.axes[0]
    assert_readable(fig, tick_labels(fig, ax.xaxis, 0))
    assert_readable(fig, tick_labels(fig, ax.yaxis, 1))


def test_sweep_default_scales_are_labelled_1_2_5(gate):
    # lam from 0.0125 to 0.2: 10^-1 is the only power of ten in view, so 2 and 5 x 10^k are labelled
    # as well (matplotlib's own 2, 3, 4, 6 x 10^-2 labels overlapped there)
    fig = plot_sweep(sweep(gate, [0.2, 0.1, 0.05, 0.025, 0.0125], points=8))
    positions = [position for position, _ in tick_labels(fig, fig.axes[0].xaxis, 0)]
    assert positions == pytest.approx([0.02, 0.05, 0.1, 0.2])


def test_error_map_labels_fit_and_do_not_overlap(gate):
    fig = plot_error_map(gate, [(-1000, 1000), (-1001, -1000)], scale=0.1, resolution=5)
    ax, colorbar = fig.axes
    for axis, coordinate in ((ax.xaxis, 0), (ax.yaxis, 1), (colorbar.yaxis, 1)):
        assert_readable(fig, tick_labels(fig, axis, coordinate))
    fig.draw_without_rendering()
    for text in (ax.xaxis.label, ax.yaxis.label, ax.title, colorbar.yaxis.label):
        box = text.get_window_extent()
        assert fig.bbox.contains(box.x0, box.y0) and fig.bbox.contains(box.x1, box.y1), text

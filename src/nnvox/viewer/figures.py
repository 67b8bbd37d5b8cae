"""2D figures of the snapshot under the cursor, drawn with matplotlib in nnvox's colours:
first-layer filters as pictures, weight histograms, neuron correlation, the confusion matrix and
the most confident mistakes."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from nnvox.capture.run import Run
from nnvox.errors import NnvoxError
from nnvox.scenes.evaluation import confident_mistakes, confusion
from nnvox.scenes.storyboard import FIGURES
from nnvox.scenes.weight_pictures import filter_tiles, layer_weights, neuron_correlation, weighted_layers

BACKGROUND, TEXT = "#18181e", "#ebebf0"


def _snapshot(run: Run, t: float | None) -> int:
    last = len(run.snapshots) - 1
    index = last if t is None else int(round(t))
    if not 0 <= index <= last:
        raise NnvoxError(f"t = {t} is outside the run's snapshots 0..{last}")
    return index


def _class_name(run: Run, k: int) -> str:
    return run.class_names[k] if run.class_names and k < len(run.class_names) else str(k)


def figure_image(run: Run, figure: str, *, t: float | None = None, layer: str | None = None,
                 width: int = 1920, height: int = 1080) -> np.ndarray:
    """The figure as an (height, width, 3) uint8 image."""
    if figure not in FIGURES:
        raise NnvoxError(f"unknown figure {figure!r}; choose one of {', '.join(FIGURES)}")
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    index = _snapshot(run, t)
    dpi = 100
    with plt.rc_context({"text.color": TEXT, "axes.labelcolor": TEXT, "xtick.color": TEXT, "ytick.color": TEXT,
                         "axes.edgecolor": "#6a6b78", "axes.facecolor": BACKGROUND, "figure.facecolor": BACKGROUND,
                         "font.size": max(8, round(height / 60))}):
        fig = plt.figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        try:
            title = DRAWERS[figure](fig, run, index, layer)
            fig.suptitle(f"{run.name} · {run.snapshots[index].label} · {title}", color=TEXT)
            fig.canvas.draw()
            image = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
        finally:
            plt.close(fig)
    return image


def render_figure(run: Run | str | Path, out: str | Path, figure: str, *, t: float | None = None, layer: str | None = None,
                  width: int = 1920, height: int = 1080) -> Path:
    """Write a figure of the snapshot nearest `t` (default the last) as a PNG."""
    import imageio.v3 as iio

    from nnvox.capture.run import open_run
    from nnvox.viewer.export import check_output

    out = check_output(out, (".png",))
    run = run if isinstance(run, Run) else open_run(run)
    iio.imwrite(out, figure_image(run, figure, t=t, layer=layer, width=width, height=height))
    return out


def _grid(n: int, aspect: float = 16 / 9) -> tuple[int, int]:
    cols = max(1, math.ceil(math.sqrt(n * aspect)))
    return math.ceil(n / cols), cols


def _draw_filters(fig, run: Run, index: int, layer: str | None) -> str:
    name, w = layer_weights(run, index, layer)
    tiles = filter_tiles(w, run.probe_inputs.shape[1:])
    rows, cols = _grid(len(tiles))
    m = float(np.nanmax(np.abs(tiles))) or 1.0
    for k, tile in enumerate(tiles):
        ax = fig.add_subplot(rows, cols, k + 1)
        if tile.ndim == 3:  # RGB kernels: shown as colours, mid-grey is zero
            ax.imshow(np.clip(0.5 + tile / (2 * m), 0, 1), interpolation="nearest")
        else:
            ax.imshow(tile, cmap="RdBu_r", vmin=-m, vmax=m, interpolation="nearest")
        ax.set_title(str(k), fontsize="small")
        ax.set_axis_off()
    return f"{name}'s {len(tiles)} filters (blue negative, red positive, ±{m:.3g})"


def _draw_histograms(fig, run: Run, index: int, layer: str | None) -> str:
    layers = weighted_layers(run) if layer is None else [(n, k) for n, k in weighted_layers(run) if n == layer]
    if not layers:
        raise NnvoxError(f"layer {layer!r} has no recorded weights")
    rows, cols = _grid(len(layers), 2.0)
    values = run.read(index, [k for _, k in layers])
    for k, (name, key) in enumerate(layers):
        ax = fig.add_subplot(rows, cols, k + 1)
        v = values[key].ravel()
        v = v[np.isfinite(v)]
        ax.hist(v, bins=60, color="#e0836a")
        ax.set_title(f"{name}  (std {v.std():.3g})", fontsize="small")
        ax.tick_params(labelsize="x-small")
    return "weight histograms"


def _draw_correlation(fig, run: Run, index: int, layer: str | None) -> str:
    name, w = layer_weights(run, index, layer)
    corr = neuron_correlation(w)
    ax = fig.add_subplot(1, 1, 1)
    image = ax.imshow(corr, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xlabel(f"{name} unit")
    ax.set_ylabel(f"{name} unit")
    fig.colorbar(image, ax=ax, fraction=0.04, label="correlation of weight vectors")
    return f"how alike {name}'s {len(corr)} units are"


def _evaluation(run: Run, index: int):
    held_out = run.evaluation
    if held_out is None:
        raise NnvoxError("the run has no evaluation set; record with Recorder(..., evaluation=(x, y)) (nnvox record does)")
    return held_out, run.probabilities(index)


def _draw_confusion(fig, run: Run, index: int, layer: str | None) -> str:
    (_, labels), probs = _evaluation(run, index)
    matrix = confusion(probs, labels)
    share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    ax = fig.add_subplot(1, 1, 1)
    ax.imshow(share, cmap="viridis", vmin=0, vmax=1)
    names = [_class_name(run, k) for k in range(len(matrix))]
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            ax.text(j, i, str(count), ha="center", va="center", color="black" if share[i, j] > 0.6 else TEXT, fontsize="small")
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    return f"confusion on {matrix.sum():,} held-out samples, accuracy {accuracy:.1%}"


def _draw_mistakes(fig, run: Run, index: int, layer: str | None) -> str:
    (inputs, labels), probs = _evaluation(run, index)
    mistakes = confident_mistakes(probs, labels, 12)
    if not mistakes:
        ax = fig.add_subplot(1, 1, 1)
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no mistakes on the held-out set", ha="center", va="center")
        return "most confident mistakes"
    rows, cols = _grid(len(mistakes), 2.0)
    for k, m in enumerate(mistakes):
        ax = fig.add_subplot(rows, cols, k + 1)
        image = inputs[m.index]
        ax.imshow(image.mean(axis=0) if image.ndim == 3 and image.shape[0] != 3 else np.moveaxis(image, 0, -1), cmap="gray")
        ax.set_title(f"true {_class_name(run, m.true)} → {_class_name(run, m.predicted)} ({m.confidence:.0%})", fontsize="small")
        ax.set_axis_off()
    return f"the {len(mistakes)} most confident mistakes"


DRAWERS = {"filters": _draw_filters, "histograms": _draw_histograms, "correlation": _draw_correlation,
           "confusion": _draw_confusion, "mistakes": _draw_mistakes}
assert tuple(DRAWERS) == FIGURES  # the storyboard checks names against the same list

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
from nnvox.scenes.playback import check_position
from nnvox.scenes.presets import check_size
from nnvox.scenes.storyboard import FIGURES
from nnvox.scenes.weight_pictures import filter_tiles, layer_weights, neuron_correlation, weighted_layers

BACKGROUND, TEXT, AMBER = "#18181e", "#ebebf0", "#fab840"
SHORT_LINES = 16  # a voxel figure lower than this many lines of its text draws its plots with fewer words


def _snapshot(run: Run, t: float | None) -> int:
    """The snapshot nearest `t` (checked as every still's t is), the last for None."""
    return len(run.snapshots) - 1 if t is None else round(check_position(t, len(run.snapshots)))


def _class_name(run: Run, k: int) -> str:
    return run.class_names[k] if run.class_names and k < len(run.class_names) else str(k)


def figure_image(
    run: Run,
    figure: str,
    *,
    t: float | None = None,
    layer: str | None = None,
    width: int = 1920,
    height: int = 1080,
    voxel: tuple[int, ...] | None = None,
    sample: int = 0,
    regions: list | None = None,
    caption: int | None = None,
) -> np.ndarray:
    """The figure as an (height, width, 3) uint8 image. `voxel` (one number per axis of `layer`'s
    output: channel, row, column of a map; token, feature of a sequence layer; a vector's unit) and
    `sample` choose what the voxel figure inspects in `layer`. `regions`, when given, receives each plot's
    (left, top, right, bottom) in image pixels, in drawing order (the mistakes figure: by rank).
    `caption`: the caption's font size in pixels, and every other text's (the window's figure
    panel gives its own text size); default a 60th of the height in points, at least 8. No text is
    drawn smaller: where it would not fit, a figure draws fewer ticks, shorter titles, fewer tiles
    and cell values only where they fit."""
    if figure not in FIGURES:
        raise NnvoxError(f"unknown figure {figure!r}; choose one of {', '.join(FIGURES)}")
    check_size(width, height)  # before matplotlib allocates the canvas
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    index = _snapshot(run, t)
    dpi = 100
    with plt.rc_context(_style(caption * 72 / dpi if caption else max(8, round(height / 60)))):
        fig = plt.figure(figsize=(width / dpi, height / dpi), dpi=dpi, layout="constrained")  # labels never cut off
        try:
            fig.suptitle("Ag\nAg")  # the caption's usual two lines held while a drawer lays out its plots
            title = (
                _draw_voxel(fig, run, index, layer, voxel, sample)
                if figure == "voxel"
                else DRAWERS[figure](fig, run, index, layer)
            )
            _caption(fig, f"{run.name} · {run.snapshots[index].label} · {title}")
            fig.canvas.draw()
            image = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
            if regions is not None:
                regions.extend(
                    (b.x0, height - b.y1, b.x1, height - b.y0) for b in (ax.get_window_extent() for ax in fig.axes)
                )
        finally:
            plt.close(fig)
    return image


def _style(points: float) -> dict:
    """matplotlib's settings for a figure in nnvox's colours, its text `points` tall."""
    return {
        "text.color": TEXT,
        "axes.labelcolor": TEXT,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "axes.edgecolor": "#6a6b78",
        "axes.facecolor": BACKGROUND,
        "figure.facecolor": BACKGROUND,
        "font.size": points,
        "axes.titlesize": "medium",
        "lines.linewidth": points / 8,  # curves as bold as the text, at 4K too
        "lines.markersize": points / 3,
    }


def _caption(fig, text: str) -> None:
    """The figure's caption over it, its words wrapped to 94% of the figure's width (matplotlib's
    own wrap runs to the very edge)."""
    import textwrap

    shown = fig.suptitle(text, color=TEXT)
    renderer, chars = fig.canvas.get_renderer(), len(text)
    while chars > 12 and shown.get_window_extent(renderer).width > 0.94 * fig.bbox.width:
        chars = int(chars * 0.9)
        shown.set_text("\n".join(textwrap.wrap(text, chars)))


def _text_px(fig) -> float:
    """The figure's text size in pixels."""
    import matplotlib.pyplot as plt

    return plt.rcParams["font.size"] * fig.dpi / 72


def _chars(fig, ax) -> int:
    """How many characters of the figure's text fit across `ax` (as laid out before constrained layout)."""
    return max(6, int(ax.get_position().width * fig.bbox.width / (0.6 * _text_px(fig))))


def _title(fig, ax, text: str) -> None:
    """`ax`'s title, its words wrapped to the axes' width."""
    import textwrap

    ax.set_title("\n".join(textwrap.wrap(text, _chars(fig, ax))))


def _few_ticks(ax, x: int = 3, y: int | None = 3, *, integer: bool = False) -> None:
    """At most about `x` and `y` ticks (None: y's left as they are): at the figure's text size,
    more ran into each other. `integer`: whole numbers on x (snapshots, units)."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(x, integer=integer))
    if y is not None:
        ax.yaxis.set_major_locator(MaxNLocator(y, integer=integer))


def render_figure(run: Run | str | Path, out: str | Path, figure: str, **options) -> Path:
    """Write a figure of the snapshot nearest `t` (default the last) as a PNG; `options` (t, layer,
    width, height, voxel, sample) as `figure_image` takes them."""
    from nnvox.capture.run import open_run
    from nnvox.viewer.outputs import check_output, write_png

    out = check_output(out, (".png",))
    run = run if isinstance(run, Run) else open_run(run)
    return write_png(out, figure_image(run, figure, **options))


def _show_input(ax, x: np.ndarray, seen=None) -> None:
    """One input as a picture: RGB as it is (rescaled to 0..1), other channels averaged to grey;
    a sequence of token ids as a strip of cells, each with its id: coloured by id where every id
    has a colour of its own (ids 0..9), else one grey (a colour shared by every id past 9 would
    single out the few below it). With `seen` (scenes.dependence.Seen), what a voxel depends on
    outlined in amber, on grey cells whatever the ids: a box of a map, or runs of a sequence's
    positions."""
    from matplotlib.patches import Rectangle

    def outline(x0: float, y0: float, w: float, h: float) -> None:
        ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), w, h, fill=False, edgecolor=AMBER, linewidth=3, zorder=3))

    if np.issubdtype(x.dtype, np.integer) and x.ndim == 1:
        if seen is None and len(x) and x.min() >= 0 and x.max() <= 9:
            ax.imshow(x[None], cmap="tab10", vmin=0, vmax=9, interpolation="nearest")
        else:
            ax.imshow(np.zeros((1, len(x))), cmap="gray", vmin=-0.35, vmax=1, interpolation="nearest")  # one dark grey
        ax.set_xticks(np.arange(-0.5, len(x), 1), minor=True)
        ax.grid(which="minor", axis="x", color=BACKGROUND, linewidth=1)
        ax.tick_params(which="both", length=0)
        if _fits(ax.figure, ax, len(x), str(int(x.max(initial=0)))):  # ids where they fit
            for j, token in enumerate(x):
                ax.text(j, 0, str(int(token)), ha="center", va="center", color="white")
        if seen is not None and seen.positions is not None:
            for start, stop in _runs(seen.positions):
                outline(start, 0, stop - start + 1, 1)
        return
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 3 and x.shape[0] == 3:
        low, high = float(x.min()), float(x.max())
        ax.imshow(np.moveaxis((x - low) / ((high - low) or 1.0), 0, -1))
    else:
        ax.imshow(
            x.mean(axis=0) if x.ndim == 3 else np.atleast_2d(x), cmap="gray", aspect="auto" if x.ndim == 2 else None
        )
    if seen is None:
        return
    if seen.box is not None and len(seen.box) == 2 and x.ndim >= 2:
        (r0, r1), (c0, c1) = seen.box
        outline(c0, r0, c1 - c0 + 1, r1 - r0 + 1)
    elif seen.positions is not None and x.ndim == 2:  # a signal's positions: columns (axis 1) or rows (axis 0)
        for start, stop in _runs(seen.positions):
            if seen.axis == 1:
                outline(start, 0, stop - start + 1, x.shape[0])
            else:
                outline(0, start, x.shape[1], stop - start + 1)


def _runs(positions) -> list[tuple[int, int]]:
    """Consecutive positions as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for p in positions:
        if runs and p == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    return runs


def _text_width(fig, text: str) -> float:
    """About how wide `text` is drawn, in pixels, at the figure's text size."""
    return 0.62 * _text_px(fig) * len(text)


def _cell_px(fig, ax, columns: int) -> float:
    """The width in pixels of one of `columns` cells across `ax`, as laid out (constrained layout
    run once to learn it)."""
    fig.draw_without_rendering()
    return ax.get_window_extent().width / max(columns, 1)


def _fits(fig, ax, columns: int, text: str) -> bool:
    """Whether `text` fits in one of `columns` square cells across `ax`, with room to spare for the
    caption, added later, which narrows the plots."""
    cell = _cell_px(fig, ax, columns)
    return 1.25 * _text_width(fig, text) <= cell and 1.25 * _text_px(fig) <= cell


def _grid(n: int, aspect: float = 16 / 9, most: int | None = None) -> tuple[int, int]:
    """Rows and columns for `n` plots, about `aspect` times as many columns as rows, at most `most` columns."""
    cols = max(1, min(math.ceil(math.sqrt(n * aspect)), most or n))
    return math.ceil(n / cols), cols


def _draw_filters(fig, run: Run, index: int, layer: str | None) -> str:
    name, w = layer_weights(run, index, layer)
    tiles = filter_tiles(w, run.probe_inputs.shape[1:])
    rows, cols = _grid(len(tiles))
    m = float(np.nanmax(np.abs(tiles))) or 1.0
    numbered = fig.bbox.height / rows >= 3.5 * _text_px(fig)  # each tile's number over it, where there is room
    for k, tile in enumerate(tiles):
        ax = fig.add_subplot(rows, cols, k + 1)
        if tile.ndim == 3:  # RGB kernels: shown as colours, mid-grey is zero
            ax.imshow(np.clip(0.5 + tile / (2 * m), 0, 1), interpolation="nearest")
        else:
            ax.imshow(tile, cmap="RdBu_r", vmin=-m, vmax=m, interpolation="nearest")
        if numbered:
            ax.set_title(str(k))
        ax.set_axis_off()
    return f"{name}'s {len(tiles)} filters (blue negative, red positive, ±{m:.3g})"


def _draw_histograms(fig, run: Run, index: int, layer: str | None) -> str:
    layers = weighted_layers(run) if layer is None else [(n, k) for n, k in weighted_layers(run) if n == layer]
    if not layers:
        raise NnvoxError(f"layer {layer!r} has no recorded weights")
    rows, cols = _grid(len(layers), 2.0, most=max(1, int(fig.bbox.width // (10 * _text_px(fig)))))
    values = run.read(index, [k for _, k in layers])
    for k, (name, key) in enumerate(layers):
        ax = fig.add_subplot(rows, cols, k + 1)
        v = values[key].ravel()
        v = v[np.isfinite(v)]
        ax.hist(v, bins=60, color="#e0836a")
        _title(fig, ax, f"{name} σ {v.std():.2g}")
        ax.set_yticks([])  # counts: the shape is what reads
        reach = float(f"{0.8 * np.abs(v).max(initial=0):.1g}")  # two ticks, ± a round number: three ran together
        ax.set_xticks([-reach, reach] if reach else [0])
    return "weight histograms"


def _draw_correlation(fig, run: Run, index: int, layer: str | None) -> str:
    name, w = layer_weights(run, index, layer)
    corr = neuron_correlation(w)
    ax = fig.add_subplot(1, 1, 1)
    image = ax.imshow(corr, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xlabel(f"{name} unit")
    ax.set_ylabel(f"{name} unit")
    _few_ticks(ax, 4, 4, integer=True)
    fig.colorbar(image, ax=ax, fraction=0.04, label="correlation", ticks=[-1, 0, 1])
    return f"how alike {name}'s {len(corr)} units are"


def _evaluation(run: Run, index: int):
    held_out = run.evaluation
    if held_out is None:
        raise NnvoxError(
            "the run has no evaluation set; record with Recorder(..., evaluation=(x, y)) (nnvox record does)"
        )
    return held_out, run.probabilities(index)


def _draw_confusion(fig, run: Run, index: int, layer: str | None) -> str:
    (_, labels), probs = _evaluation(run, index)
    matrix = confusion(probs, labels)
    share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    ax = fig.add_subplot(1, 1, 1)
    ax.imshow(share, cmap="viridis", vmin=0, vmax=1)
    names = [_class_name(run, k) for k in range(len(matrix))]
    long_names = max(map(len, names)) > 3  # side by side they would run into each other
    ax.set_xticks(
        range(len(names)),
        names,
        rotation=45 if long_names else 0,
        ha="right" if long_names else "center",
        rotation_mode="anchor",
    )
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    cell = _cell_px(fig, ax, len(names))
    step = max(1, math.ceil(1.15 * _text_px(fig) / cell))  # every step-th class named where names would touch
    if step > 1:
        ax.set_yticks(range(0, len(names), step), names[::step])
        ax.set_xticks(range(0, len(names), step), names[::step])
    fits = {digits: _fits(fig, ax, len(names), "8" * digits) for digits in {len(str(c)) for c in matrix.flat}}
    for (i, j), count in np.ndenumerate(matrix):
        if count and fits[len(str(count))]:  # where it fits
            ax.text(j, i, str(count), ha="center", va="center", color="black" if share[i, j] > 0.6 else TEXT)
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    return f"confusion on {matrix.sum():,} held-out samples, accuracy {accuracy:.1%}"


def _draw_mistakes(fig, run: Run, index: int, layer: str | None) -> str:
    (inputs, labels), probs = _evaluation(run, index)
    text = _text_px(fig)  # a tile: its title over a picture at least four lines tall, the caption over them all
    rows, cols = int((fig.bbox.height - 3 * text) // (5.5 * text)), int(fig.bbox.width // (6 * text))
    mistakes = confident_mistakes(probs, labels, max(1, min(12, rows * cols)))
    if not mistakes:
        ax = fig.add_subplot(1, 1, 1)
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no mistakes on the held-out set", ha="center", va="center")
        return "most confident mistakes"
    cols = max(1, min(cols, math.ceil(math.sqrt(2 * len(mistakes)))))
    rows = math.ceil(len(mistakes) / cols)
    for k, m in enumerate(mistakes):
        ax = fig.add_subplot(rows, cols, k + 1)
        _show_input(ax, inputs[m.index])
        _title(fig, ax, f"{_class_name(run, m.true)}→{_class_name(run, m.predicted)} {m.confidence:.0%}")
        ax.set_axis_off()
    return f"the {len(mistakes)} most confident mistakes (true→predicted class, confidence)"


def _draw_voxel(fig, run: Run, index: int, layer: str | None, voxel: tuple[int, ...] | None, sample: int) -> str:
    """The input (what the voxel sees outlined), its map's or layer's values (where the figure is
    wide enough for three plots at its text size: the caption says the value) and patch × kernel."""
    from nnvox.scenes.inspect import check_voxel, inspect_voxel

    if layer is None:
        raise NnvoxError("the voxel figure needs a layer and a voxel: --layer conv1 --voxel CHANNEL,ROW,COLUMN")
    if voxel is None or not voxel:
        check_voxel(run, layer, ())  # says what this layer is and the numbers --voxel takes
    v = inspect_voxel(run, index, layer, voxel[0], tuple(voxel[1:]), sample)
    wide = fig.bbox.width / 3 >= _text_width(fig, "m" * 30)
    plots = 3 if wide else 2
    # a short figure (the window's panel: 12 lines of its text) draws its plots under one-line titles
    # and no line under the input (the window's story says it): else words took all its height
    short = fig.bbox.height < SHORT_LINES * _text_px(fig)
    _voxel_input(fig, fig.add_subplot(1, plots, 1), run.sample_input(index, sample), v, short)
    if wide:
        _voxel_values(fig, fig.add_subplot(1, plots, 2), v)
    _voxel_product(fig, fig.add_subplot(1, plots, plots), v, wide, short)
    who = (
        f"the snapshot's most confident mistake {sample - run.probe_count + 1}"
        if run.is_mistake(sample)
        else f"probe sample {sample}"
    )
    return f"{layer} {v.where} = {v.value:.4g} for {who}"


def _voxel_input(fig, ax, image: np.ndarray, v, short: bool = False) -> None:
    """The input, what the voxel sees outlined, and (but in a `short` figure) a line (wrapped to
    the plot) saying what it sees, or why no region is outlined."""
    import textwrap

    _show_input(ax, image, v.seen)
    if short:  # one line (wrapped at the axes' width before layout, it took two in the least panel)
        ax.set_title("what it sees" if v.seen.shown else "the input")
        ax.set_axis_off()
        return
    _title(fig, ax, "the input; in amber, what it sees" if v.seen.shown else "the input")
    ax.annotate(
        textwrap.fill(v.seen.note, _chars(fig, ax)),
        (0.5, 0),
        xycoords="axes fraction",
        xytext=(0, -10),
        textcoords="offset points",
        ha="center",
        va="top",
        color=AMBER if v.seen.shown else TEXT,
    )
    ax.set_axis_off()


def _voxel_values(fig, ax, v) -> None:
    """The values of the voxel's map (or layer), the voxel's marked in amber."""
    counts, edges = v.histogram
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color="#6aa6e0")
    ax.axvline(v.value, color=AMBER, linewidth=3)
    stats = v.channel_stats
    _title(fig, ax, f"{v.group}: min {stats['min']:.3g}, mean {stats['mean']:.3g}, max {stats['max']:.3g}")
    ax.set_yticks([])
    _few_ticks(ax, y=None)


def _voxel_product(fig, ax, v, wide: bool, short: bool = False) -> None:
    """Each kernel position's patch × kernel term, summed over input channels; the sum in the title
    where the figure is wide (else the caption's value says it)."""
    p = v.product
    if p is None:
        ax.text(0.5, 0.5, "not a convolution on a recorded input:\nno patch x kernel to show", ha="center", va="center")
        ax.set_axis_off()
        return
    terms = p.terms.sum(axis=0)
    m = float(np.abs(terms).max()) or 1.0
    ax.imshow(terms, cmap="RdBu_r", vmin=-m, vmax=m)
    channels = f"patch × kernel, {p.patch.shape[0]} input channel" + "s" * (p.patch.shape[0] > 1)
    if short and not wide:
        ax.set_title("patch × kernel")
    else:
        _title(
            fig, ax, f"{channels}: sum {p.terms.sum():.3f} + bias {p.bias:.3f} = {p.total:.3f}" if wide else channels
        )
    if _fits(fig, ax, terms.shape[1], "-0.00"):  # each term's value where it fits
        for (i, j), term in np.ndenumerate(terms):
            ax.text(j, i, f"{term:.2f}", ha="center", va="center", color="black")
    ax.set_axis_off()


def _draw_health(fig, run: Run, index: int, layer: str | None) -> str:
    recorded = {k for s in run.snapshots for k in (run.health(s.index) or {})}
    keys = [f"act/{n.name}" for n in run.architecture.nodes if f"act/{n.name}" in recorded]
    if not keys:
        raise NnvoxError("the run has no recorded layer health (no ReLU, tanh or sigmoid layers, or an older run)")
    x = np.arange(len(run.snapshots))
    lines: dict = {}  # one legend for the three plots (one each took a third of each plot)
    for k, (measure, label) in enumerate(
        (("active", "% active"), ("dead", "% dead units"), ("saturated", "% saturated"))
    ):
        ax = fig.add_subplot(1, 3, k + 1)
        ax.set_title(label)
        curves = [(key, s) for key in keys if np.isfinite(s := run.health_over_time(key, measure)).any()]
        if not curves:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "none", ha="center", va="center", transform=ax.transAxes)
            continue
        for key, series in curves:
            colour = f"C{keys.index(key) % 10}"  # a layer's colour the same in each plot
            lines[key] = ax.plot(x, 100 * series, marker="o", color=colour, label=key[len("act/") :])[0]
        ax.axvline(index, color="#ffffff")
        ax.set_ylim(-2, 102)
        _few_ticks(ax, 4, 3, integer=True)  # snapshots: the caption says so
    if len(lines) <= 8:  # more would fill the figure: the layers' curves still show
        legend = {"facecolor": BACKGROUND, "edgecolor": "#6a6b78", "labelcolor": TEXT}
        fig.legend(handles=list(lines.values()), loc="outside lower center", ncols=min(len(lines), 4), **legend)
    return "layer health over training (white line: this snapshot)"


DRAWERS = {
    "filters": _draw_filters,
    "histograms": _draw_histograms,
    "correlation": _draw_correlation,
    "confusion": _draw_confusion,
    "mistakes": _draw_mistakes,
}
DRAWERS["health"] = _draw_health
DRAWERS["voxel"] = _draw_voxel  # takes a voxel as well: see figure_image
assert tuple(DRAWERS) == FIGURES  # the storyboard checks names against the same list

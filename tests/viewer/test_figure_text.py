"""Issue 17 item 8, the window's 2D figures legible: in the figure panel at 1400 x 820 and at 4K
every text of every figure (caption, titles, ticks, cell values, legends) at least the lecture
size of the window's height (2.2%), inside the figure and over no other text. Read from the
figure's own text artists as matplotlib lays them out."""

from __future__ import annotations

import pytest

FIGURES = ("confusion", "mistakes", "health", "histograms", "filters", "correlation", "voxel")
SIZES = {"laptop": (1400, 820), "4K": (3840, 2160)}


def _drawn_texts(fig) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """Each text the figure draws: its words, size in pixels and box (x0, y0, x1, y1) in pixels."""
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()
    ticks = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis) if ax.axison else ():  # an axes drawn without axes: no ticks
            for tick in axis._update_ticks():  # the ticks drawn: those inside the axes' view
                ticks |= {id(tick.label1), id(tick.label2)}
    out = []
    for t in fig.findobj(Text):
        tick_label = any(
            t in (tick.label1, tick.label2)
            for ax in fig.axes
            for a in (ax.xaxis, ax.yaxis)
            for tick in a.get_major_ticks()
        )
        if not t.get_visible() or not t.get_text().strip() or (tick_label and id(t) not in ticks):
            continue
        box = t.get_window_extent(renderer)
        out.append((t.get_text(), t.get_fontsize() * fig.dpi / 72, (box.x0, box.y0, box.x1, box.y1)))
    return out


@pytest.mark.parametrize("figure", FIGURES)
def test_every_figure_text_reads_at_lecture_size_inside_the_panel_and_clear_of_the_others(
    digits_run, figure, monkeypatch
):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from nnvox.viewer.figure_panel import BOX, caption_size
    from nnvox.viewer.figures import figure_image
    from nnvox.viewer.theme import LECTURE_TEXT

    drawn: list = []
    close = plt.close
    monkeypatch.setattr(plt, "close", lambda fig: (drawn.append(_drawn_texts(fig)), close(fig)))
    for size_name, (width, height) in SIZES.items():
        w, h = round((BOX[2] - BOX[0]) * width), round((BOX[3] - BOX[1]) * height)
        options = {"layer": "conv1", "voxel": (0, 5, 5)} if figure == "voxel" else {}
        figure_image(digits_run, figure, width=w, height=h, caption=caption_size(height), **options)
        texts, where = drawn.pop(), f"{figure} {size_name}"
        assert len(texts) >= 3, where
        for words, px, (x0, y0, x1, y1) in texts:
            assert px >= LECTURE_TEXT * height, f"{where}: {words!r} at {px:.1f} px"
            assert x0 >= 0 and y0 >= 0 and x1 <= w and y1 <= h, (
                f"{where}: {words!r} at {x0:.0f}-{x1:.0f}, {y0:.0f}-{y1:.0f}"
            )
        for i, (a, _, p) in enumerate(texts):
            for b, _, q in texts[:i]:
                overlap = min(p[2], q[2]) - max(p[0], q[0]), min(p[3], q[3]) - max(p[1], q[1])
                assert min(overlap) <= 1, f"{where}: {a!r} at {p} over {b!r} at {q}"


@pytest.mark.parametrize("size_name", SIZES)
def test_the_voxel_figure_draws_its_pictures_large_and_uncovered_however_low_its_panel(
    digits_run, size_name, monkeypatch
):
    """Raised over the legend's notes, the panel is as low as MIN_HEIGHT of the window: its words at
    the window's size (one line under the input, titles of three lines) left the input and patch x
    kernel about 10 px high in the 234 px panel of the window at 1280 x 800, and at 164 px the layout
    collapsed, the caption over the pictures; a short figure has fewer words. Read from the
    figure's artists as drawn."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from nnvox.viewer.figure_panel import BOX, MIN_HEIGHT, caption_size
    from nnvox.viewer.figures import figure_image

    drawn: list = []
    close = plt.close
    pictures = lambda fig: [im.get_window_extent() for ax in fig.axes for im in ax.images]
    monkeypatch.setattr(plt, "close", lambda fig: (drawn.append((pictures(fig), _drawn_texts(fig))), close(fig)))
    width, height = SIZES[size_name]
    for share in (MIN_HEIGHT, BOX[3] - BOX[1]):
        w, h = round((BOX[2] - BOX[0]) * width), round(share * height)
        figure_image(
            digits_run, "voxel", width=w, height=h, caption=caption_size(height), layer="conv1", voxel=(0, 5, 5)
        )
        boxes, texts = drawn.pop()
        assert len(boxes) == 2, boxes
        for box in boxes:
            assert box.y0 >= 0 and box.y1 <= h and box.height >= 0.2 * h, f"{size_name}: a picture {box} in {w}x{h}"
            for words, _, (x0, y0, x1, y1) in texts:
                over = min(x1, box.x1) - max(x0, box.x0), min(y1, box.y1) - max(y0, box.y0)
                assert min(over) <= 1, f"{size_name} {w}x{h}: {words!r} over a picture"

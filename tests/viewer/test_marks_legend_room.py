"""Issue 17 item 8, the window's right column shared: the marks' legend ("dead unit: ...") above the
histogram panel and the figure panel over it (its bottom raised, never over the entries); and in a
comparison's narrow panes (beside the key help and the figure panel) each entry whole inside its
pane, in its short words, or no entry at all. Drawn off-screen, read from the drawn props."""

from __future__ import annotations

import pytest

from tests.viewer.picture_policy import _text_of

pytestmark = pytest.mark.gl


@pytest.fixture
def off_screen(monkeypatch):
    import pyvista as pv

    monkeypatch.setattr(pv, "OFF_SCREEN", True)


def _entries(pane) -> list[tuple[str, list[float]]]:
    """The marks' entries shown in a pane (not the notes under them): (words, box in window pixels
    from the bottom left), the box from the swatch's left edge to the words' right edge."""
    import vtk

    marks, layer = pane.renderer.overlays.legends.marks, pane.renderer.renderer
    out = []
    for swatch, words in marks.entries.values():
        if swatch is None or not words.GetVisibility():
            continue
        (drawn,) = _text_of(words, layer, vtk)
        left = swatch.GetPositionCoordinate().GetComputedDisplayValue(layer)[0]
        out.append((drawn["text"], [left, *drawn["box"][1:]]))
    return out


def _window(run, size, **options):
    from nnvox.viewer.window import Window

    window = Window(run, size=size, **options)
    window.plotter.ren_win.Render()
    return window


@pytest.mark.parametrize("size", [(1400, 820), (3840, 2160)], ids=["laptop", "4K"])
def test_the_figure_panel_sits_over_the_marks_legend_above_the_histogram(digits_run, off_screen, size):
    window = _window(digits_run, size)
    try:
        window.selected = "relu3"  # its histogram in the column, the marks' legend just above it
        window.figure = "confusion"
        window._redraw()
        window.plotter.ren_win.Render()
        entries = _entries(window.panes[0])
        assert [words for words, _ in entries] == ["dead unit: never active on the probe inputs"]  # (the notes apart)
        (_, (x0, y0, x1, y1)), (w, h) = entries[0], size
        histogram = window.options.histogram_box
        assert y0 >= histogram[3] * h, "the entry over the histogram panel"
        fx0, fy0, fx1, fy1 = window.figure_panel.box
        assert x0 < fx1 * w and x1 > fx0 * w, "the entry in the figure panel's column"
        assert window.figure_panel.renderer.GetViewport() == pytest.approx(window.figure_panel.box)
        assert fy0 * h >= y1, f"the figure panel (from {fy0 * h:.0f} px up) over the entry (up to {y1} px)"
        # over the entry and the legend's two notes (what a block's face shows, the scales every epoch)
        assert (fy1 - fy0) * h >= 0.25 * h, "the figure keeps most of its height"
        assert x1 <= w - 0.005 * h
    finally:
        window.plotter.close()


def test_a_narrow_comparison_panes_marks_stay_inside_it(digits_run, off_screen):
    size = (1400, 820)
    window = _window(digits_run, size, pin=0)
    try:
        wide = {i: _entries(pane) for i, pane in enumerate(window.panes)}
        assert all(
            words == ["dead unit: never active on the probe inputs"]
            for words in ([w for w, _ in entries] for entries in wide.values())
        ), wide  # beside no panel: the whole words
        window._toggle_panel(window.help)
        window.figure = "confusion"
        window._redraw()
        window.plotter.ren_win.Render()
        shown = 0
        for pane in window.panes:
            vx0, _, vx1, _ = pane.renderer.viewport
            assert (vx1 - vx0) * size[0] < 200, "the panes narrowed beside the help and the figure"
            for words, (x0, _, x1, _) in _entries(pane):
                shown += 1
                assert words == "dead unit"
                assert vx0 * size[0] <= x0 and x1 <= vx1 * size[0], f"{words!r} at {x0}-{x1} px"
        assert shown == 2
    finally:
        window.plotter.close()

"""Issue 17 items 6 and 8: the window's own text (the key help, the layer health table, the hint
line, the slider's tick and position labels) at the lecture size at 1400 x 820 and at 4K, in one
window and in a comparison, each whole inside the window and clear of the others; drawn off-screen
and measured as the pictures' text is (tests/viewer/picture_policy.py)."""

from __future__ import annotations

import pytest

from tests.viewer.picture_policy import _text_of, check_lecture_text, legend_words_missing

pytestmark = pytest.mark.gl

SIZES = {"laptop": (1400, 820), "4K": (3840, 2160)}


@pytest.fixture
def off_screen(monkeypatch):
    import pyvista as pv

    monkeypatch.setattr(pv, "OFF_SCREEN", True)


def _layer_texts(layer) -> list[dict]:
    import vtk

    out, props = [], layer.GetViewProps()
    props.InitTraversal()
    for _ in range(props.GetNumberOfItems()):
        out += _text_of(props.GetNextProp(), layer, vtk)
    return out


def _window_texts(window) -> list[dict]:
    """The window's own texts as drawn (the text panels' layer: help, table, hint, slider labels)."""
    window.plotter.ren_win.Render()
    return _layer_texts(window.panels.renderer)


def _pane_texts(window) -> list[dict]:
    """The panes' texts as drawn: block labels, the colour legends' titles and words, the heads-up line."""
    window.plotter.ren_win.Render()
    return [
        t
        for pane in window.panes
        for layer in (pane.renderer.renderer, pane.renderer.overlay)
        for t in _layer_texts(layer)
    ]


@pytest.mark.parametrize("comparing", [False, True], ids=["one run", "comparison"])
def test_the_windows_own_text_reads_at_lecture_size_and_fits(digits_run, off_screen, comparing):
    from nnvox.viewer.window import KEYS, Window

    for size_name, size in SIZES.items():
        window = Window(digits_run, size=size, pin=0 if comparing else None)
        try:
            where = f"{'comparison' if comparing else 'window'} {size_name}"
            texts = _window_texts(window)
            assert {t["text"] for t in texts} >= {"before", "Epoch 3 of 3"}, where  # tick and position labels
            check_lecture_text(where, texts, size)
            panes = _pane_texts(window)
            assert not legend_words_missing(panes, window.panes[0].scene), where  # the legends' titles and words
            check_lecture_text(f"{where}, the panes", panes, size)  # 820 px: a 19 px font drew 17 px lines
            for panel, name in ((window.help, "help"), (window.health, "health table")):
                window._toggle_panel(panel)
                shown = [t for t in _window_texts(window) if t["text"] == panel.GetInput()]
                assert len(shown) == 1, f"{where}: the {name}"
                check_lecture_text(f"{where}, {name}", _window_texts(window), size)
                assert "more lines" not in shown[0]["text"], f"{where}: the {name} was cut"
            help_text = window.help.GetInput()
            assert all(what.split()[0] in help_text for _, what in KEYS), where  # every key's row
            assert len(help_text.splitlines()) <= len(KEYS) + 1, f"{where}: a key's row wrapped"
        finally:
            window.plotter.close()


def test_a_panel_taller_than_its_room_keeps_the_lines_that_fit_and_says_how_many_more():
    import vtk

    from nnvox.viewer.desktop.panels import fitted
    from nnvox.viewer.overlays.metrics import text_extent

    font = vtk.vtkTextProperty()
    font.SetFontSize(19)
    font.SetFontFamilyToCourier()
    text = "\n".join(f"layer{i}   12%   80%   8%" for i in range(60))
    assert fitted(font, text, 10_000) == text
    cut = fitted(font, text, 300)
    lines = cut.splitlines()
    assert text_extent(font, cut)[1] <= 300 and 5 < len(lines) < 60
    assert lines[:-1] == text.splitlines()[: len(lines) - 1]
    assert lines[-1] == f"... {60 - len(lines) + 1} more lines"
    one_more = "\n".join([*text.splitlines()[: len(lines)], f"... {60 - len(lines)} more lines"])
    assert text_extent(font, one_more)[1] > 300  # as many lines as fit


@pytest.mark.parametrize("figure", ["confusion", "mistakes"])
def test_the_figure_panels_caption_reads_at_lecture_size_and_wraps_inside_it(digits_run, figure):
    import numpy as np

    from nnvox.viewer.figure_panel import BOX, caption_size
    from nnvox.viewer.figures import figure_image
    from nnvox.viewer.theme import LECTURE_TEXT

    for size_name, (width, height) in SIZES.items():
        w, h = round((BOX[2] - BOX[0]) * width), round((BOX[3] - BOX[1]) * height)
        regions: list = []
        image = figure_image(digits_run, figure, width=w, height=h, regions=regions, caption=caption_size(height))
        above = image[: round(min(r[1] for r in regions))].astype(int).min(axis=2) > 150  # light text over the plots
        rows = np.flatnonzero(above.any(axis=1))
        first = rows[: np.argmax(np.diff(rows, append=rows[-1] + 2) > 1) + 1]  # the caption's first line
        where = f"{figure} {size_name}"
        assert first[-1] - first[0] + 1 >= LECTURE_TEXT * height - 1, f"{where}: {first[-1] - first[0] + 1} px"
        columns = np.flatnonzero(above[first[0] : first[-1] + 1].any(axis=0))
        assert columns[0] >= 0.02 * w and columns[-1] <= 0.98 * w, f"{where}: the caption reaches the panel's edge"

"""Issues 17/18: in a comparison's narrow panes (the window at 1024 x 768, or at 1400 x 820 with the
key help open beside them) the legend's words ran together ("negative0positive", "left lowersame")
and a long heads-up line (a difference's two run names) ran past its pane into the next. The words
under a bar and the heads-up line are now fitted by their measured extents (overlays/legends.py,
overlays/hud.py); here every text box of each pane, as drawn, stays inside its pane and clear of
every other, at 1400 x 820 and 1024 x 768, in a snapshot comparison and a two-run difference."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.viewer.picture_policy import _overlap
from tests.viewer.test_window_text import _layer_texts

pytestmark = pytest.mark.gl

SIZES = [(1400, 820), (1024, 768)]
LONG_NAME = "digits-cnn-trained-without-augmentation-for-the-lecture"


@pytest.fixture
def off_screen(monkeypatch):
    import pyvista as pv

    monkeypatch.setattr(pv, "OFF_SCREEN", True)


@pytest.fixture(scope="module")
def long_named(digits_run, tmp_path_factory):
    """The digits run again under a name too long for a narrow pane's heads-up line."""
    from nnvox.capture.run import open_run

    path = tmp_path_factory.mktemp("runs") / "long"
    shutil.copytree(digits_run.path, path)
    manifest = json.loads((path / "manifest.json").read_text())
    (path / "manifest.json").write_text(json.dumps({**manifest, "name": LONG_NAME}))
    return open_run(path)


def _check_panes(window, where: str) -> list[str]:
    """Every pane's texts inside its pane and over no other text; returns the texts seen."""
    window.plotter.ren_win.Render()
    w, h = window.plotter.ren_win.GetSize()
    boxed = []
    for i, pane in enumerate(window.panes):
        x0, y0, x1, y1 = pane.renderer.renderer.GetViewport()
        for layer in (pane.renderer.renderer, pane.renderer.overlay):
            for t in _layer_texts(layer):
                if t["box"] is None:
                    continue
                b = t["box"]
                inside = b[0] >= x0 * w - 1 and b[2] <= x1 * w + 1 and b[1] >= y0 * h - 1 and b[3] <= y1 * h + 1
                assert inside, f"{where}: pane {i}'s {t['text'][:40]!r} at {b} runs out of its pane"
                boxed.append(t)
    for i, a in enumerate(boxed):
        for b in boxed[:i]:
            assert not _overlap(a, b), (
                f"{where}: {a['text'][:30]!r} at {a['box']} over {b['text'][:30]!r} at {b['box']}"
            )
    return [t["text"] for t in boxed]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_text_in_a_comparisons_panes_runs_into_another(digits_run, long_named, off_screen, size):
    from nnvox.viewer.window import Window

    for kind, options in (("snapshots", {"pin": 0}), ("difference", {"against": long_named})):
        window = Window(digits_run, size=size, **options)
        try:
            if kind == "difference":
                window._toggle_difference()
            where = f"{size}, {kind}"
            seen = _check_panes(window, where)
            window._toggle_panel(window.help)  # the key help beside the panes: each narrower
            seen += _check_panes(window, f"{where}, help open")
        finally:
            window.plotter.close()
        words = " ".join(seen)
        assert {"0", "1", "+"} <= set(seen), where  # the bars' words were looked at (the answer's numbers, a short one)
        if kind == "difference":
            assert "difference: left − right" in words and LONG_NAME[:20] in words, where  # the heads-up line


def test_a_heads_up_line_breaks_at_its_separators_then_its_commas_then_is_cut():
    from nnvox.viewer.overlays.hud import ELLIPSIS, fit

    text = f"difference: left − right   ·   left {LONG_NAME}, epoch 3   ·   right digits, epoch 3"
    fits = lambda line: len(line) <= 40  # a width measured in characters
    lines = fit(text, fits).split("\n")
    assert all(fits(line) for line in lines), lines
    assert lines[0] == "difference: left − right" and lines[-1] == "right digits, epoch 3", lines
    assert lines[1].startswith(f"left {LONG_NAME[:20]}") and lines[1].endswith(ELLIPSIS), lines
    assert lines[2] == "epoch 3", lines  # the snapshot kept whole on a line of its own
    assert fit("Epoch 3 of 3   ·   accuracy 82.0%", fits) == "Epoch 3 of 3   ·   accuracy 82.0%"  # fits: as it is

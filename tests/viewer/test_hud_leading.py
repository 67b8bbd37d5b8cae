"""A lecture's two-line heads-up line at its labels' leading (watch 10: "Moved so far, ..." started
2 px under the first line's descenders at vtk's 1.1 line spacing), measured on the drawn pixels."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.build import build_scene

pytestmark = pytest.mark.gl

TWO_LINES = "Epoch 3 of 10   ·   held-out accuracy 96.3%\nMoved so far, of its total change by epoch 10: conv1 72%"


def _ink_runs(image: np.ndarray, x0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    """The runs of image rows (top down, to `y1`) with light ink between columns x0 and x1."""
    rows = np.flatnonzero((image[:y1, x0:x1, :3].astype(int).min(axis=2) > 60).any(axis=1))
    runs = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    return [(int(r[0]), int(r[-1])) for r in runs if r.size]


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_the_second_line_stands_a_normal_leading_under_the_first(digits_run, size):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(digits_run)
    r = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1], hall=True, show_labels=False))
    try:
        frame = dataclasses.replace(
            scene.frame_at(1, sample=0), hud=TWO_LINES, hud_pending=TWO_LINES, hud_answered=TWO_LINES
        )
        image = r.render(frame)
        hud = r.scene_renderer.overlays.hud.actor
        assert hud.GetInput() == TWO_LINES
        font = hud.GetTextProperty().GetFontSize()
        x = round(hud.GetPosition()[0] * size[0])
        runs = _ink_runs(image, x, x + round(0.6 * size[0]), round(0.3 * size[1]))
        assert len(runs) >= 2, runs
        (_, first_bottom), (second_top, _) = runs[0], runs[1]
        # a blank band of at least a sixth of the font between the first's descenders ("p") and the
        # second's capitals ("M"): 2 px at 1080p before (1.1), 9 at the labels' 1.2
        assert second_top - first_bottom - 1 >= font / 6, (runs, font)
    finally:
        r.close()

"""A lecture's heads-up line and caption in a heavier weight (watch 6, finding 8): in vtk's regular
their strokes were 3-4 px at 37-40 px capitals and light text fades first on a washed-out
projector; drawn bold (the labels' weight, RenderOptions.bold) their strokes are 6 px or more at
1080p. Measured on the rendered pixels of the lecture's epochs view; the window's stay regular."""

from __future__ import annotations

import pytest

from tests.viewer.test_score_chart import _lecture_renderer, stroke_width

pytestmark = pytest.mark.gl


def _weights(run, size) -> tuple[float, float]:
    scene, r, pane = _lecture_renderer(run, size, 9)
    try:
        image = r.render(scene.frame_at(scene.n_snapshots - 1, sample=9))
        h = image.shape[0]
        x0, y0, x1, y1 = pane.overlays.hud.chart._hud_box(h)  # pixels, y up
        hud = stroke_width(image, (x0, h - y1, x1, h - y0))
        bx0, by0, bx1, by1 = pane.overlays.caption.band()
        caption = stroke_width(image, (bx0, h - by1, bx1, h - by0))
        return hud, caption
    finally:
        r.close()


def test_the_heads_up_line_and_the_caption_are_bold_in_a_lecture(lenet_run):
    hud, caption = _weights(lenet_run, (1920, 1080))
    assert hud >= 6, f"the heads-up line's strokes are {hud} px at 1080p"
    assert caption >= 6, f"the caption's strokes are {caption} px at 1080p"
    hud_720, caption_720 = _weights(lenet_run, (1280, 720))
    assert hud_720 >= 4 and caption_720 >= 4, (hud_720, caption_720)

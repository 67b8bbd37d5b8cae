"""Every text of a lecture's pictures in a heavier weight (watch 6, finding 8; watch 7, finding 4):
in vtk's regular their strokes were 3-5 px at 37-43 px capitals and light text fades first on a
washed-out projector; drawn bold (RenderOptions.bold, the one rule) their strokes are 6 px or more at
1080p. Measured on rendered pixels: the heads-up line and the caption, the score chart's ticks, a
weight grid's indices (the explained layer's numbers: test_explain_weight.py); the window's stay
regular."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.open_layer import open_pose
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.options import RenderOptions
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


def _strokes(renderer, image: np.ndarray, wanted) -> dict[str, float]:
    """Each drawn text for which `wanted(text)` holds: its strokes (px) on the picture's pixels."""
    from tests.viewer.picture_policy import drawn_texts

    h = image.shape[0]
    out = {}
    for t in drawn_texts(renderer):
        if t["box"] is not None and wanted(t["text"]):
            x0, y0, x1, y1 = t["box"]
            out[t["text"]] = stroke_width(image, (x0, h - y1, x1, h - y0))
    return out


def test_the_score_charts_ticks_and_ends_are_bold_and_before_training_reads_0(lenet_run):
    """The chart's "0%"/"100%" and its epoch numbers, 4 px strokes in the regular (watch 7), and the
    before-training point over a tick of its own, "0" (it stood over no number: the axis read 1 … 10)."""
    scene, r, pane = _lecture_renderer(lenet_run, (1920, 1080), 9)
    try:
        image = r.render(scene.frame_at(scene.n_snapshots - 1, sample=9))
        chart = pane.overlays.hud.chart
        ticks = {a.GetInput(): a for a in chart.ticks if a.GetVisibility()}
        last = str(scene.n_snapshots - 1)  # (the test run: before training and epoch 1)
        assert sorted(ticks) == ["0", last], sorted(ticks)
        (ox, _), first = chart.origin, chart.shape.point(chart.start, 0.0, chart.start, chart.last)[0]
        assert ticks["0"].GetPosition()[0] == pytest.approx(ox + first)  # under the before-training point
        strokes = _strokes(r, image, lambda text: text in ("0%", "100%", last))
        assert strokes.keys() == {"0%", "100%", last}, strokes
        assert min(strokes.values()) >= 6, f"the chart's numbers' strokes: {strokes} px at 1080p"
    finally:
        r.close()


def test_a_weight_grids_indices_are_bold_in_a_lecture(lenet_run):
    """conv2's open grid's "filter" and "input 0" (4 px strokes in the regular, watch 7)."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(lenet_run, SceneOptions(mode="distance-from-start", opened=frozenset({"conv1", "conv2"})))
    renderer = OffscreenRenderer(scene, RenderOptions(width=1920, height=1080, hall=True))
    try:
        pane = renderer.scene_renderer
        pane.apply_pose(open_pose(scene, ["conv1", "conv2"], pane.aspect))
        image = renderer.render(scene.frame_at(scene.n_snapshots - 1))
        strokes = _strokes(renderer, image, lambda text: text in ("filter", "input 0"))
        assert strokes.keys() == {"filter", "input 0"}, strokes
        assert min(strokes.values()) >= 6, f"the grid's indices' strokes: {strokes} px at 1080p"
    finally:
        renderer.close()

"""The lecture's top-5 class list faded in with the output's light (visuals.class_text_opacity)
while its lines to the rows appeared whole in one frame: the lines now fade with their texts,
measured on the pixels of the overview at half the texts' opacity."""

import numpy as np
import pytest

pytestmark = pytest.mark.gl

SIZE = (1280, 720)


def _line_and_text(r, image, frame) -> tuple[float, float]:
    """How much brighter than the background (max over RGB) the leader line from the list to the top
    class's row is (its typical pixel along the row), and the list's text (its brightest)."""
    from nnvox.viewer.label_layout import project

    layout = r.scene_renderer.label_layout
    column = layout.placement.blocks["fc2"]
    (box,) = [b for kind, block, _, b in layout.placement.shown if kind == "classes" and block == "fc2"]
    top = int(np.argmax(frame.values["fc2"].ravel()))
    anchors = r.scene_renderer.visuals["fc2"].class_texts.row_anchors
    ((_, row_y),) = project(anchors[top][None], layout.matrix(), *SIZE)
    row = SIZE[1] - 1 - round(row_y)
    background = np.array(r.options.background)
    lift = np.abs(image.astype(int) - background).max(axis=2)
    # per column across the row's band, the line's brightest pixel; the median of those the line
    # lights (a bent line's corner is drawn twice over, 1 - (1 - a)^2 of its colour: not its fade)
    across = lift[row - 1 : row + 2, int(column[2]) + 6 : int(box[0]) - 1].max(axis=0)
    line = np.median(across[across > 0.25 * across.max()])
    text = lift[SIZE[1] - 1 - int(box[3]) : SIZE[1] - 1 - int(box[1]), int(box[0]) : int(box[2])].max()
    return float(line), float(text)


def test_the_lists_lines_fade_with_its_texts(lenet_run):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.camera import overview
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.visuals import class_text_opacity

    scene = build_scene(lenet_run)
    r = OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1]))
    try:
        pane = r.scene_renderer
        pane.apply_pose(overview(scene.bounds, pane.aspect, azimuth=14, elevation=-15, beside=pane.class_room()))
        last = scene.n_snapshots - 1
        full = scene.frame_at(last, sample=9)
        # the pass where the output's texts are half faded in
        reveal = next(
            v
            for v in np.linspace(0.5, 1.0, 201)
            if class_text_opacity(scene.frame_at(last, sample=9, reveal=v).lit["fc2"]) >= 0.5
        )
        half = scene.frame_at(last, sample=9, reveal=reveal)
        shown = class_text_opacity(half.lit["fc2"])
        assert 0.4 < shown < 0.6
        line_full, text_full = _line_and_text(r, r.render(full), full)
        assert pane.label_layout.shown_forms["fc2"] == "top" and line_full > 30
        line_half, text_half = _line_and_text(r, r.render(half), half)
        # the line's contrast follows the text's: both about `shown` of their full (a line drawn
        # whole stood at 1.0 while its text was at half)
        assert line_half / line_full == pytest.approx(text_half / text_full, abs=0.2)
        assert line_half / line_full == pytest.approx(shown, abs=0.2)
    finally:
        r.close()

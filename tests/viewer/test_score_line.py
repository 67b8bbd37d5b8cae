"""The heads-up line in a storyboard's pictures, read from rendered frames: the forward pass's answer
(", predicted 9") fades in with the output's class texts, where it came in one frame (lecturer's
watch 3, finding 8). A scrub's scores are a chart under it: tests/viewer/test_score_chart.py."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene

pytestmark = pytest.mark.gl


def _renderer(scene, size):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    w, h = size
    return OffscreenRenderer(scene, RenderOptions(width=w, height=h, hall=True, show_labels=False, show_legend=False))


def test_the_answer_fades_in_with_the_output_list_at_the_end_of_the_forward_pass(lenet_run):
    """Frames at the output's light 0.4 (no answer yet), 0.75 (half faded in: class_text_opacity)
    and 1: the pixels where ", predicted" stands go from the background through between to the text."""
    scene = build_scene(lenet_run)
    output = next(b for b in scene.blocks if b.role == "output")
    last = scene.n_snapshots - 1
    size = (1280, 720)
    r = _renderer(scene, size)
    try:
        hud, images = r.scene_renderer.overlays.hud, []
        for lit in (0.4, 0.75, 1.0):
            frame = scene.frame_at(last, sample=0, reveal=(output.order + lit) / scene.levels)
            assert (", predicted " in frame.hud) == (lit >= 1.0)  # the frame's own text: as before
            images.append(r.render(frame).astype(int))
            if lit == 0.75:
                assert hud.arriving.GetVisibility() and 0.4 < hud.arriving.GetTextProperty().GetOpacity() < 0.6
        before, half, after = (im[: size[1] // 6, :, :3].sum(axis=2) for im in images)
        changed = np.abs(after - before) > 150  # the answer's ink: where the line with it differs
        assert changed.sum() > 200
        share = (half[changed] - before[changed]) / (after[changed] - before[changed])
        assert 0.25 < np.median(share) < 0.75  # half way in, not in one frame
        same = ~changed & (after > 400)  # the line's other text: drawn whole throughout
        # (its glyphs' soft edges drawn twice over the fade, a shade heavier, never dimmer)
        assert same.sum() > 500 and np.median(np.abs(half[same] - after[same])) < 10
        assert (half[same] - after[same]).min() > -30
    finally:
        r.close()

"""The lecture's heads-up line says the accuracy is held-out, and still takes one line at 480p
(the demo's longest: a snapshot, the held-out accuracy and the most confident mistake)."""

import pytest

from nnvox.scenes.build import build_scene


@pytest.mark.gl
@pytest.mark.parametrize(("width", "height"), [(854, 480), (640, 480)])
def test_the_held_out_accuracy_fits_the_heads_up_line_at_480p(lenet_run, width, height):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    last = scene.n_snapshots - 1
    frame = scene.frame_at(last, sample=lenet_run.mistake_sample(1))
    assert " held-out accuracy " in frame.hud and "most confident mistake: true " in frame.hud
    r = OffscreenRenderer(scene, RenderOptions(width=width, height=height, show_labels=False))
    try:
        r.render(frame)
        hud = r.scene_renderer.overlays.hud
        # as it reads, not cut short: one line at 16:9; at 4:3 (28 px capitals, theme.NOTE_TEXT) broken
        # at a separator onto two
        lines = hud.actor.GetInput().split("\n")
        assert "   ·   ".join(lines) == frame.hud and len(lines) == (1 if width / height > 1.5 else 2), lines
        box = [0.0] * 4
        hud.actor.GetBoundingBox(hud.stage.renderer, box)
        assert box[1] - box[0] <= hud.room
    finally:
        r.close()

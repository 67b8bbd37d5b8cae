"""A follow shot's covers are given per block (follow.follow_covers, eased in time) and drawn as
given (overlays/edge_fade.py, close_up.level_strips): measured on the pixels of the covered block."""

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.camera import overview
from nnvox.scenes.follow import projected

SIZE = (1280, 720)
ASPECT = SIZE[0] / SIZE[1]


@pytest.mark.gl
def test_a_follow_shots_given_covers_are_drawn_as_given(lenet_run):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    pose = overview(scene.bounds, ASPECT)
    r = OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1]))
    try:
        pane = r.scene_renderer
        pane.apply_pose(pose)
        frame = scene.frame_at(scene.n_snapshots - 1, sample=9)
        background = np.array(r.options.background)
        fc2 = projected(pose, np.array([scene.block("fc2").bounds]), ASPECT)[0]
        x0, x1 = ((fc2[:2] + 1) / 2 * SIZE[0]).astype(int)
        y0, y1 = ((1 - fc2[[3, 2]]) / 2 * SIZE[1]).astype(int)

        def drawn(levels) -> float:
            pane.overlays.edge_fade.show(0.0, 0.0, levels)
            image = r.render(frame)[y0:y1, x0 + 1 : x1 - 1].astype(int)
            return float(np.abs(image - background).max(axis=2).mean())

        shown = drawn(())
        assert shown > 20, "fc2 drawn (else the test shows nothing)"
        assert drawn((("fc2", 0.0, 1.0),)) < 2, "fc2 covered whole at the right edge"
        assert "fc2" in pane.overlays.edge_fade.hidden
        half = drawn((("fc2", 0.0, 0.5),))
        assert 0.3 * shown < half < 0.7 * shown, (half, shown)  # half covered: half faded
        assert "fc2" in pane.overlays.edge_fade.hidden  # over HIDES: its label goes
    finally:
        r.close()

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
        assert "fc2" not in pane.overlays.edge_fade.hidden  # its label fades with it (LABEL_GONE)
    finally:
        r.close()


@pytest.mark.gl
def test_a_covered_blocks_label_fades_with_it_and_goes_only_once_it_is_covered(lenet_run):
    """Hidden as its cover reached close_up.HIDES (0.2), a block's label went in one frame while the
    block faded over 0.6 s (the lecture's flow shot at 13.7, 15.7, 27.7 s): now it fades with the
    cover and goes at edge_fade.LABEL_GONE. Measured on the label's pixels (those that differ
    between fc2 uncovered and wholly covered, outside fc2's own rectangle)."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    pose = overview(scene.bounds, ASPECT)
    # no legend: its "probability" bar leaves with fc2 wholly covered (legends.covers), not with the label
    r = OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1], hall=True, show_legend=False))
    try:
        pane = r.scene_renderer
        pane.apply_pose(pose)
        frame = scene.frame_at(scene.n_snapshots - 1, sample=9)
        fc2 = projected(pose, np.array([scene.block("fc2").bounds]), ASPECT)[0]
        x0, x1 = ((fc2[:2] + 1) / 2 * SIZE[0]).astype(int)

        def drawn(level: float) -> np.ndarray:
            pane.overlays.edge_fade.show(0.0, 0.0, (("fc2", 0.0, level),) if level else ())
            image = r.render(frame).astype(float)
            image[:, x0 - 2 : x1 + 3] = 0  # the block itself (its cover measured above)
            return image

        shown, gone = drawn(0.0), drawn(1.0)
        label = np.abs(shown - gone).max(axis=2) > 60
        assert label.sum() > 50, "fc2's label drawn beside it (else the test shows nothing)"

        def left(level: float) -> float:  # how much of the label is drawn (1 all, 0 none)
            return float(
                (np.abs(drawn(level) - gone).max(axis=2)[label]).mean() / np.abs(shown - gone).max(axis=2)[label].mean()
            )

        assert left(0.3) > 0.55 and 0.25 < left(0.6) < 0.6, (left(0.3), left(0.6))  # faded with the block
        assert left(0.97) < 0.05 and "fc2" in pane.overlays.edge_fade.hidden  # gone once covered
        assert pane.overlays.labels.labels["fc2"].GetTextProperty().GetOpacity() > 0.9, "put back after the render"
    finally:
        r.close()

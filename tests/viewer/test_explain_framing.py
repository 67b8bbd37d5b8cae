"""The explaining shot's framing (scenes/shots.explain_pose) in a lecture's picture: the input, the
explained layer, its map pulled out in front and the window reaching into the padding all stand
inside the title-safe margin (theme.TITLE_SAFE) and left of the inset's tables. The input's left
edge stood 0.014 of the width in (EXPLAIN_ROOM 0.25 filled edge to edge)."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene

pytestmark = pytest.mark.gl


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)], ids=["16:9", "4:3"])
def test_the_explained_blocks_stand_inside_title_safe_and_left_of_the_tables(lenet_run, size):
    from nnvox.scenes.explain import Explanation, sheet_block
    from nnvox.scenes.shots import explain_pose
    from nnvox.viewer.camera_matrix import camera_matrix
    from nnvox.viewer.label_layout import block_rectangles
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.theme import TITLE_SAFE

    scene = build_scene(lenet_run)
    explained = Explanation(lenet_run, scene, "conv1", 0, 9, seconds=20)
    r = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1]))
    try:
        pane = r.scene_renderer
        assert pane.safe_share() == TITLE_SAFE  # a lecture's picture
        pane.apply_pose(explain_pose(scene, ["conv1", explained.source], pane.aspect, explained.reach, TITLE_SAFE))
        moment = explained.at(0.5, 1.0)
        pane.show_explain(moment)
        matrix, w, h = camera_matrix(pane.renderer)
        source = scene.block(explained.source)
        reach = np.array(source.bounds, dtype=float)  # the window's outline at the padding's far side
        grow = (explained.reach / source.pool + 0.5) * source.voxel
        reach[2:] += (-grow, grow, -grow, grow)
        bounds = [scene.block("conv1").bounds, source.bounds, sheet_block(scene.block("conv1")).bounds, reach]
        boxes = block_rectangles(np.array(bounds, dtype=float), matrix, w, h) / (w, h, w, h)
        tables = pane.overlays.explain.inset.box[0] / w  # the inset's left edge
        assert boxes[:, 0].min() >= TITLE_SAFE, boxes.round(3)
        assert boxes[:, 2].max() <= tables, (boxes.round(3), tables)
        assert boxes[:, 1].min() >= TITLE_SAFE and boxes[:, 3].max() <= 1 - TITLE_SAFE, boxes.round(3)
        # still the larger part of the room: the blocks not shrunk more than the margin asks
        assert boxes[:, 2].max() - boxes[:, 0].min() >= 0.8 * (tables - TITLE_SAFE), boxes.round(3)
    finally:
        r.close()

"""Watch 6 finding 4: the convolution shot's window was about 25 px with 1 px rays, so from row 20
only the orange box read, and during the fast sweep it jumped about 4 columns a frame and wrapped
rows every 7 frames: a flickering box. The outlines stand 5 px or more at 1080p and the rays 3 or
more; while the window sweeps between stops, the row being filled is framed across the map and
the band of input rows it reads across the input, so the frames move only down, a row at a time."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene

pytestmark = pytest.mark.gl


def test_the_window_reads_and_sweeps_row_by_row(lenet_run):
    from nnvox.scenes.explain import Explanation, sheet_block
    from nnvox.scenes.shots import explain_pose
    from nnvox.viewer.camera_matrix import camera_matrix
    from nnvox.viewer.label_layout import block_rectangles
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.theme import TITLE_SAFE

    scene = build_scene(lenet_run)
    explained = Explanation(lenet_run, scene, "conv1", 0, 9, seconds=22)
    r = OffscreenRenderer(scene, RenderOptions(width=1920, height=1080))
    try:
        pane = r.scene_renderer
        pane.apply_pose(explain_pose(scene, ["conv1", explained.source], pane.aspect, explained.reach, TITLE_SAFE))
        explain = pane.overlays.explain
        outline, rays = explain.widths
        assert outline >= 5 and rays >= 3, (outline, rays)
        sheet = sheet_block(scene.block("conv1")).bounds
        source = scene.block(explained.source).bounds
        swept = []
        for p in np.linspace(0.0, 1.0, 400):
            moment = explained.at(float(p), 1.0)
            if not moment.sweeping:
                continue
            pane.show_explain(moment)
            window, output = explain.window_actor.GetBounds(), explain.output_actor.GetBounds()
            # across the input and the map (their width, y), a row's height tall
            assert window[2] <= source[2] and window[3] >= source[3], (window, source)
            assert output[2] <= sheet[2] and output[3] >= sheet[3], (output, sheet)
            matrix, w, h = camera_matrix(pane.renderer)
            (_, y0, _, y1), (_, oy0, _, oy1) = block_rectangles(np.array([window, output]), matrix, w, h)
            swept.append((moment.done, (y0 + y1) / 2, (oy0 + oy1) / 2))
        assert len(swept) > 10
        swept.sort()
        heights = np.array([s[1:] for s in swept])
        steps = np.diff(heights, axis=0)
        assert (steps >= -0.5).all() or (steps <= 0.5).all(), heights  # down the picture only, never back
    finally:
        r.close()

"""Edges drawn only where both their ends are: inside the frame, on blocks drawn. The lecture's
close-ups drew conv2's line to fc1 out through the frame's right edge, and an explaining shot's
line from conv1 to blocks it does not draw (under its panel)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from vtk.util.numpy_support import vtk_to_numpy

from nnvox.scenes.build import build_scene
from nnvox.scenes.camera import focus
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.label_layout import project
from nnvox.viewer.options import RenderOptions

pytestmark = pytest.mark.gl

W, H = 960, 540
ZOOM = 0.5  # conv2 and its neighbours in the frame, the input and the output not


@pytest.fixture(scope="module")
def pane(lenet_run):
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(lenet_run, SceneOptions())
    renderer = OffscreenRenderer(scene, RenderOptions(width=W, height=H))
    yield scene, renderer
    renderer.close()


def _drawn_ends(pane) -> np.ndarray:
    """Each drawn edge's first and last points (n, 2, 3), read from the straight edges' polylines."""
    poly = pane.overlays.edges.straight.GetMapper().GetInput()
    points = vtk_to_numpy(poly.GetPoints().GetData())
    lines = poly.GetLines()
    offsets = vtk_to_numpy(lines.GetOffsetsArray())
    ids = vtk_to_numpy(lines.GetConnectivityArray())
    return np.array([(points[ids[a]], points[ids[b - 1]]) for a, b in itertools.pairwise(offsets)]).reshape(-1, 2, 3)


def _matrix(pane) -> np.ndarray:
    m = pane.renderer.GetActiveCamera().GetCompositeProjectionTransformMatrix(W / H, -1, 1)
    return np.array([[m.GetElement(r, c) for c in range(4)] for r in range(4)])


def test_a_close_up_draws_no_edge_to_a_point_outside_the_frame(pane):
    scene, renderer = pane
    sr = renderer.scene_renderer
    sr.reset_camera()
    frame = scene.frame_at(1.0, sample=0)
    renderer.render(frame)
    assert len(_drawn_ends(sr)) == sum(not s for s in scene.skips)  # the overview: every edge
    sr.apply_pose(focus(scene.block("conv2").bounds, scene.bounds, W / H, zoom=ZOOM))
    renderer.render(frame)
    ends = _drawn_ends(sr)
    xy = project(ends.reshape(-1, 3), _matrix(sr), W, H)
    assert ((xy >= -1) & (xy <= (W + 1, H + 1))).all(), xy
    assert 0 < len(ends) < sum(not s for s in scene.skips)  # conv2's own edges drawn, those to blocks off the frame not


def test_an_edge_to_a_block_not_drawn_is_not_drawn(pane):
    scene, renderer = pane
    sr = renderer.scene_renderer
    sr.reset_camera()
    edges = sr.overlays.edges
    edges.drawn = {"input", "conv1"}  # what an explaining shot draws (SceneRenderer.show_explain)
    try:
        renderer.render(scene.frame_at(1.0, sample=0))
        ends = _drawn_ends(sr)
    finally:
        edges.drawn = None
    kept = [(a, b) for a, b in scene.edges if a in {"input", "conv1"} and b in {"input", "conv1"}]
    assert len(ends) == len(kept) == 1

"""An opening drawn frame by frame: the block labels show in every frame while the maps fly (the
lecture's opening dropped every label in one frame and flew the maps unlabelled), each over or
under the block it names as that block glides, and the edges go with the blocks."""

from __future__ import annotations

import numpy as np
import pytest
import vtk
from vtk.util.numpy_support import vtk_to_numpy

from nnvox.scenes.build import build_scene
from nnvox.scenes.open_layer import closed_scene
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.open_flight import flying_bounds
from nnvox.viewer.options import RenderOptions

pytestmark = pytest.mark.gl

W, H = 960, 540


@pytest.fixture(scope="module")
def opening(lenet_run):
    """conv1 open, under the closed network's overview camera, as an opening shot starts."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(lenet_run, SceneOptions(opened=frozenset({"conv1"})))
    renderer = OffscreenRenderer(scene, RenderOptions(width=W, height=H))
    renderer.scene_renderer.reset_camera()
    yield scene, renderer, scene.frame_at(1.0, sample=0)
    renderer.close()


def _ink(image: np.ndarray, bare: np.ndarray, box) -> int:
    """Pixels inside `box` (x0, y0, x1, y1, y up) that the text layer changes (`bare`: drawn without it)."""
    x0, y0, x1, y1 = (round(float(v)) for v in box)
    rows, cols = slice(max(H - y1, 0), H - y0), slice(max(x0, 0), x1)
    return int((np.abs(image[rows, cols].astype(int) - bare[rows, cols]).max(axis=-1) > 60).sum())


def _screen_x(pane, bounds) -> tuple[float, float]:
    """The x extent (pixels) of a box's corners on screen."""
    coord, xs = vtk.vtkCoordinate(), []
    coord.SetCoordinateSystemToWorld()
    for x in bounds[0:2]:
        for y in bounds[2:4]:
            for z in bounds[4:6]:
                coord.SetValue(x, y, z)
                xs.append(coord.GetComputedDoubleDisplayValue(pane.renderer)[0])
    return min(xs), max(xs)


@pytest.mark.parametrize("u", [0.0, 0.15, 0.4, 0.7, 0.95])
def test_labels_show_in_every_frame_of_an_opening_over_the_blocks_they_name(opening, u):
    scene, renderer, frame = opening
    pane = renderer.scene_renderer
    pane.open_to(u)
    image = renderer.render(frame)
    pane.overlay.SetDraw(False)
    bare = renderer.render(frame)
    pane.overlay.SetDraw(True)
    shown = [s for s in pane.label_layout.placement.shown if s[0] == "block"]
    assert len(shown) >= len(scene.blocks) // 2, [s[1] for s in shown]
    moved = flying_bounds(scene, u)
    for _, name, text, box in shown:
        assert _ink(image, bare, box) > 20, f"{name}'s label {text!r} not drawn at u = {u}"
        drawn = moved.get(name, scene.block(name).bounds)
        x0, x1 = _screen_x(pane, drawn)
        assert box[0] < x1 + 2 and box[2] > x0 - 2, f"{name}'s label stands off its block at u = {u}"
    pane.open_to(1.0)


def test_edges_start_where_the_closed_network_has_them_and_end_in_the_open_one(opening):
    scene, renderer, frame = opening
    pane = renderer.scene_renderer
    straight = pane.overlays.edges.straight
    points = lambda: vtk_to_numpy(straight.GetMapper().GetInput().GetPoints().GetData()).copy()
    paths = lambda s: np.vstack([p for p, skip in zip(s.edge_paths, s.skips) if not skip])
    pane.open_to(0.0)
    renderer.render(frame)
    assert np.allclose(points(), paths(closed_scene(scene)), atol=1e-5)
    pane.open_to(1.0)
    renderer.render(frame)
    assert np.allclose(points(), paths(scene), atol=1e-5)

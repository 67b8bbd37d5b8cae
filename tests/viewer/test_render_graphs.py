"""Off-screen renders of a residual block and an attention block: the skip arc is drawn where the
scene routes it, and attention-map voxels show the colour of their weights."""

import numpy as np
import pytest
import torch

from nnvox.scenes.build import build_scene
from nnvox.scenes.colour import lut
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.options import RenderOptions
from tests.scenes.test_layout_graphs import run_of
from tests.viewer.conftest import voxel_pixel

pytestmark = pytest.mark.gl
AMBER = np.array([250, 184, 64])


def _render(scene, **kw):
    from nnvox.viewer.offscreen import OffscreenRenderer

    r = OffscreenRenderer(
        scene, RenderOptions(width=960, height=540, show_labels=False, show_legend=False, show_hud=False, **kw)
    )
    return r, r.render(scene.frame_at(0))


def _project(renderer, point):
    import vtk

    c = vtk.vtkCoordinate()
    c.SetCoordinateSystemToWorld()
    c.SetValue(*point)
    x, y = c.GetComputedDoubleDisplayValue(renderer.renderer)
    return renderer.options.height - 1 - round(y), round(x)


def test_residual_block_draws_its_skip_arc(tmp_path):
    from nnvox.models.zoo import digits_resnet

    torch.manual_seed(0)
    scene = build_scene(run_of(digits_resnet(), torch.randn(1, 1, 8, 8), tmp_path / "run"), SceneOptions(group=True))
    renderer, image = _render(scene)
    arc = scene.edge_paths[scene.edges.index(("relu", "layer1.0.add_"))]
    top = arc[len(arc) // 2]  # the middle of the arc's top run, above the blocks it skips
    y, x = _project(renderer, top)
    window = image[max(0, y - 2) : y + 3, max(0, x - 2) : x + 3].reshape(-1, 3).astype(int)
    assert np.abs(window - AMBER).sum(axis=1).min() < 60, "no amber skip arc where the scene routes it"
    amber_pixels = (np.abs(image.astype(int) - AMBER).sum(axis=2) < 60).sum()
    assert amber_pixels > 100


def test_attention_maps_show_their_weights(tmp_path):
    from tests.capture.zoo import Attention

    torch.manual_seed(0)
    scene = build_scene(run_of(Attention(), torch.randn(1, 6, 8), tmp_path / "run"))
    block = scene.block("attn.maps")
    assert (block.panels, block.rows, block.cols) == (2, 6, 6)  # one slice per head: queries x keys
    renderer, image = _render(scene)
    values = scene.frame_at(0).values["attn.maps"]
    ok = 0
    for r in range(6):
        for c in range(6):
            expected = lut(block.scale.cmap)[
                int(block.scale.quantise(np.array([values[0, r, c]], np.float32))[0])
            ].astype(int)
            y, x = voxel_pixel(renderer, block, 0, r, c)
            ok += int(np.abs(image[y, x].astype(int) - expected).max() <= 3)
    assert ok >= 34  # of 36 voxels of the first head's map

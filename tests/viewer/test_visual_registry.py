"""The visual registry: a block kind registered from outside the package (this file's "Sparkle",
with its block shape and its own visual) is drawn by that visual; every other block keeps its own."""

from typing import ClassVar

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.layout import BLOCKS, register_block
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.visuals import VISUALS, OutputVisual, PanelsVisual, register_visual, visual_class
from tests.scenes.test_block_registry import sparkle_run, two_rows
from tests.viewer.conftest import voxel_pixel

pytestmark = pytest.mark.gl

MAGENTA = (255, 0, 255)


class SparkleVisual:
    """A solid magenta box over the block's bounds; it keeps the values it was given."""

    made: ClassVar[list] = []

    def __init__(self, block, renderer, options, overlay):
        import vtk

        box = vtk.vtkCubeSource()
        box.SetBounds(*block.bounds)
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputConnection(box.GetOutputPort())
        self.actor = vtk.vtkActor()
        self.actor.SetMapper(mapper)
        prop = self.actor.GetProperty()
        prop.SetColor(*(c / 255 for c in MAGENTA))
        prop.LightingOff()
        renderer.AddActor(self.actor)
        self.values = None
        SparkleVisual.made.append(self)

    def update(self, values, lit, texts=None):
        self.values = values


@pytest.fixture
def sparkle_kind():
    register_block("Sparkle")(two_rows)
    register_visual("Sparkle")(SparkleVisual)
    yield
    BLOCKS.unregister("Sparkle")
    VISUALS.unregister("Sparkle")


def test_a_kind_registered_outside_the_package_is_drawn_by_its_visual(tmp_path, sparkle_kind):
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(sparkle_run(tmp_path / "run"))
    assert [visual_class(b) for b in scene.blocks] == [PanelsVisual, PanelsVisual, SparkleVisual, OutputVisual]
    renderer = OffscreenRenderer(
        scene, RenderOptions(width=640, height=360, show_labels=False, show_legend=False, show_hud=False)
    )
    try:
        frame = scene.frame_at(0, sample=2)
        image = renderer.render(frame)
        sparkle, fc = scene.block("sparkle"), scene.block("fc")
        for r, c in ((0, 0), (1, 3), (1, 5)):
            y, x = voxel_pixel(renderer, sparkle, 0, r, c)
            assert tuple(image[y, x]) == MAGENTA, f"sparkle voxel ({r}, {c})"
        y, x = voxel_pixel(renderer, fc, 0, 1, 1)
        assert tuple(image[y, x]) != MAGENTA  # the dense layer beside it is still drawn as panels
    finally:
        renderer.close()
    np.testing.assert_array_equal(SparkleVisual.made[-1].values, frame.values["sparkle"])

import pytest

from nnvox.scenes.build import build_scene
from nnvox.viewer.options import RenderOptions


@pytest.fixture(scope="module")
def plain_renderer(digits_run):
    """An off-screen renderer of the activations scene without text, so pixels are voxels only."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(digits_run)
    r = OffscreenRenderer(
        scene, RenderOptions(width=960, height=540, show_labels=False, show_legend=False, show_hud=False)
    )
    yield scene, r
    r.close()


def voxel_pixel(renderer, block, panel: int, row: int, col: int) -> tuple[int, int]:
    """Image (row, col) where voxel (row, col) of a block's panel is drawn."""
    import vtk

    cx, cy, cz = block.panel_centres()[panel]
    v = block.voxel
    y = cy + block.cols * v / 2 - (col + 0.5) * v  # column 0 on the +y side (screen left)
    z = cz + block.rows * v / 2 - (row + 0.5) * v  # row 0 at the top
    coord = vtk.vtkCoordinate()
    coord.SetCoordinateSystemToWorld()
    coord.SetValue(cx, y, z)
    dx, dy = coord.GetComputedDoubleDisplayValue(renderer.renderer)
    height = renderer.options.height
    return height - 1 - round(dy), round(dx)

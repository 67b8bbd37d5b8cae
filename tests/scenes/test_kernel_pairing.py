"""Which map an open convolution's kernel made is never in doubt: each kernel stands close left of
its own map and well clear of the map before it (centred in the gap, conv1's kernels stood as near
the map on their left as their own, and the lecturer could not tell)."""

from __future__ import annotations

from nnvox.scenes.build import build_scene
from nnvox.scenes.open_kernels import kernel_plan, kernel_quads
from nnvox.scenes.open_layer import grid_of, grid_places
from nnvox.scenes.scene import SceneOptions


def test_each_kernel_stands_close_to_its_own_map_and_clear_of_the_one_before(lenet_run):
    scene = build_scene(lenet_run, SceneOptions(opened=frozenset({"conv1"})))
    block = scene.block("conv1")
    plan = kernel_plan(lenet_run, block)
    quads = kernel_quads(block, plan).reshape(len(plan.channels), -1, 4, 3)
    places, half = grid_places(block), block.cols * block.voxel / 2
    _, columns = grid_of(block)
    for k in range(len(plan.channels)):
        left, right = quads[k, ..., 0].min(), quads[k, ..., 0].max()
        own = places[k, 0] - half - right  # from the kernel to its own map
        assert own > 0
        # the map before in its row, else the grid's edge: the kernel's other side
        before = places[k - 1, 0] + half if k % columns else block.bounds[0]
        assert left - before > 3 * own, (k, left - before, own)
        # and the kernel as tall as half its map: it reads at a lecture's size
        assert quads[k, ..., 2].max() - quads[k, ..., 2].min() >= 0.5 * block.rows * block.voxel

"""Which map an open convolution's kernel made is never in doubt: each kernel stands close left of
its own map and well clear of the map before it (centred in the gap, conv1's kernels stood as near
the map on their left as their own, and the lecturer could not tell), and within its own map's
height, not up in the row gap towards the map above."""

from __future__ import annotations

import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.open_kernels import kernel_plan, kernel_quads
from nnvox.scenes.open_layer import grid_of, grid_places
from nnvox.scenes.scene import SceneOptions


@pytest.mark.parametrize("name", ["conv1", "conv2"])
def test_each_kernel_stands_close_to_its_own_map_and_clear_of_the_one_before(lenet_run, name):
    scene = build_scene(lenet_run, SceneOptions(opened=frozenset({name})))
    block = scene.block(name)
    plan = kernel_plan(lenet_run, block)
    quads = kernel_quads(block, plan).reshape(len(plan.channels), -1, 4, 3)
    places, half = grid_places(block), block.cols * block.voxel / 2
    side = block.rows * block.voxel
    _, columns = grid_of(block)
    for k in range(len(plan.channels)):
        left, right = quads[k, ..., 0].min(), quads[k, ..., 0].max()
        own = places[k, 0] - half - right  # from the kernel to its own map
        assert own > 0
        # the map before in its row, else the grid's edge: the kernel's other side
        before = places[k - 1, 0] + half if k % columns else block.bounds[0]
        assert left - before > 3 * own, (k, left - before, own)
        # level with its own map: inside its top and bottom, not reaching up towards the row above
        bottom, top = quads[k, ..., 2].min(), quads[k, ..., 2].max()
        assert places[k, 2] - side / 2 <= bottom < top <= places[k, 2] + side / 2, (k, bottom, top)
        if name == "conv1":
            # one kernel a map, as large as its gap lets it be and still pair: at least 3/4 of the gap
            # beside the map (0.6 of a map's side since c331c23, was 1.0), so over 0.45 of the map's
            # height (it was 0.5 of it in the 1.0 gap): it reads at a lecture's size
            gap = places[k, 0] - half - before
            assert right - left >= 0.75 * gap, (k, right - left, gap)
            assert top - bottom >= 0.45 * side, (k, top - bottom, side)

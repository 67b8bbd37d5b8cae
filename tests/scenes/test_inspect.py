"""Inspecting a voxel: its value is the input patch times the kernel plus the bias, for any conv."""

from __future__ import annotations

import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.inspect import inspect_voxel


@pytest.mark.parametrize(
    ("layer", "channel", "position", "field"),
    [
        ("conv1", 3, (4, 5), ((3, 5), (4, 6))),  # 3 x 3, padding 1
        ("conv1", 0, (0, 0), ((0, 1), (0, 1))),  # a corner: the padding sees nothing
        ("conv2", 11, (2, 1), ((1, 7), (0, 6))),  # conv2 -> pool1 (2 x 2) -> ReLU -> conv1
    ],
)
def test_a_convolution_voxel_is_its_patch_times_its_kernel(digits_run, layer, channel, position, field):
    last = len(digits_run.snapshots) - 1
    voxel = inspect_voxel(digits_run, last, layer, channel, position, sample=2)
    assert voxel.product is not None
    assert voxel.product.patch.shape == voxel.product.kernel.shape
    assert voxel.product.total == pytest.approx(voxel.value, rel=2e-2, abs=2e-2)  # fp16 storage on both sides
    stats = voxel.channel_stats
    assert stats["min"] <= voxel.value <= stats["max"]
    assert voxel.histogram[0].sum() == (64 if layer == "conv1" else 16)  # every value of the channel's map
    assert voxel.field == field


def test_other_layers_give_value_stats_and_field_only(digits_run):
    voxel = inspect_voxel(digits_run, 1, "relu1", 2, (3, 3))
    assert voxel.product is None and voxel.field == ((2, 4), (2, 4))  # conv1's 3 x 3 behind the ReLU
    assert voxel.where == "channel 2, row 3, column 3" and voxel.group == "channel 2's 8 × 8 map"
    dense = inspect_voxel(digits_run, 1, "fc1", 7)  # after the flattened map: every pixel
    assert dense.field == ((0, 7), (0, 7)) and dense.position == () and dense.axes == ("unit",)
    assert dense.where == "unit 7" and dense.group == "all 64 values of the layer"
    flat = inspect_voxel(digits_run, 1, "flatten", 7)  # channel 1, row 1, column 1 of pool2 (2 x 2)
    assert flat.field == ((1, 7), (1, 7))  # pool2 [2, 3] <- conv2 [1, 4] <- pool1 [2, 9] <- conv1 [1, 10]
    with pytest.raises(
        NnvoxError,
        match=r"layer 'conv1' is channels × rows × columns \(8 × 8 × 8\): give --voxel "
        r"CHANNEL,ROW,COLUMN \(three numbers",
    ):
        inspect_voxel(digits_run, 1, "conv1", 3)
    with pytest.raises(NnvoxError, match=r"layer 'fc1' is a vector of 64 units: give --voxel UNIT \(one number"):
        inspect_voxel(digits_run, 1, "fc1", 7, (0,))
    with pytest.raises(NnvoxError, match="channel 99 is out of range; 'conv1' has 8"):
        inspect_voxel(digits_run, 1, "conv1", 99, (0, 0))
    with pytest.raises(NnvoxError, match=r"position \(9, 0\) is outside 'conv1'"):
        inspect_voxel(digits_run, 1, "conv1", 0, (9, 0))


def test_a_world_point_on_a_block_names_the_layers_own_voxel(digits_run):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.inspect import voxel_at
    from nnvox.scenes.scene import SceneOptions

    scene = build_scene(digits_run, SceneOptions(max_channels=4))  # conv1 shows 4 of its 8 channels
    conv1 = scene.block("conv1")
    k, row, col = 2, 5, 1
    x = conv1.panel_centres()[k, 0] + 0.01
    y = conv1.origin[1] + conv1.cols * conv1.voxel / 2 - (col + 0.5) * conv1.voxel
    z = conv1.origin[2] + conv1.rows * conv1.voxel / 2 - (row + 0.5) * conv1.voxel
    assert voxel_at(conv1, (x, y, z)) == ("conv1", conv1.channels[k], (row, col))
    fc1 = scene.block("fc1")  # 64 units: 4 columns of 16, read down each column in turn
    assert (fc1.panels, fc1.rows, fc1.cols) == (4, 16, 1)
    z = fc1.origin[2] + fc1.rows * fc1.voxel / 2 - 1.5 * fc1.voxel
    assert voxel_at(fc1, (fc1.origin[0], fc1.origin[1], z)) == ("fc1", 1, ())
    x = fc1.panel_centres()[2, 0] + 0.01
    assert voxel_at(fc1, (x, fc1.origin[1], z)) == ("fc1", 2 * fc1.rows + 1, ())
    row = lambda r: fc1.origin[2] + fc1.rows * fc1.voxel / 2 - (r + 0.5) * fc1.voxel
    last = fc1.panel_centres()[-1, 0] + 0.01
    assert voxel_at(fc1, (last, fc1.origin[1], row(15)), (64,)) == ("fc1", 63, ())
    assert voxel_at(scene.block("input"), scene.block("input").origin) is None

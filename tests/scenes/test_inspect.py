"""Inspecting a voxel: its value is the input patch times the kernel plus the bias, for any conv."""

from __future__ import annotations

import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.inspect import inspect_voxel


@pytest.mark.parametrize(("layer", "channel", "position", "field"), [
    ("conv1", 3, (4, 5), ((3, 5), (4, 6))),  # 3 x 3, padding 1
    ("conv1", 0, (0, 0), ((0, 1), (0, 1))),  # a corner: the padding sees nothing
    ("conv2", 11, (2, 1), ((1, 7), (0, 6))),  # conv2 -> pool1 (2 x 2) -> ReLU -> conv1
])
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
    dense = inspect_voxel(digits_run, 1, "fc1", 7)
    assert dense.field is None and dense.position == ()
    with pytest.raises(NnvoxError, match="channel 99 is out of range; 'conv1' has 8"):
        inspect_voxel(digits_run, 1, "conv1", 99, (0, 0))
    with pytest.raises(NnvoxError, match=r"position \(9, 0\) is outside 'conv1'"):
        inspect_voxel(digits_run, 1, "conv1", 0, (9, 0))

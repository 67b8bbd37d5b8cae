"""Reading runs: exact float16 conversion, per-sample and per-channel reads, pooled view copies of
large maps, compact snapshot metadata, corrupt files."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import nnvox
from nnvox.capture.detail import VIEW_PREFIX, pool_maps, view_factor
from nnvox.capture.run import open_run, to_float32
from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene


def test_float16_conversion_is_exact_for_every_bit_pattern():
    halves = np.arange(1 << 16, dtype=np.uint16).view(np.float16)
    ours, numpy = to_float32(halves), halves.astype(np.float32)
    assert ours.dtype == np.float32
    assert np.array_equal(ours, numpy, equal_nan=True)
    assert np.isinf(ours).sum() == 2 and np.isnan(ours).sum() == np.isnan(numpy).sum() > 0


def test_pooling_averages_each_window_and_drops_the_partial_one():
    a = np.arange(2 * 7 * 9, dtype=np.float32).reshape(2, 7, 9)
    got = pool_maps(a, 3)
    assert got.shape == (2, 2, 3)
    assert got[1, 1, 2] == pytest.approx(a[1, 3:6, 6:9].mean())
    assert view_factor((4, 120, 120)) == 3 and view_factor((4, 56, 56)) == 1 and view_factor((10,)) == 1


@pytest.fixture(scope="module")
def big_map_run(tmp_path_factory):
    """Three probe samples through a conv whose 6 maps are 120 x 120: larger than the view."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.LazyLinear(4))
    probe = torch.randn(3, 3, 120, 120)
    model(probe)
    out = tmp_path_factory.mktemp("reads") / "big"
    with nnvox.Recorder(model, (probe, torch.tensor([0, 1, 2])), out, background=False) as rec:
        for epoch in range(2):
            with torch.no_grad():
                model[0].weight.mul_(1.5)
            rec.snapshot(epoch=epoch, metrics={"loss": 1.0 - epoch * 0.5} if epoch else {"acc": 0.25})
    return out


def test_a_sample_and_channels_read_alone_equal_the_whole_tensor_sliced(big_map_run):
    run = open_run(big_map_run)
    whole = run.read(1, ["act/0"])["act/0"]
    part = run.read(1, ["act/0"], sample=2, channels={"act/0": (5, 1, 2)})["act/0"]
    assert np.array_equal(part, whole[2, [5, 1, 2]])
    assert np.array_equal(run.read(1, ["act/0"], sample=1)["act/0"], whole[1])
    assert run.read(1, ["act/0", "grad/nothing"], skip_missing=True).keys() == {"act/0"}


def test_large_maps_are_also_stored_pooled_and_the_scene_draws_that_copy(big_map_run):
    run = open_run(big_map_run)
    assert run.views == {"act/0": 3, "act/1": 3}
    view = run.read(1, [VIEW_PREFIX + "act/0"])[VIEW_PREFIX + "act/0"]
    assert view.shape == (3, 6, 40, 40)
    whole = run.read(1, ["act/0"])["act/0"]
    assert np.allclose(view, pool_maps(whole, 3), rtol=2e-3, atol=2e-3)  # fp16 storage of the mean

    scene = build_scene(run)
    block = next(b for b in scene.blocks if b.key == "act/0")
    assert block.pool == 3 and scene.source._views["act/0"] == VIEW_PREFIX + "act/0"
    drawn = scene.frame_at(1.0, sample=1).values[block.name]
    scene.source._views.clear()  # as for a run recorded before view copies: pool the full maps
    scene.source._cache.clear()
    pooled_here = scene.frame_at(1.0, sample=1).values[block.name]
    assert np.allclose(drawn, pooled_here, rtol=2e-3, atol=2e-3, equal_nan=True)


def test_snapshot_metadata_is_held_as_columns_and_items_read_back_as_recorded(big_map_run):
    snaps = open_run(big_map_run).snapshots
    assert len(snaps) == 2 and snaps.metric_names == ("acc", "loss")
    assert snaps[0].metrics == {"acc": 0.25} and snaps[-1].metrics == {"loss": 0.5}
    assert [s.label for s in snaps[0:2]] == ["epoch 0", "epoch 1"]
    assert np.isnan(snaps.metric("loss")[0]) and snaps.metric("loss")[1] == 0.5
    with pytest.raises(IndexError):
        snaps[2]


def test_a_corrupt_snapshot_header_is_a_one_line_error(big_map_run, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(big_map_run, copy)
    f = copy / "snapshot-00001.safetensors"
    raw = bytearray(f.read_bytes())
    raw[8:20] = b"not json!!!!"
    f.write_bytes(bytes(raw))
    with pytest.raises(NnvoxError, match=r"not an nnvox run file: .*snapshot-00001\.safetensors \(corrupted") as err:
        open_run(copy).read(1, ["act/0"], sample=0)
    assert "\n" not in str(err.value)


def test_layer_health_is_measured_by_the_writer_as_the_scene_would_measure_it(digits_run):
    from nnvox.capture.health import judged, layer_health

    run = digits_run
    scene = build_scene(run)
    judged_blocks = [b for b in scene.blocks if b.key.startswith("act/") and judged(b.kind)]
    assert judged_blocks
    last = len(run.snapshots) - 1
    recorded = run.health(last)
    whole = run.read(last, [b.key for b in judged_blocks])
    for b in judged_blocks:
        assert recorded[b.key] == pytest.approx(layer_health(b.kind, whole[b.key]))
    assert scene.frame_at(float(last)).health.keys() >= {b.name for b in judged_blocks if recorded[b.key]}

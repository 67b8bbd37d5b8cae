"""Feature-space clouds above the layers: where they go, and that they do not flip over training."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import nnvox
from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.scene import SceneOptions


@pytest.fixture(scope="module")
def flipped_run(tmp_path_factory):
    """A linear layer whose outputs are exactly negated between the two snapshots."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 6), nn.Tanh(), nn.Linear(6, 3))
    x, y = torch.randn(12, 5), torch.arange(12) % 3
    out = tmp_path_factory.mktemp("clouds") / "run"
    with nnvox.Recorder(model, (x, y), out, background=False) as rec:
        rec.snapshot(epoch=0)
        with torch.no_grad():
            model[0].weight.neg_()
            model[0].bias.neg_()
        rec.snapshot(epoch=1)
    return nnvox.open_run(out)


def test_a_cloud_sits_above_each_layer_and_holds_every_probe_sample(flipped_run):
    scene = build_scene(flipped_run, SceneOptions(feature_space="pca"))
    assert [c.block for c in scene.clouds] == ["0", "1", "2"]
    for c in scene.clouds:
        block = scene.block(c.block)
        assert c.centre[2] - c.size / 2 > block.bounds[5]  # above its block
        assert block.bounds[0] <= c.centre[0] <= block.bounds[1]
    frame = scene.frame_at(1.0)
    for c in scene.clouds:
        p = frame.points[c.block]
        assert p.shape == (12, 3)
        assert (np.abs(p - c.centre) <= c.size / 2 + 1e-9).all()  # inside its cube
    lo, hi = np.array(scene.bounds[0::2]), np.array(scene.bounds[1::2])
    assert (lo <= np.array(scene.clouds[0].centre)).all() and (np.array(scene.clouds[0].centre) <= hi).all()


def test_clouds_do_not_flip_when_a_layer_only_changes_sign(flipped_run):
    scene = build_scene(flipped_run, SceneOptions(feature_space="pca"))
    before, after = scene.cloud_source.points(0)["0"], scene.cloud_source.points(1)["0"]
    assert np.allclose(before, after, atol=1e-3)  # the negated layer spans the same cloud: nothing moves
    halfway = scene.cloud_source.at(0.5)["0"]
    assert np.allclose(halfway, before, atol=1e-3)


def test_bad_requests(flipped_run):
    with pytest.raises(NnvoxError, match="unknown feature space 'umap'"):
        build_scene(flipped_run, SceneOptions(feature_space="umap"))
    with pytest.raises(NnvoxError, match="use activations mode, not weights"):
        build_scene(flipped_run, SceneOptions(mode="weights", feature_space="pca"))


def test_clusters_in_every_cloud(flipped_run):
    scene = build_scene(flipped_run, SceneOptions(feature_space="pca", clusters=3))
    found = scene.frame_at(1.0).clusters
    assert set(found) == {"0", "1", "2"}
    for labels, k, purity in found.values():
        assert k == 3 and set(labels.tolist()) <= {0, 1, 2} and 1 / 3 <= purity <= 1.0
    chosen = build_scene(flipped_run, SceneOptions(feature_space="pca", clusters="silhouette")).frame_at(0).clusters
    assert all(2 <= k <= 10 for _, k, _ in chosen.values())
    with pytest.raises(NnvoxError, match="ask for those too"):
        build_scene(flipped_run, SceneOptions(clusters=3))
    with pytest.raises(NnvoxError, match="not a number of clusters"):
        build_scene(flipped_run, SceneOptions(feature_space="pca", clusters="gap"))

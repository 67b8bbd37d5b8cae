"""Feature space with known answers: well-separated synthetic classes come out as pure clusters."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.feature_space import choose_k, clusters, embed, paths, purity


def blobs(classes: int = 4, per_class: int = 25, dims: int = 64, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 10, (classes, dims))
    x = np.concatenate([c + rng.normal(0, 1, (per_class, dims)) for c in centres])
    return x.reshape(-1, 4, 4, 4).astype(np.float32), np.repeat(np.arange(classes), per_class)


@pytest.mark.parametrize("method", ["silhouette", "elbow"])
def test_well_separated_classes_come_out_as_pure_clusters(method):
    acts, classes = blobs()
    points = embed(acts, "pca")
    assert points.shape == (100, 3)
    labels, k = clusters(points, method=method)
    assert k == 4
    assert purity(labels, classes) == 1.0


def test_tsne_keeps_them_apart_and_is_the_same_every_time():
    acts, classes = blobs(classes=3, per_class=15)
    a, b = embed(acts, "tsne"), embed(acts, "tsne")
    assert np.allclose(a, b)
    labels, k = clusters(a, k=3)
    assert k == 3 and purity(labels, classes) == 1.0


def test_paths_and_mixed_clusters():
    acts, classes = blobs(classes=2, per_class=10)
    noise = np.random.default_rng(1).normal(size=(20, 16))  # a layer that has not separated them yet
    early, _ = clusters(embed(noise), k=2)
    late, _ = clusters(embed(acts), k=2)
    route = paths({"early": early, "late": late})
    assert route.shape == (20, 2) and purity(late, classes) == 1.0 and purity(early, classes) < 1.0
    assert choose_k(embed(acts)[:2]) == 1  # two samples: nothing to split


def test_bad_requests_are_named():
    with pytest.raises(NnvoxError, match="at least 3 probe samples"):
        embed(np.zeros((2, 5)))
    with pytest.raises(NnvoxError, match="unknown projection 'umap'"):
        embed(np.zeros((5, 5)), "umap")
    with pytest.raises(NnvoxError, match="unknown way to choose k 'gap'"):
        choose_k(np.zeros((5, 3)), "gap")

"""Feature space: where the probe samples sit in each layer's activations, and how they cluster.

For each layer, the probe set's activations (one row per sample) are projected to 3D (PCA, or
t-SNE on demand) and clustered by k-means, k chosen by the silhouette or the elbow of the inertia
curve (or given). A sample's sequence of clusters through the layers is its path: the 3D form of
a parallel-categories chart.
"""

from __future__ import annotations

import numpy as np

from nnvox.errors import NnvoxError

PROJECTIONS = ("pca", "tsne")
K_METHODS = ("silhouette", "elbow")


def _rows(acts: np.ndarray) -> np.ndarray:
    x = np.nan_to_num(np.asarray(acts, dtype=np.float64).reshape(len(acts), -1))
    if len(x) < 3:
        raise NnvoxError(
            f"a feature space needs at least 3 probe samples, got {len(x)}; record with a larger --probe-size"
        )
    return x


def embed(acts: np.ndarray, method: str = "pca", dims: int = 3, seed: int = 0) -> np.ndarray:
    """(samples, dims) coordinates of each sample's activations (any shape after the batch axis)."""
    if method not in PROJECTIONS:
        raise NnvoxError(f"unknown projection {method!r}; choose one of {', '.join(PROJECTIONS)}")
    x = _rows(acts)
    dims = min(dims, x.shape[1], len(x) - 1)
    if method == "pca":
        from sklearn.decomposition import PCA

        return PCA(n_components=dims, random_state=seed).fit_transform(x)
    from sklearn.manifold import TSNE

    start = embed(acts, "pca", dims, seed)  # PCA initialisation: stable from run to run
    perplexity = float(min(30.0, max(2.0, (len(x) - 1) / 3)))
    return TSNE(
        n_components=dims, perplexity=perplexity, init=start.astype(np.float32), random_state=seed
    ).fit_transform(x)


def _kmeans(points: np.ndarray, k: int, seed: int):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit(points)


def choose_k(points: np.ndarray, method: str = "silhouette", k_range: tuple[int, int] = (2, 10), seed: int = 0) -> int:
    """The number of clusters: the best silhouette, or the elbow (the inertia curve's point farthest
    from the line joining its ends)."""
    if method not in K_METHODS:
        raise NnvoxError(f"unknown way to choose k {method!r}; choose one of {', '.join(K_METHODS)}, or give k")
    ks = list(range(k_range[0], min(k_range[1], len(points) - 1) + 1))
    if not ks:
        return 1
    if method == "silhouette":
        from sklearn.metrics import silhouette_score

        scores = [silhouette_score(points, _kmeans(points, k, seed).labels_) for k in ks]
        return ks[int(np.argmax(scores))]
    ks = [1, *ks]
    inertia = np.array([_kmeans(points, k, seed).inertia_ for k in ks])
    x = (np.array(ks) - ks[0]) / (ks[-1] - ks[0])
    y = (inertia - inertia[-1]) / max(inertia[0] - inertia[-1], 1e-12)
    return ks[int(np.argmax(1 - x - y))]  # distance below the chord from (0, 1) to (1, 0)


def clusters(
    points: np.ndarray, k: int | None = None, method: str = "silhouette", seed: int = 0
) -> tuple[np.ndarray, int]:
    """k-means labels of each point, and the k used (chosen by `method` when not given)."""
    k = choose_k(points, method, seed=seed) if k is None else k
    if not 1 <= k <= len(points):
        raise NnvoxError(f"k = {k} clusters is out of range for {len(points)} samples")
    return _kmeans(points, k, seed).labels_.astype(np.int64), k


def purity(labels: np.ndarray, classes: np.ndarray) -> float:
    """The share of samples whose cluster's most common class is their own (1: every cluster pure)."""
    total = 0
    for c in np.unique(labels):
        members = classes[labels == c]
        total += np.bincount(members).max()
    return total / len(labels)


def cluster_note(k: int, purity: float) -> str:
    """A clustered cloud's note, as the window and the browser page write it."""
    return f"k = {k} · {purity:.0%} pure"


def paths(per_layer: dict[str, np.ndarray]) -> np.ndarray:
    """(samples, layers) cluster of each sample in each layer, in the order given."""
    return np.stack([per_layer[name] for name in per_layer], axis=1)

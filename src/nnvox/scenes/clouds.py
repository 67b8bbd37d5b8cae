"""Feature-space clouds: the probe set's activations of each layer projected to 3D, drawn as a cloud
of points above the layer (one point per probe sample, coloured by class), following training.

Each snapshot's projection is turned (orthogonal Procrustes: rotation or reflection, no stretch)
onto the last snapshot's, so the clouds do not flip or spin between snapshots and their motion
over training is the data's. Positions are scaled into a cube of unit size centred on 0.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from nnvox.capture.detail import VIEW_PREFIX
from nnvox.capture.run import Run
from nnvox.scenes.feature_space import embed
from nnvox.scenes.scene import Block

CLOUD_ROLES = ("feature", "dense", "output")


@dataclass(frozen=True)
class Cloud:
    block: str
    key: str  # the tensor read: the pooled view copy of large maps when there is one
    centre: tuple[float, float, float]
    size: float  # the cube's side in world units


def _unit(points: np.ndarray) -> np.ndarray:
    centred = points - points.mean(axis=0)
    scale = np.abs(centred).max()
    return centred / (2 * scale) if scale > 0 else centred


def _turned_onto(points: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """`points` rotated (or reflected) to lie as close as possible to `reference` (both centred)."""
    u, _, vt = np.linalg.svd(points.T @ reference)
    return points @ (u @ vt)


def place_clouds(run: Run, blocks: tuple[Block, ...], gap: float = 4.0) -> tuple[Cloud, ...]:
    """A cloud above each feature, dense and output block, as wide as the block is long (at least 3)."""
    clouds = []
    for b in blocks:
        if b.role not in CLOUD_ROLES or not b.key.startswith("act/"):
            continue
        x0, x1, y0, y1, _, z1 = b.bounds
        size = max(3.0, min(x1 - x0, 8.0))
        key = VIEW_PREFIX + b.key if run.views.get(b.key) else b.key
        clouds.append(Cloud(b.name, key, ((x0 + x1) / 2, (y0 + y1) / 2, z1 + gap + size / 2), size))
    return tuple(clouds)


class CloudSource:
    """Per snapshot, every cloud's points (probe samples, 3) in world coordinates; a few snapshots kept."""

    def __init__(self, run: Run, clouds: tuple[Cloud, ...], method: str = "pca", clusters: int | str | None = None):
        self.run, self.clouds, self.method, self.cluster_by = run, clouds, method, clusters
        self._cache: OrderedDict[int, dict[str, np.ndarray]] = OrderedDict()
        self._clusters: OrderedDict[int, dict[str, tuple[np.ndarray, int, float]]] = OrderedDict()
        self._reference: dict[str, np.ndarray] | None = None

    def _unit_points(self, index: int) -> dict[str, np.ndarray]:
        tensors = self.run.read(index, [c.key for c in self.clouds], skip_missing=True)
        return {c.block: _unit(embed(tensors[c.key], self.method)) for c in self.clouds if c.key in tensors}

    def points(self, index: int) -> dict[str, np.ndarray]:
        if index in self._cache:
            self._cache.move_to_end(index)
            return self._cache[index]
        if self._reference is None:
            self._reference = self._unit_points(len(self.run.snapshots) - 1)
        out = {}
        units = self._unit_points(index)
        for c in self.clouds:
            if c.block not in units:
                continue
            p, ref = units[c.block], self._reference.get(c.block)
            if ref is not None and ref.shape == p.shape:
                p = _unit(_turned_onto(p, ref))
            pad = np.zeros((len(p), 3))
            pad[:, : p.shape[1]] = p  # fewer than 3 dimensions (tiny layers): flat
            out[c.block] = np.asarray(c.centre) + pad * c.size
        self._cache[index] = out
        if len(self._cache) > 8:
            self._cache.popitem(last=False)
        return out

    def clusters(self, index: int) -> dict[str, tuple[np.ndarray, int, float]]:
        """Per cloud at a snapshot: k-means labels of the probe samples (in the 3D projection), the k
        used (given, or chosen by silhouette or elbow), and the clusters' purity against the classes."""
        if self.cluster_by is None:
            return {}
        if index not in self._clusters:
            from nnvox.scenes.feature_space import clusters, purity

            out = {}
            for name, p in self.points(index).items():
                given = self.cluster_by if isinstance(self.cluster_by, int) else None
                labels, k = clusters(p, k=given, method="silhouette" if given else self.cluster_by)
                out[name] = (labels, k, purity(labels, self.run.probe_labels))
            self._clusters[index] = out
            if len(self._clusters) > 8:
                self._clusters.popitem(last=False)
        return self._clusters[index]

    def at(self, t: float) -> dict[str, np.ndarray]:
        """Positions at timeline position t, moving straight between snapshots."""
        i0 = int(np.floor(t))
        a = t - i0
        p0 = self.points(i0)
        if a < 1e-6 or i0 + 1 >= len(self.run.snapshots):
            return p0
        p1 = self.points(i0 + 1)
        return {k: (1 - a) * v + a * p1[k] for k, v in p0.items() if k in p1}

"""Weights as pictures: a layer's filters as images, and how alike its neurons are."""

from __future__ import annotations

import math

import numpy as np

from nnvox.capture.run import Run
from nnvox.errors import NnvoxError


def weighted_layers(run: Run) -> list[tuple[str, str]]:
    """(node name, weight key) of every layer with a recorded weight matrix or kernel, in order."""
    keys = set(run.stats(len(run.snapshots) - 1))
    out = []
    for n in run.architecture.nodes:
        for p, shape in n.params.items():
            if p.endswith(".weight") and len(shape) >= 2 and f"param/{p}" in keys:
                out.append((n.name, f"param/{p}"))
    return out


def layer_weights(run: Run, index: int, layer: str | None) -> tuple[str, np.ndarray]:
    """(layer name, its weights at snapshot `index`); the first weighted layer when `layer` is None."""
    layers = weighted_layers(run)
    if not layers:
        raise NnvoxError("the run recorded no weight matrices or kernels (recorded with weights=False?)")
    if layer is None:
        name, key = layers[0]
    else:
        match = [(n, k) for n, k in layers if n == layer]
        if not match:
            raise NnvoxError(
                f"layer {layer!r} has no recorded weights; layers with weights: {', '.join(n for n, _ in layers[:10])}"
            )
        name, key = match[0]
    return name, run.read(index, [key])[key]


def filter_tiles(weights: np.ndarray, input_shape: tuple[int, ...] | None = None) -> np.ndarray:
    """One image per output unit, (units, h, w) or (units, h, w, 3) for RGB kernels: a conv's
    kernels (averaged over input channels unless there are 3), or a dense layer's rows reshaped to
    the input image when they match its size (the course notebook's 28 x 28 first-layer weights)."""
    if weights.ndim == 4:
        if weights.shape[1] == 3:
            return np.moveaxis(weights, 1, -1)
        return weights.mean(axis=1)
    if (
        weights.ndim == 2
        and input_shape is not None
        and len(input_shape) == 3
        and math.prod(input_shape) == weights.shape[1]
    ):
        c, h, w = input_shape
        rows = weights.reshape(-1, c, h, w)
        return np.moveaxis(rows, 1, -1) if c == 3 else rows.mean(axis=1)
    raise NnvoxError(
        f"weights of shape {weights.shape} are not filters over the input; choose a conv layer or the first dense layer"
    )


def neuron_correlation(weights: np.ndarray) -> np.ndarray:
    """Pearson correlation between each pair of output units' weight vectors (units x units); a unit
    with constant weights correlates 0 with every other."""
    rows = weights.reshape(weights.shape[0], -1).astype(np.float64)
    rows = rows - rows.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(rows, axis=1)
    safe = np.where(norms > 0, norms, 1.0)
    corr = (rows @ rows.T) / np.outer(safe, safe)
    corr[norms == 0, :] = 0.0
    corr[:, norms == 0] = 0.0
    return corr

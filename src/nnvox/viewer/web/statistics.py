"""A clicked voxel's channel statistics for the browser page, as the desktop's click reports them
(scenes/inspect.py, desktop/panels.voxel_text: "channel 5's 14 × 14 map: min 0  mean 0.21  max 1.9"):
per drawn layer what they are over (in the description: the axis, the layer's shape and the words)
and per snapshot each group's min, mean and max of its finite values (in the snapshot's piece).

Only layers the desktop takes apart on a click have them: activations (not the input image, weights
or gradients), recorded whole (a layer pooled while recording has no voxels of its own)."""

from __future__ import annotations

import numpy as np

from nnvox.scenes.dependence import layer_axes
from nnvox.scenes.inspect import group_words, grouped_axis, is_tokens
from nnvox.scenes.scene import Block, Scene

DIGITS = 7  # significant digits sent: the page prints 3, as the desktop does


def _layer(scene: Scene, block: Block) -> str | None:
    """The recorded layer behind `block` whose voxels a click inspects, or None."""
    if not block.key.startswith("act/") or block.key in scene.source.run.reduced:
        return None
    return block.key[len("act/") :]


def describe_statistics(scene: Scene) -> dict[str, dict]:
    """Per block with statistics: the axis they are grouped along (None: the whole layer), the
    layer's shape (the page finds a clicked voxel's coordinates in it) and the words, "{}" where the
    group's index goes."""
    run = scene.source.run
    arch, tokens = run.architecture, is_tokens(run)
    out = {}
    for b in scene.blocks:
        if (layer := _layer(scene, b)) is None:
            continue
        axes, shape = layer_axes(arch, layer, tokens=tokens), tuple(arch.node(layer).shape)
        out[b.name] = {"axis": grouped_axis(axes), "shape": list(shape), "words": group_words(axes, shape, "{}")}
    return out


def _round(values: np.ndarray) -> list[float | None]:
    """To DIGITS significant digits (short in JSON), None for NaN (JSON has none)."""
    v = values.astype(np.float64)
    finite = np.isfinite(v)
    magnitude = np.floor(np.log10(np.abs(np.where(finite & (v != 0), v, 1.0))))
    scale = 10.0 ** (DIGITS - 1 - magnitude)
    rounded = np.round(v * scale) / scale
    return [x if ok else None for x, ok in zip(rounded.tolist(), finite.tolist())]


def min_mean_max(rows: np.ndarray) -> np.ndarray:
    """Each row's min, mean and max of its finite values (n, 3), as inspect_voxel computes them for
    one group; NaN for a row without any."""
    rows = rows.astype(np.float32, copy=False)
    finite = np.isfinite(rows)
    if finite.all():
        return np.stack([rows.min(axis=1), rows.mean(axis=1), rows.max(axis=1)], axis=1)
    out = np.full((len(rows), 3), np.nan, np.float32)
    for k, (row, keep) in enumerate(zip(rows, finite)):
        if keep.any():
            values = row[keep]
            out[k] = values.min(), values.mean(), values.max()
    return out


def snapshot_statistics(scene: Scene, t: int, sample: int, described: dict[str, dict]) -> dict[str, list]:
    """Per block of `described` (describe_statistics), at snapshot t for `sample`: min, mean, max of
    each group one after another (flat: 3 numbers a group; None where a group has no finite value)."""
    keys = [scene.block(name).key for name in described]
    acts = scene.source.run.read(t, keys, sample=sample, skip_missing=True)
    out = {}
    for name, spec in described.items():
        values = acts.get(scene.block(name).key)
        if values is None or list(values.shape) != spec["shape"]:
            continue
        k = spec["axis"]
        rows = values.reshape(1, -1) if k is None else np.moveaxis(values, k, 0).reshape(values.shape[k], -1)
        out[name] = _round(min_mean_max(rows).ravel())
    return out

"""Layer kind -> block geometry. A registry with a generic fallback: any output shape gets a block.

Register a builder for a layer kind with `@register_block("MyLayer")`; it returns a `BlockShape`
(or None to hide the layer). Unregistered kinds fall back to `block_from_shape`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BlockShape:
    role: str
    panels: int
    rows: int
    cols: int


BlockBuilder = Callable[[str, tuple[int, ...]], "BlockShape | None"]
_BUILDERS: dict[str, BlockBuilder] = {}


def register_block(*kinds: str):
    """Decorator: use `builder(kind, shape)` for these layer kinds."""

    def deco(fn: BlockBuilder) -> BlockBuilder:
        for k in kinds:
            _BUILDERS[k] = fn
        return fn

    return deco


def near_square(n: int) -> tuple[int, int]:
    """rows x cols with rows * cols >= n, as square as possible (rows <= cols)."""
    rows = max(1, int(math.floor(math.sqrt(n))))
    return rows, max(1, math.ceil(n / rows))


def block_from_shape(kind: str, shape: tuple[int, ...]) -> BlockShape:
    """Generic rule by rank: (C,H,W) -> C slices; (F,) -> a near-square grid; (T,F) -> one panel."""
    if len(shape) == 3:
        return BlockShape("feature", shape[0], shape[1], shape[2])
    if len(shape) == 4:  # (C, D, H, W): every depth slice of every channel
        return BlockShape("feature", shape[0] * shape[1], shape[2], shape[3])
    if len(shape) == 2:
        return BlockShape("dense", 1, shape[0], shape[1])
    rows, cols = near_square(int(np.prod(shape)) if shape else 1)
    return BlockShape("dense", 1, rows, cols)


def block_shape(kind: str, shape: tuple[int, ...]) -> BlockShape | None:
    return _BUILDERS.get(kind, block_from_shape)(kind, shape)


@register_block("Input")
def _input_block(kind: str, shape: tuple[int, ...]) -> BlockShape:
    b = block_from_shape(kind, shape)
    return BlockShape("input", b.panels, b.rows, b.cols)


def to_panels(values: np.ndarray, shape: BlockShape) -> np.ndarray:
    """One sample's tensor -> (panels, rows, cols) float32, padding grids with NaN (no value)."""
    v = np.asarray(values, dtype=np.float32)
    n = shape.panels * shape.rows * shape.cols
    if v.size == n:
        return v.reshape(shape.panels, shape.rows, shape.cols)
    out = np.full(n, np.nan, dtype=np.float32)
    out[: v.size] = v.ravel()
    return out.reshape(shape.panels, shape.rows, shape.cols)


def weight_block(shape: tuple[int, ...]) -> BlockShape:
    """Weights: conv (O, I, kh, kw) -> O slices, each tiling its I kernels with 1-voxel gaps;
    linear (O, I) -> one O x I panel."""
    if len(shape) == 4:
        o, i, kh, kw = shape
        gr, gc = near_square(i)
        return BlockShape("weights", o, gr * (kh + 1) - 1, gc * (kw + 1) - 1)
    if len(shape) == 3:  # conv1d (O, I, k)
        return BlockShape("weights", 1, shape[0], shape[1] * shape[2])
    return block_from_shape("weights", shape) if len(shape) != 2 else BlockShape("weights", 1, *shape)


def weight_panels(w: np.ndarray, shape: BlockShape) -> np.ndarray:
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 4:
        return to_panels(w.reshape(shape.rows, -1) if w.ndim == 3 else w, shape)
    o, i, kh, kw = w.shape
    gr, gc = near_square(i)
    out = np.full((o, gr * (kh + 1), gc * (kw + 1)), np.nan, dtype=np.float32)
    for k in range(i):  # place kernel k at grid cell (k // gc, k % gc)
        r, c = divmod(k, gc)
        out[:, r * (kh + 1) : r * (kh + 1) + kh, c * (kw + 1) : c * (kw + 1) + kw] = w[:, k]
    return out[:, : shape.rows, : shape.cols]


def slice_pitch(rows: int, cols: int) -> float:
    """Spacing between stacked slices, in voxels: wide maps get more room so each slice is seen."""
    return min(3.0, max(0.5, 0.25 * max(rows, cols)))

"""Block kind -> block geometry. A registry with a generic fallback: any output shape gets a block.

Every block kind goes through `register_block`: layer kinds named by their module class or function
("Input", "AttentionMaps", or yours: `@register_block("MyLayer")`), and the kinds nnvox draws
whatever the layer: "output" (the classifier's probabilities), "weights", "Attribution" (the plane
under the input) and "grad-cam" (the plane at its layer). A builder `builder(kind, shape)` returns a
`BlockShape`, or None to hide the layer. A layer kind nobody registered is drawn by its shape's
generic kind (`shape_kind`): "feature maps", "sequence" or "vector", themselves registered builders.

Every shape gets a drawable block: at least one voxel each way, no panel side longer than
`MAX_SIDE` (a texture holds it; nobody reads a 50,000-voxel line), room for every value. A vector
(n,) stands as columns of units read top to bottom (`vector_columns`), as textbooks draw a dense
layer. A shape that cannot be drawn as channels x rows x cols (an axis of size 0, a side past
`MAX_SIDE`, a panel more than `MAX_ASPECT` times longer than wide, rank 0 or 5 and more) is a
generic block: its values in reading order on a near-square grid.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnvox.scenes.registry import Registry

MAX_SIDE = 4096  # the longest panel side, in voxels: longer maps and sequences become generic blocks
# Activations: a map or sequence panel longer than this many times its width (3136 tokens x 96, a
# channels-last 7 x 768 slice) is a sliver narrower than its own outline on screen: a generic block.
MAX_ASPECT = 16
# A vector (n,) is drawn as columns of units (vector_columns): up to this many units stand in one
# column (at capped sizing's full voxel size, as tall as the tallest map)...
COLUMN_ROWS = 24
COLUMN_SHAPE = 6  # ... and longer vectors take about sqrt(COLUMN_SHAPE * n) units a column


@dataclass(frozen=True)
class BlockShape:
    role: str
    panels: int
    rows: int
    cols: int


BlockBuilder = Callable[[str, tuple[int, ...]], "BlockShape | None"]
BLOCKS: Registry[BlockBuilder] = Registry("block kind")
register_block = BLOCKS.register  # decorator: `@register_block("MyLayer")` uses the builder for that kind


def near_square(n: int) -> tuple[int, int]:
    """rows x cols with rows * cols >= n, as square as possible (rows <= cols); 1 x 1 for none."""
    rows = max(1, math.floor(math.sqrt(n)))
    return rows, max(1, math.ceil(n / rows))


def generic_block(role: str, shape: tuple[int, ...]) -> BlockShape:
    """Any shape: its values in reading order on one near-square grid (padded past the end)."""
    rows, cols = near_square(math.prod(shape))
    return BlockShape(role, 1, rows, cols)


def drawable(rows: int, cols: int, *dims: int, aspect: float | None = None) -> bool:
    """Whether panels of rows x cols can be drawn as they are: every axis at least 1, no side past
    MAX_SIDE, and (with `aspect`) no side more than `aspect` times the other."""
    if min(rows, cols, *dims) < 1 or max(rows, cols) > MAX_SIDE:
        return False
    return aspect is None or max(rows, cols) <= aspect * min(rows, cols)


def shape_kind(shape: tuple[int, ...]) -> str:
    """The generic kind of an output shape: what a layer of an unregistered kind is drawn as."""
    return {3: "feature maps", 4: "feature maps", 2: "sequence"}.get(len(shape), "vector")


def block_shape(kind: str, shape: tuple[int, ...]) -> BlockShape | None:
    """The block of a layer of `kind` with this output shape: the builder registered for the kind,
    else its shape's generic builder (None: the layer is hidden)."""
    return (BLOCKS.lookup(kind, shape_kind(shape)) or _values_block)(kind, shape)


def block_from_shape(kind: str, shape: tuple[int, ...]) -> BlockShape:
    """Generic rule by rank: (C,H,W) -> C slices; (C,D,H,W) -> C x D slices; (T,F) -> one panel;
    anything else, or a shape those cannot draw (an empty axis, a side past MAX_SIDE, a sliver
    past MAX_ASPECT) -> a near-square grid of its values."""
    return (BLOCKS.lookup(shape_kind(shape)) or _values_block)(kind, shape)


@register_block("feature maps")
def _maps_block(kind: str, shape: tuple[int, ...]) -> BlockShape:
    """(C, H, W): C slices; (C, D, H, W): every depth slice of every channel."""
    if len(shape) == 3 and drawable(shape[1], shape[2], shape[0], aspect=MAX_ASPECT):
        return BlockShape("feature", shape[0], shape[1], shape[2])
    if len(shape) == 4 and drawable(shape[2], shape[3], shape[0], shape[1], aspect=MAX_ASPECT):
        return BlockShape("feature", shape[0] * shape[1], shape[2], shape[3])
    return _values_block(kind, shape)


@register_block("sequence")
def _sequence_block(kind: str, shape: tuple[int, ...]) -> BlockShape:
    """(T, F): one panel, a row per position."""
    if len(shape) == 2 and drawable(shape[0], shape[1], aspect=MAX_ASPECT):
        return BlockShape("dense", 1, shape[0], shape[1])
    return _values_block(kind, shape)


@register_block("vector")
def _vector_block(kind: str, shape: tuple[int, ...]) -> BlockShape:
    """A vector (n,): units read top to bottom in columns standing one behind another (see
    `vector_columns`); any other shape this kind is asked for: a generic block."""
    if len(shape) != 1 or shape[0] < 1:
        return _values_block(kind, shape)
    columns, rows = vector_columns(shape[0])
    if not drawable(rows, 1):  # tens of millions of units: no column that tall
        return _values_block(kind, shape)
    return BlockShape("dense", columns, rows, 1)


def _values_block(kind: str, shape: tuple[int, ...]) -> BlockShape:
    """A tensor of a rank no other rule draws: its values on a near-square grid."""
    return generic_block("dense", shape)


def vector_columns(n: int) -> tuple[int, int]:
    """(columns, rows) for n units: one column of up to COLUMN_ROWS; longer vectors split into
    columns of equal height, more rows each the longer the vector, so that a block of k columns
    (3 voxels apart, see slice_pitch) stands 1 to 3.5 times as tall as it is long whatever n: 120 ->
    5 x 24, 768 -> 12 x 64, 1000 -> 10 x 100, 3072 -> 24 x 128. Columns, not a square, so that a
    dense layer's units read as a vector, as textbooks draw them, not as a picture with a 2D layout."""
    most = max(COLUMN_ROWS, math.ceil(math.sqrt(COLUMN_SHAPE * n)))
    fewest = math.ceil(n / most)
    # The column count nearest `fewest` (2/3 to 2 times it) that fills every column: 64 -> 4 x 16, not
    # 3 x 22 with two empty cells the legend would have to explain; 128 -> 4 x 32, 512 -> 8 x 64.
    near = sorted(range(math.ceil(fewest * 2 / 3), 2 * fewest + 1), key=lambda k: (abs(math.log(k / fewest)), k))
    even = next((k for k in near if n % k == 0), fewest)
    return even, math.ceil(n / even)


@register_block("AttentionMaps")
def _attention_block(kind: str, shape: tuple[int, ...]) -> BlockShape:
    """Recorded attention maps (heads, queries, keys): one slice per head, as feature maps are drawn."""
    return block_from_shape(kind, shape)


@register_block("Input", "Attribution")
def _input_block(kind: str, shape: tuple[int, ...]) -> BlockShape:
    """The probe input, and an attribution of each of its values (the plane under it): the input's role."""
    b = block_from_shape(kind, shape)
    return BlockShape("input", b.panels, b.rows, b.cols)


@register_block("output")
def _classifier_block(kind: str, shape: tuple[int, ...]) -> BlockShape:
    """The classifier's (classes,) logits: a labelled column of probabilities, one voxel a class."""
    return BlockShape("output", 1, shape[0], 1)


@register_block("weights")
def _weights_block(kind: str, shape: tuple[int, ...]) -> BlockShape:
    return weight_block(shape)


@register_block("grad-cam")
def _layer_map_block(kind: str, shape: tuple[int, ...]) -> BlockShape | None:
    """A map over a layer's (..., H, W) positions (Grad-CAM): one H x W plane; None without one."""
    if len(shape) < 2 or not drawable(*shape[-2:]):
        return None
    return BlockShape("feature", 1, *shape[-2:])


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
    linear (O, I) -> one O x I panel; anything else, or what those cannot draw, a generic block."""
    return _kernel_block(shape) or generic_block("weights", shape)


def _kernel_block(shape: tuple[int, ...]) -> BlockShape | None:
    """The laid-out block of a weight (None: it is drawn as a generic block)."""
    if len(shape) == 4 and math.prod(shape):
        o, i, kh, kw = shape
        gr, gc = near_square(i)
        if drawable(gr * (kh + 1) - 1, gc * (kw + 1) - 1):
            return BlockShape("weights", o, gr * (kh + 1) - 1, gc * (kw + 1) - 1)
    if len(shape) == 3 and drawable(shape[0], shape[1] * shape[2]):  # conv1d (O, I, k)
        return BlockShape("weights", 1, shape[0], shape[1] * shape[2])
    if len(shape) == 2 and drawable(*shape):
        return BlockShape("weights", 1, *shape)
    return None


def weight_panels(w: np.ndarray, shape: BlockShape) -> np.ndarray:
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 4 or _kernel_block(w.shape) != shape:  # rows of a matrix, or a generic block: values in order
        return to_panels(w, shape)
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

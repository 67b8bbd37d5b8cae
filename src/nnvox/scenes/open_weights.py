"""A convolution's weights opened face-on (the weights modes' open layer): each kh x kw kernel one
tile, a column of tiles per output filter and a row per input channel, so that a filter, a kernel
and an input channel can each be found (closed, the block stacks its filters along the network axis
and tiles each filter's kernels in a square: layout.weight_block). A column per filter, not a row:
the filters keep their order along x, as the closed stack and the open maps of the layer's output
have them, and a layer mostly has more filters than inputs, so the grid is wide, as a frame is
(conv2's 16 x 6 kernels as 16 rows stood in a tall narrow grid, framed by its height, each tile
about 1.4 times smaller at 1080p). The tiles
are open_layer's maps: the same grid, flight, labels and camera; this module says only what differs
for kernels. Pure numbers (no GL).

Level of detail: at most MOST_FILTERS columns and MOST_CHANNELS rows, the first ones (a note under
the grid says so); a Linear layer's weight is one matrix, opened as one face-on map (open_layer)."""

from __future__ import annotations

import dataclasses

import numpy as np

from nnvox.scenes.layout import BlockShape, near_square, weight_block
from nnvox.scenes.per_architecture import per_object
from nnvox.scenes.scene import Block

MOST_FILTERS = 32  # columns of kernel tiles an open weight shows, the first filters
MOST_CHANNELS = 16  # rows: the first input channels


def kernel_shape(layout: BlockShape, shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """A weight's (out, in, kh, kw) where its block tiles the kernels (`layout` is weight_block's for
    `shape`: the weight was not reduced to another shape), else None."""
    if layout.role != "weights" or len(shape) != 4 or weight_block(tuple(shape)) != layout:
        return None
    return tuple(int(n) for n in shape)


def kernel_grid(block: Block) -> tuple[int, int]:
    """Rows (input channels) x columns (filters) of kernel tiles in the open grid."""
    out, inputs = block.kernels[:2]
    return min(inputs, MOST_CHANNELS), min(out, MOST_FILTERS)


def as_tiles(block: Block) -> Block:
    """The block as its open grid draws it: one kernel a panel, input by input (panel i * columns + f
    is filter f's kernel on input i), the level of detail's first filters and inputs only."""
    rows, cols = kernel_grid(block)
    return dataclasses.replace(block, panels=rows * cols, rows=block.kernels[2], cols=block.kernels[3])


def as_stack(block: Block) -> Block:
    """The block closed again: a panel per filter, its kernels tiled (layout.weight_block)."""
    closed = weight_block(block.kernels)
    return dataclasses.replace(
        block, panels=closed.panels, rows=closed.rows, cols=closed.cols, opened=None, gap=0.0, margin=(0.0, 0.0)
    )


# left of the open grid and above it, in tiles: room for "input 0" and the filters' numbers inside
# the outline (they are drawn at a size on screen, theme.INDEX_TEXT: framed with conv1's grid, a
# conv2 tile is 55 px at 1080p, "input 0" 166 px wide and the numbers 50 px tall with their box; 2 x
# 1 tiles put "input 0" past the outline's left edge and the numbers astride its top edge). Where a
# grid is framed smaller, the texts stand just outside the outline (viewer/overlays/grid_indices.py).
# 3.6 tiles left was a few pixels short of "input 0" and its margins at 1080p: the names stood
# outside, on the edge from conv1, and the room inside was 190 px of nothing (a fifth watch); with
# 4.2 they stand inside, and the edge into the grid ends on the bracket over its rows
LABEL_ROOM = (4.2, 1.7)
# a grid of one row (one input channel: conv1's six kernels) heads its first column "filter 0"
# (filter_labels) and keeps no room left of it for the word, nor as much above: its 1.4 tiles left
# (and as much right, to centre the row) and a tile above left 40% of the box empty, the kernels
# 190 px tiles (38 px cells) at 1080p framed alone; 216 (43) with 0.2 left; none now (ONE_ROW_GAP)
ONE_ROW_ROOM = (0.0, 0.6)
# ... a row opened beside another kernel grid (conv1 with conv2) keeps 0.2 left and as much right: framed
# by both, at their tiles' size, a narrower row would only grow the other grid (conv2's box then reached
# into the room its label takes under the heads-up, and the label went beside it)
SHARED_ROW_ROOM = (0.2, 0.6)
# ... and between its tiles, of a tile's side (open_layer.gap_of; a table's GAP, 0.2, elsewhere): a row
# alone is framed by its width, and its gaps and margins took a quarter of it (a sixth watch asked for
# larger kernels, the frame's lowest third under the caption); the same gap round the row's ends.
# Its numbers stand over their tiles' middles, so they keep apart however close the tiles
ONE_ROW_GAP = 0.12


# a larger grid is framed smaller, its indices not: its room grows with it, in tiles per column (or
# per 16:9 frame's worth of rows), for "input 0" and the numbers to stay inside the outline at a
# lecture's size (a 32-filter grid framed alone: 40 px tiles at 1080p, the numbers over 2.8 tiles
# and "input 0" over 6.5)
ROOM_PER_COLUMN = (0.21, 0.09)


def label_room(block: Block, alone: bool = True) -> tuple[float, float]:
    """The room (left, top) an open weight's grid keeps for its labels, in world units (a single
    row keeps little: its first number says "filter 0" over its column, and no input names it;
    `alone`: no other kernel grid is open beside it)."""
    kh, kw = block.kernels[2:]
    rows, columns = kernel_grid(block)
    left, top = (ONE_ROW_ROOM if alone else SHARED_ROW_ROOM) if rows == 1 else LABEL_ROOM
    across = max(columns, rows * 16 / 9)  # the grid's extent that framing it fills the frame with
    left = max(left, ROOM_PER_COLUMN[0] * across) if rows > 1 else left  # a single row names no input
    top = max(top, ROOM_PER_COLUMN[1] * across)
    return (left * kw * block.voxel, top * kh * block.voxel)


def tile_of(block: Block) -> tuple[np.ndarray, np.ndarray]:
    """Each tile's (filter, input channel) of an open weight block (as_tiles' order)."""
    channel, filters = np.divmod(np.arange(block.panels), kernel_grid(block)[1])
    return filters, channel


def stack_places(block: Block) -> np.ndarray:
    """Each tile's front-face centre (P, 3) where it stood in the closed block: filter f's panel
    (at f pitches along x, facing -x), kernel i at its place in the panel's square of kernels (its
    columns along -y, rows down z), so that opening lifts each kernel out of where it was drawn."""
    inputs, kh, kw = block.kernels[1:]
    closed = weight_block(block.kernels)
    filters, channel = tile_of(block)
    row, col = np.divmod(channel, near_square(inputs)[1])
    x, y, z = block.origin
    across = (
        col * (kw + 1) + kw / 2 - closed.cols / 2
    ) * block.voxel  # from the panel's centre, towards its last column
    up = (closed.rows / 2 - row * (kh + 1) - kh / 2) * block.voxel
    return np.stack([x + filters * block.pitch, y - across, z + up], axis=1)


def grid_note(block: Block) -> str | None:
    """What an open weight's grid leaves out, said over it: None where it shows every kernel."""
    out, inputs = block.kernels[:2]
    rows, cols = kernel_grid(block)
    parts = [f"the first {cols} of {out} filters"] * (cols < out)
    parts += [f"the first {rows} of {inputs} input channels"] * (rows < inputs)
    return " and ".join(parts) or None


def tile_values(block: Block, stacked: np.ndarray) -> np.ndarray:
    """An open weight's kernels (P, kh, kw), cut from its closed block's values (filters, rows, cols:
    layout.weight_panels' square of kernels per filter)."""
    inputs, kh, kw = block.kernels[1:]
    filters, channel = tile_of(block)
    row, col = np.divmod(channel, near_square(inputs)[1])
    rows = (row * (kh + 1))[:, None] + np.arange(kh)  # (P, kh)
    cols = (col * (kw + 1))[:, None] + np.arange(kw)
    return stacked[filters[:, None, None], rows[:, :, None], cols[:, None, :]]


def open_values(scene, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A snapshot's values with each open weight's as its tiles (the frame source reads the closed
    blocks): cut once per snapshot's values (the frame source keeps those), not at every frame."""
    out = dict(values)
    for b in scene.blocks:
        if b.kernels is not None and b.opened is not None and out[b.name].shape != (b.panels, b.rows, b.cols):
            out[b.name] = _tiles(out[b.name], b)
    return out


@per_object
def _tiles(stacked: np.ndarray, block: Block) -> np.ndarray:
    """`block`'s tiles cut from its closed values `stacked`, kept while those values are."""
    return tile_values(block, stacked)


HEADER_LIFT = 1.5  # of the gap above the top row: the filters' numbers' baseline over its tiles, clear of them
TEXT_SCALE = 0.8  # the grid's texts, of a block label's size


def filter_labels(block: Block) -> list[tuple[int, str]]:
    """(tile, text) over the top row's tiles of an open weight: each column's filter, by number (the
    word "filter" heads them once, left of the grid: a word over each column would not fit; over a
    single row's first column, "filter 0": no room is kept left of one row, ONE_ROW_ROOM)."""
    one_row = kernel_grid(block)[0] == 1
    return [(f, f"filter {f}" if one_row and f == 0 else str(f)) for f in range(kernel_grid(block)[1])]


def input_labels(block: Block) -> list[tuple[int, str]]:
    """(tile, text) left of each row's first tile: its input channel (the first says what the
    numbers are); none for a single row (one input: the filters' numbers say all)."""
    rows, columns = kernel_grid(block)
    if rows == 1:
        return []
    return [(i * columns, f"input {i}" if i == 0 else str(i)) for i in range(rows)]


def grid_texts(block: Block, places: np.ndarray) -> list[tuple[tuple[float, float, float], str, str]]:
    """An open weight's texts, (point, text, where), given its tiles' front-face centres
    (open_layer.grid_places): each filter's number over its column ("above": centred, its baseline
    at the point); "filter" heading them and each input channel's number left of its row, ending at
    the grid's left edge ("header": level with the numbers; "row": level with the row's middle);
    what the grid leaves out under it ("below", centred). The window and the browser page place them so."""
    y, half = places[0, 1], block.cols * block.voxel / 2
    header_z = places[0, 2] + block.rows * block.voxel / 2 + HEADER_LIFT * block.gap
    left = places[0, 0] - half - block.gap  # the grid's left edge: clear of its first column
    texts = [((places[k, 0], y, header_z), text, "above") for k, text in filter_labels(block)]
    if kernel_grid(block)[0] > 1:  # a single row's first number says it ("filter 0")
        texts.append(((left, y, header_z), "filter", "header"))
    texts += [((left, y, places[k, 2]), text, "row") for k, text in input_labels(block)]
    if note := grid_note(block):
        x0, x1, y0, _, z0, _ = block.bounds
        texts.append((((x0 + x1) / 2, y0, z0 - block.rows * block.voxel / 2), note, "below"))
    return [((float(x), float(yy), float(z)), text, where) for (x, yy, z), text, where in texts]

"""Each map of an open convolution beside the kernel that made it (CNN Explainer's close-up): the
layer's recorded weights for that output channel, on weights mode's colour scale (fixed over the
run, diverging, centred on zero), at the timeline position shown (between snapshots, interpolated
as weights mode interpolates).

A kernel reads every input channel: one input channel (conv1 on a grey digit) is one k x k patch; for
several, the in-channel kernels stand in a column, the first `MOST_INPUTS` of them (said over the grid), rather than
their sum: a sum cancels a kernel's positive weights on one input map against its negative ones on
another, and would show a pattern the layer never applies. Where the column would be taller than
the map, its cells shrink to fit (conv2's 6 x 5 x 5 beside a 10 x 10 map).

Each kernel stands left of its map, in the gap the open grid leaves (open_layer.GAP_BESIDE_KERNEL),
its top at the map's top, its cells up to ZOOM times the map's voxels where there is room. Pure numbers; drawn by
viewer/overlays/open_maps.py."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnvox.scenes.colour import ColourScale
from nnvox.scenes.open_layer import grid_places
from nnvox.scenes.run_scales import weight_scale
from nnvox.scenes.scene import Block

MOST_INPUTS = 3  # in-channel kernels drawn beside a map, large enough to read; the rest are read but not drawn
STACK_GAP = 0.5  # between in-channel kernels in a column, in cells
FILL = 0.75  # of the gap beside a map a kernel may take
ZOOM = 1.6  # a kernel cell at most this many times the map's voxel: a 5 x 5 kernel reads beside a 28 x 28 map


@dataclass(frozen=True)
class KernelPlan:
    """What an open conv block's kernels show: the weight tensor's key, the output channels its
    drawn maps are (level of detail), how many input channels are drawn, the kernel's size and the
    weights' colour scale."""

    layer: str
    key: str  # "param/conv1.weight"
    channels: tuple[int, ...]
    inputs: int
    size: tuple[int, int]
    scale: ColourScale
    hidden_inputs: int = 0  # input channels read but not drawn


def kernel_plan(run, block: Block) -> KernelPlan | None:
    """The kernels beside an open block's maps, or None: not a convolution, or its weights were not
    recorded (or only reduced)."""
    if block.opened is None or "Conv" not in block.kind:
        return None
    names = [p for p in block.params if p.endswith("weight")]
    if not names or f"param/{names[0]}" in run.reduced:
        return None
    key = f"param/{names[0]}"
    last = len(run.snapshots) - 1
    weight = run.read(last, [key], skip_missing=True).get(key)
    if weight is None or weight.ndim != 4:
        return None
    channels = block.channels if block.channels is not None else tuple(range(block.panels))
    inputs = min(weight.shape[1], MOST_INPUTS)
    scale = weight_scale(run, names[0], "weights")
    return KernelPlan(
        block.name, key, tuple(channels), inputs, tuple(weight.shape[2:]), scale, weight.shape[1] - inputs
    )


def kernel_values(run, plan: KernelPlan, t: float) -> np.ndarray:
    """The drawn kernels (maps, inputs, kh, kw) at timeline position t."""
    last = len(run.snapshots) - 1
    t = min(max(t, 0.0), last)
    lo, hi = int(np.floor(t)), int(np.ceil(t))
    pick = lambda i: run.read(i, [plan.key])[plan.key][list(plan.channels), : plan.inputs]
    a = pick(lo)
    return a if hi == lo else a + (pick(hi) - a) * np.float32(t - lo)


def kernel_cell(block: Block, plan: KernelPlan) -> float:
    """The side of one kernel cell in world units: the map's voxel where the gap and the map's height
    leave room for it."""
    kh, kw = plan.size
    column = plan.inputs * kh + (plan.inputs - 1) * STACK_GAP
    return min(ZOOM * block.voxel, FILL * block.gap / kw, block.rows * block.voxel / column)


def kernel_quads(block: Block, plan: KernelPlan) -> np.ndarray:
    """The corners (maps * inputs * kh * kw, 4, 3) of every kernel cell, in (map, input, row, column)
    order, each a square on the open grid's plane just in front of it, left of its map."""
    kh, kw = plan.size
    cell = kernel_cell(block, plan)
    places = grid_places(block)
    w, h = block.cols * block.voxel, block.rows * block.voxel
    right = places[:, 0] - w / 2 - (block.gap - kw * cell) / 2  # centred in the gap left of the map
    top = places[:, 2] + h / 2
    m, i, r, c = np.meshgrid(
        np.arange(block.panels), np.arange(plan.inputs), np.arange(kh), np.arange(kw), indexing="ij"
    )
    x0 = right[m] - (kw - c) * cell
    z1 = top[m] - (i * (kh + STACK_GAP) + r) * cell
    y = places[m, 1] - 0.02 * block.voxel
    inset = 0.06 * cell  # a hairline of background between cells: each weight reads as one square
    corners = [(x0 + inset, z1 - inset), (x0 + cell - inset, z1 - inset), (x0 + cell - inset, z1 - cell + inset)]
    corners.append((x0 + inset, z1 - cell + inset))
    return np.stack([np.stack([cx, y, cz], axis=-1) for cx, cz in corners], axis=-2).reshape(-1, 4, 3)

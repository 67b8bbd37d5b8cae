"""Each map of an open convolution beside the kernel that made it (CNN Explainer's close-up): the
layer's recorded weights for that output channel, on weights mode's colour scale (fixed over the
run, diverging, centred on zero), at the timeline position shown (between snapshots, interpolated
as weights mode interpolates).

A kernel reads every input channel of its group (all of them where groups = 1; output map c of a
grouped convolution reads its group's: (c // (out / groups)) * (in / groups) onwards): one input
channel (conv1 on a grey digit) is one k x k patch; for several, the in-channel kernels stand in a
column, the first `MOST_INPUTS` of them (said over the grid), rather than their sum: a sum cancels a
kernel's positive weights on one input map against its negative ones on another, and would show a
pattern the layer never applies. Where the column would be taller than the map, its cells shrink to
fit (conv2's 6 x 5 x 5 beside a 10 x 10 map). A transposed convolution's weight is (in, out /
groups, kh, kw): map c's kernels are weight[inputs, c % (out / groups)].

Each kernel stands left of its map, in the gap the open grid leaves (open_layer.GAP_BESIDE_KERNEL),
its top at the map's top, its cells up to ZOOM times the map's voxels where there is room; close to
its own map (NEAR) and well clear of the map before it, so that which map a kernel made is never in
doubt (centred in the gap, conv1's kernels stood as near the map on their left as their own). Its
name stands once, under the first kernel, as narrow as it: free of the maps, the edges and the
frame's border. Pure numbers; drawn by viewer/overlays/open_maps.py."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnvox.scenes.colour import ColourScale
from nnvox.scenes.open_layer import KERNEL_KINDS, grid_places, has_kernels, shown_maps
from nnvox.scenes.run_scales import weight_scale
from nnvox.scenes.scene import Block

MOST_INPUTS = 3  # in-channel kernels drawn beside a map, large enough to read; the rest are read but not drawn
STACK_GAP = 0.5  # between in-channel kernels in a column, in cells
# of the gap beside a map a kernel may take: the rest parts it from the map before, at least three
# times as far as from its own (NEAR; about 0.86 at most): 0.7 drew conv1's kernels at 12 px a weight at
# 1080p in the lecture's exploded conv1 (a fifth watch asked for larger), 0.78 at 14-17 (watch 9 #7: row 20
# saw colours, not the pattern); 0.85, in open_layer.GAP_BESIDE_KERNEL's wider gap, 30 px and more
FILL = 0.85
NEAR = 0.15  # cells between a kernel and its own map (0.3 took room the kernel's cells need)
ZOOM = 5.0  # a kernel cell at most this many map voxels (conv1's: FILL of the gap binds first)


@dataclass(frozen=True)
class KernelPlan:
    """What an open conv block's kernels show: the weight tensor's key, the output channels its
    drawn maps are (level of detail: the open grid's), how many input channels are drawn, the
    kernel's size and the weights' colour scale. `reads` (maps, inputs): the input maps each drawn
    kernel reads; `index`: where in the weight tensor each drawn kernel is, a pair of (maps, inputs)
    index arrays (a convolution's weight is (out, in / groups, kh, kw), a transposed one's
    (in, out / groups, kh, kw))."""

    layer: str
    key: str  # "param/conv1.weight"
    channels: tuple[int, ...]
    inputs: int
    size: tuple[int, int]
    scale: ColourScale
    hidden_inputs: int = 0  # input channels each map reads but not drawn
    groups: int = 1
    reads: tuple[tuple[int, ...], ...] = ()
    index: tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]] = ((), ())


def kernel_plan(run, block: Block) -> KernelPlan | None:
    """The kernels beside an open block's maps, or None: not a 2D convolution (or a transposed one),
    or its weights were not recorded (or only reduced)."""
    if block.opened is None or not has_kernels(block):
        return None
    names = [p for p in block.params if p.endswith("weight")]
    if not names or f"param/{names[0]}" in run.reduced:
        return None
    key = f"param/{names[0]}"
    last = len(run.snapshots) - 1
    weight = run.read(last, [key], skip_missing=True).get(key)
    if weight is None or weight.ndim != 4:
        return None
    transposed = KERNEL_KINDS[block.kind]
    groups = _groups(run, block.name, weight.shape, transposed)
    per_in = (weight.shape[0] if transposed else weight.shape[1] * groups) // groups  # input maps a group reads
    per_out = (weight.shape[1] * groups if transposed else weight.shape[0]) // groups
    channels = np.array(block.channels if block.channels is not None else range(block.panels))[: shown_maps(block)]
    inputs = min(per_in, MOST_INPUTS)
    reads = (channels // per_out * per_in)[:, None] + np.arange(inputs)[None, :]  # output c's group's first inputs
    within = np.broadcast_to((channels % per_out if transposed else channels)[:, None], reads.shape)
    index = (reads, within) if transposed else (within, reads - reads[:, :1])  # weight[c, k], weight[input, c]
    as_tuples = lambda a: tuple(map(tuple, np.asarray(a).tolist()))
    return KernelPlan(
        block.name,
        key,
        tuple(channels.tolist()),
        inputs,
        tuple(weight.shape[2:]),
        weight_scale(run, names[0], "weights"),
        per_in - inputs,
        groups,
        as_tuples(reads),
        (as_tuples(index[0]), as_tuples(index[1])),
    )


def _groups(run, layer: str, shape: tuple[int, ...], transposed: bool) -> int:
    """A convolution's groups, from its weight's shape and the maps it reads (or writes): 1 where
    the architecture does not say."""
    arch = run.architecture
    names = {n.name for n in arch.nodes}
    if transposed:
        out = arch.node(layer).shape[0] if layer in names else shape[1]
        return max(1, out // shape[1])
    sources = arch.predecessors(layer) if layer in names else []
    if len(sources) != 1 or not arch.node(sources[0]).shape:
        return 1
    return max(1, arch.node(sources[0]).shape[0] // shape[1])


def kernel_note(plan: KernelPlan) -> str | None:
    """What the drawn kernels leave out, said over the grid: None where they show every input map."""
    if not plan.hidden_inputs:
        return None
    per_in = plan.inputs + plan.hidden_inputs
    if plan.groups == 1:
        return f"kernels of the first {plan.inputs} of {per_in} input maps"
    return f"kernels of {plan.inputs} of the {per_in} input maps each map reads ({plan.groups} groups)"


def kernel_values(run, plan: KernelPlan, t: float) -> np.ndarray:
    """The drawn kernels (maps, inputs, kh, kw) at timeline position t."""
    last = len(run.snapshots) - 1
    t = min(max(t, 0.0), last)
    lo, hi = int(np.floor(t)), int(np.ceil(t))
    rows, cols = np.array(plan.index[0], dtype=np.intp), np.array(plan.index[1], dtype=np.intp)
    pick = lambda i: run.read(i, [plan.key])[plan.key][rows, cols]
    a = pick(lo)
    return a if hi == lo else a + (pick(hi) - a) * np.float32(t - lo)


def kernel_cell(block: Block, plan: KernelPlan) -> float:
    """The side of one kernel cell in world units: the map's voxel where the gap and the map's height
    leave room for it."""
    kh, kw = plan.size
    column = plan.inputs * kh + (plan.inputs - 1) * STACK_GAP
    return min(ZOOM * block.voxel, FILL * block.gap / kw, block.rows * block.voxel / column)


def kernel_quads(block: Block, plan: KernelPlan) -> np.ndarray:
    """The corners (drawn maps * inputs * kh * kw, 4, 3) of every kernel cell, in (map, input, row, column)
    order, each a square on the open grid's plane just in front of it, left of its map."""
    kh, kw = plan.size
    cell = kernel_cell(block, plan)
    places = grid_places(block)
    w, h = block.cols * block.voxel, block.rows * block.voxel
    right = places[:, 0] - w / 2 - NEAR * cell  # close left of its own map
    top = places[:, 2] + h / 2
    m, i, r, c = np.meshgrid(  # only the maps the open grid shows (grid_places puts the rest on its last)
        np.arange(len(plan.channels)), np.arange(plan.inputs), np.arange(kh), np.arange(kw), indexing="ij"
    )
    x0 = right[m] - (kw - c) * cell
    z1 = top[m] - (i * (kh + STACK_GAP) + r) * cell
    y = places[m, 1] - 0.02 * block.voxel
    inset = 0.04 * cell  # a hairline of background between cells: each weight reads as one square
    corners = [(x0 + inset, z1 - inset), (x0 + cell - inset, z1 - inset), (x0 + cell - inset, z1 - cell + inset)]
    corners.append((x0 + inset, z1 - cell + inset))
    return np.stack([np.stack([cx, y, cz], axis=-1) for cx, cz in corners], axis=-2).reshape(-1, 4, 3)


def kernel_label(plan: KernelPlan) -> str:
    """What the squares beside a map are, said once, under the first map's, a word as narrow as
    the kernel (its size reads from its squares, and "its 5 × 5 kernel" reached past the grid's
    edge onto the input's line)."""
    return f"kernel{'s' if plan.inputs > 1 else ''}"


def kernel_label_anchor(block: Block, plan: KernelPlan) -> tuple[float, float, float]:
    """Where `kernel_label` ends: under the first drawn map's kernel, by its right edge (the text
    hangs down and to the left from here, in the room the map's lower part and the gap under it
    leave: clear of the maps)."""
    kh, kw = plan.size
    first = kernel_quads(block, plan)[: plan.inputs * kh * kw].reshape(-1, 3)
    cell = kernel_cell(block, plan)
    # NEAR short of the kernel's edge: as far again from its map as the kernel, however small it is drawn
    return (float(first[:, 0].max() - NEAR * cell), float(first[0, 1]), float(first[:, 2].min() - 0.25 * cell))

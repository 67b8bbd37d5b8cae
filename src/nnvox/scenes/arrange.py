"""Block sizes and places: each block's voxel size and slice pitch, rows for long networks, labels."""

from __future__ import annotations

from dataclasses import astuple, dataclass, field

import numpy as np

from nnvox.scenes.block_spec import BlockSpec
from nnvox.scenes.drawn_graph import DrawnGraph, graph_depths
from nnvox.scenes.layout import BlockShape, slice_pitch
from nnvox.scenes.placement import Beneath, Footprint, Placement, branch_shape, place
from nnvox.scenes.scene import SceneOptions
from nnvox.scenes.side_branches import SideBranch, side_branches

COLUMN_HEIGHT = 1.5  # the classifier's labelled column: its height to the tallest other block's, at least
COLUMN_FULL_ROWS = 10  # ... for this many classes; fewer stand as far apart (two classes are not two giant cubes)
SIDE_SCALE = 0.35  # a closed side branch: its height to its source's, at most; its size to its own, at least


@dataclass(frozen=True)
class Geometry:
    voxel: float  # world size of one of the block's voxels
    pitch: float  # spacing between its slices
    thickness: float  # depth of each slice


@dataclass(frozen=True)
class Arrangement:
    geometry: dict[str, Geometry]
    placement: Placement
    labelled: set[str]  # the blocks that carry a label
    # the column each block stands in: graph depth along the main path, a side branch's blocks at
    # their source's (edges more than one column long are skips, drawn as arcs)
    depth: dict[str, int] = field(default_factory=dict)
    side: dict[str, str] = field(default_factory=dict)  # a side branch's block -> the block it leaves from
    closed: frozenset[str] = frozenset()  # the blocks of side branches drawn closed (small, unlabelled)


def arrange(
    specs: dict[str, BlockSpec], graph: DrawnGraph, repeats: dict[str, int], options: SceneOptions
) -> Arrangement:
    branches = find_side_branches(specs, graph)
    closed = {m for b in branches if not is_open(b, options) for m in b.members}
    geometry = capped_vectors(specs, {n: block_geometry(specs[n].layout, options) for n in graph.names})
    if len(graph.names) <= options.label_all_below:  # one row, every block labelled (long ones wrap by height)
        geometry = labelled_column(specs, geometry)
    footprints = {n: footprint(specs[n].layout, n, geometry[n]) for n in graph.names}
    beneath = []
    for b in branches:
        scale = side_scale(b, footprints, graph.edges, options) if b.members[0] in closed else 1.0
        for m in b.members:
            geometry[m] = Geometry(*(scale * g for g in astuple(geometry[m])))
            footprints[m] = footprint(specs[m].layout, m, geometry[m])
        gap = options.layer_gap * options.voxel * scale
        beneath.append(Beneath(b.source, b.gate, tuple(footprints[m] for m in b.members), b.columns(graph.edges), gap))
    side = {m: b.source for b in branches for m in b.members}
    main = [n for n in graph.names if n not in side]
    edges = [(s, d) for s, d in graph.edges if s not in side and d not in side]
    depth = graph_depths(main, edges) if side else graph.depth
    main_footprints = [footprints[n] for n in main]
    placement = place(
        main_footprints,
        edges,
        depth,
        gap=options.layer_gap * options.voxel,
        lane_gap=options.lane_gap * options.voxel,
        wrap=wrap_length(main_footprints, options),
        beneath=tuple(beneath),
    )
    shown = labelled(main, specs, placement, options, repeats) | (set(side) - closed)
    columns = {**depth, **{m: depth[s] for m, s in side.items()}}
    return Arrangement(geometry, placement, shown, columns, side, frozenset(closed))


def side_scale(
    branch: SideBranch, footprints: dict[str, Footprint], edges: list[tuple[str, str]], options: SceneOptions
) -> float:
    """How much a closed side branch is scaled: to fit between its source's centre and its gate's at
    their usual spacing, never taller than SIDE_SCALE of its source, and never under SIDE_SCALE of
    its own size (the gate moves right to make room). A squeeze-excitation's C x 1 x 1 vectors grow
    to stay visible; a branch as large as its source shrinks."""
    s, g = footprints[branch.source], footprints[branch.gate]
    gap = options.layer_gap * options.voxel
    room = s.length / 2 + gap + 1.1 * (s.width + g.width) / 2 + g.length / 2 - gap
    own = Beneath(branch.source, branch.gate, tuple(footprints[m] for m in branch.members), branch.columns(edges), gap)
    length, _ = branch_shape(own)
    tallest = max(max(footprints[m].height, footprints[m].width) for m in branch.members)
    return max(SIDE_SCALE, min(SIDE_SCALE * s.height / tallest, room / length))


def find_side_branches(specs: dict[str, BlockSpec], graph: DrawnGraph) -> list[SideBranch]:
    """The drawn graph's side branches (squeeze-excitation, gates); a chain's block is matched by its
    last kind ("Conv2d+Sigmoid" closes with a sigmoid). Where only layers with weights are drawn, the
    drawn graph carries them (see drawn_graph.weight_side_branches)."""
    if graph.side is not None:  # only layers with weights drawn: found in the layers' graph
        return list(graph.side)
    kinds = {n: specs[n].kind.split("+")[-1] for n in graph.names}
    return side_branches(graph.names, graph.edges, {n: specs[n].shape for n in graph.names}, kinds)


def is_open(branch: SideBranch, options: SceneOptions) -> bool:
    """A side branch is drawn at full size and labelled when one of its blocks is expanded (the
    window's double-click), or a module it lies in: "features.3.se" opens "features.3.se.fc1"."""
    return any(m == e or m.startswith(e + ".") for m in branch.members for e in options.expand)


def block_geometry(bs: BlockShape, options: SceneOptions, scale: float = 1.0) -> Geometry:
    """Voxel size, slice pitch and slab thickness of a block, `scale` times its own size."""
    v = options.voxel * scale
    side = max(bs.rows, bs.cols)
    if bs.role == "output" and bs.cols == 1:  # a labelled column (a grid of many classes is sized as maps)
        voxel = v * options.output_voxel
    elif options.sizing == "accurate":
        voxel = v
    elif options.sizing == "log":  # tiny and huge maps both read: the drawn side grows with log2 of the real one
        voxel = v * 4.0 * np.log2(1.0 + side) / side
    else:
        voxel = v * min(1.0, options.max_panel / side)
    pitch = slice_pitch(bs.rows, bs.cols) * voxel
    # One voxel deep where the slices have room; thinner where they are packed closely.
    thickness = min(voxel, 0.5 * pitch) if bs.panels > 1 else voxel
    return Geometry(voxel, pitch, thickness)


def is_vector(spec: BlockSpec) -> bool:
    """A layer's (n,) output drawn as columns of units (layout.vector_columns)."""
    return spec.layout.role == "dense" and spec.layout.cols == 1 and len(spec.shape) == 1


def capped_vectors(specs: dict[str, BlockSpec], geometry: dict[str, Geometry]) -> dict[str, Geometry]:
    """Vectors' columns no taller than the tallest block of another shape (the classifier's column
    aside): a 120-unit layer after 8 x 8 maps stands as tall as the maps, not three times taller. A
    network of vectors alone keeps its sizes."""
    heights = {n: specs[n].layout.rows * g.voxel for n, g in geometry.items()}
    others = [h for n, h in heights.items() if len(specs[n].shape) > 1 and specs[n].layout.role != "output"]
    if not others:
        return geometry
    tallest = max(others)
    out = dict(geometry)
    for n, g in geometry.items():
        if is_vector(specs[n]) and heights[n] > tallest:
            out[n] = Geometry(*(tallest / heights[n] * v for v in astuple(g)))
    return out


def labelled_column(specs: dict[str, BlockSpec], geometry: dict[str, Geometry]) -> dict[str, Geometry]:
    """The classifier's labelled column at least COLUMN_HEIGHT times as tall as the tallest other
    block, so its rows stand as far apart beside LeNet's 28 x 28 maps as beside 8 x 8 ones (there its
    larger voxels alone make it the tallest): each class's label then fits beside its row in the
    overview at 720p and 1080p (at 1.0 LeNet's rows came too close for their labels, and the column
    listed its top 5 instead; at 1.25 they fitted at 1080p only). Fewer than COLUMN_FULL_ROWS classes
    keep ten classes' row spacing: a 2-class column grown to 1.5x the network was two cubes taller than it."""
    column = next((n for n in geometry if specs[n].layout.role == "output" and specs[n].layout.cols == 1), None)
    if column is None:
        return geometry
    rows = specs[column].layout.rows
    tallest = max((specs[n].layout.rows * g.voxel for n, g in geometry.items() if n != column), default=0.0)
    g = geometry[column]
    height = COLUMN_HEIGHT * tallest * min(1.0, rows / COLUMN_FULL_ROWS)
    if rows * g.voxel >= height:
        return geometry
    grow = height / (rows * g.voxel)
    return {**geometry, column: Geometry(*(grow * v for v in astuple(g)))}


def footprint(bs: BlockShape, name: str, g: Geometry) -> Footprint:
    return Footprint(name, (bs.panels - 1) * g.pitch + g.thickness, bs.cols * g.voxel, bs.rows * g.voxel)


def wrap_length(footprints: list[Footprint], options: SceneOptions) -> float | None:
    """Long networks wrap into rows so the whole reads at about 16:9 from the default view (a row's
    length shows at ~0.7 on screen; rows are one block height plus margins apart)."""
    if len(footprints) <= options.label_all_below:
        return None
    v = options.voxel
    length = sum(f.length + options.layer_gap * v + 1.1 * f.width for f in footprints)
    pitch = 2.2 * max(f.height for f in footprints) + 3 * options.lane_gap * v
    n_rows = max(1, round(np.sqrt(0.7 * length / (1.8 * pitch))))
    return length / n_rows * 1.05 if n_rows > 1 else None


def labelled(
    names: list[str], specs: dict[str, BlockSpec], placement: Placement, options: SceneOptions, repeats: dict[str, int]
) -> set[str]:
    """Every block in small scenes; in big ones, the blocks on the main axis where the resolution
    changes (a new stage), and the first block of each folded repeat (its label carries the "× N")."""
    if len(names) <= options.label_all_below:
        return set(names)
    keep, previous, previous_repeat = set(), None, None
    for n in names:
        if placement.lanes[n] != 0.0:
            continue  # side lanes stay unlabelled in big scenes
        shape = specs[n].shape[1:] if len(specs[n].shape) == 3 else specs[n].shape  # spatial size for maps
        starts_repeat = n in repeats and previous_repeat is None
        if shape != previous or n == names[-1] or starts_repeat:
            keep.add(n)
        previous, previous_repeat = shape, repeats.get(n)
    return keep

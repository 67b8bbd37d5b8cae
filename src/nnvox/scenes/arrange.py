"""Block sizes and places: each block's voxel size and slice pitch, rows for long networks, labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnvox.scenes.block_spec import BlockSpec
from nnvox.scenes.drawn_graph import DrawnGraph
from nnvox.scenes.layout import BlockShape, slice_pitch
from nnvox.scenes.placement import Footprint, Placement, place
from nnvox.scenes.scene import SceneOptions


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


def arrange(
    specs: dict[str, BlockSpec], graph: DrawnGraph, repeats: dict[str, int], options: SceneOptions
) -> Arrangement:
    geometry = {n: block_geometry(specs[n].layout, options) for n in graph.names}
    footprints = [footprint(specs[n].layout, n, geometry[n]) for n in graph.names]
    v = options.voxel
    placement = place(
        footprints,
        graph.edges,
        graph.depth,
        gap=options.layer_gap * v,
        lane_gap=options.lane_gap * v,
        wrap=wrap_length(footprints, options),
    )
    return Arrangement(geometry, placement, labelled(graph.names, specs, placement, options, repeats))


def block_geometry(bs: BlockShape, options: SceneOptions) -> Geometry:
    """Voxel size, slice pitch and slab thickness of a block."""
    v = options.voxel
    side = max(bs.rows, bs.cols)
    if bs.role == "output":
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

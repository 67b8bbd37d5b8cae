"""Layers the exported page opens on a double-click, as the window does (scenes/open_layer.py): for
each block of a view that opens (feature maps, weights), the open layout as Python computes it,
packed as a patch of that mode's description (the blocks that moved, with their slabs and places,
the edges, the bounds, the camera facing the open maps) with each snapshot's unit frames in that
layout. The colour indices are the mode's own: an open block keeps its maps, only where they stand
changes; but a convolution's weights open into kernel tiles (scenes/open_weights.py), maps other
than its stack's: their atlas travels in the layout (`tiles`: each snapshot's indices,
frame_packing.py), laid after the view's frame, so that every other block keeps its place in it.
The page holds these for its first mode (every sample of it: the geometry and the unit frames do
not depend on the sample) and each other mode it holds (its first sample's, shared by the others),
in graph order up to BUDGET bytes a view (the blocks after the open one move over)."""

from __future__ import annotations

import dataclasses
import json

from nnvox.scenes.open_layer import open_pose, open_scene, openable
from nnvox.scenes.scene import Scene
from nnvox.scenes.view import rgb

IGNORED = ("sample", "views", "headers", "opens", "openable", "t")  # what a layout's patch never carries
LEVEL = 6  # zlib's: level 9 took 10x as long on a layout for 3% fewer bytes (0.05 s a VGG-16 layout)
BUDGET = 1_000_000  # packed bytes of layouts a page holds at most (VGG-16's 14: 0.46 MB); later blocks do not open


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _patched(start: dict, description: dict) -> dict:
    """What the page lays over `start` to show `description`: `moved`, the blocks that differ (the
    open one and those that made room; the rest are the view's), `merge`, the parts of a dict-valued
    key that differ (the histogram panel's camera), and `patch`, any other key whole."""
    moved = [b for b, was in zip(description["blocks"], start["blocks"]) if b != was]
    patch, merge = {}, {}
    for key, value in description.items():
        was = start.get(key)
        if key in IGNORED or key == "blocks" or value == was:
            continue
        if isinstance(value, dict) and isinstance(was, dict) and value.keys() == was.keys():
            merge[key] = {k: v for k, v in value.items() if v != was[k]}
        else:
            patch[key] = value
    return {"patch": patch, "merge": merge, "moved": moved}


def _kernel_tiles(opened: Scene, name: str, start: dict, description: dict, sample: int) -> dict:
    """An open weight's kernel tiles laid after the view's frame: `description`'s blocks keep the
    view's offsets, the open one's atlas starts where the view's frame ends; each snapshot's tile
    indices (its values as the open grid draws them, open_weights.open_values), packed."""
    from nnvox.viewer.web.frame_packing import pack_frames
    from nnvox.viewer.web.frames import atlas

    offsets = {b["name"]: b["offset"] for b in start["blocks"]}
    for b in description["blocks"]:
        b["offset"] = start["frame_bytes"] if b["name"] == name else offsets[b["name"]]
    block = opened.block(name)
    tiles = [atlas(block, opened.frame_at(t, sample=sample).values[name]).tobytes() for t in range(opened.n_snapshots)]
    description["frame_bytes"] = start["frame_bytes"] + len(tiles[0])
    return {"bytes": len(tiles[0]), "frames": pack_frames(tiles)}


def _facing(opened: Scene, name: str, width: float):
    """The camera facing `name`'s open maps in `width` of the page's width, clear of its inset and legends."""
    from nnvox.viewer.web.payload import ASPECT

    return open_pose(opened, name, ASPECT * width * 0.8, band=0.55, lift=0.14)


def face_open_maps(description: dict, opened: Scene, name: str) -> None:
    """`description`'s cameras facing `name`'s open maps, as a double-click opens them: the first
    view's and, beside a clicked block's panel, the panel's (not the overview's oblique one, under
    which kernel tiles' sides fill the gaps between them)."""
    from nnvox.viewer.web.payload import page_camera

    room = description["histograms"]["room"]
    description["camera"] = page_camera(_facing(opened, name, 1.0))
    description["histograms"]["camera"] = page_camera(_facing(opened, name, room[1] - room[0]))


def open_layouts(scene: Scene, spec, start: dict, sample: int, numbers) -> dict[str, str]:
    """Block name -> its open layout (zlib, base64: {"patch": ..., "units": [per snapshot]}), for
    each block of `scene` that opens; `start` is the scene's description as `spec` shows it."""
    from nnvox.viewer.web.frames import unit_frames
    from nnvox.viewer.web.payload import describe
    from nnvox.viewer.web.views import pack

    background = None if spec.background is None else rgb(spec.background)
    frames = [scene.frame_at(i, sample=sample) for i in range(scene.n_snapshots)]  # (units, not geometry)
    layouts = {}
    for name in openable(scene):
        opened = open_scene(scene, [name])
        description = describe(
            opened,
            t=start["t"],
            sample=sample,
            background=background,
            histogram=start["histograms"]["selected"],
            numbers=dataclasses.replace(numbers, scene=opened),  # the same layers, values and scales
        )
        face_open_maps(description, opened, name)
        tiles = (
            {}
            if scene.block(name).kernels is None
            else {"tiles": _kernel_tiles(opened, name, start, description, sample)}
        )
        units = [unit_frames(opened, frame) for frame in frames]
        layouts[name] = pack(_json({**_patched(start, description), "units": units, **tiles}).encode(), LEVEL)
        if sum(map(len, layouts.values())) > BUDGET:
            del layouts[name]
            break
    return layouts


def hold_opens(description: dict, scene: Scene, spec, sample: int, numbers) -> None:
    """The page's double-click for `description`: the open layouts it holds (`opens`) and the
    blocks that open (`openable`: those held); a page exported with layers open (--open) holds none."""
    if spec.open:
        description["openable"] = []
        return
    description["opens"] = open_layouts(scene, spec, description, sample, numbers)
    description["openable"] = list(description["opens"])

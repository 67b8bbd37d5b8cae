"""An opening shot's subject kept inside the frame through its move: the layers it opens and the
blocks its camera moves to, where they stand at each moment of the opening (maps flying to their
grid, the neighbours gliding aside to make room), the camera widened just enough where one would
pass the frame's edge. The lecture's move into conv1's close-up cut the input at the left edge for
about a second: the input glided left to make room while the camera still framed the closed network."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnvox.scenes.camera import EASINGS, CameraPose
from nnvox.scenes.framing import MAPS_ROOM_TOP, ROOM_TOP
from nnvox.scenes.open_layer import (
    EASING,
    closed_scene,
    has_kernels,
    map_places,
    neighbour_offsets,
    shown_maps,
    slab_corners,
    spread_share,
)
from nnvox.scenes.scene import Scene

INSIDE = (0.97, 0.95)  # of the frame's half width and half height: the subject stays within


def inside_safe(safe: float) -> tuple[float, float]:
    """INSIDE, or where a lecture keeps `safe` (of the frame's width and of its height, each side:
    theme.TITLE_SAFE) clear of its edges, within that: a projector's overscan clips them (the
    lecture's conv1 and conv2 grids stood 0.029 of the width from the frame's sides, 80-88 s)."""
    return tuple(min(i, 1.0 - 2.0 * safe) for i in INSIDE)


def room_top(blocks) -> float:
    """The top of the picture's room (framing.picture_room) for a close-up on `blocks`: an open
    convolution's maps (their names head them) reach higher than a subject with a block label above."""
    return MAPS_ROOM_TOP if any(b.opened is not None and has_kernels(b) for b in blocks) else ROOM_TOP


def drawn_bounds(scene: Scene, u: float, *, ahead: bool = False) -> dict[str, np.ndarray]:
    """Each block's bounds (x0, x1, y0, y1, z0, z1) as drawn `u` (0..1) of the way through opening,
    for the blocks not where the open scene puts them: a block making room, shifted back by what it
    has still to glide; an open layer of maps, the box of its slabs where they stand (the deck
    turning, then spreading: open_layer._deck_places), grown to its open bounds (the maps' names
    and kernels' room) as they spread, and shifted as it glides itself (conv1 making room for the
    input's grid): its label stays over its maps (the box grew towards the next block's glimpse
    ahead of the maps, and missed conv1's glide: the lecture's "conv1" stood under relu1, watch 9
    #6); an open weight, its outline grown from its stack's to its grid's united with its flying
    tiles. The labels stand by these (viewer/open_flight.py). `ahead` (the camera's, subject_boxes):
    an open layer of maps' box also holds its outline grown from its stack's to its grid's, eased over
    the whole opening, so the camera widens for the grid as it comes, steadily: framed on the maps
    alone, it zoomed in on the turning deck and back out as they spread (per-frame change 19.6 grey
    levels at 1080p, 13.8 before)."""
    u = min(max(u, 0.0), 1.0)
    offsets = neighbour_offsets(scene, u)
    out = {}
    for name, (dx, dz) in offsets.items():
        out[name] = np.asarray(scene.block(name).bounds, float) + np.array([dx, dx, 0, 0, dz, dz])
    opened = [b for b in scene.blocks if b.opened is not None]
    if opened and u < 1.0:
        closed = {b.name: np.asarray(b.bounds, float) for b in closed_scene(scene).blocks}
        e = float(EASINGS[EASING](u))
        for block in opened:
            dx, dz = offsets.get(block.name, (0.0, 0.0))
            shift = np.array([dx, dx, 0, 0, dz, dz])
            if block.kernels is None:
                room = np.asarray(block.bounds, float) - _maps_box(block, 1.0)
                out[block.name] = _maps_box(block, u) + room * spread_share(u) + shift
                if ahead:
                    grown = closed[block.name] + (np.asarray(block.bounds, float) + shift - closed[block.name]) * e
                    out[block.name] = _union(out[block.name], grown)
                continue
            grown = closed[block.name] + (np.asarray(block.bounds, float) - closed[block.name]) * float(
                EASINGS[EASING](u)
            )
            out[block.name] = _union(grown, _maps_box(block, u))
    return out


def _maps_box(block, u: float) -> np.ndarray:
    """The box around the slabs of an open block's shown maps where they stand at u."""
    corners = slab_corners(block, map_places(block, u))[: shown_maps(block)].reshape(-1, 3)
    return np.ravel(np.column_stack([corners.min(axis=0), corners.max(axis=0)]))


def _union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.ravel(np.column_stack([np.minimum(a[0::2], b[0::2]), np.maximum(a[1::2], b[1::2])]))


def subject_boxes(scene: Scene, names, u: float) -> np.ndarray:
    """Boxes (n, 6: x0, x1, y0, y1, z0, z1) of the blocks `names` as drawn `u` (0..1) of the way
    through opening (drawn_bounds), else where the open scene puts them."""
    drawn = drawn_bounds(scene, u, ahead=True)
    return np.array([drawn.get(n, scene.block(n).bounds) for n in names], float).reshape(-1, 6)


def _frame_coords(pose: CameraPose, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The boxes' corners across and up the frame from its middle, in scene units, and the frame's
    screen right and up."""
    d, up = np.asarray(pose.direction, float), np.asarray(pose.up, float)
    right = np.cross(-d, up)
    right /= np.linalg.norm(right)
    up = np.cross(right, -d)
    corners = np.array([(b[i], b[j], b[k]) for b in boxes for i in (0, 1) for j in (2, 3) for k in (4, 5)])
    rel = corners.reshape(-1, 3) - np.asarray(pose.focal, float)
    return np.column_stack([rel @ right, rel @ up]), right, up


def widened(pose: CameraPose, boxes: np.ndarray, aspect: float, inside=INSIDE) -> CameraPose:
    """`pose`, or where a box's corner passes `inside` of its frame, the least wider view (moved and
    scaled, its direction kept) that holds them all and what it held."""
    xy, right, up = _frame_coords(pose, boxes)
    xs, ys = xy[:, 0], xy[:, 1]
    w, h = pose.scale * aspect * inside[0], pose.scale * inside[1]
    x0, x1, y0, y1 = min(-w, xs.min()), max(w, xs.max()), min(-h, ys.min()), max(h, ys.max())
    if (x0, x1, y0, y1) == (-w, w, -h, h):
        return pose
    scale = max((x1 - x0) / 2 / (aspect * inside[0]), (y1 - y0) / 2 / inside[1])
    focal = np.asarray(pose.focal, float) + right * (x0 + x1) / 2 + up * (y0 + y1) / 2
    return CameraPose(tuple(focal), pose.direction, pose.up, float(scale))


def filled(pose: CameraPose, boxes: np.ndarray, aspect: float, room, zoom: float = 1.0) -> CameraPose:
    """`pose` moved and scaled (its direction kept) so that `boxes` fill `room` (x0, x1, y0, y1:
    -1..1 across and up the frame from its middle, framing.picture_room) as far as its tighter side
    allows, centred in it; `zoom` above 1 closer still (the lecture's conv1 close-up held the maps
    at 90 px at 1080p with 475 px empty left of the input, its camera on conv1 alone)."""
    xy, right, up = _frame_coords(pose, boxes)
    x0, x1, y0, y1 = room
    width, height = np.ptp(xy[:, 0]), np.ptp(xy[:, 1])
    scale = max(width / ((x1 - x0) * aspect), height / (y1 - y0), 1e-9) / zoom
    # the boxes' middle, in scene units from the focal point, put at the room's middle
    mid_x, mid_y = (xy[:, 0].min() + xy[:, 0].max()) / 2, (xy[:, 1].min() + xy[:, 1].max()) / 2
    shift = right * (mid_x - (x0 + x1) / 2 * scale * aspect) + up * (mid_y - (y0 + y1) / 2 * scale)
    return CameraPose(tuple(np.asarray(pose.focal, float) + shift), pose.direction, pose.up, float(scale))


def held_in(pose: CameraPose, boxes: np.ndarray, aspect: float, room) -> CameraPose:
    """`pose`, or where `boxes` pass `room` (as filled takes it) the least move that brings them
    back in (filled, where they no longer fit at its scale)."""
    xy, right, up = _frame_coords(pose, boxes)
    x0, x1, y0, y1 = room
    w, h = pose.scale * aspect, pose.scale
    xs, ys = xy[:, 0], xy[:, 1]
    tol = 1e-9 * pose.scale  # a filled pose's boxes meet its room's sides: no move for rounding
    if np.ptp(xs) > (x1 - x0) * w + tol or np.ptp(ys) > (y1 - y0) * h + tol:
        return filled(pose, boxes, aspect, room)
    dx = min(xs.min() - x0 * w + tol, 0.0) + max(xs.max() - x1 * w - tol, 0.0)
    dy = min(ys.min() - y0 * h + tol, 0.0) + max(ys.max() - y1 * h - tol, 0.0)
    if dx == 0.0 and dy == 0.0:
        return pose
    return CameraPose(tuple(np.asarray(pose.focal, float) + right * dx + up * dy), pose.direction, pose.up, pose.scale)


def extent(pose: CameraPose, boxes: np.ndarray, aspect: float) -> tuple[float, float]:
    """How far across and up `boxes` reach from the middle of the frame of `pose`, in its half width
    and half height (1: at its edge)."""
    xy, _, _ = _frame_coords(pose, boxes)
    return float(np.abs(xy[:, 0]).max() / (pose.scale * aspect)), float(np.abs(xy[:, 1]).max() / pose.scale)


def framed(pose: CameraPose, boxes: np.ndarray, aspect: float) -> bool:
    """Whether `boxes` lie wholly inside the frame of `pose`."""
    xy, _, _ = _frame_coords(pose, boxes)
    return bool((np.abs(xy[:, 0]) <= pose.scale * aspect).all() and (np.abs(xy[:, 1]) <= pose.scale).all())


def kept_in_frame(
    camera: Callable[[float], CameraPose],
    scene: Scene,
    names,
    aspect: float,
    opened: Callable[[float], float],
    slack: Callable[[float], float] | None = None,
    safe: float = 0.0,
) -> Callable[[float], CameraPose]:
    """An opening shot's `camera` (a pose at each fraction of the shot) with its subject kept inside
    the frame as it moves while the layer opens (`opened`: how open at each fraction): the blocks of
    `names` the shot's own camera frames whole once the layer has opened or at its end (a shot that
    first faces one of two open grids, open_layer.grid_tour, keeps the other out meanwhile:
    _kept_in_frame in shots.py keeps that grid alone until then). `slack`: at each
    fraction, how much (1: all, 0: none) of the room the subject takes past INSIDE at the shot's
    first pose it may keep: a camera carried on from the shot before starts where that shot left it
    (widened at once, the lecture's network jumped in one frame at 26 s), INSIDE easing in. `safe`:
    the title-safe margin (inside_safe) the subject keeps within."""
    arrived = next((p for p in np.linspace(0.0, 1.0, 201) if opened(p) >= 1.0), 1.0)
    names = [n for n in names if n in {b.name for b in scene.blocks}]
    # framed once open, or at the shot's end (a tour of two grids frames the second there only: it
    # was left to pass the title-safe margin)
    names = [n for n in names if any(framed(camera(p), subject_boxes(scene, [n], 1.0), aspect) for p in (arrived, 1.0))]
    if not names:
        return camera
    bound = inside_safe(safe)
    if slack is None:
        return lambda p: widened(camera(p), subject_boxes(scene, names, opened(p)), aspect, bound)

    first = extent(camera(0.0), subject_boxes(scene, names, opened(0.0)), aspect)

    def kept(p: float) -> CameraPose:
        inside = tuple(i + max(e - i, 0.0) * slack(p) for i, e in zip(bound, first))
        return widened(camera(p), subject_boxes(scene, names, opened(p)), aspect, inside)

    return kept

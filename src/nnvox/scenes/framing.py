"""How a view shows a network, as numbers (no GL), for choosing the overview's angle: the on-screen
slope of its chain, how much of each block's map face the other blocks leave in sight, and how much
of the picture the blocks cover.

Blocks run along x (the forward direction) and draw their values on their x faces (a block's maps lie
in the y-z plane, stacked along x). The camera is orthographic, so a view is a direction alone: the
chain's slope on screen is that of the x axis, and what hides what is found by casting a grid of
parallel rays through the blocks' boxes, the nearest box hit being the one seen.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

RAYS = 160  # rays at least across the blocks' screen extent
FACE_RAYS = 8  # and at least across a typical block's face (the median), so small faces are measured too
MOST_RAYS = 600  # but at most across the extent: a network of hundreds of small blocks stays fast


def screen_axes(direction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Right and up vectors of a camera looking along -direction with z up."""
    right = np.cross(-direction, [0.0, 0.0, 1.0])
    if np.linalg.norm(right) < 1e-9:  # looking straight down or up
        right = np.array([1.0, 0.0, 0.0])
    right = right / np.linalg.norm(right)
    return right, np.cross(right, -direction)


def chain_slope(direction: np.ndarray) -> float:
    """Degrees the forward axis (x) rises on screen, left to right: 0 reads as a level line."""
    right, up = screen_axes(np.asarray(direction, dtype=float))
    return math.degrees(math.atan2(up[0], abs(right[0])))


class Sight(NamedTuple):
    """What a view shows of (n, 6) boxes: each box's share of its map face in sight (NaN where
    the face is edge-on), and the area (scene units squared, on the picture plane) the boxes cover."""

    faces: np.ndarray
    covered: float


def _ray_grid(boxes: np.ndarray, right: np.ndarray, up: np.ndarray, rays: int):
    """The picture plane's cells over the boxes' screen rectangles: their centres (u, v), the cell's
    side, and each box's rectangle in cell indices."""
    corners = boxes[:, [(x, y, z) for x in (0, 1) for y in (2, 3) for z in (4, 5)]]  # (n, 8, 3)
    u, v = corners @ right, corners @ up
    extent = max(np.ptp(u), np.ptp(v), 1e-9)
    face = np.median(np.minimum(np.ptp(u, axis=1), np.ptp(v, axis=1)))
    cell = min(max(face / FACE_RAYS, extent / MOST_RAYS), extent / rays)
    u0, v0 = u.min(), v.min()
    cols, rows = int(np.ptp(u) / cell) + 2, int(np.ptp(v) / cell) + 2
    spans = np.stack(
        [(u.min(1) - u0) // cell, (u.max(1) - u0) // cell + 2, (v.min(1) - v0) // cell, (v.max(1) - v0) // cell + 2], 1
    ).astype(int)
    return u0 + (np.arange(cols) + 0.5) * cell, v0 + (np.arange(rows) + 0.5) * cell, cell, spans


def sight(boxes: np.ndarray, direction: np.ndarray, *, clear: float = 0.0, rays: int = RAYS) -> Sight:
    """Cast parallel rays from the eye's side along -direction through (n, 6) boxes (see Sight),
    each grown `clear` of its face's smaller side across the face (y and z): a face is then in sight
    only where its neighbours also stand that far clear of it on screen."""
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 6)
    side = np.minimum(boxes[:, 3] - boxes[:, 2], boxes[:, 5] - boxes[:, 4])[:, None] * clear
    boxes = boxes + np.hstack([np.zeros_like(side), np.zeros_like(side), -side, side, -side, side])
    d = np.asarray(direction, dtype=float)
    right, up = screen_axes(d)
    us, vs, cell, spans = _ray_grid(boxes, right, up, rays)
    nearest = np.full((len(vs), len(us)), -np.inf)
    seen_by = np.full(nearest.shape, -1)  # box * 3 + the axis of the face the ray meets first
    own = np.zeros(len(boxes))  # each box's map face, in cells, with nothing in front
    flat = np.abs(d) < 1e-9  # a ray along a face's plane meets its slab everywhere or nowhere
    step = np.where(flat, 1.0, d)
    for i, (box, (c0, c1, r0, r1)) in enumerate(zip(boxes, spans)):
        q = us[None, c0:c1, None] * right + vs[r0:r1, None, None] * up  # ray origins (t = 0 on the plane)
        lo, hi = (box[[0, 2, 4]] - q) / step, (box[[1, 3, 5]] - q) / step
        inside = np.all(~flat | ((q >= box[[0, 2, 4]]) & (q <= box[[1, 3, 5]])), axis=-1)
        enter = np.where(flat, -np.inf, np.minimum(lo, hi)).max(-1)
        exits = np.where(flat, np.inf, np.maximum(lo, hi))
        t, axis = exits.min(-1), exits.argmin(-1)  # the eye is at +t: a ray meets the box at its largest t
        hit = inside & (t >= enter)
        own[i] = np.count_nonzero(hit & (axis == 0))
        window = nearest[r0:r1, c0:c1]
        closer = hit & (t > window)
        window[closer] = t[closer]
        seen_by[r0:r1, c0:c1][closer] = i * 3 + axis[closer]
    counts = np.bincount(seen_by[seen_by >= 0], minlength=3 * len(boxes)).reshape(-1, 3)
    with np.errstate(invalid="ignore", divide="ignore"):
        faces = np.where(own > 0, counts[:, 0] / own, np.nan)
    return Sight(faces, float(np.count_nonzero(seen_by >= 0)) * cell * cell)


# A close-up's picture room (fractions of the frame's half height from its middle, up positive):
# below the heads-up's two lines with a block's label above the subject (its box's top 270 px down at
# 1080p; at 200 px conv1's label found no room under the heads-up and was not drawn, at 243 px it
# stood beside the grid, by relu1, while the camera moved in: tests/viewer/test_open_label_own_block), above the
# caption's band by CAPTION_CLEAR (its two lines' band top at y = 734 at 1080p, 16:9: the mistake's
# attribution image stood on it, its bottom at y = 731), else above the legends.
ROOM_TOP = 0.5
# ... an open grid of maps' (open_framing.room_top): its maps' names head it and its block's label stands
# beside it, so it reaches up to just under the heads-up's line (its bottom 96 px down at 1080p): under
# ROOM_TOP conv1's two rows of maps were 168 px tall at 1080p, the picture's top quarter empty
MAPS_ROOM_TOP = 0.78
CAPTION_TOP = -0.36
CAPTION_CLEAR = 0.05  # of the half height: 27 px at 1080p between the subject and the caption's band
LEGENDS_TOP = -0.55  # uncaptioned: the legends' titles stand under this
SIDE_GAP = 0.04  # of the half width, inside the title-safe sides: a close-up's subject off the frame's edge
# ... an open grid of maps' (top MAPS_ROOM_TOP): the title-safe margin (twice its share) is its gap, where a
# lecture keeps one, with this little more: the input's glimpse beside it took the width the kernels' cells need
# (conv1's could not reach 30 px at 1080p beside 210 px maps, watch 9 #7)
MAPS_SIDE_GAP = 0.005


def picture_room(captioned: bool, safe: float = 0.0, top: float = ROOM_TOP) -> tuple[float, float, float, float]:
    """Where a close-up's subject may stand (x0, x1, y0, y1; -1..1 across and up the frame from its
    middle): between the side edges less `safe` (of the width: a lecture's title-safe margin) and
    SIDE_GAP (an open grid of maps: what of it the safe margin leaves, MAPS_SIDE_GAP at least), from
    over the caption's band (CAPTION_CLEAR) or the legends to `top` (under the heads-up with a block
    label above the subject; MAPS_ROOM_TOP: an open grid of maps')."""
    gap = max(SIDE_GAP - 2.0 * safe, MAPS_SIDE_GAP) if top >= MAPS_ROOM_TOP else SIDE_GAP
    side = 1.0 - 2.0 * safe - gap
    bottom = CAPTION_TOP + CAPTION_CLEAR if captioned else LEGENDS_TOP
    return (-side, side, bottom, top)

"""A close-up (the camera on a layer) fades the network out at the frame's sides: the subject
stands whole in the frame and its neighbours run on past the side edges; cut there, they read as
accidental (the lecture's conv1 close-up sliced relu2 at the right edge, 23-32 s). So each side
edge has a band over which the blocks fade into the background (drawn by viewer/overlays/
edge_fade.py), stopping short of the subject, eased in as the camera moves onto the layer. The
frame's edges in gaps between blocks was tried first: LeNet's blocks stand a few pixels apart on
screen, and the gaps move as the camera pans, so the only framing with no block cut was the whole
network.

A band's gradient over a block still read as a block cut by the frame (the mistake's close-up: relu1
at the right edge under a grey smear, pool1 sliding out half-cut as the camera moved in; the conv1
close-up's relu2 faded, its label pinned at the edge). So a block the side edge cuts is covered
whole (side_strips): the cover reaches in to the block's inner edge and fades the block out as
its end nears the edge (APPROACH), its label with it. Only a
block too long to cover short of the subject keeps the gradient band. Pure numbers."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from nnvox.scenes.camera import CameraPath, CameraPose, Key, blend
from nnvox.scenes.framing import picture_room, screen_axes
from nnvox.scenes.open_framing import INSIDE, filled, held_in, room_top, subject_boxes
from nnvox.scenes.shot_subject import shot_subject
from nnvox.scenes.storyboard import CameraMove, Shot

# of the frame's width: how far right of its room's middle a mistake's close-up stands its subject,
# towards the answer docked right of it (at 4:3 the attribution's label found no room left of the input's)
DOCK_LEAN = 0.06
BAND = 0.12  # of the frame's width: a side's gradient, where a block cut by its edge reaches the subject
SUBJECT_GAP = 0.02  # of the frame's width: the band stops this far short of the subject
_ANY = CameraPose((0.0, 0.0, 0.0), (0.0, -1.0, 0.0), (0.0, 0.0, 1.0), 1.0)  # a stand-in: only the keys' timing counts


def close_share(move: CameraMove) -> Callable[[float], float]:
    """How far (0..1) the camera of `move` is on a layer at each fraction of its shot: 1 at and
    between keys on layers, eased as it moves from another key onto one (and off it), 0 elsewhere
    (a focus move: from its start into the layer)."""
    if move.move == "focus":
        path = CameraPath((Key(0.0, _ANY), Key(0.6, _ANY, move.ease), Key(1.0, _ANY, "linear")))
        on = [0.0, 1.0, 1.0]
    elif move.keys:
        path = CameraPath(tuple(Key(k.at, _ANY, k.ease) for k in move.keys))
        on = [float(k.layer is not None) for k in move.keys]
    else:
        return lambda s: 0.0

    def share(s: float) -> float:
        i, u = path.where(s)
        a, b = on[i], on[min(i + 1, len(on) - 1)]
        return a + (b - a) * u

    return share


def close_zoom(move: CameraMove) -> Callable[[float], float]:
    """The zoom a move's close-up asks for at each fraction of its shot: a focus move's, else that
    of the key on a layer the camera is at or moving to (the one it leaves, past the last); none
    below 1: a focus zoomed out to bring its neighbours in (the lecture's 0.75 on conv1, for the
    input), and a filled close-up frames those it needs already (shot_subject)."""
    if move.move == "focus" or not move.keys:
        return lambda s: max(move.zoom, 1.0)
    layers = [k for k in move.keys if k.layer is not None]
    if not layers:
        return lambda s: 1.0
    return lambda s: max(next((k.zoom for k in layers if k.at >= s), layers[-1].zoom), 1.0)


def filled_close_up(
    camera: Callable[[float], CameraPose],
    move: CameraMove,
    subject: Callable[[float], np.ndarray],
    aspect: float,
    room,
    lean: float = 0.0,
) -> Callable[[float], CameraPose]:
    """A shot's `camera` whose close-up (close_share) frames its `subject` (boxes (n, 6) at each
    fraction: the layers it opens and moves to, as drawn) to fill the picture `room`
    (framing.picture_room: clear of the caption's band), centred, the key's zoom applied to that:
    a focus on one layer left the rest of an opened layer's subject small and to one side (the
    lecture's conv1 maps 90 px at 1080p, the input 475 px from the left edge), and the mistake's
    input and its attribution on the caption's band. Eased in as the camera moves onto the layer,
    the subject held in the room as it eases (from the whole frame: a blend of the wide pose and the
    close-up's stood the attribution 6 px over the caption's band); the direction is the camera's.
    `lean` (of the frame's width): how far right of the room's middle the subject stands, where the
    room leaves it that much spare (leaned)."""
    share, zoom = close_share(move), close_zoom(move)

    def at(s: float) -> CameraPose:
        pose, u = camera(s), share(s)
        if u <= 0:
            return pose
        boxes = subject(s)
        eased = blend(pose, filled(pose, boxes, aspect, leaned(pose, boxes, aspect, room, zoom(s), lean), zoom(s)), u)
        whole = (-INSIDE[0], INSIDE[0], -INSIDE[1], INSIDE[1])  # (a subject easing in keeps off the edges)
        return held_in(eased, boxes, aspect, tuple(a + (b - a) * u for a, b in zip(whole, room)))

    return at


def shot_close_up(
    camera, shot: Shot, scene, aspect: float, opened: Callable[[float], float], safe: float = 0.0, dock: float = 0.0
):
    """filled_close_up for a shot whose subject (shot_subject: what it opens and moves to) has an
    opened layer or an attribution (a mistake's input with what drove it), as drawn `opened` (0..1)
    of the way through opening, in the picture room over its caption (`safe`: a lecture's
    title-safe margin). A close-up on a closed block keeps focus's framing (camera.focus). A shot of
    a mistake keeps `dock` (of the frame's width, at its right edge: viewer/class_room.dock_room)
    free right of its subject for the answer's list (overlays/answer_dock.py), after the input as
    the network's answer comes after the blocks: docked left of it, the answer read before the
    input it answers (watch 8)."""
    drawn = {b.name: b for b in scene.blocks}
    names = [n for n in sorted(shot_subject(shot)) if n in drawn]
    if not any(drawn[n].opened is not None or drawn[n].kind == "Attribution" for n in names):
        return camera
    room = picture_room(shot.caption is not None, safe, room_top(drawn[n] for n in names))
    lean = 0.0
    if docking(shot, dock):  # the subject leans on the list, the two read as one (room for its label)
        room, lean = (room[0], min(room[1], 1.0 - 2.0 * dock), *room[2:]), DOCK_LEAN
    subject = lambda s: subject_boxes(scene, names, opened(s))
    return filled_close_up(camera, shot.camera, subject, aspect, room, lean)


def leaned(pose: CameraPose, boxes, aspect: float, room, zoom: float, lean: float):
    """`room` (framing.picture_room) narrowed from the left so that `boxes`, filling it under `pose`
    (open_framing.filled: centred, `zoom`), stand up to `lean` (of the frame's width) right of its
    middle, as far as they leave it spare across: the same size, nearer its right side."""
    if lean <= 0:
        return room
    x0, x1, y0, y1 = room
    right, up = screen_axes(np.asarray(pose.direction, float))
    corners = np.asarray(boxes, float).reshape(-1, 6)[:, [(x, y, z) for x in (0, 1) for y in (2, 3) for z in (4, 5)]]
    width, height = np.ptp(corners @ right), np.ptp(corners @ up)
    scale = max(width / ((x1 - x0) * aspect), height / (y1 - y0), 1e-9) / zoom
    spare = (x1 - x0) - width / (scale * aspect)  # -1..1 units across the frame
    return (x0 + 2.0 * min(max(spare, 0.0) / 2.0, 2.0 * lean), x1, y0, y1)


def docking(shot: Shot, dock: float) -> bool:
    """Whether `shot` keeps room (`dock` > 0) right of its close-up's subject for a mistake's answer."""
    return dock > 0 and shot.view.mistake is not None


def carried_subject(start: CameraPose, boxes, aspect: float, edge: float = 0.0) -> np.ndarray | None:
    """Where a shot carries its camera on from `start` (the shot before's last pose) and that pose
    leaves some of the (n, 6) `boxes` out of its frame, whole or in part (a close-up: its covers hid
    the cut ones), the boxes wholly inside it: the covers stand short of them while the camera pulls
    back, so the others come in whole, fading in (a pull-back from conv1's close-up to the network
    drew them sliced by the side edge as they slid in); None where all are inside. Shown whole: clear
    of the side edges by `edge` (of the frame's width: a lecture's title-safe margin) and APPROACH,
    as a close-up leaves a block uncovered (side_strips): one nearer stands in a cover's reach (the
    digits CNN's conv2, 0.98 across, left the covers no room and its neighbours came in sliced)."""
    boxes = np.asarray(boxes, float).reshape(-1, 6)
    right, _ = screen_axes(np.asarray(start.direction, float))
    corners = boxes[:, [(x, y, z) for x in (0, 1) for y in (2, 3) for z in (4, 5)]]
    x = (corners - np.asarray(start.focal)) @ right / (start.scale * aspect)  # (n, 8): -1..1 across the frame
    clear = (np.abs(x) <= 1.0 - 2 * (edge + APPROACH)).all(axis=1)
    return boxes[clear] if clear.any() and not (np.abs(x) <= 1.0).all() else None


def fade_bands(pose: CameraPose, subject, aspect: float, share: float) -> tuple[float, float]:
    """How far in (of the frame's width) each side's cover may reach, (left, right), in a close-up
    `share` (close_share) of the way onto its layer under `pose`: up to SUBJECT_GAP short of the
    `subject` boxes (n, 6) on screen; (0, 0) off a close-up. side_strips covers within it."""
    if share <= 0:
        return (0.0, 0.0)
    boxes = np.asarray(subject, float).reshape(-1, 6)
    right, _ = screen_axes(np.asarray(pose.direction, float))
    corners = boxes[:, [(x, y, z) for x in (0, 1) for y in (2, 3) for z in (4, 5)]].reshape(-1, 3)
    x = (corners - np.asarray(pose.focal)) @ right / (pose.scale * aspect)  # -1..1 across the frame
    left_room, right_room = (x.min() + 1) / 2 - SUBJECT_GAP, (1 - x.max()) / 2 - SUBJECT_GAP
    return tuple(float(max(room, 0.0)) for room in (left_room, right_room))


def carried_bands(pose: CameraPose, own, before, aspect: float, share: float, carried: float) -> tuple[float, float]:
    """fade_bands of a shot with its own subject (`own` boxes) carried on from a close-up: short of
    that close-up's blocks shown whole (`before`, carried_subject) too at first, easing to its own
    subject's alone as the camera carries on (`carried`: 0..1, shots.carried_share). Its own alone
    covered the close-up's blocks at full strength at its first frame (review of round 18)."""
    both = np.vstack([np.asarray(own, float).reshape(-1, 6), np.asarray(before, float).reshape(-1, 6)])
    alone, kept = fade_bands(pose, own, aspect, share), fade_bands(pose, both, aspect, share)
    return tuple(float(k + (a - k) * carried) for a, k in zip(alone, kept))


# of the frame's width: a block whose outer end comes this near a side edge fades out whole, gone as
# its end reaches the edge (0.3 of its width past the edge before: pool1 read as a grey, half-cut ghost)
APPROACH = 0.02
HIDES = 0.2  # a cover this opaque hides its blocks' labels (a label pinned at the edge over a block fading out)
RAMP = 0.01  # of the frame's width: a cover's inner end eases to clear over this (or the gap before the next block)
# of the frame's width: a line from the last block drawn into a cover fades out over this (10 px at 1080p)
LINE_FADE = 0.005


def smoothstep(t):
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def side_strips(spans, reach: float, edge: float = 0.0) -> tuple[list[tuple[float, float, float, float]], np.ndarray]:
    """The right side edge's cover, given the blocks' `spans` (n, 2) across the frame (0 its left
    edge, 1 its right) and how far in it may `reach` (fade_bands): strips (x0, x1, alpha at x0,
    alpha at x1) of the background's colour, and which blocks it hides (bool, n: covered at HIDES
    opacity or more, their labels hidden with them). Every block the edge cuts or nearly
    (APPROACH), and every block reaching into its cover, is covered whole, opaque as the nearest
    one's end reaches the edge: no block is drawn cut; the cover ends clear in the gap inside it.
    A cut block reaching nearer the subject than `reach` keeps the gradient band (BAND). `edge` (of
    the frame's width): the margin a lecture keeps its texts out of (theme.TITLE_SAFE), a block
    reaching into it counted as cut: a neighbour stands inside it with its label, or fades out (the
    lecture's conv1 close-up kept conv2 at the right edge, its label 27 px from it at 1080p)."""
    spans = np.asarray(spans, float).reshape(-1, 2)
    none = np.zeros(len(spans), bool)
    if reach <= 0:
        return [], none
    seen, coverable, cut = _cut(spans, reach, edge)
    if not cut.any():
        return [], none
    if not (cut <= coverable).all():  # too long to cover short of the subject: the gradient
        band = min(BAND, reach)
        t = np.linspace(0.0, 1.0, 13)
        xs, alpha = 1.0 - band + band * t, smoothstep(t)
        return [(xs[k], xs[k + 1], alpha[k], alpha[k + 1]) for k in range(12)], none
    # each block fades by its own end's approach to the edge: one opacity for all (the nearest's)
    # covered a block whole in one frame as it came into the margin (the lecture's conv2, 28.2 s,
    # joined relu2's opaque cover at once)
    level = np.where(cut, smoothstep((spans[:, 1] - 1.0 + edge + APPROACH) / APPROACH), 0.0)
    covered = cut.copy()
    while True:  # and the blocks reaching into the cover (an oblique view overlaps neighbours)
        start = spans[covered, 0].min()
        more = coverable & ~covered & (spans[:, 1] > start)
        if not more.any():
            break
        for k in np.flatnonzero(more):  # as covered as those it reaches into, as far as it reaches in
            under = covered & (spans[:, 0] < spans[k, 1])
            level[k] = max(
                level[k], float((level[under] * smoothstep((spans[k, 1] - spans[under, 0]) / APPROACH)).max())
            )
        covered |= more
    strips, shown = _steps(spans, covered, seen, level)
    return strips, covered & (shown >= HIDES)


def _cut(spans: np.ndarray, reach: float, edge: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """side_strips' blocks (bool, n each): those seen (starting inside the frame), those it may
    cover (starting within `reach`), and those the edge cuts or nearly (APPROACH, the margin `edge`)."""
    seen = spans[:, 0] < 1.0
    coverable = seen & (spans[:, 0] >= 1.0 - reach)
    # the margin counts for the coverable only: a subject reaching into it (never covered) would
    # send its neighbour, cut at the edge, to the gradient band instead of covering it
    cut = seen & ((spans[:, 1] > 1.0 - APPROACH) | (coverable & (spans[:, 1] > 1.0 - edge - APPROACH)))
    return seen, coverable, cut


def _steps(spans: np.ndarray, covered: np.ndarray, seen: np.ndarray, level: np.ndarray):
    """The strips of side_strips' cover: from each covered block's inner end to the edge, as opaque
    as the most covered block from there in (so no block is covered more at its outer part than at
    its inner), each rise eased over RAMP or the gap before it; and how covered each block is."""
    order = np.flatnonzero(covered)[np.argsort(spans[covered, 0], kind="stable")]
    starts, opacity = spans[order, 0], np.maximum.accumulate(level[order])
    shown = np.zeros(len(spans))
    shown[order] = opacity
    strips, ramps = [], []
    for i, (x0, a) in enumerate(zip(starts, opacity)):
        below = opacity[i - 1] if i else 0.0
        if i and a == below:
            continue
        x1 = next((x for x, b in zip(starts[i + 1 :], opacity[i + 1 :]) if b != a), 1.0)
        strips.append((float(x0), float(x1), float(a), float(a)))
        before = spans[seen & (spans[:, 1] <= x0), 1]
        gap = x0 - before.max() if len(before) else RAMP
        ramp = min(RAMP, gap, x0 - starts[i - 1] if i else RAMP)
        shown_in = spans[seen & ~covered & (spans[:, 0] < x0), 1]  # the blocks left drawn inside it
        clear = x0 - shown_in.max() if len(shown_in) else 0.0
        if not i and clear > ramp:  # the first rises right off the last block drawn, over LINE_FADE: the
            # line joining it to the covered ends at it (relu1's ran on into nothing in the mistake's
            # close-up; faded over the whole gap, the input's read as a leader into the answer's list)
            rise = min(clear, LINE_FADE)
            ramps.append((float(x0 - clear), float(x0 - clear + rise), float(below), float(a)))
            if clear > rise:
                strips.append((float(x0 - clear + rise), float(x0), float(a), float(a)))
            continue
        if ramp > 0:
            ramps.append((float(x0 - ramp), float(x0), float(below), float(a)))
    return strips + ramps, shown


def cover_alpha(spans, strips) -> np.ndarray:
    """How covered (0..1) each block of `spans` (n, 2, across the frame) is under `strips`
    (side_strips', both sides' in frame coordinates): the least of the covers' opacity over its
    part in the frame, so that a block is faded only as far as its whole visible part is. A
    transparent video fades the blocks themselves by this (overlays/edge_fade.py): a cover of the
    background's colour is opaque there, a grey slab over the slide behind."""
    spans = np.clip(np.asarray(spans, float).reshape(-1, 2), 0.0, 1.0)
    out = np.zeros(len(spans))
    for k, (x0, x1) in enumerate(spans):
        if x1 <= x0:
            continue
        xs = np.linspace(x0, x1, 9)
        alpha = np.zeros_like(xs)
        for s0, s1, a0, a1 in strips:
            inside = (xs >= s0) & (xs <= s1)
            alpha[inside] = np.maximum(alpha[inside], np.interp(xs[inside], [s0, s1], [a0, a1]))
        out[k] = alpha.min()
    return out


def level_strips(spans, level) -> tuple[list[tuple[float, float, float, float]], np.ndarray]:
    """side_strips for blocks whose cover is given (a follow shot's, eased between its holds:
    follow.follow_covers): the right side edge's strips over the blocks of `spans` (n, 2 across the
    frame, 0..1) each as opaque as `level` (n, 0..1) says, and which blocks it hides (HIDES)."""
    spans, level = np.asarray(spans, float).reshape(-1, 2), np.asarray(level, float).reshape(-1)
    covered = level > 0
    strips, shown = _steps(spans, covered, spans[:, 0] < 1.0, level)
    return strips, covered & (shown >= HIDES)


# seconds over which a close-up's cover over a block comes and goes, eased: rising to whole by the
# time the block's end nears the edge, clearing after it stands clear (found at each frame, a cover rose within a frame
# as a block's end crossed APPROACH at the camera's speed: the mistake's push-in flashed relu1 and
# pool1 grey and gone at 113 s, diff 16.6)
COVER_SECONDS = 0.4
COVER_RATE = 30  # the eased covers' samples per second of a shot


def covered_now(
    pose: CameraPose, boxes: np.ndarray, aspect: float, reach, edge: float, clear_right: bool = False
) -> np.ndarray | None:
    """(n, 2): whether each of `boxes` is covered (1) at the left and right side edge under `pose`
    with covers reaching `reach` (left, right: fade_bands) as side_strips covers them, a block wholly
    past an edge counted covered there (so it comes in by a fade); None where a side needs the
    gradient band (a cut block too long to cover short of the subject: found at each frame).
    `clear_right`: every block the right cover may reach is covered, cut or not (a mistake's answer
    stands there: shot_close_up's dock), as if the side's margin reached in to the cover's end."""
    right, _ = screen_axes(np.asarray(pose.direction, float))
    corners = boxes[:, [(x, y, z) for x in (0, 1) for y in (2, 3) for z in (4, 5)]]
    x = (corners - np.asarray(pose.focal)) @ right / (pose.scale * aspect)
    spans = (np.column_stack([x.min(axis=1), x.max(axis=1)]) + 1) / 2
    out = np.zeros((len(boxes), 2))
    for side, across in enumerate((1.0 - spans[:, ::-1], spans)):
        if reach[side] <= 0:
            continue
        margin = max(edge, reach[side]) if side and clear_right else edge
        _, coverable, cut = _cut(across, reach[side], margin)
        if not (cut <= coverable).all():
            return None
        _, hidden = side_strips(across, reach[side], margin)
        out[hidden | (across[:, 0] >= 1.0), side] = 1.0
    return out


def eased_covers(camera, bands, boxes, aspect: float, edge: float, duration: float, clears=None):
    """How covered (n, 2: left and right side edge, 0..1) each of `boxes` is at each fraction of a
    close-up shot, each change eased over COVER_SECONDS about when it happens under `camera` with
    the covers reaching `bands` (covered_now at COVER_RATE samples a second): a block fades out
    while still whole, before its end reaches the edge, and fades in once clear (as follow.py's
    covers ease about each camera stop). None where some frame needs the gradient band, or none covers.
    `clears` (fraction -> bool): where the right cover takes every block it may reach (covered_now)."""
    boxes = np.asarray(boxes, float).reshape(-1, 6)
    n = max(2, math.ceil(duration * COVER_RATE) + 1)
    raw = []
    for p in np.linspace(0.0, 1.0, n):
        now = covered_now(camera(p), boxes, aspect, bands(p), edge, bool(clears and clears(p)))
        if now is None:
            return None
        raw.append(now)
    raw = np.array(raw)
    if not raw.any():
        return None
    level, step = raw.copy(), duration / (n - 1)
    for k in range(1, min(n, math.ceil(COVER_SECONDS / step))):
        w = 1.0 - float(smoothstep(k * step / COVER_SECONDS))  # a cover k samples away, this much here
        level[k:] = np.maximum(level[k:], raw[:-k] * w)
        level[:-k] = np.maximum(level[:-k], raw[k:] * w)

    def at(p: float) -> np.ndarray:
        u = min(max(p, 0.0), 1.0) * (n - 1)
        i = min(int(u), n - 2)
        return level[i] + (level[i + 1] - level[i]) * (u - i)

    return at

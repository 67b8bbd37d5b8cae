"""Camera poses and moves as plain data (no GL): the window, exports and storyboards all place the
camera through these, so a move looks the same wherever it plays, and can be tested as numbers.

The camera is orthographic (a diagram: far layers are not shrunk, so sizes compare truly), so a
pose is a focal point, a viewing direction, an up vector and a scale (half the view's height in
scene units). Moves interpolate poses: focal points along a line or a Catmull-Rom spline, the
direction by spherical interpolation, the scale geometrically (a zoom feels even).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from nnvox.errors import NnvoxError
from nnvox.scenes.framing import screen_axes, sight
from nnvox.scenes.toml_files import read_toml

Bounds = tuple[float, float, float, float, float, float]  # x0, x1, y0, y1, z0, z1
LABEL_ROOM = 3.0  # scene units above and below the blocks that their labels take
MAX_COORDINATE = 1e6  # scene units: scenes span tens to thousands; more is a damaged or hostile file
BAND = 0.74  # of the image height the network fills; the rest holds the heads-up line and legend
LIFT = 0.06  # of the view the framed middle stands above the image centre: the legend's room below
# The overview's angle is chosen among these (framing_angle): azimuths in degrees from straight in
# front (-y) towards the input's end (-x), at which the blocks' map faces turn to the camera and the
# chain shortens on screen (the blocks grow) until they stack in front of each other; at each, level
# and the most elevation (at most MOST_ELEVATION, which shows the blocks' tops) that keeps the chain
# within MAX_SLOPE of level. From above, a parallel projection raises the far end of the chain
# (slope = atan(tan(azimuth) * sin(elevation))): the old 16-18 degrees drew a rising diagonal.
FRAMING_AZIMUTHS = (25.0, 30.0, 35.0, 40.0, 45.0, 50.0, 55.0, 60.0, 65.0)
MOST_ELEVATION = 12.0
MAX_SLOPE = 5.0  # degrees the chain may rise on screen: it reads as a level line, left to right
FACE_SEEN = 0.9  # of each block's map face in sight, with CLEAR around it (or the most that any angle shows)
UNSEEN_AZIMUTH = 45.0  # framing_angle's without the blocks to weigh: the middle of those tried
CLEAR = 0.05  # of a face's smaller side: the room its neighbours leave around it on screen, so blocks read apart
WIDTH_FILL = 0.88  # of the view's width the overview's network fills at the most (fit's margin)
# of the frame's width the overview keeps left of the network where it keeps room for the output's
# class texts on the right (overview's `beside`): the input's label, centred over it, still reads whole
INPUT_SIDE = 0.02
FOCUS_FILL = 0.7  # of the view's height or width a focused block fills: well closer than the overview

EASINGS: dict[str, Callable[[float], float]] = {
    "linear": lambda u: u,
    "smooth": lambda u: u * u * (3 - 2 * u),  # ease in and out
    "smoother": lambda u: u * u * u * (u * (6 * u - 15) + 10),
    "in": lambda u: u * u * u,
    "out": lambda u: 1 - (1 - u) ** 3,
}


def ease(name: str, u: float) -> float:
    try:
        return EASINGS[name](min(max(u, 0.0), 1.0))
    except KeyError:
        raise NnvoxError(f"unknown easing {name!r}; choose one of {', '.join(EASINGS)}") from None


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    n = np.linalg.norm(v)
    if not n > 0:
        raise NnvoxError("a camera direction or up vector is zero; give a non-zero vector")
    return v / n


@dataclass(frozen=True)
class CameraPose:
    focal: tuple[float, float, float]
    direction: tuple[float, float, float]  # unit vector from the focal point towards the eye
    up: tuple[float, float, float]
    scale: float  # half the view's height, in scene units

    def to_dict(self) -> dict[str, list[float] | float]:
        r = lambda v: [round(float(x), 6) for x in v]
        return {
            "focal": r(self.focal),
            "direction": r(self.direction),
            "up": r(self.up),
            "scale": round(float(self.scale), 6),
        }

    @classmethod
    def from_dict(cls, d: dict) -> CameraPose:
        """From a saved view; raises NnvoxError naming what is wrong."""
        if not isinstance(d, dict):
            raise NnvoxError(f"a camera view is a table of focal, direction, up and scale, got {d!r}"[:200])
        missing = {"focal", "direction", "up", "scale"} - set(d)
        if missing:
            raise NnvoxError(
                f"a camera view needs focal, direction, up and scale; {', '.join(sorted(missing))} missing"
            )
        shape = "a camera view's focal, direction and up are lists of 3 numbers, its scale a positive number"
        try:
            vecs = [tuple(float(x) for x in d[k]) for k in ("focal", "direction", "up")]
            scale = float(d["scale"])
        except (TypeError, ValueError, OverflowError):
            raise NnvoxError(shape) from None
        if any(len(v) != 3 for v in vecs) or not scale > 0:
            raise NnvoxError(shape)
        if not all(abs(x) <= MAX_COORDINATE for v in (*vecs, (scale,)) for x in v):  # also NaN, inf
            raise NnvoxError(f"{shape}, finite and at most {MAX_COORDINATE:g} in size")
        direction = _unit(vecs[1])
        up = _unit(np.asarray(vecs[2]) - direction * float(np.dot(vecs[2], direction)))  # square to the direction
        return cls(vecs[0], tuple(direction), tuple(up), scale)


def view_file_text(pose: CameraPose, note: str) -> str:
    """A saved view as TOML: a storyboard uses it as camera = { view = "FILE" } or in a keyframe."""
    d = pose.to_dict()
    fmt = lambda v: "[" + ", ".join(f"{x:.6g}" for x in v) + "]"
    return (
        f'# {note}\n# in a storyboard: camera = {{ view = "THIS FILE" }}, or a key {{ at = 0.5, view = "THIS FILE" }}\n'
        f"[camera]\nfocal = {fmt(d['focal'])}\ndirection = {fmt(d['direction'])}\n"
        f"up = {fmt(d['up'])}\nscale = {d['scale']:.6g}\n"
    )


def load_view(path) -> CameraPose:
    """A view file the window saved (press k)."""
    from pathlib import Path

    path = Path(path)
    doc, _ = read_toml(path, f"view file {path}", "not found; save one in the window with k")
    try:
        return CameraPose.from_dict(doc.get("camera", {}))
    except NnvoxError as exc:
        raise NnvoxError(f"view file {path}: {exc}") from None


def view_direction(long_scene: bool, azimuth: float = 0.0, elevation: float = 0.0) -> np.ndarray:
    """The overview's direction (from the front-left and a little above), turned `azimuth` degrees
    about the vertical and tilted `elevation` degrees up. A long network seen from the front-left
    is a thin diagonal: it is looked at more from the front."""
    d = np.array([-0.45, -1.0, 0.35]) if long_scene else np.array([-1.0, -0.95, 0.4])
    a = math.radians(azimuth)
    d[:2] = [math.cos(a) * d[0] - math.sin(a) * d[1], math.sin(a) * d[0] + math.cos(a) * d[1]]
    d = _unit(d)
    if elevation:
        horizontal = math.hypot(d[0], d[1])
        tilt = min(max(math.atan2(d[2], horizontal) + math.radians(elevation), -1.5), 1.5)
        d = np.array([d[0] / horizontal * math.cos(tilt), d[1] / horizontal * math.cos(tilt), math.sin(tilt)])
    return d


class Network(NamedTuple):
    """What a scene draws, as (n, 6) boxes for framing it: its blocks, and its edges' routes (a
    skip connection's arc over the blocks)."""

    blocks: np.ndarray
    routes: np.ndarray

    def all(self) -> np.ndarray:
        return np.vstack([self.blocks, self.routes])


def network_boxes(scene) -> Network:
    """The boxes the overview frames (see Network)."""
    routes = [np.asarray(path, dtype=float).reshape(-1, 3) for path in scene.edge_paths or ()]
    return Network(
        np.array([b.bounds for b in scene.blocks], dtype=float).reshape(-1, 6),
        np.array([np.column_stack([p.min(0), p.max(0)]).ravel() for p in routes]).reshape(-1, 6),
    )


def _corners(boxes: np.ndarray, label_room: float) -> np.ndarray:
    """(n * 8, 3) corners of (n, 6) boxes, each grown `label_room` up and down (its label's room)."""
    b = np.asarray(boxes, dtype=float).reshape(-1, 6) + np.array([0, 0, 0, 0, -label_room, label_room])
    index = [(x, y, z) for x in (0, 1) for y in (2, 3) for z in (4, 5)]
    return b[:, index].reshape(-1, 3)


def fit(
    bounds: Bounds,
    direction: np.ndarray,
    aspect: float,
    *,
    band: float = BAND,
    margin: float = WIDTH_FILL,
    label_room: float = LABEL_ROOM,
    boxes: Network | None = None,
) -> tuple[np.ndarray, float]:
    """The centre of `bounds` (and its labels) and the scale that fits them in view from
    `direction`: the box fills `band` of the height or `margin` of the width. Given `boxes` (the
    blocks', network_boxes), the blocks themselves are fitted and centred, not their bounding box
    (a network narrowing towards its output leaves that box's far corners empty)."""
    corners = _corners(np.asarray(bounds if boxes is None or not len(boxes.blocks) else boxes.all()), label_room)
    right, up = screen_axes(direction)
    across, high, deep = corners @ right, corners @ up, corners @ direction
    centre = right * (across.max() + across.min()) / 2 + up * (high.max() + high.min()) / 2 + direction * deep.mean()
    half_height, half_width = (high.max() - high.min()) / 2, (across.max() - across.min()) / 2
    return centre, max(half_height / band, half_width / aspect / margin, 1e-6)


def _base_angle(long: bool) -> tuple[float, float]:
    """view_direction's own azimuth (from the front towards -x) and elevation, in degrees."""
    d = view_direction(long)
    return math.degrees(math.atan2(-d[0], -d[1])), math.degrees(math.asin(d[2]))


def _tried() -> list[tuple[float, float]]:
    """The angles framing_angle weighs (azimuth, elevation; see FRAMING_AZIMUTHS)."""
    slope = math.tan(math.radians(MAX_SLOPE))
    highest = [
        min(math.degrees(math.asin(min(1.0, slope / math.tan(math.radians(a))))), MOST_ELEVATION)
        for a in FRAMING_AZIMUTHS
    ]
    return [(a, e) for a, top in zip(FRAMING_AZIMUTHS, highest) for e in (0.0, top)]


def framing_angle(
    bounds: Bounds, aspect: float, *, long: bool, band: float = BAND, boxes: Network | None = None
) -> tuple[float, float]:
    """The azimuth and elevation (from view_direction's) at which the network reads left to right
    and fills the frame: of the angles tried (FRAMING_AZIMUTHS), its chain within MAX_SLOPE of
    level, the one at which the blocks, fitted, cover the most of the picture, with FACE_SEEN of
    every block's map face in sight, CLEAR around it (or the most that any angle tried shows), and
    as much of the output's (the last block's: its rows must all read) as any angle shows. Without
    `boxes` (network_boxes), whose faces it weighs, it is UNSEEN_AZIMUTH's."""
    if boxes is None or not len(boxes.blocks):
        a0, e0 = _base_angle(long)
        return next((a0 - a, e - e0) for a, e in _tried() if a == UNSEEN_AZIMUTH and e > 0)
    shape = round(aspect * 20) / 20  # weighed for the frame's shape to 5%: a window being resized asks at each step
    key = (long, tuple(bounds), shape, band, boxes.blocks.tobytes(), boxes.routes.tobytes())
    if key not in _chosen:
        if len(_chosen) > 256:
            _chosen.clear()
        _chosen[key] = _best_angle(long, bounds, shape, band, boxes)
    return _chosen[key]


_chosen: dict[tuple, tuple[float, float]] = {}  # framing_angle's answers: a move asks once a frame


def _best_angle(long: bool, bounds: Bounds, aspect: float, band: float, boxes: Network) -> tuple[float, float]:
    a0, e0 = _base_angle(long)
    tried = [(a0 - a, e - e0) for a, e in _tried()]
    directions = [view_direction(long, turn, tilt) for turn, tilt in tried]
    seen = [sight(boxes.blocks, d, clear=CLEAR) for d in directions]
    scales = [fit(bounds, d, aspect, band=band, boxes=boxes)[1] for d in directions]
    least = lambda faces: float(np.nanmin(faces, initial=1.0))
    need = min(FACE_SEEN, max(least(s.faces) for s in seen)) - 1e-3
    output = max(least(s.faces[-1:]) for s in seen) - 1e-3
    fills = [
        s.covered / (4 * scale * scale * aspect) if least(s.faces) >= need and least(s.faces[-1:]) >= output else -1.0
        for s, scale in zip(seen, scales)
    ]
    return tried[int(np.argmax(fills))]


def _posed(centre: np.ndarray, direction: np.ndarray, scale: float, lift: float = LIFT) -> CameraPose:
    """Looking at `centre`, shifted so it sits `lift` of the view above the image centre (the legend is below)."""
    _, up = screen_axes(direction)
    return CameraPose(tuple(centre - up * scale * lift), tuple(direction), tuple(up), float(scale))


def _long(scene: Bounds) -> bool:
    return (scene[1] - scene[0]) > 10 * max(scene[5] - scene[4] + 2 * LABEL_ROOM, 1e-9)


def overview(
    bounds: Bounds,
    aspect: float,
    *,
    azimuth: float = 0.0,
    elevation: float = 0.0,
    zoom: float = 1.0,
    scale: float | None = None,
    band: float = BAND,
    lift: float = LIFT,
    wrapped: bool = False,
    boxes: Network | None = None,
    beside: float = 0.0,
    safe: float = 0.0,
) -> CameraPose:
    """The whole network, filling `band` of the height, lifted `lift` above the centre (a captioned
    shot asks for a narrower, higher band, so the caption has the bottom to itself), from the angle
    at which it fills the frame the most (framing_angle) turned `azimuth` and tilted `elevation`
    degrees more. `boxes` (network_boxes) fits the blocks rather than `bounds`' box. `beside` (of
    the frame's width, its edge margin included) is kept free right of the output (the last of
    `boxes`, else `bounds`' right end) for its class texts, the network INPUT_SIDE from the left
    edge where that room binds, or `safe` (of the width: a lecture's title-safe margin,
    theme.TITLE_SAFE) where that is more: a projector's overscan clips the frame's edges, and the
    input stood in them (38 px from the left edge at 1080p, its label pushed off its centre).
    `scale` fixes the zoom (an orbit keeps one, so the picture does not breathe). A network
    `wrapped` into rows is looked at from the front, as a long one is, so its rows read like text."""
    long = _long(bounds) or wrapped
    turn, tilt = framing_angle(bounds, aspect, long=long, band=band, boxes=boxes)
    direction = view_direction(long, azimuth + turn, elevation + tilt)
    centre, fitted = fit(bounds, direction, aspect, band=band, boxes=boxes)
    keep = beside > 0
    if keep:  # the network's left edge, right edge and the output's (without boxes: its box's), across the screen
        right, _ = screen_axes(direction)
        fitted_boxes = boxes is not None and len(boxes.blocks)
        network, last = (boxes.all(), boxes.blocks[-1:]) if fitted_boxes else ([bounds], [bounds])
        across = _corners(np.asarray(network), LABEL_ROOM) @ right
        left, end, output = across.min(), across.max(), (_corners(np.asarray(last), 0.0) @ right).max()
        inset = max(INPUT_SIDE, safe)
        fitted = max(fitted, (output - left) / (1 - inset - min(beside, 0.5)) / (2 * aspect))
    final = (fitted if scale is None else scale) / zoom
    if keep:  # the network and the room beside its output centred together
        width = 2 * final * aspect
        side = (1 - WIDTH_FILL) / 2
        room_end = max(end + side * width, output + beside * width)
        centre = centre + right * ((left - inset * width + room_end) / 2 - (left + end) / 2)
    return _posed(centre, direction, final, lift)


def focus(
    block: Bounds,
    scene: Bounds,
    aspect: float,
    *,
    azimuth: float = 0.0,
    elevation: float = 0.0,
    zoom: float = 1.0,
    wrapped: bool = False,
    boxes: Network | None = None,
    band: float = FOCUS_FILL,
    lift: float = LIFT,
) -> CameraPose:
    """One block (or a run of them) filling `band` of the view, lifted `lift` above the centre (a
    captioned shot's narrower, higher band, as overview's), seen from a little to the side of the
    overview's angle (its framing angle included: `boxes` as overview takes them), its labels in view."""
    long = _long(scene) or wrapped
    turn, tilt = framing_angle(scene, aspect, long=long, boxes=boxes)
    direction = view_direction(long, azimuth + turn + 12.0, elevation + tilt)
    centre, fitted = fit(block, direction, aspect, band=min(band, FOCUS_FILL), margin=FOCUS_FILL, label_room=1.5)
    return _posed(centre, direction, fitted / zoom, lift)


def rotated(pose: CameraPose, degrees: float) -> CameraPose:
    """Orbited `degrees` about the vertical through its focal point."""
    a = math.radians(degrees)
    rot = np.array([[math.cos(a), -math.sin(a), 0.0], [math.sin(a), math.cos(a), 0.0], [0.0, 0.0, 1.0]])
    return CameraPose(pose.focal, tuple(rot @ pose.direction), tuple(rot @ pose.up), pose.scale)


def _slerp(a: np.ndarray, b: np.ndarray, u: float) -> np.ndarray:
    dot = float(np.clip(np.dot(a, b), -1.0, 1.0))
    angle = math.acos(dot)
    if angle < 1e-6:
        return a
    if angle > math.pi - 1e-3:  # opposite: turn about the vertical rather than through the focal point
        b = _unit(b + np.array([0.0, 0.0, 1e-2]) + np.cross([0.0, 0.0, 1.0], a) * 1e-2)
        angle = math.acos(float(np.clip(np.dot(a, b), -1.0, 1.0)))
    return (math.sin((1 - u) * angle) * a + math.sin(u * angle) * b) / math.sin(angle)


def blend(a: CameraPose, b: CameraPose, u: float) -> CameraPose:
    """Between two poses (u from 0 to 1): straight focal path, turning direction, even zoom."""
    focal = (1 - u) * np.asarray(a.focal) + u * np.asarray(b.focal)
    return _with(
        focal, _slerp(np.asarray(a.direction), np.asarray(b.direction), u), a, b, u, a.scale * (b.scale / a.scale) ** u
    )


def _with(focal, direction, a: CameraPose, b: CameraPose, u: float, scale: float) -> CameraPose:
    direction = _unit(direction)
    up = (1 - u) * np.asarray(a.up) + u * np.asarray(b.up)
    up = up - direction * float(np.dot(up, direction))
    if np.linalg.norm(up) < 1e-9:
        up = screen_axes(direction)[1]
    return CameraPose(tuple(focal), tuple(direction), tuple(_unit(up)), float(scale))


def _catmull_rom(p0, p1, p2, p3, u: float) -> np.ndarray:
    p0, p1, p2, p3 = (np.asarray(p, dtype=float) for p in (p0, p1, p2, p3))
    return 0.5 * (
        (2 * p1) + (-p0 + p2) * u + (2 * p0 - 5 * p1 + 4 * p2 - p3) * u**2 + (-p0 + 3 * p1 - 3 * p2 + p3) * u**3
    )


@dataclass(frozen=True)
class Key:
    at: float  # fraction of the move, 0..1
    pose: CameraPose
    ease: str = "smooth"  # of the segment arriving at this key


@dataclass(frozen=True)
class CameraPath:
    """Keyframed poses. `ease` shapes time over the whole move and each key's `ease` the segment
    arriving at it; `spline` passes through the keys on a Catmull-Rom curve (no corners)."""

    keys: tuple[Key, ...]
    ease: str = "linear"
    spline: bool = False

    def __post_init__(self):
        if not self.keys:
            raise NnvoxError("a camera path needs at least one key")
        ats = [k.at for k in self.keys]
        if ats != sorted(ats) or ats[0] < 0 or ats[-1] > 1:
            raise NnvoxError(f"camera keys must run in order from 0 to 1; got {ats}")
        for name in {self.ease, *(k.ease for k in self.keys)}:
            ease(name, 0.0)  # unknown names fail here, not mid-render

    def where(self, s: float) -> tuple[int, float]:
        """Where the move is at `s` (0..1): between key i and the next, u (0..1, eased) of the way."""
        s = ease(self.ease, s)
        keys = self.keys
        if s <= keys[0].at or len(keys) == 1:
            return 0, 0.0
        if s >= keys[-1].at:
            return len(keys) - 2, 1.0
        i = max(k for k in range(len(keys) - 1) if keys[k].at <= s)
        a, b = keys[i], keys[i + 1]
        return i, ease(b.ease, (s - a.at) / max(b.at - a.at, 1e-12))

    def at(self, s: float) -> CameraPose:
        keys = self.keys
        i, u = self.where(s)
        if len(keys) == 1 or (i == 0 and u == 0.0):
            return keys[0].pose
        if i == len(keys) - 2 and u == 1.0:
            return keys[-1].pose
        a, b = keys[i], keys[i + 1]
        if not self.spline:
            return blend(a.pose, b.pose, u)
        before, after = keys[max(i - 1, 0)].pose, keys[min(i + 2, len(keys) - 1)].pose
        focal = _catmull_rom(before.focal, a.pose.focal, b.pose.focal, after.focal, u)
        log_scale = _catmull_rom(*([math.log(p.scale)] for p in (before, a.pose, b.pose, after)), u)[0]
        return _with(
            focal,
            _slerp(np.asarray(a.pose.direction), np.asarray(b.pose.direction), u),
            a.pose,
            b.pose,
            u,
            math.exp(log_scale),
        )


def orbit(
    bounds: Bounds, aspect: float, degrees: float, *, azimuth: float = 0.0, **framing
) -> Callable[[float], CameraPose]:
    """Swing from -degrees/2 to +degrees/2 about the overview at one zoom that fits every angle;
    `framing` (elevation, zoom, band, lift, wrapped, boxes) as `overview` takes it."""
    angles = np.linspace(-degrees / 2, degrees / 2, 9) + azimuth
    scale = max(overview(bounds, aspect, azimuth=a, **{**framing, "zoom": 1.0}).scale for a in angles)
    return lambda s: overview(bounds, aspect, azimuth=azimuth + degrees * (s - 0.5), scale=scale, **framing)


def flythrough(
    blocks: Sequence[Bounds],
    scene: Bounds,
    aspect: float,
    *,
    waypoints: int = 8,
    zoom: float = 1.0,
    wrapped: bool = False,
    boxes: Network | None = None,
) -> CameraPath:
    """Along the network in forward order: from the first block to the last, close up, on a smooth
    curve through evenly spaced blocks (at most `waypoints`), easing in and out at the ends."""
    if not blocks:
        raise NnvoxError("a fly-through needs at least one block")
    picks = sorted({round(i) for i in np.linspace(0, len(blocks) - 1, min(waypoints, len(blocks)))})

    # each waypoint frames a run of neighbouring blocks, so the view stays steady between them;
    # a neighbour on another row (a wrapped network goes back to the left) is left out, or the
    # waypoint would frame the ends of both rows and the camera pull out to the whole width
    def same_row(k: int, p: int) -> bool:
        return blocks[k][0] <= blocks[p][0] if k < p else blocks[k][0] >= blocks[p][0]

    spans = [[blocks[k] for k in range(max(p - 1, 0), min(p + 2, len(blocks))) if same_row(k, p)] for p in picks]
    framed = [
        (
            min(b[0] for b in s),
            max(b[1] for b in s),
            min(b[2] for b in s),
            max(b[3] for b in s),
            min(b[4] for b in s),
            max(b[5] for b in s),
        )
        for s in spans
    ]
    n = len(framed)
    keys = tuple(
        Key(
            i / max(n - 1, 1),
            focus(
                box, scene, aspect, azimuth=-20.0 + 40.0 * i / max(n - 1, 1), zoom=zoom, wrapped=wrapped, boxes=boxes
            ),
            "linear",
        )
        for i, box in enumerate(framed)
    )
    return CameraPath(keys, ease="smooth", spline=True)

"""What each frame of a storyboard shot shows: timeline position, forward-pass reveal, camera pose.
Pure functions of the shot, the scene and the frame number, so a storyboard renders the same
frames every time."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnvox.scenes.camera import (
    CameraPath,
    CameraPose,
    Key,
    blend,
    ease,
    fit,
    flythrough,
    focus,
    network_boxes,
    orbit,
    overview,
    view_direction,
)
from nnvox.scenes.close_up import (
    carried_bands,
    carried_subject,
    close_share,
    docking,
    eased_covers,
    fade_bands,
    shot_close_up,
)
from nnvox.scenes.follow import follow_covers, follow_move, pass_schedule, reveal_at
from nnvox.scenes.frames import lit_at
from nnvox.scenes.framing import picture_room
from nnvox.scenes.open_framing import framed, kept_in_frame
from nnvox.scenes.open_layer import (
    closed_scene,
    facing_key,
    grid_tour,
    labels_shown,
    open_pose,
    open_schedule,
    opening_start,
)
from nnvox.scenes.scene import Scene
from nnvox.scenes.scrub_stops import position_at, scrub_stops
from nnvox.scenes.shot_subject import shot_subject
from nnvox.scenes.stage_captions import stage_caption
from nnvox.scenes.storyboard import MOVE_SECONDS, CameraKey, CameraMove, Shot, resolve, scrubbed


@dataclass(frozen=True)
class ShotFrame:
    progress: float  # 0..1 through the shot
    t: float  # timeline position
    reveal: float | None  # forward pass, or None for every layer lit
    pose: CameraPose | None  # None on title cards
    opened: float = 1.0  # how open the shot's `open` layer is: 0 its stack, 1 its grid (scenes/open_layer.py)
    labels: float = 1.0  # how far the open layout's labels and kernels have faded in (0 while the maps fly)
    dimmed: float | None = None  # a forward pass: how far the blocks ahead of it have dimmed from lit (forward_light)
    # a second pose the picture dissolves into, and its share (0..1) of the picture: where a shot's
    # camera goes from one open kernel grid alone to all of them (open_camera), so the others arrive
    # whole, fading in, rather than sliding in across the frame's edge (conv2's tiles were cut by it)
    dissolve: tuple[CameraPose, float] | None = None
    # a close-up's fade bands at the left and right edges (close_up.fade_bands); a follow shot's also
    # each covered block's cover at the left and right edge ((name, left, right), ...: follow.follow_covers)
    sides: tuple = (0.0, 0.0)
    # the caption on screen (a forward pass's stage caption, or the shot's: stage_captions.py) and how
    # far (0..1) it is shown between two stages' (the shot's own fade at its ends aside)
    caption: str | None = None
    caption_shown: float = 1.0


def frame_count(shot: Shot, fps: int) -> int:
    return max(1, round(shot.duration * fps))


# A forward-pass shot starts with the network lit, as the shot before (or any still view) showed it,
# and dims the blocks ahead of the pass over its first seconds, before the pass lights the first
# stage (scenes/follow.pass_schedule's lead on the input: 1 s of the lecture's 24 s pass): a
# darkening over ~18 frames, not in one.
DIM_SECONDS = 0.6


def forward_dimming(p: float, duration: float) -> float:
    """How far (0..1, eased) the blocks ahead of a forward pass have dimmed `p` (0..1) through its
    shot: over DIM_SECONDS, at most a quarter of a short shot."""
    seconds = min(DIM_SECONDS, duration / 4)
    return ease("smooth", min(1.0, p * duration / seconds)) if seconds > 0 else 1.0


def forward_light(scene: Scene, reveal: float, dimmed: float) -> dict[str, float]:
    """Each block's light in a forward pass that starts from the network lit: its input (where the
    pass starts) stays lit, each block ahead dims from lit (`dimmed` 0) to the pass's own light
    (`dimmed` 1) and lights again as the pass reaches it, never darker than the pass leaves it."""
    levels = scene.levels
    return {b.name: 1.0 if b.order == 0 else max(lit_at(reveal, b.order, levels), 1.0 - dimmed) for b in scene.blocks}


CAPTIONED = {"band": 0.6, "lift": 0.13}  # the whole network above a caption at the bottom


def focused_bounds(scene: Scene) -> dict[str, tuple[float, ...]]:
    """What a camera focused on each block frames: the block and the attribution planes drawn beside
    it (same depth, overlapping along the network): a mistake's input is framed with what drove it."""
    planes = [b for b in scene.blocks if b.kind == "Attribution"]
    out = {}
    for b in scene.blocks:
        near = [
            p.bounds for p in planes if p.order == b.order and p.bounds[0] <= b.bounds[1] and b.bounds[0] <= p.bounds[1]
        ]
        boxes = np.asarray([b.bounds, *near])
        lo, hi = boxes[:, 0::2].min(axis=0), boxes[:, 1::2].max(axis=0)
        out[b.name] = (lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])
    return out


def camera_move(
    move: CameraMove,
    scene: Scene,
    aspect: float,
    captioned: bool = False,
    beside: float = 0.0,
    safe: float = 0.0,
    duration: float = 1.0,
) -> Callable[[float], CameraPose]:
    """The pose at each fraction (0..1) of a shot; `captioned` keeps wide shots clear of the caption,
    `beside` (of the width) room right of the output for its class texts, `safe` the title-safe
    margin the network keeps off the left edge (camera.overview); `duration`: the shot's seconds,
    which pace a "follow" move (scenes/follow.py: stage by stage with the forward pass)."""
    bounds = scene.bounds
    blocks = focused_bounds(scene)
    room = _room(scene, captioned, beside, safe)
    wrapped = scene.wrapped
    whole = overview(bounds, aspect, **_angle(move), wrapped=wrapped, **room)
    if move.move == "overview":
        pose = move.view or whole
        return lambda s: pose
    if move.move == "orbit":
        swing = orbit(bounds, aspect, move.degrees, **_angle(move), wrapped=wrapped, **room)
        return lambda s: swing(ease(move.ease, s))
    if move.move == "follow":
        return _follow(move, scene, aspect, captioned, beside, safe, duration).pose
    if move.move == "flythrough":
        ordered = [b.bounds for b in sorted(scene.blocks, key=lambda b: (b.order, b.bounds[0]))]
        path = flythrough(
            ordered, bounds, aspect, waypoints=move.waypoints, zoom=move.zoom, wrapped=wrapped, boxes=room["boxes"]
        )
        return path.at
    if move.move == "focus":  # from the overview (or a saved view) into the block, then hold it
        close = focus(blocks[move.layer], bounds, aspect, **_angle(move), wrapped=wrapped, **_focus_room(room))
        return CameraPath((Key(0.0, move.view or whole), Key(0.6, close, move.ease), Key(1.0, close, "linear"))).at
    return _keyframes(move, scene, aspect, room, blocks)


def _room(scene: Scene, captioned: bool, beside: float, safe: float) -> dict:
    """How camera.overview frames a shot's network: the blocks (not their box), above a caption."""
    return {**(CAPTIONED if captioned else {}), "boxes": network_boxes(scene), "beside": beside, "safe": safe}


_FOLLOWED: list = []  # the last follow move built, with what it was built from (_follow)


def _follow(
    move: CameraMove, scene: Scene, aspect: float, captioned: bool, beside: float, safe: float, duration: float
):
    """A follow shot's camera (follow.follow_move), built once for its poses (camera_move) and its
    covers (follow_sides), which shot_frames asks for one after the other: the last kept."""
    key = (move, aspect, captioned, beside, safe, duration)
    if _FOLLOWED and _FOLLOWED[0] is scene and _FOLLOWED[1] == key:
        return _FOLLOWED[2]
    room = _room(scene, captioned, beside, safe)
    built = follow_move(scene, pass_schedule(scene.levels, duration), aspect, room, scene.wrapped, _angle(move))
    _FOLLOWED[:] = [scene, key, built]
    return built


def forward_reveal(shot: Shot, scene: Scene) -> Callable[[float], float | None]:
    """A forward pass's progress at each fraction of its shot (None: not a forward shot): stage by
    stage, each held, then the answer held (follow.pass_schedule, which a follow camera keeps to)."""
    schedule = pass_schedule(scene.levels, shot.duration)
    return lambda p: reveal_at(schedule, p * shot.duration) if shot.forward else None


def shot_sides(shot: Shot, scene: Scene, aspect: float, camera, carried, beside: float, safe: float, dock: float = 0):
    """A shot's fade bands at each fraction: a follow camera's (follow_sides), else a close-up's (close_up_sides)."""
    if shot.camera.move == "follow":
        return follow_sides(shot, scene, aspect, camera, beside, safe, carried is not None)
    return close_up_sides(shot, scene, aspect, camera, carried, safe, dock)


def follow_sides(shot: Shot, scene: Scene, aspect: float, camera, beside: float, safe: float, carried: bool):
    """A follow shot's fade bands (close_up.fade_bands) at each fraction: the neighbours its close
    frame's side edges cut faded out, up to the stages it frames (follow.FollowMove.subject), eased
    in as a `carried` camera arrives from the shot before and out as it pulls back to the answer."""
    move = _follow(shot.camera, scene, aspect, shot.caption is not None, beside, safe, shot.duration)
    names = [b.name for b in scene.blocks]
    boxes = np.array([b.bounds for b in scene.blocks], float).reshape(-1, 6)
    covers = follow_covers(move, boxes, aspect, safe, carried)

    def at(p: float) -> tuple:
        boxes, share = move.subject(p)
        arriving = carried_share(p, shot.duration) if carried else 1.0
        left, right = fade_bands(camera(p), boxes, aspect, share * arriving)
        levels = covers(p)  # each block's cover eased in time (follow.follow_covers), not found per frame
        return (left, right, tuple((n, float(a), float(b)) for n, (a, b) in zip(names, levels) if a > 0 or b > 0))

    return at


# of the width: the explained blocks sit left of the inset (overlays/explain_inset.BOX), whose
# numbers and headings are the shot's subject (the kernel's and products' 5 x 5 numbers and the sum
# beside them at theme.EXPLAIN_TEXT, 37 px capitals at 1080p, need the inset 0.76 of a 4:3 frame
# wide): in a frame narrower than 16:9
EXPLAIN_ROOM = 0.25
# 16:9 or wider (a lecture's hall): the blocks framed large, the sweep being the shot's point (in the
# left quarter the window stood 25 px at 1080p, the map 190 px wide): left of the patch's, kernel's
# and products' printed tables (EXPLAIN_WIDE_ROOM of the width; overlays/explain_inset._compact)
# and above the patch's scale (EXPLAIN_WIDE_FLOOR of the height from the bottom)
EXPLAIN_WIDE_ROOM = 0.3
EXPLAIN_WIDE_FLOOR = 0.435
EXPLAIN_TOP = 0.87  # ... and under the inset's title across the frame's top (of the height from the bottom)
# ... seen a little from below (degrees: the map's face the taller), its box's centre this much of
# the height under the room's middle (the map, nearer the camera, reaches higher than its box's
# centre says: it ran into the title)
EXPLAIN_WIDE_ELEVATION = -10.0
EXPLAIN_DROP = 0.035
EXPLAIN_AZIMUTH = 10.0  # a little towards the panels' faces from the overview's angle, so the map being filled reads


def explain_wide(aspect: float) -> bool:
    """Whether an explaining shot frames its blocks large above the sum's band (16:9 or wider)."""
    return aspect >= 16 / 9 - 0.01


def explain_pose(scene: Scene, names: list[str], aspect: float, reach: float = 0.0, safe: float = 0.0) -> CameraPose:
    """The explained layer and its input block framed in the left part of the view, the inset's
    room on the right: between `safe` of the width (a lecture's title-safe margin) and
    EXPLAIN_ROOM (16:9: EXPLAIN_WIDE_ROOM, between EXPLAIN_WIDE_FLOOR and EXPLAIN_TOP of the height).
    `reach`: voxels the window reaches past its input's edges (padding), framed too, so that the
    window on the last rows stays clear of the caption."""
    boxes = np.array([scene.block(n).bounds for n in names])
    source = scene.block(names[-1])
    grow = (reach / source.pool + 0.5) * source.voxel  # (in drawn voxels) the window's outline stands outside
    boxes[:, 2:] += np.array([-grow, grow, -grow, grow])
    lo, hi = boxes[:, 0::2].min(axis=0), boxes[:, 1::2].max(axis=0)
    bounds = (lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])
    wide = explain_wide(aspect) and safe > 0  # (a lecture's picture)
    direction = view_direction(False, EXPLAIN_AZIMUTH, EXPLAIN_WIDE_ELEVATION if wide else 0.0)
    edge = EXPLAIN_WIDE_ROOM if wide else EXPLAIN_ROOM
    room = edge - safe  # of the width (the input's left edge stood 0.014 in, inside title-safe)
    if wide:  # the blocks alone (their labels make way): they fill the band's height
        tall = EXPLAIN_TOP - EXPLAIN_WIDE_FLOOR
        centre, scale = fit(bounds, direction, aspect * room / tall, band=0.92, margin=0.96, label_room=1.0)
        scale /= tall
        middle = (EXPLAIN_TOP + EXPLAIN_WIDE_FLOOR) / 2 - EXPLAIN_DROP
    else:
        centre, scale = fit(bounds, direction, aspect * room, band=0.6, margin=0.9, label_room=1.5)
        middle = 0.59  # the window on the last rows clear of a two-line caption's band
    right = np.cross(-direction, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, -direction)
    # shift the view right so the blocks' centre sits in the middle of their room, and down so it
    # sits at `middle` of the height
    focal = centre + right * scale * aspect * (1 - safe - edge) - up * scale * 2 * (middle - 0.5)
    return CameraPose(tuple(focal), tuple(direction), tuple(up), float(scale))


def _focus_room(room: dict) -> dict:
    """focus's framing from a move's room: the network's boxes, above the caption where there is one."""
    return {k: room[k] for k in ("boxes", "band", "lift") if k in room}


def _angle(a: CameraMove | CameraKey) -> dict:
    """The camera angle a move or key asks for, as the camera functions take it."""
    return {"azimuth": a.azimuth, "elevation": a.elevation, "zoom": a.zoom}


def _keyframes(
    move: CameraMove, scene: Scene, aspect: float, room: dict, blocks: dict
) -> Callable[[float], CameraPose]:
    """A keyframed move: each key a saved view, a layer in focus or an overview, eased between;
    from one overview to another, an overview at each frame (its angle and zoom eased between the
    two's), so the whole network and the room beside its output stay in the picture all the way (a
    blend of the two poses drifted the output's column into its class texts' room mid-move)."""
    bounds, wrapped = scene.bounds, scene.wrapped
    keys, angles = [], []
    for k in move.keys:  # keyframes
        angle = None
        if isinstance(k.target, CameraPose):
            pose = k.target
        elif k.layer is not None and scene.block(k.layer).opened is not None:  # its grid face-on
            pose = facing_key(scene, k.layer, aspect, azimuth=k.azimuth, elevation=k.elevation)
        elif k.layer is not None:
            block = blocks[k.layer]
            pose = focus(block, bounds, aspect, **_angle(k), wrapped=wrapped, **_focus_room(room))
        else:
            angle = _angle(k)
            pose = overview(bounds, aspect, **angle, wrapped=wrapped, **room)
        keys.append(Key(k.at, pose, k.ease))
        angles.append(angle)
    if keys[0].at > 0:  # hold the first pose until its key, the last after its own
        keys.insert(0, Key(0.0, keys[0].pose, "linear"))
        angles.insert(0, angles[0])
    if keys[-1].at < 1:
        keys.append(Key(1.0, keys[-1].pose, "linear"))
        angles.append(angles[-1])
    path = CameraPath(tuple(keys))

    def at(s: float) -> CameraPose:
        i, u = path.where(s)
        a, b = angles[i : i + 2] if len(angles) > 1 else (None, None)
        if a is None or b is None or a == b:
            return path.at(s)
        between = {n: a[n] + (b[n] - a[n]) * u for n in ("azimuth", "elevation")}
        zoom = a["zoom"] * (b["zoom"] / a["zoom"]) ** u  # even, as blend's scale
        return overview(bounds, aspect, **between, zoom=zoom, wrapped=wrapped, **room)

    return at


def shot_frames(
    shot: Shot,
    scene: Scene | None,
    aspect: float,
    fps: int,
    framed: list[str] | None = None,
    *,
    opens: bool = True,
    shown_before: bool = False,
    reach: float = 0.0,
    carried: CameraPose | None = None,
    beside: float = 0.0,
    safe: float = 0.0,
    dock: float = 0.0,
) -> list[ShotFrame]:
    """`framed`: blocks an explaining shot frames (no camera of its own); `reach`: its window past the input's edges
    (explain_pose). `opens`: a shot opening a layer opens it at its start (False: open from the first frame, shown
    open before or after a dip or cut); `shown_before`: shown open before (no grid tour again). `carried`: the shot
    before's last pose, its camera eased on from there. `beside`, `safe`, `dock`: class texts', margin, answer room."""
    n = frame_count(shot, fps)
    progress = [k / max(n - 1, 1) for k in range(n)]
    if scene is None:  # a title card
        return [ShotFrame(p, 0.0, None, None) for p in progress]
    last = scene.n_snapshots - 1
    start, end = (resolve(p, last) for p in shot.timeline) if shot.timeline is not None else (float(last), float(last))
    camera = camera_move(shot.camera, scene, aspect, shot.caption is not None, beside, safe, shot.duration)
    if framed and "camera" not in shot.lines:
        camera = _held(explain_pose(scene, framed, aspect, reach, safe))
    opened, labels = _open_schedules(shot, scene, opens)
    tour = None
    if shot.open and "camera" not in shot.lines:
        tour = grid_tour(scene, shot.open, shot.duration, opens=not shown_before, flies=opens)
        camera = open_camera(shot, scene, aspect, opened, beside, tour, safe)
    slack = None if carried is None else (lambda p: 1.0 - carried_share(p, shot.duration))
    camera = camera if carried is None else carried_on(camera, carried, shot.duration)
    # an open shot's subject inside the frame as the maps fly and the neighbours glide aside, a pull-back's likewise
    kept = _kept_in_frame(camera, scene, shot, aspect, opened, tour, slack, safe) if shot.open else None
    camera, dissolve = kept or (_pulled_back(camera, scene, aspect, carried, slack, safe), None)
    camera = shot_close_up(camera, shot, scene, aspect, opened, safe, dock)  # its subject filling the frame (E)
    sides = shot_sides(shot, scene, aspect, camera, carried, beside, safe, dock)
    scrub, reveal = scrub_position(shot, scene, start, end, fps), forward_reveal(shot, scene)
    return [
        ShotFrame(
            p,
            scrub(p),
            reveal(p),
            camera(p),
            opened(p),
            labels(p),
            forward_dimming(p, shot.duration) if shot.forward else None,
            dissolve(p) if dissolve else None,
            sides(p),
            *stage_caption(shot, scene)(p),  # (a few steps' texts found again: microseconds a frame)
        )
        for p in progress
    ]


def _open_schedules(shot: Shot, scene: Scene, opens: bool):
    """How open an opening shot's layer is, and how far its labels have faded in, at each fraction:
    unfolding as its camera moves onto it (open_layer.opening_start); all the way in a shot opening none."""
    if not shot.open:
        return (lambda p: 1.0), (lambda p: 1.0)
    start = opening_start(scene, shot.camera.keys, shot.duration)
    opened = lambda p: open_schedule(p, shot.duration, opens=opens, start=start)
    return opened, lambda p: labels_shown(p, shot.duration, opens=opens, start=start)


def _held(pose: CameraPose) -> Callable[[float], CameraPose]:
    """A camera held at `pose` the whole shot."""
    return lambda p: pose


def _pulled_back(camera, scene: Scene, aspect: float, carried: CameraPose | None, slack, safe: float):
    """A shot's camera carried on from `carried`, with the blocks that pose showed whole while it
    left others out (close_up.carried_subject: a close-up) kept in the frame where the shot's own
    camera frames them at its end (kept_in_frame): a pull-back from conv1's close-up to the whole
    network slid the input out past the left edge and back (a straight path, an even zoom)."""
    bounds = focused_bounds(scene)
    shown = None if carried is None else carried_subject(carried, list(bounds.values()), aspect, safe)
    if shown is None:
        return camera
    kept = {n for n, b in bounds.items() if any(np.array_equal(b, s) for s in shown)}
    names = [n for n in bounds if n in kept and framed(camera(1.0), np.array([bounds[n]]), aspect)]
    return kept_in_frame(camera, scene, names, aspect, lambda p: 1.0, slack, safe) if names else camera


def close_up_sides(
    shot: Shot,
    scene: Scene,
    aspect: float,
    camera,
    carried: CameraPose | None = None,
    safe: float = 0.0,
    dock: float = 0.0,
) -> Callable[[float], tuple[float, float]]:
    """A shot's fade bands at each fraction (close_up.fade_bands): where its camera keys onto a
    layer, stopping short of the shot's subject (the layers it opens and moves to, shot_subject);
    and while it pulls back from a `carried` close-up, short of what that showed whole
    (close_up.carried_subject; `safe`: a lecture's title-safe margin), easing out as the camera
    carries on into its own move. A mistake's close-up keeping `dock` for its answer right of the
    subject (close_up.shot_close_up) covers every block right of the subject once the camera is
    half onto it: the list stands there after the input, and a block left beside it drew a line
    on into faded blocks (relu1's, watch 8)."""
    share = close_share(shot.camera)
    bounds = focused_bounds(scene)
    subject = [bounds[n] for n in sorted(shot_subject(shot)) if n in bounds]
    before = None if carried is None else carried_subject(carried, list(bounds.values()), aspect, safe)
    if before is not None:
        own, share = share, lambda p: max(own(p), 1.0 - carried_share(p, shot.duration))
        if subject:  # its own subject: short of the close-up's blocks too at first
            carrying = lambda p: carried_bands(
                camera(p), subject, before, aspect, share(p), carried_share(p, shot.duration)
            )
            return _eased_sides(shot, scene, aspect, camera, carrying, safe)
        subject = list(before)
    if not subject:
        return lambda p: (0.0, 0.0)
    bands = lambda p: fade_bands(camera(p), subject, aspect, share(p))
    clears = (lambda p: share(p) >= 0.5) if docking(shot, dock) else None
    return _eased_sides(shot, scene, aspect, camera, bands, safe, clears)


def _eased_sides(shot: Shot, scene: Scene, aspect: float, camera, bands, safe: float, clears=None):
    """A close-up's `bands` with each block's cover eased in time (close_up.eased_covers), as
    follow_sides gives them: found at each frame, a block's cover rose in one (the mistake's
    push-in). An opening shot keeps covers found at each frame from where its gliding blocks are
    drawn, as does one needing the gradient band. `clears`: close_up.eased_covers'."""
    names = [b.name for b in scene.blocks]
    boxes = np.array([b.bounds for b in scene.blocks], float).reshape(-1, 6)
    covers = None if shot.open else eased_covers(camera, bands, boxes, aspect, safe, shot.duration, clears)
    if covers is None:
        return bands

    def at(p: float) -> tuple:
        levels = covers(p)
        return (*bands(p), tuple((n, float(a), float(b)) for n, (a, b) in zip(names, levels) if a > 0 or b > 0))

    return at


# of the change from the first grid to all of them (open_layer.WIDEN_SECONDS), the part the picture
# changes over (a dip through the background: viewer/grid_dissolve.py), from its start
DISSOLVE_SHARE = 0.6


def dissolve_end(leave: float, widened: float) -> float:
    """Where (0..1 of the shot) the change from the first grid to all of them ends."""
    return min(widened, leave + DISSOLVE_SHARE * (widened - leave))


def grids_dissolve(camera: Callable[[float], CameraPose], tour) -> Callable[[float], tuple[CameraPose, float] | None]:
    """Where a shot's camera goes from the first kernel grid alone to all of them (open_layer.grid_tour):
    the pose framing all of them and its share of the picture at each fraction of the shot, eased
    over the change (the camera itself holds the first grid until then: open_camera)."""
    _, leave, widened = tour
    final = camera(widened)
    end = dissolve_end(leave, widened)

    def at(p: float) -> tuple[CameraPose, float] | None:
        return (final, ease("smooth", (p - leave) / (end - leave))) if leave < p < end else None

    return at


def lingered(p: float, shot: Shot, span: float) -> float:
    """The timeline's progress (0..1) at a shot's progress `p`: eased by the shot's `ease`, and where
    it lingers (storyboard `linger`: a class sees where a scrub starts and ends) its first and last
    snapshots held still for `linger` seconds each, the timeline eased between them over the rest
    (`span`: the timeline's length in snapshots). A stepped scrub (`hold`) starts that stretch on the
    second snapshot and ends it on the last, each snapshot between an equal share (timeline_at)."""
    linger = shot.linger / shot.duration
    if linger <= 0 or span <= 0:
        return ease(shot.ease, p)
    if p <= linger or p >= 1 - linger:
        return float(p > linger)
    edge = 1 / (span + 1) if shot.hold > 0 else 0.0  # of the timeline's progress, a snapshot's stretch
    return edge + ease(shot.ease, (p - linger) / (1 - 2 * linger)) * (1 - 2 * edge)


def scrub_position(shot: Shot, scene: Scene, start: float, end: float, fps: int) -> Callable[[float], float]:
    """The timeline position at each fraction of a shot going from `start` to `end`: stopping where
    it has stops (stopping_scrub), else each snapshot an equal stretch (timeline_at), lingered."""
    if shot.stops is not None:
        return stopping_scrub(shot, scene, fps)
    return lambda p: timeline_at(start, end, lingered(p, shot, abs(end - start)), shot.hold)


def stopping_scrub(shot: Shot, scene: Scene, fps: int) -> Callable[[float], float]:
    """The timeline position at each fraction of a scrub with data-chosen stops (storyboard `stops`):
    each snapshot as recorded, held its seconds (scenes/scrub_stops.py), counted at each frame's own
    time (frame k at k / fps: a 0.5 s pass is 15 frames at 30 fps, never 14)."""
    snapshots = scrubbed(shot, scene.n_snapshots - 1)
    sample = shot.view.sample if shot.view.mistake is None else scene.probe_count + shot.view.mistake - 1
    _, times = scrub_stops(scene, sample, snapshots, shot.duration)
    last = frame_count(shot, fps) - 1
    return lambda p: float(snapshots[position_at(times, round(p * last) / fps)])


def timeline_at(start: float, end: float, u: float, hold: float) -> float:
    """The timeline position a fraction `u` of the way from `start` to `end`, each snapshot on the way
    given an equal stretch and held still for `hold` of it, blending to the next over the rest. So a
    scrub shows each snapshot as it was (the heads-up line names the nearest: the picture is that
    snapshot, or within a short blend of it) rather than values between two snapshots throughout.
    `hold` 1: steps from snapshot to snapshot, every frame one recorded snapshot."""
    if hold <= 0 or end == start:
        return start + (end - start) * u
    span = abs(end - start)
    s = u * (span + 1) - 0.5  # snapshot k's stretch is s in [k - 0.5, k + 0.5)
    k = math.floor(s)
    blend = float(s - k >= 0.5) if hold >= 1 else ease("smooth", (s - k - hold / 2) / (1 - hold))
    return start + math.copysign(min(max(k + blend, 0.0), span), end - start)


def carried_on(camera: Callable[[float], CameraPose], start: CameraPose, duration: float):
    """A shot's camera that starts where the shot before left it and eases into its own move
    over MOVE_SECONDS (at most a third of the shot): one continuous camera move across the cut."""
    return lambda p: blend(start, camera(p), carried_share(p, duration))


def carried_share(p: float, duration: float) -> float:
    """How far (0..1, eased) a carried camera has gone from the shot before's last pose into the
    shot's own move, `p` (0..1) through a shot `duration` seconds long (carried_on)."""
    return ease("smooth", min(1.0, p * duration / move_seconds(duration)))


def move_seconds(duration: float) -> float:
    """Seconds a carried camera takes to ease into a shot's own move: MOVE_SECONDS, at most a third of the shot."""
    return min(MOVE_SECONDS, duration / 3)


def open_camera(
    shot: Shot,
    scene: Scene,
    aspect: float,
    opened: Callable[[float], float],
    beside: float = 0.0,
    tour=None,
    safe: float = 0.0,
):
    """An opening shot's camera where it sets none: from the overview of the network still closed
    (`beside`, `safe` as camera_move takes them) to facing the open grid as the layer opens."""
    whole = camera_move(CameraMove(), closed_scene(scene), aspect, shot.caption is not None, beside, safe)(0.0)
    room = CAPTIONED if shot.caption is not None else {}
    # the picture's room: open kernel grids fill it (the lecture's kernels shot: 241 px tiles at 1080p, were 222)
    picture = picture_room(shot.caption is not None, safe)
    facing = open_pose(scene, shot.open, aspect, room=picture, **room)
    if tour is None:  # (open_layer.grid_tour)
        return lambda p: blend(whole, facing, ease("smooth", opened(p)))
    first = tour[0]  # the first kernel grid alone, then all of them (open_layer.grid_tour)
    alone = open_pose(scene, first, aspect, room=picture, **room)
    # held on the first grid until the picture has dissolved into all of them (grids_dissolve): a
    # move between the two slid the others in across the frame's edge, their tiles cut by it (a pan
    # from beside them, the lecture's conv2 at 61 s), or grew them in from it (a zoom)
    _, leave, widened = tour
    end = dissolve_end(leave, widened)
    return lambda p: blend(whole, alone, ease("smooth", opened(p))) if p < end else facing


def _kept_in_frame(
    camera, scene: Scene, shot: Shot, aspect: float, opened: Callable[[float], float], tour=None, slack=None, safe=0.0
):
    """kept_in_frame with the shot's subject (`slack` as it takes it), and the picture's dissolve
    (grids_dissolve; None where it has none); where its own camera tours open kernel grids
    (open_camera), the first grid alone until the camera has widened to all of them (all of them
    kept held conv1's close-up at the width of both grids: its kernels 55 px at 1080p, not 190)."""
    kept = kept_in_frame(camera, scene, sorted(shot_subject(shot)), aspect, opened, slack, safe)
    if tour is None:
        return kept, None
    first, leave, widened = tour
    alone = kept_in_frame(camera, scene, [first], aspect, opened, slack, safe)
    # all of them kept from where the picture has dissolved into them (the dissolve's pose): the first
    # alone held until `widened` jumped there, a title-safe margin keeping the two apart
    end = dissolve_end(leave, widened)
    camera = lambda p: alone(p) if p < end else kept(p)
    return camera, grids_dissolve(camera, tour)

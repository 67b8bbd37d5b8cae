"""A forward pass paced for a class, and the camera that follows it (storyboard `camera = "follow"`).

One schedule (pass_schedule) says where the pass is at each moment of its shot: a short lead on the
input, then one step per stage (a level of the graph, or a run of levels where a deep network has
more than the shot gives time for), each step a short travel (the light spreads into the stage, the
camera eases onto it) and a longer hold (the stage lit and still, for the lecturer to point at), then
a pull-back to the output and its answer, held to the shot's end. The pass's light (reveal_at) and the
follow camera (follow_camera) both read it, so the stage arrives in frame as it lights.

Each step's pose frames its stage with the stage it came from (and the next, where that costs little
zoom), from the overview's own angle, in the band the overview keeps clear of the heads-up line and
the caption; between steps the camera eases (straight path, even zoom): no jump, and still while a
stage is read. It ends on the overview (the whole network, the room for the output's class texts
beside it), or on the output's last levels where the whole of a deep network is a thin line."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from nnvox.scenes.camera import BAND, LABEL_ROOM, LIFT, CameraPose, Network, _corners, _posed, blend, ease, overview
from nnvox.scenes.framing import screen_axes

LEAD_SECONDS = 1.0  # on the input before the pulse leaves it (at most LEAD_SHARE of the shot)
LEAD_SHARE = 0.05
PULL_SECONDS = 1.0  # the pull-back from the output's close-up to the answer (at most PULL_SHARE)
PULL_SHARE = 0.07
ANSWER_SECONDS = 4.0  # the answer held still at the shot's end (at most ANSWER_SHARE): read and talked over
ANSWER_SHARE = 0.2
STEP_SECONDS = 1.8  # the shortest step a class can read: a deep network's levels are grouped to keep it
TRAVEL_SECONDS = 0.8  # of a step, the light's and the camera's travel (at most TRAVEL_SHARE); the rest holds
TRAVEL_SHARE = 0.4
GROUP_SHARE = 0.85  # ... of a step that lights several levels (a short shot: each level still lit over 5+ frames)
NEXT_ZOOM = 1.3  # the next stage joins a step's framing where the frame grows at most this much for it
MOST_ZOOM = 4.0  # a step frames no closer than this many times the overview's zoom (a lone 1-voxel vector)
FOLLOW_FILL = 0.8  # of the overview's band (height) and width fill a step's blocks may take
ZOOM_STEP = 1.6  # the most one step's zoom differs from the next's: a zoom over 0.8 s, not a lurch
SEEN_PASSES = 3  # times a step's framing widens for the blocks it brings into the picture
FOLLOW_LIFT = 0.05  # of the view's height, a step's blocks sit higher than the overview's band


@dataclass(frozen=True)
class PassSchedule:
    """A forward pass's time line, in seconds of its shot."""

    duration: float
    levels: int  # the scene's graph levels; level 0 (the input) is lit from the start
    steps: tuple[tuple[int, int], ...]  # each step's first and last level
    lead: float
    step: float  # seconds per step
    travel: float  # of each step, the seconds the light and the camera travel
    pull: float
    answer: float

    @property
    def answer_start(self) -> float:
        """When the output is lit (its answer shows) and the pull-back starts."""
        return self.lead + self.step * len(self.steps)

    def lit_time(self, k: int) -> float:
        """Seconds into the shot at which step k's stage is fully lit (its travel over)."""
        return self.lead + self.step * k + self.travel

    def where(self, seconds: float) -> tuple[int, float]:
        """The step at `seconds` and how far (0..1, eased) its travel is: (-1, 1) in the lead,
        (len(steps), u) from the output lit on (u: the pull-back's)."""
        if seconds < self.lead:
            return -1, 1.0
        k = int((seconds - self.lead) // self.step) if self.step > 0 else len(self.steps)
        if k >= len(self.steps):
            return len(self.steps), ease("smooth", (seconds - self.answer_start) / max(self.pull, 1e-9))
        inside = seconds - self.lead - k * self.step
        return k, ease("smooth", inside / max(self.travel, 1e-9))


def pass_schedule(levels: int, duration: float) -> PassSchedule:
    """The schedule of a forward pass over `levels` graph levels in a shot `duration` seconds long."""
    lead, pull = min(LEAD_SECONDS, LEAD_SHARE * duration), min(PULL_SECONDS, PULL_SHARE * duration)
    answer = min(ANSWER_SECONDS, ANSWER_SHARE * duration)
    room = max(duration - lead - pull - answer, 0.0)
    stages = levels - 1
    if stages < 1:  # the input alone (one level): nothing to step through, the whole held as an overview
        return PassSchedule(duration, levels, (), lead, 0.0, 0.0, pull, answer)
    count = max(1, min(stages, int(room / STEP_SECONDS + 1e-9)))
    edges = np.linspace(1, stages + 1, count + 1).round().astype(int)
    steps = tuple((int(a), int(b) - 1) for a, b in itertools.pairwise(edges))
    step, group = room / count, max(b - a + 1 for a, b in steps)
    # a step that lights a run of levels (a deep network, a short shot) spreads them over more of it
    travel = min(TRAVEL_SECONDS * group, (TRAVEL_SHARE if group == 1 else GROUP_SHARE) * step)
    return PassSchedule(duration, levels, steps, lead, step, travel, pull, answer)


def reveal_at(schedule: PassSchedule, seconds: float) -> float:
    """The pass's progress (frames.lit_span's reveal, 0..1) `seconds` into its shot: the input lit
    over the lead, each step's levels lit over its travel and held, all lit from the answer on."""
    n = schedule.levels
    if seconds < schedule.lead:
        return seconds / schedule.lead / n if schedule.lead > 0 else 1 / n
    k, _ = schedule.where(seconds)
    if k >= len(schedule.steps):
        return 1.0
    first, last = schedule.steps[k]
    # evenly over the travel (the camera eases): a run of levels each lit as fast as the next
    u = min(max((seconds - schedule.lead - k * schedule.step) / max(schedule.travel, 1e-9), 0.0), 1.0)
    return min(1.0, (first + u * (last - first + 1)) / n)


def projected(pose: CameraPose, boxes: np.ndarray, aspect: float) -> np.ndarray:
    """(n, 4) screen extents of (n, 6) boxes under `pose`: left, right, bottom, top, each -1..1 of
    the frame (its edges), so a box's height in pixels is (top - bottom) / 2 * the frame's height."""
    right, up = screen_axes(np.asarray(pose.direction))
    up = np.asarray(pose.up)
    index = [(x, y, z) for x in (0, 1) for y in (2, 3) for z in (4, 5)]
    corners = np.asarray(boxes, dtype=float).reshape(-1, 6)[:, index].reshape(-1, 8, 3) - np.asarray(pose.focal)
    across, high = corners @ right / (pose.scale * aspect), corners @ up / pose.scale
    return np.stack([across.min(1), across.max(1), high.min(1), high.max(1)], axis=1)


def _stage_boxes(scene, first: int, last: int) -> np.ndarray:
    return np.array([b.bounds for b in scene.blocks if first <= b.order <= last], dtype=float).reshape(-1, 6)


def _same_row(boxes: np.ndarray, stage: np.ndarray) -> np.ndarray:
    """Of `boxes` (a neighbouring level's), those on the stage's row: a wrapped network's next row
    starts back at the left, and framing both ends of two rows pulls out to the whole width."""
    if not len(stage):
        return boxes
    top, bottom = stage[:, 5].max(), stage[:, 4].min()
    return boxes[(boxes[:, 4] <= top) & (boxes[:, 5] >= bottom)]


def _framing(boxes: np.ndarray, direction: np.ndarray, aspect: float, room: dict, closest: float, seen=None):
    """The centre and scale at which the boxes fill FOLLOW_FILL of the overview's band and width,
    no closer than `closest`; `seen` (other blocks in the picture) kept within the band's height too."""
    band = room.get("band", BAND) * FOLLOW_FILL
    tall = boxes if seen is None or not len(seen) else np.vstack([boxes, seen])
    right, up = screen_axes(direction)
    framed, all_high = _corners(boxes, LABEL_ROOM), _corners(tall, LABEL_ROOM) @ up
    across = framed @ right
    centre = (
        right * (across.max() + across.min()) / 2
        + up * (all_high.max() + all_high.min()) / 2
        + direction * float((framed @ direction).mean())
    )
    scale = max((all_high.max() - all_high.min()) / 2 / band, (across.max() - across.min()) / 2 / aspect / FOLLOW_FILL)
    return centre, max(scale, closest)


def _in_picture(scene, centre, scale: float, direction, aspect: float, lift: float, framed: np.ndarray) -> np.ndarray:
    """The blocks besides `framed` in the picture at this framing: wholly between its side edges (one
    they cut is faded out there: shots.follow_sides), and at least partly between its top and bottom."""
    boxes = np.array([b.bounds for b in scene.blocks], dtype=float).reshape(-1, 6)
    others = boxes[[not any(np.array_equal(b, f) for f in framed) for b in boxes]]
    if not len(others):
        return others
    extent = projected(_posed(centre, direction, scale, lift), others, aspect)
    across = (extent[:, 0] > -1) & (extent[:, 1] < 1)
    return others[across & (extent[:, 3] > -1) & (extent[:, 2] < 1)]  # (a lane wholly above or below is not in it)


def step_framings(scene, schedule: PassSchedule, aspect: float, room: dict, whole: CameraPose):
    """Each step's pose (the first also the lead's) and the boxes it frames: its stage, the level
    before it on its row, and the level after where the frame grows at most NEXT_ZOOM for it;
    raised FOLLOW_LIFT above the overview's band (a close block's label below it stands clear of
    the caption), and zoomed out where a neighbouring step's is ZOOM_STEP farther out (smoothed)."""
    direction = np.asarray(whole.direction)
    closest = whole.scale / MOST_ZOOM
    lift = room.get("lift", LIFT) + FOLLOW_LIFT
    found = []
    for first, last in schedule.steps:
        stage = _stage_boxes(scene, first, last)
        before = _same_row(_stage_boxes(scene, first - 1, first - 1), stage)
        after = _same_row(_stage_boxes(scene, last + 1, last + 1), stage)
        framed = np.vstack([before, stage])
        centre, scale = _framing(framed, direction, aspect, room, closest)
        if len(after):
            wider = np.vstack([framed, after])
            centre_wider, scale_wider = _framing(wider, direction, aspect, room, closest)
            if scale_wider <= NEXT_ZOOM * scale:
                centre, scale, framed = centre_wider, scale_wider, wider
        for _ in range(SEEN_PASSES):  # a taller neighbour in the picture (fc2 beside fc1) kept off the texts
            seen = _in_picture(scene, centre, scale, direction, aspect, lift, framed)
            centre, scale = _framing(framed, direction, aspect, room, closest, seen)
        found.append([centre, scale, framed])
    for order in (found, found[::-1]):  # no step zooms more than ZOOM_STEP from the one before or after
        for a, b in itertools.pairwise(order):
            b[1] = max(b[1], a[1] / ZOOM_STEP)
    return [(_posed(centre, direction, scale, lift), framed) for centre, scale, framed in found]


@dataclass(frozen=True)
class FollowMove:
    """The follow camera's poses and what each frames (its close-up's subject: close_up.fade_bands
    covers the neighbours the frame's side edges cut, up to these)."""

    schedule: PassSchedule
    framings: tuple  # (pose, boxes) per step
    end: CameraPose

    def pose(self, p: float) -> CameraPose:
        """The pose at fraction `p` (0..1) of the shot."""
        k, u = self.schedule.where(p * self.schedule.duration)
        poses = [f[0] for f in self.framings]
        if k < 0:
            return poses[0]
        if k >= len(poses):
            return blend(poses[-1], self.end, u)
        return poses[k] if k == 0 else blend(poses[k - 1], poses[k], u)

    def subject(self, p: float) -> tuple[np.ndarray, float]:
        """The boxes framed at `p` (from the start of a step's travel, the step's: a block the step
        before framed fades out whole as the camera carries it to the side edge, as relu1 ran down
        through the caption at the edge while pool1 gave way to conv2) and how far (0..1) the camera
        is on a close-up: 1 until it pulls back to the answer, 0 after."""
        k, u = self.schedule.where(p * self.schedule.duration)
        boxes = [f[1] for f in self.framings]
        if k < 0:
            return boxes[0], 1.0
        if k >= len(boxes):
            return boxes[-1], 1.0 - u
        return boxes[k], 1.0


def hold_covers(pose: CameraPose, subject: np.ndarray, boxes: np.ndarray, aspect: float, edge: float) -> np.ndarray:
    """(n, 2): whether each of `boxes` is covered (1) or not (0) at the left and the right side edge
    while the camera holds `pose` on a step's `subject` (close_up.fade_bands, side_strips: hidden),
    a block wholly past a side edge counted as covered there, so that it comes in by a fade; and
    every other block the edge cuts (or that reaches into the `edge` margin) lying wholly outside the
    subject, however near it: side_strips gave one reaching past fade_bands' reach the gradient band,
    which a follow shot's given covers do not draw (pool1 stood cut at the left edge, uncovered,
    through relu2's hold)."""
    from nnvox.scenes.close_up import APPROACH, fade_bands, side_strips

    reach = fade_bands(pose, subject, aspect, 1.0)
    spans = (projected(pose, boxes, aspect)[:, :2] + 1) / 2
    framed = (projected(pose, subject, aspect)[:, :2] + 1) / 2
    own = np.array([any(np.array_equal(b, f) for f in subject) for b in np.asarray(boxes, float)], bool)
    out = np.zeros((len(boxes), 2))
    for side, (across, held) in enumerate(((1.0 - spans[:, ::-1], 1.0 - framed[:, ::-1]), (spans, framed))):
        _, hidden = side_strips(across, reach[side], edge)
        outside = across[:, 0] >= (held[:, 1].max() if len(held) else 0.0) - APPROACH
        cut = ~own & outside & (across[:, 1] > 1.0 - edge - APPROACH)
        out[hidden | cut | (across[:, 0] >= 1.0), side] = 1.0
    return out


# seconds a follow shot's covers ease, about each step's start (the camera setting off): a block the
# step leaves out fades out from RISE_LEAD before it over RISE_SECONDS (gone before the camera carries
# it to the edge: pool1 slid out at the left edge under 0.17 of a cover; by then the eased camera has
# gone a sixth of its way), a block it brings in fades in by the travel's end (follow_covers), and in
# the pull-back FALL_LINGER after it (the input, last into the frame). Every change within the step's
# first RISE_LEAD + travel (a stage caption's switch too: stage_captions.SWITCH_SECONDS): the hold
# after it still. Covers easing from 0.5 s before a step to 0.4 s after its travel left 3.3 s of each
# 5 s stage still (watch 8, finding 1: "the camera moving 1.2-1.5 s of each 3 s")
RISE_LEAD, RISE_SECONDS, FALL_LINGER = 0.1, 0.3, 0.4
FALL_LEAST = 0.2  # seconds: a block coming in just as the travel ends fades in no faster (not in a frame)
TRAVEL_SAMPLES = 25  # poses of a travel at which a block coming in is checked inside the frame
# ... and a shot carried on from the one before (its camera moving in from that one's picture) fades
# its first covers in over this (fast: the blocks it leaves out slide off the sides in its first half second)
ARRIVE_SECONDS = 0.5


def _inside_from(move: FollowMove, boxes: np.ndarray, aspect: float, start: float) -> np.ndarray:
    """(n,): seconds after `start` (a step's start) from which each of `boxes` stays between the
    frame's side edges as the camera travels onto the step (its travel's end where it never does)."""
    s = move.schedule
    times = start + np.linspace(0.0, s.travel, TRAVEL_SAMPLES)
    inside = []
    for t in times:
        spans = projected(move.pose(t / s.duration), boxes, aspect)[:, :2]
        inside.append((spans[:, 0] >= -1.0) & (spans[:, 1] <= 1.0))
    inside = np.array(inside)  # (samples, n)
    # the last sample from which every later one is inside (a cumulative "and" from the end)
    stays = np.logical_and.accumulate(inside[::-1], axis=0)[::-1]
    first = np.where(stays.any(axis=0), stays.argmax(axis=0), len(times) - 1)
    return times[first] - start


def follow_covers(move: FollowMove, boxes: np.ndarray, aspect: float, edge: float, carried: bool = False):
    """How covered (n, 2: left and right side edge, 0..1) each of `boxes` is at each fraction of a
    follow shot: each step's hold's covers (hold_covers), the changes from the step before's eased
    about the step's start, and all eased out over the pull-back to the answer. Found at each frame
    from the camera then, a cover jumped: the subject switched at a travel's start and a block's end
    crossed the edge's APPROACH (0.02 of the width) within a frame at the camera's speed (the
    lecture's conv1 and relu1 covered in one frame at 16.4 s and 18.3 s): now each over RISE_SECONDS
    or more. A block a step brings in stays covered until the travelling camera has it between the
    side edges, then fades in by the travel's end (over FALL_LEAST at the least): uncovered over the
    whole travel, pool2 slid in over the right edge, cut, 0.5 s into relu2's step (watch 8, finding 7).
    `carried`: the shot carries its camera on from the shot before's (ARRIVE_SECONDS)."""
    s = move.schedule
    holds = [hold_covers(pose, framed, boxes, aspect, edge) for pose, framed in move.framings]
    changes = []  # (start, change, when each block's cover starts to fall, over how long)
    for k, (a, b) in enumerate(itertools.pairwise(holds), 1):
        start = s.lead + k * s.step
        inside = _inside_from(move, boxes, aspect, start)[:, None]
        changes.append((start, b - a, inside, np.maximum(s.travel - inside, FALL_LEAST)))
    changes.append((s.answer_start, -holds[-1], 0.0, s.pull + FALL_LINGER))

    def at(p: float) -> np.ndarray:
        seconds, level = p * s.duration, holds[0].copy()
        for start, change, inside, falls in changes:
            rise = ease("smooth", (seconds - start + RISE_LEAD) / RISE_SECONDS)
            fall = np.clip((seconds - start - inside) / falls, 0.0, 1.0)
            level += np.maximum(change, 0.0) * rise + np.minimum(change, 0.0) * fall * fall * (3 - 2 * fall)
        arriving = ease("smooth", seconds / ARRIVE_SECONDS) if carried else 1.0
        return np.clip(level, 0.0, 1.0) * arriving

    return at


def follow_move(
    scene, schedule: PassSchedule, aspect: float, room: dict, wrapped: bool = False, angle: dict | None = None
) -> FollowMove:
    """The follow camera of a shot: `room` as shots.camera_move builds it (the overview's band,
    lift, boxes, room beside the output, title-safe margin); `angle` the move's azimuth, elevation
    and zoom (camera.overview's): every step seen from it, the answer held on that overview. A
    network of one level (the input alone) is held on its overview."""
    angle = angle or {}
    whole = overview(scene.bounds, aspect, wrapped=wrapped, **angle, **room)
    if not schedule.steps:
        return FollowMove(schedule, ((whole, _stage_boxes(scene, 0, scene.levels)),), whole)
    framings = tuple(step_framings(scene, schedule, aspect, room, whole))
    return FollowMove(schedule, framings, _answer_pose(scene, aspect, room, whole, wrapped, angle))


END_LEVELS = 4  # the output's neighbours an answer framing keeps, where the whole network is too long
END_ZOOM = 3.0  # ... that is, where the whole network's overview is this much farther out than theirs


def _answer_pose(scene, aspect: float, room: dict, whole: CameraPose, wrapped: bool, angle: dict) -> CameraPose:
    """The shot's end: the overview (the output's class texts beside it), or the output's last
    END_LEVELS levels' overview where the whole network is much farther out."""
    last = scene.levels - 1
    tail = _stage_boxes(scene, max(last - END_LEVELS + 1, 0), last)
    if len(tail) == len(scene.blocks):
        return whole
    bounds = tuple(float(v) for i in range(3) for v in (tail[:, 2 * i].min(), tail[:, 2 * i + 1].max()))
    near = overview(bounds, aspect, wrapped=wrapped, **angle, **{**room, "boxes": Network(tail, np.zeros((0, 6)))})
    return near if whole.scale > END_ZOOM * near.scale else whole

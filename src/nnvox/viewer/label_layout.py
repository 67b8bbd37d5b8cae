"""The label policy, applied before each render where the camera moved (or the focus changed):

- no two labels overlap, and none covers another block (its projected box's screen rectangle);
- no label hangs off the picture: each keeps a margin (EDGE of the pane's height) from its edges;
- when not all fit, fewer are shown, by importance: the focused blocks (selected, under the
  cursor) first, then stage boundaries (input, output, the first block of each stage), then the
  other labelled blocks (first those of a stage whose boundary found no room, then, for a stage
  still unnamed, its other blocks, so that every stage is named where any room is), then the
  other blocks (the main path's, parallel lanes' such as BERT's query, key and value) where they
  fit beside their block; a closed side branch's blocks (Block.side_branch) are hidden, with the
  reason kept for `--report`, and a hidden block's label appears when it is focused;
- no label stands where it reads as another block's (right over, under or beside it, nearer than
  by its own block: reads_as), unless keeping them so hides more labels;
- the label that names a stage first reads with the stage's name (`encoder: blocks.0 · ...`), the
  others relative to it (overlays/labels.py);
- panels drawn over the picture while they show (`panels`: the histogram of a selected layer)
  and the texts other overlays place under the camera (`keep_off`: an open layer's notes and
  names) are kept clear as the parts other overlays always hold (`reserved`) are.

A label starts just outside its block's rectangle (above or below, its side), is pushed away from
the block past whatever it meets, and failing that tries the other side, then just above or below
it slid sideways, then beside the block (right, then left: level with it and pushed sideways, or
slid along its side); then all that again with its first line alone (its shape line left off);
found no free place within reach, it is hidden, never piled, never shrunk. A moved label's leader line runs straight
from its block's edge to the label's nearest edge (up, down or sideways) and crosses no block and no
label. An output's class texts stay beside their column, clear of it and of its top-class frame
(right of it, else left): one text per row where the rows are far enough apart on screen to read,
else one list of the top classes, its first entry level with its class's row where it fits and a
thin line from each entry to its row, bent at right angles in lanes of their own (list_route), so the
list never reads as the rows in order. A camera
move keeps one form: a storyboard shot decides it once for all its poses (settle_class_forms: a form
that fits at every pose where its column stands in the frame with room for it, else none through
the shot; a list rides with its column past the title-safe edge, inside the frame), the window holds it while the
reader turns or zooms the view and decides again when the view settles.
A storyboard shot holds each block's label on one side of its block too (settle_label_sides).

Otherwise the result depends on the camera and the focus alone, so a still and the same video frame
agree, and a slow camera move never makes labels flicker."""

from __future__ import annotations

import copy
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, permutations
from types import MappingProxyType

import numpy as np
import vtk

NO_ROOM = "no free place near its block"
NO_ROOM_BESIDE = "no room beside its block (shown on hover or selection)"
ANCHOR_OUT = "its block's middle is outside the picture"
BEHIND = "its block is behind the camera"
OUTSIDE = "its block is outside the picture"
OUT_OF_PICTURE = (ANCHOR_OUT, BEHIND, OUTSIDE)  # a shot's held label hides where its block is out of the picture
HOVER = "shown on hover or selection (a closed side branch's block)"
HELD_HIDDEN = "hidden through this shot: no room for it at some of its frames"
GAP = 3.0  # pixels kept between two labels, and between a label and a block
LANDS = 4 * GAP  # pixels of its block a label's line back ends on at the least (lands)
# a word space (0.3) between two labels side by side read as one line (watch 5: "16 × 10 × 10 fc1 ·
# Linear", 25 px apart at 54 px capitals); a whole font size let the orbit's labels stand by other
# blocks (test_labels_read_as_theirs), 0.75 a held scrub's labels come and go (test_label_hold)
SPACE = 0.6  # of a label's font size kept free beside it, as well, by the labels after it
# of a label's font size: a label standing nearer than this right over or under another block (its
# middle within the block's width), or beside it, reads as that block's unless it stands so nearer
# its own (reads_as): LeNet's "pool1 6 × 14 × 14" stood 3 px under conv2's box, through the lecture's
# forward pass, "pixels behind the answer" under conv1's
READS_AS = 1.0
MARGIN = 2.0  # pixels kept free at the picture's edges, at the least
EDGE = 0.02  # of the pane's height kept free at its edges (22 px at 1080p): title-safe (overscan clipped 13 px)
REACH = 6.0  # the farthest a label moves from its block, in its own heights
CLASS_FORMS = ("rows", "top")  # an output's class texts: one per row, or a list of the top classes
SIDES = ("above", "below", "right", "left")  # of its block, where a label stands
RANKS = ("focused", "stage", "labelled", "if room", "on focus")  # a label's importance, most important first
BESIDE = 0.5  # the farthest an "if room" label moves from its block, in its own heights
PROMOTIONS = 3  # the times a layout places its hidden labels first, to find them room (_promote)
PIECE = (
    8.0  # pixels: a slanting line of a list of top classes is kept clear of as boxes this wide or tall (_line_pieces)
)
RUNS_APART = 3.0  # pixels: two level runs of the list's lines nearer than this would read as one
LEAD = 1.5  # the list of top classes stands this many of its font's sizes further off its column, for its lines


@dataclass
class Label:
    """A block's label: `rank` 0 for a stage boundary, 1 another labelled block, 2 a block whose
    label shows where it fits beside its block, else when it is focused, 3 one whose label shows
    when it is focused or names a stage no other label could (RANKS[rank + 1]). `texts`:
    (its text, its text when it is the label that names its stage)."""

    actor: object
    block: str
    anchor: tuple[float, float, float]
    direction: int  # +1: above its block first, -1: below
    rank: int
    stage: str  # the module it is drawn under ("layer2" of "layer2.0.conv1", see block_text.stage_of)
    texts: tuple[str, str]
    end: bool = False  # the network's input or output: placed before the other stage boundaries


@dataclass
class ClassTexts:
    """An output's class texts: one left-aligned, vertically centred text per row (`rows`, at
    `row_anchors`), and `top`, a list of the top classes, top-left at `top_anchor`."""

    block: str
    rows: list
    row_anchors: np.ndarray
    widest: str  # the widest row's text as it may read ("airplane  100%")
    top: object
    top_anchor: tuple[float, float, float]
    top_template: str  # the list at its widest, for its size
    order: list = field(default_factory=list)  # the classes `top` lists now, most probable first (set with its text)

    def entry_middles(self, box: np.ndarray) -> np.ndarray:
        """The heights (pixels, y up) of the listed entries' middles, the list standing in `box`:
        its lines, the heading's first, share its height evenly."""
        lines = self.top_template.count("\n") + 1
        pitch = (box[3] - box[1]) / lines
        return box[3] - (lines - len(self.order) + np.arange(len(self.order)) + 0.5) * pitch

    def leads(self) -> bool:
        """Whether the list is drawn with lines to its classes' rows: a column's (a grid has no row
        texts), once its texts show at all (visuals.class_text_opacity: from half lit, as the top-class
        frame): the list appears where it stays (at the column's top first, it jumped in one frame)."""
        return bool(self.order) and len(self.row_anchors) > 0 and self.top.GetTextProperty().GetOpacity() > 0


@dataclass
class Placement:
    """What the last layout did, in the pane's pixels (x right, y up from the bottom-left)."""

    width: int = 0
    height: int = 0
    blocks: dict[str, np.ndarray] = field(default_factory=dict)  # block -> its rectangle x0, y0, x1, y1
    shown: list[tuple[str, str, str, np.ndarray]] = field(default_factory=list)  # (kind, block, text, box)
    hidden: list[tuple[str, str, str]] = field(default_factory=list)  # (block, text, why)


def project(points: np.ndarray, matrix: np.ndarray, w: int, h: int) -> np.ndarray:
    """(n, 3) world points -> (n, 2) pixel positions in the pane (NaN behind the camera)."""
    clip = np.column_stack([points, np.ones(len(points))]) @ matrix.T
    front = clip[:, 3:4] > 1e-9
    return np.where(front, (clip[:, :2] / np.where(front, clip[:, 3:4], 1) + 1) / 2 * (w, h), np.nan)


def block_rectangles(bounds: np.ndarray, matrix: np.ndarray, w: int, h: int) -> np.ndarray:
    """(n, 6) boxes (x0, x1, y0, y1, z0, z1) -> (n, 4) screen rectangles of their projections."""
    corners = np.stack(np.meshgrid([0, 1], [2, 3], [4, 5], indexing="ij"), -1).reshape(8, 3)
    pts = bounds[:, corners.T].transpose(0, 2, 1).reshape(-1, 3)  # (n * 8, 3)
    xy = project(pts, matrix, w, h).reshape(-1, 8, 2)
    return np.column_stack([xy[..., 0].min(1), xy[..., 1].min(1), xy[..., 0].max(1), xy[..., 1].max(1)])


def hits(box: np.ndarray, others: np.ndarray, gap: float = GAP) -> np.ndarray:
    """Which of `others` (n, 4) come within `gap` pixels of `box`."""
    return (
        (others[:, 0] < box[2] + gap)
        & (box[0] < others[:, 2] + gap)
        & (others[:, 1] < box[3] + gap)
        & (box[1] < others[:, 3] + gap)
    )


def margin(h: int) -> float:
    """The pixels kept free at the edges of a pane `h` pixels high."""
    return max(MARGIN, EDGE * h)


def inside(box: np.ndarray, w: int, h: int) -> bool:
    """Whether `box` is within the pane, its margin kept."""
    m = margin(h) - 1e-6
    return bool(box[0] >= m and box[1] >= m and box[2] <= w - m and box[3] <= h - m)


def shortened(text: str) -> str:
    """A label's short form: its first line (its title), without the shape line under it, for a
    label that finds no room at its size in two lines (a lecture's 32 px labels: LeNet's relu3)."""
    return text.split("\n")[0]


def free_place(box: np.ndarray, taken: np.ndarray, direction: float, h: int, reach: float, *, axis=1, w=0):
    """The smallest shift along `axis` (1: vertical, 0: sideways) in `direction` (within `reach`
    pixels, inside the pane `w` by `h` pixels with its margin kept) that clears `taken` by GAP
    pixels, or None."""
    return _free_shift(box, np.asarray(taken, dtype=float).reshape(-1, 4).tolist(), direction, h, reach, axis, w)


def _free_shift(box, taken: list, direction: float, h: int, reach: float, axis: int, w: int):
    """free_place on `taken` as plain lists of floats (x0, y0, x1, y1): a layout tries this
    thousands of times on a dozen boxes, each label's tries against the same ones."""
    m = margin(h) - 1e-6  # a box clamped to the margin is inside it
    across = 1 - axis
    if w and (box[across] < m or box[across + 2] > (w, h)[across] - m):
        return None  # out of the picture across the way it moves
    # the box moves along `axis` alone: only what it meets across the way can stop it
    c0, c1 = float(box[across]), box[across + 2] + GAP
    # each one it meets across the way as (its low end, its high end + GAP), as hits() computes them
    near = [(t[axis], t[axis + 2] + GAP) for t in taken if t[across] < c1 and c0 < t[across + 2] + GAP]
    low, high, end = float(box[axis]), float(box[axis + 2]), (w, h)[axis] - m
    shift = 0.0
    while abs(shift) <= reach:
        a, b = low + shift, high + shift
        if a < m or b > end:
            return None
        b_gap = b + GAP
        hit = [span for span in near if span[0] < b_gap and a < span[1]]
        if not hit:
            return shift
        # past the farthest it meets (ahead: up or right), else the nearest below or left
        step = max(s[1] for s in hit) - a if direction > 0 else min(s[0] for s in hit) - GAP - b
        shift += step + direction * 1e-3
    return None


LEADER_OPACITY = 0.6  # a leader line's, over the background: lighter than the texts it leads from


class LeaderLines:
    """Thin lines from moved labels back to their blocks, so that none is read as another's, drawn
    on the pane in pixels: one polydata, its lines replaced at each layout."""

    def __init__(self, renderer: vtk.vtkRenderer, colour):
        self.lines = vtk.vtkPolyData()
        mapper = vtk.vtkPolyDataMapper2D()
        mapper.SetInputData(self.lines)
        where = vtk.vtkCoordinate()
        where.SetCoordinateSystemToViewport()
        mapper.SetTransformCoordinate(where)
        self.actor = vtk.vtkActor2D()
        self.actor.SetMapper(mapper)
        self.actor.GetProperty().SetColor(*colour)
        self.actor.GetProperty().SetOpacity(LEADER_OPACITY)
        renderer.AddViewProp(self.actor)

    def follow(self, classes) -> None:
        """As opaque as the lists of top classes' texts (ClassTexts.top) they lead from: those fade in
        as the answer's light arrives (visuals.class_text_opacity), and the lines appeared in one frame."""
        shown = max((c.top.GetTextProperty().GetOpacity() for c in classes), default=1.0)
        self.actor.GetProperty().SetOpacity(LEADER_OPACITY * shown)

    def draw(self, segments: list[tuple[float, float, float, float]]) -> None:
        """A straight line for each segment (x0, y0, x1, y1): a label's nearest edge to its block."""
        from vtk.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray

        n = len(segments)
        points = np.zeros((2 * n, 3))
        points[:, :2] = np.array(segments, dtype=float).reshape(-1, 2)
        vtk_points = vtk.vtkPoints()
        vtk_points.SetData(numpy_to_vtk(points, deep=True))
        lines = vtk.vtkCellArray()
        lines.SetData(
            numpy_to_vtkIdTypeArray(np.arange(0, 2 * n + 1, 2, dtype=np.int64), deep=True),
            numpy_to_vtkIdTypeArray(np.arange(2 * n, dtype=np.int64), deep=True),
        )
        self.lines.SetPoints(vtk_points)
        self.lines.SetLines(lines)


class ClassTextPlacing:
    """LabelLayout's part that keeps the outputs' class texts beside their columns, in one form
    through a camera move (settle_class_forms, hold_class_forms)."""

    def _place_classes(self, c: ClassTexts, sizes, matrix, rects) -> np.ndarray:
        """Show the rows, else the list of top classes (only the form held for a camera move, where
        one is: settle_class_forms), else neither, beside their column; returns the boxes shown and
        the list's lines to its rows."""
        held = self.held_forms.get(c.block)
        if held == HELD_HIDDEN:  # no form fits at every frame of the shot: none comes and goes
            show_classes(c, rows=None)
            self.shown_forms[c.block] = None
            self.placement.hidden.append((c.block, c.top.GetInput(), HELD_HIDDEN))
            return np.empty((0, 4))
        for form in (held,) if held else CLASS_FORMS:
            fit = self._class_fit(c, sizes, matrix, rects, form)
            if fit is not None:
                shift, boxes = fit
                show_classes(c, rows=form == "rows", shift=shift)
                self.shown_forms[c.block] = form
                texts = [a.GetInput() for a in c.rows] if form == "rows" else [c.top.GetInput()]
                self.placement.shown += [("classes", c.block, t, b) for t, b in zip(texts, boxes)]
                if form == "rows" or not self._leading(c):
                    return boxes
                own = rects[self.block_names.index(c.block)]
                lines = _list_leaders(c, boxes[0], own, self._row_heights(c, matrix))
                self.class_leaders += lines if c.leads() else []
                return np.vstack([boxes, *(_line_pieces(line) for line in lines)])
        show_classes(c, rows=None)
        self.shown_forms[c.block] = None
        self.placement.hidden.append((c.block, c.top.GetInput(), "no room for the class texts beside the output"))
        return np.empty((0, 4))

    def _leading(self, c: ClassTexts) -> bool:
        """Whether the list stands off its column for its lines to the rows, their room kept: where
        it draws them (ClassTexts.leads), and through a shot from its first frame, before its texts
        show (in the lecture's forward pass the list stood beside the column until the output lit,
        then 54 px further off: relu3's label, its place taken, jumped away and back)."""
        return c.leads() or (self.steady_lists and bool(c.order) and len(c.row_anchors) > 0)

    def _row_heights(self, c: ClassTexts, matrix) -> np.ndarray:
        """The screen heights (pixels, y up) of the listed classes' rows, most probable first."""
        w, h = self.placement.width, self.placement.height
        return project(c.row_anchors[c.order], matrix, w, h)[:, 1]

    def _class_fit(self, c: ClassTexts, sizes, matrix, rects, form: str) -> tuple[tuple, np.ndarray] | None:
        """Where `form` of an output's class texts ("rows": one text per row, while the rows are
        lines of text apart on screen; "top": the list of the top classes, its first entry level
        with its class's row where it fits, else from the column's top, a little further off for
        its lines to the rows) stands beside its column, clear of it (right of it, else left):
        ((sideways, upward shift), its boxes), or None where it fits not."""
        w, h = self.placement.width, self.placement.height
        row_box, top_box = sizes
        own = rects[self.block_names.index(c.block)]
        others = np.vstack([self._others(rects, c.block), self._held(w, h), own[None]])
        if form == "rows":
            if not c.rows:
                return None
            xy = project(c.row_anchors, matrix, w, h)
            pitch = np.abs(np.diff(xy[:, 1])).min() if len(xy) > 1 else np.inf
            if not pitch >= c.rows[0].GetTextProperty().GetFontSize() + 1:  # lines of text apart
                return None
            tries = [(0, xy[:, [0, 1, 0, 1]] + _trimmed(row_box, pitch - 1))]
            lead = 0.0
        else:
            box = project(np.array([c.top_anchor]), matrix, w, h)[:, [0, 1, 0, 1]] + top_box
            tries, lead = [(0, box)], 0.0
            if self._leading(c):
                level = self._row_heights(c, matrix)[0] - c.entry_middles(box[0])[0]
                if np.isfinite(level) and not self.steady_lists:  # a shot's list never follows its top class
                    tries.insert(0, (round(level), box + np.array([0, round(level), 0, round(level)])))
                lead = LEAD * c.top.GetTextProperty().GetFontSize()
        for dy, boxes in tries:
            dx = self._beside(boxes, own, others, lead)
            if dx is not None:
                return (dx, dy), boxes + np.array([dx, 0, dx, 0])
        return self._ride(tries[-1][1], own, lead, rects, c.block) if form == "top" and self.steady_lists else None

    def _ride(self, boxes: np.ndarray, own: np.ndarray, lead: float, rects, block: str):
        """Through a shot, a list of top classes rides out of the frame with its column (as `_class_fit`
        returns it, or None): beside it, right (else left), where it crosses that title-safe edge and
        meets no block nor what other overlays hold inside it, kept inside the frame. The
        lecture's push-in onto the input moved fc2's list past the title-safe edge from its second
        frame, and the list was hidden through the shot while its column was on screen."""
        w, h = self.placement.width, self.placement.height
        if not (np.isfinite(boxes).all() and np.isfinite(own).all()) or own[2] <= 0 or own[0] >= w:
            return None
        held = self._held(w, h)
        inner = held[(held[:, 1] > 0) | (held[:, 3] < h)]  # not the bands along a side's whole height
        obstacles = np.vstack([self._others(rects, block), inner, own[None]])
        clear = GAP + margin(h) + lead
        m = max(margin(h), self.safe[0] * w)  # past a lecture's title-safe edge, where it has one
        for dx in (round(own[2] + clear - boxes[:, 0].min()), round(own[0] - clear - boxes[:, 2].max())):
            moved = boxes + np.array([dx, 0, dx, 0])
            leaving = moved[:, 2].max() > w - m if dx > 0 else moved[:, 0].min() < m
            if leaving and all(self._fits(b, w, h, obstacles) for b in moved):  # still in the frame
                return (dx, 0), moved
        return None

    def settle_class_forms(self, poses, place) -> dict[str, str]:
        """Decide each output's class-text form once for a camera move (a storyboard shot's
        `poses`, the camera put at each by `place(pose)`): the rows where they fit at every pose,
        else the list of top classes where it does, else neither (HELD_HIDDEN: texts shown at some
        frames and hidden at others read as the answer coming and going; the overview keeps the
        list room beside its column, camera.overview's `beside`); held (no switch mid-move) until
        the next call. No poses: none held, each picture decides for itself. Returns the forms held."""
        self.held_forms = {}
        self._key = None  # lay out again at the next render
        poses = list(poses)
        # through a shot the list hangs from its column's top: level with its top class's row, it
        # jumped 190 px (at 1080p) where the snapshot changed the top class (the lecture's epochs)
        self.steady_lists = bool(poses)
        w, h = self.renderer.GetSize()
        if not poses or not self.classes or not w or not h:
            return {}
        if self._boxes is None:
            self._measure()
        fits = {c.block: Counter() for c in self.classes}  # the poses each form fits at, in and out of frame
        poses_in = Counter()  # the poses at which each output's column stands wholly in the frame
        for pose in poses:
            place(pose)
            matrix = self.matrix()
            rects = block_rectangles(self.bounds, matrix, w, h)
            self.placement = Placement(w, h, dict(zip(self.block_names, rects)))
            for c, sizes in zip(self.classes, self._class_boxes):
                framed = self._framed(c, sizes[1], rects[self.block_names.index(c.block)])
                poses_in[c.block] += framed
                for form in CLASS_FORMS:
                    fits[c.block][form, framed] += self._class_fit(c, sizes, matrix, rects, form) is not None
        self.held_forms = {b: _held_form(fit, poses_in[b], len(poses)) for b, fit in fits.items()}
        return dict(self.held_forms)

    def _framed(self, c: ClassTexts, top_box: np.ndarray, own: np.ndarray) -> bool:
        """Whether an output's column stands wholly in the frame with room for its list beside it
        inside the frame, on the side of the frame's nearer edge (where the list stands beside a
        network's last block): a pose where it does not vetoes no form (_held_form)."""
        w, h = self.placement.width, self.placement.height
        need = top_box[2] - top_box[0] + 2 * (GAP + margin(h)) + LEAD * c.top.GetTextProperty().GetFontSize()
        outer = own[2] + need <= w - margin(h) if own[0] + own[2] > w else own[0] - need >= margin(h)
        return in_frame(own, w, h) and outer

    def list_room(self, block: str) -> bool:
        """Whether output `block`'s column, as last laid out, has room for its list in the frame
        (_framed; True for a block with no class texts): where it has not, a shot's class texts may hide."""
        c = next((c for c in self.classes if c.block == block), None)
        if c is None or self._class_boxes is None or block not in self.placement.blocks:
            return True
        return self._framed(c, self._class_boxes[self.classes.index(c)][1], self.placement.blocks[block])

    def hold_class_forms(self) -> None:
        """Keep the forms shown now (a hidden output's texts still choose theirs) until
        settle_class_forms: while the reader turns or zooms the view."""
        self.held_forms = {b: form for b, form in self.shown_forms.items() if form is not None}

    def _follow_interaction(self) -> None:
        """In a window, hold the class texts' forms from the start of a drag or a wheel turn to
        its end, after which the style renders once more and the settled view decides."""
        window = self.renderer.GetRenderWindow()
        interactor = window.GetInteractor() if window is not None else None
        style = interactor.GetInteractorStyle() if interactor is not None else None
        if style is None or style is self._style:
            return
        self._style, me = style, weakref.ref(self)  # a layout switched away from is not kept alive
        style.AddObserver("StartInteractionEvent", lambda *_: me() and me().hold_class_forms())
        style.AddObserver("EndInteractionEvent", lambda *_: me() and me().settle_class_forms((), None))

    def _beside(self, boxes: np.ndarray, own: np.ndarray, obstacles: np.ndarray, lead: float = 0.0) -> int | None:
        """The sideways shift (pixels) that puts texts `boxes` clear of their column `own`, `lead`
        pixels further for lines back to it: where they stand, else just right of it, else just
        left; None where none fits."""
        w, h = self.placement.width, self.placement.height
        if not (np.isfinite(boxes).all() and np.isfinite(own).all()):
            return None
        clear = GAP + margin(h) + lead  # the top class's frame stands a little off the column
        right = max(0.0, own[2] + clear - boxes[:, 0].min())
        for dx in (round(right), round(own[0] - clear - boxes[:, 2].max())):
            if all(self._fits(b + np.array([dx, 0, dx, 0]), w, h, obstacles) for b in boxes):
                return dx
        return None


WINDOW_SHARE = 0.1  # the least share of a shot a label shows for in part of it (1.25 s of the lecture's 12.5 s mistake)
WINDOW_FADE = 0.025  # the share of the shot it fades in or out over at its window's ends (0.3 s of 12.5 s)


class LabelWindows:
    """LabelLayout's part that shows, through a shot, a label its settle hid for want of room at
    some frames for the part of the shot where it has room: the longest run of the settle's poses
    at which it finds room with every held label still shown, fading in and out once at that run's
    ends (a window from the shot's start or to its end does not fade there). The lecture's mistake
    shot had pool2's and fc2's labels, and the attribution plane's, hidden for all of its 12.5 s:
    no room for them at some frames of its push-in."""

    progress: float | None = None  # the shot's progress at the picture laid out (at_progress)

    def at_progress(self, progress: float | None) -> None:
        """The shot's progress (0..1) at the picture laid out next (None: no shot's)."""
        self.progress = progress

    def _held_now(self, block: str) -> bool:
        """Whether the shot holds `block`'s label shown at this picture (throughout, or in its window)."""
        return block in (self.held_shown or ()) or self._in_window(block)

    def _in_window(self, block: str) -> bool:
        span = self.held_windows.get(block)
        return span is not None and self.progress is not None and span[0] <= self.progress <= span[1]

    def windows_open(self) -> frozenset:
        """The labels whose windows are open now (the layout lays out again as one opens or closes)."""
        return frozenset(b for b in self.held_windows if self._in_window(b))

    def window_light(self, block: str) -> float:
        """The share of its light `block`'s label shows at now: 1 for a label held no window, 0
        outside its window, rising over its fade at the window's start and falling at its end."""
        span = self.held_windows.get(block)
        if span is None:
            return 1.0
        if not self._in_window(block):
            return 0.0
        p0, p1, fade_in, fade_out = span
        rise = (self.progress - p0) / fade_in if fade_in else 1.0
        fall = (p1 - self.progress) / fade_out if fade_out else 1.0
        return float(np.clip(min(rise, fall), 0.0, 1.0))

    def _open_windows(self, poses: list, place) -> None:
        """Give each label the settle left hidden a window (held_windows: its first and last
        progress, its fades') where it finds room at poses in a row spanning WINDOW_SHARE, every
        held label shown there too; kept where no held label then goes missing at any pose."""
        progress = [getattr(p, "progress", None) for p in poses]
        # a scrub over training shows the same labels in every frame (test_label_hold): its snapshots
        # change under them; only a camera move over one snapshot (the mistake's push-in) opens windows
        scrub = len({getattr(p, "t", None) for p in poses}) > 1
        if len(poses) < 3 or None in progress or scrub:
            return
        fade = max(WINDOW_FADE, 2 * (progress[-1] - progress[0]) / (len(poses) - 1))  # over a pose or two at least
        for label in self.labels:
            block = label.block
            if block in self.held_shown:
                continue
            short = block in self.held_short
            if self._has_short_form(block):  # by its first line alone throughout: one form (its two lines came
                self.held_short.add(block)  # at frame 22 of the push-in, over fc2's fading list)
            self.held_shown.add(block)
            out = self._lay_out_at(poses, place)
            self.held_shown.discard(block)
            roomy = [block in placed and not self._missing([(placed, gone)]) for placed, gone in out]
            run = _longest_run(roomy)
            if run is None or progress[run[1]] - progress[run[0]] < WINDOW_SHARE:
                self.held_short -= set() if short else {block}
                continue
            i, j = run
            fades = (fade if i > 0 else 0.0, fade if j < len(poses) - 1 else 0.0)
            self.held_windows[block] = (progress[i], progress[j], *fades)
            shown = self._lay_out_at(poses, place)
            windowed = [block in placed for (placed, _), p in zip(shown, progress) if progress[i] <= p <= progress[j]]
            if self._missing(shown) or not all(windowed):
                del self.held_windows[block]
                self.held_short -= set() if short else {block}


def _longest_run(flags: list[bool]) -> tuple[int, int] | None:
    """The first and last index of the longest run of True in `flags` (the earlier of equals; None: none)."""
    best, start = None, None
    for k, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = k
        elif not flag and start is not None:
            if best is None or k - 1 - start > best[1] - best[0]:
                best = (start, k - 1)
            start = None
    return best


def in_frame(rect: np.ndarray, w: int, h: int) -> bool:
    """Whether a block's screen rectangle stands wholly in the frame `w` by `h` pixels."""
    return bool(np.isfinite(rect).all() and rect[0] >= 0 and rect[1] >= 0 and rect[2] <= w and rect[3] <= h)


def _held_form(fits: Counter, framed: int, poses: int) -> str:
    """The class-text form a shot holds (settle_class_forms), from the poses each form fits at
    (`fits`: (form, whether the column stood wholly in the frame then) -> poses): the first that fits
    at every pose where the column stands in the frame (`framed` of the shot's `poses`), where it
    does at some; where it never does (a close-up cutting the column), at every pose; else none. A
    pose where the column leaves the frame vetoes no form: a mistake's docked list takes over there
    (class_rows.AnswerDock), and the list beside the column was hidden through the lecture's push-in
    onto the input, 1.5 s before the docked one came in."""
    for form in CLASS_FORMS:
        if fits[form, True] + (fits[form, False] if not framed else 0) == (framed or poses):
            return form
    return HELD_HIDDEN


class LabelSides:
    """LabelLayout's part that holds each block's label through a camera move: a storyboard shot
    decides once for all its frames which labels show and on which side of its block each stands
    (settle_label_sides), so a label never jumps from above its block to below it mid-shot, nor
    comes and goes from one frame (or snapshot) to the next."""

    one_form = False  # a lecture's: a shot's labels all with their shape lines or all without (_settle)
    _short_floor: frozenset = frozenset()  # the labels a settle holds short from its start (_settle)
    _starts: Mapping[str, tuple[int, int]] = MappingProxyType({})  # block -> offset a one_form settle starts from
    _repeats: Sequence[int] = ()  # each settle pose's first pose drawing the same picture (settle_label_sides)

    def settle_label_sides(self, poses, place, repeats: list[int] | None = None) -> dict[str, str]:
        """Lay the labels out at each of `poses` (the pane put there by `place(pose)`) and hold,
        until the next call, each label to the side of its block (SIDES) it took at the most of
        them, else another where that has room at more poses, and the labels shown to those that
        find room on their side at every pose where their block is in the picture (laid out again
        with only those until each does): a label hides rather than leave its side mid-shot (relu3
        above and below its block in the fc2 close-up), unless letting every label take another
        side where its own has no room shows more labels throughout (the lecture's opening shot's
        fc1). `repeats`: for each pose, the index of the first of the run of poses that draw the
        same picture as it (a held camera on a held snapshot): laid out once a run, counted at each.
        No poses: nothing held. Returns the sides held."""
        poses = list(poses)
        self._repeats = list(repeats) if repeats is not None else list(range(len(poses)))
        everyone = {label.block for label in self.labels}
        self._starts = {}  # where a one_form settle's labels start: as in their own forms (_settle)
        self._passes, self._finds = {}, {}  # this settle's passes and places found, by what they depend on
        try:
            kept = self._settle(poses, place, set())
            first = self._holds()
            if kept != everyone and len(kept) >= len(self._settle(poses, place, everyone)):
                self._hold(first)  # leaving their sides shows none more: none leaves its side
        finally:
            self._passes = self._finds = None
        self._key, self._last = None, self._carried_offsets()  # lay out again at the next render, from the shot's start
        self._apart = True
        return dict(self.held_sides)

    def carried(self) -> dict[str, tuple[str, tuple[int, int], bool]]:
        """Each label shown by the last layout: the side of its block it stands on, its offset
        (pixels from its anchor) and whether it read by its first line alone, for a shot that
        carries the camera on to start from (carry_on)."""
        blocks = self.placement.blocks
        return {
            b: (side_of(box, blocks[b]), self._next[b], shortened(t) == t and self._has_short_form(b))
            for kind, b, t, box in self.placement.shown
            if kind == "block" and b in self._next
        }

    def carry_on(self, carried: dict[str, tuple[str, tuple[int, int], bool]]) -> None:
        """Start the next settle_label_sides from `carried` (the shot before's carried(), {} for
        none): each label on the side and at the place it stood, kept while it has room there, so
        a camera move to the next shot fades only the labels that change (every label faded out
        and in again, newly laid out, at the lecture's moves)."""
        self._carried = dict(carried)

    def _carried_offsets(self) -> dict:
        return self._starts | {b: offset for b, (_, offset, *_) in self._carried.items()}

    def _carried_short(self) -> set[str]:
        """The labels the shot before ended reading by their first line alone: held so (a move's
        labels keep their form as their place: pool2's shape line came back at the lecture's
        move into the forward pass and pushed relu3's label 26 px aside at 480p)."""
        return {b for b, (*_, short) in self._carried.items() if short}

    def _settle(self, poses: list, place, flipping: set[str], every_short: bool = False) -> set[str]:
        """settle_label_sides with the labels `flipping` let take another side where their own has
        no room; returns the labels held shown. `every_short`: every label held by its name alone
        from the start (one_form: the sides and the labels shown settled for that form)."""
        self.held_windows = {}
        self._short_floor = self._carried_short() | (self._shortable() if every_short else set())
        self.held_sides, self.held_shown, self.held_short, self.flipping = (
            {},
            None,
            set(self._short_floor),
            set(flipping),
        )
        counts: dict[str, Counter] = {}
        for placed, _ in self._lay_out_at(poses, place):
            for block, side in placed.items():
                counts.setdefault(block, Counter())[side] += 1
        self.held_sides = {block: count.most_common(1)[0][0] for block, count in counts.items()}
        # a move's labels keep the side they stood on as the shot before ended (where they find room:
        # the missing labels below move on otherwise), so a label stays put through the change
        self.held_sides.update({b: side for b, (side, *_) in self._carried.items() if b in counts})
        self.held_shown = {label.block for label in self.labels}
        order, resided = [label.block for label in self.labels], set()
        for _ in range(4 * len(self.labels) + 1):  # each pass but the last moves, shortens or drops a label
            missing = self._missing(self._lay_out_at(poses, place))
            if not missing:
                break
            # the one missing at the most poses (the later in the network of two): without it the
            # others may find room (dropping every one missing somewhere at once left the lecture's
            # scrub at 32 px capitals a label short of its most crowded frame); first held by its
            # first line alone, as a single picture tries before it hides a label
            worst = max(missing, key=lambda b: (missing[b], order.index(b)))
            if (worst, worst in self.held_short) not in resided:  # first on another side, in each form
                resided.add((worst, worst in self.held_short))
                if self._hold_roomier_side(worst, poses, place, counts, missing):
                    continue
            if worst in self.held_short or not self._has_short_form(worst):
                self.held_shown -= {worst}
            else:
                self.held_short.add(worst)
        self._hold_short_forms(poses, place, order)
        self._open_windows(poses, place)
        # a lecture's shot (one_form): where any label reads by its name alone at some pose, every label
        # does through the shot (watch 8: the overview showed 5 of 10 shapes, the epochs shot 2 of 8, and
        # students ask why pool1 has no size; the stage captions state the shapes), settled so again
        # (holding them short afterwards, the greedy layout lost relu3 at the overview's first frame)
        if self.one_form and not every_short and (self.held_short or self._shortened_now):
            self._lay_out_at(poses[:1], place)  # each label from where it stood in its own form at the start
            return self._settle_short_from(poses, place, flipping, dict(self._next))
        return set(self.held_shown)

    def _settle_short_from(self, poses: list, place, flipping: set[str], starts: dict) -> set[str]:
        """_settle with every label by its name alone, each starting at `starts` (where it stood in
        its own form); where that hides a label, again from the places the short forms find for
        themselves, kept where it shows more. Started where its two lines stood, fc1's name took
        relu3's room under its block in the mistake shot's first pose (azimuth 20, elevation 5,
        captioned, held): relu3 hidden through the shot, where a picture laid out freely by names
        alone had room for all ten."""
        self._starts = starts  # (the render's first frame too: _carried_offsets)
        kept = self._settle(poses, place, flipping, every_short=True)
        if kept == {label.block for label in self.labels} or not starts:
            return kept
        first = self._holds()
        self._starts = {}
        again = self._settle(poses, place, flipping, every_short=True)
        if len(again) > len(kept):
            return again
        self._hold(first)
        return kept

    # what a settle (_settle) decides: held again as they were where a later try is no better
    HOLDS = ("held_sides", "held_shown", "held_short", "held_windows", "flipping", "_short_floor", "_starts")

    def _holds(self) -> dict:
        return {name: copy.copy(getattr(self, name)) for name in self.HOLDS}

    def _hold(self, holds: dict) -> None:
        for name, value in holds.items():
            setattr(self, name, value)

    def _shortable(self) -> set[str]:
        """The blocks whose labels have a shape line to leave off."""
        return {lb.block for lb in self.labels if self._has_short_form(lb.block)}

    def _hold_roomier_side(self, block: str, poses, place, counts: dict[str, Counter], missing: Counter) -> bool:
        """Hold `block`'s label, missing at some pose on its held side, on another (those it took
        laid out freely first) where fewer poses then miss a label; whether one was. A label never
        leaves its held side mid-shot (relu3 took the other where its own had no room, flipping in
        the fc2 close-up): it hides there, so it is held where it has room throughout."""
        held, took = self.held_sides.get(block), counts.get(block, Counter())
        for side in sorted(set(took) - {held}, key=lambda s: (-took[s], SIDES.index(s))):  # a few layouts each
            self.held_sides[block] = side
            if self._lay_out_at(poses, place, stop=sum(missing.values())) is not None:  # fewer missed
                return True
        if held is not None:
            self.held_sides[block] = held
        return False

    def _has_short_form(self, block: str) -> bool:
        """Whether `block`'s label has a first line alone to fall back on (a shape line under it)."""
        return any(shortened(t) != t for lb in self.labels if lb.block == block for t in lb.texts)

    def _missing(self, shown_at) -> Counter:
        """The poses at which each held label is hidden while its block is in the picture."""
        return Counter(b for placed, out in shown_at for b in self.held_shown - set(placed) - out)

    def _hold_short_forms(self, poses, place, order: list[str]) -> None:
        """Hold by its first line alone through the shot each label that reads so at some pose
        (its shape line came and went mid-shot), one at a time, the one short at the most poses
        first, kept where no held label then goes missing (holding every such label short at
        once, the greedy layout found room for fewer: 6 of the wide scrub's 7)."""
        short, tried = Counter(self._shortened_now), set()
        if self._hold_all_short(poses, place):
            return
        for _ in range(len(self.labels)):
            left = [b for b in short if b not in self.held_short | tried]
            if not left:
                return
            block = max(left, key=lambda b: (short[b], order.index(b)))
            tried.add(block)
            self.held_short.add(block)
            if self._lay_out_at(poses, place, stop=1) is None:
                self.held_short.discard(block)  # its short form crowded another out: it switches
            else:
                short = Counter(self._shortened_now)

    def _hold_all_short(self, poses, place) -> bool:
        """Hold short every label that reads short at some pose, again until none switches; True
        where no held label goes missing then, else nothing held (LeNet's overview: pool2 alone held
        short crowded fc1 out; with conv2, fc2 and relu3 held short too none is)."""
        missing = Counter()
        for _ in range(len(self.labels)):
            switching = set(self._shortened_now) - self.held_short
            if not switching:
                break
            self.held_short |= switching
            missing = self._missing(self._lay_out_at(poses, place))
        if self.held_short and not missing and not set(self._shortened_now) - self.held_short:
            return True
        self.held_short = set(self._short_floor)
        return False

    def _lay_out_at(self, poses, place, stop: int | None = None) -> list[tuple[dict[str, str], set[str]]] | None:
        """At each pose, the side of its block each block label shown takes, and the labels whose
        block is out of the picture (OUT_OF_PICTURE: a held label hides there and shows where its
        block is back in). The outputs' class texts stand as `place` leaves them: where it draws
        the pose's values, the list of top classes as it will (from its column's top in a shot,
        its lines to the rows). `stop`: None (nothing laid out further, nothing remembered) once the
        held labels go missing at that many poses in all (_missing): a try that asks only whether
        fewer go missing than before needs no more of the shot (half a settle's passes were such)."""
        held = (
            tuple(sorted(self._carried_offsets().items())),  # where the pass's labels start (_pass)
            tuple(sorted(self.held_sides.items())),
            None if self.held_shown is None else frozenset(self.held_shown),
            frozenset(self.held_short),
            frozenset(self.flipping),
            tuple(sorted(self.held_windows.items())),
        )
        if self._passes is not None and held in self._passes:  # the same holds lay out the same
            out, shortened = self._passes[held]
            if stop is not None and sum(self._missing(out).values()) >= stop:
                return None
        else:
            before = self._shortened_now
            out = self._pass(poses, place, stop)
            if out is None:  # stopped: as if not laid out
                self._shortened_now = before
                return None
            shortened = Counter(self._shortened_now)
            if self._passes is not None:
                self._passes[held] = out, shortened
        self._shortened_now = Counter(shortened)
        return [(dict(sides), set(gone)) for sides, gone in out]

    def _pass(self, poses, place, stop: int | None = None) -> list[tuple[dict[str, str], set[str]]] | None:
        """_lay_out_at's layouts, laid out (None: stopped at `stop` misses)."""
        out, self._last, missed = [], self._carried_offsets(), 0  # each pass starts as the shot's first frame will
        self._apart = True
        self._shortened_now = Counter()  # the poses at which each label reads by its first line alone
        self._key = None
        short: list[list[str]] = []
        for k, pose in enumerate(poses):
            first = self._repeats[k] if k < len(self._repeats) else k
            if first != k:  # the picture of the pose before, laid out alike (update finds its key unchanged)
                out.append(out[first])
                short.append(short[first])
            else:
                place(pose)
                self.at_progress(getattr(pose, "progress", None))
                self.update()  # laid out again where the view changed (camera_key), as a render does
                blocks = self.placement.blocks
                short.append([b for kind, b, t, _ in self.placement.shown if kind == "block" and "\n" not in t])
                sides = {b: side_of(box, blocks[b]) for kind, b, _, box in self.placement.shown if kind == "block"}
                out.append((sides, {b for b, _, why in self.placement.hidden if why in OUT_OF_PICTURE}))
            self._shortened_now.update(short[-1])
            if stop is not None:
                missed += sum(self._missing(out[-1:]).values())
                if missed >= stop:
                    return None
        return out

    def _on_held_side(self, block: str, box: np.ndarray, rect: np.ndarray) -> bool:
        return self.held_sides.get(block, side_of(box, rect)) == side_of(box, rect)


def side_of(box: np.ndarray, rect: np.ndarray) -> str:
    """Which side of its block's rectangle `rect` a label's `box` stands (one of SIDES)."""
    if box[1] >= rect[3]:
        return "above"
    if box[3] <= rect[1]:
        return "below"
    return "right" if box[0] >= rect[2] else "left"


class LabelForms:
    """LabelLayout's part that tries a label's forms (its full text, then its first line alone) and
    finds room for the labels a layout left hidden (_promote)."""

    def _mixed_forms(self) -> bool:
        """Whether the labels shown read in both forms, some with their shape lines, some without."""
        forms = {"\n" in t for kind, b, t, _ in self.placement.shown if kind == "block" and self._has_short_form(b)}
        return len(forms) > 1

    def _lay_in_one_form(self, matrix: np.ndarray, rects: np.ndarray, taken: np.ndarray) -> None:
        """_lay_apart; in a lecture's shot (one_form) again with every label by its name alone where
        some read so and some not (a frame the settle did not see), held so for the rest of the shot."""
        kept = list(self.placement.hidden)  # the class texts' own
        self._lay_apart(matrix, rects, taken)
        if self.one_form and self._passes is None and self._mixed_forms():
            self.held_short |= self._shortable()
            self.placement.hidden = kept
            self._lay_apart(matrix, rects, taken)

    def _seek_form(self, i: int, naming: bool, anchor, where: dict, rects, taken, reach, any_side):
        """Label `i`'s place (_seek) in its full form, else in its first line alone (shortened: room
        for it where the two lines had none): (its place or None, its text, its text's box)."""
        label = self.labels[i]
        text, size = label.texts[naming], self._boxes[i, int(naming)]
        # through a shot: short at some pose, short at all; or placed first and short to leave room
        held_short = label.block in self.held_short or label.block in self._squeezed
        found = (
            None if held_short else self._seek(label, size, anchor, where[label.block], rects, taken, reach, any_side)
        )
        if found is None and shortened(text) != text:
            small = self._short_boxes[i, int(naming)]
            if self.one_form:  # as far from its block as its two lines reach (`reach` counts its own heights)
                reach = reach * (size[3] - size[1]) / max(small[3] - small[1], 1.0)
            found = self._seek(label, small, anchor, where[label.block], rects, taken, reach, any_side)
            if found is not None:
                return found, shortened(text), small
        return found, text, size

    def _seek(self, label: Label, size, anchor, rect, rects, taken, reach, any_side=True):
        """A label's place (its box, where its line back runs) or None: through a held shot, where it
        stood in the frame before where that is still free (a label never jumps while it need not);
        else where _find puts it on its held side, else (a label shown through the shot, `any_side`)
        on any. Remembered through a settle (_remembered): its passes lay the same poses out again
        and again, each differing from the one before in one label's hold."""
        kept = self._last.get(label.block) if self.held_shown is not None else None
        asked = ("seek", label.block, reach, any_side, kept, label.block in self.flipping, bool(self._carried))
        find = lambda: self._seek_now(label, size, anchor, rect, rects, taken, reach, any_side, kept)
        return self._remembered(asked, (size, anchor, rect, rects, taken), find)

    def _seek_now(self, label: Label, size, anchor, rect, rects, taken, reach, any_side, kept):
        others = self._others(rects, label.block)
        if kept is not None:
            box = size + np.array([anchor[0] + kept[0], anchor[1] + kept[1]] * 2)
            w, h = self.placement.width, self.placement.height
            free = inside(box, w, h) and not any(hits(box, a).any() for a in (taken, others, rect[None]))
            free = free and not self._misreads(box, rect, others, label)
            clear, at = (
                clear_leader(rect, box, np.vstack([self._placed, self._class_taken, others])) if free else (False, None)
            )
            if clear and self._on_held_side(label.block, box, rect):
                return box, at
        found = self._find(size, rect, others, taken, label, reach)
        # its spot taken as the camera turns: the free place nearest the spot, not its first try (fc1's
        # label jumped 69 px and back in the move's forward pass at 480p); while a shot of its own
        # settles, its first try where that is within a line of the spot (nearer places left the
        # scrub's later labels less room: 7 held of 8), a shot carried on from a move as it renders
        line = 0 if self._passes is None or self._carried else label.actor.GetTextProperty().GetFontSize()
        if kept is not None and (found is None or np.abs(found[0] - box).max() > line):
            found = self._nearest(box, size, rect, others, taken, label, reach) or found
        if found is None and any_side and label.block in self.flipping:  # no side with room throughout
            found = self._find(size, rect, others, taken, label, reach, sided=False)
        return found

    def _nearest(self, kept: np.ndarray, size, rect, others, taken, label: Label, reach):
        """The free place on its held side nearest `kept` (a held label's place in the frame before,
        taken now): any of _place_at's tries, or `kept` slid up, down or sideways past what it meets,
        within `reach` of its heights of its block; None where none is. Remembered through a settle
        (_remembered): every try of every place, it was half the mistake shot's settle."""
        find = lambda: self._nearest_now(kept, size, rect, others, taken, label, reach)
        return self._remembered(("nearest", label.block, reach), (kept, size, rect, others, taken), find)

    def _nearest_now(self, kept: np.ndarray, size, rect, others, taken, label: Label, reach):
        far = reach * (size[3] - size[1])
        slides = [(axis, d, kept, far) for axis in (1, 0) for d in (1, -1)]
        places = chain(
            self._places(size, rect, others, taken, label, reach),
            self._places(size, rect, others, taken, label, reach, tries=slides),
        )
        near = [(box, at) for box, at in places if _apart(box, rect) <= far + 2 * GAP]
        return min(near, key=lambda place: np.abs(place[0] - kept).max(), default=None)

    def _find(self, size, rect: np.ndarray, others: np.ndarray, taken: np.ndarray, label: Label, reach, sided=True):
        """A label's place (LabelLayout._place_at), remembered through a settle: its passes place a
        label against the same boxes over and over (each pass differs from the one before in one
        label's hold)."""
        find = lambda: self._place_at(size, rect, others, taken, label, reach, sided)
        return self._remembered(("find", label.block, sided, reach), (size, rect, others, taken), find)

    def _remembered(self, asked: tuple, arrays: tuple, find):
        """`find()`, a place (box, at) or None, remembered through a settle by all it depends on:
        `asked` and `arrays` (the label's and its block's boxes, what it must keep off), with its held
        side, the pane's size, whether labels keep apart and the labels and class texts placed so far."""
        if self._finds is None:
            return find()
        key = (*asked, self.held_sides.get(asked[1]), self.placement.width, self.placement.height, self._apart)
        key += tuple(np.ascontiguousarray(a, dtype=float).tobytes() for a in (*arrays, self._placed, self._class_taken))
        if key not in self._finds:
            self._finds[key] = find()
        found = self._finds[key]
        return None if found is None else (found[0].copy(), found[1])

    def _lay_apart(self, matrix: np.ndarray, rects: np.ndarray, taken: np.ndarray) -> None:
        """_lay_labels with no label where it reads as another block's (reads_as), or letting labels
        stand there where that shows more of them (a label hidden names nothing): the way the
        layout before went first, the other only where it shows more (switching at every frame,
        the labels of the lecture's epochs scrub jumped 6 times in 10 s)."""
        kept = list(self.placement.hidden)  # the class texts' own
        ends = {lb.block for lb in self.labels if lb.end}
        # hidden for want of room: the input's and output's first (ResNet-18's overview at 2160p kept
        # its labels apart by hiding input and fc, where letting them stand by another block named both)
        crowded = lambda: (
            sum(b in ends and why in (NO_ROOM, NO_ROOM_BESIDE) for b, _, why in self.placement.hidden),
            sum(why in (NO_ROOM, NO_ROOM_BESIDE) for _, _, why in self.placement.hidden),
        )
        self._lay_labels(matrix, rects, taken)
        first, mode = crowded(), self._apart
        if first[1]:  # (those hidden out of the picture or through a shot would be hidden either way)
            self._apart = not mode
            self.placement.hidden = list(kept)
            self._lay_labels(matrix, rects, taken)
            if crowded() >= first:  # none the more shown: as before
                self._apart = mode
                self.placement.hidden = list(kept)
                self._lay_labels(matrix, rects, taken)

    def _lay_labels(self, matrix: np.ndarray, rects: np.ndarray, taken: np.ndarray) -> None:
        """The labels in the scene's order; where that hides the input's or the output's label,
        again with those two first, kept unless it hides more (in a network of one-module stages,
        LeNet's, every block is a stage boundary, and the output, placed last, found no room at 480p).
        Through a held shot, a label with no room on its held side goes last (_place_labels' `defer`),
        unless that hides more than placing it in turn. Then those still hidden for want of room
        are placed first (_promote)."""
        kept = list(self.placement.hidden)  # the class texts' own
        self._promoted, self._squeezed = (), set()
        defer = self.held_shown is not None
        missed = self._place_again(kept, matrix, rects, taken, False, defer)
        if defer and missed:
            again = self._place_again(kept, matrix, rects, taken, False, False)
            if len(again) < len(missed):
                missed, defer = again, False
            else:
                missed = self._place_again(kept, matrix, rects, taken, False, True)
        ends_first = False
        if any(lb.end for lb in missed):
            again = self._place_again(kept, matrix, rects, taken, True, defer)
            if len(again) <= len(missed):
                missed, ends_first = again, True
            else:
                self._place_again(kept, matrix, rects, taken, False, defer)
        self._promote(kept, matrix, rects, taken, ends_first, defer, missed)

    def _promote(self, kept: list, matrix, rects, taken, ends_first: bool, defer: bool, missed: list) -> None:
        """Place the labels hidden for want of room before the others (after the focused), kept
        where that hides fewer: a block between two wide labels found every place about it taken
        by its neighbours' (LeNet's relu3, between fc1 and fc2 at 32 px capitals), where the
        neighbours, placed after it, still find room. Those a try hides in turn go next after
        those placed first (relu3 first took pool2's place, then pool2, placed second, found
        another), a few times; the try that hides the fewest is kept, or where one is still hidden,
        those placed first in their first lines alone, where that hides fewer still (relu3 short
        left pool2 room under the heads-up line at the 1-epoch LeNet's forward pass)."""
        crowded = lambda out: [lb.block for lb in out if self._why_hidden(lb.block) == NO_ROOM]
        best, fewest = (), len(missed)
        for _ in range(PROMOTIONS):
            new = tuple(b for b in crowded(missed) if b not in self._promoted)
            if not new:
                break
            self._promoted += new
            missed = self._place_again(kept, matrix, rects, taken, ends_first, defer)
            if len(missed) < fewest:
                best, fewest = self._promoted, len(missed)
        squeezed = bool(fewest and self._promoted)
        if squeezed:  # still crowded: those placed first by their first lines alone
            self._squeezed = set(self._promoted)
            if len(self._place_again(kept, matrix, rects, taken, ends_first, defer)) < fewest:
                return
            self._squeezed = set()
        if squeezed or self._promoted != best:  # the last try was not the best: the best again
            self._promoted = best
            self._place_again(kept, matrix, rects, taken, ends_first, defer)

    def _why_hidden(self, block: str) -> str | None:
        """Why the last try left `block`'s label hidden (None: shown)."""
        return next((why for b, _, why in reversed(self.placement.hidden) if b == block), None)


class LabelLayout(ClassTextPlacing, LabelSides, LabelForms, LabelWindows):
    """Keeps one pane's labels to the policy, updated at the start of each of its renders. `labels`
    are block labels (centred, bottom-justified camera-facing texts), `classes` the outputs' class
    texts; `blocks` (name, bounds) every block a label must keep off; `colour` (0..1 RGB) that of
    the lines from moved labels back to their blocks; `reserved` (x0, y0, x1, y1, fractions of the
    pane) the parts of it other overlays hold (the heads-up line, the legends). Set `focus` (block names) to show those
    blocks' labels first: the selected block, the block under the cursor."""

    def __init__(
        self,
        renderer: vtk.vtkRenderer,
        labels: list[Label],
        colour: tuple[float, float, float],
        blocks: list[tuple[str, tuple[float, ...]]],
        classes: list[ClassTexts] = (),
        reserved: list[tuple[float, float, float, float]] = (),
    ):
        self.renderer = renderer
        self.reserved = np.array(reserved, dtype=float).reshape(-1, 4)  # the pane's parts other overlays hold
        self.labels = list(labels)
        self.classes = list(classes)
        self.block_names = [name for name, _ in blocks]
        self._others_mask: dict[str, np.ndarray] = {}  # block -> every other block (_others)
        self.bounds = np.array([b for _, b in blocks], dtype=float).reshape(-1, 6)
        self.focus: tuple[str, ...] = ()
        # of the pane's width and height, the edges labels start inside of (a lecture's title-safe
        # margin: theme.TITLE_SAFE, `reserved` keeps them off it; a label of a block standing there
        # starts inside, not over it, pushed away from it, then hidden)
        self.safe = (0.0, 0.0)
        self.panels: tuple[tuple[float, float, float, float], ...] = ()  # shown panels, as `reserved`
        # other overlays' texts: each a function giving the boxes (as `reserved`) it shows now, read each layout
        self.keep_off: list[Callable[[], tuple[tuple[float, float, float, float], ...]]] = []
        self._drawn: tuple = ()  # their boxes at the last layout
        self.placement = Placement()
        self.held_forms: dict[str, str] = {}  # output -> the class-text form held for a camera move
        self.held_sides: dict[str, str] = {}  # block -> the side its label keeps for a camera move
        self.held_shown: set[str] | None = None  # the labels a camera move shows (None: each picture decides)
        self.held_short: set[str] = set()  # the labels a camera move shows by their first line alone
        self.held_windows: dict[str, tuple[float, float, float, float]] = {}  # shown for part of a move (LabelWindows)
        self.flipping: set[str] = set()  # those a camera move lets leave their held side (no side has room throughout)
        self._shortened_now: set[str] = set()  # those a pass of settle_label_sides showed so
        self.shown_forms: dict[str, str | None] = {}  # output -> the form its class texts show now (None: hidden)
        self._style = None  # the window's interactor style whose drags hold the forms (_follow_interaction)
        self._boxes: np.ndarray | None = None  # (n, 2, 4) each label's two texts' boxes about its anchor
        self._class_boxes: list[tuple[np.ndarray, np.ndarray]] | None = None
        self._key = None
        self._placed = np.empty((0, 4))  # the labels placed so far in this layout: no leader line crosses one
        self._apart = True  # no label placed where it reads as another block's (_lay_apart)
        self._class_taken = np.empty((0, 4))  # the class texts' boxes and their lines, this layout
        self._promoted: tuple[str, ...] = ()  # blocks whose labels this layout places first, in turn (_promote)
        self._squeezed: set[str] = set()  # those of them placed by their first lines alone (_promote)
        self._next: dict = {}  # block -> its label's display offset (pixels from its anchor), this layout
        self._last: dict = {}  # the same, the layout before
        self._passes: dict | None = None  # while settling: each pass laid out, by its holds (_lay_out_at)
        self._finds: dict | None = None  # ... and each place found (_find)
        self._carried: dict[str, tuple] = {}  # block -> (side, offset, short) a move starts from
        self.steady_lists = False  # a shot's lists of top classes hang from their column's top (settle_class_forms)
        self.class_leaders: list = []  # this layout's lines from the lists of top classes to their rows
        self.leaders = LeaderLines(renderer, colour)
        self.class_lines = LeaderLines(renderer, colour)  # the lists': they fade with their texts (follow)
        renderer.AddObserver("StartEvent", self.update)

    def _bbox(self, actor, text: str) -> np.ndarray:
        """(x0, y0, x1, y1) of `text` in `actor`'s style about its anchor, in pixels."""
        bbox = [0, 0, 0, 0]
        vtk.vtkTextRenderer().GetBoundingBox(
            actor.GetTextProperty(), text, bbox, self.renderer.GetRenderWindow().GetDPI()
        )
        return np.array([bbox[0], bbox[2], bbox[1] + 1, bbox[3] + 1], dtype=float)

    def measure_again(self) -> None:
        """Measure the texts again at the next layout (their font sizes changed)."""
        self._boxes, self._key = None, None

    def _measure(self) -> None:
        self._boxes = np.array([[self._bbox(lb.actor, t) for t in lb.texts] for lb in self.labels]).reshape(-1, 2, 4)
        self._short_boxes = np.array(
            [[self._bbox(lb.actor, shortened(t)) for t in lb.texts] for lb in self.labels]
        ).reshape(-1, 2, 4)
        self._class_boxes = [
            (self._bbox(c.rows[0], c.widest) if c.rows else np.zeros(4), self._bbox(c.top, c.top_template))
            for c in self.classes
        ]

    def camera_key(self) -> tuple:
        camera = self.renderer.GetActiveCamera()
        return (
            camera.GetPosition(),
            camera.GetFocalPoint(),
            camera.GetViewUp(),
            camera.GetViewAngle(),
            camera.GetParallelProjection(),
            camera.GetParallelScale(),
            tuple(self.renderer.GetSize()),
            self.focus,
            self.panels,
            self._drawn,
            tuple((tuple(c.order), c.leads()) for c in self.classes),  # the lists' lines follow their classes
            self.windows_open(),
        )

    def matrix(self) -> np.ndarray:
        w, h = self.renderer.GetSize()
        m = self.renderer.GetActiveCamera().GetCompositeProjectionTransformMatrix(w / h, -1, 1)
        return np.array([[m.GetElement(r, c) for c in range(4)] for r in range(4)])

    def update(self, *_) -> None:
        self._follow_interaction()
        self.class_lines.follow(self.classes)
        w, h = self.renderer.GetSize()
        self._drawn = tuple(box for drawn in self.keep_off for box in drawn())
        key = self.camera_key()
        if not w or not h or key == self._key:
            return
        self._key = key
        if self._boxes is None:
            self._measure()
        matrix = self.matrix()
        rects = block_rectangles(self.bounds, matrix, w, h)
        self.placement = Placement(w, h, dict(zip(self.block_names, rects)))
        taken = [self._held(w, h)]
        self.class_leaders = []
        for c, sizes in zip(self.classes, self._class_boxes):
            taken.append(self._place_classes(c, sizes, matrix, rects))
        # no label's line back crosses the class texts (fc2's ran through LeNet's list of top classes)
        self._class_taken = np.vstack([np.empty((0, 4)), *taken[1:]])
        self._lay_in_one_form(matrix, rects, np.vstack(taken))
        self._last = self._next  # where each label stood: it stays there next frame where it can

    def _held(self, w: int, h: int) -> np.ndarray:
        """The pane's parts other overlays hold now, in pixels."""
        shown = np.array((*self.panels, *self._drawn), dtype=float).reshape(-1, 4)
        return np.vstack([self.reserved, shown]) * (w, h, w, h)

    def _others(self, rects: np.ndarray, block: str) -> np.ndarray:
        """Every block's rectangle but `block`'s (and those behind the camera)."""
        if block not in self._others_mask:  # the same few blocks asked about at every layout
            self._others_mask[block] = np.array([n != block for n in self.block_names], dtype=bool)
        return rects[self._others_mask[block] & np.isfinite(rects).all(1)]

    @staticmethod
    def _fits(box: np.ndarray, w: int, h: int, obstacles: np.ndarray) -> bool:
        return inside(box, w, h) and not hits(box, obstacles, 0.0).any()

    def _order(self, named: set[str], ends_first: bool) -> Iterator[int]:
        """Label indices in placing order: the focused, the stage boundaries (`ends_first`: the
        network's input and output before the others), then the other labels, those of stages not
        named yet (`named`, filled as labels are placed) first."""
        first = {block: n for n, block in enumerate(self._promoted)}  # after the focused, in turn
        ranks = [0 if lb.block in self.focus or lb.block in first else lb.rank + 1 for lb in self.labels]
        turn = lambda i: -1 if self.labels[i].block in self.focus else first.get(self.labels[i].block, len(first))
        # a label carried across a move keeps its place over one the new shot shows afresh: relu3,
        # placed first where fc1's carried label stood, moved fc1 52 px up in the dissolve (480p)
        # (before those _promote places first, too: else relu3, hidden, took fc1's place again)
        new = lambda i: self.labels[i].block not in self._carried and self.labels[i].block not in self.focus
        key = lambda i: (new(i), ranks[i], turn(i), ends_first and not self.labels[i].end)
        yield from sorted((i for i in range(len(ranks)) if ranks[i] <= 1), key=key)
        rest = [i for i in range(len(ranks)) if ranks[i] > 1]
        yield from sorted(rest, key=lambda i: (ranks[i], new(i), self.labels[i].stage in named))

    def _place_again(self, kept: list, matrix, rects, taken, ends_first: bool, defer: bool) -> list:
        """_place_labels afresh: the block labels' places of the last try cleared (`kept`: the
        hidden entries before any)."""
        self.placement.shown = [s for s in self.placement.shown if s[0] != "block"]
        self.placement.hidden = list(kept)
        return self._place_labels(matrix, rects, taken, ends_first, defer)

    def _place_labels(self, matrix, rects: np.ndarray, taken: np.ndarray, ends_first: bool, defer=False) -> list:
        """Place each label in turn (_order), with `defer` those of a held shot with no room on their
        held side last, still on it (another side only for those in `flipping`: in turn, they took
        the held sides of labels after them, which then moved too: 8 jumps in the lecture's epochs
        scrub at 24 px capitals); returns those left hidden."""
        w, h = self.placement.width, self.placement.height
        anchors = project(np.array([lb.anchor for lb in self.labels]).reshape(-1, 3), matrix, w, h)
        where = dict(zip(self.block_names, rects))
        leaders, named, missed, later = [], set(), [], []
        self._placed, self._next = np.empty((0, 4)), {}
        # `later` grows as the first part is read: chain reads it only then
        for i, last in chain(((i, False) for i in self._order(named, ends_first)), ((i, True) for i in later)):
            label = self.labels[i]
            naming = label.stage not in named
            text, size = label.texts[naming], self._boxes[i, int(naming)]
            optional = label.block not in self.focus and not naming
            why = HOVER if optional and label.rank == 3 else self._why_not(where.get(label.block), anchors[i])
            held_back = not why and self.held_shown is not None and not self._held_now(label.block)
            why = HELD_HIDDEN if held_back else why
            beside = optional and label.rank == 2
            reach = BESIDE if beside else REACH
            any_side = (last or not defer) and not self._in_window(label.block)  # a window keeps its side
            found = None
            if not why:
                found, text, size = self._seek_form(i, naming, anchors[i], where, rects, taken, reach, any_side)
            if found is None and defer and not why and not last and self._held_now(label.block):
                later.append(i)  # shown through the shot: placed after the others (on its side unless flipping)
                continue
            if found is None:
                label.actor.SetVisibility(False)
                label.actor.SetDisplayOffset(0, 0)  # what is kept depends on the camera alone
                why = why or (NO_ROOM_BESIDE if beside else NO_ROOM)
                self.placement.hidden.append((label.block, text, why))
                missed += [] if why == HELD_HIDDEN else [label]
                continue
            box, at = found
            if label.actor.GetInput() != text:
                label.actor.SetInput(text)
            label.actor.SetVisibility(True)
            ax, ay = anchors[i]
            label.actor.SetDisplayOffset(round(box[0] - size[0] - ax), round(box[1] - size[1] - ay))
            ox, oy = label.actor.GetDisplayOffset()
            box = size + np.array([ax + ox, ay + oy, ax + ox, ay + oy])
            self._next[label.block] = (ox, oy)
            leaders.append(_leader(where[label.block], box, at))
            # a word's space kept beside it: two labels side by side 3 px apart read as one line
            # ("pool2 · MaxPool2d fc2 · Linear" at 32 px capitals)
            space = SPACE * label.actor.GetTextProperty().GetFontSize()
            taken = np.vstack([taken, box + np.array([-space, 0, space, 0]), _line_box(leaders[-1])])
            self._placed = np.vstack([self._placed, box])
            named.add(label.stage)
            self.placement.shown.append(("block", label.block, text, box))
        if self._passes is None:  # a settle's passes draw nothing: the render lays out again
            self.leaders.draw([seg for seg in leaders if seg is not None])
            self.class_lines.draw(self.class_leaders)
        return missed

    def _misreads(self, box: np.ndarray, rect: np.ndarray, others: np.ndarray, label: Label) -> bool:
        """Whether a place is refused as another block's label: where the layout keeps labels apart
        (_lay_apart), one that reads as another's at all (reads_as_another); where it lets them
        stand by other blocks, through a shot (held_shown) still one that reads as another's and
        not as its own (the lecture's conv1-maps shot: conv1's label stood by relu1's block,
        nowhere by its grid, for 7 frames). A single picture keeps the more labels shown."""
        if self._apart:
            return reads_as_another(box, rect, others, label)
        return self.held_shown is not None and reads_as_another(box, rect, others, label, strict=False)

    def _why_not(self, rect, anchor: np.ndarray) -> str | None:
        """Why a label is not tried (None: it is)."""
        if rect is None or not np.isfinite(rect).all():
            return BEHIND
        w, h = self.placement.width, self.placement.height
        if rect[2] < 0 or rect[0] > w or rect[3] < 0 or rect[1] > h:
            return OUTSIDE
        if not (0 <= anchor[0] <= w and 0 <= anchor[1] <= h):  # vtk draws no camera-facing text anchored there
            return ANCHOR_OUT
        return None

    def _place_at(self, size, rect: np.ndarray, others: np.ndarray, taken: np.ndarray, label: Label, reach, sided=True):
        """The label's box: just outside the block's rectangle on its side (else the other),
        centred on it, moved away past what it meets by at most `reach` of its heights; else beside
        it (right, then left), level with its middle and moved sideways, or slid up or down along
        its side; kept inside the picture; with where its line back runs (clear_leader); or None.
        `sided`: on its held side only (LabelSides), where it has one."""
        return next(self._places(size, rect, others, taken, label, reach, sided), None)

    def _places(self, size, rect, others, taken, label: Label, reach, sided=True, tries=None) -> Iterator[tuple]:
        """Each free place _place_at tries in turn (or those of `tries`), as (box, at), none that
        reads as another block's label while the layout keeps them apart (_lay_apart)."""
        w, h = self.placement.width, self.placement.height
        m = margin(h)
        tw, th = size[2] - size[0], size[3] - size[1]
        if tw > w - 2 * m or th > h - 2 * m:
            return
        obstacles = np.vstack([taken, others, rect[None]]).tolist()  # plain floats for its many tries
        for axis, direction, box, far in tries or self._tries(rect, tw, th, label.direction, reach * th):
            shift = _free_shift(box, obstacles, direction, h, far, axis, w)
            if shift is None:
                continue
            found = box.copy()
            found[[axis, axis + 2]] += shift
            # its line back to the block crosses no label and no other block; on its held side
            if sided and not self._on_held_side(label.block, found, rect):
                continue
            if self._misreads(found, rect, others, label):
                continue
            clear, at = clear_leader(rect, found, np.vstack([self._placed, self._class_taken, others]))
            if clear:
                yield np.round(found), at

    def _tries(self, rect: np.ndarray, tw: float, th: float, side: int, reach: float) -> Iterator[tuple]:
        """The places a label tries in turn: (axis it moves along, direction, box, how far)."""
        w, h = self.placement.width, self.placement.height
        # title-safe: clear of the `reserved` band along the edge by a gap (a label is kept GAP off it)
        mx, my = (max(margin(h), edge * size + GAP + 1) if edge else margin(h) for edge, size in zip(self.safe, (w, h)))
        cx = np.clip((max(rect[0], 0) + min(rect[2], w)) / 2, mx + tw / 2, w - mx - tw / 2)
        cy = np.clip((max(rect[1], 0) + min(rect[3], h)) / 2, my + th / 2, h - my - th / 2)
        for d in (side, -side):
            y0 = rect[3] + GAP if d > 0 else rect[1] - GAP - th
            yield 1, d, np.array([cx - tw / 2, y0, cx + tw / 2, y0 + th]), reach
        slide = tw / 2  # as far as keeps part of it over (or under) the block, for a vertical leader
        for d in (side, -side):
            y0 = rect[3] + GAP if d > 0 else rect[1] - GAP - th
            yield 0, 1, np.array([cx - tw / 2, y0, cx + tw / 2, y0 + th]), slide
            yield 0, -1, np.array([cx - tw / 2, y0, cx + tw / 2, y0 + th]), slide
        along = max(0.0, (rect[3] - rect[1] - th) / 2)  # level with some of its side, for a sideways leader
        for d in (1, -1):
            x0 = rect[2] + GAP if d > 0 else rect[0] - GAP - tw
            box = np.array([x0, cy - th / 2, x0 + tw, cy + th / 2])
            yield 0, d, box, reach
            yield 1, -1, box, along
            yield 1, 1, box, along


def show_classes(c: ClassTexts, rows: bool | None, shift: tuple[int, int] = (0, 0)) -> None:
    """Show an output's rows (True), its list of top classes (False) or neither (None), moved
    `shift` pixels (sideways, up)."""
    for actor in c.rows:
        actor.SetVisibility(rows is True)
        actor.SetDisplayOffset(shift[0], 0)
    c.top.SetVisibility(rows is False)
    c.top.SetDisplayOffset(*shift)


def _list_leaders(c: ClassTexts, box: np.ndarray, own: np.ndarray, rows_y: np.ndarray) -> list:
    """The lines from each entry of the list of top classes (standing in `box`) to its class's row on
    the column `own`, so that the list never reads as the rows in order: each bent at right angles
    (list_route), level with its row where it leaves the column and with its entry where it meets
    the list. The list is ordered by probability, the rows by class, so some lines must cross
    between the two; bent, they cross square, never along a shallow slant (watch 5: straight lines
    from fc2's cells fanned into one another and no cell read as its digit)."""
    right = box[0] >= own[2]
    near, column = (box[0], own[2]) if right else (box[2], own[0])
    kept = [(ry, ey) for ry, ey in zip(rows_y, c.entry_middles(box)) if np.isfinite(ry)]
    return list_route(column, near, kept)


def list_route(column: float, near: float, ends: list) -> list:
    """Segments (x0, y0, x1, y1) of a line for each (row height, entry height) of `ends`: along the
    row's height from the column's edge `column` to a lane of its own between it and the list's
    near edge `near`, along the lane to the entry's height, and on to the list. The lanes' order
    is the one with the fewest crossings (cross_counts), first in order of the entries where
    several tie, so that it holds while the camera moves."""
    n = len(ends)
    if n == 0:
        return []
    crossings = cross_counts(ends)
    order = min(permutations(range(n)), key=lambda o: sum(crossings[a, b] for k, a in enumerate(o) for b in o[k + 1 :]))
    lane = {line: column + (near - column) * (k + 1) / (n + 1) for k, line in enumerate(order)}
    segments = []
    for i, (ry, ey) in enumerate(ends):
        x = lane[i]
        segments += [(column, ry, x, ry), (x, ry, x, ey), (x, ey, near, ey)]
    return segments


def cross_counts(ends: list) -> np.ndarray:
    """[i, j]: how often line i crosses line j where i's lane is nearer the column than j's: i's
    lane passes j's run from the column (at j's row) and j's lane passes i's run to the list (at
    i's entry) where those heights lie within the lane's span; and, counted as many crossings as
    any order can make, where i's run to the list and j's run from the column would lie on one
    another (i's entry within RUNS_APART of j's row: one line would read as two)."""
    ends = np.asarray(ends, dtype=float).reshape(-1, 2)
    low, high = ends.min(axis=1), ends.max(axis=1)
    rows, entries = ends[:, 0], ends[:, 1]
    row_in_i = (low[:, None] < rows[None, :]) & (rows[None, :] < high[:, None])  # [i, j]: j's row within i's span
    entry_in_j = (low[None, :] < entries[:, None]) & (entries[:, None] < high[None, :])  # [i, j]: i's entry within j's
    on_one = np.abs(entries[:, None] - rows[None, :]) < RUNS_APART  # [i, j]: i's run to the list on j's from the column
    counts = row_in_i.astype(int) + entry_in_j + on_one * len(ends) ** 2
    np.fill_diagonal(counts, 0)
    return counts


def reads_as_another(box: np.ndarray, rect: np.ndarray, others: np.ndarray, label: Label, strict=True) -> bool:
    """Whether a label in `box` reads as another block's: it stands right over, under or beside
    one of `others` (reads_as), nearer than it stands so by its own block `rect`, if at all
    (not `strict`: only where it does not read as its own at all)."""
    near = READS_AS * label.actor.GetTextProperty().GetFontSize()
    own = reads_as(box, rect[None], near)[0]
    other = reads_as(box, others, near)
    if not strict and np.isfinite(own):
        return False
    return bool((np.isfinite(other) & (other <= own)).any())


def _apart(box: np.ndarray, rect: np.ndarray) -> float:
    """How far (pixels) a label's box stands from its block's rectangle: 0 where they meet."""
    return max(rect[0] - box[2], box[0] - rect[2], rect[1] - box[3], box[1] - rect[3], 0.0)


def reads_as(box: np.ndarray, rects: np.ndarray, near: float) -> np.ndarray:
    """For each of `rects` (n, 4), how far (pixels) a label in `box` stands from it where it
    reads as its label: right over or under it (the label's middle within its width) or beside it
    (within its height), nearer than `near`; infinity where it does not."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    rects = np.asarray(rects, dtype=float).reshape(-1, 4)
    over = np.maximum(rects[:, 1] - box[3], box[1] - rects[:, 3])  # the gap above or below (< 0: level)
    aside = np.maximum(rects[:, 0] - box[2], box[0] - rects[:, 2])
    upright = (rects[:, 0] <= cx) & (cx <= rects[:, 2]) & (over >= 0) & (over < near)
    level = (rects[:, 1] <= cy) & (cy <= rects[:, 3]) & (aside >= 0) & (aside < near)
    # one right over or under a block reads as its label before one beside it: a label beside its
    # own block counts as `near` further off ("pixels behind the answer" beside its plane, centred
    # under conv1's box, read as conv1's)
    return np.where(upright, over, np.where(level, aside + near, np.inf))


def _trimmed(box: np.ndarray, height: float) -> np.ndarray:
    """A text's box no taller than `height`, about its middle: a row of class texts whose boxes'
    padding (the font's line gap) meets the next row's still reads apart, glyphs never touching."""
    cut = max(0.0, (box[3] - box[1] - height) / 2)
    return box + np.array([0, cut, 0, -cut])


def _line_pieces(segment) -> np.ndarray:
    """A slanting line's boxes along it, each at most PIECE pixels across one way (n, 4): a label
    keeps off the line, not off the box round it (fc2's list's lines, slanting from the column's
    rows to the entries, barred the place under relu3's block by their boxes: relu3's label
    jumped 83 px down and back in the forward pass at 480p, and fc1 found no room in the mistake
    overview at 1080p)."""
    x0, y0, x1, y1 = segment
    n = int(np.clip(np.ceil(min(abs(x1 - x0), abs(y1 - y0)) / PIECE), 1, 32))
    t = np.linspace(0.0, 1.0, n + 1)
    xs, ys = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
    return np.stack(
        [
            np.minimum(xs[:-1], xs[1:]),
            np.minimum(ys[:-1], ys[1:]),
            np.maximum(xs[:-1], xs[1:]),
            np.maximum(ys[:-1], ys[1:]),
        ],
        axis=1,
    )


def _line_box(segment) -> np.ndarray:
    """A leader line's box, (0, 4) for none: later labels keep off it as off a label."""
    if segment is None:
        return np.empty((0, 4))
    x0, y0, x1, y1 = segment
    vertical = x0 == x1
    return np.array(
        [[min(x0, x1) - vertical, min(y0, y1) - (not vertical), max(x0, x1) + vertical, max(y0, y1) + (not vertical)]]
    )


def _crossed(segment, taken: np.ndarray) -> np.ndarray:
    """Which of `taken` a leader line (None: none) passes through."""
    line = _line_box(segment)
    return hits(line[0], taken, 0.0) if len(line) else np.zeros(len(taken), dtype=bool)


def _leader(rect: np.ndarray, box: np.ndarray, at: float | None = None) -> tuple[float, float, float, float] | None:
    """(x, y) to (x, y): from the block's rectangle to a label more than 2 GAP away from it, or
    None; vertical for a label above or below its block, horizontal for one beside it, through the
    middle of the two's overlap, or at `at` (x for a vertical line, y for a horizontal) kept in it."""
    if box[1] > rect[3] + 2 * GAP or box[3] < rect[1] - 2 * GAP:
        x = _along(rect[0], rect[2], box[0], box[2], at)
        return (x, rect[3], x, box[1]) if box[1] > rect[3] else (x, rect[1], x, box[3])
    y = _along(rect[1], rect[3], box[1], box[3], at)
    if box[0] > rect[2] + 2 * GAP:
        return (rect[2], y, box[0], y)
    if box[2] < rect[0] - 2 * GAP:
        return (rect[0], y, box[2], y)
    return None


def lands(rect: np.ndarray, box: np.ndarray) -> bool:
    """Whether a label in `box` with a line back (_leader) has it end on its block's `rect`: the two
    overlap across the line by LANDS pixels at the least (all of a block narrower than that). With no
    overlap the line ran from the label's middle to beside the block: in the lecture's forward pass
    the pool1 label, kept at its pixel offset from frame to frame as the camera pulled back, drew its
    line to conv2's underside at 30 frames a second (at 5 or 10 it was placed afresh, under pool1)."""
    line = _leader(rect, box)
    if line is None:
        return True
    axis = 0 if line[0] == line[2] else 1  # across a vertical line: x; across a sideways one: y
    overlap = min(rect[axis + 2], box[axis + 2]) - max(rect[axis], box[axis])
    return bool(overlap >= min(LANDS, rect[axis + 2] - rect[axis]))


def _along(start: float, end: float, low: float, high: float, at: float | None) -> float:
    """Where along a block's span `start`..`end` and a label's edges `low`..`high` (one axis) their
    line runs: the middle of their overlap, or `at` kept inside it; the label's middle where they
    do not overlap."""
    lo, hi = max(start, low), min(end, high)
    if lo > hi:
        return (low + high) / 2
    return (lo + hi) / 2 if at is None else float(min(max(at, lo), hi))


def clear_leader(rect: np.ndarray, box: np.ndarray, taken: np.ndarray) -> tuple[bool, float | None]:
    """Whether a label in `box` can draw its line back to its block's `rect` crossing none of
    `taken`, and where along it (None: the middle, or no line needed): the middle of the two's
    overlap, else the place in it nearest the middle that crosses nothing. (Through the middle
    alone, relu3's line grazed pool2's label by a pixel at some poses of the lecture's scrub, and
    relu3's label came and went with the camera.)"""
    line = _leader(rect, box)
    if line is not None and not lands(rect, box):
        return False, None
    if line is None or not _crossed(line, taken).any():
        return True, None
    vertical = line[0] == line[2]
    axis = 0 if vertical else 1
    lo, hi = max(rect[axis], box[axis]), min(rect[axis + 2], box[axis + 2])
    middle = (lo + hi) / 2
    ats = np.arange(lo + 1, hi - 0.5, 2.0)
    ats = ats[np.argsort(np.abs(ats - middle), kind="stable")]  # nearest the middle first, as sorted() did
    # every place at once: the line's box (_line_box) at each, against each of `taken`
    across = line[1 - axis :: 2]  # the line's ends across (y for a vertical line, x for a horizontal)
    a0, a1 = min(across), max(across)
    t = taken
    crossed = (
        (t[None, :, axis] < ats[:, None] + 1)
        & (ats[:, None] - 1 < t[None, :, axis + 2])
        & (t[None, :, 1 - axis] < a1)
        & (a0 < t[None, :, 3 - axis])
    ).any(1)
    free = np.flatnonzero(~crossed)
    return (True, float(ats[free[0]])) if len(free) else (False, None)

"""The label policy, applied before each render where the camera moved (or the focus changed):

- no two labels overlap, and none covers another block (its projected box's screen rectangle);
- no label hangs off the picture;
- when not all fit, fewer are shown, by importance: the focused blocks (selected, under the
  cursor) first, then stage boundaries (input, output, the first block of each stage), then the
  other labelled blocks (first those of a stage whose boundary found no room, then, for a stage
  still unnamed, its other blocks, so that every stage is named where any room is), then the
  other blocks (the main path's, parallel lanes' such as BERT's query, key and value) where they
  fit beside their block; a closed side branch's blocks (Block.side_branch) are hidden, with the
  reason kept for `--report`, and a hidden block's label appears when it is focused;
- the label that names a stage first reads with the stage's name (`encoder: blocks.0 · ...`), the
  others relative to it (overlays/labels.py);
- panels drawn over the picture while they show (`panels`: the histogram of a selected layer)
  are kept clear as the parts other overlays always hold (`reserved`) are.

A label starts just outside its block's rectangle (above or below, its side), is pushed away from
the block past whatever it meets, and failing that tries the other side; found no free place within
reach, it is hidden, never piled. An output's class texts stay beside their column: one text per
row where the rows are far enough apart on screen to read, else one list of the top classes.

The result depends on the camera and the focus alone, so a still and the same video frame agree,
and a slow camera move never makes labels flicker."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import vtk

NO_ROOM = "no free place near its block"
HOVER = "shown on hover or selection (a closed side branch's block)"
GAP = 3.0  # pixels kept between two labels, and between a label and a block
MARGIN = 2.0  # pixels kept free at the picture's edges
REACH = 6.0  # the farthest a label moves from its block, in its own heights
RANKS = ("focused", "stage", "labelled", "if room", "on focus")  # a label's importance, most important first
BESIDE = 0.5  # the farthest an "if room" label moves from its block, in its own heights


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


def inside(box: np.ndarray, w: int, h: int) -> bool:
    return bool(box[0] >= 0 and box[1] >= 0 and box[2] <= w and box[3] <= h)


def free_place(box: np.ndarray, taken: np.ndarray, direction: float, h: int, reach: float) -> float | None:
    """The smallest vertical shift in `direction` (within `reach`, inside 0..h) that clears `taken`
    by GAP pixels, or None."""
    dy = 0.0
    while abs(dy) <= reach:
        moved = box + np.array([0, dy, 0, dy])
        if moved[1] < MARGIN or moved[3] > h - MARGIN:
            return None
        hit = hits(moved, taken)
        if not hit.any():
            return dy
        step = taken[hit, 3].max() + GAP - moved[1] if direction > 0 else taken[hit, 1].min() - GAP - moved[3]
        dy += step + direction * 1e-3
    return None


class LabelLayout:
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
        self.bounds = np.array([b for _, b in blocks], dtype=float).reshape(-1, 6)
        self.focus: tuple[str, ...] = ()
        self.panels: tuple[tuple[float, float, float, float], ...] = ()  # shown panels, as `reserved`
        self.placement = Placement()
        self._boxes: np.ndarray | None = None  # (n, 2, 4) each label's two texts' boxes about its anchor
        self._class_boxes: list[tuple[np.ndarray, np.ndarray]] | None = None
        self._key = None
        self._placed = np.empty((0, 4))  # the labels placed so far in this layout: no leader line crosses one
        self.leaders = self._add_leaders(colour)
        renderer.AddObserver("StartEvent", self.update)

    def _add_leaders(self, colour) -> vtk.vtkActor2D:
        """Thin lines from a moved label back to its block, so that it is never read as another's."""
        self._leader_lines = vtk.vtkPolyData()
        mapper = vtk.vtkPolyDataMapper2D()
        mapper.SetInputData(self._leader_lines)
        where = vtk.vtkCoordinate()
        where.SetCoordinateSystemToViewport()
        mapper.SetTransformCoordinate(where)
        actor = vtk.vtkActor2D()
        actor.SetMapper(mapper)
        actor.GetProperty().SetColor(*colour)
        actor.GetProperty().SetOpacity(0.6)
        self.renderer.AddViewProp(actor)
        return actor

    def _bbox(self, actor, text: str) -> np.ndarray:
        """(x0, y0, x1, y1) of `text` in `actor`'s style about its anchor, in pixels."""
        bbox = [0, 0, 0, 0]
        vtk.vtkTextRenderer().GetBoundingBox(
            actor.GetTextProperty(), text, bbox, self.renderer.GetRenderWindow().GetDPI()
        )
        return np.array([bbox[0], bbox[2], bbox[1] + 1, bbox[3] + 1], dtype=float)

    def _measure(self) -> None:
        self._boxes = np.array([[self._bbox(lb.actor, t) for t in lb.texts] for lb in self.labels]).reshape(-1, 2, 4)
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
        )

    def matrix(self) -> np.ndarray:
        w, h = self.renderer.GetSize()
        m = self.renderer.GetActiveCamera().GetCompositeProjectionTransformMatrix(w / h, -1, 1)
        return np.array([[m.GetElement(r, c) for c in range(4)] for r in range(4)])

    def update(self, *_) -> None:
        w, h = self.renderer.GetSize()
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
        for c, sizes in zip(self.classes, self._class_boxes):
            taken.append(self._place_classes(c, sizes, matrix, rects))
        self._place_labels(matrix, rects, np.vstack(taken))

    def _held(self, w: int, h: int) -> np.ndarray:
        """The pane's parts other overlays hold now, in pixels."""
        return np.vstack([self.reserved, np.array(self.panels, dtype=float).reshape(-1, 4)]) * (w, h, w, h)

    def _others(self, rects: np.ndarray, block: str) -> np.ndarray:
        """Every block's rectangle but `block`'s (and those behind the camera)."""
        keep = np.array([n != block for n in self.block_names], dtype=bool) & np.isfinite(rects).all(1)
        return rects[keep]

    def _fits(self, box: np.ndarray, w: int, h: int, obstacles: np.ndarray) -> bool:
        return inside(box, w, h) and not hits(box, obstacles, 0.0).any()

    def _place_classes(self, c: ClassTexts, sizes, matrix, rects) -> np.ndarray:
        """Show the rows, else the list of top classes, else neither; returns the boxes shown."""
        w, h = self.placement.width, self.placement.height
        row_box, top_box = sizes
        others = np.vstack([self._others(rects, c.block), self._held(w, h)])
        if c.rows:
            xy = project(c.row_anchors, matrix, w, h)
            boxes = np.column_stack(
                [xy[:, 0] + row_box[0], xy[:, 1] + row_box[1], xy[:, 0] + row_box[2], xy[:, 1] + row_box[3]]
            )
            pitch = np.abs(np.diff(xy[:, 1])).min() if len(xy) > 1 else np.inf
            if pitch >= row_box[3] - row_box[1] + 1 and all(self._fits(b, w, h, others) for b in boxes):
                self._show_classes(c, rows=True)
                self.placement.shown += [("classes", c.block, a.GetInput(), b) for a, b in zip(c.rows, boxes)]
                return boxes
        x, y = project(np.array([c.top_anchor]), matrix, w, h)[0]
        box = np.array([x, y, x, y]) + top_box
        if np.isfinite(box).all() and self._fits(box, w, h, others):
            self._show_classes(c, rows=False)
            self.placement.shown.append(("classes", c.block, c.top.GetInput(), box))
            return box[None]
        self._show_classes(c, rows=None)
        self.placement.hidden.append((c.block, c.top.GetInput(), "no room for the class texts beside the output"))
        return np.empty((0, 4))

    @staticmethod
    def _show_classes(c: ClassTexts, rows: bool | None) -> None:
        for actor in c.rows:
            actor.SetVisibility(rows is True)
        c.top.SetVisibility(rows is False)

    def _order(self, named: set[str]) -> Iterator[int]:
        """Label indices in placing order: the focused, the stage boundaries, then the other
        labels, those of stages not named yet (`named`, filled as labels are placed) first."""
        ranks = [0 if lb.block in self.focus else lb.rank + 1 for lb in self.labels]
        yield from sorted((i for i in range(len(ranks)) if ranks[i] <= 1), key=lambda i: ranks[i])
        rest = [i for i in range(len(ranks)) if ranks[i] > 1]
        yield from sorted(rest, key=lambda i: (ranks[i], self.labels[i].stage in named))

    def _place_labels(self, matrix: np.ndarray, rects: np.ndarray, taken: np.ndarray) -> None:
        w, h = self.placement.width, self.placement.height
        anchors = project(np.array([lb.anchor for lb in self.labels]).reshape(-1, 3), matrix, w, h)
        where = dict(zip(self.block_names, rects))
        leaders, named = [], set()
        self._placed = np.empty((0, 4))
        for i in self._order(named):
            label = self.labels[i]
            naming = label.stage not in named
            text, size = label.texts[naming], self._boxes[i, int(naming)]
            optional = label.block not in self.focus and not naming
            why = HOVER if optional and label.rank == 3 else self._why_not(label, where.get(label.block))
            beside = optional and label.rank == 2
            reach = BESIDE if beside else REACH
            box = (
                None
                if why
                else self._find(size, where[label.block], self._others(rects, label.block), taken, label, reach)
            )
            if box is None:
                label.actor.SetVisibility(False)
                label.actor.SetDisplayOffset(0, 0)  # what is kept depends on the camera alone
                why = why or ("no room beside its block (shown on hover or selection)" if beside else NO_ROOM)
                self.placement.hidden.append((label.block, text, why))
                continue
            if label.actor.GetInput() != text:
                label.actor.SetInput(text)
            label.actor.SetVisibility(True)
            ax, ay = anchors[i]
            label.actor.SetDisplayOffset(round(box[0] - size[0] - ax), round(box[1] - size[1] - ay))
            ox, oy = label.actor.GetDisplayOffset()
            box = size + np.array([ax + ox, ay + oy, ax + ox, ay + oy])
            line = _line_box(_leader(where[label.block], box))
            taken = np.vstack([taken, box, line])
            self._placed = np.vstack([self._placed, box])
            named.add(label.stage)
            self.placement.shown.append(("block", label.block, text, box))
            leaders.append(_leader(where[label.block], box))
        self._draw_leaders([seg for seg in leaders if seg is not None])

    def _why_not(self, label: Label, rect) -> str | None:
        """Why a label is not tried (None: it is)."""
        if rect is None or not np.isfinite(rect).all():
            return "its block is behind the camera"
        w, h = self.placement.width, self.placement.height
        if rect[2] < 0 or rect[0] > w or rect[3] < 0 or rect[1] > h:
            return "its block is outside the picture"
        return None

    def _find(self, size: np.ndarray, rect: np.ndarray, others: np.ndarray, taken: np.ndarray, label: Label, reach):
        """The label's box: centred on its block, kept inside the picture sideways, just outside
        the block's rectangle on its side (else the other), moved past what it meets by at most
        `reach` of its heights; or None."""
        w, h = self.placement.width, self.placement.height
        tw, th = size[2] - size[0], size[3] - size[1]
        if tw > w - 2 * MARGIN:
            return None
        cx = np.clip((max(rect[0], 0) + min(rect[2], w)) / 2, MARGIN + tw / 2, w - MARGIN - tw / 2)
        obstacles = np.vstack([taken, others, rect[None]])
        for direction in (label.direction, -label.direction):
            y0 = rect[3] + GAP if direction > 0 else rect[1] - GAP - th
            box = np.array([cx - tw / 2, y0, cx + tw / 2, y0 + th])
            dy = free_place(box, obstacles, direction, h, reach * th)
            if dy is None:
                continue
            found = box + np.array([0, dy, 0, dy])
            # its line back to the block crosses no label and no other block
            if not _crossed(_leader(rect, found), np.vstack([self._placed, others])).any():
                return np.round(found)
        return None

    def _draw_leaders(self, segments: list[tuple[float, float, float, float]]) -> None:
        """A vertical line from each label moved off its block to the label's nearest edge."""
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
        self._leader_lines.SetPoints(vtk_points)
        self._leader_lines.SetLines(lines)


def _line_box(segment) -> np.ndarray:
    """A leader line's box, (0, 4) for none: later labels keep off it as off a label."""
    if segment is None:
        return np.empty((0, 4))
    x0, y0, x1, y1 = segment
    return np.array([[x0 - 1, min(y0, y1), x1 + 1, max(y0, y1)]])


def _crossed(segment, taken: np.ndarray) -> np.ndarray:
    """Which of `taken` a leader line (None: none) passes through."""
    line = _line_box(segment)
    return hits(line[0], taken, 0.0) if len(line) else np.zeros(len(taken), dtype=bool)


def _leader(rect: np.ndarray, box: np.ndarray) -> tuple[float, float, float, float] | None:
    """(x, y) to (x, y): from the block's rectangle to a label more than 2 GAP away from it, or None."""
    lo, hi = max(rect[0], box[0]), min(rect[2], box[2])
    x = (lo + hi) / 2 if lo <= hi else (box[0] + box[2]) / 2
    if box[1] > rect[3] + 2 * GAP:
        return (x, rect[3], x, box[1])
    if box[3] < rect[1] - 2 * GAP:
        return (x, rect[1], x, box[3])
    return None

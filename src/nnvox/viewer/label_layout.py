"""Block labels kept apart on screen. Before each render where the camera moved, labels that would
overlap are pushed away from their block (up for a label above it, down for one below), in network
order, just far enough to clear the labels already placed. The result depends on the camera alone,
so a still and the same video frame agree, and a slow camera move never makes labels flicker."""

from __future__ import annotations

import numpy as np
import vtk

GAP = 3.0  # pixels kept between two labels
REACH = 3.0  # the farthest a label moves, in its own heights
SLIVER = 0.05  # the share of a label that may hide under another: a sliver reads fine, a jump does not


def spread(boxes: np.ndarray, directions: np.ndarray, fixed: np.ndarray | None = None) -> np.ndarray:
    """Vertical pixel offsets for label boxes (n, 4: x0, y0, x1, y1 at offset 0, y up) in priority
    order; `directions` +1 for labels above their block (pushed up first), -1 for below; `fixed`
    boxes (other text that never moves) are kept clear of as labels are. A label that finds no free
    place within REACH of its heights that way tries the other way; failing both, it takes the place
    within reach where it overlaps the others least."""
    offsets = np.zeros(len(boxes))
    placed = np.empty((0, 4)) if fixed is None else np.asarray(fixed, dtype=float).reshape(-1, 4)
    for i, (box, direction) in enumerate(zip(boxes, directions)):
        tried = [_push(box, placed, d) for d in (direction, -direction)]
        free = [(dy, overlap) for dy, overlap, is_free in tried if is_free]
        offsets[i] = free[0][0] if free else min(tried, key=lambda t: t[1])[0]
        placed = np.vstack([placed, box + np.array([0, offsets[i], 0, offsets[i]])])
    return offsets


def _push(box: np.ndarray, placed: np.ndarray, direction: float) -> tuple[float, float, bool]:
    """(offset, its overlap, free?): moved in `direction` just past each label it touches, until
    free (no more than a sliver hidden) or out of reach; not free, the offset tried that overlaps least."""
    reach = REACH * (box[3] - box[1])
    tolerated = SLIVER * (box[2] - box[0]) * (box[3] - box[1])
    dy, best, least = 0.0, 0.0, np.inf
    while abs(dy) <= reach:
        moved = box + np.array([0, dy, 0, dy])
        hit = _overlaps(moved, placed)
        overlap = _overlap_area(moved + np.array([-GAP, -GAP, GAP, GAP]), placed[hit])
        if overlap <= tolerated:
            return dy, overlap, True
        if overlap < least:
            best, least = dy, overlap
        edge = placed[hit, 3].max() - box[1] + GAP if direction > 0 else placed[hit, 1].min() - box[3] - GAP
        dy = edge if abs(edge) > abs(dy) else dy + direction * GAP
    return best, least, False


def _overlaps(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    return (
        (others[:, 0] < box[2] + GAP)
        & (box[0] < others[:, 2] + GAP)
        & (others[:, 1] < box[3] + GAP)
        & (box[1] < others[:, 3] + GAP)
    )


def _overlap_area(box: np.ndarray, others: np.ndarray) -> float:
    w = np.minimum(others[:, 2], box[2]) - np.maximum(others[:, 0], box[0])
    h = np.minimum(others[:, 3], box[3]) - np.maximum(others[:, 1], box[1])
    return float((np.clip(w, 0, None) * np.clip(h, 0, None)).sum())


def _on_screen(anchors: np.ndarray, matrix: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Which (n, 4) homogeneous anchors are in front of the camera, and their pixel positions."""
    clip = anchors @ matrix.T
    shown = clip[:, 3] > 1e-9
    return shown, (clip[shown, :2] / clip[shown, 3:4] + 1) / 2 * (w, h)


class LabelLayout:
    """Keeps one renderer's block labels (camera-facing text actors) apart, updated at the start of
    each of its renders. `labels`: (actor, anchor xyz, +1 above its block or -1 below), in priority
    order; `colour` (0..1 RGB) that of the lines back to moved labels' blocks. `fixed`: (actor,
    anchor xyz, widest text) of left-aligned, vertically centred text that stays where it is (an
    output's class names and probabilities), which labels keep clear of."""

    def __init__(
        self,
        renderer: vtk.vtkRenderer,
        labels: list[tuple[object, tuple[float, float, float], int]],
        colour: tuple[float, float, float],
        fixed: list[tuple[object, tuple[float, float, float], str]] = (),
    ):
        self.renderer = renderer
        self.actors = [a for a, _, _ in labels]
        self.anchors = np.array([[*xyz, 1.0] for _, xyz, _ in labels]).reshape(-1, 4)
        self.directions = np.array([d for _, _, d in labels], dtype=float)
        self._sizes: np.ndarray | None = None  # (n, 2) text width, height in pixels
        self._fixed = list(fixed)
        self._fixed_anchors = np.array([[*xyz, 1.0] for _, xyz, _ in fixed]).reshape(-1, 4)
        self._fixed_sizes: np.ndarray | None = None
        self._key = None
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

    def _text_sizes(self, texts: list[tuple[object, str]]) -> np.ndarray:
        """(n, 2) pixel width and height of each (actor, text) in its actor's text style."""
        renderer = vtk.vtkTextRenderer()
        dpi = self.renderer.GetRenderWindow().GetDPI()
        sizes = []
        for actor, text in texts:
            bbox = [0, 0, 0, 0]
            renderer.GetBoundingBox(actor.GetTextProperty(), text, bbox, dpi)
            sizes.append((bbox[1] - bbox[0] + 1, bbox[3] - bbox[2] + 1))
        return np.array(sizes, dtype=float).reshape(-1, 2)

    def _fixed_boxes(self, matrix: np.ndarray, w: int, h: int) -> np.ndarray:
        if not self._fixed:
            return np.empty((0, 4))
        if self._fixed_sizes is None:
            self._fixed_sizes = self._text_sizes([(actor, text) for actor, _, text in self._fixed])
        shown, xy = _on_screen(self._fixed_anchors, matrix, w, h)
        tw, th = self._fixed_sizes[shown].T
        return np.column_stack([xy[:, 0], xy[:, 1] - th / 2, xy[:, 0] + tw, xy[:, 1] + th / 2])

    def update(self, *_) -> None:
        camera = self.renderer.GetActiveCamera()
        w, h = self.renderer.GetSize()
        key = (
            camera.GetPosition(),
            camera.GetFocalPoint(),
            camera.GetViewUp(),
            camera.GetViewAngle(),
            camera.GetParallelProjection(),
            camera.GetParallelScale(),
            w,
            h,
        )
        if not len(self.actors) or not w or not h or key == self._key:
            return
        self._key = key
        if self._sizes is None:
            self._sizes = self._text_sizes([(actor, actor.GetInput()) for actor in self.actors])
        m = camera.GetCompositeProjectionTransformMatrix(w / h, -1, 1)
        matrix = np.array([[m.GetElement(r, c) for c in range(4)] for r in range(4)])
        shown, xy = _on_screen(self.anchors, matrix, w, h)
        tw, th = self._sizes[shown].T
        up = self.directions[shown] > 0
        y0 = np.where(up, xy[:, 1], xy[:, 1] - th)
        # kept inside the picture sideways first (a row's first label hangs left of its block),
        # when its block is in the picture: an off-screen block's label stays off-screen
        inside = (xy[:, 0] >= 0) & (xy[:, 0] <= w)
        dx = np.where(inside, np.clip(0, GAP - (xy[:, 0] - tw / 2), w - GAP - (xy[:, 0] + tw / 2)), 0.0)
        boxes = np.column_stack([xy[:, 0] + dx - tw / 2, y0, xy[:, 0] + dx + tw / 2, y0 + th])
        shifts = np.zeros((len(self.actors), 2))
        shifts[shown, 0], shifts[shown, 1] = dx, spread(boxes, self.directions[shown], self._fixed_boxes(matrix, w, h))
        for actor, (x, y) in zip(self.actors, shifts):
            actor.SetDisplayOffset(round(x), round(y))
        self._draw_leaders(xy, boxes, shifts[shown, 1])

    def _draw_leaders(self, anchors: np.ndarray, boxes: np.ndarray, offsets: np.ndarray) -> None:
        """A vertical line from each label moved off its anchor to the label's nearest edge."""
        from vtk.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray

        y0, y1 = boxes[:, 1] + offsets, boxes[:, 3] + offsets
        ends = np.clip(anchors[:, 1], y0, y1)
        moved = np.abs(ends - anchors[:, 1]) > 2 * GAP
        n = int(moved.sum())
        points = np.zeros((2 * n, 3))
        points[0::2, :2] = anchors[moved]
        points[1::2, 0], points[1::2, 1] = anchors[moved, 0], ends[moved]
        vtk_points = vtk.vtkPoints()
        vtk_points.SetData(numpy_to_vtk(points, deep=True))
        lines = vtk.vtkCellArray()
        lines.SetData(
            numpy_to_vtkIdTypeArray(np.arange(0, 2 * n + 1, 2, dtype=np.int64), deep=True),
            numpy_to_vtkIdTypeArray(np.arange(2 * n, dtype=np.int64), deep=True),
        )
        self._leader_lines.SetPoints(vtk_points)
        self._leader_lines.SetLines(lines)

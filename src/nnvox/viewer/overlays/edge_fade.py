"""A close-up's side edges covering the blocks the frame cuts (scenes/close_up.py): at each side,
strips of the background's colour over the blocks the edge cuts, found at each render from where
the blocks are drawn (their actors' bounds: gliding neighbours and flying maps included) under the
camera then; drawn over the blocks and under every text (built before the other 2D overlays, which
draw after it; block labels draw on the overlay layer, after the pane). The blocks it hides
(`hidden`) lose their labels for that render (SceneRenderer.undrawn_labels); a block a cover fades
but does not hide has its label faded with it (as transparent as the cover over the block is
opaque), so a label leaves and comes with its block, not in one frame. Hidden (nothing drawn)
unless `show` is given reaches.

A transparent video (VP9 or ProRes with alpha, a PNG sequence) draws no strips: a quad of the
background's colour is opaque there (a grey slab over the slide behind). It fades the covered blocks
themselves instead (their actors' opacity: the frame's alpha falls with it), each as far as the
covers' least opacity over its visible part (close_up.cover_alpha). A block too long to cover short
of the subject (the gradient band) is left drawn there: a block's opacity is one number."""

from __future__ import annotations

import weakref

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray

from nnvox.scenes.close_up import cover_alpha, level_strips, side_strips
from nnvox.viewer.camera_matrix import camera_matrix
from nnvox.viewer.cross_fade import PICTURE_2D
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.outlines import PAD
from nnvox.viewer.theme import TITLE_SAFE

# a block whose cover is given (a follow shot's, eased in time) loses its label once the cover over
# it is this opaque; short of it the label fades with the block. Hidden at close_up.HIDES (0.2), the
# lecture's labels went in one frame while their blocks faded over 0.6 s (13.7, 15.7, 27.7 s) and came
# back all in one frame at the end of the pull-back (31.0 s)
LABEL_GONE = 0.95


class EdgeFade:
    def __init__(self, stage: Stage, visuals: dict):
        self.poly = vtk.vtkPolyData()
        mapper = vtk.vtkPolyDataMapper2D()
        mapper.SetInputData(self.poly)
        mapper.SetColorModeToDirectScalars()
        where = vtk.vtkCoordinate()
        where.SetCoordinateSystemToNormalizedViewport()
        mapper.SetTransformCoordinate(where)
        self.actor = vtk.vtkActor2D()
        self.actor.SetMapper(mapper)
        self.actor.SetVisibility(False)
        self.actor.SetObjectName(PICTURE_2D)  # over the blocks: a cross-fade mixes it with them, not with the texts
        stage.renderer.AddViewProp(self.actor)
        self.renderer, self.visuals = stage.renderer, visuals
        self.background = np.array(stage.options.background[:3], np.uint8)
        self.transparent = bool(stage.options.transparent)
        # a lecture's blocks cut at its title-safe margin (where their labels may not stand), the
        # window's at the frame's edge
        self.edge = TITLE_SAFE if stage.options.hall else 0.0
        self.faded: set[str] = set()  # a transparent video's blocks drawn less opaque now (_fade)
        self.labels = None  # the block labels overlay (overlays/__init__.py sets it): their leaders trimmed
        self.reach = (0.0, 0.0)
        self.levels: dict[str, tuple[float, float]] | None = None  # a follow shot's covers per block (show)
        self.hidden: set[str] = set()  # the blocks covered now (their labels are not drawn)
        self.veiled: dict[str, float] = {}  # the others a cover fades now: how opaque it is over each (0..1)
        self._dimmed: list[tuple[vtk.vtkTextProperty, float, float]] = []  # labels faded this render, as they were
        self.clear = (0.0, 1.0)  # the pane's part (of its width) the covers hiding blocks leave
        self.props = [self.actor]
        me = weakref.ref(self)  # a scene switched away from is not kept alive
        stage.renderer.AddObserver("StartEvent", lambda *_: me() and me().cover())
        # the labels, drawn on the overlay layer after the pane, faded with their blocks for its render
        stage.overlay.AddObserver("StartEvent", lambda *_: me() and me().fade_labels())
        stage.overlay.AddObserver("EndEvent", lambda *_: me() and me().restore_labels())

    def show(self, left: float, right: float, levels: tuple | None = None) -> None:
        """Covers reaching up to `left` and `right` (of the pane's width) in from the side edges
        (close_up.fade_bands); (0, 0) hides them. `levels` ((name, left, right), ...): a follow
        shot's covers given per block, eased in time (follow.follow_covers), drawn as they say."""
        self.reach = (left, right)
        self.levels = None if levels is None else {n: (a, b) for n, a, b in levels}
        self.cover()

    def spans(self) -> tuple[list[str], np.ndarray]:
        """The drawn blocks' names and their spans across the pane under the camera now (0..1)."""
        from nnvox.viewer.label_layout import block_rectangles

        matrix, w, h = camera_matrix(self.renderer)
        names = [n for n, v in self.visuals.items() if v.actor.GetVisibility()]
        if not names or not w or not h:
            return [], np.zeros((0, 2))
        # with their outline boxes, which stand PAD off them: a cover starting at a block's face left
        # its box's near edge standing as a grey line (relu1's in the mistake's close-up)
        bounds = np.array([self.visuals[n].actor.GetBounds() for n in names], float) + PAD * np.array([-1, 1] * 3)
        rects = block_rectangles(bounds, matrix, w, h)
        return names, rects[:, [0, 2]] / w

    def cover(self) -> None:
        """The strips and the hidden blocks for the camera now."""
        left, right = self.reach
        strips, self.hidden, self.clear, self.veiled = [], set(), (0.0, 1.0), {}
        names, spans = [], np.zeros((0, 2))
        if left > 0 or right > 0 or self.levels:
            names, spans = self.spans()
            clear = []
            for reach, flip in ((right, False), (left, True)):
                across = 1.0 - spans[:, ::-1] if flip else spans
                if self.levels is None:
                    side, hidden = side_strips(across, reach, self.edge)
                else:
                    given = [self.levels.get(n, (0.0, 0.0))[0 if flip else 1] for n in names]
                    side, hidden = level_strips(across, given)
                    hidden &= _gone(across, side)
                strips += [(1 - x1, 1 - x0, a1, a0) for x0, x1, a0, a1 in side] if flip else side
                self.hidden |= {n for n, h in zip(names, hidden) if h}
                inner = min((x0 for x0, *_ in side), default=1.0) if hidden.any() else 1.0
                clear.append(1.0 - inner if flip else inner)
            self.clear = (clear[1], clear[0])
            alpha = cover_alpha(spans, strips)
            self.veiled = {n: float(a) for n, a in zip(names, alpha) if a > 0 and n not in self.hidden}
        if self.transparent:
            self._fade(names, spans, strips)
            return
        self.actor.SetVisibility(bool(strips))
        if strips:
            self._draw(strips)

    def _fade(self, names: list[str], spans: np.ndarray, strips: list) -> None:
        """A transparent video's covers: each block as opaque as the covers leave it (1 - their least
        opacity over it), the strips not drawn; the blocks faded before restored first."""
        for name in self.faded:
            self.visuals[name].actor.GetProperty().SetOpacity(1.0)
        self.faded = set()
        self.actor.SetVisibility(False)
        for name, alpha in zip(names, cover_alpha(spans, strips)):
            if alpha > 0:
                self.visuals[name].actor.GetProperty().SetOpacity(1.0 - float(alpha))
                self.faded.add(name)

    def fade_labels(self) -> None:
        """The labels of the blocks a cover fades (`veiled`) as transparent as it is opaque over them."""
        self.restore_labels()
        labels = self.labels.labels if self.labels is not None else {}
        for name, alpha in self.veiled.items():
            if name in labels:
                text = labels[name].GetTextProperty()
                self._dimmed.append((text, text.GetOpacity(), text.GetBackgroundOpacity()))
                text.SetOpacity(text.GetOpacity() * (1.0 - alpha))
                text.SetBackgroundOpacity(text.GetBackgroundOpacity() * (1.0 - alpha))

    def restore_labels(self) -> None:
        """The faded labels as they were (BlockLabels sets their opacity only when their light changes)."""
        for text, opacity, background in self._dimmed:
            text.SetOpacity(opacity)
            text.SetBackgroundOpacity(background)
        self._dimmed = []

    def trim_leaders(self, lines: vtk.vtkPolyData) -> None:
        """The label leader lines (LabelLayout.leaders, pixels) less those of a label not drawn this
        render (hidden since it was laid out, or a covered block's: a leader never shows without its
        label; the lecture's conv1 close-up drew one under relu2 for pool2's dropped label) and those
        reaching into a cover that hides blocks (a grey stroke at the edge alone)."""
        from vtk.util.numpy_support import vtk_to_numpy

        w = self.renderer.GetSize()[0]
        if not w or lines.GetNumberOfPoints() == 0:
            return
        segments = vtk_to_numpy(lines.GetPoints().GetData()).reshape(-1, 2, 3)
        keep = np.ones(len(segments), bool)
        if self.labels is not None:
            keep = leaders_drawn(segments[:, :, :2], _label_boxes(self.labels.layout, self.hidden))
        if self.hidden:
            ends = segments[:, :, 0] / w
            keep &= ((ends > self.clear[0]) & (ends < self.clear[1])).all(axis=1)
        if keep.all():
            return
        points = segments[keep].reshape(-1, 3)
        vtk_points = vtk.vtkPoints()
        vtk_points.SetData(numpy_to_vtk(points.copy(), deep=True))
        cells = vtk.vtkCellArray()
        n = len(points) // 2
        cells.SetData(
            numpy_to_vtkIdTypeArray(np.arange(0, 2 * n + 1, 2, dtype=np.int64), deep=True),
            numpy_to_vtkIdTypeArray(np.arange(2 * n, dtype=np.int64), deep=True),
        )
        lines.SetPoints(vtk_points)
        lines.SetLines(cells)
        lines.Modified()

    def _draw(self, strips: list) -> None:
        """Quads from the pane's bottom to its top, each of the background's colour from its alpha
        at x0 to that at x1."""
        points = np.zeros((4 * len(strips), 3))
        colours = np.zeros((len(points), 4), np.uint8)
        colours[:, :3] = self.background
        for k, (x0, x1, a0, a1) in enumerate(strips):
            points[4 * k : 4 * k + 4, :2] = [(x0, 0.0), (x1, 0.0), (x1, 1.0), (x0, 1.0)]
            colours[4 * k : 4 * k + 4, 3] = np.round(255 * np.array([a0, a1, a1, a0]))
        vtk_points = vtk.vtkPoints()
        vtk_points.SetData(numpy_to_vtk(points, deep=True))
        cells = vtk.vtkCellArray()
        cells.SetData(
            numpy_to_vtkIdTypeArray(np.arange(0, 4 * len(strips) + 1, 4, dtype=np.int64), deep=True),
            numpy_to_vtkIdTypeArray(np.arange(4 * len(strips), dtype=np.int64), deep=True),
        )
        self.poly.SetPoints(vtk_points)
        self.poly.SetPolys(cells)
        self.poly.GetPointData().SetScalars(numpy_to_vtk(colours, deep=True))
        self.poly.Modified()

    def update(self, shown: Shown) -> None:
        pass


def _gone(across: np.ndarray, strips: list) -> np.ndarray:
    """Which blocks of `across` (n, 2: spans from the side's inner end to its edge, 0..1) the side's
    `strips` cover LABEL_GONE or more over their part in the frame, or which lie wholly past its edge."""
    return (cover_alpha(across, strips) >= LABEL_GONE) | (across[:, 0] >= 1.0)


TOUCH = 1.5  # pixels: a leader's end lies on its label's box (label_layout._leader ends it on an edge)


def _label_boxes(layout, covered: set[str]) -> list[tuple[np.ndarray, bool]]:
    """Each block label the layout placed: its box (pixels) and whether it is drawn this render (not
    hidden since, and not a `covered` block's: SceneRenderer.undrawn_labels leaves those out)."""
    actors = {label.block: label.actor for label in layout.labels}
    out = []
    for kind, block, _, box in layout.placement.shown:
        if kind == "block" and block in actors:
            drawn = bool(actors[block].GetVisibility()) and block not in covered
            out.append((np.asarray(box, float), drawn))
    return out


def leaders_drawn(segments: np.ndarray, boxes: list[tuple[np.ndarray, bool]]) -> np.ndarray:
    """Which leader `segments` (n, 2 ends, xy pixels) to draw: not one whose end lies on the box of
    a label not drawn (`boxes`: (x0, y0, x1, y1), drawn); one on no box is kept."""
    keep = np.ones(len(segments), bool)
    for box, drawn in boxes:
        if drawn:
            continue
        x, y = segments[..., 0], segments[..., 1]
        on = (x >= box[0] - TOUCH) & (x <= box[2] + TOUCH) & (y >= box[1] - TOUCH) & (y <= box[3] + TOUCH)
        keep &= ~on.any(axis=1)
    return keep

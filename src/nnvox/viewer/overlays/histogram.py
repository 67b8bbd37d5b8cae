"""The histogram panel: the selected layer's values at the timeline cursor, bars in the layer's own
colours, the first snapshot's outline behind them. Built once; a frame moves points and text."""

from __future__ import annotations

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk

from nnvox.scenes.colour import lut
from nnvox.scenes.histogram import BINS, NOTE_SEPARATOR, Histogram, notes
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.metrics import add_2d, box_outline, polyline_2d, text_extent


def fitted(prop: vtk.vtkTextProperty, parts: list[str], width: float) -> str:
    """`parts` joined on one line no wider than `width` pixels (measured in `prop`'s style): the
    leading parts left out first, then the last one cut short with an ellipsis."""
    for first in range(len(parts)):
        text = NOTE_SEPARATOR.join(parts[first:])
        if text_extent(prop, text)[0] <= width:
            return text
    text = parts[-1]
    while len(text) > 1 and text_extent(prop, text + "…")[0] > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _text(renderer, size: int, colour, justify: str = "left") -> vtk.vtkTextActor:
    actor = vtk.vtkTextActor()
    tp = actor.GetTextProperty()
    tp.SetFontSize(size)
    tp.SetColor(*colour)
    justified = {
        "left": tp.SetJustificationToLeft,
        "centre": tp.SetJustificationToCentered,
        "right": tp.SetJustificationToRight,
    }
    justified[justify]()
    actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
    renderer.AddViewProp(actor)
    return actor


def panel_places(box) -> dict[str, tuple[float, ...]]:
    """Where the panel's parts sit in its box (normalised viewport x0, y0, x1, y1): the bars' plot
    (x0, y0, x1, y1, room below for the ticks and above for the title and note), the title's and the
    note's left top (x, y) and the ticks' baseline height. The browser page's panel reads these."""
    x0, y0, x1, y1 = box
    return {
        "plot": (x0 + 0.005, y0 + 0.045, x1 - 0.005, y1 - 0.075),
        "title": (x0 + 0.006, y1 - 0.035),
        "note": (x0 + 0.006, y1 - 0.065),
        "ticks": (y0 + 0.008,),
    }


class HistogramPanel:
    """In the options' histogram_box (normalised viewport x0, y0, x1, y1); hidden until a layer is
    selected."""

    def __init__(self, stage: Stage):
        renderer, options, colours = stage.renderer, stage.options, stage.colours
        self.box = x0, _, x1, _ = options.histogram_box
        places = panel_places(self.box)
        self.plot = places["plot"]  # room for the axis labels, title and note
        self.actors = [add_2d(renderer, box_outline(self.box), colours.panel_frame, 1.0)]
        self._bars = self._add_bars(renderer)
        self._outline = polyline_2d(np.zeros((2 * BINS, 2)))  # the current bars' tops: dark bars still read
        self.actors.append(add_2d(renderer, self._outline, colours.bar_tops, 1.0))
        self._reference = polyline_2d(np.zeros((2 * BINS, 2)))
        self.actors.append(add_2d(renderer, self._reference, colours.muted, 1.5))
        size = options.font(stage.fonts.panel)
        self.title = _text(renderer, size, colours.panel_title)
        self.title.SetPosition(*places["title"])
        self.ticks = [_text(renderer, size, colours.muted, j) for j in ("left", "centre", "right")]
        for actor, x in zip(self.ticks, (self.plot[0], (self.plot[0] + self.plot[2]) / 2, self.plot[2])):
            actor.SetPosition(x, *places["ticks"])
        self.note = _text(renderer, round(size * 0.9), colours.muted)
        self._line = (x1 - x0 - 0.012) * options.width  # pixels a title or note may take: never cut at the edge
        self.note.SetPosition(*places["note"])
        self.actors += [self.title, *self.ticks, self.note]
        self.props = self.actors
        self._block = None
        self.set_visible(False)

    def _add_bars(self, renderer):
        """BINS quads in one actor, coloured per cell (the layer's colours at each bin's centre)."""
        points = vtk.vtkPoints()
        points.SetNumberOfPoints(4 * BINS)
        quads = vtk.vtkCellArray()
        for k in range(BINS):
            quads.InsertNextCell(4, [4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3])
        poly = vtk.vtkPolyData()
        poly.SetPoints(points)
        poly.SetPolys(quads)
        self._colours = np.zeros((BINS, 3), np.uint8)
        array = numpy_to_vtk(self._colours, deep=False)
        poly.GetCellData().SetScalars(array)
        actor = add_2d(renderer, poly, (1, 1, 1), 1.0)
        actor.GetMapper().SetColorModeToDirectScalars()
        actor.GetMapper().ScalarVisibilityOn()
        self.actors.append(actor)
        return poly, array

    def set_visible(self, visible: bool) -> None:
        for actor in self.actors:
            actor.SetVisibility(visible)

    def _xs(self) -> np.ndarray:
        px0, _, px1, _ = self.plot
        return np.linspace(px0, px1, BINS + 1)

    def update(self, shown: Shown) -> None:
        self.show(shown.histogram)

    def show(self, hist: Histogram | None) -> None:
        if hist is None:
            self.set_visible(False)
            return
        self.set_visible(True)
        xs = self._xs()
        _, py0, _, py1 = self.plot
        if self._block != (hist.block, hist.scale):  # a new layer: its colours and axis
            self._block = (hist.block, hist.scale)
            centres = (hist.edges[:-1] + hist.edges[1:]) / 2
            self._colours[:] = lut(hist.scale.cmap)[hist.scale.quantise(centres.astype(np.float32))]
            self._bars[1].Modified()
            lo, hi = hist.scale.lo, hist.scale.hi
            for actor, v in zip(self.ticks, (lo, (lo + hi) / 2, hi)):
                actor.SetInput(f"{v:.3g}")
        top = hist.axis_top
        heights = py0 + (py1 - py0) * np.minimum(hist.fractions / top, 1.0)
        pts = np.zeros((BINS, 4, 3))
        pts[:, 0, :2] = np.stack([xs[:-1], np.full(BINS, py0)], 1)
        pts[:, 1, :2] = np.stack([xs[1:], np.full(BINS, py0)], 1)
        pts[:, 2, :2] = np.stack([xs[1:], heights], 1)
        pts[:, 3, :2] = np.stack([xs[:-1], heights], 1)
        poly = self._bars[0]
        poly.GetPoints().SetData(numpy_to_vtk(pts.reshape(-1, 3), deep=True))
        poly.Modified()
        for line, values in ((self._outline, hist.fractions), (self._reference, hist.reference)):
            step = np.zeros((2 * BINS, 3))
            step[0::2, 0], step[1::2, 0] = xs[:-1], xs[1:]
            step[0::2, 1] = step[1::2, 1] = py0 + (py1 - py0) * np.minimum(values / top, 1.0)
            line.GetPoints().SetData(numpy_to_vtk(step, deep=True))
            line.Modified()
        self.title.SetInput(fitted(self.title.GetTextProperty(), [hist.title], self._line))
        self.note.SetInput(fitted(self.note.GetTextProperty(), notes(hist), self._line))  # the count goes first

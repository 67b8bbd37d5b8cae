"""The metrics inset's chart under its titles (scenes/training_chart.py says what it holds): a baseline
with a tick per snapshot and their labels (every k-th where all would collide), each curve's scale
named at its side (accuracy's at the left, the loss's at the right, in the curve's colour), each
name centred on its value's height beside a tick mark (a lecturer read the 13% point as 0% where
"0%" stood with its bottom on 0 and "100%" with its top on 100%), the curves in runs between missing
snapshots with a dot where each run starts, the loss dashed (told apart by more than colour), and
the timeline's cursor. Laid out in pixels of the pane, from its text's measured extents; built once,
a frame only moves the cursor."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import vtk

from nnvox.scenes.training_chart import LEFT, TrainingChart, every_kth
from nnvox.viewer.overlays.base import Stage
from nnvox.viewer.overlays.hud import sized_extent

TICK = 0.3  # a tick's length below the baseline (and a scale's beside the curves), of a text line's height
HALF = 0.5  # of a line's height: a scale's name centred on its end reaches this far above and below it
INK_RISE = 0.13  # of a line's height: a centred line's digits sit this far over its middle (the
# descenders' room under them; measured 0.12-0.16 at 480p-2160p), so a name is lowered by as much
GAP = 0.25  # between a scale's names and the curves, and under the tick labels: of a line's height
DASH = (0.5, 0.3)  # the loss's dashes and the gaps between them, of a line's height
DOT = 0.14  # a run's start dot's radius, of a line's height


@dataclass(frozen=True)
class ChartPlace:
    """The chart's rectangle in the pane's pixels (y up): `area` the curves' (x0, y0, x1, y1), `box`
    the whole chart's, `line` a text line's height, `pad` kept from the box's sides."""

    box: tuple[float, float, float, float]
    area: tuple[float, float, float, float]
    line: float
    pad: float  # kept from the box's sides


def chart_place(box, chart: TrainingChart, extent, pad: float) -> ChartPlace:
    """The curves' area inside `box` (pixels, y up): above the ticks and their labels, between the
    columns naming the scales; `extent(text)` a text's (width, height) in the chart's font."""
    line = float(extent("0")[1])
    x0, y0, x1, y1 = box
    column = dict.fromkeys(("left", "right"), 0.0)
    for curve in chart.curves:
        column[curve.side] = max(column[curve.side], *(extent(t)[0] for t in curve.ends)) + 2 * GAP * line
    bottom = y0 + GAP * line + line + labels_drop(line)  # the tick labels clear of a scale's "0" above them
    top = y1 - (HALF - INK_RISE) * line  # the name of a scale's top, centred on it, inside the box
    return ChartPlace(box, (x0 + pad + column["left"], bottom, x1 - pad - column["right"], top), line, pad)


def labels_drop(line: float) -> float:
    """The tick labels' top below the baseline: under the ticks, and under the bottom of a scale's
    name centred on the baseline (the first tick's label reaches under it)."""
    return max(TICK, HALF + INK_RISE + GAP / 2) * line


def dashes(points: np.ndarray, dash: float, gap: float) -> list[np.ndarray]:
    """A polyline (pixels) as its dashes: `dash` drawn, `gap` left out, along its length."""
    steps = np.linalg.norm(np.diff(points, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    out, start = [], 0.0
    while start < along[-1]:
        end = min(start + dash, along[-1])
        inside = (along > start) & (along < end)
        at = lambda s: np.array([np.interp(s, along, points[:, 0]), np.interp(s, along, points[:, 1])])
        out.append(np.vstack([at(start), points[inside], at(end)]))
        start = end + gap
    return out


def lines_2d(polylines, closed: bool = False) -> vtk.vtkPolyData:
    """Several polylines (or, `closed`, filled polygons) in one polydata: one actor draws them all."""
    pts, cells = vtk.vtkPoints(), vtk.vtkCellArray()
    for line in polylines:
        cell = vtk.vtkPolygon() if closed else vtk.vtkPolyLine()
        cell.GetPointIds().SetNumberOfIds(len(line))
        for i, (x, y) in enumerate(line):
            cell.GetPointIds().SetId(i, pts.InsertNextPoint(x, y, 0.0))
        cells.InsertNextCell(cell)
    poly = vtk.vtkPolyData()
    poly.SetPoints(pts)
    (poly.SetPolys if closed else poly.SetLines)(cells)
    return poly


class ChartArea:
    """The chart drawn by `stage` in `place`; props in the pane's normalised coordinates."""

    def __init__(self, stage: Stage, chart: TrainingChart, place: ChartPlace, font: int):
        self.stage, self.chart, self.place, self.font = stage, chart, place, font
        self.scale = np.array([stage.pane_width, stage.pane_height])
        self.props: list[vtk.vtkProp] = []
        self.texts: list[tuple[str, tuple[float, float, float, float]]] = []  # each drawn text's box, pixels
        ax0, ay0, ax1, ay1 = place.area
        line, frame = place.line, stage.colours.panel_frame
        self.xs = ax0 + (ax1 - ax0) * np.arange(chart.snapshots) / max(chart.snapshots - 1, 1)
        ticks = [[(x, ay0), (x, ay0 - TICK * line)] for x in self.xs]
        ends = [[(x, y), (x + out * TICK * line, y)] for x, out in ((ax0, -1), (ax1, 1)) for y in (ay0, ay1)]
        self._lines([[(ax0, ay0), (ax1, ay0)], *ticks, *ends[: 4 if len(chart.curves) > 1 else 2]], frame, 1.0)
        self._tick_labels()
        for curve in chart.curves:
            self._curve(curve)
        self.cursor = lines_2d([np.array([[ax0, ay0], [ax0, ay1]]) / self.scale])
        self.props.append(self._add(self.cursor, stage.colours.cursor, 1.5))

    def _add(self, poly, colour, width: float) -> vtk.vtkActor2D:
        from nnvox.viewer.overlays.metrics import add_2d

        return add_2d(self.stage.renderer, poly, colour, width)

    def _lines(self, polylines, colour, width: float) -> None:
        """`width` in pixels at 1080 high, as thick for the eye at any height."""
        thick = width * max(1.0, self.stage.pane_height / 1080)
        self.props.append(self._add(lines_2d([np.asarray(p) / self.scale for p in polylines]), colour, thick))

    def _curve(self, curve) -> None:
        ax0, ay0, ax1, ay1 = self.place.area
        colour, line = self.stage.colours.curve_rgb(curve.kind), self.place.line
        runs = [np.stack([ax0 + (ax1 - ax0) * r[:, 0], ay0 + (ay1 - ay0) * r[:, 1]], 1) for r in curve.runs]
        drawn = [d for r in runs for d in dashes(r, DASH[0] * line, DASH[1] * line)] if curve.dashed else runs
        self._lines([r for r in drawn if len(r) > 1], colour, 2.0)
        turn = np.linspace(0, 2 * np.pi, 12, endpoint=False)
        ring = np.stack([np.cos(turn), np.sin(turn)], 1) * max(DOT * line, 2.5)
        dots = [(r[0] + ring) / self.scale for r in runs]  # where each run starts: no line from mid-air
        self.props.append(self._add(lines_2d(dots, closed=True), colour, 1.0))
        left = curve.side == LEFT
        x = ax0 - 2 * GAP * line if left else ax1 + 2 * GAP * line  # clear of a run's start dot
        self._text(curve.ends[1], colour, x, ay1, "right" if left else "left", "middle")
        if ay1 - ay0 >= 1.2 * line:  # the bottom's name too where both fit apart
            self._text(curve.ends[0], colour, x, ay0, "right" if left else "left", "middle")

    def _tick_labels(self) -> None:
        """Every k-th tick's label, its number under its tick (the last's word dropped where even two
        would crowd; only the last where they still do), kept inside the box."""
        x0, _, x1, _ = self.place.box
        pad, gap = self.place.pad, 0.6 * self.place.line
        for ticks in self.chart.tick_forms:
            widths = np.array([self._extent(t)[0] for t in ticks], dtype=float)
            numbers = np.array([self._extent(t.rpartition(" ")[2])[0] for t in ticks], dtype=float)
            # each label's number centred under its tick ("epoch 10": the 10), kept inside the box
            lefts = np.clip(self.xs - widths + numbers / 2, x0 + pad, x1 - pad - widths)
            shown = every_kth(lefts, lefts + widths, gap)
            if shown is not None:
                break
        shown = shown or [i == len(ticks) - 1 for i in range(len(ticks))]
        top = self.place.area[1] - labels_drop(self.place.line)
        for text, left, show in zip(ticks, lefts, shown, strict=True):
            if show:
                self._text(text, self.stage.colours.slider_tick, left, top, "left", "top")

    def _extent(self, text: str) -> tuple[int, int]:
        return sized_extent(text, self.font)

    def _text(self, text: str, colour, x: float, y: float, across: str, up: str) -> None:
        actor = vtk.vtkTextActor()
        actor.SetInput(text)
        tp = actor.GetTextProperty()
        tp.SetFontSize(self.font)
        tp.SetColor(*colour)
        {"left": tp.SetJustificationToLeft, "right": tp.SetJustificationToRight}[across]()
        justify = {"top": tp.SetVerticalJustificationToTop, "middle": tp.SetVerticalJustificationToCentered}
        justify[up]()
        actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        y = y - INK_RISE * self.place.line if up == "middle" else y  # the digits' middle on `y`
        actor.SetPosition(x / self.scale[0], y / self.scale[1])
        self.stage.renderer.AddViewProp(actor)
        self.props.append(actor)
        w, h = self._extent(text)
        left = x - w if across == "right" else x
        bottom = y - h if up == "top" else y - h / 2
        self.texts.append((text, (left, bottom, left + w, bottom + h)))

    def update(self, t: float) -> None:
        ax0, ay0, ax1, ay1 = self.place.area
        x = (ax0 + (ax1 - ax0) * t / max(self.chart.snapshots - 1, 1)) / self.scale[0]
        pts = self.cursor.GetPoints()
        pts.SetPoint(0, x, ay0 / self.scale[1], 0.0)
        pts.SetPoint(1, x, ay1 / self.scale[1], 0.0)
        pts.Modified()

"""The metrics inset: loss and accuracy over the run, with a cursor at the timeline position.
Curves are built once; a frame only moves the cursor's two points."""

from __future__ import annotations

import numpy as np
import vtk

from nnvox.viewer.overlays.base import Shown, Stage

LABEL_DROP = 0.035  # of the pane: the labels' baseline, below the box's top
TITLE_BAND = 0.047  # of the pane: the labels' band at the box's top, descenders and a gap included


def curves_height(box) -> float:
    """The fraction of the box's height the curves take, from its bottom to under the labels' band:
    a curve at its top (accuracy 100%) never runs through its own label. A fraction of the box's
    height (the band is of the pane's), so the desktop's inset and the browser page (web/payload.py)
    draw the same."""
    return max(0.0, 1.0 - TITLE_BAND / (box[3] - box[1]))


def polyline_2d(points: np.ndarray) -> vtk.vtkPolyData:
    pts = vtk.vtkPoints()
    for x, y in points:
        pts.InsertNextPoint(x, y, 0.0)
    line = vtk.vtkPolyLine()
    line.GetPointIds().SetNumberOfIds(len(points))
    for i in range(len(points)):
        line.GetPointIds().SetId(i, i)
    cells = vtk.vtkCellArray()
    cells.InsertNextCell(line)
    poly = vtk.vtkPolyData()
    poly.SetPoints(pts)
    poly.SetLines(cells)
    return poly


def box_outline(box) -> vtk.vtkPolyData:
    x0, y0, x1, y1 = box
    return polyline_2d(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]))


def add_2d(renderer: vtk.vtkRenderer, poly: vtk.vtkPolyData, colour, width: float) -> vtk.vtkActor2D:
    """Lines or polygons given in normalised-viewport coordinates, drawn over the scene."""
    coord = vtk.vtkCoordinate()
    coord.SetCoordinateSystemToNormalizedViewport()
    mapper = vtk.vtkPolyDataMapper2D()
    mapper.SetInputData(poly)
    mapper.SetTransformCoordinate(coord)
    actor = vtk.vtkActor2D()
    actor.SetMapper(mapper)
    actor.GetProperty().SetColor(*colour)
    actor.GetProperty().SetLineWidth(width)
    renderer.AddViewProp(actor)
    return actor


def text_extent(prop: vtk.vtkTextProperty, text: str | None, dpi: int = 72) -> tuple[int, int]:
    """The width and height in pixels that `text` takes in `prop`'s style (a window's default dpi)."""
    if not text:
        return 0, 0
    bbox = [0, 0, 0, 0]
    vtk.vtkTextRenderer().GetBoundingBox(prop, text, bbox, dpi)
    return bbox[1] - bbox[0] + 1, bbox[3] - bbox[2] + 1


def shown_metrics(metrics: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Loss and accuracy, or else the first two metrics recorded."""
    return {k: v for k, v in metrics.items() if k in ("loss", "accuracy")} or dict(list(metrics.items())[:2])


def metric_curves(metrics: dict[str, np.ndarray]) -> tuple[int, list[tuple[str, np.ndarray, str]]]:
    """The snapshots' count and each shown curve: its name, its points as fractions of the curves'
    area (x: snapshot over the last, y: value over the curve's top) and its label. Loss is scaled to
    its own maximum, accuracy to 0..1; a metric with fewer than two finite values has no curve. The
    desktop's inset and the browser page (viewer/web/payload.py) draw these."""
    n = max(len(v) for v in metrics.values())
    curves = []
    for name, values in shown_metrics(metrics).items():
        values = np.asarray(values, dtype=float)
        ok = np.isfinite(values)
        if ok.sum() < 2:
            continue
        top = 1.0 if name == "accuracy" and np.nanmax(values) <= 1.0 else float(np.nanmax(values[ok])) or 1.0
        points = np.stack([np.flatnonzero(ok) / max(n - 1, 1), values[ok] / top], 1)
        curves.append((name, points, f"{name} (max {top:.3g})" if name != "accuracy" else "accuracy (0 to 100%)"))
    return n, curves


class MetricsInset:
    """In the options' metrics_box (normalised viewport x0, y0, x1, y1); loss scaled to its own
    maximum, accuracy to 0..1."""

    def __init__(self, stage: Stage):
        self.stage = stage
        self.box = x0, y0, x1, y1 = stage.options.metrics_box
        self.n, curves = metric_curves(stage.scene.metrics)
        tall = curves_height(self.box)
        self.props = [add_2d(stage.renderer, box_outline(self.box), stage.colours.panel_frame, 1.0)]
        for i, (name, points, text) in enumerate(curves):
            xs = x0 + (x1 - x0) * points[:, 0]
            ys = y0 + (y1 - y0) * tall * points[:, 1]
            colour = stage.colours.curve_rgb(name)
            self.props.append(add_2d(stage.renderer, polyline_2d(np.stack([xs, ys], 1)), colour, 2.0))
            self.props.append(self._label(text, colour, right=bool(i)))
        self.top = y0 + (y1 - y0) * tall  # the cursor stops under the labels: never through them
        self.cursor = polyline_2d(np.array([[x0, y0], [x0, self.top]]))
        self.props.append(add_2d(stage.renderer, self.cursor, stage.colours.cursor, 1.5))

    def _label(self, text: str, colour, *, right: bool) -> vtk.vtkTextActor:
        x0, _, x1, y1 = self.box
        label = vtk.vtkTextActor()
        label.SetInput(text)
        tp = label.GetTextProperty()
        tp.SetFontSize(self.stage.options.font(self.stage.fonts.panel))
        tp.SetColor(*colour)
        label.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        if right:  # the second label at the right edge: the two never collide, however narrow the box
            tp.SetJustificationToRight()
        label.SetPosition(x1 - 0.006 if right else x0 + 0.006, y1 - LABEL_DROP)
        self.stage.renderer.AddViewProp(label)
        return label

    def update(self, shown: Shown) -> None:
        x0, y0, x1, _ = self.box
        x = x0 + (x1 - x0) * shown.frame.t / max(self.n - 1, 1)
        pts = self.cursor.GetPoints()
        pts.SetPoint(0, x, y0, 0.0)
        pts.SetPoint(1, x, self.top, 0.0)
        pts.Modified()

"""The metrics inset: loss and accuracy over the run, with a cursor at the timeline position.
Curves are built once; a frame only moves the cursor's two points."""

from __future__ import annotations

import numpy as np
import vtk

CURVE_RGB = {"loss": (0.98, 0.55, 0.35), "accuracy": (0.45, 0.8, 0.95)}


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


class MetricsInset:
    """Normalised-viewport box (x0, y0, x1, y1); loss scaled to its own maximum, accuracy to 0..1."""

    def __init__(self, renderer: vtk.vtkRenderer, metrics: dict[str, np.ndarray], options, box: tuple[float, float, float, float]):
        self.box = box
        self.n = max(len(v) for v in metrics.values())
        self.actors = []
        x0, y0, x1, y1 = box
        frame = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]])
        self._add(renderer, polyline_2d(frame), (0.4, 0.42, 0.48), 1.0)
        size = options.text_size(0.016)
        shown = {k: v for k, v in metrics.items() if k in ("loss", "accuracy")} or dict(list(metrics.items())[:2])
        for i, (name, values) in enumerate(shown.items()):
            values = np.asarray(values, dtype=float)
            ok = np.isfinite(values)
            if ok.sum() < 2:
                continue
            top = 1.0 if name == "accuracy" and np.nanmax(values) <= 1.0 else float(np.nanmax(values[ok])) or 1.0
            xs = x0 + (x1 - x0) * np.flatnonzero(ok) / max(self.n - 1, 1)
            ys = y0 + (y1 - y0) * 0.75 * values[ok] / top  # the top quarter holds the labels
            self._add(renderer, polyline_2d(np.stack([xs, ys], 1)), CURVE_RGB.get(name, (0.9, 0.9, 0.9)), 2.0)
            label = vtk.vtkTextActor()
            label.SetInput(f"{name} (max {top:.3g})" if name != "accuracy" else "accuracy (0 to 100%)")
            tp = label.GetTextProperty()
            tp.SetFontSize(size)
            tp.SetColor(*CURVE_RGB.get(name, (0.9, 0.9, 0.9)))
            label.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
            if i:  # the second label at the right edge: the two never collide, however narrow the box
                tp.SetJustificationToRight()
            label.SetPosition(x1 - 0.006 if i else x0 + 0.006, y1 - 0.035)
            renderer.AddViewProp(label)
            self.actors.append(label)
        self.cursor = polyline_2d(np.array([[x0, y0], [x0, y1]]))
        self._add(renderer, self.cursor, (1.0, 1.0, 1.0), 1.5)

    def _add(self, renderer, poly, colour, width) -> None:
        self.actors.append(add_2d(renderer, poly, colour, width))

    def move_to(self, t: float) -> None:
        x0, y0, x1, y1 = self.box
        x = x0 + (x1 - x0) * t / max(self.n - 1, 1)
        pts = self.cursor.GetPoints()
        pts.SetPoint(0, x, y0, 0.0)
        pts.SetPoint(1, x, y1, 0.0)
        pts.Modified()

"""Feature-space clouds: points (one per probe sample and layer, coloured by class), each sample's
path through the layers' clouds, a faint box around each cloud and a class legend. Built once;
a frame only moves the points."""

from __future__ import annotations

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk

from nnvox.scenes.feature_space import cluster_note
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.theme import to_unit
from nnvox.viewer.visuals import make_billboard, outline_boxes


def _actor(poly, *, point_size: float = 1.0, line_width: float = 1.0, opacity: float = 1.0) -> vtk.vtkActor:
    mapper = vtk.vtkPolyDataMapper()
    mapper.SetInputData(poly)
    mapper.SetColorModeToDirectScalars()
    actor = vtk.vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetPointSize(point_size)
    prop.RenderPointsAsSpheresOn()
    prop.SetLineWidth(line_width)
    prop.SetOpacity(opacity)
    prop.LightingOff()
    return actor


class Clouds:
    def __init__(self, stage: Stage):
        self.stage, self.scene = stage, stage.scene
        self.palette = np.array(stage.colours.classes, dtype=np.uint8)
        self.cluster_palette = np.array(stage.colours.clusters, dtype=np.uint8)
        self.cluster_labels: dict[str, vtk.vtkBillboardTextActor3D] = {}
        self.names = [c.block for c in self.scene.clouds]
        n, k = self.scene.probe_count, len(self.names)
        self.points = vtk.vtkPoints()
        self.points.SetData(numpy_to_vtk(np.zeros((n * k, 3)), deep=True))
        by_class = np.tile(self.class_colours(self.scene.probe_labels), (k, 1))
        self.dot_colours = by_class.copy()  # by class, or by cluster
        self._dot_array = numpy_to_vtk(self.dot_colours, deep=False)
        self._dot_array.SetName("dot")
        self.polys = (self._dots(n * k), self._paths(n, k, by_class))
        height = stage.options.height
        self.props = [
            _actor(self.polys[0], point_size=max(5.0, height / 110)),
            _actor(self.polys[1], line_width=max(1.0, height / 720), opacity=0.45),
            self._boxes(),
        ]
        for a in self.props:
            stage.renderer.AddActor(a)
        self.legend = self._legend()
        stage.renderer.AddViewProp(self.legend)
        self.props.append(self.legend)

    def class_colours(self, labels) -> np.ndarray:
        return self.palette[np.asarray(labels, dtype=np.int64) % len(self.palette)]

    def _dots(self, count: int) -> vtk.vtkPolyData:
        dots = vtk.vtkPolyData()
        dots.SetPoints(self.points)
        verts = vtk.vtkCellArray()
        for i in range(count):
            verts.InsertNextCell(1, [i])
        dots.SetVerts(verts)
        dots.GetPointData().SetScalars(self._dot_array)
        return dots

    def _paths(self, n: int, k: int, by_class: np.ndarray) -> vtk.vtkPolyData:
        """Sample i's path: its point in every cloud, in layer order, in its class's colour."""
        colours = numpy_to_vtk(by_class, deep=True)
        colours.SetName("class")
        lines = vtk.vtkPolyData()
        lines.SetPoints(self.points)
        cells = vtk.vtkCellArray()
        for i in range(n):
            cells.InsertNextCell(k, [j * n + i for j in range(k)])
        lines.SetLines(cells)
        lines.GetPointData().SetScalars(colours)
        return lines

    def _boxes(self) -> vtk.vtkActor:
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputData(
            outline_boxes(
                (x - h, x + h, y - h, y + h, z - h, z + h)
                for (x, y, z), h in ((c.centre, c.size / 2) for c in self.scene.clouds)
            )
        )
        actor = vtk.vtkActor()
        actor.SetMapper(mapper)
        actor.GetProperty().SetColor(*self.stage.colours.cloud_box)
        actor.GetProperty().LightingOff()
        return actor

    def _legend(self) -> vtk.vtkLegendBoxActor:
        layout = self.stage.layout
        classes = sorted(set(self.scene.probe_labels))
        names = self.scene.class_names
        legend = vtk.vtkLegendBoxActor()
        legend.SetNumberOfEntries(len(classes))
        marker = vtk.vtkSphereSource()
        marker.Update()
        for i, c in enumerate(classes):
            label = names[c] if names and c < len(names) else str(c)
            colour = [v / 255 for v in self.palette[c % len(self.palette)]]
            legend.SetEntry(i, marker.GetOutput(), f"class {label}", colour)
        legend.BorderOff()
        legend.GetEntryTextProperty().SetColor(*to_unit(self.stage.colours.text))
        legend.GetEntryTextProperty().ShadowOff()
        # the box sets the text size (entries are scaled to fill it): small, at the right edge
        height = min(0.3, layout.cloud_entry_height * len(classes))
        legend.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        legend.GetPositionCoordinate().SetValue(layout.cloud_legend_x, 0.5 - height / 2)
        legend.GetPosition2Coordinate().SetCoordinateSystemToNormalizedViewport()
        legend.GetPosition2Coordinate().SetValue(layout.cloud_legend_width, height)
        return legend

    def update(self, shown: Shown) -> None:
        points, clusters = shown.frame.points, shown.frame.clusters
        n = self.scene.probe_count
        data = np.zeros((n * len(self.names), 3))
        for j, name in enumerate(self.names):
            if name in points:
                data[j * n : (j + 1) * n] = points[name]
        self.points.SetData(numpy_to_vtk(data, deep=True))
        if clusters:  # points take their cluster's colour; the paths keep their class's
            for j, name in enumerate(self.names):
                if name in clusters:
                    labels, k, purity = clusters[name]
                    self.dot_colours[j * n : (j + 1) * n] = self.cluster_palette[labels % len(self.cluster_palette)]
                    self._cluster_label(j, name).SetInput(cluster_note(k, purity))
            self._dot_array.Modified()
        for poly in self.polys:
            poly.Modified()

    def _cluster_label(self, j: int, name: str) -> vtk.vtkBillboardTextActor3D:
        """Made the first time a cloud is clustered (a scene without clusters never needs it)."""
        if name not in self.cluster_labels:
            c = self.scene.clouds[j]
            actor = make_billboard(self.stage.options, "", scale=0.85)
            actor.SetPosition(c.centre[0], c.centre[1], c.centre[2] + c.size / 2 + 0.4)
            self.stage.overlay.AddActor(actor)
            self.cluster_labels[name] = actor
        return self.cluster_labels[name]

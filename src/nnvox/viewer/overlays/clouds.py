"""Feature-space clouds: points (one per probe sample and layer, coloured by class), each sample's
path through the layers' clouds, a faint box around each cloud and a class legend. Built once;
a frame only moves the points."""

from __future__ import annotations

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk

from nnvox.scenes.scene import Scene
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.visuals import outline_boxes

# Tableau's ten categorical colours: distinct on a dark background, a standard for classes.
PALETTE = np.array([(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
                    (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)], dtype=np.uint8)


# ColorBrewer's Set2 for k-means clusters: softer than the class colours, so the two never read alike.
CLUSTER_PALETTE = np.array([(102, 194, 165), (252, 141, 98), (141, 160, 203), (231, 138, 195), (166, 216, 84),
                            (255, 217, 47), (229, 196, 148), (179, 179, 179)], dtype=np.uint8)


def class_colours(labels) -> np.ndarray:
    return PALETTE[np.asarray(labels, dtype=np.int64) % len(PALETTE)]


class CloudsVisual:
    def __init__(self, scene: Scene, renderer: vtk.vtkRenderer, options: RenderOptions, overlay: vtk.vtkRenderer | None = None):
        self.scene, self.options = scene, options
        self.overlay = overlay or renderer
        self.cluster_labels: dict[str, vtk.vtkBillboardTextActor3D] = {}
        self.names = [c.block for c in scene.clouds]
        n, k = scene.probe_count, len(self.names)
        self.points = vtk.vtkPoints()
        self.points.SetData(numpy_to_vtk(np.zeros((n * k, 3)), deep=True))
        colours = numpy_to_vtk(np.tile(class_colours(scene.probe_labels), (k, 1)), deep=True)
        colours.SetName("class")
        self.dot_colours = np.tile(class_colours(scene.probe_labels), (k, 1))  # by class, or by cluster
        dot_array = numpy_to_vtk(self.dot_colours, deep=False)
        dot_array.SetName("dot")
        dots = vtk.vtkPolyData()
        dots.SetPoints(self.points)
        verts = vtk.vtkCellArray()
        for i in range(n * k):
            verts.InsertNextCell(1, [i])
        dots.SetVerts(verts)
        dots.GetPointData().SetScalars(dot_array)
        self._dot_array = dot_array
        lines = vtk.vtkPolyData()
        lines.SetPoints(self.points)
        cells = vtk.vtkCellArray()
        for i in range(n):  # sample i's path: its point in every cloud, in layer order
            cells.InsertNextCell(k, [j * n + i for j in range(k)])
        lines.SetLines(cells)
        lines.GetPointData().SetScalars(colours)
        self.polys = (dots, lines)
        self.actors = [self._actor(dots, point_size=max(5.0, options.height / 110)),
                       self._actor(lines, line_width=max(1.0, options.height / 720), opacity=0.45)]
        self.actors.append(self._boxes())
        for a in self.actors:
            renderer.AddActor(a)
        self.legend = self._legend(options)
        renderer.AddViewProp(self.legend)

    @staticmethod
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

    def _boxes(self) -> vtk.vtkActor:
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputData(outline_boxes((x - h, x + h, y - h, y + h, z - h, z + h)
                                          for (x, y, z), h in ((c.centre, c.size / 2) for c in self.scene.clouds)))
        actor = vtk.vtkActor()
        actor.SetMapper(mapper)
        actor.GetProperty().SetColor(0.35, 0.36, 0.42)
        actor.GetProperty().LightingOff()
        return actor

    def _legend(self, options: RenderOptions) -> vtk.vtkLegendBoxActor:
        classes = sorted(set(self.scene.probe_labels))
        names = self.scene.class_names
        legend = vtk.vtkLegendBoxActor()
        legend.SetNumberOfEntries(len(classes))
        marker = vtk.vtkSphereSource()
        marker.Update()
        for i, c in enumerate(classes):
            label = names[c] if names and c < len(names) else str(c)
            legend.SetEntry(i, marker.GetOutput(), f"class {label}", [v / 255 for v in PALETTE[c % len(PALETTE)]])
        legend.BorderOff()
        legend.GetEntryTextProperty().SetColor(*(v / 255 for v in options.text_colour))
        legend.GetEntryTextProperty().ShadowOff()
        # the box sets the text size (entries are scaled to fill it): small, at the right edge
        height = min(0.3, 0.026 * len(classes))
        legend.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        legend.GetPositionCoordinate().SetValue(0.925, 0.5 - height / 2)
        legend.GetPosition2Coordinate().SetCoordinateSystemToNormalizedViewport()
        legend.GetPosition2Coordinate().SetValue(0.065, height)
        return legend

    def update(self, points: dict[str, np.ndarray], clusters: dict | None = None) -> None:
        n = self.scene.probe_count
        data = np.zeros((n * len(self.names), 3))
        for j, name in enumerate(self.names):
            if name in points:
                data[j * n:(j + 1) * n] = points[name]
        self.points.SetData(numpy_to_vtk(data, deep=True))
        if clusters:  # points take their cluster's colour; the paths keep their class's
            for j, name in enumerate(self.names):
                if name in clusters:
                    labels, k, purity = clusters[name]
                    self.dot_colours[j * n:(j + 1) * n] = CLUSTER_PALETTE[labels % len(CLUSTER_PALETTE)]
                    self._cluster_label(j, name).SetInput(f"k = {k} · {purity:.0%} pure")
            self._dot_array.Modified()
        for poly in self.polys:
            poly.Modified()

    def _cluster_label(self, j: int, name: str) -> vtk.vtkBillboardTextActor3D:
        if name not in self.cluster_labels:
            from nnvox.viewer.visuals import make_billboard

            c = self.scene.clouds[j]
            actor = make_billboard(self.options, "", scale=0.85)
            actor.SetPosition(c.centre[0], c.centre[1], c.centre[2] + c.size / 2 + 0.4)
            self.overlay.AddActor(actor)
            self.cluster_labels[name] = actor
            self.actors.append(actor)
        return self.cluster_labels[name]

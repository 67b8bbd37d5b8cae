"""The forward pass's travelling dots: one actor on the overlay layer (never hidden behind a
block); a frame only replaces its points. Each dot has a ring of the background's colour under it:
a wire runs from its source's middle to its target's, so most of a dot's way is drawn over a lit
block, where the pale dot alone was lost on a map's near-white zeros (the lecture's pool1 -> conv2)."""

from __future__ import annotations

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk

from nnvox.viewer.overlays.base import Shown, Stage

DOT_HEIGHTS = 72  # a dot's width: the frame's height over this (10 px at 720p, 15 px at 1080p)
RING_HEIGHTS = 240  # the ring's width each side of it: the frame's height over this (3 px at 720p)


def _points_actor(points: vtk.vtkPoints, colour, size: float) -> tuple[vtk.vtkActor, vtk.vtkPolyData]:
    poly = vtk.vtkPolyData()
    poly.SetPoints(points)
    glyph = vtk.vtkVertexGlyphFilter()
    glyph.SetInputData(poly)
    mapper = vtk.vtkPolyDataMapper()
    mapper.SetInputConnection(glyph.GetOutputPort())
    actor = vtk.vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetColor(*colour)
    prop.SetPointSize(size)
    prop.RenderPointsAsSpheresOn()
    prop.LightingOff()
    return actor, poly


class Pulses:
    def __init__(self, stage: Stage):
        self.stage = stage
        self.points, self.ring_points = vtk.vtkPoints(), vtk.vtkPoints()
        height = stage.options.height
        self.dot_px = max(4.0, height / DOT_HEIGHTS)
        self.ring_px = self.dot_px + 2 * max(1.0, height / RING_HEIGHTS)
        background = np.asarray(stage.colours.background, dtype=float) / 255
        self.ring, ring_poly = _points_actor(self.ring_points, background, self.ring_px)
        self.actor, poly = _points_actor(self.points, stage.colours.pulse, self.dot_px)
        self.polys = (poly, ring_poly)
        stage.overlay.AddActor(self.ring)
        stage.overlay.AddActor(self.actor)
        self.props: list[vtk.vtkProp] = []  # on the overlay layer

    def _behind(self) -> np.ndarray:
        """How far to set the rings back from the camera (world units) that each dot's drawn sphere
        stands wholly in front of its ring's: the ring's radius (the projection is parallel)."""
        camera = self.stage.overlay.GetActiveCamera()
        rows = self.stage.options.height * (self.stage.viewport[3] - self.stage.viewport[1])
        per_px = 2 * camera.GetParallelScale() / max(rows, 1.0)
        return np.asarray(camera.GetDirectionOfProjection()) * self.ring_px * per_px

    def update(self, shown: Shown) -> None:
        pulses = np.asarray(shown.frame.pulses, dtype=float).reshape(-1, 3)
        if len(pulses) or self.points.GetNumberOfPoints():
            for points, at in ((self.points, pulses), (self.ring_points, pulses + self._behind())):
                points.SetData(numpy_to_vtk(np.ascontiguousarray(at, dtype=np.float32), deep=True))
            for poly in self.polys:
                poly.Modified()

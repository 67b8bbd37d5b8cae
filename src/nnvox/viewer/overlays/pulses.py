"""The forward pass's travelling dots: one actor on the overlay layer (never hidden behind a
block); a frame only replaces its points."""

from __future__ import annotations

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk

from nnvox.viewer.overlays.base import Shown, Stage


class Pulses:
    def __init__(self, stage: Stage):
        self.points = vtk.vtkPoints()
        self.poly = vtk.vtkPolyData()
        self.poly.SetPoints(self.points)
        glyph = vtk.vtkVertexGlyphFilter()
        glyph.SetInputData(self.poly)
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputConnection(glyph.GetOutputPort())
        self.actor = vtk.vtkActor()
        self.actor.SetMapper(mapper)
        prop = self.actor.GetProperty()
        prop.SetColor(*stage.colours.pulse)
        prop.SetPointSize(max(4.0, stage.options.height / 90))
        prop.RenderPointsAsSpheresOn()
        prop.LightingOff()
        stage.overlay.AddActor(self.actor)
        self.props: list[vtk.vtkProp] = []  # on the overlay layer

    def update(self, shown: Shown) -> None:
        pulses = shown.frame.pulses
        if len(pulses) or self.points.GetNumberOfPoints():
            self.points.SetData(numpy_to_vtk(np.ascontiguousarray(pulses, dtype=np.float32), deep=True))
            self.poly.Modified()

"""Edges between blocks: straight ones in one grey actor, skip connections (arcs) in one accent
actor, so they stand out from the boxes they jump over. Nothing changes per frame."""

from __future__ import annotations

import vtk

from nnvox.viewer.overlays.base import Shown, Stage


def line_width(stage: Stage) -> float:
    """Edges and outlines: one pixel at 720 lines, thicker in larger pictures."""
    return max(1.0, stage.options.height / 720)


def lines_actor(paths, colour, width: float) -> vtk.vtkActor:
    """Polylines through `paths` (each a list of points) in one unlit actor."""
    append = vtk.vtkAppendPolyData()
    for path in paths:
        points = vtk.vtkPoints()
        for p in path:
            points.InsertNextPoint(*p)
        line = vtk.vtkPolyLineSource()
        line.SetPoints(points)
        line.Update()
        append.AddInputData(line.GetOutput())
    if not paths:
        append.AddInputData(vtk.vtkPolyData())
    append.Update()
    mapper = vtk.vtkPolyDataMapper()
    mapper.SetInputData(append.GetOutput())
    actor = vtk.vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetColor(*colour)
    prop.LightingOff()
    prop.SetLineWidth(width)
    return actor


class Edges:
    def __init__(self, stage: Stage):
        scene, width = stage.scene, line_width(stage)
        straight = [p for p, skip in zip(scene.edge_paths, scene.skips) if not skip]
        arcs = [p for p, skip in zip(scene.edge_paths, scene.skips) if skip]
        self.straight = lines_actor(straight, stage.colours.edge, width)
        self.arcs = lines_actor(arcs, stage.colours.accent, 1.6 * width)
        self.props = [self.straight, self.arcs]
        for actor in self.props:
            stage.renderer.AddActor(actor)

    def update(self, shown: Shown) -> None:
        pass

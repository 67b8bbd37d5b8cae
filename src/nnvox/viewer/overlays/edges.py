"""Edges between blocks: straight ones in one grey actor, skip connections (arcs) in one accent
actor, so they stand out from the boxes they jump over. Nothing changes per frame, but while an
open layer's maps fly (SceneRenderer.open_to) the edges glide with the blocks that make room."""

from __future__ import annotations

import numpy as np
import vtk
from vtk.util.numpy_support import vtk_to_numpy

from nnvox.scenes.camera import EASINGS
from nnvox.scenes.open_layer import EASING, closed_scene
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


def _points(paths) -> np.ndarray:
    """The points of `paths` in the order lines_actor writes them."""
    return np.vstack([np.asarray(p, float) for p in paths]) if paths else np.empty((0, 3))


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
        self._flight = None  # (each actor's points open, closed) where a layer of the scene opens
        if any(b.opened is not None for b in scene.blocks):
            shut = closed_scene(scene)
            pairs = [(_points(straight), _points([p for p, s in zip(shut.edge_paths, scene.skips) if not s]))]
            pairs.append((_points(arcs), _points([p for p, s in zip(shut.edge_paths, scene.skips) if s])))
            self._flight = pairs
        self.u = 1.0

    def fly(self, u: float) -> None:
        """The edges u (0..1) of the way from where they stood closed to the open scene's, eased as
        the blocks making room glide (open_layer.neighbour_offsets)."""
        if self._flight is None or u == self.u:
            return
        self.u = u
        e = float(EASINGS[EASING](min(max(u, 0.0), 1.0)))
        for actor, (open_points, shut) in zip(self.props, self._flight):
            points = actor.GetMapper().GetInput().GetPoints()
            if points is None or len(open_points) == 0:
                continue
            vtk_to_numpy(points.GetData())[:] = shut + (open_points - shut) * e
            points.GetData().Modified()
            points.Modified()
            actor.GetMapper().GetInput().Modified()

    def update(self, shown: Shown) -> None:
        pass

"""Edges between blocks: straight ones in one grey actor, skip connections (arcs) in one accent
actor, so they stand out from the boxes they jump over. Built once; an edge is drawn only where
both its ends are (in the frame, on a block drawn), and while an open layer's maps fly
(SceneRenderer.open_to) the edges glide with the blocks that make room."""

from __future__ import annotations

import weakref

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtkIdTypeArray, vtk_to_numpy

from nnvox.scenes.camera import EASINGS
from nnvox.scenes.open_layer import EASING, closed_scene
from nnvox.viewer.camera_matrix import camera_matrix
from nnvox.viewer.label_layout import project
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


class _Lines:
    """One actor's edges, each a polyline cell that is drawn only where both its ends are (a
    block an explaining shot draws, inside the frame): the lecture's close-ups drew lines from
    conv1 to blocks hidden under the explain panel and from conv2 out through the frame's edge."""

    def __init__(self, actor: vtk.vtkActor, paths, ends: list[tuple[str, str]]):
        self.actor, self.ends = actor, ends
        self.poly = actor.GetMapper().GetInput()
        sizes = np.array([len(p) for p in paths], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if len(paths) else sizes
        self.sizes, self.kept = sizes, None

    def points(self) -> np.ndarray | None:
        points = self.poly.GetPoints()
        return None if points is None or not len(self.sizes) else vtk_to_numpy(points.GetData())

    def keep(self, kept: np.ndarray) -> None:
        """Draw only the edges `kept` (a mask over them)."""
        if self.kept is not None and np.array_equal(kept, self.kept):
            return
        self.kept = kept
        starts, sizes = self.starts[kept], self.sizes[kept]
        connectivity = np.concatenate([np.arange(a, a + n) for a, n in zip(starts, sizes)] or [np.empty(0, np.int64)])
        cells = vtk.vtkCellArray()
        cells.SetData(
            numpy_to_vtkIdTypeArray(np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64), deep=True),
            numpy_to_vtkIdTypeArray(connectivity.astype(np.int64), deep=True),
        )
        self.poly.SetLines(cells)
        self.poly.Modified()


def ends_in_frame(first: np.ndarray, last: np.ndarray, matrix: np.ndarray, w: int, h: int) -> np.ndarray:
    """Which edges (first and last points, (n, 3) each) have both ends inside the frame (a pixel's
    tolerance) under the camera of `matrix`."""
    xy = np.stack([project(first, matrix, w, h), project(last, matrix, w, h)])
    return ((xy[..., 0] >= -1) & (xy[..., 0] <= w + 1) & (xy[..., 1] >= -1) & (xy[..., 1] <= h + 1)).all(axis=0)


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
        ends = list(scene.edges)
        self.lines = [
            _Lines(self.straight, straight, [e for e, skip in zip(ends, scene.skips) if not skip]),
            _Lines(self.arcs, arcs, [e for e, skip in zip(ends, scene.skips) if skip]),
        ]
        self.renderer = stage.renderer
        self.drawn: set[str] | None = None  # the blocks drawn (an explaining shot's), None: all
        self._flight = None  # (each actor's points open, closed) where a layer of the scene opens
        if any(b.opened is not None for b in scene.blocks):
            shut = closed_scene(scene)
            pairs = [(_points(straight), _points([p for p, s in zip(shut.edge_paths, scene.skips) if not s]))]
            pairs.append((_points(arcs), _points([p for p, s in zip(shut.edge_paths, scene.skips) if s])))
            self._flight = pairs
        self.u = 1.0
        self._clipped: tuple | None = None  # what the edges were last clipped under (clip)
        me = weakref.ref(self)  # a scene switched away from is not kept alive
        stage.renderer.AddObserver("StartEvent", lambda *_: me() and me().clip())

    def clip(self) -> None:
        """Draw only the edges whose ends are drawn, under the camera now: projected again only where
        the camera, the pane, the edges' places (fly) or the blocks drawn have changed since the
        last render (a held shot's frames, a still window's redraws, keep their edges)."""
        matrix, w, h = camera_matrix(self.renderer)
        if not w or not h:
            return
        key = (matrix.tobytes(), w, h, self.u, None if self.drawn is None else frozenset(self.drawn))
        if key == self._clipped:
            return
        self._clipped = key
        for lines in self.lines:
            points = lines.points()
            if points is None:
                continue
            kept = ends_in_frame(points[lines.starts], points[lines.starts + lines.sizes - 1], matrix, w, h)
            if self.drawn is not None:
                kept &= np.array([a in self.drawn and b in self.drawn for a, b in lines.ends], dtype=bool)
            lines.keep(kept)

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

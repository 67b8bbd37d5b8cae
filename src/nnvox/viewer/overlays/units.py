"""Frames around dead (red) and saturated (orange) units: around each such unit's slice (maps) or
cell (dense layers). One actor per kind, built with the scene; its boxes are made again only when
the set of units changes (from one snapshot to another). A frame fades with its layer as the forward
pass reaches it, like the layer's voxels (a full red frame on a greyed-out layer read as a red blob),
and none is drawn where the options leave the marks off (`RenderOptions.show_marks`)."""

from __future__ import annotations

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk

from nnvox.scenes.scene import Block, Frame
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.visuals import dimmed, lit_strength, outline_boxes

KINDS = ("dead", "saturated")  # Frame fields listing such units per layer
MARGIN = 0.05  # a frame stands this far off its slice


def drawn_kinds(frame: Frame, options) -> tuple[str, ...]:
    """The kinds of unit frames a picture of `frame` draws (the legend lists these, and only these)."""
    return tuple(k for k in KINDS if getattr(frame, k)) if options.show_marks else ()


def faded(colour, towards, lit: float) -> np.ndarray:
    """`colour` as it shows on a layer `lit` so far: mixed into `towards` as the layer's voxels are
    into the background (visuals.lit_strength)."""
    return dimmed(colour, towards, lit_strength(lit))


def unit_box(block: Block, unit: int) -> tuple[float, ...]:
    """The box framing `unit` of `block`: its channel's slice, or its cell on a grid's front face."""
    x0, _, y0, y1, z0, z1 = block.bounds
    m = MARGIN
    if block.opened is not None:  # open into its maps (scenes/open_layer.py): the map where it stands in the grid
        from nnvox.scenes.open_layer import grid_places

        (x, y, z), hw, hh = grid_places(block)[unit], block.cols * block.voxel / 2, block.rows * block.voxel / 2
        return (x - hw - m, x + hw + m, y - m, y + block.thickness + m, z - hh - m, z + hh + m)
    if block.role == "feature":
        start = block.panel_centres()[unit, 0]
        return (start - m, start + block.thickness + m, y0 - m, y1 + m, z0 - m, z1 + m)
    panel, cell = divmod(unit, block.rows * block.cols)  # a vector's units run down its columns in turn
    r, c = divmod(cell, block.cols)
    x0, left, top = block.panel_centres()[panel, 0], y1 - c * block.voxel, z1 - r * block.voxel
    return (x0 - m, x0 + block.thickness + m, left - block.voxel, left, top - block.voxel, top)


class _KindFrames:
    """One kind's frames: one actor, each box's lines coloured by how far its layer is lit."""

    def __init__(self, stage: Stage, kind: str):
        self.scene, self.options = stage.scene, stage.options
        self.rgb = stage.colours.health_rgb(kind)
        self.actor = vtk.vtkActor()
        self.actor.SetMapper(vtk.vtkPolyDataMapper())
        self.actor.GetMapper().SetColorModeToDirectScalars()
        self.actor.GetProperty().SetLineWidth(max(1.5, stage.options.height / 500))
        self.actor.GetProperty().LightingOff()
        self._key: tuple = ()
        self._owners: list[str] = []  # each box's layer
        self._lits: tuple | None = None
        self._colours = np.zeros((0, 3), np.uint8)
        self._set(outline_boxes(()))

    def _set(self, poly: vtk.vtkPolyData) -> None:
        per_box = poly.GetNumberOfCells() // max(len(self._owners), 1)
        self._colours = np.zeros((len(self._owners), per_box, 3), np.uint8)
        self._scalars = numpy_to_vtk(self._colours.reshape(-1, 3), deep=False)
        poly.GetCellData().SetScalars(self._scalars)
        self._poly = poly
        self._lits = None
        self.actor.GetMapper().SetInputData(poly)

    def update(self, frame: Frame, units: dict[str, tuple[int, ...]]) -> None:
        key = tuple(sorted(units.items()))
        if key != self._key:
            self._key = key
            self._owners = [name for name, stuck in key for _ in stuck]
            self._set(outline_boxes(unit_box(self.scene.block(n), u) for n, stuck in key for u in stuck))
        lits = tuple(frame.lit.get(name, 1.0) for name, _ in key)
        if lits != self._lits:
            self._lits = lits
            lit_of = {name: lit for (name, _), lit in zip(key, lits)}
            for i, name in enumerate(self._owners):
                self._colours[i] = faded(self.rgb, self.options.background, lit_of[name])
            self._scalars.Modified()
            self._poly.Modified()


class UnitFrames:
    def __init__(self, stage: Stage):
        self.options = stage.options
        self.kinds = {kind: _KindFrames(stage, kind) for kind in KINDS}
        self.actors = {kind: frames.actor for kind, frames in self.kinds.items()}
        for actor in self.actors.values():
            stage.renderer.AddActor(actor)
        self.props = list(self.actors.values())

    def update(self, shown: Shown) -> None:
        drawn = drawn_kinds(shown.frame, self.options)
        for kind, frames in self.kinds.items():
            frames.update(shown.frame, getattr(shown.frame, kind) if kind in drawn else {})

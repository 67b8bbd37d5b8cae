"""Frames around dead (red) and saturated (orange) units: around each such unit's slice (maps) or
cell (dense layers). One actor per kind, built with the scene; its boxes are made again only when
the set of units changes (from one snapshot to another)."""

from __future__ import annotations

import vtk

from nnvox.scenes.scene import Block
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.theme import to_unit
from nnvox.viewer.visuals import outline_boxes

KINDS = ("dead", "saturated")  # Frame fields listing such units per layer
MARGIN = 0.05  # a frame stands this far off its slice


def unit_box(block: Block, unit: int) -> tuple[float, ...]:
    """The box framing `unit` of `block`: its channel's slice, or its cell on a grid's front face."""
    x0, _, y0, y1, z0, z1 = block.bounds
    m = MARGIN
    if block.role == "feature":
        start = block.panel_centres()[unit, 0]
        return (start - m, start + block.thickness + m, y0 - m, y1 + m, z0 - m, z1 + m)
    r, c = divmod(unit, block.cols)
    left, top = y1 - c * block.voxel, z1 - r * block.voxel
    return (x0 - m, x0 + block.thickness + m, left - block.voxel, left, top - block.voxel, top)


class UnitFrames:
    def __init__(self, stage: Stage):
        self.scene = stage.scene
        self.actors: dict[str, vtk.vtkActor] = {}
        self._keys: dict[str, tuple] = {}
        for kind in KINDS:
            actor = self.actors[kind] = vtk.vtkActor()
            actor.SetMapper(vtk.vtkPolyDataMapper())
            actor.GetMapper().SetInputData(outline_boxes(()))
            actor.GetProperty().SetColor(*to_unit(stage.colours.health_rgb(kind)))
            actor.GetProperty().SetLineWidth(max(1.5, stage.options.height / 500))
            actor.GetProperty().LightingOff()
            stage.renderer.AddActor(actor)
        self.props = list(self.actors.values())

    def update(self, shown: Shown) -> None:
        for kind in KINDS:
            stuck: dict[str, tuple[int, ...]] = getattr(shown.frame, kind)
            key = tuple(sorted(stuck.items()))
            if key != self._keys.get(kind, ()):
                self._keys[kind] = key
                boxes = [unit_box(self.scene.block(name), u) for name, units in stuck.items() for u in units]
                self.actors[kind].GetMapper().SetInputData(outline_boxes(boxes))

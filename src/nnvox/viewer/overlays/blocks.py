"""The blocks themselves: one visual per block from the block-kind registry (viewer/visuals.py)."""

from __future__ import annotations

import vtk

from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.visuals import visual_for


class BlockVisuals:
    def __init__(self, stage: Stage):
        self.visuals = {b.name: visual_for(b, stage.renderer, stage.options, stage.overlay) for b in stage.scene.blocks}
        self.props = [v.actor for v in self.visuals.values()]

    @property
    def class_texts(self) -> list:
        """The outputs' class names and probabilities beside their blocks (label_layout.ClassTexts)."""
        return [v.class_texts for v in self.visuals.values() if getattr(v, "class_texts", None) is not None]

    def name_of(self, actor: vtk.vtkProp | None) -> str | None:
        """The block drawn by `actor`, or None."""
        return next((name for name, v in self.visuals.items() if v.actor is actor or v.actor == actor), None)

    def update(self, shown: Shown) -> None:
        frame = shown.frame
        for name, visual in self.visuals.items():
            visual.update(frame.values[name], frame.lit[name], frame.texts.get(name))

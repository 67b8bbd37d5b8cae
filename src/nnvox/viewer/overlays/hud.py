"""The heads-up line at the pane's top left: the frame's own text (snapshot, sample, prediction), in
the options' style (lecture or detail: scenes/heads_up.py)."""

from __future__ import annotations

import vtk

from nnvox.scenes.heads_up import SEPARATOR
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.theme import to_unit

GLYPH = 0.55  # a glyph's width, as a share of the font size


def fit(text: str, room: int) -> str:
    """Lines longer than `room` characters break at their separators."""
    lines = []
    for line in text.split("\n"):
        current = ""
        for part in line.split(SEPARATOR):
            candidate = f"{current}{SEPARATOR}{part}" if current else part
            if current and len(candidate) > room:
                lines.append(current)
                candidate = part
            current = candidate
        lines.append(current)
    return "\n".join(lines)


class HeadsUpLine:
    def __init__(self, stage: Stage):
        size = stage.options.font(stage.fonts.hud)
        self.room = int(stage.pane_width * stage.layout.hud_width / (GLYPH * size))
        self.actor = vtk.vtkTextActor()
        tp = self.actor.GetTextProperty()
        tp.SetFontSize(size)
        tp.SetColor(*to_unit(stage.colours.text))
        tp.SetVerticalJustificationToTop()
        self.actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        self.actor.SetPosition(*stage.layout.hud_position)
        stage.renderer.AddViewProp(self.actor)
        self.props = [self.actor]
        self.detail = stage.options.hud == "detail"

    def update(self, shown: Shown) -> None:
        frame = shown.frame
        text = frame.hud_detail or frame.hud if self.detail else frame.hud
        self.actor.SetInput(fit(text, self.room))

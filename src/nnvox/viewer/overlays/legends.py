"""A colour bar per colour map in use, ticks under it and its title over it (vtk's own title shares
the ticks' side and runs into them), all below the theme's legend_top. Nothing changes per frame:
a layer's colour scale is fixed over the run."""

from __future__ import annotations

import vtk

from nnvox.scenes.colour import lut as colour_table
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.theme import to_unit

SPANS = {"viridis": (0.0, 1.0), "diverging": (-1.0, 1.0), "difference": (-1.0, 1.0)}
# What a mode's voxels are, in words a student reads; colours are scaled per layer (scenes/colour.py)
QUANTITIES = {
    "activations": "activation",
    "weights": "weight",
    "change": "weight change since the previous snapshot",
    "change-from-start": "weight change since the start",
    "update-ratio": "size of each weight's update",
    "gradients": "gradient",
}


def legends(mode: str) -> dict[str, tuple[str, tuple[float, float]]]:
    """Each colour map's legend in `mode`: its title and the span of its ticks. The desktop and the
    browser page (viewer/web/payload.py) both read their titles here."""
    quantity = QUANTITIES[mode]
    # read left to right along the bar; no arrows: vtk's built-in font has no glyph for them
    titles = {
        "viridis": f"{quantity}, per layer: low to high",
        "diverging": f"{quantity}, per layer: negative – 0 – positive",
        "difference": "left − right, per layer: left lower – 0 – left higher",
    }
    return {cmap: (titles[cmap], span) for cmap, span in SPANS.items()}


def lookup_table(cmap: str, lo: float, hi: float) -> vtk.vtkLookupTable:
    table = colour_table(cmap)[1:]
    lut = vtk.vtkLookupTable()
    lut.SetNumberOfTableValues(len(table))
    lut.SetTableRange(lo, hi)
    for k, (r, g, b) in enumerate(table):
        lut.SetTableValue(k, r / 255, g / 255, b / 255, 1.0)
    lut.Build()
    return lut


class ColourLegends:
    def __init__(self, stage: Stage):
        layout = stage.layout
        self.stage = stage
        self.size = stage.options.font(stage.fonts.legend)
        # as wide as at full width in a narrower pane, so the title fits over the bar
        self.width = min(layout.legend_max_width, layout.legend_width / (stage.viewport[2] - stage.viewport[0]))
        # The title's line, then the bar with its ticks in what is left (less in a thumbnail, where
        # text has a minimum size); the caption sits just above.
        title_room = 1.25 * round(self.size * 1.1) / stage.pane_height
        self.heading_y = min(layout.legend_heading_max, layout.legend_top - title_room)
        self.legends = legends(stage.scene.mode)
        cmaps = [c for c in self.legends if any(b.scale.cmap == c for b in stage.scene.blocks)]
        self.props = [prop for i, cmap in enumerate(cmaps) for prop in self._legend(i, cmap)]
        for prop in self.props:
            stage.renderer.AddViewProp(prop)

    def _legend(self, i: int, cmap: str) -> tuple[vtk.vtkScalarBarActor, vtk.vtkTextActor]:
        layout, size = self.stage.layout, self.size
        title, (lo, hi) = self.legends[cmap]
        bar = vtk.vtkScalarBarActor()
        bar.SetLookupTable(lookup_table(cmap, lo, hi))
        bar.SetOrientationToHorizontal()
        bar.SetTextPositionToPrecedeScalarBar()  # ticks under the bar
        bar.SetNumberOfLabels(5 if cmap == "diverging" else 3)
        bar.SetLabelFormat("%.1f")
        bar.UnconstrainedFontSizeOn()
        bar.SetBarRatio(0.3)
        bar.SetTextPad(max(1, size // 4))
        x = layout.legend_left + (self.width + layout.legend_gap) * i
        bar.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        bar.SetPosition(x, layout.legend_bottom)
        bar.SetWidth(self.width)
        bar.SetHeight(self.heading_y - 0.008 - layout.legend_bottom)  # the bar at the top of this box, ticks under it
        heading = vtk.vtkTextActor()
        heading.SetInput(title)
        heading.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        heading.SetPosition(x + self.width / 2, self.heading_y)
        for tp, font in ((bar.GetLabelTextProperty(), size), (heading.GetTextProperty(), round(size * 1.1))):
            tp.SetColor(*to_unit(self.stage.colours.text))
            tp.SetFontSize(font)
            tp.ShadowOff()
            tp.ItalicOff()
            tp.BoldOff()
        heading.GetTextProperty().SetJustificationToCentered()
        heading.GetTextProperty().SetVerticalJustificationToBottom()
        return bar, heading

    def update(self, shown: Shown) -> None:
        pass

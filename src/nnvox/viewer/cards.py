"""Title cards: a title and a subtitle centred on the background, fading in and out."""

from __future__ import annotations

import numpy as np

from nnvox.viewer.gl import prefer_offscreen
from nnvox.viewer.offscreen import grab
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.overlays.caption import balanced
from nnvox.viewer.theme import to_unit

RULE = ((0.44, 0.5), (0.56, 0.5))  # the accent line between title and subtitle, normalised


class CardRenderer:
    """Its own off-screen window at the video's size; the text actors are made once."""

    def __init__(self, options: RenderOptions):
        prefer_offscreen()
        import vtk

        self.options = options
        colours, fonts = options.theme.colours, options.theme.fonts
        self.window = vtk.vtkRenderWindow()
        self.window.SetOffScreenRendering(True)
        self.window.SetSize(options.width, options.height)
        self.window.SetAlphaBitPlanes(1 if options.transparent else 0)
        self.renderer = vtk.vtkRenderer()
        self.renderer.SetBackground(*to_unit(options.background))
        self.renderer.SetBackgroundAlpha(0.0 if options.transparent else 1.0)
        self.window.AddRenderer(self.renderer)
        self.title = self._text(options.font(fonts.card_title), bold=True, y=0.54, bottom=True)
        self.subtitle = self._text(options.font(fonts.card_subtitle), bold=options.bold, y=0.46, bottom=False)
        self.subtitle.GetTextProperty().SetColor(*colours.card_subtitle)
        self.rule = vtk.vtkActor2D()  # a short accent line between title and subtitle
        points = vtk.vtkPoints()
        for x, y in RULE:
            points.InsertNextPoint(x, y, 0)
        line = vtk.vtkPolyData()
        line.SetPoints(points)
        cells = vtk.vtkCellArray()
        cells.InsertNextCell(2, [0, 1])
        line.SetLines(cells)
        coords = vtk.vtkCoordinate()
        coords.SetCoordinateSystemToNormalizedViewport()
        mapper = vtk.vtkPolyDataMapper2D()
        mapper.SetInputData(line)
        mapper.SetTransformCoordinate(coords)
        self.rule.SetMapper(mapper)
        self.rule.GetProperty().SetColor(*colours.accent)
        self.rule.GetProperty().SetLineWidth(max(2.0, options.height / 360))
        self.renderer.AddViewProp(self.rule)
        self._pixels = vtk.vtkUnsignedCharArray()

    def _text(self, size: int, *, bold: bool, y: float, bottom: bool):
        import vtk

        actor = vtk.vtkTextActor()
        tp = actor.GetTextProperty()
        tp.SetFontSize(size)
        tp.SetBold(bold)
        tp.SetColor(*to_unit(self.options.text_colour))
        tp.SetJustificationToCentered()
        tp.SetVerticalJustificationToBottom() if bottom else tp.SetVerticalJustificationToTop()
        actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        actor.SetPosition(0.5, y)
        self.renderer.AddViewProp(actor)
        return actor

    def render(self, title: str, subtitle: str | None, opacity: float = 1.0) -> np.ndarray:
        fonts = self.options.theme.fonts
        chars = max(16, int(self.options.width * 0.8 / (0.6 * self.options.font(fonts.card_title))))
        self.title.SetInput(balanced(title, chars))
        self.subtitle.SetInput(
            balanced(subtitle or "", int(chars * fonts.card_title.fraction / fonts.card_subtitle.fraction))
        )
        for actor in (self.title, self.subtitle):
            actor.GetTextProperty().SetOpacity(opacity)
        self.rule.GetProperty().SetOpacity(opacity)
        self.window.Render()
        return grab(self.window, self._pixels, self.options.transparent)

    def close(self) -> None:
        self.window.Finalize()

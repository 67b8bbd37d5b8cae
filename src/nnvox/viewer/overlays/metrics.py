"""The metrics inset: loss and accuracy over the run, with a cursor at the timeline position.
Curves are built once; a frame only moves the cursor's two points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import vtk

from nnvox.scenes.training_chart import training_chart
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.hud import edge_pixels, shortened, text_extent
from nnvox.viewer.overlays.training_chart import ChartArea, chart_place
from nnvox.viewer.theme import Box

LABEL_DROP = 0.035  # of the pane: the labels' baseline, below the box's top
TITLE_BAND = 0.047  # of the pane: the labels' band at the box's top, descenders and a gap included
TITLE_PAD = 0.006  # of the pane's width: a title's distance from the box's side
TITLE_SPACE = 1.0  # font sizes between the two titles where they share a line


def edge_share(stage: Stage) -> float:
    """The frame's edge margin (hud.edge_pixels) as a share of the pane's width."""
    return edge_pixels(stage) / stage.pane_width


def curves_height(box) -> float:
    """The browser page's (web/payload.py) share of the box's height the curves take, from its bottom
    to under the labels' one-line band: a curve at its top (accuracy 100%) never runs through its own
    label. The desktop's inset takes its band from its layout (InsetLayout.band: two lines where the
    titles take two)."""
    return max(0.0, 1.0 - TITLE_BAND / (box[3] - box[1]))


def polyline_2d(points: np.ndarray) -> vtk.vtkPolyData:
    """One line through `points`: (n, 2) on the overlay's plane, or (n, 3) in the scene."""
    pts = vtk.vtkPoints()
    for p in points:
        pts.InsertNextPoint(p[0], p[1], p[2] if len(p) > 2 else 0.0)
    line = vtk.vtkPolyLine()
    line.GetPointIds().SetNumberOfIds(len(points))
    for i in range(len(points)):
        line.GetPointIds().SetId(i, i)
    cells = vtk.vtkCellArray()
    cells.InsertNextCell(line)
    poly = vtk.vtkPolyData()
    poly.SetPoints(pts)
    poly.SetLines(cells)
    return poly


def box_outline(box) -> vtk.vtkPolyData:
    x0, y0, x1, y1 = box
    return polyline_2d(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]))


def add_2d(renderer: vtk.vtkRenderer, poly: vtk.vtkPolyData, colour, width: float) -> vtk.vtkActor2D:
    """Lines or polygons given in normalised-viewport coordinates, drawn over the scene."""
    coord = vtk.vtkCoordinate()
    coord.SetCoordinateSystemToNormalizedViewport()
    mapper = vtk.vtkPolyDataMapper2D()
    mapper.SetInputData(poly)
    mapper.SetTransformCoordinate(coord)
    actor = vtk.vtkActor2D()
    actor.SetMapper(mapper)
    actor.GetProperty().SetColor(*colour)
    actor.GetProperty().SetLineWidth(width)
    renderer.AddViewProp(actor)
    return actor


def draws_inset(stage: Stage) -> bool:
    """Whether the pane draws the metrics inset: asked for, over a run of snapshots with metrics, in
    the window's pane. A lecture's pictures (RenderOptions.hall) leave it out: at the hall's least
    text (theme.NOTE_TEXT, 28 px capitals at 1080p) its titles, scales and ticks left its curves a
    line 10 px tall in the corner it had; the heads-up line says the same to a student, read from
    the back of the hall ("Epoch 6 of 10 · held-out accuracy 97.1%", moving with a shot's epochs)."""
    shown = stage.options.show_metrics and not stage.options.hall
    return bool(shown and stage.scene.n_snapshots > 1 and stage.scene.metrics)


@dataclass(frozen=True)
class InsetLayout:
    """Where the inset and its titles go in a pane: `box` (pane fractions), `rows` each line's titles
    top down, as (the title's index, its words as drawn) (one line: the first at the left, the second
    at the right), `line` a line's height and `band` the titles' band at the box's top (both of the
    pane's height); `raised`: over the legends, which then take the strip's whole width."""

    box: Box
    rows: tuple[tuple[tuple[int, str], ...], ...]
    line: float
    band: float
    raised: bool = False


def title_rows(widths: list[float], room: float, space: float) -> tuple[tuple[int, ...], ...]:
    """The titles (by index) on each line: all on one where their `widths` and the `space` between
    them fit the `room` (all in pixels), else one a line."""
    if len(widths) < 2 or sum(widths) + space * (len(widths) - 1) <= room:
        return (tuple(range(len(widths))),)
    return tuple((i,) for i in range(len(widths)))


def title_property(stage: Stage) -> vtk.vtkTextProperty:
    prop = vtk.vtkTextProperty()
    prop.SetFontSize(stage.options.font(stage.fonts.panel))
    return prop


def inset_layout(stage: Stage, titles: list[str], box: Box | None = None) -> InsetLayout:
    """The inset's box and its `titles`' lines, measured in their font: the titles side by side where
    they fit the box (`box`, else the options'), else one a line; a title wider than the box (a portrait frame's text)
    widens it leftwards, and one wider than the frame's margins is cut short with an ellipsis. (Where
    the legends beside it are then too narrow, legends.placed_inset raises it over them.)"""
    x0, y0, x1, y1 = box or stage.options.metrics_box
    prop, pane_w, edge = title_property(stage), stage.pane_width, edge_share(stage)
    x1 = min(x1, 1.0 - edge)  # its texts inside the frame's edge margin (a narrow frame's 2% was 12 px)
    window = stage.renderer.GetRenderWindow()
    dpi = window.GetDPI() if window is not None else 72
    sizes = [text_extent(prop, title, dpi) for title in titles]
    widths, pad = [w for w, _ in sizes], TITLE_PAD * pane_w
    rows = title_rows(widths, (x1 - x0) * pane_w - 2 * pad, TITLE_SPACE * prop.GetFontSize())
    if len(rows) > 1 and max(widths) > (x1 - x0) * pane_w - 2 * pad:
        x0 = max(min(max(stage.layout.legend_left, edge), x0), x1 - (max(widths) + 2 * pad) / pane_w)
    room = (x1 - x0) * pane_w - 2 * pad
    fits = lambda text: text_extent(prop, text, dpi)[0] <= room
    line = max((h for _, h in sizes), default=0) / stage.pane_height
    lines = tuple(tuple((i, titles[i] if len(row) > 1 else shortened(titles[i], fits)) for i in row) for row in rows)
    return InsetLayout((x0, y0, x1, y1), lines, line, TITLE_BAND + (len(rows) - 1) * line)


def fitted_inset(stage: Stage, box: Box | None = None) -> InsetLayout | None:
    """The pane's inset laid out for its metrics' titles (in `box`, else the options'); None where it
    draws none."""
    if not draws_inset(stage):
        return None
    chart = training_chart(stage.scene.metrics, stage.scene.snapshot_labels)
    return inset_layout(stage, [curve.title for curve in chart.curves], box)


class MetricsInset:
    """Where `layout` places it (legends.placed_inset: the options' metrics_box, normalised viewport
    x0, y0, x1, y1, widened and raised where its titles and the legends need it)."""

    def __init__(self, stage: Stage, layout: InsetLayout):
        self.stage = stage
        chart = training_chart(stage.scene.metrics, stage.scene.snapshot_labels)
        self.layout = layout
        self.box = x0, y0, x1, y1 = self.layout.box
        self.props = [add_2d(stage.renderer, box_outline(self.box), stage.colours.panel_frame, 1.0)]
        colours = [stage.colours.curve_rgb(curve.kind) for curve in chart.curves]
        for row, titles in enumerate(self.layout.rows):
            for k, (i, title) in enumerate(titles):
                self.props.append(self._label(title, colours[i], row=row, right=bool(k)))
        # the chart under the titles' band: its curves, scales, ticks and cursor never through a title
        w, h, font = stage.pane_width, stage.pane_height, stage.options.font(stage.fonts.panel)
        prop = title_property(stage)
        under = (x0 * w, y0 * h, x1 * w, (y1 - self.layout.band) * h)
        place = chart_place(under, chart, lambda text: text_extent(prop, text), TITLE_PAD * w)
        self.chart = ChartArea(stage, chart, place, font)
        self.props += self.chart.props

    def _label(self, text: str, colour, *, row: int, right: bool) -> vtk.vtkTextActor:
        """A title on its line (`row`, top down); the second of a shared line at the right edge."""
        x0, _, x1, y1 = self.box
        label = vtk.vtkTextActor()
        label.SetInput(text)
        tp = label.GetTextProperty()
        tp.SetFontSize(self.stage.options.font(self.stage.fonts.panel))
        tp.SetColor(*colour)
        label.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        if right:
            tp.SetJustificationToRight()
        label.SetPosition(x1 - TITLE_PAD if right else x0 + TITLE_PAD, y1 - LABEL_DROP - row * self.layout.line)
        self.stage.renderer.AddViewProp(label)
        return label

    def update(self, shown: Shown) -> None:
        self.chart.update(shown.frame.t)

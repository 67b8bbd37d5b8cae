"""The window's timeline slider, drawn in nnvox's style: a thin bar under the metrics inset's curves
(the knob under the inset's cursor), an amber knob, a tick and a short label per snapshot ("before",
"1", "2", ... epochs; thinned where they would collide) and the position's label over the knob, in
the theme's font. Dragging scrubs continuously; released while paused, it snaps to the nearest
snapshot. A comparison's slider is centred on the strip below the panes."""

from __future__ import annotations

import numpy as np
import vtk

from nnvox.scenes.heads_up import progress_text
from nnvox.scenes.playback import Playback
from nnvox.scenes.training_chart import counted_tick
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.overlays.hud import text_extent
from nnvox.viewer.overlays.metrics import add_2d
from nnvox.viewer.theme import to_unit

LABEL_GAP = 6  # pixels kept between two tick labels


def tick_label(snapshot) -> str:
    """A snapshot's short name under its tick: "before" for the one before training, else its epoch
    (or step, or 1-based number)."""
    for word, counted in (("epoch", snapshot.epoch), ("step", snapshot.step)):
        if counted is not None:
            return counted_tick(word, counted)
    return counted_tick("snapshot", snapshot.index)


def position_label(t: float, snapshots) -> str:
    """The position's label: the snapshot's ("Epoch 3 of 12", "Before training"), or between two
    ("Epoch 3 to 4") while scrubbing or playing."""
    last = snapshots[-1]
    below, above = snapshots[int(np.floor(t))], snapshots[int(np.ceil(t))]

    def said(s) -> str:
        return progress_text(s.epoch, s.step, s.index, last) or f"Snapshot {s.index + 1}"

    if below.index == above.index or abs(t - round(t)) < 0.05:
        return said(snapshots[round(t)])
    return f"{said(below).split(' of ')[0]} to {tick_label(above)}"


def thinned(centres: np.ndarray, widths: np.ndarray, gap: float = LABEL_GAP) -> list[bool]:
    """Which labels (centred at `centres`, `widths` wide, in pixels) to show: the first and the last
    always, the others left to right where they keep `gap` from the one before and from the last."""
    n = len(centres)
    left, right = centres - widths / 2, centres + widths / 2
    shown = [False] * n
    shown[0] = shown[-1] = True
    edge = right[0]
    for i in range(1, n - 1):
        if left[i] >= edge + gap and right[i] <= left[-1] - gap:
            shown[i], edge = True, right[i]
    return shown


def chart_ends(panes) -> tuple[float, float] | None:
    """The metrics chart's first and last snapshot (normalised x of the window) where one pane draws
    it (none in a comparison): the slider's knob goes under its cursor."""
    (pane, *others) = list(panes)
    inset = None if others else pane.renderer.overlays.metrics
    if inset is None:
        return None
    x0, _, x1, _ = inset.chart.place.area
    return x0 / inset.stage.options.width, x1 / inset.stage.options.width


class TimelineSlider:
    """On `renderer` (one that covers the window, over the scene); `snapshots` the timeline's."""

    def __init__(
        self, interactor, renderer, playback: Playback, options: RenderOptions, snapshots, *, comparing: bool, ends=None
    ):
        """`ends`: where the knob's centre stands at the first and the last snapshot (normalised x: the
        metrics chart's first and last tick, so the knob stays under its cursor); else the theme's bar."""
        self.playback, self.options, self.snapshots = playback, options, list(snapshots)
        self.renderer, self.theme = renderer, options.theme
        layout = self.theme.layout
        (self.x0, self.y), (self.x1, _) = layout.comparison_slider if comparing else layout.slider
        if ends is not None:  # the bar reaches half a knob beyond them
            half = max(self._px(layout.slider_knob[0]) / options.width, 0.01) / 2
            self.x0, self.x1 = ends[0] - half, ends[1] + half
        self.widget = self._widget(interactor, renderer)
        # vtk's knob travels from one end of the bar to the other less its own length (which vtk
        # keeps to at least 1% of the window's width)
        self.travel = self.x0 + self.widget.GetRepresentation().GetSliderLength() / 2
        self.ticks = add_2d(renderer, self._tick_lines(), self.theme.colours.slider_tick, 1.0)
        self.labels = self._tick_labels()
        self.value = self._text(self.theme.fonts.slider_value, to_unit(self.theme.colours.text))
        self.value.GetTextProperty().SetVerticalJustificationToBottom()
        self.update(playback.t)

    @property
    def last(self) -> float:
        return float(max(self.playback.n_snapshots - 1, 1e-6))

    def _px(self, size) -> int:
        return self.options.font(size, scaled=False)

    def _widget(self, interactor, renderer) -> vtk.vtkSliderWidget:
        """vtk's slider, restyled: its title and number hidden; its knob's length along the bar is a
        fraction of the window's width, its other sizes of the window's height."""
        theme, rep = self.theme, vtk.vtkSliderRepresentation2D()
        rep.SetMinimumValue(0.0)
        rep.SetMaximumValue(self.last)
        rep.SetValue(self.playback.t)
        for point, x in ((rep.GetPoint1Coordinate(), self.x0), (rep.GetPoint2Coordinate(), self.x1)):
            point.SetCoordinateSystemToNormalizedDisplay()
            point.SetValue(x, self.y)
        rep.ShowSliderLabelOff()
        rep.SetTitleText("")
        w, h = self.options.width, self.options.height
        knob_width, knob_height = theme.layout.slider_knob
        rep.SetTubeWidth(self._px(theme.layout.slider_bar) / h)
        rep.SetSliderLength(self._px(knob_width) / w)
        rep.SetSliderWidth(self._px(knob_height) / h)
        rep.SetEndCapLength(0.0)
        rep.SetEndCapWidth(0.0)
        rep.GetTubeProperty().SetColor(*theme.colours.slider_bar)
        for knob in (rep.GetSliderProperty(), rep.GetSelectedProperty()):
            knob.SetColor(*theme.colours.slider_knob)
        rep.GetCapProperty().SetOpacity(0.0)
        widget = vtk.vtkSliderWidget()
        widget.SetInteractor(interactor)
        widget.SetCurrentRenderer(renderer)
        widget.SetRepresentation(rep)
        widget.SetAnimationModeToJump()  # a click on the bar goes there
        widget.KeyPressActivationOff()
        widget.AddObserver("InteractionEvent", lambda *_: self.playback.seek(rep.GetValue()))
        widget.AddObserver("EndInteractionEvent", lambda *_: self.release())
        widget.On()
        if self.playback.n_snapshots < 2:
            widget.ProcessEventsOff()
        return widget

    def release(self) -> None:
        """Let go while paused: on the nearest snapshot."""
        if not self.playback.playing:
            self.playback.seek(round(self.playback.t))
            self.update(self.playback.t)

    def x_at(self, t) -> np.ndarray:
        """Where the knob's centre is at `t` (normalised viewport x)."""
        return self.travel + (self.x1 + self.x0 - 2 * self.travel) * np.asarray(t) / self.last

    def tick_xs(self) -> np.ndarray:
        """Each snapshot's tick, normalised viewport x."""
        return self.x_at(np.arange(self.playback.n_snapshots))

    def _tick_lines(self) -> vtk.vtkPolyData:
        h = self.options.height
        top = self.y - self._px(self.theme.layout.slider_bar) / 2 / h
        bottom = top - self._px(self.theme.layout.slider_tick) / h
        points, lines = vtk.vtkPoints(), vtk.vtkCellArray()
        for i, x in enumerate(self.tick_xs()):
            points.InsertNextPoint(x, top, 0.0)
            points.InsertNextPoint(x, bottom, 0.0)
            lines.InsertNextCell(2, [2 * i, 2 * i + 1])
        poly = vtk.vtkPolyData()
        poly.SetPoints(points)
        poly.SetLines(lines)
        self.tick_bottom = bottom
        return poly

    def _text(self, size, colour) -> vtk.vtkTextActor:
        actor = vtk.vtkTextActor()
        tp = actor.GetTextProperty()
        tp.SetFontSize(self._px(size))
        tp.SetColor(*colour)
        tp.SetJustificationToCentered()
        actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        self.renderer.AddViewProp(actor)
        return actor

    def _tick_labels(self) -> list[vtk.vtkTextActor]:
        """A short label under each tick, those that would collide left out."""
        labels = []
        for x, snapshot in zip(self.tick_xs(), self.snapshots):
            actor = self._text(self.theme.fonts.slider_tick, self.theme.colours.slider_tick)
            actor.SetInput(tick_label(snapshot))
            actor.GetTextProperty().SetVerticalJustificationToTop()
            actor.SetPosition(x, self.tick_bottom - 2 / self.options.height)
            labels.append(actor)
        widths = np.array([text_extent(a.GetTextProperty(), a.GetInput())[0] for a in labels], dtype=float)
        for actor, shown in zip(labels, thinned(self.tick_xs() * self.options.width, widths)):
            actor.SetVisibility(shown)
        return labels

    def update(self, t: float) -> None:
        """The knob and the position's label at `t`."""
        self.widget.GetRepresentation().SetValue(t)
        text = position_label(t, self.snapshots)
        self.value.SetInput(text)
        half = text_extent(self.value.GetTextProperty(), text)[0] / 2 / self.options.width
        x = float(self.x_at(t))
        knob = self._px(self.theme.layout.slider_knob[1]) / 2 / self.options.height
        self.value.SetPosition(min(max(x, half + 0.004), 0.996 - half), self.y + knob + 2 / self.options.height)

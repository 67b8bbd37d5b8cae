"""The score chart of a scrub over training: the sample's probability for its true class (%) at each
snapshot of the shot (heads_up.ScoreTrail), a small line chart under the heads-up line. The line is
drawn up to the frame's position (between two snapshots as far as the scrub has eased, never a jump),
a dot on it there with its value beside it ("93%", ">99.9%": as the class list prints it), a baseline with a
tick per snapshot and the snapshots' numbers under them (every k-th where all would crowd), the
scale's ends named ("0%", "100%"), and a title in plain words ("probability of the 9, per epoch"). A list
of 11 numbers in the heads-up line read as a run-on row in light type (lecturer's watch 5); a line
shows the lecture's dips (93% -> 70% at epoch 4) as dips.

It stands in a free place of the frame (PLACES: under the heads-up line at either side, over the
caption at either side), judged at each picture on the blocks' projected boxes, the labels' and the
class lists' boxes, the caption's band and the legends' strip, as the answer's dock finds its place
(overlays/answer_dock.py): it keeps its place while that stays free, and the block labels keep off it
(drawn_boxes, LabelLayout.keep_off). Drawn with the training chart's pieces (overlays/training_chart.py)
at the heads-up line's size and colours."""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np
import vtk

from nnvox.scenes.heads_up import WIDEST_PERCENT, percent
from nnvox.scenes.training_chart import every_kth, tick_text
from nnvox.viewer.overlays.answer_dock import TOUCH, clearance, on_frame
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.hud import safe_edges, sized_extent
from nnvox.viewer.overlays.training_chart import GAP, HALF, INK_RISE, TICK, labels_drop, lines_2d
from nnvox.viewer.theme import to_unit

PLOT_WIDE = 11.0  # the curve's width, in the chart's font size (50 px at 1080p: 550 px, 55 px an epoch of 10)
PLOT_LEAST = 4.0  # the narrowest curve, in font sizes (where even that does not fit, no place is free)
# its height from 0% to 100%, in font sizes: the first of these whose chart has a free place (held
# while it stays free). 2.0 (100 px at 1080p) let the lecture's 93% -> 70% fall 23 px and hid the finer
# steps (watch 6): 4.0 is 200 px, a percent 2 px; in steps of 12.5 px at 1080p down to the old 2.0
PLOT_TALLS = tuple(4.0 - 0.25 * k for k in range(9))
DOT = 0.22  # the current snapshot's dot's radius, of a text line's height
# the score's line, in pixels at 1080 high, scaled with the frame's height (no thinner than LINE_LEAST):
# 3 px read as a 2 px line in the lecture's video (watch 9, finding 7); 5 keeps >= 4 px after encoding
LINE_WIDTH = 5.0
LINE_LEAST = 2.0
# the least height of the value's centre over the baseline, of a text line's height: its digits (about
# 0.65 of a line high) end a sixth of a line over the axis
VALUE_OVER_AXIS = 0.5
PLACES = ("under the heads-up line", "under the heads-up line, right", "over the caption", "over the caption, right")
ENDS = ("0%", "100%")  # the scale's ends as named
# the before-training snapshot's tick: its count, as the epochs' ticks ("1" … "10") count on (watch 7:
# its point stood over no number); "before" and "start" crowd the "1" 55 px away at 1080p
BEFORE_TICK = "0"


@dataclass(frozen=True)
class ChartShape:
    """The chart's size and its parts, in pixels from its box's bottom-left corner (y up)."""

    width: float
    height: float
    area: tuple[float, float, float, float]  # the curve's: x0 (the first snapshot), y0 (0%), x1, y1 (100%)
    line: float  # a text line's height
    parts: tuple[tuple[float, float, float, float], ...]  # what it covers: its title's box, its curve's with its texts
    title: str  # as drawn, in lines

    def point(self, k: float, score: float, first: int, last: int) -> tuple[float, float]:
        """Where snapshot position `k` (first..last) at `score` (0..1) stands in the box."""
        x0, y0, x1, y1 = self.area
        return x0 + (x1 - x0) * (k - first) / max(last - first, 1), y0 + (y1 - y0) * score


def title_lines(title: str) -> str:
    """The title in three short lines beside the curve ("probability\nof the 9,\nper epoch"): the frame's
    free band under the heads-up line is low (the lecture's labels under it at 720p), and a title in
    one or two lines widened the chart over the output's label."""
    head, comma, tail = title.partition(", ")
    first, _, rest = head.partition(" ")
    return "\n".join(p for p in (first, f"{rest}{comma.strip()}", tail) if p)


def value_forms(scores) -> tuple[str, ...]:
    """The widest forms of the values the chart prints for `scores` (its snapshots'; between two the
    value passes every share between theirs): "100%", and where a score comes within half a percent
    of an end short of it, the forms heads_up.percent_number gives there ("99.9%" to ">99.9%",
    "<0.1%"). A room always as wide as ">99.9%" made the chart 44 px wider at 1080p and its plot
    lower in a frame with little room."""
    finite = [s for s in scores if math.isfinite(s)] or [0.5]
    top, low = max(finite), min(finite)
    return (
        "100%",
        *(["99.9%", WIDEST_PERCENT] if 0.995 <= top < 1.0 else []),
        *(["<0.1%"] if 0.0 < low < 0.005 else []),
    )


def chart_shape(
    font: int,
    title: str,
    room: float = math.inf,
    tall: float = PLOT_TALLS[-1],
    title_font: int | None = None,
    bold: bool = False,
    values: tuple[str, ...] = (WIDEST_PERCENT,),
) -> ChartShape:
    """The chart's layout at `font` pixels, its curve `tall` font sizes high: its title at its left
    (title_lines) at `title_font` in bold (the labels' weight: in the regular's 3-4 px strokes its
    lowercase, 29 px tall, read smaller and fainter than every other text), the scale's ends
    beside the curve, the snapshots' numbers under it, and room at its right for the value beside a
    dot at its end (as wide as the widest of `values`, value_forms); its numbers
    measured `bold` where drawn so (a lecture's). Where that is wider
    than `room` pixels (a 9:16 frame's 972 at 1080 wide, at its larger text), the title stands over
    the curve in two lines, and the curve is narrowed to fit."""
    extent = lambda text: sized_extent(text, font, bold=bold)
    titled = lambda text: sized_extent(text, title_font or font, bold=title_font is not None)
    line = float(extent("0")[1])
    ends = max(extent(e)[0] for e in ENDS) + 2 * GAP * line
    right = 2 * GAP * line + DOT * line + max(extent(v)[0] for v in values)
    bottom = labels_drop(line) + line  # the numbers' line under the ticks
    top = bottom + tall * font
    below = top + (HALF - INK_RISE) * line  # "100%" centred on the curve's top
    tw, th = titled(title_lines(title))
    if tw + 2 * GAP * line + ends + PLOT_WIDE * font + right <= room:
        height, left = max(below, th), tw + 2 * GAP * line + ends
        width = left + PLOT_WIDE * font + right
        parts = ((0.0, (height - th) / 2, tw, (height + th) / 2), (tw + 2 * GAP * line, 0.0, width, height))
        return ChartShape(width, height, (left, bottom, width - right, top), line, parts, title_lines(title))
    stacked = title.replace(", ", ",\n")
    tw, th = titled(stacked)
    width = max(ends + max(min(PLOT_WIDE * font, room - ends - right), PLOT_LEAST * font) + right, tw)
    height = below + GAP * line + th
    parts = ((0.0, height - th, tw, height), (0.0, 0.0, width, below))
    return ChartShape(width, height, (ends, bottom, width - right, top), line, parts, stacked)


def drawn_to(scores, t: float, first: int, last: int) -> tuple[np.ndarray, float]:
    """The line's points (positions, scores) from `first` up to position `t` (between two snapshots:
    the score as far along as `t`, as the class list blends), and the score at `t`; the points stop
    at a snapshot whose score is not finite."""
    t = float(np.clip(t, first, last))
    below = math.floor(t + 1e-9)
    ks = list(range(first, below + 1))
    points = [(k, scores[k]) for k in ks]
    if t - below > 1e-6 and below + 1 <= last:
        a = t - below
        points.append((t, (1 - a) * scores[below] + a * scores[below + 1]))
    points = np.array(points, dtype=float).reshape(-1, 2)
    finite = np.isfinite(points[:, 1])
    if not finite.all():
        points = points[: int(np.argmin(finite))]
    return points, float(points[-1, 1]) if len(points) and finite.all() else float("nan")


def value_height(y: float, axis: float, line: float) -> float:
    """Where the value beside the dot is centred (pixels, y up): on the dot at `y`, but never lower than
    VALUE_OVER_AXIS lines over the baseline at `axis` (watch 9, finding 7: at epoch 0 the "10%" stood
    10 px over the baseline, the axis line running through its digits)."""
    return max(y, axis + VALUE_OVER_AXIS * line)


def clear_of(box, rects: np.ndarray, gap: float) -> float:
    """Pixels between `box` and the nearest of `rects` (n, 4), less `gap` (< 0: too near; inf: none)."""
    return clearance(box, rects.reshape(-1, 4)) - gap


class ScoreChart:
    """Built with the heads-up line (overlays/hud.py), whose `show_scores` shows it for a shot's
    snapshots from `start` (`show`), hidden otherwise. `layout` (the labels' LabelLayout) and
    `caption` are set by overlays.compose where a pane has them."""

    def __init__(self, stage: Stage, hud: vtk.vtkTextActor):
        self.stage, self.hud = stage, hud
        # the heads-up line's size, on the frame's shorter side: a 9:16 frame's line, sized on its
        # height (1920 px), made a chart wider than the frame; on its width, 1080p's
        self.font = round(
            stage.options.hud_font(stage.fonts.hud.fraction) * min(1.0, stage.pane_width / stage.pane_height)
        )
        # its title at the same size in a lecture's bold (the labels' weight): at the legends' larger
        # size its wider box moved conv1's label out of the lecture's epochs view
        self.title_font = self.font
        # the room two lines of labels take (their name and shape, at the legends' size: a lecture's
        # labels'), which a taller chart leaves over the blocks (_free)
        label = round(stage.options.legend_font() * min(1.0, stage.pane_width / stage.pane_height))
        self.label_room = 2 * sized_extent("0", label, bold=stage.options.bold)[1] + GAP * self.font
        self.layout = None  # the labels' layout: its labels' and class lists' boxes
        self.caption = None  # the caption overlay: its band
        self.start: int | None = None
        self.where: str | None = None  # the place held while it stays free
        self.origin: tuple[float, float] | None = None  # its box's bottom-left, pixels
        self.shape: ChartShape | None = None
        self.shapes: dict[float, ChartShape] = {}  # each of PLOT_TALLS' shapes, for this trail
        self.blocks_on = np.empty((0, 4))  # the blocks' boxes on screen at the last picture (held)
        self.trail = None
        self.colour = to_unit(stage.colours.text)
        self.axes = self._actor(to_unit(stage.colours.text), 1.0, opacity=0.55)
        self.curve = self._actor(self.colour, LINE_WIDTH, least=LINE_LEAST)
        self.dot = self._actor(self.colour, 1.0)
        self.title, self.value = self._text(bold=stage.options.bold), self._text(bold=True)
        self.title.GetTextProperty().SetFontSize(self.title_font)
        # the scale's ends and the ticks' numbers in a lecture's bold too (theme.HALL_BOLD): in the
        # regular's 4 px strokes they read borderline from row 20 (watch 7)
        self.ends = [self._text(bold=stage.options.bold, right=True) for _ in ENDS]
        self.ticks = [self._text(bold=stage.options.bold, centred=True) for _ in range(stage.scene.n_snapshots)]
        self.tick_at: list[int] = []  # the snapshot each of `ticks` names (the rest hidden)
        self.last = 0  # the run's last snapshot
        self.t = 0.0  # the frame's position
        self.props = [self.axes, self.curve, self.dot, self.title, self.value, *self.ends, *self.ticks]
        me = weakref.ref(self)
        stage.renderer.AddObserver("StartEvent", lambda *_: me() and me().place(), 5.0)
        self._hide()

    def _actor(self, colour, width: float, opacity: float = 1.0, least: float = 1.0) -> vtk.vtkActor2D:
        """A 2D polyline actor `width` px wide at 1080 high, scaled with the pane's height (`least` px at least)."""
        from nnvox.viewer.overlays.metrics import add_2d

        thick = max(least, width * self.stage.pane_height / 1080)
        actor = add_2d(self.stage.renderer, lines_2d([]), colour, thick)
        actor.GetProperty().SetOpacity(opacity)
        return actor

    def _text(self, bold: bool, right: bool = False, centred: bool = False) -> vtk.vtkTextActor:
        actor = vtk.vtkTextActor()
        tp = actor.GetTextProperty()
        tp.SetFontSize(self.font)
        tp.SetBold(bold)
        tp.SetColor(*self.colour)
        (
            tp.SetJustificationToRight
            if right
            else tp.SetJustificationToCentered
            if centred
            else tp.SetJustificationToLeft
        )()
        (tp.SetVerticalJustificationToTop if centred else tp.SetVerticalJustificationToCentered)()
        actor.GetPositionCoordinate().SetCoordinateSystemToViewport()
        self.stage.renderer.AddViewProp(actor)
        return actor

    def show(self, start: int | None) -> None:
        """A scrub over the snapshots from `start` to the run's last: the chart; None: none."""
        if start != self.start:  # its ticks and line anew: the trail of scores may be the same
            self.start, self.where, self.origin, self.trail = start, None, None, None

    def _hide(self) -> None:
        for prop in self.props:
            prop.SetVisibility(False)

    def update(self, shown: Shown, visible: bool = True) -> None:
        trail = getattr(shown.frame, "scores", None)
        last = len(trail.scores) - 1 if trail is not None else -1
        if not visible or self.start is None or trail is None or self.start >= last:
            self.trail = None
            self._hide()
            return
        if trail != self.trail:
            room = self.stage.pane_width - 2 * safe_edges(self.stage)[0]
            self.trail, self.origin, self.where = trail, None, None
            bold = self.stage.options.bold
            values = value_forms(trail.scores)
            self.shapes = {
                t: chart_shape(self.font, trail.title(), room, t, self.title_font, bold, values) for t in PLOT_TALLS
            }
            self.shape = self.shapes[PLOT_TALLS[0]]
            self._tick_texts(last)  # (the shapes differ in height only: the same ticks)
        self.t = shown.frame.t

    # --- where it stands -------------------------------------------------------------------------

    def held(self, w: float, h: float) -> np.ndarray:
        """What the chart keeps clear of this picture (pixels, y up): the blocks on screen, the class
        lists as last laid out, the heads-up line, the caption's band, the legends' strip. The block
        labels give way to it, as to the answer's dock (LabelLayout.keep_off: drawn_boxes)."""
        from nnvox.viewer.camera_matrix import camera_matrix
        from nnvox.viewer.label_layout import block_rectangles

        blocks = self.stage.scene.blocks
        rects = block_rectangles(
            np.array([b.bounds for b in blocks], dtype=float), camera_matrix(self.stage.renderer)[0], w, h
        )
        self.blocks_on = rects[on_frame(rects, w, h)]  # (for the taller shapes' labels' room: _free)
        out = [self.blocks_on]
        if self.layout is not None:  # the class lists (the block labels give way: keep_off)
            shown = self.layout.placement.shown
            out.append(np.array([box for kind, *_, box in shown if kind == "classes"], dtype=float).reshape(-1, 4))
        band = self.caption.band() if self.caption is not None else None
        out.append(np.array([band] if band is not None else [], dtype=float).reshape(-1, 4))
        out.append(np.array([self._hud_box(h)], dtype=float))
        if self.stage.options.show_legend:
            from nnvox.viewer.overlays.legends import strip_top

            out.append(np.array([[0.0, 0.0, w, strip_top(self.stage) * h]]))
        return np.vstack(out)

    def _hud_box(self, h: float) -> tuple[float, float, float, float]:
        from nnvox.viewer.overlays.hud import text_extent

        x, y = self.hud.GetPosition()
        tw, th = text_extent(self.hud.GetTextProperty(), self.hud.GetInput() or " ")
        w = self.stage.pane_width
        return (x * w, y * h - th, x * w + tw, y * h) if self.hud.GetVisibility() else (0.0, h, 0.0, h)

    def places(self, w: float, h: float, shape: ChartShape | None = None) -> dict[str, tuple[float, float]]:
        """Each place's bottom-left corner for the chart (pixels), at `shape` (its own by default)."""
        from nnvox.viewer.label_layout import margin

        side, edge = safe_edges(self.stage)
        cw, ch = (shape or self.shape).width, (shape or self.shape).height
        gap = margin(h)  # (the line's box holds its descenders: a margin more reads as apart)
        top = self._hud_box(h)[1] - gap
        band = self.caption.band() if self.caption is not None else None
        floor = (band[3] if band is not None else edge) + gap
        xs = (side, w - side - cw)
        return {p: (xs[k % 2], top - ch if k < 2 else floor) for k, p in enumerate(PLACES)}

    def place(self) -> None:
        """The chart's place and shape for this picture: the held ones while the place stays free,
        else the tallest shape (PLOT_TALLS) with a free place, the first in PLACES' order; hidden
        where none is (never over a block, a label or the answer)."""
        if self.trail is None or self.shape is None:
            return
        w, h = self.stage.renderer.GetSize()
        if not w or not h:
            return
        held = self.held(w, h)
        free = lambda shape: self._free(shape, held, w, h)
        if self.where is None or free(self.shape)[self.where] < -TOUCH:
            # the tallest shape with a free place, in PLACES' order (the shape held with the place)
            found = ((s, p) for s in self.shapes.values() for p, r in free(s).items() if r >= -TOUCH)
            shape, self.where = next(found, (self.shape, None))
            self.shape = shape
        if self.where is None:  # nowhere free: not over a block, a label or the answer
            self.origin = None
            self._hide()
            return
        self.origin = self.places(w, h)[self.where]
        self.draw()

    def _free(self, shape: ChartShape, held: np.ndarray, w: float, h: float) -> dict[str, float]:
        """Each place's room for the chart at `shape`: pixels clear of `held` past the margin (< 0:
        too near; -inf: out of the picture). A shape taller than the least also leaves the blocks
        room for two lines of labels (the labels give way to the chart: in the lecture's epochs view
        a plot 50 px taller hid five of them)."""
        from nnvox.viewer.label_layout import margin

        cw, ch = shape.width, shape.height
        places = self.places(w, h, shape)
        inside = lambda x, y: x >= 0 and x + cw <= w and y >= 0 and y + ch <= h
        extra = self.label_room if shape is not self.shapes.get(PLOT_TALLS[-1], shape) else 0.0
        blocks = self.blocks_on + np.array([0.0, -extra, 0.0, extra])  # the labels' lines over and under

        def room(x: float, y: float) -> float:
            box = (x, y, x + cw, y + ch)
            return min(clear_of(box, held, margin(h)), clear_of(box, blocks, margin(h)))

        return {p: room(x, y) if inside(x, y) else -math.inf for p, (x, y) in places.items()}

    def drawn_boxes(self) -> tuple[tuple[float, float, float, float], ...]:
        """The boxes (pane fractions) of what the chart covers (its title, its curve with its texts)
        with a margin round them, where it shows: the labels keep off them (under the title's two
        lines, conv1's label keeps its room)."""
        from nnvox.viewer.label_layout import margin

        if self.trail is None or self.origin is None:
            return ()
        w, h = self.stage.pane_width, self.stage.pane_height
        (x, y), d = self.origin, margin(h)
        return tuple(
            ((x + a - d) / w, (y + b - d) / h, (x + c + d) / w, (y + e + d) / h) for a, b, c, e in self.shape.parts
        )

    # --- what it draws ---------------------------------------------------------------------------

    def _tick_texts(self, last: int) -> None:
        """The snapshots' numbers under their ticks, the one before training's BEFORE_TICK: every
        k-th where all would crowd (every_kth)."""
        labels = self.stage.scene.snapshot_labels
        named = {k: tick_text(labels[k]) for k in range(self.start, min(last + 1, len(labels)))}
        named = {k: BEFORE_TICK if text == "before" else text for k, text in named.items()}
        ks = list(named)
        xs = np.array([self.shape.point(k, 0, self.start, last)[0] for k in ks])
        bold = self.stage.options.bold
        widths = np.array([sized_extent(named[k], self.font, bold=bold)[0] for k in ks], dtype=float)
        shown = every_kth(xs - widths / 2, xs + widths / 2, 0.25 * self.shape.line) if ks else []
        shown = shown if shown is not None else [k == ks[-1] for k in ks]
        self.tick_at = [k for k, s in zip(ks, shown, strict=True) if s][: len(self.ticks)]
        for actor, k in zip(self.ticks, self.tick_at):
            actor.SetInput(named[k])
        self.last = last

    def draw(self) -> None:
        """The chart's parts at its origin, its line up to the frame's position."""
        shape, (ox, oy), first, last = self.shape, self.origin, self.start, self.last
        at = lambda k, s: (ox + shape.point(k, s, first, last)[0], oy + shape.point(k, s, first, last)[1])
        scale = np.array(self.stage.renderer.GetSize(), dtype=float)
        line = shape.line
        x0, y0 = at(first, 0.0)
        x1, y1 = at(last, 1.0)
        ticks = [[at(k, 0.0), (at(k, 0.0)[0], y0 - TICK * line)] for k in range(first, last + 1)]
        axes = [[(x0, y1), (x0, y0), (x1, y0)], [(x0 - TICK * line, y1), (x0, y1)], *ticks]
        self.axes.GetMapper().SetInputData(lines_2d([np.asarray(p) / scale for p in axes]))
        points, value = drawn_to(self.trail.scores, self.t, first, last)
        drawn = np.array([at(k, s) for k, s in points]).reshape(-1, 2)
        self.curve.GetMapper().SetInputData(lines_2d([drawn / scale] if len(drawn) > 1 else []))
        turn = np.linspace(0, 2 * np.pi, 20, endpoint=False)
        ring = np.stack([np.cos(turn), np.sin(turn)], 1) * max(DOT * line, 3.0)
        self.dot.GetMapper().SetInputData(lines_2d([(drawn[-1] + ring) / scale] if len(drawn) else [], closed=True))
        tx0, ty0, _, ty1 = shape.parts[0]
        self.title.SetInput(shape.title)
        self.title.SetPosition(ox + tx0, oy + (ty0 + ty1) / 2)
        for actor, text, y in zip(self.ends, ENDS, (y0, y1), strict=True):
            actor.SetInput(text)
            actor.SetPosition(x0 - 2 * GAP * line, y - INK_RISE * line)
        for actor, k in zip(self.ticks, self.tick_at):
            actor.SetPosition(at(k, 0.0)[0], y0 - labels_drop(line))
        self.value.SetInput(percent(value) if math.isfinite(value) else "")
        if len(drawn):
            self.value.SetPosition(
                drawn[-1][0] + 2 * GAP * line, value_height(drawn[-1][1], y0, line) - INK_RISE * line
            )
        for prop in self.props:
            prop.SetVisibility(True)
        for actor in self.ticks[len(self.tick_at) :]:
            actor.SetVisibility(False)
        self.dot.SetVisibility(len(drawn) > 0)
        self.value.SetVisibility(len(drawn) > 0)

"""The heads-up line at the pane's top left: the frame's own text (snapshot, sample, prediction), in
the options' style (lecture or detail: scenes/heads_up.py), broken at its separators where it is
wider than the pane allows (measured in its font: a comparison's narrow panes would otherwise run
one pane's line into the other's), a part too wide alone cut short with an ellipsis."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import vtk

from nnvox.scenes.heads_up import SEPARATOR
from nnvox.viewer.label_layout import margin
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.theme import HALL_BOLD, HALL_LINE_SPACING, TITLE_SAFE, to_unit

GLYPH = 0.55  # a glyph's width, as a share of the font size (an estimate, for texts laid out before they are drawn)
ELLIPSIS = "…"
HALL_LINES = 2  # the most lines a lecture's heads-up line takes (labels.reserved keeps two free)


def fit(text: str, fits: Callable[[str], bool], most_lines: int | None = None) -> str:
    """`text` with each line that `fits` refuses broken at its separators, a part still too wide
    alone broken after its commas (a run's name, then its snapshot), and what is still too wide cut
    short; in at most `most_lines` lines where given, its last parts (between separators) left out
    until it fits them: a lecture's line leads with what a shot over epochs is about (the epoch, the
    accuracy), and the sample it ends with is the picture's own (its input, its answer)."""
    fitted = _fitted(text, fits)
    parts = text.split(SEPARATOR)
    while most_lines is not None and fitted.count("\n") >= most_lines and len(parts) > 1:
        parts = parts[:-1]
        fitted = _fitted(SEPARATOR.join(parts), fits)
    return fitted


def _fitted(text: str, fits: Callable[[str], bool]) -> str:
    lines = [piece for line in text.split("\n") for piece in broken(line, SEPARATOR, fits)]
    lines = [piece for line in lines for piece in (broken(line, ", ", fits) if not fits(line) else [line])]
    return "\n".join(shortened(line, fits) for line in lines)


def broken(line: str, at: str, fits: Callable[[str], bool]) -> list[str]:
    """`line` broken at `at` into as few lines as `fits` allows (`at` kept at a line's end, but for a separator)."""
    keep = at.rstrip() if at != SEPARATOR else ""
    lines, current = [], ""
    for part in line.split(at):
        candidate = f"{current}{at}{part}" if current else part
        if current and not fits(candidate):
            lines.append(current + keep)
            candidate = part
        current = candidate
    return [*lines, current]


def shortened(line: str, fits: Callable[[str], bool]) -> str:
    """`line`, or as much of it as fits with an ellipsis after it (a run's long name in a narrow pane)."""
    if fits(line):
        return line
    lo, hi = 0, len(line)  # the longest start that fits with the ellipsis: fits() grows with the length
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if fits(line[:mid].rstrip() + ELLIPSIS) else (lo, mid - 1)
    return line[:lo].rstrip() + ELLIPSIS


def text_extent(prop: vtk.vtkTextProperty, text: str | None, dpi: int = 72) -> tuple[int, int]:
    """The width and height in pixels that `text` takes in `prop`'s style (a window's default dpi)."""
    if not text:
        return 0, 0
    bbox = [0, 0, 0, 0]
    vtk.vtkTextRenderer().GetBoundingBox(prop, text, bbox, dpi)
    return bbox[1] - bbox[0] + 1, bbox[3] - bbox[2] + 1


def sized_extent(text: str, size: int, *, bold: bool = False, boxed: bool = False, dpi: int = 72) -> tuple[int, int]:
    """The width and height in pixels `text` takes at `size` pixels in the overlays' font (`bold`;
    `boxed`: on a background box, which vtk pads a little, as labels and class texts are drawn):
    one measure for the texts laid out before an actor draws them."""
    return text_extent(_sized_property(size, bold, boxed), text, dpi)


def text_width(text: str, size: int, *, bold: bool = False, boxed: bool = False) -> float:
    """How wide vtk draws `text` at `size` pixels (sized_extent)."""
    return float(sized_extent(text, size, bold=bold, boxed=boxed)[0])


def lecture_width(text: str, size: int, *, bold: bool = HALL_BOLD) -> float:
    """How wide `text` is drawn at `size` pixels in a lecture's weight (theme.HALL_BOLD, bold about a
    sixth wider than the regular): for texts laid out before they are drawn in either weight (the
    explained layer's), the window's regular then a little room to spare."""
    return text_width(text, size, bold=bold)


@lru_cache(maxsize=64)
def _sized_property(size: int, bold: bool, boxed: bool) -> vtk.vtkTextProperty:
    """A text property for measuring only (never given to an actor, so never changed)."""
    prop = vtk.vtkTextProperty()
    prop.SetFontSize(size)
    prop.SetBold(bold)
    if boxed:
        prop.SetBackgroundOpacity(1.0)
    return prop


def edge_pixels(stage: Stage) -> float:
    """The frame's edge margin (label_layout.margin, what block labels keep) in pixels, of the pane's
    shorter side (a narrow pane beside the window's panels keeps its texts' room): every overlay text
    keeps it from the pane's edges (a projector's overscan clipped 13 px at 1080p)."""
    return margin(min(stage.pane_height, stage.pane_width))


def safe_edges(stage: Stage) -> tuple[float, float]:
    """The pixels every text keeps from the pane's left and right edges and from its top and bottom:
    in a lecture's picture theme.TITLE_SAFE of its width and of its height (96 and 54 px at 1080p),
    the edge margin (edge_pixels) in the window's."""
    edge = edge_pixels(stage)
    if not stage.options.hall:
        return edge, edge
    return max(edge, TITLE_SAFE * stage.pane_width), max(edge, TITLE_SAFE * stage.pane_height)


class HeadsUpLine:
    def __init__(self, stage: Stage):
        self.detail = stage.options.hud == "detail"
        size = stage.options.hud_font(stage.fonts.hud.fraction, self.detail)  # read from the back of a hall
        # inside the frame's edge margin at any shape (9:16's 1.2% of the width was 7 px), a lecture's
        # inside title-safe (it stood 25 px from the top and left edges)
        edge_x, edge_y = safe_edges(stage)
        self.room = min(stage.pane_width * stage.layout.hud_width, stage.pane_width - 2 * edge_x)  # a line's pixels
        self.actor = vtk.vtkTextActor()
        tp = self.actor.GetTextProperty()
        tp.SetFontSize(size)
        tp.SetBold(stage.options.bold)  # a lecture's: regular's 3-4 px strokes faded first on a dim projector
        tp.SetColor(*to_unit(stage.colours.text))
        tp.SetVerticalJustificationToTop()
        if stage.options.hall:  # a lecture's two lines at the labels' leading: at vtk's 1.1 the second
            tp.SetLineSpacing(HALL_LINE_SPACING)  # line's capitals stood 2 px under the first's descenders (watch 10)
        self.actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        x, y = stage.layout.hud_position
        self.actor.SetPosition(max(x, edge_x / stage.pane_width), min(y, 1.0 - edge_y / stage.pane_height))
        # the line with the forward pass's answer, fading in over the line without it as the output
        # lights (with its class list): ", predicted 9" appeared in one frame at the end of the pass
        self.arriving = vtk.vtkTextActor()
        self.arriving.GetTextProperty().ShallowCopy(tp)
        self.arriving.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        self.arriving.SetPosition(*self.actor.GetPosition())
        self.arriving.SetVisibility(False)
        stage.renderer.AddViewProp(self.actor)
        stage.renderer.AddViewProp(self.arriving)
        self.props = [self.actor, self.arriving]
        # a lecture's line at a subject's size: two lines at most (a narrow frame's), in a frame's top edge
        self.most_lines = HALL_LINES if stage.options.hall and not self.detail else None
        self.outputs = [b.name for b in stage.scene.blocks if b.role == "output"]
        self.stage = stage
        from nnvox.viewer.overlays.score_chart import ScoreChart  # (it measures texts as this module does)

        self.chart = ScoreChart(stage, self.actor)  # a scrub's scores (show_scores)
        self.props += self.chart.props
        self.shown = True  # make_way
        self._text: tuple | None = None  # what the frame's texts last were: measured once, not each frame
        self._overlaid = True  # the arriving line extends the line under it (else the two cross-fade)

    def fits(self, line: str) -> bool:
        window = self.stage.renderer.GetRenderWindow()
        dpi = window.GetDPI() if window is not None else 72
        return text_extent(self.actor.GetTextProperty(), line, dpi)[0] <= self.room

    def make_way(self, explaining: bool) -> None:
        """Hidden in a lecture's picture while a layer is explained (`explaining`): the shot is about
        one map of one snapshot, which its inset's heading names, and the line at the caption's size
        ran through the explained map's heading ("map 0 of conv1") and under the inset's backing
        across the frame's top; the window's line stays."""
        self.shown = not (explaining and self.stage.options.hall)
        self.actor.SetVisibility(self.shown)
        if not self.shown:
            self.arriving.SetVisibility(False)

    def show_scores(self, start: int | None) -> None:
        """In a scrub over training (a storyboard shot's snapshots, from `start`), the sample's score for
        its true class as a small chart under the line (overlays/score_chart.py); None: not (a shot of
        one snapshot, where the list beside the output says it)."""
        self.chart.show(start)

    def laid(self, text: str) -> str:
        """`text` fitted to the pane."""
        return fit(text, self.fits, self.most_lines)

    def answer_share(self, frame) -> float:
        """How far the line with the answer has faded in: with the output's class texts (visuals.class_text_opacity)."""
        from nnvox.viewer.visuals import class_text_opacity

        lit = [frame.lit[n] for n in self.outputs if n in frame.lit]
        return class_text_opacity(min(lit)) if lit else 1.0

    def update(self, shown: Shown) -> None:
        frame = shown.frame
        text = frame.hud_detail or frame.hud if self.detail else frame.hud
        answered = getattr(frame, "hud_answered", "")
        pending = not self.detail and answered and text == frame.hud_pending and answered != text
        share = self.answer_share(frame) if pending else 0.0
        arriving = answered if share > 0 else None
        key = (text, arriving)
        if key != self._text:
            self._text = key
            base = self.laid(text)
            self.actor.SetInput(base)
            if arriving is not None:
                new = self.laid(arriving)
                self.arriving.SetInput(new)
                old_lines, new_lines = base.split("\n"), new.split("\n")
                self._overlaid = len(old_lines) == len(new_lines) and all(
                    b.startswith(a) for a, b in zip(old_lines, new_lines, strict=True)
                )
        self.actor.GetTextProperty().SetOpacity(1.0 if arriving is None or self._overlaid else 1.0 - share)
        self.arriving.GetTextProperty().SetOpacity(share)
        self.arriving.SetVisibility(arriving is not None and self.shown)
        self.chart.update(shown, self.shown)

"""A storyboard's caption: centred low, above the legends and left of the insets (above the metrics
inset where it rises over the legends; across the frame where none stands beside it, a lecture's
pictures), on a dark band, in lines as even as the room allows (at most two for the lecture's
captions at theme.CAPTION_TEXT: 40 px capitals at 1080p).
Hidden until `show` is given a text; frames leave it alone."""

from __future__ import annotations

import textwrap
from functools import lru_cache

import vtk

from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.hud import GLYPH, safe_edges, text_extent
from nnvox.viewer.overlays.legends import placed_inset, strip_floor, strip_top


def caption_chars(pane_width: int, layout, size: int) -> int:
    """The characters a caption's line holds in a pane `pane_width` pixels wide at font `size`."""
    return max(20, int(pane_width * layout.caption_width / (GLYPH * size)))


# A size such as "5 × 5" or "28 × 28" reads as one word: a line never breaks inside it ("each 5 /
# × 5 filter", "real 28 / × 28 digits" in a watch). Held together by a character textwrap does
# not break at (it splits on ASCII whitespace only), put back once wrapped
TIMES, HELD = " × ", "\u2063×\u2063"


@lru_cache(maxsize=64)  # a storyboard shows the same caption every frame
def balanced(text: str, chars: int) -> str:
    """`text` wrapped to at most `chars` a line, in as few lines as that takes and with lines as even
    as those allow: no lone word left on a last line ("... it calls / a 0"), no size split ("5 × 5")."""
    held = text.replace(TIMES, HELD)
    lines = len(textwrap.wrap(held, chars))
    width, longest = chars, max(1, *(len(w) for w in held.split(" ")))
    while width > longest and len(textwrap.wrap(held, width - 1)) == lines:
        width -= 1
    return textwrap.fill(held, width).replace(HELD, TIMES)


def wrapped(text: str, room: float, prop: vtk.vtkTextProperty) -> str:
    """`text` in even lines (balanced) of at most `room` pixels in `prop`'s font: as many characters
    a line as its glyphs' mean width as drawn allows (GLYPH's estimate is a tenth wide for this
    font), at least 20."""
    width = text_extent(prop, text)[0]
    return balanced(text, max(20, int(room * len(text) / width)) if width > 0 else 20)


def caption_room(stage: Stage, inset) -> tuple[float, float]:
    """The caption's room across the pane (fractions of its width): left of an `inset` standing
    beside it (the caption's width of the layout, about its centre), else the frame's width inside
    its edge margin."""
    if inset is not None and not inset.raised:
        half = min(stage.layout.caption_width / 2, stage.layout.caption_x)
        return stage.layout.caption_x - half, stage.layout.caption_x + half
    edge = safe_edges(stage)[0] / stage.pane_width  # a lecture's: title-safe
    return edge, 1.0 - edge


# the band's least opacity while the caption shows: vtk pads a text's box where its background's
# 8-bit alpha is 1 or more (1/1024 padded nothing); over the frame it moves no pixel by a level
UNSEEN_BAND = 1.5 / 255


class Caption:
    def __init__(self, stage: Stage):
        layout, colours = stage.layout, stage.colours
        size = stage.options.caption_font()
        inset = placed_inset(stage)  # one raised over the legends (a portrait frame's): the caption over it
        x0, x1 = caption_room(stage, inset)
        self.room = (x1 - x0) * stage.pane_width  # a line's pixels
        self.chars = caption_chars(stage.pane_width, layout, size)
        self.band_opacity = layout.band_opacity
        self.actor = vtk.vtkTextActor()
        tp = self.actor.GetTextProperty()
        tp.SetFontSize(size)
        tp.SetBold(stage.options.bold)  # a lecture's: regular's 3-4 px strokes faded first on a dim projector
        tp.SetColor(*colours.caption)
        tp.SetJustificationToCentered()
        tp.SetVerticalJustificationToBottom()
        tp.SetBackgroundColor(*colours.caption_band)
        tp.SetFrame(False)
        self.actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        floor = inset.box[3] if inset is not None and inset.raised else strip_top(stage)
        self.actor.SetPosition((x0 + x1) / 2, floor + layout.caption_gap)
        # while a layer is explained a lecture's legends make way (ColourLegends.make_way): the caption
        # sits at the strip's floor, title-safe, and the inset takes the room over it
        self._floors = (self.actor.GetPosition(), ((x0 + x1) / 2, strip_floor(stage) + layout.caption_gap))
        self.hall = stage.options.hall
        self.actor.SetVisibility(False)
        stage.renderer.AddViewProp(self.actor)
        self.renderer = stage.renderer
        self.props = [self.actor]
        self._text: str | None = None  # the text last shown (show), as wrapped: wrapped once a text
        self._band: tuple | None = None  # (what it was measured under, the band): measured once a text

    def make_way(self, explaining: bool) -> None:
        """At the strip's floor in a lecture's picture while a layer is explained, else over the strip."""
        at = self._floors[explaining and self.hall]
        if tuple(self.actor.GetPosition()) != tuple(at):
            self.actor.SetPosition(*at)
            self._band = None  # measured again where it now stands

    def show(self, text: str | None, opacity: float = 1.0) -> None:
        """Show `text` (wrapped to the caption's width), fading with `opacity`; None hides it."""
        if not text:  # a shot without one: no band left for the dock and notes to keep above
            self.actor.SetVisibility(False)
            if self._text is not None:  # cleared once, not at every frame of an uncaptioned shot
                self.actor.SetInput("")
                self._text = None
            return
        opacity = max(opacity, 0.0)  # at 0 (a shot's first and last frames) drawn clear, its band still
        # kept clear of labels (box): hidden there, it let conv2's label stand in it at the first frame
        # of the lecture's mistake shot, then jump 104 px at the second (480p)
        if text != self._text:  # a shot's frames show one caption: wrapped (measured) once
            self._text = text
            self.actor.SetInput(wrapped(text, self.room, self.actor.GetTextProperty()))
        tp = self.actor.GetTextProperty()
        tp.SetOpacity(opacity)
        # never quite 0: vtk pads a text's box only where it draws a background, and the band the labels,
        # the dock and the notes keep off was measured 2-4 px smaller at a fade's ends than when shown
        tp.SetBackgroundOpacity(max(self.band_opacity * opacity, UNSEEN_BAND))
        self.actor.SetVisibility(True)

    def box(self) -> tuple[float, float, float, float] | None:
        """The caption's band (x0, y0, x1, y1 in pixels of the pane, from its bottom left), None
        while hidden: labels keep off it (renderer.SceneRenderer.draw), so no line is covered."""
        return self.band() if self.actor.GetVisibility() else None

    def band(self) -> tuple[float, float, float, float] | None:
        """The band of the caption's last text (pixels of the pane, as box), shown or not; None where it
        had none. Measured once a text and pane size (its background always padded: show)."""
        text = self.actor.GetInput()
        if not text:
            return None
        tp = self.actor.GetTextProperty()
        key = (text, tuple(self.renderer.GetSize()), tp.GetFontSize())
        if self._band is None or self._band[0] != key:
            bbox = [0.0] * 4
            self.actor.GetBoundingBox(self.renderer, bbox)  # x0, x1, y0, y1 in pixels about its anchor
            x, y = self.actor.GetPositionCoordinate().GetComputedViewportValue(self.renderer)
            self._band = key, (x + bbox[0], y + bbox[2], x + bbox[1], y + bbox[3])
        return self._band[1]

    def update(self, shown: Shown) -> None:
        pass

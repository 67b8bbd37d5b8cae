"""Render and video options: what differs from one render to the next. How things look (colours,
text sizes, where the overlays sit) is the theme's (viewer/theme.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from nnvox.scenes.presets import check_size
from nnvox.scenes.view import HUD_STYLES
from nnvox.viewer.theme import (
    CAPTION_TEXT,
    DEFAULT_THEME,
    FONT_PER_CAP,
    HALL_BOLD,
    HALL_TEXT,
    HEADS_UP_TEXT,
    INDEX_TEXT,
    LECTURE_FONT,
    LECTURE_TEXT,
    LEGEND_TEXT,
    NOTE_TEXT,
    RGB8,
    SUBJECT_TEXT,
    WINDOW_HALL_TEXT,
    WINDOW_SUBJECT_TEXT,
    Box,
    FontSize,
    Theme,
)


@lru_cache(maxsize=256)
def cap_height(font: int) -> int:
    """The height in pixels of a capital (an "H") as vtk draws it at `font` pixels: its glyphs' ink,
    what a reader at the back of a hall reads (a font's line box is a third taller)."""
    import vtk  # drawing only: options are read where vtk is not loaded
    from vtk.util.numpy_support import vtk_to_numpy

    props, image = vtk.vtkTextProperty(), vtk.vtkImageData()
    props.SetFontSize(font)
    vtk.vtkTextRenderer().RenderString(props, "H", image, [0, 0], 72)
    columns = image.GetDimensions()[0]
    alpha = vtk_to_numpy(image.GetPointData().GetScalars())[:, -1].reshape(-1, columns)
    inked = (alpha > 127).any(axis=1).nonzero()[0]
    return int(inked[-1] - inked[0] + 1) if len(inked) else 0


@lru_cache(maxsize=64)
def lecture_font(height: int, text: float = LECTURE_TEXT) -> int:
    """The least font size whose lines are `text` of a picture `height` pixels high (LECTURE_TEXT:
    any text; SUBJECT_TEXT: a shot's subject): that height over vtk's line-to-font ratio
    (LECTURE_FONT / LECTURE_TEXT) rounded, or the next size up whose line vtk draws at least that
    tall (line heights step unevenly with the font's: at 820 px high LECTURE_FONT rounds to 19 px,
    which draws 18 px lines for 18.04)."""
    import vtk  # drawing only: options are read where vtk is not loaded

    props, measure = vtk.vtkTextProperty(), vtk.vtkTextRenderer()
    font = round(height * text * LECTURE_FONT / LECTURE_TEXT)
    while True:
        props.SetFontSize(font)
        box = [0, 0, 0, 0]
        measure.GetBoundingBox(props, "x", box, 72)  # vtk's line box: the same for any one-line text
        if box[3] - box[2] + 1 >= text * height:
            return font
        font += 1


@lru_cache(maxsize=64)
def hall_font(height: int, caps: float = HALL_TEXT) -> int:
    """The least font size whose capitals are `caps` of a picture `height` pixels high, rounded
    (HALL_TEXT: labels, class texts; SUBJECT_TEXT: a shot's subject; ...), as vtk draws them
    (cap_height: they step unevenly with the font, 24 px at fonts of 32 and 33)."""
    font = max(1, round(height * caps * FONT_PER_CAP) - 2)
    while cap_height(font) < round(caps * height):
        font += 1
    return font


@dataclass(frozen=True)
class RenderOptions:
    width: int = 1280
    height: int = 720
    anti_alias: bool = False  # MSAA costs 1.7-2.2x per frame in software GL
    show_labels: bool = True
    show_legend: bool = True
    show_hud: bool = True
    hud: str = HUD_STYLES[0]  # the heads-up line's style (ViewSpec.hud)
    show_marks: bool = True  # frames round dead and saturated units, and their legend entries
    show_metrics: bool = True
    # each block label's colour range (`±4.19`: its colour scale's ends) on its second line: the
    # window's, for the engineer; a lecture's pictures (videos, stills) leave it out, unexplained
    # there (the legends' titles say the colours are per layer)
    label_ranges: bool = False
    text_scale: float = 1.0  # smaller text for panes sharing the window (comparisons)
    # a lecture's picture (video, still): text for a hall (theme's CAPTION_TEXT, HALL_TEXT,
    # SUBJECT_TEXT, HEADS_UP_TEXT, LEGEND_TEXT, NOTE_TEXT capitals at least); False: the desktop
    # window's pane, read from a desk (WINDOW_HALL_TEXT, WINDOW_SUBJECT_TEXT, lines of LECTURE_TEXT)
    hall: bool = True
    transparent: bool = False  # RGBA frames with a clear background (WebM, ProRes, PNG overlays)
    theme: Theme = DEFAULT_THEME
    # None: the theme's; set for one render (a storyboard's background, the window's own layout)
    background: RGB8 | None = None
    metrics_box: Box | None = None  # loss/accuracy inset
    histogram_box: Box | None = None  # the selected layer's histogram

    @classmethod
    def comparison(cls, **kwargs) -> RenderOptions:
        """Two panes side by side: smaller text, no metrics inset, a wider histogram panel."""
        layout = kwargs.get("theme", DEFAULT_THEME).layout
        defaults = {
            "text_scale": layout.comparison_text_scale,
            "show_metrics": False,
            "histogram_box": layout.comparison_histogram_box,
        }
        return cls(**{**defaults, **kwargs})

    @property
    def text_colour(self) -> RGB8:
        return self.theme.colours.text

    def text_size(self, fraction: float, minimum: int = 8) -> int:
        """A font size in pixels: `fraction` of the image height, scaled for the pane, never under
        the least (a comparison's text included): capitals theme.NOTE_TEXT of the image height in a
        lecture's picture, lines of LECTURE_TEXT in the window's."""
        least = hall_font(self.height, NOTE_TEXT) if self.hall else lecture_font(self.height)
        return max(minimum, round(self.height * fraction * self.text_scale), least)

    def subject_font(self) -> int:
        """The font size of what a shot is about (capitals theme.SUBJECT_TEXT of the image height,
        WINDOW_SUBJECT_TEXT in the window's; a pane's text_scale ignored: a lecture's subject reads
        from the back of the hall in any pane)."""
        return hall_font(self.height, SUBJECT_TEXT if self.hall else WINDOW_SUBJECT_TEXT)

    def hall_text(self, fraction: float) -> int:
        """The font size of a label or class text of `fraction` of the image height (scaled for the
        pane): text_size, never with capitals under theme.HALL_TEXT of it (WINDOW_HALL_TEXT in the
        window's)."""
        return max(self.text_size(fraction), hall_font(self.height, HALL_TEXT if self.hall else WINDOW_HALL_TEXT))

    @property
    def bold(self) -> bool:
        """Whether text is drawn bold: every text of a lecture's picture (theme.HALL_BOLD), none
        of the window's (whose texts are read from a desk)."""
        return self.hall and HALL_BOLD

    def index_font(self, fraction: float) -> int:
        """The font size of a grid's indices ("filter 0 … 15", "input 0 … 5") of `fraction` of the
        image height: text_size, in a lecture's picture never with capitals under theme.INDEX_TEXT."""
        size = self.text_size(fraction)
        return max(size, hall_font(self.height, INDEX_TEXT)) if self.hall else size

    def hud_font(self, fraction: float, detail: bool = False) -> int:
        """The heads-up line's font size: in a lecture's picture capitals of theme.HEADS_UP_TEXT (it
        carries the epoch and the accuracy a shot over epochs is about, and has the frame's top edge
        to itself), a note's for its `detail` style (a developer's long line, text_size); a label's
        in the window's (hall_text)."""
        if self.hall:
            return (
                self.text_size(fraction)
                if detail
                else max(self.text_size(fraction), hall_font(self.height, HEADS_UP_TEXT))
            )
        return self.hall_text(fraction)

    def legend_font(self) -> int:
        """The font size of the legends' words, titles and notes: in a lecture's picture capitals of
        theme.LEGEND_TEXT; the theme's legend size in the window's."""
        size = self.font(self.theme.fonts.legend)
        return max(size, hall_font(self.height, LEGEND_TEXT)) if self.hall else size

    def caption_font(self) -> int:
        """The font size of a storyboard's caption: capitals theme.CAPTION_TEXT of the image height."""
        return max(self.font(self.theme.fonts.caption), hall_font(self.height, CAPTION_TEXT))

    def font(self, size: FontSize, *, scaled: bool = True) -> int:
        """A theme's text size in pixels; `scaled=False` ignores the pane's text_scale."""
        if scaled:
            return self.text_size(size.fraction, size.minimum)
        return max(size.minimum, round(self.height * size.fraction))

    def __post_init__(self):
        check_size(self.width, self.height)  # whole numbers, 16 to 8192 a side
        layout = self.theme.layout
        for name, default in (
            ("background", self.theme.colours.background),
            ("metrics_box", layout.metrics_box),
            ("histogram_box", layout.histogram_box),
        ):
            if getattr(self, name) is None:  # frozen: the theme's value set once, here
                object.__setattr__(self, name, default)
        object.__setattr__(self, "theme", self.theme.on(self.background))  # text readable on a light one


@dataclass(frozen=True)
class VideoOptions:
    fps: int = 30
    crf: int = 18
    seconds_per_snapshot: float = 0.8
    forward_seconds: float = 2.5  # the opening forward-pass animation
    hold_seconds: float = 1.5  # still frames at the end
    orbit_degrees: float = 30.0  # gentle camera sweep over the whole video; 0 for a fixed camera

"""The look of every picture in one place: colours, text sizes and where the overlays sit.

Colours come in the unit their consumer takes, named by it: `RGB` (0..1 floats) for vtk
properties, `RGB8` (0..255 ints) for colours written into uint8 arrays or compared with pixels.
Layout values are fractions of the pane (normalised viewport: x from the left, y from the bottom);
text sizes are fractions of the image height with a minimum in pixels (see RenderOptions.font): no
text in a picture is drawn under LECTURE_TEXT of the frame's height (its font: LECTURE_FONT), and a
lecture's pictures draw capitals of CAPTION_TEXT (the caption), HALL_TEXT (labels, class texts),
SUBJECT_TEXT (a shot's subject), HEADS_UP_TEXT (the heads-up line), LEGEND_TEXT (the legends),
INDEX_TEXT (a grid's indices), EXPLAIN_TEXT (the explained layer's numbers and notes) and
NOTE_TEXT (every other text) at least, all of their text inside TITLE_SAFE of the frame's edges."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from nnvox.scenes.colour import hex_colours

RGB = tuple[float, float, float]
RGB8 = tuple[int, int, int]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1, normalised viewport


def to_unit(colour: RGB8) -> RGB:
    """0..255 to 0..1, as vtk takes colours."""
    return tuple(v / 255 for v in colour)


# The least text height in a picture (video, still, the window's 3D pane): 2.2% of the frame's
# height, 24 px at 1080p (11 at 480p, 48 at 2160p). A text's height is that of one line of its box
# as vtk draws it (ascent to descent): its capitals are a quarter shorter (19 px at 1080p), readable
# to 8-10 m: the window's least; a lecture's pictures draw larger (NOTE_TEXT and up). Where room runs
# out, fewer labels show (viewer/label_layout.py), never smaller ones.
LECTURE_TEXT = 0.022
# The font size that draws it: a line of vtk's text is drawn up to a tenth shorter than its font
# size (measured: fonts of 11, 25 and 50 px draw lines at least 11, 23 and 47 px tall). Where it
# rounds to a font whose line falls short (19 px at 820 px high), the next size
# up (options.lecture_font)
LECTURE_FONT = 0.023
# vtk's font size per pixel of capital: capitals are about 0.74 of the font size (32 px fonts draw
# 24 px capitals); where one rounds short, the next size up (options.hall_font)
FONT_PER_CAP = 1.345
# The capital heights of a lecture's pictures (videos, stills), measured as drawn (options.cap_height:
# a glyph's ink, what a lecturer measures on a frame), each a share of the frame's height, for a
# 200-seat hall (issue 17; a lecturer's frame-by-frame watch asked for labels and legends of 40 px
# capitals or more at 1080p in a heavier weight: 32 px in a light font, 3 px strokes, read from
# row 20 with effort and washed out on a dim projector):
# block labels, an output's class texts, the legends: 3.7%, 40 px at 1080p (18 at 480p, 80 at
# 2160p), bold (HALL_BOLD)
HALL_TEXT = 0.037
# whether every text of a lecture's pictures is drawn in vtk's bold (RenderOptions.bold, the one
# rule): labels, class texts, legends, the heads-up line, the caption, the explained layer's numbers
# and notes, the score chart's ticks, a grid's indices, a card's subtitle. Its strokes are 7-8 px at
# 40 px capitals, the regular's 3-5 (a lecturer's watch 7 found the explained layer's numbers, the
# chart's ticks and the grid indices borderline from row 20 in the regular). Bold is about a sixth
# wider: texts laid out before they are drawn are measured in it (hud.lecture_width)
HALL_BOLD = True
# what a shot is about (its subject: the block labels of the layers it opens, explains or puts the
# camera on, the explained layer's inset title, an open layer's map labels): 4.1%, 44 px at 1080p,
# a size over the labels'
SUBJECT_TEXT = 0.041
# the caption: 3.7%, 40 px at 1080p, in at most two lines (overlays/caption.py)
CAPTION_TEXT = 0.037
# the heads-up line (its lecture style): 3.4%, 37 px at 1080p, across the frame's top edge in at
# most two lines (overlays/hud.py; none while a layer is explained): a shot over epochs is about
# its epoch and accuracy. At CAPTION_TEXT the two lines the block labels keep free for it
# (labels.reserved) hid LeNet's relu3 label in the mistake shot at 1080p
HEADS_UP_TEXT = 0.034
# the legends' titles, words and notes: the labels' size, 40 px at 1080p, bold, as large as the
# bottom strip holds a title, a bar and the words under it (overlays/legends.py)
LEGEND_TEXT = HALL_TEXT
# a weight grid's indices ("filter 0 … 15", "input 0 … 5", an open layer's "kernel", "map 0 … 5"):
# 3.4%, 37 px at 1080p (28 and 30 px read from row 20 only as texture)
INDEX_TEXT = 0.034
# the explained layer's text (overlays/explain_inset.py, overlays/explain.py) at its least: the
# kernel's and the products' numbers, the column heads, the colour scale's ends, the sum, the notes
# under it and "not yet computed": 3.4%, 37 px capitals at 1080p (digits 37-39 px on the frame; a
# lecturer's watch found their 32-34 px marginal from row 20 and the notes' 27-32 px unreadable).
# Room for them: the blocks framed in a narrower part of the frame (shots.EXPLAIN_ROOM)
EXPLAIN_TEXT = 0.034
# every other text (the training chart, an inset's, the detail style's heads-up line): 2.6%, 28 px
# at 1080p; a text not worth a student's reading at that size is left out of the lecture's
# pictures rather than drawn smaller (RenderOptions.hall)
NOTE_TEXT = 0.026
# The title-safe margin of a lecture's pictures: no text nearer the frame's left or right edge than
# this share of its width, nor its top or bottom than this share of its height (96 and 54 px at
# 1080p): a projector's overscan, keystone or masked screen clips the frame's edges (the heads-up
# line and the legends stood 25 px in). The desktop window keeps label_layout's edge margin
TITLE_SAFE = 0.05
# The line spacing of labels and class texts (vtk's line pitch, in font sizes): at vtk's 1.1 a
# title's descender ("input", "top 5") met the digits of the line under it at 32 px capitals
HALL_LINE_SPACING = 1.2
# The desktop window's 3D pane (RenderOptions.hall False) keeps its own, smaller sizes, its text
# read from a desk: labels, class texts and the heads-up line 2.2% (18 px at 820 px high), a
# shot's subject 2.7%; its least text LECTURE_TEXT's line
WINDOW_HALL_TEXT = 0.022
WINDOW_SUBJECT_TEXT = 0.027


@dataclass(frozen=True)
class FontSize:
    """A text size as a `fraction` of the image height, never under `minimum` pixels."""

    fraction: float
    minimum: int = 8


@dataclass(frozen=True)
class Colours:
    background: RGB8 = (24, 24, 30)
    text: RGB8 = (235, 235, 240)
    accent: RGB = (0.98, 0.72, 0.25)  # amber: skip connections, a voxel's field, title cards' rule
    edge: RGB = (0.55, 0.56, 0.62)  # straight edges between blocks
    outline: RGB8 = (140, 143, 158)  # block outlines
    selected: RGB8 = (255, 255, 255)  # the selected layer's outline
    # flagged layers' outlines and unit frames, in order of precedence
    health: tuple[tuple[str, RGB8], ...] = (
        ("exploding", (200, 80, 255)),
        ("vanishing", (70, 130, 255)),
        ("dead", (240, 60, 60)),
        ("saturated", (255, 150, 40)),
    )
    pulse: RGB = (1.0, 0.93, 0.6)  # the forward pass's travelling dots
    caption: RGB = (1.0, 1.0, 1.0)
    caption_band: RGB = (0.0, 0.0, 0.0)
    panel_frame: RGB = (0.4, 0.42, 0.48)  # the metrics inset's and histogram panel's boxes
    panel_title: RGB = (0.9, 0.9, 0.93)
    muted: RGB = (0.75, 0.75, 0.8)  # axis ticks, notes, the histogram's first-snapshot outline
    bar_tops: RGB = (0.95, 0.95, 0.97)
    cursor: RGB = (1.0, 1.0, 1.0)
    curves: tuple[tuple[str, RGB], ...] = (("loss", (0.98, 0.55, 0.35)), ("accuracy", (0.45, 0.8, 0.95)))
    other_curve: RGB = (0.9, 0.9, 0.9)
    cloud_box: RGB = (0.35, 0.36, 0.42)
    # Tableau's ten categorical colours for classes: distinct on a dark background
    classes: tuple[RGB8, ...] = hex_colours("1f77b4 ff7f0e 2ca02c d62728 9467bd 8c564b e377c2 7f7f7f bcbd22 17becf")
    # ColorBrewer's Set2 for k-means clusters: softer than the class colours, so the two never read alike
    clusters: tuple[RGB8, ...] = hex_colours("66c2a5 fc8d62 8da0cb e78ac3 a6d854 ffd92f e5c494 b3b3b3")
    figure_frame: RGB8 = (96, 96, 110)  # the window's 2D figure panel border
    hint: RGB = (0.7, 0.7, 0.75)
    panel_text: RGB = (1.0, 1.0, 1.0)  # the window's help, health table and voxel story
    panel_band: RGB = (0.05, 0.05, 0.08)
    card_subtitle: RGB = (0.78, 0.78, 0.84)
    # the window's timeline slider: a thin bar, nnvox's amber knob, a tick per snapshot
    slider_bar: RGB = (0.32, 0.33, 0.39)
    slider_knob: RGB = (0.98, 0.72, 0.25)
    slider_tick: RGB = (0.62, 0.63, 0.7)

    def on(self, background: RGB8) -> Colours:
        """The colours to draw over `background`: these, or on a light one (a slide's white) the
        dark-on-light counterparts of every colour drawn straight onto it. The caption band, the
        window's panels and the class colours keep theirs: they carry their own backdrop or read on both."""
        if relative_luminance(background) <= 0.5:
            return self if background == self.background else replace(self, background=background)
        return replace(self, background=background, **ON_LIGHT)

    def health_rgb(self, flag: str) -> RGB8:
        return dict(self.health)[flag]

    def curve_rgb(self, name: str) -> RGB:
        return dict(self.curves).get(name, self.other_curve)


@dataclass(frozen=True)
class Fonts:
    hud: FontSize = FontSize(0.024, 9)  # the heads-up line (options.hud_font: HEADS_UP_TEXT its least in a lecture's)
    caption: FontSize = FontSize(0.034, 10)
    label: FontSize = FontSize(LECTURE_FONT)  # block labels, an output's class texts, cloud labels
    # the legends' words (options.legend_font: LEGEND_TEXT its least in a lecture's); the window's
    # bar titles are 1.1 times this
    legend: FontSize = FontSize(LECTURE_FONT)
    panel: FontSize = FontSize(LECTURE_FONT)  # metrics inset and histogram panel
    card_title: FontSize = FontSize(0.07)
    # a card's subtitle (the source line of the end card): 0.048, 52 px fonts and 38 px capitals at
    # 1080p, the hall's least for a text worth reading (0.036 drew 29 px capitals: unreadable from
    # row 20, a lecturer's watch found)
    card_subtitle: FontSize = FontSize(0.048)
    # the window's own text, on the window's height (not scaled with comparison panes): the heads-up
    # line's size (20 px at 820 px high, 52 at 4K)
    hint: FontSize = FontSize(0.024)
    help: FontSize = FontSize(0.024)
    voxel: FontSize = FontSize(0.024)
    health: FontSize = FontSize(0.024)
    slider_tick: FontSize = FontSize(0.024)  # "before", "1", "2", ... under the slider's ticks
    slider_value: FontSize = FontSize(0.024)  # the position's label above the knob
    figure_caption: FontSize = FontSize(0.024)  # the 2D figure panel's caption (its other text is the figure's)


@dataclass(frozen=True)
class Layout:
    legend_top: float = 0.142  # colour legends fill the pane below this
    legend_heading_max: float = 0.118  # the legend title's baseline, at most
    legend_left: float = 0.02
    legend_gap: float = 0.04  # between two legends side by side
    legend_width: float = 0.3  # at full width; a narrower pane widens it up to legend_max_width
    legend_max_width: float = 0.45
    legend_bottom: float = 0.015
    hud_position: tuple[float, float] = (0.012, 0.975)  # its top-left corner
    hud_width: float = 0.97  # the share of the pane a heads-up line fills before it breaks
    caption_x: float = 0.42  # centre of a storyboard caption, which sits just above the legends
    # between the caption's band and the legends' strip under it: 28 px at 1080p, 20 px from the band
    # to the notes' ink (0.008: 6-10 px, the note "front: map 0, others behind" read as a third caption
    # line); more (0.028) put the caption over the input in the mistake's close-up
    caption_gap: float = 0.026
    caption_width: float = 0.52
    band_opacity: float = 0.55  # the caption's dark band at full opacity
    # the training chart: 0.16 of the height holds its titles, a scale's two named ends apart (two
    # lines) and the epochs' tick labels (0.13 left a 45 px chart at 1080p: its 0 unnamed)
    metrics_box: Box = (0.7, 0.02, 0.98, 0.18)
    # a lecture's pictures draw no chart: the notes stand in the strip's right part from its bottom,
    # the colour bars left of it (the longest short note at 40 px capitals takes 0.43 of a 16:9
    # frame's width, 0.52 with its gap and the title-safe margin)
    lecture_notes_left: float = 0.47
    histogram_box: Box = (0.7, 0.19, 0.98, 0.40)  # the selected layer's histogram (the marks' entries above it)
    cloud_legend_x: float = 0.925  # the class legend of feature-space clouds, at the right edge
    cloud_legend_width: float = 0.065
    cloud_entry_height: float = 0.026
    # comparisons: two panes side by side, smaller text, no metrics, a wider histogram
    comparison_text_scale: float = 0.72
    comparison_histogram_box: Box = (0.5, 0.14, 0.98, 0.34)
    # the desktop window: the inset and histogram above the slider in the bottom-right corner
    window_metrics_box: Box = (0.7, 0.13, 0.98, 0.26)
    window_histogram_box: Box = (0.7, 0.3, 0.98, 0.52)
    strip: float = 0.11  # comparison windows: the slider's strip below the two panes
    # the slider's bar ends, under the metrics inset's curves (the same x: the knob under the cursor)
    slider: tuple[tuple[float, float], tuple[float, float]] = ((0.70, 0.075), (0.98, 0.075))
    comparison_slider: tuple[tuple[float, float], tuple[float, float]] = ((0.3, 0.055), (0.7, 0.055))
    # the slider's bar thickness, knob width and height, tick length: fractions of the window height
    slider_bar: FontSize = FontSize(0.005, 3)
    slider_knob: tuple[FontSize, FontSize] = (FontSize(0.011, 7), FontSize(0.022, 14))
    slider_tick: FontSize = FontSize(0.015, 9)  # longer than the knob's lower half: its own tick shows
    figure_box: Box = (0.6, 0.545, 0.985, 0.93)  # the 2D figure panel, above the histogram panel
    # the window's panels sit beside the network: the 3D view keeps clear of their columns
    left_panels_width: float = 0.4  # the most the left column (help, health table, voxel story) takes
    panel_gap: float = 0.012  # between a panel's column and the network
    left_panels_top: float = 0.9  # the left column's first panel, under the heads-up line
    hint_x: float = 0.012
    label_box_opacity: float = 0.92  # block labels' boxes: they never sit on blocks, and read over edges
    top_classes: int = 5  # an output whose rows do not fit legibly lists its most probable classes


def relative_luminance(colour: RGB8) -> float:
    """WCAG's relative luminance of an sRGB colour, 0 (black) to 1 (white)."""
    linear = [(c / 255) / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in colour]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


# Dark counterparts of the colours drawn straight onto the background, for a light background
ON_LIGHT = {
    "text": (28, 28, 34),
    "accent": (0.8, 0.45, 0.0),
    "edge": (0.42, 0.43, 0.5),
    "outline": (95, 98, 112),
    "selected": (0, 0, 0),
    "pulse": (0.85, 0.42, 0.0),
    "panel_frame": (0.55, 0.56, 0.62),
    "panel_title": (0.12, 0.12, 0.15),
    "muted": (0.3, 0.3, 0.36),
    "bar_tops": (0.15, 0.15, 0.2),
    "cursor": (0.0, 0.0, 0.0),
    "curves": (("loss", (0.82, 0.3, 0.1)), ("accuracy", (0.1, 0.45, 0.72))),
    "other_curve": (0.25, 0.25, 0.25),
    "cloud_box": (0.65, 0.66, 0.72),
    "figure_frame": (150, 150, 162),
    "hint": (0.3, 0.3, 0.36),
    "slider_bar": (0.74, 0.74, 0.79),
    "slider_tick": (0.35, 0.35, 0.41),
}


@dataclass(frozen=True)
class Theme:
    colours: Colours = field(default_factory=Colours)
    fonts: Fonts = field(default_factory=Fonts)
    layout: Layout = field(default_factory=Layout)

    def on(self, background: RGB8) -> Theme:
        """This theme drawn over `background` (see Colours.on)."""
        colours = self.colours.on(background)
        return self if colours is self.colours else replace(self, colours=colours)


DEFAULT_THEME = Theme()

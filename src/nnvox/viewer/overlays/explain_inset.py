"""The explained layer's inset (overlays/explain.py): the input patch, the kernel and their products
as coloured grids, each cell's value printed where it fits (in a lecture's picture the patch in
colour only where printing its values too would make every number smaller), the patch's colour scale
with 0 marked (a probe image's black is not 0 after normalisation, and a line says what it is),
and the sum that makes the value, printed so that it adds up (scenes/explain.sum_lines). The grids
are built once per explained layer, then only recoloured."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk

from nnvox.scenes.colour import ColourScale, lut
from nnvox.scenes.explain import Moment, printed, sum_lines
from nnvox.scenes.shots import EXPLAIN_ROOM, EXPLAIN_WIDE_FLOOR, explain_wide
from nnvox.viewer.options import hall_font, lecture_font
from nnvox.viewer.overlays.base import Stage
from nnvox.viewer.overlays.hud import lecture_width as text_width  # measured in a lecture's bold
from nnvox.viewer.overlays.hud import sized_extent
from nnvox.viewer.theme import EXPLAIN_TEXT, HALL_BOLD, TITLE_SAFE

MOST_CHANNELS = 6  # input channels the inset shows a row each; more are summed but not drawn
# the inset's box (x0, y0, x1, y1 of the pane, from the bottom left): right of the blocks (framed in
# the room left of it, shots.explain_pose), clear of the heads-up line above and of the caption,
# legends and loss/accuracy inset below
BOX = (EXPLAIN_ROOM, 0.2, 0.985, 0.91)
# a lecture's: inside title-safe, down to its floor (the legends make way while a layer is explained,
# the caption under the inset at the strip's floor: the inset keeps above its band, fit_cover) and
# up to its top (the heads-up line makes way too)
LECTURE_BOX = (EXPLAIN_ROOM, TITLE_SAFE, 1 - TITLE_SAFE, 1 - TITLE_SAFE)
# what the inset's opaque backing covers: its box and up to the heads-up line and the right edge, so
# the faded blocks after the explained layer (and their labels) never show through or around it
COVER_TOP, COVER_RIGHT = 0.94, 1.0
OPS = {"conv": ("input patch", "kernel", "products"), "linear": ("inputs", "weights", "products")}
LINE = 1.25  # a text line's height, in fonts
CELL_LINE = 1.12  # a printed cell's height, in its font (its digits 0.74 of it, clear of the cell's edges)
BAR_STEPS = 64  # the patch's colour scale drawn as this many steps
WIDEST = "−0.00"  # the widest value a cell prints (two decimals)
# ... in a 16:9 lecture's tables, whose 75 values print at theme.EXPLAIN_TEXT at least: with no
# zero before the point ("−.43", ".92 = 2.70 × .34"), so the patch, the kernel and their products
# all print beside blocks framed large (with the zero the patch and the kernel side by side left
# the blocks a 260 px strip at 1080p; the patch in colour only left no product checkable)
COMPACT_WIDEST = "−.00"
NUMBER_ROOM = (
    "  −0.000"  # the sum's numbers' column, right of its widest words (a space more: "recorded −0.135" ran together)
)
PENDING_LIFT = 0.12  # a value not yet computed: the background this much towards the text's colour, opaque
# the notes under the sum, two kinds apart: what the input's values are ("normalised: black =
# −0.43", input maps not drawn) in the text's colour, then after a gap where the window stands ("on a
# stroke's top edge", "padding reads 0") in the window's colour (a lecturer's watch read "black =
# −0.43, normalised" over "starts at the ink's edge" as one sentence)
NORMALISED = "normalised: black = {}"
SUM_GAP = 0.5  # fonts between the sum's last line and the notes
NOTE_GAP = 0.45  # ... and between the input's notes and the window's
# the sum's first line where the products print values: what the printed cells add to, so the class
# sees both sums at once (watch 8: the 25 rounded products add to 4.00 where the sum said 4.027), said
# to be of the rounded cells (watch 9: "cells add to" and the sum differ by up to 0.04 unexplained)
CELLS_ADD = "rounded cells sum"
SUM_LINES = 4  # the sum's lines at most: the cells' sum, the sum before bias, the bias and the value
# after the products' head where their cells print values (products_head), the longest that fits
# over the grid: each cell is the product of the patch's and the kernel's printed cells, not of the
# exact values (watch 10: "= products, rounded" did not say of what; 2.69 x .20 prints .54, the
# exact product .55); at 16:9 only "of the cells" fits over the grid beside the sum (the inset's
# "rounded cells sum" names the printed numbers cells), at 4:3 "of printed values"; beside a
# colour-only patch (no values printed) ", rounded"
OF_PRINTED = (" of the printed values", " of printed values", " of the cells", ", rounded")
# A patch whose values are not printed (colour only: the kernel's and products' numbers larger,
# ExplainInset._fit) has cells this share of a printed row's height: the sum and the note fit under
# its colour bar above the caption at 1080p
PATCH_SIDE = 0.65
# the sum's words beside a colour-only patch's products, shorter (the box's width less the
# kernel's grid holds "sum of the 25 products" only at 29 px capitals)
SUM_LEFT = 0.3  # a colour-only patch's bar and sum start this many fonts in from the box's left
SHORT_SUM = {"= the value recorded": "= value recorded"}
SUM_BEFORE_BIAS = "sum before bias"  # ... and the products' sum's (sum_words)
# the note's others in a 16:9 band (_banded), on the first's line: shorter ("padding reads 0" fitted
# there only at 33 px capitals)
SHORT_NOTE = {"padding reads 0": "padding = 0"}


def sum_words(lines: list[tuple[str, str]], short: bool) -> list[tuple[str, str]]:
    """The sum's (words, number) lines as the inset prints them: `short`, "sum before bias" (the
    recorded value less the bias, not called exact: scenes/explain.sum_lines) and "= value
    recorded" (the grid's head says how many products, and that they are rounded)."""
    if not short:
        return lines
    shorter = lambda w: SUM_BEFORE_BIAS if w.startswith("sum of the") and w.endswith("products") else w
    return [(SHORT_SUM.get(w, shorter(w)), n) for w, n in lines]


def note_font(options, font: int) -> int:
    """The note's font under the sum ("normalised: black = −0.43", "padding reads 0") beside the
    inset's `font`: that font in a lecture's picture (theme.EXPLAIN_TEXT at least: at a note's 28 px
    capitals a lecturer's watch found them unreadable from row 20), a note's at most in the window's."""
    return font if options.hall else min(font, options.text_size(0.0))


def pending_colour(background, text) -> np.ndarray:
    """The one flat colour of the values not yet computed: nothing of them shows through (a class
    asked why values were there before the window reached them), a little lighter than the
    background so the map's extent reads. The inset's cells that change with the window's position
    are left in it while the window sweeps: no value there belongs to where it is."""
    return (1 - PENDING_LIFT) * np.asarray(background, np.float32) + PENDING_LIFT * np.asarray(text, np.float32)


def moving_grids(family: str) -> tuple[int, ...]:
    """The inset's grids whose values change with the window's position (a convolution's kernel and
    a dense layer's inputs stay the same over the shot's map)."""
    return {"conv": (0, 2), "linear": (1, 2)}.get(family, (0,))


class _Grids:
    """Rectangles of colour on the 2D overlay (grids of cells, a colour bar), laid out once,
    recoloured each frame."""

    def __init__(self, stage: Stage):
        self.colours = np.zeros((0, 3), np.uint8)
        self.mapper = vtk.vtkPolyDataMapper2D()
        self.actor = vtk.vtkActor2D()
        self.actor.SetMapper(self.mapper)
        self.actor.SetVisibility(False)
        stage.overlay.AddViewProp(self.actor)

    def build(self, grids: list[tuple[float, float, int, int, float, float, float]]) -> None:
        """Each grid (x, y of its top-left corner in pixels, rows, cols, cell width and height, the
        gap between cells) as quads, in order."""
        points = []
        for x, y, rows, cols, w, h, gap in grids:
            r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
            x0, y1 = x + c.ravel() * w, y - r.ravel() * h
            corners = [(x0, y1 - h + gap), (x0 + w - gap, y1 - h + gap), (x0 + w - gap, y1), (x0, y1)]
            points.append(np.stack([np.stack([cx, cy, np.zeros_like(cx)], 1) for cx, cy in corners], 1).reshape(-1, 3))
        poly = vtk.vtkPolyData()
        pts = vtk.vtkPoints()
        pts.SetData(numpy_to_vtk(np.vstack(points).astype(np.float32), deep=True))
        poly.SetPoints(pts)
        cells = vtk.vtkCellArray()
        for q in np.arange(pts.GetNumberOfPoints()).reshape(-1, 4):
            cells.InsertNextCell(4, [int(i) for i in q])
        poly.SetPolys(cells)
        self.colours = np.zeros((cells.GetNumberOfCells(), 3), np.uint8)
        self.scalars = numpy_to_vtk(self.colours, deep=False)
        poly.GetCellData().SetScalars(self.scalars)
        self.mapper.SetInputData(poly)
        self.mapper.SetScalarModeToUseCellData()
        self.mapper.SetColorModeToDirectScalars()
        self.actor.SetVisibility(True)

    def paint(self, rgb: np.ndarray) -> None:
        self.colours[:] = rgb
        self.scalars.Modified()


def _rgb(values: np.ndarray, scale: ColourScale) -> np.ndarray:
    return lut(scale.cmap)[scale.quantise(np.asarray(values, np.float32).ravel())]


def cover_box(stage: Stage, box, font: int) -> tuple[float, float, float, float]:
    """The pixels (x0, y0, x1, y1 of the pane) the inset's backing covers: its box with a margin,
    reaching up to COVER_TOP and right to COVER_RIGHT of the pane."""
    x0, y0, x1, y1 = box
    pad = 0.3 * font
    w, h = stage.pane_width, stage.pane_height
    return (x0 - pad, y0 - pad, max(x1 + pad, COVER_RIGHT * w), max(y1 + pad, COVER_TOP * h))


def _backing(stage: Stage) -> tuple[vtk.vtkPlaneSource, vtk.vtkActor]:
    """An opaque panel of the background's colour behind the inset: its grids and text read, and
    nothing behind them shows through (faded blocks, their labels and edges). A 3D quad just inside
    the near plane of the overlay layer, not a 2D actor: a cross-fade blends the 3D picture without
    the text, and the panel must hide what is behind it there too."""
    plane = vtk.vtkPlaneSource()
    mapper = vtk.vtkPolyDataMapper()
    mapper.SetInputConnection(plane.GetOutputPort())
    actor = vtk.vtkActor()
    actor.SetMapper(mapper)
    actor.GetProperty().SetColor(*(c / 255 for c in stage.options.background))
    actor.GetProperty().LightingOff()
    actor.SetVisibility(False)
    stage.overlay.AddActor(actor)
    return plane, actor


NEAR = 0.02  # the panel's depth (0: the near plane, 1: the far one), in front of every label and ray


def _place(plane: vtk.vtkPlaneSource, renderer: vtk.vtkRenderer, cover) -> None:
    """The panel over `cover` (x0, y0, x1, y1 in pixels of the pane) as the camera now sees it."""
    x0, y0, x1, y1 = cover
    at = vtk.vtkCoordinate()
    at.SetCoordinateSystemToViewport()

    def world(x: float, y: float) -> tuple[float, float, float]:
        at.SetValue(x, y, NEAR)
        return at.GetComputedWorldValue(renderer)

    plane.SetOrigin(*world(x0, y0))
    plane.SetPoint1(*world(x1, y0))
    plane.SetPoint2(*world(x0, y1))


def text_actor(stage: Stage, size: int, bold: bool = False, align: str = "left") -> vtk.vtkTextActor:
    actor = vtk.vtkTextActor()
    tp = actor.GetTextProperty()
    tp.SetFontSize(size)
    tp.SetColor(*(c / 255 for c in stage.colours.text))
    tp.SetBold(bold or stage.options.bold)  # every text of a lecture's: theme.HALL_BOLD
    tp.SetVerticalJustificationToTop()
    {"left": tp.SetJustificationToLeft, "right": tp.SetJustificationToRight, "centre": tp.SetJustificationToCentered}[
        align
    ]()
    actor.SetVisibility(False)
    stage.overlay.AddViewProp(actor)
    return actor


def cell_text(value: float, inside: bool, compact: bool = False) -> str:
    """A patch cell's value as printed: two decimals with a true minus sign, never a signed zero (a
    lecturer's class asked what "−0.00" was: a kernel's −0.002 prints "0.00", its colour a faint
    blue), padding (read as 0) as 0; `compact` (COMPACT_WIDEST): no zero before the point, zero as 0."""
    if not inside:
        return "0"
    text = f"{value:.2f}"
    text = "0.00" if text == "-0.00" else text
    if compact:
        text = "0" if text == "0.00" else text.replace("0.", ".", 1) if text.lstrip("-").startswith("0.") else text
    return text.replace("-", "−")


def as_printed(value: float) -> float:
    """`value` as a cell prints it (two decimals)."""
    return float(f"{value:.2f}")


def printed_products(inputs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The products as the inset prints them: of the patch's and the kernel's values as printed, so
    each can be checked on screen (".92 = 2.70 × .34"; of the recorded values they differ by at most
    0.02 in the second decimal; the sum's lines add the recorded values)."""
    shown = np.vectorize(as_printed, otypes=[np.float64])
    return shown(np.asarray(inputs, np.float64)) * shown(np.asarray(weights, np.float64))


class Layout(NamedTuple):
    """Where the inset's grids go: the patch's cell (width, height), the others' cell side, each
    grid's top-left corner, whether cells print their values, at what size, and how many grids do."""

    big: tuple[float, float]
    small: float
    corners: list[tuple[float, float]]
    fits: bool
    cell_font: int
    printed: int  # grids whose cells print their values: 1 (the patch), 2 (and the kernel) or 3 (and the products)
    compact: bool = False  # values printed with no zero before the point (COMPACT_WIDEST)
    beside: bool = False  # the sum's lines and the note beside the products (under the patch), not under them
    patch: tuple[float, float] | None = None  # the patch's cell where it prints no values (colour only)
    band: float = 0.0  # the top (pixels up) of a band under the blocks holding the sum (_banded); 0: none
    aside: float = 0.0  # ... and the left of the patch's scale in it, right of the sum's lines
    after: float = 0.0  # ... and of the note's others ("padding reads 0"), right of its first
    scale_at: tuple[float, float] | None = (
        None  # the patch's scale's left and bottom where not under the patch (_compact)
    )

    @property
    def first(self) -> int:
        """The first grid whose cells print their values: 1 where the patch is colour only."""
        return 0 if self.patch is None else 1


def _stacked(
    box, font: int, grid: tuple[int, int], title: float, sum_width: float, note: int, numbered: bool = True
) -> Layout | None:
    """The patch and the kernel side by side, each cell printing its value at `font` (the patch's
    colour only where not `numbered`: its cells square, as tall as a printed row), and their
    products under the kernel, their head over them. The sum's lines (`sum_width` pixels wide, at
    `font`) and the note (two lines at `note`) stand under the patch's colour bar, left of the
    products, where they fit there (`beside`: the box's height holds no third printed grid over
    them), else under the products; None where the box holds neither. `title`: the title's height
    in pixels."""
    x0, y0, x1, y1 = box
    gr, gc = grid
    op = 1.2 * font  # room for the "×" between the grids
    top = y1 - title - 1.6 * font  # the column heads above
    cell = (text_width(WIDEST, font) + 0.25 * font, CELL_LINE * font)
    patch = cell if numbered else (PATCH_SIDE * cell[1],) * 2
    if gc * (patch[0] + cell[0]) + op > x1 - x0:
        return None
    left = x1 - gc * (patch[0] + cell[0]) - op  # at the box's right: the room to spare left of the sum's lines
    right = left + gc * patch[0] + op
    under = top - gr * cell[1] - 0.4 * font  # the products' head's top
    corners = [(left, top), (right, top), (right, under - (LINE + 0.2) * font)]
    products_bottom = corners[2][1] - gr * cell[1]
    sum_top = top - gr * patch[1] - (3.1 + LINE) * font  # under the patch's colour bar, its title and its "0"
    # a colour-only patch's sum starts at the box's left (its backing reaches 0.3 fonts round it) and
    # ends 0.4 fonts before the products' grid: at 1080p a font's pixel more for the numbers
    start, gap = (left, 0.6 * font) if numbered else (x0 + SUM_LEFT * font, 0.4 * font)
    beside = start + sum_width <= right - gap and sum_top - under_sum(font, note) >= y0
    colour_only = None if numbered else patch
    if beside and products_bottom >= y0:
        return Layout(cell, cell[0], corners, True, font, 3, beside=True, patch=colour_only)
    if numbered and products_bottom - 0.4 * font - under_sum(font, note) >= y0:
        return Layout(cell, cell[0], corners, True, font, 3)
    return None


def _compact(box, font: int, grid: tuple[int, int], title: float, widths: tuple[float, ...]) -> Layout | None:
    """A 16:9 lecture's inset with its 75 values printed at `font` (COMPACT_WIDEST: no zero before
    the point): the patch and the kernel side by side at the box's right, their products under the
    kernel, the sum's lines and the notes (`widths`: the sum's widest, then each note's, in pixels) under the
    patch beside the products, the patch's scale at the box's bottom left under the blocks (framed
    left of the patch, shots.explain_pose). None where the box holds them not."""
    x0, y0, x1, y1 = box
    gr, gc = grid
    op = 1.2 * font  # room for the "×" between the patch and the kernel
    top = y1 - title - 1.6 * font  # the column heads above
    cell = (text_width(COMPACT_WIDEST, font) + 0.25 * font, CELL_LINE * font)
    left = x1 - 2 * gc * cell[0] - op
    right = left + gc * cell[0] + op  # the kernel's and the products' left
    under = top - gr * cell[1] - 0.4 * font  # the products' head's top
    corners = [(left, top), (right, top), (right, under - (LINE + 0.2) * font)]
    start = left - 0.5 * font  # the sum's lines' left: a little left of the patch's
    sum_top = top - gr * cell[1] - 0.6 * font
    # (the notes may reach closer to the products' grid than the sum's numbers: "on a stroke's bottom edge")
    words, *notes = widths
    fits = start + words <= right - 0.3 * font and start + max(notes, default=0.0) <= right - 0.1 * font
    fits = fits and sum_top - under_sum(font, font) >= y0
    scale_at = (x0, y0 + 1.9 * font)  # its ends' and title's room over it, its "0" under it
    fits = fits and corners[2][1] - gr * cell[1] >= y0 and x0 + 2 * bar_ends(font) + 4 * font <= start - 0.5 * font
    if not fits:
        return None
    return Layout(cell, cell[0], corners, True, font, 3, True, beside=True, scale_at=scale_at)


def bar_ends(font: int) -> float:
    """The room either side of the patch's colour bar for its ends' values ("−0.43", "2.82")."""
    return max(text_width(printed(-999, 2), font), text_width(printed(9999, 2), font)) + 0.3 * font


def _banded(box, font: int, grid: tuple[int, int], title: float, widths: tuple[float, ...], band: float):
    """A 16:9 lecture's inset (the blocks framed large over the left of the frame, shots.explain_pose):
    the patch (colour only) times the kernel, their products under the kernel, in a column at the
    box's right, each kernel and product cell printing its value at `font`; under the blocks a band
    from `band` pixels up down to the box's bottom: the sum's lines, the patch's scale right of them,
    the note's first under them and its others ("padding reads 0") right of it on its line
    (`widths`: the sum's lines', the note's first's and its others', in pixels). None where the box
    holds them not."""
    x0, y0, x1, y1 = box
    gr, gc = grid
    op = 1.2 * font  # room for the "×" between the patch and the kernel
    top = y1 - title - 1.6 * font  # the column heads above
    cell = (text_width(WIDEST, font) + 0.25 * font, CELL_LINE * font)
    patch = (PATCH_SIDE * cell[1],) * 2
    left = x1 - gc * (patch[0] + cell[0]) - op
    right = left + gc * patch[0] + op  # the kernel's and the products' left
    under = top - gr * cell[1] - 0.4 * font  # the products' head's top
    corners = [(left, top), (right, top), (right, under - (LINE + 0.2) * font)]
    aside, after = x0 + widths[0] + 0.8 * font, x0 + widths[1] + 0.8 * font
    end = right - 0.6 * font  # clear of the products' grid
    fits = end - aside >= 2 * bar_ends(font) + 1.2 * font and end - after >= widths[2]
    if not fits or band - under_sum(font, font, 1) < y0 or corners[2][1] - gr * cell[1] < y0:
        return None
    return Layout(cell, cell[0], corners, True, font, 3, beside=True, patch=patch, band=band, aside=aside, after=after)


def _layout(box, font: int, heads: list[str], rows: int, grid: tuple[int, int], below: float, title: float):
    """The grids' cells and corners: `heads` columns side by side (patch, kernel, products), `rows`
    of them (one an input channel), between `title` pixels of title and `below` pixels of lines
    under them. The patch's cells are as wide as their printed values and as tall as the room
    allows, never taller than wide, where a value's line fits (one row, the others' cells at least
    a sixth of its height); otherwise all cells alike and square. Returns the patch's cell
    (width, height), the others' cell, each grid's top-left corner, and whether the values are printed."""
    x0, y0, x1, y1 = box
    gr, gc = grid
    op = 1.6 * font  # room for the "×" and "=" between grids
    top, bottom = y1 - title - 1.6 * font, y0 + below  # the title and column heads above
    columns = len(heads)
    room = x1 - x0 - op * (columns - 1)
    plain = min(room / (columns * gc), (top - bottom) / (gr * (rows * 1.12 - 0.12)))
    wide = text_width(WIDEST, font) + 0.5 * font
    tall = min(wide, (top - bottom) / gr)
    fits = rows == 1 and tall >= LINE * font
    big = (wide, tall) if fits else (plain, plain)
    small = (room - gc * big[0]) / max((columns - 1) * gc, 1) if columns > 1 else big[1]
    if fits and columns > 1 and small < big[1] / 6:
        big, small, fits = (plain, plain), plain, False
    small = min(small, big[1])
    widths = [max(gc * (big[0] if k == 0 else small), text_width(h, font)) for k, h in enumerate(heads)]
    spread = sum(widths) + op * (columns - 1)
    left = x0 + (x1 - x0 - spread) / 2 if spread <= x1 - x0 else x1 - spread  # wider: its right end in the box
    xs = [left + sum(widths[:k]) + op * k for k in range(columns)]
    middle = [0.0] + [gr * (big[1] - small) / 2] * (columns - 1)  # the smaller grids level with the patch's middle
    corners = [(xs[k], top - j * gr * big[1] * 1.12 - middle[k]) for j in range(rows) for k in range(columns)]
    return Layout(big, small, corners, fits, font, 1)


class ExplainInset:
    """The 2D part: the patch, kernel and products grids, their heads and values, the patch's
    colour scale, and the sum."""

    def __init__(self, stage: Stage):
        self.stage = stage
        # the explaining shot's subject: its title at the subject's size, its heads, numbers and sum
        # at a label's where they fit (the lecture's least where not: a frame narrower than 16:9),
        # the note under them at a note's
        self.title_font = stage.options.subject_font()
        font = self.font = stage.options.hall_text(0.0)
        w, h = stage.pane_width, stage.pane_height
        x0, y0, x1, y1 = LECTURE_BOX if stage.options.hall else BOX
        # a lecture at 16:9: the whole frame inside title-safe, the blocks framed large in its upper
        # left (shots.explain_pose), the tables in a column at the right and the sum in a band under
        # the blocks (_banded)
        self.wide = stage.options.hall and explain_wide(w / h)
        x0 = TITLE_SAFE if self.wide else x0
        self.box = (x0 * w, y0 * h, x1 * w, y1 * h)
        self.tables_left = self.box[0]  # the tables' left edge (pixels): the blocks end left of it
        # a lecture's title starts at the frame's title-safe edge, over the blocks (it names the map
        # and its layer: "conv1: map 0, row 6, column 18 · 187 of 784 computed" on one line, the
        # grids' numbers the room under it); the window's at the box's left
        self.title_left = TITLE_SAFE * w if stage.options.hall else None
        self.cover = cover_box(stage, self.box, font)
        self._plane, self.band = _backing(stage)
        self.grids = _Grids(stage)
        self.title = text_actor(stage, self.title_font, bold=True)
        self.words, self.numbers = text_actor(stage, font), text_actor(stage, font, align="right")
        self.note = text_actor(stage, note_font(stage.options, font))
        # where the window stands, in its colour: under the input's notes (a band's: right of them, _banded)
        self.aside = text_actor(stage, note_font(stage.options, font))
        self.aside.GetTextProperty().SetColor(*stage.colours.accent)
        self.note_at, self.layout_after = (0.0, 0.0), 0.0  # the notes' top left; a band's window notes' left
        self.sum_rows = SUM_LINES - 1  # the sum's lines: with the cells' sum where the products print values
        self.beside = False  # the sum and the note stand under the patch, beside the products
        self.heads = [text_actor(stage, font) for _ in range(3)]
        self.ops = [text_actor(stage, round(font * 1.3), bold=True) for _ in range(2)]
        self.ends = [text_actor(stage, font, align=a) for a in ("right", "left", "centre")]  # lo, hi, "0"
        self.scale_title = text_actor(stage, font)  # what the values are (Moment.reads) over the scale, with room
        self.values: list[vtk.vtkTextActor] = []
        self.built = None
        self.floor = 0.0  # the caption band's top where it reaches under the inset (pixels): its texts stay above
        self._shown: tuple | None = None  # what show() was last given, to lay the inset out again above a caption
        self.sweeping = False  # the window sweeps between stops (the title names the next; every number printed)
        self.first = 0  # the first grid whose cells print their values (1: the patch colour only, Layout.first)
        self.key_room: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom: free beside the patch
        self.banded = False  # the patch and the sum in a band under the blocks (_banded)
        self.compact = False  # the values printed with no zero before the point (COMPACT_WIDEST)
        self.scale_top = 0.0  # the patch's scale's top, with its title (pixels up)
        self.band_top = 0.0  # ... its top (pixels up)

    @property
    def actors(self) -> list[vtk.vtkProp]:
        fixed = [self.band, self.grids.actor, self.title, self.words, self.numbers, self.note, self.aside]
        return [*fixed, *self.heads, *self.ops, *self.ends, self.scale_title, *self.values]

    def hide(self) -> None:
        for a in self.actors:
            a.SetVisibility(False)

    @property
    def shown(self) -> bool:
        return bool(self.band.GetVisibility())

    def fit_cover(self, left: float, below: tuple[float, float, float, float] | None) -> None:
        """Reach the backing left to `left` (pixels of the pane: just right of the framed blocks, so
        no sliver of the next block shows beside it) and keep its bottom edge above `below` (the
        caption's band) where the two would overlap, so it never covers a caption line."""
        x0, y0, x1, y1 = self.cover
        # (a band's blocks stand large left of the tables' column: the backing covers the column only)
        x0 = x0 if self.banded or self.compact else min(x0, max(left, 0.5 * self.stage.pane_width))
        if below is not None and below[2] > x0 and below[0] < x1 and below[3] > y0:
            y0 = max(y0, below[3] + 1)
        _place(self._plane, self.stage.renderer, (x0, y0, x1, y1))
        # a long caption reaching above the inset's bottom: its grids and lines laid out again above it
        floor = below[3] if below is not None and below[2] > self.box[0] and below[3] > self.box[1] else 0.0
        if floor != self.floor:
            self.floor, self.built = floor, None
            if self._shown is not None:
                self.show(*self._shown)

    def _build(self, m: Moment) -> None:
        s = m.step
        heads = list(OPS.get(s.family, (f"{s.family} of the window",)))[: 1 if s.weights is None else 3]
        if s.family == "linear":
            n = len(s.inputs)
            gc = int(np.ceil(np.sqrt(n)))
            grid, rows = (int(np.ceil(n / gc)), gc), 1
        else:
            grid, rows = s.inputs.shape[1:], min(len(s.inputs), MOST_CHANNELS)
        f, lines, lay = self._fit(m, heads, rows, grid)
        big, small, corners, fits = lay.big, lay.small, lay.corners, lay.fits
        columns = len(heads)
        x = corners[0][0]
        start, bar_x, bar_w, bar_y = _bar(lay, grid, columns, self.box[0], f)
        quads = [
            (cx, cy, *grid, *c, max(1.0, min(c) * 0.08))
            for k, (cx, cy) in enumerate(corners)
            for c in [
                lay.patch if k == 0 and lay.patch else big if k % columns == 0 or k < lay.printed else (small, small)
            ]
        ]
        quads += [
            (bar_x, bar_y, 1, BAR_STEPS, bar_w / BAR_STEPS, 0.5 * f, 0.0),
            (bar_x, bar_y + 0.15 * f, 1, 1, 2, 0.8 * f, 0),
        ]
        self.grids.build(quads)
        self.layout = (rows, columns, grid, (bar_x, bar_w, bar_y), fits, lay.printed)
        self.title_lines = lines
        _place_heads(self.heads, self.ops, heads, lay, grid, f)
        lo, hi, zero = self.ends
        titled = lay.scale_at is not None or not lay.band  # (a band's scale stands right of the sum: no room over it)
        self.scale_top = _place_scale(self.ends, self.scale_title, (bar_x, bar_w, bar_y), titled, f)
        # a colour-only patch leaves room left of it, under the heads and over the bar's ends: the
        # key to the map's covered rows where they have no room for it (overlays/explain.py)
        heads_bottom = corners[0][1] + LINE * f - 1.3 * f  # the heads' line, top-justified over the grids
        self.key_room = (
            (start, min(corners[0][1], heads_bottom), x - 0.6 * f, self.scale_top)
            if lay.patch is not None and not lay.band
            else None
        )
        self.title.SetPosition(self._title_x(f), self.box[3] - 0.2 * self.title_font)
        left, text_top = _sum_at(lay, grid, start, bar_y, self.box[0], f)
        self._band(lay, grid, f)
        self.words.SetPosition(left, text_top)
        self.sum_rows = SUM_LINES if lay.fits and lay.printed == 3 and s.weights is not None else SUM_LINES - 1
        self.note_at = (left, text_top - lines_height(self.sum_rows, f) - SUM_GAP * f)
        self.note.SetPosition(*self.note_at)
        self.beside = lay.beside
        self.first = lay.first  # the grids from this one on print their values
        self.compact = lay.compact
        _place_values(self, corners[lay.first : lay.printed], big, grid, fits, lay.cell_font)
        for a in (self.band, self.grids.actor, self.title, self.words, self.numbers, lo, hi, zero):
            a.SetVisibility(True)
        self.built = (m.layer, s.inputs.shape)

    def _band(self, lay: Layout, grid: tuple[int, int], font: int) -> None:
        """A band layout's (_banded) note's others on the note's line, the tables' left edge (their
        patch's head, which ends at the patch's right: _head_place) and the backing over the
        tables' column only (the blocks stand large left of it)."""
        self.banded, self.band_top, self.layout_after = bool(lay.band), lay.band, lay.after
        self.aside.SetVisibility(False)
        self.tables_left = self.box[0]
        if lay.compact:  # the tables at the box's right, the blocks left of them (the sum under the patch)
            self.tables_left = lay.corners[0][0] - 0.8 * font  # (the sum's lines start 0.5 fonts left of it)
            self.cover = cover_box(self.stage, (self.tables_left, *self.box[1:]), font)
        if self.banded:
            head = text_width(self.heads[0].GetInput() or "", font)
            x = lay.corners[0][0]
            self.tables_left = min(x, x + grid[1] * lay.patch[0] - head) - 0.3 * font
            self.cover = cover_box(self.stage, (self.tables_left, *self.box[1:]), font)

    def _title_x(self, font: int) -> float:
        """The title's left edge (pixels of the pane) beside the inset's `font`."""
        return self.title_left if self.title_left is not None else self.box[0] + 0.5 * font

    def _fit(self, m: Moment, heads: list[str], rows: int, grid: tuple[int, int]):
        """The inset's font (its heads', numbers' and sum's: a label's, else down to a note's where
        the printed grids fit only at that, else the lecture's least: a frame narrower than 16:9),
        its title's lines and its layout."""
        options = self.stage.options
        least = lecture_font(options.height)
        noted = lambda size: note_font(options, size)
        room = lambda size: self.box[2] - self._title_x(size)
        tf = self.stage.options.subject_font()
        while tf > least and max(text_width(t, tf, bold=True) for t in _titles(m)) > room(tf):
            tf -= 1  # a frame narrower than 16:9: the title's longest line as wide as the inset
        self.title_font = tf
        self.title.GetTextProperty().SetFontSize(tf)
        lines = 2 if text_width(heading_words(m, widest=True), tf, bold=True) > room(tf) else 1
        title = (0.2 + LINE * lines) * tf
        one_map = m.step.family == "conv" and rows == 1 and len(m.step.inputs) == 1  # all three grids printed
        # a 16:9 lecture's numbers never under theme.EXPLAIN_TEXT (fitting dropped them to 32 px capitals);
        # narrower, down to the lecture's least where the tables fit only so (4:3: 28 px capitals)
        floor = hall_font(options.height, EXPLAIN_TEXT) if self.wide else least
        sizes = list(range(options.hall_text(0.0), floor - 1, -1)) if one_map else [options.hall_text(0.0)]
        f, layout = _arrange(self, m, grid, title, sizes, one_map)
        if layout is None:
            below = 3.1 * f + under_sum(f, note_font(options, f), sums=SUM_LINES - 1)  # (no cells printed)
            layout = _layout(self._above_caption(f), f, heads, rows, grid, below, title)
        if f != self.font:
            self.font = f
            for a in (self.words, self.numbers, *self.heads, *self.ends, self.scale_title, *self.values):
                a.GetTextProperty().SetFontSize(f)
            self.note.GetTextProperty().SetFontSize(noted(f))
            self.aside.GetTextProperty().SetFontSize(noted(f))
            for a in self.ops:
                a.GetTextProperty().SetFontSize(round(f * 1.3))
        return f, lines, layout

    def _above_caption(self, font: int) -> tuple[float, float, float, float]:
        """The inset's box, its bottom above the caption's band where that reaches under it."""
        return (*self.box[:1], max(self.box[1], self.floor + 0.3 * font), *self.box[2:])

    def show(self, m: Moment, input_scale: ColourScale | None, note: str = "") -> None:
        """The step `m` stands on, its numbers shown Moment.legible; while its window sweeps between
        stops, the numbers of each position it passes (watch 9: six seconds of "–" tables under a
        band across the map), the title naming the next stop."""
        self._shown = (m, input_scale, note)
        self.sweeping = m.sweeping
        s = m.step
        if self.built != (m.layer, s.inputs.shape):
            self._build(m)
        rows, _, _, bar, fits, grids = self.layout
        input_scale = input_scale or m.input_scale or ColourScale.robust(0.0, 1.0)  # fixed over the shot
        self._paint(m, input_scale)
        self._scale(input_scale, bar)
        if fits:
            self._print_cells(s, grids, m.legible)
        title = heading_words(m)
        self.title.SetInput(title.replace(BREAK, "\n") if self.title_lines == 2 else title)
        self.title.GetTextProperty().SetOpacity(m.titled)  # its words fade out before they change, in after
        self.scale_title.SetInput(m.reads)
        lines = sum_words(sum_lines(s), short=self.first > 0 or self.compact)
        if self.sum_rows == SUM_LINES:  # what the printed cells add to, first
            lines = [(CELLS_ADD, cells_total(s)), *lines]
        self.words.SetInput("\n".join(w for w, _ in lines))
        self.numbers.SetInput("\n".join(n for _, n in lines))
        self.numbers.GetTextProperty().SetOpacity(m.legible)
        widest = max(text_width(w, self.font) for w, _ in lines) + text_width(NUMBER_ROOM, self.font)
        self.numbers.SetPosition(self.words.GetPosition()[0] + widest, self.words.GetPosition()[1])
        said, placed = _notes(m, len(s.inputs) - rows if s.family == "conv" else 0)
        _place_notes(self, said + ([note.strip()] if note.strip() else []), placed)

    def _print_cells(self, s, grids: int, legible: float) -> None:
        """Each printed cell's value (the patch's, then the kernel's and the products'), in white or
        near-black as reads on its colour, those that change with the position shown `legible`
        (0 to 1), those of each position a sweep passes too."""
        inside = s.inside.reshape(-1) if s.family != "linear" else np.ones(s.inputs.size, bool)
        values = [s.inputs.reshape(-1)]
        if grids > 1:  # the products of the values as printed: each checkable on screen
            values += [s.weights.reshape(-1), printed_products(s.inputs, s.weights).reshape(-1)]
        moving = moving_grids(s.family)
        cells = len(values[0])
        for k, text in enumerate(self.values[: cells * (grids - self.first)]):
            g, i = divmod(k + cells * self.first, cells)  # (a colour-only patch prints nothing: from the kernel on)
            text.SetInput(cell_text(float(values[g][i]), bool(inside[i]) or g == 1, self.compact))
            dark = float(np.dot(self.rgb[0, g, i], (0.3, 0.59, 0.11))) < 128
            text.GetTextProperty().SetColor(*((1, 1, 1) if dark else (0.08, 0.08, 0.1)))
            text.GetTextProperty().SetOpacity(legible if g in moving else 1.0)

    def _paint(self, m: Moment, input_scale: ColourScale) -> np.ndarray:
        """Colour the grids (those that change with the position: Moment.legible of the way from the
        pending colour); returns the first row's patch colours as they stand (a cell's text reads on them)."""
        s = m.step
        rows, columns, grid, *_ = self.layout
        size = grid[0] * grid[1]
        parts = [(np.where(s.inside, s.inputs, 0.0), input_scale)]  # padding reads 0, coloured as 0
        if s.weights is not None:
            products = ColourScale(-m.product_limit, m.product_limit, "diverging", True)
            parts += [
                (s.weights, ColourScale(-m.weight_limit, m.weight_limit, "diverging", True)),
                (s.products, products),
            ]
        rgb = np.zeros((rows, columns, size, 3), np.uint8)
        for k, (values, scale) in enumerate(parts):
            flat = np.full((rows, size), np.nan, np.float32)
            v = values.reshape(-1, values.shape[-1] * (values.shape[-2] if values.ndim > 1 else 1))[:rows]
            flat[: len(v), : v.shape[1]] = v
            rgb[:, k] = _rgb(flat, scale).reshape(rows, size, 3)
        if s.chosen is not None:  # a max pool: the other values of the window fade, the largest stands out
            keep = np.zeros(size, bool)
            keep[np.ravel_multi_index(s.chosen[1:], grid)] = True
            rgb[:, 0, ~keep] = rgb[:, 0, ~keep] // 3 + np.asarray(self.stage.options.background, np.uint8) // 2
        self.rgb = rgb
        shown = rgb.astype(np.float32)
        moving = [g for g in moving_grids(s.family) if g < columns]
        pending = pending_colour(self.stage.options.background, self.stage.colours.text)
        share = m.legible
        shown[:, moving] = share * shown[:, moving] + (1 - share) * pending
        self.shown_rgb = np.round(shown).astype(np.uint8)
        return rgb[0, 0]

    def _scale(self, scale: ColourScale, bar) -> None:
        """The patch's colour bar from its scale's low end to its high, a tick and "0" where 0 is."""
        bar_x, bar_w, _ = bar
        steps = np.linspace(scale.lo, scale.hi, BAR_STEPS, dtype=np.float32)
        tick = np.asarray(self.stage.colours.text, np.uint8)[None]
        self.grids.paint(np.vstack([self.shown_rgb.reshape(-1, 3), _rgb(steps, scale), tick]))
        lo, hi, zero = self.ends
        lo.SetInput(printed(round(scale.lo * 100), 2))
        hi.SetInput(printed(round(scale.hi * 100), 2))
        where = min(max((0.0 - scale.lo) / ((scale.hi - scale.lo) or 1.0), 0.0), 1.0)
        x = bar_x + where * bar_w
        zero.SetInput("0")
        zero.SetPosition(x, zero.GetPosition()[1])
        _tick_at(self.grids, x)


def _arrange(inset: ExplainInset, m: Moment, grid: tuple[int, int], title: float, sizes: list[int], one_map: bool):
    """The largest of `sizes` and the layout the inset's grids fit at it: at 16:9 in a lecture's
    picture the tables' column and the sum's band under the blocks (_banded) at any size first
    (the blocks stand large only there), else every value printed (_stacked), else the patch in
    colour only (its bar's ends and the note say black's and white's values); (sizes[-1], None)
    where none fits."""
    noted = lambda size: note_font(inset.stage.options, size)
    # (the band at any size first; then at each size every value printed, else the patch colour only)
    # (16:9: every value printed with no zero before the point first, then the band's colour-only patch)
    numbering = (True, False) if inset.stage.options.hall else (True,)
    tries = [(kind, True, f) for kind in ("compact", "band") for f in sizes] if inset.wide else []
    tries += [("stacked", numbered, f) for f in sizes for numbered in numbering]
    for kind, numbered, f in tries if one_map else ():
        box = inset._above_caption(f)
        said = [*sum_words(sum_lines(m.step), short=kind != "stacked" or not numbered), (CELLS_ADD, "")]
        inputs, _ = _notes(m, 0)
        window = [*m.places, "padding reads 0"]
        words = max(text_width(w, f) for w, _ in said) + text_width(NUMBER_ROOM, f)
        if kind == "compact":
            layout = _compact(box, f, grid, title, (words, *(text_width(p, noted(f)) for p in [*inputs, *window])))
        elif kind == "band":
            aside = max(text_width(SHORT_NOTE.get(p, p), noted(f)) for p in window)
            band = EXPLAIN_WIDE_FLOOR * inset.stage.pane_height - 0.2 * f
            first = max((text_width(p, noted(f)) for p in inputs), default=0.0)
            layout = _banded(box, f, grid, title, (words, first, aside), band)
        else:
            wide = max(words, *(text_width(part, noted(f)) for part in [*inputs, *window]))
            layout = _stacked(box, f, grid, title, wide, noted(f), numbered)
        if layout is not None:
            return f, layout
    return sizes[-1], None


def _sum_at(lay: Layout, grid: tuple[int, int], start: float, bar_y: float, box_left: float, f: int):
    """Where the sum's lines start (left, top in pixels): under the patch's scale (under the
    products' grid too where not beside it), in a band under the blocks (_banded), or under the
    patch beside the products (_compact)."""
    corners, big = lay.corners, lay.big
    text_top = bar_y - 0.75 * f - LINE * f - 0.3 * f
    if lay.printed > 1 and not lay.beside:  # under the products' grid too
        text_top = min(text_top, corners[2][1] - grid[0] * big[1] - 0.4 * f)
    left = start if lay.beside else box_left + 0.5 * f
    if lay.band:  # in the band under the blocks
        left, text_top = box_left, lay.band
    if lay.compact:  # under the patch, beside the products (_compact)
        left, text_top = corners[0][0] - 0.5 * f, corners[0][1] - grid[0] * big[1] - 0.6 * f
    return left, text_top


def _place_notes(inset: ExplainInset, said: list[str], placed: list[str]) -> None:
    """The input's notes under the sum, a line each, and the window's in its colour: under them
    after NOTE_GAP (a band's: right of the first, on its line, shorter)."""
    x, y = inset.note_at
    inset.note.SetInput("\n".join(said))
    inset.note.SetVisibility(bool(said))
    size = inset.note.GetTextProperty().GetFontSize()
    if inset.banded:
        inset.aside.SetInput("\n".join(SHORT_NOTE.get(p, p) for p in placed))
        inset.aside.SetPosition(inset.layout_after, y)
    else:
        inset.aside.SetInput("\n".join(placed))
        inset.aside.SetPosition(x, y - (lines_height(len(said), size) + NOTE_GAP * size if said else 0.0))
    inset.aside.SetVisibility(bool(placed))


def _place_values(
    inset: ExplainInset, corners, cell: tuple[float, float], grid: tuple[int, int], fits: bool, size: int
) -> None:
    """A text a cell (width, height) of each grid at `corners`, centred in it, `size` pixels,
    where the values fit."""
    for a in inset.values:
        a.SetVisibility(False)
    if not fits:
        return
    cells = grid[0] * grid[1]
    while len(inset.values) < cells * len(corners):
        inset.values.append(text_actor(inset.stage, size, align="centre"))
    for k in range(cells * len(corners)):
        g, (r, c) = k // cells, divmod(k % cells, grid[1])
        text = inset.values[k]
        text.GetTextProperty().SetVerticalJustificationToCentered()
        text.GetTextProperty().SetFontSize(size)
        text.SetPosition(corners[g][0] + (c + 0.46) * cell[0], corners[g][1] - (r + 0.46) * cell[1])
        text.SetVisibility(True)


def _bar(lay: Layout, grid: tuple[int, int], columns: int, left: float, f: int) -> tuple[float, ...]:
    """Where the patch's colour scale goes: the left of the sum's lines under it (a colour-only
    patch's reach left to the box's `left` edge: its grid is narrow), the bar's left, width and top
    (under the patch, as wide as its grid less its ends' labels; in a band right of the sum's
    lines, clear of the products' column)."""
    x, big = lay.corners[0][0], lay.big
    tall = big[1] if lay.patch is None else lay.patch[1]  # the patch's cells' height
    grid_bottom = lay.corners[0 if lay.printed > 1 else -1 if columns == 1 else -columns][1] - grid[0] * tall
    span = grid[1] * (big[0] if lay.patch is None else lay.patch[0])
    ends = bar_ends(f)
    start = x if lay.patch is None else left + SUM_LEFT * f
    if lay.scale_at is not None:  # at the box's bottom left, under the blocks (_compact)
        return start, lay.scale_at[0] + ends, 4 * f, lay.scale_at[1]
    if lay.band:  # (at least 1.2 fonts wide: _banded)
        return (
            start,
            lay.aside + ends,
            min(4 * f, lay.corners[2][0] - 0.6 * f - 2 * ends - lay.aside),
            lay.band - 0.3 * f,
        )
    return (
        start,
        start + ends,
        max(x + span - start - 2 * ends, 4 * f),
        grid_bottom - (0.8 + LINE) * f,
    )  # its title over it


def _place_scale(ends, title, bar: tuple[float, float, float], titled: bool, f: int) -> float:
    """The scale's ends' texts (low, high, "0") round the bar (its left, width and top) and its
    title over them where `titled`; returns the scale's top (pixels up)."""
    bar_x, bar_w, bar_y = bar
    lo, hi, zero = ends
    lo.SetPosition(bar_x - 0.3 * f, bar_y + 0.3 * f)
    hi.SetPosition(bar_x + bar_w + 0.3 * f, bar_y + 0.3 * f)
    zero.SetPosition(bar_x, bar_y - 0.75 * f)
    title.SetPosition(bar_x - bar_ends(f), bar_y + 0.3 * f + LINE * f)  # over its ends' line
    title.SetVisibility(titled)
    return bar_y + 0.3 * f + (LINE + 0.2) * f


def _tick_at(grids: _Grids, x: float) -> None:
    """Move the zero tick (the last quad) to pixel column `x`."""
    points = grids.mapper.GetInput().GetPoints()
    n = points.GetNumberOfPoints()
    for k in range(n - 4, n):
        py = points.GetPoint(k)[1]
        points.SetPoint(k, x - 1 + (2 if k in (n - 3, n - 2) else 0), py, 0)
    points.Modified()


def _place_heads(texts, ops, heads: list[str], lay: Layout, grid: tuple[int, int], f: int) -> None:
    """Each grid's head (`texts`) over it and the "×" and "=" (`ops`) left of the kernel's and
    products' grids, at their middle."""
    columns = len(heads)
    for k, text in enumerate(texts):
        text.SetVisibility(k < columns)
        if k < columns:
            text.SetInput(heads[k])
            *at, justify = _head_place(lay, grid, k, f)  # over its grid
            text.SetPosition(*at)
            text.GetTextProperty().SetJustification(justify)
    if columns == 3:
        texts[2].SetInput(products_head(heads[2], lay, grid, f))
    for k, op in enumerate(ops):
        op.SetVisibility(columns == 3 and not (k == 1 and lay.beside))
        if columns == 3:
            op.SetInput("×" if k == 0 else "=")
            x, level = lay.corners[k + 1][0], lay.corners[k + 1 if lay.printed > 1 else 0][1]
            tall = grid[0] * (lay.small if k == 1 and lay.printed == 2 else lay.big[1])
            op.SetPosition(x - 1.15 * f, level - tall / 2 + 0.6 * f)


def products_head(head: str, lay: Layout, grid: tuple[int, int], f: int) -> str:
    """The products' grid's head: "=" in it where the sum's numbers stand left of the grid (beside),
    and the longest of OF_PRINTED that fits over the grid where its cells print their values (each
    cell is the product of the printed values, rounded: the 25 shown add to 2.95 where the sum
    before bias reads 2.984, and a lecturer's class checks both)."""
    head = f"= {head}" if lay.beside else head
    if not (lay.fits and lay.printed == 3):
        return head
    said = OF_PRINTED if lay.first == 0 else OF_PRINTED[-1:]  # a colour-only patch prints no values
    return next((head + w for w in said if text_width(head + w, f) <= grid[1] * lay.small), head)


def _head_place(lay: Layout, grid: tuple[int, int], k: int, f: int) -> tuple[float, float, int]:
    """Where grid `k`'s head stands (x, y) and its vtk justification: starting over the grid's
    left, a colour-only patch's ending at its narrow grid's right (it ran into "kernel")."""
    x, y = lay.corners[k]
    if k == 0 and lay.patch is not None:
        return x + grid[1] * lay.patch[0], y + LINE * f, vtk.VTK_TEXT_RIGHT
    return x, y + LINE * f, vtk.VTK_TEXT_LEFT


BREAK = " · "  # between the title's where and the count computed: a line break where too wide


def heading_words(m: Moment, widest: bool = False) -> str:
    """`conv1: map 0, row 12, column 12 · 349 of 784 computed`; `widest`: with as many digits in each
    number as it can have over the shot (the title's width over the shot, to lay out by). Rows,
    columns, maps and units count from 0, as PyTorch indexes and as every shot numbers maps, kernels
    and classes; how far the map is computed is a count of values ("(183 of 0–783)" read oddly to a
    lecturer, and "row 6, column 15 · position 184" read as mixed counting: 6 × 28 + 15 = 183)."""
    s = m.step
    if m.sweeping and not widest:  # sweeping between stops: where to, not where now
        if s.family == "linear":
            return f"{m.layer}: on to unit {m.total - 1}"
        where = f"{m.layer}: map {s.position[0]}"
        if m.heading is not None:
            return f"{where}, sliding to row {m.heading[1]}, column {m.heading[2]}"
        return f"{where}, sliding to its last value" if m.done < m.total else f"{where}: all {m.total} values computed"
    most = lambda n: "8" * len(str(n))
    if widest:
        at = (most(m.total - 1),) if s.family == "linear" else (s.position[0], most(m.grid[0] - 1), most(m.grid[1] - 1))
        count = most(m.total)
    else:
        at, count = s.position, m.done
    where = f"unit {at[0]}" if s.family == "linear" else f"map {at[0]}, row {at[1]}, column {at[2]}"
    return f"{m.layer}: {where}{BREAK}{count} of {m.total} computed"


def _titles(m: Moment) -> list[str]:
    """The title's longest lines over the shot (widest digits): where the window stands (its
    position on a line of its own where too wide), where it slides to, and the map computed."""
    where = f"{m.layer}: map {m.step.position[0]}"
    return [
        heading_words(m, widest=True).split(BREAK)[0],
        f"{where}, sliding to row {'8' * len(str(m.grid[0] - 1))}, column {'8' * len(str(m.grid[1] - 1))}",
        f"{where}: all {m.total} values computed",
    ]


def _notes(m: Moment, hidden: int) -> tuple[list[str], list[str]]:
    """The notes under the sum, two kinds: what the input's values are (a black pixel is not 0: the
    images are normalised; the input maps summed but not drawn) and where the window stands (on a
    stroke's edge, where its patch shows one; reading padding)."""
    s = m.step
    said, placed = [], []
    if m.black is not None:
        said.append(NORMALISED.format(printed(round(m.black * 100), 2)))
    if hidden > 0:
        said.append(f"{hidden} more input maps summed, not drawn")
    if m.before is not None:  # the first position: what is done already, its where from the next on
        placed.append(m.before)
    elif m.where is not None:
        placed.append(m.where)
    if not s.inside.all() and not m.sweeping:  # (sweeping: where it lands, not where it passes)
        placed.append("padding reads 0")
    return said, placed


def lines_height(lines: int, size: int) -> float:
    """How tall `lines` lines of text at `size` pixels are drawn (vtk's line pitch, a lecture's bold)."""
    return float(sized_extent("\n".join(["Ag"] * lines), size, bold=HALL_BOLD)[1]) if lines else 0.0


def under_sum(font: int, note: int, notes: int = 2, sums: int = SUM_LINES) -> float:
    """The height `sums` lines of the sum at `font` and `notes` notes under them at `note` take, gaps and all."""
    return lines_height(sums, font) + SUM_GAP * font + lines_height(notes, note) + max(notes - 1, 0) * NOTE_GAP * note


def cells_total(s) -> str:
    """What the products' printed cells (2 decimals each) add up to, printed to 2 decimals."""
    cents = sum(round(as_printed(float(p)) * 100) for p in printed_products(s.inputs, s.weights).ravel())
    return printed(cents, 2)

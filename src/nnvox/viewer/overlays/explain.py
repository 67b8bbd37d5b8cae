"""A convolution you can watch (CNN Explainer's signature, in 3D): a storyboard shot's `explain`.
On the blocks, the window read from the input is outlined, the output value under way is framed
and the values not yet computed are veiled; beside them an inset shows the patch, the kernel and
their products as small coloured grids and the sum that makes the value (a dense unit: its inputs
times its weights; a pool: the window and its max). Hidden until `show` is given a Moment
(scenes/explain.py); the inset's grids are built once per explained layer, then only recoloured."""

from __future__ import annotations

import dataclasses

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk

from nnvox.scenes.colour import ColourScale, lut
from nnvox.scenes.explain import Moment, Step, done_cells, window_cells
from nnvox.viewer.overlays.base import Shown, Stage

VEIL_ALPHA = 0.8  # how far a value not yet computed is darkened towards the background
SHEET_GAP = 3.0  # the explained map stands this far in front of its block's stack (in voxels)
STANDOFF = 0.08  # ... or of its one panel's face
MARGIN = 0.25  # outlines stand this far around what they frame (in voxels)
HEAD_CHARS = 11  # "input patch": a column's head, the widest
MOST_CHANNELS = 6  # input channels the inset shows a row each; more are summed but not drawn
# the inset's box (x0, y0, x1, y1 of the pane, from the bottom left): right of the blocks, clear of
# the heads-up line above and of the caption, legends and loss/accuracy inset below
BOX = (0.6, 0.3, 0.985, 0.86)
# what the inset's opaque backing covers: its box and up to the heads-up line and the right edge, so
# the faded blocks after the explained layer (and their labels) never show through or around it
COVER_TOP, COVER_RIGHT = 0.93, 1.0
OPS = {"conv": ("input patch", "kernel", "products"), "linear": ("inputs", "weights", "products")}


def _outline(stage: Stage, colour, width: float) -> tuple[vtk.vtkOutlineSource, vtk.vtkActor]:
    source = vtk.vtkOutlineSource()
    mapper = vtk.vtkPolyDataMapper()
    mapper.SetInputConnection(source.GetOutputPort())
    actor = vtk.vtkActor()
    actor.SetMapper(mapper)
    actor.GetProperty().SetColor(*colour)
    actor.GetProperty().SetLineWidth(width)
    actor.GetProperty().LightingOff()
    actor.SetVisibility(False)
    stage.overlay.AddActor(actor)  # never hidden behind a block
    return source, actor


def frame_cells(source: vtk.vtkOutlineSource, block, panels, rows, cols) -> tuple[float, ...]:
    """Outline drawn cells of `block`: panels (first, last), rows and columns [first, end) in
    voxels; returns the outline's bounds."""
    v, (x, y, z) = block.voxel, block.origin
    left, top = y + block.cols * v / 2, z + block.rows * v / 2  # column 0 on the +y side, row 0 on top
    m = MARGIN * v
    bounds = (
        x + panels[0] * block.pitch - m,
        x + panels[1] * block.pitch + block.thickness + m,
        left - cols[1] * v - m,
        left - cols[0] * v + m,
        top - rows[1] * v - m,
        top - rows[0] * v + m,
    )
    source.SetBounds(*bounds)
    return bounds


class _Rays:
    """Four lines from the window's corners to the output value's: what feeds what."""

    def __init__(self, stage: Stage, width: float):
        self.points = np.zeros((8, 3))
        self.vtk_points = vtk.vtkPoints()
        self.vtk_points.SetData(numpy_to_vtk(self.points, deep=False))
        lines = vtk.vtkCellArray()
        for k in range(4):
            lines.InsertNextCell(2, [k, k + 4])
        poly = vtk.vtkPolyData()
        poly.SetPoints(self.vtk_points)
        poly.SetLines(lines)
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputData(poly)
        self.actor = vtk.vtkActor()
        self.actor.SetMapper(mapper)
        prop = self.actor.GetProperty()
        prop.SetColor(*stage.colours.accent)
        prop.SetLineWidth(width / 2)
        prop.SetOpacity(0.7)
        prop.LightingOff()
        self.actor.SetVisibility(False)
        stage.overlay.AddActor(self.actor)

    def join(self, start: tuple[float, ...], end: tuple[float, ...]) -> None:
        """From the back face of box `start` to the front face of box `end` (x0, x1, y0, y1, z0, z1)."""
        for k, (i, j) in enumerate(((2, 4), (3, 4), (3, 5), (2, 5))):
            self.points[k] = (start[1], start[i], start[j])
            self.points[k + 4] = (end[0], end[i], end[j])
        self.vtk_points.Modified()
        self.actor.SetVisibility(True)


def sheet_x(block) -> float:
    """Where the explained map is drawn: pulled out in front of its block's stack, so that a map
    behind others is seen whole (a block of one panel: just on its face)."""
    return block.origin[0] - (SHEET_GAP if block.panels > 1 else STANDOFF) * block.voxel


class _Sheet:
    """The explained output map in front of its block, one texel a cell: each value in its colour
    once computed, veiled (darkened towards the background) until then."""

    def __init__(self, stage: Stage):
        self.stage, self.key = stage, None
        self.plane = vtk.vtkPlaneSource()
        self.image = vtk.vtkImageData()
        texture = vtk.vtkTexture()
        texture.SetInputData(self.image)
        texture.InterpolateOff()
        texture.SetColorModeToDirectScalars()
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputConnection(self.plane.GetOutputPort())
        self.actor = vtk.vtkActor()
        self.actor.SetMapper(mapper)
        self.actor.SetTexture(texture)
        self.actor.GetProperty().LightingOff()
        self.actor.SetVisibility(False)
        stage.renderer.AddActor(self.actor)
        self.block, self.panel, self.done = None, 0, None

    def show(self, block, panel: int, done: np.ndarray) -> None:
        if (block.name, done.shape) != self.key:  # texture memory made once per explained block
            self.key = (block.name, done.shape)
            # vtk reads an image one texel wide as a row: a column (the classifier's) gets a second, equal texel
            self.rgb = np.zeros((done.shape[0], max(done.shape[1], 2), 3), np.uint8)
            self.image.SetDimensions(self.rgb.shape[1], done.shape[0], 1)
            self.scalars = numpy_to_vtk(self.rgb.reshape(-1, 3), deep=False)
            self.image.GetPointData().SetScalars(self.scalars)
            v, (_, y, z) = block.voxel, block.origin
            front, half_w, half_h = sheet_x(block), block.cols * v / 2, block.rows * v / 2
            self.plane.SetOrigin(front, y + half_w, z - half_h)  # texture (0, 0): column 0, the bottom row
            self.plane.SetPoint1(front, y - half_w, z - half_h)
            self.plane.SetPoint2(front, y + half_w, z + half_h)
        self.block, self.panel, self.done = block, panel, done
        self.actor.SetVisibility(True)

    def paint(self, values: np.ndarray) -> None:
        """The map's values (rows, cols) as drawn in its block, veiled where not computed yet."""
        if self.block is None:
            return
        rgb = lut(self.block.scale.cmap)[self.block.scale.quantise(values)].astype(np.float32)
        veiled = VEIL_ALPHA * np.asarray(self.stage.options.background, np.float32) + (1 - VEIL_ALPHA) * rgb
        self.rgb[:] = np.where(self.done[..., None], rgb, veiled)[::-1]  # image rows run bottom up (a column broadcast)
        self.scalars.Modified()
        self.image.Modified()


class _Grids:
    """Small grids of coloured cells on the 2D overlay, laid out once, recoloured each frame."""

    def __init__(self, stage: Stage):
        self.colours = np.zeros((0, 3), np.uint8)
        self.mapper = vtk.vtkPolyDataMapper2D()
        self.actor = vtk.vtkActor2D()
        self.actor.SetMapper(self.mapper)
        self.actor.SetVisibility(False)
        stage.overlay.AddViewProp(self.actor)

    def build(self, grids: list[tuple[float, float, int, int, float]]) -> None:
        """Each grid (x, y of its top-left corner in pixels, rows, cols, cell size) as quads."""
        points, quads = [], []
        for x, y, rows, cols, cell in grids:
            gap = max(1.0, cell * 0.08)
            r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
            x0, y1 = x + c.ravel() * cell, y - r.ravel() * cell
            corners = [(x0, y1 - cell + gap), (x0 + cell - gap, y1 - cell + gap), (x0 + cell - gap, y1), (x0, y1)]
            base = sum(len(p) for p in points)  # the points of the grids before
            points.append(np.stack([np.stack([cx, cy, np.zeros_like(cx)], 1) for cx, cy in corners], 1).reshape(-1, 3))
            quads.append(base + np.arange(4 * rows * cols).reshape(-1, 4))
        poly = vtk.vtkPolyData()
        pts = vtk.vtkPoints()
        pts.SetData(numpy_to_vtk(np.vstack(points).astype(np.float32), deep=True))
        poly.SetPoints(pts)
        cells = vtk.vtkCellArray()
        for q in np.vstack(quads):
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


def _text(stage: Stage, size: int, bold: bool = False) -> vtk.vtkTextActor:
    actor = vtk.vtkTextActor()
    tp = actor.GetTextProperty()
    tp.SetFontSize(size)
    tp.SetColor(*(c / 255 for c in stage.colours.text))
    tp.SetBold(bold)
    tp.SetVerticalJustificationToTop()
    actor.SetVisibility(False)
    stage.overlay.AddViewProp(actor)
    return actor


def _layout(box, font: int, columns: int, rows: int, grid: tuple[int, int]) -> tuple[float, list[tuple[float, float]]]:
    """The cell size and each grid's top-left corner: `columns` grids side by side (patch, kernel,
    products), `rows` of them (one an input channel), between a title line and the sum's lines.
    A column is at least as wide as its head's text."""
    x0, y0, x1, y1 = box
    gr, gc = grid
    op = 1.6 * font  # room for the "×" and "=" between grids
    top, bottom = y1 - 3.2 * font, y0 + 4.2 * font  # the title and column heads above; the sum below
    cell = min((x1 - x0 - op * (columns - 1)) / (columns * gc), (top - bottom) / (rows * gr * 1.12), 0.09 * (y1 - y0))
    pitch = max(gc * cell, HEAD_CHARS * 0.55 * font) + op
    left = x0 + (x1 - x0 - pitch * columns + op) / 2
    corners = [(left + k * pitch, top - j * gr * cell * 1.12) for j in range(rows) for k in range(columns)]
    return cell, corners


def _fmt(v: float) -> str:
    return f"{v:.3f}".replace("-", "−")


class ExplainInset:
    """The 2D part: the patch, kernel and products grids, their heads and the sum."""

    def __init__(self, stage: Stage):
        self.stage = stage
        font = stage.options.font(stage.fonts.hud)
        self.font = font
        w, h = stage.pane_width, stage.pane_height
        bx = BOX
        self.box = (bx[0] * w, bx[1] * h, bx[2] * w, bx[3] * h)
        self.cover = cover_box(stage, self.box, font)
        self._plane, self.band = _backing(stage)
        self.grids = _Grids(stage)
        self.title, self.sum = _text(stage, font, bold=True), _text(stage, font)
        self.heads = [_text(stage, font) for _ in range(3)]
        self.ops = [_text(stage, round(font * 1.3), bold=True) for _ in range(2)]
        self.built = None

    @property
    def actors(self) -> list[vtk.vtkProp]:
        return [self.band, self.grids.actor, self.title, self.sum, *self.heads, *self.ops]

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
        x0 = min(x0, max(left, 0.5 * self.stage.pane_width))
        if below is not None and below[2] > x0 and below[0] < x1 and below[3] > y0:
            y0 = max(y0, below[3] + 1)
        _place(self._plane, self.stage.renderer, (x0, y0, x1, y1))

    def _build(self, m: Moment) -> None:
        s = m.step
        columns = 1 if s.weights is None else 3
        if s.family == "linear":
            n = len(s.inputs)
            gc = int(np.ceil(np.sqrt(n)))
            grid, rows = (int(np.ceil(n / gc)), gc), 1
        else:
            grid, rows = s.inputs.shape[1:], min(len(s.inputs), MOST_CHANNELS)
        cell, corners = _layout(self.box, self.font, columns, rows, grid)
        self.grids.build([(x, y, *grid, cell) for x, y in corners])
        self.cells = (rows, columns, grid)
        heads = OPS.get(s.family, ("window",))
        for k, text in enumerate(self.heads):
            visible = k < columns
            text.SetVisibility(visible)
            if visible:
                text.SetInput(heads[k] if s.family in OPS else f"{s.family} of the window")
                text.SetPosition(corners[k][0], corners[k][1] + 1.4 * self.font)
        for k, op in enumerate(self.ops):
            op.SetVisibility(columns == 3)
            if columns == 3:
                op.SetInput("×" if k == 0 else "=")
                op.SetPosition(
                    corners[k + 1][0] - 1.15 * self.font, corners[0][1] - grid[0] * cell / 2 + 0.6 * self.font
                )
        self.title.SetPosition(self.box[0] + 0.5 * self.font, self.box[3] - 0.4 * self.font)
        below = corners[-1][1] - grid[0] * cell * 1.12 - 0.6 * self.font  # the sum right under the grids
        self.sum.SetPosition(self.box[0] + 0.5 * self.font, max(below, self.box[1] + 4.2 * self.font))
        for a in (self.band, self.grids.actor, self.title, self.sum):
            a.SetVisibility(True)
        self.built = (m.layer, s.inputs.shape)

    def show(self, m: Moment, input_scale: ColourScale | None, note: str = "") -> None:
        s = m.step
        if self.built != (m.layer, s.inputs.shape):
            self._build(m)
        rows, columns, grid = self.cells
        size = grid[0] * grid[1]
        inputs = np.where(s.inside, s.inputs, np.nan)
        input_scale = input_scale or m.input_scale or ColourScale.robust(0.0, 1.0)  # fixed over the shot
        parts = [(inputs, input_scale)]
        if s.weights is not None:
            parts += [
                (s.weights, ColourScale(-m.weight_limit, m.weight_limit, "diverging", True)),
                (
                    np.where(s.inside, s.products, np.nan),
                    ColourScale(-m.product_limit, m.product_limit, "diverging", True),
                ),
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
        self.grids.paint(rgb.reshape(-1, 3))
        self.title.SetInput(_title(m))
        self.sum.SetInput(_sum_text(s, len(s.inputs) - rows if s.family == "conv" else 0) + note)


def _title(m: Moment) -> str:
    s = m.step
    where = (
        f"unit {s.position[0]}"
        if s.family == "linear"
        else f"map {s.position[0]}, row {s.position[1]}, column {s.position[2]}"
    )
    return f"{m.layer}: {where}   ({m.done} of {m.total})"


def _sum_text(s: Step, hidden: int) -> str:
    """The lines under the grids: how the value is made, and the value the run recorded."""
    recorded = f"recorded in the run: {_fmt(s.recorded)}"
    if not s.inside.all():
        recorded += "\n(dark grey cells: padding outside the map, read as 0)"
    if s.family in ("max", "mean"):
        word = "largest" if s.family == "max" else "mean"
        return f"{word} of the {s.inside.sum()} values = {_fmt(s.value)}\n{recorded}"
    more = f" ({hidden} more input maps not drawn)" if hidden > 0 else ""
    return (
        f"sum of {s.products.size} products = {_fmt(s.value - s.bias)}{more}\n"
        f"+ bias {_fmt(s.bias)}  = {_fmt(s.value)}\n{recorded}"
    )


class Explained:
    """The overlay: outlines and the veil on the blocks, the inset beside them."""

    def __init__(self, stage: Stage):
        self.stage = stage
        width = max(2.0, stage.options.height / 260)
        self.window, self.window_actor = _outline(stage, stage.colours.accent, width)
        self.output, self.output_actor = _outline(stage, tuple(c / 255 for c in stage.colours.selected), width)
        self.sheet = _Sheet(stage)
        self.rays = _Rays(stage, width)
        self.inset = ExplainInset(stage)
        self.props: list[vtk.vtkProp] = [self.sheet.actor]  # the rest on the overlay layer, over labels too
        self.framed: list = []  # the explained block and its input's, while shown

    def framed_right(self) -> float:
        """The rightmost pixel (of the pane) of the framed blocks as the camera now sees them."""
        coord = vtk.vtkCoordinate()
        coord.SetCoordinateSystemToWorld()
        xs = [0.0]
        for block in self.framed:
            x0, x1, y0, y1, z0, z1 = block.bounds
            for corner in ((x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)):
                coord.SetValue(*corner)
                xs.append(coord.GetComputedDoubleViewportValue(self.stage.renderer)[0])
        return max(xs)

    def show(self, moment: Moment | None) -> None:
        """Draw `moment` (None hides everything)."""
        if moment is None:
            for a in (self.window_actor, self.output_actor, self.sheet.actor, self.rays.actor):
                a.SetVisibility(False)
            self.inset.hide()
            self.sheet.block, self.framed = None, []
            return
        scene = self.stage.scene
        out = scene.block(moment.layer)
        panel, done = done_cells(out, moment)
        self.sheet.show(out, panel, done)
        cell = np.argwhere(done)[-1] if done.any() else (0, 0)
        sheet = dataclasses.replace(out, origin=(sheet_x(out), *out.origin[1:]), thickness=0.0)
        end = frame_cells(self.output, sheet, (0, 0), (cell[0], cell[0] + 1), (cell[1], cell[1] + 1))
        working = moment.done < moment.total  # the finished map is held without the window and its rays
        self.output_actor.SetVisibility(working)
        source = scene.block(moment.source) if moment.source is not None else None
        self.framed = [b for b in (out, source) if b is not None]
        if source is not None:
            self.rays.join(frame_cells(self.window, source, *window_cells(source, moment.step)), end)
        self.window_actor.SetVisibility(source is not None and working)
        self.rays.actor.SetVisibility(source is not None and working)
        note = "\n(the column shows softmax probabilities)" if out.role == "output" else ""
        self.inset.show(moment, source.scale if source is not None else None, note)

    def update(self, shown: Shown) -> None:
        block = self.sheet.block
        if block is not None:
            self.sheet.paint(shown.frame.values[block.name][self.sheet.panel])

"""A convolution you can watch (CNN Explainer's signature, in 3D): a storyboard shot's `explain`.
On the blocks, the window read from the input is outlined, the output value under way is framed
and the values not yet computed are covered (one flat colour); beside them an inset shows the patch, the kernel and
their products as small coloured grids and the sum that makes the value (a dense unit: its inputs
times its weights; a pool: the window and its max). Hidden until `show` is given a Moment
(scenes/explain.py); the inset's grids are built once per explained layer, then only recoloured."""

from __future__ import annotations

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk

from nnvox.scenes.colour import lut
from nnvox.scenes.explain import Moment, done_cells, output_cell, sheet_block, window_cells
from nnvox.viewer.options import hall_font
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.explain_inset import ExplainInset, pending_colour, text_actor
from nnvox.viewer.overlays.hud import lecture_width as text_width  # measured in a lecture's bold
from nnvox.viewer.theme import EXPLAIN_TEXT, TITLE_SAFE

# on the covered values: what the flat colour means, in the words a lecturer says ("not yet computed"
# in a framed box read like an error message to a lecturer's watch)
PENDING_NOTE = "still to\ncompute"
PENDING_ROOM = 3.0  # ... shown where the covered rows stand this many font sizes tall (its two lines and a margin)

MARGIN = 0.25  # outlines stand this far around what they frame (in voxels)
# the window's outline width (of the frame's height; at 1080p 6 px) and the rays' (4 px): a lecturer's
# watch saw the 25 px window's 1 px rays vanish from row 20 and only the box read. The value's ring
# on the map is as thick as the window's outline: it stands clear of its cell (OUTPUT_RING), so it
# hides none of the cell's colour
WINDOW_WIDTH, RAY_WIDTH = 1 / 180, 1 / 270
# the ring round the value being computed is at least this share of the frame's height across (36 px
# at 1080p): its cell is about 7 px at 1080p, and framed at the cell's size (10 px) a lecturer's watch 9
# found it invisible from row 20; a ring from the back of a hall reads at 30 px or more
OUTPUT_RING = 1 / 30


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


def ring(source: vtk.vtkOutlineSource, renderer, across: float) -> tuple[float, ...]:
    """Grow the outline `source` (on a map facing the camera along x) about its middle until it
    stands at least `across` pixels wide and tall as the camera now sees it; returns its bounds."""
    x0, x1, y0, y1, z0, z1 = source.GetBounds()
    y, z = (y0 + y1) / 2, (z0 + z1) / 2
    coord = vtk.vtkCoordinate()
    coord.SetCoordinateSystemToWorld()

    def pixels(a, b) -> float:
        ends = []
        for point in (a, b):
            coord.SetValue(*point)
            ends.append(np.array(coord.GetComputedDoubleViewportValue(renderer)))
        return float(np.hypot(*(ends[1] - ends[0])))

    wide, tall = pixels((x0, y0, z), (x0, y1, z)), pixels((x0, y, z0), (x0, y, z1))
    half_y = (y1 - y0) / 2 * max(1.0, across / max(wide, 1e-9))
    half_z = (z1 - z0) / 2 * max(1.0, across / max(tall, 1e-9))
    bounds = (x0, x1, y - half_y, y + half_y, z - half_z, z + half_z)
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
        prop.SetLineWidth(width)
        prop.SetOpacity(0.85)
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


class _Sheet:
    """The explained output map in front of its block, one texel a cell: each value in its colour
    once computed, the one flat pending colour until then."""

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
            sheet = sheet_block(block)
            v, (front, y, z) = sheet.voxel, sheet.origin
            half_w, half_h = block.cols * v / 2, block.rows * v / 2
            self.plane.SetOrigin(front, y + half_w, z - half_h)  # texture (0, 0): column 0, the bottom row
            self.plane.SetPoint1(front, y - half_w, z - half_h)
            self.plane.SetPoint2(front, y + half_w, z + half_h)
        self.block, self.panel, self.done = block, panel, done
        self.actor.SetVisibility(True)

    def paint(self, values: np.ndarray) -> None:
        """The map's values (rows, cols) as drawn in its block, the pending colour where not computed yet."""
        if self.block is None:
            return
        rgb = lut(self.block.scale.cmap)[self.block.scale.quantise(values)].astype(np.float32)
        pending = pending_colour(self.stage.options.background, self.stage.colours.text)
        self.rgb[:] = np.where(self.done[..., None], rgb, pending)[
            ::-1
        ]  # image rows run bottom up (a column broadcast)
        self.scalars.Modified()
        self.image.Modified()


class Explained:
    """The overlay: outlines and the veil on the blocks, the inset beside them."""

    def __init__(self, stage: Stage):
        self.stage = stage
        width = max(3.0, stage.options.height * WINDOW_WIDTH)
        self.window, self.window_actor = _outline(stage, stage.colours.accent, width)
        # the value's ring in the window's colour: the window and the value it makes read as one, and
        # it stands out on the map's near-white values (where a white ring vanished)
        self.output, self.output_actor = _outline(stage, stage.colours.accent, width)
        self.sheet = _Sheet(stage)
        self.rays = _Rays(stage, max(2.0, stage.options.height * RAY_WIDTH))
        self.inset = ExplainInset(stage)
        self.name = text_actor(stage, stage.options.subject_font(), bold=True, align="centre")  # the subject
        self.name.GetTextProperty().SetVerticalJustificationToBottom()
        # on the covered rows where it fits them: in a lecture's picture at the explained layer's
        # size (theme.EXPLAIN_TEXT; its 28 px read from row 20 only with effort), else under the
        # blocks as a key (pending_key); in the window's at a grid index's size, else a note's
        options = stage.options
        explain = hall_font(options.height, EXPLAIN_TEXT)
        self.pending_sizes = (explain,) if options.hall else (options.index_font(0.0), options.text_size(0.0))
        self.pending = text_actor(stage, self.pending_sizes[0], align="centre")
        self.pending.SetInput(PENDING_NOTE)
        self.pending.GetTextProperty().SetVerticalJustificationToCentered()
        self.key = text_actor(stage, explain) if options.hall else None  # the note under the blocks
        if self.key is not None:  # plain words on a swatch of the covered rows' colour, no frame (read as an error)
            self.key.SetInput(PENDING_NOTE)
            key = self.key.GetTextProperty()
            key.SetBackgroundColor(*(pending_colour(options.background, stage.colours.text) / 255))
            key.SetBackgroundOpacity(1.0)  # the covered rows' colour: what it names
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
            for a in (self.window_actor, self.output_actor, self.sheet.actor, self.rays.actor, self.pending, self.key):
                if a is None:
                    continue
                a.SetVisibility(False)
            self.inset.hide()
            self.name.SetVisibility(False)
            self.sheet.block, self.framed = None, []
            return
        scene = self.stage.scene
        out = scene.block(moment.layer)
        panel, done = done_cells(out, moment)
        self.sheet.show(out, panel, done)
        front = np.argwhere(done)[-1] if done.any() else (0, 0)  # the last computed: the pending rows below
        cell = output_cell(out, moment)
        sheet = sheet_block(out)
        # the value under way ringed and the 5 x 5 window it reads framed at every position, those
        # the window sweeps over too (watch 9: a band as wide as the map moving down its rows while
        # the caption spoke of a 5 x 5 window), over a sweep the hop's, with the tables (the map
        # fills on ahead of it)
        frame_cells(self.output, sheet, (0, 0), (cell[0], cell[0] + 1), (cell[1], cell[1] + 1))
        end = ring(self.output, self.stage.renderer, OUTPUT_RING * self.stage.pane_height)
        self.output_actor.SetVisibility(True)  # at every position, the last (reading padding) too
        source = scene.block(moment.source) if moment.source is not None else None
        self.framed = [b for b in (out, source, sheet) if b is not None]
        self._name(sheet, moment)
        if source is not None:
            panels, rows, cols = window_cells(source, moment.step)
            self.rays.join(frame_cells(self.window, source, panels, rows, cols), end)
        self.window_actor.SetVisibility(source is not None)
        self.rays.actor.SetVisibility(source is not None)
        note = "\n(the column shows softmax probabilities)" if out.role == "output" else ""
        self.inset.show(moment, source.scale if source is not None else None, note)
        self._pending_note(sheet, int(front[0]) + 1 if done.any() else 0)  # (after the inset's layout: its key_room)

    def _name(self, sheet, moment: Moment) -> None:
        """ "map 0 of conv1" over the map being filled (a dense layer's units: "units of fc1"); none
        in a lecture's picture, whose inset title names them across the frame's top ("conv1: map 0,
        row 6, …": the blocks keep a narrower room, and the name over the map ran into the input's label)."""
        if self.stage.options.hall:
            self.name.SetVisibility(False)
            return
        linear = moment.step.family == "linear"
        self.name.SetInput(f"units of {moment.layer}" if linear else f"map {moment.step.position[0]} of {moment.layer}")
        x0, _, y0, y1, _, z1 = sheet.bounds
        coord = vtk.vtkCoordinate()
        coord.SetCoordinateSystemToWorld()
        tops = []  # the top edge's ends and middle as the camera sees them: the name clears the highest
        for y in (y0, (y0 + y1) / 2, y1):
            coord.SetValue(x0, y, z1)
            tops.append(coord.GetComputedDoubleViewportValue(self.stage.renderer))
        self.name.SetPosition(tops[1][0], max(t[1] for t in tops) + 0.3 * self.name.GetTextProperty().GetFontSize())
        self.name.SetVisibility(True)

    def _pending_note(self, sheet, first: int) -> None:
        """PENDING_NOTE in the middle of the rows not yet computed, from row `first` down, where its
        two lines fit in them as the camera sees them (a class asked what the dark slab was), across
        as well (at 4:3 "computed" ran past the narrower map onto the light maps behind it)."""
        v, (x, y, z) = sheet.voxel, sheet.origin
        top = z + sheet.rows * v / 2
        coord = vtk.vtkCoordinate()
        coord.SetCoordinateSystemToWorld()
        ends = []
        for row in (first, sheet.rows):  # the covered rows' top and bottom edges, mid-width
            coord.SetValue(x, y, top - row * v)
            ends.append(coord.GetComputedDoubleViewportValue(self.stage.renderer))
        middle = top - (first + sheet.rows) / 2 * v
        sides = []
        for side in (1, -1):  # the covered rows' left and right edges, at their middle
            coord.SetValue(x, y + side * sheet.cols * v / 2, middle)
            sides.append(coord.GetComputedDoubleViewportValue(self.stage.renderer)[0])
        fits = False
        for size in self.pending_sizes:  # the largest that fits
            widest = max(text_width(line, size) for line in PENDING_NOTE.split("\n"))
            fits = first < sheet.rows and ends[0][1] - ends[1][1] >= PENDING_ROOM * size
            fits = fits and widest + 0.2 * size <= abs(sides[1] - sides[0])
            if fits:
                self.pending.GetTextProperty().SetFontSize(size)
                break
        self.pending.SetPosition((ends[0][0] + ends[1][0]) / 2, (ends[0][1] + ends[1][1]) / 2)
        self.pending.SetVisibility(fits)
        if self.key is not None:
            middle = (ends[0][1] + ends[1][1]) / 2  # the covered rows' middle, as the camera sees it
            self.key.SetVisibility(not fits and first < sheet.rows and self._pending_key(middle))

    def _pending_key(self, middle: float) -> bool:
        """Place the note as a key in a box of the covered rows' colour (a lecture's map too narrow
        for "computed" at theme.EXPLAIN_TEXT): under the blocks at the title-safe edge, by the map it
        names, else in the inset left of its colour-only patch (inset.key_room; there a lecturer's
        class read it as the sum's "not yet computed"); whether it fits."""
        size = self.key.GetTextProperty().GetFontSize()
        box = [0, 0, 0, 0]
        vtk.vtkTextRenderer().GetBoundingBox(self.key.GetTextProperty(), PENDING_NOTE, box, 72)
        width, height = box[1] - box[0] + 1, box[3] - box[2] + 1
        pad = 0.2 * size  # its frame clear of the grid, the bar's end and the edges
        if self.inset.compact:  # 16:9, every value printed: on its two lines under the map, over the scale
            self.key.SetInput(PENDING_NOTE)
            return self._key_under_map(width, height, self.inset.scale_top + pad, self.inset.tables_left - pad)
        if self.inset.banded:  # the blocks large (16:9): on one line under the map, its left edge's, over the sum
            self.key.SetInput(PENDING_NOTE.replace("\n", " "))
            vtk.vtkTextRenderer().GetBoundingBox(self.key.GetTextProperty(), self.key.GetInput(), box, 72)
            width, height = box[1] - box[0] + 1, box[3] - box[2] + 1
            return self._key_under_map(width, height, self.inset.band_top + pad, self.inset.tables_left)
        coord = vtk.vtkCoordinate()
        coord.SetCoordinateSystemToWorld()
        lowest = []
        for block in self.framed:
            x0, x1, y0, y1, z0, _ = block.bounds
            for corner in ((x, y, z0) for x in (x0, x1) for y in (y0, y1)):
                coord.SetValue(*corner)
                lowest.append(coord.GetComputedDoubleViewportValue(self.stage.renderer)[1])
        top, left = min(lowest) - 0.6 * size, TITLE_SAFE * self.stage.pane_width + pad  # clear of the window's outline
        floor = max(self.inset.floor, TITLE_SAFE * self.stage.pane_height)
        if top - height >= floor + 0.3 * size and left + width + 0.3 * size <= self.inset.box[0]:
            self.key.SetPosition(left, top)
            return True
        room = self.inset.key_room
        if room is not None and width + 2 * pad <= room[2] - room[0] and height + 2 * pad <= room[1] - room[3]:
            self.key.SetPosition(room[0] + pad, room[1] - pad)
            return True
        return False

    @property
    def widths(self) -> tuple[float, float]:
        """The outlines' and the rays' line widths (pixels)."""
        return self.window_actor.GetProperty().GetLineWidth(), self.rays.actor.GetProperty().GetLineWidth()

    def _key_under_map(self, width: float, height: float, floor: float, right: float) -> bool:
        """The key from the left edge of the map's bottom (pulled out in front of its block), where
        it fits above `floor` and left of `right` (pixels); whether it does."""
        x0, _, y0, y1, z0, _ = self.framed[-1].bounds
        coord = vtk.vtkCoordinate()
        coord.SetCoordinateSystemToWorld()
        corners = []
        for y in (y0, y1):
            coord.SetValue(x0, y, z0)
            corners.append(coord.GetComputedDoubleViewportValue(self.stage.renderer))
        size = self.key.GetTextProperty().GetFontSize()
        left, top = min(c[0] for c in corners), min(c[1] for c in corners) - 0.4 * size
        fits = top - height >= floor and left + width <= right
        if fits:
            self.key.SetPosition(left, top)
        return fits

    def update(self, shown: Shown) -> None:
        block = self.sheet.block
        if block is not None:
            self.sheet.paint(shown.frame.values[block.name][self.sheet.panel])

"""An open weight's indices (scenes/open_weights.py's kernel grid), placed under the camera now: each
filter's number over its column, "filter" heading them, each input channel's left of its row. The
texts are a lecture's fixed pixel size (theme.INDEX_TEXT) while the grid is framed at any size, so
where they stand is worked out in pixels, not kept in world units: the numbers centred in the band
between the top row's tiles and the grid's outline, the row names in the room left of the tiles,
each clear of the outline by MARGIN of a line's height; where that room is too small, just outside the
outline, never on it (conv2's numbers sat astride its top edge at 1080p, "input 0" reached past its
left edge). Where neighbouring numbers would come nearer than GAP of a line's height (rows' names:
ROW_GAP), only every other (every fourth, ...) is drawn ("10 11 12 13" nearly touched), the first
always. Drawn by OpenMaps, with the interface of its other grid texts (fitting, settle, fit,
actors, drawn)."""

from __future__ import annotations

import numpy as np
import vtk

from nnvox.scenes.open_layer import grid_places
from nnvox.scenes.open_weights import filter_labels, input_labels, kernel_grid
from nnvox.viewer.label_layout import GAP as LABEL_GAP
from nnvox.viewer.label_layout import hits, inside, project
from nnvox.viewer.overlays.metrics import polyline_2d

MARGIN = 0.3  # of a text's height: the least between a text and the outline, the tiles or another text
GAP = 0.35  # of a text's height: the least between two neighbouring numbers side by side
# of a text's height: the least between two rows' names, one over the other (their boxes hold the
# lines' ascent and descent already: 0.3 of a capital's height apart where they touch)
ROW_GAP = 0.1
STEPS = (1, 2, 4, 8, 16, 32)  # every how many columns (rows) a number is drawn


def every(extents, pitch: float, gap: float) -> int | None:
    """The least step (STEPS) at which texts of these `extents` (px, one every `pitch` px, centred
    on their places) keep `gap` px apart, drawn from the first on; None where none does."""
    extents = np.asarray(extents, dtype=float)
    for step in STEPS:
        kept = extents[::step]
        if len(kept) < 2 or ((kept[:-1] + kept[1:]) / 2 + gap <= step * pitch).all():
            return step
    return None


class KernelGridIndices:
    """The indices of one open weight block (its texts from open_weights' filter_labels and
    input_labels, and "filter" heading a grid of several rows), laid out at each camera (fit)."""

    def __init__(self, stage, block, font: int):
        from nnvox.viewer.visuals import make_billboard

        self.block, self.font, self.fonts = block, font, (font,)
        self.places = grid_places(block)
        rows, self.columns = kernel_grid(block)
        self.floor = 0.0
        # the caption's band (pixels), set by OpenMaps as for its other grid texts: the indices keep
        # off it (a grid framed low put "input 5" on the caption's box)
        self.avoid = np.empty((0, 4))
        if stage.options.show_legend:  # the texts keep above the legends' strip, as block labels do
            from nnvox.viewer.overlays.legends import strip_top

            self.floor = strip_top(stage)
        numbers = [(k, text) for k, text in filter_labels(block)]
        names = [(k // self.columns, text) for k, text in input_labels(block)]
        texts = [("column", k, t) for k, t in numbers] + [("row", i, t) for i, t in names]
        texts += [("header", 0, "filter")] * (rows > 1)
        self.kinds = [(kind, k) for kind, k, _ in texts]
        self.all_actors = []
        dpi, boxes = stage.renderer.GetRenderWindow().GetDPI(), []
        for kind, _, text in texts:
            actor = make_billboard(stage.options, text, font=font, align_left=kind != "column")
            if kind != "column":  # ends at its x, its middle level with its y
                actor.GetTextProperty().SetJustificationToRight()
            actor.SetVisibility(False)
            stage.overlay.AddActor(actor)
            self.all_actors.append(actor)
            bbox = [0, 0, 0, 0]
            vtk.vtkTextRenderer().GetBoundingBox(actor.GetTextProperty(), text, bbox, dpi)
            boxes.append((bbox[0], bbox[2], bbox[1] + 1, bbox[3] + 1))
        self.boxes = np.array(boxes, dtype=float)  # each text's box about its anchor, pixels
        self.line = float((self.boxes[:, 3] - self.boxes[:, 1]).max())  # a text's height
        # a grid of several rows (input channels) takes the edge into it along a bracket over all of
        # them: the edge alone met the outline at one row ("conv1 feeds input 2", a fifth watch)
        self.bracket = input_bracket(stage, block) if rows > 1 else None
        self.actors: list = []  # the texts shown (the rest of a thinned row hidden), and the bracket
        self.drawn = np.empty((0, 4))
        self.held: int | None = None
        self.steps: tuple[int, int] | None = None  # (columns, rows) a settled shot holds
        self._seen: list[tuple[int, int]] = []  # the steps the frames of a shot being settled need

    def _layout(self, matrix: np.ndarray, w: int, h: int, steps=None):
        """(shown text indices, their anchors in pixels (n, 2), their boxes (n, 4), the steps) under
        the camera of `matrix`; None where the grid's texts find no place in the picture."""
        b, v = self.block, self.block.voxel
        x0, x1, _, _, z0, z1 = b.bounds
        y = self.places[0, 1]
        corners = project(np.array([[x0, y, z1], [x1, y, z0]]), matrix, w, h)
        tiles = self.places[:, [0, 2]]
        half = np.array([b.cols * v / 2, b.rows * v / 2])
        pix = project(np.column_stack([tiles[:, 0], np.full(len(tiles), y), tiles[:, 1]]), matrix, w, h)
        if np.isnan(corners).any() or np.isnan(pix).any():
            return None
        edge = project(np.array([[tiles[0, 0] + half[0], y, tiles[0, 1] + half[1]]]), matrix, w, h)[0]
        tile_w, tile_h = 2 * (edge - pix[0])  # a tile's size on screen
        box_left, box_top = corners[0]
        tiles_left, tiles_top = pix[0, 0] - tile_w / 2, pix[0, 1] + tile_h / 2
        line, margin = self.line, MARGIN * self.line
        pitch_x = pix[1, 0] - pix[0, 0] if self.columns > 1 else np.inf
        rows = len(pix) // self.columns
        pitch_y = pix[0, 1] - pix[self.columns, 1] if rows > 1 else np.inf
        widths = [self.boxes[i, 2] - self.boxes[i, 0] for i, (kind, _) in enumerate(self.kinds) if kind == "column"]
        heights = [line] * rows
        column_step, row_step = steps or (every(widths, pitch_x, GAP * line), every(heights, pitch_y, ROW_GAP * line))
        if column_step is None or row_step is None:
            return None
        band = box_top - tiles_top  # between the top row's tiles and the outline
        fits_over = band >= line + 2 * margin
        numbers_bottom = tiles_top + (band - line) / 2 if fits_over else box_top + margin
        left_room = tiles_left - box_left
        names = [i for i, (kind, _) in enumerate(self.kinds) if kind != "column"]
        longest = max((self.boxes[i, 2] - self.boxes[i, 0] for i in names), default=0.0)
        ends = tiles_left - margin if left_room >= longest + 2 * margin else box_left - margin
        shown, anchors = [], []
        for i, (kind, k) in enumerate(self.kinds):
            if kind == "column" and k % column_step == 0:
                shown.append(i)
                anchors.append((pix[k, 0], numbers_bottom - self.boxes[i, 1]))
            elif kind == "row" and k % row_step == 0:
                shown.append(i)
                anchors.append((ends, pix[k * self.columns, 1]))
            elif kind == "header":
                shown.append(i)
                anchors.append((ends, numbers_bottom + line / 2))
        anchors = np.array(anchors, dtype=float)
        boxes = self.boxes[shown] + np.hstack([anchors, anchors])
        numbers = boxes[[self.kinds[i][0] == "column" for i in shown]]
        if not fits_over and (numbers[:, 0].min() < box_left or numbers[:, 2].max() > corners[1, 0]):
            return None  # over the outline, yet past its ends: a small grid's numbers crowd what is beside it
        if any(
            not inside(box, w, h) or box[1] < self.floor * h or hits(box, self.avoid, LABEL_GAP).any() for box in boxes
        ):
            return None
        return shown, anchors, boxes, (column_step, row_step)

    def fitting(self, matrix: np.ndarray, w: int, h: int) -> list[int]:
        """[the font] where the texts find a place in the picture under the camera of `matrix`, else []."""
        laid = self._layout(matrix, w, h)
        if laid is None:
            return []
        self._seen.append(laid[3])
        return [self.font]

    def settle(self, sizes_each_frame: list[list[int]]) -> None:
        """Over a storyboard shot: the font, and the sparsest steps any of its frames needs (the
        numbers drawn do not change within the shot)."""
        self.held = self.font
        seen, self._seen = self._seen, []
        self.steps = tuple(max(s[i] for s in seen) for i in (0, 1)) if seen else None

    def fit(self, matrix: np.ndarray, w: int, h: int) -> bool:
        """Lay the texts out under the camera of `matrix` (the shot's held steps, where settled);
        whether they found a place (OpenMaps shows `actors` then, the rest stay hidden)."""
        for actor in (*self.all_actors, self.bracket):
            if actor is not None:
                actor.SetVisibility(False)
        steps = self.steps if self.held is not None else None
        laid = self._layout(matrix, w, h, steps) or (self._layout(matrix, w, h) if steps else None)
        self.actors, self.drawn = [], np.empty((0, 4))
        if laid is None:
            return False
        shown, anchors, boxes, _ = laid
        to_world = _pixels_to_world(self.block, self.places[0], matrix, w, h)
        for i, anchor in zip(shown, anchors):
            self.all_actors[i].SetPosition(*to_world(anchor))
        self.actors, self.drawn = [self.all_actors[i] for i in shown], boxes
        self.actors += [self.bracket] * (self.bracket is not None)
        return True


# The bracket along an open weight grid's left edge, over its rows: its width a share of the pane's
# height (4 px at 1080p, twice the edges'), its serifs into the grid a share of a tile's width
BRACKET_WIDTH = 1 / 270
BRACKET_SERIF = 0.35


def input_bracket(stage, block) -> vtk.vtkActor:
    """A bracket "[" on the outline's left edge of an open weight grid, from its top row's top to its
    last row's bottom, in the edges' colour (the edge into the block ends on it), hidden until shown."""
    places = grid_places(block)
    rows, columns = kernel_grid(block)
    half = block.rows * block.voxel / 2
    x, y = block.bounds[0], places[0, 1] - 0.05 * block.voxel  # just in front of the tiles' faces
    top, bottom = places[0, 2] + half, places[(rows - 1) * columns, 2] - half
    serif = BRACKET_SERIF * block.cols * block.voxel
    corners = ((x + serif, top), (x, top), (x, bottom), (x + serif, bottom))
    poly = polyline_2d(np.array([(px, y, pz) for px, pz in corners]))
    mapper = vtk.vtkPolyDataMapper()
    mapper.SetInputData(poly)
    actor = vtk.vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetColor(*stage.colours.edge)
    prop.SetLineWidth(max(2.0, BRACKET_WIDTH * stage.pane_height))
    prop.LightingOff()
    actor.SetVisibility(False)
    stage.overlay.AddActor(actor)
    return actor


def _pixels_to_world(block, point: np.ndarray, matrix: np.ndarray, w: int, h: int):
    """A pane pixel (x, y) -> the world point on the grid's plane (through `point`, facing the
    camera along y) that the camera draws there: linear about `point` (the grid faces the camera)."""
    d = float(block.voxel)
    base = np.asarray(point, dtype=float)
    p0, px, pz = project(base + np.array([(0, 0, 0), (d, 0, 0), (0, 0, d)]), matrix, w, h)
    jac = np.column_stack([px - p0, pz - p0]) / d  # pixels per world unit along x and z
    inv = np.linalg.inv(jac)

    def to_world(pixel) -> tuple[float, float, float]:
        dx, dz = inv @ (np.asarray(pixel, dtype=float) - p0)
        return (float(base[0] + dx), float(base[1]), float(base[2] + dz))

    return to_world

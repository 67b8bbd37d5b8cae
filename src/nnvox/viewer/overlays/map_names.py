"""An open layer's map names (drawn by OpenMaps), one rule for any number of maps: "map k" over
each map where the camera leaves that room (at the subject's size, else a grid index's); else the
number alone over each, "map 0" heading them, as a weight grid names its filters
(overlays/grid_indices.py): "map 0  1  2  3" over the top row, "4  5  6  7" over the next; where
neighbouring numbers would come nearer than grid_indices.GAP of a line (the names: a label's GAP),
only every other (every fourth, ...) column's. Clear of the maps, the picture's edges, the legends
and the caption's band. A lecture's picture draws none smaller than a grid index (theme.INDEX_TEXT):
where even the sparsest does not fit, none (conv2's 16 maps of 10 x 10 at 1080p had no names at all:
"map 10" at 37 px capitals is wider than a map and its gap). The window's last resort: a note's size.

Each way of naming is a form, ranked: the more a form says, the larger the size, the higher its
rank (`fitting` lists the ranks that hold clear under a camera, OpenMaps' other grid texts list
font sizes the same way; `settle` holds the highest that fits throughout a shot)."""

from __future__ import annotations

import numpy as np
import vtk

from nnvox.scenes.open_layer import grid_of, grid_places, row_gap, shown_maps
from nnvox.viewer.label_layout import GAP as LABEL_GAP
from nnvox.viewer.label_layout import block_rectangles, hits, inside, project
from nnvox.viewer.overlays.grid_indices import GAP, STEPS

LABEL_LIFT = 0.15  # of the gap above a map (open_layer.row_gap: a convolution's is less than the one beside it):
# its name's baseline over the map's top edge


def map_name_forms(channels, columns: int, fonts: tuple[int, ...], smallest: tuple[int, ...]):
    """The forms (font, texts, step), best first: "map k" at each of `fonts` (largest first), then
    at each of `smallest` the numbers alone ("map" on the first) at every column, every other, ...
    up to one a row (`columns` maps a row)."""
    named = [f"map {c}" for c in channels]
    numbers = named[:1] + [str(c) for c in channels[1:]]
    forms = [(font, named, 1) for font in fonts]
    steps = [s for s in STEPS if s == 1 or s // 2 < columns]  # up to the first column's alone
    for font in smallest:
        forms += [(font, named, 1)] * (font not in fonts) + [(font, numbers, s) for s in steps]
    return forms


class MapNames:
    """The names over an open block's maps, laid out at each camera (fit). The interface of
    OpenMaps' other grid texts: fitting, settle, fit, actors (those shown), drawn (their boxes)."""

    def __init__(self, stage, block, fonts: tuple[int, ...], smallest: tuple[int, ...]):
        from nnvox.viewer.visuals import make_billboard

        places = grid_places(block)[: shown_maps(block)]
        w, h = block.cols * block.voxel / 2, block.rows * block.voxel / 2
        self.maps = np.array([(x - w, x + w, y, y, z - h, z + h) for x, y, z in places])
        self.grid = np.array(block.bounds, dtype=float)[None]
        self.anchors = places + np.array([0.0, 0.0, h + LABEL_LIFT * row_gap(block)])
        columns = (block.opened or grid_of(block))[1]
        self.column = np.arange(len(places)) % max(columns, 1)
        channels = list(block.channels if block.channels is not None else range(block.panels))[: len(places)]
        self.forms = map_name_forms(channels, columns, fonts, smallest)
        self.largest_only = max(smallest)  # a form larger than this keeps inside the grid's outline
        self.all_actors = []
        for anchor, text in zip(self.anchors, self.forms[0][1]):
            actor = make_billboard(stage.options, text, font=self.forms[0][0])
            actor.SetPosition(*anchor)
            actor.SetVisibility(False)
            stage.overlay.AddActor(actor)
            self.all_actors.append(actor)
        dpi, props = stage.renderer.GetRenderWindow().GetDPI(), vtk.vtkTextProperty()
        props.ShallowCopy(self.all_actors[0].GetTextProperty())
        self.boxes = [_boxes(props, font, texts, dpi) for font, texts, _ in self.forms]
        self.floor = 0.0  # the legends' strip: the names keep above it, as block labels do
        if stage.options.show_legend:
            from nnvox.viewer.overlays.legends import strip_top

            self.floor = strip_top(stage)
        self.ranks = tuple(range(len(self.forms), 0, -1))  # each form's rank, best first
        self.form: int | None = None  # the form set on the actors
        self.actors: list = []  # the names shown
        self.drawn = np.empty((0, 4))  # their boxes as shown now (pixels; none while hidden)
        self.held: int | None = None  # the rank a storyboard shot holds (settle), None: the best that fits
        self.avoid = np.empty((0, 4))  # the caption's band (pixels), set by OpenMaps: the names keep off it

    def _shown(self, form: int) -> np.ndarray:
        return self.column % self.forms[form][2] == 0

    def _clear(self, form: int, matrix: np.ndarray, w: int, h: int, maps, grid, xy) -> np.ndarray | None:
        """The shown names' boxes in form `form`, where they hold clear of the maps, of each other
        and of the picture's edges and legends; else None."""
        font, _, _ = self.forms[form]
        shown = self._shown(form)
        boxes = (self.boxes[form] + np.hstack([xy, xy]))[shown]
        # numbers alone keep grid_indices' gap ("10 11" nearly touched); "map k" names, words, a label's
        line = float((self.boxes[form][:, 3] - self.boxes[form][:, 1]).max())
        gap = GAP * line if self.forms[form][1] is not self.forms[0][1] else LABEL_GAP
        if font > self.largest_only and not within(boxes, grid):
            return None  # larger than a grid index's: inside the outline, clear of the block's label
        for k, b in enumerate(boxes):
            if not inside(b, w, h) or b[1] < self.floor * h or hits(b, maps, 1.0).any() or hits(b, self.avoid).any():
                return None
            if hits(b, boxes[:k], gap).any():
                return None
        return boxes

    def fitting(self, matrix: np.ndarray, w: int, h: int) -> list[int]:
        """The ranks of the forms that hold clear under the camera of `matrix`, best first."""
        maps = block_rectangles(self.maps, matrix, w, h)
        grid = block_rectangles(self.grid, matrix, w, h)[0]
        xy = project(self.anchors, matrix, w, h)
        if np.isnan(xy).any():
            return []
        return [r for i, r in enumerate(self.ranks) if self._clear(i, matrix, w, h, maps, grid, xy) is not None]

    def settle(self, sizes_each_frame: list[list[int]]) -> None:
        """Hold one form over a shot: the best that fits at every frame where any fits, else the
        sparsest (names changing form mid-shot read as a glitch)."""
        found = [set(ranks) for ranks in sizes_each_frame if ranks]
        common = set.intersection(*found) if found else set()
        self.held = max(common) if common else self.ranks[-1]

    def fit(self, matrix: np.ndarray, w: int, h: int) -> bool:
        """Set the form held (else the best that fits) on the names under the camera of `matrix`;
        whether it holds clear (OpenMaps shows `actors` then, the rest stay hidden)."""
        for actor in self.all_actors:
            actor.SetVisibility(False)
        self.actors, self.drawn = [], np.empty((0, 4))
        ranks = self.fitting(matrix, w, h)
        rank = self.held if self.held is not None else (ranks[0] if ranks else None)
        if rank is None or rank not in ranks:
            return False
        form = self.ranks.index(rank)
        if form != self.form:
            font, texts, _ = self.forms[form]
            for actor, text in zip(self.all_actors, texts):
                actor.SetInput(text)
                actor.GetTextProperty().SetFontSize(font)
            self.form = form
        shown = self._shown(form)
        xy = project(self.anchors, matrix, w, h)
        self.actors = [a for a, s in zip(self.all_actors, shown) if s]
        self.drawn = (self.boxes[form] + np.hstack([xy, xy]))[shown]
        return True


def _boxes(props: vtk.vtkTextProperty, font: int, texts: list[str], dpi: int) -> np.ndarray:
    """Each text's box about its anchor at `font` (pixels: x0, y0, x1, y1)."""
    props.SetFontSize(font)
    boxes = []
    for text in texts:
        bbox = [0, 0, 0, 0]
        vtk.vtkTextRenderer().GetBoundingBox(props, text, bbox, dpi)
        boxes.append((bbox[0], bbox[2], bbox[1] + 1, bbox[3] + 1))
    return np.array(boxes, dtype=float)


def within(boxes: np.ndarray, rect: np.ndarray) -> bool:
    """Whether every box lies inside the rectangle `rect` (x0, y0, x1, y1, pixels)."""
    return bool(
        (boxes[:, 0] >= rect[0]).all()
        and (boxes[:, 1] >= rect[1]).all()
        and (boxes[:, 2] <= rect[2]).all()
        and (boxes[:, 3] <= rect[3]).all()
    )

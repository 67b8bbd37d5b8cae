"""What an open layer shows beside its maps (scenes/open_layer.py): its maps' names (map_names.py:
"map k" over each where the camera draws them large enough to hold it, else the numbers alone,
thinned where neighbours would touch, else none: 16 small maps' labels covered each other and the
maps), and an open convolution's kernels, one beside each map, in weights mode's colours at the
timeline position shown (scenes/open_kernels.py), named once under the first map's. Built once per
scene; a frame recolours the kernels when the timeline moved. Shown only while the layer stands
open (`show(True)`), not while its maps fly."""

from __future__ import annotations

import weakref

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray

from nnvox.scenes.colour import lut
from nnvox.scenes.open_kernels import (
    KernelPlan,
    kernel_label,
    kernel_label_anchor,
    kernel_note,
    kernel_plan,
    kernel_quads,
    kernel_values,
)
from nnvox.scenes.open_layer import grid_places, shown_maps
from nnvox.scenes.open_weights import TEXT_SCALE, grid_texts
from nnvox.viewer.camera_matrix import camera_matrix
from nnvox.viewer.label_layout import GAP, block_rectangles, hits, inside, project
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.legends import strip_top
from nnvox.viewer.overlays.map_names import MapNames, within


def _kernel_actor(stage: Stage, corners: np.ndarray) -> tuple[vtk.vtkActor, np.ndarray, vtk.vtkDataArray]:
    """Quads of direct RGB cell colours: the colours array is written in place each frame."""
    poly = vtk.vtkPolyData()
    points = vtk.vtkPoints()
    points.SetData(numpy_to_vtk(corners.reshape(-1, 3).astype(np.float32), deep=True))
    poly.SetPoints(points)
    cells = vtk.vtkCellArray()
    n = len(corners)
    cells.SetData(
        numpy_to_vtkIdTypeArray(np.arange(0, 4 * n + 1, 4, dtype=np.int64), deep=True),
        numpy_to_vtkIdTypeArray(np.arange(4 * n, dtype=np.int64), deep=True),
    )
    poly.SetPolys(cells)
    colours = np.zeros((n, 3), np.uint8)
    scalars = numpy_to_vtk(colours, deep=False)
    poly.GetCellData().SetScalars(scalars)
    mapper = vtk.vtkPolyDataMapper()
    mapper.SetInputData(poly)
    mapper.SetScalarModeToUseCellData()
    mapper.SetColorModeToDirectScalars()
    actor = vtk.vtkActor()
    actor.SetMapper(mapper)
    actor.GetProperty().LightingOff()  # a cell's colour is exactly its weight's
    stage.renderer.AddActor(actor)
    return actor, colours, scalars


class _Kernels:
    def __init__(self, stage: Stage, block, plan: KernelPlan):
        self.run, self.plan, self.t = stage.scene.source.run, plan, None
        self.actor, self.colours, self.scalars = _kernel_actor(stage, kernel_quads(block, plan))
        self.table = lut(plan.scale.cmap)

    def paint(self, t: float) -> None:
        if t == self.t:
            return
        self.t = t
        values = kernel_values(self.run, self.plan, t)
        self.colours[:] = self.table[self.plan.scale.quantise(values.reshape(-1))]
        self.scalars.Modified()


class _GridTexts:
    """Texts of one open block (its "map k" labels, or its level-of-detail note): shown only where,
    under the camera now, none covers one of its maps or another of them (all or none: they are
    one row of names), as the label policy keeps block labels off blocks."""

    def __init__(self, stage: Stage, block, actors: list, fonts: tuple[int, ...] = (), in_grid: bool = False):
        self.actors, self.in_grid = actors, in_grid  # in_grid: shown only inside the grid's rectangle
        places = grid_places(block)[: shown_maps(block)]
        w, h = block.cols * block.voxel / 2, block.rows * block.voxel / 2
        self.maps = np.array([(x - w, x + w, y, y, z - h, z + h) for x, y, z in places])
        self.grid = np.array(block.bounds, dtype=float)[None]
        self.anchors = np.array([a.GetPosition() for a in actors])
        # the font sizes to try, largest first (theirs alone where none given), and the texts' boxes at each
        self.fonts = fonts or (actors[0].GetTextProperty().GetFontSize(),)
        dpi, props = stage.renderer.GetRenderWindow().GetDPI(), vtk.vtkTextProperty()
        # the legends' strip (its top, a share of the pane's height): the texts keep above it, as block labels do
        self.floor = strip_top(stage) if stage.options.show_legend else 0.0
        self.boxes = []
        for font in self.fonts:
            boxes = []
            for actor in actors:  # each text's box about its anchor, in pixels
                props.ShallowCopy(actor.GetTextProperty())
                props.SetFontSize(font if fonts else actor.GetTextProperty().GetFontSize())
                bbox = [0, 0, 0, 0]
                vtk.vtkTextRenderer().GetBoundingBox(props, actor.GetInput(), bbox, dpi)
                boxes.append((bbox[0], bbox[2], bbox[1] + 1, bbox[3] + 1))
            self.boxes.append(np.array(boxes, dtype=float))
        self.font: int | None = None  # the size shown (None: hidden)
        self.drawn = np.empty((0, 4))  # the texts' boxes as shown now (pixels; none while hidden)
        self.held: int | None = None  # the size a storyboard shot holds (settle), None: the largest that fits
        self.avoid = np.empty((0, 4))  # the caption's band (pixels), set by OpenMaps: the texts keep off it

    def fitting(self, matrix: np.ndarray, w: int, h: int) -> list[int]:
        """The font sizes at which the texts hold clear of the maps and of each other, inside the
        picture with its margin, under the camera of `matrix`; at a size larger than the last, also
        within the grid's own rectangle, where no block label stands."""
        maps = block_rectangles(self.maps, matrix, w, h)
        grid = block_rectangles(self.grid, matrix, w, h)[0]
        xy = project(self.anchors, matrix, w, h)
        sizes = []
        for font, boxes in zip(self.fonts, self.boxes):
            boxes = boxes + np.hstack([xy, xy])
            if np.isnan(boxes).any():
                return []
            # a larger size (or a text kept in the grid): clear of the block's label and of the edges into it
            kept_in = (font == self.fonts[-1] and not self.in_grid) or within(boxes, grid)
            if kept_in and not any(
                not inside(b, w, h)
                or b[1] < self.floor * h
                or hits(b, maps, 1.0).any()
                or hits(b, self.avoid, GAP).any()
                or hits(b, boxes[:k], GAP).any()
                for k, b in enumerate(boxes)
            ):
                sizes.append(font)
        return sizes

    def fit(self, matrix: np.ndarray, w: int, h: int) -> bool:
        """Whether the texts hold clear under the camera of `matrix` at the size held for the shot
        (`held`, settled once: a label changing size mid-shot read as a glitch), else at the
        largest of their sizes that does (set on them)."""
        sizes = self.fitting(matrix, w, h)
        font = self.held if self.held is not None else (sizes[0] if sizes else None)
        self.drawn = np.empty((0, 4))
        if font is None or font not in sizes:
            return False
        if len(self.fonts) > 1 and font != self.font:
            for actor in self.actors:
                actor.GetTextProperty().SetFontSize(font)
        self.font = font
        xy = project(self.anchors, matrix, w, h)
        self.drawn = self.boxes[self.fonts.index(font)] + np.hstack([xy, xy])
        return True

    def settle(self, sizes_each_frame: list[list[int]]) -> None:
        """Hold one size over a shot: the largest that fits at every frame where any size fits
        (`sizes_each_frame`: `fitting` at each frame the open layout shows), else the least."""
        found = [set(sizes) for sizes in sizes_each_frame if sizes]
        common = set.intersection(*found) if found else set()
        self.held = max(common) if common else self.fonts[-1]


def index_font(stage: Stage, scale: float) -> int:
    """The font size of a grid's indices, "map k" and "kernel" (`scale` times a label's fraction of
    the height): in a lecture's picture capitals of theme.INDEX_TEXT at least (options.index_font)."""
    return stage.options.index_font(stage.fonts.label.fraction * scale)


def _kernel_grid_texts(stage: Stage, block) -> list[_GridTexts]:
    """An open weight's texts where scenes/open_weights.grid_texts puts them: each filter's number
    over its column, headed "filter" left of them; each input channel's left of its row; a
    level-of-detail note under the grid."""
    from nnvox.viewer.overlays.grid_indices import KernelGridIndices
    from nnvox.viewer.visuals import make_billboard

    notes = []
    for point, text, where in grid_texts(block, grid_places(block)):
        if where == "below":  # the level-of-detail note under the grid: a note's size
            label = make_billboard(stage.options, text, scale=TEXT_SCALE, below=True)
            label.SetPosition(*point)
            stage.overlay.AddActor(label)
            notes.append(label)
    # the indices: placed in pixels at each camera, thinned where they do not fit (grid_indices.py)
    grid = KernelGridIndices(stage, block, index_font(stage, TEXT_SCALE))
    return [grid] + ([_GridTexts(stage, block, notes)] if notes else [])


class OpenMaps:
    def __init__(self, stage: Stage):
        from nnvox.viewer.visuals import make_billboard

        self.props: list[vtk.vtkProp] = []
        self.kernels: list[_Kernels] = []
        self.texts: list[_GridTexts] = []  # shown with the open layout, where the camera leaves them room
        self.renderer, self.shown, self.camera = stage.renderer, True, None
        self.caption = None  # the pane's Caption (overlays/__init__): the texts keep off its band
        for block in stage.scene.blocks:
            if block.opened is None:
                continue
            if block.kernels is not None:  # a convolution's weights, as kernel tiles (scenes/open_weights.py)
                self.texts += _kernel_grid_texts(stage, block)
                continue
            plan = kernel_plan(stage.scene.source.run, block) if stage.scene.source is not None else None
            if plan is not None:
                self.kernels.append(_Kernels(stage, block, plan))
                named = make_billboard(stage.options, kernel_label(plan), font=index_font(stage, 0.8), below=True)
                named.GetTextProperty().SetJustificationToRight()  # ends under the kernel: off the map beside it
                named.SetPosition(*kernel_label_anchor(block, plan))  # once, under the first map's kernel
                stage.overlay.AddActor(named)
                self.texts.append(_GridTexts(stage, block, [named], in_grid=True))
            notes = (
                [f"the first {shown_maps(block)} of {block.panels} maps"] if shown_maps(block) < block.panels else []
            )
            notes += [note] if plan is not None and (note := kernel_note(plan)) else []
            if notes:  # level of detail, said over the grid
                note = make_billboard(stage.options, " · ".join(notes), scale=0.8, below=True)
                x0, x1, y0, _, z0, _ = block.bounds
                note.SetPosition((x0 + x1) / 2, y0, z0 - 0.2 * block.gap)
                stage.overlay.AddActor(note)
                self.texts.append(_GridTexts(stage, block, [note]))
            if block.panels > 1:  # one map: the layer's own label names it
                # "map k" at the subject's size, else a grid index's (theme.INDEX_TEXT), else the
                # numbers alone at that (map_names.py); in the window a note's size at last. A
                # lecture's none smaller: at a note's 28 px capitals "map 0 … map 5" was unreadable from row 20
                index = index_font(stage, 0.8)
                least = () if stage.options.hall else (stage.options.text_size(stage.fonts.label.fraction * 0.8),)
                fonts = tuple(dict.fromkeys((stage.options.subject_font(), index)))
                self.texts.append(MapNames(stage, block, fonts, tuple(dict.fromkeys((index, *least)))))
        self.props = [k.actor for k in self.kernels]
        if self.texts:
            me = weakref.ref(self)  # a scene switched away from is not kept alive
            stage.renderer.AddObserver("StartEvent", lambda *_: me() and me().place_labels())

    def show(self, shown: bool) -> None:
        self.shown = shown
        for prop in self.props:
            prop.SetVisibility(shown)
        self.camera = None
        self.place_labels()

    def settle(self, frames, place) -> None:
        """Each grid's text size held over a storyboard shot's `frames` (`place(f)` puts the pane
        as frame f draws it): the largest that fits at every frame where the open layout shows."""
        for texts in self.texts:
            texts.held = None
        fitting = [[] for _ in self.texts]
        for f in frames:
            if f.opened < 1.0 or f.labels <= 0.0:  # the open layout's texts not shown
                continue
            place(f)
            matrix, w, h = camera_matrix(self.renderer)
            self._keep_off_caption()
            for sizes, texts in zip(fitting, self.texts):
                sizes.append(texts.fitting(matrix, w, h))
        for sizes, texts in zip(fitting, self.texts):
            texts.settle(sizes)
        self.camera = None  # placed again at the next render

    def place_labels(self) -> None:
        """Each block's texts shown where they fit under the camera now (and the open layout shows)."""
        camera = self.renderer.GetActiveCamera()
        key = (camera.GetPosition(), camera.GetFocalPoint(), camera.GetParallelScale(), self.renderer.GetSize())
        if key == self.camera:
            return
        self.camera = key
        matrix, w, h = camera_matrix(self.renderer)
        self._keep_off_caption()
        for texts in self.texts:
            shown = self.shown and texts.fit(matrix, w, h)
            if not shown:
                texts.drawn = np.empty((0, 4))
            for actor in texts.actors:
                actor.SetVisibility(shown)

    def _keep_off_caption(self) -> None:
        """Each grid's texts told the caption's band (its last words', shown or not: the texts do not
        jump as it fades): the note under conv2's grid stood on the caption at 720p."""
        band = self.caption.band() if self.caption is not None else None
        avoid = np.array([band], dtype=float) if band is not None else np.empty((0, 4))
        for texts in self.texts:
            texts.avoid = avoid

    def drawn_boxes(self) -> tuple[tuple[float, float, float, float], ...]:
        """The boxes (x0, y0, x1, y1, pane fractions) of every text the open layout shows under the
        camera now, GAP wider each side: the block labels keep off them (LabelLayout.keep_off), as
        the layout cannot see them (a block label stood on the note under conv2's grid at 2160p)."""
        self.place_labels()
        w, h = self.renderer.GetSize()
        if not w or not h or not self.texts:
            return ()
        boxes = np.vstack([t.drawn for t in self.texts]) + np.array([-GAP, -GAP, GAP, GAP])
        return tuple(tuple(float(v) for v in b / (w, h, w, h)) for b in boxes)

    def update(self, shown: Shown) -> None:
        for k in self.kernels:
            k.paint(shown.frame.t)

"""Block -> visual. A registry walked from the block's layer kind to its role, with panels (textured
slices) as the fallback: `@register_visual("MyLayer")` draws that layer kind's blocks your way, and
every role ("input", "feature", "dense", "weights", "output") is itself a registered visual.

A visual is built as `cls(block, renderer, options, overlay)`, holds its vtk `actor` (picking and
outlines find blocks by it), and draws each frame with `update(values, lit, texts)`.

One actor per block: quads for the slices, all sampling one 1-byte "atlas" texture that a
lookup table colours. A frame writes new indices into the texture's numpy buffer, nothing else
(see shared/notes/rendering.md: per-layer actors and a 1-byte texture are the cheap path).
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray, vtk_to_numpy

from nnvox.scenes.colour import lut as colour_table
from nnvox.scenes.layout import near_square
from nnvox.scenes.open_layer import map_places, slab_corners
from nnvox.scenes.registry import Registry
from nnvox.scenes.scene import Block
from nnvox.viewer.class_room import class_font, class_list, top_count, widest_row
from nnvox.viewer.label_layout import ClassTexts
from nnvox.viewer.theme import HALL_LINE_SPACING

VISUALS: Registry[type] = Registry("visual")
register_visual = VISUALS.register  # decorator: `@register_visual("MyLayer")` on a visual class


def visual_class(block: Block) -> type:
    """The visual registered for the block's layer kind, else for its role, else textured panels."""
    return VISUALS.lookup(block.kind, block.role) or PanelsVisual


def visual_for(block: Block, renderer, options, overlay=None):
    """`overlay` is the renderer for text that must never be hidden behind blocks."""
    return visual_class(block)(block, renderer, options, overlay or renderer)


@cache  # one table per colormap, shared by every lit block's texture (never changed once built)
def vtk_lut(cmap: str) -> vtk.vtkLookupTable:
    return _table_lut(colour_table(cmap))


def _table_lut(table: np.ndarray) -> vtk.vtkLookupTable:
    """A 256-entry vtk lookup table holding `table`'s colours (256 x 3, 0..255), opaque."""
    lut = vtk.vtkLookupTable()
    lut.SetNumberOfTableValues(256)
    lut.SetTableRange(0, 255)
    for i, (r, g, b) in enumerate(table):
        lut.SetTableValue(i, r / 255, g / 255, b / 255, 1.0)
    lut.Build()
    return lut


def _slab_texture_coords(block: Block, grid_cols: int, atlas_h: int, atlas_w: int) -> np.ndarray:
    """Each slab face's 4 texture coordinates (P, 6, 4, 2), in open_layer.FACES order: map k reads
    atlas cell divmod(k, grid_cols). The front and back faces show the whole map; each side face
    shows its edge row or column stretched over the slab's depth, as the sides of a layer of cubes would."""
    p, rows, cols = block.panels, block.rows, block.cols
    gi, gj = np.divmod(np.arange(p), grid_cols)
    s0, s1 = gj * cols / atlas_w, (gj + 1) * cols / atlas_w
    t0, t1 = gi * rows / atlas_h, (gi + 1) * rows / atlas_h  # atlas row 0 = the map's top row
    half_s, half_t = 0.5 / atlas_w, 0.5 / atlas_h
    top, bottom, left, right = t0 + half_t, t1 - half_t, s0 + half_s, s1 - half_s  # texel centres of the edges
    faces = [
        ((s0, t0), (s1, t0), (s1, t1), (s0, t1)),  # front
        ((s0, t0), (s0, t1), (s1, t1), (s1, t0)),  # back
        ((s0, top), (s0, top), (s1, top), (s1, top)),
        ((s0, bottom), (s1, bottom), (s1, bottom), (s0, bottom)),
        ((left, t0), (left, t1), (left, t1), (left, t0)),
        ((right, t0), (right, t0), (right, t1), (right, t1)),
    ]
    coords = np.empty((p, 6, 4, 2))
    for f, face in enumerate(faces):
        for c, (s_, t_) in enumerate(face):
            coords[:, f, c, 0], coords[:, f, c, 1] = s_, t_
    return coords


def _quads(pts: np.ndarray, tcs: np.ndarray) -> vtk.vtkPolyData:
    """Quads of 4 consecutive points each, with their texture coordinates; the points' float32
    array stays the polydata's own, so that moving maps writes into it in place (`open_to`)."""
    n_quads = len(pts) // 4
    poly = vtk.vtkPolyData()
    vpts = vtk.vtkPoints()
    vpts.SetData(numpy_to_vtk(np.ascontiguousarray(pts, dtype=np.float32), deep=True))
    poly.SetPoints(vpts)
    ca = vtk.vtkCellArray()
    offsets = numpy_to_vtkIdTypeArray(np.arange(0, 4 * n_quads + 1, 4, dtype=np.int64), deep=True)
    ca.SetData(offsets, numpy_to_vtkIdTypeArray(np.arange(4 * n_quads, dtype=np.int64), deep=True))
    poly.SetPolys(ca)
    poly.GetPointData().SetTCoords(numpy_to_vtk(tcs.astype(np.float32), deep=True))
    return poly


@register_visual("input", "feature", "dense", "weights")
class PanelsVisual:
    """Slices of voxels as textured quads. Feature maps, dense grids, inputs and weights."""

    def __init__(self, block: Block, renderer: vtk.vtkRenderer, options, overlay: vtk.vtkRenderer):
        self.block = block
        gr, gc = near_square(block.panels)
        self.grid = (gr, gc)
        h, w = gr * block.rows, gc * block.cols
        # vtk reads an image one texel wide as a row (its first axis longer than one texel becomes the
        # texture's width), which laid a classifier's column of classes across the column: a second,
        # unused texel column keeps every atlas upright.
        texels = max(w, 2)
        self.atlas = np.zeros((h, texels), dtype=np.uint8)  # texture memory, written in place per frame
        self._cells = np.zeros((gr * gc, block.rows, block.cols), dtype=np.uint8)
        self._atlas_cells = self.atlas[:, :w].reshape(gr, block.rows, gc, block.cols).transpose(0, 2, 1, 3)
        self.image = vtk.vtkImageData()
        self.image.SetDimensions(texels, h, 1)
        self._scalars = numpy_to_vtk(self.atlas.ravel(), deep=False)
        self.image.GetPointData().SetScalars(self._scalars)
        tex = vtk.vtkTexture()
        tex.SetInputData(self.image)
        tex.InterpolateOff()
        tex.SetLookupTable(vtk_lut(block.scale.cmap))
        tex.SetColorModeToMapScalars()
        self.texture = tex
        self._background = options.background
        self._coords = _slab_texture_coords(block, gc, h, texels).reshape(-1, 2)
        self.opened = 1.0 if block.opened is not None else 0.0  # open_layer.map_places's u
        self.poly = _quads(slab_corners(block, map_places(block, self.opened)).reshape(-1, 3), self._coords)
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputData(self.poly)
        mapper.ScalarVisibilityOff()
        self.actor = vtk.vtkActor()
        self.actor.SetMapper(mapper)
        self.actor.SetTexture(tex)
        prop = self.actor.GetProperty()
        prop.LightingOff()  # a texel's colour is exactly its value's colour, from any angle
        prop.SetAmbient(1.0)
        prop.SetDiffuse(0.0)
        renderer.AddActor(self.actor)
        self._lit = None

    def open_to(self, u: float) -> None:
        """An open block's maps a fraction u of the way from the stack (0) to the grid (1): only the
        points move (open_layer.map_places), the texture and its values stay."""
        if u == self.opened:
            return
        self.opened = u
        points = self.poly.GetPoints()
        # written into the points' own buffer: no new vtk array (and its copy) each frame the maps fly
        vtk_to_numpy(points.GetData())[:] = slab_corners(self.block, map_places(self.block, u)).reshape(-1, 3)
        points.GetData().Modified()
        points.Modified()
        self.poly.Modified()

    def update(self, values: np.ndarray, lit: float, texts=None) -> None:
        self.block.scale.quantise(values, out=self._cells[: self.block.panels])
        gr, gc = self.grid
        self._atlas_cells[...] = self._cells.reshape(gr, gc, self.block.rows, self.block.cols)
        self._scalars.Modified()
        self.image.Modified()
        if lit != self._lit:
            self._lit = lit
            self.texture.SetLookupTable(dimmed_lut(self.block.scale.cmap, self._background, lit))


@register_visual("output")
class OutputVisual(PanelsVisual):
    """The classifier: one voxel per class (a column, or a grid for many classes), lit by its
    probability on the fixed 0..1 scale; a column's rows are parted by thin gaps and the most
    probable class is framed (overlays/class_rows.py). Beside a column, each row's class name and
    probability; where rows are too close on screen to read (and beside a grid), a list of the
    most probable classes instead: the label layout chooses (ClassTexts)."""

    def __init__(self, block: Block, renderer: vtk.vtkRenderer, options, overlay: vtk.vtkRenderer):
        super().__init__(block, renderer, options, overlay)
        names = block.class_names or ()
        x, y, z = block.origin
        top, right = z + block.rows * block.voxel / 2, y - block.cols * block.voxel / 2 - 0.4 * block.voxel
        self.labels, font = [], class_font(options)
        for r, name in enumerate(names if block.cols == 1 else ()):
            actor = make_billboard(options, name, font=font, align_left=True, hall=True)
            actor.SetPosition(x, right, top - (r + 0.5) * block.voxel)
            overlay.AddActor(actor)
            self.labels.append(actor)
        self.k = top_count(names, options.theme.layout)
        heading, template = class_list(names, self.k)
        self._heading = heading + "\n" * bool(heading)
        widest = widest_row(names)
        self.top = make_billboard(options, template, font=font, align_left=True, below=True, hall=True)
        self.top.SetPosition(x, right, top)
        self.top.SetVisibility(False)
        overlay.AddActor(self.top)
        self.class_texts = ClassTexts(
            block.name,
            self.labels,
            np.array([a.GetPosition() for a in self.labels]).reshape(-1, 3),
            widest,
            self.top,
            (x, right, top),
            template,
        )
        self._top_text = None
        self._box_opacity = options.theme.layout.label_box_opacity
        self._text_lit: float | None = None

    def update(self, values: np.ndarray, lit: float, texts=None) -> None:
        super().update(values, lit)
        if lit != self._text_lit:  # the answer shows only once the forward pass reaches the output
            self._text_lit = lit
            for actor in (*self.labels, self.top):
                actor.GetTextProperty().SetOpacity(class_text_opacity(lit))
                actor.GetTextProperty().SetBackgroundOpacity(self._box_opacity * class_text_opacity(lit))
        for actor, text in zip(self.labels, texts or ()):
            actor.SetInput(text)
        if texts:
            p = np.nan_to_num(values.ravel()[: len(texts)], nan=-1.0)
            best = np.argsort(-p, kind="stable")[: self.k]
            text = self._heading + "\n".join(texts[i] for i in best)
            self.class_texts.order = [int(i) for i in best]  # the layout draws a line from each to its row
            if text != self._top_text:
                self._top_text = text
                self.top.SetInput(text)


# Of an output's light, where its class texts start to show: they fade in over the rest, as its
# colours come through and the pulse arrives (from the first light, the lecture's top-5 list read
# 0.7 s before the pulse reached a column still unlit, and before its lines to the rows).
CLASS_TEXT_FROM = 0.5


def class_text_opacity(lit: float) -> float:
    """How opaque an output's class texts are as the forward pass reaches it: hidden (0) until the
    output is CLASS_TEXT_FROM lit, then fading in with it, so the pass never shows its answer before
    it gets there (the browser page's classes.js follows)."""
    return float(np.clip((lit - CLASS_TEXT_FROM) / (1.0 - CLASS_TEXT_FROM), 0.0, 1.0))


# Of its own colours, what a block the forward pass has not reached shows, the rest the background's.
# Drawn opaque: a translucent block (0.12 opacity before) showed the blocks behind it through itself,
# two or three blurred, offset copies of the input in each, and their back faces.
UNLIT_STRENGTH = 0.18


def lit_strength(lit: float) -> float:
    """How much of its colours a block (and what marks it) shows as the forward pass reaches it, `lit`
    0 (not yet) to 1, mixed into the background for the rest: dark but never gone, so the network's
    shape shows before the pass arrives. The browser page reads it (payload colours.unlit_strength)."""
    return UNLIT_STRENGTH + (1.0 - UNLIT_STRENGTH) * lit


def dimmed(colours: np.ndarray, background, strength: float) -> np.ndarray:
    """`colours` (..., 3, 0..255) showing `strength` of themselves, mixed into `background` for the rest."""
    bg = np.asarray(background, float)
    return np.round(bg + strength * (np.asarray(colours, float) - bg)).astype(np.uint8)


# The entry of a colour table (scenes/colour.lut: no value, non-finite, then 254 along the map) whose
# colour an unreached block shows for every value: the map's middle. The browser page reads it.
UNLIT_ENTRY = 2 + 127


def lit_colours(colours: np.ndarray, background, lit: float) -> np.ndarray:
    """A colour table (256 x 3) as a block shows it, `lit` 0..1 by the forward pass: unreached, one
    colour for every value (UNLIT_ENTRY's, lit_strength(0) of it over the background): the block's
    shape and none of its values, so no layer ahead (the answer's column least) hints what the pass
    will find; its own colours come through as it lights."""
    c = np.asarray(colours, float)
    flat = c[UNLIT_ENTRY]
    return dimmed(flat + lit * (c - flat), background, lit_strength(lit))


def dimmed_lut(cmap: str, background, lit: float) -> vtk.vtkLookupTable:
    """`cmap`'s table as a block `lit` 0..1 by the forward pass draws it on `background` (lit_colours),
    in steps of 1/255 (under one colour level each): the shared table when fully lit."""
    return _dimmed_lut(cmap, tuple(int(v) for v in background), round(float(lit) * 255))


@lru_cache(maxsize=1024)  # built once per level: every forward pass steps the blocks through the same ones
def _dimmed_lut(cmap: str, background: tuple[int, ...], level: int) -> vtk.vtkLookupTable:
    if level >= 255:
        return vtk_lut(cmap)
    return _table_lut(lit_colours(colour_table(cmap), background, level / 255))


def outline_boxes(bounds) -> vtk.vtkPolyData:
    """The edges of boxes (x0, x1, y0, y1, z0, z1) as one polydata: one actor draws them all."""
    append = vtk.vtkAppendPolyData()
    append.AddInputData(vtk.vtkPolyData())  # no boxes: still valid, empty input
    for b in bounds:
        box = vtk.vtkOutlineSource()
        box.SetBounds(*b)
        box.Update()
        append.AddInputData(box.GetOutput())
    append.Update()
    return append.GetOutput()


def make_billboard(
    options,
    text: str,
    *,
    scale: float = 1.0,
    align_left: bool = False,
    below: bool = False,
    hall: bool = False,
    font: int | None = None,
) -> vtk.vtkBillboardTextActor3D:
    """Camera-facing text with a pixel size tied to the image height (the theme's label size times
    `scale`, never under its lecture minimum; `hall`: a block label's or class text's, never with
    capitals under theme.HALL_TEXT; `font`: that size, where its caller defines it), so it reads at
    any resolution."""
    actor = vtk.vtkBillboardTextActor3D()
    actor.SetInput(text)
    tp = actor.GetTextProperty()
    fraction = options.theme.fonts.label.fraction * scale
    tp.SetFontSize(font or (options.hall_text(fraction) if hall else options.text_size(fraction)))
    tp.SetLineSpacing(HALL_LINE_SPACING if hall and options.hall else tp.GetLineSpacing())  # a lecture's
    tp.SetBold(options.bold)  # every text of a lecture's: theme.HALL_BOLD
    tp.SetColor(*(c / 255 for c in options.text_colour))
    tp.SetBackgroundColor(*(c / 255 for c in options.background))
    tp.SetBackgroundOpacity(options.theme.layout.label_box_opacity)  # reads on any background
    tp.SetJustificationToLeft() if align_left else tp.SetJustificationToCentered()
    if below:
        tp.SetVerticalJustificationToTop()
    elif align_left:
        tp.SetVerticalJustificationToCentered()
    else:
        tp.SetVerticalJustificationToBottom()
    return actor

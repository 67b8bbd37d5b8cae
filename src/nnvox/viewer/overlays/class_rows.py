"""The classifier's own marks beside its colours: a thin gap between two class rows, so each class
reads as its own lit row beside its label, and a frame around the most probable class. Built once
per output block; a frame moves the top class's box by its actor's position and never makes
geometry. Drawn apart from the block (viewer/visuals.py), as outlines are: hidden with them while
blocks glide, taken out with them when the window switches scenes."""

from __future__ import annotations

import weakref

import numpy as np
import vtk

from nnvox.scenes.colour import lut
from nnvox.scenes.scene import Block
from nnvox.viewer.label_layout import LEADER_OPACITY, list_route
from nnvox.viewer.overlays.answer_dock import AnswerDock
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.edges import lines_actor
from nnvox.viewer.theme import LECTURE_FONT, to_unit
from nnvox.viewer.visuals import lit_colours

GAP_PAD = 0.03  # voxels: the row gaps stand this far off the faces, so they never fight them for depth
FRAME_PAD = 0.1  # voxels: the top class's frame stands this far off its cell
UNIFORM = 1e-6  # outputs whose classes differ by less than this have no top class to frame
CELL_FONT = 0.9  # a cell's name's font size, as a share of the cell: capitals about 0.67 of it
# A class's name goes on its cell where the cells stand large enough on screen, each way, for a
# name at a lecture's least text (theme.LECTURE_FONT: 25 px fonts at 1080p): 27.6 px cells at 1080p.
# Smaller, its digit is unreadable past the front rows and the list of top classes names the cells
# (watch 6: fc2's 18 px cells carried no digit)
CELL_TEXT = LECTURE_FONT / CELL_FONT
# The lines from the list of top classes to their cells: 3 px at 1080p (a share of the frame's
# height) in the labels' colour, nearly opaque: 1 px at 0.6 opacity read as grey hairlines that
# vanished on a projector (watch 6)
LIST_LINE = 3 / 1080
LIST_LINE_OPACITY = 0.9


def _marks(paths: list, colour, width: float) -> vtk.vtkActor:
    """Unlit, unpickable polylines (clicks pick the block beneath)."""
    actor = lines_actor(paths, to_unit(colour), width)
    actor.PickableOff()
    return actor


def _loop(x0: float, x1: float, y0: float, y1: float, z: float) -> list:
    """A closed horizontal rectangle at height z, as a path."""
    return [(x0, y0, z), (x1, y0, z), (x1, y1, z), (x0, y1, z), (x0, y0, z)]


def class_box(block: Block, pad: float) -> tuple[float, float, float, float, float, float]:
    """The box around class 0's cell (the top row, or a grid's top-left cell), `pad` voxels off it."""
    x0, _, _, y1, _, z1 = block.bounds
    v, p = block.voxel, pad * block.voxel
    return (x0 - p, x0 + block.thickness + p, y1 - v - p, y1 + p, z1 - v - p, z1 + p)


def gap_loops(block: Block) -> list:
    """A loop round a column of classes at each boundary between two rows (none for a grid of
    classes, whose cells are too small for gaps). The browser page draws these too."""
    if block.cols != 1 or block.rows < 2:
        return []
    x0, x1, y0, y1, _, z1 = block.bounds
    p = GAP_PAD * block.voxel
    return [_loop(x0 - p, x1 + p, y0 - p, y1 + p, z1 - k * block.voxel) for k in range(1, block.rows)]


def row_gaps(block: Block, options) -> vtk.vtkActor | None:
    """The row gaps in the background's colour (None for a grid of classes)."""
    loops = gap_loops(block)
    return _marks(loops, options.background, max(1.0, options.height / 540)) if loops else None


def frame_edges(block: Block) -> list:
    """The top-class frame's twelve edges round class 0's cell; a class's frame is moved by
    (0, -col * voxel, -row * voxel)."""
    x0, x1, y0, y1, z0, z1 = class_box(block, FRAME_PAD)
    edges = [_loop(x0, x1, y0, y1, z0), _loop(x0, x1, y0, y1, z1)]
    return edges + [[(x, y, z0), (x, y, z1)] for x in (x0, x1) for y in (y0, y1)]


def framed_class(block: Block, probabilities: np.ndarray, lit: float) -> int | None:
    """The class the frame goes round: the most probable, once the forward pass has lit the output
    halfway, over probabilities only (a comparison's signed differences have no top class)."""
    classes = len(block.class_names) if block.class_names else block.rows * block.cols
    return None if block.scale.diverging or lit < 0.5 else top_class(probabilities, classes)


def top_class(probabilities: np.ndarray, classes: int) -> int | None:
    """The most probable of the first `classes` values; None where they are all alike or any is not finite."""
    p = np.asarray(probabilities, dtype=np.float64).ravel()[:classes]
    if p.size == 0 or not np.isfinite(p).all() or p.max() - p.min() < UNIFORM:
        return None
    return int(np.argmax(p))


class TopClassFrame:
    """A frame, in the labels' colour, round the cell of the class the output rates most probable.
    Shown once the forward pass has reached the output, and only over probabilities (a comparison's
    signed differences have no top class)."""

    def __init__(self, block: Block, options):
        self.block = block
        self.actor = _marks(frame_edges(block), options.text_colour, max(2.0, options.height / 360))
        self.actor.SetVisibility(False)
        self.framed: int | None = None  # the class framed now (None: none)

    def update(self, probabilities: np.ndarray, lit: float) -> None:
        top = framed_class(self.block, probabilities, lit)
        if top is not None and top != self.framed:
            row, col = divmod(top, self.block.cols)
            self.actor.SetPosition(0.0, -col * self.block.voxel, -row * self.block.voxel)
        self.framed = top
        if self.actor.GetVisibility() != (top is not None):  # set each frame: a glide hides and shows it too
            self.actor.SetVisibility(top is not None)


def list_line_width(height: int) -> float:
    """The pixel width of the lines from the list of top classes to their cells in a frame `height`
    pixels high: LIST_LINE of it, never under 1 px."""
    return max(1.0, LIST_LINE * height)


def answer_lines(segments: list) -> list:
    """Of the lines from the lists of top classes to their cells (label_layout._list_leaders: three
    segments a line, a list's lines together, its entries' in order, most probable first, all from
    its column's edge to its near edge), the answer's alone: each list's first entry's, in a lane
    midway (list_route of that one). The list is ordered by probability and the cells by class, so
    five lines crossed 4-6 times and read as a tangle from the back (watch 7, finding 5); each entry
    names its digit, and one line ties the answer to its cell. The page's answerLine is this rule."""
    out, lists = [], set()
    for k in range(0, len(segments) - 2, 3):
        (column, row, _, _), _, (_, entry, near, _) = segments[k : k + 3]
        if (column, near) not in lists:  # a list's first line: its top entry's
            lists.add((column, near))
            out += list_route(column, near, [(row, entry)])
    return out


def style_list_lines(lines, options) -> None:
    """The list's lines (label_layout.LeaderLines) as wide as list_line_width, in the labels' colour,
    LIST_LINE_OPACITY where the other leaders are LEADER_OPACITY: their fade with the list
    (LeaderLines.follow) scaled so; the answer's line alone drawn (answer_lines). The layout's file
    is another's: its lines wrapped, not edited."""
    draw = lines.draw
    lines.draw = lambda segments: draw(answer_lines(segments))
    prop = lines.actor.GetProperty()
    prop.SetLineWidth(list_line_width(options.height))
    prop.SetColor(*to_unit(options.text_colour))
    prop.SetOpacity(LIST_LINE_OPACITY)
    fade = lines.follow

    def follow(classes) -> None:
        fade(classes)
        prop.SetOpacity(prop.GetOpacity() * LIST_LINE_OPACITY / LEADER_OPACITY)

    lines.follow = follow


def cell_centres(block: Block, eye) -> np.ndarray:
    """(classes, 3) the middle of each class's cell on the column's face toward `eye` (world)."""
    x0, _, y0, y1, _, z1 = block.bounds
    x = x0 + block.thickness if eye[0] > x0 + block.thickness / 2 else x0
    n = len(block.class_names) if block.class_names else block.rows
    z = z1 - (np.arange(n) + 0.5) * block.voxel
    return np.column_stack([np.full(n, x), np.full(n, (y0 + y1) / 2), z])


def name_colours(block: Block, values: np.ndarray, lit: float, background, text) -> list:
    """Each cell's name's colour (0..255): the background's on a light cell, the labels' on a dark
    one (the cell's colour as drawn, lit_colours), so the digit reads on every probability."""
    drawn = lit_colours(lut(block.scale.cmap), background, lit)
    cells = drawn[block.scale.quantise(np.asarray(values, np.float32).ravel())].astype(float)
    light = cells @ np.array([0.299, 0.587, 0.114]) > 128
    return [tuple(background) if bright else tuple(text) for bright in light]


def cell_font(size: float, height: int, least: int | None = None) -> int:
    """The font size of the names on cells `size` pixels each way on screen in a frame `height`
    pixels high: CELL_FONT of a cell, 0 (none drawn) under CELL_TEXT of the height, or where given
    under a font of `least` (a lecture's least text, options.text_size: digits of 21 px on the forward
    pass's 29 px cells at 1080p were too small for row 20, an eighth watch; the list of top classes
    beside the column names them). The page's class_list.js cellFont is the CELL_TEXT rule."""
    if not np.isfinite(size) or size < CELL_TEXT * height:
        return 0
    font = max(1, round(CELL_FONT * size))
    return font if least is None or font >= least else 0


def _add_first(renderer: vtk.vtkRenderer, prop) -> None:
    """`prop` drawn first of the pane's 2D props: a cell's name is part of its block, so the edge
    fade, the heads-up line, the legends and the caption draw over it (added last, a zoomed
    column's "0" stood over the heads-up line's text)."""
    renderer.GetViewProps().InsertItem(-1, prop)
    prop.AddConsumer(renderer)


class CellNames:
    """Each class's name on its own cell of a column of classes, where the cells stand at least
    CELL_TEXT of the frame's height on screen, as opaque as the block; hidden where the names
    stand beside the rows already (the rows form, ClassTexts) or the cells are smaller. Whether the
    rows form stands is the labels' layout's choice for this picture (`relayout`), made as it starts
    to draw: judged from the picture before, a zoom past the form's change drew the digits twice (on
    the cells and beside them), then none on 53 px cells."""

    def __init__(self, block: Block, stage: Stage, rows=(), visual=None, relayout=None):
        self.block, self.renderer, self.options = block, stage.renderer, stage.options
        self.rows, self.visual = list(rows), visual  # the names beside the rows; the block's visual
        self.relayout = relayout
        self.wanted: list[bool] = []  # each name drawn, but for the rows beside (update; placed as drawn)
        self.actors = []
        for name in block.class_names:
            actor = vtk.vtkTextActor()
            actor.SetInput(str(name))
            tp = actor.GetTextProperty()
            tp.SetJustificationToCentered()
            tp.SetVerticalJustificationToCentered()
            tp.SetBold(stage.options.bold)
            actor.SetVisibility(False)
            actor.PickableOff()
            _add_first(stage.renderer, actor)
            self.actors.append(actor)
        self.size = 0.0  # the cells' size on screen at the last update (pixels)
        me = weakref.ref(self)  # after the other places made as the picture starts (the layout's keep-offs)
        stage.renderer.AddObserver("StartEvent", lambda *_: me() and me().place(), -20.0)

    def place(self) -> None:
        """Each name shown or not by this picture's layout: none where the rows form names the rows."""
        if self.relayout is not None and any(self.wanted):
            self.relayout()  # the layout this picture draws (it draws it again only if anything moved)
        beside = any(r.GetVisibility() for r in self.rows)
        for actor, wanted in zip(self.actors, self.wanted):
            actor.SetVisibility(bool(wanted and not beside))

    def _display(self, points: np.ndarray) -> np.ndarray:
        coord = vtk.vtkCoordinate()
        coord.SetCoordinateSystemToWorld()
        out = []
        for p in points:
            coord.SetValue(*p)
            out.append(coord.GetComputedDoubleDisplayValue(self.renderer))
        return np.array(out, dtype=float)

    def _opacity(self) -> float:
        if self.visual is None:
            return 1.0
        actor = self.visual.actor
        return actor.GetProperty().GetOpacity() if actor.GetVisibility() else 0.0

    def update(self, values: np.ndarray, lit: float) -> None:
        eye = self.renderer.GetActiveCamera().GetPosition()
        centres = cell_centres(self.block, eye)
        _, _, y0, y1, _, _ = self.block.bounds
        across = self._display(np.array([[centres[0, 0], y0, centres[0, 2]], [centres[0, 0], y1, centres[0, 2]]]))
        at = self._display(centres)
        steps = np.linalg.norm(np.diff(at, axis=0), axis=1)
        self.size = float(min(steps.min() if steps.size else np.inf, np.linalg.norm(across[1] - across[0])))
        opacity = self._opacity()
        # a lecture's picture: no name smaller than its least text (its notes' capitals, theme.NOTE_TEXT)
        font = cell_font(self.size, self.options.height, self.options.text_size(0.0) if self.options.hall else None)
        show = font > 0 and opacity > 0
        back, text = self.options.background, self.options.text_colour
        colours = name_colours(self.block, values, lit, back, text) if show else ()
        w, h = self.renderer.GetSize()
        reach = font  # a name's middle this far inside the pane at least: none drawn cut by its edge
        # `at` in the window's pixels, the pane's size its own: from the pane's corner (a comparison's
        # right pane starts half a window across, and every name there stood "outside" it)
        x, y = at[:, 0] - self.renderer.GetOrigin()[0], at[:, 1] - self.renderer.GetOrigin()[1]
        inside = (x >= reach) & (x <= w - reach) & (y >= reach) & (y <= h - reach)
        self.wanted = [bool(show and inside[k]) for k in range(len(self.actors))]
        for k, actor in enumerate(self.actors):
            actor.SetVisibility(self.wanted[k])  # (the rows beside: place)
            if show:
                tp = actor.GetTextProperty()
                tp.SetFontSize(font)
                tp.SetColor(*to_unit(colours[k]))
                tp.SetOpacity(opacity)
                actor.SetDisplayPosition(round(at[k, 0]), round(at[k, 1]))


class ClassRows:
    """Every output block's row gaps and top-class frame, and the dock of its answer (AnswerDock)."""

    def __init__(self, stage: Stage, class_texts=(), relayout=None, *, visuals=None):
        outputs = [b for b in stage.scene.blocks if b.role == "output"]
        self.frames = {b.name: TopClassFrame(b, stage.options) for b in outputs}
        gaps = [g for b in outputs if (g := row_gaps(b, stage.options)) is not None]
        self.props = gaps + [f.actor for f in self.frames.values()]
        for prop in self.props:
            stage.renderer.AddActor(prop)
        beside = {c.block: c for c in class_texts}  # the texts beside each column (the labels' layout's)
        visuals = visuals or {}
        self.names = {
            b.name: CellNames(b, stage, beside[b.name].rows if b.name in beside else (), visuals.get(b.name), relayout)
            for b in outputs
            if b.class_names and b.cols == 1 and stage.options.show_labels  # texts: none in a plain picture
        }
        self.props += [a for n in self.names.values() for a in n.actors]
        self.docks = {b.name: AnswerDock(stage, b, beside.get(b.name), relayout) for b in outputs if b.class_names}
        # whether the last picture left every docked list as the one before (steady): noted as each
        # picture starts to draw, after the lists take their places and light (AnswerDock.take_over)
        self.steady, self._docked = True, {}
        me = weakref.ref(self)
        stage.overlay.AddObserver("StartEvent", lambda *_: me() and me()._note_docks(), -6.0)

    def keep_over(self, caption) -> None:
        """The docked lists stand over `caption`'s band (AnswerDock._floor), as the legends' notes do."""
        for d in self.docks.values():
            d.caption = caption

    def dock(self, docks: bool) -> None:
        """Whether the answer docks to the frame where the camera leaves its column out (a shot of a
        mistake: AnswerDock); hidden at the next update where not."""
        for d in self.docks.values():
            d.new_shot(docks)

    def pace(self, fps: float) -> None:
        """The pictures a second a shot is drawn at: a docked list's light rises over time (AnswerDock.pace)."""
        for d in self.docks.values():
            d.pace(fps)

    def _note_docks(self) -> None:
        """A picture drawn again now draws the same docked lists only where this one changed none
        of their places and light (a light still rising: the export draws the picture again)."""
        docked = {name: (d.where, d.coming, d.lit) for name, d in self.docks.items()}
        self.steady, self._docked = docked == self._docked, docked

    def drawn_boxes(self) -> tuple[tuple[float, float, float, float], ...]:
        """The docked lists' boxes (pane fractions): the block labels keep off them."""
        return tuple(box for d in self.docks.values() for box in d.drawn_boxes())

    def update(self, shown: Shown) -> None:
        frame = shown.frame
        for name, top in self.frames.items():
            top.update(frame.values[name], frame.lit[name])
        for name, names in self.names.items():
            names.update(frame.values[name], frame.lit[name])
        for name, d in self.docks.items():
            d.update(frame.values[name], frame.lit[name], frame.texts.get(name))

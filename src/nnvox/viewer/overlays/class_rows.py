"""The classifier's own marks beside its colours: a thin gap between two class rows, so each class
reads as its own lit row beside its label, and a frame around the most probable class. Built once
per output block; a frame moves the top class's box by its actor's position and never makes
geometry. Drawn apart from the block (viewer/visuals.py), as outlines are: hidden with them while
blocks glide, taken out with them when the window switches scenes."""

from __future__ import annotations

import numpy as np
import vtk

from nnvox.scenes.scene import Block
from nnvox.viewer.overlays.answer_dock import AnswerDock
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.edges import lines_actor
from nnvox.viewer.theme import to_unit

GAP_PAD = 0.03  # voxels: the row gaps stand this far off the faces, so they never fight them for depth
FRAME_PAD = 0.1  # voxels: the top class's frame stands this far off its cell
UNIFORM = 1e-6  # outputs whose classes differ by less than this have no top class to frame


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


class ClassRows:
    """Every output block's row gaps and top-class frame, and the dock of its answer (AnswerDock)."""

    def __init__(self, stage: Stage, class_texts=(), relayout=None):
        outputs = [b for b in stage.scene.blocks if b.role == "output"]
        self.frames = {b.name: TopClassFrame(b, stage.options) for b in outputs}
        gaps = [g for b in outputs if (g := row_gaps(b, stage.options)) is not None]
        self.props = gaps + [f.actor for f in self.frames.values()]
        for prop in self.props:
            stage.renderer.AddActor(prop)
        beside = {c.block: c for c in class_texts}  # the texts beside each column (the labels' layout's)
        self.docks = {b.name: AnswerDock(stage, b, beside.get(b.name), relayout) for b in outputs if b.class_names}

    def keep_over(self, caption) -> None:
        """The docked lists stand over `caption`'s band (AnswerDock._floor), as the legends' notes do."""
        for d in self.docks.values():
            d.caption = caption

    def dock(self, docks: bool) -> None:
        """Whether the answer docks to the frame where the camera leaves its column out (a shot of a
        mistake: AnswerDock); hidden at the next update where not."""
        for d in self.docks.values():
            d.new_shot(docks)

    def drawn_boxes(self) -> tuple[tuple[float, float, float, float], ...]:
        """The docked lists' boxes (pane fractions): the block labels keep off them."""
        return tuple(box for d in self.docks.values() for box in d.drawn_boxes())

    def update(self, shown: Shown) -> None:
        frame = shown.frame
        for name, top in self.frames.items():
            top.update(frame.values[name], frame.lit[name])
        for name, d in self.docks.items():
            d.update(frame.values[name], frame.lit[name], frame.texts.get(name))

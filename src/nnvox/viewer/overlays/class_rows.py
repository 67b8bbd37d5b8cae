"""The classifier's own marks beside its colours: a thin gap between two class rows, so each class
reads as its own lit row beside its label, and a frame around the most probable class. Built once
per output block; a frame moves the top class's box by its actor's position and never makes
geometry. Drawn apart from the block (viewer/visuals.py), as outlines are: hidden with them while
blocks glide, taken out with them when the window switches scenes."""

from __future__ import annotations

import weakref

import numpy as np
import vtk

from nnvox.scenes.scene import Block
from nnvox.viewer.camera_matrix import camera_matrix
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.edges import lines_actor
from nnvox.viewer.theme import TITLE_SAFE, to_unit

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
            d.docks, d.cornered = docks, False  # (a new shot: its corner's list not shown yet)

    def drawn_boxes(self) -> tuple[tuple[float, float, float, float], ...]:
        """The docked lists' boxes (pane fractions): the block labels keep off them."""
        return tuple(box for d in self.docks.values() for box in d.drawn_boxes())

    def update(self, shown: Shown) -> None:
        frame = shown.frame
        for name, top in self.frames.items():
            top.update(frame.values[name], frame.lit[name])
        for name, d in self.docks.items():
            d.update(frame.values[name], frame.lit[name], frame.texts.get(name))


# Of the frame's width: how far out of the frame the output's column stands where its docked list of
# top classes has faded in whole (it fades in as the camera moves the column out, not in one frame)
DOCK_FADE = 0.15
# Of the frame's width: the room beyond its own width over which the docked list fades in as the move
# opens it beside the input (at 40 px capitals the lecture's close-up leaves it 0.13 of the width:
# a ramp of DOCK_FADE left it at 84% to the shot's end)
ROOM_FADE = 0.05
DOCK_TOP = 0.86  # of the frame's height: the docked list's top, under the heads-up line
DOCK_HEADING = "the network's answer"
DOCK_GAP = 0.04  # of the pane's height: the docked list's gap from the input it answers (a label's room)


def docked_text(names, values: np.ndarray, texts, k: int) -> str:
    """The docked list: DOCK_HEADING (with "top k of n" where it lists fewer than all), then the `k`
    most probable classes' texts ("0  97%"), most probable first, as the list beside the column."""
    from nnvox.viewer.class_room import class_list

    heading, _ = class_list(names, k)
    p = np.nan_to_num(np.asarray(values, dtype=float).ravel()[: len(texts)], nan=-1.0)
    best = np.argsort(-p, kind="stable")[:k]
    return "\n".join([DOCK_HEADING] + [heading] * bool(heading) + [texts[i] for i in best])


def outside_share(rect: np.ndarray, w: float, h: float) -> float:
    """How far (of the frame's width) the screen rectangle `rect` (x0, y0, x1, y1) stands outside
    the frame of `w` x `h` pixels: 0 wholly inside, growing as it leaves (the nearer of its two
    distances: out by its far edge, or by the frame's edge it has crossed)."""
    past = max(-rect[0], rect[2] - w, -rect[1], rect[3] - h, 0.0)
    return float(past / w)


def input_group(blocks) -> list[int]:
    """The indices of the input a mistake is about: the probe's plane and the attribution planes
    drawn beside it (its order, overlapping it along the network: attribution_planes.py)."""
    probe = [k for k, b in enumerate(blocks) if b.key == "probe"]
    if not probe:
        return []
    p = blocks[probe[0]]
    return probe + [
        k
        for k, b in enumerate(blocks)
        if b.kind == "Attribution" and b.order == p.order and b.bounds[0] <= p.bounds[1] and p.bounds[0] <= b.bounds[1]
    ]


def dock_place(rects: np.ndarray, group: list[int], need: float, w: float, h: float, tall: float = 0.0):
    """Where the docked list stands, given the blocks' screen rectangles `rects` (n, 4, pixels,
    y up), the input's `group` and the list's width `need` (its margins included): (side, x, top,
    room) beside the input group on the side its neighbours leave more room ("left": its right end
    at x; "right": its left end at x), its top level with the group's middle; None where the group
    is out of the frame. `room`: the pixels that side leaves it, for its fade-in (< 0: too few).
    `tall`: the list's height: one taller than the group's lower half ends level with its bottom."""
    on = (rects[:, 2] > 0) & (rects[:, 0] < w) & (rects[:, 3] > 0) & (rects[:, 1] < h)
    if not group or not on[group].all():
        return None
    g = rects[group]
    x0, x1, y0, y1 = g[:, 0].min(), g[:, 2].max(), g[:, 1].min(), g[:, 3].max()
    others = rects[on & ~np.isin(np.arange(len(rects)), group)]
    left_of, right_of = others[others[:, 2] <= x0, 2], others[others[:, 0] >= x1, 0]
    left = x0 - (left_of.max() if len(left_of) else 0.0)
    right = (right_of.min() if len(right_of) else w) - x1
    # a list taller than the group's lower half (`tall`: 40 px capitals) rises to end level with its bottom
    top = min(max((y0 + y1) / 2, y0 + tall), y1, DOCK_TOP * h)
    if left >= right:
        return ("left", x0 - DOCK_GAP * h, top, left - need)
    return ("right", x1 + DOCK_GAP * h, top, right - need)


class AnswerDock:
    """A shot of a mistake (`dock(True)`) keeps its wrong answer readable: where its camera leaves
    the output's column out of the frame (a close-up on the input), the column's list of top classes
    docks beside the input it answers (input_group: the digit and its attribution plane), on the side
    its neighbours leave more room, its top level with the group's middle (the lecture's close-up on
    a 6 read as 0 had the list alone in the frame's top left corner, the lower left quarter empty);
    at the frame's top corner only where the input is out of the frame. It fades in as the column
    leaves the frame (DOCK_FADE) and as the room beside the input opens, with the answer's light.
    The block labels keep off it (drawn_boxes, LabelLayout.keep_off)."""

    def __init__(self, stage: Stage, block: Block, column=None, relayout=None):
        from nnvox.viewer.class_room import class_font, top_count

        self.stage, self.block, self.docks = stage, block, False
        self.column = column  # the column's own class texts (label_layout.ClassTexts), None where none are drawn
        self.relayout = relayout  # lays the labels out again (LabelLayout.update), off the corner's list
        names = block.class_names or ()
        self.k = top_count(names, stage.options.theme.layout)
        self.actor = vtk.vtkTextActor()
        tp = self.actor.GetTextProperty()
        tp.SetFontSize(class_font(stage.options))
        tp.SetBold(stage.options.bold)  # theme.HALL_BOLD in a lecture's
        tp.SetColor(*to_unit(stage.options.text_colour))
        tp.SetBackgroundColor(*to_unit(stage.options.background))
        tp.SetVerticalJustificationToTop()
        tp.SetLineSpacing(1.1)
        self.actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        self.actor.SetVisibility(False)
        # on the texts' layer, its light set as that layer starts to draw: after the labels' layout
        # has shown or hidden the column's own list for this very picture (take_over)
        stage.overlay.AddViewProp(self.actor)
        # the same list in the frame's top corner on the column's side, while the room beside the input
        # has not opened (the lecture's push-in: the column's list gone, the input at the frame's edge)
        self.corner = vtk.vtkTextActor()
        self.corner.GetTextProperty().ShallowCopy(tp)
        self.corner.GetTextProperty().SetJustificationToLeft()
        self.corner.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        self.corner.SetVisibility(False)
        stage.overlay.AddViewProp(self.corner)
        me = weakref.ref(self)
        stage.overlay.AddObserver("StartEvent", lambda *_: me() and me().take_over(), -5.0)
        self.light, self.opened = 0.0, 0.0  # the answer's light; the share of the room beside the input open
        self.corner_box: tuple | None = None  # pane fractions, where the corner's list stands
        self.cornered = False  # whether the corner's list showed in the shot's last picture
        self.box_opacity = stage.options.theme.layout.label_box_opacity
        self.group = input_group(stage.scene.blocks)
        self.text = ""  # the list as last docked (its box is where the labels keep off)
        self.caption = None  # the shot's caption (overlays/caption.py): the list stands over its band

    def update(self, values: np.ndarray, lit: float, texts) -> None:
        from nnvox.viewer.visuals import class_text_opacity

        self.corner.SetVisibility(False)
        if not self.docks or not texts:
            self.actor.SetVisibility(False)
            return
        self.text = docked_text(self.block.class_names, values, texts, self.k)
        self.actor.SetInput(self.text)
        self.corner.SetInput(self.text)
        placed = self.place()
        self.light = class_text_opacity(lit)
        self.opened = 0.0 if placed is None else placed[2]
        self.show(self.actor, 0.0 if placed is None else placed[0] * self.light)

    def show(self, actor, shown: float) -> None:
        shown = max(shown, 0.0)
        actor.SetVisibility(shown > 0)
        tp = actor.GetTextProperty()
        tp.SetOpacity(shown)
        tp.SetBackgroundOpacity(self.box_opacity * shown)

    def column_list_shown(self) -> bool:
        """Whether the column's own class texts are drawn in this picture (the labels' layout decides
        as the texts' layer starts to draw)."""
        c = self.column
        return c is not None and (c.top.GetVisibility() or any(a.GetVisibility() for a in c.rows))

    def take_over(self) -> None:
        """Where the column's own list has lost its room, the docked list shows at once, not only once
        the column is DOCK_FADE out of the frame: beside the input as far as the room there has opened,
        the rest of its light in the top corner on the column's side (a cross-fade from one to the
        other as the camera opens the room): 1-1.5 s of the lecture's push-in showed no answer."""
        if self.docks and self.text and self.column is not None and not self.column_list_shown():
            self.show(self.actor, self.opened * self.light)
            self.show(self.corner, (1.0 - self.opened) * self.light if self.corner_box else 0.0)
        arrived = self.corner.GetVisibility() and not self.cornered
        self.cornered = self.corner.GetVisibility()
        if arrived and self.relayout is not None:  # the labels off it from its first picture on
            self.relayout()

    def place(self):
        """(share shown by the camera, box in pane fractions, share of its room open) of the list under
        the camera now, set on its actor; None where the pane has no size or nothing docks."""
        from nnvox.viewer.label_layout import block_rectangles, margin
        from nnvox.viewer.overlays.hud import text_extent

        w, h = self.stage.renderer.GetSize()
        if not self.docks or not self.text or not w or not h:
            return None
        matrix = camera_matrix(self.stage.renderer)[0]
        rects = block_rectangles(np.array([b.bounds for b in self.stage.scene.blocks], dtype=float), matrix, w, h)
        own = rects[[b.name for b in self.stage.scene.blocks].index(self.block.name)]
        out = min(1.0, outside_share(own, w, h) / DOCK_FADE)
        tp = self.actor.GetTextProperty()
        tw, th = text_extent(tp, self.text)[:2]
        edge = 2 * margin(h)  # twice the edge margin every text keeps: it reads as placed, not pushed there
        self._place_corner(own, tw, th, edge, w, h)
        beside = dock_place(rects, self.group, tw + 2 * edge, w, h, th)
        if beside is None:  # the input out of the frame: the top corner with more room
            on = rects[(rects[:, 2] > 0) & (rects[:, 0] < w) & (rects[:, 3] > 0) & (rects[:, 1] < h)]
            left = on[:, 0].min() if len(on) else w
            right = w - on[:, 2].max() if len(on) else w
            side, room = ("left", left) if left >= right else ("right", right)
            x = edge + tw if side == "left" else w - edge - tw
            beside = (side, x, DOCK_TOP * h, room - tw - 2 * edge)
        side, x, top, room = beside
        safe = TITLE_SAFE if self.stage.options.hall else 0.0  # a lecture's list stays title-safe
        side_edge = max(edge, safe * w)
        x = min(max(x, tw + side_edge), w - side_edge) if side == "left" else min(max(x, side_edge), w - side_edge - tw)
        x0 = x - tw if side == "left" else x
        top = max(top, th + self._floor(x0, x0 + tw, edge))  # the whole list in the frame, over the caption
        top = min(top, (1 - safe) * h)
        tp.SetJustificationToRight() if side == "left" else tp.SetJustificationToLeft()
        self.actor.SetPosition(x / w, top / h)
        self.box = (x0 / w, (top - th) / h, (x0 + tw) / w, top / h)
        opened = min(1.0, max(0.0, room / (ROOM_FADE * w)))
        return float(out * opened), self.box, float(opened)

    def _place_corner(self, own: np.ndarray, tw: float, th: float, edge: float, w: int, h: int) -> None:
        """The corner's list: at the frame's top on the side the column stands (and leaves by), under
        the heads-up line, title-safe (take_over)."""
        safe = TITLE_SAFE if self.stage.options.hall else 0.0
        side_edge = max(edge, safe * w)
        right = (own[0] + own[2]) / 2 > w / 2
        x0 = w - side_edge - tw if right else side_edge
        top = min(DOCK_TOP * h, (1 - safe) * h)
        top = max(top, th + self._floor(x0, x0 + tw, edge))
        self.corner.SetPosition(x0 / w, top / h)
        self.corner_box = (x0 / w, (top - th) / h, (x0 + tw) / w, top / h)

    def _floor(self, x0: float, x1: float, edge: float) -> float:
        """The lowest the list's bottom may stand (pixels of the pane) across x0..x1: over the caption's
        band (its last text, shown or not: the list does not jump as the caption fades) with a
        margin's gap, where it reaches under the list; else the frame's title-safe bottom (a
        lecture's) or its edge margin. At 40 px capitals the list had sat on the caption's first line."""
        h = self.stage.pane_height
        floor = max(edge, (TITLE_SAFE * h) if self.stage.options.hall else 0.0)
        band = self.caption.band() if self.caption is not None else None
        if band is not None and band[0] < x1 and x0 < band[2]:
            floor = max(floor, band[3] + edge)
        return floor

    def drawn_boxes(self) -> tuple[tuple[float, float, float, float], ...]:
        """The list's box (pane fractions) where it is docked now, with an edge margin round it: the
        block labels keep off it (the input's label stood 4 px over the list's first line at 720p)."""
        from nnvox.viewer.label_layout import margin

        taken = self.column is not None and not self.column_list_shown()  # (take_over: as last drawn)
        placed = self.place() if self.actor.GetVisibility() or taken else None
        if placed is None:
            return ()
        boxes = [placed[1]] * (placed[0] > 0 or (taken and placed[2] > 0))
        # the corner's list once it has shown in the shot (kept off from a shot's first picture, it hid
        # the column's own list, which it then stood in for through the shot)
        boxes += [self.corner_box] * (self.cornered and self.corner_box is not None)
        w, h = self.stage.renderer.GetSize()
        dx, dy = margin(h) / w, margin(h) / h
        return tuple((x0 - dx, y0 - dy, x1 + dx, y1 + dy) for x0, y0, x1, y1 in boxes)

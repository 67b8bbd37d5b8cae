"""The answer's dock: in a shot of a mistake, the output's list of top classes kept on screen where
the camera leaves its column's own list out, in a free place of the frame (AnswerDock)."""

from __future__ import annotations

import weakref

import numpy as np
import vtk

from nnvox.scenes.scene import Block
from nnvox.viewer.camera_matrix import camera_matrix
from nnvox.viewer.overlays.base import Stage
from nnvox.viewer.overlays.method_note import MethodNote
from nnvox.viewer.theme import TITLE_SAFE, to_unit

# Of the frame's width: how far out of the frame the output's column stands where its docked list of
# top classes has faded in whole, where the column has no list of its own to stand in for
DOCK_FADE = 0.15
# Of the frame's width: the clear room round a place, past a margin, over which the list there fades
# in as the blocks leave it and out as they come nearer, never standing over one (the lecture's
# push-in at 1080p: the corner's list stood over conv2, pool1 and relu2 for 1.5 s)
FREE_FADE = 0.05
DOCK_TOP = 0.86  # of the frame's height: the docked list's top, under the heads-up line
DOCK_HEADING = "its answer"  # short: at 4:3 "the network's answer" left the input's neighbours no room for labels
DOCK_GAP = 0.04  # of the pane's height: the docked list's gap from the input it answers (a label's room)
# seconds the docked list takes at least to come to full light at a place (where the pictures' pace
# is known: AnswerDock.pace): freed by distance alone (FREE_FADE), a place whose blocks the camera
# carries off fast lit in one picture (the digits CNN's push-in at 8 fps: its far corner 0 -> 0.74)
DOCK_RISE_SECONDS = 0.4
# where the list may stand, the first preferred where as free: beside the input it answers, the
# frame's top corner on the column's side (where the column leaves), the other top corner, over the caption
TOUCH = 0.5  # pixels: a box touching another's edge (a title-safe margin's) does not stand over it
PLACES = ("beside the input", "column's corner", "far corner", "over the caption")


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


def on_frame(rects: np.ndarray, w: float, h: float) -> np.ndarray:
    """Which screen rectangles (n, 4) show in the frame of `w` x `h` pixels."""
    ok = np.isfinite(rects).all(axis=1)
    return ok & (rects[:, 2] > 0) & (rects[:, 0] < w) & (rects[:, 3] > 0) & (rects[:, 1] < h)


def dock_place(rects: np.ndarray, group: list[int], need: float, w: float, h: float, tall: float = 0.0):
    """Where the docked list stands beside the input, given the blocks' screen rectangles `rects`
    (n, 4, pixels, y up), the input's `group` and the list's width `need` (its margins included):
    (side, x, top, room) beside the input group, right of it (after it, as the answer comes after
    the network) where its neighbours leave the list room there or more room than left of it
    ("left": its right end at x; "right": its left end at x), its top level with the group's middle; None
    where the group is out of the frame. `room`: the pixels that side leaves it (< 0: too few).
    `tall`: the list's height: one taller than the group's lower half ends level with its bottom."""
    on = on_frame(rects, w, h)
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
    if left > right and right < need:
        return ("left", x0 - DOCK_GAP * h, top, left - need)
    return ("right", x1 + DOCK_GAP * h, top, right - need)


WHOLE = 0.99  # a block under a side cover this opaque is gone from the picture: the list may stand there


def covered_whole(covers) -> set[str]:
    """The blocks the side covers (overlays/edge_fade.EdgeFade, None: none) hide whole now: those
    whose cover the shot gives (its eased levels) at WHOLE or more, and hidden."""
    if covers is None or not covers.levels:
        return set()
    return {n for n, sides in covers.levels.items() if max(sides) >= WHOLE and n in covers.hidden}


def clearance(box, rects: np.ndarray) -> float:
    """Pixels between `box` (x0, y0, x1, y1) and the nearest of `rects` (n, 4) along the axis that
    parts them (< 0: overlapping; inf: none)."""
    if not len(rects):
        return float("inf")
    b = np.asarray(box, dtype=float)
    gaps = np.max([rects[:, 0] - b[2], b[0] - rects[:, 2], rects[:, 1] - b[3], b[1] - rects[:, 3]], axis=0)
    return float(gaps.min())


class AnswerDock:
    """A shot of a mistake (`dock(True)`) keeps its wrong answer readable where the output's column
    shows no list of its own (the camera has left it out, or the labels' layout found it no room):
    the list docks in a free place of the frame (PLACES: beside the input it answers, the frame's top
    corners inside title-safe, over the caption), judged at each picture on the blocks' projected
    boxes and the labels' boxes: never over one. It keeps its place while that stays free, fading
    out as blocks come within FREE_FADE of it, cross-fading meanwhile to the next free place; where
    none is free it fades out (the heads-up line names the answer meanwhile) and fades in where room
    opens. The block labels keep off it (drawn_boxes, LabelLayout.keep_off)."""

    def __init__(self, stage: Stage, block: Block, column=None, relayout=None):
        from nnvox.viewer.class_room import class_font, top_count

        self.stage, self.block, self.docks = stage, block, False
        self.column = column  # the column's own class texts (label_layout.ClassTexts), None where none are drawn
        self.relayout = relayout  # lays the labels out again (LabelLayout.update), off a place as it shows
        self.layout = getattr(relayout, "__self__", None)  # whose labels' boxes a place must keep clear of
        self.k = top_count(block.class_names or (), stage.options.theme.layout)
        # the list at its held place (`where`), and at the place it cross-fades to (`coming`): on the
        # texts' layer, their light set as it starts to draw, after the labels' layout (take_over)
        self.actor, self.incoming = (
            self._text_actor(class_font(stage.options)),
            self._text_actor(class_font(stage.options)),
        )
        me = weakref.ref(self)
        stage.overlay.AddObserver("StartEvent", lambda *_: me() and me().take_over(), -5.0)
        self.where: str | None = None  # the place the list keeps while it stays free
        self.coming: str | None = None  # the free place it cross-fades to as `where` closes
        self.lit: dict[str, float] = {}  # each place's light in the last picture
        self.light, self.out = 0.0, 0.0  # the answer's light; the column's share out of the frame
        self.box: tuple | None = None  # pane fractions: the list's box at `where`
        self.incoming_box: tuple | None = None  # ... and at `coming`
        self.box_opacity = stage.options.theme.layout.label_box_opacity
        self.group = input_group(stage.scene.blocks)
        self.rects = np.empty((0, 4))  # the blocks' screen rectangles (pixels) this picture (places)
        self.group_left = 0.0  # the input group's left edge on screen
        self.beside_room = 0.0  # pixels the frame's title-safe edge leaves the list beside the input
        self.text = ""  # the list as last docked
        self.last_list: tuple | None = None  # the column's own list's box and anchor (pixels) as last shown
        self.column_light = 0.0  # its light as last drawn (fading out after the layout dropped it)
        self.tail = np.empty((0, 4))  # its box while it fades out after the layout dropped it
        self.caption = None  # the shot's caption (overlays/caption.py): the list stands over its band
        self.rise = 1.0  # the most a place's light rises from one picture to the next (pace)
        self.covers = None  # the side covers (overlays/edge_fade.EdgeFade): a block they hide is no obstacle
        planes = [k for k in self.group if stage.scene.blocks[k].kind == "Attribution"]
        self.note = MethodNote(stage, planes[0] if planes else None)  # the explanation's method, small

    def _text_actor(self, size: int) -> vtk.vtkTextActor:
        actor = vtk.vtkTextActor()
        tp = actor.GetTextProperty()
        tp.SetFontSize(size)
        tp.SetBold(self.stage.options.bold)  # theme.HALL_BOLD in a lecture's
        tp.SetColor(*to_unit(self.stage.options.text_colour))
        tp.SetBackgroundColor(*to_unit(self.stage.options.background))
        tp.SetVerticalJustificationToTop()
        tp.SetLineSpacing(1.1)
        actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        actor.SetVisibility(False)
        self.stage.overlay.AddViewProp(actor)
        return actor

    def new_shot(self, docks: bool) -> None:
        """A new shot, docking its answer or not: no place held from the last, and the column's own
        list at its full light again if the last shot faded it (fade_column_list: the column's
        visual sets its light only as the output's light changes)."""
        if self.last_list is not None:
            self._restore_column_list()
        self.docks, self.where, self.coming, self.lit = docks, None, None, {}
        self.last_list, self.tail = None, np.empty((0, 4))

    def pace(self, fps: float) -> None:
        """The pictures a second this shot is drawn at: a place's light rises over DOCK_RISE_SECONDS."""
        self.rise = 1.0 / max(DOCK_RISE_SECONDS * fps, 1.0)

    def _restore_column_list(self) -> None:
        """The column's own list back at the light its visual gave it (fade_column_list dimmed it),
        its visibility left as the labels' layout set it."""
        tp = self.column.top.GetTextProperty()
        tp.SetOpacity(self.light)
        tp.SetBackgroundOpacity(self.box_opacity * self.light)

    def update(self, values: np.ndarray, lit: float, texts) -> None:
        from nnvox.viewer.visuals import class_text_opacity

        self.text = docked_text(self.block.class_names, values, texts, self.k) if self.docks and texts else ""
        for actor in (self.actor, self.incoming):
            actor.SetInput(self.text)
            actor.SetVisibility(False)  # shown by take_over, as the picture draws
        self.light = class_text_opacity(lit)

    @staticmethod
    def show(actor, shown: float, opacity: float) -> None:
        shown = max(shown, 0.0)
        actor.SetVisibility(shown > 0)
        tp = actor.GetTextProperty()
        tp.SetOpacity(shown)
        tp.SetBackgroundOpacity(opacity * shown)

    def column_list_shown(self) -> bool:
        """Whether the column's own class texts are drawn in this picture (the labels' layout decides
        as the texts' layer starts to draw)."""
        c = self.column
        return c is not None and (c.top.GetVisibility() or any(a.GetVisibility() for a in c.rows))

    def take_over(self) -> None:
        """Set the list's places and light for this picture, after the labels' layout: the held place
        at its freedom, the coming one at the rest of it, times the answer's light where the column
        shows no list (where no labels are drawn: as far as the column is out of the frame)."""
        places = self.places() if self.docks and self.text else {}
        self.tail = self.fade_column_list()
        free = self.freedom(places)
        self.choose(places, free)
        stands_in = self.out if self.column is None or self.column_list_shown() else 1.0
        held = free.get(self.where, 0.0)
        lit = {self.where: held, self.coming: (1.0 - held) * free.get(self.coming, 0.0)}
        lit = {p: v * self.light * stands_in for p, v in lit.items() if p is not None and v > 0}
        lit = {p: min(v, self.lit.get(p, 0.0) + self.rise) for p, v in lit.items()}  # falls as the room closes
        w, h = self.stage.renderer.GetSize()
        self.box = self._set(self.actor, self.where, places, lit, w, h)
        self.incoming_box = self._set(self.incoming, self.coming, places, lit, w, h)
        arrived = any(p not in self.lit for p in lit)
        self.lit = lit
        if arrived and self.relayout is not None:  # the labels off it from its first picture on
            self.relayout()
        place_note(self, bool(places), w, h)  # after the labels have their places for this picture

    def _set(self, actor, place: str | None, places: dict, lit: dict, w: int, h: int) -> tuple | None:
        """Stand `actor` at `place`'s box at its light; the box in pane fractions (None: no place)."""
        if place is None or place not in places or not w or not h:
            self.show(actor, 0.0, self.box_opacity)
            return None
        x0, y0, x1, y1 = places[place]
        right = place == "beside the input" and x1 < self.group_left  # its lines end at the input
        tp = actor.GetTextProperty()
        tp.SetJustificationToRight() if right else tp.SetJustificationToLeft()
        actor.SetPosition((x1 if right else x0) / w, y1 / h)
        self.show(actor, lit.get(place, 0.0), self.box_opacity)
        return (x0 / w, y0 / h, x1 / w, y1 / h)

    def choose(self, places: dict, free: dict) -> None:
        """Keep the held place while it is free; as it closes, the next free place (PLACES' order,
        not over it) cross-fades in, and is held once the first has faded out; where none is held,
        the freest."""
        ok = lambda p: p is not None and free.get(p, 0.0) > 0
        if not ok(self.where):
            freest = sorted((p for p in PLACES if ok(p)), key=lambda p: (-free[p], PLACES.index(p)))
            self.where = self.coming if ok(self.coming) else (freest[0] if freest else None)
            self.coming = None
        if self.where is None or free[self.where] >= 1.0:
            self.coming = None
        elif not ok(self.coming):
            apart = lambda p: clearance(places[p], np.array([places[self.where]])) > 0
            self.coming = next((p for p in PLACES if p != self.where and ok(p) and apart(p)), None)

    def freedom(self, places: dict) -> dict[str, float]:
        """Each place's share of light its room allows (0..1): 0 over a block, a column's list of
        classes, the caption or another overlay's part of the pane (the heads-up line, the legends,
        title-safe's margins), 1 with FREE_FADE of the frame's width clear of blocks round it past a
        margin. The block labels give way to it (LabelLayout.keep_off: they are laid out again as a
        place shows, off it in the same picture)."""
        from nnvox.viewer.label_layout import margin

        if not places:
            return {}
        w, h = self.stage.renderer.GetSize()
        on = on_frame(self.rects, w, h)
        rects, group = self.rects[on], self.rects[self.group].reshape(-1, 4)
        others = self.rects[on & ~np.isin(np.arange(len(self.rects)), self.group)]
        held = np.vstack([self.list_boxes(), self.held_boxes(w, h), self.tail])
        free = {}
        for place, box in places.items():
            soft = others if place == "beside the input" else rects  # beside the input: its gap kept
            hard = np.vstack([held, group]) if place == "beside the input" else held
            room = (clearance(box, soft) - margin(h)) / (FREE_FADE * w)
            room = min(room, self.beside_room / (FREE_FADE * w)) if place == "beside the input" else room
            free[place] = 0.0 if clearance(box, hard) < -TOUCH else float(np.clip(room, 0.0, 1.0))
        return free

    def fade_column_list(self) -> np.ndarray:
        """The column's own list, dropped by the labels' layout as it loses its room (the lecture's
        push-in: at the frame's title-safe edge as the camera moves the column out), fades out rather
        than leaving in one picture: drawn where it stood, moving with its column, as it moves on by
        FREE_FADE of the frame's width, while it stays clear of every other block and label. Returns
        its box (pixels) while it shows, for the places to keep clear of."""
        from nnvox.viewer.label_layout import project

        c, none = self.column, np.empty((0, 4))
        w, h = self.stage.renderer.GetSize()
        if c is None or not self.docks or not w or not h or not len(self.rects):
            self.last_list = None
            return none
        anchor = project(np.array([c.top_anchor], dtype=float), camera_matrix(self.stage.renderer)[0], w, h)[0]
        tp = c.top.GetTextProperty()
        if self.column_list_shown():
            if tp.GetOpacity() != self.light:  # (after a fade: its light as the visual set it)
                self._restore_column_list()
            ours = [b for kind, block, _, b in self.layout.placement.shown if kind == "classes" and block == c.block]
            self.last_list = (ours[0], anchor[:2]) if ours and c.top.GetVisibility() else None
            self.column_light = self.light
            return none
        if self.last_list is None:
            return none
        box0, anchor0 = self.last_list
        shift = anchor[:2] - anchor0
        box = np.asarray(box0, dtype=float) + np.r_[shift, shift]
        fade = 1.0 - float(np.hypot(*shift)) / (FREE_FADE * w)
        own = [b.name for b in self.stage.scene.blocks].index(self.block.name)
        on = on_frame(self.rects, w, h)
        others = self.rects[on & (np.arange(len(self.rects)) != own)]
        labels = np.array([b for _, _, _, b in self.layout.placement.shown], dtype=float).reshape(-1, 4)
        # by the distance it moves, and over DOCK_RISE_SECONDS at least: the mistake's close-up,
        # twice as large, carried fc2 off 38 px a picture at 8 fps (its list 1.0 -> 0.2 at once)
        light = max(self.light * fade, self.column_light - self.rise)
        if light <= 0 or min(clearance(box, others), clearance(box, labels)) < 0:
            self._restore_column_list()  # (hidden by the layout: at its light for when it shows again)
            c.top.SetVisibility(False)
            self.last_list = None
            return none
        self.show(c.top, light, self.box_opacity)
        self.column_light = light
        return box[None, :]

    def list_boxes(self) -> np.ndarray:
        """The columns' own lists of classes' boxes this picture (pixels), as the labels' layout placed them."""
        shown = self.layout.placement.shown if self.layout is not None else ()
        return np.array([box for kind, _, _, box in shown if kind == "classes"], dtype=float).reshape(-1, 4)

    def held_boxes(self, w: int, h: int) -> np.ndarray:
        """The pane's parts other overlays hold (the heads-up line, the legends, shown panels: the
        labels' layout's `reserved` and `panels`), in pixels."""
        if self.layout is None:
            return np.empty((0, 4))
        held = np.array((*self.layout.reserved, *self.layout.panels), dtype=float).reshape(-1, 4)
        return held * (w, h, w, h)

    def places(self) -> dict[str, tuple[float, float, float, float]]:
        """Each place's box for the list under the camera now (pixels, y up); sets `rects` (the blocks'
        screen rectangles) and `out` (the column's share out of the frame)."""
        from nnvox.viewer.label_layout import block_rectangles, margin
        from nnvox.viewer.overlays.hud import text_extent

        w, h = self.stage.renderer.GetSize()
        if not w or not h:
            return {}
        matrix = camera_matrix(self.stage.renderer)[0]
        blocks = self.stage.scene.blocks
        self.rects = block_rectangles(np.array([b.bounds for b in blocks], dtype=float), matrix, w, h)
        own = self.rects[[b.name for b in blocks].index(self.block.name)].copy()
        self.out = min(1.0, outside_share(own, w, h) / DOCK_FADE)
        # the blocks a side cover hides whole leave their room (the mistake's close-up covers all right
        # of the input for the list: shots.close_up_sides); one still fading out keeps it
        self.rects[[b.name in covered_whole(self.covers) for b in blocks]] = np.nan
        tw, th = text_extent(self.actor.GetTextProperty(), self.text)[:2]
        edge = 2 * margin(h)  # twice the edge margin every text keeps: it reads as placed, not pushed there
        safe = TITLE_SAFE if self.stage.options.hall else 0.0  # a lecture's list stays title-safe
        side, top_most = max(edge, safe * w), min(DOCK_TOP * h, (1 - safe) * h)
        box = lambda x0, top: (x0, top - th, x0 + tw, top)
        over = lambda x0, top: box(x0, min(max(top, th + self._floor(x0, x0 + tw, edge)), top_most))
        right = (own[0] + own[2]) / 2 > w / 2  # the column's side, where it leaves the frame
        corner = lambda on_right: over(w - side - tw if on_right else side, top_most)
        places = {"column's corner": corner(right), "far corner": corner(not right)}
        places["over the caption"] = over((w - tw) / 2, 0.0)
        beside = dock_place(self.rects, self.group, tw + 2 * edge, w, h, th)
        self.group_left = self.rects[self.group][:, 0].min() if self.group else 0.0
        if beside is not None:
            where, x, top, _ = beside
            x0 = x - tw if where == "left" else x
            # the room the frame's title-safe edge leaves it there: it fades in as the camera opens it
            self.beside_room = min(x0 - side, w - side - tw - x0)
            places["beside the input"] = over(min(max(x0, side), w - side - tw), top)
        return places

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
        """The boxes (pane fractions) of the places the list showed in at the last picture, under the
        camera now, with an edge margin round them: the block labels keep off them (the input's label
        stood 4 px over the list's first line at 720p)."""
        from nnvox.viewer.label_layout import margin

        if not self.lit or not self.docks or not self.text:
            return ()
        places = self.places()
        w, h = self.stage.renderer.GetSize()
        dx, dy = margin(h), margin(h)
        return tuple(
            ((x0 - dx) / w, (y0 - dy) / h, (x1 + dx) / w, (y1 + dy) / h)
            for p, (x0, y0, x1, y1) in places.items()
            if p in self.lit
        )


def place_note(dock: AnswerDock, placed: bool, w: int, h: int) -> None:
    """The method's small print under or over the explanation plane (MethodNote), clear of the
    labels, the lists (`dock`'s places as lit now), the caption and the pane's held parts."""
    labels = [b for _, _, _, b in dock.layout.placement.shown] if dock.layout is not None else []
    band = dock.caption.band() if dock.caption is not None else None
    lists = [np.multiply(b, (w, h, w, h)) for b in (dock.box, dock.incoming_box) if b is not None]
    texts = np.array(labels + lists + [band] * bool(band), dtype=float).reshape(-1, 4)
    clear = np.vstack([texts, dock.list_boxes(), dock.held_boxes(w, h), dock.tail])
    dock.note.place(dock.rects, clear, placed, dock.rise)

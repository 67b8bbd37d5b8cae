"""Blocks gliding from one layout to another when the window opens or closes a module or changes
the depth: each animated block's box at the start and at the end, and at any moment between them
the scale and offset (per axis) that take the box its geometry was built in to where it is drawn.

Only the finer of the two scenes is animated, so that every block has geometry: opening, the new
scene's blocks grow out of the place of the block that stood for them (squeezed into its box) while
blocks present in both move to their new places; closing, the old scene's blocks shrink into the
place of the block that will stand for them, and the new scene is shown when they are there.
Pure: the window applies `Glide.at(u)` to its actors on each tick; geometry is never rebuilt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nnvox.scenes.camera import Bounds, ease
from nnvox.scenes.scene import Scene
from nnvox.scenes.selection import Selection

DURATION = 0.4  # seconds a glide takes: long enough to follow a block, short enough not to wait for
EASING = "smooth"  # eased in and out (scenes.camera.EASINGS)
_FLAT = 1e-9  # an axis this thin has no size to scale: it is moved, not stretched


@dataclass(frozen=True)
class Placement:
    """Where a block's geometry is drawn: each point p becomes p * scale + offset (per axis)."""

    scale: tuple[float, float, float]
    offset: tuple[float, float, float]


def mapping(src: Bounds, dst: Bounds) -> Placement:
    """The placement that takes box `src` onto box `dst` (x0, x1, y0, y1, z0, z1)."""
    scale, offset = [], []
    for a0, a1, b0, b1 in ((src[2 * i], src[2 * i + 1], dst[2 * i], dst[2 * i + 1]) for i in range(3)):
        s = (b1 - b0) / (a1 - a0) if a1 - a0 > _FLAT else 1.0
        scale.append(s)
        offset.append((b0 + b1) / 2 - s * (a0 + a1) / 2)
    return Placement(tuple(scale), tuple(offset))


def moved(box: Bounds, placement: Placement) -> Bounds:
    """`box` under `placement`."""
    out: list[float] = []
    for i in range(3):
        s, o = placement.scale[i], placement.offset[i]
        out += sorted((box[2 * i] * s + o, box[2 * i + 1] * s + o))
    return tuple(out)


def union(boxes: Sequence[Bounds]) -> Bounds:
    return tuple(f(b[i] for b in boxes) for i in range(6) for f in ((min, max)[i % 2],))


def between(a: Bounds, b: Bounds, u: float) -> Bounds:
    """The box a fraction u of the way from a to b."""
    return tuple(x + (y - x) * u for x, y in zip(a, b))


def squeezed(boxes: dict[str, Bounds], into: Bounds) -> dict[str, Bounds]:
    """`boxes` as one picture fitted into `into`: where a module's blocks start when it opens."""
    if not boxes:
        return {}
    fit = mapping(union(list(boxes.values())), into)
    return {name: moved(box, fit) for name, box in boxes.items()}


@dataclass(frozen=True)
class Glide:
    """`home`: each animated block's box in the scene its geometry was built for; it is drawn at
    `start` when u = 0 and at `end` when u = 1. `opening`: the animated blocks are the new scene's."""

    home: dict[str, Bounds]
    start: dict[str, Bounds]
    end: dict[str, Bounds]
    opening: bool

    def at(self, u: float) -> dict[str, Placement]:
        """Each animated block's placement a fraction u (0 to 1, eased here) through the glide."""
        e = ease(EASING, u)
        return {name: mapping(home, between(self.start[name], self.end[name], e)) for name, home in self.home.items()}


def glide(
    before: dict[str, Bounds], after: dict[str, Bounds], parts: dict[str, tuple[str, ...]], *, opening: bool
) -> Glide:
    """From layout `before` to layout `after` (block name -> box). `parts`: each block of the coarser
    scene (before when `opening`) that stands for several blocks of the finer one -> those blocks.
    A finer block with no counterpart keeps its place."""
    coarse, fine = (before, after) if opening else (after, before)
    there = dict(fine)  # each finer block's box in the coarser layout
    there.update({name: coarse[name] for name in fine if name in coarse})
    for whole, names in parts.items():
        if whole in coarse:
            there.update(squeezed({n: fine[n] for n in names if n in fine}, coarse[whole]))
    if opening:
        return Glide(home=fine, start=there, end=fine, opening=True)
    return Glide(home=fine, start=fine, end=there, opening=False)


def parts_of(coarse: Selection, coarse_blocks: Sequence[str], fine_blocks: Sequence[str], order: Sequence[str]) -> dict:
    """Which blocks of the finer scene each block of the coarser one stands for: the layers it draws
    (a collapsed module's, a chain's) and, for a folded repeat, the instances after it (a block drawn
    only in the finer scene belongs to the last coarser block before it in `order`, the graph's
    node order). Blocks that stand only for themselves are left out."""
    drawn = set(coarse_blocks)
    owner = {m: name for name in coarse_blocks for m in coarse.members(name)}
    index = {n: i for i, n in enumerate(order)}
    before = sorted((index[n], n) for n in coarse_blocks if n in index)
    parts: dict[str, list[str]] = {}
    for name in fine_blocks:
        whole = owner.get(name)
        if whole is None and name not in drawn and name in index:
            earlier = [n for i, n in before if i <= index[name]]
            whole = earlier[-1] if earlier else None
        if whole is not None:
            parts.setdefault(whole, []).append(name)
    return {whole: tuple(names) for whole, names in parts.items() if names != [whole]}


def scene_glide(before: Scene, after: Scene, coarse: Selection, order: Sequence[str], *, opening: bool) -> Glide:
    """The glide between two scenes of one run: `coarse` is the selection of the coarser one (before
    when `opening`), `order` the run's node names in graph order."""
    c, f = (before, after) if opening else (after, before)
    parts = parts_of(coarse, [b.name for b in c.blocks], [b.name for b in f.blocks], order)
    boxes = lambda s: {b.name: b.bounds for b in s.blocks}
    return glide(boxes(before), boxes(after), parts, opening=opening)

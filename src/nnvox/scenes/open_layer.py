"""A feature-map layer opened into its maps, face-on: TensorSpace's open layer, CNN Explainer's maps
side by side, on a block of nnvox's scene. Pure numbers (no GL), so the layout and the animation
are tested as arrays and the window, stills and storyboards place the maps the same way.

Where the open maps stand: a fixed plane, the x-z plane, each map facing -y, in a near-square grid
(fewer rows than columns: it fits a wide frame), its columns along +x and its rows down z, with a
gap between maps. Fixed rather than turned to each camera: the grid is part of the scene's layout
(labels, edges and the camera's framing read it from `Block.bounds`), so a still, a video and the
window agree on it. The x-z plane rather than the stack's own y-z plane: every camera nnvox poses
(the overview's, a long network's, the open shot's) looks from -y, so the grid is never seen from
behind, and a camera facing it sees the network read left to right beside it (the layer before on
the left, the one after on the right), as CNN Explainer lays its columns of maps; in the y-z plane
the maps would hide the blocks behind them and be hidden by the ones in front. The blocks after the
opened one (along the network axis, in its row) move along x to make room.

Opening a layer of maps turns its stack first, whole, a quarter turn about the vertical (the stack's
maps face -x, the grid's -y): one solid block turning to face the camera, map 0 in front and the
others behind it; then the maps slide out of that deck, face-on, in the grid's plane, all together,
each to its place, eased (`TURN_SHARE`). The maps each flew and turned on their own, one after
another: tilted panels crossing each other for two seconds, the busiest moment of the lecture
(watch 9 #6). A convolution's weights open as kernel tiles flying together (`flight_of`). Closing is
the same played backwards (`map_places(block, u)` for u from 1 to 0).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from nnvox.errors import NnvoxError
from nnvox.scenes.camera import EASINGS, CameraPose, fit
from nnvox.scenes.framing import MAPS_ROOM_TOP
from nnvox.scenes.layout import near_square
from nnvox.scenes.open_weights import ONE_ROW_GAP, as_stack, as_tiles, kernel_grid, label_room, stack_places
from nnvox.scenes.per_architecture import per_object
from nnvox.scenes.scene import OPEN_END, Block, Scene

GAP = 0.2  # between open maps, of a map's larger side: separate maps that still read as one layer
GAP_BESIDE_KERNEL = 0.85  # ... a convolution's: each map's kernel stands in the gap left of it (open_kernels.py),
# large enough to read from the back of a hall (conv1's 5 x 5 kernel about 0.72 of its map's side: each weight
# 30 px at 1080p beside 210 px maps; at 0.6, 17 px, watch 9 #7) and close to its own map, with room parting it
# from the map before; at a whole map's side the grid was 6.5 maps wide (watch 8: 80 px maps at 1080p)
ROW_GAP_PER_ROW = 0.2  # ... and above each of its maps, of a map's side per row of the grid: its name's line
# alone (the kernel stands beside the map, not over it; at the whole gap beside, two rows of conv1's maps took 4
# map heights of the picture). A name's line is a share of the picture's height, a map about the picture's over
# the grid's rows: the line takes a larger share of a map the more rows. 0.4 for every grid (conv1's, 2 rows,
# keep it) left conv2's names (4 rows: 49 px between them at 1080p, the lecture's least size 50 px) no room
ROW_GAP_MOST = 1.0  # ... at most (every open grid's before the row gap: 8 rows of maps keep it)
MOST_MAPS = 64  # level of detail: an open grid shows at most this many maps (8 x 8), the first drawn
OPENABLE = ("input", "feature")  # roles whose blocks are maps (rows x columns per channel); and weights, below
TURN_SHARE = 0.5  # of an opening of maps: the stack turning whole to face -y (a solid, slower than the spread:
# 0.4 changed 15 grey levels a frame at 1080p, 14 here); the rest, the maps spreading face-on
EASING = "smooth"
OPEN_DIRECTION = (0.0, -1.0, 0.0)  # from the grid towards a camera facing it
# the layer types whose maps each have a kernel beside them (open_kernels.py), by the module's class
# name (a collapsed "ConvBlock" is not one): True where the weight is (in, out / groups, kh, kw)
KERNEL_KINDS = {"Conv2d": False, "ConvTranspose2d": True}


def openable(scene: Scene) -> list[str]:
    """The blocks that can open: maps (more than one row and column), not yet open."""
    return [b.name for b in scene.blocks if can_open(b)]


def can_open(block: Block) -> bool:
    """Maps; a convolution's weights (into kernel tiles: open_weights.py); a matrix of weights (one map)."""
    if block.opened is not None:
        return False
    if block.role == "weights" and block.kernels is None and block.panels > 1:
        return False  # a weight drawn in a generic block (reduced, or of no kernel or matrix shape)
    return (block.role in OPENABLE or block.role == "weights") and block.rows > 1 and block.cols > 1


def shown_maps(block: Block) -> int:
    """How many of the block's drawn maps its open grid shows (level of detail: MOST_MAPS; an open
    weight's tiles are its level of detail's already)."""
    if block.kernels is not None:
        return min(block.panels, math.prod(kernel_grid(block)))
    return min(block.panels, MOST_MAPS)


def grid_of(block: Block) -> tuple[int, int]:
    """Rows x columns of maps in the open grid: a weight's, a row per filter and a column per input."""
    return kernel_grid(block) if block.kernels is not None else near_square(shown_maps(block))


def opened(block: Block, alone: bool = True) -> Block:
    """`block` open: the same maps and values (a weight's kernels one a map), its extent now the
    grid's (Block.extent). `alone`: no other kernel grid opens with it (gap_of)."""
    maps = as_tiles(block) if block.kernels is not None else block
    margin = label_room(maps, alone) if block.kernels is not None else (0.0, 0.0)
    gap = gap_of(maps, alone)
    return dataclasses.replace(maps, opened=grid_of(maps), gap=gap, row_gap=row_gap_of(maps), margin=margin)


def closed(block: Block) -> Block:
    """An open block back in its stack (what `opened` undoes)."""
    if block.kernels is not None:
        return as_stack(block)
    return dataclasses.replace(block, opened=None, gap=0.0, row_gap=None)


def has_kernels(block: Block) -> bool:
    """Whether each of the block's maps is made by a kernel drawn beside it when open (not a
    convolution's weights: those are the kernels)."""
    return block.kind in KERNEL_KINDS and block.role != "weights"


def gap_of(block: Block, alone: bool = True) -> float:
    """Between the maps of `block` open, in world units: none around a lone map with no kernel (the
    input's image), which has no label of its own to hold either; less between a single row of
    kernels opened `alone` (no other kernel grid beside it), framed by its width."""
    if block.panels == 1 and not has_kernels(block):
        return 0.0
    share = GAP_BESIDE_KERNEL if has_kernels(block) else GAP
    if alone and block.kernels is not None and kernel_grid(block)[0] == 1:
        share = ONE_ROW_GAP
    return share * max(block.rows, block.cols) * block.voxel


def row_gap_of(block: Block) -> float | None:
    """Between the rows of `block` open, in world units, where it differs from the gap beside each map
    (gap_of): a convolution's maps keep a name's line above each (ROW_GAP_PER_ROW a row); None else."""
    if not has_kernels(block) or block.panels == 1:
        return None
    rows = (block.opened or grid_of(block))[0]
    return min(ROW_GAP_PER_ROW * rows, ROW_GAP_MOST) * max(block.rows, block.cols) * block.voxel


def row_gap(block: Block) -> float:
    """The gap above each map of an open block (its name's), in world units."""
    gap = block.gap if block.opened else gap_of(block)
    own = block.row_gap if block.opened else row_gap_of(block)
    return gap if own is None else own


def check_open(scene: Scene, names) -> None:
    """Each of `names` is a block that can open, or a one-line error naming it and those that can."""
    choices = openable(scene)
    for name in names:
        if name not in choices:
            drawn = {b.name: b for b in scene.blocks}
            what = (
                "is not drawn in this scene"
                if name not in drawn
                else f"has no feature maps or kernels ({drawn[name].role} block, {drawn[name].subtitle})"
            )
            raise NnvoxError(f"open: layer {name!r} {what}; layers that open: {', '.join(choices) or '(none here)'}")


def open_scene(scene: Scene, names) -> Scene:
    """`scene` with the blocks `names` open: the blocks after each in its row moved along x to make
    room, the rows above and below (a wrapped network's) moved apart where its grid is taller than
    its row, and the edges into them moved with them."""
    check_open(scene, names)
    alone = sum(scene.block(n).kernels is not None for n in set(names)) <= 1
    blocks, paths = list(scene.blocks), [np.array(p, dtype=float) for p in scene.edge_paths]
    for name in sorted(names):  # one order, so that closed_scene undoes them exactly
        i = next(k for k, b in enumerate(blocks) if b.name == name)
        blocks, paths = _make_room(blocks, paths, scene.edges, blocks[i], opened(blocks[i], alone), 1.0)
        blocks[i] = opened(blocks[i], alone)
    return dataclasses.replace(scene, blocks=tuple(blocks), edge_paths=tuple(paths))


def _make_room(blocks: list[Block], paths: list[np.ndarray], edges, before: Block, after: Block, sign: float):
    """Move the blocks and edge points around `before` (closed, in `blocks`) to make room for it
    opened as `after` (sign 1), or give that room back (sign -1). Its row: the blocks beside it
    (overlapping its height); those after it move along x by the grid's extra length; the rows wholly
    below (above) move down (up) by what the grid reaches past its row, keeping the gaps between rows."""
    end, dx = before.bounds[1], after.extent[0] - before.extent[0]
    z0, z1 = before.bounds[4:]
    row = [b for b in blocks if b.bounds[4] < z1 and b.bounds[5] > z0]
    low, high = min(b.bounds[4] for b in row), max(b.bounds[5] for b in row)
    down, up = max(0.0, low - after.bounds[4]), max(0.0, after.bounds[5] - high)
    names = {b.name for b in row}
    shifts = {b.name: (dx, 0.0) for b in row if b.name != before.name and b.bounds[0] >= end - 1e-6}
    shifts |= {b.name: (0.0, -down) for b in blocks if b.name not in names and b.bounds[5] <= low + 1e-6}
    shifts |= {b.name: (0.0, up) for b in blocks if b.name not in names and b.bounds[4] >= high - 1e-6}
    moved = [_shifted(b, sign * shifts[b.name][0], sign * shifts[b.name][1]) if b.name in shifts else b for b in blocks]
    out = []
    for (source, target), path in zip(edges, paths):
        path = path.copy()
        by = [shifts.get(source, (0.0, 0.0)), shifts.get(target, (0.0, 0.0))]
        if any(d[0] for d in by):  # the points in the row past the grid's old end
            beside = (path[:, 0] >= end - 1e-6) & (path[:, 2] >= low - 1e-6) & (path[:, 2] <= high + 1e-6)
            path[beside, 0] += sign * dx
        if any(d[1] < 0 for d in by):
            path[path[:, 2] < low - 1e-6, 2] -= sign * down
        if any(d[1] > 0 for d in by):
            path[path[:, 2] > high + 1e-6, 2] += sign * up
        out.append(path)
    return moved, out


def _shifted(block: Block, dx: float, dz: float = 0.0) -> Block:
    x, y, z = block.origin
    return dataclasses.replace(block, origin=(x + dx, y, z + dz))


# of the gap between kernel tiles: an open weight's tiles lifted by this, so its outline stands that
# far under its last row (conv1's six kernels sat on the bottom edge of their box, the lecture's
# weights shot; moved left too, "filter" touched the outline's left edge with both grids framed)
KERNEL_PAD = 0.5
# ... and an open convolution's maps by this, of the gap above each (its name's): its bottom row stood on the
# outline (the lecture's conv1, watch 5); the top row's name keeps the rest. Within the bounds: a smaller gap
# between rows (more of the frame for the maps) left the names of conv2's 69 px maps at 720p no room
MAPS_PAD = 0.1


def grid_places(block: Block) -> np.ndarray:
    """Each map's front-face centre in the open grid (P, 3), row by row from the top left; maps
    beyond the grid's MOST_MAPS stay at the grid's last place (drawn at no size: `map_places`)."""
    gr, gc = block.opened or grid_of(block)
    gap = block.gap if block.opened else gap_of(block)
    above = row_gap(block)
    w, h = block.cols * block.voxel, block.rows * block.voxel
    x, y, z = block.origin
    i, j = np.divmod(np.minimum(np.arange(block.panels), gr * gc - 1), max(gc, 1))  # no maps: an empty grid
    left, header = block.margin if block.opened else (0.0, 0.0)
    pad = above * (KERNEL_PAD if block.kernels is not None else MAPS_PAD if has_kernels(block) else 0.0)
    pad = pad if block.opened else 0.0
    top = z + (gr * (h + above) + header) / 2 - header  # each map with a gap above it (its label's) and one left of it
    rows = top - above - i * (h + above) - h / 2 + pad
    columns = x + left + gap + j * (w + gap) + w / 2
    return np.stack([columns, np.full(block.panels, y - block.thickness / 2), rows], axis=1)


@dataclasses.dataclass(frozen=True)
class MapPlaces:
    """Where each of a block's maps is drawn: `centres` (P, 3) of their front faces, `turn` (P,)
    from 0 (facing -x, in the stack) to 1 (facing -y, in the grid), `size` (P,) 1, or 0 for a map
    the open grid leaves out (level of detail)."""

    centres: np.ndarray
    turn: np.ndarray
    size: np.ndarray


KERNEL_FLIGHT = 0.6  # of the opening: kernel tiles fly over its first part, while the camera still looks obliquely


def flight_of(block: Block) -> tuple[float, float]:
    """(stagger, span) of a kernel grid's opening u: tile k flies over [k / (P - 1) * stagger, that +
    span - stagger]. Kernel tiles fly together (staggered, conv2's 96 tiles arrived row after row, a
    sheared band for most of the flight) and early: their stack's kernels stand one behind another
    along the camera's final line of sight, so tiles in flight overlap most as the camera faces them
    (they are in the grid by then, the camera turning the rest of the way)."""
    return 0.0, KERNEL_FLIGHT


def map_places(block: Block, u: float) -> MapPlaces:
    """An open block's maps a fraction `u` of the way from the stack (0) to the grid (1): a layer
    of maps turns as one deck, then spreads face-on (_deck_places); a convolution's weights fly
    as kernel tiles (_flown_places)."""
    return _flown_places(block, u) if block.kernels is not None else _deck_places(block, u)


def turned_share(u: float) -> float:
    """How far (0..1, eased) a deck of maps has turned `u` of the way through opening."""
    return float(EASINGS[EASING](min(max(u / TURN_SHARE, 0.0), 1.0)))


def spread_share(u: float) -> float:
    """How far (0..1, eased) the turned deck's maps have slid towards their grid places at `u`."""
    return float(EASINGS[EASING](min(max((u - TURN_SHARE) / (1.0 - TURN_SHARE), 0.0), 1.0)))


def _deck_places(block: Block, u: float) -> MapPlaces:
    """The stack turned whole about its middle (each map's front face with it, map 0 in front), then
    each map slid from there to its grid place in the grid's plane: across and up first, back to the
    grid's depth over the second half (the maps behind one another until they no longer overlap, so
    no two slabs cross). Every map faces the same way at every u: no tilted panel crosses another."""
    p, turn = block.panels, turned_share(u)
    stack = block.panel_centres()
    pivot = np.array([_stack_middle(block), *block.origin[1:]])
    angle = turn * math.pi / 2
    rel = stack - pivot
    turned = pivot + np.column_stack(
        [
            rel[:, 0] * math.cos(angle) - rel[:, 1] * math.sin(angle),
            rel[:, 0] * math.sin(angle) + rel[:, 1] * math.cos(angle),
            rel[:, 2],
        ]
    )
    spread = spread_share(u)
    depth = float(EASINGS[EASING](min(max(2.0 * (u - TURN_SHARE) / (1.0 - TURN_SHARE) - 1.0, 0.0), 1.0)))
    grid = grid_places(block)
    centres = turned + (grid - turned) * np.array([spread, depth, spread])
    size = np.where(np.arange(p) < shown_maps(block), 1.0, 1.0 - spread)
    return MapPlaces(centres, np.full(p, turn), size)


def _stack_middle(block: Block) -> float:
    """The x of the middle of a block's stack, open or not (its closed extent along x from its origin)."""
    return block.origin[0] + ((block.panels - 1) * block.pitch + block.thickness) / 2


def _flown_places(block: Block, u: float) -> MapPlaces:
    """Kernel tiles a fraction `u` of the way from their filters' panels to the grid, each eased on
    its own stretch of u (flight_of)."""
    p, (stagger, span) = block.panels, flight_of(block)
    starts = stagger * np.arange(p) / max(p - 1, 1) if p > 1 else np.zeros(1)
    own = np.clip((u - starts) / (span - stagger if p > 1 else span), 0.0, 1.0)
    e = EASINGS[EASING](own)
    stack = stack_places(block) if block.opened else block.panel_centres()
    centres = stack + (grid_places(block) - stack) * e[:, None]
    # the stack's front faces are on its -x side, the grid's on its -y side: a turning tile
    # pivots about its front face's centre
    size = np.where(np.arange(p) < shown_maps(block), 1.0, 1.0 - e)
    return MapPlaces(centres, e, size)


FACES = (  # each face of a slab: its 4 corners as (across, up, depth) signs, across -1 = the map's column 0
    ((-1, 1, 0), (1, 1, 0), (1, -1, 0), (-1, -1, 0)),  # front
    ((-1, 1, 1), (-1, -1, 1), (1, -1, 1), (1, 1, 1)),  # back
    ((-1, 1, 0), (-1, 1, 1), (1, 1, 1), (1, 1, 0)),  # top: the first row
    ((-1, -1, 0), (1, -1, 0), (1, -1, 1), (-1, -1, 1)),  # bottom: the last row
    ((-1, 1, 0), (-1, -1, 0), (-1, -1, 1), (-1, 1, 1)),  # left: the first column
    ((1, 1, 0), (1, 1, 1), (1, -1, 1), (1, -1, 0)),  # right: the last column
)


def slab_corners(block: Block, places: MapPlaces) -> np.ndarray:
    """The 6 faces x 4 corners (P, 6, 4, 3) of each map's slab at `places`: a map turned by `turn`
    quarter turns about the vertical through its front face's centre."""
    angle = places.turn * (math.pi / 2)
    across = np.stack([np.sin(angle), -np.cos(angle), np.zeros_like(angle)], axis=1)  # towards column cols-1
    depth = np.stack([np.cos(angle), np.sin(angle), np.zeros_like(angle)], axis=1)  # behind the front face
    up = np.array([0.0, 0.0, 1.0])
    signs = np.array(FACES, dtype=np.float64)  # (6, 4, 3)
    half_w = block.cols * block.voxel / 2 * places.size
    half_h = block.rows * block.voxel / 2 * places.size
    th = block.thickness * places.size
    a = signs[None, :, :, 0:1] * (half_w[:, None, None, None] * across[:, None, None, :])
    b = signs[None, :, :, 1:2] * (half_h[:, None, None, None] * up)
    d = signs[None, :, :, 2:3] * (th[:, None, None, None] * depth[:, None, None, :])
    return places.centres[:, None, None, :] + a + b + d


NEIGHBOURS_SEEN = 0.25  # of the widest open grid of maps: the glimpse of the blocks either side
WEIGHTS_FILL = 0.94  # of the width open kernel grids fill (their labels stand inside their bounds)


def open_pose(scene: Scene, names, aspect: float, *, band: float = 0.7, lift: float = 0.06, room=None) -> CameraPose:
    """The camera facing the open grids of `names` (a name or several; looking along +y, up +z), with
    the edge of the blocks before and after them in view, their labels and the caption's band clear.
    Open kernel grids are framed alone, as large as the frame allows: the weights next to them are
    a network's dense layers, each drawn edge-on at its own voxel size (fc1's 48,000 weights a
    line beside conv2's 2,400), which read as neither a matrix nor its size (conv2's tiles 55 px
    at 1080p with conv1's, were 40 with a quarter grid of neighbours either side). Given the
    picture's `room` (framing.picture_room: between the heads-up, the block label above and the
    caption), open kernel grids fill it where that frames them larger: `band` keeps room for labels
    above and below (camera.LABEL_ROOM), and a grid's texts stand inside it, its block label above
    the room (conv1's six kernels framed by the band: 216 px at 1080p, 130 px under them empty); so
    do a convolution's open maps with their glimpse of the neighbours, up to framing.MAPS_ROOM_TOP
    (their names head them: conv1's maps were 98 px tall at 1080p, watch 8)."""
    blocks = [scene.block(n) for n in ([names] if isinstance(names, str) else names)]
    boxes = np.array([b.bounds for b in blocks])
    direction = np.array(OPEN_DIRECTION)
    x0, y0, z0 = boxes[:, 0::2].min(axis=0)
    x1, y1, z1 = boxes[:, 1::2].max(axis=0)
    kernels = all(b.kernels is not None for b in blocks)
    # a glimpse of the neighbours (where the maps come from and go to): a quarter of the widest grid, not of
    # several grids together (conv1 and conv2 open: 15% larger)
    pad = 0.0 if kernels else NEIGHBOURS_SEEN * max(_glimpsed_width(b) for b in blocks)
    fill = WEIGHTS_FILL if kernels else 0.9
    centre, scale = fit((x0 - pad, x1 + pad, y0, y1, z0, z1), direction, aspect, band=band, margin=fill)
    up = np.array([0.0, 0.0, 1.0])
    pose = CameraPose(tuple(centre - up * scale * lift), tuple(direction), tuple(up), float(scale))
    maps = not kernels and any(has_kernels(b) for b in blocks)
    if (kernels or maps) and room is not None:
        from nnvox.scenes.open_framing import filled  # (open_framing reads this module)

        if maps:  # a convolution's maps, named over each, with a glimpse of the neighbours: up to the heads-up
            room = (*room[:3], max(room[3], MAPS_ROOM_TOP))
            boxes = np.array([[x0 - pad, x1 + pad, y0, y1, z0, z1]])
        roomy = filled(pose, boxes, aspect, room)
        pose = roomy if roomy.scale < pose.scale else pose
    return pose


def _glimpsed_width(block: Block) -> float:
    """The width of an open grid that sets its neighbours' glimpse (open_pose): a convolution's without
    the room its kernels take past GAP beside each map (at GAP_BESIDE_KERNEL 0.85 the glimpse grew with
    the kernels and framed conv1's maps 15% smaller, their names no longer fitting above them)."""
    width = block.bounds[1] - block.bounds[0]
    if not has_kernels(block) or block.opened is None:
        return width
    side = max(block.rows, block.cols) * block.voxel
    return width - (block.opened[1] + OPEN_END) * (block.gap - GAP * side)


def facing_key(scene: Scene, name: str, aspect: float, *, azimuth: float = 0.0, elevation: float = 0.0) -> CameraPose:
    """A storyboard camera key on the open layer `name`: open_pose's, face-on, turned `azimuth` degrees
    about the vertical and tilted `elevation` up (as camera.view_direction turns the overview), never
    the oblique angle a key on a closed block takes (camera.focus: the overview's turn and 12 degrees
    more; conv1's open grid stood 33 degrees off face-on at azimuth 0, its maps skewed, watch 8). The
    shot's close-up then fills the picture with it (close_up.filled_close_up, the direction kept)."""
    pose = open_pose(scene, name, aspect)
    a, e = math.radians(azimuth), math.radians(elevation)
    direction = (math.sin(a) * math.cos(e), -math.cos(a) * math.cos(e), math.sin(e))
    return CameraPose(pose.focal, direction, pose.up, pose.scale)


def room_made(scene: Scene) -> dict[str, tuple[float, float]]:
    """How far (along x, along z) each block of an open scene was moved to make room for the open
    blocks: its origin there less its origin in the closed scene."""
    closed = {b.name: b.origin for b in closed_scene(scene).blocks}
    shifts = {}
    for b in scene.blocks:
        dx, dz = b.origin[0] - closed[b.name][0], b.origin[2] - closed[b.name][2]
        if abs(dx) > 1e-9 or abs(dz) > 1e-9:
            shifts[b.name] = (dx, dz)
    return shifts


def neighbour_offsets(scene: Scene, u: float) -> dict[str, tuple[float, float]]:
    """Where the moved blocks of an open scene are drawn a fraction u of the way through opening,
    as an offset (along x, along z) from their place in it: all the way back (the room not made yet)
    at u = 0, none at u = 1; eased as the maps are, over the whole of u."""
    e = float(EASINGS[EASING](min(max(u, 0.0), 1.0)))
    return {name: (-(1.0 - e) * dx, -(1.0 - e) * dz) for name, (dx, dz) in room_made(scene).items()}


@per_object
def closed_scene(scene: Scene) -> Scene:
    """An open scene as it stood before opening: the open blocks back in their stacks, the blocks and
    edges that made room back in their places (what `open_scene` undoes, in the reverse order).
    Made once per scene (an opening shot's framing and neighbours asked for it twice a frame)."""
    return _closed_scene(scene)


def _closed_scene(scene: Scene) -> Scene:
    blocks, paths = list(scene.blocks), [np.array(p, dtype=float) for p in scene.edge_paths]
    for name in sorted((b.name for b in scene.blocks if b.opened is not None), reverse=True):
        i = next(k for k, b in enumerate(blocks) if b.name == name)
        after = blocks[i]
        blocks[i] = closed(after)
        blocks, paths = _make_room(blocks, paths, scene.edges, blocks[i], after, -1.0)
    return dataclasses.replace(scene, blocks=tuple(blocks), edge_paths=tuple(paths))


OPEN_SECONDS = 1.2  # an opening in a storyboard shot: long enough to follow a map
LABELS_SECONDS = 0.4  # the open layout's labels and kernels fading in once the maps have arrived


def opening_seconds(duration: float) -> float:
    """Seconds an opening takes in a shot `duration` seconds long: OPEN_SECONDS, at most a third of it
    (when the maps have arrived: the labels fade in from then, and a tour of grids starts)."""
    return min(OPEN_SECONDS, duration / 3)


def open_schedule(progress: float, duration: float, *, opens: bool = True, start: float = 0.0) -> float:
    """How open (u, 0..1) a shot's layer is at `progress` (0..1) of a shot `duration` seconds long:
    opening over OPEN_SECONDS (at most a third of the shot) from `start` (opening_start) where `opens`
    (else it stands open from the first frame: the shot before showed it open, or the shot comes in by
    a dip or a cut). It stays open to the shot's end: a layer closing while the caption still spoke
    of its maps side by side read wrong, so the cut (or cross-fade) takes it away."""
    if not opens:
        return 1.0
    span = opening_seconds(duration) / duration
    return float(min(max((progress - start) / span, 0.0), 1.0))


def labels_shown(progress: float, duration: float, *, opens: bool = True, start: float = 0.0) -> float:
    """How far (0..1) the labels of an opening shot have faded in: not while the maps fly (they are
    placed for the open layout), then over LABELS_SECONDS, rather than appearing all at once."""
    if not opens:
        return 1.0
    arrived = start * duration + opening_seconds(duration)
    return float(min(max((progress * duration - arrived) / LABELS_SECONDS, 0.0), 1.0))


def opening_start(scene: Scene, keys, duration: float) -> float:
    """Where (0..1 of a shot `duration` seconds long) its layer starts opening: at once, or where its
    camera `keys` (storyboard CameraKey) move onto an open layer (facing_key), so that the maps
    unfold over the last OPEN_SECONDS of that move, the camera near face-on, to arrive with it: opened
    from the first frame while the camera still stood oblique, six maps flew across the input digit,
    overlapping, for about 1.5 s (the lecture's conv1, watch 8)."""
    layer_keys = [k for k in keys or () if k.layer is not None and _is_open(scene, k.layer)]
    if not layer_keys or layer_keys[0].at <= 0:
        return 0.0
    span = opening_seconds(duration) / duration
    return float(min(max(layer_keys[0].at - span, 0.0), 1.0 - span))


def _is_open(scene: Scene, name: str) -> bool:
    return any(b.name == name and b.opened is not None for b in scene.blocks)


# A shot opening several kernel grids (conv1's and conv2's weights) faces the first alone, at its own
# size, then all of them: framed together, conv1's 6 kernels were 55 px at 1080p, alone about 190
# (the ones the lecture explained earlier); only where the shot holds each view long enough to read.
FIRST_GRID_SECONDS = 2.5  # on the first grid alone, from its labels' arrival
WIDEN_SECONDS = 1.5  # the camera easing out from the first grid to all of them
ALL_GRIDS_SECONDS = 3.0  # at least, on all the grids at the shot's end


def grid_tour(
    scene: Scene, names, duration: float, *, opens: bool = True, flies: bool = True
) -> tuple[str, float, float] | None:
    """(the first grid, when the camera leaves it, when it frames all), the times as fractions of the
    shot, for a shot of `duration` seconds that opens `names`: where they are several kernel grids,
    new to the audience (`opens`: not shown open by the shot before) and the shot is long enough;
    else None (the camera frames all at once). `flies`: whether they fly open first (else they stand
    open from the first frame and the first grid is faced from there)."""
    names = [names] if isinstance(names, str) else list(names)
    if not opens or len(names) < 2 or any(scene.block(n).kernels is None for n in names):
        return None
    arrived = opening_seconds(duration) + LABELS_SECONDS if flies else 0.0
    leave = arrived + FIRST_GRID_SECONDS
    if leave + WIDEN_SECONDS + ALL_GRIDS_SECONDS > duration:
        return None
    first = min(names, key=lambda n: scene.block(n).bounds[0])  # the network's first, on the left
    return first, leave / duration, (leave + WIDEN_SECONDS) / duration


def map_cell(block: Block, point) -> tuple[int, int, int] | None:
    """The (map, row, column) of an open block's grid under a world point on it, or None: a gap, a
    kernel, or a map the level of detail leaves out (where the window's click inspects a voxel)."""
    x, _, z = point
    places, v = grid_places(block), block.voxel
    w, h = block.cols * v, block.rows * v
    for k, (cx, _, cz) in enumerate(places[: shown_maps(block)]):
        col, row = (x - (cx - w / 2)) / v, ((cz + h / 2) - z) / v
        if 0 <= col < block.cols and 0 <= row < block.rows:
            return k, int(row), int(col)
    return None

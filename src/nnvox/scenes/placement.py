"""Where blocks go: the main path along x, parallel branches in lanes above and below it, and
edges routed so they never cut through a block (skip connections arc over what they skip)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Footprint:
    """A block's size before placement: depth along x, width along y, height along z."""

    name: str
    length: float
    width: float
    height: float


def main_path(names: list[str], edges: list[tuple[str, str]], depth: dict[str, int]) -> list[str]:
    """The longest chain from an input to the last node: the spine the rest hangs from."""
    preds: dict[str, list[str]] = {}
    for s, d in edges:
        preds.setdefault(d, []).append(s)
    node = max(names, key=lambda n: (depth[n], names.index(n)))
    path = [node]
    while preds.get(node):
        node = max(preds[node], key=lambda p: (depth[p], -names.index(p)))
        path.append(node)
    return path[::-1]


@dataclass(frozen=True)
class Beneath:
    """A side branch drawn small under the main path: it leaves `source` from below, runs along its
    members (columns left to right, parallel members stacked downwards) and rises into `gate`."""

    source: str
    gate: str
    members: tuple[Footprint, ...]  # in graph order, already scaled down
    columns: dict[str, int]  # each member's column inside the branch
    gap: float  # between the branch's columns


@dataclass(frozen=True)
class Placement:
    origins: dict[str, tuple[float, float, float]]  # front-face centre of each block
    columns: dict[str, tuple[float, float]]  # x range of the column each block stands in (main blocks)
    rows: dict[str, int]  # the row each block is in (long networks wrap like text)
    lanes: dict[str, float]  # offset from its row's axis: 0 on the main path, else a branch lane
    gutters: tuple[float, ...] = ()  # z of the empty band below each row but the last
    left: float = 0.0  # x of the free margin left of every row
    side: dict[str, tuple[str, str]] = field(default_factory=dict)  # side-branch block -> (source, gate)


def place(
    footprints: list[Footprint],
    edges: list[tuple[str, str]],
    depth: dict[str, int],
    *,
    gap: float,
    lane_gap: float,
    wrap: float | None = None,
    beneath: tuple[Beneath, ...] = (),
) -> Placement:
    """Columns follow graph depth; in a column the main-path block sits on the axis and the others
    take lanes above, below, above, ... Between columns stays an empty gap that edges run through.
    Networks longer than `wrap` continue on rows below, read like text. Side branches (`beneath`)
    hang under the main path between their source and their gate, which stand far enough apart."""
    fp = {f.name: f for f in footprints}
    order, lane_z = _columns(footprints, edges, depth, lane_gap)
    shapes = {b.gate: branch_shape(b) for b in beneath}
    room = {b.gate: (b.source, shapes[b.gate][0] + gap) for b in beneath}
    origins, spans, rows = _along_rows(order, fp, gap, wrap, room)
    side: dict[str, tuple[str, str]] = {}
    for b in beneath:
        row, (_, offsets) = rows[b.source], shapes[b.gate]
        centre = origins[b.source][0] + fp[b.source].length / 2
        end = origins[b.gate][0] + fp[b.gate].length / 2
        # under every main block between the source's centre and the gate's, by half a lane gap
        over = [n for n in spans if rows[n] == row and spans[n][1] >= centre and spans[n][0] <= end]
        top = min(lane_z[n] - fp[n].height / 2 for n in over) - lane_gap / 2
        for f in b.members:
            dx, dz = offsets[f.name]
            origins[f.name] = (centre + gap / 2 + dx, 0.0, 0.0)
            lane_z[f.name], rows[f.name], side[f.name] = top - dz, row, (b.source, b.gate)
    lane_height = max(f.height for f in footprints) + lane_gap
    fp.update({f.name: f for b in beneath for f in b.members})
    z, gutters = _stack_rows(fp, rows, lane_z, lane_gap, lane_height)
    origins = {n: (x, y, lane_z[n] + z[rows[n]]) for n, (x, y, _) in origins.items()}
    return Placement(origins, spans, rows, lane_z, gutters, -gap - max(f.width for f in footprints), side)


def _columns(footprints, edges, depth, lane_gap) -> tuple[list[list[str]], dict[str, float]]:
    """The blocks of each column (graph depth), main path first, and each block's lane offset."""
    names = [f.name for f in footprints]
    spine = set(main_path(names, edges, depth))
    columns: dict[int, list[str]] = {}
    for n in names:
        columns.setdefault(depth[n], []).append(n)
    lane_height = max(f.height for f in footprints) + lane_gap
    lane_z, order = {}, []
    for d in sorted(columns):
        members = sorted(columns[d], key=lambda n: (n not in spine, names.index(n)))
        for lane, n in enumerate(members):
            k = (lane + 1) // 2  # lane 0 on the axis; then +1, -1, +2, -2, ... lane heights
            lane_z[n] = (k if lane % 2 else -k) * lane_height if lane else 0.0
        order.append(members)
    return order, lane_z


def _along_rows(order, fp, gap, wrap, room) -> tuple[dict, dict, dict]:
    """x along each row; a new row starts when the current one would pass `wrap`. A gate stands at
    least its `room` (source, distance) from its source's centre to its own, on its source's row."""
    origins, spans, rows = {}, {}, {}
    row, x, prev_half_width = 0, 0.0, None
    for members in order:
        half_width = max(fp[n].width for n in members) / 2
        length = max(fp[n].length for n in members)
        holds = [room[n] for n in members if n in room and rows.get(room[n][0]) == row]
        if prev_half_width is not None:
            # The default view looks from the front-left: a gap that grows with both columns' widths
            # keeps each block clear of its neighbour on screen, so no front face is hidden.
            step = gap + 1.1 * (prev_half_width + half_width)
            if wrap is not None and x + step + length > wrap and x > 0 and not holds:
                row, x = row + 1, 0.0
            else:
                x += step
        for source, need in holds:  # room for a side branch between its source and its gate
            x = max(x, origins[source][0] + fp[source].length / 2 + need - length / 2)
        for n in members:
            origins[n] = (x, 0.0, 0.0)
            spans[n] = (x, x + length)
            rows[n] = row
        x += length
        prev_half_width = half_width
    return origins, spans, rows


def branch_shape(b: Beneath) -> tuple[float, dict[str, tuple[float, float]]]:
    """A side branch's length along x, and each member's front-face offset from the branch's start
    (x) and its centre's depth below the branch's top (z)."""
    fp = {f.name: f for f in b.members}
    n_cols = max(b.columns.values()) + 1
    cols = [[f.name for f in b.members if b.columns[f.name] == c] for c in range(n_cols)]
    first = max(fp[c[0]].height for c in cols) / 2  # the first lane's centres on one line
    offsets, x, prev = {}, 0.0, None
    for members in cols:
        half = max(fp[n].width for n in members) / 2
        if prev is not None:
            x += b.gap + 1.1 * (prev + half)
        z = first - fp[members[0]].height / 2
        for n in members:
            offsets[n] = (x, z + fp[n].height / 2)
            z += fp[n].height + b.gap
        x += max(fp[n].length for n in members)
        prev = half
    return x + b.gap, offsets


def _stack_rows(fp, rows, lane_z, lane_gap, lane_height) -> tuple[list[float], tuple[float, ...]]:
    """Each row's z offset, stacked downwards clear of the one above (room for labels and arcs
    between), and the z of the gutter below each row but the last."""
    n_rows = max(rows.values()) + 1
    margin = lane_gap + 0.35 * lane_height  # labels and arcs between rows
    tops = [max(lane_z[n] + fp[n].height / 2 for n in rows if rows[n] == r) for r in range(n_rows)]
    bottoms = [min(lane_z[n] - fp[n].height / 2 for n in rows if rows[n] == r) for r in range(n_rows)]
    offset, offsets, gutters = 0.0, [0.0], []
    for r in range(1, n_rows):
        below = offset + bottoms[r - 1]
        offset = below - 2 * margin - tops[r]
        offsets.append(offset)
        gutters.append(below - margin * 0.5)
    return offsets, tuple(gutters)


def route_edges(
    bounds: dict[str, tuple[float, ...]],
    placement: Placement,
    edges: list[tuple[str, str]],
    depth: dict[str, int],
    *,
    clearance: float,
) -> list[np.ndarray]:
    """A polyline per edge, from the source's back face to the target's front face. Neighbours in
    one lane: a straight line. A lane change: across in the gap between the columns. A longer edge
    (a skip connection): up in the gap after the source, across above every block in between, and
    down in the gap before the target. Gaps hold no blocks, so no route crosses one."""
    columns, rows = placement.columns, placement.rows
    paths = []
    stacked: list[tuple[float, float, float]] = []  # arcs already drawn: (x from, x to, height)
    for s, d in edges:
        a, b = bounds[s], bounds[d]
        if s in placement.side or d in placement.side:
            paths.append(_side_route(a, b, s in placement.side, d in placement.side))
            continue
        start = np.array([a[1], (a[2] + a[3]) / 2, (a[4] + a[5]) / 2])
        end = np.array([b[0], (b[2] + b[3]) / 2, (b[4] + b[5]) / 2])
        if rows[s] != rows[d]:
            paths.append(_across_rows(start, end, s, d, placement))
            continue
        row_cols = {n: c for n, c in columns.items() if rows[n] == rows[s]}
        gap_after, gap_before = (columns[s][1] + columns[d][0]) / 2, columns[d][0]
        if depth[d] - depth[s] <= 1 or columns[s][1] >= columns[d][0]:
            if abs(start[2] - end[2]) < 1e-9:
                paths.append(np.array([start, end]))
            else:
                paths.append(np.array([start, [gap_after, start[1], start[2]], [gap_after, end[1], end[2]], end]))
            continue
        next_gap = min(c[0] for n, c in row_cols.items() if c[0] > columns[s][1])
        up_x = (columns[s][1] + next_gap) / 2
        prev_end = max(c[1] for n, c in row_cols.items() if c[1] < gap_before)
        down_x = (prev_end + gap_before) / 2
        under = [bounds[n][5] for n in row_cols if bounds[n][1] >= up_x and bounds[n][0] <= down_x]
        height = max([*under, start[2], end[2]]) + clearance
        height += clearance * sum(
            1 for lo, hi, h in stacked if lo < down_x and hi > up_x and abs(h - height) < clearance * 0.5
        )
        stacked.append((up_x, down_x, height))
        r = min(clearance * 0.5, (down_x - up_x) / 4)
        corners = _round_corner(np.array([up_x, start[1], height]), -1, r) + _round_corner(
            np.array([down_x, start[1], height]), +1, r
        )
        paths.append(np.array([start, [up_x, start[1], start[2]], *corners, [down_x, end[1], end[2]], end]))
    return paths


def _side_route(a: tuple[float, ...], b: tuple[float, ...], from_side: bool, to_side: bool) -> np.ndarray:
    """An edge of a side branch: down from under its source's centre, along the branch (across in
    the gap between two of its columns where the lane changes), and up into the gate from below."""
    y = (a[2] + a[3]) / 2
    za, zb = (a[4] + a[5]) / 2, (b[4] + b[5]) / 2
    if not from_side:  # source -> the branch's first block
        x = (a[0] + a[1]) / 2
        return np.array([[x, y, a[4]], [x, y, zb], [b[0], y, zb]])
    if not to_side:  # the branch's last block -> the gate
        x = (b[0] + b[1]) / 2
        return np.array([[a[1], y, za], [x, y, za], [x, y, b[4]]])
    if abs(za - zb) < 1e-9:
        return np.array([[a[1], y, za], [b[0], y, zb]])
    x = (a[1] + b[0]) / 2
    return np.array([[a[1], y, za], [x, y, za], [x, y, zb], [b[0], y, zb]])


def _across_rows(start: np.ndarray, end: np.ndarray, s: str, d: str, placement: Placement) -> np.ndarray:
    """From a row's end to a later row: down the free space after the source's column, along the
    gutter below its row, (down the left margin past any rows between), then into the target."""
    columns, rows, gutters = placement.columns, placement.rows, placement.gutters
    row_s, row_d = rows[s], rows[d]
    after = [c[0] for n, c in columns.items() if rows[n] == row_s and c[0] > columns[s][1]]
    out_x = (columns[s][1] + min(after)) / 2 if after else columns[s][1] + 1.0
    before = [c[1] for n, c in columns.items() if rows[n] == row_d and c[1] < columns[d][0]]
    in_x = (columns[d][0] + max(before)) / 2 if before else columns[d][0] - 1.0
    y = start[1]
    points = [start, [out_x, y, start[2]], [out_x, y, gutters[row_s]]]
    if row_d - row_s > 1:
        points += [[placement.left, y, gutters[row_s]], [placement.left, y, gutters[row_d - 1]]]
    points += [[in_x, y, gutters[row_d - 1]], [in_x, y, end[2]], end]
    return np.array(points, dtype=float)


def _round_corner(corner: np.ndarray, side: int, r: float, steps: int = 6) -> list[np.ndarray]:
    """Points rounding a top corner: side -1 turns from going up to going right, +1 from right to down."""
    t = np.linspace(0, np.pi / 2, steps)
    if side < 0:
        return [corner + np.array([r - r * np.cos(a), 0, -r + r * np.sin(a)]) for a in t]
    return [corner + np.array([-r + r * np.sin(a), 0, -r + r * np.cos(a)]) for a in t]

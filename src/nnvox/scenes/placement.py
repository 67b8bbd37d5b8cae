"""Where blocks go: the main path along x, parallel branches in lanes above and below it, and
edges routed so they never cut through a block (skip connections arc over what they skip)."""

from __future__ import annotations

from dataclasses import dataclass

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
class Placement:
    origins: dict[str, tuple[float, float, float]]  # front-face centre of each block
    columns: dict[str, tuple[float, float]]  # x range of the column each block stands in


def place(
    footprints: list[Footprint], edges: list[tuple[str, str]], depth: dict[str, int], *, gap: float, lane_gap: float
) -> Placement:
    """Columns follow graph depth; in a column the main-path block sits on the axis and the others
    take lanes above, below, above, ... Between columns stays an empty gap that edges run through."""
    names = [f.name for f in footprints]
    fp = {f.name: f for f in footprints}
    spine = set(main_path(names, edges, depth))
    columns: dict[int, list[str]] = {}
    for n in names:
        columns.setdefault(depth[n], []).append(n)
    lane_height = max(f.height for f in footprints) + lane_gap
    origins, spans = {}, {}
    x = 0.0
    prev_half_width = 0.0
    for d in sorted(columns):
        members = sorted(columns[d], key=lambda n: (n not in spine, names.index(n)))
        half_width = max(fp[n].width for n in members) / 2
        if d != min(columns):
            # The default view looks from the front-left: a gap that grows with both columns' widths
            # keeps each block clear of its neighbour on screen, so no front face is hidden.
            x += gap + 1.1 * (prev_half_width + half_width)
        for lane, n in enumerate(members):
            # lane 0 on the axis; then +1, -1, +2, -2, ... lane heights
            k = (lane + 1) // 2
            z = (k if lane % 2 else -k) * lane_height if lane else 0.0
            origins[n] = (x, 0.0, z)
        start = x
        x += max(fp[n].length for n in members)
        for n in members:
            spans[n] = (start, x)
        prev_half_width = half_width
    return Placement(origins, spans)


def route_edges(
    bounds: dict[str, tuple[float, ...]], columns: dict[str, tuple[float, float]], edges: list[tuple[str, str]],
    depth: dict[str, int], *, clearance: float,
) -> list[np.ndarray]:
    """A polyline per edge, from the source's back face to the target's front face. Neighbours in
    one lane: a straight line. A lane change: across in the gap between the columns. A longer edge
    (a skip connection): up in the gap after the source, across above every block in between, and
    down in the gap before the target. Gaps hold no blocks, so no route crosses one."""
    paths = []
    stacked: list[tuple[float, float, float]] = []  # arcs already drawn: (x from, x to, height)
    for s, d in edges:
        a, b = bounds[s], bounds[d]
        start = np.array([a[1], (a[2] + a[3]) / 2, (a[4] + a[5]) / 2])
        end = np.array([b[0], (b[2] + b[3]) / 2, (b[4] + b[5]) / 2])
        gap_after, gap_before = (columns[s][1] + columns[d][0]) / 2, columns[d][0]
        if depth[d] - depth[s] <= 1 or columns[s][1] >= columns[d][0]:
            if abs(start[2] - end[2]) < 1e-9:
                paths.append(np.array([start, end]))
            else:
                paths.append(np.array([start, [gap_after, start[1], start[2]], [gap_after, end[1], end[2]], end]))
            continue
        next_gap = min(c[0] for n, c in columns.items() if c[0] > columns[s][1])
        up_x = (columns[s][1] + next_gap) / 2
        prev_end = max(c[1] for n, c in columns.items() if c[1] < gap_before)
        down_x = (prev_end + gap_before) / 2
        under = [bb[5] for bb in bounds.values() if bb[1] >= up_x and bb[0] <= down_x]
        height = max(under + [start[2], end[2]]) + clearance
        height += clearance * sum(1 for lo, hi, h in stacked if lo < down_x and hi > up_x and abs(h - height) < clearance * 0.5)
        stacked.append((up_x, down_x, height))
        r = min(clearance * 0.5, (down_x - up_x) / 4)
        corners = _round_corner(np.array([up_x, start[1], height]), -1, r) + _round_corner(np.array([down_x, start[1], height]), +1, r)
        paths.append(np.array([start, [up_x, start[1], start[2]], *corners, [down_x, end[1], end[2]], end]))
    return paths


def _round_corner(corner: np.ndarray, side: int, r: float, steps: int = 6) -> list[np.ndarray]:
    """Points rounding a top corner: side -1 turns from going up to going right, +1 from right to down."""
    t = np.linspace(0, np.pi / 2, steps)
    if side < 0:
        return [corner + np.array([r - r * np.cos(a), 0, -r + r * np.sin(a)]) for a in t]
    return [corner + np.array([-r + r * np.sin(a), 0, -r + r * np.cos(a)]) for a in t]

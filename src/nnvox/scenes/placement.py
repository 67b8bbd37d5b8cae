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


def place(
    footprints: list[Footprint], edges: list[tuple[str, str]], depth: dict[str, int], *, gap: float, lane_gap: float
) -> dict[str, tuple[float, float, float]]:
    """Origin (front-face centre x, y, z) of each block. Columns follow graph depth; in a column the
    main-path block sits on the axis and the others take lanes above, below, above, ..."""
    names = [f.name for f in footprints]
    fp = {f.name: f for f in footprints}
    spine = set(main_path(names, edges, depth))
    columns: dict[int, list[str]] = {}
    for n in names:
        columns.setdefault(depth[n], []).append(n)
    lane_height = max(f.height for f in footprints) + lane_gap
    origins = {}
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
        x += max(fp[n].length for n in members)
        prev_half_width = half_width
    return origins


def route_edges(
    bounds: dict[str, tuple[float, ...]], edges: list[tuple[str, str]], depth: dict[str, int], *, clearance: float
) -> list[np.ndarray]:
    """A polyline per edge. Neighbouring columns: a straight line from face to face. Longer edges:
    up from the source's top, across above every block in between, down into the target's top."""
    paths = []
    stacked: list[tuple[float, float, float]] = []  # arcs already drawn: (x from, x to, height)
    for s, d in edges:
        a, b = bounds[s], bounds[d]
        if depth[d] - depth[s] <= 1 or a[1] >= b[0]:
            paths.append(np.array([[a[1], (a[2] + a[3]) / 2, (a[4] + a[5]) / 2], [b[0], (b[2] + b[3]) / 2, (b[4] + b[5]) / 2]]))
            continue
        x0, x1 = (a[0] + a[1]) / 2, (b[0] + b[1]) / 2
        under = [bb[5] for bb in bounds.values() if bb[1] >= x0 and bb[0] <= x1]
        height = max(under) + clearance
        height += clearance * sum(1 for lo, hi, h in stacked if lo < x1 and hi > x0 and abs(h - height) < clearance * 0.5)
        stacked.append((x0, x1, height))
        y = (a[2] + a[3]) / 2
        paths.append(_arc(np.array([x0, y, a[5]]), np.array([x1, y, b[5]]), height, radius=min(clearance, (x1 - x0) / 4)))
    return paths


def _arc(start: np.ndarray, end: np.ndarray, height: float, radius: float, steps: int = 8) -> np.ndarray:
    """Up, across and down with rounded corners."""
    t = np.linspace(0, np.pi / 2, steps)
    up = np.stack([start[0] + radius - radius * np.cos(t), np.full(steps, start[1]), height - radius + radius * np.sin(t)], 1)
    down = np.stack([end[0] - radius + radius * np.sin(t), np.full(steps, end[1]), height - radius * (1 - np.cos(t))], 1)
    return np.vstack([start, up, down, end])

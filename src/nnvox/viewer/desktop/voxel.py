"""The voxel under a click, and following it along the timeline: its value, channel statistics,
what it sees on the input and, for a convolution, its patch x kernel sum (scenes.inspect)."""

from __future__ import annotations

from nnvox.capture.run import Run
from nnvox.errors import NnvoxError
from nnvox.scenes.frames import nearest_snapshot
from nnvox.scenes.inspect import inspect_voxel, voxel_at
from nnvox.scenes.scene import Scene


def voxel_under(renderer, scene: Scene, run: Run, x: int, y: int, *, t: float, sample: int):
    """The voxel drawn at display position (x, y) of `renderer` (a SceneRenderer), or None: empty
    space, or a voxel that cannot be taken apart."""
    hit = renderer.point_at(x, y)
    block = scene.block(hit[0]) if hit else None
    shape = None
    if block is not None and block.key.startswith("act/"):
        try:
            shape = run.architecture.node(block.key[len("act/") :]).shape
        except KeyError:
            shape = None
    where = _open_voxel(block, hit[1]) if hit and block.opened else voxel_at(block, hit[1], shape) if hit else None
    if where is None:
        return None
    try:
        return inspect_voxel(run, nearest_snapshot(t), *where, sample=sample)
    except NnvoxError:
        return None


def _open_voxel(block, point) -> tuple[str, int, tuple[int, ...]] | None:
    """voxel_at for a layer open into its maps: the map, row and column under the point."""
    from nnvox.scenes.open_layer import map_cell

    cell = map_cell(block, point)
    if cell is None or not block.key.startswith("act/"):
        return None
    panel, row, col = cell
    channel = block.channels[panel] if block.channels is not None else panel
    return block.key[len("act/") :], channel, (row * block.pool, col * block.pool)


def followed(voxel, run: Run, *, t: float, sample: int):
    """The same voxel at snapshot `t` for `sample`; itself unchanged where that cannot be said."""
    try:
        return inspect_voxel(run, nearest_snapshot(t), voxel.layer, voxel.channel, voxel.position, sample=sample)
    except NnvoxError:
        return voxel

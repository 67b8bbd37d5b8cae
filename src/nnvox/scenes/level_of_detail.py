"""Level of detail: feature blocks over budget show their highest-energy channels, large maps pooled."""

from __future__ import annotations

import dataclasses

import numpy as np

from nnvox.capture.detail import map_pool
from nnvox.capture.run import Run
from nnvox.scenes.block_spec import BlockSpec
from nnvox.scenes.layout import BlockShape
from nnvox.scenes.per_architecture import per_run
from nnvox.scenes.scene import SceneOptions


def reduce_detail(run: Run, specs: dict[str, BlockSpec], options: SceneOptions) -> dict[str, BlockSpec]:
    """Each feature block over budget with the channels that carry the most energy for the probe in
    the last snapshot (one fixed choice for the whole timeline), and a pooling factor for large maps."""
    wide = [s for s in specs.values() if _over_budget(s, options)]
    if not wide:
        return specs
    last = len(run.snapshots) - 1
    reduced = {s.name: _reduced(s, run, last, options) for s in wide}
    return {n: reduced.get(n, s) for n, s in specs.items()}


@per_run
def channel_energy(run: Run, index: int, key: str) -> tuple[tuple[int, ...], np.ndarray | None]:
    """A recorded activation's shape in snapshot `index`, and for (N, C, H, W) maps each channel's
    mean absolute value (NaN as 0): read once per run, since every depth and mode asks again."""
    a = run.read(index, [key])[key]
    if a.ndim != 4:
        return a.shape, None
    magnitude = np.abs(a)
    if not np.isfinite(magnitude).all():  # (one check: nan_to_num makes three passes and a copy)
        magnitude = np.nan_to_num(magnitude)
    return a.shape, magnitude.mean(axis=(0, 2, 3))


@per_run
def strongest_channels(run: Run, index: int, key: str, count: int) -> tuple[int, ...]:
    """The `count` channels of the most energy (ties: the first), in channel order."""
    energy = channel_energy(run, index, key)[1]
    return tuple(sorted(int(c) for c in np.argsort(-energy, kind="stable")[:count]))


def _over_budget(spec: BlockSpec, options: SceneOptions) -> bool:
    bs = spec.layout
    return (
        bs.role == "feature"
        and spec.key.startswith("act/")
        and spec.name not in options.expand
        and (bs.panels > options.max_channels or max(bs.rows, bs.cols) > options.max_map)
    )


def _reduced(spec: BlockSpec, run: Run, index: int, options: SceneOptions) -> BlockSpec:
    bs = spec.layout
    channels = None
    shape = channel_energy(run, index, spec.key)[0]
    maps = len(shape) == 4 and shape[1:] == (bs.panels, bs.rows, bs.cols)  # (N, C, H, W) drawn as C slices
    if maps and bs.panels > options.max_channels:
        channels = strongest_channels(run, index, spec.key, options.max_channels)
    pool = map_pool(bs.rows, bs.cols, options.max_map) if maps else 1
    # pooling drops a partial last window, as pool_maps does
    layout = BlockShape(bs.role, len(channels) if channels else bs.panels, bs.rows // pool, bs.cols // pool)
    return dataclasses.replace(spec, layout=layout, channels=channels, pool=pool)

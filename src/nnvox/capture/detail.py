"""Recording-time level of detail: what a snapshot keeps of tensors larger than a budget.

Long runs of big models would otherwise write every weight every epoch (ResNet-18: 22 MB a snapshot
in fp16). The reductions are fixed for the whole run (same channels, same pooling every snapshot),
so changes between snapshots stay meaningful, and the manifest says what was kept of what.
"""

from __future__ import annotations

import math

import numpy as np

MIN_MAP = 8  # maps are never pooled below this side: a feature map must still look like one
VIEW_MAP = 56  # the scene's largest map side by default; larger maps are also stored pooled to it
VIEW_PREFIX = "view/"  # key prefix of those pooled copies


def map_pool(h: int, w: int, target: int) -> int:
    """The factor that average-pools an h x w map to about `target` on its longer side, never taking
    the shorter side below MIN_MAP (a 7 x 768 channels-last map is left as it is, not pooled to 0 rows)."""
    if min(h, w) < 1 or max(h, w) <= target:
        return 1
    return max(1, min(-(-max(h, w) // target), min(h, w) // MIN_MAP))


def view_factor(shape: tuple[int, ...]) -> int:
    """The pooling factor the scene applies by default to one sample's (C, H, W) maps (1: none)."""
    return map_pool(shape[1], shape[2], VIEW_MAP) if len(shape) == 3 else 1


def pool_maps(a: np.ndarray, f: int) -> np.ndarray:
    """Average-pool the last two axes by f (float32), dropping a partial last window: strided adds
    over contiguous rows, several times faster than a mean over reshaped axes."""
    *lead, h, w = a.shape
    rows = a[..., : h // f * f, : w // f * f].reshape(*lead, h // f, f, w // f * f)
    acc = rows[..., 0, :].astype(np.float32)
    for i in range(1, f):
        acc += rows[..., i, :]
    cols = acc.reshape(*lead, h // f, w // f, f)
    out = cols[..., 0].copy()
    for i in range(1, f):
        out += cols[..., i]
    out *= np.float32(1.0 / (f * f))
    return out


def _leading(shape: list[int], budget: int) -> list[int]:
    """The largest leading corner of `shape` (the first rows; where one row is too many, the first
    of the first row, and so on) that holds at most `budget` values."""
    if math.prod(shape) <= budget:
        return list(shape)
    rest = math.prod(shape[1:])
    if budget // rest >= 1:
        return [budget // rest, *shape[1:]]
    return [1, *_leading(shape[1:], budget)]


def activation_plan(shape: tuple[int, ...], budget: int | None) -> dict | None:
    """For one sample's activation of `shape`: average-pool maps (the last two axes of rank 3 and
    more, down to MIN_MAP), then keep the leading corner (the first channels; for rank 4, the first
    channels' depth slices; ...) that holds at most `budget` values, whatever the rank. None when
    it already fits."""
    if budget is None or math.prod(shape) <= budget:
        return None
    if len(shape) < 3:  # dense and sequences (T, F): the first rows (of the first row, where one is too many)
        kept = _leading(list(shape), budget)
        return {"keep": kept[0], "shape": kept}
    *lead, h, w = shape
    pool = 1
    while math.prod(lead) * (h // pool) * (w // pool) > budget and min(h, w) // (pool * 2) >= MIN_MAP:
        pool *= 2
    kept = _leading([*lead, h // pool, w // pool], budget)
    return {"pool": pool, "channels": kept[0], "shape": kept}


def weight_plan(shape: tuple[int, ...], budget: int | None) -> dict | None:
    """For a weight of `shape` (out, in, ...): the leading out x in block that fits the budget,
    shrinking both in proportion. None when it fits, or for vectors (biases, norms: small)."""
    if budget is None or len(shape) < 2 or math.prod(shape) <= budget:
        return None
    o, i, rest = shape[0], shape[1], math.prod(shape[2:])
    keep_o = max(1, min(o, int(o * math.sqrt(budget / math.prod(shape)))))
    keep_i = max(1, min(i, budget // (keep_o * rest)))  # what the rounding of keep_o left goes to inputs
    return {"out": keep_o, "in": keep_i, "shape": [keep_o, keep_i, *shape[2:]]}


def apply_activation(a: np.ndarray, plan: dict | None) -> np.ndarray:
    """Reduce a batch of activations (N, *shape) by its plan: pool the maps, keep the leading corner."""
    if plan is None:
        return a
    kept = plan["shape"]
    if (f := plan.get("pool", 1)) > 1:  # the kept channels only, then their maps pooled
        a = pool_maps(a[(slice(None), *(slice(0, k) for k in kept[:-2]))], f)
    return np.ascontiguousarray(a[(slice(None), *(slice(0, k) for k in kept))])


def apply_weight(w: np.ndarray, plan: dict | None) -> np.ndarray:
    if plan is None:
        return w
    return np.ascontiguousarray(w[: plan["out"], : plan["in"]])

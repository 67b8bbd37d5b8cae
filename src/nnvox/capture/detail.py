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


def view_factor(shape: tuple[int, ...]) -> int:
    """The pooling factor the scene applies by default to one sample's (C, H, W) maps (1: none)."""
    if len(shape) != 3 or max(shape[1:]) <= VIEW_MAP:
        return 1
    return -(-max(shape[1:]) // VIEW_MAP)


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


def activation_plan(shape: tuple[int, ...], budget: int | None) -> dict | None:
    """For one sample's activation of `shape`: average-pool maps, then keep the first channels,
    until it holds at most `budget` values. None when it already fits."""
    if budget is None or math.prod(shape) <= budget:
        return None
    if len(shape) == 1:  # dense: the first units
        return {"keep": budget, "shape": [budget]}
    if len(shape) != 3:  # sequences (T, F): the first rows
        rows = max(1, budget // math.prod(shape[1:]))
        return {"keep": rows, "shape": [rows, *shape[1:]]}
    c, h, w = shape
    pool = 1
    while c * (h // pool) * (w // pool) > budget and min(h, w) // (pool * 2) >= MIN_MAP:
        pool *= 2
    ph, pw = h // pool, w // pool
    channels = max(1, min(c, budget // max(ph * pw, 1)))
    return {"pool": pool, "channels": channels, "shape": [channels, ph, pw]}


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
    """Reduce a batch of activations (N, *shape) by its plan."""
    if plan is None:
        return a
    if "keep" in plan:
        return np.ascontiguousarray(a[:, : plan["keep"]])
    f, k = plan["pool"], plan["channels"]
    a = a[:, :k]
    return pool_maps(a, f) if f > 1 else np.ascontiguousarray(a)


def apply_weight(w: np.ndarray, plan: dict | None) -> np.ndarray:
    if plan is None:
        return w
    return np.ascontiguousarray(w[: plan["out"], : plan["in"]])


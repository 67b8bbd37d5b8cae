"""Which axis of a traced tensor is channels, height and width, followed from the tensors it came from.

ConvNeXt and Swin compute on channels-last maps (N, H, W, C): a permute of a convolution's NCHW
output, or Swin's tokens viewed as a grid. Read in order they would be drawn as C=H, H=W, W=C. The
axes' roles start at 2-D spatial layers (a Conv2d's output is C x H x W) and the image input, move
with permutes, survive operations that keep the rank (LayerNorm, Linear over channels, GELU, adds,
slices), and a grid is recognised where tokens (H*W, C) that came from a map are viewed as (H, W, C).
Nodes whose roles are C, H, W in another order are stored and drawn channels first.
"""

from __future__ import annotations

import math

CHANNELS_FIRST = ("C", "H", "W")
TOKENS = ("L", "C")  # a map's positions flattened: L = H * W

# Operations that regroup axes: roles survive them only where a rule below says so.
RESHAPING = {
    "view",
    "reshape",
    "flatten",
    "unflatten",
    "unfold",
    "as_strided",
    "view_as",
    "reshape_as",
    "squeeze",
    "unsqueeze",
    "einsum",
    "matmul",
    "bmm",
    "scaled_dot_product_attention",
    "AttentionMaps",
}
# Operations that move axes: `permutes` gives each one's per-sample axis order.
PERMUTING = {"permute", "transpose", "movedim", "moveaxis", "swapaxes", "swapdims", "t"}


def spatial_origin(kind: str, rank: int) -> bool:
    """A 2-D spatial layer's output (Conv2d, MaxPool2d, BatchNorm2d, conv2d, ...) is channels x H x W."""
    return rank == 3 and kind.lower().endswith("2d")


def infer_roles(
    nodes,
    shapes: dict[str, tuple[int, ...]],
    first_source: dict[str, str],
    permutes: dict[str, tuple[int, ...]],
    image_inputs: set[str],
) -> dict[str, tuple[str, ...]]:
    """Each node's axis roles where they are known: `nodes` (name, kind) in execution order,
    per-sample `shapes`, each node's `first_source`, the per-sample axis order of permuting nodes
    (output axis i is input axis p[i]), and the inputs that are images."""
    roles: dict[str, tuple[str, ...]] = {}
    maps_seen: set[tuple[int, int, int]] = set()  # (H, W, C) of every map so far
    for name, kind in nodes:
        shape = shapes.get(name)
        if shape is None:
            continue
        src = first_source.get(name)
        before = roles.get(src) if src is not None else None
        if name in image_inputs or spatial_origin(kind, len(shape)):
            roles[name] = CHANNELS_FIRST
        elif before is None:
            pass
        elif kind in PERMUTING:
            p = permutes.get(name)
            if p is not None and len(p) == len(before):
                roles[name] = tuple(before[i] for i in p)
        elif kind in RESHAPING:
            grid = _regrouped(before, shapes[src], shape)
            if grid:
                roles[name] = grid
        elif len(shape) == len(before):
            roles[name] = before
        r = roles.get(name)
        if r is not None and sorted(r) == sorted(CHANNELS_FIRST):
            maps_seen.add(tuple(shape[r.index(a)] for a in ("H", "W", "C")))
        elif r is None and kind in RESHAPING and len(shape) == 3 and shape in maps_seen and shape[2] not in shape[:2]:
            # A map regrouped through axes no role follows (Swin's windows put back together:
            # (N * windows, w, w, C) -> (N, H, W, C)) is known by its grid and channels.
            roles[name] = ("H", "W", "C")
    return roles


def _regrouped(before: tuple[str, ...], src: tuple[int, ...], out: tuple[int, ...]) -> tuple[str, ...] | None:
    """Roles across a reshape: a map's positions flattened ((C, H, W) -> (C, L)) and tokens viewed
    as a grid again ((L, C) -> (H, W, C) with H * W = L)."""
    if before == CHANNELS_FIRST and len(out) == 2 and out == (src[0], src[1] * src[2]):
        return ("C", "L")
    if before == ("H", "W", "C") and len(out) == 2 and out == (src[0] * src[1], src[2]):
        return TOKENS
    if len(before) == 2 and "L" in before and "C" in before:
        c = src[before.index("C")]
        if len(out) == 3 and before == TOKENS and out[2] == c and math.prod(out[:2]) == src[0]:
            return ("H", "W", "C")
    return None


def to_channels_first(roles: tuple[str, ...] | None) -> tuple[int, ...] | None:
    """The per-sample axis order that makes a node channels x H x W, or None when it already is
    (or its axes are not a map's)."""
    if roles is None or roles == CHANNELS_FIRST or sorted(roles) != sorted(CHANNELS_FIRST):
        return None
    return tuple(roles.index(r) for r in CHANNELS_FIRST)


def permutation_of(func, args, kwargs, source_dim: int) -> tuple[int, ...] | None:
    """Where a permuting call (`x.permute(0, 2, 3, 1)`, `x.transpose(1, 2)`, `torch.movedim`) takes
    each axis: it is replayed on a meta tensor with a distinct size per axis (no data)."""
    import torch

    sizes = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)[:source_dim]
    if len(sizes) != source_dim:
        return None
    probe = torch.empty(sizes, device="meta")
    args = list(args)
    if not args or not isinstance(args[0], torch.Tensor):
        return None
    args[0] = probe
    try:
        out = func(*args, **kwargs)
    except Exception:  # noqa: BLE001 (any op that refuses the probe: its layout is unknown)
        return None
    return (
        tuple(sizes.index(s) for s in out.shape)
        if isinstance(out, torch.Tensor) and sorted(out.shape) == sorted(sizes)
        else None
    )


def per_sample_permutation(
    raw: tuple[int, ...], source_batch: int | None, out_batch: int | None
) -> tuple[int, ...] | None:
    """A raw permutation (batch axis included) as one over the per-sample axes, when the batch
    axis goes where the batch axis is."""
    if source_batch is None or out_batch is None or raw[out_batch] != source_batch:
        return None
    rest = [i for i in range(len(raw)) if i != source_batch]
    return tuple(rest.index(raw[i]) for i in range(len(raw)) if i != out_batch)

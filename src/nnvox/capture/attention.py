"""Attention maps: where each head looks, recomputed beside the model's own computation.

Two sources: `torch.nn.functional.scaled_dot_product_attention` (the default attention of Hugging Face
models, nanoGPT, timm and PyTorch's own layers), whose probabilities never leave the fused kernel, so
they are recomputed from its inputs (`sdpa_probabilities`); and `nn.MultiheadAttention`, which is asked
for its per-head weights by running its forward again (`mha_maps`).

Both run under no_grad, change none of their inputs, and return None for calls they cannot
reproduce (the traced block still shows the layer's output), never raise.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

import torch
from torch import nn

# The probabilities are batch * heads * queries * keys float32 values, computed here beside a score
# tensor of the same size and then copied by the tracer for every snapshot: quadratic in the sequence
# length. Past 2**24 values (64 MiB of float32, 128 MiB at the peak while computing; GPT-2's 12 heads
# at 1,024 tokens for one sample is 12.6M) a map is refused rather than risk running the user's
# device out of memory beside their model, for a picture far beyond what voxels can show anyway.
MAX_MAP_VALUES = 1 << 24

# F.scaled_dot_product_attention's parameters, in order (any may be passed by keyword).
_SDPA_PARAMS = ("query", "key", "value", "attn_mask", "dropout_p", "is_causal", "scale", "enable_gqa")
# nn.MultiheadAttention.forward's parameters, in order.
_MHA_PARAMS = (
    "query",
    "key",
    "value",
    "key_padding_mask",
    "need_weights",
    "attn_mask",
    "average_attn_weights",
    "is_causal",
)


def _bind(names: tuple[str, ...], args, kwargs) -> dict | None:
    """Arguments by name as the function would bind them; None where they could not bind."""
    kwargs = kwargs or {}
    if len(args) > len(names):
        return None
    bound = dict(zip(names, args))
    for k, v in kwargs.items():
        if k not in names or k in bound:
            return None
        bound[k] = v
    return bound


def sdpa_probabilities(args, kwargs) -> torch.Tensor | None:
    """softmax(q kᵀ · scale + mask) per head, from exactly the `args` and `kwargs` a call of
    `F.scaled_dot_product_attention` got: shape (batch..., heads, queries, keys), float32, on the
    query's device. 3-dim inputs (no head axis) get a head axis of 1.

    As torch defines the call: boolean masks keep True, float masks are added; `is_causal` keeps the
    top-left aligned lower triangle (also for queries != keys), together with a mask where both are
    given (as torch's fused CPU/GPU kernels do; its math kernel refuses the pair); the scale defaults
    to 1/sqrt(E); `enable_gqa` repeats each key head for its group of query heads. Rows whose every
    key is masked are all zero, as torch's output is there (it does not give NaN). Dropout is left
    out: the trace runs in eval. None for what cannot be reproduced (nested tensors, shapes that do
    not fit, unknown mask types) and for maps beyond MAX_MAP_VALUES."""
    bound = _bind(_SDPA_PARAMS, args, kwargs)
    if bound is None or not _reproducible(bound):
        return None
    q, k, mask = bound["query"], bound["key"], bound.get("attn_mask")
    gqa = bound.get("enable_gqa", False)
    heads, kv_heads = q.shape[-3], k.shape[-3]
    try:
        batch = torch.broadcast_shapes(q.shape[:-3], k.shape[:-3])
        lq, lk = q.shape[-2], k.shape[-2]
        full = (*batch, heads, lq, lk)
        if mask is not None:
            full = torch.broadcast_shapes(full, mask.shape)
        if full[-3:] != (heads, lq, lk) or (q.dim() == 3 and len(full) != 3) or math.prod(full) > MAX_MAP_VALUES:
            return None
        with torch.no_grad():
            if gqa and kv_heads != heads:
                k = k.repeat_interleave(heads // kv_heads, dim=-3)
            probs = _softmax_scores(q, k, mask, bound.get("is_causal", False), bound.get("scale")).expand(full)
    except RuntimeError:  # shapes torch would refuse too
        return None
    return probs.unsqueeze(-3) if q.dim() == 3 else probs


def _reproducible(bound: dict) -> bool:
    """Whether the call's arguments are ones `sdpa_probabilities` can repeat (types, ranks, head groups)."""
    if not all(k in bound for k in ("query", "key")):
        return False
    q, k, mask = bound["query"], bound["key"], bound.get("attn_mask")
    is_causal, scale, gqa = bound.get("is_causal", False), bound.get("scale"), bound.get("enable_gqa", False)
    if not all(isinstance(t, torch.Tensor) and not t.is_nested and t.is_floating_point() for t in (q, k)):
        return False
    if q.dim() < 3 or k.dim() != q.dim() or q.shape[-1] != k.shape[-1] or q.shape[-1] == 0:
        return False
    if mask is not None and (
        not isinstance(mask, torch.Tensor)
        or mask.is_nested
        or not (mask.dtype == torch.bool or mask.is_floating_point())
    ):
        return False
    if not isinstance(is_causal, bool) or not isinstance(gqa, bool):
        return False
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, (int, float))):
        return False
    heads, kv_heads = q.shape[-3], k.shape[-3]
    return not (gqa and kv_heads != heads and (kv_heads == 0 or heads % kv_heads))


def _softmax_scores(q, k, mask, is_causal: bool, scale) -> torch.Tensor:
    """softmax(q kᵀ · scale + mask) in float32, keys already repeated for their query heads."""
    lq, lk = q.shape[-2], k.shape[-2]
    scores = torch.matmul(q.float(), k.float().transpose(-2, -1))
    scores = scores * (1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale))
    keep = None  # boolean: True = attend
    if is_causal:
        keep = torch.ones(lq, lk, dtype=torch.bool, device=q.device).tril()
    if mask is not None and mask.dtype == torch.bool:
        keep = mask.to(q.device) if keep is None else keep & mask.to(q.device)
    elif mask is not None:
        scores = scores + mask.to(device=q.device, dtype=torch.float32)
    if keep is not None:
        scores = torch.where(keep, scores, float("-inf"))  # (a mask may broadcast the batch)
    probs = torch.softmax(scores, dim=-1)
    # A row with every key masked: torch's kernels give zeros there (its "safe softmax"), not NaN.
    return probs.masked_fill(torch.isneginf(scores).all(dim=-1, keepdim=True), 0.0)


def mha_maps(module: nn.MultiheadAttention, args, kwargs) -> torch.Tensor | None:
    """Where each head of `module` looks, for the call it got (`args`, `kwargs` as its forward hook
    sees them): its forward again (not `module(...)`, so no hooks fire), asked for per-head weights.
    Shape (batch, heads, queries, keys) whether or not the module is batch_first; None for unbatched
    inputs, maps beyond MAX_MAP_VALUES, and calls that cannot be repeated."""
    bound = _bind(_MHA_PARAMS, args, kwargs)
    if (
        bound is None
        or not isinstance(bound.get("query"), torch.Tensor)
        or not isinstance(bound.get("key"), torch.Tensor)
    ):
        return None
    q, k = bound["query"], bound["key"]
    if q.dim() != 3 or k.dim() != 3:
        return None
    if q.shape[0] * q.shape[1] * module.num_heads * k.shape[1 if module.batch_first else 0] > MAX_MAP_VALUES:
        return None
    bound.update(need_weights=True, average_attn_weights=False)
    try:
        with torch.no_grad():
            _, maps = module.forward(**bound)
    except Exception:  # noqa: BLE001  (an unusual call we cannot repeat: the block still shows the output)
        return None
    if not isinstance(maps, torch.Tensor) or maps.dim() != 4:
        return None
    return maps.float()


@contextlib.contextmanager
def no_fused_attention() -> Iterator[None]:
    """Turn off the "fast path" of nn.MultiheadAttention and nn.TransformerEncoderLayer for the block.

    In eval under no_grad those layers run one fused kernel (`torch._transformer_encoder_layer_fwd`,
    `torch._native_multi_head_attention`) that skips their submodules' forward calls, so a traced pass
    sees neither their linear layers nor their attention. Restores the previous setting on exit."""
    mha = getattr(torch.backends, "mha", None)
    if mha is None or not hasattr(mha, "set_fastpath_enabled"):  # an older torch without the switch
        yield
        return
    previous = mha.get_fastpath_enabled()
    mha.set_fastpath_enabled(False)
    try:
        yield
    finally:
        mha.set_fastpath_enabled(previous)

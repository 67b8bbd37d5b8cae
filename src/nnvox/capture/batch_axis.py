"""Where the batch is in each traced tensor, found rather than guessed.

The model runs twice with different batch sizes; in each node's output the axis whose size follows
the batch is its batch axis. Sequence-first layers ((T, N, ...): nn.LSTM, nn.MultiheadAttention
without batch_first) are read right, a leading size of 1 at batch 1 is not taken for a batch, and
tensors no sample owns (a position embedding of arange(T)) are seen to keep their size. An axis
holding the batch folded with another ((N * heads, T, T)) grows by a multiple: it is split again.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class BatchAxis:
    """A tensor's batch axis: `axis`, holding `fold` entries per sample (1 unless the batch was
    reshaped together with another axis, batch-major, as (N * heads)). None where no sample owns it."""

    axis: int
    fold: int = 1
    broadcast: bool = False  # an axis of size 1 that stands for the batch (position ids (1, T)): shared
    minor: bool = False  # folded batch-minor ((T, N) viewed as T * N rows): sample i is every N-th entry

    def per_sample(self, t: torch.Tensor, batch: int) -> torch.Tensor:
        """`t` with the batch first: (batch, rest...)."""
        if self.broadcast:
            t = t.expand(*t.shape[: self.axis], batch, *t.shape[self.axis + 1 :])
        elif self.fold != 1:
            shape = t.shape
            split = (self.fold, batch) if self.minor else (batch, self.fold)
            t = t.reshape(*shape[: self.axis], *split, *shape[self.axis + 1 :])
            return t.movedim(self.axis + self.minor, 0)
        return t.movedim(self.axis, 0) if self.axis else t


def per_sample(t: torch.Tensor, axis: BatchAxis | None, batch: int) -> torch.Tensor:
    """`t` with one row per sample; a tensor no sample owns is repeated for each."""
    if axis is not None and t.dim() > axis.axis and t.shape[axis.axis] == (1 if axis.broadcast else batch * axis.fold):
        return axis.per_sample(t, batch)
    if axis is None:
        return t.unsqueeze(0).expand(batch, *t.shape)
    return per_sample(t, guess(tuple(t.shape), batch), batch)  # the size no longer fits: as if unknown


def guess(shape: tuple[int, ...], batch: int) -> BatchAxis | None:
    """Without a second pass: a leading size equal to the batch is the batch, else a second one
    (sequence-first), else none."""
    if shape and shape[0] == batch:
        return BatchAxis(0)
    if len(shape) >= 2 and shape[1] == batch:
        return BatchAxis(1)
    return None


def compare(first: tuple[int, ...], second: tuple[int, ...], n1: int, n2: int) -> BatchAxis | bool | None:
    """The batch axis of a tensor shaped `first` at batch n1 and `second` at batch n2; None when no
    axis changed (no sample owns it); False when the shapes do not tell (a different rank, several
    axes changed, or by a size the batch cannot explain). A leading size of 1 that did not change
    is the batch broadcast (position ids of shape (1, T) added to every sample's tokens)."""
    if len(first) != len(second):
        return False
    changed = [i for i, (a, b) in enumerate(zip(first, second)) if a != b]
    if not changed:
        return BatchAxis(0, broadcast=True) if first and first[0] == 1 and len(first) > 1 else None
    if len(changed) != 1:
        return False
    i = changed[0]
    a, b = first[i], second[i]
    if a % n1 or b % n2 or a // n1 != b // n2:
        return False
    return BatchAxis(i, a // n1)


def fold_order(axis: BatchAxis, values: torch.Tensor, alone: torch.Tensor, batch: int) -> BatchAxis:
    """`axis` with the order of its fold found: `values` at `batch` samples against `alone`, the same
    tensor when the first sample ran alone: which entries of the folded axis are the first sample's,
    the first `fold` (batch-major) or every `batch`-th (batch-minor)?"""
    if axis.fold == 1 or batch == 1 or alone.shape[axis.axis] != axis.fold:
        return axis
    major = values.narrow(axis.axis, 0, axis.fold)
    minor = values.unflatten(axis.axis, (axis.fold, batch)).select(axis.axis + 1, 0)
    if float((minor - alone).abs().max()) < float((major - alone).abs().max()):
        return BatchAxis(axis.axis, axis.fold, minor=True)
    return axis


def varied(inputs, axis: int, batch: int):
    """`inputs` at another batch size: every tensor with `batch` entries on `axis` cut to one
    (batch > 1) or doubled (batch 1); the structure (tuple, list, dict) kept. None when no tensor varies."""
    changed = False

    def vary(value):
        nonlocal changed
        if isinstance(value, torch.Tensor):
            if value.dim() > axis and value.shape[axis] == batch:
                changed = True
                return value.narrow(axis, 0, 1) if batch > 1 else torch.cat([value, value], dim=axis)
            return value
        if isinstance(value, (tuple, list)):
            return type(value)(vary(v) for v in value)
        if isinstance(value, dict):
            return {k: vary(v) for k, v in value.items()}
        return value

    out = vary(inputs)
    return out if changed else None


def other_batch(batch: int) -> int:
    """The batch size `varied` gives."""
    return 1 if batch > 1 else 2

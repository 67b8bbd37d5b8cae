"""Receptive fields: which input pixels one activation can see, from the traced graph's geometry.

Walking back from a unit at (row, column) of a layer, each convolution or pool with kernel k,
stride s, padding p and dilation d maps an interval [a, b] of its output to [a*s - p,
b*s - p + (k-1)*d] of its input; element-wise layers (activations, norms, additions) keep it; a
layer that mixes every position (linear, flatten, adaptive pooling, upsampling) sees the whole
input. Branches are followed to the input and their fields joined. Clipped to the input.
"""

from __future__ import annotations

from functools import lru_cache

from nnvox.capture.architecture import Architecture
from nnvox.errors import NnvoxError

Box = tuple[tuple[int, int], ...]  # per spatial axis: (first, last) inclusive


def receptive_field(arch: Architecture, layer: str, position: tuple[int, ...]) -> Box:
    """The input box that the unit at `position` (its spatial index, e.g. (row, column)) of `layer`
    depends on, as ((first row, last row), (first column, last column))."""
    names = {n.name: n for n in arch.nodes}
    if layer not in names:
        raise NnvoxError(f"layer {layer!r} is not in the model; `nnvox info` lists the layers")
    inputs = [n for n in arch.nodes if n.kind == "Input"]
    if not inputs:
        raise NnvoxError("the model has no input node to map a receptive field onto")
    source = inputs[0]
    spatial = source.shape[1:]
    node = names[layer]
    if len(node.shape) - 1 != len(position) or not all(0 <= q < s for q, s in zip(position, node.shape[1:])):
        raise NnvoxError(f"position {position} is outside {layer!r}'s maps of size {' x '.join(map(str, node.shape[1:]))}")
    preds: dict[str, list[str]] = {}
    for s, d in arch.edges:
        preds.setdefault(d, []).append(s)
    whole = tuple((0, n - 1) for n in spatial)

    @lru_cache(maxsize=None)
    def back(name: str, box: Box) -> Box | None:
        """The input box behind `box` of node `name`; None when no path reaches the input."""
        if name == source.name:
            return box
        n = names[name]
        if n.geometry:
            k, s, p, d = (n.geometry[key] for key in ("kernel", "stride", "padding", "dilation"))
            box = tuple((a * s_ - p_, b * s_ - p_ + (k_ - 1) * d_) for (a, b), k_, s_, p_, d_ in zip(box, k, s, p, d))
        found = []
        for pred in preds.get(name, []):
            shape = names[pred].shape
            if n.geometry or (len(shape) == len(n.shape) and shape[1:] == n.shape[1:]):
                found.append(back(pred, box))  # the same positions one layer earlier
            else:
                found.append(whole if back(pred, tuple((0, m - 1) for m in shape[1:])) is not None else None)
        found = [f for f in found if f is not None]
        if not found:
            return None
        if any(len(f) != len(spatial) for f in found):
            return whole
        return tuple((min(f[i][0] for f in found), max(f[i][1] for f in found)) for i in range(len(spatial)))

    box = back(layer, tuple((q, q) for q in position))
    if box is None:
        raise NnvoxError(f"{layer!r} does not depend on the input {source.name!r}")
    return tuple((max(0, a), min(m - 1, b)) for (a, b), m in zip(box, spatial))

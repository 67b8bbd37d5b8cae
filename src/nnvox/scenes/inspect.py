"""Inspecting one voxel: its value, its channel's statistics and histogram, the input pixels it can
see, and for a convolution the input patch times the kernel that produced it (as CNN Explainer
shows for its one model, here for any convolution of any recorded model)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnvox.capture.run import Run
from nnvox.errors import NnvoxError
from nnvox.scenes.receptive import Box, receptive_field


@dataclass(frozen=True)
class Product:
    """A convolution's output value taken apart: input patch (in, kh, kw) times kernel, plus bias."""

    patch: np.ndarray
    kernel: np.ndarray
    bias: float

    @property
    def terms(self) -> np.ndarray:
        return self.patch * self.kernel

    @property
    def total(self) -> float:
        return float(self.terms.sum() + self.bias)


@dataclass(frozen=True)
class Voxel:
    layer: str
    channel: int
    position: tuple[int, ...]  # within the channel's map
    value: float
    channel_stats: dict[str, float]  # min, mean, max, std of the channel's map for this sample
    histogram: tuple[np.ndarray, np.ndarray]  # counts, bin edges of the channel's map
    field: Box | None  # the input box it sees (None when the layer is not spatial)
    product: Product | None  # convolutions read from a recorded input: how the value was made


def voxel_at(block, point) -> tuple[str, int, tuple[int, ...]] | None:
    """The layer's own (layer name, channel, position) behind a world point on a drawn block, undoing
    the level of detail (the shown channels, the pooling: a pooled voxel maps to its window's first
    value) and dense layers' grids (a grid cell is one unit). None off the block or on padding."""
    if not block.key.startswith("act/"):
        return None
    x, y, z = point
    starts = block.panel_centres()[:, 0]
    panel = int(np.clip(np.searchsorted(starts, x + 1e-6) - 1, 0, block.panels - 1))
    col = int(np.floor((block.origin[1] + block.cols * block.voxel / 2 - y) / block.voxel))
    row = int(np.floor((block.origin[2] + block.rows * block.voxel / 2 - z) / block.voxel))
    row, col = min(max(row, 0), block.rows - 1), min(max(col, 0), block.cols - 1)
    layer = block.key[len("act/"):]
    if block.role in ("dense", "output"):  # one panel, a grid (or column) of units
        unit = row * block.cols + col
        return (layer, unit, ()) if unit < block.rows * block.cols else None
    channel = block.channels[panel] if block.channels is not None else panel
    return layer, channel, (row * block.pool, col * block.pool)


def inspect_voxel(run: Run, index: int, layer: str, channel: int, position: tuple[int, ...] = (), sample: int = 0) -> Voxel:
    """Everything about one activation at snapshot `index` for probe `sample`."""
    arch = run.architecture
    try:
        node = arch.node(layer)
    except KeyError:
        raise NnvoxError(f"layer {layer!r} is not in the model; `nnvox info` lists the layers") from None
    key = f"act/{layer}"
    if key in run.reduced:
        raise NnvoxError(f"{layer!r} was reduced while recording (level of detail): its voxels are pooled, not the layer's own")
    acts = run.read(index, [key], sample=sample, skip_missing=True).get(key)
    if acts is None:
        raise NnvoxError(f"snapshot {index} has no activations of {layer!r}")
    if not 0 <= channel < acts.shape[0]:
        raise NnvoxError(f"channel {channel} is out of range; {layer!r} has {acts.shape[0]}")
    channel_map = acts[channel]
    if len(position) != channel_map.ndim or not all(0 <= p < s for p, s in zip(position, channel_map.shape)):
        raise NnvoxError(f"position {position} is outside {layer!r}'s maps of size {' x '.join(map(str, channel_map.shape)) or 'one value'}")
    finite = channel_map[np.isfinite(channel_map)]
    stats = {"min": float(finite.min()), "mean": float(finite.mean()), "max": float(finite.max()), "std": float(finite.std())} if finite.size else {}
    spatial = len(position) > 0
    field = receptive_field(arch, layer, position) if spatial else None
    return Voxel(layer, channel, tuple(position), float(channel_map[tuple(position)]), stats,
                 np.histogram(finite, bins=24) if finite.size else (np.zeros(0), np.zeros(1)), field,
                 _product(run, index, node, channel, position, sample))


def _product(run: Run, index: int, node, channel: int, position: tuple[int, ...], sample: int) -> Product | None:
    """For a Conv2d whose input and weights were recorded whole: the patch, the kernel, the bias."""
    if node.kind != "Conv2d" or not node.geometry or len(position) != 2:
        return None
    preds = run.architecture.predecessors(node.name)
    if len(preds) != 1:
        return None
    weight_key, bias_key = (f"param/{node.module}.{p}" for p in ("weight", "bias"))
    source = preds[0]
    if any(k in run.reduced for k in (weight_key, f"act/{source}")):
        return None
    if source == run.architecture.nodes[0].name and run.architecture.nodes[0].kind == "Input":
        x = run.sample_input(index, sample).astype(np.float32)
    else:
        x = run.read(index, [f"act/{source}"], sample=sample, skip_missing=True).get(f"act/{source}")
    tensors = run.read(index, [weight_key, bias_key], skip_missing=True)
    if x is None or weight_key not in tensors or x.ndim != 3:
        return None
    g = node.geometry
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = g["kernel"], g["stride"], g["padding"], g["dilation"]
    w = tensors[weight_key][channel]
    if w.shape[0] != x.shape[0]:  # grouped convolution: not a plain patch x kernel
        return None
    padded = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
    r, c = position[0] * sh, position[1] * sw
    patch = padded[:, r:r + (kh - 1) * dh + 1:dh, c:c + (kw - 1) * dw + 1:dw]
    bias = float(tensors[bias_key][channel]) if bias_key in tensors else 0.0
    return Product(patch, w, bias)

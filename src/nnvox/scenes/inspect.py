"""Inspecting one voxel: its value, its channel's (or feature's) statistics and histogram, what it
depends on in the input (the pixels it can see; for sequence layers the tokens, or why that is not
shown: see dependence.py), and for a convolution the input patch times the kernel that produced it
(as CNN Explainer shows for its one model, here for any convolution of any recorded model)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnvox.capture.run import Run
from nnvox.errors import NnvoxError
from nnvox.scenes.dependence import Seen, describe_layer, layer_axes, seen_by
from nnvox.scenes.receptive import Box


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
    channel: int  # the first coordinate (a map's channel, a sequence's token, a vector's unit)
    position: tuple[int, ...]  # the other coordinates (row and column within the channel's map; a token's feature)
    value: float
    channel_stats: dict[str, float]  # min, mean, max, std of the values `group` names, for this sample
    histogram: tuple[np.ndarray, np.ndarray]  # counts, bin edges of those values
    field: Box | None  # the input box it sees, for a map input (None where not known, or not a map)
    product: Product | None  # convolutions read from a recorded input: how the value was made
    axes: tuple[str, ...] = ()  # what each coordinate is: ("channel", "row", "column"), ("token", "feature"), ...
    seen: Seen = Seen()  # what it depends on in the input (a box, or sequence positions), or why that is not shown
    group: str = ""  # what the statistics are over: "channel 5's 14 × 14 map", "feature 3 over 16 tokens", ...

    @property
    def coords(self) -> tuple[int, ...]:
        return (self.channel, *self.position)

    @property
    def where(self) -> str:
        """ "token 5, feature 3"; "channel 2, row 4, column 5"; "unit 7"."""
        return ", ".join(f"{a} {c}" for a, c in zip(self.axes, self.coords))


def voxel_at(block, point, shape: tuple[int, ...] | None = None) -> tuple[str, int, tuple[int, ...]] | None:
    """The layer's own (layer name, first coordinate, other coordinates) behind a world point on a
    drawn block, undoing the level of detail (the shown channels, the pooling: a pooled voxel maps
    to its window's first value) and dense layers' grids (a grid cell is one value, in reading
    order: given the layer's per-sample `shape`, a (tokens, features) layer's cell is (token,
    (feature,))). None off the block or on padding."""
    if not block.key.startswith("act/"):
        return None
    x, y, z = point
    starts = block.panel_centres()[:, 0]
    panel = int(np.clip(np.searchsorted(starts, x + 1e-6) - 1, 0, block.panels - 1))
    col = int(np.floor((block.origin[1] + block.cols * block.voxel / 2 - y) / block.voxel))
    row = int(np.floor((block.origin[2] + block.rows * block.voxel / 2 - z) / block.voxel))
    row, col = min(max(row, 0), block.rows - 1), min(max(col, 0), block.cols - 1)
    layer = block.key[len("act/") :]
    if block.role in ("dense", "output"):  # a grid, a column or a vector's columns: values in reading order
        unit = (panel * block.rows + row) * block.cols + col
        if shape is not None and len(shape) > 1:
            if unit >= math.prod(shape):
                return None
            at = np.unravel_index(unit, shape)
            return layer, int(at[0]), tuple(int(a) for a in at[1:])
        size = math.prod(shape) if shape is not None else block.panels * block.rows * block.cols
        return (layer, unit, ()) if unit < size else None
    channel = block.channels[panel] if block.channels is not None else panel
    return layer, channel, (row * block.pool, col * block.pool)


def is_tokens(run: Run) -> bool:
    """Whether the run's (first) input is token ids: integers, one sequence a sample."""
    x = run.probe_inputs
    return np.issubdtype(x.dtype, np.integer) and x.ndim == 2


def check_voxel(run: Run, layer: str, coords: tuple[int, ...]) -> tuple[str, ...]:
    """The layer's axis names, once `coords` are checked against them: one number an axis, each in
    range; else a one-line error saying what the layer is and the form --voxel takes."""
    arch = run.architecture
    try:
        node = arch.node(layer)
    except KeyError:
        raise NnvoxError(f"layer {layer!r} is not in the model; `nnvox info` lists the layers") from None
    tokens = is_tokens(run)
    axes = layer_axes(arch, layer, tokens=tokens)
    what, form = describe_layer(arch, layer, tokens=tokens)
    if len(coords) != len(node.shape):
        numbers = {1: "one number", 2: "two numbers", 3: "three numbers", 4: "four numbers"}.get(
            len(node.shape), f"{len(node.shape)} numbers"
        )
        example = ",".join(str(min(2, s - 1)) for s in node.shape)
        given = f", not {','.join(map(str, coords))}" if coords else ""
        raise NnvoxError(f"layer {layer!r} is {what}: give --voxel {form} ({numbers}, e.g. --voxel {example}){given}")
    for k, (c, size, axis) in enumerate(zip(coords, node.shape, axes)):
        if not 0 <= c < size:
            if k == 0:
                raise NnvoxError(f"{axis} {c} is out of range; {layer!r} has {size} ({what})")
            if axes[0] == "channel" and len(axes) == 3:
                raise NnvoxError(
                    f"position {tuple(coords[1:])} is outside {layer!r}'s maps of size "
                    f"{' x '.join(map(str, node.shape[1:]))}"
                )
            raise NnvoxError(f"{axis} {c} is out of range; {layer!r} is {what}")
    return axes


def inspect_voxel(
    run: Run, index: int, layer: str, channel: int, position: tuple[int, ...] = (), sample: int = 0
) -> Voxel:
    """Everything about one activation at snapshot `index` for probe `sample`: (channel, *position)
    are its coordinates, one per axis of the layer's per-sample output (channel, row, column of a
    map; token, feature of a sequence layer; the unit of a vector)."""
    arch = run.architecture
    coords = (int(channel), *map(int, position))
    axes = check_voxel(run, layer, coords)
    node = arch.node(layer)
    key = f"act/{layer}"
    if key in run.reduced:
        raise NnvoxError(
            f"{layer!r} was reduced while recording (level of detail): its voxels are pooled, not the layer's own"
        )
    acts = run.read(index, [key], sample=sample, skip_missing=True).get(key)
    if acts is None:
        raise NnvoxError(f"snapshot {index} has no activations of {layer!r}")
    if acts.shape != tuple(node.shape):
        raise NnvoxError(
            f"{layer!r} holds {' x '.join(map(str, acts.shape))} values at snapshot {index}, "
            f"not the {' x '.join(map(str, node.shape))} it was traced with"
        )
    values, group = _group(acts, axes, coords)
    finite = values[np.isfinite(values)]
    stats = (
        {
            "min": float(finite.min()),
            "mean": float(finite.mean()),
            "max": float(finite.max()),
            "std": float(finite.std()),
        }
        if finite.size
        else {}
    )
    seen = seen_by(arch, layer, coords, tokens=is_tokens(run), maps=lambda name: _maps(run, index, name, sample))
    return Voxel(
        layer,
        coords[0],
        coords[1:],
        float(acts[coords]),
        stats,
        np.histogram(finite, bins=24) if finite.size else (np.zeros(0), np.zeros(1)),
        seen.box,
        _product(run, index, node, coords[0], coords[1:], sample),
        axes,
        seen,
        group,
    )


def grouped_axis(axes: tuple[str, ...]) -> int | None:
    """The axis a voxel's statistics are taken along (its channel, feature or head), or None: the
    whole layer (vectors)."""
    for name in ("channel", "feature", "head"):
        if name in axes and len(axes) > 1:
            return axes.index(name)
    return None


def group_words(axes: tuple[str, ...], shape: tuple[int, ...], index) -> str:
    """What the statistics of the voxels at `index` along grouped_axis are over, in words: "channel 5's
    14 × 14 map", "feature 3 over 16 tokens", "all 120 values of the layer" (the browser page fills
    its own index into these words with "{}" for `index`)."""
    k = grouped_axis(axes)
    if k is None:
        return f"all {math.prod(shape)} values of the layer"
    rest = [(a, s) for i, (a, s) in enumerate(zip(axes, shape)) if i != k]
    if len(rest) == 1:
        return f"{axes[k]} {index} over {rest[0][1]} {rest[0][0]}s"
    return f"{axes[k]} {index}'s {' × '.join(str(s) for _, s in rest)} map"


def _group(acts: np.ndarray, axes: tuple[str, ...], coords: tuple[int, ...]) -> tuple[np.ndarray, str]:
    """The values a voxel is compared with: its channel's map (maps), its feature over every token
    (sequences), its head's map (attention), or the whole layer (vectors)."""
    k = grouped_axis(axes)
    values = acts if k is None else np.take(acts, coords[k], axis=k)
    return values, group_words(axes, acts.shape, None if k is None else coords[k])


def _maps(run: Run, index: int, name: str, sample: int) -> np.ndarray | str:
    """The recorded attention maps of AttentionMaps node `name` for one sample, or why not."""
    key = f"act/{name}"
    if key in run.reduced:
        return f"{name!r} was reduced while recording (level of detail), so which keys each query sees is not known"
    maps = run.read(index, [key], sample=sample, skip_missing=True).get(key)
    if maps is None:
        return f"snapshot {index} holds no attention maps {name!r}, so which keys each query sees is not known"
    return maps


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
    patch = padded[:, r : r + (kh - 1) * dh + 1 : dh, c : c + (kw - 1) * dw + 1 : dw]
    bias = float(tensors[bias_key][channel]) if bias_key in tensors else 0.0
    return Product(patch, w, bias)

"""Receptive fields: which input pixels one activation of a map can see, from the traced graph's geometry.

Walking back from a unit at (row, column) of a layer, each convolution or pool with kernel k,
stride s, padding p and dilation d maps an interval [a, b] of its output to [a*s - p,
b*s - p + (k-1)*d] of its input; adaptive pools map output i of n to their window of the m inputs,
[floor(i*m/n), ceil((i+1)*m/n) - 1]; layers that keep the positions (activations, batch norms,
additions, a concatenation of channels, a broadcast gate) keep it; a layer that mixes every
position (a Linear over a flattened map, group and instance norms) sees the whole input. Branches
are followed to the input and their fields joined, clipped to the input.

Where positions are moved or resampled in ways the graph does not say (a transpose, a reshape of a
map, a slice, interpolation, a pool without recorded geometry), no field is claimed: `map_field`
says why instead. Sequences (tokens, RNNs, attention) are followed in dependence.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nnvox.capture.architecture import Architecture
from nnvox.errors import NnvoxError
from nnvox.scenes.graph_walk import reachable

Box = tuple[tuple[int, int], ...]  # per spatial axis: (first, last) inclusive

WHOLE = "whole"  # every position of a node is wanted
# Same-shape operations that move positions about, or whose axis is not known
MOVING = {
    "transpose",
    "permute",
    "movedim",
    "moveaxis",
    "swapaxes",
    "swapdims",
    "t",
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "rot90",
    "sort",
    "argsort",
    "cumsum",
    "cumprod",
    "cummax",
    "cummin",
    "matmul",
    "bmm",
    "einsum",
    "gather",
    "index_select",
    "take",
    "scatter",
    "scaled_dot_product_attention",
    "MultiheadAttention",
    "grid_sample",
    "pixel_shuffle",
    "pixel_unshuffle",
    "PixelShuffle",
    "PixelUnshuffle",
    "softmax",
    "log_softmax",
    "Softmax",
    "LogSoftmax",
    "Softmax2d",
    "roi_align",
}
# Operations that regroup or pick positions: followed only where the shapes say they leave positions be
REGROUPING = {
    "view",
    "reshape",
    "flatten",
    "Flatten",
    "unflatten",
    "Unflatten",
    "squeeze",
    "unsqueeze",
    "view_as",
    "reshape_as",
    "getitem",
    "narrow",
    "select",
    "split",
    "chunk",
    "unbind",
    "split_with_sizes",
    "cat",
    "stack",
    "pad",
    "interpolate",
    "upsample",
    "Upsample",
    "UpsamplingNearest2d",
    "UpsamplingBilinear2d",
    "expand",
    "expand_as",
    "repeat",
    "tile",
    "unfold",
    "fold",
    "Fold",
    "Unfold",
    "as_strided",
}
PERMUTES = {"transpose", "permute", "movedim", "moveaxis", "swapaxes", "swapdims", "t"}
# Operations along a tensor's last axis: a map's channels only when it is held channels last
ALONG_LAST = {"Linear", "linear", "LayerNorm", "layer_norm", "softmax", "log_softmax", "Softmax", "LogSoftmax"}
# Same-shape operations whose every value depends on every position of their input
EVERYWHERE = {"GroupNorm", "group_norm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "instance_norm"}
# Vectors: operations whose every unit depends on every unit before (dense layers, normalisations)
ACROSS_UNITS = {
    "softmax",
    "log_softmax",
    "Softmax",
    "LogSoftmax",
    "LayerNorm",
    "layer_norm",
    "normalize",
    "Linear",
    "linear",
    "LazyLinear",
    "Bilinear",
    "Conv1D",
    "matmul",
    "mm",
    "addmm",
}
# Maps into vectors: global reductions over the positions
REDUCING = {
    "mean",
    "sum",
    "amax",
    "amin",
    "max",
    "min",
    "logsumexp",
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "adaptive_avg_pool1d",
    "adaptive_max_pool1d",
}
# Activation modules (and dropout, identity): each value apart, wherever it is
ACTIVATION_MODULES = {
    "ReLU",
    "ReLU6",
    "LeakyReLU",
    "GELU",
    "SiLU",
    "Tanh",
    "Sigmoid",
    "ELU",
    "SELU",
    "CELU",
    "Softplus",
    "Mish",
    "Hardswish",
    "Hardsigmoid",
    "Hardtanh",
    "PReLU",
    "Dropout",
    "Identity",
}
# Vectors: operations that keep each unit apart
UNITWISE = ACTIVATION_MODULES | {
    "BatchNorm1d",
    "batch_norm",
    "relu",
    "relu_",
    "gelu",
    "silu",
    "sigmoid",
    "tanh",
    "dropout",
    "add",
    "sub",
    "mul",
    "div",
    "neg",
    "abs",
    "exp",
    "pow",
    "clamp",
    "contiguous",
    "clone",
    "to",
    "float",
}


@dataclass(frozen=True)
class _Unit:
    index: int  # a flat index into a node's per-sample output
    assumed: str = ""  # a layer of a kind not known to keep units apart, taken to (the answer holds if it is whole)


class _Unknown(Exception):
    pass


def receptive_field(arch: Architecture, layer: str, position: tuple[int, ...]) -> Box:
    """The input box that the unit at `position` (its spatial index, e.g. (row, column); () for a
    vector's units) of `layer` depends on, as ((first row, last row), (first column, last column)).
    Raises NnvoxError where no box can be said (see `map_field`)."""
    names = {n.name: n for n in arch.nodes}
    if layer not in names:
        raise NnvoxError(f"layer {layer!r} is not in the model; `nnvox info` lists the layers")
    node = names[layer]
    if len(node.shape) - 1 != len(position) or not all(0 <= q < s for q, s in zip(position, node.shape[1:])):
        raise NnvoxError(
            f"position {position} is outside {layer!r}'s maps of size {' x '.join(map(str, node.shape[1:]))}"
        )
    box, why = map_field(arch, layer, (0, *position))
    if box is None:
        raise NnvoxError(why)
    return box


def map_field(arch: Architecture, layer: str, coords: tuple[int, ...]) -> tuple[Box | None, str]:
    """(the input box the activation at `coords` (channel, row, column; or a vector's unit) of
    `layer` depends on, one line saying so) or (None, why no box is said)."""
    source, start = _start(arch, layer, coords)
    if isinstance(start, str):
        return None, start
    walk = _FieldWalk(arch, source)
    try:
        box = walk.back(layer, start)
    except _Unknown as exc:
        return None, str(exc)
    if box is None:
        return None, f"{layer!r} does not depend on the input {source.name!r}"
    box = tuple((max(0, a), min(m - 1, b)) for (a, b), m in zip(box, source.shape[1:]))
    if walk.assumed and box != walk.whole:  # (a whole field is whole whatever those layers do)
        return None, f"{walk.assumed[0]} is not known to keep units apart; which pixels each unit sees is not followed"
    axes = ("rows", "columns") if len(box) == 2 else ("positions",) * len(box)
    where = ", ".join(f"{w} {a}–{b}" if a != b else f"{w[:-1]} {a}" for w, (a, b) in zip(axes, box))
    return box, f"sees input {where}" + (" (all of it)" if box == walk.whole else "")


def _start(arch: Architecture, layer: str, coords: tuple[int, ...]):
    """(the input node, what of `layer` is asked: a box of its map, or a unit of a vector), or
    (the input node, why no field is followed); raises NnvoxError for a layer or position not there."""
    names = {n.name: n for n in arch.nodes}
    if layer not in names:
        raise NnvoxError(f"layer {layer!r} is not in the model; `nnvox info` lists the layers")
    inputs = [n for n in arch.nodes if n.kind == "Input"]
    if not inputs:
        raise NnvoxError("the model has no input node to map a receptive field onto")
    source, node = inputs[0], names[layer]
    if len(coords) != len(node.shape) or not all(0 <= q < s for q, s in zip(coords, node.shape)):
        size = " x ".join(map(str, node.shape))
        raise NnvoxError(f"position {tuple(coords)} is outside {layer!r}'s output of size {size}")
    if not source.shape[1:]:
        return source, f"the input {source.name!r} is a vector, not a map"
    if len(node.shape) == len(source.shape):
        return source, tuple((q, q) for q in coords[1:])
    if len(node.shape) == 1:
        return source, _Unit(coords[0])
    return source, (
        f"{layer!r} ({' x '.join(map(str, node.shape))}) is not laid out as the input's map; "
        "which pixels each of its positions sees is not followed"
    )


class _FieldWalk:
    """Back from a layer to the input, branch by branch, each node's wanted part translated into its
    sources' and the fields found joined; `assumed` collects layers taken to keep units apart."""

    def __init__(self, arch: Architecture, source):
        self.names = {n.name: n for n in arch.nodes}
        self.source = source
        self.preds: dict[str, list[str]] = {}
        for s, d in arch.edges:
            self.preds.setdefault(d, []).append(s)
        self.whole = tuple((0, n - 1) for n in source.shape[1:])
        self.reaches = _reaching(arch, source.name)
        self.assumed: list[str] = []
        self._found: dict = {}

    def back(self, name: str, want) -> Box | None:
        """The input box behind `want` (a box of node `name`'s positions, a unit, or WHOLE)."""
        if (name, want) not in self._found:
            self._found[name, want] = self._back(name, want)
        return self._found[name, want]

    def _back(self, name: str, want) -> Box | None:
        if name == self.source.name:
            if want == WHOLE:
                return self.whole
            if isinstance(want, _Unit):
                return tuple((q, q) for q in _unravel(want.index, self.source.shape)[1:])
            return want
        n = self.names[name]
        found = []
        for p in self.preds.get(name, []):
            if p in self.reaches:
                wanted = _translate(n, self.names[p], want)
                if isinstance(wanted, _Unit) and wanted.assumed:
                    self.assumed.append(wanted.assumed)
                    wanted = _Unit(wanted.index)
                found.append(self.back(p, wanted))
        found = [f for f in found if f is not None]
        if not found:
            return None
        return tuple((min(f[i][0] for f in found), max(f[i][1] for f in found)) for i in range(len(self.whole)))


def _reaching(arch: Architecture, source: str) -> set[str]:
    """The nodes the input reaches."""
    out: dict[str, list[str]] = {}
    for s, d in arch.edges:
        out.setdefault(s, []).append(d)
    return reachable(source, out) | {source}


def _unravel(index: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    at = []
    for s in reversed(shape):
        at.append(index % s)
        index //= s
    return tuple(reversed(at))


def _relaid(n, pred, want):
    """A box of node `n`'s drawn positions as `pred`'s: the same raw tensor axes hold the same
    positions, and each node is drawn channels first from its own axis order (`layout`)."""
    if n.layout == pred.layout or len(want) != 2:
        return want
    mine, theirs = n.layout or "CHW", pred.layout or "CHW"
    if len(mine) != 3 or len(theirs) != 3:
        return want
    role = {"H": want[0], "W": want[1]}
    moved = {}
    for a, b in zip(mine, theirs):  # raw axis by raw axis
        if (a == "C") != (b == "C"):
            raise _Unknown(
                f"{n.kind} {n.name!r} reads channels where its input held positions; "
                "which pixels each position sees is not followed"
            )
        if a != "C":
            moved[b] = role[a]
    return moved["H"], moved["W"]


def _translate(n, pred, want):
    """What of `pred`'s output node `n`'s wanted part depends on; raises _Unknown where not known."""
    if want == WHOLE:
        return WHOLE
    if isinstance(want, _Unit):
        return _translate_unit(n, pred, want)
    return _translate_box(n, pred, want)


def _translate_unit(n, pred, want: _Unit):
    """A unit of vector `n`, as what of `pred` it depends on (a unit, a box of a map, or WHOLE)."""
    kind, shape, pshape = n.kind.split("+")[-1], n.shape, pred.shape
    if kind in MOVING or (kind in REGROUPING and kind not in ("flatten", "Flatten", "view", "reshape")):
        raise _Unknown(f"{kind} {n.name!r} moves or picks values; which pixels each unit sees is not followed")
    if kind in ACROSS_UNITS:
        return WHOLE
    if pshape == shape:
        return (
            want
            if kind in UNITWISE or kind.endswith(("Activation", "Dropout"))
            else _Unit(want.index, f"{kind} {n.name!r}")
        )
    if kind in REGROUPING:  # a map flattened into a vector: one position of it
        if math.prod(pshape) != math.prod(shape):
            raise _Unknown(f"{kind} {n.name!r} regroups values of another size")
        at = _unravel(want.index, pshape)
        return tuple((q, q) for q in at[1:]) if len(pshape) > 1 else _Unit(want.index)
    if kind in REDUCING or ("adaptive" in kind.lower() and math.prod(shape) == pshape[0]):
        return WHOLE  # a map averaged (or its largest value taken) into one value a channel
    raise _Unknown(
        f"{kind} {n.name!r} turns {' x '.join(map(str, pshape))} values into {' x '.join(map(str, shape))}; "
        "which pixels each unit sees is not followed"
    )


def _translate_box(n, pred, want):
    """A box of map `n`'s positions, as what of `pred` it depends on."""
    kind, shape, pshape = n.kind.split("+")[-1], n.shape, pred.shape
    if len(pshape) != len(shape):
        if all(s == 1 for s in pshape[1:]) or len(pshape) == 1:  # a per-channel gate or a vector broadcast over the map
            return WHOLE if len(pshape) == 1 else tuple((0, 0) for _ in pshape[1:])
        raise _Unknown(
            f"{kind} {n.name!r} turns a {' x '.join(map(str, pshape))} tensor into a map; "
            "which pixels each position sees is not followed"
        )
    if kind in PERMUTES and len(shape) == 3:
        # Drawn channels first: a permute whose axes' roles nnvox followed (capture/layouts.py: the
        # map held channels last, or a transposed map) leaves each drawn position where it was
        if (n.layout or pred.layout) and sorted(pshape) == sorted(shape):
            return want
        raise _Unknown(f"{kind} {n.name!r} moves positions about; which pixels each position sees is not followed")
    if n.geometry:
        k, s, p, d = (n.geometry[key] for key in ("kernel", "stride", "padding", "dilation"))
        want = tuple((a * s_ - p_, b * s_ - p_ + (k_ - 1) * d_) for (a, b), k_, s_, p_, d_ in zip(want, k, s, p, d))
        return _relaid(n, pred, want)
    if "adaptive" in kind.lower() and "pool" in kind.lower():
        return tuple((a * m // o, -(-(b + 1) * m // o) - 1) for (a, b), m, o in zip(want, pshape[1:], shape[1:]))
    if kind in EVERYWHERE:
        return WHOLE
    if kind in MOVING:
        raise _Unknown(f"{kind} {n.name!r} moves positions about; which pixels each position sees is not followed")
    if kind in ALONG_LAST and len(shape) == 3 and (n.layout or "CHW")[-1] != "C":
        raise _Unknown(
            f"{kind} {n.name!r} acts along the map's {'columns' if (n.layout or 'CHW')[-1] == 'W' else 'rows'}; "
            "which pixels each position sees is not followed"
        )
    if pshape[1:] == shape[1:] or (n.layout != pred.layout and sorted(pshape[1:]) == sorted(shape[1:])):
        return _relaid(n, pred, want)  # the same positions (an activation, a sum, channels joined or split)
    if all(s == 1 for s in pshape[1:]):  # broadcast over every position
        return tuple((0, 0) for _ in pshape[1:])
    raise _Unknown(
        f"{kind} {n.name!r} changes the map's size without a kernel nnvox knows; "
        "which pixels each position sees is not followed"
    )

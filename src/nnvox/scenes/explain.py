"""One output value of a layer taken apart from the run's recorded arrays, as CNN Explainer shows it:
a convolution's input patch times its kernel, summed, plus the bias; a dense unit's inputs times
its weight row; a pooling window and its max (or mean). Pure numpy over what the run recorded, so
each step's value can be checked against the recorded output (tests/scenes/test_explain.py).

`schedule` says which output positions an explaining shot has visited at each moment: a raster over
one output map, quick over the rows where the window reads no digit yet, slow over the next rows,
then faster."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from nnvox.capture.architecture import Architecture
from nnvox.errors import NnvoxError
from nnvox.scenes.block_spec import _input_scale as probe_scale
from nnvox.scenes.colour import ColourScale
from nnvox.scenes.frames import nearest_snapshot
from nnvox.scenes.run_scales import scale_from_stats

FAMILIES = {"Conv2d": "conv", "Linear": "linear", "MaxPool2d": "max", "AvgPool2d": "mean"}
PASSING = ("Flatten", "flatten", "Dropout", "dropout", "Identity")  # hand their input on unchanged


@dataclass(frozen=True)
class Target:
    """What an explained layer computes and from what: its family, its input node, and the
    geometry the architecture recorded (groups from the weight's shape)."""

    layer: str
    family: str  # conv | linear | max | mean
    source: str  # the node whose output it reads
    module: str | None
    kernel: tuple[int, int] = (1, 1)
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int] = (0, 0)
    dilation: tuple[int, int] = (1, 1)
    groups: int = 1
    shape: tuple[int, ...] = ()  # the layer's output per sample

    @property
    def weighted(self) -> bool:
        return self.family in ("conv", "linear")


@dataclass(frozen=True)
class Arrays:
    """One snapshot's recorded values for one sample: the layer's input and output, its weights."""

    inputs: np.ndarray  # (C, H, W) for maps, (n,) for a dense layer
    outputs: np.ndarray
    weight: np.ndarray | None = None
    bias: np.ndarray | None = None


@dataclass(frozen=True)
class Step:
    """One output value taken apart. `inputs` and `weights` are (channels, kh, kw) for maps, (n,)
    for a dense unit; `inside` is False where the window reaches into padding."""

    position: tuple[int, ...]  # (channel, row, column) or (unit,)
    inputs: np.ndarray
    weights: np.ndarray | None
    inside: np.ndarray
    rows: tuple[int, int]  # the window's first and last input row (may lie in the padding)
    cols: tuple[int, int]
    channels: tuple[int, int]  # the input channels read, first and last
    family: str
    bias: float
    recorded: float

    @property
    def products(self) -> np.ndarray | None:
        return None if self.weights is None else self.inputs * self.weights

    @property
    def value(self) -> float:
        """What the recorded weights and inputs give: sum + bias, or the window's max or mean."""
        if self.family in ("conv", "linear"):
            return float(self.products.sum(dtype=np.float64) + self.bias)
        if self.family == "max":
            return float(np.where(self.inside, self.inputs, -np.inf).max())
        return float(self.inputs.mean(dtype=np.float64))  # padding counted as zero, torch's default

    @property
    def chosen(self) -> tuple[int, ...] | None:
        """A max pool's winning input cell (within the window), else None."""
        if self.family != "max":
            return None
        return tuple(
            int(i) for i in np.unravel_index(np.argmax(np.where(self.inside, self.inputs, -np.inf)), self.inputs.shape)
        )


def target(arch: Architecture, layer: str) -> Target:
    """The explainable layer `layer`, or a one-line error naming it and the layers that can be."""
    choices = [n.name for n in arch.nodes if n.kind in FAMILIES]
    names = [n.name for n in arch.nodes]
    if layer not in names or arch.node(layer).kind not in FAMILIES:
        what = (
            "is not in the model"
            if layer not in names
            else f"is a {arch.node(layer).kind}, not a convolution, dense layer or pool"
        )
        raise NnvoxError(f"explain: layer {layer!r} {what}; explain one of {', '.join(choices) or '(none here)'}")
    node = arch.node(layer)
    preds = arch.predecessors(layer)
    if len(preds) != 1:
        raise NnvoxError(f"explain: layer {layer!r} reads {len(preds)} inputs; it explains layers of one input")
    family, source = FAMILIES[node.kind], preds[0]
    if family == "linear":
        if len(node.shape) != 1:
            raise NnvoxError(
                f"explain: layer {layer!r} is a Linear applied at each of {node.shape[0]} positions (tokens); "
                "it explains a dense layer over one vector of inputs"
            )
        return Target(layer, family, source, node.module, shape=tuple(node.shape))
    g = node.geometry
    if not g or len(g["kernel"]) != 2:
        raise NnvoxError(f"explain: layer {layer!r} has no recorded 2D window geometry; re-record the run")
    groups = 1
    weight = next((s for p, s in node.params.items() if p.endswith("weight")), None)
    in_channels = arch.node(source).shape[0]
    if family == "conv" and weight is not None and weight[1]:
        groups = in_channels // weight[1]
    return Target(
        layer,
        family,
        source,
        node.module,
        g["kernel"],
        g["stride"],
        g["padding"],
        g["dilation"],
        groups,
        tuple(node.shape),
    )


def drawn_source(arch: Architecture, t: Target, drawn: set[str]) -> str | None:
    """The drawn block showing the layer's input: its source, or where a flatten or dropout (not
    drawn) got it from."""
    name = t.source
    while name not in drawn:
        preds = arch.predecessors(name)
        if arch.node(name).kind not in PASSING or len(preds) != 1:
            return None
        name = preds[0]
    return name


def read_arrays(run, t: Target, index: int, sample: int) -> Arrays:
    """The recorded input, output, weight and bias of `t` at snapshot `index` for `sample`; a
    one-line error where the run kept less than the whole of any (level of detail while recording)."""
    arch = run.architecture
    keys = [f"act/{t.layer}"]
    first = arch.nodes[0]
    from_input = t.source == first.name and first.kind == "Input"
    if not from_input:
        keys.append(f"act/{t.source}")
    params = [f"param/{t.module}.{p}" for p in ("weight", "bias")] if t.weighted else []
    reduced = [k for k in keys + params if k in run.reduced]
    if reduced:
        raise NnvoxError(
            f"explain: {reduced[0]!r} was reduced while recording, so {t.layer!r} cannot be recomputed; "
            "record with a larger --activation-budget / --weight-budget"
        )
    acts = run.read(index, keys, sample=sample)
    got = run.read(index, params, skip_missing=True) if params else {}
    x = run.sample_input(index, sample).astype(np.float32) if from_input else acts[f"act/{t.source}"]
    if t.weighted and params[0] not in got:
        raise NnvoxError(f"explain: snapshot {index} holds no weights of {t.layer!r}; record with its weights")
    return Arrays(
        inputs=x.reshape(-1) if t.family == "linear" else x,
        outputs=acts[f"act/{t.layer}"],
        weight=got.get(params[0]) if params else None,
        bias=got.get(params[1]) if params else None,
    )


def step(t: Target, a: Arrays, position: tuple[int, ...]) -> Step:
    """Output `position` ((channel, row, column), or (unit,)) of `t` taken apart."""
    recorded = float(a.outputs[position])
    if t.family == "linear":
        (unit,) = position
        bias = float(a.bias[unit]) if a.bias is not None else 0.0
        inside = np.ones(a.inputs.shape, bool)
        n = len(a.inputs)
        return Step(
            position, a.inputs, a.weight[unit], inside, (0, 0), (0, n - 1), (0, n - 1), t.family, bias, recorded
        )
    c, r, col = position
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = t.kernel, t.stride, t.padding, t.dilation
    r0, c0 = r * sh - ph, col * sw - pw
    rows, cols = r0 + dh * np.arange(kh), c0 + dw * np.arange(kw)
    if t.family == "conv":
        per = a.inputs.shape[0] // t.groups
        first = (c // (t.shape[0] // t.groups)) * per
        chans = np.arange(first, first + per)
    else:
        chans = np.array([c])
    inside_r, inside_c = (rows >= 0) & (rows < a.inputs.shape[1]), (cols >= 0) & (cols < a.inputs.shape[2])
    inside = np.broadcast_to(inside_r[:, None] & inside_c[None, :], (len(chans), kh, kw))
    patch = a.inputs[np.ix_(chans, np.clip(rows, 0, a.inputs.shape[1] - 1), np.clip(cols, 0, a.inputs.shape[2] - 1))]
    patch = np.where(inside, patch, np.float32(0))
    weights = a.weight[c] if t.family == "conv" else None
    bias = float(a.bias[c]) if t.family == "conv" and a.bias is not None else 0.0
    span = lambda v: (int(v[0]), int(v[-1]))
    return Step(position, patch, weights, inside, span(rows), span(cols), span(chans), t.family, bias, recorded)


def order(t: Target, channel: int = 0) -> list[tuple[int, ...]]:
    """The positions a shot visits: one map's rows top to bottom, each left to right (a dense
    layer: its units in order)."""
    if t.family == "linear":
        return [(u,) for u in range(t.shape[0])]
    _, h, w = t.shape
    return [(channel, r, c) for r in range(h) for c in range(w)]


SLOW_ROWS = 2  # the rows visited one position at a time, at a pace a class can follow
SLOW_SHARE = 0.45  # of the shot spent on them
LEAD_SHARE = 0.06  # ... and on the rows above them, where the window reads no digit yet (passed quickly)
END_HOLD = 0.1  # the last part of the shot holds the finished map
TEACHING = 0.5  # the slow rows start at the first whose busiest window reads this much of the map's busiest


def schedule(progress: float, total: int, row: int, start: int = 0) -> int:
    """How many of `total` positions (`row` a row) are done at `progress` (0..1 of the shot): the
    `start` positions before the slow rows passed quickly over LEAD_SHARE of the shot, SLOW_ROWS rows
    evenly over SLOW_SHARE, the rest faster, then a hold. At least one is always under way, so the
    window is on the input from the first frame. `row` 0 (a dense layer's units): all at one pace."""
    p = min(max(progress, 0.0), 1.0)
    if row <= 0:
        return max(1, min(total, 1 + math.floor(p / (1.0 - END_HOLD) * total)))
    start = min(max(start, 0), max(total - row, 0))
    lead = LEAD_SHARE if start else 0.0
    if p < lead:
        return max(1, min(start, 1 + math.floor(p / lead * start)))
    slow = min(total - start, SLOW_ROWS * row)
    if p <= lead + SLOW_SHARE or start + slow == total:
        span = SLOW_SHARE if start + slow < total else 1.0 - END_HOLD - lead
        return start + max(1, min(slow, 1 + math.floor((p - lead) / span * slow)))
    rest = min((p - lead - SLOW_SHARE) / (1.0 - END_HOLD - lead - SLOW_SHARE), 1.0)
    return min(total, start + slow + math.ceil(rest * (total - start - slow)))


def teaching_start(steps: list[Step], row: int) -> int:
    """The first position of the first row where the window reads the digit (MNIST's border is
    empty): the first row whose busiest window's products (a pool's inputs) are at least TEACHING
    of the busiest in the map, so the slow rows show products that are not all zero."""
    if row <= 0 or not steps:
        return 0
    busy = np.array([float(np.abs(s.products if s.products is not None else s.inputs).sum()) for s in steps])
    per_row = busy.reshape(-1, row).max(axis=1)
    if not per_row.max() > 0:
        return 0
    return int(np.argmax(per_row >= TEACHING * per_row.max())) * row


@dataclass(frozen=True)
class Moment:
    """What an explaining shot shows at one frame: the step under way (its output the last of
    `done` visited), where it is drawn, and the inset's colour limits, fixed over the shot's map."""

    step: Step
    done: int
    total: int
    grid: tuple[int, int]  # the output map's rows and columns ((1, units) for a dense layer)
    layer: str  # the explained block
    source: str | None  # the block drawn for its input (None: not drawn)
    weight_limit: float  # |weight| at the diverging scale's ends
    product_limit: float
    input_scale: ColourScale | None = None  # the inputs' colours where no drawn block shows them: one over the run


class Explanation:
    """One layer's output map (or units) computed position by position over a shot, from the
    recorded values of `sample` at the snapshot nearest the shot's timeline position."""

    def __init__(self, run, scene, layer: str, channel: int = 0, sample: int = 0):
        self.run, self.sample = run, sample
        self.target = target(run.architecture, layer)
        if self.target.family != "linear" and not 0 <= channel < self.target.shape[0]:
            raise NnvoxError(f"explain: channel {channel} is out of range; {layer!r} has {self.target.shape[0]} maps")
        names = {b.name for b in scene.blocks}
        if layer not in names:
            raise NnvoxError(f"explain: layer {layer!r} is not drawn as a block of its own here; explain a drawn layer")
        drawn = scene.block(layer).channels
        if self.target.family != "linear" and drawn is not None and channel not in drawn:
            shown = ", ".join(map(str, drawn[:8])) + (" ..." if len(drawn) > 8 else "")
            raise NnvoxError(
                f"explain: channel {channel} of {layer!r} is not drawn (level of detail); pick one of {shown}"
            )
        self.source = drawn_source(run.architecture, self.target, names)
        self.positions = order(self.target, channel)
        self.row = 0 if self.target.family == "linear" else self.target.shape[2]
        self.input_scale = input_scale(run, self.target)
        self._steps: dict[int, tuple[list[Step], float, float, int]] = {}

    @property
    def reach(self) -> int:
        """How many input rows or columns the window reaches past the input's edge (its padding)."""
        return max(self.target.padding) if self.target.family != "linear" else 0

    def _at_snapshot(self, index: int) -> tuple[list[Step], float, float, int]:
        if index not in self._steps:
            arrays = read_arrays(self.run, self.target, index, self.sample)
            steps = [step(self.target, arrays, p) for p in self.positions]
            weights = float(np.abs(arrays.weight).max()) if arrays.weight is not None else 1.0
            products = max((float(np.abs(s.products).max()) for s in steps if s.products is not None), default=1.0)
            start = teaching_start(steps, self.row)  # a shot shows one snapshot at a time:
            self._steps = {index: (steps, weights or 1.0, products or 1.0, start)}
        return self._steps[index]

    def at(self, progress: float, t: float) -> Moment:
        steps, weights, products, start = self._at_snapshot(nearest_snapshot(t))
        done = schedule(progress, len(steps), self.row, start)
        shape = self.target.shape
        grid = (1, shape[0]) if self.target.family == "linear" else (shape[1], shape[2])
        return Moment(
            steps[done - 1], done, len(steps), grid, self.target.layer, self.source, weights, products, self.input_scale
        )


def input_scale(run, t: Target) -> ColourScale:
    """The colours of the layer's inputs, fixed over the whole run as every scale in nnvox is: the
    probe images' grey scale, or the recorded limits of the layer it reads (never the values in view)."""
    first = run.architecture.nodes[0]
    if t.source == first.name and first.kind == "Input":
        return probe_scale(run)
    return scale_from_stats(run, f"act/{t.source}")


def done_cells(block, moment: Moment) -> tuple[int, np.ndarray]:
    """The explained block's panel and which of its drawn cells hold values computed so far (a
    pooled drawing's cell counts once its first value is)."""
    mask = np.zeros((block.rows, block.cols), bool)
    if moment.step.family == "linear":  # one panel, the units in reading order
        mask.ravel()[: min(moment.done, mask.size)] = True
        return 0, mask
    channel = moment.step.position[0]
    panel = block.channels.index(channel) if block.channels is not None and channel in block.channels else channel
    full = np.zeros(moment.total, bool)
    full[: moment.done] = True
    pooled = full.reshape(moment.grid)[:: block.pool, :: block.pool][: block.rows, : block.cols]
    mask[: pooled.shape[0], : pooled.shape[1]] = pooled
    return min(panel, block.panels - 1), mask


def window_cells(block, s: Step) -> tuple[tuple[int, int], tuple[float, float], tuple[float, float]]:
    """Where the step's window lies on the drawn input block: panels (first, last), rows and
    columns (first, last + 1) in drawn voxels, reaching past the edges where the window reads
    padding. A dense unit reads the whole block."""
    if s.family == "linear":
        return (0, block.panels - 1), (0.0, float(block.rows)), (0.0, float(block.cols))
    first, last = s.channels
    if block.channels is not None:  # level of detail: the drawn panels among those read
        drawn = [k for k, c in enumerate(block.channels) if first <= c <= last]
        first, last = (drawn[0], drawn[-1]) if drawn else (0, block.panels - 1)
    step = lambda v: v / block.pool
    return (
        (first, min(last, block.panels - 1)),
        (step(s.rows[0]), step(s.rows[1] + 1)),
        (step(s.cols[0]), step(s.cols[1] + 1)),
    )


FADED = 0.15  # the other blocks' opacity while a layer is explained: the eye stays on the two


def focused(frame, moment: Moment):
    """`frame` with every block but the explained layer and its input faded."""
    keep = {moment.layer, moment.source}
    return dataclasses.replace(frame, lit={k: v if k in keep else min(v, FADED) for k, v in frame.lit.items()})

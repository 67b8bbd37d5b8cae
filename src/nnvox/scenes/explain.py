"""One output value of a layer taken apart from the run's recorded arrays, as CNN Explainer shows it:
a convolution's input patch times its kernel, summed, plus the bias; a dense unit's inputs times
its weight row; a pooling window and its max (or mean). Pure numpy over what the run recorded, so
each step's value can be checked against the recorded output (tests/scenes/test_explain.py).

Which output positions an explaining shot has visited at each moment, and where it stops: its pace
(scenes/explain_pace.py)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from nnvox.capture.architecture import Architecture
from nnvox.errors import NnvoxError
from nnvox.scenes.block_spec import _input_scale as probe_scale
from nnvox.scenes.colour import ColourScale
from nnvox.scenes.explain_pace import (
    ARRIVING,
    LEAVING,
    arrived,
    first_visited,
    hopped,
    kept,
    legible,
    schedule,
    stops,
    walk,
)
from nnvox.scenes.frames import nearest_snapshot
from nnvox.scenes.run_scales import activation_scale

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


def ink(steps: list[Step], background: float) -> np.ndarray:
    """How much of the digit each step's window reads: its inputs' distance from the input's
    background, summed over the window (padding reads none)."""
    return np.array([float(np.where(s.inside, np.abs(s.inputs - background), 0).sum()) for s in steps])


def shown_sum(s: Step, digits: int = 3) -> tuple[int, int, int]:
    """The products' sum, the bias and the value as printed, in units of 10^-digits, so that the
    printed terms add up exactly to the printed value and the value is the one the run recorded:
    the value and the bias each rounded, the sum what makes them add up (within a unit or two of
    the products' own sum: the recorded value is stored to half precision)."""
    unit = 10.0**digits
    total, bias = round(s.recorded * unit), round(s.bias * unit)
    return total - bias, bias, total


def printed(units: int, digits: int = 3) -> str:
    """A number in units of 10^-digits as the inset prints it, with a true minus sign."""
    sign = "−" if units < 0 else ""
    whole, part = divmod(abs(units), 10**digits)
    return f"{sign}{whole}.{part:0{digits}d}"


def sum_lines(s: Step) -> list[tuple[str, str]]:
    """The sum under the inset's grids, a (words, number) pair a line, that adds up as printed:
    the products' sum, the bias, and the value the run recorded (a pool: its value, recorded)."""
    if s.family in ("max", "mean"):
        word = "largest" if s.family == "max" else "mean"
        return [(f"{word} of the {s.inside.sum()} values, as recorded", printed(shown_sum(s)[2]))]
    products, bias, total = shown_sum(s)
    return [
        # the products' sum before the bias as the run stored it: the recorded value (half precision)
        # less the bias, so the lines add up as printed; within 0.003 of the float sum of the
        # products (4.027 where that is 4.0254), so not called "exact" (watch 9: it is worked back
        # from the stored output; the inset's short form: "sum before bias"). The cells print each
        # product of the printed values, rounded: a class adding the 25 shown got 2.95 for 2.984
        # (the inset's "rounded cells sum" line)
        (f"sum of the {s.products.size} products", printed(products)),
        ("+ bias", printed(bias)),
        ("= the value recorded", printed(total)),  # in the run: the caption says so
    ]


@dataclass(frozen=True)
class Moment:
    """What an explaining shot shows at one frame: the step the window stands on (its output the
    last of `done` visited; over a sweep the hop's, explain_pace.hopped, the map filling on to
    `done`), where it is drawn, and the inset's colour limits, fixed over the shot's map."""

    step: Step
    done: int
    total: int
    grid: tuple[int, int]  # the output map's rows and columns ((1, units) for a dense layer)
    layer: str  # the explained block
    source: str | None  # the block drawn for its input (None: not drawn)
    weight_limit: float  # |weight| at the diverging scale's ends
    product_limit: float
    input_scale: ColourScale | None = None  # the inputs' colours where no drawn block shows them: one over the run
    black: float | None = None  # what a black input pixel is after the run's normalisation (None: inputs not images)
    stopped: bool = False  # the window stands on one of the shot's chosen positions
    # it sweeps between them: the inset prints each passing position's numbers as the window passes
    # it (watch 9: six seconds of "–" tables under a band moving down the map; fast is fine)
    sweeping: bool = False
    heading: tuple[int, ...] | None = None  # ... and names the next stop's position (None: the map's end)
    walking: bool = False  # the window walks one position at a time: the inset shows each one's sum
    # how far the numbers of the position it stands on are shown (0 to 1): those of every position,
    # swept ones too, going and coming only where a sweep starts or ends, with the title's words
    legible: float = 1.0
    titled: float = (
        1.0  # ... and the title's words (where it stands, or where a sweep goes): never switched in one frame
    )
    # where the window stands, where its patch shows it (window_place: "on a stroke's top edge"; a
    # lecturer's watch: "opens at row 6, column 15 · 184 of 784 computed with no hint why"); None
    # while it sweeps or where its patch shows no edge
    where: str | None = None
    reads: str = "input pixel value"  # what the patch's values are (value_words), over their colour scale
    places: tuple[str, ...] = ()  # every `where` (and `before`) the shot shows, to lay its inset out by
    # on the first position the window stands on where the map before it is computed already: which
    # of its values are ("rows 0–5, 16 of row 6 done"; watch 9: "185 of 784" with the map's top
    # filled and nothing saying positions 1-184 were done already); None elsewhere
    before: str | None = None


class Explanation:
    """One layer's output map (or units) computed position by position over a shot, from the
    recorded values of `sample` at the snapshot nearest the shot's timeline position."""

    def __init__(self, run, scene, layer: str, channel: int = 0, sample: int = 0, *, seconds=1.0, lead=0.0, tail=0.0):
        """`seconds`: the shot's length; `lead`: its fade-in, in seconds (the window waits for it);
        `tail`: its fade-out (the window has reached the map's end before it)."""
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
        self.black = black_level(run, self.target)
        self.source_name = self.source or self.target.source  # what the window reads, by name
        self.reads = value_words(run, self.target, self.source)
        self.background = 0.0  # the input's background value (its median), for window_place
        self.seconds, self.lead, self.tail = seconds, lead, tail
        self._steps: dict[int, tuple[list[Step], float, float, tuple[int, ...], tuple[int, ...]]] = {}

    @property
    def reach(self) -> int:
        """How many input rows or columns the window reaches past the input's edge (its padding)."""
        return max(self.target.padding) if self.target.family != "linear" else 0

    def _at_snapshot(self, index: int) -> tuple[list[Step], float, float, tuple[int, ...], tuple[int, ...]]:
        """The steps at snapshot `index`, the inset's weight and product limits, the stops and the
        positions walked one by one."""
        if index not in self._steps:
            arrays = read_arrays(self.run, self.target, index, self.sample)
            steps = [step(self.target, arrays, p) for p in self.positions]
            weights = float(np.abs(arrays.weight).max()) if arrays.weight is not None else 1.0
            products = max((float(np.abs(s.products).max()) for s in steps if s.products is not None), default=1.0)
            chosen, walked = (), walk((), len(steps), len(steps))
            if self.row:  # a map: stops on the background and the digit (a dense layer's units: none)
                read = ink(steps, float(np.median(arrays.inputs)))
                whole = np.array([bool(s.inside.all()) for s in steps])
                outputs = np.array([s.recorded for s in steps])
                ranked = stops(read, outputs, whole, self.target.shape[1:])
                chosen, walked = kept(ranked, len(steps), self.row, self.seconds, self.lead, self.tail)
                self.background = float(np.median(arrays.inputs))
            self._steps = {index: (steps, weights or 1.0, products or 1.0, chosen, walked)}  # one snapshot a shot
        return self._steps[index]

    def at(self, progress: float, t: float) -> Moment:
        steps, weights, products, chosen, walked = self._at_snapshot(nearest_snapshot(t))
        timing = (len(steps), chosen, self.seconds, self.lead, self.tail, walked)
        done = schedule(progress, *timing)
        shape = self.target.shape
        grid = (1, shape[0]) if self.target.family == "linear" else (shape[1], shape[2])
        stopped = done - 1 in chosen and schedule(progress + 1e-3, *timing) == done
        walking = not stopped and done - 1 in walked
        # sweeping between stops, or over a dense layer's units after its walk (the finished map
        # held at its end is not): the heading says where the window goes, the inset prints the
        # numbers of each position it passes
        sweeping = not stopped and not walking and done < len(steps)
        ahead = [k for k in chosen if k > done - 1]
        heading = steps[ahead[0]].position if sweeping and ahead else None
        shown = legible(progress, *timing)
        standing = hopped(progress, *timing, width=self.row)  # over a sweep a hop's, held (the map fills on)
        return Moment(
            steps[standing],
            done,
            len(steps),
            grid,
            self.target.layer,
            self.source,
            weights,
            products,
            self.input_scale,
            self.black,
            stopped,
            sweeping,
            heading,
            walking,
            shown,
            self._titled(progress, timing, chosen, walked),
            None
            if sweeping
            else window_place(steps[done - 1], self.background, self.black is not None, self.source_name),
            self.reads,
            self._places(steps, chosen, walked),
            done_before(done - 1, self.row) if done - 1 == first_visited(chosen, walked) else None,
        )

    def _places(self, steps: list[Step], chosen, walked) -> tuple[str, ...]:
        """Every note of where the window stands that the shot shows (on its walk, its stops and its
        last position), to lay the inset out by once."""
        shown = sorted({*chosen, *walked, len(steps) - 1})
        image = self.black is not None
        found = [window_place(steps[k], self.background, image, self.source_name) for k in shown]
        found.append(done_before(first_visited(chosen, walked), self.row))
        return tuple(dict.fromkeys(p for p in found if p is not None))

    def _titled(self, progress: float, timing: tuple, chosen, walked) -> float:
        """How far the title shows at `progress`: faded out before its words change and in after
        ("sliding to row 6, column 18" to "row 6, column 18 · 187 of 784 computed"), never switched
        in one frame (44.4 s); where only its numbers change (walking from one position to the
        next, a stop after its walk) not at all: they change with the inset's numbers (a fade at
        every walked position blinked the heading about once a second)."""
        total = timing[0]

        def words(p: float) -> tuple:  # the title's wording at progress p (explain_inset.heading_words)
            k = schedule(p, *timing) - 1
            if k in chosen or k in walked or k == total - 1:
                return ("where",)
            return ("sliding", any(c > k for c in chosen))

        since, until = arrived(progress, *timing)
        now, second = words(progress), 1.0 / max(self.seconds, 1e-9)
        comes = 1.0 if since == float("inf") or words(progress - (since + 1e-3) * second) == now else since / ARRIVING
        goes = 1.0 if until == float("inf") or words(progress + (until + 1e-3) * second) == now else until / LEAVING
        return min(comes, goes, 1.0)

    def stops(self, t: float) -> tuple[int, ...]:
        """The positions (indices in visiting order) the shot stops on at timeline position `t`."""
        return self._at_snapshot(nearest_snapshot(t))[3]


def done_before(index: int, width: int) -> str | None:
    """Which values of a map `width` positions wide are computed before position `index` (reading
    order), in words: "rows 0–5, 16 of row 6 done", "row 0 done", "3 of row 0 done"; None before
    the first position or for a dense layer's units (`width` 0)."""
    if index <= 0 or width <= 0:
        return None
    rows, rest = divmod(index, width)
    parts = ["row 0" if rows == 1 else f"rows 0–{rows - 1}"] if rows else []
    parts += [f"{rest} of row {rows}"] if rest else []
    return ", ".join(parts) + " done"


def value_words(run, t: Target, drawn: str | None) -> str:
    """What the explained layer's input values are, in words over their colour scale: an image
    input's "input pixel value", another input's "input value", an inner layer's "<layer> value"
    (conv2 reads pool1's maps: "pool1 value", not pixels)."""
    first = run.architecture.nodes[0]
    if t.source == first.name and first.kind == "Input":
        return "input pixel value" if len(first.shape) >= 2 else "input value"
    return f"{drawn or t.source} value"


SIDES = ("top", "bottom", "left", "right")  # (window_place's order where two sides show alike)
BLANK = 0.05  # a row or column of the patch reads no ink under this share of its most inked one
FULL = 0.5  # ... and one at least this share reads the ink across it


def edge_side(s: Step, background: float) -> str | None:
    """Which edge of the ink (the input's distance from its `background`, padding none) the step's
    window sits on, as its patch shows it: "top" where its first rows read none and its last rows
    read the ink across (the ink below it), "bottom", "left", "right" alike; the side with the most
    blank rows or columns; None where no side shows one (the window wholly on the ink, wholly off
    it, or on a thin line through it)."""
    if s.family == "linear" or s.inputs.ndim != 3:
        return None
    ink = np.where(s.inside, np.abs(s.inputs - background), 0.0).sum(axis=0)
    best, most = None, 0
    for side, lines in zip(SIDES, (ink.sum(1), ink.sum(1)[::-1], ink.sum(0), ink.sum(0)[::-1]), strict=True):
        peak = float(lines.max())
        if peak <= 0:
            return None
        blank = lines <= BLANK * peak
        empty = int(np.argmin(blank)) if not blank.all() else len(lines)  # leading blank lines
        edge = 0 < empty < len(lines) and not blank[empty:].any() and lines[-1] >= FULL * peak
        if edge and empty > most:
            best, most = side, empty
    return best


def window_place(s: Step, background: float, image: bool, source: str | None) -> str | None:
    """Where the window stands, in words, where its patch shows an edge (edge_side): on an image
    "on a stroke's top edge"; on an inner layer's maps "on the top edge of strong pool1 values"."""
    side = edge_side(s, background)
    return None if side is None else place_words(side, image, source)


def place_words(side: str, image: bool, source: str | None) -> str:
    """window_place's words for `side`: a stroke's edge on an image, strong values' on a layer's maps."""
    return f"on a stroke's {side} edge" if image else f"on the {side} edge of strong {source} values"


def black_level(run, t: Target) -> float | None:
    """What a black pixel of the probe images is after the dataset's normalisation: their lowest
    recorded value (an image's background; MNIST's black is -0.42, not 0). None where the layer
    does not read the images."""
    first = run.architecture.nodes[0]
    if t.source != first.name or first.kind != "Input":
        return None
    return float(np.min(run.probe_inputs))


def input_scale(run, t: Target) -> ColourScale:
    """The colours of the layer's inputs, fixed over the whole run as every scale in nnvox is: the
    probe images' grey scale, or the recorded limits of the layer it reads (never the values in view)."""
    first = run.architecture.nodes[0]
    if t.source == first.name and first.kind == "Input":
        return probe_scale(run)
    return activation_scale(run, t.source)  # its block's: the stage's scale (run_scales)


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


def output_cell(block, moment: Moment) -> tuple[int, int]:
    """The drawn cell (row, column) of the explained block's panel holding the output of the step
    the window stands on (a pooled drawing's cell of its first value; a dense unit's in reading
    order): where the value under way is ringed, with the window and the inset's tables."""
    s = moment.step
    if s.family == "linear":
        unit = min(s.position[0], block.rows * block.cols - 1)
        return int(unit // block.cols), int(unit % block.cols)
    return min(s.position[1] // block.pool, block.rows - 1), min(s.position[2] // block.pool, block.cols - 1)


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


SHEET_GAP = 3.0  # the explained map stands this far in front of its block's stack (in voxels)
STANDOFF = 0.08  # ... or of its one panel's face
SHEET_SCALE = 1.4  # ... drawn this much larger than the block's maps, so the value being filled reads


def sheet_block(block):
    """Where the explained map is drawn, as a block of one panel: pulled out in front of its
    block's stack (so that a map behind others is seen whole; a block of one panel: just on its
    face), larger than the stack's maps and raised so that its bottom edge stays the block's."""
    v = block.voxel
    x, y, z = block.origin
    front = x - (SHEET_GAP if block.panels > 1 else STANDOFF) * v
    scale = SHEET_SCALE if block.panels > 1 else 1.0
    raised = z + (scale - 1) * block.rows * v / 2
    return dataclasses.replace(block, origin=(front, y, raised), voxel=v * scale, thickness=0.0, panels=1)


FADED = 0.15  # the other blocks' opacity while a layer is explained: the eye stays on the two


def focused(frame, moment: Moment):
    """`frame` with every block but the explained layer and its input faded."""
    keep = {moment.layer, moment.source}
    return dataclasses.replace(frame, lit={k: v if k in keep else min(v, FADED) for k, v in frame.lit.items()})


def shot_explanation(board, shot, run, scene, lead: float, tail: float = 0.0) -> Explanation:
    """Storyboard `shot`'s explained layer on `run`'s `scene` (its window waiting `lead` seconds
    while the shot comes in, at the map's end `tail` seconds before it ends); a bad `explain` or
    `channel` is one line naming the storyboard's line, wherever it is built first (the export's
    scenes, the chapters worked out before the workers start)."""
    try:
        return Explanation(
            run, scene, shot.explain, shot.channel, shot.sample_in(run), seconds=shot.duration, lead=lead, tail=tail
        )
    except NnvoxError as exc:
        key = "channel" if str(exc).startswith("explain: channel") else "explain"
        raise NnvoxError(f"{board.path.name}, line {shot.lines.get(key, shot.line)}: {exc}") from None

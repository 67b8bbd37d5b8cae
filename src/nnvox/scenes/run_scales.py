"""Each block's colour scale, fixed over the whole run from the writer's summaries of every snapshot."""

from __future__ import annotations

import math

import numpy as np

from nnvox.capture.run import Run
from nnvox.scenes.colour import ColourScale
from nnvox.scenes.per_architecture import per_run
from nnvox.scenes.scene import SceneOptions
from nnvox.scenes.weight_pictures import weighted_layers


def scale_from_stats(run: Run, key: str, *, signed: bool | None = None) -> ColourScale:
    """Robust limits fixed over the whole run: lowest 1st and highest 99th percentile of all snapshots."""
    if key not in run.limits:
        return ColourScale.robust(0.0, 1.0, signed=signed)
    return ColourScale.robust(*run.limits[key], signed=signed)


def weight_scale(run: Run, wkey: str, mode: str) -> ColourScale:
    """A weight's scale in a weights mode other than gradients: signed, centred on zero; update
    ratios are magnitudes, on a sequential scale from 0."""
    if mode == "update-ratio":
        top = run.limits.get(f"update/param/{wkey}", (0.0, 1e-12))[1]
        return ColourScale.robust(0.0, top if top > 0 else 1e-12, signed=False)
    if mode == "distance-from-start":
        return distance_scale(run)
    stats_key = {"weights": "", "change": "change/", "change-from-start": "since_start/"}[mode] + f"param/{wkey}"
    return scale_from_stats(run, stats_key, signed=True) if mode == "weights" else change_scale(run, stats_key)


@per_run
def distance_scale(run: Run) -> ColourScale:
    """distance-from-start's one scale, shared by every weight the run recorded so that layers compare
    (a layer that moved less reads darker): from 0 to the largest of the layers' robust limits of
    w - w0 over the run, in the weights' own units (not relative to each layer's initial size)."""
    keys = [k for _, k in weighted_layers(run)]
    tops = [max(abs(s.lo), abs(s.hi)) for s in (change_scale(run, f"since_start/{k}") for k in keys)]
    return ColourScale.robust(0.0, max(tops, default=0.0) or 1e-12, signed=False)


def change_scale(run: Run, stats_key: str) -> ColourScale:
    """A change mode's scale: from the writer's summaries, else from the data (one read of each
    snapshot, for runs written without them)."""
    if stats_key in run.limits:
        return scale_from_stats(run, stats_key, signed=True)
    key = stats_key.split("/", 1)[1]
    first = run.read(0, [key])[key]
    previous, limit = first, 0.0
    for s in run.snapshots[1:]:
        w = run.read(s.index, [key])[key]
        d = w - (previous if stats_key.startswith("change/") else first)
        finite = np.abs(d[np.isfinite(d)])
        if finite.size:
            limit = max(limit, float(np.percentile(finite, 99)))
        previous = w
    return ColourScale.robust(-limit, limit or 1e-12, signed=True)


# Layers whose output is their input's values, kept, dropped to zero, picked or averaged (ReLU-like
# activations, which keep positive values near as they are; pooling; dropout and identity), by module
# and by function name; every GELU (transformers' GELUActivation, NewGELU, QuickGELU, ...:
# `keeps_values`). Squashing activations (Tanh, Sigmoid, Softmax) move every value into a new range,
# and a global average (a map to one value: a mean of 49 or more) gathers them near their mean, pale
# on its input's scale: both keep a scale of their own.
VALUE_KEEPING = frozenset(
    {
        *("ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "GELU", "SiLU", "ELU", "CELU", "SELU", "Mish"),
        *("Hardswish", "Hardtanh", "Softplus", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"),
        *("relu", "relu_", "relu6", "leaky_relu", "gelu", "silu", "elu", "mish", "hardswish", "softplus"),
        *(f"{p}Pool{d}d" for p in ("Max", "Avg", "AdaptiveMax", "AdaptiveAvg") for d in (1, 2, 3)),
        *(f"{p}_pool{d}d" for p in ("max", "avg", "adaptive_max", "adaptive_avg") for d in (1, 2, 3)),
        *("SiLUActivation", "MishActivation", "LinearActivation"),
        *("Identity", "Flatten", "Unflatten", "dropout", "flatten", "contiguous", "clone"),
    }
)


def keeps_values(node, keeping: frozenset[str] = VALUE_KEEPING) -> bool:
    """Whether a layer passes its input's values on: of a `keeping` kind or a GELU, and no average
    down to one value a channel."""
    global_average = "avg" in node.kind.lower() and math.prod(node.shape[1:]) == 1
    return (node.kind in keeping or "GELU" in node.kind) and not global_average


def stage_roots(arch, keeping: frozenset[str]) -> dict[str, str]:
    """Each node's stage: the first node up its chain of value-keeping layers (`keeping` kinds with
    a single input), so conv1 -> relu1 -> pool1 are all conv1's stage; any other node is its own."""
    roots: dict[str, str] = {}
    for node in arch.nodes:  # execution order: a node's input has its root already
        sources = arch.predecessors(node.name)
        keeps = keeps_values(node, keeping) and len(sources) == 1
        roots[node.name] = roots.get(sources[0], sources[0]) if keeps else node.name
    return roots


def activation_scale(run: Run, name: str, hidden_kinds: tuple[str, ...] = SceneOptions.hidden_kinds) -> ColourScale:
    """Layer `name`'s activations' scale: its stage's (`stage_roots`, with reshapes and copies, the
    `hidden_kinds`, passing values on too), so a value keeps its colour as it flows from a layer into
    the ReLU and pooling after it, a negative one turning the zero colour: the colour map and range
    of the union of the stage's robust limits, fixed over the run like each layer's own. The same
    whatever is drawn (a grouped conv + ReLU block, the layers expanded, an explained layer's inputs)."""
    stage = _stage_limits(run, tuple(hidden_kinds)).get(name)
    return ColourScale.robust(*stage) if stage else scale_from_stats(run, f"act/{name}")


@per_run
def _stage_limits(run: Run, hidden_kinds: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """Each recorded layer's stage's union of robust limits."""
    roots = stage_roots(run.architecture, VALUE_KEEPING | frozenset(hidden_kinds))
    union: dict[str, tuple[float, float]] = {}
    for name, root in roots.items():
        if (limits := run.limits.get(f"act/{name}")) is not None:
            lo, hi = union.get(root, limits)
            union[root] = (min(lo, limits[0]), max(hi, limits[1]))
    return {name: union[root] for name, root in roots.items() if root in union}

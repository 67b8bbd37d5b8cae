"""Layer health from the probe's activations: dead units (ReLU-like layers that never fire) and
saturated units (tanh/sigmoid stuck near their limits); and from the gradients' norms, layers whose
gradients explode or vanish (`gradient_flags`, one decision for the scene and `nnvox info`)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

RELU_LIKE = ("ReLU", "ReLU6", "relu", "relu_", "LeakyReLU", "GELU", "SiLU", "gelu", "silu", "leaky_relu")
SATURATING = {"Tanh": (-1.0, 1.0), "tanh": (-1.0, 1.0), "Sigmoid": (0.0, 1.0), "sigmoid": (0.0, 1.0)}
UNHEALTHY = 0.5  # a fraction above this flags the layer
MIN_SAMPLES = 4  # "never fires" or "always stuck" is not said of fewer probe samples (one input is not a verdict)
# A layer's root-mean-square gradient per value against the reference level (the 75th percentile
# of the layers' own): over EXPLODING times it, exploding; under VANISHING times it, vanishing.
EXPLODING, VANISHING = 100.0, 1e-5
REFERENCE = 0.75  # the reference's quantile: a quarter of the layers may explode without hiding
MIN_LAYERS = 3  # of two layers, one 1,000x the other may be exploding or the other vanishing: no verdict


def last_kind(kind: str) -> str:
    """A grouped block's activation is its last member: Conv2d+BN+ReLU -> ReLU."""
    return kind.split("+")[-1]


def _units(acts: np.ndarray) -> np.ndarray:
    """(samples, units, positions): channels of maps, or features of vectors."""
    return np.nan_to_num(acts.reshape(acts.shape[0], acts.shape[1], -1) if acts.ndim > 2 else acts[:, :, None], nan=0.0)


def dead_units(acts: np.ndarray) -> np.ndarray:
    """Indices of the units (channels, or features) never above zero for any probe sample or position."""
    return np.flatnonzero(_units(acts).max(axis=(0, 2)) <= 0)


def dead_fraction(acts: np.ndarray) -> float:
    """The share of units that are dead."""
    return len(dead_units(acts)) / max(acts.shape[1], 1)


def active_fraction(acts: np.ndarray) -> float:
    """Sparsity's complement: the share of all values (every unit, sample, position) above zero."""
    return float((_units(acts) > 0).mean())


def saturated_fraction(acts: np.ndarray, lo: float, hi: float) -> float:
    """Values within 1% of the range's ends."""
    margin = 0.01 * (hi - lo)
    finite = acts[np.isfinite(acts)]
    return float(((finite <= lo + margin) | (finite >= hi - margin)).mean()) if finite.size else 0.0


def saturated_units(acts: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Indices of the units whose every value, for every probe sample and position, lies within 1%
    of the range's ends: stuck, passing (almost) no gradient."""
    margin = 0.01 * (hi - lo)
    u = _units(acts)
    return np.flatnonzero(((u <= lo + margin) | (u >= hi - margin)).all(axis=(0, 2)))


def judged(kind: str) -> bool:
    """Whether layers of this kind get a health figure (ReLU-like, tanh, sigmoid)."""
    return last_kind(kind) in RELU_LIKE or last_kind(kind) in SATURATING


FLAGS = ("dead", "saturated")  # health keys that flag a layer above UNHEALTHY ("active" is a measure)


def layer_health(kind: str, acts: np.ndarray, *, units: bool = False) -> dict:
    """{"dead": fraction of units, "active": fraction of values > 0} for ReLU-like layers,
    {"saturated": fraction} for tanh/sigmoid, else {}; with `units`, also "dead_units" (ReLU-like)
    or "saturated_units" (tanh/sigmoid): the indices of units stuck for the whole probe set. With
    fewer than MIN_SAMPLES samples, only "active" (a unit silent for one input is not dead)."""
    kind = last_kind(kind)
    if acts.shape[0] < MIN_SAMPLES:
        return {"active": active_fraction(acts)} if kind in RELU_LIKE else {}
    if kind in RELU_LIKE:
        dead = dead_units(acts)
        health = {"dead": len(dead) / max(acts.shape[1], 1), "active": active_fraction(acts)}
        if units:
            health["dead_units"] = dead.tolist()
        return health
    if kind in SATURATING:
        health = {"saturated": saturated_fraction(acts, *SATURATING[kind])}
        if units:
            health["saturated_units"] = saturated_units(acts, *SATURATING[kind]).tolist()
        return health
    return {}


def gradient_levels(
    layers: Mapping[str, Mapping[str, int]], norms: Mapping[str, float], same: Mapping[str, str] | None = None
) -> dict[str, float]:
    """Each layer's root-mean-square gradient per value: sqrt(sum of its parameters' squared
    gradient norms / their number of values), so a large tensor is not large for being large.
    `layers`: {layer: {parameter: number of values}} in graph order; `norms`: each parameter's
    gradient L2 norm; `same`: {parameter: the parameter it is one tensor with} (tied weights). A
    tensor counts once, in the first layer that holds it (a tied head, or a module called twice,
    is not counted again); a layer left with no gradient has no level. A non-finite norm gives inf."""
    same = same or {}
    counted: set[str] = set()
    levels = {}
    for layer, params in layers.items():
        squares, values = 0.0, 0
        for p, size in params.items():
            tensor = same.get(p, p)
            if p not in norms or tensor in counted:
                continue
            counted.add(tensor)
            v = float(norms[p])
            squares, values = (
                (squares + v * v, values + int(size)) if math.isfinite(v) else (math.inf, values + int(size))
            )
        if values:
            levels[layer] = math.sqrt(squares / values) if math.isfinite(squares) else math.inf
    return levels


def gradient_flags(
    layers: Mapping[str, Mapping[str, int]], norms: Mapping[str, float], same: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Layers whose gradient explodes or vanishes: a not finite gradient (exploding), or a
    root-mean-square gradient per value (`gradient_levels`) over EXPLODING times, or under
    VANISHING times, the reference level: the REFERENCE quantile (the lower value) of the layers'
    levels above zero. Levels, not norms: a large tensor's norm is large however healthy it is,
    and tiny bias and norm tensors would pull a median of norms down. With fewer than MIN_LAYERS
    layers only non-finite gradients are flagged."""
    levels = gradient_levels(layers, norms, same)
    flags = {name: "exploding" for name, v in levels.items() if not math.isfinite(v)}
    positive = sorted(v for v in levels.values() if math.isfinite(v) and v > 0)
    if len(levels) < MIN_LAYERS or not positive:
        return flags
    reference = positive[int(REFERENCE * (len(positive) - 1))]
    for name, v in levels.items():
        if name in flags:
            continue
        if v > EXPLODING * reference:
            flags[name] = "exploding"
        elif v < VANISHING * reference:
            flags[name] = "vanishing"
    return flags


def shared_tensors(aliases: Mapping[str, str], norms: Mapping[str, float]) -> dict[str, str]:
    """{parameter: the parameter it is one tensor with}, from a snapshot's alias table: a gradient
    stored once under two names, or a weight stored once whose two gradients have one norm (a tied
    weight; two zero gradients, or two weights merely equal, stay apart)."""
    out = {}
    for alias, target in aliases.items():
        for kind in ("grad/", "param/"):
            if alias.startswith(kind) and target.startswith(kind):
                a, t = alias[len(kind) :], target[len(kind) :]
                if a in norms and t in norms and norms[a] == norms[t] and norms[a] != 0:
                    out[a] = t
    return out


def run_gradient_flags(run, index: int) -> dict[str, str]:
    """{layer (node name): "exploding" | "vanishing"} at snapshot `index` of a run: what the scene's
    outlines and heads-up line and `nnvox info` both show."""
    norms = run.snapshots[index].grad_norms
    if not norms:
        return {}
    layers = {
        n.name: {p: math.prod(shape) for p, shape in n.params.items()} for n in run.architecture.nodes if n.params
    }
    return gradient_flags(layers, norms, shared_tensors(run.aliases(index), norms))

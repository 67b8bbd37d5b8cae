"""Layer health from the probe's activations: dead units (ReLU-like layers that never fire) and
saturated units (tanh/sigmoid stuck near their limits)."""

from __future__ import annotations

import statistics

import numpy as np

RELU_LIKE = ("ReLU", "ReLU6", "relu", "relu_", "LeakyReLU", "GELU", "SiLU", "gelu", "silu", "leaky_relu")
SATURATING = {"Tanh": (-1.0, 1.0), "tanh": (-1.0, 1.0), "Sigmoid": (0.0, 1.0), "sigmoid": (0.0, 1.0)}
UNHEALTHY = 0.5  # a fraction above this flags the layer
MIN_SAMPLES = 4  # "never fires" or "always stuck" is not said of fewer probe samples (one input is not a verdict)
EXPLODING, VANISHING = 100.0, 1e-4  # a layer's gradient norm against the median over layers


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


def gradient_flags(norms: dict[str, float]) -> dict[str, str]:
    """Layers whose gradient norm is far above (exploding) or below (vanishing) the median layer's,
    or not finite at all (exploding)."""
    finite = [v for v in norms.values() if np.isfinite(v) and v > 0]
    if not finite:
        return {}
    median = float(statistics.median(finite))  # a few numbers: numpy's median costs ~30 us a call here
    flags = {}
    for name, v in norms.items():
        if not np.isfinite(v) or v > EXPLODING * median:
            flags[name] = "exploding"
        elif v < VANISHING * median:
            flags[name] = "vanishing"
    return flags

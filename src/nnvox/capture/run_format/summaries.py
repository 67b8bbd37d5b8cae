"""What a snapshot's header says of its tensors: summaries ([min, p1, p99, max, non-finite count], from
which colour scales are fixed without reading the data), layer health, NaN/Inf counts and the alias
table. The writer makes them (`tensor_stats`, `snapshot_metadata`); a reader gets each checked
(`summary_entry`): a hostile summary must not reach a colour scale."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np

from nnvox.capture.json_checks import MAX_SIDE, Invalid, finite, json_object, parse_json, show, text
from nnvox.capture.run_format.keys import ALIASES_KEY, HEALTH_KEY, NONFINITE_KEY, NONFINITE_KINDS_KEY, STATS_KEY

STATS_SAMPLE = 16_384  # percentiles from at most this many values: within 0.1 percentile, bounded cost


def tensor_stats(a: np.ndarray, extremes: tuple[float, float] | None = None) -> list[float]:
    """[min, p1, p99, max] over finite values (robust colour limits come from these), then the
    number of non-finite values (NaN, Inf), which is reported, never hidden.

    The percentiles come from an evenly strided sample of at most STATS_SAMPLE values; min and
    max are exact (`extremes`, when the recorder measured them already, saves a pass over fp16 data,
    which numpy reduces slowly; finite extremes also mean every value is finite, so no pass counts them)."""
    flat = a.ravel()
    nonfinite = 0.0
    if extremes is None or not np.isfinite(extremes).all():
        finite_values = np.isfinite(flat)
        n_finite = int(np.count_nonzero(finite_values))
        nonfinite = float(flat.size - n_finite)
        if n_finite == 0:
            return [0.0, 0.0, 0.0, 0.0, nonfinite]
        if nonfinite:
            flat, extremes = flat[finite_values], None
    sample = flat[:: max(1, flat.size // STATS_SAMPLE)].astype(np.float32)
    # Nearest-rank percentiles by one partial sort: np.percentile costs ~70 us a call even on tiny arrays.
    last = sample.size - 1
    k1, k99 = round(0.01 * last), round(0.99 * last)
    part = np.partition(sample, (k1, k99))
    lo, hi = extremes if extremes is not None else (float(flat.min()), float(flat.max()))
    return [float(lo), float(part[k1]), float(part[k99]), float(hi), nonfinite]


def sampled(a: np.ndarray) -> np.ndarray:
    """The evenly strided sample change summaries are computed from (bounded memory and time)."""
    flat = a.ravel()
    return flat[:: max(1, flat.size // STATS_SAMPLE)].astype(np.float32)


def update_ratio(w: np.ndarray, before: np.ndarray) -> np.ndarray:
    """|w - before| / rms(w): how far each weight moved, against the size of the layer's weights
    (healthy training moves weights by about 1e-3 of their size per step). Summarised as "update/<key>"."""
    rms = float(np.sqrt(np.mean(np.square(w[np.isfinite(w)])))) if np.isfinite(w).any() else 0.0
    return np.abs(w - before) / (rms or 1.0)


def snapshot_metadata(
    summary: dict[str, list[float]], health: dict, nonfinite_kinds: dict, aliases: dict[str, str]
) -> dict[str, str]:
    """A snapshot file's header entries: every SUMMARY_KEYS entry, and the alias table if any tensor is shared."""
    metadata = {
        STATS_KEY: json.dumps(summary),
        HEALTH_KEY: json.dumps(health),
        NONFINITE_KEY: json.dumps({k: s[4] for k, s in summary.items() if s[4]}),
        # NaN, +Inf and -Inf apart, of those keys only (a softmax's -Inf mask is no fault: capture/masking.py)
        NONFINITE_KINDS_KEY: json.dumps(nonfinite_kinds),
    }
    if aliases:
        metadata[ALIASES_KEY] = json.dumps(aliases)
    return metadata


def summary_entry(metadata: dict[str, str], key: str):
    """One of SUMMARY_KEYS from a snapshot header's metadata, parsed and checked. Every snapshot nnvox
    writes holds them all: a header without one is of a layout nnvox never wrote."""
    stored = metadata.get(key)
    if stored is None:
        raise Invalid(f"its header has no {key} entry, which every nnvox snapshot holds: not a layout nnvox writes")
    return parse_metadata(key, stored)


def parse_metadata(key: str, stored: str):
    """One of nnvox's metadata entries, parsed and checked (a hostile summary must not reach a colour scale)."""
    value = json_object(parse_json(stored, f"metadata {key}"), f"metadata {key}")
    for k in value:
        text(k, f"a key of metadata {key}")
    METADATA_CHECKS[key](value)
    return value


def _check_stats(stats: dict) -> None:
    for k, s in stats.items():
        if not isinstance(s, list):
            raise Invalid(f"the summary of {show(k)} must be [min, p1, p99, max, non-finite count]")
        for v in s:
            finite(v, f"the summary of {show(k)}")
        if len(s) != 5:
            raise Invalid(f"the summary of {show(k)} must be [min, p1, p99, max, non-finite count]")
        if s[4] < 0:
            raise Invalid(f"the summary of {show(k)} counts {s[4]} non-finite values")


def _check_health(health: dict) -> None:
    """{activation key: {measure: fraction 0..1, or for "..._units" a list of unit indices}} (read on
    every move)."""
    for k, h in health.items():
        if not isinstance(h, dict):
            raise Invalid(f"the health of {show(k)} must be a JSON object, not {show(h)}")
        for measure, v in h.items():
            if measure.endswith("_units"):
                if type(v) is not list:
                    raise Invalid(f"the health of {show(k)} ({show(measure)}) must list unit indices, not {show(v)}")
                for u in v:
                    if type(u) is not int or not 0 <= u <= MAX_SIDE:
                        raise Invalid(f"a unit of {show(k)} must be a whole number 0..{MAX_SIDE}, not {show(u)}")
            elif type(v) not in (int, float) or not 0 <= v <= 1:  # (NaN fails the range too)
                raise Invalid(f"the health of {show(k)} ({show(measure)}) must be a fraction 0..1, not {show(v)}")


def _check_nonfinite(counts: dict) -> None:
    for k, v in counts.items():
        if finite(v, f"the non-finite count of {show(k)}") < 0:
            raise Invalid(f"the non-finite count of {show(k)} is negative")


def _check_nonfinite_kinds(counts: dict) -> None:
    for k, v in counts.items():
        if not isinstance(v, list) or len(v) != 3:
            raise Invalid(f"the non-finite counts of {show(k)} must be [NaN, +Inf, -Inf], not {show(v)}")
        for n in v:
            if finite(n, f"the non-finite counts of {show(k)}") < 0:
                raise Invalid(f"the non-finite counts of {show(k)} hold a negative count")


METADATA_CHECKS: dict[str, Callable[[dict], None]] = {
    STATS_KEY: _check_stats,
    HEALTH_KEY: _check_health,
    NONFINITE_KEY: _check_nonfinite,
    NONFINITE_KINDS_KEY: _check_nonfinite_kinds,
}

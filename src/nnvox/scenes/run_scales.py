"""Each block's colour scale, fixed over the whole run from the writer's summaries of every snapshot."""

from __future__ import annotations

import numpy as np

from nnvox.capture.run import Run
from nnvox.scenes.colour import ColourScale


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
    stats_key = {"weights": "", "change": "change/", "change-from-start": "since_start/"}[mode] + f"param/{wkey}"
    return scale_from_stats(run, stats_key, signed=True) if mode == "weights" else change_scale(run, stats_key)


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

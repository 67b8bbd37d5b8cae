"""Each block's colour scale, fixed over the whole run from the writer's summaries of every snapshot."""

from __future__ import annotations

import numpy as np

from nnvox.capture.run import Run
from nnvox.scenes.colour import ColourScale
from nnvox.scenes.per_architecture import per_run
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

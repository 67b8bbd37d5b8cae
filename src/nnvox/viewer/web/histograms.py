"""The histogram panel's numbers for the browser page, from scenes/histogram.py as the desktop's
panel (viewer/overlays/histogram.py) draws them: per block, what stays over the run (its title, tick
texts, each bar's colour index, the reference snapshot's outline, in the description), and per
snapshot the bars (counts of the finite values in each bin), the axis's top and the note (in each
snapshot's piece). The page only scales these to its panel.

Every block has one, a block level of detail reduced too: its bars count every value of its layer
(scenes/frames.layer_values), as the desktop's panel does. A view's HistogramSource (histogram_source)
keeps its blocks' reference bins while its snapshots are computed: the HTML export makes one per view,
`nnvox serve` and the widget one per view they keep (source.RunSource), so nothing outlives a view."""

from __future__ import annotations

import numpy as np

from nnvox.scenes.histogram import BINS, HistogramSource, notes
from nnvox.scenes.scene import Scene


def histogram_source(scene: Scene) -> HistogramSource:
    """The bins of one view's blocks: each block's current and reference snapshot's kept (a page asks
    for each snapshot's blocks in turn, each compared with the same reference)."""
    return HistogramSource(scene, cache_size=2 * len(scene.blocks) + 2)


def _fractions(values: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]


def describe_histograms(scene: Scene, sample: int, source: HistogramSource) -> dict:
    """Per block: its title, tick texts (lo, middle, hi of its scale), each bar's
    colour index on its scale and the reference snapshot's fractions and label."""
    out = {}
    for b in scene.blocks:
        hist = source.at(b.name, 0, sample=sample)
        centres = (hist.edges[:-1] + hist.edges[1:]) / 2
        lo, hi = b.scale.lo, b.scale.hi
        out[b.name] = {
            "title": hist.title,
            "ticks": [f"{v:.3g}" for v in (lo, (lo + hi) / 2, hi)],
            "bars": b.scale.quantise(centres.astype(np.float32)).tolist(),
            "reference": _fractions(hist.reference),
            "reference_label": hist.reference_label,
        }
    return {"bins": BINS, "blocks": out}


def snapshot_histograms(scene: Scene, t: int, sample: int, source: HistogramSource) -> dict:
    """Per block, at snapshot t: counts per bin (of `finite` values), the axis's top
    (a fraction; one bar far above the rest is clipped) and the note's parts."""
    out = {}
    for b in scene.blocks:
        hist = source.at(b.name, t, sample=sample)
        finite = hist.count - hist.nonfinite
        out[b.name] = {
            "counts": np.rint(hist.fractions * finite).astype(int).tolist(),
            "finite": finite,
            "top": round(hist.axis_top, 7),
            "note": notes(hist),
        }
    return out

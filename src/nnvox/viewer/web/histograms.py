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

from nnvox.scenes.histogram import BINS, CLIPPED_AXIS, CLIPS_OVER, NOTE_WORDS, OFF_SCALE_NOTED, HistogramSource
from nnvox.scenes.scene import Scene


def histogram_source(scene: Scene) -> HistogramSource:
    """The bins of one view's blocks: each block's current and reference snapshot's kept (a page asks
    for each snapshot's blocks in turn, each compared with the same reference)."""
    return HistogramSource(scene, cache_size=2 * len(scene.blocks) + 2)


def _counts(fractions: np.ndarray, finite: int) -> list[int]:
    """Fractions of `finite` values back as the counts they were divided from (exact: the page
    divides them again, as Python did, and gets the same numbers)."""
    return np.rint(np.asarray(fractions) * finite).astype(int).tolist()


def describe_histograms(scene: Scene, sample: int, source: HistogramSource) -> dict:
    """Per block: its title, tick texts (lo, middle, hi of its scale), each bar's
    colour index on its scale and the reference snapshot's fractions and label; the axis's and
    note's rule (`rule`)."""
    out = {}
    for b in scene.blocks:
        hist = source.at(b.name, 0, sample=sample)
        centres = (hist.edges[:-1] + hist.edges[1:]) / 2
        lo, hi = b.scale.lo, b.scale.hi
        out[b.name] = {
            "title": hist.title,
            "ticks": [f"{v:.3g}" for v in (lo, (lo + hi) / 2, hi)],
            "bars": b.scale.quantise(centres.astype(np.float32)).tolist(),
            "reference": [float(v) for v in hist.reference],  # unrounded: the axis's rule reads it
            "reference_label": hist.reference_label,
        }
    return {"bins": BINS, "blocks": out, "rule": axis_rule()}


def axis_rule() -> dict:
    """Histogram.axis_top's constants and notes()' words (scenes/histogram.py), which the page's
    js/histogram_rule.js applies between snapshots: one definition, Python's."""
    return {"clips_over": CLIPS_OVER, "clipped_axis": CLIPPED_AXIS, "off_scale": OFF_SCALE_NOTED, "words": NOTE_WORDS}


def snapshot_histograms(scene: Scene, t: int, sample: int, source: HistogramSource) -> dict:
    """Per block, at snapshot t, the numbers scenes/histogram.py's Histogram holds there, as counts
    (of `finite` values: the bins, those under and over the scale), NaN/Inf and all values: the page
    blends two snapshots' as HistogramSource.at does and takes the axis and note from them by
    Histogram.axis_top's and notes()' rule (js/histogram_rule.js), so between snapshots too it
    shows the desktop's axis and words."""
    out = {}
    for b in scene.blocks:
        hist = source.at(b.name, t, sample=sample)
        finite = hist.count - hist.nonfinite
        under, over = _counts([hist.below, hist.above], finite)
        out[b.name] = {
            "counts": _counts(hist.fractions, finite),
            "finite": finite,
            "under": under,
            "over": over,
            "nonfinite": hist.nonfinite,
            "count": hist.count,
        }
    return out

"""The selected layer's histogram at a timeline position: TensorBoard's histograms, for the snapshot
under the cursor, with the first snapshot's outline for comparison.

Bins span the layer's colour scale (fixed over the run), so bars never jump when the cursor moves
and each bar's colour is the colour those values have in the scene.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from nnvox.scenes.colour import ColourScale
from nnvox.scenes.heads_up import snapshot_words
from nnvox.scenes.scene import CHANGE_MODES, MODE_TEXT, Scene

BINS = 48
CLIPS_OVER = 3.0  # a bar over this many times the second tallest is clipped (axis_top) ...
CLIPPED_AXIS = 1.3  # ... the axis spanning this many times the second tallest
OFF_SCALE_NOTED = 0.0005  # the share of values off the scale the note mentions


@dataclass(frozen=True)
class Histogram:
    block: str
    title: str  # "conv1 · activations of sample 3"
    edges: np.ndarray  # BINS + 1 edges over the block's colour scale
    fractions: np.ndarray  # of the layer's finite values in each bin
    reference: np.ndarray  # the same for the reference snapshot (the first; the first change in change modes)
    reference_label: str  # "before training" (heads_up.snapshot_words)
    below: float  # fraction of finite values under the scale's range (drawn in the first bar)
    above: float  # ... and over it (drawn in the last)
    nonfinite: int  # NaN and Inf values, never binned
    count: int  # values in the layer
    scale: ColourScale
    axis: float | None = None  # a fixed height for the axis (a storyboard shot's: `steady`), else the bars'
    note: tuple[str, ...] | None = None  # fixed words for the note (a shot's), else `notes` makes them

    @property
    def peak(self) -> float:
        """The tallest bar, current or reference."""
        return float(max(self.fractions.max(initial=0.0), self.reference.max(initial=0.0), 1e-12))

    @property
    def axis_top(self) -> float:
        """The height the panel's axis spans. One bar far above all others (the zeros after a ReLU)
        is clipped, so the rest of the distribution stays visible; the panel says so."""
        if self.axis is not None:
            return self.axis
        heights = np.sort(np.maximum(self.fractions, self.reference))
        second = float(heights[-2]) if heights.size > 1 else 0.0
        return CLIPPED_AXIS * second if second > 0 and self.peak > CLIPS_OVER * second else self.peak


NOTE_SEPARATOR = "  ·  "
# notes()' words, each number put in as Python formats it (the browser page fills them alike)
NOTE_WORDS = {
    "values": "{count} values",  # count: f"{n:,}"
    "axis": "axis 0–{top}%",  # top: f"{percent:.3g}"
    "clipped": " (a {peak}% bar clipped)",  # peak: f"{percent:.0f}"
    "reference": "grey: {label}",
    "off_scale": "{share}% off the scale (end bars)",  # share: f"{percent:.1f}"
    "nonfinite": "{count} NaN/Inf",  # count: f"{n:,}"
}


def notes(hist: Histogram) -> list[str]:
    """The panel's note under its title, in parts: the values counted, the axis (and a bar it
    clips), the reference's label, what fell off the scale, NaN/Inf. A narrow panel leaves the
    leading parts out first (the desktop's and the browser page's panels alike)."""
    if hist.note is not None:
        return list(hist.note)
    top, words = hist.axis_top, NOTE_WORDS
    parts = [
        words["values"].format(count=f"{hist.count:,}"),
        words["axis"].format(top=f"{top * 100:.3g}"),
        words["reference"].format(label=hist.reference_label),
    ]
    if top < hist.peak:
        parts[1] += words["clipped"].format(peak=f"{hist.peak * 100:.0f}")
    outside = hist.below + hist.above
    if outside > OFF_SCALE_NOTED:
        parts.append(words["off_scale"].format(share=f"{outside * 100:.1f}"))
    if hist.nonfinite:
        parts.append(words["nonfinite"].format(count=f"{hist.nonfinite:,}"))
    return parts


def steady(hists: list[Histogram]) -> list[Histogram]:
    """The histograms of one shot's frames on one axis (the tallest any frame needs) with one note:
    its wording changed as the cursor moved (a bar clipped, values off the scale, the parts a narrow
    panel leaves out), which a class reads as the picture changing."""
    if not hists:
        return hists
    axis = max(h.axis_top for h in hists)
    first = hists[0]
    parts = [f"{first.count:,} values", f"axis 0–{axis * 100:.3g}%"]
    if any(h.peak > axis for h in hists):
        parts[1] += " (taller bars clipped)"
    outside = max(h.below + h.above for h in hists)
    if outside > OFF_SCALE_NOTED:
        parts.append(f"up to {outside * 100:.1f}% off the scale (end bars)")
    if nonfinite := max(h.nonfinite for h in hists):
        parts.append(f"up to {nonfinite:,} NaN/Inf")
    parts.append(f"grey: {first.reference_label}")  # last: a narrow panel leaves the leading parts out first
    return [dataclasses.replace(h, axis=axis, note=tuple(parts)) for h in hists]


def bin_values(values: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, float, float, int]:
    """Fractions per bin (values outside the edges counted into the end bins), the fractions that
    were below and above, and the number of non-finite values."""
    finite = values[np.isfinite(values)]
    nonfinite = int(values.size - finite.size)
    if finite.size == 0:
        return np.zeros(len(edges) - 1), 0.0, 0.0, nonfinite
    counts, _ = np.histogram(np.clip(finite, edges[0], edges[-1]), bins=edges)
    n = float(finite.size)
    return counts / n, float((finite < edges[0]).sum()) / n, float((finite > edges[-1]).sum()) / n, nonfinite


class HistogramSource:
    """Histograms of one scene's layers, read lazily and kept for a few snapshots."""

    def __init__(self, scene: Scene, cache_size: int = 8):
        self.scene = scene
        self._cache: OrderedDict[tuple, tuple] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def _binned(self, name: str, index: int, sample: int):
        # A view's source is shared by the threads answering its requests (`nnvox serve`): the cache is
        # looked up and filed under the lock, the binning done outside it (two threads may bin one key).
        key = (name, index, sample)
        with self._lock:
            if (kept := self._cache.get(key)) is not None:
                self._cache.move_to_end(key)
                return kept
        block = self.scene.block(name)
        edges = np.linspace(block.scale.lo, block.scale.hi, BINS + 1)
        values = self.scene.source.layer_values(index, block, sample)
        binned = (*bin_values(values, edges), values.size)
        with self._lock:
            self._cache[key] = binned
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return binned

    def _name(self, index: int) -> str:
        """Snapshot `index` as the heads-up line counts it ("before training", "epoch 1")."""
        run = getattr(self.scene.source, "run", None)  # a comparison's scene reads two runs: its own label
        if run is None:
            return self.scene.snapshot_labels[index]
        snap = run.snapshots[index]
        return snapshot_words(snap.epoch, snap.step, index)

    def at(self, name: str, t: float, *, sample: int = 0) -> Histogram:
        """Between two snapshots the bars move linearly from one to the other."""
        scene = self.scene
        block = scene.block(name)
        if scene.mode != "activations":
            sample = 0  # weights do not depend on the probe sample
        t = min(max(float(t), 0.0), scene.n_snapshots - 1.0)
        i0 = math.floor(t)
        a = t - i0
        fractions, below, above, nonfinite, count = self._binned(name, i0, sample)
        if a > 1e-6 and i0 + 1 < scene.n_snapshots:
            f1, b1, a1, n1, _ = self._binned(name, i0 + 1, sample)
            fractions = fractions + a * (f1 - fractions)
            below, above = below + a * (b1 - below), above + a * (a1 - above)
            nonfinite = n1 if a >= 0.5 else nonfinite
        # In change modes snapshot 0 is all zeros (no change yet): compare with the first change.
        ref_index = 1 if scene.mode in CHANGE_MODES and scene.n_snapshots > 1 else 0
        reference = self._binned(name, ref_index, sample)[0]
        what = MODE_TEXT[scene.mode].split(":")[0]
        if scene.mode == "activations" and block.role != "input":
            what += f" of sample {sample + 1}"
        return Histogram(
            block=name,
            title=f"{name} · {what}",
            edges=np.linspace(block.scale.lo, block.scale.hi, BINS + 1),
            fractions=fractions,
            reference=reference,
            reference_label=self._name(ref_index),
            below=below,
            above=above,
            nonfinite=nonfinite,
            count=count,
            scale=block.scale,
        )

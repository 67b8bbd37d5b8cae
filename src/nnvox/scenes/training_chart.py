"""The training chart's content as numbers, drawn alike by the desktop's inset (viewer/overlays/
metrics.py) and the browser page (viewer/web/js/metrics.js): which curves, each on its own scale
from 0 with its ends named (accuracy 0 to 100% at the left, the loss 0 to a round top at the right),
its points in runs split where a snapshot has no value (a gap, never a line starting mid-air), and a
tick label per snapshot ("before", 1, 2, ... "epoch N"). A lecturer read the old inset, whose loss
started at its maximum where the accuracy line rose to meet it, as one curve going up then down."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from nnvox.scenes.training_metrics import accuracy_name, chart_title, loss_name

ROUND_TOPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)  # times a power of ten
LEFT, RIGHT = "left", "right"  # the side a curve's scale is named on


@dataclass(frozen=True)
class ChartCurve:
    name: str  # the metric's name in the run
    title: str  # what the chart calls it ("held-out loss", "training loss")
    kind: str  # "accuracy", "loss" or "other": its colour, and whether it is dashed (a loss)
    side: str  # LEFT or RIGHT: where its scale's ends are named
    runs: tuple[np.ndarray, ...]  # (k, 2) each: x a snapshot over the last, y the value's height in its scale (0..1)
    ends: tuple[str, str]  # its scale's bottom and top as named: ("0%", "100%"), ("0", "2.5")

    @property
    def dashed(self) -> bool:
        return self.kind == "loss"


@dataclass(frozen=True)
class TrainingChart:
    snapshots: int
    curves: tuple[ChartCurve, ...]
    ticks: tuple[str, ...]  # one label per snapshot

    @property
    def tick_forms(self) -> tuple[tuple[str, ...], ...]:
        """The ticks' labels, then without the last's word ("epoch 10" as "10") for a narrow chart."""
        return self.ticks, (*self.ticks[:-1], self.ticks[-1].rpartition(" ")[2]) if self.ticks else ()


def round_top(value: float) -> float:
    """The least round number (1, 1.2, 1.5, 2, 2.5, ... times a power of ten) at or above `value`."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(r * power for r in ROUND_TOPS if r * power >= value * (1 - 1e-9))


def number_text(value: float) -> str:
    return f"{value:.3g}"


def value_runs(values: np.ndarray, n: int, bottom: float, top: float) -> tuple[np.ndarray, ...]:
    """The recorded values as runs of consecutive snapshots (x over the last snapshot, y over the
    scale), split at each missing one."""
    finite = np.isfinite(values)
    runs, start = [], None
    for i in range(len(values) + 1):
        if i < len(values) and finite[i]:
            start = i if start is None else start
        elif start is not None:
            xs = np.arange(start, i) / max(n - 1, 1)
            runs.append(np.stack([xs, (values[start:i] - bottom) / (top - bottom)], 1))
            start = None
    return tuple(runs)


def chart_curve(name: str, values, n: int, kind: str, side: str) -> ChartCurve | None:
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    if not finite.size:
        return None
    if kind == "accuracy" and finite.min() >= 0 and finite.max() <= 1:
        bottom, top, ends = 0.0, 1.0, ("0%", "100%")
    else:  # from 0 (or from a round number under it, where values go below)
        bottom = -round_top(-finite.min()) if finite.min() < 0 else 0.0
        top = round_top(finite.max()) if finite.max() > 0 else 1.0
        ends = (number_text(bottom), number_text(top))
    return ChartCurve(name, chart_title(name), kind, side, value_runs(values, n, bottom, top), ends)


def tick_text(label: str) -> str:
    """A snapshot's tick label from its scene label ("epoch 3", "step 1200", "snapshot 4"): "before"
    before training, else its count ("snapshot" labels count from 0, ticks from 1)."""
    word, _, number = label.partition(" ")
    if not re.fullmatch(r"\d+", number):
        return label
    return counted_tick(word, int(number))


def counted_tick(word: str, number: int) -> str:
    """The tick label of a snapshot counted `number` in `word`s ("epoch", "step", else its 0-based
    index): the chart's and the window slider's one wording."""
    if word in ("epoch", "step"):
        return "before" if number == 0 else f"{number:,}"
    return f"{number + 1:,}"


def snapshot_ticks(labels) -> tuple[str, ...]:
    """Each snapshot's tick label; the last names what is counted ("epoch 10"), which an axis of bare
    numbers leaves to guess."""
    ticks = [tick_text(label) for label in labels]
    word = labels[-1].partition(" ")[0] if labels else ""
    if ticks and word in ("epoch", "step") and ticks[-1] != "before":
        ticks[-1] = f"{word} {ticks[-1]}"
    return tuple(ticks)


def training_chart(metrics: dict[str, np.ndarray], snapshot_labels) -> TrainingChart:
    """The chart of a run's `metrics` (per snapshot, NaN where absent): its accuracy (left) and its
    loss (right; the held-out one where recorded, else the training loss), or else the first two
    metrics recorded."""
    n = len(snapshot_labels) or max((len(v) for v in metrics.values()), default=0)
    picked = [(accuracy_name(metrics), "accuracy"), (loss_name(metrics), "loss")]
    picked = [(name, kind) for name, kind in picked if name is not None] or [(k, "other") for k in list(metrics)[:2]]
    sides = [LEFT, RIGHT] if len(picked) > 1 else [LEFT]
    curves = (chart_curve(name, metrics[name], n, kind, side) for (name, kind), side in zip(picked, sides))
    return TrainingChart(n, tuple(c for c in curves if c is not None), snapshot_ticks(snapshot_labels))


def every_kth(lefts, rights, gap: float) -> list[bool] | None:
    """Which tick labels (their left and right edges, in pixels) to show: every k-th from the first,
    for the least k whose labels keep `gap` apart, and the last always (one of the k-th that would
    crowd it left out); None where not even the first and the last keep apart."""
    lefts, rights = np.asarray(lefts, dtype=float), np.asarray(rights, dtype=float)
    n = len(lefts)
    for k in range(1, max(n, 1) + 1):
        shown = [i % k == 0 or i == n - 1 for i in range(n)]
        before = (n - 2) // k * k  # the k-th shown before the last
        if n > 2 and lefts[-1] < rights[before] + gap:
            shown[before] = before == 0  # the first stays too: then two only
        at = np.flatnonzero(shown)
        if (lefts[at[1:]] >= rights[at[:-1]] + gap).all():
            return shown
    return None

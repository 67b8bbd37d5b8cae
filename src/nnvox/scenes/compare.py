"""Comparing two runs of one architecture, or two snapshots of one run, and their difference.

Both sides share one layout (the same blocks, channels and pooling) and one colour scale per layer
(the union of both runs' ranges), so equal colours mean equal values across the two. The difference
(left − right) is a scene of its own on a diverging scale: the layer's range maps to ±1.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnvox.capture.run import Run
from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.colour import ColourScale
from nnvox.scenes.frames import FrameSource
from nnvox.scenes.scene import Frame, Scene, SceneOptions


def check_comparable(a: Run, b: Run) -> None:
    """Same layers with the same shapes, recorded in the same detail; a one-line error otherwise."""
    if len(a.architecture.nodes) != len(b.architecture.nodes):
        raise NnvoxError(
            f"{a.name} has {len(a.architecture.nodes)} layers and {b.name} {len(b.architecture.nodes)}: "
            "compare runs of the same architecture"
        )
    for x, y in zip(a.architecture.nodes, b.architecture.nodes):
        if (x.name, x.kind, x.shape, x.params) != (y.name, y.kind, y.shape, y.params):
            raise NnvoxError(
                f"the runs differ at layer {x.name} ({x.kind} {x.shape}) / {y.name} ({y.kind} {y.shape}): "
                "compare runs of the same architecture"
            )
    if a.reduced != b.reduced:
        raise NnvoxError(
            "the runs were recorded with different level-of-detail budgets; record both alike to compare them"
        )
    if a.probe_inputs.shape != b.probe_inputs.shape:
        raise NnvoxError(
            f"the runs' probe sets differ ({a.probe_inputs.shape} and {b.probe_inputs.shape}); "
            "record both with the same probe to compare activations"
        )


def _union(a: ColourScale, b: ColourScale) -> ColourScale:
    return ColourScale(min(a.lo, b.lo), max(a.hi, b.hi), a.cmap, a.diverging)


def _difference_scale(scale: ColourScale) -> ColourScale:
    """Left − right on ±(the layer's range): a difference as large as the range is full colour."""
    limit = scale.hi if scale.diverging else scale.hi - scale.lo
    return ColourScale(-limit, limit, "difference", True)


def _difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a − b; non-finite on either side stays non-finite (Inf), padding stays NaN."""
    with np.errstate(invalid="ignore", over="ignore"):
        out = a - b
    bad = np.isinf(a) | np.isinf(b)
    if bad.any():
        out[bad] = np.inf
    return out


class DifferenceSource:
    """Frames of left − right, from the two sides' own frames."""

    def __init__(self, comparison: Comparison):
        self.comparison = comparison

    def frame_at(self, scene: Scene, t: float, *, sample: int = 0, reveal: float | None = None) -> Frame:
        left, right = self.comparison.frames(t, sample=sample, reveal=reveal)
        values = {k: _difference(left.values[k], right.values[k]) for k in left.values}
        texts = {}
        for b in scene.blocks:
            if b.role == "output":
                diffs = values[b.name].ravel()
                texts[b.name] = tuple(
                    f"{c}  {d * 100:+4.0f}%" if np.isfinite(d) else f"{c}  NaN" for c, d in zip(b.class_names, diffs)
                )
        c = self.comparison
        hud = (
            f"difference: left − right   ·   left {c.left.run_name}, {c.left.snapshot_labels[left.snapshot]}"
            f"   ·   right {c.right.run_name}, {c.right.snapshot_labels[right.snapshot]}"
        )
        return Frame(
            t=t, values=values, lit=left.lit, hud=hud, texts=texts, snapshot=right.snapshot, pulses=left.pulses
        )


@dataclass(frozen=True)
class Comparison:
    left: Scene
    right: Scene
    pin: float | None  # two snapshots of one run: the left side stays at this position; None: both follow t
    difference: Scene = dataclasses.field(init=False, repr=False)

    def __post_init__(self):
        blocks = tuple(dataclasses.replace(b, scale=_difference_scale(b.scale)) for b in self.left.blocks)
        diff = dataclasses.replace(
            self.left, run_name="difference", blocks=blocks, source=DifferenceSource(self), metrics={}
        )
        object.__setattr__(self, "difference", diff)

    @property
    def n_snapshots(self) -> int:
        return min(self.left.n_snapshots, self.right.n_snapshots)

    def left_t(self, t: float) -> float:
        return self.pin if self.pin is not None else t

    def right_t(self, t: float) -> float:
        return min(max(float(t), 0.0), self.n_snapshots - 1.0)

    def sides(self, difference: bool = False) -> list[tuple[Scene, Callable[[float], float]]]:
        """What a view draws: each side's scene and the timeline position it shows at cursor t."""
        return [(self.left, self.left_t), (self.difference if difference else self.right, self.right_t)]

    def frames(self, t: float, *, sample: int = 0, reveal: float | None = None) -> tuple[Frame, Frame]:
        return (
            self.left.frame_at(self.left_t(t), sample=sample, reveal=reveal),
            self.right.frame_at(self.right_t(t), sample=sample, reveal=reveal),
        )


def build_comparison(
    left: Run, right: Run | None = None, *, pin: float | None = None, options: SceneOptions = SceneOptions()
) -> Comparison:
    """Two runs side by side (both following the timeline), or with `right` None two snapshots of
    `left`: snapshot `pin` (default the first) on the left, the timeline position on the right."""
    if right is None:
        pin = 0.0 if pin is None else float(pin)
        if not 0 <= pin <= len(left.snapshots) - 1:
            raise NnvoxError(f"snapshot {pin:g} does not exist; the run has snapshots 0..{len(left.snapshots) - 1}")
        scene = build_scene(left, options)
        return Comparison(scene, scene, pin)
    if pin is not None:
        raise NnvoxError("pin applies to two snapshots of one run; two runs are compared at the same snapshot")
    check_comparable(left, right)
    a, b = build_scene(left, options), build_scene(right, options)
    if a.run_name == b.run_name:  # two runs of one model: tell them apart by their folders
        a, b = dataclasses.replace(a, run_name=left.path.name), dataclasses.replace(b, run_name=right.path.name)
    scales = {blk.name: blk.scale for blk in b.blocks}
    blocks = tuple(
        dataclasses.replace(blk, scale=_union(blk.scale, scales.get(blk.name, blk.scale))) for blk in a.blocks
    )
    a = dataclasses.replace(a, blocks=blocks, source=FrameSource(left, blocks, options.mode))
    b = dataclasses.replace(
        a,
        run_name=b.run_name,
        snapshot_labels=b.snapshot_labels,
        metrics=b.metrics,
        source=FrameSource(right, blocks, options.mode),
    )
    return Comparison(a, b, None)

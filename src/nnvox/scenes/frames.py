"""frame_at(t): per-block values at a timeline position, read lazily from the run and cached."""

from __future__ import annotations

import math
import textwrap
from collections import OrderedDict

import numpy as np

from nnvox.capture.detail import VIEW_PREFIX, pool_maps
from nnvox.capture.health import FLAGS, UNHEALTHY, judged, layer_health, run_gradient_flags
from nnvox.capture.masking import only_masked, softmax_fed
from nnvox.capture.run import PROBE_ROWS, Run
from nnvox.capture.writer import update_ratio
from nnvox.scenes.colour import mark_nonfinite, show_masked
from nnvox.scenes.heads_up import SEPARATOR, class_percents, lecture_line, lecture_sample, progress_text
from nnvox.scenes.layout import BlockShape, to_panels, weight_panels
from nnvox.scenes.moved_share import moved_notes
from nnvox.scenes.open_weights import open_values
from nnvox.scenes.scene import CHANGE_MODES, FROM_START, MODE_TEXT, Block, Frame, Scene
from nnvox.scenes.score_strip import score_trail


def point_along(path: np.ndarray, fraction: float) -> np.ndarray:
    """The point at `fraction` of a polyline's length."""
    seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
    target = fraction * seg.sum()
    k = int(np.searchsorted(np.cumsum(seg), target))
    k = min(k, len(seg) - 1)
    before = seg[:k].sum()
    a = (target - before) / seg[k] if seg[k] > 0 else 0.0
    return path[k] + a * (path[k + 1] - path[k])


def nearest_snapshot(t: float) -> int:
    """The snapshot nearest timeline position t: half-way between two, the later (floor(t + 0.5), as
    the browser page's Math.round; Python's round() picks the even one, so the page and the desktop
    showed different snapshots at 0.5 and 2.5)."""
    return math.floor(t + 0.5)


def lit_span(order: int, levels: int) -> tuple[float, float]:
    """The stretch of the forward pass (reveal 0..1) over which a block of graph depth `order` goes
    from unlit to fully lit. The browser page reads these spans (viewer/web/payload.py)."""
    return order / levels, (order + 1) / levels


def pulse_span(scene: Scene, target: str) -> tuple[float, float]:
    """The stretch of the pass over which an edge's dot travels: its target's lit span, so the dot
    runs the wire while the target lights and arrives (and is gone) as it is fully lit. A pass that
    holds a stage lit (the follow camera's, scenes/follow.py) holds its reveal on a level's edge,
    where no dot is mid-wire: a span begun at the source half lit left each dot standing a third of
    the way along through every hold."""
    order = {b.name: b.order for b in scene.blocks}  # (a skip edge's dot too: never mid-wire in a hold)
    return order[target] / scene.levels, (order[target] + 1.0) / scene.levels


def along(reveal: float, span: tuple[float, float]) -> float:
    """How far (0..1, unclamped) the pass at `reveal` is through `span`."""
    start, end = span
    return (reveal - start) / max(end - start, 1e-9)


def lit_at(reveal: float | None, order: int, levels: int) -> float:
    """A block's light at `reveal` (None: no pass running, everything lit)."""
    return 1.0 if reveal is None else min(1.0, max(0.0, along(reveal, lit_span(order, levels))))


def pulses(scene: Scene, reveal: float | None) -> np.ndarray:
    """During the forward pass, a dot on each edge travelling from its source to its target while
    the target lights, arriving as the target is fully lit: in an even pass something is always
    moving, and where the pass holds a stage no dot stands still mid-wire."""
    if reveal is None:
        return np.zeros((0, 3))
    points = []
    for (_, d), path in zip(scene.edges, scene.edge_paths):
        f = along(reveal, pulse_span(scene, d))
        if 0.0 < f < 1.0:
            points.append(point_along(path, f))
    return np.array(points).reshape(-1, 3)


def _lerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Between two snapshots; non-finite at either end stays non-finite (Inf), padding stays NaN."""
    with np.errstate(invalid="ignore", over="ignore"):
        out = a + np.float32(t) * (b - a)
    bad = np.isinf(a) | np.isinf(b)
    if bad.any():
        out[bad] = np.inf
    return out


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z))
    return e / e.sum()


def _fmt_metric(name: str, value: float) -> str:
    if "acc" in name.lower() and 0.0 <= value <= 1.0:
        return f"{name} {value * 100:.1f}%"
    return f"{name} {value:.4g}"


def _bound(per_snapshot: dict, keep: int = 32) -> None:
    """Forget the oldest entries of a per-snapshot cache: memory stays flat however long the run."""
    while len(per_snapshot) > keep:
        per_snapshot.pop(next(iter(per_snapshot)))


OPTIONAL = ("grad/", VIEW_PREFIX)  # absent before the first backward; pooled copies absent from older runs


def _require(run: Run, index: int, wanted: list[str], got: dict, sample: int | None) -> None:
    """A tensor the scene draws that the snapshot lacks is a one-line error, never a block of zeros
    (gradients excepted: a snapshot taken before any backward has none, and shows none; so is a
    mistake's row where the snapshot made fewer mistakes)."""
    beyond = sample is not None and run.is_mistake(sample) and sample - run.probe_count >= len(run.mistakes(index))
    for key in wanted:
        if key not in got and not key.startswith(OPTIONAL) and not (beyond and key.startswith(PROBE_ROWS)):
            raise run.lacking(index, key)


class FrameSource:
    """Reads only the tensors the scene shows, one snapshot at a time, keeping a few in memory."""

    def __init__(self, run: Run, blocks: tuple[Block, ...], mode: str = "activations", cache_size: int = 4):
        self.run = run
        self.blocks = blocks
        self.mode = mode
        self._cache: OrderedDict[tuple[int, int], dict[str, np.ndarray]] = OrderedDict()
        self._health: dict[int, dict[str, dict[str, float]]] = {}  # from activations, per snapshot
        self._merged: dict[int, dict[str, dict[str, float]]] = {}  # with gradient flags
        self._cache_size = cache_size
        # Large maps were also stored pooled as the scene pools them by default: read that copy.
        self._views = {b.key: VIEW_PREFIX + b.key for b in blocks if b.pool > 1 and run.views.get(b.key) == b.pool}
        self._channels = {
            k: b.channels
            for b in blocks
            if b.channels is not None and b.key.startswith("act/")
            for k in (b.key, self._views.get(b.key, b.key))
        }
        # Outputs only softmax-like operations consume: their -Inf may be masks, not faults (capture/masking.py).
        self._softmax_fed = {f"act/{name}" for name in softmax_fed(run.architecture)}

    def _extract(self, index: int, sample: int) -> dict[str, np.ndarray]:
        key = (index, sample)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        if self.mode == "activations" and index not in self._health:
            blocks = [b for b in self.blocks if b.key.startswith("act/") and judged(b.kind)]
            if (recorded := self.run.health(index)) is None:  # an older run: over the whole probe batch here
                full = self._mode_tensors(index, [b.key for b in blocks])
                recorded = {b.key: layer_health(b.kind, full[b.key]) for b in blocks if b.key in full}
            self._health[index] = {b.name: recorded[b.key] for b in blocks if recorded.get(b.key)}
            _bound(self._health)
        # The shown sample's shown channels only: a move reads those bytes, not the batch's.
        tensors = self._mode_tensors(
            index, [self._views.get(b.key, b.key) for b in self.blocks], sample=sample, channels=self._channels
        )
        if lacking := [k for k, v in self._views.items() if v not in tensors]:  # snapshots from before views
            tensors.update(self._mode_tensors(index, lacking, sample=sample, channels=self._channels))
        flagged = self._nonfinite_keys(index, sample)
        # A softmax's -Inf mask shows at the scale's low end, judged on the shown sample's values (a
        # recorded mistake's too); in runs that did not count -Inf apart, as a fault, as their HUD says.
        masks = self._softmax_fed if self.run.nonfinite_kinds(index) is not None else set()

        def marked(key: str, v: np.ndarray, low: float | None = None) -> np.ndarray:
            # Data NaN becomes Inf before padding (NaN) is added: both show, distinctly. Only where
            # the snapshot reports NaN/Inf: finite data stays finite through softmax, pooling and
            # differences, and most moves then skip a pass over every block.
            if flagged is not None and key not in flagged:
                return v
            if key in masks and low is not None:
                v = show_masked(v, low)
            return mark_nonfinite(v)

        out = {}
        for b in self.blocks:
            shape = BlockShape(b.role, b.panels, b.rows, b.cols)
            if b.key == "probe":
                out[b.name] = to_panels(mark_nonfinite(self.run.sample_input(index, sample)), shape)
            elif self._views.get(b.key) in tensors:
                out[b.name] = to_panels(marked(b.key, tensors[self._views[b.key]], b.scale.lo), shape)
            elif b.key not in tensors:  # no gradient in this snapshot yet (taken before any backward)
                out[b.name] = np.zeros((b.panels, b.rows, b.cols), np.float32)
            elif b.role == "weights":
                out[b.name] = weight_panels(marked(b.key, tensors[b.key]), shape)
            elif b.role == "output":
                out[b.name] = to_panels(marked(b.key, softmax(tensors[b.key])), shape)
            else:
                v = tensors[b.key]
                if b.pool > 1 and v.ndim == 3:
                    v = pool_maps(v, b.pool)
                out[b.name] = to_panels(marked(b.key, v, b.scale.lo), shape)
        self._cache[key] = out
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return out

    def _nonfinite_keys(self, index: int, sample: int) -> set[str] | None:
        """Keys whose values the mode shows at this snapshot may hold NaN/Inf (from the snapshots'
        own counts); None where unknown (a recorded mistake's rows are not counted)."""
        if self.mode == "activations" and self.run.is_mistake(sample):
            return None
        keys = set(self.run.nonfinite(index))
        if (reference := self._reference(index)) is not None:
            keys.update(self.run.nonfinite(reference))
        return keys

    def _masked(self, index: int) -> set[str]:
        """Keys whose only non-finite values at this snapshot are -Inf that softmax-like operations
        alone consume: masks, not faults (none in runs that did not count -Inf apart)."""
        kinds = self.run.nonfinite_kinds(index) or {}
        return {k for k in self._softmax_fed if k in kinds and only_masked(kinds[k])}

    def _reference(self, index: int) -> int | None:
        """The snapshot the mode compares `index` with (None: the mode shows values as they are)."""
        if self.mode not in CHANGE_MODES:
            return None
        return 0 if self.mode in FROM_START else max(index - 1, 0)

    def _mode_tensors(
        self, index: int, keys: list[str], sample: int | None = None, channels: dict[str, tuple[int, ...]] | None = None
    ) -> dict[str, np.ndarray]:
        """The snapshot's tensors as the mode shows them (weights, their change, update ratios, ...);
        with `sample`, activations of that probe sample only (and of those `channels`)."""
        wanted = [k for k in keys if k != "probe"]
        tensors = self.run.read(index, wanted, sample=sample, channels=channels, skip_missing=True)
        _require(self.run, index, wanted, tensors, sample)
        if (reference := self._reference(index)) is not None:
            before = self.run.read(reference, list(tensors), sample=sample, channels=channels, skip_missing=True)
            _require(self.run, reference, list(tensors), before, sample)
            if self.mode == "update-ratio":
                return {k: update_ratio(v, before[k]) for k, v in tensors.items() if k in before}
            if self.mode == "distance-from-start":  # how far, not which way: |w - w0|
                return {k: np.abs(v - before[k]) for k, v in tensors.items() if k in before}
            return {k: v - before[k] for k, v in tensors.items() if k in before}
        return tensors

    def layer_values(self, index: int, block: Block, sample: int = 0) -> np.ndarray:
        """All of one layer's values in the current mode (not only the channels drawn), flattened."""
        if block.key == "probe":
            return self.run.sample_input(index, sample).astype(np.float32).ravel()
        tensors = self._mode_tensors(index, [block.key], sample=sample)
        if block.key not in tensors:
            return np.zeros(0, np.float32)
        v = tensors[block.key]
        if block.role == "output":
            v = softmax(v)
        return v.ravel()

    def blends(self, sample: int) -> bool:
        """Whether a position between two snapshots blends them for `sample`: not for a recorded
        mistake (each snapshot's mistake of a rank is another input: a blend would mix two digits).
        The browser page is told per view (viewer/web/payload.py)."""
        return self.mode != "activations" or not self.run.is_mistake(sample)

    def frame_at(self, scene: Scene, t: float, *, sample: int = 0, reveal: float | None = None) -> Frame:
        n = scene.n_snapshots
        t = min(max(float(t), 0.0), n - 1.0)
        sample = int(sample) % max(scene.sample_count, 1)
        if scene.mode != "activations":
            sample = 0  # weights do not depend on the probe sample; share the cache entry
        i0 = math.floor(t)
        a = t - i0
        if not self.blends(sample):
            i0, a = nearest_snapshot(t), 0.0
        # an open weight's kernels, one a map: its closed block's tiles, cut once per snapshot (a blend of
        # tiles is the tiles of the blend)
        v0 = open_values(scene, self._extract(i0, sample))
        if a > 1e-6 and i0 + 1 < n:
            v1 = open_values(scene, self._extract(i0 + 1, sample))
            values = {k: _lerp(v0[k], v1[k], a) for k in v0}
        else:
            values = v0
        levels = scene.levels
        lit = {b.name: lit_at(reveal, b.order, levels) for b in scene.blocks}
        nearest = nearest_snapshot(t)
        texts, prediction = {}, None
        for b in scene.blocks:
            if b.role == "output":
                probs = values[b.name].ravel()[: len(b.class_names)]  # (a grid of many classes is padded)
                digits = 1 if b.cols > 1 else 0  # many classes: most are under 1%
                texts[b.name] = class_percents(b.class_names, probs, digits)  # ">99.9%", never "100%" short of 1
                if np.isfinite(probs).all():
                    prediction = b.class_names[int(np.argmax(probs))]
                else:
                    prediction = "none (the output is NaN/Inf)"
        health = self._health_at(scene, nearest)
        reached = all(lit[b.name] >= 1.0 for b in scene.blocks if b.role == "output")  # the pass has answered
        answered, pending, detail = self._hud(scene, nearest, sample, prediction, health)
        lecture = answered if reached else pending
        return Frame(
            t=t,
            health=health,
            values=values,
            lit=lit,
            hud=lecture,
            hud_detail=detail,
            hud_pending=pending,
            hud_answered=answered,
            scores=score_trail(self.run, scene, sample),
            texts=texts,
            snapshot=nearest,
            pulses=pulses(scene, reveal),
            points=scene.cloud_source.at(t) if scene.cloud_source is not None else {},
            dead=self._drawn_units(self.run.dead_units(nearest)) if scene.mode == "activations" else {},
            saturated=self._drawn_units(self.run.saturated_units(nearest)) if scene.mode == "activations" else {},
            clusters=scene.cloud_source.clusters(nearest) if scene.cloud_source is not None else {},
        )

    def _drawn_units(self, units: dict[str, list[int]] | None) -> dict[str, tuple[int, ...]]:
        """Per block, which drawn panels (channels of maps) or cells (dense units) are these units."""
        units = units or {}
        out = {}
        for b in self.blocks:
            dead = units.get(b.key)
            if not dead:
                continue
            if b.role == "feature" and b.channels is not None:
                where = {c: k for k, c in enumerate(b.channels)}
                shown = tuple(where[c] for c in dead if c in where)
            else:
                shown = tuple(c for c in dead if c < (b.panels if b.role == "feature" else b.panels * b.rows * b.cols))
            if shown:
                out[b.name] = shown
        return out

    def _health_at(self, scene: Scene, index: int) -> dict[str, dict[str, float]]:
        """Layer health (from the activations) and gradient flags (from the norms) of one snapshot,
        merged once and kept: they do not change with t within it."""
        if index not in self._merged:
            health = {k: dict(v) for k, v in self._health.get(index, {}).items()}
            # (the layers' flags, as `nnvox info` lists them; a block shows those of the layers it stands for)
            flags = run_gradient_flags(self.run, index)
            owner = {p: flags[n.name] for n in self.run.architecture.nodes if n.name in flags for p in n.params}
            for b in scene.blocks:
                found = {owner[p] for p in b.params if p in owner}
                if found:
                    health.setdefault(b.name, {})["exploding" if "exploding" in found else "vanishing"] = 1.0
            self._merged[index] = health
            _bound(self._merged)
        return self._merged[index]

    def _sample_text(self, scene: Scene, index: int, sample: int, prediction: str | None) -> str:
        label = self.run.sample_label(index, sample)
        if label is None:
            made = len(self.run.mistakes(index))
            return f"mistake {sample - scene.probe_count + 1}: none (this snapshot made {made} mistakes)"
        if label < 0:  # a model run once on an input of unknown class
            return f"sample {sample + 1}/{scene.probe_count}" + (
                f": predicted {prediction}" if prediction is not None else ""
            )
        names = self.run.class_names
        true = names[label] if names and label < len(names) else str(label)
        if self.run.is_mistake(sample):
            rank = sample - scene.probe_count + 1
            where = int(self.run.mistakes(index)[rank - 1])
            s = (
                f"most confident mistake {rank}/{scene.sample_count - scene.probe_count} "
                f"(held-out #{where}): true {true}"
            )
        else:
            s = f"sample {sample + 1}/{scene.probe_count}: true {true}"
        if prediction is not None:
            s += f", predicted {prediction}" + ("" if prediction == true else " (wrong)")
        return s

    def _hud(self, scene: Scene, index: int, sample: int, prediction: str | None, health: dict) -> tuple[str, str, str]:
        """The heads-up line in both styles, (lecture, lecture before the forward pass reaches the
        output (no answer yet), detail): see scenes/heads_up.py."""
        snap = self.run.snapshots[index]
        parts = [scene.run_name, f"{snap.label} ({index + 1}/{scene.n_snapshots})", f"mode: {MODE_TEXT[scene.mode]}"]
        if scene.mode == "activations":
            parts.append(self._sample_text(scene, index, sample, prediction))
        parts += [_fmt_metric(k, v) for k, v in snap.metrics.items()]
        progress = progress_text(snap.epoch, snap.step, index, self.run.snapshots[-1])
        notes = self._notes(scene, index) + moved_notes(self.run, scene, index)  # words the picture needs, both styles

        def lecture(answer: str | None) -> str:
            shown = self._lecture_sample(index, sample, answer) if scene.mode == "activations" else None
            return "\n".join([lecture_line(progress, snap.metrics, shown, run_name=scene.run_name), *notes])

        detail = "\n".join([SEPARATOR.join(parts), *self._flags(health), *notes])
        return lecture(prediction), lecture(None), detail

    def _lecture_sample(self, index: int, sample: int, prediction: str | None) -> str | None:
        label = self.run.sample_label(index, sample)
        if label is None:
            return "no mistake left to show"
        names = self.run.class_names
        true = None if label < 0 else names[label] if names and label < len(names) else str(label)
        return lecture_sample(true, prediction, mistake=self.run.is_mistake(sample))

    @staticmethod
    def _flags(health: dict) -> list[str]:
        """Unhealthy layers (developer detail: the lecture style leaves them to the legend)."""
        flagged = [
            f"{name} {value * 100:.0f}% {what}" if what in FLAGS else f"{name} {what} gradients"
            for name, h in health.items()
            for what, value in h.items()
            if what in (*FLAGS, "exploding", "vanishing") and value > UNHEALTHY
        ]
        if not flagged:
            return []
        more = f" and {len(flagged) - 4} more" if len(flagged) > 4 else ""
        return ["unhealthy: " + ", ".join(flagged[:4]) + more]

    def _notes(self, scene: Scene, index: int) -> list[str]:
        notes = []
        nonfinite, masked = self.run.nonfinite(index), self._masked(index)
        broken = [b.name for b in scene.blocks if nonfinite.get(b.key) and b.key not in masked]
        if broken:
            more = f" and {len(broken) - 6} more" if len(broken) > 6 else ""
            notes.append(f"NaN/Inf (magenta) in {', '.join(broken[:6])}{more}")
        if self.run.error:
            notes.append(textwrap.fill(f"shown up to where the forward pass failed: {self.run.error}", 110))
        return notes

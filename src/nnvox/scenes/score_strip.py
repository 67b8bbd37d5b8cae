"""A sample's score for its true class at every snapshot: the softmax of the run's recorded output
for that sample, read once per run and sample. The numbers behind the score chart of a scrub over
training (heads_up.ScoreTrail, viewer/overlays/score_chart.py): the lecture's 9 scored 10%, 51%,
76%, 93%, 70%, 99%, 99%, 91%, 100%, 96% and 100% from before training to epoch 10. `true_class` is
the one reading of which class is the sample's own (the scrub's stops follow the same class:
scenes/scrub_stops.answer_curve)."""

from __future__ import annotations

import weakref

import numpy as np

from nnvox.scenes.heads_up import ScoreTrail

# per run, per (sample, output key, class): every snapshot's score (a frame asks at each position)
_SCORES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def true_scores(run, key: str, sample: int, label: int) -> tuple[float, ...]:
    """Snapshot by snapshot, the softmax probability (0..1) of class `label` in the output `key`
    recorded for probe `sample`; NaN where a snapshot did not record it or it is not finite."""
    from nnvox.scenes.frames import softmax  # (frames imports this module: the class list's own softmax)

    scores = _SCORES.setdefault(run, {})
    if (sample, key, label) not in scores:
        found = []
        for index in range(len(run.snapshots)):
            out = run.read(index, [key], sample=sample, skip_missing=True).get(key)
            z = None if out is None else np.asarray(out, dtype=np.float64).ravel()
            if z is None or label >= z.size or not np.isfinite(z).all():
                found.append(float("nan"))
                continue
            found.append(float(softmax(z)[label]))
        scores[sample, key, label] = tuple(found)
    return scores[sample, key, label]


def true_class(scene, sample: int) -> int | None:
    """The class `sample` is known to be, as an index into the scene's (first) classifying output's
    classes: its probe's label; None for a recorded mistake (each snapshot's mistake of a rank is
    another input), an input of unknown class, or a label out of the output's range."""
    outputs = [b for b in scene.blocks if b.role == "output" and b.class_names]
    if not outputs or not 0 <= sample < min(scene.probe_count, len(scene.probe_labels)):
        return None
    label = int(scene.probe_labels[sample])
    return label if 0 <= label < len(outputs[0].class_names) else None


def score_trail(run, scene, sample: int) -> ScoreTrail | None:
    """`sample`'s score for its true class at every snapshot, in a picture of a recorded run's
    activations with one classifying output; None elsewhere: a weights picture, a model run once,
    an input of unknown class, or a recorded mistake (true_class)."""
    outputs = [b for b in scene.blocks if b.role == "output" and b.class_names]
    if scene.mode != "activations" or len(outputs) != 1 or len(run.snapshots) < 2:
        return None
    label = true_class(scene, sample)
    if label is None:
        return None
    last = run.snapshots[-1]
    per = "epoch" if last.epoch is not None else "step" if last.step is not None else "snapshot"
    return ScoreTrail(outputs[0].class_names[label], per, true_scores(run, outputs[0].key, sample, label))

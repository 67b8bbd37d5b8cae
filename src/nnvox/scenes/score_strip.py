"""A sample's score for its true class at every snapshot: the softmax of the run's recorded output
for that sample, read once per run and sample. The numbers behind the heads-up line's score line in
a scrub over training (heads_up.ScoreTrail): the lecture's 9 scored 10%, 51%, 76%, 93%, 70%, 99%,
99%, 91%, 100%, 96% and 100% from before training to epoch 10."""

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


def score_trail(run, scene, sample: int, index: int) -> ScoreTrail | None:
    """The trail from the first snapshot to `index` of `sample`'s score for its true class, in a
    picture of a recorded run's activations with one classifying output; None elsewhere: a weights
    picture, a model run once, an input of unknown class, or a recorded mistake (each snapshot's
    mistake of a rank is another input: its scores would follow no one digit)."""
    outputs = [b for b in scene.blocks if b.role == "output" and b.class_names]
    if scene.mode != "activations" or len(outputs) != 1 or len(run.snapshots) < 2 or run.is_mistake(sample):
        return None
    label = run.sample_label(index, sample)
    names = outputs[0].class_names
    if label is None or not 0 <= label < len(names):
        return None
    last = run.snapshots[-1]
    per = "epoch" if last.epoch is not None else "step" if last.step is not None else "snapshot"
    scores = true_scores(run, outputs[0].key, sample, label)
    return ScoreTrail(names[label], per, scores[: index + 1])

"""The heads-up line as a lecture reads it: "Epoch 12 of 12 · accuracy 97.6% · true 7, predicted 7"
(1-based epochs, "Before training" for the first snapshot, numbers to 3 significant digits); a model
run once leads with what its prediction must not be mistaken for: "untrained · random input ·
predicted 76". The
developer's line (run name, mode, sample numbers, every metric in full) is frames.py's `_hud`; which
one a picture shows is the view's `hud` option (scenes/view.py HUD_STYLES)."""

from __future__ import annotations

import math
from dataclasses import dataclass

SEPARATOR = "   ·   "
# The words capture/targets.py writes into the name of a model run once ("resnet18 (untrained) ·
# random input"): the run's only record of them (tests/scenes/test_heads_up.py ties the two).
NAME_SEPARATOR = " · "
UNTRAINED = "untrained"
RANDOM_INPUTS = ("random input", "random tokens")
BEFORE_TRAINING = "Before training"  # snapshot 0 of a run that counts epochs or steps
MOST_NAMED = 4  # layers whose share moved the line names one by one (moved_text); more: their range


def significant(value: float, digits: int = 3) -> str:
    """`value` to `digits` significant digits, trailing zeros kept: 97.6, 5.00, 100, 0.0834."""
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    places = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{places}f}"
    return text if places or abs(value) < 10**digits else f"{round(value):,}"


def metric_text(name: str, value: float) -> str:
    if "acc" in name.lower() and 0.0 <= value <= 1.0:
        return f"{name} {significant(value * 100)}%"
    return f"{name} {significant(value)}"


def progress_text(epoch: int | None, step: int | None, index: int, last) -> str | None:
    """Where in training a snapshot is; `last` is the run's last snapshot (its epoch or step is the
    total). None for a model run once."""
    for now, total, word in ((epoch, last.epoch, "Epoch"), (step, last.step, "Step")):
        if now is not None:
            if now == 0:
                return BEFORE_TRAINING
            # the last snapshot may count the other way (steps while training, an epoch at the end)
            return f"{word} {now:,}" if total is None else f"{word} {now:,} of {total:,}"
    return None if last.index == 0 else f"Snapshot {index + 1} of {last.index + 1}"


def snapshot_words(epoch: int | None, step: int | None, index: int) -> str:
    """A snapshot named in running text, as the heads-up line counts: "before training", "epoch 3",
    "step 1,200", or "snapshot 2" (1-based) where the run recorded neither."""
    for now, word in ((epoch, "epoch"), (step, "step")):
        if now is not None:
            return BEFORE_TRAINING.lower() if now == 0 else f"{word} {now:,}"
    return f"snapshot {index + 1}"


def lecture_metrics(metrics: dict[str, float]) -> list[str]:
    """Accuracy where recorded (what a class follows), else the loss; never the learning rate."""
    shown = [k for k in metrics if "acc" in k.lower()] or [k for k in metrics if "loss" in k.lower()][:1]
    return [metric_text(k, metrics[k]) for k in shown]


def lecture_sample(true: str | None, prediction: str | None, *, mistake: bool) -> str | None:
    """The sample's part: what it is and what the network read (no prediction yet: what it is alone)."""
    if prediction is None:
        return None if true is None else f"{'most confident mistake: ' if mistake else ''}true {true}"
    read = "no prediction (the output is NaN/Inf)" if prediction.startswith("none") else f"predicted {prediction}"
    if true is None:
        return read
    return f"{'most confident mistake: ' if mistake else ''}true {true}, {read}"


def run_once_caveats(run_name: str) -> list[str]:
    """What a model run once is, read from its run's name: ["untrained", "random input"] for
    "resnet18 (untrained) · random input", [] for trained weights on real data."""
    model, _, what = run_name.rpartition(NAME_SEPARATOR)
    return [UNTRAINED] * model.endswith(f"({UNTRAINED})") + [what] * (what in RANDOM_INPUTS)


def lecture_line(progress: str | None, metrics: dict[str, float], sample: str | None, *, run_name: str = "") -> str:
    """A recorded run leads with where in training it is; a model run once (no progress) with its
    caveats, so an untrained network's guess on noise never reads as a real prediction."""
    parts = [progress] if progress else run_once_caveats(run_name)
    return SEPARATOR.join([*parts, *lecture_metrics(metrics), *([sample] if sample else [])])


def moved_text(shares: dict[str, float], last_words: str) -> str | None:
    """The share of its final distance each layer has moved so far (scenes/moved_share.py), as the
    heads-up line's second line: "Moved so far, of the distance by epoch 10: conv1 54%, conv2 53%";
    more than MOST_NAMED layers, their range ("all 52 layers 48-61%"). None where no layer moved."""
    known = {k: v for k, v in shares.items() if math.isfinite(v)}
    if not known:
        return None
    if len(known) <= MOST_NAMED:
        named = ", ".join(f"{name} {percent(v)}" for name, v in known.items())
    else:
        low, high = min(known.values()), max(known.values())
        counted = f"all {len(known)}" if len(known) == len(shares) else f"{len(known)} of {len(shares)}"
        named = f"{counted} layers {percent(low)}–{percent(high)}"  # a layer that never moved: not "all"
    return f"Moved so far, of the distance by {last_words}: {named}"


@dataclass(frozen=True)
class ScoreTrail:
    """A sample's score for its true class at every snapshot of its run (softmax of the recorded
    output, 0..1; scenes/score_strip.py), for the score chart of a scrub over training (viewer/
    overlays/score_chart.py): a dip such as the lecture's epoch 4 (93% -> 70%) stays on screen to
    point at after the scrub has passed it. A list of the scores in the heads-up line read as a
    run-on row of 11 numbers in light type (lecturer's watch 5)."""

    true: str  # the class's name ("9")
    per: str  # what a snapshot counts: "epoch", "step" or "snapshot"
    scores: tuple[float, ...]  # index k: snapshot k's

    def title(self) -> str:
        """The chart's title in plain words: "score for the 9, per epoch"."""
        return f"score for the {self.true}, per {self.per}"


def percent(share: float, sign: str = "%") -> str:
    """A share as the output's class list rounds it ("51%", "100%"; `sign` "": "51"); "–" where not
    finite."""
    return f"{share * 100:.0f}{sign}" if math.isfinite(share) else "–"

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
    heads-up line's second line: "Moved so far, of its total change by epoch 10: conv1 54%, conv2 53%";
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
    return f"Moved so far, of its total change by {last_words}: {named}"


@dataclass(frozen=True)
class ScoreTrail:
    """A sample's probability for its true class at every snapshot of its run (softmax of the recorded
    output, 0..1; scenes/score_strip.py), for the score chart of a scrub over training (viewer/
    overlays/score_chart.py): a dip such as the lecture's epoch 4 (93% -> 70%) stays on screen to
    point at after the scrub has passed it. A list of the scores in the heads-up line read as a
    run-on row of 11 numbers in light type (lecturer's watch 5)."""

    true: str  # the class's name ("9")
    per: str  # what a snapshot counts: "epoch", "step" or "snapshot"
    scores: tuple[float, ...]  # index k: snapshot k's

    def title(self) -> str:
        """The chart's title in plain words: "probability of the 9, per epoch" (what it plots: the
        softmax of the scores, which the lecture's fc2 caption calls scores, watch 10)."""
        return f"probability of the {self.true}, per {self.per}"


# The one more honest form of a share that rounds to an end without being at it: a network is never
# 100% sure (the lecture's mistake, 0.99998, printed "0 100%"; its 9 at 0.9996 "9 100%", watch 10).
NEAR_ENDS = ("<0.1", ">99.9")
WIDEST_PERCENT = ">99.9%"  # the widest a probability prints (the class texts' room is measured on it)


def percent_number(share: float, places: int = 0) -> str:
    """A share's percentage to `places` decimals, "100" only for 1 and "0" only for 0: a share that
    rounds to either end without being at it gets one decimal more ("99.6", "0.3"), and where that
    still reads as the end, NEAR_ENDS (">99.9", "<0.1")."""
    value = share * 100
    if share in (0.0, 1.0):
        return f"{value:.{places}f}"
    for digits in range(places, max(places, 1) + 1):  # `places`, then one decimal where that was 0
        text = f"{value:.{digits}f}"
        if float(text) not in (0.0, 100.0):
            return text
    return NEAR_ENDS[value > 50]


def _spaces(number: str) -> int:
    """How many spaces `number` is as wide as in the overlays' font: a digit (and "<", ">") two, a
    point one (vtk's default font: 22, 24 and 11 px at 40 px, a space 11)."""
    return sum(1 if ch in ".," else 2 for ch in number)


def percent(share: float, sign: str = "%", places: int = 0) -> str:
    """A share as the output's class list prints it ("51%", "99.6%", ">99.9%", "100%" only for 1;
    `sign` "": "51"); "–" where not finite."""
    return f"{percent_number(share, places)}{sign}" if math.isfinite(share) else "–"


def class_percents(names, probabilities, places: int = 0) -> tuple[str, ...]:
    """An output's class texts ("9  >99.9%", "7     18%"): each name, two spaces and its probability
    (percent_number), the numbers padded with spaces on the left to the widest of them as drawn (at
    least "100"), so a list's percent signs stand in one column ("7    0%" under "9  100%" stood a
    digit short); "NaN" where not finite."""
    numbers = [percent_number(float(p), places) if math.isfinite(p) else "" for p in probabilities]
    widest = max([_spaces("100"), *map(_spaces, numbers)])
    return tuple(
        f"{name}  {' ' * (widest - _spaces(number))}{number}%" if number else f"{name}  NaN"
        for name, number in zip(names, numbers)
    )

"""The names the built-in trainer (`nnvox record`, `nnvox demo`) records its metrics under, and which
of a run's metrics the training chart draws. The names say what was measured: a held-out number
and a training one never share a word, so a heads-up line or a chart title reading the name cannot
pass one off as the other. A user's own Recorder calls keep whatever names they chose."""

from __future__ import annotations

HELD_OUT_ACCURACY = "held-out accuracy"  # on the dataset's test split, at every snapshot
HELD_OUT_LOSS = "held-out loss"  # mean cross-entropy on the same split, at every snapshot
TRAINING_LOSS = "loss"  # the epoch's mean training loss (none before training); an older run's name too
LEARNING_RATE = "learning rate"
OLD_ACCURACY = "accuracy"  # what runs recorded before the held-out names called the held-out accuracy


def accuracy_name(names) -> str | None:
    """The accuracy a chart draws: the held-out one where recorded, else the first named '...accuracy...'."""
    names = list(names)
    return HELD_OUT_ACCURACY if HELD_OUT_ACCURACY in names else next((k for k in names if "accuracy" in k), None)


def loss_name(names) -> str | None:
    """The loss a chart draws: the held-out one where recorded (it has a value before training), else
    the training loss, else the first named '...loss...'."""
    names = list(names)
    for name in (HELD_OUT_LOSS, TRAINING_LOSS):
        if name in names:
            return name
    return next((k for k in names if "loss" in k), None)


def chart_title(name: str) -> str:
    """A chart's title for a metric: the bare 'loss' the built-in trainer records is the training loss."""
    return "training loss" if name == TRAINING_LOSS else name

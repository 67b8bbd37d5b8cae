"""How much of its whole journey each layer's weights have made: the distance (L2) of a snapshot's
weights from the first snapshot's, as a share of the last snapshot's distance. The number behind a
distance-from-start picture's claim, shown in its heads-up line (heads_up.moved_text): the lecture's
LeNet moved 53% (conv1, conv2), 54% (fc1) and 55% (fc2) of its final distance in epoch 1."""

from __future__ import annotations

import weakref

import numpy as np

from nnvox.scenes.heads_up import moved_text, snapshot_words

# per run, each snapshot's line: a frame asks for it at every position, the weights are read once
_LINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def shown_layers(blocks) -> list:
    """The weight blocks a share is given for: those opened face-on (the shot's subject) where any
    are, else every weight block."""
    weights = [b for b in blocks if b.role == "weights"]
    opened = [b for b in weights if b.opened is not None]
    return opened or weights


def distance(run, index: int, key: str) -> float:
    """L2 distance of one weight tensor at snapshot `index` from its value at the first snapshot."""
    now, start = run.read(index, [key], skip_missing=True), run.read(0, [key], skip_missing=True)
    if key not in now or key not in start:  # not recorded in one of them: no distance to give
        return float("nan")
    return float(np.linalg.norm((now[key].astype(np.float64) - start[key]).ravel()))


def moved_shares(run, blocks, index: int) -> dict[str, float]:
    """Per shown weight block (shown_layers): its distance from the start at `index` over its
    distance at the last snapshot (NaN where the last snapshot did not move it)."""
    last = len(run.snapshots) - 1
    shares = {}
    for b in shown_layers(blocks):
        final = distance(run, last, b.key)
        shares[b.name] = distance(run, index, b.key) / final if final > 0 else float("nan")  # (NaN > 0 is False)
    return shares


def moved_notes(run, scene, index: int) -> list[str]:
    """The heads-up line's note in distance-from-start mode (none in another): each shown layer's
    share moved so far (heads_up.moved_text), read once per run, blocks and snapshot."""
    if scene.mode != "distance-from-start":
        return []
    blocks = scene.blocks
    lines = _LINES.setdefault(run, {})
    key = (index, tuple(b.key for b in shown_layers(blocks)))
    if key not in lines:
        last = run.snapshots[-1]
        text = moved_text(moved_shares(run, blocks, index), snapshot_words(last.epoch, last.step, last.index))
        lines[key] = [text] if text else []
    return lines[key]

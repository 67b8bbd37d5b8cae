"""Data-chosen holds for a scrub over training (storyboard `stops = "auto"`): the shot stands still on
the snapshots where what it shows changes most and passes briskly through the rest, so a lecturer can
point at the epoch where the answer jumps or dips and the class still sees every epoch go by.

What changes is read from the run's values as the shot shows them:
- a sample's answer (activations mode with an output column): the probability of the sample's class
  (its label; a recorded mistake: the class the last snapshot predicts), snapshot by snapshot;
- anything else (weights, distance from the start, ...): the colours on screen, as the mean square
  change of every drawn cell in its block's colour-scale span from one snapshot to the next.

Which snapshots stop, the most telling first (IMPORTANCE, as scenes/explain_pace ranks a window's
stops by name): always the first and the last (where the scrub starts and ends), then the snapshot
after the largest change (the leap: the lecture's 9 at epoch 1, 10% -> 51%), then those after each
setback, the largest first (a change against the whole scrub's direction: epoch 4, 93% -> 70%, epoch 7,
99% -> 91%, epoch 9, 100% -> 96%: "not every epoch helps" is said at each; none where what changes has
no direction, a colour change), then the others by the size of the change they bring.
A shot first keeps as many of the telling stops (the ends, the leap, the setbacks) as fit with every
other snapshot passed at PASS_SECONDS, gives the passed ones what is left up to READ_SECONDS (the
lecture's epochs: a class saw five epochs flash past at 0.5 s and read the climb as dips), then stops
more snapshots with what is still left: the pace grows with the shot, with no jump at a threshold."""

from __future__ import annotations

import itertools

import numpy as np

from nnvox.scenes.score_strip import true_class

# a stop: a lecturer points at the snapshot (the heads-up line's epoch, the answer's percentage) and
# says one sentence about it: 8-9 words at a lecture's 2.5 words a second, and the eyes' travel there
STOP_SECONDS = 3.0
# a snapshot passed through, where the shot has room: its epoch and answer read and named ("epoch 3:
# 93"), about 4 words at a lecture's 2.5 words a second
READ_SECONDS = 1.8
# ... where it has not: its epoch read in the heads-up line (a fixation on a number is about 0.3 s),
# 15 frames at 30 fps, so the count of epochs stays visible
PASS_SECONDS = 0.5
# a key stop (an answer's ends, its leap and its largest setback: what the lecture's epochs shot is about,
# epoch 0's 10%, epoch 1's 51%, epoch 4's dip to 70%, epoch 10's 100%): two sentences and a question
# to the class, where the shot has room once every other snapshot reads (watch 9 asked for about 6 s)
HOLD_SECONDS = 6.0
IMPORTANCE = ("ends", "leap", "setbacks", "others")
# a setback that stops: a fall of at least a percentage point, as the score line and the class list
# print it (a float16 answer at 1.0 wobbles by 0.0005: "100" to "100" is no dip to point at)
SETBACK_LEAST = 0.01
STOP_CHOICES = ("auto",)  # the storyboard's values for `stops`


def answer_curve(scene, sample: int, snapshots: list[int]) -> np.ndarray | None:
    """The shown answer at each of `snapshots`: the probability of the sample's class; None where
    the scene shows no sample's answer (another mode, no output column)."""
    output = [b for b in scene.blocks if b.role == "output" and b.class_names]
    if scene.mode != "activations" or not output:
        return None
    block = output[0]
    names = len(block.class_names)
    probs = np.array([scene.frame_at(k, sample=sample).values[block.name].ravel()[:names] for k in snapshots])
    label = true_class(scene, sample)  # the score chart's class (a mistake: the last snapshot's answer)
    shown = label if label is not None else int(np.nanargmax(probs[-1]))
    return probs[:, shown].astype(float)


def colour_change(scene, sample: int, snapshots: list[int]) -> np.ndarray:
    """Per step between neighbouring `snapshots`, how far the colours on screen moved: the root mean
    square change of every drawn cell, in its block's colour-scale span (0 where nothing is finite)."""
    frames = [scene.frame_at(k, sample=sample).values for k in snapshots]
    change = []
    for before, after in itertools.pairwise(frames):
        moved = []
        for b in scene.blocks:
            if b.role == "input" or b.name not in before:
                continue  # the sample's pixels do not change over training
            span = max(b.scale.hi - b.scale.lo, 1e-12)
            d = (np.asarray(after[b.name], float) - np.asarray(before[b.name], float)).ravel() / span
            moved.append(d[np.isfinite(d)])
        cells = np.concatenate(moved) if moved else np.zeros(0)
        change.append(float(np.sqrt(np.mean(cells**2))) if cells.size else 0.0)
    return np.array(change)


def telling(steps: np.ndarray, signed: bool) -> list[int]:
    """The positions (0 .. len(steps)) a lecturer points at, in IMPORTANCE order: both ends, the
    snapshot after the largest step (`steps[k - 1]` leads into position k), and where `signed` those
    after each step against the whole scrub's direction (the largest first; at least SETBACK_LEAST)."""
    last = len(steps)
    order = [0, last] if last > 0 else [0]
    size = np.abs(steps)
    by_size = [int(k) + 1 for k in np.argsort(-size, kind="stable") if size[k] > 0]
    if by_size:
        order.append(by_size[0])
    direction = np.sign(steps.sum()) if signed else 0.0
    order += [k for k in by_size if direction != 0 and -direction * steps[k - 1] >= SETBACK_LEAST]
    return list(dict.fromkeys(order))


def key_stops(steps: np.ndarray, signed: bool) -> tuple[int, ...]:
    """The telling positions held longest (HOLD_SECONDS): where `signed` (an answer), both ends, the
    leap and the largest setback, one of each kind; a colour scrub's changes have no direction to
    tell a story by, and it holds only where it ends, the trained state a lecturer sums up at (the
    distance shot's epoch 10 stood 2.6 s before its dip out, watch 10)."""
    if not signed:
        return (len(steps),)
    order = telling(steps, signed)
    last, size = len(steps), np.abs(steps)
    leap = int(np.argmax(size)) + 1 if size.size and size.max() > 0 else None
    setbacks = [k for k in order if k not in (0, last, leap)]
    return tuple(sorted({0, last, *([leap] if leap is not None else []), *setbacks[:1]}))


def _key_extra(left: float, keys: int) -> float:
    """Seconds each of `keys` key stops takes past STOP_SECONDS out of `left` (up to HOLD_SECONDS)."""
    return float(np.clip(left / keys, 0.0, HOLD_SECONDS - STOP_SECONDS)) if keys else 0.0


def ranked(steps: np.ndarray, signed: bool) -> tuple[int, ...]:
    """Every position along a scrub, the most telling first: the telling ones, then the others by
    the size of the step into them, the unchanged ones last (a float16 answer at 1.0: all counted)."""
    size = np.abs(steps)
    by_size = [int(k) + 1 for k in np.argsort(-size, kind="stable") if size[k] > 0]
    return tuple(dict.fromkeys([*telling(steps, signed), *by_size, *range(len(steps) + 1)]))


def pass_seconds(count: int, stops: int, seconds: float) -> float:
    """Seconds each passed snapshot is held where `stops` of `count` stop in a shot of `seconds`:
    what is left after the stops, shared, from PASS_SECONDS up to READ_SECONDS (the pace grows with
    the shot, never a jump between the two)."""
    passed = count - stops
    if passed <= 0:
        return READ_SECONDS
    return float(np.clip((seconds - stops * STOP_SECONDS) / passed, PASS_SECONDS, READ_SECONDS))


def kept(
    order: tuple[int, ...], seconds: float, telling_count: int | None = None, keys: tuple[int, ...] = ()
) -> tuple[int, ...]:
    """The stops a shot of `seconds` keeps, in timeline order: as many of the first `telling_count`
    of `order` (the ends, the leap, the setbacks; all of `order` by default) as fit with every other
    position passed at PASS_SECONDS, then the others' pace raised towards READ_SECONDS, then the
    `keys` among them held towards HOLD_SECONDS, then more of `order` stopped with what is left;
    the ends alone where no more fit."""
    count = len(order)
    telling_count = count if telling_count is None else telling_count

    def fits(n: int, passing: float, extra: float = 0.0) -> bool:
        return n * STOP_SECONDS + (count - n) * passing + extra <= seconds + 1e-9

    first = max((n for n in range(3, min(telling_count, count) + 1) if fits(n, PASS_SECONDS)), default=2)
    passing = pass_seconds(count, first, seconds)
    held = [k for k in keys if k in order[:first]]
    extra = len(held) * _key_extra(seconds - first * STOP_SECONDS - (count - first) * passing, len(held))
    n = max((n for n in range(first, count + 1) if fits(n, passing, extra)), default=first)
    return tuple(sorted(order[: min(n, count)]))


def needed_seconds(snapshots: int) -> float:
    """The shortest shot that shows `snapshots` readably: its two ends stopped, the others passed."""
    ends = min(snapshots, 2)
    return ends * STOP_SECONDS + (snapshots - ends) * PASS_SECONDS


def dwell(snapshots: int, stops: tuple[int, ...], seconds: float, keys: tuple[int, ...] = ()) -> np.ndarray:
    """Seconds each of `snapshots` positions is on screen: pass_seconds for each passed one (less
    where the shot is shorter than needed_seconds, evenly), the `keys` among the stops held towards
    HOLD_SECONDS with what is left past STOP_SECONDS, the stops sharing the rest equally."""
    passing = pass_seconds(snapshots, len(stops), seconds)
    held = np.full(snapshots, passing)
    passed = snapshots - len(stops)
    if len(stops) * STOP_SECONDS + passed * passing > seconds + 1e-9:  # too short: all evenly (the check names it)
        return np.full(snapshots, seconds / snapshots)
    keys = [k for k in keys if k in stops]
    extra = _key_extra(seconds - passed * passing - len(stops) * STOP_SECONDS, len(keys))
    held[list(stops)] = (seconds - passed * passing - extra * len(keys)) / len(stops)
    held[keys] += extra
    return held


def position_at(times: np.ndarray, seconds: float) -> int:
    """The position (0 ..) on screen `seconds` into a shot whose positions last `times`."""
    return min(int(np.searchsorted(np.cumsum(times), seconds, side="right")), len(times) - 1)


def scrub_stops(scene, sample: int, snapshots: list[int], seconds: float) -> tuple[tuple[int, ...], np.ndarray]:
    """The stops (positions along `snapshots`, in order) and each position's seconds for a shot of
    `seconds` scrubbing over `snapshots` of `scene`, showing `sample`."""
    if len(snapshots) < 2:
        return (0,), np.array([seconds])
    answer = answer_curve(scene, sample, snapshots)
    steps = np.diff(answer) if answer is not None else colour_change(scene, sample, snapshots)
    steps = np.nan_to_num(steps)
    signed = answer is not None
    keys = key_stops(steps, signed)
    stops = kept(ranked(steps, signed), seconds, len(telling(steps, signed)), keys)
    return stops, dwell(len(snapshots), stops, seconds, keys)
